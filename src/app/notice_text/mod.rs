//! The written notices of a case, filled from the loan's facts: the dunning notice (催收通知书),
//! the guarantor demand notice (履行担保责任通知书) and the maturity notice (到期通知书), in
//! Chinese or English, as printable text (80 columns by display width) and as a standalone HTML
//! page. Pure: no I/O, no clock.

mod en;
mod facts;
mod layout;
mod maturity;
mod rmb;
mod zh;

pub(crate) use en::product_en;
pub(crate) use facts::penalty_rate;
pub use facts::{
    NoticeFacts, NoticeKind, NoticeLang, NoticeLoan, PAY_WITHIN_DAYS, RenderedNotice, addressee,
    total_demanded, total_for,
};
pub use layout::{TEXT_WIDTH, html_escape};
pub(crate) use layout::{centered, wrap};
pub use rmb::rmb_upper;
pub(crate) use zh::{product_zh, zh_date};

/// Fills the notice and lays it out as text and HTML.
pub fn render(f: &NoticeFacts<'_>) -> RenderedNotice {
    let doc = match (f.kind, f.lang) {
        (NoticeKind::Maturity, lang) => maturity::build(f, lang),
        (_, NoticeLang::Zh) => zh::build(f),
        (_, NoticeLang::En) => en::build(f),
    };
    RenderedNotice { text: layout::to_text(&doc), html: layout::to_html(&doc) }
}
