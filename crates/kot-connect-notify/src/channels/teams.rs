//! Microsoft Teams through a **Workflows** (Power Automate) webhook, with an
//! Adaptive Card.
//!
//! - The webhook URL (`...logic.azure.com/workflows/...` or
//!   `...environment.api.powerplatform.com/powerautomate/...`) carries its
//!   credential in the `sig` query parameter: the whole URL is a secret, kept
//!   in a [`SecretString`] and never printed.
//! - The retired Office 365 connector ("Incoming Webhook", hosts
//!   `*.webhook.office.com` and `outlook.office.com/webhook`) is **not
//!   supported**: such a URL is refused with [`Error::Unsupported`]
//!   (connectors were retired in May 2026; reference `notify.md` §3.1).
//! - A Workflows webhook answers **202 Accepted** with an empty body: that
//!   only means the flow was triggered ([`Delivery::accepted_only`]); a
//!   flow that fails later shows only in its run history.
//! - The card is Adaptive Card 1.4 with elements from 1.0 (TextBlock,
//!   FactSet), as Teams renders cards up to 1.5 and Workflows users report
//!   failures with 1.5/1.6 (§3.2).
//! - Limit: a message is about 28 KB ([`PAYLOAD_LIMIT_BYTES`]). Failure
//!   rows are dropped from the end until the payload fits, and a final row
//!   says how many were left out.
//! - Webhooks cannot carry files: the card names the failure CSV.

use std::fmt;

use kot_connect_http::{SecretString, Transport};
use serde_json::{Value, json};

use crate::channels::{
    AttachmentOutcome, Channel, ChannelOptions, Delivery, SendFuture, WebhookUrl, option_setters,
    retry_after_429, send_waiting_out_rate_limits,
};
use crate::error::{ChannelKind, Error};
use crate::message::{Notification, TRUNCATION_MARKER};

/// The largest payload sent, in bytes (Teams' documented ~28 KB).
pub const PAYLOAD_LIMIT_BYTES: usize = 28_000;
/// The Adaptive Card version sent.
pub const CARD_VERSION: &str = "1.4";

/// Posts Adaptive Cards to a Teams Workflows webhook.
#[derive(Clone)]
pub struct TeamsChannel {
    transport: Transport,
    url: std::sync::Arc<WebhookUrl>,
}

impl fmt::Debug for TeamsChannel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TeamsChannel")
            .field("webhook_url", &"[REDACTED]")
            .finish_non_exhaustive()
    }
}

/// Builds a [`TeamsChannel`].
pub struct TeamsChannelBuilder {
    webhook_url: SecretString,
    options: ChannelOptions,
}

impl fmt::Debug for TeamsChannelBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TeamsChannelBuilder")
            .field("webhook_url", &"[REDACTED]")
            .field("options", &self.options)
            .finish()
    }
}

impl TeamsChannel {
    /// A builder for the Workflows webhook URL (Teams > Workflows >
    /// "Send webhook alerts to a channel", or any flow started by "When a
    /// Teams webhook request is received").
    pub fn builder(webhook_url: impl Into<SecretString>) -> TeamsChannelBuilder {
        TeamsChannelBuilder {
            webhook_url: webhook_url.into(),
            options: ChannelOptions::default(),
        }
    }
}

impl TeamsChannelBuilder {
    option_setters!();

    /// Builds the channel. The base-URL override replaces the webhook's
    /// scheme, host and port (its path and query are kept).
    ///
    /// # Errors
    /// [`Error::Unsupported`] for a retired Office 365 connector URL;
    /// [`Error::Config`] for an URL that cannot be parsed (never echoed);
    /// [`Error::Http`] for a non-https URL outside loopback.
    pub fn build(self) -> Result<TeamsChannel, Error> {
        let (url, webhook) = WebhookUrl::parse(&self.webhook_url, "Teams webhook URL")?;
        let host = url.host_str().unwrap_or_default().to_ascii_lowercase();
        let connector = host.ends_with(".webhook.office.com")
            || host == "webhook.office.com"
            || (host == "outlook.office.com" && url.path().starts_with("/webhook"));
        if connector {
            return Err(Error::Unsupported {
                service: "an Office 365 connector (Incoming Webhook) URL",
                replacement: "connectors were retired by Microsoft in May 2026; create a Teams Workflows webhook (\"When a Teams webhook request is received\") and use its URL",
            });
        }
        let transport = self.options.transport("teams", &webhook.origin).build()?;
        Ok(TeamsChannel {
            transport,
            url: std::sync::Arc::new(webhook),
        })
    }
}

