//! The chat-tool fakes: Slack, Chatwork, Teams (Workflows webhook), Google
//! Chat (webhook), LINE (Messaging API push) and LINE WORKS (OAuth token
//! exchange and bot message). Each checks its credentials as the real one
//! does and records what it received as a [`Notification`].

// Handlers' helpers fail with the answer to send: a `Response`, by value.
#![allow(clippy::result_large_err)]

use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use crate::faults::lock;
use crate::{Sandbox, SandboxClock, Service};

/// The fake credentials and identifiers the chat fakes accept. They open
/// nothing but the sandbox; they are public on purpose.
pub mod credentials {
    /// Slack bot token (`Authorization: Bearer`).
    pub const SLACK_BOT_TOKEN: &str = "xoxb-0000000000-0000000000000-sandboxSLACKtoken0";
    /// The only Slack channel ID that exists.
    pub const SLACK_CHANNEL: &str = "C0SANDBOX01";
    /// Chatwork API token (`x-chatworktoken`).
    pub const CHATWORK_TOKEN: &str = "sandbox0chatwork0token0000000000";
    /// The only Chatwork room ID that exists.
    pub const CHATWORK_ROOM_ID: &str = "100000001";
    /// The `sig` of the Teams Workflows webhook URL (the URL is the credential).
    pub const TEAMS_SIG: &str = "sandboxTeamsSig000000000000000000000000000";
    /// The Google Chat space of the webhook URL.
    pub const GOOGLE_CHAT_SPACE: &str = "AAAASandbox";
    /// The `key` of the Google Chat webhook URL.
    pub const GOOGLE_CHAT_KEY: &str = "AIzaSySandboxKey00000000000000000000000";
    /// The `token` of the Google Chat webhook URL.
    pub const GOOGLE_CHAT_TOKEN: &str = "sandbox-google-chat-token";
    /// LINE channel access token (`Authorization: Bearer`).
    pub const LINE_CHANNEL_ACCESS_TOKEN: &str = "sandbox0line0channel0access0token0000000000";
    /// The only LINE destination (`to`) that exists.
    pub const LINE_TO: &str = "U0000000000000000000000000000cafe";
    /// LINE WORKS Client ID.
    pub const LINE_WORKS_CLIENT_ID: &str = "sandboxClientId01";
    /// LINE WORKS Client Secret.
    pub const LINE_WORKS_CLIENT_SECRET: &str = "sandboxClientSecret01";
    /// LINE WORKS Service Account.
    pub const LINE_WORKS_SERVICE_ACCOUNT: &str = "sandbox.serviceaccount@sample-shoji.example";
    /// LINE WORKS service account private key (PKCS#8 PEM, RSA 2048),
    /// generated for the sandbox only. The token endpoint verifies the JWT
    /// with its public half.
    pub const LINE_WORKS_PRIVATE_KEY: &str = include_str!("keys/line_works_private.pem");
    /// LINE WORKS Bot ID.
    pub const LINE_WORKS_BOT_ID: &str = "2000001";
    /// LINE WORKS Channel ID (the talk room).
    pub const LINE_WORKS_CHANNEL_ID: &str = "sandbox-channel-0001";
}

use credentials as c;

const LINE_WORKS_PUBLIC_KEY: &str = include_str!("keys/line_works_public.pem");
pub(crate) const LINE_WORKS_AUTH_PATH: &str = "/oauth2/v2.0";
const JWT_GRANT: &str = "urn:ietf:params:oauth:grant-type:jwt-bearer";
const TEAMS_FLOW: &str = "0a1b2c3d4e5f60718293a4b5c6d7e8f9";

/// The chat services, each served on its own listener.
pub(crate) const SERVICES: [Service; 6] = [
    Service::Slack,
    Service::Chatwork,
    Service::Teams,
    Service::GoogleChat,
    Service::Line,
    Service::LineWorks,
];

