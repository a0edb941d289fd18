//! Actions shared by the command line and the terminal interface. No terminal, no SQL text:
//! the app layer asks the store and applies the domain rules, as of the desk's date and clock.

pub mod admin;
pub mod assign;
pub mod audit;
pub mod casework;
pub mod clock;
pub mod collateral;
mod correction;
pub mod demo;
pub mod desk_state;
pub mod escalate;
pub mod export;
pub mod holidays;
pub mod import;
pub mod inspect;
pub mod install;
pub mod keymap;
pub mod leases;
pub mod ledger;
pub mod legal;
pub mod moves;
pub mod notice_text;
pub mod notices;
mod out_folder;
pub mod plans;
pub mod privacy;
pub mod queue_sort;
pub mod report;
pub mod run_undo;
pub mod scorecard;
pub mod search;
pub mod store_copy;
pub mod strings;
pub mod take_back;
pub mod tasks;
pub mod team;
mod text_in;
pub mod views;
pub mod warnings;
pub mod worklog;

use chrono::{DateTime, FixedOffset, NaiveDate};

use crate::domain::policy::Policy;
use crate::domain::{AssessRules, Role};
use crate::store::{self, Store, StoreError};

/// A desk user, as the store keeps them.
pub use crate::store::User;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Bad input: usage, a malformed value, an unknown loan. Exit 2.
    #[error("{0}")]
    Input(String),
    /// A file that failed validation: one `file:line: field: message` per entry. Exit 2.
    #[error("{}", .0.join("\n"))]
    File(Vec<String>),
    /// Refused by a rule: permission, conduct, conflicting edit. Exit 3.
    #[error("{0}")]
    Refused(String),
}

impl From<rusqlite::Error> for AppError {
    fn from(e: rusqlite::Error) -> Self {
        AppError::Store(StoreError::Sqlite(e))
    }
}

impl AppError {
    /// The store holds what duedesk did not write (a broken audit chain): exit 1, as any store error.
    pub fn corrupt(what: String) -> AppError {
        AppError::Store(StoreError::Corrupt(what))
    }

    /// The process exit code of CONTRACT.md.
    pub fn exit_code(&self) -> i32 {
        match self {
            AppError::Store(
                StoreError::Missing { .. }
                | StoreError::NoFolder { .. }
                | StoreError::Tls(_)
                | StoreError::NotOnServer { .. },
            ) => 2,
            AppError::Store(StoreError::Occupied(_) | StoreError::NoRight(_) | StoreError::NoGrant(_)) => 3,
            AppError::Store(_) => 1,
            AppError::Input(_) | AppError::File(_) => 2,
            AppError::Refused(_) => 3,
        }
    }
}

pub type Result<T, E = AppError> = std::result::Result<T, E>;

/// Who is at the desk: the login, and the desk user it maps to (none: read-only).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub login: String,
    pub user: Option<User>,
    /// The store's active admins, named when something is refused so the user knows whom to ask.
    pub admins: Vec<String>,
}

impl Actor {
    pub fn role(&self) -> Option<Role> {
        self.user.as_ref().filter(|u| u.active).map(|u| u.role)
    }

    /// Refuses (exit 3) unless the actor holds `needed`, naming what was asked.
    pub fn require(&self, needed: Role, what: &str) -> Result<&User> {
        match &self.user {
            Some(u) if u.active && u.role.includes(needed) => Ok(u),
            Some(u) if !u.active => Err(AppError::Refused(format!(
                "{what}: desk user '{}' is disabled; ask {} to run `duedesk users enable {}`",
                u.login,
                self.whom_to_ask(),
                u.login
            ))),
            Some(u) => Err(AppError::Refused(format!(
                "{what} needs the {needed} role; '{}' is a {}",
                u.login, u.role
            ))),
            None => Err(AppError::Refused(format!(
                "{what}: '{}' is not a desk user, so this desk is read-only; ask {} to run `duedesk users add {} --role collector`",
                self.login,
                self.whom_to_ask(),
                self.login
            ))),
        }
    }

    /// "an admin (root, wang)": the admins by login, so a refused user knows whom to ask.
    fn whom_to_ask(&self) -> String {
        match self.admins.as_slice() {
            [] => "an admin".to_string(),
            [one] => format!("the admin {one}"),
            many => format!("an admin ({})", many.join(", ")),
        }
    }
}

/// Where the desk's clock comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clock {
    /// The system's: the only one a store that does not trust its environment takes.
    Live,
    /// Pinned by `DUEDESK_NOW` (tests and demos): it stamps contacts and audit entries and drives
    /// the conduct rules, so only a store that trusts its environment takes it (`trust_env_user`,
    /// which the demo book turns on), or a new store that `demo` is about to make a demo book.
    Pinned { making_demo: bool },
}

