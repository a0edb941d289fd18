//! Desk users and store-wide settings.

use super::text_in::text_in;
use super::{AppError, Desk, Result};
use crate::domain::delinquency::DEFAULT_PENALTY_UPLIFT_PCT;
use crate::domain::input::{Lines, check_login};
use crate::domain::policy::{Policy, parse_policy};
use crate::domain::{ClassBands, Role};
use crate::store::{self, ServerMembership, StateTable, StoreError, User};

/// What became of a desk user's login role on a server when an admin changed the desk user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginRole {
    /// A file: no roles there.
    NotOnServer,
    /// The server has no role of the login's name: its DBA makes login roles.
    Missing,
    /// The role is now a member of this group role only (none: of no desk group).
    InGroup(Option<&'static str>),
}

impl From<ServerMembership> for LoginRole {
    fn from(m: ServerMembership) -> Self {
        match m {
            ServerMembership::NotOnServer => LoginRole::NotOnServer,
            ServerMembership::NoRole => LoginRole::Missing,
            ServerMembership::Member(role) => LoginRole::InGroup(role.map(store::group_role)),
        }
    }
}

/// A setting the desk knows: its name, default and what values it takes.
pub struct SettingSpec {
    pub key: &'static str,
    pub default: &'static str,
    pub help: &'static str,
    validate: fn(&str) -> Result<(), String>,
}

fn one_of(v: &str, allowed: &[&str]) -> Result<(), String> {
    if allowed.contains(&v) { Ok(()) } else { Err(format!("use one of: {}", allowed.join(", "))) }
}

pub const SETTINGS: &[SettingSpec] = &[
    SettingSpec {
        key: "conduct_profile",
        default: "cn",
        help: "conduct rules for contacts: cn (中国银行业协会 2026 指引) or us-regf (US Regulation F)",
        validate: |v| one_of(v, &["cn", "us-regf"]),
    },
    SettingSpec {
        key: "trust_env_user",
        default: "false",
        help: "let DUEDESK_USER act as another desk user and DUEDESK_NOW pin the clock (tests, demos, \
               single-user installs)",
        validate: |v| one_of(v, &["true", "false"]),
    },
    SettingSpec {
        key: "pii_full_phone",
        default: "collector",
        help: "least role that sees phone numbers in full (others see 138****5678 and use `duedesk reveal`, \
               which is audited): collector, supervisor or admin",
        validate: |v| one_of(v, &["collector", "supervisor", "admin"]),
    },
    SettingSpec {
        key: "pii_full_id",
        default: "supervisor",
        help: "least role that sees ID numbers (身份证号) in full: collector, supervisor or admin",
        validate: |v| one_of(v, &["collector", "supervisor", "admin"]),
    },
    SettingSpec {
        key: "penalty_uplift_pct",
        default: "50",
        help: "penalty interest uplift over the contract rate, percent (银发〔2003〕251号: 30 to 50)",
        validate: |v| match v.parse::<i64>() {
            Ok(n) if (30..=50).contains(&n) => Ok(()),
            _ => Err("use a whole number from 30 to 50".into()),
        },
    },
    SettingSpec {
        key: "class_bands",
        default: "standard",
        help: "five-tier floor bands: standard (2023 办法) or credit_card (1–90/91–120/121–180/>180); \
               kept for older scripts: it reads and sets the policy's [classification] bands",
        validate: |v| one_of(v, &["standard", "credit_card"]),
    },
    SettingSpec {
        key: "timezone",
        default: "UTC",
        help: "the store's time zone, an IANA name (Asia/Shanghai): quiet hours and record times are in it, \
               wherever the server runs; set when the store is made from the machine's zone",
        validate: |v| super::clock::parse_zone(v).map(|_| ()),
    },
    SettingSpec {
        key: "scorecard_weights",
        default: "collected=50,ptp_kept=20,rpc=15,cured=10,logs=5",
        help: "the collector scorecard's weights (百分制): each KPI once, whole numbers adding up to 100",
        validate: |v| crate::domain::scorecard::Weights::parse(v).map(|_| ()),
    },
    SettingSpec {
        key: "lease_minutes",
        default: "15",
        help: "how long a case opened to edit stays held for its user unless renewed, minutes (1 to 480)",
        validate: |v| match v.parse::<i64>() {
            Ok(n) if (1..=480).contains(&n) => Ok(()),
            _ => Err("use a whole number of minutes from 1 to 480".into()),
        },
    },
];

