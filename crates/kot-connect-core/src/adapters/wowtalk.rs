//! WowTalk (feature `wowtalk`): chat commands to the bot → punches
//! ([`WowTalkSource`]), and the bot's reply ([`reply_text`]).
//!
//! Each message received by the bot is one record: its text is read with
//! [`wowtalk_api::Command::parse`] (the only parser, so the punch and the
//! reply never disagree), its sender is matched through the ID連携
//! [`LinkTable`](wowtalk_api::idlink::LinkTable), and a command becomes a
//! punch at the time the message was sent. A message that is not a command
//! is ignored with [`IgnoreReason::NotACommand`]; a sender no link knows
//! (or linked to a code KOT does not have) is a failure row with the
//! message's id.
//!
//! **Provisional** (the bot API is not public): the message id and the
//! sent time come from [`InboundMessage`]'s guessed fields. A message
//! without an id gets a stable one from its sender, sent time and text
//! ([`record_id`]); a message whose sent time cannot be read
//! ([`parse_sent_at`]) is a failure row rather than a punch at a guessed
//! time.
//!
//! ```no_run
//! use kot_connect_core::adapters::wowtalk::WowTalkSource;
//! use wowtalk_api::models::InboundMessage;
//!
//! # fn run(links: wowtalk_api::idlink::LinkTable, body: &[u8]) -> Result<(), wowtalk_api::Error> {
//! let message = InboundMessage::from_json(body)?;
//! let source = WowTalkSource::new(vec![message], links);
//! # let _ = source;
//! # Ok(())
//! # }
//! ```

use chrono::{DateTime, FixedOffset, NaiveDateTime, TimeZone};
use wowtalk_api::Command;
use wowtalk_api::models::InboundMessage;

use super::support::{Described, split_matches, work_date_span};
use crate::engine::{Collected, Source, SourceContext, SourceError, Stage};
use crate::matching::{LinkTable, Matcher};
use crate::punch::{Punch, PunchKind, SourceRef, SourceSystem};
use crate::report::{FailureReason, FailureRow};
use crate::rules::IgnoreReason;
use crate::rules::wowtalk::{ChatMessage, apply};
use crate::time::jst;

/// The connector's default name in the sync log (コネクト名).
pub const CONNECTOR: &str = "WowTalk連携";

/// The id reported for a message whose sender id is blank.
pub const MISSING_SENDER: &str = "(送信者IDなし)";

/// The punch a chat command asks for.
pub fn punch_kind(command: Command) -> PunchKind {
    match command {
        Command::ClockIn => PunchKind::ClockIn,
        Command::ClockOut => PunchKind::ClockOut,
        Command::BreakStart => PunchKind::BreakStart,
        Command::BreakEnd => PunchKind::BreakEnd,
    }
}

/// Reads a message's sent time (**provisional** format): RFC 3339
/// (`2026-11-21T08:58:00+09:00`), a local `YYYY-MM-DD HH:MM:SS` or
/// `YYYY/MM/DD HH:MM:SS` taken as JST, or Unix time in seconds (10 digits
/// or fewer) or milliseconds. `None` for anything else.
pub fn parse_sent_at(raw: &str) -> Option<DateTime<FixedOffset>> {
    let raw = raw.trim();
    if let Ok(at) = DateTime::parse_from_rfc3339(raw) {
        return Some(at.with_timezone(&jst()));
    }
    for format in [
        "%Y-%m-%d %H:%M:%S",
        "%Y/%m/%d %H:%M:%S",
        "%Y-%m-%dT%H:%M:%S",
    ] {
        if let Ok(local) = NaiveDateTime::parse_from_str(raw, format) {
            return jst().from_local_datetime(&local).single();
        }
    }
    if !raw.is_empty() && raw.bytes().all(|b| b.is_ascii_digit()) {
        let n: i64 = raw.parse().ok()?;
        let at = if raw.len() <= 10 {
            jst().timestamp_opt(n, 0).single()
        } else {
            jst().timestamp_millis_opt(n).single()
        };
        return at;
    }
    None
}

/// The record id of a message: its message id, or, when WowTalk sent
/// none, `<sender>@<sent_at>#<text>` (stable across deliveries of the
/// same message).
pub fn record_id(message: &InboundMessage) -> String {
    match &message.message_id {
        Some(id) if !id.as_str().trim().is_empty() => id.as_str().to_owned(),
        _ => format!(
            "{}@{}#{}",
            message.sender_id,
            message.sent_at.as_deref().unwrap_or(""),
            message.text.as_deref().unwrap_or("")
        ),
    }
}

/// The ledger reference of a message: `wowtalk:<record id>`.
pub fn source_ref(message: &InboundMessage) -> SourceRef {
    SourceRef::new(SourceSystem::WowTalk, record_id(message))
}

/// Received bot messages as a [`Source`].
#[derive(Debug, Clone)]
pub struct WowTalkSource {
    messages: Vec<InboundMessage>,
    matcher: Matcher,
    connector: String,
}

impl WowTalkSource {
    /// A source of `messages` (as the bot received them), senders matched
    /// through `links`.
    pub fn new(messages: Vec<InboundMessage>, links: wowtalk_api::idlink::LinkTable) -> Self {
        let table: LinkTable = links
            .iter()
            .map(|(user, code)| (user.as_str().to_owned(), code.clone()))
            .collect();
        Self {
            messages,
            matcher: Matcher::linked(table),
            connector: CONNECTOR.to_owned(),
        }
    }

