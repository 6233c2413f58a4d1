//! The clients of one run, built from a [`Config`] and a secret lookup.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, FixedOffset, Utc};
use kot_connect_http::{Clock, RateLimiter, SecretString};

use crate::{Config, Error};

/// Looks up a secret by the name of its environment variable.
pub type SecretLookup = Arc<dyn Fn(&str) -> Option<String> + Send + Sync>;

/// The process environment as a [`SecretLookup`].
pub fn environment() -> SecretLookup {
    Arc::new(|name: &str| std::env::var(name).ok())
}

/// Everything a command needs: the configuration, where secrets come
/// from, the clock every client and the engine share, and the state
/// directory.
#[derive(Clone)]
pub struct Services {
    config: Config,
    lookup: SecretLookup,
    clock: Arc<dyn Clock>,
    state_dir: PathBuf,
    report_dir: Option<PathBuf>,
}

impl fmt::Debug for Services {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Services")
            .field("state_dir", &self.state_dir)
            .field("clock", &self.clock)
            .finish_non_exhaustive()
    }
}

impl Services {
    /// Services for `config`, reading secrets through `lookup`, on
    /// `clock`, keeping state in `state_dir` (or the config's, or
    /// `./kot-connect-state`).
    pub fn new(
        config: Config,
        lookup: SecretLookup,
        clock: Arc<dyn Clock>,
        state_dir: Option<PathBuf>,
    ) -> Self {
        let state_dir = state_dir
            .or_else(|| config.state_dir.clone())
            .unwrap_or_else(|| PathBuf::from("kot-connect-state"));
        Self {
            config,
            lookup,
            clock,
            state_dir,
            report_dir: None,
        }
    }

