//! Groups: list, create, members.

use serde::Serialize;
use serde_json::Value;

use super::multipart;
use super::pager::{ItemStream, ListCall, paging_setters};
use crate::client::{FormEncoding, decode_error, request};
use crate::models::{Group, GroupId, NewGroup, Page, PersonId, id_of};
use crate::{Client, Error};

/// Group calls.
#[derive(Debug, Clone)]
pub struct GroupsHandler {
    client: Client,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
struct GroupQuery {}

impl GroupsHandler {
    pub(crate) fn new(client: Client) -> Self {
        Self { client }
    }

    /// Lists groups (`GET /api/v1/group`; newest first).
    pub fn list(&self) -> ListGroups {
        ListGroups {
            call: ListCall::new(
                self.client.clone(),
                self.client.paths().group_list.clone(),
                GroupQuery {},
            ),
        }
    }

    /// Creates a group (`POST /api/v1/group`, form-data) and returns its ID.
    /// Never retried.
    ///
    /// # Errors
    /// [`Error::Api`] for a SenseLink error code, [`Error::Http`] otherwise.
    pub async fn create(&self, group: &NewGroup) -> Result<GroupId, Error> {
        let fields = group.form_fields();
        let req = request("POST", &self.client.paths().group_create, None);
        let req = match self.client.form_encoding() {
            FormEncoding::Multipart => req.body(multipart::encode(&fields, None)?),
            FormEncoding::UrlEncoded => req.form(fields.iter().map(|(k, v)| (*k, v.as_str()))),
        };
        let (response, data) = self.client.send_data(req).await?;
        id_of(&data)
            .map(GroupId)
            .ok_or_else(|| decode_error(&response, "data", "expected the new group's id"))
    }

    /// The IDs of every person in a group (`GET /api/v1/group/user?id=…`; the
    /// parameter name is **provisional**). Accepts a list of IDs or of
    /// objects with an `id`, directly in `data` or under `data.list`.
    ///
    /// # Errors
    /// [`Error::Api`] for a SenseLink error code, [`Error::Http`] otherwise
    /// (an entry without an ID is a decoding error, never skipped).
    pub async fn members(&self, id: GroupId) -> Result<Vec<PersonId>, Error> {
        let req =
            request("GET", &self.client.paths().group_members, None).query("id", id.to_string());
        let (response, data) = self.client.send_data(req).await?;
        let (at, list) = match data {
            Value::Null => return Ok(Vec::new()),
            Value::Array(list) => ("data", list),
            Value::Object(mut o) => match o.remove("list") {
                Some(Value::Array(list)) => ("data.list", list),
                _ => {
                    return Err(decode_error(
                        &response,
                        "data",
                        "expected a list of person IDs",
                    ));
                }
            },
            _ => {
                return Err(decode_error(
                    &response,
                    "data",
                    "expected a list of person IDs",
                ));
            }
        };
        list.iter()
            .enumerate()
            .map(|(i, v)| {
                id_of(v).map(PersonId).ok_or_else(|| {
                    decode_error(&response, &format!("{at}[{i}]"), "expected a person ID")
                })
            })
            .collect()
    }
}

/// A group list request.
#[derive(Debug, Clone)]
pub struct ListGroups {
    call: ListCall<GroupQuery>,
}

impl ListGroups {
    paging_setters!();

    /// Fetches one page.
    ///
    /// # Errors
    /// [`Error::Api`] for a SenseLink error code, [`Error::Http`] otherwise.
    pub async fn send(self) -> Result<Page<Group>, Error> {
        self.call.fetch(self.call.page).await
    }

    /// Every group of every page, each once.
    pub fn stream(self) -> ItemStream<Group> {
        self.call.stream(|g: &Group| g.id.get())
    }

    /// [`stream`](Self::stream), collected.
    ///
    /// # Errors
    /// The first error of the stream.
    pub async fn all(self) -> Result<Vec<Group>, Error> {
        self.call.all(|g: &Group| g.id.get()).await
    }
}