/// The desk user: the operating-system login, or `DUEDESK_USER` where the store trusts its
/// environment (`trusts` reads its setting `trust_env_user`, asked only when the two differ); a
/// name without control or direction characters, as it goes on every record the user makes.
pub(crate) fn desk_login<'a>(
    os_login: &'a str,
    env_user: Option<&'a str>,
    trusts: impl FnOnce() -> Result<bool>,
) -> Result<&'a str> {
    let login = match env_user.map(str::trim).filter(|u| !u.is_empty() && *u != os_login) {
        Some(user) if trusts()? => user,
        Some(user) => {
            return Err(AppError::Refused(format!(
                "DUEDESK_USER={user} is refused: this store's setting trust_env_user is off, so the desk \
                 user is the login '{os_login}'"
            )));
        }
        None => os_login,
    };
    crate::domain::input::check_text(login, crate::domain::input::Lines::One)
        .map_err(|e| AppError::Input(format!("the desk user: {e}")))?;
    Ok(login)
}

/// The desk: an open store, the business date, the clock and the user. The store is the app
/// layer's alone: the command line and the terminal reach it only through the desk's actions.
pub struct Desk {
    store: Store,
    pub as_of: NaiveDate,
    pub now: DateTime<FixedOffset>,
    pub actor: Actor,
    pub rules: AssessRules,
    /// The escalation policy in force (`policy set`, else the shipped default); `rules` carries
    /// its due-soon windows and classification bands.
    pub policy: Policy,
    /// Another connection rolls the shared book forward to the desk's date (the terminal desk's
    /// `Query::Roll`); meanwhile questions read the rows as they stand instead of rolling first.
    pub roll_elsewhere: bool,
    /// On a server, the session logs in as the book's owner, who may write all of it by SQL anyway.
    owns_book: bool,
    /// The phone search being typed, recorded in the audit log once it is over (`search.rs`).
    phone_looks: Vec<search::PhoneLook>,
}

impl Desk {
    /// Opens the store at `path` (migrating it as needed; with `create`, making the file when there
    /// is none, never its folder) and the desk on it for the operating-system login `os_login`, or
    /// for `env_user` (`DUEDESK_USER`) where the store's setting `trust_env_user` is on; elsewhere
    /// another user named is refused (exit 3), and so is a pinned clock (`Clock`), before the desk
    /// writes anything.
    pub fn open_at(
        path: &std::path::Path,
        create: bool,
        os_login: &str,
        env_user: Option<&str>,
        clock: Clock,
        as_of: NaiveDate,
        now: DateTime<FixedOffset>,
    ) -> Result<Desk> {
        let server = path.to_str().filter(|p| store::pg::is_address(p));
        let store = match server {
            Some(address) => {
                store_copy::refuse_password(address)?;
                Store::open_server(address, os_login)?
            }
            None if create => Store::open(path)?,
            None => Store::open_existing(path)?,
        };
        if let Clock::Pinned { making_demo } = clock {
            let flag =
                |key| -> Result<bool> { Ok(store::setting_get(store.db(), key)?.as_deref() == Some("true")) };
            let new_demo = making_demo && store::user_count(store.db())? == 0;
            if !(flag("trust_env_user")? || flag("demo")? || new_demo) {
                return Err(AppError::Refused(format!(
                    "DUEDESK_NOW={} is refused: it pins the clock that stamps contacts and the audit log and \
                     drives the conduct rules, and this store's setting trust_env_user is off; unset it to work \
                     on the system's clock",
                    now.to_rfc3339()
                )));
            }
        }
        // On a server the desk user is the role the session logs in as: acting as another is
        // logging in as that role. The book's owner, who may change anything by SQL already, acts
        // as a desk user in a book that trusts its environment (a demo, a test), as on a file.
        let trusts = || Ok(store::setting_get(store.db(), "trust_env_user")?.as_deref() == Some("true"));
        let login = match store.server_role() {
            Some(role) => match env_user.map(str::trim).filter(|u| !u.is_empty() && *u != role) {
                None => role.to_string(),
                Some(other) if store.session_owns_book()? && trusts()? => {
                    desk_login(role, Some(other), || Ok(true))?.to_string()
                }
                Some(other) => {
                    return Err(AppError::Refused(format!(
                        "DUEDESK_USER={other} is refused on a server: the desk user is the role the session logs in \
                         as ({role}); name the role in the address's user instead"
                    )));
                }
            },
            None => desk_login(os_login, env_user, trusts)?.to_string(),
        };
        Desk::open(store, &login, as_of, now)
    }