fn spec(key: &str) -> Result<&'static SettingSpec> {
    SETTINGS.iter().find(|s| s.key == key).ok_or_else(|| {
        let keys: Vec<&str> = SETTINGS.iter().map(|s| s.key).collect();
        AppError::Input(format!("unknown setting '{key}': the settings are {}", keys.join(", ")))
    })
}

/// Where the store keeps the policy in force (its TOML, every value written out).
const POLICY_KEY: &str = "policy";
/// The setting older stores used for the classification bands, now the policy's.
const CLASS_BANDS: &str = "class_bands";

fn bands_name(b: ClassBands) -> &'static str {
    match b {
        ClassBands::Standard => "standard",
        ClassBands::CreditCard => "credit_card",
    }
}

impl Desk {
    pub fn setting(&self, key: &str) -> Result<String> {
        let spec = spec(key)?;
        if key == CLASS_BANDS {
            return Ok(bands_name(self.policy.class_bands).to_string());
        }
        if key == super::clock::TIMEZONE {
            return Ok(self.zone()?.name().to_string());
        }
        Ok(store::setting_get(self.store.db(), key)?.unwrap_or_else(|| spec.default.to_string()))
    }

    /// The policy in force in the store: the one an admin set with `policy set`, else the shipped
    /// default (with the bands of an older store's `class_bands` setting, if it has one).
    fn stored_policy(&self) -> Result<Policy> {
        let conn = self.store.db();
        if let Some(text) = store::setting_get(conn, POLICY_KEY)? {
            return parse_policy(&text).map_err(|e| {
                AppError::Store(StoreError::Corrupt(format!(
                    "the store's policy does not parse ({}); an admin sets it again with `duedesk policy set FILE`",
                    e.first().map_or("", |e| e.message.as_str())
                )))
            });
        }
        let mut p = Policy::default();
        if store::setting_get(conn, CLASS_BANDS)?.as_deref() == Some("credit_card") {
            p.class_bands = ClassBands::CreditCard;
        }
        Ok(p)
    }

    /// Makes `policy` the one in force for every desk user of the store (admin), and recomputes
    /// the snapshot with its due-soon windows and classification bands in the same transaction, so
    /// lists, `show` and the next run agree. `what` names the change in the audit record.
    pub fn set_policy(&mut self, policy: &Policy, what: &str, progress: &mut dyn FnMut(u64)) -> Result<()> {
        let actor = self.actor.require(Role::Admin, "setting the escalation policy")?.login.clone();
        let (at, today) = (self.stamp(), self.as_of);
        let rules = policy.assess_rules(self.rules.penalty_uplift_pct);
        let (before, after) = (self.policy.to_toml(), policy.to_toml());
        self.store.write(|tx| -> Result<()> {
            store::setting_set(tx, POLICY_KEY, &after)?;
            let detail = serde_json::json!({ "source": what, "before": before, "after": after }).to_string();
            store::insert_audit(tx, &at, &actor, "policy_set", "setting", Some(POLICY_KEY), &detail)?;
            let day = store::snapshot_as_of(tx)?;
            if let Some(day) = day {
                store::refresh_all(tx, StateTable::Shared, day, &rules, progress)?;
            }
            // Its inspection intervals and its classes may move every loan's next inspection.
            let book = store::StateAt::shared(day.unwrap_or(today), rules);
            crate::app::inspect::schedule_book(tx, &policy.inspections, &book)?;
            // Its class bands and the holds computed with it may move classes with no row moving
            // by the date: every loan is compared once, as the whole book was just computed.
            let how =
                store::ClassMove { cause: crate::domain::ClassCause::Policy, user: Some(&actor), at: &at };
            store::note_classes(tx, &store::snapshot_loan_ids(tx)?, &book, how)?;
            Ok(())
        })?;
        self.load_rules()
    }

