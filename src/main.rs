use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = duedesk::cli::Cli::parse();
    let code = duedesk::cli::main_with(cli);
    ExitCode::from(u8::try_from(code).unwrap_or(1))
}
