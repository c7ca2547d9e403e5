//! Which certificate authorities the client trusts, read and checked when it
//! is built: the built-in Mozilla roots (reqwest's `rustls-tls`), the
//! system's store, `SSL_CERT_FILE` and `SSL_CERT_DIR`, and the files given to
//! [`GraphqlClientBuilder::ca_certificate`]. Each adds to the others; none
//! replaces another.
//!
//! rustls-native-certs, which reqwest's `rustls-tls-native-roots` would use,
//! reads `SSL_CERT_FILE` and `SSL_CERT_DIR` from the process *instead of* the
//! system store, and from the process rather than the [`Environment`] the
//! client was given; so the system store is found here without them (see
//! [`system_roots`]), and the two variables are read from the `Environment`.
//!
//! [`GraphqlClientBuilder::ca_certificate`]: crate::GraphqlClientBuilder::ca_certificate

use std::collections::HashSet;
use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};

use rustls::RootCertStore;
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::{self, PemObject as _};

use crate::capped::{Unread, read_capped};
use crate::{ConfigError, Environment};

/// The most read from one certificate file, or from one directory's files
/// together: a bundle of every public CA is about 200 KiB.
const MAX_CA_BYTES: u64 = 16 * 1024 * 1024;

/// The most entries read from one `SSL_CERT_DIR` directory (a system's holds
/// a few hundred).
const MAX_DIR_ENTRIES: usize = 10_000;

/// Where a CA certificate file was named: the place to fix when it is bad.
/// Its `Display` is the setting's name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum CaSource {
    /// [`GraphqlClientBuilder::ca_certificate`](crate::GraphqlClientBuilder::ca_certificate).
    Builder,
    /// `SSL_CERT_FILE` ([`Environment::ssl_cert_file`]).
    SslCertFile,
    /// `SSL_CERT_DIR` ([`Environment::ssl_cert_dir`]): the directory, or a
    /// file in it.
    SslCertDir,
}

impl fmt::Display for CaSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Builder => "ca_certificate",
            Self::SslCertFile => "SSL_CERT_FILE",
            Self::SslCertDir => "SSL_CERT_DIR",
        })
    }
}

/// Every certificate to trust besides the built-in roots: the system's (when
/// `system`, that is when a TLS connection can be made at all), then those
/// of `SSL_CERT_FILE`, `SSL_CERT_DIR` and `extra`, which are read and checked
/// whatever `system` says.
///
/// # Errors
///
/// [`ConfigError::CaCertificate`] for the first file or directory that
/// cannot be read, is larger than [`MAX_CA_BYTES`], is not PEM, holds no
/// certificate, or holds one that cannot be a trust anchor. The system's
/// store is never an error: what cannot be used in it is left out.
pub(crate) fn roots(
    extra: &[PathBuf],
    env: &Environment,
    system: bool,
) -> Result<Vec<reqwest::Certificate>, ConfigError> {
    trusted(extra, env, system)?
        .iter()
        .map(|der| {
            reqwest::Certificate::from_der(der).map_err(|error| ConfigError::Client {
                reason: error.to_string(),
            })
        })
        .collect()
}

/// [`roots`], as the certificates themselves, each once.
fn trusted(
    extra: &[PathBuf],
    env: &Environment,
    system: bool,
) -> Result<Vec<CertificateDer<'static>>, ConfigError> {
    let mut certs = Vec::new();
    if let Some(file) = &env.ssl_cert_file {
        certs.extend(bundle(file, CaSource::SslCertFile)?);
    }
    if let Some(dirs) = &env.ssl_cert_dir {
        certs.extend(directories(dirs)?);
    }
    for file in extra {
        certs.extend(bundle(file, CaSource::Builder)?);
    }
    if system {
        certs.extend(system_roots());
    }
    certs.sort_unstable_by(|a, b| a.as_ref().cmp(b.as_ref()));
    certs.dedup();
    Ok(certs)
}

/// The system's certificate store, read without `SSL_CERT_FILE` and
/// `SSL_CERT_DIR`: on Unix (but macOS) every PEM file in its certificate
/// directories (`/etc/ssl/certs`, `/etc/pki/tls/certs`, …, which hold the
/// distribution's bundle too); elsewhere the platform's store. Certificates
/// that rustls cannot use (stores hold some ancient ones) are left out.
fn system_roots() -> Vec<CertificateDer<'static>> {
    #[cfg(all(unix, not(target_os = "macos")))]
    let found: Vec<_> = openssl_probe::candidate_cert_dirs()
        .map(|dir| rustls_native_certs::load_certs_from_paths(None, Some(dir)))
        .collect();
    // On macOS and Windows rustls-native-certs reads the platform's store,
    // unless SSL_CERT_FILE or SSL_CERT_DIR is set in the process: then it
    // reads those in its place (and the Environment's are added anyway).
    #[cfg(not(all(unix, not(target_os = "macos"))))]
    let found = vec![rustls_native_certs::load_native_certs()];
    let mut usable = RootCertStore::empty();
    let mut certs = Vec::new();
    for result in found {
        for error in &result.errors {
            tracing::debug!(%error, "skipped part of the system certificate store");
        }
        for cert in result.certs {
            if usable.add(cert.clone()).is_ok() {
                certs.push(cert);
            }
        }
    }
    certs
}

