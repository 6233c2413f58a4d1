//! Notification rules (通知ルール): a name, an event filter and channels;
//! their TOML-friendly configuration; the [`Notifier`] that applies them.
//!
//! Secrets never appear in the configuration itself: a secret field names
//! an environment variable (`token_env = "SLACK_BOT_TOKEN"`), read when the
//! configuration is resolved. A missing variable is
//! [`Error::MissingEnv`], which names the variable, never a value.

use std::fmt;
use std::sync::Arc;

use futures_util::future::join_all;
use kot_connect_http::{Clock, RetryPolicy, SecretString, SystemClock, reqwest};
use serde::Deserialize;

use crate::channels::chatwork::ChatworkChannel;
use crate::channels::email::{EmailChannel, SmtpSecurity};
use crate::channels::google_chat::{GoogleChatChannel, GoogleChatFormat};
use crate::channels::line::LineChannel;
use crate::channels::line_works::{LineWorksChannel, ServiceAccount};
use crate::channels::slack::{SlackChannel, SlackFormat};
use crate::channels::teams::TeamsChannel;
use crate::channels::{Channel, ChannelOptions, Delivery};
use crate::error::{ChannelKind, Error};
use crate::message::{Detail, Notification, SyncReport};

/// Which runs a rule reports, and how much of each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventFilter {
    /// Every run, with its failures and the failure CSV.
    EveryRun,
    /// Only runs with failures (a FAILURE status or any failed punch), with
    /// the failures and the CSV.
    FailuresOnly,
    /// Every run, summary only: title, period and counts.
    Summary,
}

impl EventFilter {
    /// The detail to send for `report`, or `None` when the rule does not
    /// apply to it.
    pub fn detail_for(self, report: &SyncReport) -> Option<Detail> {
        match self {
            EventFilter::EveryRun => Some(Detail::Full),
            EventFilter::FailuresOnly => report.has_failures().then_some(Detail::Full),
            EventFilter::Summary => Some(Detail::Summary),
        }
    }
}

/// A resolved rule: a name, a filter and the channels it sends to.
#[derive(Clone)]
pub struct Rule {
    name: String,
    filter: EventFilter,
    channels: Vec<Arc<dyn Channel>>,
}

impl fmt::Debug for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Rule")
            .field("name", &self.name)
            .field("filter", &self.filter)
            .field("channels", &self.channels)
            .finish()
    }
}

impl Rule {
    /// A rule with no channel yet.
    pub fn new(name: impl Into<String>, filter: EventFilter) -> Self {
        Self {
            name: name.into(),
            filter,
            channels: Vec::new(),
        }
    }

    /// Adds a channel.
    pub fn channel(mut self, channel: impl Channel + 'static) -> Self {
        self.channels.push(Arc::new(channel));
        self
    }

    /// Adds a shared channel.
    pub fn shared_channel(mut self, channel: Arc<dyn Channel>) -> Self {
        self.channels.push(channel);
        self
    }

    /// The rule's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The rule's filter.
    pub fn filter(&self) -> EventFilter {
        self.filter
    }

    /// The rule's channels.
    pub fn channels(&self) -> &[Arc<dyn Channel>] {
        &self.channels
    }
}

/// The outcome of one channel of one rule.
#[derive(Debug)]
#[non_exhaustive]
pub struct ChannelOutcome {
    /// The rule's name.
    pub rule: String,
    /// The channel kind.
    pub channel: ChannelKind,
    /// The channel's description (no secret), e.g. `slack channel C012`.
    pub target: String,
    /// What happened.
    pub result: Result<Delivery, Error>,
}

/// What a [`Notifier::notify`] call did, channel by channel.
#[derive(Debug, Default)]
#[non_exhaustive]
pub struct NotifyReport {
    /// One entry per channel of every rule that applied, in rule order.
    pub outcomes: Vec<ChannelOutcome>,
    /// The names of the rules whose filter did not apply to the report.
    pub skipped_rules: Vec<String>,
}

