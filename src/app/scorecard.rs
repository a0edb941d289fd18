//! The collector scorecard (考核, DOMAIN §12): per user and month the figures, the targets a
//! supervisor set, the weights in the settings and the score out of 100; a closed month is read
//! back as it was kept (`scorecard close`), whatever was recorded since.

use chrono::Duration;
use serde::{Deserialize, Serialize};

use super::{AppError, Desk, Result};
use crate::domain::report::Month;
use crate::domain::scorecard::{Figures, Kpi, Line, Weights, score};
use crate::domain::{Money, PromiseStatus, Role, promise_status};
use crate::store::{self, User, UserId};

/// The setting that holds the weights (`collected=50,ptp_kept=20,…`).
pub const WEIGHTS_SETTING: &str = "scorecard_weights";

/// One user's scorecard for a month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scorecard {
    pub month: String,
    pub user: String,
    /// Kept as it was when the month was closed.
    pub closed: bool,
    /// Out of 100, two decimals.
    pub score: String,
    #[serde(with = "money_text")]
    pub collected: Money,
    pub ptp_kept: u64,
    pub ptp_broken: u64,
    pub rpc: u64,
    pub call_attempts: u64,
    pub cured: u64,
    pub logs_on_time: u64,
    pub logs_due: u64,
    /// Each KPI: weight, target, share of the target reached, points.
    pub lines: Vec<CardLine>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardLine {
    pub kpi: String,
    pub weight: u32,
    pub target: Option<i64>,
    pub reached: Option<String>,
    pub points: String,
}

fn hundredths(v: i64) -> String {
    format!("{}.{:02}", v / 100, v % 100)
}

/// What `targets set` changes: each KPI given, its target (cents, a count, or hundredths of a
/// percent as the KPI takes it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetsRequest {
    pub user: String,
    pub month: Month,
    pub targets: Vec<(Kpi, i64)>,
}

impl Desk {
    /// The weights in force (the setting, else the default).
    pub fn scorecard_weights(&self) -> Result<Weights> {
        match store::setting_get(self.store.db(), WEIGHTS_SETTING)? {
            Some(v) => Weights::parse(&v).map_err(|e| AppError::corrupt(format!("{WEIGHTS_SETTING}: {e}"))),
            None => Ok(Weights::default()),
        }
    }

    /// Sets a user's targets for a month (supervisor, audited).
    pub fn set_targets(&mut self, req: &TargetsRequest) -> Result<Vec<(Kpi, i64)>> {
        let actor = self.actor.require(Role::Supervisor, "setting targets")?.login.clone();
        if req.targets.is_empty() {
            return Err(AppError::Input(
                "no target given: --collected, --ptp-kept, --rpc, --cured or --logs".into(),
            ));
        }
        let user = store::user_by_login(self.store.db(), &req.user)?
            .ok_or_else(|| AppError::Input(format!("no desk user '{}'", req.user)))?;
        if !store::closed_cards(self.store.db(), req.month)?.is_empty() {
            return Err(AppError::Refused(format!("the scorecards of {} are closed", req.month)));
        }
        let at = self.stamp();
        let detail = serde_json::json!({
            "month": req.month,
            "targets": req.targets.iter().map(|(k, t)| (k.as_str(), *t)).collect::<std::collections::BTreeMap<_, _>>(),
        });
        self.store.write(|tx| {
            for (kpi, t) in &req.targets {
                store::set_target(tx, user.id, req.month, *kpi, *t)?;
            }
            store::insert_audit(
                tx,
                &at,
                &actor,
                "targets_set",
                "user",
                Some(&user.login),
                &detail.to_string(),
            )
        })?;
        Ok(store::targets_of(self.store.db(), user.id, req.month)?)
    }

    /// The month's scorecards (a collector: their own only), closed ones as they were kept.
    pub fn scorecards(&self, month: Month, user: Option<&str>) -> Result<Vec<Scorecard>> {
        let me = self.actor.require(Role::Collector, "the scorecard")?.clone();
        let user = match user {
            Some(u) if u != me.login => {
                self.actor.require(Role::Supervisor, "another user's scorecard")?;
                Some(u.to_string())
            }
            Some(u) => Some(u.to_string()),
            None if me.role == Role::Collector => Some(me.login.clone()),
            None => None,
        };
        let users: Vec<User> = store::list_users(self.store.db())?
            .into_iter()
            .filter(|u| user.as_deref().is_none_or(|name| u.login == name))
            .collect();
        if let Some(name) = &user
            && users.is_empty()
        {
            return Err(AppError::Input(format!("no desk user '{name}'")));
        }
        let closed = store::closed_cards(self.store.db(), month)?;
        if !closed.is_empty() {
            let mut out = Vec::new();
            for (id, card) in closed {
                if users.iter().any(|u| u.id == id) {
                    out.push(
                        serde_json::from_str(&card)
                            .map_err(|e| AppError::corrupt(format!("a closed scorecard: {e}")))?,
                    );
                }
            }
            return Ok(out);
        }
        if month.first_day() > self.as_of {
            return Err(AppError::Input(format!("{month} has not begun on the desk's date {}", self.as_of)));
        }
        let weights = self.scorecard_weights()?;
        let (from, to) = (month.first_day(), month.last_day().min(self.as_of));
        let collected = store::collected_by_owner(self.store.db(), from, to)?;
        users
            .iter()
            .filter(|u| user.is_some() || u.role == Role::Collector || collected.contains_key(&u.id))
            .map(|u| self.card(u, month, &collected, &weights))
            .collect()
    }

