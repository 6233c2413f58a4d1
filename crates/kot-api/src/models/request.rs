//! Requests (申請): schedule, overtime and time-record requests, read-only.
//!
//! No public source documents a write API for requests.

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};

use super::daily_schedule::TimeSpan;
use super::daily_working::HolidaysObtained;
use super::datetime::kot_minutes;
use super::enums::{ApplicantType, RequestStatus};
use super::ids::{AdministratorKey, DivisionCode, EmployeeKey, RequestKey};

/// Unknown JSON members kept as received.
pub type ExtraFields = serde_json::Map<String, serde_json::Value>;

/// 申請者 (who filed a request).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Applicant {
    /// 種別 (employee or administrator). JSON key `type`.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub applicant_type: Option<ApplicantType>,
    /// 識別キー: an employee key or an administrator key, depending on the type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
}

impl Applicant {
    /// The key as an [`EmployeeKey`] when the applicant is an employee.
    pub fn employee_key(&self) -> Option<EmployeeKey> {
        match (&self.applicant_type, &self.key) {
            (Some(ApplicantType::Employee), Some(key)) => Some(EmployeeKey::new(key.as_str())),
            _ => None,
        }
    }

    /// The key as an [`AdministratorKey`] when the applicant is an administrator.
    pub fn administrator_key(&self) -> Option<AdministratorKey> {
        match (&self.applicant_type, &self.key) {
            (Some(ApplicantType::Administrator), Some(key)) => {
                Some(AdministratorKey::new(key.as_str()))
            }
            _ => None,
        }
    }
}

/// One level of an approval flow (承認フロー).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ApprovalFlowStep {
    /// 承認フローレベル (level, 1..=5).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<u8>,
    /// 管理者識別キー (administrators who can approve at this level).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub administrator_keys: Vec<AdministratorKey>,
}

/// Body of `GET /requests/schedules/{YYYY-MM}` (スケジュール申請データ).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ScheduleRequests {
    /// 年 (year).
    #[serde(deserialize_with = "super::macros::lenient_int")]
    pub year: i32,
    /// 月 (month).
    #[serde(deserialize_with = "super::macros::lenient_int")]
    pub month: u32,
    /// The requests of the month.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub schedule_requests: Vec<ScheduleRequest>,
}

/// スケジュール申請: a request to change one day's schedule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ScheduleRequest {
    /// 対象日 (the day the request is about).
    pub date: NaiveDate,
    /// 申請日 (the day it was filed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requested_date: Option<NaiveDate>,
    /// 従業員識別キー (employee key).
    pub employee_key: EmployeeKey,
    /// 申請識別キー (request key).
    pub request_key: RequestKey,
    /// 申請者 (who filed it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub applicant: Option<Applicant>,
    /// 申請ステータス (status).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<RequestStatus>,
    /// 現在の承認フローレベル (current approval level, 1..=5).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_flow: Option<u8>,
    /// 承認フロー (approval flow); additional (`flow`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub flow: Vec<ApprovalFlowStep>,
    /// 申請メッセージ (applicant's message).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// 管理者コメント (administrator's comment).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admin_comment: Option<String>,
    /// 最終更新管理者識別キー (administrator who last changed it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_modified_administrator_key: Option<AdministratorKey>,
    /// 申請内容 (the requested schedule).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requested: Option<ScheduleDetail>,
    /// 現在のスケジュール (the schedule currently in force).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current: Option<ScheduleDetail>,
    /// スケジュールパターンコード; additional (`schedulePatternCode`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schedule_pattern_code: Option<String>,
    /// スケジュールパターン名; additional (`schedulePatternName`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schedule_pattern_name: Option<String>,
    /// 勤務開始刻限 (earliest work start); additional (`workFixedStart`).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "kot_minutes::option"
    )]
    pub work_fixed_start: Option<DateTime<FixedOffset>>,
    /// 勤務終了刻限 (latest work end); additional (`workFixedEnd`).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "kot_minutes::option"
    )]
    pub work_fixed_end: Option<DateTime<FixedOffset>>,
    /// 備考 (note); additional (`note`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// The schedule in a schedule request (`requested` / `current`).
