//! `wowtalk`: the ID link (import with counts and a failure CSV, export)
//! and the bot that turns chat commands into punches.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use kot_api::models::{Employee, EmployeeCode};
use kot_connect_core::engine::StateStore;
use wowtalk_api::idlink::{ImportSummary, LinkCsvLayout, LinkImporter, LinkTable, MergeOutcome};
use wowtalk_api::models::{MemberRow, WowTalkUserId};
use wowtalk_api::{InputEncoding, WriteOptions};

use crate::Error;

/// The link table's name in the state directory (JSON).
pub const LINKS: &str = "wowtalk-links.json";

/// The stored link table (empty before the first import).
///
/// # Errors
/// The state cannot be read, or the stored table is not valid.
pub fn load_links(state: &dyn StateStore) -> Result<LinkTable, Error> {
    match state.load(LINKS).map_err(Error::state)? {
        None => Ok(LinkTable::new()),
        Some(bytes) => serde_json::from_slice(&bytes)
            .map_err(|e| Error::Input(format!("{LINKS} in the state directory: {e}"))),
    }
}

fn store_links(state: &dyn StateStore, table: &LinkTable) -> Result<(), Error> {
    let bytes = serde_json::to_vec_pretty(table).map_err(Error::state)?;
    state.store(LINKS, &bytes).map_err(Error::state)
}

/// What `link import` did.
#[derive(Debug, Clone)]
pub struct LinkImport {
    /// インポート完了 / インポート失敗.
    pub summary: ImportSummary,
    /// The failure CSV (WowTalk's 「詳細」), when a row failed.
    pub failure_csv: Option<Vec<u8>>,
    /// How the stored table changed.
    pub merge: MergeOutcome,
    /// The links stored now.
    pub links: usize,
}

/// `link import`: checks each row of the ID-link CSV against KOT's
/// employees and WowTalk's members, stores the good rows in the link table
/// (only the users present are updated) and reports the counts and a
/// failure CSV. Refused inside KOT's API time bands, as WowTalk refuses it.
///
/// # Errors
/// [`Error::Input`] in a time band (naming when it reopens), for an
/// unreadable file or header; the state cannot be read or written.
pub fn import_links(
    state: &dyn StateStore,
    file: &[u8],
    employees: &[Employee],
    members: &[MemberRow],
    now: DateTime<Utc>,
) -> Result<LinkImport, Error> {
    let codes: HashSet<EmployeeCode> = employees.iter().map(|e| e.code.clone()).collect();
    let users: HashSet<WowTalkUserId> = members.iter().map(|m| m.id.clone()).collect();
    let mut table = load_links(state)?;
    let report = LinkImporter::new(&codes, &users)
        .existing(&table)
        .run(file, &now)
        .map_err(|e| Error::Input(e.to_string()))?;
    let failure_csv = if report.failures.is_empty() {
        None
    } else {
        Some(
            report
                .write_failure_csv(&WriteOptions::default())
                .map_err(|e| Error::Report(e.to_string()))?,
        )
    };
    let merge = report.apply_to(&mut table);
    store_links(state, &table)?;
    Ok(LinkImport {
        summary: report.summary(),
        failure_csv,
        merge,
        links: table.len(),
    })
}

/// `link export`: the linked members as an ID-link CSV.
///
/// # Errors
/// The state cannot be read, or the CSV cannot be written.
pub fn export_links(state: &dyn StateStore) -> Result<Vec<u8>, Error> {
    load_links(state)?
        .to_csv(&LinkCsvLayout::default(), &WriteOptions::default())
        .map_err(|e| Error::Report(e.to_string()))
}

/// Reads WowTalk's member list (the CSV exported from the admin console).
///
/// # Errors
/// [`Error::Input`] for an unreadable file.
pub fn read_members(bytes: &[u8]) -> Result<Vec<MemberRow>, Error> {
    wowtalk_api::models::read_members(bytes, InputEncoding::default())
        .map_err(|e| Error::Input(format!("member list: {e}")))
}

/// `link import` with KOT's employees (refused inside a time band anyway)
/// and WowTalk's members, into the state directory.
///
/// # Errors
/// As [`import_links`]; KOT cannot be read.
pub async fn link_import(
    services: &crate::Services,
    file: &[u8],
    members: &[MemberRow],
) -> Result<LinkImport, Error> {
    let now = services.now();
    // The import is refused in the bands before anything is read.
    kot_api::time_band::CallKind::Guarded
        .check(&now, "WowTalk ID link import")
        .map_err(|e| Error::Input(e.to_string()))?;
    let snapshot = crate::run::directory(services, &crate::run::RunOptions::post()).await?;
    import_links(
        &services.state_store()?,
        file,
        &snapshot.employees,
        members,
        now,
    )
}

