//! `duedesk users`: the desk's users (admin). On a server each change also puts the user's login
//! role in the desk role's group, and the command says what became of it.

use serde_json::{Value, json};

use super::args::UsersCmd;
use super::format::Format;
use super::output::{Out, done};
use crate::app::admin::LoginRole;
use crate::app::{Desk, Result};

pub(super) fn run(desk: &mut Desk, cmd: UsersCmd, format: Format, out: &Out) -> Result<()> {
    match cmd {
        UsersCmd::Add { name, role, display_name } => {
            let (user, membership) = desk.add_user(&name, role, display_name.as_deref())?;
            let said = format!("added desk user '{}' ({})", user.login, user.role);
            let mut value = serde_json::to_value(&user).unwrap_or(Value::Null);
            finish(format, &mut value, said, &user.login, membership)
        }
        UsersCmd::List => out.users(&desk.users()?),
        UsersCmd::Enable { name } => {
            let membership = desk.enable_user(&name)?;
            let mut value = json!({ "login": name, "active": true });
            finish(format, &mut value, format!("enabled desk user '{name}'"), &name, membership)
        }
        UsersCmd::Disable { name } => {
            let (owned, membership) = desk.disable_user(&name)?;
            let mut said = format!("disabled desk user '{name}'");
            if owned > 0 {
                said.push_str(&format!(
                    "\n'{name}' still owns {owned} open case{}; hand them over with: duedesk assign --from {name} --to USER",
                    if owned == 1 { "" } else { "s" }
                ));
            }
            let mut value = json!({ "login": name, "active": false, "open_cases": owned });
            finish(format, &mut value, said, &name, membership)
        }
        UsersCmd::SetRole { name, role } => {
            let (before, membership) = desk.set_role(&name, role)?;
            let mut value = json!({ "login": name, "role": role.as_str(), "before": before.as_str() });
            finish(format, &mut value, format!("desk user '{name}': {before} → {role}"), &name, membership)
        }
    }
}

/// The command's answer, with what became of the login's role on a server (a file's unchanged).
fn finish(format: Format, value: &mut Value, mut said: String, login: &str, m: LoginRole) -> Result<()> {
    let (line, field) = match m {
        LoginRole::NotOnServer => return done(format, value, &said),
        LoginRole::Missing => (
            format!(
                "no PostgreSQL role \"{login}\" on the server: its DBA makes login roles (createuser); \
                 then `duedesk users set-role {login} ROLE` puts it in the desk role's group"
            ),
            json!({ "exists": false, "group": null }),
        ),
        LoginRole::InGroup(Some(group)) => (
            format!("the server's role \"{login}\" is a member of {group} and of no other desk role"),
            json!({ "exists": true, "group": group }),
        ),
        LoginRole::InGroup(None) => (
            format!(
                "the server's role \"{login}\" is a member of no desk role: it reads nothing of the book"
            ),
            json!({ "exists": true, "group": null }),
        ),
    };
    said.push('\n');
    said.push_str(&line);
    if let Value::Object(fields) = value {
        fields.insert("server_role".into(), field);
    }
    done(format, value, &said)
}
