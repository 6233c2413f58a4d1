//! E-mail over SMTP (lettre, tokio transport, TLS by rustls with aws-lc-rs
//! and the platform verifier, the same stack as the workspace's reqwest).
//!
//! - [`SmtpSecurity::Tls`]: implicit TLS, port 465 by default.
//! - [`SmtpSecurity::StartTls`]: STARTTLS required, port 587 by default.
//! - [`SmtpSecurity::Plain`]: no TLS, accepted **only for loopback hosts**
//!   (a local relay or a test server), like the HTTP channels' `http`.
//!
//! The subject is the report's title; the body is the plain text; the
//! failure CSV is attached as a file. lettre writes UTF-8 and encodes
//! Japanese subjects (RFC 2047). There is no length limit to enforce.
//!
//! Each send opens its own SMTP connection (lettre's `pool` feature is off:
//! a pooled transport needs a running Tokio runtime when it is built and
//! dropped, which would make building a channel from configuration panic
//! outside one; notifications are too rare to need a pool).

use std::fmt;
use std::net::IpAddr;
use std::time::Duration;

use kot_connect_http::{ExposeSecret, SecretString};
use lettre::message::header::ContentType;
use lettre::message::{Attachment as MailAttachment, Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::channels::{AttachmentOutcome, Channel, Delivery, SendFuture};
use crate::error::{ChannelKind, Error};
use crate::message::Notification;

/// How the SMTP connection is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SmtpSecurity {
    /// Implicit TLS (SMTPS), port 465 by default.
    Tls,
    /// STARTTLS, required; port 587 by default.
    #[default]
    StartTls,
    /// No encryption: only for a relay on loopback.
    Plain,
}

impl SmtpSecurity {
    /// The default port.
    pub fn default_port(self) -> u16 {
        match self {
            SmtpSecurity::Tls => 465,
            SmtpSecurity::StartTls => 587,
            SmtpSecurity::Plain => 25,
        }
    }
}

/// Sends notifications as e-mail.
#[derive(Clone)]
pub struct EmailChannel {
    mailer: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    to: Vec<Mailbox>,
    host: String,
}

impl fmt::Debug for EmailChannel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EmailChannel")
            .field("host", &self.host)
            .field("from", &self.from.to_string())
            .field(
                "to",
                &self.to.iter().map(ToString::to_string).collect::<Vec<_>>(),
            )
            .field("credentials", &"[REDACTED]")
            .finish()
    }
}

/// Builds an [`EmailChannel`].
pub struct EmailChannelBuilder {
    host: String,
    port: Option<u16>,
    security: SmtpSecurity,
    credentials: Option<(String, SecretString)>,
    from: String,
    to: Vec<String>,
    timeout: Duration,
}

impl fmt::Debug for EmailChannelBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EmailChannelBuilder")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("security", &self.security)
            .field("username", &self.credentials.as_ref().map(|(u, _)| u))
            .field("password", &"[REDACTED]")
            .field("from", &self.from)
            .field("to", &self.to)
            .finish()
    }
}

impl EmailChannel {
    /// A builder for the SMTP host, the sender and the recipients
    /// (`"管理者 <admin@example.jp>"` or bare addresses).
    pub fn builder<I, S>(
        host: impl Into<String>,
        from: impl Into<String>,
        to: I,
    ) -> EmailChannelBuilder
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        EmailChannelBuilder {
            host: host.into(),
            port: None,
            security: SmtpSecurity::default(),
            credentials: None,
            from: from.into(),
            to: to.into_iter().map(Into::into).collect(),
            timeout: Duration::from_secs(30),
        }
    }
}

fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

impl EmailChannelBuilder {
    /// Sets the port (default: the security mode's).
    pub fn port(mut self, port: u16) -> Self {
        self.port = Some(port);
        self
    }

    /// Sets the connection security (default [`SmtpSecurity::StartTls`]).
    pub fn security(mut self, security: SmtpSecurity) -> Self {
        self.security = security;
        self
    }

    /// Authenticates with a user name and password.
    pub fn credentials(
        mut self,
        username: impl Into<String>,
        password: impl Into<SecretString>,
    ) -> Self {
        self.credentials = Some((username.into(), password.into()));
        self
    }

