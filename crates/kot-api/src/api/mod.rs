//! Endpoint handlers: `client.employees().list().division(..).send().await`.
//!
//! Required arguments are positional, optional ones are setters on a request
//! builder, and every builder ends in `send()`. Query parameters are
//! `#[derive(Serialize)]` structs with a unit test of their serialized form.

mod daily;
mod employees;
mod fields;
mod monthly;
mod organization;
mod requests;
mod tokens;

pub use daily::{
    DailyCostsHandler, DailyList, DailyOn, DailySchedulesHandler, DailyWorkingsHandler,
    MAX_EMPLOYEE_KEYS_PER_REQUEST, TimeRecordsHandler,
};
pub use employees::{EmployeesHandler, GetEmployee, ListEmployees, UpdateEmployee};
pub use fields::{
    AdministratorField, DailyField, EmployeeField, EmployeeGroupField, MonthlyField, RequestField,
};
pub use monthly::{
    HolidaysHandler, MonthlyCostsHandler, MonthlyWorkingsHandler, WithDivision, WithEmployee,
};
pub use organization::{
    AdministratorsHandler, CompanyHandler, DivisionsHandler, EmployeeGroupsHandler,
    ListAdministrators, ListEmployeeGroups, WorkingTypesHandler,
};
pub use requests::{ListRequests, RequestsHandler};
pub use tokens::TokensHandler;

use crate::Client;

impl Client {
    /// Access-token calls (exempt from the time bands).
    pub fn tokens(&self) -> TokensHandler<'_> {
        TokensHandler::new(self)
    }

    /// The company (企業) data.
    pub fn company(&self) -> CompanyHandler<'_> {
        CompanyHandler::new(self)
    }

    /// Administrators (管理者).
    pub fn administrators(&self) -> AdministratorsHandler<'_> {
        AdministratorsHandler::new(self)
    }

    /// Divisions (所属).
    pub fn divisions(&self) -> DivisionsHandler<'_> {
        DivisionsHandler::new(self)
    }

    /// Working types (雇用区分).
    pub fn working_types(&self) -> WorkingTypesHandler<'_> {
        WorkingTypesHandler::new(self)
    }

    /// Employee groups (従業員グループ).
    pub fn employee_groups(&self) -> EmployeeGroupsHandler<'_> {
        EmployeeGroupsHandler::new(self)
    }

    /// Employees (従業員): list, get by code, create, update and delete by key.
    pub fn employees(&self) -> EmployeesHandler<'_> {
        EmployeesHandler::new(self)
    }

    /// Daily workings (日別データ).
    pub fn daily_workings(&self) -> DailyWorkingsHandler<'_> {
        DailyWorkingsHandler::new(self)
    }

    /// Time records (日別打刻データ): read, and register a punch (打刻登録).
    pub fn time_records(&self) -> TimeRecordsHandler<'_> {
        TimeRecordsHandler::new(self)
    }

    /// Daily cost (日別費用データ).
    pub fn daily_costs(&self) -> DailyCostsHandler<'_> {
        DailyCostsHandler::new(self)
    }

    /// Daily schedules (日別スケジュール).
    pub fn daily_schedules(&self) -> DailySchedulesHandler<'_> {
        DailySchedulesHandler::new(self)
    }

    /// Monthly workings (月別データ).
    pub fn monthly_workings(&self) -> MonthlyWorkingsHandler<'_> {
        MonthlyWorkingsHandler::new(self)
    }

    /// Monthly cost (月別費用データ).
    pub fn monthly_costs(&self) -> MonthlyCostsHandler<'_> {
        MonthlyCostsHandler::new(self)
    }

    /// Holiday balances: remaining per month (月別残休暇) and per year (年間休暇).
    pub fn holidays(&self) -> HolidaysHandler<'_> {
        HolidaysHandler::new(self)
    }

    /// Requests (申請): schedules, overtimes and time records (read only).
    pub fn requests(&self) -> RequestsHandler<'_> {
        RequestsHandler::new(self)
    }
}
