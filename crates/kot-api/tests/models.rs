//! Decode / encode tests of `kot_api::models` against the official examples
//! (`tests/fixtures/official_*.json`, verbatim from the KOT documentation as
//! transcribed) and made-up data (`tests/fixtures/synthetic_*.json`).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fmt::Debug;
use std::path::Path;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, TimeZone, Utc};
use kot_api::models::*;
use proptest::prelude::*;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

const KEY_1000: &str = "8b6ee646a9620b286499c3df6918c4888a97dd7bbc6a26a18743f4697a1de4b3";

fn fixture(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn decode<T: DeserializeOwned>(name: &str) -> T {
    serde_json::from_str(&fixture(name)).unwrap_or_else(|e| panic!("decoding {name}: {e}"))
}

/// decode → encode → decode gives the same value.
fn round_trip<T: Serialize + DeserializeOwned + PartialEq + Debug>(name: &str) -> T {
    let first: T = decode(name);
    let json = serde_json::to_string(&first).unwrap();
    let second: T =
        serde_json::from_str(&json).unwrap_or_else(|e| panic!("re-decoding {name}: {e}\n{json}"));
    assert_eq!(first, second, "round trip of {name}");
    first
}

/// decode → encode gives back exactly the fixture's JSON value.
fn assert_same_json<T: Serialize + DeserializeOwned>(name: &str) {
    let original: Value = decode(name);
    let typed: T = decode(name);
    assert_eq!(serde_json::to_value(&typed).unwrap(), original, "{name}");
}

fn jst_time(y: i32, m: u32, d: u32, h: u32, min: u32, s: u32) -> DateTime<FixedOffset> {
    jst().with_ymd_and_hms(y, m, d, h, min, s).unwrap()
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn assert_official_current_date_employee(e: &CurrentDateEmployee) {
    assert_eq!(e.division_code, Some(DivisionCode::new("1000")));
    assert_eq!(e.division_name.as_deref(), Some("本社"));
    assert_eq!(e.gender, Some(Gender::Male));
    assert_eq!(e.type_code, Some(EmployeeTypeCode::new("1")));
    assert_eq!(e.type_name.as_deref(), Some("正社員"));
    assert_eq!(e.code, Some(EmployeeCode::new("1000")));
    assert_eq!(e.last_name.as_deref(), Some("勤怠"));
    assert_eq!(e.first_name.as_deref(), Some("太郎"));
    assert_eq!(e.last_name_phonetics.as_deref(), Some("キンタイ"));
    assert_eq!(e.first_name_phonetics.as_deref(), Some("タロウ"));
    assert_eq!(e.employee_groups.len(), 2);
    assert_eq!(e.employee_groups[0].code.as_str(), "0001");
    assert_eq!(e.employee_groups[1].name.as_deref(), Some("総務部"));
}

// ---------------------------------------------------------------------------
// Official examples
// ---------------------------------------------------------------------------

#[test]
fn official_daily_workings_decode() {
    let days: Vec<DailyWorkingsOfDay> = decode("official_daily_workings.json");
    assert_eq!(days.len(), 1);
    assert_eq!(days[0].date, date(2016, 5, 1));
    let w = &days[0].daily_workings[0];
    assert_eq!(w.date, date(2016, 5, 1));
    assert_eq!(w.employee_key.as_str(), KEY_1000);
    assert_official_current_date_employee(w.current_date_employee.as_ref().unwrap());
    assert_eq!(w.work_place_division_code, Some(DivisionCode::new("1000")));
    assert_eq!(w.work_place_division_name.as_deref(), Some("本社"));
    assert_eq!(
        (w.is_closing, w.is_help, w.is_error),
        (Some(true), Some(false), Some(false))
    );
    assert_eq!(w.workday_type_name.as_deref(), Some("平日"));
    assert_eq!(w.assigned, Some(480));
    assert_eq!(w.unassigned, Some(135));
    assert_eq!(w.overtime, Some(135));
    assert_eq!(w.late_night, Some(0));
    assert_eq!(w.late_night_unassigned, Some(0));
    assert_eq!(w.late_night_overtime, Some(0));
    assert_eq!(w.break_time, Some(60));
    assert_eq!(w.late, Some(0));
    assert_eq!(w.early_leave, Some(0));
    assert_eq!(w.total_work, Some(615));
    assert_eq!(w.auto_break_off, Some(1));
    assert_eq!(w.discretionary_vacation, Some(0));

    let h = w.holidays_obtained.as_ref().unwrap();
    let full = h.fulltime_holiday.as_ref().unwrap();
    assert_eq!((full.code, full.name.as_deref()), (1, Some("有休")));
    assert_eq!(h.halfday_holidays[0].type_name.as_deref(), Some("PM休"));
    assert_eq!(h.halfday_holidays[0].code, 1);
    let hour = &h.hour_holidays[0];
    assert_eq!(hour.start, Some(jst_time(2016, 5, 1, 10, 0, 0)));
    assert_eq!(hour.end, Some(jst_time(2016, 5, 1, 11, 0, 0)));
    assert_eq!(hour.minutes, Some(60));
    assert_eq!(hour.code, 1);

    let custom = &w.custom_daily_workings;
    assert_eq!(custom.len(), 3);
    assert_eq!(custom[0].code, "dCus1");
    assert_eq!(custom[0].name.as_deref(), Some("日別カスタム1"));
    assert_eq!(custom[1].calculation_unit_code, Some(2));
    assert_eq!(custom[1].calculation_result, Some(10.0));
    assert_eq!(custom[2].calculation_unit_code, Some(4));
    assert_eq!(custom[2].calculation_result, Some(100.0));
}

#[test]
fn official_time_records_decode() {
    let days: Vec<DailyTimeRecordsOfDay> = decode("official_time_records.json");
    let day = &days[0];
    assert_eq!(day.date, date(2016, 5, 1));
    let emp = &day.daily_workings[0];
    assert_eq!(emp.employee_key, EmployeeKey::new(KEY_1000));
    assert_official_current_date_employee(emp.current_date_employee.as_ref().unwrap());
    let r = &emp.time_record;
    assert_eq!(r.len(), 4);

    assert_eq!(r[0].time, jst_time(2016, 5, 1, 9, 0, 0));
    assert_eq!(r[0].time.offset().local_minus_utc(), 9 * 3600);
    assert_eq!(r[0].code, Some(PunchCode::ClockIn));
    assert_eq!(r[0].name.as_deref(), Some("出勤"));
    assert_eq!(r[0].division_code, Some(DivisionCode::new("1000")));
    assert_eq!(r[0].division_name.as_deref(), Some("本社"));
    assert_eq!(r[0].latitude, Some(35.6672237));
    assert_eq!(r[0].longitude, Some(139.7422207));
    assert_eq!(r[0].credential_code, None);

    // The official example really says 2015 here (a typo); it must decode as given.
    assert_eq!(r[1].time, jst_time(2015, 5, 1, 18, 0, 0));
    assert_eq!(r[1].code, Some(PunchCode::ClockOut));
    assert_eq!(r[1].credential_code, Some(300));
    assert_eq!(r[1].credential_name.as_deref(), Some("KOTSL"));

    // Records without a location.
    assert_eq!(r[2].code, Some(PunchCode::BreakStart));
    assert_eq!(r[2].name.as_deref(), Some("休憩開始"));
    assert_eq!((r[2].latitude, r[2].longitude), (None, None));
    assert_eq!(r[3].code, Some(PunchCode::BreakEnd));
    assert_eq!(r[3].time, jst_time(2016, 5, 1, 11, 0, 0));
}

#[test]
fn official_punch_request_examples_match_our_serialization() {
    let time = jst_time(2016, 5, 1, 9, 0, 0);

    let first = PunchRequest::new(date(2016, 5, 1), time, None).location(35.6672237, 139.7422207);
    let expected: Value = decode("official_punch_request_1.json");
    assert_eq!(serde_json::to_value(&first).unwrap(), expected);

    let second =
        PunchRequest::new(date(2016, 5, 1), time, PunchCode::ClockIn).division_code("1000");
    let expected: Value = decode("official_punch_request_2.json");
    assert_eq!(serde_json::to_value(&second).unwrap(), expected);

    // And the examples decode into the same requests.
    assert_eq!(
        decode::<PunchRequest>("official_punch_request_1.json"),
        first
    );
    assert_eq!(
        decode::<PunchRequest>("official_punch_request_2.json"),
        second
    );
}

#[test]
fn punch_request_time_is_written_in_jst_with_seconds_even_from_utc() {
    let utc = Utc.with_ymd_and_hms(2016, 5, 1, 0, 0, 0).unwrap();
    let req = PunchRequest::new(date(2016, 5, 1), utc, PunchCode::ClockIn);
    let v = serde_json::to_value(&req).unwrap();
    assert_eq!(v["time"], "2016-05-01T09:00:00+09:00");
    assert_eq!(v["code"], "1");

    // A non-JST offset is converted too.
    let ny = FixedOffset::west_opt(4 * 3600)
        .unwrap()
        .with_ymd_and_hms(2016, 4, 30, 20, 0, 30)
        .unwrap();
    let req = PunchRequest::new(date(2016, 5, 1), ny, None);
    let v = serde_json::to_value(&req).unwrap();
    assert_eq!(v["time"], "2016-05-01T09:00:30+09:00");
    assert!(v.get("code").is_none());
}

#[test]
fn punch_request_omitted_working_day() {
    let utc = Utc.with_ymd_and_hms(2024, 4, 1, 15, 30, 0).unwrap();
    let req = PunchRequest::omitted_working_day(utc, PunchCode::ClockOut)
        .division_code(DivisionCode::new("2000"))
        .location(35.0, 139.5);
    assert_eq!(
        serde_json::to_value(&req).unwrap(),
        json!({
            "time": "2024-04-02T00:30:00+09:00",
            "code": "2",
            "divisionCode": "2000",
            "latitude": 35.0,
            "longitude": 139.5,
            "isOmittedWorkingDay": true
        })
    );
    assert_eq!(req.date, None);
}

#[test]
fn official_punch_responses_decode() {
    let resp: PunchResponse = decode("official_punch_response_1.json");
    assert_eq!(resp.date, date(2016, 5, 1));
    assert_eq!(resp.employee_key.as_str(), KEY_1000);
    let tr = &resp.time_record;
    assert_eq!(tr.time, jst_time(2016, 5, 1, 9, 0, 0));
    assert_eq!(tr.code, Some(PunchCode::ClockIn));
    assert_eq!(tr.name.as_deref(), Some("出勤"));
    assert_eq!(tr.division_name.as_deref(), Some("正社員"));
    assert_eq!(
        tr.division_code.as_ref().map(DivisionCode::as_str),
        Some("1000")
    );
    assert_eq!(tr.latitude, Some(35.6672237));

    let resp: PunchResponse = decode("official_punch_response_2.json");
    assert_eq!(resp.time_record.longitude, None);
    assert_eq!(
        resp.time_record.code.as_ref().unwrap().label_ja(),
        Some("出勤")
    );
}

#[test]
fn official_employee_decode() {
    let e: Employee = decode("official_employee.json");
    assert_eq!(e.code, EmployeeCode::new("1000"));
    assert_eq!(e.key, EmployeeKey::new(KEY_1000));
    assert_eq!(e.division_code.as_ref().unwrap().as_str(), "1000");
    assert_eq!(e.division_name.as_deref(), Some("本社"));
    assert_eq!(e.gender, Some(Gender::Male));
    assert_eq!(e.type_code, Some(EmployeeTypeCode::from("1")));
    assert_eq!(e.type_name.as_deref(), Some("正社員"));
    assert_eq!(e.last_name.as_deref(), Some("勤怠"));
    assert_eq!(e.first_name.as_deref(), Some("太郎"));
    assert_eq!(e.email_addresses, vec!["kintaitarou@h-t.co.jp".to_owned()]);
    assert_eq!(e.employee_groups.len(), 2);
    assert_eq!(e.employee_groups[0].code, EmployeeGroupCode::new("0001"));
    assert_eq!(e.employee_groups[0].name.as_deref(), Some("人事部"));
    assert_eq!(e.hired_date, None);
    assert_eq!(e.all_day_regarding_work_in_minute, None);
}

#[test]
fn synthetic_employee_with_additional_fields_decodes() {
    let e: Employee = decode("synthetic_employee_full.json");
    // Leading zeros are kept: codes are opaque strings.
    assert_eq!(e.code.as_str(), "0012");
    assert_eq!(e.gender, Some(Gender::Female));
    assert_eq!(e.last_name_phonetics.as_deref(), Some("シケン"));
    assert_eq!(e.first_name_phonetics.as_deref(), Some("ハナコ"));
    assert_eq!(e.hired_date, Some(date(2020, 4, 1)));
    assert_eq!(e.birth_date, Some(date(1990, 12, 31)));
    assert_eq!(e.resignation_date, Some(date(2025, 3, 31)));
    assert_eq!(e.email_addresses.len(), 2);
    assert_eq!(e.all_day_regarding_work_in_minute, Some(360));
    assert!(e.employee_groups.is_empty());
}

#[test]
fn employee_with_only_code_and_key_decodes() {
    let e: Employee = decode("synthetic_employee_minimal.json");
    assert_eq!(e.code.as_str(), "0012");
    assert!(e.key.as_str().starts_with("0a1b2c"));
    assert_eq!(e.division_code, None);
    assert_eq!(e.gender, None);
    assert!(e.email_addresses.is_empty());
    assert!(e.employee_groups.is_empty());
    // Absent members stay absent when encoded again.
    assert_same_json::<Employee>("synthetic_employee_minimal.json");

    // Without the key it is not an employee record.
    assert!(serde_json::from_value::<Employee>(json!({"code": "1"})).is_err());
}

#[test]
fn official_employee_request_matches_new_employee() {
    let new = NewEmployee::new(
        EmployeeCode::new("1000"),
        "勤怠",
        "太郎",
        DivisionCode::new("1000"),
        EmployeeTypeCode::new("1"),
        Gender::Male,
    )
    .with_email_address("kintaitarou@h-t.co.jp");
    let expected: Value = decode("official_employee_request.json");
    assert_eq!(serde_json::to_value(&new).unwrap(), expected);
    assert_eq!(decode::<NewEmployee>("official_employee_request.json"), new);

    let more = new
        .with_phonetics("キンタイ", "タロウ")
        .with_hired_date(date(2016, 4, 1))
        .with_birth_date(date(1990, 1, 2))
        .with_resignation_date(date(2030, 3, 31))
        .with_all_day_regarding_work_in_minute(480);
    let v = serde_json::to_value(&more).unwrap();
    assert_eq!(v["lastNamePhonetics"], "キンタイ");
    assert_eq!(v["firstNamePhonetics"], "タロウ");
    assert_eq!(v["hiredDate"], "2016-04-01");
    assert_eq!(v["birthDate"], "1990-01-02");
    assert_eq!(v["resignationDate"], "2030-03-31");
    assert_eq!(v["allDayRegardingWorkInMinute"], 480);
    assert!(v.get("key").is_none());
}

#[test]
fn employee_update_keeps_clears_and_sets() {
    assert_eq!(serde_json::to_string(&EmployeeUpdate::new()).unwrap(), "{}");
    assert!(EmployeeUpdate::default().is_empty());

    let update = EmployeeUpdate {
        division_code: Patch::Set(DivisionCode::new("2000")),
        last_name: "山田".to_owned().into(),
        hired_date: Patch::Set(date(2020, 4, 1)),
        resignation_date: Patch::Clear,
        email_addresses: Patch::Clear,
        all_day_regarding_work_in_minute: Patch::Set(450),
        ..EmployeeUpdate::default()
    };
    assert!(!update.is_empty());
    assert_eq!(
        serde_json::to_string(&update).unwrap(),
        r#"{"divisionCode":"2000","lastName":"山田","hiredDate":"2020-04-01","resignationDate":null,"emailAddresses":null,"allDayRegardingWorkInMinute":450}"#
    );

    // Reading back: absent → Keep, null → Clear, value → Set.
    let back: EmployeeUpdate =
        serde_json::from_str(&serde_json::to_string(&update).unwrap()).unwrap();
    assert_eq!(back, update);
    assert!(back.gender.is_keep());
    assert!(back.resignation_date.is_clear());
    assert_eq!(back.last_name.as_set().map(String::as_str), Some("山田"));
}

#[test]
fn patch_keep_is_never_written_as_null() {
    // Serialising a Keep that was not skipped is an error, not a silent `null`
    // (which would clear the item on the server).
    assert!(serde_json::to_value(Patch::<i32>::Keep).is_err());
    assert_eq!(
        serde_json::to_value(Patch::<i32>::Clear).unwrap(),
        Value::Null
    );
    assert_eq!(serde_json::to_value(Patch::from(5)).unwrap(), json!(5));
    assert_eq!(Patch::<i32>::default(), Patch::Keep);
    assert_eq!(Patch::set_or_clear(None::<i32>), Patch::Clear);
    assert_eq!(Patch::Set(2).map(|v| v * 2), Patch::Set(4));
}

#[test]
fn official_company_decode() {
    let c: Company = decode("official_company.json");
    assert_eq!(c.key, CompanyKey::new("1qazxsw23edc...."));
    assert_eq!(c.code, "cmp");
    assert_eq!(c.name.as_deref(), Some("企業名"));
    assert_eq!(c.host.as_deref(), Some("s2.kingtime.jp"));
    assert_eq!(c.business_year_start_date.as_deref(), Some("04/01"));
    let s = c.settings.unwrap();
    assert_eq!(s.time_display_format, Some(TimeDisplayFormat::Decimal));
    assert_eq!(s.decimal_treat_type, Some(DecimalTreatType::RoundUp));
    assert_eq!(s.half_day_working_count, None);
}

#[test]
fn synthetic_company_settings_keep_unknown_values() {
    let c: Company = decode("synthetic_company_full.json");
    let s = c.settings.unwrap();
    assert_eq!(s.time_display_format, Some(TimeDisplayFormat::Sexagesimal));
    assert_eq!(
        s.decimal_treat_type,
        Some(DecimalTreatType::Unknown("roundHalfEven".to_owned()))
    );
    assert_eq!(s.half_day_working_count, Some(HalfDayWorkingCount::HalfDay));
    assert_same_json::<Company>("synthetic_company_full.json");
}

#[test]
fn official_administrators_decode() {
    let admins: Vec<Administrator> = decode("official_administrators.json");
    assert_eq!(admins.len(), 2);
    assert_eq!(admins[0].code, AdministratorCode::new("admin"));
    assert_eq!(
        admins[0].key.as_str(),
        "4888a97dd7bbc6a26a18743f4697a1de4b38b6ee646a9620b286499c3df6918c"
    );
    assert_eq!(admins[0].name.as_deref(), Some("全権管理者"));
    assert!(admins[0].associated_employees.is_empty());
    assert!(admins[0].email_addresses.is_empty());
    let linked = &admins[1].associated_employees;
    assert_eq!(admins[1].name.as_deref(), Some("エリアマネージャー"));
    assert_eq!(linked.len(), 2);
    assert_eq!(linked[0].code, EmployeeCode::new("1000"));
    assert_eq!(linked[0].key, EmployeeKey::new(KEY_1000));
    assert_eq!(linked[1].first_name.as_deref(), Some("花子"));
    assert_eq!(linked[1].last_name.as_deref(), Some("勤怠"));
}

#[test]
fn administrator_email_addresses_accept_string_or_array() {
    let admins: Vec<Administrator> = decode("synthetic_administrators_email.json");
    assert_eq!(
        admins[0].email_addresses,
        vec!["hr01@example.com".to_owned()]
    );
    assert_eq!(
        admins[1].email_addresses,
        vec![
            "hr02@example.com".to_owned(),
            "hr02-alt@example.com".to_owned()
        ]
    );
    // Normalised to an array on output.
    let v = serde_json::to_value(&admins[0]).unwrap();
    assert_eq!(v["emailAddresses"], json!(["hr01@example.com"]));
}

#[test]
fn official_divisions_decode_with_day_border_times() {
    let divisions: Vec<Division> = decode("official_divisions.json");
    assert_eq!(divisions[0].code.as_str(), "1000");
    assert_eq!(divisions[0].name.as_deref(), Some("本社"));
    assert_eq!(divisions[0].day_border_time.as_deref(), Some("00:00"));
    assert_eq!(
        divisions[0].day_border_time(),
        NaiveTime::from_hms_opt(0, 0, 0)
    );
    assert_eq!(divisions[1].name.as_deref(), Some("支社"));
    assert_eq!(
        divisions[1].day_border_time(),
        NaiveTime::from_hms_opt(5, 0, 0)
    );

    let odd: Division =
        serde_json::from_value(json!({"code": "3", "dayBorderTime": "5時"})).unwrap();
    assert_eq!(odd.day_border_time(), None);
    let none: Division = serde_json::from_value(json!({"code": "4"})).unwrap();
    assert_eq!(none.day_border_time(), None);
}

#[test]
fn official_working_types_and_employee_groups_decode() {
    let types: Vec<WorkingType> = decode("official_working_types.json");
    assert_eq!(types[0].code, WorkingTypeCode::new("1"));
    assert_eq!(types[0].name.as_deref(), Some("正社員"));

    let groups: Vec<EmployeeGroup> = decode("official_employee_groups.json");
    assert_eq!(groups[0].code.as_str(), "0001");
    assert_eq!(groups[0].name.as_deref(), Some("人事部"));
    let category = groups[0].category.as_ref().unwrap();
    assert_eq!(category.code, "KEIKAN");
    assert_eq!(category.name.as_deref(), Some("経営管理本部"));
}

#[test]
fn official_monthly_workings_decode() {
    let months: Vec<MonthlyWorking> = decode("official_monthly_workings.json");
    let m = &months[0];
    assert_eq!((m.year, m.month), (2016, 6));
    assert_eq!(m.employee_key.as_str(), KEY_1000);
    assert_official_current_date_employee(m.current_date_employee.as_ref().unwrap());
    assert_eq!(m.start_date, Some(date(2016, 6, 1)));
    assert_eq!(m.end_date, Some(date(2016, 6, 21)));
    assert_eq!(m.working_count, Some(14.0));
    assert_eq!(m.weekday_working_count, Some(14.0));
    assert_eq!(m.late_count, Some(0));
    assert_eq!(m.early_leave_count, Some(0));
    assert_eq!(m.working_day_count, Some(14.0));
    assert_eq!(m.weekday_workingday_count, Some(14.0));
    assert_eq!(m.absentday_count, Some(0.0));
    assert_eq!(m.holidays_obtained[0].code, 1);
    assert_eq!(m.holidays_obtained[0].name.as_deref(), Some("有休"));
    assert_eq!(m.holidays_obtained[0].day_count, Some(0.0));
    assert_eq!(m.break_sum, Some(840));
    assert_eq!(m.night_unassigned, None);
    assert_eq!(m.holiday_work.as_ref().unwrap().extra, Some(0));
    assert_eq!(m.premium_work.as_ref().unwrap().night_overtime2, Some(0));
    assert_eq!(m.legal_holiday_work.as_ref().unwrap().day_count, Some(0.0));
    assert_eq!(m.general_holiday_work.as_ref().unwrap().count, Some(0));
    assert_eq!(m.bind, Some(0));
    assert_eq!(m.regarding, Some(0));
    assert_eq!(m.is_closing, Some(false));
    assert_eq!(m.custom_monthly_workings.len(), 3);
    assert_eq!(m.custom_monthly_workings[1].code, "mCus2");
    assert_eq!(
        m.custom_monthly_workings[1]
            .calculation_unit_name
            .as_deref(),
        Some("時間")
    );
    assert_eq!(m.custom_monthly_workings[2].calculation_result, Some(100.0));
    assert_eq!(m.interval_shortage_count, Some(1));
    assert_eq!(m.weekly_work, None);
    assert_eq!(m.variational_work, None);
}

#[test]
fn synthetic_monthly_working_with_additional_fields_and_string_year() {
    let m: MonthlyWorking = decode("synthetic_monthly_working_additional.json");
    assert_eq!((m.year, m.month), (2024, 4));
    assert_eq!(m.working_day_count, Some(19.5));
    assert_eq!(m.absentday_count, Some(0.5));
    assert_eq!(m.night_unassigned, Some(30));
    let weekly = m.weekly_work.as_ref().unwrap();
    assert_eq!(weekly.overtime, Some(120));
    assert_eq!(weekly.night_overtime, Some(15));
    let v = m.variational_work.as_ref().unwrap();
    assert_eq!(v.yearly_overtime, Some(600));
    assert_eq!(v.monthly_night_overtime, Some(10));
    assert_eq!(v.weekly_general_holiday_night_overtime, Some(0));
    assert_eq!(m.is_confirmation, Some(true));
    // Written back as numbers.
    let out = serde_json::to_value(&m).unwrap();
    assert_eq!(out["year"], 2024);
    assert_eq!(out["month"], 4);

    let bad = json!({"year": "20x4", "month": 4, "employeeKey": "k"});
    assert!(serde_json::from_value::<MonthlyWorking>(bad).is_err());
    let bad = json!({"year": 2024, "month": 4.5, "employeeKey": "k"});
    assert!(serde_json::from_value::<MonthlyWorking>(bad).is_err());
}

#[test]
fn synthetic_monthly_costs_decode() {
    let costs: Vec<MonthlyCost> = decode("synthetic_monthly_costs.json");
    assert_eq!((costs[0].year, costs[0].month), (2024, 4));
    assert_eq!(costs[0].start_date, Some(date(2024, 4, 1)));
    assert_eq!(costs[0].end_date, Some(date(2024, 4, 30)));
    assert_eq!(costs[0].labor_cost_estimate, Some(245_000));
    assert_eq!(costs[0].transportation_expense, Some(12_600));
    let cde = costs[0].current_date_employee.as_ref().unwrap();
    assert_eq!(cde.gender, Some(Gender::NotSelected));
    assert_eq!(cde.code.as_ref().unwrap().as_str(), "0012");
    // year/month as strings; costs absent.
    assert_eq!((costs[1].year, costs[1].month), (2024, 4));
    assert_eq!(costs[1].labor_cost_estimate, None);
}

#[test]
fn official_holiday_remained_decode() {
    let items: Vec<HolidayRemained> = decode("official_holiday_remained.json");
    let h = &items[0];
    assert_eq!(h.date, date(2016, 6, 30));
    assert_eq!(h.close_date, Some(30));
    assert_eq!(h.employee_key.as_str(), KEY_1000);
    assert_official_current_date_employee(h.current_date_employee.as_ref().unwrap());
    assert_eq!(h.holiday_remained.len(), 2);
    assert_eq!(h.holiday_remained[0].code, 1);
    assert_eq!(h.holiday_remained[0].day, Some(0.0));
    assert_eq!(h.holiday_remained[0].minutes, Some(0));
    assert_eq!(h.holiday_remained[1].code, 2);
    assert_eq!(h.holiday_remained[1].name.as_deref(), Some("代休"));
}

#[test]
fn official_yearly_holidays_decode() {
    let y: YearlyHolidays = decode("official_yearly_holidays.json");
    assert_eq!(y.year, "2019");
    assert_eq!(y.start_date, Some(date(2019, 1, 1)));
    assert_eq!(y.end_date, Some(date(2019, 12, 31)));
    assert_eq!(y.close_date, Some(30));
    let emp = &y.employees[0];
    assert_eq!(emp.employee_key.as_str(), KEY_1000);
    assert_official_current_date_employee(emp.current_date_employee.as_ref().unwrap());
    let paid = &emp.holidays[0];
    assert_eq!((paid.code, paid.name.as_deref()), (1, Some("有休")));
    assert_eq!(paid.granted[0].date, Some(date(2019, 1, 1)));
    assert_eq!(paid.granted[0].days, Some(5.0));
    assert_eq!(paid.granted[0].minutes, Some(120));
    assert_eq!(paid.granted[0].effective_period, Some(date(2019, 4, 1)));
    // Entries with only one of days / minutes.
    assert_eq!(paid.granted[1].days, None);
    assert_eq!(paid.granted[1].minutes, Some(180));
    assert_eq!(paid.obtained[0].days, Some(1.0));
    assert_eq!(paid.obtained[0].minutes, None);
    assert_eq!(paid.remained[0].days, Some(2.0));
    assert_eq!(paid.expired[1].date, Some(date(2019, 3, 1)));
    assert_eq!(paid.expired[1].minutes, Some(120));
    assert_eq!(emp.holidays[1].code, 2);
    assert_eq!(emp.holidays[1].name.as_deref(), Some("代休"));

    // The schema says the year is an integer: accept that too, kept as text.
    let mut v: Value = decode("official_yearly_holidays.json");
    v["year"] = json!(2019);
    let y2: YearlyHolidays = serde_json::from_value(v).unwrap();
    assert_eq!(y2, y);
}

#[test]
fn official_schedule_requests_decode() {
    let r: ScheduleRequests = decode("official_schedule_requests.json");
    assert_eq!((r.year, r.month), (2018, 8));
    let s = &r.schedule_requests[0];
    assert_eq!(s.date, date(2018, 8, 1));
    assert_eq!(s.requested_date, Some(date(2018, 8, 10)));
    assert_eq!(
        s.employee_key.as_str(),
        "c77a34b32f5de30b6335d141ad714baf6713cd21ca98689efec9fe2735215201"
    );
    assert_eq!(
        s.request_key,
        RequestKey::new("59d25f49d4dce8b6e6658cc6b5c3b89b34c617916f90f6e27e9a9fa6cca576a4")
    );
    let applicant = s.applicant.as_ref().unwrap();
    assert_eq!(applicant.applicant_type, Some(ApplicantType::Employee));
    assert_eq!(applicant.employee_key(), Some(s.employee_key.clone()));
    assert_eq!(applicant.administrator_key(), None);
    assert_eq!(s.status, Some(RequestStatus::Applying));
    assert_eq!(s.current_flow, Some(2));
    assert_eq!(s.flow.len(), 3);
    assert_eq!(s.flow[2].level, Some(3));
    assert_eq!(
        s.flow[2].administrator_keys[0].as_str(),
        "c77a34b32f5de30b6335d141ad714baf6713cd21ca98689efec9fe273526fac111"
    );
    assert_eq!(s.message.as_deref(), Some("申請いたします"));
    assert_eq!(s.admin_comment.as_deref(), Some("第1承認者承認済"));
    assert!(s.last_modified_administrator_key.is_some());

    let req = s.requested.as_ref().unwrap();
    assert_eq!(req.clock_in_schedule, Some(jst_time(2018, 8, 1, 9, 0, 0)));
    assert_eq!(req.clock_out_schedule, Some(jst_time(2018, 8, 1, 18, 0, 0)));
    assert_eq!(req.break_schedule, Some(60));
    assert_eq!(
        req.start_end_break_schedule[0].start,
        Some(jst_time(2018, 8, 1, 11, 0, 0))
    );
    assert_eq!(req.work_day_type_name.as_deref(), Some("平日"));
    let hour = &req.holidays_obtained.as_ref().unwrap().hour_holidays[0];
    // Minute-form hour holidays parse as well.
    assert_eq!(hour.start, Some(jst_time(2018, 8, 1, 10, 0, 0)));
    assert_eq!(req.overtime_upper_limit, None);
    assert_eq!(req.substitution_clock_in_name.as_deref(), Some("振休"));
    assert_eq!(req.schedule_type_name.as_deref(), Some("通常勤務"));
    assert!(req.extra.is_empty());

    let cur = s.current.as_ref().unwrap();
    assert_eq!(cur.clock_out_schedule, Some(jst_time(2018, 8, 1, 20, 0, 0)));
    assert_eq!(cur.overtime_upper_limit, Some(120));
    assert_eq!(cur.schedule_type_name.as_deref(), Some("シフト"));

    // Re-encoded schedule times keep the minute form.
    let v = serde_json::to_value(&r).unwrap();
    assert_eq!(
        v["scheduleRequests"][0]["requested"]["clockInSchedule"],
        "2018-08-01T09:00+09:00"
    );
}

#[test]
fn schedule_detail_keeps_unknown_members() {
    let v = json!({
        "clockInSchedule": "2018-08-01T09:00+09:00",
        "someNewThing": {"a": 1},
        "anotherOne": "x"
    });
    let d: ScheduleDetail = serde_json::from_value(v.clone()).unwrap();
    assert_eq!(d.extra.len(), 2);
    assert_eq!(d.extra["anotherOne"], "x");
    assert_eq!(serde_json::to_value(&d).unwrap(), v);
}

#[test]
fn official_overtime_requests_decode() {
    let r: OvertimeRequests = decode("official_overtime_requests.json");
    assert_eq!((r.year, r.month), (2018, 8));
    let o = &r.overtime_requests[0];
    assert_eq!(o.status, Some(RequestStatus::Applying));
    assert_eq!(o.current_flow, Some(2));
    assert_eq!(o.flow[0].level, Some(1));
    let req = o.requested.as_ref().unwrap();
    assert_eq!(req.is_before_schedule, Some(true));
    assert_eq!(req.start, Some(jst_time(2018, 8, 1, 8, 0, 0)));
    assert_eq!(req.end, Some(jst_time(2018, 8, 1, 10, 0, 0)));
    let cur = o.current.as_ref().unwrap();
    assert_eq!(cur.start, Some(jst_time(2018, 8, 1, 9, 0, 0)));
    assert_same_json::<OvertimeRequests>("official_overtime_requests.json");
}

#[test]
fn synthetic_timerecord_requests_decode_from_either_key() {
    let r: TimerecordRequests = decode("synthetic_timerecord_requests.json");
    assert_eq!((r.year, r.month), (Some(2024), Some(4)));
    let t = &r.requests[0];
    assert_eq!(t.date, Some(date(2024, 4, 2)));
    assert_eq!(t.requested_date, Some(date(2024, 4, 3)));
    assert_eq!(t.status, Some(RequestStatus::Approved));
    assert_eq!(t.current_flow, Some(1));
    assert_eq!(t.message.as_deref(), Some("出勤打刻漏れのため申請します"));
    assert_eq!(t.extra["someFutureFlag"], true);
    assert_eq!(t.extra["requested"][0]["code"], "1");
    assert_same_json::<TimerecordRequests>("synthetic_timerecord_requests.json");

    let alt: TimerecordRequests = decode("synthetic_timerecord_requests_alt_key.json");
    assert_eq!((alt.year, alt.month), (None, None));
    assert_eq!(alt.requests.len(), 1);
    assert_eq!(
        alt.requests[0].status,
        Some(RequestStatus::Unknown("pending".to_owned()))
    );
    assert_eq!(alt.requests[0].message.as_deref(), Some("退勤修正"));
}

#[test]
fn synthetic_daily_schedules_decode() {
    let days: Vec<DailySchedulesOfDay> = decode("synthetic_daily_schedules.json");
    let s = &days[0].daily_schedules[0];
    assert_eq!(s.date, date(2024, 4, 1));
    assert_eq!(s.clock_in_schedule, Some(jst_time(2024, 4, 1, 9, 0, 0)));
    assert_eq!(s.clock_out_schedule, Some(jst_time(2024, 4, 1, 18, 0, 0)));
    assert_eq!(s.break_schedule, Some(60));
    assert_eq!(
        s.start_end_break_schedule[0].end,
        Some(jst_time(2024, 4, 1, 13, 0, 0))
    );
    let h = s.holidays_obtained.as_ref().unwrap();
    assert_eq!(h.fulltime_holiday, None);
    assert_eq!(h.halfday_holidays[0].type_name.as_deref(), Some("PM休"));
    assert_eq!(s.work_day_type_name.as_deref(), Some("平日"));
    assert_eq!(s.half_day_vacation_type_code.as_deref(), Some("2"));
    assert_eq!(s.half_day_vacation_type_name.as_deref(), Some("PM休"));
    assert_eq!(s.overtime_upper_limit, Some(120));
    assert_eq!(s.work_place_division_code, Some(DivisionCode::new("1000")));
    assert_eq!(s.substitution_clock_in_name.as_deref(), Some("振休"));
    assert_eq!(s.schedule_type_name.as_deref(), Some("通常勤務"));
    assert_eq!(
        s.current_date_employee.as_ref().unwrap().gender,
        Some(Gender::NotSelected)
    );

    let bare = &days[0].daily_schedules[1];
    assert_eq!(bare.clock_in_schedule, None);
    assert!(bare.start_end_break_schedule.is_empty());
    assert_eq!(bare.work_day_type_name.as_deref(), Some("法定休日"));

    let v = serde_json::to_value(&days).unwrap();
    assert_eq!(
        v[0]["dailySchedules"][0]["clockInSchedule"],
        "2024-04-01T09:00+09:00"
    );
    assert_eq!(v[0]["dailySchedules"][0]["workDayTypeName"], "平日");
}

#[test]
fn official_daily_costs_decode() {
    let days: Vec<DailyCostsOfDay> = decode("official_daily_costs.json");
    assert_eq!(days[0].date, date(2016, 5, 1));
    let c = &days[0].daily_workings[0];
    assert_eq!(c.date, date(2016, 5, 1));
    assert_eq!(c.employee_key.as_str(), KEY_1000);
    assert_official_current_date_employee(c.current_date_employee.as_ref().unwrap());
    assert_eq!(c.labor_cost_estimate, Some(8000));
    assert_eq!(c.transportation_expense, Some(1000));
}

#[test]
fn token_models() {
    let a: TokenAvailability = decode("synthetic_token_available.json");
    assert!(a.available);

    let secret = "5e1d0c9b7a3f42e8b6d4c2a0f9e8d7c6";
    let rotated: RotatedToken = decode("synthetic_rotated_token.json");
    let debug = format!("{rotated:?}");
    assert!(!debug.contains(secret), "{debug}");
    assert_eq!(debug, r#"RotatedToken { token: "[REDACTED]" }"#);
    let pretty = format!("{rotated:#?}");
    assert!(!pretty.contains(secret));
    assert_eq!(rotated.expose_token(), secret);
    assert_eq!(rotated.into_token(), secret);
}

// ---------------------------------------------------------------------------
// Time records: defensive shapes and unknown codes
// ---------------------------------------------------------------------------

#[test]
fn time_record_single_object_numeric_code_and_unknown_code() {
    let day: DailyTimeRecordsOfDay = decode("synthetic_time_records_variants.json");
    let single = &day.daily_workings[0].time_record;
    assert_eq!(single.len(), 1);
    assert_eq!(single[0].code, Some(PunchCode::GoOut));
    assert_eq!(single[0].time, jst_time(2024, 4, 1, 12, 30, 15));

    let many = &day.daily_workings[1].time_record;
    // `"code": 1` (a number) and a `Z` time.
    assert_eq!(many[0].code, Some(PunchCode::ClockIn));
    assert_eq!(many[0].time, jst_time(2024, 4, 1, 9, 5, 0));
    // Minute form accepted for a punch time; unknown code kept.
    assert_eq!(many[1].time, jst_time(2024, 4, 1, 19, 10, 0));
    assert_eq!(many[1].code, Some(PunchCode::Unknown("9".to_owned())));
    assert_eq!(many[2].code, Some(PunchCode::Return));
    assert_eq!(many[2].code.as_ref().unwrap().label_ja(), Some("戻り"));

    assert!(day.daily_workings[2].time_record.is_empty());

    // Written back: always an array, codes as strings, times with seconds in JST.
    let v = serde_json::to_value(&day).unwrap();
    assert!(v["dailyWorkings"][0]["timeRecord"].is_array());
    assert_eq!(v["dailyWorkings"][1]["timeRecord"][0]["code"], "1");
    assert_eq!(
        v["dailyWorkings"][1]["timeRecord"][0]["time"],
        "2024-04-01T09:05:00+09:00"
    );
    assert_eq!(v["dailyWorkings"][1]["timeRecord"][1]["code"], "9");
    assert!(v["dailyWorkings"][2].get("timeRecord").is_none());
}

#[test]
fn time_record_with_malformed_time_is_an_error() {
    for bad in [
        json!({"time": "2016-05-01 09:00", "code": "1"}),
        json!({"time": "2016-05-01T09:00", "code": "1"}),
        json!({"time": 1462060800, "code": "1"}),
        json!({"time": null}),
        json!({"code": "1"}),
    ] {
        assert!(
            serde_json::from_value::<TimeRecord>(bad.clone()).is_err(),
            "{bad}"
        );
    }
}

// ---------------------------------------------------------------------------
// Enums and identifiers
// ---------------------------------------------------------------------------

#[test]
fn unknown_enum_values_round_trip() {
    let code: PunchCode = serde_json::from_str(r#""9""#).unwrap();
    assert_eq!(code, PunchCode::Unknown("9".to_owned()));
    assert!(code.is_unknown());
    assert_eq!(code.label_ja(), None);
    assert_eq!(serde_json::to_string(&code).unwrap(), r#""9""#);

    let g: Gender = serde_json::from_str(r#""other""#).unwrap();
    assert_eq!(g.as_str(), "other");
    assert_eq!(serde_json::to_string(&g).unwrap(), r#""other""#);

    let s: RequestStatus = serde_json::from_str(r#""approvalProcess""#).unwrap();
    assert_eq!(s.to_string(), "approvalProcess");
    let a: ApplicantType = serde_json::from_str(r#""system""#).unwrap();
    assert_eq!(a, ApplicantType::Unknown("system".to_owned()));
    let h: HalfDayWorkingCount = serde_json::from_str(r#""quarterDay""#).unwrap();
    assert!(h.is_unknown());
    let t: TimeDisplayFormat = serde_json::from_str(r#""hex""#).unwrap();
    assert!(t.is_unknown());
}

#[test]
fn punch_code_accepts_json_numbers_and_writes_strings() {
    let code: PunchCode = serde_json::from_str("1").unwrap();
    assert_eq!(code, PunchCode::ClockIn);
    assert_eq!(serde_json::to_value(&code).unwrap(), json!("1"));
    let code: PunchCode = serde_json::from_str("8").unwrap();
    assert_eq!(code, PunchCode::Return);
    let code: PunchCode = serde_json::from_str("5").unwrap();
    assert_eq!(code, PunchCode::Unknown("5".to_owned()));
    assert!(serde_json::from_str::<PunchCode>("1.5").is_err());
    assert!(serde_json::from_str::<PunchCode>("true").is_err());
}

#[test]
fn punch_code_strings_and_labels() {
    let expected = [
        (PunchCode::ClockIn, "1", "出勤"),
        (PunchCode::ClockOut, "2", "退勤"),
        (PunchCode::BreakStart, "3", "休憩開始"),
        (PunchCode::BreakEnd, "4", "休憩終了"),
        (PunchCode::GoOut, "7", "外出"),
        (PunchCode::Return, "8", "戻り"),
    ];
    assert_eq!(PunchCode::KNOWN.len(), expected.len());
    for (code, wire, label) in expected {
        assert_eq!(code.as_str(), wire);
        assert_eq!(code.to_string(), wire);
        assert_eq!(code.label_ja(), Some(label));
        assert_eq!(wire.parse::<PunchCode>().unwrap(), code);
        assert_eq!(PunchCode::from(wire.to_owned()), code);
    }
    assert_eq!(Gender::from("no_selected"), Gender::NotSelected);
    assert_eq!(DecimalTreatType::from("round"), DecimalTreatType::Round);
    assert_eq!(
        HalfDayWorkingCount::from("oneDay"),
        HalfDayWorkingCount::OneDay
    );
}

#[test]
fn identifiers_are_opaque_transparent_strings() {
    let code = EmployeeCode::new("00123");
    assert_eq!(code.as_str(), "00123");
    assert_eq!(code.to_string(), "00123");
    assert_eq!(serde_json::to_value(&code).unwrap(), json!("00123"));
    let back: EmployeeCode = serde_json::from_str(r#""00123""#).unwrap();
    assert_eq!(back, code);
    let as_ref: &str = code.as_ref();
    assert_eq!(as_ref, "00123");
    assert_eq!(String::from(code.clone()), "00123");
    assert_eq!(EmployeeKey::from("abc".to_owned()).into_inner(), "abc");
    // No validation at all.
    assert_eq!(DivisionCode::from("").as_str(), "");

    let mut keys = [EmployeeKey::new("b"), EmployeeKey::new("a")];
    keys.sort();
    assert_eq!(keys[0].as_str(), "a");
    let set: std::collections::HashSet<AdministratorKey> =
        [AdministratorKey::new("x"), AdministratorKey::new("x")].into();
    assert_eq!(set.len(), 1);
    assert!(set.contains("x"));
}

// ---------------------------------------------------------------------------
// Datetimes and months
// ---------------------------------------------------------------------------

#[test]
fn both_datetime_forms_parse() {
    let with_seconds = parse_kot_datetime("2016-05-01T09:00:00+09:00").unwrap();
    let without = parse_kot_datetime("2016-05-01T09:00+09:00").unwrap();
    assert_eq!(with_seconds, without);
    assert_eq!(without.offset(), &jst());
    assert_eq!(jst().local_minus_utc(), JST_OFFSET_SECONDS);

    let z = parse_kot_datetime("2016-05-01T00:00Z").unwrap();
    assert_eq!(z, without);
    let z_seconds = parse_kot_datetime("2016-05-01T00:00:00Z").unwrap();
    assert_eq!(z_seconds, without);
    let negative = parse_kot_datetime("2016-04-30T18:30-05:30").unwrap();
    assert_eq!(negative, without);
    let fractional = parse_kot_datetime("2016-05-01T09:00:00.250+09:00").unwrap();
    assert_eq!(format_seconds(&fractional), "2016-05-01T09:00:00+09:00");
}

#[test]
fn datetime_formatters() {
    let utc = Utc.with_ymd_and_hms(2016, 5, 10, 1, 0, 45).unwrap();
    assert_eq!(format_seconds(&utc), "2016-05-10T10:00:45+09:00");
    assert_eq!(format_minutes(&utc), "2016-05-10T10:00+09:00");
}

#[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
struct MinuteField {
    #[serde(with = "kot_minutes")]
    at: DateTime<FixedOffset>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "kot_minutes::option"
    )]
    maybe: Option<DateTime<FixedOffset>>,
}

#[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
struct SecondField {
    #[serde(with = "kot_seconds")]
    at: DateTime<FixedOffset>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "kot_seconds::option"
    )]
    maybe: Option<DateTime<FixedOffset>>,
}

#[test]
fn minute_fields_reserialize_without_seconds() {
    let v: MinuteField = serde_json::from_value(json!({
        "at": "2016-05-10T10:00:00+09:00",
        "maybe": "2016-05-10T01:30Z"
    }))
    .unwrap();
    assert_eq!(
        serde_json::to_value(&v).unwrap(),
        json!({"at": "2016-05-10T10:00+09:00", "maybe": "2016-05-10T10:30+09:00"})
    );
    let none: MinuteField =
        serde_json::from_value(json!({"at": "2016-05-10T10:00+09:00", "maybe": null})).unwrap();
    assert_eq!(none.maybe, None);
    assert_eq!(
        serde_json::to_value(&none).unwrap(),
        json!({"at": "2016-05-10T10:00+09:00"})
    );
    // Non-zero seconds are not silently dropped.
    let odd: MinuteField =
        serde_json::from_value(json!({"at": "2016-05-10T10:00:07+09:00"})).unwrap();
    assert_eq!(
        serde_json::to_value(&odd).unwrap(),
        json!({"at": "2016-05-10T10:00:07+09:00"})
    );
}

#[test]
fn second_fields_reserialize_with_seconds_in_jst() {
    let v: SecondField = serde_json::from_value(json!({
        "at": "2016-05-10T10:00+09:00",
        "maybe": "2016-05-10T00:00:00Z"
    }))
    .unwrap();
    assert_eq!(
        serde_json::to_value(&v).unwrap(),
        json!({"at": "2016-05-10T10:00:00+09:00", "maybe": "2016-05-10T09:00:00+09:00"})
    );
}

#[test]
fn malformed_datetimes_are_errors_not_panics() {
    let inputs = [
        "",
        " ",
        "Z",
        "+09:00",
        "2016-05-01",
        "2016-05-01T09:00",
        "2016-05-01T09:00:00",
        "2016-05-01T09+09:00",
        "2016-05-01T9:00+09:00",
        "2016-05-01T9:00:00+09:00",
        "12016-05-01T09:00+09:00",
        "2016-13-01T09:00+09:00",
        "2016-02-30T09:00+09:00",
        "2016-05-01T24:00+09:00",
        "2016-05-01T09:60+09:00",
        "2016-05-01T09:00+0900",
        "2016-05-01T09:00+24:00",
        "2016-05-01T09:00+09:60",
        "2016-05-01T09:00*09:00",
        "2016-05-01T09:00+0９:00",
        "2016-05-01T09:00+09:０0",
        "2016-05-01T09:00あいう",
        "あいうえおかきくけこ",
        "2016-05-01T09:00:00+09:00 trailing",
        "2016/05/01 09:00+09:00",
        // Instants without a four-digit year in JST, where KOT writes them
        // (found by the datetime_parse fuzz target).
        "9999-12-31T23:59+03:59",
        "9999-12-31T23:00:00Z",
        "0000-01-01T08:59:59+18:00",
        "0000-01-01T00:00+14:00",
    ];
    for input in inputs {
        let err = parse_kot_datetime(input).expect_err(input);
        assert_eq!(err.input(), input);
        assert!(err.to_string().contains("invalid KOT datetime"));
        let as_json = json!({ "at": input });
        assert!(serde_json::from_value::<MinuteField>(as_json.clone()).is_err());
        assert!(serde_json::from_value::<SecondField>(as_json).is_err());
    }
    assert!(serde_json::from_value::<SecondField>(json!({"at": 5})).is_err());
    assert!(
        serde_json::from_value::<SecondField>(json!({"at": "2016-05-01T09:00+09:00", "maybe": 5}))
            .is_err()
    );
}

#[test]
fn year_month_validation_and_display() {
    let ym = YearMonth::new(2016, 6).unwrap();
    assert_eq!((ym.year(), ym.month()), (2016, 6));
    assert_eq!(ym.to_string(), "2016-06");
    assert_eq!("2016-06".parse::<YearMonth>().unwrap(), ym);
    assert_eq!(YearMonth::new(5, 1).unwrap().to_string(), "0005-01");

    assert_eq!(YearMonth::new(2016, 0), Err(YearMonthError::Month(0)));
    assert_eq!(YearMonth::new(2016, 13), Err(YearMonthError::Month(13)));
    assert_eq!(YearMonth::new(0, 1), Err(YearMonthError::Year(0)));
    assert_eq!(YearMonth::new(10_000, 1), Err(YearMonthError::Year(10_000)));
    for bad in [
        "2016-6",
        "2016-13",
        "2016-00",
        "16-06",
        "2016/06",
        "2016-06-01",
        "",
        "abcd-ef",
        "+016-06",
    ] {
        assert!(bad.parse::<YearMonth>().is_err(), "{bad}");
    }

    assert_eq!(serde_json::to_value(ym).unwrap(), json!("2016-06"));
    assert_eq!(
        serde_json::from_value::<YearMonth>(json!("2016-06")).unwrap(),
        ym
    );
    assert!(serde_json::from_value::<YearMonth>(json!("2016-13")).is_err());
    assert!(serde_json::from_value::<YearMonth>(json!(201606)).is_err());
    assert!(YearMonth::new(2016, 5).unwrap() < ym);
}

// ---------------------------------------------------------------------------
// Round trips of every fixture
// ---------------------------------------------------------------------------

#[test]
fn every_fixture_round_trips() {
    round_trip::<Vec<DailyWorkingsOfDay>>("official_daily_workings.json");
    round_trip::<Vec<DailyTimeRecordsOfDay>>("official_time_records.json");
    round_trip::<PunchRequest>("official_punch_request_1.json");
    round_trip::<PunchRequest>("official_punch_request_2.json");
    round_trip::<PunchResponse>("official_punch_response_1.json");
    round_trip::<PunchResponse>("official_punch_response_2.json");
    round_trip::<Employee>("official_employee.json");
    round_trip::<NewEmployee>("official_employee_request.json");
    round_trip::<Company>("official_company.json");
    round_trip::<Vec<Administrator>>("official_administrators.json");
    round_trip::<Vec<Division>>("official_divisions.json");
    round_trip::<Vec<WorkingType>>("official_working_types.json");
    round_trip::<Vec<EmployeeGroup>>("official_employee_groups.json");
    round_trip::<Vec<DailyCostsOfDay>>("official_daily_costs.json");
    round_trip::<Vec<MonthlyWorking>>("official_monthly_workings.json");
    round_trip::<Vec<HolidayRemained>>("official_holiday_remained.json");
    round_trip::<YearlyHolidays>("official_yearly_holidays.json");
    round_trip::<ScheduleRequests>("official_schedule_requests.json");
    round_trip::<OvertimeRequests>("official_overtime_requests.json");
    round_trip::<TokenAvailability>("synthetic_token_available.json");
    round_trip::<Company>("synthetic_company_full.json");
    round_trip::<Employee>("synthetic_employee_full.json");
    round_trip::<Employee>("synthetic_employee_minimal.json");
    round_trip::<Vec<Administrator>>("synthetic_administrators_email.json");
    round_trip::<DailyTimeRecordsOfDay>("synthetic_time_records_variants.json");
    round_trip::<Vec<MonthlyCost>>("synthetic_monthly_costs.json");
    round_trip::<MonthlyWorking>("synthetic_monthly_working_additional.json");
    round_trip::<Vec<DailySchedulesOfDay>>("synthetic_daily_schedules.json");
    round_trip::<TimerecordRequests>("synthetic_timerecord_requests.json");
    round_trip::<TimerecordRequests>("synthetic_timerecord_requests_alt_key.json");
}

#[test]
fn fixtures_with_exact_json_forms_re_encode_identically() {
    assert_same_json::<Vec<DailyTimeRecordsOfDay>>("official_time_records.json");
    assert_same_json::<PunchResponse>("official_punch_response_1.json");
    assert_same_json::<PunchResponse>("official_punch_response_2.json");
    assert_same_json::<Employee>("official_employee.json");
    assert_same_json::<NewEmployee>("official_employee_request.json");
    assert_same_json::<Company>("official_company.json");
    assert_same_json::<Vec<Administrator>>("official_administrators.json");
    assert_same_json::<Vec<Division>>("official_divisions.json");
    assert_same_json::<Vec<WorkingType>>("official_working_types.json");
    assert_same_json::<Vec<EmployeeGroup>>("official_employee_groups.json");
    assert_same_json::<Vec<DailyCostsOfDay>>("official_daily_costs.json");
    assert_same_json::<OvertimeRequests>("official_overtime_requests.json");
    assert_same_json::<TokenAvailability>("synthetic_token_available.json");
}

#[test]
fn every_fixture_is_covered() {
    let tests = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let mut source = String::new();
    for entry in std::fs::read_dir(&tests).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "rs") {
            source.push_str(&std::fs::read_to_string(path).unwrap());
        }
    }
    for entry in std::fs::read_dir(tests.join("fixtures")).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        assert!(
            name.starts_with("official_") || name.starts_with("synthetic_"),
            "fixture {name} must be marked official_ or synthetic_"
        );
        assert!(
            source.contains(&format!("\"{name}\"")),
            "fixture {name} is not used"
        );
    }
}

// ---------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------

proptest! {
    #[test]
    fn year_month_round_trips_through_text(year in 1i32..=9999, month in 1u32..=12) {
        let ym = YearMonth::new(year, month).unwrap();
        let text = ym.to_string();
        prop_assert_eq!(text.len(), 7);
        prop_assert_eq!(text.parse::<YearMonth>().unwrap(), ym);
        let json = serde_json::to_string(&ym).unwrap();
        prop_assert_eq!(serde_json::from_str::<YearMonth>(&json).unwrap(), ym);
    }

    #[test]
    fn punch_time_round_trips_through_text(
        // 1970-01-01 .. 2100-01-01, whole seconds, any offset within ±14 h.
        secs in 0i64..4_102_444_800,
        offset_minutes in -14i32 * 60..=14 * 60,
    ) {
        let offset = FixedOffset::east_opt(offset_minutes * 60).unwrap();
        let t = offset.timestamp_opt(secs, 0).unwrap();
        let text = format_seconds(&t);
        prop_assert!(text.ends_with("+09:00"));
        let parsed = parse_kot_datetime(&text).unwrap();
        prop_assert_eq!(parsed, t);
        prop_assert_eq!(parsed.offset().local_minus_utc(), JST_OFFSET_SECONDS);

        let request = PunchRequest::new(NaiveDate::from_ymd_opt(2024, 1, 1).unwrap(), t, None);
        let json = serde_json::to_string(&request).unwrap();
        prop_assert_eq!(serde_json::from_str::<PunchRequest>(&json).unwrap(), request);

        // The minute form parses back to the same minute.
        let minutes = parse_kot_datetime(&format_minutes(&t)).unwrap();
        prop_assert_eq!(minutes.timestamp(), secs - secs.rem_euclid(60));
    }

    #[test]
    fn parse_never_panics(s in "\\PC{0,40}") {
        let _ = parse_kot_datetime(&s);
    }
}

#[test]
fn the_first_and_last_writable_instants_round_trip() {
    for input in [
        "9999-12-31T23:59:59+09:00",
        "9999-12-31T14:59Z",
        "0000-01-01T00:00+09:00",
        "0000-01-01T09:00:00+18:00",
    ] {
        let at = parse_kot_datetime(input).expect(input);
        let written = format_seconds(&at);
        assert_eq!(parse_kot_datetime(&written), Ok(at), "{input} -> {written}");
        let minutes = parse_kot_datetime(&format_minutes(&at)).expect(input);
        assert_eq!(
            minutes.timestamp(),
            at.timestamp() - at.timestamp().rem_euclid(60)
        );
    }
}
