//! A desk's write that waits for a bulk load on the server says what it waits for, as on a file
//! (issue #20): the load names itself to the server while it holds the book's writer lock.

mod common;

use std::sync::mpsc::channel;
use std::sync::{Condvar, Mutex};
use std::time::Duration;

use duedesk::store::{Store, setting_get, setting_set};

static SAID: Mutex<Vec<String>> = Mutex::new(Vec::new());
static HEARD: Condvar = Condvar::new();

fn note(what: &str) {
    SAID.lock().expect("notes").push(what.to_string());
    HEARD.notify_all();
}

#[test]
fn a_write_waiting_for_a_load_on_the_server_says_what_it_waits_for() {
    let Some(server) = common::pg::fresh("load_wait") else { return };
    let url = server.url();
    let mut loader = Store::open_server(&url, "admin").expect("the loader's store");
    let mut desk = Store::open_server(&url, "admin").expect("a desk's store");
    desk.on_wait(note);

    let (holding_tx, holding) = channel();
    let (release_tx, release) = channel::<()>();
    std::thread::scope(|s| {
        let load = s.spawn(move || {
            loader.write_load("an import of loans.csv by wang", |tx| {
                holding_tx.send(()).expect("say");
                release.recv().expect("released");
                setting_set(tx, "loaded_by", "the load")
            })
        });
        holding.recv().expect("the load holds the book");
        let write = s.spawn(move || desk.write(|tx| setting_set(tx, "written_by", "a desk")));
        // Waits for the note, not for time; a minute is the test failing, not a pace.
        let said = HEARD
            .wait_timeout_while(SAID.lock().expect("notes"), Duration::from_secs(60), |v| v.is_empty())
            .expect("notes")
            .0
            .clone();
        release_tx.send(()).expect("release");
        load.join().expect("the load's thread").expect("the load commits");
        write.join().expect("the desk's thread").expect("the desk's write goes in after it");
        assert_eq!(said, ["an import of loans.csv by wang"]);
    });
    let check = Store::open_server(&url, "admin").expect("store");
    assert_eq!(setting_get(check.db(), "loaded_by").expect("read").as_deref(), Some("the load"));
    assert_eq!(setting_get(check.db(), "written_by").expect("read").as_deref(), Some("a desk"));
}