/// `link export` from the state directory.
///
/// # Errors
/// As [`export_links`].
pub fn link_export(services: &crate::Services) -> Result<Vec<u8>, Error> {
    export_links(&services.state_store()?)
}

/// The bot: a webhook that turns chat commands (出勤, 退勤, 休憩開始,
/// 休憩終了, ...) into punches and answers each sender.
pub mod bot {
    use std::sync::Arc;

    use axum::body::Bytes;
    use axum::extract::{RawQuery, State};
    use axum::http::{HeaderMap, StatusCode};
    use axum::routing::post;
    use axum::{Json, Router};
    use kot_connect_core::adapters::wowtalk::{MessageOutcome, WowTalkSource, reply_text};
    use kot_connect_core::rules::IgnoreReason;
    use kot_connect_core::{Engine, RunMode};
    use tokio::sync::Mutex;
    use wowtalk_api::models::{InboundMessage, Reply};
    use wowtalk_api::{BotClient, Command, SharedSecret, WebhookRequest, WebhookVerifier};

    use crate::run::{Outcome, RunOptions};
    use crate::{Error, Services};

    /// The webhook's path.
    pub const PATH: &str = "/wowtalk/webhook";

    /// The default header carrying the shared secret.
    pub const SECRET_HEADER: &str = "X-WowTalk-Webhook-Secret";

    struct Bot {
        services: Services,
        engine: Engine,
        client: BotClient,
        verifier: SharedSecret,
        mode: RunMode,
        // One message at a time: the link table is read and the ledger
        // written per message, in order.
        outcomes: Mutex<Vec<Outcome>>,
    }

    /// The bot's router (mount it on any server), and a handle on the
    /// outcome of every message handled so far.
    ///
    /// # Errors
    /// `[wowtalk]` is missing or a secret unset; the engine cannot be set up.
    pub fn router(services: &Services, options: &RunOptions) -> Result<(Router, Handle), Error> {
        let config = services.config().wowtalk()?;
        let secret = services.secret(&config.webhook_secret_env)?;
        let header = config
            .webhook_secret_header
            .as_deref()
            .unwrap_or(SECRET_HEADER);
        let verifier = SharedSecret::header(
            header,
            kot_connect_http::ExposeSecret::expose_secret(&secret).to_owned(),
        )
        .map_err(|e| Error::Config(format!("[wowtalk] {e}")))?;
        let bot = Arc::new(Bot {
            engine: crate::run::engine(services, kot_connect_core::Planner::default(), options)?,
            client: services.wowtalk_bot()?,
            services: services.clone(),
            verifier,
            mode: options.mode(),
            outcomes: Mutex::new(Vec::new()),
        });
        let router = Router::new()
            .route(PATH, post(webhook))
            .with_state(bot.clone());
        Ok((router, Handle { bot }))
    }

    /// What the bot did so far.
    #[derive(Clone)]
    pub struct Handle {
        bot: Arc<Bot>,
    }

    impl std::fmt::Debug for Handle {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.debug_struct("Handle").finish_non_exhaustive()
        }
    }

    impl Handle {
        /// The outcome of every message, in the order handled.
        pub async fn outcomes(&self) -> Vec<Outcome> {
            self.bot.outcomes.lock().await.clone()
        }
    }

    async fn webhook(
        State(bot): State<Arc<Bot>>,
        headers: HeaderMap,
        RawQuery(query): RawQuery,
        body: Bytes,
    ) -> (StatusCode, Json<serde_json::Value>) {
        let request = WebhookRequest::new(&headers, query.as_deref(), &body);
        if bot.verifier.verify(&request).is_err() {
            tracing::warn!("WowTalk webhook refused: the shared secret does not match");
            return (
                StatusCode::UNAUTHORIZED,
                Json(serde_json::json!({"ok": false, "error": "unauthorized"})),
            );
        }
        let message = match InboundMessage::from_json(&body) {
            Ok(m) => m,
            Err(e) => {
                return (
                    StatusCode::BAD_REQUEST,
                    Json(serde_json::json!({"ok": false, "error": e.to_string()})),
                );
            }
        };
        let mut outcomes = bot.outcomes.lock().await;
        let (reply, outcome) = match handle(&bot, &message).await {
            Ok(done) => done,
            Err(e) => {
                return (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    Json(serde_json::json!({"ok": false, "error": e.to_string()})),
                );
            }
        };
        let sent = bot.client.send(&Reply::to(&message, reply.clone())).await;
        if let Err(e) = &sent {
            tracing::warn!(error = %e, "the bot's reply was not delivered");
        }
        if let Some(outcome) = outcome {
            outcomes.push(outcome);
        }
        (
            StatusCode::OK,
            Json(serde_json::json!({"ok": true, "reply": reply, "reply_sent": sent.is_ok()})),
        )
    }

    /// The reply to `message`, and the run's outcome when it was a
    /// command.
    async fn handle(
        bot: &Bot,
        message: &InboundMessage,
    ) -> Result<(String, Option<Outcome>), Error> {
        if message.text.as_deref().and_then(Command::parse).is_none() {
            return Ok((
                reply_text(&MessageOutcome::Ignored(IgnoreReason::NotACommand)),
                None,
            ));
        }
        let links = super::load_links(&bot.services.state_store()?)?;
        let source = WowTalkSource::new(vec![message.clone()], links);
        let run = bot.engine.run(&source, bot.mode).await;
        let result = match (run.posted.first(), run.failures.first()) {
            (Some(punch), _) => MessageOutcome::punched(punch),
            (None, Some(row)) => MessageOutcome::failed(row),
            (None, None) => match run.plan.items.first() {
                // Already posted from this very message (a webhook retry).
                Some(item) => MessageOutcome::punched(&item.punch),
                None => MessageOutcome::Ignored(IgnoreReason::NotACommand),
            },
        };
        let outcome = Outcome::from_run(&bot.services, run)?;
        let mut reply = reply_text(&result);
        if bot.mode == RunMode::DryRun {
            reply.insert_str(0, "【dry run: KING OF TIME には送信していません】");
        }
        Ok((reply, Some(outcome)))
    }
}

