//! Connection settings as the manual names them: 「ホスト名」, 「管理者コード」
//! and 「シークレットコード」 (PC ログイン連携 > 企業情報), validated.

use std::fmt;

use kot_connect_http::{ExposeSecret, SecretString};

/// The domain every MaLionCloud relay host name ends with.
pub const HOST_SUFFIX: &str = ".intercom.co.jp";
/// The first label of a relay host name starts with this.
pub const HOST_PREFIX: &str = "malioncloud";
/// Longest tenant part (`XXXX` in `malioncloudXXXX`) accepted.
const MAX_TENANT_LEN: usize = 32;
/// Longest administrator or secret code accepted.
const MAX_CODE_LEN: usize = 256;

/// A connection setting that is missing or has the wrong form. Nothing was
/// sent. Messages never repeat a secret code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The host name (ホスト名) is empty.
    #[error(
        "the host name (ホスト名) is empty; copy `malioncloudXXXX.intercom.co.jp` from the MaLion 管理コンソール title 「中継サービス : …」"
    )]
    EmptyHostName,
    /// The host name starts with a scheme such as `https://`.
    #[error(
        "the host name (ホスト名) must not include a scheme (`{scheme}://`); enter only `malioncloudXXXX.intercom.co.jp`"
    )]
    HostNameHasScheme {
        /// The scheme that was given, e.g. `https`.
        scheme: String,
    },
    /// The host name holds a path, a query, a port or user information.
    #[error(
        "the host name (ホスト名) `{host}` must be a bare host name, without {part}; enter only `malioncloudXXXX.intercom.co.jp`"
    )]
    HostNameNotBare {
        /// The host name as given.
        host: String,
        /// What should not be there: "a path", "a port", ...
        part: &'static str,
    },
    /// The host name is not of the form `malioncloudXXXX.intercom.co.jp`.
    #[error(
        "the host name (ホスト名) `{host}` is not of the form `malioncloudXXXX.intercom.co.jp` (XXXX: letters and digits)"
    )]
    HostNameWrongForm {
        /// The host name as given.
        host: String,
    },
    /// The administrator code (管理者コード) is empty.
    #[error(
        "the administrator code (管理者コード) is empty; generate it in MaLion 管理コンソール > オプション > MaLion WebAPI 連携設定"
    )]
    EmptyAdminCode,
    /// The administrator code holds whitespace or control characters inside,
    /// or is too long.
    #[error(
        "the administrator code (管理者コード) must be at most {MAX_CODE_LEN} characters without spaces or control characters"
    )]
    InvalidAdminCode,
    /// The secret code (シークレットコード) is empty.
    #[error(
        "the secret code (シークレットコード) is empty; generate it in MaLion 管理コンソール > オプション > MaLion WebAPI 連携設定"
    )]
    EmptySecretCode,
    /// The secret code holds whitespace or control characters inside, or is
    /// too long. The value is never shown.
    #[error(
        "the secret code (シークレットコード) must be at most {MAX_CODE_LEN} characters without spaces or control characters (value not shown)"
    )]
    InvalidSecretCode,
    /// The base-URL override is not a valid URL.
    #[error("the base URL override `{url}` is not a valid absolute URL")]
    InvalidBaseUrl {
        /// The URL as given.
        url: String,
    },
    /// The base-URL override does not point at a loopback address. The
    /// override exists for tests and the sandbox only; production traffic
    /// goes to the validated relay host.
    #[error(
        "the base URL override `{url}` must point at a loopback address (127.0.0.1, ::1 or localhost); it exists for tests and the sandbox"
    )]
    BaseUrlNotLoopback {
        /// The URL as given.
        url: String,
    },
    /// A required environment variable is missing or empty.
    #[error("the environment variable {name} is not set")]
    MissingEnv {
        /// The variable's name.
        name: &'static str,
    },
    /// A provisional wire setting (path, parameter or header name, page size)
    /// is invalid.
    #[error("invalid wire setting: {message}")]
    Wire {
        /// What is wrong.
        message: String,
    },
}

/// The MaLionCloud relay host name (ホスト名), e.g.
/// `malioncloud0001.intercom.co.jp`: validated, lower-cased (host names are
/// case-insensitive), without scheme, port or path.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct HostName(String);

