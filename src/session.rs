//! Where a command runs: the real services of a configuration file, or
//! the built-in sandbox.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use kot_connect_sandbox::{KOT_TOKEN, Sandbox, SandboxOptions, Service};

use crate::config::{CyzenConfig, KotConfig, MaLionConfig, SenseLinkConfig, WowTalkConfig};
use crate::services::{SecretLookup, environment};
use crate::{Config, Error, Services};

/// The configuration and secrets that point every connector at `sandbox`,
/// with its fake credentials. Every chat tool of the sandbox gets a
/// notification rule, so a run shows what each would receive.
///
/// # Errors
/// [`Error::Sandbox`] if the sandbox's notification settings do not parse.
pub fn sandbox_config(sandbox: &Sandbox) -> Result<(Config, SecretLookup), Error> {
    let mut secrets: HashMap<String, String> = sandbox.notify_secrets();
    secrets.insert("SANDBOX_KOT_TOKEN".into(), KOT_TOKEN.into());
    let senselink = sandbox.senselink().credentials();
    secrets.insert("SANDBOX_SENSELINK_APP_KEY".into(), senselink.app_key);
    secrets.insert("SANDBOX_SENSELINK_APP_SECRET".into(), senselink.app_secret);
    let cyzen = sandbox.cyzen().credentials();
    secrets.insert("SANDBOX_CYZEN_TOKEN".into(), cyzen.token);
    let malion = sandbox.malion().credentials();
    secrets.insert("SANDBOX_MALION_SECRET_CODE".into(), malion.secret_code);
    let wowtalk = sandbox.wowtalk().credentials();
    secrets.insert("SANDBOX_WOWTALK_BOT_TOKEN".into(), wowtalk.bot_token);
    secrets.insert(
        "SANDBOX_WOWTALK_WEBHOOK_SECRET".into(),
        wowtalk.webhook_secret,
    );
    let notify = toml::from_str(&sandbox.notify_toml())
        .map_err(|e| Error::Sandbox(format!("notification settings: {e}")))?;
    let config = Config {
        kot: KotConfig {
            base_url: Some(sandbox.url(Service::Kot)),
            token_env: "SANDBOX_KOT_TOKEN".into(),
            ..KotConfig::default()
        },
        senselink: Some(SenseLinkConfig {
            base_url: Some(sandbox.url(Service::SenseLink)),
            flavor: None,
            app_key_env: "SANDBOX_SENSELINK_APP_KEY".into(),
            app_secret_env: "SANDBOX_SENSELINK_APP_SECRET".into(),
            mode: Default::default(),
            target: Default::default(),
            schedule: Default::default(),
        }),
        cyzen: Some(CyzenConfig {
            base_url: Some(sandbox.url(Service::Cyzen)),
            company_id: cyzen.company_id,
            token_env: "SANDBOX_CYZEN_TOKEN".into(),
            enabled: Default::default(),
        }),
        malion: Some(MaLionConfig {
            host: malion.host,
            admin_code: malion.admin_code,
            secret_code_env: "SANDBOX_MALION_SECRET_CODE".into(),
            base_url: Some(sandbox.url(Service::MaLion)),
            lookback_days: malion_api::DEFAULT_LOOKBACK_DAYS,
            policy: Default::default(),
        }),
        wowtalk: Some(WowTalkConfig {
            bot_base_url: sandbox.url(Service::WowTalk),
            bot_id: Some(wowtalk.bot_id),
            bot_token_env: "SANDBOX_WOWTALK_BOT_TOKEN".into(),
            webhook_secret_env: "SANDBOX_WOWTALK_WEBHOOK_SECRET".into(),
            webhook_secret_header: None,
            listen: "127.0.0.1:0".into(),
        }),
        notify: Some(notify),
        state_dir: None,
        ..Config::default()
    };
    let lookup: SecretLookup = Arc::new(move |name: &str| secrets.get(name).cloned());
    Ok((config, lookup))
}

/// Services for `sandbox`, on its clock, keeping state in `state_dir`.
///
/// # Errors
/// As [`sandbox_config`].
pub fn sandbox_services(sandbox: &Sandbox, state_dir: &Path) -> Result<Services, Error> {
    let (config, lookup) = sandbox_config(sandbox)?;
    Ok(Services::new(
        config,
        lookup,
        Arc::new(sandbox.clock().clone()),
        Some(state_dir.to_path_buf()),
    ))
}

/// A command's surroundings: its services and, in sandbox mode, the
/// sandbox itself and a fresh temporary state directory (a new sandbox
/// starts empty, so yesterday's state would not describe it).
#[derive(Debug)]
pub struct Session {
    /// The services.
    pub services: Services,
    sandbox: Option<Sandbox>,
    _temp: Option<tempfile::TempDir>,
}

impl Session {
    /// With `config`: the real services, secrets from the environment,
    /// the machine's clock. Without: a sandbox started now (its clock at
    /// its fixed default instant) and a temporary state directory unless
    /// `state_dir` is given.
    ///
    /// # Errors
    /// An unreadable or invalid configuration; a sandbox that cannot start.
    pub async fn open(config: Option<&Path>, state_dir: Option<PathBuf>) -> Result<Self, Error> {
        match config {
            Some(path) => {
                let config = Config::from_file(path)?;
                let services = Services::new(
                    config,
                    environment(),
                    Arc::new(kot_connect_http::SystemClock),
                    state_dir,
                );
                Ok(Self {
                    services,
                    sandbox: None,
                    _temp: None,
                })
            }
            None => {
                let sandbox = Sandbox::start(SandboxOptions::default())
                    .await
                    .map_err(|e| Error::Sandbox(e.to_string()))?;
                let (dir, temp, reports) = match state_dir {
                    Some(dir) => (dir, None, None),
                    None => {
                        let temp = tempfile::Builder::new()
                            .prefix("kot-connect-sandbox-")
                            .tempdir()
                            .map_err(|e| Error::io(Path::new("temporary directory"), e))?;
                        // Reports outlive the temporary state.
                        let reports = std::env::temp_dir().join("kot-connect-reports");
                        (temp.path().to_path_buf(), Some(temp), Some(reports))
                    }
                };
                let mut services = sandbox_services(&sandbox, &dir)?;
                if let Some(reports) = reports {
                    services = services.with_report_dir(reports);
                }
                Ok(Self {
                    services,
                    sandbox: Some(sandbox),
                    _temp: temp,
                })
            }
        }
    }

    /// The sandbox, in sandbox mode.
    pub fn sandbox(&self) -> Option<&Sandbox> {
        self.sandbox.as_ref()
    }
}
