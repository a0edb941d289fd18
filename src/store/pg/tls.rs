//! TLS to the server as PostgreSQL's own tools take it (libpq): the address's `sslmode`,
//! `sslrootcert`, `sslcert` and `sslkey`, else the variables `PGSSLMODE`, `PGSSLROOTCERT`,
//! `PGSSLCERT`, `PGSSLKEY`, else the files in `~/.postgresql/`. The modes mean what they mean to
//! `psql`: `prefer` (the default) and `require` encrypt, `require` checks the server's issuer when a
//! root certificate file is there, `verify-ca` always does, `verify-full` checks the host's name as
//! well. A client certificate, when its file is there, is offered to a server that asks for one;
//! its key file must be private to its owner, as libpq wants.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, verify_tls12_signature, verify_tls13_signature};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::{CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};

use crate::store::{Result, StoreError};

/// How much of TLS a connection asks (libpq's `sslmode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SslMode {
    Disable,
    /// libpq tries without TLS first; here TLS is tried first, as `prefer` (the safer reading).
    Allow,
    Prefer,
    Require,
    VerifyCa,
    VerifyFull,
}

impl SslMode {
    fn parse(word: &str) -> Result<SslMode> {
        Ok(match word {
            "disable" => SslMode::Disable,
            "allow" => SslMode::Allow,
            "prefer" => SslMode::Prefer,
            "require" => SslMode::Require,
            "verify-ca" => SslMode::VerifyCa,
            "verify-full" => SslMode::VerifyFull,
            other => {
                return Err(tls_error(format!(
                    "sslmode={other} is not a mode: disable, allow, prefer, require, verify-ca or verify-full"
                )));
            }
        })
    }
}

/// The TLS a connection asks, read from its address and the environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsWanted {
    pub mode: SslMode,
    pub root_cert: PathBuf,
    pub cert: PathBuf,
    pub key: PathBuf,
}

/// The libpq words this module reads; the rest of an address is for `postgres::Config`.
const WORDS: [&str; 4] = ["sslmode", "sslrootcert", "sslcert", "sslkey"];

fn tls_error(message: String) -> StoreError {
    StoreError::Tls(message)
}

/// Splits the TLS words out of an address (a `postgres://` URL or `key=value` words): the
/// address without them, and the TLS asked, the environment (`env`) and home folder filling in
/// what the address leaves out.
pub fn split(address: &str, env: &dyn Fn(&str) -> Option<String>) -> Result<(String, TlsWanted)> {
    let (rest, words) = if address.trim_start().starts_with("postgres://")
        || address.trim_start().starts_with("postgresql://")
    {
        split_url(address)?
    } else {
        split_words(address)?
    };
    let word = |key: &str, var: &str| -> Option<String> {
        words.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v.clone()).or_else(|| env(var))
    };
    let home = env("HOME").map(PathBuf::from).unwrap_or_default().join(".postgresql");
    let path = |key: &str, var: &str, default: &str| -> Result<PathBuf> {
        match word(key, var) {
            Some(v) if v == "system" && key == "sslrootcert" => Err(tls_error(
                "sslrootcert=system (the system's trusted roots) is not supported: name the issuer's certificate file"
                    .into(),
            )),
            Some(v) if !v.is_empty() => Ok(PathBuf::from(v)),
            _ => Ok(home.join(default)),
        }
    };
    let mode = match word("sslmode", "PGSSLMODE") {
        Some(m) if !m.is_empty() => SslMode::parse(&m)?,
        _ => SslMode::Prefer,
    };
    let wanted = TlsWanted {
        mode,
        root_cert: path("sslrootcert", "PGSSLROOTCERT", "root.crt")?,
        cert: path("sslcert", "PGSSLCERT", "postgresql.crt")?,
        key: path("sslkey", "PGSSLKEY", "postgresql.key")?,
    };
    Ok((rest, wanted))
}