impl HostName {
    /// Validates a host name as shown in the MaLion 管理コンソール title
    /// 「中継サービス : malioncloudXXXX.intercom.co.jp」. Surrounding whitespace
    /// is ignored.
    ///
    /// # Errors
    /// [`ConfigError::EmptyHostName`], [`ConfigError::HostNameHasScheme`],
    /// [`ConfigError::HostNameNotBare`] or [`ConfigError::HostNameWrongForm`].
    pub fn parse(raw: &str) -> Result<Self, ConfigError> {
        let host = raw.trim();
        if host.is_empty() {
            return Err(ConfigError::EmptyHostName);
        }
        if let Some((scheme, _)) = host.split_once("://") {
            return Err(ConfigError::HostNameHasScheme {
                scheme: scheme.to_owned(),
            });
        }
        let not_bare = |part| ConfigError::HostNameNotBare {
            host: host.to_owned(),
            part,
        };
        if host.contains('/') {
            return Err(not_bare("a path"));
        }
        if host.contains('?') || host.contains('#') {
            return Err(not_bare("a query or fragment"));
        }
        if host.contains('@') {
            return Err(not_bare("user information"));
        }
        if host.contains(':') {
            return Err(not_bare("a port"));
        }
        let lower = host.to_ascii_lowercase();
        let tenant = lower
            .strip_suffix(HOST_SUFFIX)
            .and_then(|first| first.strip_prefix(HOST_PREFIX));
        match tenant {
            Some(t)
                if !t.is_empty()
                    && t.len() <= MAX_TENANT_LEN
                    && t.bytes().all(|b| b.is_ascii_alphanumeric()) =>
            {
                Ok(Self(lower))
            }
            _ => Err(ConfigError::HostNameWrongForm {
                host: host.to_owned(),
            }),
        }
    }

    /// The host name.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `https://<host>/`, the provisional base URL of the WebAPI.
    pub fn https_url(&self) -> String {
        format!("https://{}/", self.0)
    }
}

impl fmt::Display for HostName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The administrator code (管理者コード). Not a secret by itself (it names
/// the account), so it is shown in `Debug`; the secret code is not.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AdminCode(String);

impl AdminCode {
    /// Validates an administrator code. Surrounding whitespace is ignored.
    ///
    /// # Errors
    /// [`ConfigError::EmptyAdminCode`] or [`ConfigError::InvalidAdminCode`].
    pub fn parse(raw: &str) -> Result<Self, ConfigError> {
        let code = raw.trim();
        if code.is_empty() {
            return Err(ConfigError::EmptyAdminCode);
        }
        if !is_plain_code(code) {
            return Err(ConfigError::InvalidAdminCode);
        }
        Ok(Self(code.to_owned()))
    }

    /// The code.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn is_plain_code(code: &str) -> bool {
    code.chars().count() <= MAX_CODE_LEN
        && !code.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// Validates a secret code (シークレットコード), returning it trimmed.
fn validate_secret(raw: &SecretString) -> Result<SecretString, ConfigError> {
    let code = raw.expose_secret().trim();
    if code.is_empty() {
        return Err(ConfigError::EmptySecretCode);
    }
    if !is_plain_code(code) {
        return Err(ConfigError::InvalidSecretCode);
    }
    Ok(SecretString::from(code.to_owned()))
}

/// What PC ログイン連携 > 企業情報 asks for: 「ホスト名」, 「管理者コード」,
/// 「シークレットコード」. The secret code never appears in `Debug`.
#[derive(Clone)]
pub struct ConnectionSettings {
    host: HostName,
    admin_code: AdminCode,
    secret_code: SecretString,
}

impl fmt::Debug for ConnectionSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConnectionSettings")
            .field("host", &self.host.as_str())
            .field("admin_code", &self.admin_code.as_str())
            .field("secret_code", &"[REDACTED]")
            .finish()
    }
}

impl ConnectionSettings {
    /// Validates the three settings. Surrounding whitespace (from copy and
    /// paste) is ignored in each.
    ///
    /// # Errors
    /// The first invalid setting, host name first: see [`HostName::parse`],
    /// [`AdminCode::parse`], and [`ConfigError::EmptySecretCode`] /
    /// [`ConfigError::InvalidSecretCode`] for the secret code.
    pub fn new(
        host: &str,
        admin_code: &str,
        secret_code: impl Into<SecretString>,
    ) -> Result<Self, ConfigError> {
        Ok(Self {
            host: HostName::parse(host)?,
            admin_code: AdminCode::parse(admin_code)?,
            secret_code: validate_secret(&secret_code.into())?,
        })
    }

