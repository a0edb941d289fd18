//! TLS to a collection centre's server (issue #20), as `psql` takes it: the server `.ci/run`
//! starts takes only TLS on 127.0.0.1 (`.ci/pg-cluster`: `DUEDESK_TEST_PG_TLS`, its certificates
//! in `DUEDESK_TEST_PG_CERTS`). The server's issuer and name checked as each `sslmode` says, a
//! client certificate's role let in by its certificate, and a book copied over it through the
//! binary.

mod common;

use std::path::PathBuf;

use common::TestDesk;
use duedesk::store::pg;

/// The TLS address of the test server and its certificates' folder, or `None` (skipped).
fn server() -> Option<(String, PathBuf)> {
    let tls = std::env::var("DUEDESK_TEST_PG_TLS").ok().filter(|v| !v.trim().is_empty());
    let certs = std::env::var("DUEDESK_TEST_PG_CERTS").ok().filter(|v| !v.trim().is_empty());
    let found = tls.is_some() && certs.is_some();
    if !common::program::decide(
        "PostgreSQL over TLS (DUEDESK_TEST_PG_TLS, DUEDESK_TEST_PG_CERTS)",
        found,
        common::program::on_ci(),
    ) {
        return None;
    }
    Some((tls?, PathBuf::from(certs?)))
}

/// Whether the connection is encrypted, as the server sees it.
fn encrypted(client: &mut postgres::Client) -> bool {
    client
        .query_one("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()", &[])
        .expect("pg_stat_ssl")
        .get(0)
}

/// The error of a connection that was to fail.
fn refused(r: Result<postgres::Client, duedesk::store::StoreError>, what: &str) -> String {
    match r {
        Ok(_) => panic!("{what}: connected"),
        Err(e) => e.to_string(),
    }
}

fn words(base: &str, more: &str) -> String {
    format!("{base} {more}")
}

#[test]
fn each_sslmode_checks_the_server_as_psql_does() {
    let Some((base, certs)) = server() else { return };
    let ca = certs.join("ca.crt").display().to_string();
    let other = certs.join("other-ca.crt").display().to_string();
    let none = certs.join("not-there.crt").display().to_string();
    let connect = |more: &str| pg::connect(&words(&base, more), "postgres");

    // The issuer and the name (127.0.0.1 is in the certificate): encrypted.
    let mut c = connect(&format!("sslmode=verify-full sslrootcert={ca}")).expect("verify-full");
    assert!(encrypted(&mut c));
    // The default, prefer, encrypts; and the server takes nothing else over TCP.
    assert!(encrypted(&mut connect("").expect("prefer")));
    let e = refused(connect("sslmode=disable"), "plain refused by the server");
    assert!(e.contains("no encryption"), "{e}");

    // Another issuer: refused before a word is sent, by every mode that checks.
    for mode in ["verify-full", "verify-ca", "require"] {
        let e = refused(connect(&format!("sslmode={mode} sslrootcert={other}")), mode);
        assert!(e.to_lowercase().contains("certificate"), "{mode}: {e}");
    }
    // require without a root file encrypts without checking; verify-full needs the file.
    assert!(encrypted(&mut connect(&format!("sslmode=require sslrootcert={none}")).expect("require")));
    let e = refused(connect(&format!("sslmode=verify-full sslrootcert={none}")), "no file");
    assert!(e.contains("not-there.crt"), "{e}");

    // A name the certificate does not carry (the address by hostaddr): verify-ca goes on,
    // verify-full does not.
    let elsewhere = base.replace("host=127.0.0.1", "host=desk.example hostaddr=127.0.0.1");
    let c = pg::connect(&words(&elsewhere, &format!("sslmode=verify-ca sslrootcert={ca}")), "postgres");
    assert!(encrypted(&mut c.expect("verify-ca")));
    let e = refused(
        pg::connect(&words(&elsewhere, &format!("sslmode=verify-full sslrootcert={ca}")), "postgres"),
        "verify-full",
    );
    assert!(e.to_lowercase().contains("certificate"), "{e}");
}

#[test]
fn a_client_certificate_logs_in_as_its_role_and_its_key_must_be_private() {
    let Some((base, certs)) = server() else { return };
    let Some(db) = common::pg::fresh("tls_cert") else { return };
    {
        let mut admin = db.client();
        admin
            .batch_execute("DO $$ BEGIN CREATE ROLE duedesk_cert LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$")
            .expect("role");
    }
    let (ca, cert, key) = (certs.join("ca.crt"), certs.join("client.crt"), certs.join("client.key"));
    let address = |key: &std::path::Path| {
        format!(
            "{} dbname={} user=duedesk_cert sslmode=verify-full sslrootcert={} sslcert={} sslkey={}",
            base.replace("dbname=postgres", ""),
            db.name,
            ca.display(),
            cert.display(),
            key.display()
        )
    };
    let mut c = pg::connect(&address(&key), "someone").expect("by certificate");
    let who: String = c.query_one("SELECT current_user::text", &[]).expect("user").get(0);
    assert_eq!(who, "duedesk_cert");
    assert!(encrypted(&mut c));

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("dir");
        let open_key = dir.path().join("client.key");
        std::fs::copy(&key, &open_key).expect("copy");
        std::fs::set_permissions(&open_key, std::fs::Permissions::from_mode(0o644)).expect("mode");
        let e = refused(pg::connect(&address(&open_key), "someone"), "readable key");
        assert!(e.contains("chmod 600"), "{e}");
    }
}

#[test]
fn a_book_goes_to_the_server_over_tls_through_the_command_line() {
    let Some((base, certs)) = server() else { return };
    let Some(db) = common::pg::fresh("tls_copy") else { return };
    let d = TestDesk::bare();
    let r = d.run(&["demo", "--loans", "20", "--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let port = base.split_whitespace().find_map(|w| w.strip_prefix("port=")).expect("port");
    let ca = certs.join("ca.crt").display().to_string().replace('/', "%2F");
    let url =
        format!("postgresql://postgres@127.0.0.1:{port}/{}?sslmode=verify-full&sslrootcert={ca}", db.name);
    let copied =
        d.ok(&["store", "copy", "--from", TestDesk::path_str(&d.db), "--to", &url, "--format", "csv"]);
    assert!(copied.stdout.contains("\nloans,20\n"), "{}", copied.stdout);
    let loans: i64 = db.client().query_one("SELECT count(*) FROM loans", &[]).expect("count").get(0);
    assert_eq!(loans, 20);

    // Another issuer: nothing copied, exit 1 with the certificate named; a mode that is not
    // one: exit 2.
    let other = certs.join("other-ca.crt").display().to_string();
    let fresh = common::pg::fresh("tls_refused").expect("the same server");
    let to = format!(
        "postgresql://postgres@127.0.0.1:{port}/{}?sslmode=verify-ca&sslrootcert={other}",
        fresh.name
    );
    let r = d.run(&["store", "copy", "--from", TestDesk::path_str(&d.db), "--to", &to]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.to_lowercase().contains("certificate"), "{}", r.stderr);
    let to = format!("postgresql://postgres@127.0.0.1:{port}/{}?sslmode=verify", fresh.name);
    let r = d.run(&["store", "copy", "--from", TestDesk::path_str(&d.db), "--to", &to]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("sslmode=verify is not a mode"), "{}", r.stderr);
    let tables: i64 = fresh
        .client()
        .query_one("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'", &[])
        .expect("tables")
        .get(0);
    assert_eq!(tables, 0, "nothing made on a refused copy");
}
