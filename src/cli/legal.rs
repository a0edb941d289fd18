//! `duedesk legal-packet`: a folder per loan for a lawyer or an arbitration body, and `index.csv`.

use std::path::PathBuf;

use clap::Args;

use super::format::Format;
use super::output::{json, print};
use crate::app::legal::PacketQuery;
use crate::app::notice_text::NoticeLang;
use crate::app::{Desk, Result};
use crate::domain::Stage;

#[derive(Debug, Args)]
pub struct LegalPacketArgs {
    /// Loan ids (one folder each)
    pub loans: Vec<String>,
    /// Directory to write the folders and index.csv to: a new one (created) or an empty one
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Every loan at this stage (a collector: own cases), e.g. legal
    #[arg(long, value_parser = parse_stage)]
    pub stage: Option<Stage>,
    /// With --stage: at most this many loans
    #[arg(long, value_name = "N", requires = "stage")]
    pub limit: Option<u64>,
    /// packet.txt in zh (Simplified Chinese, for a Chinese court or arbitration body) or en;
    /// packet.json is the same either way
    #[arg(long, value_parser = parse_lang, default_value = "zh")]
    pub lang: NoticeLang,
}

fn parse_lang(s: &str) -> Result<NoticeLang, String> {
    s.parse()
}

fn parse_stage(s: &str) -> Result<Stage, String> {
    s.parse()
}

/// Writes the packets; prints each folder (json: the index rows).
pub fn run(desk: &mut Desk, a: &LegalPacketArgs, format: Format) -> Result<()> {
    let q = PacketQuery { loans: a.loans.clone(), stage: a.stage, limit: a.limit, lang: a.lang };
    let report = desk.legal_packets(&q, &a.out)?;
    match format {
        Format::Json => json(&report.packets),
        Format::Csv | Format::Table => {
            eprintln!("legal packets for {} loans; index {}", report.packets.len(), report.index);
            let folders: String =
                report.packets.iter().map(|r| format!("{}\n", a.out.join(&r.folder).display())).collect();
            print(&folders)
        }
    }
}
