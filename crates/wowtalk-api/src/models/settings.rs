//! The administrator's settings of the KING OF TIME link: the KOT access
//! token (外部サービス連携 > アクセストークン) and the feature switch
//! 機能カスタマイズ > 全社設定 > サービス機能の利用 > 「KING OF TIME 連携」
//! (許可 / 禁止), with per-role overrides (個人設定).

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::RoleName;
use crate::Error;

/// What WowTalk shows a member whom the administrator has restricted.
pub const RESTRICTED_MESSAGE: &str = "管理者により制限されています";

/// The KOT access token the administrator enters in WowTalk's 「外部サービス
/// 連携」 screen (issued by KOT, sent by e-mail). An opaque secret: it never
/// appears in `Debug`, and there is no `Display`.
#[derive(Clone)]
pub struct KotAccessToken(SecretString);

impl KotAccessToken {
    /// Wraps a token, trimmed of surrounding whitespace (a token pasted from
    /// an e-mail often ends with a newline).
    ///
    /// # Errors
    /// A configuration error when the token is empty or holds whitespace or
    /// control characters inside. The error never contains the token.
    pub fn new(token: impl Into<String>) -> Result<Self, Error> {
        let token = SecretString::from(token.into());
        let trimmed = token.expose_secret().trim();
        if trimmed.is_empty() {
            return Err(Error::config("the KOT access token is empty"));
        }
        if trimmed.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(Error::config(
                "the KOT access token contains whitespace or control characters",
            ));
        }
        Ok(Self(SecretString::from(trimmed.to_owned())))
    }

    /// The token, for a KOT client (`kot_api::Client::builder(token.secret().clone())`).
    pub fn secret(&self) -> &SecretString {
        &self.0
    }
}

impl fmt::Debug for KotAccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("KotAccessToken([REDACTED])")
    }
}

/// A 機能カスタマイズ switch: 「許可」 (allow) or 「禁止」 (deny).
///
/// Serialised as the Japanese label; `許可`/`禁止`, `allow`/`deny` (any case)
/// are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum FeatureSwitch {
    /// 許可.
    Allow,
    /// 禁止. The default: the manual has the administrator turn the link on.
    #[default]
    Deny,
}

impl FeatureSwitch {
    /// `許可` or `禁止`.
    pub fn label_ja(self) -> &'static str {
        match self {
            FeatureSwitch::Allow => "許可",
            FeatureSwitch::Deny => "禁止",
        }
    }

    /// True for [`FeatureSwitch::Allow`].
    pub fn is_allowed(self) -> bool {
        self == FeatureSwitch::Allow
    }
}

impl fmt::Display for FeatureSwitch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.label_ja())
    }
}

/// A value that is neither 許可/allow nor 禁止/deny.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a switch value (許可/禁止, allow/deny)")]
pub struct InvalidSwitch(pub String);

impl FromStr for FeatureSwitch {
    type Err = InvalidSwitch;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        match t.to_ascii_lowercase().as_str() {
            "許可" | "allow" => Ok(FeatureSwitch::Allow),
            "禁止" | "deny" => Ok(FeatureSwitch::Deny),
            _ => Err(InvalidSwitch(t.to_owned())),
        }
    }
}

impl Serialize for FeatureSwitch {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.label_ja())
    }
}

impl<'de> Deserialize<'de> for FeatureSwitch {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        raw.parse().map_err(serde::de::Error::custom)
    }
}

/// The 「KING OF TIME 連携」 switch: company-wide (全社設定), overridden per
/// role (個人設定 by ロール), as WowTalk's 機能カスタマイズ does for its other
/// switches.
///
/// Whether the override is offered for this particular switch is not stated
/// in the manual (provisional); a table without overrides is the plain
/// company-wide switch.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct KotLinkSettings {
    /// 全社設定 > サービス機能の利用 > 「KING OF TIME 連携」.
    pub company_wide: FeatureSwitch,
    /// Per-role settings; a role listed here wins over `company_wide`, in
    /// either direction.
    #[serde(default)]
    pub role_overrides: BTreeMap<RoleName, FeatureSwitch>,
}

impl KotLinkSettings {
    /// The company-wide switch with no role overrides.
    pub fn new(company_wide: FeatureSwitch) -> Self {
        Self {
            company_wide,
            role_overrides: BTreeMap::new(),
        }
    }

    /// Sets the switch for one role (個人設定), replacing any earlier one.
    pub fn with_role(mut self, role: impl Into<RoleName>, switch: FeatureSwitch) -> Self {
        self.role_overrides.insert(role.into(), switch);
        self
    }

    /// The switch in force for a member with `role` (or none): the role's
    /// own setting when it has one, otherwise the company-wide one.
    pub fn effective_for(&self, role: Option<&RoleName>) -> FeatureSwitch {
        role.and_then(|r| self.role_overrides.get(r))
            .copied()
            .unwrap_or(self.company_wide)
    }

    /// Whether a member with `role` (or none) may use the KING OF TIME link.
    pub fn is_allowed_for(&self, role: Option<&RoleName>) -> bool {
        self.effective_for(role).is_allowed()
    }
}

/// Why a member cannot use the KING OF TIME link right now.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KotLinkUnavailable {
    /// No KOT access token is set (外部サービス連携 > アクセストークン).
    #[error("KING OF TIME のアクセストークンが設定されていません (no KOT access token is set)")]
    NoAccessToken,
    /// The switch in force for the member's role is 禁止.
    #[error("{RESTRICTED_MESSAGE} (the KING OF TIME link is denied for this member)")]
    Restricted,
}

