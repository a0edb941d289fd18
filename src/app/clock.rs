//! The store's time zone (the setting `timezone`, an IANA name): the desk's clock, quiet hours and
//! record times are in it, wherever the server runs (DOMAIN §2); times in messages are local
//! `HH:MM`, with the date when it is not today.

use chrono::{DateTime, FixedOffset, Utc};
use chrono_tz::Tz;

use super::{AppError, Desk, Result};

/// The setting that names the store's zone.
pub const TIMEZONE: &str = "timezone";

/// Reads an IANA zone name (`Asia/Shanghai`).
pub fn parse_zone(name: &str) -> Result<Tz, String> {
    name.trim().parse::<Tz>().map_err(|_| {
        format!(
            "'{name}' is not an IANA time zone name: use one such as Asia/Shanghai, Asia/Hong_Kong or UTC"
        )
    })
}

/// The zone this machine runs in: `TZ`, else `/etc/timezone`, else where `/etc/localtime` points;
/// UTC when none of them names one. A new store takes it as its `timezone`.
pub fn system_zone() -> Tz {
    let from_env = std::env::var("TZ").ok().map(|v| v.trim_start_matches(':').to_string());
    let from_file = || std::fs::read_to_string("/etc/timezone").ok().map(|s| s.trim().to_string());
    let from_link = || {
        let target = std::fs::read_link("/etc/localtime").ok()?;
        let text = target.to_string_lossy().into_owned();
        text.split_once("zoneinfo/").map(|(_, zone)| zone.to_string())
    };
    [from_env, from_file(), from_link()]
        .into_iter()
        .flatten()
        .find_map(|name| parse_zone(&name).ok())
        .unwrap_or(Tz::UTC)
}

/// `at` (RFC 3339) as the desk says it: `HH:MM` in the offset of `now`, with the date before it
/// when that is not `now`'s day.
pub fn local_time(at: &str, now: &DateTime<FixedOffset>) -> String {
    match DateTime::parse_from_rfc3339(at) {
        Ok(t) => {
            let t = t.with_timezone(now.offset());
            if t.date_naive() == now.date_naive() {
                t.format("%H:%M").to_string()
            } else {
                t.format("%Y-%m-%d %H:%M").to_string()
            }
        }
        Err(_) => at.to_string(),
    }
}

impl Desk {
    /// The store's time zone: its setting, else the machine's.
    pub fn zone(&self) -> Result<Tz> {
        match crate::store::setting_get(self.store.db(), TIMEZONE)? {
            Some(name) => {
                parse_zone(&name).map_err(|e| AppError::corrupt(format!("the setting timezone: {e}")))
            }
            None => Ok(system_zone()),
        }
    }

    /// Sets the desk's clock to the time now in the store's zone (the real clock; `DUEDESK_NOW`
    /// pins it instead).
    pub fn clock_now(&mut self) -> Result<()> {
        self.set_clock(Utc::now())
    }

    /// Sets the desk's clock to the instant `at`, in the store's zone.
    pub fn set_clock(&mut self, at: DateTime<Utc>) -> Result<()> {
        let zone = self.zone()?;
        self.now = at.with_timezone(&zone).fixed_offset();
        Ok(())
    }

    /// `at` as the desk says it: local `HH:MM`, with the date when not today.
    pub fn said_at(&self, at: &str) -> String {
        local_time(at, &self.now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zones_are_iana_names_and_times_are_said_locally() {
        assert!(parse_zone("Asia/Shanghai").is_ok());
        assert!(parse_zone("Mars/Olympus").is_err());
        let now = DateTime::parse_from_rfc3339("2026-03-01T10:00:00+08:00").expect("now");
        assert_eq!(local_time("2026-03-01T10:15:00+08:00", &now), "10:15");
        assert_eq!(local_time("2026-03-01T02:15:00.123456789Z", &now), "10:15");
        assert_eq!(local_time("2026-02-28T23:00:00+08:00", &now), "2026-02-28 23:00");
    }

    #[test]
    fn quiet_hours_are_the_store_s_not_the_server_s() {
        use crate::app::casework::ContactInput;
        use crate::domain::Outcome;
        let day = chrono::NaiveDate::from_ymd_opt(2026, 3, 1).expect("day");
        let noon = DateTime::parse_from_rfc3339("2026-03-01T12:00:00+00:00").expect("now");
        let mut desk = Desk::open(crate::store::Store::open_in_memory().expect("store"), "admin", day, noon)
            .expect("desk");
        desk.set_setting(TIMEZONE, "Asia/Shanghai").expect("an admin sets the zone");
        assert!(matches!(desk.set_setting(TIMEZONE, "Beijing"), Err(AppError::Input(_))));
        let terms = "loan_id,borrower,product,principal,annual_rate,term_months,disbursed_on,phone\n\
                     Q-1,甲,annuity,12000,0,12,2025-12-01,13800000001\n";
        let dir = tempfile::tempdir().expect("dir");
        let file = dir.path().join("q.csv");
        std::fs::write(&file, terms).expect("file");
        crate::app::import::import_loans(&mut desk, &file, &mut |_| {}).expect("import");
        // 16:32 on a UTC server is 00:32 in Beijing: quiet hours.
        desk.set_clock("2026-03-01T16:32:00Z".parse().expect("instant")).expect("clock");
        assert_eq!(desk.now.to_rfc3339(), "2026-03-02T00:32:00+08:00");
        let err = desk.log_contact(&ContactInput::call("Q-1", Outcome::NoAnswer)).expect_err("quiet hours");
        assert!(matches!(&err, AppError::Refused(m) if m.contains("08:00")), "{err}");
        // 02:00 on the server is 10:00 there: allowed, and recorded in Beijing time.
        desk.set_clock("2026-03-02T02:00:00Z".parse().expect("instant")).expect("clock");
        let logged =
            desk.log_contact(&ContactInput::call("Q-1", Outcome::NoAnswer)).expect("a call at 10:00");
        assert_eq!(logged.at, "2026-03-02T10:00:00+08:00");
    }
}
