//! WowTalk chat commands → KOT punches.
//!
//! A linked member sends a message to the connector's bot; a message that is
//! a punch command becomes a punch at the time it was sent, on the work date
//! of the member's division ([`DayBorders`]). Every other message is ignored
//! with [`IgnoreReason::NotACommand`].
//!
//! The commands ([`parse_command`]), after normalisation:
//!
//! | punch | Japanese | English |
//! |---|---|---|
//! | 出勤 | `出勤` | `clock in`, `clock-in`, `clockin`, `in` |
//! | 退勤 | `退勤` | `clock out`, `clock-out`, `clockout`, `out` |
//! | 休憩開始 | `休憩開始` | `break start`, `break-start`, `break` |
//! | 休憩終了 | `休憩終了` | `break end`, `break-end`, `back` |
//!
//! Normalisation: full-width ASCII (`ｃｌｏｃｋ　ｉｎ`) and the full-width
//! space U+3000 become ASCII; leading and trailing whitespace is trimmed;
//! runs of spaces, `-` and `_` between words count as one space; English is
//! case-insensitive. Nothing else is accepted: `出勤します` or `in!` is not a
//! command, so ordinary chat never punches by accident.
//!
//! ```
//! use kot_connect_core::PunchKind;
//! use kot_connect_core::rules::wowtalk::parse_command;
//!
//! assert_eq!(parse_command("　出勤　"), Some(PunchKind::ClockIn));
//! assert_eq!(parse_command("Clock-Out"), Some(PunchKind::ClockOut));
//! assert_eq!(parse_command("ｂａｃｋ"), Some(PunchKind::BreakEnd));
//! assert_eq!(parse_command("おはようございます"), None);
//! ```
//!
//! WowTalk's bot message format is not public (see the crate's
//! `## Provisional` section): this module takes a plain [`ChatMessage`] that
//! the WowTalk client fills in.

use std::collections::HashSet;

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use super::cyzen::sort_output;
use super::{DayBorders, IgnoreReason, Ignored, RuleOutput};
use crate::EmployeeCode;
use crate::punch::{Punch, PunchKind, SourceRef, SourceSystem};
use crate::time::jst;

/// A chat message received from a linked member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatMessage {
    /// The message's id in WowTalk (stable across deliveries).
    pub message_id: String,
    /// The KOT employee code the sender's WowTalk ID is linked to.
    pub employee: EmployeeCode,
    /// When it was sent (any offset; work dates use JST).
    pub sent_at: DateTime<FixedOffset>,
    /// The text, as typed.
    pub text: String,
}

impl ChatMessage {
    /// This message's reference in the ledger: `wowtalk:<message_id>`.
    pub fn source(&self) -> SourceRef {
        SourceRef::new(SourceSystem::WowTalk, self.message_id.clone())
    }
}

/// The punch a message asks for, or `None` when it is not a command (see the
/// [module documentation](self) for the commands and the normalisation).
pub fn parse_command(text: &str) -> Option<PunchKind> {
    let normalised = normalise(text);
    let kind = match normalised.as_str() {
        "出勤" | "clock in" | "clockin" | "in" => PunchKind::ClockIn,
        "退勤" | "clock out" | "clockout" | "out" => PunchKind::ClockOut,
        "休憩開始" | "break start" | "break" => PunchKind::BreakStart,
        "休憩終了" | "break end" | "back" => PunchKind::BreakEnd,
        _ => return None,
    };
    Some(kind)
}

