//! Internal macros and lenient deserialisation helpers of the models.

use serde::Deserialize;
use serde::de::Deserializer;

/// Generates an opaque string identifier newtype.
///
/// cyzen owns the format (32 hex characters in every known example, varchar
/// in older tenants), so nothing is validated. On input a JSON integer is
/// accepted too and kept as its decimal string; output is always a string.
macro_rules! id_newtype {
    (
        $(#[$meta:meta])*
        $name:ident
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, ::serde::Serialize)]
        #[serde(transparent)]
        pub struct $name(::std::string::String);

        impl $name {
            /// Wraps a raw value as received from, or to be sent to, cyzen.
            pub fn new(value: impl ::std::convert::Into<::std::string::String>) -> Self {
                $name(value.into())
            }

            /// The raw value.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// Unwraps the raw value.
            pub fn into_inner(self) -> ::std::string::String {
                self.0
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> ::std::result::Result<Self, D::Error> {
                $crate::models::macros::string_or_number(d).map($name)
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.pad(&self.0)
            }
        }

        impl ::std::convert::From<::std::string::String> for $name {
            fn from(value: ::std::string::String) -> Self {
                $name(value)
            }
        }

        impl ::std::convert::From<&str> for $name {
            fn from(value: &str) -> Self {
                $name(value.to_owned())
            }
        }

        impl ::std::convert::From<$name> for ::std::string::String {
            fn from(value: $name) -> Self {
                value.0
            }
        }

        impl ::std::convert::AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl ::std::borrow::Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }
    };
}

pub(crate) use id_newtype;

#[derive(Deserialize)]
#[serde(untagged)]
enum StringOrNumber {
    Text(String),
    Number(serde_json::Number),
}

/// Reads a JSON string, or a number rendered as its decimal string.
pub(crate) fn string_or_number<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(match StringOrNumber::deserialize(d)? {
        StringOrNumber::Text(s) => s,
        StringOrNumber::Number(n) => n.to_string(),
    })
}

/// Reads an optional JSON string or number (as its decimal string).
pub(crate) fn opt_string_or_number<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<String>, D::Error> {
    Ok(Option::<StringOrNumber>::deserialize(d)?.map(|v| match v {
        StringOrNumber::Text(s) => s,
        StringOrNumber::Number(n) => n.to_string(),
    }))
}

#[derive(Deserialize)]
#[serde(untagged)]
enum NumberOrString {
    Number(f64),
    Text(String),
}

/// Reads an optional number that may also arrive as a numeric string
/// (`35.65` or `"35.65"`); `null` and `""` are `None`. Any other string is an
/// error, never a silent `None`.
pub(crate) fn lenient_f64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    match Option::<NumberOrString>::deserialize(d)? {
        None => Ok(None),
        Some(NumberOrString::Number(n)) => Ok(Some(n)),
        Some(NumberOrString::Text(s)) if s.trim().is_empty() => Ok(None),
        Some(NumberOrString::Text(s)) => s
            .trim()
            .parse::<f64>()
            .map(Some)
            .map_err(|_| serde::de::Error::custom(format!("expected a number, got {s:?}"))),
    }
}

#[derive(Deserialize)]
#[serde(untagged)]
enum FlagValue {
    Bool(bool),
    Number(i64),
    Text(String),
}

/// Reads an optional boolean that may arrive as `true`, `1`/`0` or `"1"`/`"0"`.
pub(crate) fn lenient_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    match Option::<FlagValue>::deserialize(d)? {
        None => Ok(None),
        Some(FlagValue::Bool(b)) => Ok(Some(b)),
        Some(FlagValue::Number(0)) => Ok(Some(false)),
        Some(FlagValue::Number(1)) => Ok(Some(true)),
        Some(FlagValue::Text(s)) => match s.trim() {
            "" => Ok(None),
            "0" | "false" => Ok(Some(false)),
            "1" | "true" => Ok(Some(true)),
            other => Err(serde::de::Error::custom(format!(
                "expected a boolean flag, got {other:?}"
            ))),
        },
        Some(FlagValue::Number(n)) => Err(serde::de::Error::custom(format!(
            "expected a boolean flag, got {n}"
        ))),
    }
}