/// One message (or file) a chat fake or the SMTP sink received.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Notification {
    /// Where it arrived.
    pub service: Service,
    /// A text summary: the message text (Slack `text`, Chatwork `body`, the
    /// Teams card's first text, Google Chat `text`, LINE texts joined by
    /// newlines, LINE WORKS `content.text`), `file NAME (N bytes)` for a
    /// file, or `mail to RCPT: SUBJECT` for a mail.
    pub summary: String,
    /// The raw body received (JSON, form, the file's bytes as UTF-8 text,
    /// or the whole mail).
    pub body: String,
    /// The file name, for an uploaded file.
    pub file_name: Option<String>,
}

struct SlackFile {
    name: String,
    length: usize,
    bytes: Option<Vec<u8>>,
}

/// What the chat fakes share.
pub(crate) struct ChatHub {
    clock: SandboxClock,
    notifications: Mutex<Vec<Notification>>,
    sequence: AtomicU64,
    slack_files: Mutex<HashMap<String, SlackFile>>,
    line_retry_keys: Mutex<HashMap<String, String>>,
    works_tokens: Mutex<HashMap<String, DateTime<Utc>>>,
}

impl ChatHub {
    pub(crate) fn new(clock: SandboxClock) -> Arc<Self> {
        Arc::new(Self {
            clock,
            notifications: Mutex::new(Vec::new()),
            sequence: AtomicU64::new(1),
            slack_files: Mutex::new(HashMap::new()),
            line_retry_keys: Mutex::new(HashMap::new()),
            works_tokens: Mutex::new(HashMap::new()),
        })
    }

    pub(crate) fn notifications(&self) -> Vec<Notification> {
        lock(&self.notifications).clone()
    }

    pub(crate) fn push(
        &self,
        service: Service,
        summary: String,
        body: String,
        file: Option<String>,
    ) {
        lock(&self.notifications).push(Notification {
            service,
            summary,
            body,
            file_name: file,
        });
    }

    fn next(&self) -> u64 {
        self.sequence.fetch_add(1, Ordering::Relaxed)
    }
}

#[derive(Clone)]
struct Ctx {
    hub: Arc<ChatHub>,
    addr: SocketAddr,
}

/// The base path, the client URL and the router of a chat service.
pub(crate) fn serve(
    service: Service,
    addr: SocketAddr,
    hub: &Arc<ChatHub>,
) -> (&'static str, String, Router) {
    let ctx = Ctx {
        hub: hub.clone(),
        addr,
    };
    let origin = format!("http://{addr}");
    match service {
        Service::Slack => (
            "/api",
            format!("{origin}/api"),
            Router::new()
                .route("/api/chat.postMessage", post(slack_post))
                .route("/api/files.getUploadURLExternal", post(slack_upload_url))
                .route("/upload/v1/{file_id}", post(slack_upload))
                .route("/api/files.completeUploadExternal", post(slack_complete))
                .with_state(ctx),
        ),
        Service::Chatwork => (
            "/v2",
            format!("{origin}/v2"),
            Router::new()
                .route("/v2/rooms/{room_id}/messages", post(chatwork_message))
                .route("/v2/rooms/{room_id}/files", post(chatwork_file))
                .with_state(ctx),
        ),
        Service::Teams => (
            "",
            format!(
                "{origin}/workflows/{TEAMS_FLOW}/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig={}",
                c::TEAMS_SIG
            ),
            Router::new()
                .route(
                    "/workflows/{flow}/triggers/manual/paths/invoke",
                    post(teams_invoke),
                )
                .with_state(ctx),
        ),
        Service::GoogleChat => (
            "",
            format!(
                "{origin}/v1/spaces/{}/messages?key={}&token={}",
                c::GOOGLE_CHAT_SPACE,
                c::GOOGLE_CHAT_KEY,
                c::GOOGLE_CHAT_TOKEN
            ),
            Router::new()
                .route("/v1/spaces/{space}/messages", post(google_chat_post))
                .with_state(ctx),
        ),
        Service::Line => (
            "",
            origin,
            Router::new()
                .route("/v2/bot/message/push", post(line_push))
                .with_state(ctx),
        ),
        _ => (
            "/v1.0",
            format!("{origin}/v1.0"),
            Router::new()
                .route("/oauth2/v2.0/token", post(works_token))
                .route(
                    "/v1.0/bots/{bot_id}/channels/{channel_id}/messages",
                    post(works_message),
                )
                .with_state(ctx),
        ),
    }
}

