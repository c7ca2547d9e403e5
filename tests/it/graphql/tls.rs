//! TLS to the server, over real TLS on 127.0.0.1 in front of the emulator:
//! which certificates are trusted (the system store plus `SSL_CERT_FILE`,
//! `SSL_CERT_DIR` and `ca_certificate`), a bundle that cannot be used (a
//! one-line `ConfigError` naming the file, before anything is sent), and a
//! certificate nobody vouches for (refused in one attempt, saying why).
//!
//! The certificates are made here, at test time: a private CA, and a server
//! certificate it signs for `127.0.0.1` and `localhost`.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose};
use rustls::pki_types::pem::PemObject as _;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;
use tokio_rustls::TlsAcceptor;
use users_domain::{Error, KeyRepository as _, UserRepository as _};
use users_emulator::RunningEmulator;
use users_graphql::{
    CaSource, ConfigError, Environment, GraphqlClientBuilder, GraphqlUserRepository, RetryPolicy,
};

use crate::support::emulator::{ADMIN_KEY, start};

/// A private CA and the server certificate it signed.
struct Pki {
    /// The CA's certificate, PEM: what a client must be told to trust.
    ca_pem: String,
    server_chain: Vec<CertificateDer<'static>>,
    server_key: PrivateKeyDer<'static>,
}

impl Pki {
    fn new() -> Self {
        // Each CA has a name of its own: two of one name would be told apart
        // by their signatures (BadSignature), not by name (UnknownIssuer).
        static MADE: AtomicUsize = AtomicUsize::new(0);
        let serial = MADE.fetch_add(1, Ordering::Relaxed);
        let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
        ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca.distinguished_name
            .push(DnType::CommonName, format!("wbusers test CA {serial}"));
        ca.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let ca_key = KeyPair::generate().unwrap();
        let ca_cert = ca.self_signed(&ca_key).unwrap();
        let issuer = Issuer::new(ca, ca_key);

        let mut server =
            CertificateParams::new(vec!["127.0.0.1".to_owned(), "localhost".to_owned()]).unwrap();
        server
            .distinguished_name
            .push(DnType::CommonName, "127.0.0.1");
        let server_key = KeyPair::generate().unwrap();
        let server_cert = server.signed_by(&server_key, &issuer).unwrap();
        Self {
            ca_pem: ca_cert.pem(),
            server_chain: vec![server_cert.der().clone()],
            server_key: PrivatePkcs8KeyDer::from(server_key.serialize_der()).into(),
        }
    }

    /// Writes the CA's certificate to `dir/name`.
    fn write_ca(&self, dir: &Path, name: &str) -> PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, &self.ca_pem).unwrap();
        path
    }
}

/// HTTPS on 127.0.0.1 in front of the emulator (plain http): each connection
/// is counted, its TLS ended here with the [`Pki`]'s server certificate, and
/// what it carries forwarded as it is.
struct TlsFront {
    addr: SocketAddr,
    connections: Arc<AtomicUsize>,
    accepting: JoinHandle<()>,
    _emulator: RunningEmulator,
}

impl TlsFront {
    async fn start(pki: &Pki) -> Self {
        let emulator = start().await;
        let backend = emulator.local_addr();
        let config = rustls::ServerConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(pki.server_chain.clone(), pki.server_key.clone_key())
        .unwrap();
        let acceptor = TlsAcceptor::from(Arc::new(config));
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let connections = Arc::new(AtomicUsize::new(0));
        let counted = Arc::clone(&connections);
        let accepting = tokio::spawn(async move {
            while let Ok((tcp, _)) = listener.accept().await {
                counted.fetch_add(1, Ordering::SeqCst);
                let acceptor = acceptor.clone();
                tokio::spawn(async move {
                    // A client that refuses the certificate ends here.
                    let Ok(mut tls) = acceptor.accept(tcp).await else {
                        return;
                    };
                    let Ok(mut plain) = TcpStream::connect(backend).await else {
                        return;
                    };
                    let _ = tokio::io::copy_bidirectional(&mut tls, &mut plain).await;
                });
            }
        });
        Self {
            addr,
            connections,
            accepting,
            _emulator: emulator,
        }
    }

    fn base_url(&self) -> String {
        format!("https://{}", self.addr)
    }

    /// TCP connections accepted so far: one per attempt that reached us.
    fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

impl Drop for TlsFront {
    fn drop(&mut self) {
        self.accepting.abort();
    }
}

/// Four attempts, milliseconds apart: what a failure that heals would get.
fn four_quick_attempts() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 4,
        base_delay: Duration::from_millis(1),
        max_delay: Duration::from_millis(5),
        deadline: Duration::from_secs(30),
        max_retry_after: Duration::from_secs(1),
    }
}

/// A client of `front` holding the emulator's admin key, reading only `env`
/// (never the process's environment), with four quick attempts.
fn builder(front: &TlsFront, env: Environment) -> GraphqlClientBuilder {
    GraphqlUserRepository::builder()
        .environment(Environment {
            base_url: Some(front.base_url()),
            api_key: Some(ADMIN_KEY.into()),
            ..env
        })
        .retry_policy(four_quick_attempts())
}

