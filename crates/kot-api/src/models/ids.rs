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
    ///
    /// Codes of up to 24 bytes are stored inline (no heap allocation), so
    /// cloning one, as every punch and report row does, is a copy.
    EmployeeCode: ::compact_str::CompactString
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn employee_codes_short_and_long_behave_as_their_text() {
        let long = "U".repeat(40);
        for raw in ["0012", "", long.as_str()] {
            let code = EmployeeCode::new(raw);
            assert_eq!(code.as_str(), raw);
            assert_eq!(code.to_string(), raw);
            assert_eq!(code.clone().into_inner(), raw);
            assert_eq!(EmployeeCode::from(raw.to_owned()), code);
            let json = serde_json::to_string(&code).unwrap();
            assert_eq!(json, serde_json::to_string(raw).unwrap());
            assert_eq!(serde_json::from_str::<EmployeeCode>(&json).unwrap(), code);
        }
        // Ordering is the text's: leading zeros matter.
        let mut codes = [EmployeeCode::new("10"), EmployeeCode::new("010")];
        codes.sort();
        assert_eq!(codes[0].as_str(), "010");
        assert_eq!(
            format!("{:>6}|{:?}", codes[1], codes[1]),
            "    10|EmployeeCode(\"10\")"
        );
    }
}
