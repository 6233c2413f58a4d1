//! The status master (`GET /statuses`).

use crate::Client;
use crate::client::{ListSpec, Listed};
use crate::models::Status;
use crate::page::Cursor;

use super::list_endings;

impl Listed for Status {
    fn prepare(&mut self, client: &Client) {
        client.status_kind_rule().apply(self);
    }
}

/// Status-master calls.
#[derive(Debug, Clone, Copy)]
pub struct StatusesHandler<'c> {
    client: &'c Client,
}

impl<'c> StatusesHandler<'c> {
    pub(crate) fn new(client: &'c Client) -> Self {
        Self { client }
    }

    /// Lists the statuses of every group (`GET /statuses`). Each status's
    /// [`kind`](Status::kind) is filled by the client's
    /// [`StatusKindRule`](crate::models::StatusKindRule). Any `next_*` key in
    /// the answer is followed (the paging key of this list is not public).
    pub fn list(&self) -> ListStatuses<'c> {
        ListStatuses {
            client: self.client,
            cursor: None,
        }
    }
}

/// The request built by [`StatusesHandler::list`].
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until it is sent"]
pub struct ListStatuses<'c> {
    client: &'c Client,
    cursor: Option<Cursor>,
}

impl ListStatuses<'_> {
    fn spec(&self) -> ListSpec {
        ListSpec::new("statuses", "statuses")
    }

    list_endings!(Status);
}
