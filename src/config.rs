//! The configuration file (TOML) for the real services.
//!
//! Secrets never sit in the file: each one is named by the environment
//! variable that holds it (`token_env = "KOT_ACCESS_TOKEN"`), and resolved through a
//! lookup function so that tests and the sandbox need no process
//! environment.

use std::path::{Path, PathBuf};

use kot_connect_core::rules::cyzen::EnabledUsers;
use kot_connect_core::rules::malion::MaLionPolicy;
use kot_connect_core::rules::senselink::SenseLinkMode;
use kot_connect_core::schedule::{Schedule, TargetDay};
use serde::Deserialize;

use crate::Error;

/// The whole file. Every connector section is optional; a command that
/// needs a missing one says which.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Where the ledger, the cached employee list, watermarks and link
    /// tables are kept (default `./kot-connect-state`).
    #[serde(default)]
    pub state_dir: Option<PathBuf>,
    /// KING OF TIME.
    #[serde(default)]
    pub kot: KotConfig,
    /// SenseLink / SenseThunder.
    #[serde(default)]
    pub senselink: Option<SenseLinkConfig>,
    /// cyzen.
    #[serde(default)]
    pub cyzen: Option<CyzenConfig>,
    /// MaLion.
    #[serde(default)]
    pub malion: Option<MaLionConfig>,
    /// WowTalk.
    #[serde(default)]
    pub wowtalk: Option<WowTalkConfig>,
    /// Notifications (rules and channels), as `kot-connect-notify` reads them.
    #[serde(default)]
    pub notify: Option<kot_connect_notify::NotifyConfig>,
    /// Warnings about the file itself (see [`Config::warnings`]).
    #[serde(skip)]
    pub(crate) warnings: Vec<String>,
}

/// `[kot]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KotConfig {
    /// Base URL (default KOT's production API).
    #[serde(default)]
    pub base_url: Option<String>,
    /// The variable holding the access token (default `KOT_ACCESS_TOKEN`, as `kot_api::Client::from_env`).
    #[serde(default = "default_kot_token_env")]
    pub token_env: String,
    /// A client-side limit on requests per second (KOT publishes none).
    #[serde(default)]
    pub requests_per_second: Option<f64>,
    /// How many punches are posted at once (default 1).
    #[serde(default = "default_concurrency")]
    pub concurrency: usize,
    /// The longest wait for one answer of KOT, in seconds (default 30). A
    /// punch whose answer does not come in time is checked against KOT's
    /// records by the next run before it is sent again.
    #[serde(default)]
    pub timeout_seconds: Option<f64>,
}

impl Default for KotConfig {
    fn default() -> Self {
        Self {
            base_url: None,
            token_env: default_kot_token_env(),
            requests_per_second: None,
            concurrency: default_concurrency(),
            timeout_seconds: None,
        }
    }
}

fn default_kot_token_env() -> String {
    "KOT_ACCESS_TOKEN".into()
}

fn default_concurrency() -> usize {
    1
}

/// `[senselink]`: the integration's settings (SenseLinkURL, App キー,
/// App シークレット, 連携項目, 対象データ, schedules).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SenseLinkConfig {
    /// SenseLinkURL (default JCV's cloud).
    #[serde(default)]
    pub base_url: Option<String>,
    /// `cloud` (default) or `on-premises`.
    #[serde(default)]
    pub flavor: Option<String>,
    /// The variable holding the App キー.
    pub app_key_env: String,
    /// The variable holding the App シークレット.
    pub app_secret_env: String,
    /// 連携項目: `clock_in_only` (出勤のみ) or `clock_in_and_out` (default).
    #[serde(default)]
    pub mode: SenseLinkMode,
    /// 対象データ for `attendance` without `--date`: `previous_day`
    /// (前日, default) or `same_day` (当日).
    #[serde(default)]
    pub target: TargetDay,
    /// Schedules for `--schedule`.
    #[serde(default)]
    pub schedule: SenseLinkSchedule,
}

/// `[senselink.schedule]`: when each job runs under `--schedule`, e.g.
/// `attendance = { kind = "daily", hour = 7, target = "previous_day" }`,
/// `employees = { kind = "monthly", day = 1, hour = 6 }` or
/// `{ kind = "manual" }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SenseLinkSchedule {
    /// 社員情報連携 (default: manual).
    #[serde(default = "manual")]
    pub employees: Schedule,
    /// 勤怠連携 (default: daily at 07:00 on the previous day).
    #[serde(default = "daily_seven")]
    pub attendance: Schedule,
}

