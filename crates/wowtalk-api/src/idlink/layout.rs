//! The column names of the ID-link files (provisional: WowTalk does not
//! publish them).

use serde::{Deserialize, Serialize};

use crate::Error;
use crate::csv_text::{CsvIn, find_column};

/// What the ID-link CSV columns are called.
///
/// WowTalk's manual shows the import and export steps but not the file's
/// columns, so the reader finds its two columns by header name, ignoring
/// width, spaces and ASCII case, and tolerates any other columns (a display
/// name, say). The first name of each list is the one written on export.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct LinkCsvLayout {
    /// Names accepted for the WowTalk user ID column; the first is written.
    pub user_id_columns: Vec<String>,
    /// Names accepted for the KOT employee code column; the first is written.
    pub employee_code_columns: Vec<String>,
    /// The failure CSV's first column: the line of the failed row.
    pub line_column: String,
    /// The failure CSV's last column: why the row failed.
    pub reason_column: String,
}

impl Default for LinkCsvLayout {
    fn default() -> Self {
        let strings = |names: &[&str]| names.iter().map(|n| (*n).to_owned()).collect();
        Self {
            user_id_columns: strings(&[
                "ユーザーID",
                "ID",
                "ユーザーID(個人ID)",
                "WowTalk ID",
                "user_id",
            ]),
            employee_code_columns: strings(&[
                "従業員コード",
                "KING OF TIME 従業員コード",
                "KOT 従業員コード",
                "employee_code",
            ]),
            line_column: "行番号".to_owned(),
            reason_column: "失敗理由".to_owned(),
        }
    }
}

impl LinkCsvLayout {
    /// Accepts exactly `name` for the WowTalk user ID column (and writes it).
    pub fn with_user_id_column(mut self, name: impl Into<String>) -> Self {
        self.user_id_columns = vec![name.into()];
        self
    }

    /// Accepts exactly `name` for the KOT employee code column (and writes it).
    pub fn with_employee_code_column(mut self, name: impl Into<String>) -> Self {
        self.employee_code_columns = vec![name.into()];
        self
    }

    /// Names the failure CSV's line and reason columns.
    pub fn with_failure_columns(
        mut self,
        line: impl Into<String>,
        reason: impl Into<String>,
    ) -> Self {
        self.line_column = line.into();
        self.reason_column = reason.into();
        self
    }

    pub(crate) fn written_user_id(&self) -> Result<&str, Error> {
        first(&self.user_id_columns, "user_id_columns")
    }

    pub(crate) fn written_employee_code(&self) -> Result<&str, Error> {
        first(&self.employee_code_columns, "employee_code_columns")
    }

    /// The indexes of the user ID and employee code columns.
    pub(crate) fn locate(&self, csv: &CsvIn) -> Result<(usize, usize), Error> {
        let user = find_column(&csv.headers, USER_ID, &self.user_id_columns)?;
        let code = find_column(&csv.headers, EMPLOYEE_CODE, &self.employee_code_columns)?;
        if user == code {
            return Err(Error::AmbiguousColumn {
                column: USER_ID,
                first: csv.headers[user].clone(),
                second: csv.headers[code].clone(),
            });
        }
        Ok((user, code))
    }
}

pub(crate) const USER_ID: &str = "WowTalk user ID (ユーザーID)";
pub(crate) const EMPLOYEE_CODE: &str = "KOT employee code (従業員コード)";

fn first<'a>(names: &'a [String], field: &str) -> Result<&'a str, Error> {
    names
        .first()
        .map(String::as_str)
        .filter(|n| !n.trim().is_empty())
        .ok_or_else(|| Error::config(format!("LinkCsvLayout::{field} is empty")))
}
