//! Security properties of the transport: https-only base URLs (except
//! loopback), and no credentials on a redirect to another origin, for
//! bearer and header authentication, GET and POST, 302 and 307.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use kot_connect_http::{
    Authenticator, BearerAuth, Error, HeaderAuth, Request, RetryPolicy, SecretString, Transport,
};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const BEARER: &str = "sec-bearer-7d1e9a40c2";
const API_KEY: &str = "sec-api-key-5b83f0e6aa";

/// A named way to build an authenticated transport.
type MakeTransport<'a> = (&'a str, Box<dyn Fn() -> Transport + 'a>);

fn transport_for(base_url: &str, auth: impl Authenticator + 'static) -> Transport {
    Transport::builder("test", "https://unused.example")
        .base_url(base_url)
        .auth(auth)
        .retry_policy(RetryPolicy::never())
        .build()
        .unwrap()
}

fn config_error(base_url: &str) -> Error {
    Transport::builder("test", "https://unused.example")
        .base_url(base_url)
        .build()
        .expect_err(base_url)
}

#[test]
fn plain_http_is_refused_outside_loopback_with_a_config_error() {
    for url in [
        "http://example.com",
        "http://example.com:8080/api",
        "http://10.0.0.1",
        "http://127.0.0.1.example.com",
        "http://localhost.example.com",
        "ftp://127.0.0.1",
        "file:///etc/passwd",
    ] {
        let err = config_error(url);
        assert!(matches!(err, Error::Config { .. }), "{url}: {err:?}");
    }
    let err = config_error("http://example.com");
    assert!(err.to_string().contains("https"), "{err}");
}

#[test]
fn https_anywhere_and_plain_http_on_loopback_are_accepted() {
    for url in [
        "https://example.com",
        "https://example.com:8443/v1.0",
        "http://127.0.0.1:1",
        "http://127.0.0.1:65535/v1.0",
        "http://127.8.9.10:1",
        "http://localhost:1",
        "http://LOCALHOST:1",
        "http://[::1]:1",
    ] {
        let built = Transport::builder("test", "https://unused.example")
            .base_url(url)
            .build();
        assert!(built.is_ok(), "{url}: {:?}", built.err());
    }
}

/// A second server on another origin that records what reaches it.
async fn elsewhere() -> MockServer {
    let other = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&other)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&other)
        .await;
    other
}

/// Everything the server received (headers, URL, body) as text.
async fn seen(server: &MockServer) -> Vec<String> {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .map(|r| {
            format!(
                "{} {:?} {}",
                r.url,
                r.headers,
                String::from_utf8_lossy(&r.body)
            )
        })
        .collect()
}

/// The first server redirects `/start` with `status` to `location`, for
/// each of the two authentications.
async fn redirecting(status: u16, location: &str) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(path("/start"))
        .respond_with(ResponseTemplate::new(status).insert_header("location", location))
        .expect(2)
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn no_credential_reaches_another_origin_on_a_redirect() {
    let other = elsewhere().await;
    let port = other.address().port();
    // Another port on the same host, and the same port under another name:
    // both are other origins.
    let targets = [
        format!("http://127.0.0.1:{port}/stolen"),
        format!("http://localhost:{port}/stolen"),
    ];
    for target in &targets {
        for status in [301, 302, 303, 307, 308] {
            for post in [false, true] {
                let server = redirecting(status, target).await;
                let auths: [MakeTransport<'_>; 2] = [
                    (
                        "bearer",
                        Box::new(|| {
                            transport_for(
                                &server.uri(),
                                BearerAuth::new(SecretString::from(BEARER)),
                            )
                        }),
                    ),
                    (
                        "header",
                        Box::new(|| {
                            transport_for(
                                &server.uri(),
                                HeaderAuth::new("x-api-key", SecretString::from(API_KEY)).unwrap(),
                            )
                        }),
                    ),
                ];
                for (name, make) in auths {
                    let request = if post {
                        Request::post("POST /start")
                            .path(["start"])
                            .json(&serde_json::json!({"a": 1}))
                            .unwrap()
                    } else {
                        Request::get("GET /start").path(["start"])
                    };
                    let response = make().send(request).await.unwrap();
                    // The redirect is handed back, not followed.
                    assert_eq!(
                        response.status().as_u16(),
                        status,
                        "{name} {status} post={post} -> {target}"
                    );
                }
                server.verify().await;
            }
        }
    }
    let seen = seen(&other).await;
    assert!(
        seen.is_empty(),
        "the other origin was reached at all: {seen:?}"
    );
}

#[tokio::test]
async fn a_same_origin_redirect_keeps_its_credentials_and_a_loop_stops() {
    let server = MockServer::start().await;
    Mock::given(path("/start"))
        .respond_with(ResponseTemplate::new(307).insert_header("location", "/next"))
        .mount(&server)
        .await;
    Mock::given(path("/next"))
        .and(wiremock::matchers::header("x-api-key", API_KEY))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path("/loop"))
        .respond_with(ResponseTemplate::new(302).insert_header("location", "/loop"))
        .mount(&server)
        .await;
    let t = transport_for(
        &server.uri(),
        HeaderAuth::new("x-api-key", SecretString::from(API_KEY)).unwrap(),
    );
    let ok = t
        .send(Request::get("GET /start").path(["start"]))
        .await
        .unwrap();
    assert_eq!(ok.status().as_u16(), 204);
    // A redirect loop ends in an error, not a hang; the error does not
    // carry the secret.
    let err = t
        .send(Request::get("GET /loop").path(["loop"]))
        .await
        .unwrap_err();
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains(API_KEY), "{shown}");
    let hits = server.received_requests().await.unwrap();
    let loops = hits.iter().filter(|r| r.url.path() == "/loop").count();
    assert!((2..=20).contains(&loops), "{loops} requests to /loop");
}
