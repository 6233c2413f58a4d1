//! Forward-compatible enumerations.
//!
//! Every enum here has an `Unknown(String)` catch-all: a value KOT adds later
//! decodes to `Unknown` and is written back unchanged instead of failing the
//! whole response. See the `string_enum!` macro for the generated API.

use super::macros::string_enum;

string_enum! {
    /// 打刻種別コード (punch type code) of a time record or a punch request.
    ///
    /// Sent and received as a JSON string (`"1"`); a JSON number (`1`) is also
    /// accepted on input. Codes 5 and 6 are not defined by any public source and
    /// decode to [`PunchCode::Unknown`].
    pub enum PunchCode {
        /// `"1"` 出勤 (clock-in).
        ClockIn = "1",
        /// `"2"` 退勤 (clock-out).
        ClockOut = "2",
        /// `"3"` 休憩開始 (break start).
        BreakStart = "3",
        /// `"4"` 休憩終了 (break end).
        BreakEnd = "4",
        /// `"7"` 外出 (going out during work).
        GoOut = "7",
        /// `"8"` 外出戻り (returning from going out).
        Return = "8",
    }
}

impl PunchCode {
    /// The short Japanese label of the punch type: 出勤, 退勤, 休憩開始, 休憩終了,
    /// 外出 or 戻り; `None` for an unknown code.
    pub fn label_ja(&self) -> Option<&'static str> {
        match self {
            PunchCode::ClockIn => Some("出勤"),
            PunchCode::ClockOut => Some("退勤"),
            PunchCode::BreakStart => Some("休憩開始"),
            PunchCode::BreakEnd => Some("休憩終了"),
            PunchCode::GoOut => Some("外出"),
            PunchCode::Return => Some("戻り"),
            PunchCode::Unknown(_) => None,
        }
    }
}

string_enum! {
    /// 性別 (gender) of an employee.
    pub enum Gender {
        /// `"male"` 男性.
        Male = "male",
        /// `"female"` 女性.
        Female = "female",
        /// `"no_selected"` 未選択 (not set); seen in `currentDateEmployee`.
        NotSelected = "no_selected",
    }
}

string_enum! {
    /// 表示形式: how the company displays durations (company setting).
    pub enum TimeDisplayFormat {
        /// `"decimal"` 10進法 (e.g. 7.50 hours).
        Decimal = "decimal",
        /// `"sexagesimal"` 60進法 (e.g. 7:30).
        Sexagesimal = "sexagesimal",
    }
}

string_enum! {
    /// 10進表示の小数第3位の扱い: rounding of the third decimal place in decimal display.
    pub enum DecimalTreatType {
        /// `"roundDown"` 切下げ (round down).
        RoundDown = "roundDown",
        /// `"roundUp"` 切上げ (round up).
        RoundUp = "roundUp",
        /// `"round"` 四捨五入 (round half up).
        Round = "round",
    }
}

string_enum! {
    /// 半休取得時の出勤日数の計上方法: how a half-day holiday counts toward working days.
    pub enum HalfDayWorkingCount {
        /// `"oneDay"`: counted as one working day.
        OneDay = "oneDay",
        /// `"halfDay"`: counted as 0.5 working day.
        HalfDay = "halfDay",
    }
}

string_enum! {
    /// 申請ステータス (request status) of a schedule, overtime or time-record request.
    pub enum RequestStatus {
        /// `"applying"` 申請中 (pending approval).
        Applying = "applying",
        /// `"approved"` 承認 (approved).
        Approved = "approved",
        /// `"rejected"` 棄却 (rejected).
        Rejected = "rejected",
    }
}

string_enum! {
    /// 申請者種別: who filed a request.
    pub enum ApplicantType {
        /// `"employee"` 従業員.
        Employee = "employee",
        /// `"administrator"` 管理者.
        Administrator = "administrator",
    }
}
