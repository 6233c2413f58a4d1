//! The transport against a local mock server: retries, rate limits,
//! redirects, timeouts and secrets.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use kot_connect_http::{
    BearerAuth, Error, RateLimiter, Request, RetryPolicy, SecretString, Transport,
};
use wiremock::matchers::{header, header_exists, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "transport-test-token-3f9a1c7e";

fn fast_retries() -> RetryPolicy {
    RetryPolicy::default()
        .with_backoff(Duration::from_millis(1), Duration::from_millis(5))
        .with_min_backoff(Duration::from_millis(1))
}

fn transport(server: &MockServer) -> Transport {
    Transport::builder("test", "https://unused.example")
        .base_url(server.uri())
        .auth(BearerAuth::new(SecretString::from(TOKEN)))
        .retry_policy(fast_retries())
        .build()
        .unwrap()
}

#[tokio::test]
async fn get_is_retried_on_503_until_success() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/things"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(2)
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/things"))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!([1, 2])))
        .expect(1)
        .mount(&server)
        .await;
    let response = transport(&server)
        .send(Request::get("GET /things").path(["things"]))
        .await
        .unwrap();
    assert_eq!(response.json::<Vec<u32>>().unwrap(), vec![1, 2]);
}

#[tokio::test]
async fn get_gives_up_after_max_attempts_keeping_status_and_body() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(502).set_body_string("<html>Bad Gateway</html>"))
        .expect(4)
        .mount(&server)
        .await;
    let response = transport(&server)
        .send(Request::get("GET /things").path(["things"]))
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 502);
    let err = response.into_error();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(502));
    assert!(err.to_string().contains("Bad Gateway"));
}

#[tokio::test]
async fn post_is_never_retried() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503))
        .expect(1)
        .mount(&server)
        .await;
    let response = transport(&server)
        .send(
            Request::post("POST /things")
                .path(["things"])
                .json(&[1])
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 503);
}

#[tokio::test]
async fn rate_limit_429_honours_retry_after() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "1"))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_string("[]"))
        .expect(1)
        .mount(&server)
        .await;
    let started = std::time::Instant::now();
    let response = transport(&server)
        .send(Request::get("GET /x").path(["x"]))
        .await
        .unwrap();
    assert!(response.status().is_success());
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "waited {:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn persistent_429_becomes_a_rate_limited_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "0"))
        .expect(4)
        .mount(&server)
        .await;
    let err = transport(&server)
        .send(Request::get("GET /x").path(["x"]))
        .await
        .unwrap()
        .into_error();
    assert!(err.is_rate_limited());
}

#[tokio::test]
async fn a_404_is_final_and_not_retried() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(404))
        .expect(1)
        .mount(&server)
        .await;
    let response = transport(&server)
        .send(Request::get("GET /x").path(["x"]))
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 404);
}

#[tokio::test]
async fn timeouts_are_retried_then_reported_as_transport_errors() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_millis(500)))
        .expect(2)
        .mount(&server)
        .await;
    let t = Transport::builder("test", server.uri())
        .attempt_timeout(Duration::from_millis(50))
        .retry_policy(fast_retries().with_max_attempts(2))
        .build()
        .unwrap();
    let err = t
        .send(Request::get("GET /slow").path(["slow"]))
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert!(err.is_transport());
}

#[tokio::test]
async fn the_token_never_appears_in_errors_even_when_the_path_holds_it() {
    // Nothing listens on this port: a connect error, whose reqwest message
    // would normally include the URL (and so the token in the path).
    let t = Transport::builder("test", "http://127.0.0.1:9")
        .auth(BearerAuth::new(SecretString::from(TOKEN)))
        .retry_policy(RetryPolicy::never())
        .build()
        .unwrap();
    let err = t
        .send(Request::get("GET /tokens/{token}/available").path(["tokens", TOKEN, "available"]))
        .await
        .unwrap_err();
    assert!(err.is_transport());
    let shown = format!("{err} {err:?}");
    let mut source = std::error::Error::source(&err);
    let mut chain = String::new();
    while let Some(s) = source {
        chain.push_str(&s.to_string());
        source = s.source();
    }
    assert!(!shown.contains(TOKEN), "{shown}");
    assert!(!chain.contains(TOKEN), "{chain}");
    assert!(shown.contains("/tokens/{token}/available"));
    assert!(!format!("{t:?}").contains(TOKEN));
}

