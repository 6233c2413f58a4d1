//! Opaque identifier newtypes.
//!
//! Each identifier is a distinct type so that, for example, an employee *code*
//! can never be passed where an employee *key* is expected. None of them is
//! validated: KOT owns their format, and leading zeros are significant.

use super::macros::id_newtype;

id_newtype! {
    /// 従業員コード (employee code): assigned by administrators, **mutable**,
    /// alphanumeric, leading zeros significant (e.g. `"0012"`, `"U000123"`).
    ///
    /// Only `GET /employees/{employeeCode}` takes it; every other endpoint takes
    /// the immutable [`EmployeeKey`].
    EmployeeCode
}

id_newtype! {
    /// 従業員識別キー (employee key): **immutable** across code changes
    /// (64 lowercase hex characters in every known example). Used by punches,
    /// employee updates and every working-data record.
    EmployeeKey
}

id_newtype! {
    /// 所属コード (division code), e.g. `"1000"`.
    DivisionCode
}

id_newtype! {
    /// 管理者識別キー (administrator key): immutable across code changes.
    AdministratorKey
}

id_newtype! {
    /// 管理者コード (administrator code), e.g. `"admin"`.
    AdministratorCode
}

id_newtype! {
    /// 申請識別キー (request key) of a schedule, overtime or time-record request.
    RequestKey
}

id_newtype! {
    /// 雇用区分コード (employee type code), a string such as `"1"`.
    EmployeeTypeCode
}

id_newtype! {
    /// 従業員グループコード (employee group code), e.g. `"0001"`.
    EmployeeGroupCode
}

id_newtype! {
    /// 勤務形態コード (working type code), e.g. `"1"`.
    WorkingTypeCode
}

id_newtype! {
    /// 企業識別キー (company key).
    CompanyKey
}