    /// The relay host name.
    pub fn host(&self) -> &HostName {
        &self.host
    }

    /// The administrator code.
    pub fn admin_code(&self) -> &AdminCode {
        &self.admin_code
    }

    /// The secret code (expose it only to put it on a request).
    pub fn secret_code(&self) -> &SecretString {
        &self.secret_code
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_host_names_are_normalised() {
        for (raw, want) in [
            (
                "malioncloud0001.intercom.co.jp",
                "malioncloud0001.intercom.co.jp",
            ),
            (
                "  MaLionCloud12ab.Intercom.co.jp\n",
                "malioncloud12ab.intercom.co.jp",
            ),
        ] {
            assert_eq!(HostName::parse(raw).unwrap().as_str(), want);
        }
        assert_eq!(
            HostName::parse("malioncloud9.intercom.co.jp")
                .unwrap()
                .https_url(),
            "https://malioncloud9.intercom.co.jp/"
        );
    }

    #[test]
    fn each_wrong_host_name_has_its_own_error() {
        use ConfigError as E;
        assert_eq!(HostName::parse(" "), Err(E::EmptyHostName));
        assert_eq!(
            HostName::parse("https://malioncloud1.intercom.co.jp"),
            Err(E::HostNameHasScheme {
                scheme: "https".into()
            })
        );
        for (raw, part) in [
            ("malioncloud1.intercom.co.jp/api", "a path"),
            ("malioncloud1.intercom.co.jp:443", "a port"),
            ("u@malioncloud1.intercom.co.jp", "user information"),
            ("malioncloud1.intercom.co.jp?x=1", "a query or fragment"),
        ] {
            assert!(
                matches!(HostName::parse(raw), Err(E::HostNameNotBare { part: p, .. }) if p == part),
                "{raw}"
            );
        }
        for raw in [
            "malioncloudXXXX.intercom.co.jp.evil.example",
            "malioncloud.intercom.co.jp",
            "malioncloud-1.intercom.co.jp",
            "example.com",
            "malioncloud1.intercom.co.jp.",
            "中継サービス : malioncloud1.intercom.co.jp",
            "xmalioncloud1.intercom.co.jp",
        ] {
            assert!(
                matches!(
                    HostName::parse(raw),
                    Err(E::HostNameWrongForm { .. }) | Err(E::HostNameNotBare { .. })
                ),
                "{raw}: {:?}",
                HostName::parse(raw)
            );
        }
        let err = HostName::parse("example.com").unwrap_err().to_string();
        assert!(err.contains("malioncloudXXXX.intercom.co.jp"), "{err}");
    }

    #[test]
    fn codes_are_validated_and_the_secret_is_never_shown() {
        let secret = "sc-7f3a9e1b2c4d6e8f";
        let s = ConnectionSettings::new(
            "malioncloud1.intercom.co.jp",
            " ADM01 ",
            format!(" {secret}\n"),
        )
        .unwrap();
        assert_eq!(s.admin_code().as_str(), "ADM01");
        assert_eq!(s.secret_code().expose_secret(), secret);
        assert!(!format!("{s:?}").contains(secret));

        let host = "malioncloud1.intercom.co.jp";
        assert_eq!(
            ConnectionSettings::new(host, "", "x").unwrap_err(),
            ConfigError::EmptyAdminCode
        );
        assert_eq!(
            ConnectionSettings::new(host, "a b", "x").unwrap_err(),
            ConfigError::InvalidAdminCode
        );
        assert_eq!(
            ConnectionSettings::new(host, "a", "  ").unwrap_err(),
            ConfigError::EmptySecretCode
        );
        let bad_secret = "sec ret-5512";
        let err = ConnectionSettings::new(host, "a", bad_secret).unwrap_err();
        assert_eq!(err, ConfigError::InvalidSecretCode);
        assert!(!err.to_string().contains(bad_secret) && !format!("{err:?}").contains(bad_secret));
        assert!(!err.to_string().contains("ret-5512"));
    }
}