    pub fn settings(&self) -> Result<Vec<(&'static str, String)>> {
        SETTINGS.iter().map(|s| Ok((s.key, self.setting(s.key)?))).collect()
    }

    pub fn set_setting(&mut self, key: &str, value: &str) -> Result<()> {
        let spec = spec(key)?;
        text_in(value, &format!("setting {key}"), Lines::One)?;
        (spec.validate)(value).map_err(|why| AppError::Input(format!("setting {key} = '{value}': {why}")))?;
        if key == CLASS_BANDS {
            let mut p = self.policy.clone();
            p.class_bands =
                if value == "credit_card" { ClassBands::CreditCard } else { ClassBands::Standard };
            return self.set_policy(&p, &format!("settings set {key} {value}"), &mut |_| {});
        }
        let actor = self.actor.require(Role::Admin, "changing settings")?.login.clone();
        let at = self.stamp();
        let before = self.setting(key)?;
        self.store.write(|tx| -> Result<()> {
            store::setting_set(tx, key, value)?;
            let detail = serde_json::json!({ "before": before, "after": value }).to_string();
            store::insert_audit(tx, &at, &actor, "setting_set", "setting", Some(key), &detail)?;
            Ok(())
        })?;
        self.load_rules()
    }

    /// Reads the settings and the policy that shape delinquency figures (on opening the desk and
    /// after a change).
    pub(crate) fn load_rules(&mut self) -> Result<()> {
        self.policy = self.stored_policy()?;
        let uplift = self.setting("penalty_uplift_pct")?.parse().unwrap_or(DEFAULT_PENALTY_UPLIFT_PCT);
        self.rules = self.policy.assess_rules(uplift);
        Ok(())
    }

    /// Adds a desk user; on a server their login role joins the role's group (`LoginRole`).
    pub fn add_user(
        &mut self,
        login: &str,
        role: Role,
        display_name: Option<&str>,
    ) -> Result<(User, LoginRole)> {
        let login = check_login(login.trim()).map_err(AppError::Input)?;
        let display_name =
            display_name.map(|n| text_in(n.trim(), "the display name", Lines::One)).transpose()?;
        let actor = self.actor.require(Role::Admin, "adding desk users")?.login.clone();
        let at = self.stamp();
        self.store.write(|tx| -> Result<(User, LoginRole)> {
            if store::user_by_login(tx, login)?.is_some() {
                return Err(AppError::Input(format!("desk user '{login}' already exists")));
            }
            let id = store::insert_user(tx, login, display_name, role, &at)?;
            let detail = serde_json::json!({
                "before": null,
                "after": { "role": role.as_str(), "display_name": display_name, "active": true },
            })
            .to_string();
            store::insert_audit(tx, &at, &actor, "user_add", "user", Some(login), &detail)?;
            let user = store::user_by_id(tx, id)?
                .ok_or_else(|| AppError::Input(format!("desk user '{login}' vanished")))?;
            Ok((user, store::set_server_membership(tx, login, Some(role))?.into()))
        })
    }

