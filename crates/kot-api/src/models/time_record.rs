//! Time records (打刻データ): reading punches and registering one.

use chrono::{DateTime, FixedOffset, NaiveDate, TimeZone};
use serde::{Deserialize, Serialize};

use super::datetime::{jst, kot_seconds};
use super::employee::CurrentDateEmployee;
use super::enums::PunchCode;
use super::ids::{DivisionCode, EmployeeKey};

/// The time records of one date: an item of `GET /daily-workings/timerecord`,
/// or the whole body of `GET /daily-workings/timerecord/{date}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct DailyTimeRecordsOfDay {
    /// 日付 (the date).
    pub date: NaiveDate,
    /// One entry per employee (KOT names this list `dailyWorkings` here too).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub daily_workings: Vec<DailyTimeRecords>,
}

/// One employee's punches for one work date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct DailyTimeRecords {
    /// 日付 (work date).
    pub date: NaiveDate,
    /// 従業員識別キー (employee key).
    pub employee_key: EmployeeKey,
    /// 今日時点の従業員データ; only with `additionalFields=currentDateEmployee`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_date_employee: Option<CurrentDateEmployee>,
    /// 打刻 (the punches). An array in every known example; a single object is
    /// accepted defensively and becomes a one-element list.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "super::macros::one_or_many"
    )]
    pub time_record: Vec<TimeRecord>,
}

/// 打刻 (one punch) as returned by KOT.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct TimeRecord {
    /// 打刻時間 (punch time, with seconds).
    #[serde(with = "kot_seconds")]
    pub time: DateTime<FixedOffset>,
    /// 打刻種別コード (punch type).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<PunchCode>,
    /// 打刻種別名 (punch type name as KOT labels it), e.g. `"出勤"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// 打刻先所属コード (division punched at).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub division_code: Option<DivisionCode>,
    /// 打刻先所属名 (name of the division punched at).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub division_name: Option<String>,
    /// 緯度 (latitude); absent when not recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latitude: Option<f64>,
    /// 経度 (longitude); absent when not recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub longitude: Option<f64>,
    /// 打刻方法コード (how the punch was made), e.g. `300`. Seen in the official
    /// example only, not in the response definition.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credential_code: Option<u32>,
    /// 打刻方法名 (how the punch was made), e.g. `"KOTSL"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credential_name: Option<String>,
}

/// Body of `POST /daily-workings/timerecord/{employeeKey}` (打刻登録, one punch).
///
/// Two ways to build it:
///
/// * [`PunchRequest::new`]: you give the work date (勤務日); `code` may be
///   `None`, and KOT then decides the punch type itself;
/// * [`PunchRequest::omitted_working_day`]: KOT assigns the work date
///   (`isOmittedWorkingDay: true`, no `date`); the punch type is required.
///
/// `time` is always written with seconds in JST (`+09:00`), whatever offset it
/// was given in. Punches are **not idempotent**: sending the same body twice
/// records two punches.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PunchRequest {
    /// 勤務日 (work date); `None` with `is_omitted_working_day = Some(true)`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<NaiveDate>,
    /// 打刻時間 (punch time), stored in JST.
    #[serde(with = "kot_seconds")]
    pub time: DateTime<FixedOffset>,
    /// 打刻種別コード; `None` lets KOT decide (only when `date` is given).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<PunchCode>,
    /// 打刻先所属コード; `None` means the employee's own division.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub division_code: Option<DivisionCode>,
    /// 緯度 (latitude).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latitude: Option<f64>,
    /// 経度 (longitude).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub longitude: Option<f64>,
    /// 勤務日省略: `true` lets KOT assign the work date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_omitted_working_day: Option<bool>,
}

impl PunchRequest {
    /// A punch on the given work date. Pass a [`PunchCode`] or `None` (KOT then
    /// chooses the punch type).
    pub fn new<Tz: TimeZone>(
        date: NaiveDate,
        time: DateTime<Tz>,
        code: impl Into<Option<PunchCode>>,
    ) -> Self {
        PunchRequest {
            date: Some(date),
            time: time.with_timezone(&jst()),
            code: code.into(),
            division_code: None,
            latitude: None,
            longitude: None,
            is_omitted_working_day: None,
        }
    }

    /// A punch whose work date KOT assigns (`isOmittedWorkingDay: true`, no `date`).
    pub fn omitted_working_day<Tz: TimeZone>(time: DateTime<Tz>, code: PunchCode) -> Self {
        PunchRequest {
            date: None,
            time: time.with_timezone(&jst()),
            code: Some(code),
            division_code: None,
            latitude: None,
            longitude: None,
            is_omitted_working_day: Some(true),
        }
    }

    /// Sets the division punched at (打刻先所属).
    pub fn division_code(mut self, code: impl Into<DivisionCode>) -> Self {
        self.division_code = Some(code.into());
        self
    }

    /// Sets the location (緯度, 経度).
    pub fn location(mut self, latitude: f64, longitude: f64) -> Self {
        self.latitude = Some(latitude);
        self.longitude = Some(longitude);
        self
    }
}

/// Response (201) of `POST /daily-workings/timerecord/{employeeKey}`.
///
/// Unlike the GET responses, `timeRecord` is a single object here. When the
/// punch was sent without a code, `time_record.code` tells which type KOT chose.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct PunchResponse {
    /// 日付 (work date the punch was attached to).
    pub date: NaiveDate,
    /// 従業員識別キー (employee key).
    pub employee_key: EmployeeKey,
    /// The registered punch.
    pub time_record: TimeRecord,
}