/// The certificates of a PEM file that was named on purpose: it must hold
/// at least one, and every one must be usable.
fn bundle(path: &Path, origin: CaSource) -> Result<Vec<CertificateDer<'static>>, ConfigError> {
    let bad = |reason: String| ConfigError::CaCertificate {
        path: path.to_owned(),
        origin,
        reason,
    };
    let metadata = fs::metadata(path).map_err(|error| bad(unreadable(&error)))?;
    if metadata.is_dir() {
        return Err(bad(
            "is a directory; give a PEM file (SSL_CERT_DIR takes a directory)".to_owned(),
        ));
    }
    let mut file = fs::File::open(path).map_err(|error| bad(unreadable(&error)))?;
    let bytes = read_capped(&mut file, MAX_CA_BYTES).map_err(|error| {
        bad(match error {
            Unread::TooLarge => format!(
                "is larger than {}, which no CA bundle is",
                mib(MAX_CA_BYTES)
            ),
            Unread::Io(error) => unreadable(&error),
        })
    })?;
    let certs = parse(&bytes).map_err(bad)?;
    if certs.is_empty() {
        return Err(bad(no_certificate(&bytes)));
    }
    Ok(certs)
}

/// The certificates in the directories of `SSL_CERT_DIR` (`:`-separated, or
/// `;` on Windows), each of which must be one; together they must hold a
/// usable certificate.
fn directories(dirs: &Path) -> Result<Vec<CertificateDer<'static>>, ConfigError> {
    let mut certs = Vec::new();
    for dir in std::env::split_paths(dirs).filter(|dir| !dir.as_os_str().is_empty()) {
        certs.extend(directory(&dir)?);
    }
    if certs.is_empty() {
        return Err(ConfigError::CaCertificate {
            path: dirs.to_owned(),
            origin: CaSource::SslCertDir,
            reason: "holds no usable PEM certificate ('-----BEGIN CERTIFICATE-----')".to_owned(),
        });
    }
    Ok(certs)
}

/// The certificates of the files in an `SSL_CERT_DIR` directory. As OpenSSL
/// does, files that hold no certificate are skipped, and so (as in a system
/// store) are certificates that cannot be trust anchors; a file whose PEM is
/// broken is an error.
fn directory(dir: &Path) -> Result<Vec<CertificateDer<'static>>, ConfigError> {
    let bad = |path: &Path, reason: String| ConfigError::CaCertificate {
        path: path.to_owned(),
        origin: CaSource::SslCertDir,
        reason,
    };
    let metadata = fs::metadata(dir).map_err(|error| bad(dir, unreadable(&error)))?;
    if !metadata.is_dir() {
        return Err(bad(
            dir,
            "is not a directory; SSL_CERT_DIR takes directories of PEM files (SSL_CERT_FILE takes a file)"
                .to_owned(),
        ));
    }
    let mut paths = Vec::new();
    for entry in fs::read_dir(dir).map_err(|error| bad(dir, unreadable(&error)))? {
        let entry = entry.map_err(|error| bad(dir, unreadable(&error)))?;
        if paths.len() == MAX_DIR_ENTRIES {
            return Err(bad(
                dir,
                format!(
                    "holds more than {MAX_DIR_ENTRIES} entries, which no certificate directory does"
                ),
            ));
        }
        paths.push(entry.path());
    }
    paths.sort();
    let mut seen = HashSet::new();
    let mut budget = MAX_CA_BYTES;
    let mut usable = RootCertStore::empty();
    let mut certs = Vec::new();
    for path in paths {
        // The hashed names `openssl rehash` makes are links to the same
        // files: each is read once. A dangling link is skipped.
        let Ok(real) = fs::canonicalize(&path) else {
            continue;
        };
        if !real.is_file() || !seen.insert(real) {
            continue;
        }
        let mut file = fs::File::open(&path).map_err(|error| bad(&path, unreadable(&error)))?;
        let bytes = read_capped(&mut file, budget).map_err(|error| match error {
            Unread::TooLarge => bad(
                dir,
                format!(
                    "holds more than {} of files, which no certificate directory does",
                    mib(MAX_CA_BYTES)
                ),
            ),
            Unread::Io(error) => bad(&path, unreadable(&error)),
        })?;
        budget -= bytes.len() as u64;
        for cert in parse_pem(&bytes).map_err(|reason| bad(&path, reason))? {
            match usable.add(cert.clone()) {
                Ok(()) => certs.push(cert),
                Err(error) => tracing::warn!(
                    path = %path.display(),
                    reason = %not_an_anchor(&error),
                    "skipped a certificate in SSL_CERT_DIR"
                ),
            }
        }
    }
    Ok(certs)
}