    /// Disables a desk user: their records stay, they can no longer act. Their open cases keep
    /// their owner until a supervisor hands them over (`assign`): how many there are. On a server
    /// their login role leaves the desk's groups, so it reads nothing of the book.
    pub fn disable_user(&mut self, login: &str) -> Result<(u64, LoginRole)> {
        let actor = self.actor.require(Role::Admin, "disabling desk users")?.login.clone();
        if actor == login {
            return Err(AppError::Refused("an admin cannot disable their own login".into()));
        }
        let at = self.stamp();
        let membership = self.store.write(|tx| -> Result<LoginRole> {
            let Some(user) = store::user_by_login(tx, login)? else {
                return Err(AppError::Input(format!("unknown desk user '{login}'")));
            };
            store::set_user_active(tx, login, false)?;
            let detail = serde_json::json!({
                "before": { "active": user.active, "role": user.role.as_str() },
                "after": { "active": false, "role": user.role.as_str() },
            });
            store::insert_audit(tx, &at, &actor, "user_disable", "user", Some(login), &detail.to_string())?;
            Ok(store::set_server_membership(tx, login, None)?.into())
        })?;
        let user = store::user_by_login(self.store.db(), login)?
            .ok_or_else(|| AppError::Input(format!("unknown desk user '{login}'")))?;
        let at = self.state_table(&mut |_| {})?;
        Ok((
            u64::try_from(store::open_book_of(self.store.db(), at.table, user.id)?.0).unwrap_or(0),
            membership,
        ))
    }

    /// Gives a desk user another role; the role before. The store keeps an active admin. On a
    /// server an active user's login role joins the new role's group and leaves the others.
    pub fn set_role(&mut self, login: &str, role: Role) -> Result<(Role, LoginRole)> {
        let actor = self.actor.require(Role::Admin, "changing a desk user's role")?.login.clone();
        let at = self.stamp();
        let before = self.store.write(|tx| -> Result<(Role, LoginRole)> {
            let Some(user) = store::user_by_login(tx, login)? else {
                return Err(AppError::Input(format!("unknown desk user '{login}'")));
            };
            let admins =
                store::list_users(tx)?.into_iter().filter(|u| u.active && u.role == Role::Admin).count();
            if user.role == Role::Admin && role != Role::Admin && user.active && admins <= 1 {
                return Err(AppError::Refused(format!(
                    "'{login}' is the store's only admin; make another admin first"
                )));
            }
            store::set_user_role(tx, login, role)?;
            let detail = serde_json::json!({
                "before": { "role": user.role.as_str() },
                "after": { "role": role.as_str() },
            });
            store::insert_audit(tx, &at, &actor, "user_role", "user", Some(login), &detail.to_string())?;
            let membership = store::set_server_membership(tx, login, user.active.then_some(role))?.into();
            Ok((user.role, membership))
        })?;
        if login == self.actor.login {
            self.actor.user = store::user_by_login(self.store.db(), login)?;
        }
        Ok(before)
    }

    /// Enables a disabled desk user again; on a server their login role joins their role's group.
    pub fn enable_user(&mut self, login: &str) -> Result<LoginRole> {
        let actor = self.actor.require(Role::Admin, "enabling desk users")?.login.clone();
        let at = self.stamp();
        self.store.write(|tx| -> Result<LoginRole> {
            let Some(user) = store::user_by_login(tx, login)? else {
                return Err(AppError::Input(format!("unknown desk user '{login}'")));
            };
            if user.active {
                return Err(AppError::Input(format!("desk user '{login}' is already enabled")));
            }
            store::set_user_active(tx, login, true)?;
            let detail = serde_json::json!({
                "before": { "active": false, "role": user.role.as_str() },
                "after": { "active": true, "role": user.role.as_str() },
            });
            store::insert_audit(tx, &at, &actor, "user_enable", "user", Some(login), &detail.to_string())?;
            Ok(store::set_server_membership(tx, login, Some(user.role))?.into())
        })
    }

    pub fn users(&self) -> Result<Vec<User>> {
        Ok(store::list_users(self.store.db())?)
    }
}

impl Desk {
    /// A setting that is a plain flag in the store (such as `demo`), not one a user sets.
    pub fn setting_flag(&self, key: &str) -> Result<bool> {
        Ok(store::setting_get(self.store.db(), key)?.as_deref() == Some("true"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_penalty_settings_default_is_the_one_the_figures_start_from() {
        let spec = spec("penalty_uplift_pct").expect("a setting");
        assert_eq!(spec.default.parse::<i64>(), Ok(DEFAULT_PENALTY_UPLIFT_PCT));
        assert_eq!((spec.validate)(spec.default), Ok(()));
    }
}
