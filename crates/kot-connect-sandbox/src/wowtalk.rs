//! The WowTalk fake. **Provisional**, like `wowtalk-api`'s bot client:
//! WowTalk's bot documentation is not public, so this serves what that
//! client sends with its default paths, and calls our bot's webhook the way
//! its `InboundMessage` and `SharedSecret` verifier expect.
//!
//! # Base URL
//! Mounted at the root: the bot client's base URL is `http://127.0.0.1:PORT`,
//! with the default path `bots/{bot_id}/messages` (any bot ID).
//!
//! # Behaviour
//! - `POST /bots/{bot_id}/messages` with a `Reply` body
//!   (`{"talk_id"?, "user_id"?, "text"}`), authorized by
//!   `Authorization: Bearer <token>` or an `X-Bot-Token: <token>` header
//!   carrying [`WOWTALK_BOT_TOKEN`] (otherwise HTTP 401); a body without
//!   `text`, or with neither `talk_id` nor `user_id`, is HTTP 400. Each
//!   accepted message is kept: [`WowTalkFake::sent`].
//! - [`WowTalkFake::deliver`] POSTs an inbound message to a webhook:
//!   `{"bot_id", "sender_id", "talk_id": "talk-<sender>", "message_id":
//!   "msg-000001"…, "text", "sent_at": <clock, RFC 3339 JST>}`, with the
//!   shared secret [`WOWTALK_WEBHOOK_SECRET`] both in the header
//!   [`WEBHOOK_SECRET_HEADER`] and in the query parameter
//!   [`WEBHOOK_SECRET_QUERY`] (unless the URL already has it), so either
//!   form of `SharedSecret` accepts it.
//!
//! # Seed data
//! Members (WowTalk user IDs): every employee's `wowtalk_id` (`wt0001` ..
//! `wt0010`, `wt0021` .. `wt0030`) and the outsider `wt-guest`. WowTalk has
//! no member API (members travel as CSV): see [`WowTalkFake::members`].

use std::sync::{Arc, Mutex, MutexGuard};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use chrono::{DateTime, Utc};
use kot_connect_http::reqwest;
use serde_json::json;
use wowtalk_api::models::Reply;

use crate::clock::{SandboxClock, jst};
use crate::company::Company;

/// The bot's token.
pub const WOWTALK_BOT_TOKEN: &str = "sandbox-wowtalk-bot-token";
/// The bot's ID (any ID is accepted in the path).
pub const WOWTALK_BOT_ID: &str = "sandbox-bot";
/// The secret [`WowTalkFake::deliver`] signs webhook calls with.
pub const WOWTALK_WEBHOOK_SECRET: &str = "sandbox-wowtalk-webhook-secret";
/// The header carrying the webhook secret.
pub const WEBHOOK_SECRET_HEADER: &str = "x-wowtalk-webhook-secret";
/// The query parameter carrying the webhook secret.
pub const WEBHOOK_SECRET_QUERY: &str = "key";

/// The credentials of the WowTalk fake.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WowTalkCredentials {
    /// The bot ID ([`WOWTALK_BOT_ID`]).
    pub bot_id: String,
    /// The bot token ([`WOWTALK_BOT_TOKEN`]).
    pub bot_token: String,
    /// The webhook secret ([`WOWTALK_WEBHOOK_SECRET`]).
    pub webhook_secret: String,
}

/// A message our bot sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentMessage {
    /// The bot ID of the path.
    pub bot_id: String,
    /// The talk it went to, if any.
    pub talk_id: Option<String>,
    /// The user it went to, if any; for a `talk-<user>` talk, that user.
    pub user_id: Option<String>,
    /// The text.
    pub text: String,
    /// The clock's instant when it arrived.
    pub at: DateTime<Utc>,
}

/// Why a delivery to a webhook failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DeliverError {
    /// The webhook URL is not a URL.
    #[error("invalid webhook URL `{0}`")]
    Url(String),
    /// The request could not be sent or answered.
    #[error("the webhook could not be reached: {0}")]
    Transport(#[from] reqwest::Error),
}

/// The WowTalk fake. See the [module documentation](self).
#[derive(Debug)]
pub struct WowTalkFake {
    clock: SandboxClock,
    members: Vec<String>,
    state: Mutex<WtState>,
    http: reqwest::Client,
}

#[derive(Debug, Default)]
struct WtState {
    sent: Vec<SentMessage>,
    next_message: u64,
}

