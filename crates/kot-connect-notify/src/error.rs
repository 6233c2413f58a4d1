//! The one error type of the notification crate.

use std::fmt;
use std::time::Duration;

use kot_connect_http::reqwest::StatusCode;

/// The kinds of channel this crate can send to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ChannelKind {
    /// Slack Web API (`chat.postMessage`, external file upload).
    Slack,
    /// Chatwork API v2.
    Chatwork,
    /// Microsoft Teams through a Workflows (Power Automate) webhook.
    Teams,
    /// Google Chat incoming webhook.
    GoogleChat,
    /// LINE Messaging API (push).
    Line,
    /// LINE WORKS API 2.0 (bot message to a channel).
    LineWorks,
    /// E-mail over SMTP.
    Email,
}

impl ChannelKind {
    /// The short name used in configuration (`type = "slack"`) and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            ChannelKind::Slack => "slack",
            ChannelKind::Chatwork => "chatwork",
            ChannelKind::Teams => "teams",
            ChannelKind::GoogleChat => "google_chat",
            ChannelKind::Line => "line",
            ChannelKind::LineWorks => "line_works",
            ChannelKind::Email => "email",
        }
    }
}

impl fmt::Display for ChannelKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Everything that can go wrong configuring or sending a notification.
///
/// No variant ever holds a token, a password, a private key or a webhook URL
/// (those URLs embed their credential): only the names of environment
/// variables, endpoint templates and the services' own error codes.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The service answered with its own error envelope: Slack's
    /// `{"ok":false,"error":"..."}` (even under HTTP 200), Chatwork's
    /// `{"errors":[...]}`, Google's `{"error":{...}}`, LINE's
    /// `{"message":...}` or LINE WORKS' `{"code","description"}`.
    #[error("{channel}: {endpoint} was refused (HTTP {status}): {code}{}", fmt_message(.message.as_deref()))]
    Api {
        /// The channel that refused.
        channel: ChannelKind,
        /// The endpoint template, e.g. `POST /chat.postMessage`.
        endpoint: String,
        /// The HTTP status (Slack refuses with 200).
        status: StatusCode,
        /// The service's error code (`not_in_channel`, `INVALID_ARGUMENT`, ...)
        /// or, when it has none, its first message.
        code: String,
        /// The service's human-readable message, if any.
        message: Option<String>,
    },
    /// The service refused because of a rate limit, and waiting as it asked
    /// was not possible within the retry policy.
    #[error("{channel}: {endpoint} is rate limited ({scope}){}", fmt_retry_after(*.retry_after))]
    RateLimited {
        /// The channel.
        channel: ChannelKind,
        /// The endpoint template.
        endpoint: String,
        /// What the service asked us to wait (`Retry-After`, Chatwork's
        /// `x-ratelimit-reset`, or 10 s for Chatwork's per-room limit).
        retry_after: Option<Duration>,
        /// Which limit was hit, in words (e.g. `per room: 10 posts / 10 s`).
        scope: String,
    },
    /// A secret's environment variable is not set (or is empty). Only the
    /// variable's name is kept.
    #[error("environment variable `{variable}` is not set or empty (needed for {purpose})")]
    MissingEnv {
        /// The variable's name, e.g. `SLACK_BOT_TOKEN`.
        variable: String,
        /// What it was needed for, e.g. `rule "daily" / slack token`.
        purpose: String,
    },
    /// The channel or a rule is configured wrongly. Nothing was sent.
    #[error("invalid notification configuration: {0}")]
    Config(String),
    /// The configuration asks for a service that no longer exists (LINE
    /// Notify, Office 365 connector webhooks); the message names the
    /// replacement.
    #[error("{service} is not supported: {replacement}")]
    Unsupported {
        /// The retired service.
        service: &'static str,
        /// What to use instead.
        replacement: &'static str,
    },
    /// LINE WORKS service-account authentication failed locally (the private
    /// key could not be read or the JWT could not be signed).
    #[error("line_works: {0}")]
    Jwt(String),
    /// The e-mail could not be built (an invalid address, say).
    #[error("email: {0}")]
    EmailMessage(String),
    /// The SMTP exchange failed.
    #[error("email: SMTP delivery failed: {0}")]
    Smtp(#[source] lettre::transport::smtp::Error),
    /// Transport, HTTP status, decoding or configuration, from the shared
    /// transport.
    #[error(transparent)]
    Http(#[from] kot_connect_http::Error),
}

fn fmt_message(message: Option<&str>) -> String {
    message.map(|m| format!(" ({m})")).unwrap_or_default()
}

fn fmt_retry_after(d: Option<Duration>) -> String {
    d.map(|d| format!(", retry after {} ms", d.as_millis()))
        .unwrap_or_default()
}

impl Error {
    pub(crate) fn config(message: impl Into<String>) -> Self {
        Error::Config(message.into())
    }

    /// True when a rate limit refused the message.
    pub fn is_rate_limited(&self) -> bool {
        match self {
            Error::RateLimited { .. } => true,
            Error::Http(e) => e.is_rate_limited(),
            _ => false,
        }
    }

    /// How long the service asked us to wait, for rate-limit errors.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Error::RateLimited { retry_after, .. } => *retry_after,
            Error::Http(kot_connect_http::Error::RateLimited { retry_after, .. }) => *retry_after,
            _ => None,
        }
    }

    /// The HTTP status, when a service answered.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api { status, .. } => Some(*status),
            Error::RateLimited { .. } => Some(StatusCode::TOO_MANY_REQUESTS),
            Error::Http(e) => e.status(),
            _ => None,
        }
    }

    /// The service's error code (`not_in_channel`, ...), for API errors.
    pub fn api_code(&self) -> Option<&str> {
        match self {
            Error::Api { code, .. } => Some(code),
            _ => None,
        }
    }

    /// True for configuration problems found before anything was sent
    /// (including a missing environment variable and a retired service).
    pub fn is_config(&self) -> bool {
        match self {
            Error::Config(_)
            | Error::MissingEnv { .. }
            | Error::Unsupported { .. }
            | Error::Jwt(_)
            | Error::EmailMessage(_) => true,
            Error::Http(e) => e.is_config(),
            _ => false,
        }
    }

    /// True when the message may not have been delivered because the
    /// answer never arrived (connection reset, timeout).
    pub fn is_transport(&self) -> bool {
        match self {
            Error::Http(e) => e.is_transport(),
            Error::Smtp(e) => e.is_timeout(),
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_the_channel_and_code() {
        let err = Error::Api {
            channel: ChannelKind::Slack,
            endpoint: "POST /chat.postMessage".into(),
            status: StatusCode::OK,
            code: "not_in_channel".into(),
            message: None,
        };
        assert_eq!(
            err.to_string(),
            "slack: POST /chat.postMessage was refused (HTTP 200 OK): not_in_channel"
        );
        assert_eq!(err.api_code(), Some("not_in_channel"));
        assert!(!err.is_rate_limited());
        let err = Error::RateLimited {
            channel: ChannelKind::Chatwork,
            endpoint: "POST /rooms/{room_id}/messages".into(),
            retry_after: Some(Duration::from_secs(10)),
            scope: "per room".into(),
        };
        assert!(err.is_rate_limited());
        assert_eq!(err.retry_after(), Some(Duration::from_secs(10)));
        assert!(err.to_string().ends_with("retry after 10000 ms"));
        let err = Error::MissingEnv {
            variable: "SLACK_BOT_TOKEN".into(),
            purpose: "slack token".into(),
        };
        assert!(err.is_config());
        assert_eq!(
            err.to_string(),
            "environment variable `SLACK_BOT_TOKEN` is not set or empty (needed for slack token)"
        );
    }
}
