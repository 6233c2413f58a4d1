//! Internal macros and lenient deserialisation helpers shared by the model files.
//!
//! Nothing here is public API: the macros generate public types, and the helper
//! functions are only referenced from `#[serde(deserialize_with = ...)]` attributes.

use std::fmt;
use std::marker::PhantomData;
use std::str::FromStr;

use serde::Deserialize;
use serde::de::{self, Deserializer, SeqAccess, Visitor};

/// Generates a forward-compatible string enum.
///
/// Every listed variant maps to one wire string; anything else decodes to
/// `Unknown(String)` and is written back unchanged, so a value introduced by KOT
/// later never makes a response fail to decode. On input a JSON integer is also
/// accepted and treated as its decimal string (bots send `"code": 1`); output is
/// always a JSON string.
///
/// Generated items: the enum (with `Debug, Clone, PartialEq, Eq, Hash`),
/// `as_str()`, `is_unknown()`, `KNOWN`, `Display`, `FromStr` (infallible),
/// `From<&str>`, `From<String>`, `Serialize` and `Deserialize`.
macro_rules! string_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $(
                $(#[$vmeta:meta])*
                $variant:ident = $wire:literal,
            )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        $vis enum $name {
            $(
                $(#[$vmeta])*
                $variant,
            )+
            /// A value this crate does not know (yet), kept exactly as received.
            ///
            /// Build values through `From<&str>` / `str::parse` rather than with
            /// this variant directly, so that known wire strings map to their
            /// named variant.
            Unknown(String),
        }

        impl $name {
            /// All named variants, in declaration order.
            pub const KNOWN: &'static [$name] = &[$($name::$variant),+];

            /// The wire string of this value, e.g. as sent in JSON.
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $wire,)+
                    $name::Unknown(raw) => raw.as_str(),
                }
            }

            /// `true` for the `Unknown` catch-all.
            pub fn is_unknown(&self) -> bool {
                matches!(self, $name::Unknown(_))
            }
        }

        impl ::std::convert::From<&str> for $name {
            fn from(raw: &str) -> Self {
                match raw {
                    $($wire => $name::$variant,)+
                    other => $name::Unknown(other.to_owned()),
                }
            }
        }

        impl ::std::convert::From<::std::string::String> for $name {
            fn from(raw: ::std::string::String) -> Self {
                match raw.as_str() {
                    $($wire => $name::$variant,)+
                    _ => $name::Unknown(raw),
                }
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;

            fn from_str(raw: &str) -> ::std::result::Result<Self, Self::Err> {
                Ok($name::from(raw))
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.pad(self.as_str())
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error>
            where
                S: ::serde::Serializer,
            {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D>(deserializer: D) -> ::std::result::Result<Self, D::Error>
            where
                D: ::serde::Deserializer<'de>,
            {
                $crate::models::macros::string_or_integer(deserializer).map($name::from)
            }
        }
    };
}

/// Generates an opaque string identifier newtype.
///
/// The value is never validated: KOT owns the format. Generated: the struct
/// (`Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord`, transparent serde),
/// `new`, `as_str`, `into_inner`, `Display`, `From<String>`, `From<&str>`,
/// `From<Self> for String`, `AsRef<str>` and `Borrow<str>`.
///
/// The value is stored in a `String`, or in the type given after a colon
/// (`Name: ::compact_str::CompactString`), which must convert from `String`
/// and `&str`, into `String`, and have `as_str`. Equality, ordering and
/// hashing are those of the text in both cases.
macro_rules! id_newtype {
    (
        $(#[$meta:meta])*
        $name:ident
    ) => {
        $crate::models::macros::id_newtype! {
            $(#[$meta])*
            $name: ::std::string::String
        }
    };
    (
        $(#[$meta:meta])*
        $name:ident: $repr:ty
    ) => {
        $(#[$meta])*
        #[derive(
            Debug,
            Clone,
            PartialEq,
            Eq,
            Hash,
            PartialOrd,
            Ord,
            ::serde::Serialize,
            ::serde::Deserialize,
        )]
        #[serde(transparent)]
        pub struct $name($repr);

        impl $name {
            /// Wraps a raw value as received from, or to be sent to, KOT.
            pub fn new(value: impl ::std::convert::Into<::std::string::String>) -> Self {
                $name(<$repr>::from(value.into()))
            }

            /// The raw value.
            #[inline]
            pub fn as_str(&self) -> &str {
                self.0.as_str()
            }

            /// Unwraps the raw value.
            pub fn into_inner(self) -> ::std::string::String {
                ::std::string::String::from(self.0)
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.pad(self.as_str())
            }
        }

        impl ::std::convert::From<::std::string::String> for $name {
            fn from(value: ::std::string::String) -> Self {
                $name(<$repr>::from(value))
            }
        }

        impl ::std::convert::From<&str> for $name {
            fn from(value: &str) -> Self {
                $name(<$repr>::from(value))
            }
        }

        impl ::std::convert::From<$name> for ::std::string::String {
            fn from(value: $name) -> Self {
                ::std::string::String::from(value.0)
            }
        }

        impl ::std::convert::AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }

        impl ::std::borrow::Borrow<str> for $name {
            fn borrow(&self) -> &str {
                self.as_str()
            }
        }
    };
}

pub(crate) use id_newtype;
pub(crate) use string_enum;

/// Reads a JSON string, or an integer rendered as its decimal string.
pub(crate) fn string_or_integer<'de, D>(deserializer: D) -> Result<String, D::Error>
where
    D: Deserializer<'de>,
{
    struct StringOrInteger;

    impl Visitor<'_> for StringOrInteger {
        type Value = String;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string or an integer")
        }

        fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
            Ok(v.to_owned())
        }

        fn visit_string<E: de::Error>(self, v: String) -> Result<String, E> {
            Ok(v)
        }

        fn visit_u64<E: de::Error>(self, v: u64) -> Result<String, E> {
            Ok(v.to_string())
        }

        fn visit_i64<E: de::Error>(self, v: i64) -> Result<String, E> {
            Ok(v.to_string())
        }
    }

    deserializer.deserialize_any(StringOrInteger)
}