impl Default for SenseLinkSchedule {
    fn default() -> Self {
        Self {
            employees: manual(),
            attendance: daily_seven(),
        }
    }
}

fn manual() -> Schedule {
    Schedule::Manual
}

fn daily_seven() -> Schedule {
    Schedule::daily(7, TargetDay::PreviousDay).unwrap_or(Schedule::Manual)
}

/// `[cyzen]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CyzenConfig {
    /// Base URL (default cyzen's production API).
    #[serde(default)]
    pub base_url: Option<String>,
    /// The company id cyzen issued.
    pub company_id: String,
    /// The variable holding the access token.
    pub token_env: String,
    /// Who is synced unless `cyzen users enable/disable` said otherwise:
    /// `"all"` (default) or `{ only = ["0021", "0022"] }`.
    #[serde(default)]
    pub enabled: EnabledUsers,
}

/// `[malion]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MaLionConfig {
    /// The relay host (`malioncloudXXXX.intercom.co.jp`).
    pub host: String,
    /// The administrator code.
    pub admin_code: String,
    /// The variable holding the secret code.
    pub secret_code_env: String,
    /// Another base URL (loopback only; for a local relay or the sandbox).
    #[serde(default)]
    pub base_url: Option<String>,
    /// How many days `sync` looks back (default 2: a shutdown's logoff can
    /// arrive the next day).
    #[serde(default = "default_lookback")]
    pub lookback_days: u32,
    /// `logon_logoff` (the manual, default) or `first_last_of_day`.
    #[serde(default)]
    pub policy: MaLionPolicy,
}

fn default_lookback() -> u32 {
    malion_api::DEFAULT_LOOKBACK_DAYS
}

/// `[wowtalk]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WowTalkConfig {
    /// The bot API's base URL.
    pub bot_base_url: String,
    /// The bot's id, when the API needs it in its paths.
    #[serde(default)]
    pub bot_id: Option<String>,
    /// The variable holding the bot's token.
    pub bot_token_env: String,
    /// The variable holding the webhook's shared secret.
    pub webhook_secret_env: String,
    /// The header that carries the webhook secret (default
    /// `X-WowTalk-Webhook-Secret`).
    #[serde(default)]
    pub webhook_secret_header: Option<String>,
    /// Where `bot` listens (default `127.0.0.1:8787`).
    #[serde(default = "default_listen")]
    pub listen: String,
}

fn default_listen() -> String {
    "127.0.0.1:8787".into()
}

impl Config {
    /// Reads and checks a TOML file.
    ///
    /// # Errors
    /// [`Error::Config`] naming the file and, for a syntax or type error,
    /// the line and the key.
    ///
    /// On unix, a file that others may read (group or other read bits) and
    /// that seems to hold a secret (see [`secret_keys`]) gives a warning,
    /// logged with `tracing::warn!` and kept in [`Config::warnings`]. The
    /// warning names the keys, never their values.
    pub fn from_file(path: &Path) -> Result<Self, Error> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| Error::Config(format!("{}: {e}", path.display())))?;
        let mut config = Self::from_toml(&text).map_err(|e| match e {
            Error::Config(message) => Error::Config(format!("{}: {message}", path.display())),
            other => other,
        })?;
        if let Some(warning) = readable_secret_warning(path, &text) {
            tracing::warn!("{warning}");
            config.warnings.push(warning);
        }
        Ok(config)
    }

    /// Warnings about the file (e.g. secrets in a file others can read),
    /// for the program to show. Empty for a text read with
    /// [`Config::from_toml`].
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// Reads a TOML text.
    ///
    /// # Errors
    /// [`Error::Config`] with the parser's message (line, column, key).
    pub fn from_toml(text: &str) -> Result<Self, Error> {
        let config: Config = toml::from_str(text).map_err(|e| Error::Config(e.to_string()))?;
        if config.kot.concurrency == 0 {
            return Err(Error::Config("[kot] concurrency must be at least 1".into()));
        }
        Ok(config)
    }

    /// The `[senselink]` section.
    ///
    /// # Errors
    /// [`Error::Config`] when it is missing.
    pub fn senselink(&self) -> Result<&SenseLinkConfig, Error> {
        self.senselink.as_ref().ok_or_else(|| missing("senselink"))
    }

    /// The `[cyzen]` section.
    ///
    /// # Errors
    /// [`Error::Config`] when it is missing.
    pub fn cyzen(&self) -> Result<&CyzenConfig, Error> {
        self.cyzen.as_ref().ok_or_else(|| missing("cyzen"))
    }

    /// The `[malion]` section.
    ///
    /// # Errors
    /// [`Error::Config`] when it is missing.
    pub fn malion(&self) -> Result<&MaLionConfig, Error> {
        self.malion.as_ref().ok_or_else(|| missing("malion"))
    }

    /// The `[wowtalk]` section.
    ///
    /// # Errors
    /// [`Error::Config`] when it is missing.
    pub fn wowtalk(&self) -> Result<&WowTalkConfig, Error> {
        self.wowtalk.as_ref().ok_or_else(|| missing("wowtalk"))
    }
}