#[tokio::test]
async fn credentials_do_not_follow_a_cross_host_redirect() {
    let other = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&other)
        .await;
    let server = MockServer::start().await;
    // "localhost" and "127.0.0.1" are different origins for the same port.
    let elsewhere = format!("http://localhost:{}/stolen", other.address().port());
    Mock::given(method("GET"))
        .and(path("/start"))
        .respond_with(ResponseTemplate::new(302).insert_header("location", elsewhere.as_str()))
        .expect(1)
        .mount(&server)
        .await;
    let response = transport(&server)
        .send(Request::get("GET /start").path(["start"]))
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 302);
}

#[tokio::test]
async fn same_origin_redirects_are_followed_with_credentials() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/old"))
        .respond_with(ResponseTemplate::new(301).insert_header("location", "/new"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/new"))
        .and(header_exists("authorization"))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    let response = transport(&server)
        .send(Request::get("GET /old").path(["old"]))
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
}

#[tokio::test]
async fn json_and_form_bodies_carry_their_content_types() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/j"))
        .and(header("content-type", "application/json; charset=utf-8"))
        .and(wiremock::matchers::body_json(
            serde_json::json!({"a": "出勤"}),
        ))
        .respond_with(ResponseTemplate::new(201))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/f"))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .and(wiremock::matchers::body_string(
            "company_id=42&name=a+b%26c",
        ))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    let t = transport(&server);
    let r = t
        .send(
            Request::post("POST /j")
                .path(["j"])
                .json(&serde_json::json!({"a": "出勤"}))
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 201);
    let r = t
        .send(
            Request::post("POST /f")
                .path(["f"])
                .form([("company_id", "42"), ("name", "a b&c")]),
        )
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
}

#[tokio::test]
async fn the_rate_limiter_spaces_requests_of_clones() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200))
        .expect(5)
        .mount(&server)
        .await;
    let t = Transport::builder("test", server.uri())
        .rate_limit(RateLimiter::per_second(20.0).unwrap())
        .build()
        .unwrap();
    let started = std::time::Instant::now();
    let tasks: Vec<_> = (0..5)
        .map(|_| {
            let t = t.clone();
            tokio::spawn(async move { t.send(Request::get("GET /x").path(["x"])).await })
        })
        .collect();
    for task in tasks {
        assert!(task.await.unwrap().unwrap().status().is_success());
    }
    // 5 requests at 20/s: the last may start 200 ms after the first.
    assert!(
        started.elapsed() >= Duration::from_millis(190),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn garbage_json_is_a_decode_error_with_status() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_string("{\"a\": [1, 2,"))
        .mount(&server)
        .await;
    let r = transport(&server)
        .send(Request::get("GET /x").path(["x"]))
        .await
        .unwrap();
    let err: Error = r.json::<serde_json::Value>().unwrap_err();
    assert!(err.is_decode());
    assert_eq!(err.status().map(|s| s.as_u16()), Some(200));
}

#[tokio::test]
async fn an_oversized_body_is_refused_and_not_retried() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/big"))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(vec![b'x'; 4096]))
        .expect(1)
        .mount(&server)
        .await;
    let t = Transport::builder("test", server.uri())
        .retry_policy(fast_retries())
        .max_response_bytes(1024)
        .build()
        .unwrap();
    let err = t
        .send(Request::get("GET /big").path(["big"]))
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::ResponseTooLarge { limit: 1024, .. }),
        "{err:?}"
    );
    assert_eq!(err.status().map(|s| s.as_u16()), Some(200));
    // At the cap exactly, the body is accepted.
    let t = Transport::builder("test", server.uri())
        .max_response_bytes(4096)
        .build()
        .unwrap();
    Mock::given(method("GET"))
        .and(path("/exact"))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(vec![b'x'; 4096]))
        .mount(&server)
        .await;
    let r = t
        .send(Request::get("GET /exact").path(["exact"]))
        .await
        .unwrap();
    assert_eq!(r.body().len(), 4096);
}
