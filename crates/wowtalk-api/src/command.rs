//! Chat commands a member sends to the bot: 出勤 / 退勤 / 休憩開始 / 休憩終了,
//! and English aliases.
//!
//! Which words WowTalk's own KING OF TIME menu uses is not public; the words
//! below are the manuals' punch names (as in KOT and cyzen) and plain English.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A punch a member asked for in a chat message. `kot-connect-core` maps it
/// to its punch kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Command {
    /// 出勤 (clock in).
    ClockIn,
    /// 退勤 (clock out).
    ClockOut,
    /// 休憩開始 (break start).
    BreakStart,
    /// 休憩終了 (break end).
    BreakEnd,
}

/// Accepted spellings, compared after [`normalize`] and with spaces, `-` and
/// `_` removed.
const WORDS: &[(&str, Command)] = &[
    ("出勤", Command::ClockIn),
    ("clockin", Command::ClockIn),
    ("checkin", Command::ClockIn),
    ("退勤", Command::ClockOut),
    ("clockout", Command::ClockOut),
    ("checkout", Command::ClockOut),
    ("休憩開始", Command::BreakStart),
    ("breakstart", Command::BreakStart),
    ("startbreak", Command::BreakStart),
    ("休憩終了", Command::BreakEnd),
    ("breakend", Command::BreakEnd),
    ("endbreak", Command::BreakEnd),
];

impl Command {
    /// Every command.
    pub const ALL: [Command; 4] = [
        Command::ClockIn,
        Command::ClockOut,
        Command::BreakStart,
        Command::BreakEnd,
    ];

    /// 出勤, 退勤, 休憩開始 or 休憩終了.
    pub fn label_ja(self) -> &'static str {
        match self {
            Command::ClockIn => "出勤",
            Command::ClockOut => "退勤",
            Command::BreakStart => "休憩開始",
            Command::BreakEnd => "休憩終了",
        }
    }

    /// `clock in`, `clock out`, `break start` or `break end`.
    pub fn label_en(self) -> &'static str {
        match self {
            Command::ClockIn => "clock in",
            Command::ClockOut => "clock out",
            Command::BreakStart => "break start",
            Command::BreakEnd => "break end",
        }
    }

    /// Reads a whole chat message as a command, or `None` when it is not one.
    ///
    /// Full-width ASCII (`ｃｌｏｃｋ　ｉｎ`) and full-width spaces are read as
    /// their ASCII forms, case is ignored, spaces, `-` and `_` between words
    /// are optional (`clock-in`, `ClockIn`, `休憩 開始`), a leading `/` and
    /// trailing `.`, `!`, `?`, `。` are ignored. Anything else in the message
    /// (`出勤します`) makes it not a command: a chat is not guessed at.
    pub fn parse(text: &str) -> Option<Command> {
        let normalized = normalize(text);
        let word = normalized
            .trim_start_matches('/')
            .trim_end_matches(['.', '!', '?', '。', '、'])
            .trim();
        let key: String = word
            .chars()
            .filter(|c| !matches!(c, ' ' | '-' | '_'))
            .collect();
        WORDS.iter().find(|(w, _)| *w == key).map(|(_, c)| *c)
    }
}

impl fmt::Display for Command {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.label_ja())
    }
}

/// A message that is not one of the commands.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{0:?} is not a command (出勤, 退勤, 休憩開始, 休憩終了 / clock in, clock out, break start, break end)"
)]
pub struct UnknownCommand(pub String);

impl FromStr for Command {
    type Err = UnknownCommand;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Command::parse(s).ok_or_else(|| UnknownCommand(s.to_owned()))
    }
}

/// Folds full-width ASCII (U+FF01-U+FF5E) to ASCII, every whitespace
/// (including the ideographic space U+3000) to one ASCII space, ASCII to
/// lower case, and trims.
pub(crate) fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    for c in text.chars() {
        let c = match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            c => c,
        };
        if c.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn japanese_and_english_commands() {
        let cases = [
            ("出勤", Some(Command::ClockIn)),
            ("退勤", Some(Command::ClockOut)),
            ("休憩開始", Some(Command::BreakStart)),
            ("休憩終了", Some(Command::BreakEnd)),
            ("clock in", Some(Command::ClockIn)),
            ("Clock-Out", Some(Command::ClockOut)),
            ("CLOCKIN", Some(Command::ClockIn)),
            ("check in", Some(Command::ClockIn)),
            ("break start", Some(Command::BreakStart)),
            ("start break", Some(Command::BreakStart)),
            ("break_end", Some(Command::BreakEnd)),
            ("end break", Some(Command::BreakEnd)),
            // Full-width spaces and full-width ASCII.
            ("\u{3000}出勤\u{3000}", Some(Command::ClockIn)),
            ("休憩\u{3000}開始", Some(Command::BreakStart)),
            ("ｃｌｏｃｋ\u{3000}ｏｕｔ", Some(Command::ClockOut)),
            ("ＢＲＥＡＫ　ＥＮＤ", Some(Command::BreakEnd)),
            ("  clock \t in\n", Some(Command::ClockIn)),
            ("/出勤", Some(Command::ClockIn)),
            ("退勤！", Some(Command::ClockOut)),
            ("出勤。", Some(Command::ClockIn)),
            ("clock out!", Some(Command::ClockOut)),
            // Not commands.
            ("", None),
            ("   ", None),
            ("出勤します", None),
            ("今日は出勤", None),
            ("clock", None),
            ("break", None),
            ("休憩", None),
            ("clock in now", None),
            ("外出", None),
        ];
        for (text, expected) in cases {
            assert_eq!(Command::parse(text), expected, "{text:?}");
        }
    }

    #[test]
    fn labels_parse_back() {
        for c in Command::ALL {
            assert_eq!(Command::parse(c.label_ja()), Some(c));
            assert_eq!(Command::parse(c.label_en()), Some(c));
            assert_eq!(c.to_string(), c.label_ja());
        }
        let err = "hello".parse::<Command>().unwrap_err();
        assert_eq!(err, UnknownCommand("hello".to_owned()));
        assert!(err.to_string().contains("出勤"));
    }

    #[test]
    fn normalize_folds_width_space_and_case() {
        assert_eq!(normalize("\u{3000}ＡＢｃ\u{3000}\u{3000}ｄ１ "), "abc d1");
        assert_eq!(normalize("ユーザー ID"), "ユーザー id");
    }
}
