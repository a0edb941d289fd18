//! Ledger upkeep, the collateral register, the work log and the maturity notice through the binary
//! (issue #18, DOMAIN §10): `edit` (owner or supervisor, version-checked, audited before and after
//! with phones masked, found by the new phone), `import loans --update` (contact fields only, all
//! or nothing), collateral from the loans file and by hand with loan-to-value, work logs signed by
//! supervisors only, and the maturity notice in the month before maturity.

mod common;

use common::{AS_OF, TestDesk};
use serde_json::Value;

const LOANS: &str = "\
loan_id,borrower,customer_id,phone,product,principal,annual_rate,term_months,disbursed_on,guarantor,guarantor_phone,collateral,branch,assignee,address,employer,collateral_type,collateral_value,collateral_valued_on
E-1,赵一,C-1,13800000001,annuity,120000.00,12,12,2026-01-10,王五,13900000009,\"房产 沪(2020)123号\",上海分行,wang.fang,上海市某路1号,某厂,house,200000.00,2025-01-05
E-2,钱二,C-2,13800000002,bullet,10000.00,12,1,2026-02-20,,,车辆 沪A12345,上海分行,li.na,,,,,
E-3,孙三,C-3,13800000003,annuity,5000.00,12,6,2026-01-15,,,,上海分行,li.na,,,,,
";

fn desk() -> TestDesk {
    let d = TestDesk::new();
    let file = d.write("loans.csv", LOANS);
    d.ok(&["--as-of", AS_OF, "import", "loans", TestDesk::path_str(&file)]);
    d.ok(&["settings", "set", "trust_env_user", "true"]);
    d.ok(&["users", "add", "zhao.min", "--role", "supervisor"]);
    d
}

fn json(d: &TestDesk, args: &[&str]) -> Value {
    let mut all = vec!["--as-of", AS_OF, "--format", "json"];
    all.extend_from_slice(args);
    d.ok(&all).json()
}

fn as_user(d: &TestDesk, user: &str, args: &[&str]) -> common::Run {
    let mut all = vec!["--as-of", AS_OF, "--format", "json"];
    all.extend_from_slice(args);
    d.run_as(user, &all)
}

