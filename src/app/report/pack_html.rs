//! The monthly risk report as one HTML page: tables and inline SVG charts (the NPL ratio as a
//! line, roll rates as bars, vintage curves as lines), every text escaped, in Chinese or English.
//! Pure: from the figures to a string.

use std::fmt::Write as _;

use super::figures::{CureRow, FlowRow, LargeRow, NplRow, RateRow, VintageRow};
use crate::app::notice_text::{NoticeLang, html_escape};
use crate::domain::RiskClass;
use crate::domain::report::{Month, Share};

/// The figures of one month's pack.
pub(crate) struct PackFigures<'a> {
    pub month: Month,
    pub prev: Option<Month>,
    pub prepared: &'a str,
    pub migration: &'a [FlowRow],
    pub migration_rates: &'a [RateRow],
    pub roll_rates: &'a [RateRow],
    pub npl: &'a [NplRow],
    pub vintage: &'a [VintageRow],
    pub cure: &'a [CureRow],
    pub large: &'a [LargeRow],
}

struct Words {
    title: &'static str,
    prepared: &'static str,
    npl: &'static str,
    migration: &'static str,
    migration_rates: &'static str,
    roll: &'static str,
    vintage: &'static str,
    cure: &'static str,
    large: &'static str,
    none_before: &'static str,
    none: &'static str,
    heads_npl: [&'static str; 4],
    heads_rate: [&'static str; 5],
    heads_cure: [&'static str; 4],
    heads_large: [&'static str; 5],
    closed: &'static str,
    written_off: &'static str,
    worse: &'static str,
    into_npl: &'static str,
}

const ZH: Words = Words {
    title: "风险报告 · 月末",
    prepared: "编制",
    npl: "不良贷款率（近 12 个月末）",
    migration: "五级分类迁徙矩阵（期初本金）",
    migration_rates: "迁徙率",
    roll: "滚动率 Mi→Mi+1（按本金）",
    vintage: "账龄分析：逾期 30 天以上占放款本金比例",
    cure: "逾期治愈率",
    large: "大额客户（本金余额 ≥ 500,000.00）",
    none_before: "没有更早的月末数据可供比较。",
    none: "无。",
    heads_npl: ["月末", "贷款余额", "不良余额", "不良率 %"],
    heads_rate: ["期初", "去向", "期初本金", "计算基数", "比率 %"],
    heads_cure: ["期初逾期笔数", "治愈笔数", "按笔数 %", "按本金 %"],
    heads_large: ["客户", "笔数", "本金余额", "最高逾期天数", "五级分类"],
    closed: "结清",
    written_off: "核销",
    worse: "下迁",
    into_npl: "迁入不良",
};

const EN: Words = Words {
    title: "Risk report · month-end",
    prepared: "Prepared",
    npl: "NPL ratio over 12 month-ends",
    migration: "Five-tier class migration (principal at the first month-end)",
    migration_rates: "Migration rates",
    roll: "Roll rates Mi→Mi+1 (by principal)",
    vintage: "Vintage: share of disbursed principal 30+ DPD",
    cure: "Cure rate",
    large: "Large customers (outstanding ≥ 500,000.00)",
    none_before: "No earlier month-end recorded to compare with.",
    none: "None.",
    heads_npl: ["Month-end", "Outstanding", "NPL", "NPL %"],
    heads_rate: ["From", "To", "Principal", "Base", "Rate %"],
    heads_cure: ["Overdue at first", "Cured", "By count %", "By principal %"],
    heads_large: ["Customer", "Loans", "Outstanding", "Max DPD", "Class"],
    closed: "closed",
    written_off: "written off",
    worse: "worse",
    into_npl: "into NPL",
};

fn words(lang: NoticeLang) -> &'static Words {
    match lang {
        NoticeLang::Zh => &ZH,
        NoticeLang::En => &EN,
    }
}

fn class_word(lang: NoticeLang, w: &Words, word: &str) -> String {
    let class = word.parse::<RiskClass>().ok();
    match (word, class, lang) {
        ("closed", _, _) => w.closed.into(),
        ("written_off", _, _) => w.written_off.into(),
        ("worse", _, _) => w.worse.into(),
        ("npl", _, _) => w.into_npl.into(),
        (_, Some(c), NoticeLang::Zh) => crate::app::strings::Lang::Zh.class(c).into(),
        (other, _, _) => other.into(),
    }
}

fn table(out: &mut String, heads: &[&str], rows: &[Vec<String>]) {
    out.push_str("<table>\n<tr>");
    for h in heads {
        let _ = write!(out, "<th>{}</th>", html_escape(h));
    }
    out.push_str("</tr>\n");
    for r in rows {
        out.push_str("<tr>");
        for c in r {
            let _ = write!(out, "<td>{}</td>", html_escape(c));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</table>\n");
}

fn pct(s: Share) -> String {
    s.to_string()
}

const W: f64 = 640.0;
const H: f64 = 240.0;
const PAD: f64 = 40.0;

/// Lines through points (x, y) on axes from 0 to `max_x` and `max_y`, each series named in a
/// legend and drawn with a dash of its own, so the curves part in print without colour.
fn svg_lines(series: &[(String, Vec<(f64, f64)>)], max_x: f64, max_y: f64, x_label: &str) -> String {
    let sx = |x: f64| PAD + x / max_x.max(1.0) * (W - 2.0 * PAD);
    let sy = |y: f64| H - PAD - y / max_y.max(0.01) * (H - 2.0 * PAD);
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {W} {H}\" width=\"{W}\" height=\"{H}\" role=\"img\">\n\
         <line x1=\"{PAD}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#444\"/>\n\
         <line x1=\"{PAD}\" y1=\"{PAD}\" x2=\"{PAD}\" y2=\"{}\" stroke=\"#444\"/>\n\
         <text x=\"4\" y=\"{}\" font-size=\"11\">{max_y:.1}%</text><text x=\"4\" y=\"{}\" font-size=\"11\">0%</text>\n\
         <text x=\"{}\" y=\"{}\" font-size=\"11\" text-anchor=\"end\">{}</text>\n",
        H - PAD,
        W - PAD,
        H - PAD,
        H - PAD,
        PAD + 4.0,
        H - PAD,
        W - PAD,
        H - 8.0,
        html_escape(x_label),
    );
    const DASHES: [&str; 6] = ["", "6 3", "2 2", "8 3 2 3", "1 4", "10 2"];
    const COLOURS: [&str; 6] = ["#b22222", "#1f5fa8", "#2e8b57", "#8a6d00", "#6a3d9a", "#444"];
    for (i, (name, points)) in series.iter().enumerate() {
        let path: Vec<String> = points.iter().map(|(x, y)| format!("{:.1},{:.1}", sx(*x), sy(*y))).collect();
        let _ = writeln!(
            s,
            "<polyline fill=\"none\" stroke=\"{}\" stroke-width=\"2\" stroke-dasharray=\"{}\" points=\"{}\"/>",
            COLOURS[i % 6],
            DASHES[i % 6],
            path.join(" ")
        );
        let ly = PAD + 14.0 * i as f64;
        let _ = writeln!(
            s,
            "<line x1=\"{}\" y1=\"{ly}\" x2=\"{}\" y2=\"{ly}\" stroke=\"{}\" stroke-width=\"2\" stroke-dasharray=\"{}\"/>\
             <text x=\"{}\" y=\"{}\" font-size=\"11\">{}</text>",
            W - 130.0,
            W - 100.0,
            COLOURS[i % 6],
            DASHES[i % 6],
            W - 95.0,
            ly + 4.0,
            html_escape(name)
        );
    }
    s.push_str("</svg>\n");
    s
}

/// Bars of percentages, each labelled under it and its figure over it.
fn svg_bars(bars: &[(String, Share)]) -> String {
    let n = bars.len().max(1) as f64;
    let slot = (W - 2.0 * PAD) / n;
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {W} {H}\" width=\"{W}\" height=\"{H}\" role=\"img\">\n\
         <line x1=\"{PAD}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#444\"/>\n",
        H - PAD,
        W - PAD,
        H - PAD
    );
    for (i, (label, share)) in bars.iter().enumerate() {
        let v = share.basis_points().unwrap_or(0) as f64 / 10_000.0;
        let h = v * (H - 2.0 * PAD);
        let x = PAD + slot * i as f64 + slot * 0.15;
        let _ = writeln!(
            s,
            "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{h:.1}\" fill=\"#8c2d19\" stroke=\"#222\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"middle\">{}</text>\
             <text x=\"{:.1}\" y=\"{}\" font-size=\"11\" text-anchor=\"middle\">{}</text>",
            H - PAD - h,
            slot * 0.7,
            x + slot * 0.35,
            H - PAD - h - 4.0,
            html_escape(&pct(*share)),
            x + slot * 0.35,
            H - PAD + 14.0,
            html_escape(label)
        );
    }
    s.push_str("</svg>\n");
    s
}

/// The background of a migration cell by its share of the row (white to deep red), with the
/// figure printed in it.
fn heat(share: Share) -> String {
    let v = share.basis_points().unwrap_or(0).clamp(0, 10_000) as f64 / 10_000.0;
    let g = (255.0 - v * 170.0) as u8;
    format!("background:rgb(255,{g},{g})")
}

/// The whole page.
pub(crate) fn render(f: &PackFigures<'_>, lang: NoticeLang) -> String {
    let w = words(lang);
    let mut out = String::new();
    let title = format!("{} {}", w.title, f.month);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<style>\n\
         body{{font-family:sans-serif;max-width:900px;margin:2em auto;color:#111}}\n\
         table{{border-collapse:collapse;margin:0.5em 0 1.5em}}td,th{{border:1px solid #888;padding:2px 8px;text-align:right}}\n\
         th{{background:#eee}}td:first-child,th:first-child{{text-align:left}}\n</style>\n</head>\n<body>\n\
         <h1>{}</h1>\n<p>{}: {}</p>\n",
        lang.as_str(),
        html_escape(&title),
        html_escape(&title),
        w.prepared,
        html_escape(f.prepared)
    );
    // The NPL ratio.
    let _ = writeln!(out, "<h2>{}</h2>", html_escape(w.npl));
    if let Some(first) = f.npl.first().map(|p| p.month) {
        let points: Vec<(f64, f64)> = f
            .npl
            .iter()
            .map(|p| {
                (f64::from(first.months_to(p.month)), p.ratio.basis_points().unwrap_or(0) as f64 / 100.0)
            })
            .collect();
        let top = points.iter().map(|p| p.1).fold(1.0, f64::max) * 1.2;
        let last = f64::from(first.months_to(f.month)).max(1.0);
        out.push_str(&svg_lines(
            &[(String::from("NPL %"), points)],
            last,
            top,
            &format!("{first} – {}", f.month),
        ));
    }
    let rows: Vec<Vec<String>> = f
        .npl
        .iter()
        .map(|p| {
            vec![p.month.to_string(), p.outstanding.to_string(), p.npl_outstanding.to_string(), pct(p.ratio)]
        })
        .collect();
    table(&mut out, &w.heads_npl, &rows);
    // Migration.
    let _ = writeln!(out, "<h2>{}</h2>", html_escape(w.migration));
    match f.prev {
        None => {
            let _ = writeln!(out, "<p>{}</p>", html_escape(w.none_before));
        }
        Some(prev) => {
            let _ = writeln!(out, "<p>{prev} → {}</p>", f.month);
            let to: Vec<&str> =
                RiskClass::ALL.iter().map(|c| c.as_str()).chain(["closed", "written_off"]).collect();
            out.push_str("<table>\n<tr><th></th>");
            for t in &to {
                let _ = write!(out, "<th>{}</th>", html_escape(&class_word(lang, w, t)));
            }
            out.push_str("</tr>\n");
            for from in RiskClass::ALL.iter().map(|c| c.as_str()) {
                let total: i128 = f
                    .migration
                    .iter()
                    .filter(|x| x.from == from)
                    .map(|x| i128::from(x.principal.cents()))
                    .sum();
                let _ = write!(out, "<tr><td>{}</td>", html_escape(&class_word(lang, w, from)));
                for t in &to {
                    let cell = f.migration.iter().find(|x| x.from == from && x.to == *t);
                    let share = Share::of(cell.map_or(0, |c| i128::from(c.principal.cents())), total);
                    let text =
                        cell.map_or_else(String::new, |c| format!("{} ({}%)", c.principal, pct(share)));
                    let _ = write!(out, "<td style=\"{}\">{}</td>", heat(share), html_escape(&text));
                }
                out.push_str("</tr>\n");
            }
            out.push_str("</table>\n");
            let _ = writeln!(out, "<h3>{}</h3>", html_escape(w.migration_rates));
            table(&mut out, &w.heads_rate, &rate_rows(lang, w, f.migration_rates));
            // Roll rates.
            let _ = writeln!(out, "<h2>{}</h2>", html_escape(w.roll));
            let bars: Vec<(String, Share)> =
                f.roll_rates.iter().map(|r| (format!("{}→{}", r.from, r.to), r.rate)).collect();
            out.push_str(&svg_bars(&bars));
            table(&mut out, &w.heads_rate, &rate_rows(lang, w, f.roll_rates));
            // Cure.
            let _ = writeln!(out, "<h2>{}</h2>", html_escape(w.cure));
            let rows: Vec<Vec<String>> = f
                .cure
                .iter()
                .map(|c| {
                    vec![
                        c.overdue_count.to_string(),
                        c.cured_count.to_string(),
                        pct(c.count_rate),
                        pct(c.principal_rate),
                    ]
                })
                .collect();
            table(&mut out, &w.heads_cure, &rows);
        }
    }
    // Vintage.
    let _ = writeln!(out, "<h2>{}</h2>", html_escape(w.vintage));
    let mut cohorts: Vec<Month> = f.vintage.iter().map(|p| p.cohort).collect();
    cohorts.dedup();
    let series: Vec<(String, Vec<(f64, f64)>)> = cohorts
        .iter()
        .rev()
        .take(6)
        .map(|c| {
            let pts = f
                .vintage
                .iter()
                .filter(|p| p.cohort == *c)
                .map(|p| (f64::from(p.mob), p.share.basis_points().unwrap_or(0) as f64 / 100.0))
                .collect();
            (c.to_string(), pts)
        })
        .collect();
    if !series.is_empty() {
        let max_x = series.iter().flat_map(|s| s.1.iter().map(|p| p.0)).fold(1.0, f64::max);
        let top = series.iter().flat_map(|s| s.1.iter().map(|p| p.1)).fold(1.0, f64::max) * 1.2;
        out.push_str(&svg_lines(&series, max_x, top, "MOB"));
    }
    // Large customers.
    let _ = writeln!(out, "<h2>{}</h2>", html_escape(w.large));
    if f.large.is_empty() {
        let _ = writeln!(out, "<p>{}</p>", html_escape(w.none));
    } else {
        let rows: Vec<Vec<String>> = f
            .large
            .iter()
            .map(|l| {
                vec![
                    l.customer_id.clone(),
                    l.loans.to_string(),
                    l.outstanding.to_string(),
                    l.max_dpd.to_string(),
                    class_word(lang, w, l.class.as_str()),
                ]
            })
            .collect();
        table(&mut out, &w.heads_large, &rows);
    }
    out.push_str("</body>\n</html>\n");
    out
}

fn rate_rows(lang: NoticeLang, w: &Words, rates: &[RateRow]) -> Vec<Vec<String>> {
    rates
        .iter()
        .map(|r| {
            vec![
                class_word(lang, w, r.from),
                class_word(lang, w, r.to),
                r.principal.to_string(),
                r.base.to_string(),
                pct(r.rate),
            ]
        })
        .collect()
}
