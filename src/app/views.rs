//! What lists, the case view and the schedule show.
