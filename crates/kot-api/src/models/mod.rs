//! Data models of the KING OF TIME Web API: response bodies, request bodies,
//! identifiers, enumerations and the KOT date/time formats.
//!
//! Conventions:
//!
//! * Response structs are `#[non_exhaustive]` and tolerate omitted members:
//!   KOT leaves out every member whose value is null, so anything that is not
//!   the record's identity is an `Option` (or an empty `Vec`). Unknown members
//!   are ignored, except where a struct has an `extra` map.
//! * Enumerations keep values they do not know in an `Unknown(String)` variant.
//! * Identifiers are distinct newtypes ([`EmployeeCode`] is not an [`EmployeeKey`]).
//! * Datetimes are `DateTime<FixedOffset>` read from either KOT form; see
//!   [`datetime`].
//! * Request bodies ([`PunchRequest`], [`NewEmployee`], [`EmployeeUpdate`]) have
//!   constructors and public fields.

pub(crate) mod macros;

pub mod datetime;

mod administrator;
mod company;
mod daily_cost;
mod daily_schedule;
mod daily_working;
mod division;
mod employee;
mod employee_group;
mod enums;
mod holiday;
mod ids;
mod monthly_cost;
mod monthly_working;
mod of_day;
mod patch;
mod request;
mod time_record;
mod token;
mod working_type;

pub use administrator::{Administrator, AssociatedEmployee};
pub use company::{Company, CompanySettings};
pub use daily_cost::{DailyCost, DailyCostsOfDay};
pub use daily_schedule::{DailySchedule, DailySchedulesOfDay, TimeSpan};
pub use daily_working::{
    CustomDailyWorking, DailyWorking, DailyWorkingsOfDay, HalfdayHoliday, HolidayRef,
    HolidaysObtained, HourHoliday,
};
pub use datetime::{
    DateTimeParseError, JST_OFFSET_SECONDS, YearMonth, YearMonthError, format_minutes,
    format_seconds, jst, kot_minutes, kot_seconds, parse_kot_datetime,
};
pub use division::Division;
pub use employee::{CurrentDateEmployee, Employee, EmployeeGroupRef, EmployeeUpdate, NewEmployee};
pub use employee_group::{EmployeeGroup, EmployeeGroupCategory};
pub use enums::{
    ApplicantType, DecimalTreatType, Gender, HalfDayWorkingCount, PunchCode, RequestStatus,
    TimeDisplayFormat,
};
pub use holiday::{
    EmployeeHolidays, HolidayBalance, HolidayEntry, HolidayRemained, RemainingHoliday,
    YearlyHolidays,
};
pub use ids::{
    AdministratorCode, AdministratorKey, CompanyKey, DivisionCode, EmployeeCode, EmployeeGroupCode,
    EmployeeKey, EmployeeTypeCode, RequestKey, WorkingTypeCode,
};
pub use monthly_cost::MonthlyCost;
pub use monthly_working::{
    CustomMonthlyWorking, GeneralHolidayWork, HolidayWork, LegalHolidayWork,
    MonthlyHolidayObtained, MonthlyWorking, PremiumWork, VariationalWork, WeeklyWork,
};
pub use of_day::OfDay;
#[cfg(feature = "client")]
pub(crate) use of_day::merge_days;
pub use patch::Patch;
pub use request::{
    Applicant, ApprovalFlowStep, ExtraFields, OvertimeDetail, OvertimeRequest, OvertimeRequests,
    ScheduleDetail, ScheduleRequest, ScheduleRequests, TimerecordRequest, TimerecordRequests,
};
pub use time_record::{
    DailyTimeRecords, DailyTimeRecordsOfDay, PunchRequest, PunchResponse, TimeRecord,
};
pub use token::{RotatedToken, TokenAvailability};
pub use working_type::WorkingType;