/// A URL's query parameters: the TLS ones taken out (percent-decoded), the others left as written.
fn split_url(address: &str) -> Result<(String, Vec<(String, String)>)> {
    let Some((base, query)) = address.split_once('?') else { return Ok((address.to_string(), Vec::new())) };
    let (mut kept, mut taken) = (Vec::new(), Vec::new());
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let key = decode(key)?;
        if WORDS.contains(&key.as_str()) {
            taken.push((key, decode(value)?));
        } else {
            kept.push(pair);
        }
    }
    let rest = if kept.is_empty() { base.to_string() } else { format!("{base}?{}", kept.join("&")) };
    Ok((rest, taken))
}

fn decode(text: &str) -> Result<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3).and_then(|h| u8::from_str_radix(h, 16).ok());
            let Some(b) = hex else {
                return Err(tls_error(format!(
                    "{text}: a % in the address is not followed by two hex digits"
                )));
            };
            out.push(b);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| tls_error(format!("{text}: not UTF-8 once decoded")))
}

/// `key=value` words (a value quoted with `'`, `\` escaping): the TLS ones taken out, the others
/// left as written.
fn split_words(address: &str) -> Result<(String, Vec<(String, String)>)> {
    let chars: Vec<char> = address.chars().collect();
    let (mut i, mut kept, mut taken) = (0, Vec::new(), Vec::new());
    loop {
        while i < chars.len() && chars[i].is_whitespace() {
            i += 1;
        }
        if i == chars.len() {
            break;
        }
        let start = i;
        while i < chars.len() && chars[i] != '=' && !chars[i].is_whitespace() {
            i += 1;
        }
        let key: String = chars[start..i].iter().collect();
        while i < chars.len() && chars[i].is_whitespace() {
            i += 1;
        }
        if chars.get(i) != Some(&'=') {
            // Not this module's to judge: postgres::Config names the fault.
            return Ok((address.to_string(), Vec::new()));
        }
        i += 1;
        while i < chars.len() && chars[i].is_whitespace() {
            i += 1;
        }
        let mut value = String::new();
        let quoted = chars.get(i) == Some(&'\'');
        if quoted {
            i += 1;
        }
        loop {
            match chars.get(i) {
                None if quoted => return Ok((address.to_string(), Vec::new())),
                None => break,
                Some('\'') if quoted => {
                    i += 1;
                    break;
                }
                Some(c) if c.is_whitespace() && !quoted => break,
                Some('\\') => {
                    if let Some(c) = chars.get(i + 1) {
                        value.push(*c);
                    }
                    i += 2;
                }
                Some(c) => {
                    value.push(*c);
                    i += 1;
                }
            }
        }
        if WORDS.contains(&key.as_str()) {
            taken.push((key, value));
        } else {
            kept.push(chars[start..i.min(chars.len())].iter().collect::<String>());
        }
    }
    Ok((kept.join(" "), taken))
}

/// The `postgres` crate's mode for what was asked: it knows disable, prefer and require.
pub fn crate_mode(mode: SslMode) -> postgres::config::SslMode {
    match mode {
        SslMode::Disable => postgres::config::SslMode::Disable,
        SslMode::Allow | SslMode::Prefer => postgres::config::SslMode::Prefer,
        SslMode::Require | SslMode::VerifyCa | SslMode::VerifyFull => postgres::config::SslMode::Require,
    }
}

/// The client's TLS set-up for what was asked.
pub fn client_config(wanted: &TlsWanted) -> Result<ClientConfig> {
    // The process's provider, which rustls takes from its one compiled-in backend (ring).
    let builder = ClientConfig::builder();
    let provider =
        CryptoProvider::get_default().cloned().ok_or_else(|| tls_error("TLS: no crypto provider".into()))?;
    let verifying = match wanted.mode {
        SslMode::VerifyCa | SslMode::VerifyFull => true,
        // As libpq: `require` checks the issuer when a root certificate file is there.
        SslMode::Require => wanted.root_cert.exists(),
        SslMode::Disable | SslMode::Allow | SslMode::Prefer => false,
    };
    let verifier: Arc<dyn ServerCertVerifier> = if verifying {
        let roots = roots(&wanted.root_cert)?;
        let webpki = WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
            .build()
            .map_err(|e| tls_error(format!("{}: {e}", wanted.root_cert.display())))?;
        Arc::new(Checked { webpki, names: wanted.mode == SslMode::VerifyFull })
    } else {
        Arc::new(Unchecked(provider))
    };
    let builder = builder.dangerous().with_custom_certificate_verifier(verifier);
    if wanted.cert.exists() {
        let chain = CertificateDer::pem_file_iter(&wanted.cert)
            .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
            .map_err(|e| tls_error(format!("{}: not a certificate file: {e}", wanted.cert.display())))?;
        let key = private_key(&wanted.key)?;
        builder
            .with_client_auth_cert(chain, key)
            .map_err(|e| tls_error(format!("{}: {e}", wanted.cert.display())))
    } else {
        Ok(builder.with_no_client_auth())
    }
}

