//! LINE WORKS: the RS256 service-account JWT (verified with a key pair
//! generated here), the token exchange, caching counted by hits, one
//! exchange for concurrent sends, refresh before expiry and after a 401,
//! 201, errors and redaction.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::sync::OnceLock;
use std::time::Duration;

use common::{assert_absent, error_strings, form_value, json, options, report, server};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use kot_connect_notify::channels::line_works::{Claims, GRANT_TYPE, ServiceAccount, TEXT_LIMIT};
use kot_connect_notify::{
    AttachmentOutcome, Channel, Detail, Error, LineWorksChannel, ManualClock, Notification,
};
use rsa::pkcs8::{EncodePrivateKey, EncodePublicKey, LineEnding};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const CLIENT_ID: &str = "client-id-abc";
const CLIENT_SECRET: &str = "works-client-secret-77aa88bb";
const SERVICE_ACCOUNT: &str = "abcd.serviceaccount@example.com";
const ACCESS_TOKEN: &str = "kr1AAAAworks-access-token-0099";
const SECOND_TOKEN: &str = "kr1AAAAworks-access-token-second";

/// A test-only RSA key pair, generated once per test binary: (private PKCS#8
/// PEM, public SPKI PEM).
fn keys() -> &'static (String, String) {
    static KEYS: OnceLock<(String, String)> = OnceLock::new();
    KEYS.get_or_init(|| {
        let mut rng = rsa::rand_core::OsRng;
        let private = rsa::RsaPrivateKey::new(&mut rng, 2048).unwrap();
        let public = rsa::RsaPublicKey::from(&private);
        (
            private.to_pkcs8_pem(LineEnding::LF).unwrap().to_string(),
            public.to_public_key_pem(LineEnding::LF).unwrap(),
        )
    })
}

fn account() -> ServiceAccount {
    ServiceAccount {
        client_id: CLIENT_ID.into(),
        client_secret: CLIENT_SECRET.into(),
        service_account: SERVICE_ACCOUNT.into(),
        private_key_pem: keys().0.clone().into(),
    }
}

fn channel(server: &MockServer) -> (LineWorksChannel, ManualClock) {
    let (options, clock) = options(server);
    let channel = LineWorksChannel::builder(account(), "2000001", "ch-room-1")
        .scope("bot.message")
        .options(options)
        .auth_base_url(format!("{}/oauth2/v2.0", server.uri()))
        .build()
        .unwrap();
    (channel, clock)
}

fn decode(jwt: &str) -> jsonwebtoken::TokenData<Claims> {
    let key = DecodingKey::from_rsa_pem(keys().1.as_bytes()).unwrap();
    let mut validation = Validation::new(Algorithm::RS256);
    // The test clock is frozen; check the times by hand below.
    validation.validate_exp = false;
    validation.required_spec_claims.clear();
    jsonwebtoken::decode::<Claims>(jwt, &key, &validation).unwrap()
}

async fn mount_token(server: &MockServer, token: &str, expires_in: &str, times: u64) {
    Mock::given(method("POST"))
        .and(path("/oauth2/v2.0/token"))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_string(format!(
                    r#"{{"access_token":"{token}","refresh_token":"r","scope":"bot.message","token_type":"Bearer","expires_in":{expires_in}}}"#
                ))
                .set_delay(Duration::from_millis(100)),
        )
        .expect(times)
        .mount(server)
        .await;
}

async fn mount_message(server: &MockServer, token: &str, answer: ResponseTemplate, times: u64) {
    Mock::given(method("POST"))
        .and(path("/bots/2000001/channels/ch-room-1/messages"))
        .and(header("authorization", format!("Bearer {token}").as_str()))
        .and(header("content-type", "application/json; charset=utf-8"))
        .respond_with(answer)
        .expect(times)
        .mount(server)
        .await;
}

