//! Messages to and from a WowBot of the CallBack type. **Provisional**: the
//! format is in 「WowTalk ボット機能開発者向けドキュメント」, which WowTalk
//! gives only through sales. The field names below are this crate's guess;
//! every field the guess does not name is kept in `extra`.

use serde::{Deserialize, Serialize};

use super::{BotId, MessageId, TalkId, WowTalkUserId};
use crate::Error;
use crate::command::Command;

/// A talk a member sent to the bot, as forwarded to the CallBack URL
/// (provisional field names).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct InboundMessage {
    /// The bot that received the talk.
    #[serde(default)]
    pub bot_id: Option<BotId>,
    /// The sender's WowTalk user ID.
    pub sender_id: WowTalkUserId,
    /// The talk (chat room) it was sent in.
    #[serde(default)]
    pub talk_id: Option<TalkId>,
    /// The message's ID.
    #[serde(default)]
    pub message_id: Option<MessageId>,
    /// The text; absent for a stamp, an image or a file.
    #[serde(default)]
    pub text: Option<String>,
    /// When it was sent, as the server wrote it.
    #[serde(default)]
    pub sent_at: Option<String>,
    /// Every other field, kept as received.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl InboundMessage {
    /// Reads a webhook body.
    ///
    /// # Errors
    /// [`Error::Payload`] when the body is not a JSON object with a
    /// `sender_id`.
    pub fn from_json(body: &[u8]) -> Result<Self, Error> {
        serde_json::from_slice(body).map_err(Error::Payload)
    }

    /// The punch the message asks for, if its text is a command.
    pub fn command(&self) -> Option<Command> {
        self.text.as_deref().and_then(Command::parse)
    }
}

/// A message the bot sends (provisional field names): to a talk, or
/// directly to a user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Reply {
    /// The talk to post in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub talk_id: Option<TalkId>,
    /// The user to write to, when there is no talk.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<WowTalkUserId>,
    /// The text.
    pub text: String,
}

impl Reply {
    /// A reply to `message`: in its talk when it has one, otherwise to its
    /// sender.
    pub fn to(message: &InboundMessage, text: impl Into<String>) -> Self {
        match &message.talk_id {
            Some(talk) => Self::in_talk(talk.clone(), text),
            None => Self::to_user(message.sender_id.clone(), text),
        }
    }

    /// A message in a talk.
    pub fn in_talk(talk_id: impl Into<TalkId>, text: impl Into<String>) -> Self {
        Self {
            talk_id: Some(talk_id.into()),
            user_id: None,
            text: text.into(),
        }
    }

    /// A message to a user.
    pub fn to_user(user_id: impl Into<WowTalkUserId>, text: impl Into<String>) -> Self {
        Self {
            talk_id: None,
            user_id: Some(user_id.into()),
            text: text.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_fields_are_kept_and_written_back() {
        let body = r#"{"sender_id":"0012yamada","talk_id":"t-1","text":"出勤","stamp":null,"meta":{"a":1}}"#;
        let msg = InboundMessage::from_json(body.as_bytes()).unwrap();
        assert_eq!(msg.sender_id.as_str(), "0012yamada");
        assert_eq!(msg.command(), Some(Command::ClockIn));
        assert_eq!(msg.extra.len(), 2);
        assert_eq!(msg.extra["meta"]["a"], 1);
        let again: InboundMessage =
            serde_json::from_value(serde_json::to_value(&msg).unwrap()).unwrap();
        assert_eq!(again, msg);
        assert_eq!(Reply::to(&msg, "ok"), Reply::in_talk("t-1", "ok"));
    }

    #[test]
    fn garbage_and_missing_sender_are_payload_errors() {
        for body in ["", "[]", "{", r#"{"text":"出勤"}"#, "<html>"] {
            let err = InboundMessage::from_json(body.as_bytes()).unwrap_err();
            assert!(matches!(err, Error::Payload(_)), "{body}: {err:?}");
        }
        let stamp = InboundMessage::from_json(br#"{"sender_id":"u"}"#).unwrap();
        assert_eq!(stamp.command(), None);
        assert_eq!(Reply::to(&stamp, "?"), Reply::to_user("u", "?"));
    }
}
