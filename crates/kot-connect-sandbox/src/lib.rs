//! In-process fakes of every service kot-connect talks to: KING OF TIME,
//! the source systems and the chat tools, each on its own loopback port,
//! stateful, with an injected clock and a believable company.
//!
//! - [`Sandbox::start`] binds one listener per [`Service`] on
//!   `127.0.0.1:0`; [`Sandbox::url`] is what a client is configured with.
//! - The KOT fake ([`KotFake`]) refuses non-exempt calls inside KOT's time
//!   bands (08:30-10:00, 17:30-18:30 JST, by the **sandbox clock**) with
//!   403/104, accepts duplicate punches, answers the flat `303` over its
//!   configured rate, checks the bearer token ([`KOT_TOKEN`]).
//! - The chat fakes check their credentials ([`credentials`]) and record
//!   what they receive ([`Sandbox::notifications`]).
//! - Every service counts its calls by route ([`Sandbox::calls`]) and takes
//!   injected faults ([`Faults`]): a status, a delay before or after the
//!   fake runs, a reset connection, a malformed body, a clock jump (a time
//!   band beginning mid-run) or a page served twice.
//!
//! Nothing reads the machine's clock: the fakes and the clients share a
//! [`SandboxClock`], so a run gives the same result at any hour.
//!
//! # Quickstart
//!
//! ```no_run
//! use std::sync::Arc;
//! use kot_connect_sandbox::{Fault, KOT_TOKEN, Sandbox, SandboxOptions, Service};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let sandbox = Sandbox::start(SandboxOptions::default()).await?;
//!
//! // A real client, pointed at the fake and sharing its clock.
//! let kot = kot_api::Client::builder(KOT_TOKEN)
//!     .base_url(sandbox.url(Service::Kot))
//!     .clock(Arc::new(sandbox.clock().clone()))
//!     .build()?;
//! let employees = kot.employees().list().send().await?;
//! assert_eq!(employees.len(), 69); // 70, less the one who resigned
//!
//! // The next call answers 503; then the calls are counted by route.
//! sandbox.faults().inject(Service::Kot, Fault::Status(503), 1);
//! let _ = kot.divisions().list().await;
//! println!("{} calls to GET /divisions", sandbox.calls().count(Service::Kot, "GET /divisions"));
//!
//! // Move into the 17:30 band: KOT refuses reads, accepts punches.
//! sandbox.clock().advance(chrono::Duration::hours(6) + chrono::Duration::minutes(30));
//! sandbox.shutdown().await;
//! # Ok(())
//! # }
//! ```
#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod chat;
mod clock;
mod company;
pub mod cyzen;
mod faults;
mod kot;
pub mod malion;
pub mod senselink;
mod server;
mod smtp;
pub mod wowtalk;

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};

pub use chat::{Notification, credentials};
pub use clock::SandboxClock;
pub use company::{Company, Outsiders, RESIGNED_CODE, SHARED_PC_CODES, SeedDivision, SeedEmployee};
pub use faults::{CallRecord, Calls, Fault, Faults};
pub use kot::{KOT_RATE_LIMIT_STATUS, KOT_TOKEN, KotFake, StoredPunch, TIME_BAND_MESSAGE};

use crate::faults::{Hub, lock};
use crate::server::Server;

/// A service the sandbox fakes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Service {
    /// KING OF TIME Web API.
    Kot,
    /// SenseLink (SenseTime face recognition).
    SenseLink,
    /// cyzen.
    Cyzen,
    /// MaLion (PC log on/off).
    MaLion,
    /// WowTalk.
    WowTalk,
    /// Slack Web API.
    Slack,
    /// Chatwork API v2.
    Chatwork,
    /// Microsoft Teams Workflows webhook.
    Teams,
    /// Google Chat incoming webhook.
    GoogleChat,
    /// LINE Messaging API.
    Line,
    /// LINE WORKS API 2.0 (and its OAuth token endpoint).
    LineWorks,
    /// An SMTP sink.
    Smtp,
}

