//! Desks started together: each a shell that first reads its stdin, so every process is started
//! and waiting before `release` closes the gate for all in one loop; no sleeps.

use std::io::Write;
use std::process::{Child, Command, Stdio};

use super::TestDesk;

/// A process waiting at the gate that then runs `commands` (each a list of duedesk arguments)
/// one after the other, printing each one's output and then `rc=N`. It has the environment
/// `TestDesk::command` gives the binary, then what `env` sets.
pub fn gated(d: &TestDesk, env: impl FnOnce(&mut Command), commands: &[Vec<String>]) -> Child {
    let bin = env!("CARGO_BIN_EXE_duedesk");
    let mut script = String::from("read _gate\n");
    for args in commands {
        let quoted: Vec<String> = args.iter().map(|a| format!("'{a}'")).collect();
        script.push_str(&format!("'{bin}' {}\necho \"rc=$?\"\n", quoted.join(" ")));
    }
    let mut c = Command::new("sh");
    c.arg("-c").arg(script);
    for (k, v) in d.command().get_envs() {
        match v {
            Some(v) => c.env(k, v),
            None => c.env_remove(k),
        };
    }
    env(&mut c);
    c.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
    c.spawn().expect("spawn a desk")
}

/// What a gated process printed, told its user and exited with, command by command.
pub struct Done {
    pub stdout: String,
    pub stderr: String,
    pub codes: Vec<i32>,
}

/// Opens the gate for all at once, then collects every process.
pub fn release(children: Vec<Child>) -> Vec<Done> {
    let mut children = children;
    for c in &mut children {
        let mut gate = c.stdin.take().expect("stdin");
        let _ = gate.write_all(b"go\n");
    }
    children
        .into_iter()
        .map(|c| {
            let out = c.wait_with_output().expect("wait");
            let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
            let codes = stdout
                .lines()
                .filter_map(|l| l.strip_prefix("rc="))
                .map(|n| n.parse().expect("rc"))
                .collect();
            Done { stdout, stderr: String::from_utf8_lossy(&out.stderr).into_owned(), codes }
        })
        .collect()
}
