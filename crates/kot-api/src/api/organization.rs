//! Company-wide master data: company, administrators, divisions, working
//! types and employee groups.

use super::fields::{AdministratorField, EmployeeGroupField, FieldsQuery};
use crate::client::Band;
use crate::models::{Administrator, Company, Division, EmployeeGroup, WorkingType};
use crate::{Client, Error};
use kot_connect_http::Request;

/// `GET /company`.
#[derive(Debug, Clone, Copy)]
pub struct CompanyHandler<'c> {
    client: &'c Client,
}

impl<'c> CompanyHandler<'c> {
    pub(crate) fn new(client: &'c Client) -> Self {
        Self { client }
    }

    /// The company's data and settings.
    ///
    /// # Errors
    /// [`Error`] on transport failure, an error answer, or inside a time band.
    pub async fn get(&self) -> Result<Company, Error> {
        let request = Request::get("GET /company").path(["company"]);
        self.client.send_json(request, Band::Guarded).await
    }
}

/// `GET /administrators`.
#[derive(Debug, Clone, Copy)]
pub struct AdministratorsHandler<'c> {
    client: &'c Client,
}

impl<'c> AdministratorsHandler<'c> {
    pub(crate) fn new(client: &'c Client) -> Self {
        Self { client }
    }

    /// Lists the administrators.
    pub fn list(&self) -> ListAdministrators<'c> {
        ListAdministrators {
            client: self.client,
            query: FieldsQuery::default(),
        }
    }
}

/// The request built by [`AdministratorsHandler::list`].
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until it is sent"]
pub struct ListAdministrators<'c> {
    client: &'c Client,
    query: FieldsQuery<AdministratorField>,
}

impl ListAdministrators<'_> {
    /// Asks for additional fields (e-mail addresses, associated employees).
    pub fn additional_fields(
        mut self,
        fields: impl IntoIterator<Item = AdministratorField>,
    ) -> Self {
        self.query.additional_fields.extend(fields);
        self
    }

    /// Sends the request.
    ///
    /// # Errors
    /// [`Error`] on transport failure, an error answer, or inside a time band.
    pub async fn send(self) -> Result<Vec<Administrator>, Error> {
        let request = Request::get("GET /administrators")
            .path(["administrators"])
            .query_struct(&self.query)?;
        self.client.send_json(request, Band::Guarded).await
    }
}

/// `GET /divisions`.
#[derive(Debug, Clone, Copy)]
pub struct DivisionsHandler<'c> {
    client: &'c Client,
}

impl<'c> DivisionsHandler<'c> {
    pub(crate) fn new(client: &'c Client) -> Self {
        Self { client }
    }

    /// Lists the divisions, with each one's day-border time (日付変更時間).
    ///
    /// # Errors
    /// [`Error`] on transport failure, an error answer, or inside a time band.
    pub async fn list(&self) -> Result<Vec<Division>, Error> {
        let request = Request::get("GET /divisions").path(["divisions"]);
        self.client.send_json(request, Band::Guarded).await
    }
}

/// `GET /working-types`.
#[derive(Debug, Clone, Copy)]
pub struct WorkingTypesHandler<'c> {
    client: &'c Client,
}

impl<'c> WorkingTypesHandler<'c> {
    pub(crate) fn new(client: &'c Client) -> Self {
        Self { client }
    }

    /// Lists the working types (雇用区分).
    ///
    /// # Errors
    /// [`Error`] on transport failure, an error answer, or inside a time band.
    pub async fn list(&self) -> Result<Vec<WorkingType>, Error> {
        let request = Request::get("GET /working-types").path(["working-types"]);
        self.client.send_json(request, Band::Guarded).await
    }
}

/// `GET /employee-groups`.
#[derive(Debug, Clone, Copy)]
pub struct EmployeeGroupsHandler<'c> {
    client: &'c Client,
}

impl<'c> EmployeeGroupsHandler<'c> {
    pub(crate) fn new(client: &'c Client) -> Self {
        Self { client }
    }

    /// Lists the employee groups. Companies without the employee-group
    /// feature get an error answer.
    pub fn list(&self) -> ListEmployeeGroups<'c> {
        ListEmployeeGroups {
            client: self.client,
            query: FieldsQuery::default(),
        }
    }
}

/// The request built by [`EmployeeGroupsHandler::list`].
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until it is sent"]
pub struct ListEmployeeGroups<'c> {
    client: &'c Client,
    query: FieldsQuery<EmployeeGroupField>,
}

impl ListEmployeeGroups<'_> {
    /// Asks for additional fields (the group's category).
    pub fn additional_fields(
        mut self,
        fields: impl IntoIterator<Item = EmployeeGroupField>,
    ) -> Self {
        self.query.additional_fields.extend(fields);
        self
    }

    /// Sends the request.
    ///
    /// # Errors
    /// [`Error`] on transport failure, an error answer, or inside a time band.
    pub async fn send(self) -> Result<Vec<EmployeeGroup>, Error> {
        let request = Request::get("GET /employee-groups")
            .path(["employee-groups"])
            .query_struct(&self.query)?;
        self.client.send_json(request, Band::Guarded).await
    }
}