impl WowTalkFake {
    pub(crate) fn new(company: &Company, clock: SandboxClock) -> Arc<Self> {
        let mut members: Vec<String> = company
            .employees
            .iter()
            .filter_map(|e| e.wowtalk_id.clone())
            .collect();
        members.push(company.outsiders.wowtalk_id.clone());
        Arc::new(Self {
            clock,
            members,
            state: Mutex::new(WtState {
                sent: Vec::new(),
                next_message: 1,
            }),
            http: reqwest::Client::new(),
        })
    }

    fn state(&self) -> MutexGuard<'_, WtState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The credentials.
    pub fn credentials(&self) -> WowTalkCredentials {
        WowTalkCredentials {
            bot_id: WOWTALK_BOT_ID.into(),
            bot_token: WOWTALK_BOT_TOKEN.into(),
            webhook_secret: WOWTALK_WEBHOOK_SECRET.into(),
        }
    }

    /// The members' WowTalk user IDs.
    pub fn members(&self) -> Vec<String> {
        self.members.clone()
    }

    /// Every message our bot sent, in order.
    pub fn sent(&self) -> Vec<SentMessage> {
        self.state().sent.clone()
    }

    /// The messages our bot sent to `user` (directly or in their talk).
    pub fn sent_to(&self, user: &str) -> Vec<SentMessage> {
        self.sent()
            .into_iter()
            .filter(|m| m.user_id.as_deref() == Some(user))
            .collect()
    }

    /// Sends `text` from the WowTalk user `from` to our bot's webhook,
    /// signed with the shared secret; returns the webhook's HTTP status.
    ///
    /// # Errors
    /// [`DeliverError`] when the URL is invalid or the webhook cannot be reached.
    pub async fn deliver(
        &self,
        webhook_url: &str,
        from: &str,
        text: &str,
    ) -> Result<StatusCode, DeliverError> {
        let mut url = reqwest::Url::parse(webhook_url)
            .map_err(|_| DeliverError::Url(webhook_url.to_owned()))?;
        if !url.query_pairs().any(|(k, _)| k == WEBHOOK_SECRET_QUERY) {
            url.query_pairs_mut()
                .append_pair(WEBHOOK_SECRET_QUERY, WOWTALK_WEBHOOK_SECRET);
        }
        let message_id = {
            let mut s = self.state();
            let id = s.next_message;
            s.next_message += 1;
            format!("msg-{id:06}")
        };
        let body = json!({
            "bot_id": WOWTALK_BOT_ID,
            "sender_id": from,
            "talk_id": format!("talk-{from}"),
            "message_id": message_id,
            "text": text,
            "sent_at": self.clock.now().with_timezone(&jst()).to_rfc3339(),
        });
        let response = self
            .http
            .post(url)
            .header(WEBHOOK_SECRET_HEADER, WOWTALK_WEBHOOK_SECRET)
            .json(&body)
            .send()
            .await?;
        Ok(StatusCode::from_u16(response.status().as_u16()).unwrap_or(StatusCode::BAD_GATEWAY))
    }

    pub(crate) fn router(self: &Arc<Self>) -> Router {
        Router::new()
            .route("/bots/{bot_id}/messages", post(send_message))
            .with_state(self.clone())
    }
}