    /// The promises `user` took whose grace ended in `month` (by the desk's date): kept and broken.
    fn promises_kept(&self, user: UserId, month: Month) -> Result<(u64, u64)> {
        let conn = self.store.db();
        let (from, to) = (month.first_day(), month.last_day().min(self.as_of));
        let grace = Duration::days(self.rules.promise_grace_days);
        let (mut kept, mut broken) = (0, 0);
        for p in store::promises_due_by(conn, user, from - grace, to - grace)? {
            let paid = store::paid_of(conn, p.loan)?;
            match promise_status(
                p.made_on,
                p.due_on,
                p.amount,
                &paid,
                self.as_of,
                self.rules.promise_grace_days,
            ) {
                PromiseStatus::Kept => kept += 1,
                PromiseStatus::Broken => broken += 1,
                _ => {}
            }
        }
        Ok((kept, broken))
    }

    /// Each user's promises whose grace ended in `month`, kept and broken, as the month's
    /// scorecards count them (a closed month's as kept), without the cards' other figures: the
    /// collectors and anyone else with a promise in it.
    pub(crate) fn promise_tallies(&self, month: Month) -> Result<Vec<(String, u64, u64)>> {
        if !store::closed_cards(self.store.db(), month)?.is_empty() {
            let cards = self.scorecards(month, None)?;
            return Ok(cards.into_iter().map(|c| (c.user, c.ptp_kept, c.ptp_broken)).collect());
        }
        let mut out = Vec::new();
        for u in store::list_users(self.store.db())? {
            let (kept, broken) = self.promises_kept(u.id, month)?;
            if u.role == Role::Collector || kept + broken > 0 {
                out.push((u.login, kept, broken));
            }
        }
        Ok(out)
    }

    fn card(
        &self,
        u: &User,
        month: Month,
        collected: &std::collections::HashMap<crate::store::UserId, Money>,
        weights: &Weights,
    ) -> Result<Scorecard> {
        let conn = self.store.db();
        let (from, to) = (month.first_day(), month.last_day().min(self.as_of));
        let (kept, broken) = self.promises_kept(u.id, month)?;
        let (rpc, call_attempts) = store::right_party(conn, u.id, from, to)?;

        let (logs_on_time, logs_due) = store::logs_signed(conn, u.id, from, to)?;
        let f = Figures {
            collected: collected.get(&u.id).copied().unwrap_or(Money::ZERO),
            ptp_kept: kept,
            ptp_broken: broken,
            rpc,
            call_attempts,
            cured: store::cured_by(conn, u.id, from, to)?,
            logs_on_time,
            logs_due,
        };
        let (total, lines) = score(&f, &store::targets_of(conn, u.id, month)?, weights);
        Ok(Scorecard {
            month: month.to_string(),
            user: u.login.clone(),
            closed: false,
            score: hundredths(total),
            collected: f.collected,
            ptp_kept: f.ptp_kept,
            ptp_broken: f.ptp_broken,
            rpc: f.rpc,
            call_attempts: f.call_attempts,
            cured: f.cured,
            logs_on_time: f.logs_on_time,
            logs_due: f.logs_due,
            lines: lines.iter().map(line_view).collect(),
        })
    }

    /// Closes a month that has ended: every scorecard kept as it is now (supervisor, audited).
    pub fn close_scorecards(&mut self, month: Month) -> Result<Vec<Scorecard>> {
        let actor = self.actor.require(Role::Supervisor, "closing the month's scorecards")?.login.clone();
        if month.last_day() >= self.as_of {
            return Err(AppError::Refused(format!(
                "{month} has not ended on the desk's date {}: a month is closed once it is over",
                self.as_of
            )));
        }
        if !store::closed_cards(self.store.db(), month)?.is_empty() {
            return Err(AppError::Refused(format!("the scorecards of {month} are closed already")));
        }
        let cards = self.scorecards(month, None)?;
        let users = store::list_users(self.store.db())?;
        let at = self.stamp();
        let closed: Vec<Scorecard> = cards.into_iter().map(|c| Scorecard { closed: true, ..c }).collect();
        self.store.write(|tx| -> Result<()> {
            for c in &closed {
                let Some(u) = users.iter().find(|u| u.login == c.user) else { continue };
                let card = serde_json::to_string(c).map_err(|e| AppError::corrupt(e.to_string()))?;
                store::close_card(tx, month, u.id, &card, &at, &actor)?;
            }
            let detail = serde_json::json!({ "month": month, "cards": closed.len() }).to_string();
            Ok(store::insert_audit(
                tx,
                &at,
                &actor,
                "scorecard_close",
                "month",
                Some(&month.to_string()),
                &detail,
            )?)
        })?;
        Ok(closed)
    }
}

fn line_view(l: &Line) -> CardLine {
    CardLine {
        kpi: l.kpi.as_str().to_string(),
        weight: l.weight,
        target: l.target,
        reached: l.reached.map(hundredths),
        points: hundredths(l.points),
    }
}

/// Money in a kept card as its text (`1234.56`), read back exactly.
mod money_text {
    use serde::{Deserialize, Deserializer, Serializer};

    use crate::domain::Money;

    pub fn serialize<S: Serializer>(m: &Money, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(m)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Money, D::Error> {
        let text = String::deserialize(d)?;
        Money::parse(&text).map_err(serde::de::Error::custom)
    }
}