impl NotifyReport {
    /// True when every channel delivered its message and attachment.
    pub fn all_delivered(&self) -> bool {
        self.outcomes
            .iter()
            .all(|o| o.result.as_ref().is_ok_and(Delivery::is_complete))
    }

    /// The channels that failed to deliver.
    pub fn failures(&self) -> impl Iterator<Item = &ChannelOutcome> {
        self.outcomes.iter().filter(|o| o.result.is_err())
    }
}

/// Sends a report to every channel of every rule whose filter applies.
///
/// Channels are sent to concurrently; one failing channel never stops the
/// others, and each one's outcome is in the [`NotifyReport`].
#[derive(Debug, Clone, Default)]
pub struct Notifier {
    rules: Vec<Rule>,
}

impl Notifier {
    /// A notifier with `rules`.
    pub fn new(rules: Vec<Rule>) -> Self {
        Self { rules }
    }

    /// Adds a rule.
    pub fn rule(mut self, rule: Rule) -> Self {
        self.rules.push(rule);
        self
    }

    /// The rules.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// Sends `report` by every applicable rule.
    pub async fn notify(&self, report: &SyncReport) -> NotifyReport {
        let mut skipped_rules = Vec::new();
        let mut notifications = Vec::new();
        for rule in &self.rules {
            match rule.filter.detail_for(report) {
                Some(detail) => notifications.push((rule, Notification::new(report, detail))),
                None => skipped_rules.push(rule.name.clone()),
            }
        }
        let mut jobs = Vec::new();
        for (rule, notification) in &notifications {
            for channel in &rule.channels {
                jobs.push(async move {
                    let result = channel.send(notification).await;
                    if let Err(e) = &result {
                        tracing::warn!(rule = %rule.name, channel = %channel.kind(), error = %e,
                            "notification failed");
                    }
                    ChannelOutcome {
                        rule: rule.name.clone(),
                        channel: channel.kind(),
                        target: channel.target(),
                        result,
                    }
                });
            }
        }
        NotifyReport {
            outcomes: join_all(jobs).await,
            skipped_rules,
        }
    }
}

// ---------------------------------------------------------------------------
// Configuration
// ---------------------------------------------------------------------------

/// The notification configuration, as read from TOML (or any serde format).
///
/// ```toml
/// [endpoints]                 # optional base-URL overrides (sandbox, tests)
/// slack = "http://127.0.0.1:8080/slack/api"
///
/// [[rules]]
/// name = "日次サマリー"
/// events = "every_run"        # every_run | failures_only | summary
///
/// [[rules.channels]]
/// type = "slack"
/// token_env = "SLACK_BOT_TOKEN"
/// channel = "C0123456789"
/// ```
#[derive(Debug, Clone, Default, Deserialize)]
#[non_exhaustive]
pub struct NotifyConfig {
    /// Base-URL overrides per channel kind.
    #[serde(default)]
    pub endpoints: Endpoints,
    /// The rules.
    #[serde(default)]
    pub rules: Vec<RuleConfig>,
}

/// Base-URL overrides, one per channel kind, so that a sandbox can point
/// every channel at loopback. For the webhooks (Teams, Google Chat) the
/// override replaces the URL's scheme, host and port.
#[derive(Debug, Clone, Default, Deserialize)]
#[non_exhaustive]
pub struct Endpoints {
    /// Slack Web API (default `https://slack.com/api`).
    pub slack: Option<String>,
    /// Chatwork (default `https://api.chatwork.com/v2`).
    pub chatwork: Option<String>,
    /// Teams Workflows webhooks' origin.
    pub teams: Option<String>,
    /// Google Chat webhooks' origin.
    pub google_chat: Option<String>,
    /// LINE Messaging API (default `https://api.line.me`).
    pub line: Option<String>,
    /// LINE WORKS API (default `https://www.worksapis.com/v1.0`).
    pub line_works: Option<String>,
    /// LINE WORKS OAuth (default `https://auth.worksmobile.com/oauth2/v2.0`).
    pub line_works_auth: Option<String>,
}

