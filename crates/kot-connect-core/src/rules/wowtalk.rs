//! WowTalk chat commands → KOT punches.
//!
//! A linked member sends a message to the connector's bot; a message whose
//! command the WowTalk client recognised (`wowtalk_api::Command::parse`:
//! 出勤, 退勤, 休憩開始, 休憩終了 and English aliases) becomes a punch at the
//! time it was sent, on the work date of the member's division
//! ([`DayBorders`]). Every other message is ignored with
//! [`Disposition::NotACommand`](super::Disposition::NotACommand). The command words live in one place, the
//! WowTalk crate, so the bot's reply and the punch can never disagree.
//!
//! ```
//! use chrono::TimeZone;
//! use kot_connect_core::rules::wowtalk::{ChatMessage, apply};
//! use kot_connect_core::{DayBorder, EmployeeCode, PunchKind};
//!
//! let sent_at = kot_connect_core::time::jst().with_ymd_and_hms(2026, 11, 21, 8, 58, 0).unwrap();
//! let message = ChatMessage {
//!     message_id: "m1".into(),
//!     employee: EmployeeCode::new("2022"),
//!     sent_at,
//!     command: Some(PunchKind::ClockIn),
//! };
//! let messages = [message];
//! let out = apply(&messages, &DayBorder::MIDNIGHT);
//! assert_eq!(out.to_punches()[0].kind, PunchKind::ClockIn);
//! ```
//!
//! WowTalk's bot message format is not public (see the crate's
//! `## Provisional` section): this module takes a plain [`ChatMessage`] that
//! the WowTalk client fills in.

use std::collections::HashMap;

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use super::{DayBorders, RuleOutput, RuleRecord, Slot};
use crate::EmployeeCode;
use crate::punch::{PunchKind, SourceRef, SourceSystem};
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
    /// The punch command the message holds, as the WowTalk client parsed
    /// it; `None` for ordinary chat.
    pub command: Option<PunchKind>,
}

impl ChatMessage {
    /// This message's reference in the ledger: `wowtalk:<message_id>`.
    pub fn source(&self) -> SourceRef {
        SourceRef::new(SourceSystem::WowTalk, self.message_id.as_str())
    }
}

impl RuleRecord for ChatMessage {
    fn source(&self) -> SourceRef {
        ChatMessage::source(self)
    }

    fn employee(&self) -> &EmployeeCode {
        &self.employee
    }

    /// When it was sent, in JST.
    fn at(&self) -> DateTime<FixedOffset> {
        self.sent_at.with_timezone(&jst())
    }
}

/// Turns received chat messages into punches.
///
/// Every message is accounted for exactly once: as a punch (its
/// [`Punch::source`](crate::Punch::source) is `wowtalk:<message_id>`) or as a [`Disposition`](super::Disposition): a
/// message id delivered twice is kept once (the earliest copy, then the
/// smallest fields, whatever the input order) and the other copies are
/// [`Disposition::Duplicate`](super::Disposition::Duplicate); a text that is not a command is
/// [`Disposition::NotACommand`](super::Disposition::NotACommand).
///
/// Punches are ordered by employee, time, then source. Apart from which
/// copy of a message is kept, the result does not depend on input order.
pub fn apply<'a>(
    messages: &'a [ChatMessage],
    borders: &(impl DayBorders + ?Sized),
) -> RuleOutput<'a, ChatMessage> {
    let mut sorted: Vec<usize> = (0..messages.len()).collect();
    sorted.sort_by(|&a, &b| {
        let (a, b) = (&messages[a], &messages[b]);
        a.message_id
            .cmp(&b.message_id)
            .then(a.sent_at.cmp(&b.sent_at))
            .then_with(|| a.employee.cmp(&b.employee))
            .then_with(|| a.command.cmp(&b.command))
    });

    let mut kept: HashMap<&str, usize> = HashMap::new();
    let mut out = RuleOutput::new(messages, Slot::NotACommand);
    let mut punches = Vec::new();
    for index in sorted {
        let message = &messages[index];
        let first = *kept.entry(message.message_id.as_str()).or_insert(index);
        if first != index {
            out.set_duplicate(index, first);
            continue;
        }
        if let Some(kind) = message.command {
            let work_date = borders
                .border_for(&message.employee)
                .work_date(&message.sent_at);
            punches.push((message, index, kind, work_date));
        }
    }
    punches.sort_by(|(a, ..), (b, ..)| {
        (&a.employee, a.sent_at, &a.message_id).cmp(&(&b.employee, b.sent_at, &b.message_id))
    });
    for (_, index, kind, work_date) in punches {
        out.push_punch(index, kind, work_date);
    }
    out.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    #[allow(unused_imports)]
    use crate::rules::testing::Rows;
    #[allow(unused_imports)]
    use crate::rules::{IgnoreReason, Ignored};
    use crate::time::DayBorder;
    use chrono::{NaiveDate, NaiveTime, TimeDelta, TimeZone};
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    #[test]
    fn messages_become_punches_on_the_members_work_date() {
        let border = DayBorder::new(NaiveTime::from_hms_opt(5, 0, 0).unwrap());
        let sent = jst().with_ymd_and_hms(2024, 4, 2, 1, 30, 0).unwrap();
        let messages = vec![
            ChatMessage {
                message_id: "m2".into(),
                employee: EmployeeCode::new("2022"),
                sent_at: sent,
                command: Some(PunchKind::ClockOut),
            },
            ChatMessage {
                message_id: "m1".into(),
                employee: EmployeeCode::new("2022"),
                sent_at: sent - TimeDelta::minutes(5),
                command: None,
            },
        ];
        let out = apply(&messages, &border).rows();
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
            prop::option::of(prop::sample::select(PunchKind::ALL.to_vec())),
        )
            .prop_map(|(id, code, secs, command)| ChatMessage {
                message_id: format!("m{id}"),
                employee: EmployeeCode::new(code),
                sent_at: jst().with_ymd_and_hms(2024, 4, 1, 0, 0, 0).unwrap()
                    + TimeDelta::seconds(secs),
                command,
            })
    }

    proptest! {
        #[test]
        fn every_message_is_accounted_for_exactly_once(
            messages in prop::collection::vec(arb_message(), 0..30),
        ) {
            let out = apply(&messages, &DayBorder::MIDNIGHT).rows();
            let mut inputs: BTreeMap<String, usize> = BTreeMap::new();
            for m in &messages {
                *inputs.entry(m.message_id.clone()).or_default() += 1;
            }
            let mut outcomes: BTreeMap<String, usize> = BTreeMap::new();
            for p in &out.punches {
                *outcomes.entry(p.source.record_id.to_string()).or_default() += 1;
            }
            prop_assert!(outcomes.values().all(|&n| n == 1), "a message punched twice");
            for i in &out.ignored {
                *outcomes.entry(i.source.record_id.to_string()).or_default() += 1;
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
            let base = apply(&messages, &DayBorder::MIDNIGHT).rows();
            prop_assert_eq!(&base, &apply(&reversed, &DayBorder::MIDNIGHT).rows());
            prop_assert_eq!(&base, &apply(&rotated, &DayBorder::MIDNIGHT).rows());
        }
    }
}
