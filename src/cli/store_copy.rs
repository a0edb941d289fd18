//! `duedesk store copy --from … --to …`: a book moved whole between a store file and a
//! PostgreSQL server (issue #20).

use std::path::{Path, PathBuf};

use clap::Subcommand;

use super::format::Format;
use super::output;
use crate::app::store_copy::{CopyReport, Place, copy_from_server};
use crate::app::{AppError, Desk, Result};

#[derive(Debug, Subcommand)]
pub enum StoreCmd {
    /// Copy a book whole, all or nothing (admin): a store file to an empty database on a
    /// PostgreSQL server, or a server's book into a new store file. The server is a
    /// postgres://… address without a password in it
    Copy {
        /// Where the book is: a store file or a postgres://… address
        #[arg(long, value_name = "FILE|ADDRESS")]
        from: String,
        /// Where it goes: an empty database (postgres://…) or a new store file
        #[arg(long, value_name = "FILE|ADDRESS")]
        to: String,
    },
}

/// Which way a copy goes, checked before any store is opened: one side a server.
pub enum Direction {
    /// From a store file, opened as the desk, to the server.
    ToServer {
        file: PathBuf,
        address: String,
    },
    FromServer {
        address: String,
        file: PathBuf,
    },
}

pub fn direction(cmd: &StoreCmd) -> Result<Direction> {
    let StoreCmd::Copy { from, to } = cmd;
    match (Place::parse(from)?, Place::parse(to)?) {
        (Place::File(file), Place::Server(address)) => Ok(Direction::ToServer { file, address }),
        (Place::Server(address), Place::File(file)) => Ok(Direction::FromServer { address, file }),
        _ => Err(AppError::Input(
            "store copy moves a book between a store file and a PostgreSQL server: one of --from and --to is a \
             postgres://… address, the other a file"
                .into(),
        )),
    }
}

/// A copy from the desk's file to the server.
pub fn to_server(desk: &mut Desk, address: &str, format: Format) -> Result<()> {
    let mut p = super::progress("copying the book");
    let report = desk.copy_to_server(address, &mut |_, n| p.tick(n))?;
    drop(p);
    print(&report, format)
}

/// A copy from the server into a new file.
pub fn from_server(
    address: &str,
    file: &Path,
    login: &str,
    env_user: Option<&str>,
    format: Format,
) -> Result<()> {
    let mut p = super::progress("copying the book");
    let report = copy_from_server(address, file, login, env_user, &mut |_, n| p.tick(n))?;
    drop(p);
    print(&report, format)
}

fn print(report: &CopyReport, format: Format) -> Result<()> {
    let said = format!(
        "copied {} rows in {} tables from {} to {}",
        report.rows,
        report.tables.len(),
        report.from,
        report.to
    );
    match format {
        // A row per table: what a script checks the copy by.
        Format::Csv => output::csv_list(report.tables.iter(), "table,rows"),
        _ => output::done(format, report, &said),
    }
}