/// What the sandbox needs for the WowTalk connector: its member list, an
/// ID-link CSV linking every member the seed company knows, and a short
/// chat to replay.
pub mod sandbox {
    use kot_connect_sandbox::Sandbox;
    use wowtalk_api::WriteOptions;
    use wowtalk_api::idlink::{LinkCsvLayout, LinkRow, LinkTable};
    use wowtalk_api::models::MemberRow;

    use crate::run::{Outcome, RunOptions};
    use crate::{Error, Services};

    /// WowTalk's members, as the admin console would export them.
    pub fn members(sandbox: &Sandbox) -> Vec<MemberRow> {
        sandbox
            .wowtalk()
            .members()
            .into_iter()
            .map(|id| MemberRow::new(id.clone(), id))
            .collect()
    }

    /// An ID-link CSV for every employee with a WowTalk id.
    ///
    /// # Errors
    /// The CSV cannot be written.
    pub fn link_csv(sandbox: &Sandbox) -> Result<Vec<u8>, Error> {
        let rows = sandbox.company().employees.iter().filter_map(|e| {
            e.wowtalk_id
                .as_ref()
                .map(|id| LinkRow::new(id.clone(), e.code.clone()))
        });
        LinkTable::from_rows(rows)
            .and_then(|t| t.to_csv(&LinkCsvLayout::default(), &WriteOptions::default()))
            .map_err(|e| Error::Report(e.to_string()))
    }

    /// The chat the demo replays: a break, an early leave, a greeting
    /// that is no command, and a member nobody linked. Each line is
    /// (sender, text, minutes the clock moves before it is sent).
    pub const CHAT: [(&str, &str, i64); 5] = [
        ("wt0001", "休憩開始", 0),
        ("wt0002", "おはようございます", 1),
        ("wt0001", "休憩終了", 45),
        ("wt0003", "退勤", 5),
        ("wt-guest", "出勤", 1),
    ];

    /// Serves the bot on loopback, has the sandbox deliver `chat` to it
    /// (moving the sandbox clock as each line says), and returns each
    /// line with the bot's reply, and the outcome of each command.
    ///
    /// # Errors
    /// The bot cannot be set up or served; a delivery fails.
    pub async fn replay(
        sandbox: &Sandbox,
        services: &Services,
        options: &RunOptions,
        chat: &[(&str, &str, i64)],
    ) -> Result<(Vec<(String, String, String)>, Vec<Outcome>), Error> {
        let (router, handle) = super::bot::router(services, options)?;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .map_err(|e| Error::Sandbox(format!("bot listener: {e}")))?;
        let addr = listener
            .local_addr()
            .map_err(|e| Error::Sandbox(format!("bot listener: {e}")))?;
        let server = tokio::spawn(async move { axum::serve(listener, router).await });
        let url = format!("http://{addr}{}", super::bot::PATH);
        let mut lines = Vec::new();
        for (from, text, minutes) in chat {
            sandbox.clock().advance(chrono::Duration::minutes(*minutes));
            let before = sandbox.wowtalk().sent_to(from).len();
            sandbox
                .wowtalk()
                .deliver(&url, from, text)
                .await
                .map_err(|e| Error::Sandbox(format!("deliver: {e}")))?;
            let reply = sandbox
                .wowtalk()
                .sent_to(from)
                .get(before)
                .map(|m| m.text.clone())
                .unwrap_or_default();
            lines.push(((*from).to_owned(), (*text).to_owned(), reply));
        }
        server.abort();
        Ok((lines, handle.outcomes().await))
    }
}