/// The keys (dotted paths) of `text` whose values look like secrets rather
/// than what the file is meant to hold: a `*_env` value that is not an
/// environment variable name (a token pasted in place of the variable's
/// name), or a URL carrying credentials (`user:password@`) or a query
/// (webhook URLs carry their token there). Values are never returned.
pub fn secret_keys(text: &str) -> Vec<String> {
    fn is_env_name(s: &str) -> bool {
        let mut chars = s.chars();
        chars
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
    }
    fn url_with_secret(s: &str) -> bool {
        let Some(rest) = s
            .strip_prefix("https://")
            .or_else(|| s.strip_prefix("http://"))
        else {
            return false;
        };
        let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
        authority.contains('@') || rest.contains('?')
    }
    fn walk(value: &toml::Value, path: &str, key: &str, out: &mut Vec<String>) {
        match value {
            toml::Value::String(s)
                if (key.ends_with("_env") && !is_env_name(s)) || url_with_secret(s) =>
            {
                out.push(path.to_owned());
            }
            toml::Value::Table(table) => {
                for (k, v) in table {
                    let child = if path.is_empty() {
                        k.clone()
                    } else {
                        format!("{path}.{k}")
                    };
                    walk(v, &child, k, out);
                }
            }
            toml::Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    walk(v, &format!("{path}[{i}]"), key, out);
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    if let Ok(value) = text.parse::<toml::Table>() {
        walk(&toml::Value::Table(value), "", "", &mut out);
    }
    out
}

/// The warning for a file holding secrets that group or others may read.
#[cfg(unix)]
fn readable_secret_warning(path: &Path, text: &str) -> Option<String> {
    use std::os::unix::fs::PermissionsExt as _;
    let mode = std::fs::metadata(path).ok()?.permissions().mode();
    if mode & 0o044 == 0 {
        return None;
    }
    let keys = secret_keys(text);
    if keys.is_empty() {
        return None;
    }
    Some(format!(
        "{} is readable by other users (mode {:o}) and seems to hold secrets ({}): \
         restrict it with `chmod 600`, or keep secrets in environment variables",
        path.display(),
        mode & 0o777,
        keys.join(", ")
    ))
}

#[cfg(not(unix))]
fn readable_secret_warning(_path: &Path, _text: &str) -> Option<String> {
    None
}

fn missing(section: &str) -> Error {
    Error::Config(format!("the configuration has no [{section}] section"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const PASTED: &str = "eyJhbGciOiJIUzI1NiJ9.pasted-token-5c1d";

    #[cfg(unix)]
    #[test]
    fn a_readable_file_with_a_secret_warns_without_the_secret() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("kot-connect.toml");
        std::fs::write(&path, format!("[kot]\ntoken_env = \"{PASTED}\"\n")).unwrap();

        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let config = Config::from_file(&path).unwrap();
        assert_eq!(config.warnings().len(), 1, "{:?}", config.warnings());
        let warning = &config.warnings()[0];
        assert!(warning.contains("kot.token_env"), "{warning}");
        assert!(warning.contains("644"), "{warning}");
        assert!(!warning.contains(PASTED), "{warning}");

        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert!(Config::from_file(&path).unwrap().warnings().is_empty());

        // Readable, but only variable names: nothing to warn about.
        std::fs::write(&path, "[kot]\ntoken_env = \"KOT_ACCESS_TOKEN\"\n").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert!(Config::from_file(&path).unwrap().warnings().is_empty());
    }

    #[test]
    fn secret_keys_names_pasted_tokens_and_urls_with_credentials() {
        let text = format!(
            "[kot]\ntoken_env = \"{PASTED}\"\n[cyzen]\ntoken_env = \"CYZEN_TOKEN\"\nbase_url = \"https://u:pw@example.com\"\n[x]\nhook = \"https://chat.example/a?token=t\"\nplain = \"https://example.com/v1\"\n"
        );
        assert_eq!(
            secret_keys(&text),
            ["cyzen.base_url", "kot.token_env", "x.hook"]
        );
    }

    #[test]
    fn a_full_file_reads_back() {
        let config = Config::from_toml(
            r#"
state_dir = "/var/lib/kot-connect"
[kot]
token_env = "MY_KOT_TOKEN"
requests_per_second = 5
concurrency = 4
[senselink]
base_url = "https://link.japancv.co.jp"
app_key_env = "SL_KEY"
app_secret_env = "SL_SECRET"
mode = "clock_in_only"
target = "same_day"
[senselink.schedule]
attendance = { kind = "daily", hour = 22, target = "same_day" }
employees = { kind = "monthly", day = 1, hour = 6 }
[cyzen]
company_id = "C001"
token_env = "CYZEN_TOKEN"
enabled = { only = ["0021", "0022"] }
[malion]
host = "malioncloud0001.intercom.co.jp"
admin_code = "admin01"
secret_code_env = "MALION_SECRET"
lookback_days = 3
[wowtalk]
bot_base_url = "https://bot.wowtalk.example"
bot_token_env = "WT_TOKEN"
webhook_secret_env = "WT_SECRET"
[[notify.rules]]
name = "daily"
events = "every_run"
[[notify.rules.channels]]
type = "slack"
token_env = "SLACK_BOT_TOKEN"
channel = "C0123456789"
"#,
        )
        .unwrap();
        assert_eq!(config.kot.token_env, "MY_KOT_TOKEN");
        assert_eq!(config.kot.concurrency, 4);
        let sl = config.senselink().unwrap();
        assert_eq!(sl.mode, SenseLinkMode::ClockInOnly);
        assert_eq!(sl.target, TargetDay::SameDay);
        assert_eq!(
            sl.schedule.attendance,
            Schedule::daily(22, TargetDay::SameDay).unwrap()
        );
        assert_eq!(sl.schedule.employees, Schedule::monthly(1, 6).unwrap());
        assert!(!config.cyzen().unwrap().enabled.contains(&"0023".into()));
        assert_eq!(config.malion().unwrap().lookback_days, 3);
        assert_eq!(config.wowtalk().unwrap().listen, "127.0.0.1:8787");
        assert_eq!(config.notify.unwrap().rules.len(), 1);
    }

    #[test]
    fn the_sample_file_in_the_readme_is_valid() {
        let config =
            Config::from_toml(include_str!("../examples/kot-connect.example.toml")).unwrap();
        assert!(config.senselink.is_some() && config.cyzen.is_some());
        assert!(config.malion.is_some() && config.wowtalk.is_some());
        assert_eq!(config.notify.unwrap().rules.len(), 2);
    }

    #[test]
    fn defaults_and_missing_sections() {
        let config = Config::from_toml("").unwrap();
        assert_eq!(config.kot.token_env, "KOT_ACCESS_TOKEN");
        assert_eq!(config.kot.concurrency, 1);
        let err = config.malion().unwrap_err().to_string();
        assert!(err.contains("[malion]"), "{err}");
    }

    #[test]
    fn typos_and_bad_values_are_named() {
        let err = Config::from_toml("[kot]\ntoken_evn = \"X\"\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("token_evn"), "{err}");
        let err = Config::from_toml("[kot]\nconcurrency = 0\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("concurrency"), "{err}");
        let err = Config::from_toml(
            "[senselink]\napp_key_env = \"K\"\napp_secret_env = \"S\"\nmode = \"sometimes\"\n",
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("sometimes") || err.contains("mode"), "{err}");
    }
}