fn json_answer(status: StatusCode, value: Value) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        value.to_string(),
    )
        .into_response()
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn form(bytes: &[u8]) -> HashMap<String, String> {
    url::form_urlencoded::parse(bytes).into_owned().collect()
}

// ---------------------------------------------------------------------------
// Slack
// ---------------------------------------------------------------------------

/// Slack answers HTTP 200 with `ok:false` for its own errors.
fn slack_error(error: &str) -> Response {
    json_answer(StatusCode::OK, json!({"ok": false, "error": error}))
}

fn slack_auth(headers: &HeaderMap) -> Result<(), Response> {
    match bearer(headers) {
        None => Err(slack_error("not_authed")),
        Some(t) if t == c::SLACK_BOT_TOKEN => Ok(()),
        Some(_) => Err(slack_error("invalid_auth")),
    }
}

/// A body as JSON or as a form, whichever the client sent.
fn slack_args(headers: &HeaderMap, body: &[u8]) -> Value {
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if is_json {
        serde_json::from_slice(body).unwrap_or(Value::Null)
    } else {
        json!(form(body))
    }
}

async fn slack_post(State(ctx): State<Ctx>, headers: HeaderMap, body: Bytes) -> Response {
    if let Err(e) = slack_auth(&headers) {
        return e;
    }
    let args = slack_args(&headers, &body);
    if args.get("channel").and_then(Value::as_str) != Some(c::SLACK_CHANNEL) {
        return slack_error("channel_not_found");
    }
    let summary = args.get("text").and_then(Value::as_str).unwrap_or_default();
    if summary.is_empty() && args.get("blocks").is_none() {
        return slack_error("no_text");
    }
    let ts = format!("{}.{:06}", ctx.hub.clock.now().timestamp(), ctx.hub.next());
    ctx.hub
        .push(Service::Slack, summary.to_owned(), text(&body), None);
    json_answer(
        StatusCode::OK,
        json!({"ok": true, "channel": c::SLACK_CHANNEL, "ts": ts,
               "message": {"type": "message", "text": summary, "ts": ts}}),
    )
}

async fn slack_upload_url(State(ctx): State<Ctx>, headers: HeaderMap, body: Bytes) -> Response {
    if let Err(e) = slack_auth(&headers) {
        return e;
    }
    let args = slack_args(&headers, &body);
    let name = args
        .get("filename")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let length = args
        .get("length")
        .and_then(|l| l.as_str().and_then(|s| s.parse().ok()).or(l.as_u64()));
    let (false, Some(length)) = (name.is_empty(), length) else {
        return slack_error("invalid_arguments");
    };
    let file_id = format!("F0SBX{:06}", ctx.hub.next());
    lock(&ctx.hub.slack_files).insert(
        file_id.clone(),
        SlackFile {
            name: name.to_owned(),
            length: usize::try_from(length).unwrap_or(usize::MAX),
            bytes: None,
        },
    );
    json_answer(
        StatusCode::OK,
        json!({"ok": true, "file_id": file_id,
               "upload_url": format!("http://{}/upload/v1/{file_id}", ctx.addr)}),
    )
}

async fn slack_upload(
    State(ctx): State<Ctx>,
    Path(file_id): Path<String>,
    body: Bytes,
) -> Response {
    let mut files = lock(&ctx.hub.slack_files);
    match files.get_mut(&file_id) {
        Some(file) if file.length == body.len() => {
            file.bytes = Some(body.to_vec());
            (StatusCode::OK, format!("OK - {}", body.len())).into_response()
        }
        Some(_) => (StatusCode::BAD_REQUEST, "length mismatch").into_response(),
        None => (StatusCode::NOT_FOUND, "unknown upload").into_response(),
    }
}