#[tokio::test]
async fn exchanges_a_verified_jwt_then_posts_and_201_is_success() {
    let server = server().await;
    mount_token(&server, ACCESS_TOKEN, r#""86400""#, 1).await;
    mount_message(&server, ACCESS_TOKEN, ResponseTemplate::new(201), 1).await;
    let (channel, _) = channel(&server);
    let report = report();
    let delivery = channel
        .send(&Notification::new(&report, Detail::Full))
        .await
        .unwrap();
    assert!(matches!(
        delivery.attachment,
        AttachmentOutcome::NotSupported
    ));

    let requests = server.received_requests().await.unwrap();
    let token_request = &requests[0];
    assert_eq!(form_value(token_request, "grant_type").unwrap(), GRANT_TYPE);
    assert_eq!(form_value(token_request, "client_id").unwrap(), CLIENT_ID);
    assert_eq!(
        form_value(token_request, "client_secret").unwrap(),
        CLIENT_SECRET
    );
    assert_eq!(form_value(token_request, "scope").unwrap(), "bot.message");
    let jwt = form_value(token_request, "assertion").unwrap();
    let data = decode(&jwt);
    assert_eq!(data.header.alg, Algorithm::RS256);
    assert_eq!(data.header.typ.as_deref(), Some("JWT"));
    let now = common::noon().timestamp();
    assert_eq!(
        data.claims,
        Claims {
            iss: CLIENT_ID.into(),
            sub: SERVICE_ACCOUNT.into(),
            iat: now,
            exp: now + 3600,
        }
    );
    let body = json(&requests[1]);
    assert_eq!(body["content"]["type"], "text");
    assert_eq!(body["content"]["text"], report.plain_text(Detail::Full));
}

#[tokio::test]
async fn a_jwt_signed_by_another_key_does_not_verify() {
    let server = server().await;
    let (channel, _) = channel(&server);
    let jwt = channel.service_account_jwt(common::noon()).unwrap();
    let mut tampered = jwt.clone();
    tampered.pop();
    tampered.push(if jwt.ends_with('A') { 'B' } else { 'A' });
    let key = DecodingKey::from_rsa_pem(keys().1.as_bytes()).unwrap();
    let mut validation = Validation::new(Algorithm::RS256);
    validation.validate_exp = false;
    validation.required_spec_claims.clear();
    assert!(jsonwebtoken::decode::<Claims>(&tampered, &key, &validation).is_err());
    assert!(jsonwebtoken::decode::<Claims>(&jwt, &key, &validation).is_ok());
}

#[tokio::test]
async fn the_token_is_cached_and_refreshed_before_it_expires() {
    let server = server().await;
    // expires_in as a number this time.
    mount_token(&server, ACCESS_TOKEN, "3600", 2).await;
    mount_message(&server, ACCESS_TOKEN, ResponseTemplate::new(201), 5).await;
    let (channel, clock) = channel(&server);
    for _ in 0..3 {
        channel.post_text("hello").await.unwrap();
    }
    // 54 minutes later: still more than 5 minutes left, no exchange.
    clock.advance(chrono::Duration::minutes(54));
    channel.post_text("hello").await.unwrap();
    let token_hits = |requests: &[wiremock::Request]| {
        requests
            .iter()
            .filter(|r| r.url.path() == "/oauth2/v2.0/token")
            .count()
    };
    assert_eq!(token_hits(&server.received_requests().await.unwrap()), 1);
    // 56 minutes: inside the refresh margin, a new exchange with a new JWT.
    clock.advance(chrono::Duration::minutes(2));
    channel.post_text("hello").await.unwrap();
    let requests = server.received_requests().await.unwrap();
    assert_eq!(token_hits(&requests), 2);
    let second_jwt = requests
        .iter()
        .filter(|r| r.url.path() == "/oauth2/v2.0/token")
        .nth(1)
        .map(|r| form_value(r, "assertion").unwrap())
        .unwrap();
    assert_eq!(
        decode(&second_jwt).claims.iat,
        common::noon().timestamp() + 56 * 60
    );
}

#[tokio::test]
async fn concurrent_sends_share_one_exchange() {
    let server = server().await;
    mount_token(&server, ACCESS_TOKEN, r#""86400""#, 1).await;
    mount_message(&server, ACCESS_TOKEN, ResponseTemplate::new(201), 5).await;
    let (channel, _) = channel(&server);
    let sends = (0..5).map(|i| {
        let channel = channel.clone();
        async move { channel.post_text(&format!("message {i}")).await }
    });
    for result in futures_util::future::join_all(sends).await {
        result.unwrap();
    }
}

#[tokio::test]
async fn a_401_exchanges_a_new_token_once_and_sends_again() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path("/oauth2/v2.0/token"))
        .respond_with(ResponseTemplate::new(200).set_body_string(format!(
            r#"{{"access_token":"{ACCESS_TOKEN}","expires_in":"86400"}}"#
        )))
        .up_to_n_times(1)
        .with_priority(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/oauth2/v2.0/token"))
        .respond_with(ResponseTemplate::new(200).set_body_string(format!(
            r#"{{"access_token":"{SECOND_TOKEN}","expires_in":"86400"}}"#
        )))
        .with_priority(2)
        .expect(1)
        .mount(&server)
        .await;
    mount_message(
        &server,
        ACCESS_TOKEN,
        ResponseTemplate::new(401)
            .set_body_string(r#"{"code":"UNAUTHORIZED","description":"Authentication failed"}"#),
        1,
    )
    .await;
    mount_message(&server, SECOND_TOKEN, ResponseTemplate::new(201), 1).await;
    let (channel, _) = channel(&server);
    channel.post_text("hello").await.unwrap();
}

#[tokio::test]
async fn token_errors_are_api_errors_and_no_secret_leaks() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path("/oauth2/v2.0/token"))
        .respond_with(ResponseTemplate::new(400).set_body_string(
            r#"{"error":"invalid_client","error_description":"Client authentication failed"}"#,
        ))
        .expect(1)
        .mount(&server)
        .await;
    let (channel, _) = channel(&server);
    let err = channel.post_text("hello").await.unwrap_err();
    assert_eq!(err.api_code(), Some("invalid_client"));
    assert_eq!(err.status().map(|s| s.as_u16()), Some(400));
    let mut shown = error_strings(&err);
    shown.push(format!("{channel:?}"));
    shown.push(format!("{:?}", account()));
    shown.push(format!(
        "{:?}",
        LineWorksChannel::builder(account(), "1", "2")
    ));
    assert_absent(CLIENT_SECRET, &shown);
    // A line from the middle of the private key.
    let key_line = keys().0.lines().nth(5).unwrap();
    assert_absent(key_line, &shown);
}