/// Full-width ASCII to ASCII, ASCII lowercase, words joined by one space.
fn normalise(text: &str) -> String {
    let folded: String = text
        .chars()
        .map(|c| match c {
            '\u{3000}' => ' ',
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .map(|c| if c == '-' || c == '_' { ' ' } else { c })
        .collect::<String>()
        .to_ascii_lowercase();
    folded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Turns received chat messages into punches.
///
/// Every message is accounted for exactly once: as a punch (its
/// [`Punch::source`] is `wowtalk:<message_id>`) or in
/// [`RuleOutput::ignored`]: a message id delivered twice is kept once (the
/// earliest copy, then the smallest fields, whatever the input order) and
/// the other copies are [`IgnoreReason::Duplicate`]; a text that is not a
/// command is [`IgnoreReason::NotACommand`].
///
/// Punches are ordered by employee, time, then source; ignored messages by
/// source, then employee. The result does not depend on input order.
pub fn apply(messages: &[ChatMessage], borders: &impl DayBorders) -> RuleOutput {
    let mut sorted: Vec<&ChatMessage> = messages.iter().collect();
    sorted.sort_by(|a, b| {
        a.message_id
            .cmp(&b.message_id)
            .then(a.sent_at.cmp(&b.sent_at))
            .then_with(|| a.employee.cmp(&b.employee))
            .then_with(|| a.text.cmp(&b.text))
    });

    let mut seen: HashSet<&str> = HashSet::new();
    let mut out = RuleOutput::default();
    for message in sorted {
        let source = message.source();
        let outcome = if !seen.insert(message.message_id.as_str()) {
            Err(IgnoreReason::Duplicate {
                kept: source.clone(),
            })
        } else {
            parse_command(&message.text).ok_or(IgnoreReason::NotACommand)
        };
        match outcome {
            Ok(kind) => out.punches.push(Punch {
                employee: message.employee.clone(),
                key: None,
                kind,
                at: message.sent_at.with_timezone(&jst()),
                work_date: borders
                    .border_for(&message.employee)
                    .work_date(&message.sent_at),
                source,
                location: None,
            }),
            Err(reason) => out.ignored.push(Ignored {
                source,
                employee: message.employee.clone(),
                reason,
            }),
        }
    }
    sort_output(&mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::DayBorder;
    use chrono::{NaiveDate, NaiveTime, TimeDelta, TimeZone};
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    #[test]
    fn japanese_commands() {
        assert_eq!(parse_command("出勤"), Some(PunchKind::ClockIn));
        assert_eq!(parse_command("退勤"), Some(PunchKind::ClockOut));
        assert_eq!(parse_command("休憩開始"), Some(PunchKind::BreakStart));
        assert_eq!(parse_command("休憩終了"), Some(PunchKind::BreakEnd));
        assert_eq!(parse_command("　出勤　\n"), Some(PunchKind::ClockIn));
    }

    #[test]
    fn english_aliases_in_any_case_and_width() {
        for text in [
            "clock in",
            "clock-in",
            "Clock In",
            "CLOCK_IN",
            "clockin",
            "in",
            " IN ",
            "ｃｌｏｃｋ　ｉｎ",
            "Ｉｎ",
            "clock  -  in",
        ] {
            assert_eq!(parse_command(text), Some(PunchKind::ClockIn), "{text:?}");
        }
        for text in ["clock out", "clock-out", "Out", "ＯＵＴ"] {
            assert_eq!(parse_command(text), Some(PunchKind::ClockOut), "{text:?}");
        }
        for text in ["break start", "break-start", "break", "BREAK"] {
            assert_eq!(parse_command(text), Some(PunchKind::BreakStart), "{text:?}");
        }
        for text in ["break end", "break-end", "back", "Back"] {
            assert_eq!(parse_command(text), Some(PunchKind::BreakEnd), "{text:?}");
        }
    }

    #[test]
    fn anything_else_is_not_a_command() {
        for text in [
            "",
            "   ",
            "出勤します",
            "おはようございます",
            "in!",
            "i n",
            "clock",
            "checkin",
            "休憩",
            "戻り",
            "log in",
            "in out",
        ] {
            assert_eq!(parse_command(text), None, "{text:?}");
        }
    }

    #[test]
    fn messages_become_punches_on_the_members_work_date() {
        let border = DayBorder::new(NaiveTime::from_hms_opt(5, 0, 0).unwrap());
        let sent = jst().with_ymd_and_hms(2024, 4, 2, 1, 30, 0).unwrap();
        let messages = vec![
            ChatMessage {
                message_id: "m2".into(),
                employee: EmployeeCode::new("2022"),
                sent_at: sent,
                text: "退勤".into(),
            },
            ChatMessage {
                message_id: "m1".into(),
                employee: EmployeeCode::new("2022"),
                sent_at: sent - TimeDelta::minutes(5),
                text: "お疲れさまです".into(),
            },
        ];
        let out = apply(&messages, &border);
        assert_eq!(out.punches.len(), 1);
        let punch = &out.punches[0];
        assert_eq!(punch.kind, PunchKind::ClockOut);
        assert_eq!(punch.at, sent);
        assert_eq!(
            punch.work_date,
            NaiveDate::from_ymd_opt(2024, 4, 1).unwrap()
        );
        assert_eq!(punch.source.to_string(), "wowtalk:m2");
        assert_eq!(
            out.ignored,
            vec![Ignored {
                source: SourceRef::new(SourceSystem::WowTalk, "m1"),
                employee: EmployeeCode::new("2022"),
                reason: IgnoreReason::NotACommand,
            }]
        );
    }

    fn arb_message() -> impl Strategy<Value = ChatMessage> {
        (
            0u8..10,
            prop::sample::select(vec!["1", "2"]),
            0i64..200_000,
            prop::sample::select(vec![
                "出勤",
                "out",
                "ＢＲＥＡＫ",
                "back",
                "hello",
                "",
                "休憩",
            ]),
        )
            .prop_map(|(id, code, secs, text)| ChatMessage {
                message_id: format!("m{id}"),
                employee: EmployeeCode::new(code),
                sent_at: jst().with_ymd_and_hms(2024, 4, 1, 0, 0, 0).unwrap()
                    + TimeDelta::seconds(secs),
                text: text.into(),
            })
    }

    proptest! {
        #[test]
        fn every_message_is_accounted_for_exactly_once(
            messages in prop::collection::vec(arb_message(), 0..30),
        ) {
            let out = apply(&messages, &DayBorder::MIDNIGHT);
            let mut inputs: BTreeMap<String, usize> = BTreeMap::new();
            for m in &messages {
                *inputs.entry(m.message_id.clone()).or_default() += 1;
            }
            let mut outcomes: BTreeMap<String, usize> = BTreeMap::new();
            for p in &out.punches {
                *outcomes.entry(p.source.record_id.clone()).or_default() += 1;
            }
            prop_assert!(outcomes.values().all(|&n| n == 1), "a message punched twice");
            for i in &out.ignored {
                *outcomes.entry(i.source.record_id.clone()).or_default() += 1;
            }
            prop_assert_eq!(inputs, outcomes);
        }

        #[test]
        fn input_order_does_not_matter(
            messages in prop::collection::vec(arb_message(), 0..30),
        ) {
            let mut reversed = messages.clone();
            reversed.reverse();
            let mut rotated = messages.clone();
            if !rotated.is_empty() {
                rotated.rotate_left(messages.len() / 2);
            }
            let base = apply(&messages, &DayBorder::MIDNIGHT);
            prop_assert_eq!(&base, &apply(&reversed, &DayBorder::MIDNIGHT));
            prop_assert_eq!(&base, &apply(&rotated, &DayBorder::MIDNIGHT));
        }

        #[test]
        fn arbitrary_text_never_panics_and_commands_survive_padding(
            text in ".{0,20}",
            pad in prop::sample::select(vec!["", " ", "\u{3000}", "\t", "\n"]),
        ) {
            let _ = parse_command(&text);
            prop_assert_eq!(parse_command(&format!("{pad}出勤{pad}")), Some(PunchKind::ClockIn));
        }
    }
}