impl Service {
    /// Every service, in declaration order.
    pub fn all() -> [Service; 12] {
        [
            Service::Kot,
            Service::SenseLink,
            Service::Cyzen,
            Service::MaLion,
            Service::WowTalk,
            Service::Slack,
            Service::Chatwork,
            Service::Teams,
            Service::GoogleChat,
            Service::Line,
            Service::LineWorks,
            Service::Smtp,
        ]
    }

    /// A short lowercase name (`kot`, `google_chat`, ...).
    pub fn name(self) -> &'static str {
        match self {
            Service::Kot => "kot",
            Service::SenseLink => "senselink",
            Service::Cyzen => "cyzen",
            Service::MaLion => "malion",
            Service::WowTalk => "wowtalk",
            Service::Slack => "slack",
            Service::Chatwork => "chatwork",
            Service::Teams => "teams",
            Service::GoogleChat => "google_chat",
            Service::Line => "line",
            Service::LineWorks => "line_works",
            Service::Smtp => "smtp",
        }
    }
}

impl fmt::Display for Service {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// How to start a [`Sandbox`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct SandboxOptions {
    /// The instant the sandbox clock starts at.
    pub now: DateTime<Utc>,
    /// The seed company.
    pub company: Company,
    /// KOT's request-count limit: at most `.0` requests per `.1` (real
    /// time); `None` for no limit.
    pub kot_rate: Option<(u32, Duration)>,
    /// A delay (real time) before every answer of every service.
    pub latency: Duration,
}

impl Default for SandboxOptions {
    /// 2026-11-20 11:00 JST (a Friday, outside the time bands), the demo
    /// company, no rate limit, no latency.
    fn default() -> Self {
        Self {
            now: Utc
                .with_ymd_and_hms(2026, 11, 20, 2, 0, 0)
                .single()
                .unwrap_or_default(),
            company: Company::demo(),
            kot_rate: None,
            latency: Duration::ZERO,
        }
    }
}

impl SandboxOptions {
    /// Sets the instant the sandbox clock starts at.
    pub fn now(mut self, now: DateTime<Utc>) -> Self {
        self.now = now;
        self
    }

    /// Sets the seed company.
    pub fn company(mut self, company: Company) -> Self {
        self.company = company;
        self
    }

    /// Makes KOT answer the flat `{"code":"303"}` to calls beyond
    /// `requests` per `per` (a sliding window in real time; refused calls
    /// do not count).
    pub fn kot_rate(mut self, requests: u32, per: Duration) -> Self {
        self.kot_rate = Some((requests, per));
        self
    }

    /// Delays every answer of every service by `latency` (real time).
    pub fn latency(mut self, latency: Duration) -> Self {
        self.latency = latency;
        self
    }
}

/// What can go wrong with the sandbox.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SandboxError {
    /// A listener could not be bound on loopback.
    #[error("could not listen on 127.0.0.1 for {service}: {source}")]
    Bind {
        /// The service.
        service: Service,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// No employee has this code.
    #[error("no employee has the code `{0}`")]
    UnknownEmployee(String),
    /// A punch KOT would not accept.
    #[error("invalid punch: {0}")]
    InvalidPunch(String),
}

/// The running fakes. Dropping it stops them; [`shutdown`](Self::shutdown)
/// also waits for them.
pub struct Sandbox {
    clock: SandboxClock,
    company: Company,
    kot: Arc<KotFake>,
    senselink: Arc<SenseLinkFake>,
    cyzen: Arc<CyzenFake>,
    malion: Arc<MaLionFake>,
    wowtalk: Arc<WowTalkFake>,
    hub: Arc<Hub>,
    chat: Arc<chat::ChatHub>,
    urls: HashMap<Service, String>,
    servers: Mutex<Vec<Server>>,
}

impl fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut urls: Vec<_> = self.urls.iter().collect();
        urls.sort();
        f.debug_struct("Sandbox")
            .field("now", &self.clock.now())
            .field("urls", &urls)
            .finish_non_exhaustive()
    }
}

