//! Waiting for what another process does (a screen, a file, a process's state) by looking again
//! and again: the wait is bounded by a number of looks, never by a clock assertion.

use std::time::Duration;

/// Looks enough for a desk on a busy two-core machine (about 20 s of pauses).
pub const LOOKS: u32 = 400;

/// The pause between two looks.
const PAUSE: Duration = Duration::from_millis(50);

/// Calls `look` until it gives a value, at most `looks` times with a short pause between. `look`
/// answers `Err` with what it saw instead; after the last look the test fails with what it waited
/// for and what it saw last.
pub fn until<T>(what: &str, looks: u32, mut look: impl FnMut() -> Result<T, String>) -> T {
    let mut seen = String::new();
    for _ in 0..looks {
        match look() {
            Ok(v) => return v,
            Err(s) => seen = s,
        }
        std::thread::sleep(PAUSE);
    }
    panic!("gave up waiting for {what} after {looks} looks; last seen:\n{seen}")
}