/// The issuers a server's certificate is checked against.
fn roots(path: &Path) -> Result<RootCertStore> {
    if !path.exists() {
        return Err(tls_error(format!(
            "the root certificate file {} is not there: name the server's issuer with sslrootcert, or ask \
             sslmode=require (encrypted, the server not checked)",
            path.display()
        )));
    }
    let certs = CertificateDer::pem_file_iter(path)
        .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
        .map_err(|e| tls_error(format!("{}: not a certificate file: {e}", path.display())))?;
    let mut roots = RootCertStore::empty();
    for cert in certs {
        roots.add(cert).map_err(|e| tls_error(format!("{}: {e}", path.display())))?;
    }
    if roots.is_empty() {
        return Err(tls_error(format!("{}: no certificate in the file", path.display())));
    }
    Ok(roots)
}

/// The client certificate's key, from a file only its owner may read (as libpq: root's may be
/// readable by its group).
fn private_key(path: &Path) -> Result<PrivateKeyDer<'static>> {
    let meta = std::fs::metadata(path)
        .map_err(|e| tls_error(format!("{}: the client certificate's key: {e}", path.display())))?;
    if !meta.is_file() {
        return Err(tls_error(format!("{}: the client certificate's key is not a file", path.display())));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let allowed = if meta.uid() == 0 { 0o037 } else { 0o077 };
        if meta.mode() & allowed != 0 {
            return Err(tls_error(format!(
                "{}: the client certificate's key may be read by others; make it private (chmod 600)",
                path.display()
            )));
        }
    }
    PrivateKeyDer::from_pem_file(path)
        .map_err(|e| tls_error(format!("{}: not a private key: {e}", path.display())))
}

/// `verify-ca` and `verify-full` (and `require` with a root file): the chain to the issuers
/// given; the host's name only for `verify-full`.
#[derive(Debug)]
struct Checked {
    webpki: Arc<WebPkiServerVerifier>,
    names: bool,
}

impl ServerCertVerifier for Checked {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp: &[u8],
        now: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        match self.webpki.verify_server_cert(end_entity, intermediates, server_name, ocsp, now) {
            Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) if !self.names => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        self.webpki.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        self.webpki.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.webpki.supported_verify_schemes()
    }
}

/// `prefer` and `require` without a root file: encrypted, whoever the server is (libpq's
/// meaning of those modes); the handshake's signatures are still checked.
#[derive(Debug)]
struct Unchecked(Arc<CryptoProvider>);

