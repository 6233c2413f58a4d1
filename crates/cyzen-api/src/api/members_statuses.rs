//! Each member's latest press and position (`GET /members_statuses`).

use crate::Client;
use crate::client::{ListSpec, Listed};
use crate::models::MemberStatus;
use crate::page::Cursor;

use super::list_endings;

impl Listed for MemberStatus {}

/// Member-status calls.
#[derive(Debug, Clone, Copy)]
pub struct MemberStatusesHandler<'c> {
    client: &'c Client,
}

impl<'c> MemberStatusesHandler<'c> {
    pub(crate) fn new(client: &'c Client) -> Self {
        Self { client }
    }

    /// Lists each member's latest status press and route point
    /// (`GET /members_statuses`). Any `next_*` key is followed.
    pub fn list(&self) -> ListMemberStatuses<'c> {
        ListMemberStatuses {
            client: self.client,
            cursor: None,
        }
    }
}

/// The request built by [`MemberStatusesHandler::list`].
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until it is sent"]
pub struct ListMemberStatuses<'c> {
    client: &'c Client,
    cursor: Option<Cursor>,
}

impl ListMemberStatuses<'_> {
    fn spec(&self) -> ListSpec {
        ListSpec::new("members_statuses", "members_statuses")
    }

    list_endings!(MemberStatus);
}
