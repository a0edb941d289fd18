//! The inspections' and their schedule's statements, for `pg_risk.rs`.

use super::*;

pub(super) fn inspections(db: Db<'_>) -> Vec<String> {
    use duedesk::domain::RiskClass;
    use duedesk::domain::inspection::{Check, Checklist, Conclusion, InspectionKind, InspectionMode};
    let mut out = Vec::new();
    let everything = store::list_inspections(db, &store::DoneFilter::default()).expect("list");
    assert!(everything.len() > 5, "the demo's inspections: {}", everything.len());
    out.push(format!("{everything:?}"));
    let first = &everything[0];
    let inspector = everything.iter().find_map(|i| i.inspector.clone());
    let inspector_id =
        inspector.as_deref().and_then(|l| store::user_by_login(db, l).expect("inspector").map(|u| u.id));
    let filters = [
        store::DoneFilter { unreviewed: true, ..Default::default() },
        store::DoneFilter { inspector: inspector_id, ..Default::default() },
        store::DoneFilter { kind: Some(InspectionKind::Routine), limit: Some(4), ..Default::default() },
        store::DoneFilter {
            from: Some(day("2026-01-01")),
            to: Some(day("2026-02-15")),
            ..Default::default()
        },
        store::DoneFilter { unreviewed: true, limit: Some(0), ..Default::default() },
    ];
    for f in &filters {
        out.push(format!("{:?}", store::list_inspections(db, f)));
    }
    let loan = first.loan;
    out.push(format!("{:?}", store::inspections_of(db, loan)));
    out.push(format!("{:?} {:?}", store::inspection_by_id(db, first.id), store::inspection_by_id(db, -1)));
    for i in everything.iter().take(20) {
        out.push(format!(
            "{:?} {:?} {:?}",
            store::inspection_facts(db, i.loan),
            store::special_done_since(db, i.loan, day("2026-01-01")),
            store::latest_conclusion(db, i.loan)
        ));
    }
    out.push(format!("{:?}", store::inspection_facts(db, LoanId(999_999))));
    // A record, its correction, a review of the correction (once), and the class it accepts.
    let new = |corrects, conclusion| store::NewInspection {
        loan,
        kind: InspectionKind::Special,
        mode: InspectionMode::Onsite,
        done_on: day("2026-03-01"),
        inspector: inspector_id,
        checklist: Checklist {
            funds: Check::Ok,
            business: Check::Concern,
            collateral: Check::NotApplicable,
            guarantor: Check::Ok,
        },
        findings: "经营场所 已关闭",
        conclusion,
        recommend_class: Some(RiskClass::Substandard),
        corrects,
        due_on: None,
        recorded_on: day("2026-03-01"),
        review_due: day("2026-03-04"),
        created_at: "2026-03-01T10:00:00+08:00",
    };
    let made = store::insert_inspection(db, &new(None, Conclusion::Concern)).expect("record");
    let fixed = store::insert_inspection(db, &new(Some(made), Conclusion::Risk)).expect("correction");
    let reviewer = store::user_by_login(db, "admin").ok().flatten().map(|u| u.id).unwrap_or(UserId(1));
    out.push(format!(
        "{made} {fixed} {:?} {:?}",
        store::review_inspection(
            db,
            fixed,
            reviewer,
            day("2026-03-02"),
            "t",
            "同意",
            Some(RiskClass::Substandard)
        ),
        store::review_inspection(db, fixed, reviewer, day("2026-03-02"), "t", "again", None)
    ));
    store::set_manual_class(
        db,
        loan,
        RiskClass::Substandard,
        day("2026-03-02"),
        Some(day("2026-06-30")),
        "检查 结论",
        Some(fixed),
        Some(reviewer),
        "t",
    )
    .expect("manual class");
    out.push(format!("{:?}", store::inspections_of(db, loan)));
    out.push(format!(
        "{:?} {:?} {:?}",
        store::inspection_facts(db, loan),
        store::special_done_since(db, loan, day("2026-03-01")),
        store::latest_conclusion(db, loan)
    ));
    out
}

