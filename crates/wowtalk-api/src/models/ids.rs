//! Identifier newtypes. None is validated beyond what WowTalk's manual
//! says; values are kept exactly as given (leading zeros included).

macro_rules! id_newtype {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord,
            ::serde::Serialize, ::serde::Deserialize,
        )]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// Wraps a raw value, unchanged.
            pub fn new(value: impl Into<String>) -> Self {
                $name(value.into())
            }

            /// The raw value.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// Unwraps the raw value.
            pub fn into_inner(self) -> String {
                self.0
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.pad(&self.0)
            }
        }

        impl From<String> for $name {
            fn from(value: String) -> Self {
                $name(value)
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                $name(value.to_owned())
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> Self {
                value.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
    };
}

id_newtype! {
    /// WowTalk ユーザーID (個人ID, shown as 「ID」 in the member template):
    /// the member's login ID, the key of every member import.
    WowTalkUserId
}

id_newtype! {
    /// WowTalk 法人ID (company ID). For the administrator it is also the
    /// administrator's user ID.
    CompanyId
}

id_newtype! {
    /// A role (ロール) defined under 機能カスタマイズ > 個人設定, by name.
    RoleName
}

id_newtype! {
    /// A bot user's ID (provisional: the bot API is not public).
    BotId
}

id_newtype! {
    /// A talk (chat room) ID (provisional: the bot API is not public).
    TalkId
}

id_newtype! {
    /// A message ID (provisional: the bot API is not public).
    MessageId
}
