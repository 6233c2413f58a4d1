//! Persons (登録者): create, list, update, delete.

use kot_connect_http::Request;
use serde::Serialize;

use super::multipart;
use super::pager::{ItemStream, ListCall, paging_setters};
use crate::client::{FormEncoding, decode_error, request};
use crate::models::{Avatar, NewPerson, Page, Person, PersonId, PersonUpdate, UserType, id_of};
use crate::{Client, Error};

/// Person calls. Create is documented; update, delete and the paged list
/// use **provisional** paths (see [`Paths`](crate::Paths)).
///
/// Create and update are POSTs and are never retried: a lost answer could
/// otherwise register a person twice.
#[derive(Debug, Clone)]
pub struct PersonsHandler {
    client: Client,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
struct PersonQuery {
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    person_type: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<String>,
}

impl PersonsHandler {
    pub(crate) fn new(client: Client) -> Self {
        Self { client }
    }

    /// Registers a person (`POST /api/v1/user`, or the configured path) and
    /// returns the new ID (`data.id`, or `data` itself when it is the ID).
    ///
    /// # Errors
    /// [`Error::Api`] for a SenseLink error code (a duplicate, a limit of the
    /// plan, a bad field), [`Error::Http`] for transport, HTTP or decoding
    /// failures, a configuration error for a photo with a URL-encoded form.
    pub async fn create(&self, person: &NewPerson) -> Result<PersonId, Error> {
        let fields = person.form_fields(self.client.groups_encoding());
        let req = request("POST", &self.client.paths().person_create, None);
        let req = self.with_form(req, &fields, person.details.avatar.as_ref())?;
        let (response, data) = self.client.send_data(req).await?;
        id_of(&data)
            .map(PersonId)
            .ok_or_else(|| decode_error(&response, "data", "expected the new person's id"))
    }

    /// **Provisional path.** Changes the fields set in `update`
    /// (`POST /api/v1/user/update/{id}` by default; `id` is also sent in the form).
    ///
    /// # Errors
    /// As [`create`](Self::create); a configuration error when `update` changes nothing.
    pub async fn update(&self, id: PersonId, update: &PersonUpdate) -> Result<(), Error> {
        let mut fields = update.form_fields(self.client.groups_encoding());
        if fields.is_empty() && update.details.avatar.is_none() {
            return Err(Error::config("the person update changes nothing"));
        }
        fields.insert(0, ("id", id.to_string()));
        let id_text = id.to_string();
        let req = request("POST", &self.client.paths().person_update, Some(&id_text));
        let req = self.with_form(req, &fields, update.details.avatar.as_ref())?;
        self.client.send_data(req).await?;
        Ok(())
    }

    /// **Provisional path.** Deletes a person (`GET /api/v1/user/delete/{id}`
    /// by default; when the path has no `{id}`, the ID goes in the query as `id`).
    ///
    /// # Errors
    /// [`Error::Api`] for a SenseLink error code, [`Error::Http`] otherwise.
    pub async fn delete(&self, id: PersonId) -> Result<(), Error> {
        let template = &self.client.paths().person_delete;
        let id_text = id.to_string();
        let mut req = request("GET", template, Some(&id_text));
        if !template.contains("{id}") {
            req = req.query("id", id_text);
        }
        self.client.send_data(req).await?;
        Ok(())
    }

    /// Lists persons (`GET /api/v1/user/list`; paging **provisional**).
    pub fn list(&self) -> ListPersons {
        ListPersons {
            call: ListCall::new(
                self.client.clone(),
                self.client.paths().person_list.clone(),
                PersonQuery::default(),
            ),
        }
    }

    fn with_form(
        &self,
        req: Request,
        fields: &[(&'static str, String)],
        avatar: Option<&Avatar>,
    ) -> Result<Request, Error> {
        match self.client.form_encoding() {
            FormEncoding::Multipart => Ok(req.body(multipart::encode(
                fields,
                avatar.map(|a| ("avatarFile", a)),
            )?)),
            FormEncoding::UrlEncoded => {
                if avatar.is_some() {
                    return Err(Error::config(
                        "a face photo can only be sent as multipart/form-data",
                    ));
                }
                Ok(req.form(fields.iter().map(|(k, v)| (*k, v.as_str()))))
            }
        }
    }
}

/// A person list request.
#[derive(Debug, Clone)]
pub struct ListPersons {
    call: ListCall<PersonQuery>,
}

impl ListPersons {
    /// Only this kind of person (`type`; 1 = employees).
    pub fn person_type(mut self, person_type: UserType) -> Self {
        self.call.query.person_type = Some(person_type.code());
        self
    }

    /// Only persons with this name (`name`).
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.call.query.name = Some(name.into());
        self
    }

    paging_setters!();

    /// Fetches one page. An unpaged answer (a plain list) is one last page.
    ///
    /// # Errors
    /// [`Error::Api`] for a SenseLink error code, [`Error::Http`] otherwise.
    pub async fn send(self) -> Result<Page<Person>, Error> {
        self.call.fetch(self.call.page).await
    }

    /// Every person of every page, each once (by ID).
    pub fn stream(self) -> ItemStream<Person> {
        self.call.stream(|p: &Person| p.id.get())
    }

    /// [`stream`](Self::stream), collected: the directory the employee sync
    /// matches by [`job_number`](Person::job_number).
    ///
    /// # Errors
    /// The first error of the stream.
    pub async fn all(self) -> Result<Vec<Person>, Error> {
        self.call.all(|p: &Person| p.id.get()).await
    }
}