    /// Uses `name` as the connector's name in the sync log.
    pub fn with_connector_name(mut self, name: impl Into<String>) -> Self {
        self.connector = name.into();
        self
    }

    /// The messages.
    pub fn messages(&self) -> &[InboundMessage] {
        &self.messages
    }
}

impl Described for InboundMessage {
    fn source_ref(&self) -> SourceRef {
        source_ref(self)
    }

    fn at(&self) -> Option<DateTime<FixedOffset>> {
        self.sent_at.as_deref().and_then(parse_sent_at)
    }

    fn kind(&self) -> Option<PunchKind> {
        self.text
            .as_deref()
            .and_then(Command::parse)
            .map(punch_kind)
    }
}

#[async_trait::async_trait]
impl Source for WowTalkSource {
    fn connector(&self) -> &str {
        &self.connector
    }

    fn system(&self) -> Option<SourceSystem> {
        Some(SourceSystem::WowTalk)
    }

    async fn collect(&self, ctx: &SourceContext<'_>) -> Result<Collected, SourceError> {
        let fetched = self.messages.len();
        ctx.progress.begin(
            Stage::Fetch,
            Some(u64::try_from(fetched).unwrap_or(u64::MAX)),
        );
        ctx.progress
            .advance(Stage::Fetch, u64::try_from(fetched).unwrap_or(u64::MAX));
        ctx.progress.end(Stage::Fetch);

        let outcome = self
            .matcher
            .match_records(self.messages.clone(), |m: &InboundMessage| {
                Some(m.sender_id.as_str())
            });
        let (matched, mut failures) = split_matches(
            outcome,
            ctx.directory,
            |m: &InboundMessage| m.sender_id.as_str().to_owned(),
            MISSING_SENDER,
            |_| false,
        );
        let mut chats = Vec::with_capacity(matched.len());
        for m in matched {
            let message = m.record;
            let command = message.command().map(punch_kind);
            match message.at() {
                Some(sent_at) => chats.push(ChatMessage {
                    message_id: record_id(&message),
                    employee: m.employee,
                    sent_at,
                    command,
                }),
                None => failures.push(FailureRow {
                    employee: Some(m.employee),
                    kind: command,
                    at: None,
                    reason: FailureReason::ApiError {
                        message: format!(
                            "WowTalk message {} has no readable sent time ({:?})",
                            record_id(&message),
                            message.sent_at.as_deref().unwrap_or("")
                        ),
                    },
                    source: Some(source_ref(&message)),
                }),
            }
        }
        let (punches, ignored) = apply(&chats, ctx.directory).into_parts();
        let work_dates = work_date_span(None, &punches);
        Ok(Collected {
            punches,
            ignored,
            failures,
            work_dates,
            fetched,
        })
    }
}

/// What became of one message, for the bot's reply.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum MessageOutcome {
    /// The punch is in KOT (posted now, or already there from this
    /// message).
    Punched {
        /// The punch.
        kind: PunchKind,
        /// Its time.
        at: DateTime<FixedOffset>,
    },
    /// The message did not become a punch in KOT.
    Failed {
        /// The punch asked for, when the message was a command.
        kind: Option<PunchKind>,
        /// Why.
        reason: FailureReason,
    },
    /// The message was ignored.
    Ignored(IgnoreReason),
}

impl MessageOutcome {
    /// The outcome of a punch the engine posted (or found already posted).
    pub fn punched(punch: &Punch) -> Self {
        MessageOutcome::Punched {
            kind: punch.kind,
            at: punch.at,
        }
    }

    /// The outcome of a failure row.
    pub fn failed(row: &FailureRow) -> Self {
        MessageOutcome::Failed {
            kind: row.kind,
            reason: row.reason.clone(),
        }
    }
}

/// The bot's reply to the member, in the manuals' Japanese:
/// 「出勤を打刻しました (09:01)」, the failure's reason, or how to send a
/// command.
pub fn reply_text(outcome: &MessageOutcome) -> String {
    match outcome {
        MessageOutcome::Punched { kind, at } => format!(
            "{}を打刻しました ({})",
            kind.label_ja(),
            at.with_timezone(&jst()).format("%H:%M")
        ),
        MessageOutcome::Failed {
            reason: FailureReason::UnmatchedEmployee { .. },
            ..
        } => "このWowTalk IDはKING OF TIMEの従業員と連携されていません。管理者にID連携を依頼してください。"
            .to_owned(),
        MessageOutcome::Failed { kind, reason } => match kind {
            Some(kind) => format!(
                "{}を打刻できませんでした: {}",
                kind.label_ja(),
                reason.message_ja()
            ),
            None => format!("打刻できませんでした: {}", reason.message_ja()),
        },
        MessageOutcome::Ignored(IgnoreReason::Duplicate { .. }) => {
            "このメッセージは処理済みです。".to_owned()
        }
        MessageOutcome::Ignored(_) => {
            let words: Vec<&str> = Command::ALL.iter().map(|c| c.label_ja()).collect();
            format!(
                "打刻するには「{}」のいずれかを送ってください。",
                words.join("」「")
            )
        }
    }
}