///
/// Members not modelled here are kept in [`ScheduleDetail::extra`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ScheduleDetail {
    /// 出勤予定時間 (scheduled clock-in).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "kot_minutes::option"
    )]
    pub clock_in_schedule: Option<DateTime<FixedOffset>>,
    /// 退勤予定時間 (scheduled clock-out).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "kot_minutes::option"
    )]
    pub clock_out_schedule: Option<DateTime<FixedOffset>>,
    /// 休憩予定時間 (scheduled break, minutes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub break_schedule: Option<i64>,
    /// 休憩開始終了予定 (scheduled breaks).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub start_end_break_schedule: Vec<TimeSpan>,
    /// 休暇取得 (holidays).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub holidays_obtained: Option<HolidaysObtained>,
    /// 勤務日種別名 (work day type name; JSON key `workDayTypeName`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub work_day_type_name: Option<String>,
    /// 残業上限時間 (overtime limit, minutes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overtime_upper_limit: Option<i64>,
    /// 出勤先所属コード (division to work at).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub work_place_division_code: Option<DivisionCode>,
    /// 出勤先所属名 (name of the division to work at).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub work_place_division_name: Option<String>,
    /// 振替出勤 (substitute work/holiday label).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub substitution_clock_in_name: Option<String>,
    /// スケジュール種別 (schedule type).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schedule_type_name: Option<String>,
    /// Any other members, kept as received.
    #[serde(flatten)]
    pub extra: ExtraFields,
}

/// Body of `GET /requests/overtimes/{YYYY-MM}` (残業申請データ).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct OvertimeRequests {
    /// 年 (year).
    #[serde(deserialize_with = "super::macros::lenient_int")]
    pub year: i32,
    /// 月 (month).
    #[serde(deserialize_with = "super::macros::lenient_int")]
    pub month: u32,
    /// The requests of the month.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub overtime_requests: Vec<OvertimeRequest>,
}

/// 残業申請: a request for overtime on one day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct OvertimeRequest {
    /// 対象日 (the day the request is about).
    pub date: NaiveDate,
    /// 申請日 (the day it was filed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requested_date: Option<NaiveDate>,
    /// 従業員識別キー (employee key).
    pub employee_key: EmployeeKey,
    /// 申請識別キー (request key).
    pub request_key: RequestKey,
    /// 申請者 (who filed it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub applicant: Option<Applicant>,
    /// 申請ステータス (status).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<RequestStatus>,
    /// 現在の承認フローレベル (current approval level, 1..=5).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_flow: Option<u8>,
    /// 承認フロー (approval flow); additional (`flow`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub flow: Vec<ApprovalFlowStep>,
    /// 申請メッセージ (applicant's message).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// 管理者コメント (administrator's comment).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admin_comment: Option<String>,
    /// 最終更新管理者識別キー (administrator who last changed it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_modified_administrator_key: Option<AdministratorKey>,
    /// 申請内容 (the requested overtime).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requested: Option<OvertimeDetail>,
    /// 現在のスケジュール (what is currently in force).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current: Option<OvertimeDetail>,
}

/// The overtime in an overtime request (`requested` / `current`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct OvertimeDetail {
    /// 勤務予定前の時間外申請か: `true` before the scheduled start, `false` after the end.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_before_schedule: Option<bool>,
    /// 開始時刻 (start).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "kot_minutes::option"
    )]
    pub start: Option<DateTime<FixedOffset>>,
    /// 終了時刻 (end).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "kot_minutes::option"
    )]
    pub end: Option<DateTime<FixedOffset>>,
}

/// Body of `GET /requests/timerecords/{YYYY-MM}` (打刻申請データ).
///
/// The shape is poorly documented: the list is read from `requests` or, if
/// absent, from `timerecordRequests`, and is written back as `requests`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct TimerecordRequests {
    /// 年 (year), if sent.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "super::macros::lenient_int_opt"
    )]
    pub year: Option<i32>,
    /// 月 (month), if sent.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "super::macros::lenient_int_opt"
    )]
    pub month: Option<u32>,
    /// The requests of the month.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        alias = "timerecordRequests"
    )]
    pub requests: Vec<TimerecordRequest>,
}

/// 打刻申請: a request to add or fix punches. Only the members common to all
/// requests are modelled; everything else is kept in
/// [`TimerecordRequest::extra`]. Status values other than
/// applying/approved/rejected (e.g. `pending`) decode to
/// [`RequestStatus::Unknown`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct TimerecordRequest {
    /// 対象日 (the day the request is about).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<NaiveDate>,
    /// 申請日 (the day it was filed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requested_date: Option<NaiveDate>,
    /// 従業員識別キー (employee key).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub employee_key: Option<EmployeeKey>,
    /// 申請識別キー (request key).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_key: Option<RequestKey>,
    /// 申請者 (who filed it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub applicant: Option<Applicant>,
    /// 申請ステータス (status).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<RequestStatus>,
    /// 現在の承認フローレベル (current approval level).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_flow: Option<u8>,
    /// 承認フロー (approval flow).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub flow: Vec<ApprovalFlowStep>,
    /// 申請メッセージ (applicant's message).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// 管理者コメント (administrator's comment).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admin_comment: Option<String>,
    /// 最終更新管理者識別キー (administrator who last changed it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_modified_administrator_key: Option<AdministratorKey>,
    /// Any other members (e.g. the requested punches), kept as received.
    #[serde(flatten)]
    pub extra: ExtraFields,
}