impl ServerCertVerifier for Unchecked {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp: &[u8],
        _now: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(message, cert, dss, &self.0.signature_verification_algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(message, cert, dss, &self.0.signature_verification_algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(vars: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |k| vars.iter().find(|(n, _)| *n == k).map(|(_, v)| v.to_string())
    }

    #[test]
    fn the_tls_words_leave_a_url_and_the_rest_stays_as_written() {
        let (rest, w) = split(
            "postgresql://wang@db1.centre:5433/book?application_name=desk%201&sslmode=verify-full&sslrootcert=%2Fetc%2Fcentre%20ca.crt",
            &env(&[("HOME", "/home/wang")]),
        )
        .expect("split");
        assert_eq!(rest, "postgresql://wang@db1.centre:5433/book?application_name=desk%201");
        assert_eq!(w.mode, SslMode::VerifyFull);
        assert_eq!(w.root_cert, PathBuf::from("/etc/centre ca.crt"));
        assert_eq!(w.cert, PathBuf::from("/home/wang/.postgresql/postgresql.crt"));
        assert_eq!(w.key, PathBuf::from("/home/wang/.postgresql/postgresql.key"));
        let (rest, w) = split("postgres://db1/book?sslmode=require", &env(&[])).expect("split");
        assert_eq!((rest.as_str(), w.mode), ("postgres://db1/book", SslMode::Require));
        rest.parse::<postgres::Config>().expect("the rest is for postgres::Config");
    }

    #[test]
    fn the_tls_words_leave_key_value_words_and_quoted_values_keep_their_spaces() {
        let (rest, w) = split(
            "host=db1 sslmode = 'verify-ca' application_name='night run' sslcert='/k/my cert.pem' sslkey=/k/my\\ key",
            &env(&[]),
        )
        .expect("split");
        assert_eq!(rest, "host=db1 application_name='night run'");
        let config: postgres::Config = rest.parse().expect("config");
        assert_eq!(config.get_application_name(), Some("night run"));
        assert_eq!(w.mode, SslMode::VerifyCa);
        assert_eq!(w.cert, PathBuf::from("/k/my cert.pem"));
        assert_eq!(w.key, PathBuf::from("/k/my key"));
    }

    #[test]
    fn the_environment_fills_in_what_the_address_leaves_out_and_the_address_wins() {
        let vars = env(&[("PGSSLMODE", "verify-full"), ("PGSSLROOTCERT", "/etc/ca.crt"), ("HOME", "/h")]);
        let (_, w) = split("host=db1", &vars).expect("split");
        assert_eq!((w.mode, w.root_cert), (SslMode::VerifyFull, PathBuf::from("/etc/ca.crt")));
        let (_, w) = split("host=db1 sslmode=disable", &vars).expect("split");
        assert_eq!(w.mode, SslMode::Disable);
        let (_, w) = split("host=db1", &env(&[("HOME", "/h")])).expect("split");
        assert_eq!((w.mode, w.root_cert), (SslMode::Prefer, PathBuf::from("/h/.postgresql/root.crt")));
    }

    #[test]
    fn a_mode_that_is_not_one_and_the_system_roots_are_refused_by_name() {
        let e = split("host=db1 sslmode=verify", &env(&[])).expect_err("mode").to_string();
        assert!(e.contains("sslmode=verify is not a mode"), "{e}");
        let e =
            split("postgres://db1/b?sslrootcert=system&sslmode=verify-full", &env(&[])).expect_err("system");
        assert!(e.to_string().contains("sslrootcert=system"), "{e}");
        let e = split("postgres://db1/b?sslmode=%zz", &env(&[])).expect_err("percent");
        assert!(e.to_string().contains("two hex digits"), "{e}");
    }

    #[test]
    fn verifying_without_a_root_file_says_which_file_and_what_to_do() {
        let (_, w) =
            split("host=db1 sslmode=verify-full sslrootcert=/nonexistent/ca.crt", &env(&[])).expect("split");
        let e = client_config(&w).expect_err("no root file").to_string();
        assert!(e.contains("/nonexistent/ca.crt") && e.contains("sslmode=require"), "{e}");
        // require without the file encrypts without checking, as libpq.
        let (_, w) =
            split("host=db1 sslmode=require sslrootcert=/nonexistent/ca.crt", &env(&[])).expect("split");
        client_config(&w).expect("encrypted, not checked");
    }

    #[cfg(unix)]
    #[test]
    fn a_client_key_others_may_read_is_refused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("dir");
        let key = dir.path().join("client.key");
        std::fs::write(&key, "not read").expect("write");
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).expect("mode");
        let e = private_key(&key).expect_err("readable").to_string();
        assert!(e.contains("chmod 600"), "{e}");
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).expect("mode");
        let e = private_key(&key).expect_err("not a key").to_string();
        assert!(e.contains("not a private key"), "{e}");
    }
}
