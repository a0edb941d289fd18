//! Actions shared by the command line and the terminal interface. No terminal, no SQL text:
//! the app layer asks the store and applies the domain rules, as of the desk's date and clock.

pub mod admin;
pub mod assign;
pub mod casework;
pub mod demo;
pub mod desk_state;
pub mod escalate;
pub mod import;
pub mod keymap;
pub mod leases;
pub mod legal;
pub mod moves;
pub mod notice_text;
pub mod notices;
pub mod strings;
pub mod tasks;
pub mod team;
pub mod views;

use chrono::{DateTime, FixedOffset, NaiveDate};

use crate::domain::{AssessRules, Role};
use crate::store::{self, Store, StoreError, User};

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
    /// The process exit code of CONTRACT.md.
    pub fn exit_code(&self) -> i32 {
        match self {
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
                "{what}: desk user '{}' is disabled; ask an admin to enable it",
                u.login
            ))),
            Some(u) => Err(AppError::Refused(format!(
                "{what} needs the {needed} role; '{}' is a {}",
                u.login, u.role
            ))),
            None => Err(AppError::Refused(format!(
                "{what}: '{}' is not a desk user, so this desk is read-only; ask an admin to run `duedesk users add {} --role collector`",
                self.login, self.login
            ))),
        }
    }
}

/// The desk: an open store, the business date, the clock and the user.
pub struct Desk {
    pub store: Store,
    pub as_of: NaiveDate,
    pub now: DateTime<FixedOffset>,
    pub actor: Actor,
    pub rules: AssessRules,
}

impl Desk {
    /// Opens the desk for `login`. The login that creates a store becomes its first admin.
    pub fn open(mut store: Store, login: &str, as_of: NaiveDate, now: DateTime<FixedOffset>) -> Result<Desk> {
        let at = now.to_rfc3339();
        let user = store.write(|tx| -> Result<Option<User>> {
            if store::user_count(tx)? == 0 {
                store::insert_user(tx, login, None, Role::Admin, &at)?;
            }
            Ok(store::user_by_login(tx, login)?)
        })?;
        Ok(Desk {
            store,
            as_of,
            now,
            actor: Actor { login: login.to_string(), user },
            rules: AssessRules::default(),
        })
    }

    /// The current time as stored in records.
    pub fn stamp(&self) -> String {
        self.now.to_rfc3339()
    }
}
