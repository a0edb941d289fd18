//! The demo book.