pub(super) fn schedule(db: Db<'_>) -> Vec<String> {
    use duedesk::domain::RiskClass;
    use duedesk::domain::inspection::InspectionKind;
    let mut out = Vec::new();
    let at = at();
    out.push(format!("{:?} {:?}", store::any_inspection(db), store::schedule_is_empty(db)));
    let page = store::due_facts_page(db, 0, 10, true, &at).expect("page");
    assert!(!page.is_empty());
    out.push(format!("{page:?}"));
    out.push(format!("{:?}", store::due_facts_page(db, 10, 10, false, &at)));
    out.push(format!("{:?}", store::due_facts_page(db, 999_999, 10, true, &at)));
    let (loan, customer) = (page[0].loan, page[0].customer);
    out.push(format!("{:?}", store::due_facts_of_customer(db, customer, &at)));
    let loans: Vec<LoanId> = page.iter().map(|f| f.loan).collect();
    out.push(format!("{:?}", store::customers_of_loans(db, &loans)));
    let everything = store::DueFilter::default();
    let total = store::count_due(db, &everything).expect("count");
    out.push(format!("{total} {:?}", store::due_page(db, &everything, None, 0, None)));
    // A page from the end is the same page.
    out.push(format!("{:?}", store::due_page(db, &everything, Some(7), total - 10, Some(total))));
    let owner = page.iter().find_map(|f| f.assignee);
    let filters = [
        store::DueFilter { owner, ..Default::default() },
        store::DueFilter { kind: Some(InspectionKind::Routine), ..Default::default() },
        store::DueFilter { from: Some(day("2026-03-01")), to: Some(day("2026-06-30")), ..Default::default() },
        store::DueFilter { before: Some(day("2026-03-01")), ..Default::default() },
        store::DueFilter { loan: Some(loan), ..Default::default() },
    ];
    for f in &filters {
        out.push(format!("{:?} {:?}", store::count_due(db, f), store::due_page(db, f, Some(5), 1, None)));
    }
    let mut overdue: Vec<LoanId> =
        store::overdue_among(db, &loans, day("2026-03-01")).expect("overdue").into_iter().collect();
    overdue.sort();
    assert!(!overdue.is_empty(), "some of the page overdue");
    out.push(format!("{overdue:?}"));
    out.push(format!("{:?}", store::overdue_among(db, &[], day("2026-03-01"))));
    out.push(format!("{:?}", store::loans_due_before(db, day("2026-03-01"))));
    out.push(format!("{:?}", store::customers_out_of_step(db, &at)));
    // The regular row kept, changed, dropped and written again in a batch; a special asked twice.
    let (u, routine) = (page[0].assignee, InspectionKind::Routine);
    store::put_regular(db, loan, routine, day("2026-04-01"), u, RiskClass::Normal, false).expect("put");
    store::put_regular(db, loan, routine, day("2026-04-01"), u, RiskClass::Normal, false).expect("same");
    store::put_regular(db, loan, routine, day("2026-05-01"), None, RiskClass::Substandard, true)
        .expect("changed");
    out.push(format!(
        "{:?}",
        store::due_page(db, &store::DueFilter { loan: Some(loan), ..Default::default() }, None, 0, None)
    ));
    out.push(format!(
        "{:?} {:?}",
        store::put_special(db, loan, day("2026-03-10"), u, day("2026-03-01"), "检查 逾期"),
        store::put_special(db, loan, day("2026-03-05"), u, day("2026-03-02"), "again")
    ));
    out.push(format!("{:?} {:?}", store::special_asked(db, loan), store::special_asked_on(db, loan)));
    out.push(format!(
        "{:?} {:?}",
        store::special_asked(db, LoanId(999_999)),
        store::special_asked_on(db, LoanId(999_999))
    ));
    store::set_due_owner(db, loan, None).expect("owner");
    store::drop_due(db, loan, Some(true)).expect("drop special");
    out.push(format!("{:?}", store::special_asked(db, loan)));
    let asked = store::put_special(db, loan, day("2026-03-09"), None, day("2026-03-02"), "预警 红色");
    out.push(format!("{asked:?} {:?}", store::special_asked(db, loan)));
    let batch: Vec<store::RegularRow> = loans
        .iter()
        .enumerate()
        .map(|(n, l)| store::RegularRow {
            loan: *l,
            kind: InspectionKind::First,
            due_on: day("2026-03-15") + chrono::Duration::days(n as i64),
            assignee: if n % 2 == 0 { u } else { None },
            class: RiskClass::Normal,
            capped: n % 3 == 0,
        })
        .collect();
    for l in &loans {
        store::drop_due(db, *l, None).expect("drop");
    }
    store::insert_regular(db, &batch).expect("batch");
    out.push(format!(
        "{:?}",
        store::due_page(
            db,
            &store::DueFilter { kind: Some(InspectionKind::First), ..Default::default() },
            None,
            0,
            None
        )
    ));
    out.push(format!("{:?}", store::customers_out_of_step(db, &at)));
    // A customer rated twice: the later rating is the one in force.
    for (rating, stamp) in
        [(Rating::High, "2026-03-01T09:00:00+08:00"), (Rating::Low, "2026-03-02T09:00:00+08:00")]
    {
        store::set_rating(db, CustomerId(1), rating, "re-rated", "tester", day("2026-03-02"), stamp)
            .expect("rating");
    }
    out.push(format!("{:?}", store::risk_facts(db, &[loans[0], loans[1], LoanId(999_999)], &at).map(sorted)));
    let every: Vec<LoanId> = store::snapshot_loan_ids(db).expect("loans");
    out.push(format!("{:?}", store::risk_facts(db, &every, &at).map(sorted)));
    out
}
