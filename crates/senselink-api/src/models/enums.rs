//! Forward-compatible integer enums: every documented value has a variant,
//! anything else is kept as `Unknown(i64)` and written back unchanged.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::de;

macro_rules! int_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $wire:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
            /// A value this crate does not know (yet), kept as received.
            Unknown(i64),
        }

        impl $name {
            /// The wire value.
            pub fn code(self) -> i64 {
                match self {
                    $( $name::$variant => $wire, )+
                    $name::Unknown(v) => v,
                }
            }

            /// `true` for the `Unknown` catch-all.
            pub fn is_unknown(self) -> bool {
                matches!(self, $name::Unknown(_))
            }
        }

        impl From<i64> for $name {
            fn from(v: i64) -> Self {
                match v {
                    $( $wire => $name::$variant, )+
                    other => $name::Unknown(other),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&self.code(), f)
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_i64(self.code())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                de::lenient_i64(d).map($name::from)
            }
        }
    };
}

int_enum! {
    /// Who was recognised (`user_type` of a record; the `type` filter).
    pub enum UserType {
        /// 従業員: a registered employee.
        Employee = 1,
        /// ビジター: a registered visitor.
        Visitor = 2,
        /// 未登録人物: a stranger, not registered.
        Stranger = 3,
        /// ブラックリスト: a blacklisted person.
        Blacklist = 5,
    }
}

int_enum! {
    /// How the person was recognised (`entry_mode`).
    pub enum EntryMode {
        /// Face only.
        Face = 1,
        /// QR code.
        QrCode = 2,
        /// IC card.
        Card = 3,
        /// Face and IC card.
        FaceAndCard = 4,
        /// ID card.
        IdCard = 5,
        /// Face and ID card.
        FaceAndIdCard = 6,
    }
}

int_enum! {
    /// The device's direction (`direction`).
    pub enum Direction {
        /// Not set.
        Unset = 0,
        /// Entrance (In).
        In = 1,
        /// Exit (Out).
        Out = 2,
    }
}

int_enum! {
    /// A person's gender (`gender`).
    pub enum Gender {
        /// Female (1).
        Female = 1,
        /// Male (2).
        Male = 2,
    }
}

int_enum! {
    /// The order of a record list (`order`; seen in public client code only).
    pub enum RecordOrder {
        /// By storage time, newest first (0).
        NewestFirst = 0,
        /// By record ID, ascending (1): stable while records are added, the
        /// better order for reading every page.
        IdAscending = 1,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn known_unknown_and_strings() {
        let v: Vec<UserType> = serde_json::from_str(r#"[1, "3", 9]"#).unwrap();
        assert_eq!(
            v,
            vec![UserType::Employee, UserType::Stranger, UserType::Unknown(9)]
        );
        assert_eq!(serde_json::to_string(&v).unwrap(), "[1,3,9]");
        assert!(UserType::Unknown(9).is_unknown());
        assert_eq!(EntryMode::from(4), EntryMode::FaceAndCard);
        assert_eq!(Gender::Male.code(), 2);
    }
}