    /// Sets the SMTP timeout (default 30 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Builds the channel.
    ///
    /// # Errors
    /// [`Error::EmailMessage`] for an invalid address or no recipient;
    /// [`Error::Config`] for plain SMTP to a non-loopback host;
    /// [`Error::Smtp`] when TLS parameters cannot be built.
    pub fn build(self) -> Result<EmailChannel, Error> {
        let host = self.host.trim().to_owned();
        if host.is_empty() {
            return Err(Error::config("email: the SMTP host is empty"));
        }
        let from: Mailbox = self
            .from
            .parse()
            .map_err(|e| Error::EmailMessage(format!("invalid sender `{}`: {e}", self.from)))?;
        let to = self
            .to
            .iter()
            .map(|t| {
                t.parse::<Mailbox>()
                    .map_err(|e| Error::EmailMessage(format!("invalid recipient `{t}`: {e}")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        if to.is_empty() {
            return Err(Error::EmailMessage("no recipient".to_owned()));
        }
        let builder = match self.security {
            SmtpSecurity::Tls => {
                AsyncSmtpTransport::<Tokio1Executor>::relay(&host).map_err(Error::Smtp)?
            }
            SmtpSecurity::StartTls => {
                AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&host).map_err(Error::Smtp)?
            }
            SmtpSecurity::Plain => {
                if !is_loopback(&host) {
                    return Err(Error::config(format!(
                        "email: plain SMTP (no TLS) is allowed only to loopback, not `{host}`"
                    )));
                }
                AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host.clone())
            }
        };
        let mut builder = builder
            .port(self.port.unwrap_or(self.security.default_port()))
            .timeout(Some(self.timeout));
        if let Some((user, password)) = self.credentials {
            builder =
                builder.credentials(Credentials::new(user, password.expose_secret().to_owned()));
        }
        Ok(EmailChannel {
            mailer: builder.build(),
            from,
            to,
            host,
        })
    }
}

impl EmailChannel {
    /// The e-mail for a notification.
    ///
    /// # Errors
    /// [`Error::EmailMessage`] when the message cannot be built.
    pub fn message(&self, notification: &Notification<'_>) -> Result<Message, Error> {
        let mut builder = Message::builder()
            .from(self.from.clone())
            .subject(notification.report.title());
        for to in &self.to {
            builder = builder.to(to.clone());
        }
        let text = notification.plain_text();
        let result = match notification.attachment() {
            None => builder.singlepart(SinglePart::plain(text)),
            Some(file) => {
                let content_type =
                    ContentType::parse(&file.content_type).unwrap_or(ContentType::TEXT_PLAIN);
                builder.multipart(
                    MultiPart::mixed()
                        .singlepart(SinglePart::plain(text))
                        .singlepart(
                            MailAttachment::new(file.file_name.clone())
                                .body(file.bytes.to_vec(), content_type),
                        ),
                )
            }
        };
        result.map_err(|e| Error::EmailMessage(e.to_string()))
    }

    async fn deliver(&self, notification: &Notification<'_>) -> Result<Delivery, Error> {
        let message = self.message(notification)?;
        let response = self.mailer.send(message).await.map_err(Error::Smtp)?;
        let id = response.message().next().map(ToOwned::to_owned);
        let mut delivery = Delivery::new(ChannelKind::Email, id);
        if let Some(file) = notification.attachment() {
            delivery.attachment = AttachmentOutcome::Sent {
                file_id: file.file_name.clone(),
            };
        }
        Ok(delivery)
    }
}

impl Channel for EmailChannel {
    fn kind(&self) -> ChannelKind {
        ChannelKind::Email
    }

    fn target(&self) -> String {
        format!(
            "email to {} via {}",
            self.to
                .iter()
                .map(|m| m.email.to_string())
                .collect::<Vec<_>>()
                .join(", "),
            self.host
        )
    }

    fn send<'a>(&'a self, notification: &'a Notification<'a>) -> SendFuture<'a> {
        Box::pin(self.deliver(notification))
    }
}
