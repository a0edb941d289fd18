//! Early warning at the desk and on the command line (DOMAIN §9): signals raised, confirmed,
//! closed and worked with measures (`signals.rs`), the watchlist and the customer rating
//! (`watch.rs`), a supervisor's class (`classify.rs`), and what each shows (`view.rs`).

mod classify;
mod signals;
mod view;
mod watch;

pub use signals::{SignalPage, SignalQuery, WarnInput};
pub use view::{MeasureView, SignalStep, SignalView, WatchView};
pub use watch::RatingView;