#[tokio::test]
async fn an_untrusted_certificate_fails_in_one_attempt_naming_the_problem() {
    let pki = Pki::new();
    let front = TlsFront::start(&pki).await;
    let repo = builder(&front, Environment::default()).build().unwrap();

    let error = repo.viewer().await.unwrap_err();

    assert_eq!(front.connections(), 1, "{error}");
    assert!(!error.is_transient(), "{error:?}");
    let message = error.to_string();
    assert!(message.contains("UnknownIssuer"), "{message}");
    assert!(message.contains("not trusted"), "{message}");
    assert!(message.contains("SSL_CERT_FILE"), "{message}");
    assert!(!message.contains('\n'), "{message}");
    assert!(matches!(error, Error::Protocol { .. }), "{error:?}");
}

#[tokio::test]
async fn a_private_ca_in_ssl_cert_file_is_trusted() {
    let pki = Pki::new();
    let front = TlsFront::start(&pki).await;
    let dir = tempfile::tempdir().unwrap();
    let env = Environment {
        ssl_cert_file: Some(pki.write_ca(dir.path(), "ca.pem")),
        ..Environment::default()
    };

    let viewer = builder(&front, env)
        .build()
        .unwrap()
        .viewer()
        .await
        .unwrap();

    assert!(viewer.admin, "{viewer:?}");
    assert_eq!(front.connections(), 1);
}

#[tokio::test]
async fn a_private_ca_given_to_the_builder_is_trusted() {
    let pki = Pki::new();
    let front = TlsFront::start(&pki).await;
    let dir = tempfile::tempdir().unwrap();
    let ca = pki.write_ca(dir.path(), "ca.pem");

    let repo = builder(&front, Environment::default())
        .ca_certificate(ca)
        .build()
        .unwrap();

    assert!(repo.viewer().await.unwrap().admin);
}

#[tokio::test]
async fn a_private_ca_in_an_ssl_cert_dir_is_trusted_and_other_files_there_are_skipped() {
    let pki = Pki::new();
    let front = TlsFront::start(&pki).await;
    let empty = tempfile::tempdir().unwrap();
    let certs = tempfile::tempdir().unwrap();
    pki.write_ca(certs.path(), "corp-ca.pem");
    std::fs::write(certs.path().join("README"), "not a certificate\n").unwrap();
    std::fs::create_dir(certs.path().join("old")).unwrap();
    // Two directories, as in PATH: only the second holds anything.
    let dirs = std::env::join_paths([empty.path(), certs.path()]).unwrap();
    std::fs::write(empty.path().join("notes.txt"), "").unwrap();
    let env = Environment {
        ssl_cert_dir: Some(PathBuf::from(dirs)),
        ..Environment::default()
    };

    let repo = builder(&front, env).build().unwrap();

    assert!(repo.viewer().await.unwrap().admin);
}

#[tokio::test]
async fn every_source_of_trust_adds_to_the_others() {
    // The server's CA in the builder's file; another CA in SSL_CERT_FILE
    // does not take its place.
    let pki = Pki::new();
    let other = Pki::new();
    let front = TlsFront::start(&pki).await;
    let dir = tempfile::tempdir().unwrap();
    let env = Environment {
        ssl_cert_file: Some(other.write_ca(dir.path(), "other.pem")),
        ..Environment::default()
    };

    let repo = builder(&front, env)
        .ca_certificate(pki.write_ca(dir.path(), "ca.pem"))
        .build()
        .unwrap();

    assert!(repo.viewer().await.unwrap().admin);
}

#[tokio::test]
async fn a_certificate_signed_by_another_ca_is_refused_at_once() {
    let pki = Pki::new();
    let front = TlsFront::start(&pki).await;
    let dir = tempfile::tempdir().unwrap();
    let repo = builder(&front, Environment::default())
        .ca_certificate(Pki::new().write_ca(dir.path(), "other.pem"))
        .build()
        .unwrap();

    let error = repo.viewer().await.unwrap_err();

    assert!(matches!(error, Error::Protocol { .. }), "{error:?}");
    assert!(error.to_string().contains("UnknownIssuer"), "{error}");
    assert_eq!(front.connections(), 1, "{error}");
}

/// What `build` says of `ca_certificate(path)`: the one-line message of a
/// `ConfigError::CaCertificate` naming `path`.
fn refused_bundle(path: &Path) -> String {
    let error = GraphqlUserRepository::builder()
        .environment(Environment {
            base_url: Some("https://127.0.0.1:9".to_owned()),
            api_key: Some(ADMIN_KEY.into()),
            ..Environment::default()
        })
        .ca_certificate(path)
        .build()
        .unwrap_err();
    let message = error.to_string();
    let ConfigError::CaCertificate {
        path: named,
        origin,
        ..
    } = &error
    else {
        panic!("{}: {error:?}", path.display());
    };
    assert_eq!(named, path);
    assert_eq!(*origin, CaSource::Builder);
    assert!(
        message.starts_with(&format!("ca_certificate {}", path.display())),
        "{message}"
    );
    assert!(!message.contains('\n'), "{message}");
    message
}

