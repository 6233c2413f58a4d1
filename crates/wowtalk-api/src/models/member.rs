//! The row of WowTalk's member import template (メンバーをインポート >
//! テンプレートをダウンロード): ID, 名前, フリガナ, パスワード, 社員番号, ...
//!
//! WowTalk's template is an xls file; this module writes and reads the same
//! columns as CSV, for preparing the sheet. Import semantics (WowTalk's): an
//! unknown ID is created, an existing ID is overwritten.

use std::fmt;

use chrono::NaiveDate;
use secrecy::{ExposeSecret, SecretString};

use super::{RoleName, WowTalkUserId};
use crate::Error;
use crate::csv_text::{CsvIn, CsvOut, InputEncoding, WriteOptions, find_column};

/// A member's login password. Never shown in `Debug`; no `Display`.
#[derive(Clone)]
pub struct Password(SecretString);

impl Password {
    /// Wraps a password.
    pub fn new(password: impl Into<String>) -> Self {
        Self(SecretString::from(password.into()))
    }

    /// The password.
    pub fn secret(&self) -> &SecretString {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password([REDACTED])")
    }
}

impl PartialEq for Password {
    fn eq(&self, other: &Self) -> bool {
        use subtle::ConstantTimeEq;
        bool::from(
            self.0
                .expose_secret()
                .as_bytes()
                .ct_eq(other.0.expose_secret().as_bytes()),
        )
    }
}

impl Eq for Password {}

/// The template's columns, in order.
pub const MEMBER_COLUMNS: [&str; 14] = [
    "ID",
    "名前",
    "フリガナ",
    "パスワード",
    "社員番号",
    "内線番号",
    "携帯電話",
    "勤務先住所",
    "メール",
    "部門",
    "役職",
    "ロール",
    "生年月日",
    "性別",
];

/// The birth date format of the template, e.g. `1980/05/01`.
pub const BIRTH_DATE_FORMAT: &str = "%Y/%m/%d";

/// One member of the import template. Empty cells are `None`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct MemberRow {
    /// ID: the ユーザーID (個人ID) used to log in; the import's key.
    pub id: WowTalkUserId,
    /// 名前: display name.
    pub name: String,
    /// フリガナ: reading, for sorting and search.
    pub furigana: Option<String>,
    /// パスワード: login password (a secret).
    pub password: Option<Password>,
    /// 社員番号: employee number (free text; not necessarily the KOT code).
    pub employee_number: Option<String>,
    /// 内線番号: extension.
    pub extension: Option<String>,
    /// 携帯電話: mobile phone.
    pub mobile: Option<String>,
    /// 勤務先住所: work address.
    pub work_address: Option<String>,
    /// メール: e-mail.
    pub email: Option<String>,
    /// 部門: department.
    pub department: Option<String>,
    /// 役職: title.
    pub title: Option<String>,
    /// ロール: a role name from 機能カスタマイズ > 個人設定.
    pub role: Option<RoleName>,
    /// 生年月日: birth date, written `1980/05/01`.
    pub birth_date: Option<NaiveDate>,
    /// 性別: gender, as the template spells it (its values are not public).
    pub gender: Option<String>,
    /// Columns after 性別, kept in order: `(header, value)`; empty cells are
    /// left out.
    pub extra: Vec<(String, String)>,
}

impl MemberRow {
    /// A member with an ID and a name; every other cell empty.
    pub fn new(id: impl Into<WowTalkUserId>, name: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            name: name.into(),
            furigana: None,
            password: None,
            employee_number: None,
            extension: None,
            mobile: None,
            work_address: None,
            email: None,
            department: None,
            title: None,
            role: None,
            birth_date: None,
            gender: None,
            extra: Vec::new(),
        }
    }

    fn cells(&self) -> [String; 14] {
        let s = |v: &Option<String>| v.clone().unwrap_or_default();
        [
            self.id.to_string(),
            self.name.clone(),
            s(&self.furigana),
            self.password
                .as_ref()
                .map(|p| p.0.expose_secret().to_owned())
                .unwrap_or_default(),
            s(&self.employee_number),
            s(&self.extension),
            s(&self.mobile),
            s(&self.work_address),
            s(&self.email),
            s(&self.department),
            s(&self.title),
            self.role
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
            self.birth_date
                .map(|d| d.format(BIRTH_DATE_FORMAT).to_string())
                .unwrap_or_default(),
            s(&self.gender),
        ]
    }
}