    /// Writes failure CSVs to `dir` instead of `<state directory>/reports`.
    pub fn with_report_dir(mut self, dir: PathBuf) -> Self {
        self.report_dir = Some(dir);
        self
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The state directory.
    pub fn state_dir(&self) -> &Path {
        &self.state_dir
    }

    /// The state directory as a store of named files.
    ///
    /// # Errors
    /// [`Error::State`] when the directory cannot be created.
    pub fn state_store(&self) -> Result<kot_connect_core::DirStore, Error> {
        kot_connect_core::DirStore::open(&self.state_dir).map_err(Error::state)
    }

    /// Where failure CSVs are written (default `<state directory>/reports`).
    pub fn report_dir(&self) -> PathBuf {
        self.report_dir
            .clone()
            .unwrap_or_else(|| self.state_dir.join("reports"))
    }

    /// The shared clock.
    pub fn clock(&self) -> Arc<dyn Clock> {
        self.clock.clone()
    }

    /// The current instant, by the shared clock.
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// The current instant in JST.
    pub fn now_jst(&self) -> DateTime<FixedOffset> {
        self.now().with_timezone(&kot_connect_core::time::jst())
    }

    /// The secret in the variable `name`.
    ///
    /// # Errors
    /// [`Error::MissingEnv`] naming the variable when it is unset or empty.
    pub fn secret(&self, name: &str) -> Result<SecretString, Error> {
        (self.lookup)(name)
            .filter(|v| !v.trim().is_empty())
            .map(SecretString::from)
            .ok_or_else(|| Error::MissingEnv(name.to_owned()))
    }

    /// The KOT client.
    ///
    /// # Errors
    /// The token's variable is unset, or the base URL is invalid.
    pub fn kot(&self) -> Result<kot_api::Client, Error> {
        let kot = &self.config.kot;
        let mut builder =
            kot_api::Client::builder(self.secret(&kot.token_env)?).clock(self.clock());
        if let Some(url) = &kot.base_url {
            builder = builder.base_url(url.clone());
        }
        if let Some(rps) = kot.requests_per_second {
            let limiter = RateLimiter::per_second(rps)
                .map_err(|e| Error::Config(format!("[kot] requests_per_second: {e}")))?;
            builder = builder.rate_limit(limiter);
        }
        if let Some(seconds) = kot.timeout_seconds {
            let timeout = std::time::Duration::try_from_secs_f64(seconds)
                .ok()
                .filter(|t| !t.is_zero())
                .ok_or_else(|| {
                    Error::Config(format!(
                        "[kot] timeout_seconds: {seconds} is not a positive number of seconds"
                    ))
                })?;
            builder = builder.attempt_timeout(timeout);
        }
        builder.build().map_err(|e| Error::service("kot", e))
    }

    /// The SenseLink client.
    ///
    /// # Errors
    /// No `[senselink]`, a variable unset, an invalid URL or flavor.
    pub fn senselink(&self) -> Result<senselink_api::Client, Error> {
        let c = self.config.senselink()?;
        let flavor = match &c.flavor {
            None => senselink_api::Flavor::default(),
            Some(raw) => senselink_api::Flavor::parse(raw).ok_or_else(|| {
                Error::Config(format!(
                    "[senselink] flavor `{raw}`: expected `cloud` or `on-premises`"
                ))
            })?,
        };
        let key = self.secret(&c.app_key_env)?;
        let mut builder = senselink_api::Client::builder(
            kot_connect_http::ExposeSecret::expose_secret(&key).to_owned(),
            self.secret(&c.app_secret_env)?,
        )
        .flavor(flavor)
        .clock(self.clock());
        if let Some(url) = &c.base_url {
            builder = builder.base_url(url.clone());
        }
        builder.build().map_err(|e| Error::service("senselink", e))
    }

    /// The cyzen client.
    ///
    /// # Errors
    /// No `[cyzen]`, the token unset, an invalid URL or company id.
    pub fn cyzen(&self) -> Result<cyzen_api::Client, Error> {
        let c = self.config.cyzen()?;
        let mut builder =
            cyzen_api::Client::builder(c.company_id.clone(), self.secret(&c.token_env)?)
                .clock(self.clock());
        if let Some(url) = &c.base_url {
            builder = builder.base_url(url.clone());
        }
        builder.build().map_err(|e| Error::service("cyzen", e))
    }

    /// The MaLion client (provisional wire format).
    ///
    /// # Errors
    /// No `[malion]`, the secret unset, an invalid setting.
    pub fn malion(&self) -> Result<malion_api::Client, Error> {
        let c = self.config.malion()?;
        let settings = malion_api::ConnectionSettings::new(
            &c.host,
            &c.admin_code,
            self.secret(&c.secret_code_env)?,
        )
        .map_err(|e| Error::Config(format!("[malion] {e}")))?;
        let mut builder = malion_api::Client::builder(settings).clock(self.clock());
        if let Some(url) = &c.base_url {
            builder = builder.base_url(url.clone());
        }
        builder.build().map_err(|e| Error::service("malion", e))
    }

    /// The WowTalk bot client (provisional wire format).
    ///
    /// # Errors
    /// No `[wowtalk]`, the token unset, an invalid URL.
    pub fn wowtalk_bot(&self) -> Result<wowtalk_api::BotClient, Error> {
        let c = self.config.wowtalk()?;
        let token = self.secret(&c.bot_token_env)?;
        let mut builder = wowtalk_api::BotClient::builder(
            c.bot_base_url.clone(),
            wowtalk_api::BotAuth::Bearer(token),
        )
        .clock(self.clock());
        if let Some(id) = &c.bot_id {
            builder = builder.bot_id(id.clone());
        }
        builder.build().map_err(|e| Error::service("wowtalk", e))
    }

    /// The notifier of `[notify]`, if any rule is configured.
    ///
    /// # Errors
    /// A rule's secret variable is unset, or a channel is misconfigured.
    pub fn notifier(&self) -> Result<Option<kot_connect_notify::Notifier>, Error> {
        let Some(notify) = &self.config.notify else {
            return Ok(None);
        };
        let lookup = self.lookup.clone();
        let options = kot_connect_notify::ResolveOptions::default().clock(self.clock());
        notify
            .resolve(move |name| lookup(name), &options)
            .map(Some)
            .map_err(|e| Error::service("notify", e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "s3cr3t-kot-token-4711";

    fn services(lookup: SecretLookup) -> Services {
        Services::new(
            Config::default(),
            lookup,
            Arc::new(kot_connect_http::ManualClock::new(
                chrono::DateTime::UNIX_EPOCH,
            )),
            Some(PathBuf::from("state")),
        )
    }

    #[test]
    fn secrets_stay_out_of_debug_and_errors() {
        let s = services(Arc::new(|name: &str| {
            (name == "KOT_ACCESS_TOKEN").then(|| SECRET.to_owned())
        }));
        let kot = s.kot().unwrap();
        assert!(!format!("{s:?}").contains(SECRET));
        assert!(!format!("{kot:?}").contains(SECRET));
        assert!(!format!("{:?}", s.secret("KOT_ACCESS_TOKEN").unwrap()).contains(SECRET));
    }

    #[test]
    fn a_missing_secret_names_its_variable() {
        let s = services(Arc::new(|_: &str| Some("   ".to_owned())));
        let err = s.kot().unwrap_err();
        assert!(
            matches!(&err, Error::MissingEnv(name) if name == "KOT_ACCESS_TOKEN"),
            "{err}"
        );
        let err = s.senselink().unwrap_err().to_string();
        assert!(err.contains("[senselink]"), "{err}");
    }
}
