//! Groups (`GET /groups`).

use crate::Client;
use crate::client::{ListSpec, Listed};
use crate::models::{Group, GroupId};
use crate::page::Cursor;

use super::list_endings;

impl Listed for Group {}

/// Group calls.
#[derive(Debug, Clone, Copy)]
pub struct GroupsHandler<'c> {
    client: &'c Client,
}

impl<'c> GroupsHandler<'c> {
    pub(crate) fn new(client: &'c Client) -> Self {
        Self { client }
    }

    /// Lists groups (`GET /groups`), 200 per page.
    pub fn list(&self) -> ListGroups<'c> {
        ListGroups {
            client: self.client,
            group_id: None,
            cursor: None,
        }
    }
}

/// The request built by [`GroupsHandler::list`].
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until it is sent"]
pub struct ListGroups<'c> {
    client: &'c Client,
    group_id: Option<GroupId>,
    cursor: Option<Cursor>,
}

impl ListGroups<'_> {
    /// Only this group (`group_id`).
    pub fn group_id(mut self, id: impl Into<GroupId>) -> Self {
        self.group_id = Some(id.into());
        self
    }

    fn spec(&self) -> ListSpec {
        let spec = ListSpec::new("groups", "groups");
        match &self.group_id {
            Some(id) => spec.with("group_id", id.as_str()),
            None => spec,
        }
    }

    list_endings!(Group);
}