/// The Adaptive Card (the `content` of the attachment) for a notification,
/// showing at most `max_failures` failure rows.
pub fn adaptive_card(notification: &Notification<'_>, max_failures: usize) -> Value {
    let report = notification.report;
    let color = match report.status {
        crate::RunStatus::Success => "Good",
        crate::RunStatus::Failure => "Attention",
    };
    let mut body = vec![
        json!({"type": "TextBlock", "text": report.title(), "weight": "Bolder", "size": "Medium",
               "color": color, "wrap": true}),
        json!({"type": "TextBlock", "text": report.period(), "isSubtle": true, "spacing": "None",
               "wrap": true}),
        json!({"type": "FactSet", "facts": report.count_facts().iter()
            .map(|(k, v)| json!({"title": k, "value": v.to_string()})).collect::<Vec<_>>()}),
    ];
    let failures = notification.failures();
    if !failures.is_empty() {
        body.push(
            json!({"type": "TextBlock", "text": "失敗一覧 (failures)", "weight": "Bolder",
                         "wrap": true}),
        );
        for f in failures.iter().take(max_failures) {
            body.push(json!({"type": "TextBlock", "text": f.line(), "wrap": true,
                             "spacing": "None"}));
        }
        if failures.len() > max_failures {
            body.push(json!({"type": "TextBlock", "wrap": true, "isSubtle": true,
                "text": format!("{} ({} more / 他 {} 件)", TRUNCATION_MARKER.trim(),
                    failures.len() - max_failures, failures.len() - max_failures)}));
        }
    }
    if let Some(csv) = notification.attachment() {
        body.push(json!({"type": "TextBlock", "isSubtle": true, "wrap": true,
            "text": format!("失敗CSV (failure CSV): {}", csv.file_name)}));
    }
    json!({
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": CARD_VERSION,
        "body": body,
    })
}

/// The whole webhook payload: a `message` with the card as its attachment,
/// with as many failure rows as fit in [`PAYLOAD_LIMIT_BYTES`].
pub fn payload(notification: &Notification<'_>) -> Value {
    let wrap = |card: Value| {
        json!({"type": "message", "attachments": [{
            "contentType": "application/vnd.microsoft.card.adaptive",
            "contentUrl": null,
            "content": card,
        }]})
    };
    let mut shown = notification.failures().len();
    loop {
        let payload = wrap(adaptive_card(notification, shown));
        let size = serde_json::to_vec(&payload).map_or(0, |v| v.len());
        if size <= PAYLOAD_LIMIT_BYTES || shown == 0 {
            return payload;
        }
        // Drop rows in proportion to the excess, at least one.
        let excess = size - PAYLOAD_LIMIT_BYTES;
        let per_row = (size / (shown + 4)).max(1);
        shown = shown.saturating_sub((excess / per_row).max(1));
    }
}

impl TeamsChannel {
    async fn deliver(&self, notification: &Notification<'_>) -> Result<Delivery, Error> {
        let request = self
            .url
            .request("POST {teams workflow webhook}")
            .json(&payload(notification))?;
        let response = send_waiting_out_rate_limits(
            &self.transport,
            ChannelKind::Teams,
            request,
            retry_after_429("Teams webhook throttling"),
        )
        .await?;
        if !response.status().is_success() {
            return Err(response.into_error().into());
        }
        let mut delivery = Delivery::new(ChannelKind::Teams, None);
        delivery.accepted_only = response.status().as_u16() == 202;
        if notification.attachment().is_some() {
            delivery.attachment = AttachmentOutcome::NotSupported;
        }
        Ok(delivery)
    }
}

impl Channel for TeamsChannel {
    fn kind(&self) -> ChannelKind {
        ChannelKind::Teams
    }

    fn target(&self) -> String {
        "teams workflow webhook".to_owned()
    }

    fn send<'a>(&'a self, notification: &'a Notification<'a>) -> SendFuture<'a> {
        Box::pin(self.deliver(notification))
    }
}
