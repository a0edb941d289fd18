//! What `duedesk demo` says it made: a sentence, and the object of `--format json|csv`.

use crate::app::demo::DemoReport;

/// The sentence and the object.
pub fn of(report: &DemoReport, store: &str) -> (String, serde_json::Value) {
    let said = format!(
        "demo book: {} loans, {} customers, {} payments, {} contacts, {} collateral items, {} inspections, \
         {} work log entries, {} month-ends, {} warnings; desk users {}",
        report.loans,
        report.customers,
        report.payments,
        report.contacts,
        report.collateral,
        report.inspections,
        report.work_logs,
        report.month_ends,
        report.warnings,
        report.users.join(", ")
    );
    let what = serde_json::json!({
        "store": store, "loans": report.loans, "customers": report.customers,
        "payments": report.payments, "contacts": report.contacts,
        "collateral": report.collateral, "inspections": report.inspections,
        "work_logs": report.work_logs, "month_ends": report.month_ends, "warnings": report.warnings, "users": report.users,
    });
    (said, what)
}
