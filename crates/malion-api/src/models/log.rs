//! The PC operation log (操作ログ) as MaLion records it, its identity, and the
//! removal of relay duplicates.

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::fmt;

use chrono::{DateTime, FixedOffset, SecondsFormat, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::datetime;

/// The kind of operation a log records (ログ種別).
///
/// Only [`Logon`](Self::Logon) and [`Logoff`](Self::Logoff) become punches
/// under the manual's rule ([`LogEvent::manual_punch`]). A label this crate
/// does not know is kept verbatim in [`Unknown`](Self::Unknown).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LogEvent {
    /// ログオン (logon).
    Logon,
    /// ログオフ (logoff).
    Logoff,
    /// ロック (lock).
    Lock,
    /// アンロック (unlock).
    Unlock,
    /// ユーザー切替 (user switch).
    UserSwitch,
    /// Any other label, verbatim (e.g. `ユーザー切替(connect)`).
    Unknown(String),
}

impl LogEvent {
    /// Reads a label. The five labels of the manual are matched exactly
    /// (surrounding whitespace ignored); anything else is kept as `Unknown`.
    pub fn from_label(label: &str) -> Self {
        match label.trim() {
            "ログオン" => Self::Logon,
            "ログオフ" => Self::Logoff,
            "ロック" => Self::Lock,
            "アンロック" => Self::Unlock,
            "ユーザー切替" => Self::UserSwitch,
            _ => Self::Unknown(label.to_owned()),
        }
    }

    /// The label as MaLion writes it (`ログオン`, ...), or the unknown label.
    pub fn label(&self) -> &str {
        match self {
            Self::Logon => "ログオン",
            Self::Logoff => "ログオフ",
            Self::Lock => "ロック",
            Self::Unlock => "アンロック",
            Self::UserSwitch => "ユーザー切替",
            Self::Unknown(s) => s,
        }
    }

    /// The punch this event makes under the integration manual's rule:
    /// ログオン → 出勤, ログオフ → 退勤, every other event → none.
    ///
    /// KOT システムログ documents another rule (the first log of the work
    /// day → 出勤, every later log overwrites 退勤); it needs the whole day's
    /// logs and belongs to the sync engine.
    pub fn manual_punch(&self) -> Option<PunchKind> {
        match self {
            Self::Logon => Some(PunchKind::ClockIn),
            Self::Logoff => Some(PunchKind::ClockOut),
            _ => None,
        }
    }
}

impl fmt::Display for LogEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

impl From<&str> for LogEvent {
    fn from(label: &str) -> Self {
        Self::from_label(label)
    }
}

impl Serialize for LogEvent {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.label())
    }
}

impl<'de> Deserialize<'de> for LogEvent {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Self::from_label(&String::deserialize(d)?))
    }
}

/// A punch a log can become.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PunchKind {
    /// 出勤 (clock-in).
    ClockIn,
    /// 退勤 (clock-out).
    ClockOut,
}

impl PunchKind {
    /// The Japanese label: 出勤 or 退勤.
    pub fn label(self) -> &'static str {
        match self {
            Self::ClockIn => "出勤",
            Self::ClockOut => "退勤",
        }
    }
}

/// 出退勤システム連携コード: the value registered on a client PC's 端末エージェント
/// in the MaLion 管理コンソール, marking it as a source of attendance logs.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct AttendanceLinkCode(String);

impl AttendanceLinkCode {
    /// Wraps a code (any value the administrator registered).
    pub fn new(code: impl Into<String>) -> Self {
        Self(code.into())
    }