async fn send_message(
    State(fake): State<Arc<WowTalkFake>>,
    Path(bot_id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let value = |name: header::HeaderName| headers.get(name).and_then(|v| v.to_str().ok());
    let bearer = value(header::AUTHORIZATION)
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim());
    let header_token = value(header::HeaderName::from_static("x-bot-token"));
    if bearer != Some(WOWTALK_BOT_TOKEN) && header_token != Some(WOWTALK_BOT_TOKEN) {
        return (
            StatusCode::UNAUTHORIZED,
            axum::Json(json!({"error": "invalid bot token"})),
        )
            .into_response();
    }
    let reply: Reply = match serde_json::from_slice(&body) {
        Ok(r) => r,
        Err(e) => {
            return (
                StatusCode::BAD_REQUEST,
                axum::Json(json!({"error": e.to_string()})),
            )
                .into_response();
        }
    };
    let talk_id = reply.talk_id.as_ref().map(ToString::to_string);
    let user_id = reply.user_id.as_ref().map(ToString::to_string).or_else(|| {
        talk_id
            .as_deref()
            .and_then(|t| t.strip_prefix("talk-"))
            .map(str::to_owned)
    });
    if talk_id.is_none() && user_id.is_none() {
        return (
            StatusCode::BAD_REQUEST,
            axum::Json(json!({"error": "talk_id or user_id is required"})),
        )
            .into_response();
    }
    fake.state().sent.push(SentMessage {
        bot_id,
        talk_id,
        user_id,
        text: reply.text,
        at: fake.clock.now(),
    });
    axum::Json(json!({"result": "ok"})).into_response()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use crate::senselink::serve_for_test;
    use axum::extract::RawQuery;
    use chrono::TimeZone;
    use wowtalk_api::models::InboundMessage;
    use wowtalk_api::{BotAuth, BotClient, SharedSecret, WebhookRequest, WebhookVerifier};

    fn fake() -> Arc<WowTalkFake> {
        let clock = SandboxClock::new(Utc.with_ymd_and_hms(2026, 11, 20, 1, 0, 0).unwrap());
        WowTalkFake::new(&Company::demo(), clock)
    }

    #[tokio::test]
    async fn delivered_messages_pass_the_verifiers_and_replies_are_recorded() {
        let fake = fake();
        let wt_url = serve_for_test(fake.router()).await;
        let seen: Arc<Mutex<Vec<InboundMessage>>> = Arc::default();
        let bot = BotClient::builder(&wt_url, BotAuth::bearer(WOWTALK_BOT_TOKEN))
            .bot_id(WOWTALK_BOT_ID)
            .build()
            .unwrap();
        let hook = {
            let seen = seen.clone();
            Router::new().route(
                "/hook",
                post(
                    move |headers: HeaderMap, RawQuery(query): RawQuery, body: Bytes| {
                        let seen = seen.clone();
                        let bot = bot.clone();
                        async move {
                            let request = WebhookRequest::new(&headers, query.as_deref(), &body);
                            let by_header =
                                SharedSecret::header(WEBHOOK_SECRET_HEADER, WOWTALK_WEBHOOK_SECRET)
                                    .unwrap();
                            let by_query =
                                SharedSecret::query(WEBHOOK_SECRET_QUERY, WOWTALK_WEBHOOK_SECRET)
                                    .unwrap();
                            if by_header.verify(&request).is_err()
                                || by_query.verify(&request).is_err()
                            {
                                return StatusCode::FORBIDDEN;
                            }
                            let message = InboundMessage::from_json(&body).unwrap();
                            bot.send(&Reply::to(&message, "出勤を受け付けました"))
                                .await
                                .unwrap();
                            seen.lock().unwrap().push(message);
                            StatusCode::OK
                        }
                    },
                ),
            )
        };
        let hook_url = serve_for_test(hook).await;
        let status = fake
            .deliver(&format!("{hook_url}/hook"), "wt0001", "出勤")
            .await
            .unwrap();
        assert_eq!(status, StatusCode::OK);
        let got = seen.lock().unwrap().clone();
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].sender_id.as_str(), "wt0001");
        assert_eq!(got[0].command(), Some(wowtalk_api::Command::ClockIn));
        assert_eq!(got[0].sent_at.as_deref(), Some("2026-11-20T10:00:00+09:00"));
        let replies = fake.sent_to("wt0001");
        assert_eq!(replies.len(), 1);
        assert_eq!(replies[0].text, "出勤を受け付けました");
        assert_eq!(replies[0].talk_id.as_deref(), Some("talk-wt0001"));

        // A wrong secret in the URL is what the verifier refuses.
        let status = fake
            .deliver(&format!("{hook_url}/hook?key=nope"), "wt0001", "出勤")
            .await
            .unwrap();
        assert_eq!(status, StatusCode::FORBIDDEN);
    }

    #[tokio::test]
    async fn a_wrong_bot_token_is_refused() {
        let fake = fake();
        let url = serve_for_test(fake.router()).await;
        let bot = BotClient::builder(&url, BotAuth::header("x-bot-token", "wrong"))
            .bot_id(WOWTALK_BOT_ID)
            .build()
            .unwrap();
        let err = bot.send(&Reply::to_user("wt0002", "x")).await.unwrap_err();
        assert!(err.to_string().contains("401"), "{err}");
        assert!(fake.sent().is_empty());
        assert!(fake.members().contains(&"wt-guest".to_owned()));
        assert_eq!(fake.members().len(), 21);
    }
}
