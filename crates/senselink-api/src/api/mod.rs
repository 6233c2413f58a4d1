//! Endpoint handlers: `client.records().on_dates(from, to).stream()`.
//!
//! Required arguments are positional, optional ones are setters on a request
//! builder, and builders end in `send()` (one page or one call), `stream()`
//! (every item of every page) or `all()` (the stream collected).

mod devices;
mod groups;
mod multipart;
mod pager;
mod persons;
mod records;

pub use devices::{DevicesHandler, ListDevices};
pub use groups::{GroupsHandler, ListGroups};
pub use pager::ItemStream;
pub use persons::{ListPersons, PersonsHandler};
pub use records::{ListRecords, RecordsHandler, format_local};

use crate::Client;

impl Client {
    /// Recognition records (認証レコード).
    pub fn records(&self) -> RecordsHandler {
        RecordsHandler::new(self.clone())
    }

    /// Persons (登録者).
    pub fn persons(&self) -> PersonsHandler {
        PersonsHandler::new(self.clone())
    }

    /// Groups.
    pub fn groups(&self) -> GroupsHandler {
        GroupsHandler::new(self.clone())
    }

    /// Devices.
    pub fn devices(&self) -> DevicesHandler {
        DevicesHandler::new(self.clone())
    }
}