    /// The code.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// One PC operation log (操作ログ).
///
/// Field names follow MaLion's common log items; the JSON keys of the WebAPI
/// are **provisional** (not public): English snake_case keys are written, and
/// camelCase and MaLion's Japanese labels are read too. Unknown keys are kept
/// in [`extra`](Self::extra).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct OperationLog {
    /// 端末エージェント名 (terminal agent name).
    #[serde(default, alias = "terminalAgentName", alias = "端末エージェント名")]
    pub terminal_agent_name: String,
    /// コンピューター名 (computer name).
    #[serde(default, alias = "computerName", alias = "コンピューター名")]
    pub computer_name: String,
    /// ログオンユーザー名 (logon user name), possibly with a `DOMAIN\` prefix.
    /// `None` when MaLion could not collect it (right after the OS starts);
    /// an empty or blank value is read as `None`.
    #[serde(
        default,
        alias = "logonUserName",
        alias = "ログオンユーザー名",
        alias = "ログオン ユーザー名",
        deserialize_with = "blank_is_none",
        skip_serializing_if = "Option::is_none"
    )]
    pub logon_user_name: Option<String>,
    /// ログ種別 (what happened).
    #[serde(alias = "logType", alias = "log_type", alias = "ログ種別")]
    pub event: LogEvent,
    /// (アクセス、操作)日時: when it happened on the PC.
    #[serde(
        alias = "occurredAt",
        alias = "操作日時",
        alias = "(アクセス、操作)日時",
        with = "datetime::required"
    )]
    pub occurred_at: DateTime<FixedOffset>,
    /// DB登録日時: when MaLionCloud stored it (later than `occurred_at`; for a
    /// logoff at shutdown, often the next day).
    #[serde(
        default,
        alias = "registeredAt",
        alias = "DB登録日時",
        with = "datetime::optional",
        skip_serializing_if = "Option::is_none"
    )]
    pub registered_at: Option<DateTime<FixedOffset>>,
    /// 出退勤システム連携コード of the terminal.
    #[serde(
        default,
        alias = "attendanceLinkCode",
        alias = "出退勤システム連携コード",
        skip_serializing_if = "Option::is_none"
    )]
    pub attendance_link_code: Option<AttendanceLinkCode>,
    /// Keys this crate does not know, kept as sent.
    #[serde(flatten)]
    pub extra: BTreeMap<String, serde_json::Value>,
}

fn blank_is_none<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(Option::<String>::deserialize(d)?.filter(|s| !s.trim().is_empty()))
}

impl OperationLog {
    /// A log with the required fields; the others empty.
    pub fn new(
        terminal_agent_name: impl Into<String>,
        computer_name: impl Into<String>,
        logon_user_name: Option<String>,
        event: LogEvent,
        occurred_at: DateTime<FixedOffset>,
    ) -> Self {
        Self {
            terminal_agent_name: terminal_agent_name.into(),
            computer_name: computer_name.into(),
            logon_user_name: logon_user_name.filter(|s| !s.trim().is_empty()),
            event,
            occurred_at,
            registered_at: None,
            attendance_link_code: None,
            extra: BTreeMap::new(),
        }
    }

    /// Sets `registered_at` (DB登録日時).
    pub fn with_registered_at(mut self, at: DateTime<FixedOffset>) -> Self {
        self.registered_at = Some(at);
        self
    }

    /// Sets the 出退勤システム連携コード.
    pub fn with_attendance_link_code(mut self, code: AttendanceLinkCode) -> Self {
        self.attendance_link_code = Some(code);
        self
    }

    /// The account part of the logon user name (after `DOMAIN\` or
    /// `DOMAIN¥`), as the link CSV's サービスアカウント must hold it; `None`
    /// when the user name is missing. See [`account_name`].
    pub fn account(&self) -> Option<&str> {
        self.logon_user_name.as_deref().map(account_name)
    }

    /// What makes this log the same log when the relay delivers it twice.
    pub fn identity(&self) -> LogIdentity {
        LogIdentity {
            occurred_at: self.occurred_at.with_timezone(&Utc),
            terminal_agent_name: self.terminal_agent_name.clone(),
            computer_name: self.computer_name.clone(),
            logon_user_name: self.logon_user_name.clone(),
            event: self.event.clone(),
        }
    }

    /// A stable identifier of this log, for a punch's source record id.
    pub fn id(&self) -> LogId {
        self.identity().id()
    }
}

/// The account part of a logon user name: what follows the first `\` or `¥`
/// (U+00A5, how Japanese Windows shows the backslash) of a `DOMAIN\user`
/// name; the whole name when there is no domain. Case is kept: the link is
/// case-sensitive.
///
/// ```
/// use malion_api::models::account_name;
/// assert_eq!(account_name(r"CORP\TaroK"), "TaroK");
/// assert_eq!(account_name("CORP¥tarouk"), "tarouk");
/// assert_eq!(account_name("tarouk"), "tarouk");
/// ```
pub fn account_name(logon_user_name: &str) -> &str {
    match logon_user_name.find(['\\', '¥']) {
        Some(i) => {
            let sep = logon_user_name[i..]
                .chars()
                .next()
                .map_or(1, char::len_utf8);
            &logon_user_name[i + sep..]
        }
        None => logon_user_name,
    }
}