/// One rule in the configuration.
#[derive(Debug, Clone, Deserialize)]
#[non_exhaustive]
pub struct RuleConfig {
    /// The rule's name (ルール名称).
    pub name: String,
    /// Which runs it reports.
    pub events: EventFilter,
    /// Where it sends them (at least one).
    pub channels: Vec<ChannelConfig>,
}

/// One channel in the configuration. Fields ending in `_env` name the
/// environment variable that holds the secret.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum ChannelConfig {
    /// Slack: bot token and channel ID.
    Slack {
        /// Variable holding the bot token (`xoxb-...`).
        token_env: String,
        /// The channel ID (`C...`).
        channel: String,
        /// `blocks` (default) or `text`.
        #[serde(default)]
        format: SlackFormat,
    },
    /// Chatwork: API token and room ID.
    Chatwork {
        /// Variable holding the API token.
        token_env: String,
        /// The room ID.
        room_id: String,
    },
    /// Microsoft Teams Workflows webhook.
    Teams {
        /// Variable holding the webhook URL (the URL is the credential).
        webhook_url_env: String,
    },
    /// Google Chat incoming webhook.
    GoogleChat {
        /// Variable holding the webhook URL (the URL is the credential).
        webhook_url_env: String,
        /// Thread key template (`{connector}`, `{date}`), e.g. `kot-{date}`.
        #[serde(default)]
        thread_key: Option<String>,
        /// `card` (default) or `text`.
        #[serde(default)]
        format: GoogleChatFormat,
    },
    /// LINE Messaging API push.
    Line {
        /// Variable holding the channel access token.
        channel_access_token_env: String,
        /// The user, group or room ID to push to.
        to: String,
        /// Push without a sound/notification.
        #[serde(default)]
        notification_disabled: bool,
    },
    /// LINE Notify: ended on 2025-03-31. Accepted by the parser only so that
    /// resolving it can say what to use instead ([`Error::Unsupported`]).
    LineNotify {
        /// Ignored.
        #[serde(flatten)]
        rest: std::collections::BTreeMap<String, serde_json::Value>,
    },
    /// LINE WORKS bot message.
    LineWorks {
        /// Client ID.
        client_id: String,
        /// Variable holding the Client Secret.
        client_secret_env: String,
        /// Service Account ID.
        service_account: String,
        /// Variable holding the private key (PEM text).
        #[serde(default)]
        private_key_env: Option<String>,
        /// Or: a file holding the private key (PEM), as downloaded.
        #[serde(default)]
        private_key_path: Option<String>,
        /// Bot ID.
        bot_id: String,
        /// The talk room's Channel ID.
        channel_id: String,
        /// OAuth scope (default `bot`).
        #[serde(default)]
        scope: Option<String>,
    },
    /// E-mail over SMTP.
    Email {
        /// SMTP host.
        smtp_host: String,
        /// Port (default by `security`: 465, 587 or 25).
        #[serde(default)]
        port: Option<u16>,
        /// `tls`, `start_tls` (default) or `plain` (loopback only).
        #[serde(default)]
        security: SmtpSecurity,
        /// SMTP user name, if the relay needs one.
        #[serde(default)]
        username: Option<String>,
        /// Variable holding the SMTP password (required with `username`).
        #[serde(default)]
        password_env: Option<String>,
        /// Sender.
        from: String,
        /// Recipients (通知メールアドレス).
        to: Vec<String>,
    },
}

/// Settings applied to every channel built from a configuration.
#[derive(Clone)]
#[non_exhaustive]
pub struct ResolveOptions {
    /// A reqwest client to share.
    pub http_client: Option<reqwest::Client>,
    /// The retry policy.
    pub retry_policy: RetryPolicy,
    /// The clock.
    pub clock: Arc<dyn Clock>,
}

