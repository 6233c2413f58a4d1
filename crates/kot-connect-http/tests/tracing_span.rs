//! One tracing span per request: service, method, endpoint template, attempt
//! and status; never the secret, never the body.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use kot_connect_http::{BearerAuth, Request, RetryPolicy, SecretString, Transport};
use tracing_subscriber::fmt::format::FmtSpan;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "span-test-token-41d2c9b7e0";
const BODY_MARKER: &str = "body-marker-7f3e";

#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl Write for Buffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn the_span_names_the_endpoint_and_never_the_token_or_body() {
    let buffer = Buffer::default();
    let writer = buffer.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(FmtSpan::CLOSE)
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503).set_body_string(BODY_MARKER))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_string(BODY_MARKER))
        .mount(&server)
        .await;
    let transport = Transport::builder("kot", server.uri())
        .auth(BearerAuth::new(SecretString::from(TOKEN)))
        .retry_policy(
            RetryPolicy::default()
                .with_backoff(Duration::from_millis(1), Duration::from_millis(2))
                .with_min_backoff(Duration::from_millis(1)),
        )
        .build()
        .unwrap();
    transport
        .send(Request::get("GET /tokens/{token}/available").path(["tokens", TOKEN, "available"]))
        .await
        .unwrap();

    let logged = String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap();
    assert!(logged.contains("http_request"), "{logged}");
    assert!(
        logged.contains("endpoint=GET /tokens/{token}/available"),
        "{logged}"
    );
    assert!(logged.contains("attempt=2"), "{logged}");
    assert!(logged.contains("status=200"), "{logged}");
    assert!(logged.contains("retrying"), "{logged}");
    assert!(!logged.contains(TOKEN), "{logged}");
    assert!(!logged.contains(BODY_MARKER), "{logged}");
}