async fn slack_complete(State(ctx): State<Ctx>, headers: HeaderMap, body: Bytes) -> Response {
    if let Err(e) = slack_auth(&headers) {
        return e;
    }
    let args = slack_args(&headers, &body);
    let files: Vec<Value> = match args.get("files") {
        Some(Value::Array(f)) => f.clone(),
        // Form-encoded: `files` is a JSON string.
        Some(Value::String(s)) => serde_json::from_str(s).unwrap_or_default(),
        _ => Vec::new(),
    };
    if files.is_empty() {
        return slack_error("invalid_arguments");
    }
    if let Some(channel) = args.get("channel_id").and_then(Value::as_str)
        && channel != c::SLACK_CHANNEL
    {
        return slack_error("channel_not_found");
    }
    let mut done = Vec::new();
    {
        let mut store = lock(&ctx.hub.slack_files);
        for f in &files {
            let id = f.get("id").and_then(Value::as_str).unwrap_or_default();
            let Some(file) = store.remove(id) else {
                return slack_error("file_not_found");
            };
            let Some(bytes) = file.bytes else {
                return slack_error("file_upload_incomplete");
            };
            let title = f
                .get("title")
                .and_then(Value::as_str)
                .unwrap_or(&file.name)
                .to_owned();
            done.push((id.to_owned(), file.name, title, bytes));
        }
    }
    let answered: Vec<Value> = done
        .iter()
        .map(|(id, _, title, _)| json!({"id": id, "title": title}))
        .collect();
    for (_, name, _, bytes) in done {
        ctx.hub.push(
            Service::Slack,
            format!("file {name} ({} bytes)", bytes.len()),
            text(&bytes),
            Some(name),
        );
    }
    json_answer(StatusCode::OK, json!({"ok": true, "files": answered}))
}

// ---------------------------------------------------------------------------
// Chatwork
// ---------------------------------------------------------------------------

fn chatwork_error(status: StatusCode, message: &str) -> Response {
    json_answer(status, json!({"errors": [message]}))
}

fn chatwork_check(headers: &HeaderMap, room_id: &str) -> Result<(), Response> {
    let token = headers.get("x-chatworktoken").and_then(|v| v.to_str().ok());
    if token != Some(c::CHATWORK_TOKEN) {
        return Err(chatwork_error(
            StatusCode::UNAUTHORIZED,
            "Invalid API token",
        ));
    }
    if room_id != c::CHATWORK_ROOM_ID {
        return Err(chatwork_error(
            StatusCode::NOT_FOUND,
            "You don't have permission to get this room",
        ));
    }
    Ok(())
}

async fn chatwork_message(
    State(ctx): State<Ctx>,
    Path(room_id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Err(e) = chatwork_check(&headers, &room_id) {
        return e;
    }
    let args = form(&body);
    let Some(message) = args.get("body").filter(|b| !b.trim().is_empty()) else {
        return chatwork_error(StatusCode::BAD_REQUEST, "Parameter [body] is required");
    };
    ctx.hub
        .push(Service::Chatwork, message.clone(), text(&body), None);
    json_answer(
        StatusCode::OK,
        json!({"message_id": (1_000_000 + ctx.hub.next()).to_string()}),
    )
}

/// The parts of a `multipart/form-data` body: (name, file name, content).
fn multipart_parts(headers: &HeaderMap, body: &[u8]) -> Vec<(String, Option<String>, Vec<u8>)> {
    let Some(boundary) = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split("boundary=").nth(1))
        .map(|b| format!("--{}", b.trim_matches('"')))
    else {
        return Vec::new();
    };
    let mut parts = Vec::new();
    let mut rest = body;
    while let Some(start) = find(rest, boundary.as_bytes()) {
        rest = &rest[start + boundary.len()..];
        if rest.starts_with(b"--") {
            break;
        }
        let end = find(rest, boundary.as_bytes()).unwrap_or(rest.len());
        let part = &rest[..end];
        let part = part.strip_prefix(b"\r\n").unwrap_or(part);
        if let Some(split) = find(part, b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&part[..split]).into_owned();
            let content = &part[split + 4..];
            let content = content.strip_suffix(b"\r\n").unwrap_or(content);
            let attr = |key: &str| {
                head.split(&format!("{key}=\""))
                    .nth(1)
                    .and_then(|s| s.split('"').next())
                    .map(str::to_owned)
            };
            if let Some(name) = attr(" name") {
                parts.push((name, attr("filename"), content.to_vec()));
            }
        }
        rest = &rest[end..];
    }
    parts
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