/// A value read leniently: see the `Deserialize` impls below.
struct Lenient<T>(T);

impl<'de> Deserialize<'de> for Lenient<String> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        string_or_integer(deserializer).map(Lenient)
    }
}

/// An integer that KOT may send as a JSON number or as a numeric string.
pub(crate) trait LenientInt: Sized + FromStr + TryFrom<u64> + TryFrom<i64> {}
impl LenientInt for i32 {}
impl LenientInt for u32 {}
impl LenientInt for i64 {}

struct LenientIntVisitor<T>(PhantomData<T>);

impl<T: LenientInt> Visitor<'_> for LenientIntVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an integer, or a string holding an integer")
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<T, E> {
        T::try_from(v).map_err(|_| E::invalid_value(de::Unexpected::Unsigned(v), &self))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<T, E> {
        T::try_from(v).map_err(|_| E::invalid_value(de::Unexpected::Signed(v), &self))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<T, E> {
        // `2016.0` is accepted; `2016.5` is not.
        if v.fract() == 0.0 && v.abs() < 9.0e15 {
            let whole = v as i64;
            T::try_from(whole).map_err(|_| E::invalid_value(de::Unexpected::Float(v), &self))
        } else {
            Err(E::invalid_value(de::Unexpected::Float(v), &self))
        }
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        v.trim()
            .parse::<T>()
            .map_err(|_| E::invalid_value(de::Unexpected::Str(v), &self))
    }
}

impl<'de, T: LenientInt> Deserialize<'de> for Lenient<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer
            .deserialize_any(LenientIntVisitor(PhantomData))
            .map(Lenient)
    }
}

/// `deserialize_with` helper: an integer given as a number or a numeric string.
pub(crate) fn lenient_int<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: LenientInt,
{
    Lenient::<T>::deserialize(deserializer).map(|v| v.0)
}

/// `deserialize_with` helper: like [`lenient_int`] for an optional field.
pub(crate) fn lenient_int_opt<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: LenientInt,
{
    Option::<Lenient<T>>::deserialize(deserializer).map(|v| v.map(|l| l.0))
}

/// `deserialize_with` helper: a string, or a number kept as its decimal text.
pub(crate) fn lenient_string<'de, D>(deserializer: D) -> Result<String, D::Error>
where
    D: Deserializer<'de>,
{
    string_or_integer(deserializer)
}

/// `deserialize_with` helper: like [`lenient_string`] for an optional field.
pub(crate) fn lenient_string_opt<'de, D>(deserializer: D) -> Result<Option<String>, D::Error>
where
    D: Deserializer<'de>,
{
    Option::<Lenient<String>>::deserialize(deserializer).map(|v| v.map(|l| l.0))
}

/// `deserialize_with` helper: a single string or an array of strings, as a `Vec`.
///
/// `null` and the empty string give an empty `Vec`.
pub(crate) fn string_or_seq<'de, D>(deserializer: D) -> Result<Vec<String>, D::Error>
where
    D: Deserializer<'de>,
{
    struct StringOrSeq;

    impl<'de> Visitor<'de> for StringOrSeq {
        type Value = Vec<String>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string or an array of strings")
        }

        fn visit_str<E: de::Error>(self, v: &str) -> Result<Vec<String>, E> {
            if v.is_empty() {
                Ok(Vec::new())
            } else {
                Ok(vec![v.to_owned()])
            }
        }

        fn visit_unit<E: de::Error>(self) -> Result<Vec<String>, E> {
            Ok(Vec::new())
        }

        fn visit_none<E: de::Error>(self) -> Result<Vec<String>, E> {
            Ok(Vec::new())
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<String>, A::Error> {
            let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0));
            while let Some(item) = seq.next_element::<String>()? {
                out.push(item);
            }
            Ok(out)
        }
    }

    deserializer.deserialize_any(StringOrSeq)
}

/// Either one item or a list of items (used where KOT's shape is not certain).
#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany<T> {
    Many(Vec<T>),
    One(T),
}

/// `deserialize_with` helper: an array, a single object (wrapped into a `Vec`) or `null`.
pub(crate) fn one_or_many<'de, D, T>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Ok(match Option::<OneOrMany<T>>::deserialize(deserializer)? {
        None => Vec::new(),
        Some(OneOrMany::Many(items)) => items,
        Some(OneOrMany::One(item)) => vec![item],
    })
}