#[test]
fn an_edit_changes_contact_fields_audited_masked_and_found_by_the_new_phone() {
    let d = desk();
    d.ok(&["settings", "set", "pii_full_phone", "supervisor"]);
    let version = json(&d, &["show", "E-1"])["version"].as_i64().expect("version");
    // Another collector's case is refused; the owner may, against the version read.
    let r = as_user(&d, "li.na", &["edit", "E-1", "--phone", "13700000000"]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    let r = as_user(
        &d,
        "wang.fang",
        &[
            "edit",
            "E-1",
            "--phone",
            "137 0000 1234",
            "--employer",
            "某公司",
            "--expect-version",
            &version.to_string(),
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let done = r.json();
    assert_eq!(done["changes"][0]["field"], "phone");
    assert_eq!(done["changes"][0]["before"], "138****0001", "masked for a collector");
    assert_eq!(done["changes"][0]["after"], "137****1234");
    assert_eq!(done["changes"][1]["after"], "某公司");
    // A stale version is refused naming who changed it.
    let r = as_user(
        &d,
        "wang.fang",
        &["edit", "E-1", "--address", "x", "--expect-version", &version.to_string()],
    );
    assert_eq!(r.code, 3);
    assert!(r.stderr.contains("wang.fang"), "{}", r.stderr);
    // Bad input, and nothing to change.
    assert_eq!(d.run(&["edit", "E-1", "--phone", "13x"]).code, 2);
    assert_eq!(d.run(&["edit", "E-1"]).code, 2);
    assert_eq!(d.run(&["edit", "E-1", "--employer", "某公司"]).code, 2, "the same value changes nothing");
    let show = json(&d, &["show", "E-1"]);
    assert_eq!((show["phone"].as_str(), show["employer"].as_str()), (Some("137 0000 1234"), Some("某公司")));
    assert_eq!(show["address"], "上海市某路1号", "from the loans file");
    // Audited before and after, phones masked in the log.
    let audit = json(&d, &["audit", "--loan", "E-1", "--limit", "1"]);
    assert_eq!(audit[0]["action"], "ledger_edit");
    assert_eq!(audit[0]["detail"]["before"]["phone"], "138****0001");
    assert_eq!(audit[0]["detail"]["after"]["phone"], "137****1234");
    assert!(!audit.to_string().contains("13700001234"));
    // Search finds the loan by its new phone's last four digits, no longer by the old.
    let found = json(&d, &["loans", "--search", "1234"]);
    assert_eq!(found.as_array().map(Vec::len), Some(1));
    assert_eq!(found[0]["loan_id"], "E-1");
    let old = json(&d, &["loans", "--search", "38000000"]);
    let mut ids: Vec<&str> =
        old.as_array().expect("list").iter().filter_map(|l| l["loan_id"].as_str()).collect();
    ids.sort_unstable();
    assert_eq!(ids, ["E-2", "E-3"], "the old number finds the others only");
    // Clearing a field.
    d.ok(&["edit", "E-1", "--guarantor-phone", ""]);
    assert!(json(&d, &["show", "E-1"])["guarantor_phone"].is_null());
}

#[test]
fn import_update_changes_contact_fields_only_and_all_or_nothing() {
    let d = desk();
    let before = json(&d, &["show", "E-2"]);
    // A terms change in one row refuses the whole file, the good row's change included.
    let bad = d.write(
        "bad.csv",
        "loan_id,phone,principal,address,annual_rate\nE-2,13811112222,,北京市某路2号,\nE-3,,6000.00,,13\n",
    );
    let r = d.run(&["--as-of", AS_OF, "import", "loans", TestDesk::path_str(&bad), "--update"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains(":3: principal: is '5000.00' on the desk, not '6000.00': terms never change"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains(":3: annual_rate: is '12.00' on the desk, not '13.00'"), "{}", r.stderr);
    assert_eq!(json(&d, &["show", "E-2"])["phone"], before["phone"], "nothing changed");
    // Loans not on the desk, repeated rows, an owner changed: refused too.
    let bad = d.write("bad2.csv", "loan_id,phone,assignee\nX-9,1,\nE-2,1,\nE-2,2,\nE-3,,wang.fang\n");
    let r = d.run(&["--as-of", AS_OF, "import", "loans", TestDesk::path_str(&bad), "--update"]);
    assert_eq!(r.code, 2);
    for want in
        [":2: loan_id: loan 'X-9' is not on the desk", ":4: loan_id: 'E-2' is repeated", ":5: assignee:"]
    {
        assert!(r.stderr.contains(want), "{want}: {}", r.stderr);
    }
    // The same file as imported, with a phone and an address changed: those two, audited each.
    let again = LOANS.replace("13800000002,bullet", "13811112222,bullet").replace(
        "C-3,13800000003,annuity,5000.00,12,6,2026-01-15,,,,上海分行,li.na,,",
        "C-3,13800000003,annuity,5000.00,12,6,2026-01-15,,,,上海分行,li.na,杭州市某路3号,",
    );
    let file = d.write("again.csv", &again);
    let r = d.run(&["--as-of", AS_OF, "import", "loans", TestDesk::path_str(&file)]);
    assert_eq!(r.code, 2, "without --update a loan on the desk is refused");
    let r = d.ok(&["--as-of", AS_OF, "import", "loans", TestDesk::path_str(&file), "--update"]);
    let done = r.json();
    assert_eq!(
        (done["loans"].as_i64(), done["fields"].as_i64(), done["rows"].as_i64()),
        (Some(2), Some(2), Some(3))
    );
    assert_eq!(json(&d, &["show", "E-2"])["phone"], "13811112222");
    assert_eq!(json(&d, &["show", "E-3"])["address"], "杭州市某路3号");
    assert_eq!(json(&d, &["show", "E-1"])["version"], before["version"], "E-1 untouched");
    let audit = json(&d, &["audit", "--loan", "E-2"]);
    let edit =
        audit.as_array().expect("audit").iter().find(|a| a["action"] == "ledger_edit").expect("audited");
    assert_eq!(edit["detail"]["field"], "phone");
    assert_eq!(edit["detail"]["after"], "138****2222");
    // Once more: nothing changes.
    let r = d.ok(&["--format", "table", "import", "loans", TestDesk::path_str(&file), "--update"]);
    assert!(r.stdout.contains("updated 0 loans (0 fields) of 3 rows"), "{}", r.stdout);
}

#[test]
fn collateral_comes_from_the_loans_file_and_is_valued_released_and_measured() {
    let d = desk();
    // The file's collateral: a house valued by the file, a vehicle of type other without value.
    let e1 = json(&d, &["collateral", "list", "E-1"]);
    let items = e1["items"].as_array().expect("items");
    assert_eq!(items.len(), 1);
    assert_eq!((items[0]["kind"].as_str(), items[0]["value"].as_str()), (Some("house"), Some("200000.00")));
    assert_eq!(items[0]["description"], "房产 沪(2020)123号");
    assert_eq!(items[0]["loan_id"], "E-1");
    assert_eq!(items[0]["stale"], true, "valued over a year ago");
    assert_eq!(e1["ltv"], "60.0%");
    let e2 = json(&d, &["collateral", "list", "C-2"]);
    assert_eq!((e2["items"][0]["kind"].as_str(), e2["items"][0]["value"].as_str()), (Some("other"), None));
    assert!(e2["ltv"].is_null());
    // A collector adds to own customer only; valuations append, the latest counts.
    let r = as_user(&d, "li.na", &["collateral", "add", "C-1", "--type", "deposit", "--description", "存单"]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    let added = as_user(
        &d,
        "wang.fang",
        &[
            "collateral",
            "add",
            "E-1",
            "--type",
            "deposit",
            "--description",
            "定期存单 No.7",
            "--insured-until",
            "2026-02-01",
        ],
    );
    assert_eq!(added.code, 0, "{}", added.stderr);
    let id = added.json()["id"].as_i64().expect("id").to_string();
    assert_eq!(added.json()["uninsured"], true);
    d.ok(&["collateral", "value", "1", "--amount", "240000", "--valuer", "某评估所"]);
    let valued = json(&d, &["collateral", "list", "E-1"]);
    assert_eq!(valued["items"][0]["valuations"].as_array().map(Vec::len), Some(2));
    assert_eq!(valued["items"][0]["revalue_by"], "2027-03-01");
    assert_eq!(valued["ltv"], "50.0%");
    // Releasing is a supervisor's, with a reason; a released item secures nothing.
    let r = as_user(&d, "wang.fang", &["collateral", "release", &id, "--reason", "repaid"]);
    assert_eq!(r.code, 3);
    d.ok(&["collateral", "release", "1", "--reason", "replaced"]);
    assert!(json(&d, &["collateral", "list", "E-1"])["ltv"].is_null());
    assert_eq!(d.run(&["collateral", "value", "1", "--amount", "1", "--valuer", "x"]).code, 3);
    // The register: held items, stale or uninsured ones.
    let stale = json(&d, &["collateral", "list", "--stale"]);
    assert!(stale.as_array().expect("list").iter().all(|i| i["stale"] == true || i["uninsured"] == true));
    // Valuations are append-only in the store.
    assert!(d.try_exec("DELETE FROM collateral_valuations").is_err());
    assert!(d.try_exec("UPDATE collateral_valuations SET amount_cents = 1").is_err());
    // The file's collateral columns are checked together.
    let bad = d.write(
        "bad.csv",
        "loan_id,borrower,product,principal,annual_rate,term_months,disbursed_on,collateral,collateral_type,collateral_value\n\
         B-1,甲,bullet,100,1,1,2026-01-01,,house,\nB-2,乙,bullet,100,1,1,2026-01-01,x,castle,\n\
         B-3,丙,bullet,100,1,1,2026-01-01,x,house,5\n",
    );
    let r = d.run(&["--as-of", AS_OF, "import", "loans", TestDesk::path_str(&bad)]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains(":2: collateral_type: needs the collateral described"), "{}", r.stderr);
    assert!(r.stderr.contains(":3: collateral_type: unknown collateral type 'castle'"), "{}", r.stderr);
    assert!(r.stderr.contains(":4: collateral_valued_on: is empty"), "{}", r.stderr);
}

#[test]
fn a_collector_cannot_sign_a_work_log_and_a_supervisor_signs_once() {
    let d = desk();
    let r = as_user(&d, "li.na", &["log", "C-1", "--kind", "visit", "--note", "x"]);
    assert_eq!(r.code, 3, "only the owner writes it: {}", r.stderr);
    let r = as_user(&d, "wang.fang", &["log", "E-1", "--kind", "visit", "--note", "走访工厂，生产正常"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let entry = r.json();
    assert_eq!(
        (entry["customer_id"].as_str(), entry["sign_due"].as_str()),
        (Some("C-1"), Some("2026-03-03"))
    );
    let id = entry["id"].as_i64().expect("id").to_string();
    for who in ["wang.fang", "li.na"] {
        let r = as_user(&d, who, &["log-sign", &id, "--comment", "ok"]);
        assert_eq!(r.code, 3, "{who}: {}", r.stderr);
        assert!(r.stderr.contains("supervisor"), "{}", r.stderr);
    }
    assert_eq!(json(&d, &["logs", "--unsigned"]).as_array().map(Vec::len), Some(1));
    // Past its deadline it is late; signed late it stays late.
    let late = d.ok(&["--as-of", "2026-03-04", "--format", "json", "logs", "--late"]).json();
    assert_eq!(late.as_array().map(Vec::len), Some(1));
    let signed = d.run_as(
        "zhao.min",
        &["--as-of", "2026-03-04", "--format", "json", "log-sign", &id, "--comment", "阅"],
    );
    assert_eq!(signed.code, 0, "{}", signed.stderr);
    assert_eq!(
        (signed.json()["late"].as_bool(), signed.json()["signed_by"].as_str()),
        (Some(true), Some("zhao.min"))
    );
    assert_eq!(d.run_as("zhao.min", &["log-sign", &id, "--comment", "again"]).code, 3);
    assert_eq!(json(&d, &["logs", "--unsigned"]).as_array().map(Vec::len), Some(0));
    // The owners without an entry this month: li.na, not wang.fang.
    let missing = json(&d, &["logs", "--missing"]);
    let owners: Vec<&str> =
        missing.as_array().expect("owners").iter().filter_map(|o| o["owner"].as_str()).collect();
    assert!(owners.contains(&"li.na") && !owners.contains(&"wang.fang"), "{owners:?}");
    assert!(d.try_exec("UPDATE work_logs SET note = 'x'").is_err());
    assert!(d.try_exec("DELETE FROM work_logs").is_err());
}

#[test]
fn the_maturity_notice_goes_out_in_the_month_before_maturity() {
    let d = desk();
    let out = d.dir.path().join("notices");
    let out = TestDesk::path_str(&out);
    // E-2 matures on 20 March: from 20 February on a maturity notice is due.
    let r =
        d.ok(&["--as-of", AS_OF, "--format", "json", "notice", "E-2", "--kind", "maturity", "--out", out]);
    let n = r.json();
    assert_eq!((n["kind"].as_str(), n["pay_by"].as_str()), (Some("maturity"), Some("2026-03-20")));
    assert_eq!(n["total_demanded"], "10100.00", "principal and the month's interest");
    let text = std::fs::read_to_string(n["files"][0].as_str().expect("file")).expect("text");
    assert!(text.contains("贷款到期通知书") && text.contains("2026年3月20日到期"), "{text}");
    let r = d.ok(&[
        "--as-of", AS_OF, "--format", "json", "notice", "E-2", "--kind", "maturity", "--lang", "en", "--out",
        out,
    ]);
    let text = std::fs::read_to_string(r.json()["files"][0].as_str().expect("file")).expect("text");
    assert!(text.contains("LOAN MATURITY NOTICE") && text.contains("matures on 2026-03-20"), "{text}");
    // E-1 matures in 2027: too early.
    let r = d.run(&["--as-of", AS_OF, "notice", "E-1", "--kind", "maturity", "--out", out]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("in the month before"), "{}", r.stderr);
}