async fn chatwork_file(
    State(ctx): State<Ctx>,
    Path(room_id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Err(e) = chatwork_check(&headers, &room_id) {
        return e;
    }
    let parts = multipart_parts(&headers, &body);
    let Some((_, Some(name), content)) = parts.iter().find(|(n, _, _)| n == "file") else {
        return chatwork_error(StatusCode::BAD_REQUEST, "Parameter [file] is required");
    };
    ctx.hub.push(
        Service::Chatwork,
        format!("file {name} ({} bytes)", content.len()),
        text(content),
        Some(name.clone()),
    );
    json_answer(
        StatusCode::OK,
        json!({"file_id": 2_000_000 + ctx.hub.next()}),
    )
}

// ---------------------------------------------------------------------------
// Teams (Workflows webhook)
// ---------------------------------------------------------------------------

async fn teams_invoke(
    State(ctx): State<Ctx>,
    Path(flow): Path<String>,
    Query(query): Query<HashMap<String, String>>,
    body: Bytes,
) -> Response {
    if flow != TEAMS_FLOW || query.get("sig").map(String::as_str) != Some(c::TEAMS_SIG) {
        return json_answer(
            StatusCode::UNAUTHORIZED,
            json!({"error": {"code": "DirectApiAuthorizationRequired",
                   "message": "The request must be authenticated with a valid signature (sig)."}}),
        );
    }
    let Ok(payload) = serde_json::from_slice::<Value>(&body) else {
        return json_answer(
            StatusCode::BAD_REQUEST,
            json!({"error": {"code": "InvalidRequestContent", "message": "The request content is not valid JSON."}}),
        );
    };
    let summary = payload
        .pointer("/attachments/0/content/body")
        .and_then(Value::as_array)
        .and_then(|blocks| {
            blocks
                .iter()
                .find_map(|b| b.get("text").and_then(Value::as_str))
        })
        .or_else(|| payload.get("text").and_then(Value::as_str))
        .unwrap_or_default()
        .to_owned();
    ctx.hub.push(Service::Teams, summary, text(&body), None);
    StatusCode::ACCEPTED.into_response()
}

// ---------------------------------------------------------------------------
// Google Chat (webhook)
// ---------------------------------------------------------------------------

fn google_error(status: StatusCode, code_name: &str, message: &str) -> Response {
    json_answer(
        status,
        json!({"error": {"code": status.as_u16(), "message": message, "status": code_name}}),
    )
}

async fn google_chat_post(
    State(ctx): State<Ctx>,
    Path(space): Path<String>,
    Query(query): Query<HashMap<String, String>>,
    body: Bytes,
) -> Response {
    if query.get("key").map(String::as_str) != Some(c::GOOGLE_CHAT_KEY) {
        return google_error(
            StatusCode::BAD_REQUEST,
            "INVALID_ARGUMENT",
            "API key not valid. Please pass a valid API key.",
        );
    }
    if space != c::GOOGLE_CHAT_SPACE
        || query.get("token").map(String::as_str) != Some(c::GOOGLE_CHAT_TOKEN)
    {
        return google_error(
            StatusCode::UNAUTHORIZED,
            "UNAUTHENTICATED",
            "Request had invalid authentication credentials.",
        );
    }
    let Ok(message) = serde_json::from_slice::<Value>(&body) else {
        return google_error(
            StatusCode::BAD_REQUEST,
            "INVALID_ARGUMENT",
            "Invalid JSON payload received.",
        );
    };
    let summary = message
        .get("text")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if summary.is_empty() && message.get("cardsV2").is_none() {
        return google_error(
            StatusCode::BAD_REQUEST,
            "INVALID_ARGUMENT",
            "Message cannot be empty.",
        );
    }
    let n = ctx.hub.next();
    let thread_key = message.pointer("/thread/threadKey").and_then(Value::as_str);
    let thread = match thread_key {
        Some(key) => json!({"name": format!("spaces/{space}/threads/{key}"), "threadKey": key}),
        None => json!({"name": format!("spaces/{space}/threads/t{n}")}),
    };
    ctx.hub
        .push(Service::GoogleChat, summary.to_owned(), text(&body), None);
    json_answer(
        StatusCode::OK,
        json!({"name": format!("spaces/{space}/messages/m{n}"), "text": summary,
               "thread": thread, "createTime": ctx.hub.clock.now().to_rfc3339()}),
    )
}

// ---------------------------------------------------------------------------
// LINE Messaging API
// ---------------------------------------------------------------------------

async fn line_push(State(ctx): State<Ctx>, headers: HeaderMap, body: Bytes) -> Response {
    if bearer(&headers) != Some(c::LINE_CHANNEL_ACCESS_TOKEN) {
        return json_answer(
            StatusCode::UNAUTHORIZED,
            json!({"message": "Authentication failed. Confirm that the access token in the authorization header is valid."}),
        );
    }
    let retry_key = headers
        .get("x-line-retry-key")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    if let Some(key) = &retry_key
        && let Some(accepted) = lock(&ctx.hub.line_retry_keys).get(key)
    {
        return (
            StatusCode::CONFLICT,
            [
                ("x-line-accepted-request-id", accepted.clone()),
                (header::CONTENT_TYPE.as_str(), "application/json".to_owned()),
            ],
            json!({"message": "The retry key is already accepted"}).to_string(),
        )
            .into_response();
    }
    let Ok(push) = serde_json::from_slice::<Value>(&body) else {
        return json_answer(
            StatusCode::BAD_REQUEST,
            json!({"message": "The request body has 1 error(s)"}),
        );
    };
    if push.get("to").and_then(Value::as_str) != Some(c::LINE_TO) {
        return json_answer(
            StatusCode::BAD_REQUEST,
            json!({"message": "The property, 'to', in the request body is invalid (line: -, column: -)"}),
        );
    }
    let texts: Vec<&str> = push
        .get("messages")
        .and_then(Value::as_array)
        .map(|m| {
            m.iter()
                .filter_map(|m| m.get("text").and_then(Value::as_str))
                .collect()
        })
        .unwrap_or_default();
    if texts.is_empty() || texts.len() > 5 {
        return json_answer(
            StatusCode::BAD_REQUEST,
            json!({"message": "The request body has 1 error(s)",
                   "details": [{"message": "Size must be between 1 and 5", "property": "messages"}]}),
        );
    }
    let n = ctx.hub.next();
    let request_id = format!("sandbox-req-{n:08}");
    if let Some(key) = retry_key {
        lock(&ctx.hub.line_retry_keys).insert(key, request_id.clone());
    }
    ctx.hub
        .push(Service::Line, texts.join("\n"), text(&body), None);
    let sent: Vec<Value> = (0..texts.len())
        .map(|i| json!({"id": format!("{}", 500_000_000_000u64 + n * 10 + i as u64), "quoteToken": format!("q{n}-{i}")}))
        .collect();
    (
        StatusCode::OK,
        [
            ("x-line-request-id", request_id),
            (header::CONTENT_TYPE.as_str(), "application/json".to_owned()),
        ],
        json!({"sentMessages": sent}).to_string(),
    )
        .into_response()
}

// ---------------------------------------------------------------------------
// LINE WORKS
// ---------------------------------------------------------------------------

#[derive(serde::Deserialize)]
struct Claims {
    iss: String,
    sub: String,
    iat: i64,
    exp: i64,
}

fn oauth_error(error: &str, description: &str) -> Response {
    json_answer(
        StatusCode::BAD_REQUEST,
        json!({"error": error, "error_description": description}),
    )
}

/// Verifies the service-account JWT: RS256 by the sandbox key, issued by
/// the client ID for the service account, valid at the sandbox clock's
/// time (never the machine's).
fn verify_assertion(assertion: &str, now: DateTime<Utc>) -> Result<(), &'static str> {
    use jsonwebtoken::{Algorithm, DecodingKey, Validation, decode};
    let _ = jsonwebtoken::crypto::aws_lc::DEFAULT_PROVIDER.install_default();
    let key = DecodingKey::from_rsa_pem(LINE_WORKS_PUBLIC_KEY.as_bytes())
        .map_err(|_| "the sandbox public key is unreadable")?;
    let mut validation = Validation::new(Algorithm::RS256);
    validation.validate_exp = false;
    validation.validate_nbf = false;
    validation.validate_aud = false;
    validation.required_spec_claims = HashSet::new();
    let claims = decode::<Claims>(assertion, &key, &validation)
        .map_err(|_| "the assertion is not a JWT signed by the service account's key")?
        .claims;
    if claims.iss != c::LINE_WORKS_CLIENT_ID || claims.sub != c::LINE_WORKS_SERVICE_ACCOUNT {
        return Err("the assertion's iss/sub do not match the client and service account");
    }
    let now = now.timestamp();
    if claims.exp <= now || claims.iat > now + 60 {
        return Err("the assertion is expired or not yet valid");
    }
    Ok(())
}