/// Every certificate in `bytes`, each of which must be a usable trust anchor.
fn parse(bytes: &[u8]) -> Result<Vec<CertificateDer<'static>>, String> {
    let certs = parse_pem(bytes)?;
    let mut usable = RootCertStore::empty();
    for (index, cert) in certs.iter().enumerate() {
        usable.add(cert.clone()).map_err(|error| {
            format!(
                "holds a certificate (number {} in it) that cannot be trusted: {}",
                index + 1,
                not_an_anchor(&error)
            )
        })?;
    }
    Ok(certs)
}

/// The PEM certificates in `bytes` (other PEM sections, such as keys, are
/// left out), or why the PEM is broken.
fn parse_pem(bytes: &[u8]) -> Result<Vec<CertificateDer<'static>>, String> {
    CertificateDer::pem_slice_iter(bytes)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|error| match error {
            pem::Error::MissingSectionEnd { end_marker } => format!(
                "is not valid PEM: a block has no '{}' line",
                String::from_utf8_lossy(&end_marker)
            ),
            pem::Error::IllegalSectionStart { .. } => {
                "is not valid PEM: a '-----BEGIN' line is malformed".to_owned()
            }
            pem::Error::Base64Decode(reason) => {
                format!("is not valid PEM: a block is not base64 ({reason})")
            }
            other => format!("is not valid PEM: {other}"),
        })
}

/// Why a file holds no certificate, for a file that was read whole.
fn no_certificate(bytes: &[u8]) -> String {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        "is empty; it must hold the CA's certificate in PEM ('-----BEGIN CERTIFICATE-----')"
            .to_owned()
    } else if bytes.first() == Some(&0x30) {
        // A DER certificate is an ASN.1 SEQUENCE: 0x30.
        "is DER, not PEM; convert it with 'openssl x509 -inform der -in FILE -out FILE.pem'"
            .to_owned()
    } else if bytes.windows(11).any(|window| window == b"-----BEGIN ") {
        "holds no certificate: its PEM blocks are of other kinds (a key?); give the CA's certificate ('-----BEGIN CERTIFICATE-----')".to_owned()
    } else {
        "is not PEM: it holds no '-----BEGIN CERTIFICATE-----' block".to_owned()
    }
}

/// Why rustls refused a certificate as a trust anchor (its own message
/// speaks of a peer certificate, which this is not).
fn not_an_anchor(error: &rustls::Error) -> String {
    match error {
        rustls::Error::InvalidCertificate(rustls::CertificateError::BadEncoding) => {
            "it is not a valid X.509 certificate".to_owned()
        }
        rustls::Error::InvalidCertificate(inner) => inner.to_string(),
        other => other.to_string(),
    }
}

fn unreadable(error: &std::io::Error) -> String {
    format!("cannot be read: {error}")
}

fn mib(bytes: u64) -> String {
    format!("{} MiB", bytes / (1024 * 1024))
}

#[cfg(test)]
mod tests {
    use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair};

    use super::*;

    /// A fresh CA's certificate, written to `dir/ca.pem`.
    fn private_ca(dir: &Path) -> (PathBuf, CertificateDer<'static>) {
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params
            .distinguished_name
            .push(DnType::CommonName, "users-graphql unit test CA");
        let cert = params.self_signed(&KeyPair::generate().unwrap()).unwrap();
        let path = dir.join("ca.pem");
        fs::write(&path, cert.pem()).unwrap();
        (path, cert.der().clone())
    }

    #[test]
    fn ssl_cert_file_adds_to_the_system_store_rather_than_replacing_it() {
        let dir = tempfile::tempdir().unwrap();
        let (path, ca) = private_ca(dir.path());
        let env = Environment {
            ssl_cert_file: Some(path),
            ..Environment::default()
        };
        let system = system_roots();

        let with_system = trusted(&[], &env, true).unwrap();
        let without = trusted(&[], &env, false).unwrap();

        assert_eq!(without, std::slice::from_ref(&ca));
        assert!(with_system.contains(&ca));
        for cert in &system {
            assert!(
                with_system.contains(cert),
                "a system certificate is missing"
            );
        }
    }

    #[test]
    fn nothing_but_the_system_store_is_trusted_by_default() {
        let system = system_roots();

        let default = trusted(&[], &Environment::default(), true).unwrap();

        assert_eq!(default.len(), {
            let mut unique = system.clone();
            unique.sort_unstable_by(|a, b| a.as_ref().cmp(b.as_ref()));
            unique.dedup();
            unique.len()
        });
        assert!(
            trusted(&[], &Environment::default(), false)
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn a_file_named_twice_is_trusted_once() {
        let dir = tempfile::tempdir().unwrap();
        let (path, ca) = private_ca(dir.path());
        let env = Environment {
            ssl_cert_file: Some(path.clone()),
            ssl_cert_dir: Some(dir.path().to_owned()),
            ..Environment::default()
        };

        let certs = trusted(&[path], &env, false).unwrap();

        assert_eq!(certs, [ca]);
    }
}