impl Default for ResolveOptions {
    fn default() -> Self {
        Self {
            http_client: None,
            retry_policy: RetryPolicy::default(),
            clock: Arc::new(SystemClock),
        }
    }
}

impl fmt::Debug for ResolveOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResolveOptions")
            .field("retry_policy", &self.retry_policy)
            .finish_non_exhaustive()
    }
}

impl ResolveOptions {
    /// Uses the caller's reqwest client.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// Sets the retry policy.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry_policy = policy;
        self
    }

    /// Sets the clock.
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    fn channel(&self, base_url: Option<&String>) -> ChannelOptions {
        let mut options = ChannelOptions::default()
            .retry_policy(self.retry_policy.clone())
            .clock(self.clock.clone());
        if let Some(client) = &self.http_client {
            options = options.http_client(client.clone());
        }
        if let Some(url) = base_url {
            options = options.base_url(url.clone());
        }
        options
    }
}

impl NotifyConfig {
    /// Builds the notifier, reading secrets from the process environment.
    ///
    /// # Errors
    /// As [`resolve`](Self::resolve).
    pub fn resolve_from_env(&self) -> Result<Notifier, Error> {
        self.resolve(|name| std::env::var(name).ok(), &ResolveOptions::default())
    }

    /// Builds the notifier, reading each secret through `lookup` (given the
    /// variable's name).
    ///
    /// # Errors
    /// [`Error::MissingEnv`] naming the first variable that is unset or
    /// empty; [`Error::Config`] for a rule without a name or channels,
    /// duplicate rule names, or an invalid channel setting;
    /// [`Error::Unsupported`] for `line_notify` and Office 365 connector
    /// URLs; any channel builder's error.
    pub fn resolve(
        &self,
        lookup: impl Fn(&str) -> Option<String>,
        options: &ResolveOptions,
    ) -> Result<Notifier, Error> {
        let mut rules = Vec::new();
        let mut names = std::collections::HashSet::new();
        for rule in &self.rules {
            if rule.name.trim().is_empty() {
                return Err(Error::config("a rule has an empty name"));
            }
            if !names.insert(rule.name.as_str()) {
                return Err(Error::config(format!(
                    "rule `{}` is defined twice",
                    rule.name
                )));
            }
            if rule.channels.is_empty() {
                return Err(Error::config(format!(
                    "rule `{}` has no channel",
                    rule.name
                )));
            }
            let mut resolved = Rule::new(rule.name.clone(), rule.events);
            for (i, channel) in rule.channels.iter().enumerate() {
                let ctx = Ctx {
                    rule: &rule.name,
                    index: i + 1,
                    lookup: &lookup,
                };
                resolved = resolved.shared_channel(self.channel(channel, &ctx, options)?);
            }
            rules.push(resolved);
        }
        Ok(Notifier::new(rules))
    }