/// The identity of a log: the instant it occurred, the terminal agent, the
/// computer, the logon user name and the event. Two logs with the same
/// identity are one log delivered twice by the relay (DB登録日時, the
/// 出退勤システム連携コード and unknown keys are not part of it: a second
/// delivery may be stored at another time).
///
/// The derived order (occurred at, then terminal agent, computer, user with
/// a missing user first, then event) is the stable order of [`dedupe`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LogIdentity {
    /// When it occurred (the instant; the offset does not matter).
    pub occurred_at: DateTime<Utc>,
    /// 端末エージェント名.
    pub terminal_agent_name: String,
    /// コンピューター名.
    pub computer_name: String,
    /// ログオンユーザー名, as sent (with any domain prefix).
    pub logon_user_name: Option<String>,
    /// ログ種別.
    pub event: LogEvent,
}

impl LogIdentity {
    /// The identity as one string: `malion:` then the UTC instant (RFC 3339),
    /// the event label, the terminal agent, the computer and the user name
    /// (empty when missing), separated by `|`, with `%` and `|` inside a
    /// value percent-encoded. Stable across runs and versions, and distinct
    /// for distinct identities.
    pub fn id(&self) -> LogId {
        let mut s = String::from("malion:");
        s.push_str(
            &self
                .occurred_at
                .to_rfc3339_opts(SecondsFormat::AutoSi, true),
        );
        for part in [
            self.event.label(),
            &self.terminal_agent_name,
            &self.computer_name,
            self.logon_user_name.as_deref().unwrap_or(""),
        ] {
            s.push('|');
            for c in part.chars() {
                match c {
                    '%' => s.push_str("%25"),
                    '|' => s.push_str("%7C"),
                    c => s.push(c),
                }
            }
        }
        LogId(s)
    }
}

/// A stable identifier of a log ([`LogIdentity::id`]): use it as the source
/// record id of the punch a log becomes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct LogId(String);

