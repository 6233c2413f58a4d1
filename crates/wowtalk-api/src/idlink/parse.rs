//! Reading an ID-link CSV into rows, each either a link or malformed.

use std::fmt;

use kot_api::models::EmployeeCode;
use serde::{Deserialize, Serialize};

use super::{LinkCsvLayout, LinkRow};
use crate::Error;
use crate::csv_text::{CsvIn, DetectedEncoding, InputEncoding};
use crate::models::WowTalkUserId;

/// Why a row could not be read as a link at all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Malformed {
    /// A required cell is empty.
    MissingValue {
        /// The column's header.
        column: String,
    },
    /// The row has a different number of cells than the header.
    FieldCount {
        /// Cells in the header.
        expected: usize,
        /// Cells in the row.
        found: usize,
    },
    /// The CSV reader could not read the row.
    Unreadable {
        /// What the reader said.
        detail: String,
    },
}

impl fmt::Display for Malformed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Malformed::MissingValue { column } => {
                write!(f, "「{column}」が空です (missing {column})")
            }
            Malformed::FieldCount { expected, found } => write!(
                f,
                "列の数が {found} です、ヘッダーは {expected} 列 ({found} fields, the header has {expected})"
            ),
            Malformed::Unreadable { detail } => {
                write!(f, "読み取れない行です (unreadable row: {detail})")
            }
        }
    }
}

pub(crate) struct ParsedRow {
    pub(crate) line: u64,
    pub(crate) values: Vec<String>,
    pub(crate) link: Result<LinkRow, Malformed>,
}

pub(crate) struct ParsedFile {
    pub(crate) headers: Vec<String>,
    pub(crate) encoding: DetectedEncoding,
    pub(crate) rows: Vec<ParsedRow>,
}

pub(crate) fn parse(
    bytes: &[u8],
    layout: &LinkCsvLayout,
    encoding: InputEncoding,
) -> Result<ParsedFile, Error> {
    let csv = CsvIn::read(bytes, encoding)?;
    let (user_col, code_col) = layout.locate(&csv)?;
    let width = csv.headers.len();
    let rows = csv
        .records
        .into_iter()
        .map(|record| match record {
            Err((line, detail)) => ParsedRow {
                line,
                values: Vec::new(),
                link: Err(Malformed::Unreadable { detail }),
            },
            Ok((line, values)) => {
                let link = link_of(&values, width, &csv.headers, user_col, code_col);
                ParsedRow { line, values, link }
            }
        })
        .collect();
    Ok(ParsedFile {
        headers: csv.headers,
        encoding: csv.encoding,
        rows,
    })
}

fn link_of(
    values: &[String],
    width: usize,
    headers: &[String],
    user_col: usize,
    code_col: usize,
) -> Result<LinkRow, Malformed> {
    if values.len() != width {
        return Err(Malformed::FieldCount {
            expected: width,
            found: values.len(),
        });
    }
    let cell = |i: usize| {
        let v = values[i].trim();
        if v.is_empty() {
            Err(Malformed::MissingValue {
                column: headers[i].clone(),
            })
        } else {
            Ok(v.to_owned())
        }
    };
    Ok(LinkRow {
        user_id: WowTalkUserId::new(cell(user_col)?),
        employee_code: EmployeeCode::new(cell(code_col)?),
    })
}