impl Sandbox {
    /// Starts every fake, each on its own `127.0.0.1:0` listener.
    ///
    /// # Errors
    /// [`SandboxError::Bind`] when a loopback port cannot be bound.
    pub async fn start(options: SandboxOptions) -> Result<Sandbox, SandboxError> {
        let clock = SandboxClock::new(options.now);
        let hub = Arc::new(Hub::new(options.latency, clock.clone()));
        let kot = KotFake::new(&options.company, clock.clone(), options.kot_rate);
        let chat = chat::ChatHub::new(clock.clone());
        let senselink = SenseLinkFake::new(&options.company, clock.clone());
        let cyzen = CyzenFake::new(&options.company, clock.clone());
        let malion = MaLionFake::new(&options.company, clock.clone());
        let wowtalk = WowTalkFake::new(&options.company, clock.clone());
        let mut sandbox = Sandbox {
            clock,
            company: options.company,
            kot,
            senselink,
            cyzen,
            malion,
            wowtalk,
            hub,
            chat,
            urls: HashMap::new(),
            servers: Mutex::new(Vec::new()),
        };
        let kot_router = sandbox.kot.router();
        sandbox
            .spawn_at(Service::Kot, kot::BASE_PATH, kot_router)
            .await?;
        let router = sandbox.senselink.router();
        sandbox.spawn(Service::SenseLink, router).await?;
        let router = sandbox.cyzen.router();
        sandbox
            .spawn_at(Service::Cyzen, cyzen::BASE_PATH, router)
            .await?;
        let router = sandbox.malion.router();
        sandbox.spawn(Service::MaLion, router).await?;
        let router = sandbox.wowtalk.router();
        sandbox.spawn(Service::WowTalk, router).await?;
        for service in chat::SERVICES {
            let (listener, addr) = server::bind(service).await?;
            let (base_path, url, router) = chat::serve(service, addr, &sandbox.chat);
            sandbox.urls.insert(service, url);
            let running =
                server::serve_http(service, base_path, listener, router, sandbox.hub.clone());
            lock(&sandbox.servers).push(running);
        }
        let (listener, addr) = server::bind(Service::Smtp).await?;
        let sink = smtp::spawn(listener, sandbox.hub.clone(), sandbox.chat.clone());
        lock(&sandbox.servers).push(sink);
        sandbox.urls.insert(Service::Smtp, addr.to_string());
        Ok(sandbox)
    }

    /// Serves `router` for `service` at the root of a new listener; its URL
    /// is `http://127.0.0.1:PORT`.
    ///
    /// # Errors
    /// [`SandboxError::Bind`] when a loopback port cannot be bound.
    async fn spawn(&mut self, service: Service, router: axum::Router) -> Result<(), SandboxError> {
        self.spawn_at(service, "", router).await
    }

    /// Serves `router` (whose routes start with `base_path`) for `service`;
    /// its URL is `http://127.0.0.1:PORT{base_path}` and its calls are
    /// named below `base_path`.
    async fn spawn_at(
        &mut self,
        service: Service,
        base_path: &'static str,
        router: axum::Router,
    ) -> Result<(), SandboxError> {
        let (listener, addr) = server::bind(service).await?;
        self.urls
            .insert(service, format!("http://{addr}{base_path}"));
        let running = server::serve_http(service, base_path, listener, router, self.hub.clone());
        lock(&self.servers).push(running);
        Ok(())
    }

