//! The figures: each measure with its result, its target and how it compares with the sqlite3
//! shell, printed as a Markdown table at the end.

use std::fmt::Write as _;
use std::time::Duration;

#[derive(Default)]
pub struct Table {
    rows: Vec<[String; 4]>,
}

impl Table {
    pub fn add(&mut self, measure: &str, result: String, target: &str, vs_sqlite: String) {
        eprintln!("{measure}: {result}  (target {target}) {vs_sqlite}");
        self.rows.push([measure.into(), result, target.into(), vs_sqlite]);
    }

    pub fn markdown(&self) -> String {
        let mut s = String::from("| measure | result | target | vs sqlite3 shell |\n|---|---|---|---|\n");
        for r in &self.rows {
            let _ = writeln!(s, "| {} | {} | {} | {} |", r[0], r[1], r[2], r[3]);
        }
        s
    }
}

pub fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1e3)
}

/// The value below which `q` of the samples fall (nearest rank).
pub fn pct(samples: &[Duration], q: f64) -> Duration {
    let mut v = samples.to_vec();
    v.sort();
    let rank = ((q * v.len() as f64).ceil() as usize).clamp(1, v.len());
    v[rank - 1]
}

pub fn median(samples: &[Duration]) -> Duration {
    pct(samples, 0.5)
}

pub fn spread(samples: &[Duration]) -> String {
    format!(
        "median {}, p99 {}, max {} (n={})",
        ms(median(samples)),
        ms(pct(samples, 0.99)),
        ms(pct(samples, 1.0)),
        samples.len()
    )
}

pub fn mb(kb: u64) -> String {
    format!("{:.1} MB", kb as f64 / 1024.0)
}