#[tokio::test]
async fn message_errors_and_rate_limits() {
    let server = server().await;
    mount_token(&server, ACCESS_TOKEN, r#""86400""#, 1).await;
    Mock::given(method("POST"))
        .and(path("/bots/2000001/channels/ch-room-1/messages"))
        .respond_with(ResponseTemplate::new(403).set_body_string(
            r#"{"code":"FORBIDDEN","description":"Bot is not a member of the channel"}"#,
        ))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    mount_message(
        &server,
        ACCESS_TOKEN,
        ResponseTemplate::new(429)
            .insert_header("retry-after", "60")
            .set_body_string(
                r#"{"code":"TOO_MANY_REQUESTS","description":"API rate limit exceeded"}"#,
            ),
        4,
    )
    .await;
    let (channel, _) = channel(&server);
    let err = channel.post_text("a").await.unwrap_err();
    assert_eq!(err.api_code(), Some("FORBIDDEN"));
    assert!(err.to_string().contains("Bot is not a member"));
    let err = channel.post_text("b").await.unwrap_err();
    assert!(err.is_rate_limited());
    assert_eq!(err.retry_after(), Some(Duration::from_secs(60)));
    assert_absent(ACCESS_TOKEN, &error_strings(&err));
}

#[tokio::test]
async fn long_text_is_truncated_to_2000_characters() {
    let server = server().await;
    mount_token(&server, ACCESS_TOKEN, r#""86400""#, 1).await;
    mount_message(&server, ACCESS_TOKEN, ResponseTemplate::new(201), 1).await;
    let (channel, _) = channel(&server);
    channel.post_text(&"打刻\n".repeat(2_000)).await.unwrap();
    let body = json(&server.received_requests().await.unwrap()[1]);
    let text = body["content"]["text"].as_str().unwrap();
    assert!(text.chars().count() <= TEXT_LIMIT);
    assert!(text.ends_with(kot_connect_notify::message::TRUNCATION_MARKER));
}

#[test]
fn a_bad_private_key_is_a_jwt_error_that_does_not_echo_it() {
    let bad = "-----BEGIN PRIVATE KEY-----\nbm90LWEta2V5LXNlY3JldC1ieXRlcw==\n-----END PRIVATE KEY-----\n";
    let err = LineWorksChannel::builder(
        ServiceAccount {
            private_key_pem: bad.into(),
            ..account()
        },
        "1",
        "2",
    )
    .build()
    .unwrap_err();
    assert!(matches!(err, Error::Jwt(_)), "{err:?}");
    assert!(err.is_config());
    assert_absent("bm90LWEta2V5LXNlY3JldC1ieXRlcw", &error_strings(&err));
}
