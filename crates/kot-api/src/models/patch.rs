//! Tri-state fields for partial updates.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// One field of a partial update body (e.g. `PUT /employees/{employeeKey}`).
///
/// KOT updates only the items present in the body, and sets an item that is
/// present but `null` or empty to NULL. So a field has three states:
///
/// | variant | JSON | effect on KOT |
/// |---|---|---|
/// | [`Patch::Keep`] (default) | field absent | unchanged |
/// | [`Patch::Clear`] | `null` | set to NULL |
/// | [`Patch::Set`] | the value | set |
///
/// A struct field of this type must carry
/// `#[serde(default, skip_serializing_if = "Patch::is_keep")]`; serializing a
/// `Keep` that was not skipped is an error rather than a `null`, so a missing
/// attribute can never wipe data.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub enum Patch<T> {
    /// Leave the item as it is (the field is left out of the JSON body).
    #[default]
    Keep,
    /// Set the item to NULL (the field is sent as `null`).
    Clear,
    /// Set the item to this value.
    Set(T),
}

impl<T> Patch<T> {
    /// `true` for [`Patch::Keep`]; used by `skip_serializing_if`.
    pub fn is_keep(&self) -> bool {
        matches!(self, Patch::Keep)
    }

    /// `true` for [`Patch::Clear`].
    pub fn is_clear(&self) -> bool {
        matches!(self, Patch::Clear)
    }

    /// `true` for [`Patch::Set`].
    pub fn is_set(&self) -> bool {
        matches!(self, Patch::Set(_))
    }

    /// The value of a [`Patch::Set`].
    pub fn as_set(&self) -> Option<&T> {
        match self {
            Patch::Set(value) => Some(value),
            Patch::Keep | Patch::Clear => None,
        }
    }

    /// `Some(v)` becomes `Set(v)`, `None` becomes `Clear`.
    pub fn set_or_clear(value: Option<T>) -> Self {
        match value {
            Some(value) => Patch::Set(value),
            None => Patch::Clear,
        }
    }

    /// Maps the value of a [`Patch::Set`].
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Patch<U> {
        match self {
            Patch::Keep => Patch::Keep,
            Patch::Clear => Patch::Clear,
            Patch::Set(value) => Patch::Set(f(value)),
        }
    }
}

impl<T> From<T> for Patch<T> {
    fn from(value: T) -> Self {
        Patch::Set(value)
    }
}

impl<T: Serialize> Serialize for Patch<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Patch::Set(value) => value.serialize(serializer),
            Patch::Clear => serializer.serialize_none(),
            Patch::Keep => Err(serde::ser::Error::custom(
                "Patch::Keep must be skipped: add #[serde(skip_serializing_if = \"Patch::is_keep\")]",
            )),
        }
    }
}

/// Reads `null` as [`Patch::Clear`] and a value as [`Patch::Set`]; an absent
/// field gives [`Patch::Keep`] through `#[serde(default)]`.
impl<'de, T: Deserialize<'de>> Deserialize<'de> for Patch<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Option::<T>::deserialize(deserializer).map(Patch::set_or_clear)
    }
}
