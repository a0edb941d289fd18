//! Desk users and store-wide settings.

use super::{AppError, Desk, Result};
use crate::domain::{ClassBands, Role};
use crate::store::{self, User};

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
        help: "let DUEDESK_USER act as another desk user (tests, demos, single-user installs)",
        validate: |v| one_of(v, &["true", "false"]),
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
        help: "five-tier floor bands: standard (2023 办法) or credit_card (1–90/91–120/121–180/>180)",
        validate: |v| one_of(v, &["standard", "credit_card"]),
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

impl Desk {
    pub fn setting(&self, key: &str) -> Result<String> {
        let spec = spec(key)?;
        Ok(store::setting_get(self.store.conn(), key)?.unwrap_or_else(|| spec.default.to_string()))
    }

    pub fn settings(&self) -> Result<Vec<(&'static str, String)>> {
        SETTINGS.iter().map(|s| Ok((s.key, self.setting(s.key)?))).collect()
    }

    pub fn set_setting(&mut self, key: &str, value: &str) -> Result<()> {
        let spec = spec(key)?;
        (spec.validate)(value).map_err(|why| AppError::Input(format!("setting {key} = '{value}': {why}")))?;
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

    /// Reads the settings that shape delinquency figures.
    pub(crate) fn load_rules(&mut self) -> Result<()> {
        self.rules.penalty_uplift_pct = self.setting("penalty_uplift_pct")?.parse().unwrap_or(50);
        self.rules.class_bands = if self.setting("class_bands")? == "credit_card" {
            ClassBands::CreditCard
        } else {
            ClassBands::Standard
        };
        Ok(())
    }

    pub fn add_user(&mut self, login: &str, role: Role, display_name: Option<&str>) -> Result<User> {
        let login = login.trim();
        if login.is_empty() || login.chars().any(char::is_whitespace) {
            return Err(AppError::Input(format!("'{login}' is not a login name: no spaces, not empty")));
        }
        let actor = self.actor.require(Role::Admin, "adding desk users")?.login.clone();
        let at = self.stamp();
        let user = self.store.write(|tx| -> Result<User> {
            if store::user_by_login(tx, login)?.is_some() {
                return Err(AppError::Input(format!("desk user '{login}' already exists")));
            }
            let id = store::insert_user(tx, login, display_name, role, &at)?;
            let detail =
                serde_json::json!({ "role": role.as_str(), "display_name": display_name }).to_string();
            store::insert_audit(tx, &at, &actor, "user_add", "user", Some(login), &detail)?;
            store::user_by_id(tx, id)?.ok_or_else(|| AppError::Input(format!("desk user '{login}' vanished")))
        })?;
        Ok(user)
    }

    /// Disables a desk user: their records stay, they can no longer act. Their open cases keep
    /// their owner until a supervisor hands them over (`assign`).
    pub fn disable_user(&mut self, login: &str) -> Result<()> {
        let actor = self.actor.require(Role::Admin, "disabling desk users")?.login.clone();
        if actor == login {
            return Err(AppError::Refused("an admin cannot disable their own login".into()));
        }
        let at = self.stamp();
        self.store.write(|tx| -> Result<()> {
            if store::user_by_login(tx, login)?.is_none() {
                return Err(AppError::Input(format!("unknown desk user '{login}'")));
            }
            store::set_user_active(tx, login, false)?;
            store::insert_audit(tx, &at, &actor, "user_disable", "user", Some(login), "{}")?;
            Ok(())
        })
    }

    pub fn users(&self) -> Result<Vec<User>> {
        Ok(store::list_users(self.store.conn())?)
    }
}

impl Desk {
    /// A setting that is a plain flag in the store (such as `demo`), not one a user sets.
    pub fn setting_flag(&self, key: &str) -> Result<bool> {
        Ok(store::setting_get(self.store.conn(), key)?.as_deref() == Some("true"))
    }
}
