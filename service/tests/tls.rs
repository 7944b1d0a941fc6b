//! TLS from the configuration: a client that trusts the server's certificate authority runs a
//! query over TLS; a plain-text client gets no answer. The certificates are made for the test
//! with the `openssl` command (scripts/install-deps.sh installs it).

mod common;

use std::path::Path;
use std::process::Command;

use arrow_flight::sql::client::FlightSqlServiceClient;
use common::{ADMIN, TestServer, rows, sql};
use tonic::transport::{Certificate, ClientTlsConfig, Endpoint};

/// Runs `openssl` with `args` in `dir`, failing the test with its output if it fails.
fn openssl(dir: &Path, args: &[&str]) {
    let output = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("openssl runs (scripts/install-deps.sh installs it)");
    assert!(
        output.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// A certificate authority (`ca.pem`) and a server certificate for localhost and 127.0.0.1
/// signed by it (`cert.pem`, `key.pem`), in `dir`.
fn make_certificates(dir: &Path) {
    openssl(
        dir,
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
            "-days",
            "2",
            "-subj",
            "/CN=switchyard test CA",
        ],
    );
    openssl(
        dir,
        &[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "key.pem",
            "-out",
            "server.csr",
            "-subj",
            "/CN=localhost",
        ],
    );
    std::fs::write(
        dir.join("server.ext"),
        "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\n\
         extendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost,IP:127.0.0.1\n",
    )
    .expect("extensions file");
    openssl(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "cert.pem",
            "-days",
            "2",
            "-extfile",
            "server.ext",
        ],
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tls_from_the_config_serves_trusting_clients_and_not_plain_text() {
    let dir = tempfile::tempdir().expect("temp dir");
    make_certificates(dir.path());
    let service_yaml = format!(
        "principals: {{ admin: {{ token: admin-token, tables: '*' }} }}\n\
         tls: {{ cert: {}, key: {} }}\n",
        dir.path().join("cert.pem").display(),
        dir.path().join("key.pem").display()
    );
    let server = TestServer::start(&service_yaml).await;

    let ca = std::fs::read(dir.path().join("ca.pem")).expect("ca.pem");
    let channel = Endpoint::from_shared(format!("https://{}", server.addr))
        .expect("URI")
        .tls_config(
            ClientTlsConfig::new()
                .ca_certificate(Certificate::from_pem(ca))
                .domain_name("localhost"),
        )
        .expect("TLS settings")
        .connect()
        .await
        .expect("a TLS connection");
    let mut client = FlightSqlServiceClient::new(channel);
    client.set_token(ADMIN.to_string());
    let batches = sql(&mut client, "select n_name from nation")
        .await
        .expect("the query runs over TLS");
    assert_eq!(rows(&batches), 25);

    // Plain text to a TLS port: the connection or the first call fails, and the server goes on.
    let channel = Endpoint::from_shared(format!("http://{}", server.addr))
        .expect("URI")
        .connect_lazy();
    let mut plain = FlightSqlServiceClient::new(channel);
    plain.set_token(ADMIN.to_string());
    let refused = sql(&mut plain, "select n_name from nation").await;
    assert!(refused.is_err(), "plain text was answered: {refused:?}");
    let batches = sql(&mut client, "select r_name from region")
        .await
        .expect("TLS clients are still served");
    assert_eq!(rows(&batches), 5);
    server.stop().await;
}
