//! Devices: list.

use serde::Serialize;

use super::pager::{ItemStream, ListCall, paging_setters};
use crate::models::{Device, Page};
use crate::{Client, Error};

/// Device calls.
#[derive(Debug, Clone)]
pub struct DevicesHandler {
    client: Client,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
struct DeviceQuery {
    #[serde(rename = "typeId", skip_serializing_if = "Option::is_none")]
    type_id: Option<i64>,
}

impl DevicesHandler {
    pub(crate) fn new(client: Client) -> Self {
        Self { client }
    }

    /// Lists devices (`GET /api/v1/device`).
    pub fn list(&self) -> ListDevices {
        ListDevices {
            call: ListCall::new(
                self.client.clone(),
                self.client.paths().device_list.clone(),
                DeviceQuery::default(),
            ),
        }
    }
}

/// A device list request.
#[derive(Debug, Clone)]
pub struct ListDevices {
    call: ListCall<DeviceQuery>,
}

impl ListDevices {
    /// Only devices of this model (`typeId`; 19 SenseThunder-Mini,
    /// 20 SenseThunder-E, 4 SensePass, ...).
    pub fn type_id(mut self, type_id: i64) -> Self {
        self.call.query.type_id = Some(type_id);
        self
    }

    paging_setters!();

    /// Fetches one page.
    ///
    /// # Errors
    /// [`Error::Api`] for a SenseLink error code, [`Error::Http`] otherwise.
    pub async fn send(self) -> Result<Page<Device>, Error> {
        self.call.fetch(self.call.page).await
    }

    /// Every device of every page, each once.
    pub fn stream(self) -> ItemStream<Device> {
        self.call.stream(|d: &Device| d.id.get())
    }

    /// [`stream`](Self::stream), collected.
    ///
    /// # Errors
    /// The first error of the stream.
    pub async fn all(self) -> Result<Vec<Device>, Error> {
        self.call.all(|d: &Device| d.id.get()).await
    }
}