    /// The URL a client of `service` is configured with:
    ///
    /// | service | shape |
    /// |---|---|
    /// | KOT | `http://127.0.0.1:P/v1.0` |
    /// | Slack | `http://127.0.0.1:P/api` |
    /// | Chatwork | `http://127.0.0.1:P/v2` |
    /// | Teams | the whole Workflows webhook URL, `http://127.0.0.1:P/workflows/.../invoke?...&sig=...` |
    /// | Google Chat | the whole webhook URL, `http://127.0.0.1:P/v1/spaces/.../messages?key=...&token=...` |
    /// | LINE | `http://127.0.0.1:P` |
    /// | LINE WORKS | `http://127.0.0.1:P/v1.0` (OAuth: [`line_works_auth_url`](Self::line_works_auth_url)) |
    /// | SMTP | `127.0.0.1:P` (host and port, plain SMTP, no authentication) |
    ///
    /// A service not served by this build answers
    /// `http://127.0.0.1:1/not-served/{service}`, where nothing listens.
    pub fn url(&self, service: Service) -> String {
        self.urls
            .get(&service)
            .cloned()
            .unwrap_or_else(|| format!("http://127.0.0.1:1/not-served/{service}"))
    }

    /// LINE WORKS' OAuth base URL (`http://127.0.0.1:P/oauth2/v2.0`), the
    /// `line_works_auth` endpoint of kot-connect-notify.
    pub fn line_works_auth_url(&self) -> String {
        self.url(Service::LineWorks)
            .replace("/v1.0", chat::LINE_WORKS_AUTH_PATH)
    }

    /// The SMTP sink's port.
    pub fn smtp_port(&self) -> u16 {
        self.url(Service::Smtp)
            .rsplit(':')
            .next()
            .and_then(|p| p.parse().ok())
            .unwrap_or(0)
    }

    /// The sandbox clock (shared by every fake; pass clones to clients).
    pub fn clock(&self) -> &SandboxClock {
        &self.clock
    }

    /// The seed company.
    pub fn company(&self) -> &Company {
        &self.company
    }

    /// The SenseLink fake.
    pub fn senselink(&self) -> &SenseLinkFake {
        &self.senselink
    }

    /// The cyzen fake.
    pub fn cyzen(&self) -> &CyzenFake {
        &self.cyzen
    }

    /// The MaLion fake (provisional wire format).
    pub fn malion(&self) -> &MaLionFake {
        &self.malion
    }

    /// The WowTalk fake (provisional wire format).
    pub fn wowtalk(&self) -> &WowTalkFake {
        &self.wowtalk
    }

    /// The KOT fake (punches held, hand-made punches).
    pub fn kot(&self) -> &KotFake {
        &self.kot
    }

    /// The fault injector shared by every service.
    pub fn faults(&self) -> &Faults {
        &self.hub.faults
    }

    /// A snapshot of every call received so far.
    pub fn calls(&self) -> Calls {
        self.hub.calls()
    }

    /// What the chat fakes and the SMTP sink received, in arrival order.
    pub fn notifications(&self) -> Vec<Notification> {
        self.chat.notifications()
    }

    /// A kot-connect-notify configuration (TOML) with one rule,
    /// `sandbox`, sending every run to every chat fake and the SMTP sink,
    /// its `[endpoints]` pointing at the sandbox. Its secrets are named by
    /// variable; resolve them with [`notify_secrets`](Self::notify_secrets).
    pub fn notify_toml(&self) -> String {
        chat::notify_toml(self)
    }

    /// The variables [`notify_toml`](Self::notify_toml) names, with the
    /// fake credentials (and webhook URLs) the chat fakes accept.
    pub fn notify_secrets(&self) -> HashMap<String, String> {
        chat::notify_secrets(self)
    }

    /// Stops every fake, waiting briefly for answers in flight.
    pub async fn shutdown(self) {
        let servers = std::mem::take(&mut *lock(&self.servers));
        for server in servers {
            server.stop(Duration::from_secs(2)).await;
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        for server in lock(&self.servers).iter() {
            server.signal();
            server.abort();
        }
    }
}

pub use cyzen::{CyzenCredentials, CyzenFake};
pub use malion::{MaLionCredentials, MaLionFake};
pub use senselink::{SenseLinkCredentials, SenseLinkFake};
pub use wowtalk::{WowTalkCredentials, WowTalkFake};