/// The administrator's settings of the KING OF TIME link.
#[derive(Clone, Default)]
#[non_exhaustive]
pub struct KotLinkAdmin {
    /// The KOT access token, once set.
    pub access_token: Option<KotAccessToken>,
    /// The 「KING OF TIME 連携」 switch.
    pub switch: KotLinkSettings,
}

impl fmt::Debug for KotLinkAdmin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KotLinkAdmin")
            .field("access_token", &self.access_token)
            .field("switch", &self.switch)
            .finish()
    }
}

impl KotLinkAdmin {
    /// Settings with a token and a switch.
    pub fn new(access_token: Option<KotAccessToken>, switch: KotLinkSettings) -> Self {
        Self {
            access_token,
            switch,
        }
    }

    /// Whether a member with `role` may use the link now: a token is set and
    /// the switch in force for the role is 許可. (Whether the member's IDs
    /// are linked is the [`LinkTable`](crate::idlink::LinkTable)'s question.)
    ///
    /// # Errors
    /// [`KotLinkUnavailable`] saying why not.
    pub fn check(&self, role: Option<&RoleName>) -> Result<(), KotLinkUnavailable> {
        if self.access_token.is_none() {
            return Err(KotLinkUnavailable::NoAccessToken);
        }
        if !self.switch.is_allowed_for(role) {
            return Err(KotLinkUnavailable::Restricted);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn role(r: &str) -> RoleName {
        RoleName::new(r)
    }

    #[test]
    fn the_role_setting_wins_over_the_company_wide_one_in_both_directions() {
        let allow_but_parttime_denied =
            KotLinkSettings::new(FeatureSwitch::Allow).with_role("アルバイト", FeatureSwitch::Deny);
        let deny_but_staff_allowed =
            KotLinkSettings::new(FeatureSwitch::Deny).with_role("正社員", FeatureSwitch::Allow);
        let cases = [
            (&allow_but_parttime_denied, None, true),
            (&allow_but_parttime_denied, Some(role("正社員")), true),
            (&allow_but_parttime_denied, Some(role("アルバイト")), false),
            (&deny_but_staff_allowed, None, false),
            (&deny_but_staff_allowed, Some(role("正社員")), true),
            (&deny_but_staff_allowed, Some(role("アルバイト")), false),
            // Role names are exact: no trimming, no case folding.
            (&deny_but_staff_allowed, Some(role("正社員 ")), false),
        ];
        for (settings, r, allowed) in cases {
            assert_eq!(settings.is_allowed_for(r.as_ref()), allowed, "{r:?}");
        }
        let same_as_company =
            KotLinkSettings::new(FeatureSwitch::Allow).with_role("x", FeatureSwitch::Allow);
        assert!(same_as_company.is_allowed_for(Some(&role("x"))));
    }

    #[test]
    fn the_default_is_denied() {
        assert!(!KotLinkSettings::default().is_allowed_for(None));
        assert_eq!(FeatureSwitch::default(), FeatureSwitch::Deny);
    }

    #[test]
    fn switches_parse_and_serialise_as_japanese_labels() {
        assert_eq!("許可".parse(), Ok(FeatureSwitch::Allow));
        assert_eq!(" Deny ".parse(), Ok(FeatureSwitch::Deny));
        assert!("maybe".parse::<FeatureSwitch>().is_err());
        let s = KotLinkSettings::new(FeatureSwitch::Deny).with_role("正社員", FeatureSwitch::Allow);
        let json = serde_json::to_string(&s).unwrap();
        assert_eq!(
            json,
            r#"{"company_wide":"禁止","role_overrides":{"正社員":"許可"}}"#
        );
        assert_eq!(serde_json::from_str::<KotLinkSettings>(&json).unwrap(), s);
        let minimal: KotLinkSettings = serde_json::from_str(r#"{"company_wide":"allow"}"#).unwrap();
        assert!(minimal.is_allowed_for(Some(&role("any"))));
    }

    #[test]
    fn the_admin_check_needs_a_token_and_the_switch() {
        let token = KotAccessToken::new("110ff0e3083841608f8700c0b006cce4\n").unwrap();
        let on = KotLinkSettings::new(FeatureSwitch::Allow);
        assert_eq!(
            KotLinkAdmin::new(None, on.clone()).check(None),
            Err(KotLinkUnavailable::NoAccessToken)
        );
        assert_eq!(
            KotLinkAdmin::new(Some(token.clone()), on).check(None),
            Ok(())
        );
        let off = KotLinkAdmin::new(Some(token), KotLinkSettings::default());
        let err = off.check(None).unwrap_err();
        assert_eq!(err, KotLinkUnavailable::Restricted);
        assert!(err.to_string().starts_with(RESTRICTED_MESSAGE));
    }

    #[test]
    fn the_token_is_trimmed_validated_and_never_shown() {
        let secret = "wt-kot-token-7f3a91c2e4b8d605";
        let token = KotAccessToken::new(format!("  {secret}\r\n")).unwrap();
        assert_eq!(token.secret().expose_secret(), secret);
        let admin = KotLinkAdmin::new(Some(token.clone()), KotLinkSettings::default());
        for shown in [
            format!("{token:?}"),
            format!("{admin:?}"),
            format!("{admin:#?}"),
        ] {
            assert!(!shown.contains(secret), "{shown}");
            assert!(!shown.contains("7f3a91c2"), "{shown}");
        }
        assert!(format!("{token:?}").contains("REDACTED"));

        let bad = "wt-kot-token with-space-5512";
        let err = KotAccessToken::new(bad).unwrap_err();
        assert!(err.is_config());
        assert!(!err.to_string().contains(bad) && !format!("{err:?}").contains("with-space-5512"));
        assert!(KotAccessToken::new(" \n").unwrap_err().is_config());
    }
}