async fn works_token(State(ctx): State<Ctx>, body: Bytes) -> Response {
    let args = form(&body);
    let get = |k: &str| args.get(k).map(String::as_str).unwrap_or_default();
    if get("grant_type") != JWT_GRANT {
        return oauth_error(
            "unsupported_grant_type",
            "grant_type must be the JWT bearer grant",
        );
    }
    if get("client_id") != c::LINE_WORKS_CLIENT_ID
        || get("client_secret") != c::LINE_WORKS_CLIENT_SECRET
    {
        return oauth_error("invalid_client", "client authentication failed");
    }
    if !get("scope").split([' ', ',']).any(|s| s == "bot") {
        return oauth_error("invalid_scope", "the bot scope is required");
    }
    let now = ctx.hub.clock.now();
    if let Err(why) = verify_assertion(get("assertion"), now) {
        return oauth_error("invalid_grant", why);
    }
    let token = format!("sandbox-works-token-{:08}", ctx.hub.next());
    lock(&ctx.hub.works_tokens).insert(token.clone(), now + chrono::Duration::hours(24));
    json_answer(
        StatusCode::OK,
        json!({"access_token": token, "refresh_token": format!("{token}-refresh"),
               "scope": get("scope"), "token_type": "Bearer", "expires_in": "86400"}),
    )
}

