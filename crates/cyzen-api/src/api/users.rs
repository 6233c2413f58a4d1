//! Users (`GET /users`).

use crate::Client;
use crate::client::{ListSpec, Listed};
use crate::models::{User, UserId};
use crate::page::Cursor;

use super::list_endings;

impl Listed for User {}

/// User calls.
#[derive(Debug, Clone, Copy)]
pub struct UsersHandler<'c> {
    client: &'c Client,
}

impl<'c> UsersHandler<'c> {
    pub(crate) fn new(client: &'c Client) -> Self {
        Self { client }
    }

    /// Lists users (`GET /users`), 200 per page, with `field=all` (groups and
    /// user tags) unless turned off.
    pub fn list(&self) -> ListUsers<'c> {
        ListUsers {
            client: self.client,
            all_fields: true,
            user_id: None,
            cursor: None,
        }
    }
}

/// The request built by [`UsersHandler::list`].
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until it is sent"]
pub struct ListUsers<'c> {
    client: &'c Client,
    all_fields: bool,
    user_id: Option<UserId>,
    cursor: Option<Cursor>,
}

impl ListUsers<'_> {
    /// Sends `field=all` (the default) to get each user's groups and user
    /// tags, or leaves it out. (cyzen accepts only the lower-case `all`.)
    pub fn all_fields(mut self, all: bool) -> Self {
        self.all_fields = all;
        self
    }

    /// Only this user (`user_id`).
    pub fn user_id(mut self, id: impl Into<UserId>) -> Self {
        self.user_id = Some(id.into());
        self
    }

    fn spec(&self) -> ListSpec {
        let mut spec = ListSpec::new("users", "users");
        if let Some(id) = &self.user_id {
            spec = spec.with("user_id", id.as_str());
        }
        if self.all_fields {
            spec = spec.with("field", "all");
        }
        spec
    }

    list_endings!(User);
}
