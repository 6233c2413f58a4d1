//! The envelope and HTTP errors: a non-200 code under HTTP 200, the envelope
//! under an error status, a non-JSON 5xx keeping its status, 429, and a 200
//! whose body is not the envelope. All bodies are synthetic.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use senselink_api::{CODE_PARAM_INVALID, Error, RetryPolicy};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn devices_answer(server: &MockServer, answer: ResponseTemplate, hits: u64) {
    Mock::given(method("GET"))
        .and(path("/api/v1/device"))
        .respond_with(answer)
        .expect(hits)
        .mount(server)
        .await;
}

#[tokio::test]
async fn a_non_200_code_under_http_200_is_a_typed_api_error() {
    let server = common::server().await;
    devices_answer(
        &server,
        ResponseTemplate::new(200).set_body_json(
            json!({"code": 30001, "message": "Param Invalid", "desc": "size", "data": null}),
        ),
        1,
    )
    .await;
    let err = common::client(&server)
        .devices()
        .list()
        .send()
        .await
        .unwrap_err();
    let api = err.api().expect("an API error");
    assert_eq!(api.code, CODE_PARAM_INVALID);
    assert_eq!(api.message.as_deref(), Some("Param Invalid"));
    assert_eq!(api.desc.as_deref(), Some("size"));
    assert_eq!(api.status.as_u16(), 200);
    assert_eq!(api.endpoint, "GET /api/v1/device");
    assert!(err.is_param_invalid());
    assert_eq!(err.status().map(|s| s.as_u16()), Some(200));
    let text = err.to_string();
    assert!(
        text.contains("30001") && text.contains("Param Invalid"),
        "{text}"
    );
}

#[tokio::test]
async fn a_string_code_and_the_v5_shape_are_read_too() {
    let server = common::server().await;
    devices_answer(
        &server,
        ResponseTemplate::new(200).set_body_json(json!({
            "code": "498", "message": "Param Invalid", "data": {},
            "subCode": "timeValidFrom-invalid", "requestId": ""
        })),
        1,
    )
    .await;
    let err = common::client(&server)
        .devices()
        .list()
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.api_code(), Some(498));
    assert!(err.is_param_invalid());
    assert_eq!(
        err.api().unwrap().desc.as_deref(),
        Some("timeValidFrom-invalid")
    );
}

#[tokio::test]
async fn the_envelope_under_an_error_status_keeps_both() {
    let server = common::server().await;
    devices_answer(
        &server,
        ResponseTemplate::new(400)
            .set_body_json(json!({"code": 400, "message": "Http Request Error", "data": null})),
        1,
    )
    .await;
    let err = common::client(&server)
        .devices()
        .list()
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.api_code(), Some(400));
    assert_eq!(err.status().map(|s| s.as_u16()), Some(400));
}

#[tokio::test]
async fn a_non_json_5xx_keeps_its_status_and_body_after_retries() {
    let server = common::server().await;
    devices_answer(
        &server,
        ResponseTemplate::new(502).set_body_string("<html>502 Bad Gateway</html>"),
        3,
    )
    .await;
    let err = common::builder(&server)
        .retry_policy(common::fast_retries().with_max_attempts(3))
        .build()
        .unwrap()
        .devices()
        .list()
        .send()
        .await
        .unwrap_err();
    assert!(err.api().is_none());
    assert_eq!(err.status().map(|s| s.as_u16()), Some(502));
    match &err {
        Error::Http(e) => {
            assert_eq!(e.body().unwrap().text(), "<html>502 Bad Gateway</html>");
        }
        other => panic!("expected an HTTP error, got {other:?}"),
    }
}

#[tokio::test]
async fn posts_are_never_retried() {
    let server = common::server().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/user"))
        .respond_with(ResponseTemplate::new(503).set_body_string("busy"))
        .expect(1)
        .mount(&server)
        .await;
    let err = common::client(&server)
        .persons()
        .create(&senselink_api::models::NewPerson::new("A"))
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
}

#[tokio::test]
async fn a_429_is_a_rate_limit() {
    let server = common::server().await;
    devices_answer(
        &server,
        ResponseTemplate::new(429).set_body_string("slow down"),
        1,
    )
    .await;
    let err = common::builder(&server)
        .retry_policy(RetryPolicy::never())
        .build()
        .unwrap()
        .devices()
        .list()
        .send()
        .await
        .unwrap_err();
    assert!(err.is_rate_limited(), "{err:?}");
}

#[tokio::test]
async fn a_200_that_is_not_the_envelope_is_a_decode_error() {
    for body in [
        "<html>maintenance</html>",
        r#"{"message":"no code"}"#,
        "[1,2]",
    ] {
        let server = common::server().await;
        devices_answer(&server, ResponseTemplate::new(200).set_body_string(body), 1).await;
        let err = common::client(&server)
            .devices()
            .list()
            .send()
            .await
            .unwrap_err();
        assert!(err.is_decode(), "{body}: {err:?}");
        assert_eq!(err.status().map(|s| s.as_u16()), Some(200));
    }
}

#[tokio::test]
async fn data_of_the_wrong_shape_is_a_decode_error_not_an_empty_page() {
    let server = common::server().await;
    devices_answer(&server, common::ok(json!({"items": [{"id": 1}]})), 1).await;
    let err = common::client(&server)
        .devices()
        .list()
        .send()
        .await
        .unwrap_err();
    assert!(err.is_decode(), "{err:?}");
    assert!(err.to_string().contains("`data`"), "{err}");
}