async fn works_message(
    State(ctx): State<Ctx>,
    Path((bot_id, channel_id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let now = ctx.hub.clock.now();
    let valid = bearer(&headers)
        .and_then(|t| lock(&ctx.hub.works_tokens).get(t).copied())
        .is_some_and(|expires| now < expires);
    if !valid {
        return json_answer(
            StatusCode::UNAUTHORIZED,
            json!({"code": "UNAUTHORIZED", "description": "Authentication failed"}),
        );
    }
    if bot_id != c::LINE_WORKS_BOT_ID || channel_id != c::LINE_WORKS_CHANNEL_ID {
        return json_answer(
            StatusCode::NOT_FOUND,
            json!({"code": "NOT_FOUND", "description": "bot or channel not found"}),
        );
    }
    let message: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let Some(summary) = message.pointer("/content/text").and_then(Value::as_str) else {
        return json_answer(
            StatusCode::BAD_REQUEST,
            json!({"code": "INVALID_PARAMETER", "description": "content.text is required"}),
        );
    };
    ctx.hub
        .push(Service::LineWorks, summary.to_owned(), text(&body), None);
    StatusCode::CREATED.into_response()
}

// ---------------------------------------------------------------------------
// A kot-connect-notify configuration for the sandbox
// ---------------------------------------------------------------------------

fn origin(url: &str) -> String {
    let after_scheme = url.find("://").map_or(0, |i| i + 3);
    match url[after_scheme..].find('/') {
        Some(i) => url[..after_scheme + i].to_owned(),
        None => url.to_owned(),
    }
}

pub(crate) fn notify_toml(sandbox: &Sandbox) -> String {
    format!(
        r#"[endpoints]
slack = "{slack}"
chatwork = "{chatwork}"
teams = "{teams}"
google_chat = "{google_chat}"
line = "{line}"
line_works = "{line_works}"
line_works_auth = "{line_works_auth}"

[[rules]]
name = "sandbox"
events = "every_run"

[[rules.channels]]
type = "slack"
token_env = "SANDBOX_SLACK_BOT_TOKEN"
channel = "{slack_channel}"

[[rules.channels]]
type = "chatwork"
token_env = "SANDBOX_CHATWORK_TOKEN"
room_id = "{room}"

[[rules.channels]]
type = "teams"
webhook_url_env = "SANDBOX_TEAMS_WEBHOOK_URL"

[[rules.channels]]
type = "google_chat"
webhook_url_env = "SANDBOX_GOOGLE_CHAT_WEBHOOK_URL"
thread_key = "kot-connect-{{date}}"

[[rules.channels]]
type = "line"
channel_access_token_env = "SANDBOX_LINE_CHANNEL_ACCESS_TOKEN"
to = "{line_to}"

[[rules.channels]]
type = "line_works"
client_id = "{works_client}"
client_secret_env = "SANDBOX_LINE_WORKS_CLIENT_SECRET"
service_account = "{works_account}"
private_key_env = "SANDBOX_LINE_WORKS_PRIVATE_KEY"
bot_id = "{works_bot}"
channel_id = "{works_channel}"

[[rules.channels]]
type = "email"
smtp_host = "127.0.0.1"
port = {smtp_port}
security = "plain"
from = "kot-connect <noreply@sample-shoji.example>"
to = ["admin@sample-shoji.example"]
"#,
        slack = sandbox.url(Service::Slack),
        chatwork = sandbox.url(Service::Chatwork),
        teams = origin(&sandbox.url(Service::Teams)),
        google_chat = origin(&sandbox.url(Service::GoogleChat)),
        line = sandbox.url(Service::Line),
        line_works = sandbox.url(Service::LineWorks),
        line_works_auth = sandbox.line_works_auth_url(),
        slack_channel = c::SLACK_CHANNEL,
        room = c::CHATWORK_ROOM_ID,
        line_to = c::LINE_TO,
        works_client = c::LINE_WORKS_CLIENT_ID,
        works_account = c::LINE_WORKS_SERVICE_ACCOUNT,
        works_bot = c::LINE_WORKS_BOT_ID,
        works_channel = c::LINE_WORKS_CHANNEL_ID,
        smtp_port = sandbox.smtp_port(),
    )
}

pub(crate) fn notify_secrets(sandbox: &Sandbox) -> HashMap<String, String> {
    [
        ("SANDBOX_SLACK_BOT_TOKEN", c::SLACK_BOT_TOKEN.to_owned()),
        ("SANDBOX_CHATWORK_TOKEN", c::CHATWORK_TOKEN.to_owned()),
        ("SANDBOX_TEAMS_WEBHOOK_URL", sandbox.url(Service::Teams)),
        (
            "SANDBOX_GOOGLE_CHAT_WEBHOOK_URL",
            sandbox.url(Service::GoogleChat),
        ),
        (
            "SANDBOX_LINE_CHANNEL_ACCESS_TOKEN",
            c::LINE_CHANNEL_ACCESS_TOKEN.to_owned(),
        ),
        (
            "SANDBOX_LINE_WORKS_CLIENT_SECRET",
            c::LINE_WORKS_CLIENT_SECRET.to_owned(),
        ),
        (
            "SANDBOX_LINE_WORKS_PRIVATE_KEY",
            c::LINE_WORKS_PRIVATE_KEY.to_owned(),
        ),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multipart_parts_are_read() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::CONTENT_TYPE,
            "multipart/form-data; boundary=XyZ".parse().unwrap(),
        );
        let body = b"--XyZ\r\nContent-Disposition: form-data; name=\"message\"\r\n\r\nhello\r\n--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"f.csv\"\r\nContent-Type: text/csv\r\n\r\na,b\r\n1,2\r\n\r\n--XyZ--\r\n";
        let parts = multipart_parts(&headers, body);
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0].0, "message");
        assert_eq!(parts[0].2, b"hello");
        assert_eq!(parts[1].1.as_deref(), Some("f.csv"));
        assert_eq!(parts[1].2, b"a,b\r\n1,2\r\n");
    }

    #[test]
    fn origins_drop_the_path() {
        assert_eq!(
            origin("http://127.0.0.1:4000/v1/spaces/A/messages?key=k"),
            "http://127.0.0.1:4000"
        );
        assert_eq!(origin("http://127.0.0.1:4000"), "http://127.0.0.1:4000");
    }
}