    fn channel(
        &self,
        config: &ChannelConfig,
        ctx: &Ctx<'_>,
        options: &ResolveOptions,
    ) -> Result<Arc<dyn Channel>, Error> {
        let e = &self.endpoints;
        Ok(match config {
            ChannelConfig::Slack {
                token_env,
                channel,
                format,
            } => Arc::new(
                SlackChannel::builder(ctx.secret(token_env, "slack bot token")?, channel.clone())
                    .format(*format)
                    .options(options.channel(e.slack.as_ref()))
                    .build()?,
            ),
            ChannelConfig::Chatwork { token_env, room_id } => Arc::new(
                ChatworkChannel::builder(
                    ctx.secret(token_env, "chatwork API token")?,
                    room_id.clone(),
                )
                .options(options.channel(e.chatwork.as_ref()))
                .build()?,
            ),
            ChannelConfig::Teams { webhook_url_env } => Arc::new(
                TeamsChannel::builder(ctx.secret(webhook_url_env, "teams webhook URL")?)
                    .options(options.channel(e.teams.as_ref()))
                    .build()?,
            ),
            ChannelConfig::GoogleChat {
                webhook_url_env,
                thread_key,
                format,
            } => {
                let mut builder = GoogleChatChannel::builder(
                    ctx.secret(webhook_url_env, "google chat webhook URL")?,
                )
                .format(*format)
                .options(options.channel(e.google_chat.as_ref()));
                if let Some(key) = thread_key {
                    builder = builder.thread_key(key.clone());
                }
                Arc::new(builder.build()?)
            }
            ChannelConfig::Line {
                channel_access_token_env,
                to,
                notification_disabled,
            } => Arc::new(
                LineChannel::builder(
                    ctx.secret(channel_access_token_env, "LINE channel access token")?,
                    to.clone(),
                )
                .notification_disabled(*notification_disabled)
                .options(options.channel(e.line.as_ref()))
                .build()?,
            ),
            ChannelConfig::LineNotify { .. } => {
                return Err(Error::Unsupported {
                    service: "LINE Notify",
                    replacement: "LINE Notify ended on 2025-03-31; use `type = \"line\"` (LINE Messaging API push with a channel access token and the destination ID)",
                });
            }
            ChannelConfig::LineWorks {
                client_id,
                client_secret_env,
                service_account,
                private_key_env,
                private_key_path,
                bot_id,
                channel_id,
                scope,
            } => {
                let private_key_pem = match (private_key_env, private_key_path) {
                    (Some(var), None) => ctx.secret(var, "LINE WORKS private key")?,
                    (None, Some(path)) => SecretString::from(std::fs::read_to_string(path).map_err(
                        |err| Error::config(format!("rule `{}`: cannot read the LINE WORKS private key file `{path}`: {err}", ctx.rule)),
                    )?),
                    _ => {
                        return Err(Error::config(format!(
                            "rule `{}`: set exactly one of private_key_env and private_key_path",
                            ctx.rule
                        )));
                    }
                };
                let account = ServiceAccount {
                    client_id: client_id.clone(),
                    client_secret: ctx.secret(client_secret_env, "LINE WORKS client secret")?,
                    service_account: service_account.clone(),
                    private_key_pem,
                };
                let mut builder =
                    LineWorksChannel::builder(account, bot_id.clone(), channel_id.clone())
                        .options(options.channel(e.line_works.as_ref()));
                if let Some(url) = &e.line_works_auth {
                    builder = builder.auth_base_url(url.clone());
                }
                if let Some(scope) = scope {
                    builder = builder.scope(scope.clone());
                }
                Arc::new(builder.build()?)
            }
            ChannelConfig::Email {
                smtp_host,
                port,
                security,
                username,
                password_env,
                from,
                to,
            } => {
                let mut builder =
                    EmailChannel::builder(smtp_host.clone(), from.clone(), to.clone())
                        .security(*security);
                if let Some(port) = port {
                    builder = builder.port(*port);
                }
                match (username, password_env) {
                    (Some(user), Some(var)) => {
                        builder =
                            builder.credentials(user.clone(), ctx.secret(var, "SMTP password")?);
                    }
                    (None, None) => {}
                    _ => {
                        return Err(Error::config(format!(
                            "rule `{}`: set both username and password_env, or neither",
                            ctx.rule
                        )));
                    }
                }
                Arc::new(builder.build()?)
            }
        })
    }
}

struct Ctx<'a> {
    rule: &'a str,
    index: usize,
    lookup: &'a dyn Fn(&str) -> Option<String>,
}

impl Ctx<'_> {
    fn secret(&self, variable: &str, what: &str) -> Result<SecretString, Error> {
        match (self.lookup)(variable) {
            Some(value) if !value.trim().is_empty() => {
                Ok(SecretString::from(value.trim().to_owned()))
            }
            _ => Err(Error::MissingEnv {
                variable: variable.to_owned(),
                purpose: format!("rule `{}`, channel {}: {what}", self.rule, self.index),
            }),
        }
    }
}
