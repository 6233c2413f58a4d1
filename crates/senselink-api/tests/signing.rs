//! The request signature: fixed vectors on a frozen clock, query versus
//! header placement, a fresh timestamp per attempt, and the secret never
//! leaving the process nor reaching `Debug` or an error.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use chrono::{DateTime, Utc};
use common::{APP_KEY, APP_SECRET, EXPECTED_SIGN, NOW_MS};
use senselink_api::{AuthPlacement, Client, Clock, SecretString, Signer, sign};
use serde_json::json;
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, ResponseTemplate};

#[test]
fn sign_matches_independently_computed_vectors() {
    // Each expected value is the MD5 of the literal string in the comment,
    // computed with another implementation.
    // md5("1477881215000#0123456789abcdef0123456789abcdef")
    assert_eq!(
        sign(
            1_477_881_215_000,
            &SecretString::from("0123456789abcdef0123456789abcdef")
        ),
        "cf08e970aa264f62a53daf8c5727852e"
    );
    // md5("1700000000000#test-secret")
    assert_eq!(
        sign(1_700_000_000_000, &SecretString::from("test-secret")),
        "c85d50e204dcd232bc6c0008dadfdad5"
    );
    // md5("1700000000000#sl-test-secret-9c4e2a7b")
    assert_eq!(sign(NOW_MS, &SecretString::from(APP_SECRET)), EXPECTED_SIGN);
}

#[tokio::test]
async fn query_placement_sends_app_key_timestamp_and_sign_in_the_query() {
    let server = common::server().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/device"))
        .and(query_param("app_key", APP_KEY))
        .and(query_param("timestamp", "1700000000000"))
        .and(query_param("sign", EXPECTED_SIGN))
        .respond_with(common::ok(json!([])))
        .expect(1)
        .mount(&server)
        .await;
    let client = common::client(&server);
    client.devices().list().send().await.unwrap();

    let requests = common::received(&server).await;
    let r = &requests[0];
    for name in ["appkey", "timestamp", "sign"] {
        assert!(r.headers.get(name).is_none(), "no {name} header expected");
    }
    // The timestamp is 13 digits of milliseconds.
    assert_eq!(common::query(r, "timestamp").unwrap().len(), 13);
}

#[tokio::test]
async fn header_placement_sends_them_as_headers_and_not_in_the_query() {
    let server = common::server().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/device"))
        .and(header("appKey", APP_KEY))
        .and(header("timestamp", "1700000000000"))
        .and(header("sign", EXPECTED_SIGN))
        .respond_with(common::ok(json!([])))
        .expect(1)
        .mount(&server)
        .await;
    let client = common::builder(&server)
        .auth_placement(AuthPlacement::Headers)
        .build()
        .unwrap();
    client.devices().list().send().await.unwrap();

    let requests = common::received(&server).await;
    for name in ["app_key", "timestamp", "sign"] {
        assert_eq!(common::query(&requests[0], name), None, "{name} in query");
    }
}

/// A clock that moves one second forward each time it is read.
#[derive(Debug)]
struct TickingClock(AtomicI64);

impl Clock for TickingClock {
    fn now(&self) -> DateTime<Utc> {
        let ms = self.0.fetch_add(1000, Ordering::SeqCst);
        DateTime::from_timestamp_millis(ms).unwrap()
    }
}

#[tokio::test]
async fn every_attempt_is_signed_afresh() {
    let server = common::server().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/device"))
        .respond_with(ResponseTemplate::new(503).set_body_string("busy"))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/device"))
        .respond_with(common::ok(json!([])))
        .expect(1)
        .mount(&server)
        .await;
    let client = common::builder(&server)
        .clock(Arc::new(TickingClock(AtomicI64::new(NOW_MS))))
        .build()
        .unwrap();
    client.devices().list().send().await.unwrap();

    let requests = common::received(&server).await;
    assert_eq!(requests.len(), 2);
    let stamps: Vec<i64> = requests
        .iter()
        .map(|r| common::query(r, "timestamp").unwrap().parse().unwrap())
        .collect();
    assert!(stamps[1] > stamps[0], "timestamps {stamps:?}");
    assert_eq!(stamps[0], NOW_MS);
    assert_eq!(common::query(&requests[0], "sign").unwrap(), EXPECTED_SIGN);
    for (r, ts) in requests.iter().zip(&stamps) {
        let expected = sign(*ts, &SecretString::from(APP_SECRET));
        assert_eq!(common::query(r, "sign").unwrap(), expected);
    }
}

#[tokio::test]
async fn the_secret_never_leaves_the_process_nor_shows_in_debug_or_errors() {
    let server = common::server().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/device"))
        .respond_with(common::ok(json!([])))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/group"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"code": 40001, "message": "sign invalid", "data": null})),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/user/list"))
        .respond_with(ResponseTemplate::new(502).set_body_string("<html>bad gateway</html>"))
        .mount(&server)
        .await;

    for placement in [AuthPlacement::Query, AuthPlacement::Headers] {
        let builder = common::builder(&server).auth_placement(placement);
        let shown_builder = format!("{builder:?}");
        let client = builder.build().unwrap();
        client.devices().list().send().await.unwrap();
        let api_err = client.groups().list().send().await.unwrap_err();
        assert_eq!(api_err.api_code(), Some(40001));
        let http_err = client.persons().list().send().await.unwrap_err();
        assert_eq!(http_err.status().map(|s| s.as_u16()), Some(502));

        let signer = Signer::new(APP_KEY, SecretString::from(APP_SECRET), placement).unwrap();
        let shown = [
            shown_builder,
            format!("{client:?}"),
            format!("{signer:?}"),
            format!("{api_err} {api_err:?}"),
            format!("{http_err} {http_err:?}"),
        ];
        for text in shown {
            assert!(!text.contains(APP_SECRET), "secret shown in: {text}");
        }
    }

    // Nothing sent to the server carries the secret either: only its hash.
    let requests = common::received(&server).await;
    assert!(!requests.is_empty());
    for r in &requests {
        assert!(!r.url.as_str().contains(APP_SECRET));
        assert!(!String::from_utf8_lossy(&r.body).contains(APP_SECRET));
        for (name, value) in &r.headers {
            assert!(
                !value.to_str().unwrap_or_default().contains(APP_SECRET),
                "header {name}"
            );
        }
    }
}

#[test]
fn config_errors_never_echo_the_secret() {
    let secret = "sl-config-secret-d41d8c";
    let err = Client::builder("bad\nkey", SecretString::from(secret))
        .build()
        .unwrap_err();
    assert!(err.is_config());
    let err2 = Client::builder(APP_KEY, SecretString::from(secret))
        .base_url("http://example.com")
        .build()
        .unwrap_err();
    for text in [format!("{err} {err:?}"), format!("{err2} {err2:?}")] {
        assert!(!text.contains(secret), "{text}");
    }
}
