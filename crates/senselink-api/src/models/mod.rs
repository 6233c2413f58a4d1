//! The SenseLink data model: recognition records, persons, groups, devices,
//! identifiers and pages.
//!
//! Responses are decoded leniently (numbers may come as strings, absent
//! values as `null` or `""`), fields the crate does not know are kept in an
//! `extra` map, and anything that does not fit is a decoding error with its
//! JSON path, never a silently dropped value.

pub(crate) mod de;
mod device;
mod enums;
mod group;
mod ids;
mod page;
mod person;
mod record;

pub use device::Device;
pub use enums::{Direction, EntryMode, Gender, RecordOrder, UserType};
pub use group::{Group, NewGroup};
pub use ids::{DeviceId, GroupId, JobNumber, PersonId, RecordId};
pub use page::Page;
pub(crate) use page::page_from_data;
pub(crate) use person::id_of;
pub use person::{
    Avatar, GroupsEncoding, NAME_SEPARATOR, NewPerson, Person, PersonDetails, PersonUpdate,
    full_name,
};
pub use record::Record;