/// Writes members as the template's columns, then any extra columns (in the
/// order first seen).
///
/// # Errors
/// [`Error::Unmappable`] when a value cannot be written in the encoding.
pub fn write_members(rows: &[MemberRow], options: &WriteOptions) -> Result<Vec<u8>, Error> {
    let mut extra_headers: Vec<&str> = Vec::new();
    for row in rows {
        for (h, _) in &row.extra {
            if !extra_headers.contains(&h.as_str()) {
                extra_headers.push(h);
            }
        }
    }
    let mut out = CsvOut::new(options);
    out.row(
        MEMBER_COLUMNS
            .iter()
            .copied()
            .chain(extra_headers.iter().copied()),
    )?;
    for row in rows {
        let cells = row.cells();
        let extras = extra_headers.iter().map(|h| {
            row.extra
                .iter()
                .find(|(k, _)| k == h)
                .map_or("", |(_, v)| v.as_str())
        });
        out.row(cells.iter().map(String::as_str).chain(extras))?;
    }
    out.finish(options.encoding)
}

/// Reads members from a CSV with the template's header. The 14 columns are
/// found by name (any order); other columns become `extra`.
///
/// # Errors
/// [`Error::Encoding`], [`Error::MissingColumn`] for a missing template
/// column, [`Error::InvalidRow`] for a row with a different cell count, an
/// empty ID or 名前, or a birth date that is not `YYYY/MM/DD` (the reason
/// never holds a password).
pub fn read_members(bytes: &[u8], encoding: InputEncoding) -> Result<Vec<MemberRow>, Error> {
    let csv = CsvIn::read(bytes, encoding)?;
    let mut index = [0usize; 14];
    for (slot, name) in index.iter_mut().zip(MEMBER_COLUMNS) {
        *slot = find_column(&csv.headers, name, &[name.to_owned()])?;
    }
    let extra: Vec<usize> = (0..csv.headers.len())
        .filter(|i| !index.contains(i))
        .collect();
    let mut rows = Vec::new();
    for record in csv.records {
        let (line, values) = record.map_err(|(line, reason)| Error::InvalidRow { line, reason })?;
        let invalid = |reason: String| Error::InvalidRow { line, reason };
        if values.len() != csv.headers.len() {
            return Err(invalid(format!(
                "{} cells, the header has {}",
                values.len(),
                csv.headers.len()
            )));
        }
        let cell = |i: usize| -> Option<String> {
            let v = values[index[i]].trim();
            (!v.is_empty()).then(|| v.to_owned())
        };
        let required =
            |i: usize| cell(i).ok_or_else(|| invalid(format!("「{}」が空です", MEMBER_COLUMNS[i])));
        let birth_date = match cell(12) {
            None => None,
            Some(raw) => Some(
                NaiveDate::parse_from_str(&raw, BIRTH_DATE_FORMAT)
                    .or_else(|_| NaiveDate::parse_from_str(&raw, "%Y-%m-%d"))
                    .map_err(|_| invalid(format!("生年月日 {raw:?} is not YYYY/MM/DD")))?,
            ),
        };
        rows.push(MemberRow {
            id: WowTalkUserId::new(required(0)?),
            name: required(1)?,
            furigana: cell(2),
            // Passwords are taken as written, spaces included.
            password: Some(values[index[3]].as_str())
                .filter(|p| !p.is_empty())
                .map(Password::new),
            employee_number: cell(4),
            extension: cell(5),
            mobile: cell(6),
            work_address: cell(7),
            email: cell(8),
            department: cell(9),
            title: cell(10),
            role: cell(11).map(RoleName::new),
            birth_date,
            gender: cell(13),
            // An empty extra cell is the same as no value (as for the
            // template's own columns).
            extra: extra
                .iter()
                .filter(|i| !values[**i].is_empty())
                .map(|i| (csv.headers[*i].clone(), values[*i].clone()))
                .collect(),
        });
    }
    Ok(rows)
}
