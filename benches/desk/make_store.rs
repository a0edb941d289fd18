//! Making the benchmark's store: the demo book, then older contacts until there are 5,000,000.

use std::path::Path;
use std::time::Instant;

use crate::binary::timed;
use crate::report::{Table, mb};
use crate::setup::{AS_OF, Res};

const LOANS: u64 = 1_000_000;
const CONTACTS: i64 = 5_000_000;

pub fn make_store(db: &Path, table: &mut Table) -> Res<()> {
    if !db.exists() {
        eprintln!("making {}: the demo book of {LOANS} loans (a few minutes)", db.display());
        let db_s = db.to_str().ok_or("store path is not UTF-8")?;
        let n = LOANS.to_string();
        let (wall, rss) = timed(&["--db", db_s, "--as-of", AS_OF, "demo", "--loans", &n, "--seed", "7"])?;
        table.add(
            &format!("demo book of {LOANS} loans (made the store)"),
            format!("{:.1} s, peak {}", wall.as_secs_f64(), mb(rss)),
            "—",
            "—".into(),
        );
    }
    let conn = rusqlite::Connection::open(db)?;
    let t = Instant::now();
    let have: i64 = conn.query_row("SELECT count(*) FROM contacts", [], |r| r.get(0))?;
    let base_max: i64 = conn.query_row("SELECT max(id) FROM contacts", [], |r| r.get(0))?;
    let mut left = CONTACTS - have;
    if left > 0 {
        eprintln!("adding {left} older contacts");
    }
    let mut years = 1;
    while left > 0 {
        let n = conn.execute(
            "INSERT INTO contacts (loan_id, customer_id, party, channel, direction, outcome, phone, note, user_id, at, \
             debtor_asked, no_disclosure_ack) \
             SELECT loan_id, customer_id, party, channel, direction, outcome, phone, note, user_id, \
             printf('%04d', CAST(substr(at, 1, 4) AS INTEGER) - ?1) || substr(at, 5), debtor_asked, no_disclosure_ack \
             FROM contacts WHERE id <= ?2 AND corrects_id IS NULL ORDER BY id LIMIT ?3",
            rusqlite::params![years, base_max, left],
        )?;
        left -= i64::try_from(n)?;
        years += 1;
    }
    conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")?;
    eprintln!("contacts padded to {CONTACTS} in {:.1} s", t.elapsed().as_secs_f64());
    Ok(())
}