    /// Opens the desk for `login`. The login that creates a store becomes its first admin; on any
    /// other store opening only reads, so a desk opens while another one writes.
    pub fn open(mut store: Store, login: &str, as_of: NaiveDate, now: DateTime<FixedOffset>) -> Result<Desk> {
        if store::user_count(store.db())? == 0 {
            let at = now.to_rfc3339();
            store.write(|tx| -> Result<()> {
                if store::user_count(tx)? == 0 {
                    // The zone is a setting as any other: its audit entry says what it became,
                    // so that `audit verify` replays it.
                    if store::setting_get(tx, clock::TIMEZONE)?.is_none() {
                        let zone = clock::system_zone().name();
                        store::setting_set(tx, clock::TIMEZONE, zone)?;
                        let detail = serde_json::json!({ "before": null, "after": zone, "new_store": true });
                        let key = Some(clock::TIMEZONE);
                        store::insert_audit(tx, &at, login, "setting_set", "setting", key, &detail.to_string())?;
                    }
                    store::insert_user(tx, login, None, Role::Admin, &at)?;
                    let detail = serde_json::json!({ "before": null, "after": { "role": "admin", "active": true }, "first": true });
                    store::insert_audit(tx, &at, login, "user_add", "user", Some(login), &detail.to_string())?;
                }
                Ok(())
            })?;
        }
        let conn = store.db();
        let admins = store::list_users(conn)?
            .into_iter()
            .filter(|u| u.active && u.role == Role::Admin)
            .map(|u| u.login)
            .collect();
        let user = store::user_by_login(conn, login)?;
        let owns_book = store.session_owns_book()?;
        let mut desk = Desk {
            store,
            as_of,
            now,
            actor: Actor { login: login.to_string(), user, admins },
            rules: AssessRules::default(),
            policy: Policy::default(),
            roll_elsewhere: false,
            owns_book,
            phone_looks: Vec::new(),
        };
        desk.load_rules()?;
        // A store made before the inspection schedule: each loan's next inspection, once.
        if store::schedule_pending(desk.store.db())? {
            let (rules, day) = (desk.policy.inspections, store::snapshot_as_of(desk.store.db())?);
            let at = store::StateAt::shared(day.unwrap_or(desk.as_of), desk.rules);
            desk.store.write(|tx| inspect::schedule_book(tx, &rules, &at))?;
        }
        Ok(desk)
    }

    /// A second desk on its own connection to the same store (`Store::again`: the file, or a
    /// session of the same role on the server), for long work (the escalation run, the day's
    /// roll) beside this one's; `None` for a store in memory, which has no second connection.
    pub fn beside(&self) -> Result<Option<Desk>> {
        let Some(store) = self.store.again()? else { return Ok(None) };
        let mut desk = Desk {
            store,
            as_of: self.as_of,
            now: self.now,
            actor: self.actor.clone(),
            rules: self.rules,
            policy: self.policy.clone(),
            roll_elsewhere: false,
            owns_book: self.owns_book,
            phone_looks: Vec::new(),
        };
        // The policy and settings in force now, should an admin have changed them meanwhile.
        desk.load_rules()?;
        Ok(Some(desk))
    }

    /// The current time as stored in records.
    pub fn stamp(&self) -> String {
        self.now.to_rfc3339()
    }

    /// The same store opened as the desk of another login (as `Desk::open` does).
    pub fn reopen_as(self, login: &str) -> Result<Desk> {
        Desk::open(self.store, login, self.as_of, self.now)
    }

    /// Where a write that waits for another desk's bulk load (an import, the demo) says what it
    /// waits for; a command's stderr.
    pub fn on_wait(&mut self, note: fn(&str)) {
        self.store.on_wait(note);
    }

    /// The path (or `:memory:`) the store was opened from, for messages.
    pub fn store_label(&self) -> &str {
        self.store.label()
    }

    /// Whether the book is on a PostgreSQL server (where the desk user is the session's role).
    pub fn on_server(&self) -> bool {
        self.store.on_server()
    }

    /// How many loans the store holds (a read of a whole index: on a million loans and a cold
    /// page cache, a quarter of a second).
    pub fn loan_count(&self) -> Result<i64> {
        Ok(store::loan_count(self.store.db())?)
    }

    /// Whether the store holds any loan.
    pub fn has_loans(&self) -> Result<bool> {
        Ok(store::any_loan(self.store.db())?)
    }

    /// Whether another connection (another desk, a command, the escalation run) committed since
    /// the last call; the first call only takes note (`Store::changed_elsewhere`).
    pub fn changed_elsewhere(&self) -> Result<bool> {
        Ok(self.store.changed_elsewhere()?)
    }
}