#[test]
fn a_bundle_that_cannot_be_used_fails_the_build_naming_the_file_and_the_problem() {
    let pki = Pki::new();
    let dir = tempfile::tempdir().unwrap();
    let file = |name: &str, contents: &[u8]| {
        let path = dir.path().join(name);
        std::fs::write(&path, contents).unwrap();
        path
    };
    let der = rustls::pki_types::CertificateDer::from_pem_slice(pki.ca_pem.as_bytes()).unwrap();
    let broken = pki.ca_pem.replace("-----END CERTIFICATE-----", "");
    let not_x509 = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
    let huge = file("huge.pem", b"");
    std::fs::File::options()
        .write(true)
        .open(&huge)
        .unwrap()
        .set_len(17 * 1024 * 1024)
        .unwrap();
    let cases = [
        (
            file("garbage.pem", b"hello, I am not a certificate\n"),
            "is not PEM",
        ),
        (file("empty.pem", b""), "is empty"),
        (file("blank.pem", b"\n  \n"), "is empty"),
        (dir.path().to_owned(), "is a directory"),
        (dir.path().join("missing.pem"), "cannot be read"),
        (file("ca.der", der.as_ref()), "is DER, not PEM"),
        (
            file(
                "key.pem",
                b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
            ),
            "holds no certificate",
        ),
        (file("broken.pem", broken.as_bytes()), "is not valid PEM"),
        (
            file("not-x509.pem", not_x509.as_bytes()),
            "not a valid X.509 certificate",
        ),
        (huge, "is larger than 16 MiB"),
    ];

    for (path, expected) in cases {
        let message = refused_bundle(&path);

        assert!(message.contains(expected), "{}: {message}", path.display());
    }
}

#[test]
fn a_bad_ssl_cert_file_or_dir_is_named_as_such() {
    let dir = tempfile::tempdir().unwrap();
    let garbage = dir.path().join("garbage.pem");
    std::fs::write(&garbage, "garbage").unwrap();
    let empty_dir = tempfile::tempdir().unwrap();
    let build = |env: Environment| {
        GraphqlUserRepository::builder()
            .environment(Environment {
                base_url: Some("https://127.0.0.1:9".to_owned()),
                api_key: Some(ADMIN_KEY.into()),
                ..env
            })
            .build()
            .unwrap_err()
            .to_string()
    };

    let file = build(Environment {
        ssl_cert_file: Some(garbage.clone()),
        ..Environment::default()
    });
    let not_a_dir = build(Environment {
        ssl_cert_dir: Some(garbage.clone()),
        ..Environment::default()
    });
    let nothing_in_dir = build(Environment {
        ssl_cert_dir: Some(empty_dir.path().to_owned()),
        ..Environment::default()
    });

    assert_eq!(
        file,
        format!(
            "SSL_CERT_FILE {} is not PEM: it holds no '-----BEGIN CERTIFICATE-----' block",
            garbage.display()
        )
    );
    assert!(
        not_a_dir.starts_with(&format!(
            "SSL_CERT_DIR {} is not a directory",
            garbage.display()
        )),
        "{not_a_dir}"
    );
    assert!(
        nothing_in_dir.starts_with(&format!(
            "SSL_CERT_DIR {} holds no usable PEM certificate",
            empty_dir.path().display()
        )),
        "{nothing_in_dir}"
    );
}

#[test]
fn a_broken_file_in_an_ssl_cert_dir_is_named() {
    let pki = Pki::new();
    let dir = tempfile::tempdir().unwrap();
    pki.write_ca(dir.path(), "good.pem");
    let broken = dir.path().join("broken.pem");
    std::fs::write(&broken, pki.ca_pem.replace("-----END CERTIFICATE-----", "")).unwrap();

    let error = GraphqlUserRepository::builder()
        .environment(Environment {
            base_url: Some("https://127.0.0.1:9".to_owned()),
            api_key: Some(ADMIN_KEY.into()),
            ssl_cert_dir: Some(dir.path().to_owned()),
            ..Environment::default()
        })
        .build()
        .unwrap_err();

    assert!(
        matches!(&error, ConfigError::CaCertificate { path, origin: CaSource::SslCertDir, .. } if *path == broken),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_mutation_refused_by_tls_is_known_not_to_have_run() {
    let pki = Pki::new();
    let front = TlsFront::start(&pki).await;
    let repo = builder(&front, Environment::default()).build().unwrap();

    let error = repo.generate_api_key(None).await.unwrap_err();

    assert!(matches!(error, Error::Protocol { .. }), "{error:?}");
    assert_eq!(front.connections(), 1, "{error}");
}