impl LogId {
    /// The identifier.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for LogId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Logs without relay duplicates, in a stable order, and the duplicates
/// that were set aside (never silently dropped).
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct Deduped {
    /// One log per identity, ordered by [`LogIdentity`].
    pub logs: Vec<OperationLog>,
    /// The other copies, in the same order.
    pub duplicates: Vec<OperationLog>,
}

/// Removes relay duplicates (same [`LogIdentity`]) and orders the logs by
/// occurred at, then terminal agent, computer, user and event.
///
/// Of several copies, the one stored first is kept (earliest DB登録日時, a
/// missing one last; then the smallest 出退勤システム連携コード, then the
/// first given). A pure function: the same logs in any order give the same
/// result, except between copies equal in all of these.
pub fn dedupe(logs: impl IntoIterator<Item = OperationLog>) -> Deduped {
    let mut keyed: Vec<(LogIdentity, OperationLog)> =
        logs.into_iter().map(|l| (l.identity(), l)).collect();
    keyed.sort_by(|(ia, a), (ib, b)| {
        ia.cmp(ib)
            .then_with(|| cmp_registered(a.registered_at, b.registered_at))
            .then_with(|| a.attendance_link_code.cmp(&b.attendance_link_code))
    });
    let mut out = Deduped::default();
    let mut last: Option<LogIdentity> = None;
    for (identity, log) in keyed {
        if last.as_ref() == Some(&identity) {
            out.duplicates.push(log);
        } else {
            out.logs.push(log);
            last = Some(identity);
        }
    }
    out
}

/// Earlier first, a missing time last.
fn cmp_registered(a: Option<DateTime<FixedOffset>>, b: Option<DateTime<FixedOffset>>) -> Ordering {
    match (a, b) {
        (Some(a), Some(b)) => a.cmp(&b),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(h: u32, m: u32) -> DateTime<FixedOffset> {
        datetime::jst()
            .with_ymd_and_hms(2026, 11, 21, h, m, 0)
            .unwrap()
    }

    fn log(user: Option<&str>, event: LogEvent, h: u32, m: u32) -> OperationLog {
        OperationLog::new(
            "agent-01",
            "PC-01",
            user.map(str::to_owned),
            event,
            at(h, m),
        )
    }

    #[test]
    fn labels_round_trip_and_unknown_is_kept() {
        for e in [
            LogEvent::Logon,
            LogEvent::Logoff,
            LogEvent::Lock,
            LogEvent::Unlock,
            LogEvent::UserSwitch,
        ] {
            assert_eq!(LogEvent::from_label(e.label()), e);
        }
        let odd = LogEvent::from_label("ユーザー切替(connect)");
        assert_eq!(odd, LogEvent::Unknown("ユーザー切替(connect)".into()));
        assert_eq!(odd.label(), "ユーザー切替(connect)");
        assert_eq!(LogEvent::Logon.manual_punch(), Some(PunchKind::ClockIn));
        assert_eq!(LogEvent::Logoff.manual_punch(), Some(PunchKind::ClockOut));
        assert_eq!(LogEvent::Lock.manual_punch(), None);
        assert_eq!(PunchKind::ClockOut.label(), "退勤");
    }

    #[test]
    fn account_name_strips_only_the_domain_and_keeps_case() {
        assert_eq!(account_name(r"DOMAIN\TaroK"), "TaroK");
        assert_eq!(account_name("DOMAIN¥Tarou.K"), "Tarou.K");
        assert_eq!(account_name(r"D\a\b"), r"a\b");
        assert_eq!(account_name("TaroK"), "TaroK");
        assert_eq!(account_name(r"DOMAIN\"), "");
        let l = log(Some(r"CORP\Hanako"), LogEvent::Logon, 9, 0);
        assert_eq!(l.account(), Some("Hanako"));
        assert_eq!(log(None, LogEvent::Logon, 9, 0).account(), None);
    }

    #[test]
    fn identity_ignores_offset_registration_and_link_code() {
        let a = log(Some("taro"), LogEvent::Logon, 9, 0);
        let mut b = a.clone().with_registered_at(at(9, 5));
        b.occurred_at = a
            .occurred_at
            .with_timezone(&chrono::FixedOffset::east_opt(0).unwrap());
        b.attendance_link_code = Some(AttendanceLinkCode::new("X"));
        assert_eq!(a.identity(), b.identity());
        assert_eq!(a.id(), b.id());
        assert_eq!(
            a.id().as_str(),
            "malion:2026-11-21T00:00:00Z|ログオン|agent-01|PC-01|taro"
        );
        for other in [
            log(Some("Taro"), LogEvent::Logon, 9, 0),
            log(None, LogEvent::Logon, 9, 0),
            log(Some("taro"), LogEvent::Logoff, 9, 0),
            log(Some("taro"), LogEvent::Logon, 9, 1),
        ] {
            assert_ne!(a.id(), other.id());
        }
        // `|` and `%` inside a value cannot forge another identity.
        let x = OperationLog::new("a|b", "c", None, LogEvent::Logon, at(9, 0));
        let y = OperationLog::new("a", "b|c", None, LogEvent::Logon, at(9, 0));
        assert_ne!(x.id(), y.id());
    }

    #[test]
    fn dedupe_keeps_the_first_stored_copy_and_orders_stably() {
        let first = log(Some("taro"), LogEvent::Logon, 9, 0).with_registered_at(at(9, 1));
        let again = log(Some("taro"), LogEvent::Logon, 9, 0).with_registered_at(at(9, 7));
        let later = log(Some("taro"), LogEvent::Logoff, 18, 0);
        let boot = log(None, LogEvent::Logon, 9, 0);
        let input = vec![later.clone(), again.clone(), boot.clone(), first.clone()];
        let out = dedupe(input.clone());
        assert_eq!(out.logs, vec![boot.clone(), first.clone(), later.clone()]);
        assert_eq!(out.duplicates, vec![again.clone()]);
        let mut reversed = input;
        reversed.reverse();
        assert_eq!(dedupe(reversed), out);
        assert_eq!(dedupe(Vec::new()), Deduped::default());
    }

    #[test]
    fn json_with_japanese_or_english_keys_and_extra_fields() {
        let ja = serde_json::json!({
            "端末エージェント名": "agent-01", "コンピューター名": "PC-01",
            "ログオンユーザー名": "", "ログ種別": "ログオン",
            "操作日時": "2026/11/21 09:00:00", "DB登録日時": "2026/11/21 09:01:00",
            "出退勤システム連携コード": "KOT", "防止・禁止": "なし"
        });
        let l: OperationLog = serde_json::from_value(ja).unwrap();
        assert_eq!(l.logon_user_name, None);
        assert_eq!(l.event, LogEvent::Logon);
        assert_eq!(l.occurred_at, at(9, 0));
        assert_eq!(l.registered_at, Some(at(9, 1)));
        assert_eq!(l.attendance_link_code, Some(AttendanceLinkCode::new("KOT")));
        assert_eq!(l.extra["防止・禁止"], "なし");
        let back: OperationLog = serde_json::from_value(serde_json::to_value(&l).unwrap()).unwrap();
        assert_eq!(back, l);
    }
}
