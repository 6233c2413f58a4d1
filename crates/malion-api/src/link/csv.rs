//! Reading and writing the link CSV.

use std::collections::HashMap;
use std::fmt;

use encoding_rs::SHIFT_JIS;

use super::row::{KindCode, LINK_KIND_MALION, LinkKey, LinkRow, ServiceAccount, TargetAccount};

/// The header of the link CSV, in the manual's order.
pub const COLUMNS: [&str; 5] = [
    "連携種別",
    "種別コード",
    "打刻先アカウント",
    "姓・名",
    "サービスアカウント",
];

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";
/// Cells starting with one of these are escaped with a leading `'` on write.
const FORMULA_TRIGGERS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];
const GUARD: char = '\'';

/// The character encoding of a link CSV file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CsvEncoding {
    /// UTF-8 without a byte-order mark.
    Utf8,
    /// UTF-8 with a byte-order mark (what Excel writes as "CSV UTF-8").
    Utf8WithBom,
    /// Shift_JIS, as Windows (and `encoding_rs`) understands it: code page
    /// 932 (Windows-31J), including the NEC and IBM extensions.
    ShiftJis,
}

impl CsvEncoding {
    /// A short name: `UTF-8`, `UTF-8 (BOM)` or `Shift_JIS`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Utf8 => "UTF-8",
            Self::Utf8WithBom => "UTF-8 (BOM)",
            Self::ShiftJis => "Shift_JIS",
        }
    }
}

impl fmt::Display for CsvEncoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// How to decode a link CSV file. A UTF-8 byte-order mark always wins: the
/// file is then read as UTF-8, whatever is chosen here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum EncodingChoice {
    /// UTF-8 when the bytes are valid UTF-8, otherwise Shift_JIS. Safe for
    /// this file: Japanese text in Shift_JIS is practically never valid
    /// UTF-8, and ASCII-only files read the same in both.
    #[default]
    Auto,
    /// UTF-8 only.
    Utf8,
    /// Shift_JIS only.
    ShiftJis,
}

/// How to write a link CSV file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct WriteOptions {
    /// The encoding.
    pub encoding: CsvEncoding,
    /// Escape cells that a spreadsheet would run as a formula (starting with
    /// `=`, `+`, `-`, `@`, tab or CR) with a leading `'`; a cell that starts
    /// with `'` gets one more, so that reading gives back the exact value.
    /// On by default.
    pub formula_guard: bool,
}

impl WriteOptions {
    /// Writes in `encoding` with the formula guard on.
    pub fn new(encoding: CsvEncoding) -> Self {
        Self {
            encoding,
            formula_guard: true,
        }
    }

    /// Turns the formula guard on or off.
    pub fn formula_guard(mut self, on: bool) -> Self {
        self.formula_guard = on;
        self
    }
}

/// What is wrong with one row.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RowProblem {
    /// The row does not have as many cells as the header.
    FieldCount {
        /// Cells in the header.
        expected: usize,
        /// Cells in the row.
        found: usize,
    },
    /// A required cell is empty.
    Empty {
        /// The column.
        column: &'static str,
    },
    /// A cell starts or ends with whitespace (it would never match exactly).
    SurroundingWhitespace {
        /// The column.
        column: &'static str,
    },
    /// A cell holds a control character (a line break, a tab, ...).
    ControlCharacter {
        /// The column.
        column: &'static str,
    },
    /// 種別コード is not a number.
    KindCodeNotNumeric,
    /// 連携種別 is `MaLion連携` but 種別コード is not `3`, or the reverse.
    KindMismatch,
    /// The same 種別コード and 打刻先アカウント appear on an earlier row.
    DuplicateRow {
        /// The line of the earlier row.
        first_line: u64,
    },
    /// A cell cannot be written in the chosen encoding without change.
    NotRepresentable {
        /// The column.
        column: &'static str,
        /// The encoding.
        encoding: CsvEncoding,
    },
}

impl fmt::Display for RowProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::FieldCount { expected, found } => {
                write!(f, "{found} cells where the header has {expected}")
            }
            Self::Empty { column } => write!(f, "{column} is empty"),
            Self::SurroundingWhitespace { column } => {
                write!(f, "{column} starts or ends with whitespace")
            }
            Self::ControlCharacter { column } => write!(f, "{column} holds a control character"),
            Self::KindCodeNotNumeric => f.write_str("種別コード is not a number"),
            Self::KindMismatch => {
                write!(f, "連携種別 {LINK_KIND_MALION} goes with 種別コード 3 only")
            }
            Self::DuplicateRow { first_line } => write!(
                f,
                "the same 種別コード and 打刻先アカウント are already on line {first_line}"
            ),
            Self::NotRepresentable { column, encoding } => {
                write!(f, "{column} cannot be written in {encoding}")
            }
        }
    }
}

/// A malformed row: its line in the file (the header is line 1) and every
/// problem found on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    /// The line (1-based) where the row starts.
    pub line: u64,
    /// What is wrong (at least one).
    pub problems: Vec<RowProblem>,
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: ", self.line)?;
        for (i, p) in self.problems.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{p}")?;
        }
        Ok(())
    }
}

/// A link CSV that cannot be read or written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CsvError {
    /// The file is empty: not even a header.
    #[error("the link CSV is empty (no header line)")]
    Empty,
    /// The bytes are not text in the expected encoding.
    #[error("the link CSV is not valid {expected} (line {line}, byte {offset})")]
    Encoding {
        /// What was expected: "UTF-8", "Shift_JIS" or "UTF-8 or Shift_JIS".
        expected: &'static str,
        /// The byte offset of the first invalid byte.
        offset: usize,
        /// The line of that byte.
        line: u64,
    },
    /// The file starts with a UTF-16 byte-order mark.
    #[error("the link CSV is UTF-16; save it as UTF-8 or Shift_JIS")]
    Utf16,
    /// The header is not the manual's.
    #[error(
        "the link CSV header must be {}; missing: {missing:?}, unknown: {unknown:?}, repeated: {repeated:?}",
        COLUMNS.join(",")
    )]
    Header {
        /// Required columns that are absent.
        missing: Vec<&'static str>,
        /// Columns that are not the manual's.
        unknown: Vec<String>,
        /// Columns that appear more than once.
        repeated: Vec<String>,
    },
    /// Malformed rows, every one of them.
    #[error("{} malformed row(s) in the link CSV: {}", .0.len(), join_rows(.0))]
    Rows(Vec<RowError>),
    /// The CSV syntax is broken (reported by the CSV parser).
    #[error("the link CSV cannot be parsed near line {line}: {message}")]
    Syntax {
        /// The line.
        line: u64,
        /// What the parser said.
        message: String,
    },
}

fn join_rows(rows: &[RowError]) -> String {
    rows.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

impl CsvError {
    /// The malformed rows, when that is the error.
    pub fn rows(&self) -> &[RowError] {
        match self {
            Self::Rows(rows) => rows,
            _ => &[],
        }
    }
}

/// A link CSV that was read: its rows, the line each row starts on, and the
/// encoding it was in (so that it can be written back the same way).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkCsv {
    rows: Vec<LinkRow>,
    lines: Vec<u64>,
    encoding: CsvEncoding,
}

impl LinkCsv {
    /// The rows, in file order.
    pub fn rows(&self) -> &[LinkRow] {
        &self.rows
    }

    /// The rows with their lines (the header is line 1).
    pub fn rows_with_lines(&self) -> impl Iterator<Item = (u64, &LinkRow)> {
        self.lines.iter().copied().zip(&self.rows)
    }

    /// Takes the rows.
    pub fn into_rows(self) -> Vec<LinkRow> {
        self.rows
    }

    /// The encoding the file was in.
    pub fn encoding(&self) -> CsvEncoding {
        self.encoding
    }

    /// Rows that share a サービスアカウント with another row of the same
    /// 種別コード (the manual's duplicate PC user name hazard), with lines.
    pub fn duplicate_service_accounts(&self) -> Vec<DuplicateServiceAccount> {
        find_duplicates(self.lines.iter().copied().map(Some).zip(&self.rows))
    }

    /// Writes the rows back in the encoding they were read in, formula
    /// guard on.
    ///
    /// # Errors
    /// See [`write_link_csv`].
    pub fn to_bytes(&self) -> Result<Vec<u8>, CsvError> {
        write_link_csv(&self.rows, WriteOptions::new(self.encoding))
    }
}

/// One row involved in a duplicate サービスアカウント.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuplicateEntry {
    /// The row's line in the file, when it came from one.
    pub line: Option<u64>,
    /// Its 打刻先アカウント.
    pub target_account: TargetAccount,
}

/// Several KOT accounts linked to one サービスアカウント: MaLion treats the
/// PCs' logs as one user's, and each becomes 出勤/退勤 of every linked
/// account (non-domain PCs with the same user name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuplicateServiceAccount {
    /// The 種別コード.
    pub kind_code: KindCode,
    /// The shared サービスアカウント.
    pub service_account: ServiceAccount,
    /// The rows involved, in order (two or more).
    pub rows: Vec<DuplicateEntry>,
}

pub(crate) fn find_duplicates<'a>(
    rows: impl Iterator<Item = (Option<u64>, &'a LinkRow)>,
) -> Vec<DuplicateServiceAccount> {
    let mut groups: Vec<DuplicateServiceAccount> = Vec::new();
    let mut index: HashMap<(&'a KindCode, &'a ServiceAccount), usize> = HashMap::new();
    for (line, row) in rows {
        let entry = DuplicateEntry {
            line,
            target_account: row.target_account.clone(),
        };
        match index.get(&(&row.kind_code, &row.service_account)) {
            Some(&i) => groups[i].rows.push(entry),
            None => {
                index.insert((&row.kind_code, &row.service_account), groups.len());
                groups.push(DuplicateServiceAccount {
                    kind_code: row.kind_code.clone(),
                    service_account: row.service_account.clone(),
                    rows: vec![entry],
                });
            }
        }
    }
    groups.retain(|g| g.rows.len() > 1);
    groups
}

/// Reads a link CSV.
///
/// The header must hold the manual's five columns (in any order; surrounding
/// whitespace ignored). Every value is kept as a string, exactly (leading
/// zeros stay). A leading `'` written by the formula guard is removed (see
/// [`WriteOptions::formula_guard`]). Blank lines are skipped.
///
/// # Errors
/// [`CsvError::Empty`], [`CsvError::Utf16`], [`CsvError::Encoding`],
/// [`CsvError::Header`], [`CsvError::Syntax`], or [`CsvError::Rows`] listing
/// every malformed row with its line and problems.
pub fn read_link_csv(bytes: &[u8], choice: EncodingChoice) -> Result<LinkCsv, CsvError> {
    let (text, encoding) = decode(bytes, choice)?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let header = match records.next() {
        None => return Err(CsvError::Empty),
        Some(r) => r.map_err(syntax)?,
    };
    let order = header_order(&header)?;

    let mut rows = Vec::new();
    let mut lines = Vec::new();
    let mut errors = Vec::new();
    let mut seen: HashMap<LinkKey, u64> = HashMap::new();
    for record in records {
        let record = record.map_err(syntax)?;
        let line = record_line(&text, record.position());
        if record.len() != header.len() {
            errors.push(RowError {
                line,
                problems: vec![RowProblem::FieldCount {
                    expected: header.len(),
                    found: record.len(),
                }],
            });
            continue;
        }
        let cell = |i: usize| unguard(record.get(order[i]).unwrap_or_default()).to_owned();
        let row = LinkRow {
            link_kind: cell(0),
            kind_code: KindCode::new(cell(1)),
            target_account: TargetAccount::new(cell(2)),
            full_name: cell(3),
            service_account: ServiceAccount::new(cell(4)),
        };
        let mut problems = validate(&row);
        match seen.get(&row.key()) {
            Some(&first_line) => problems.push(RowProblem::DuplicateRow { first_line }),
            None => {
                seen.insert(row.key(), line);
            }
        }
        if problems.is_empty() {
            rows.push(row);
            lines.push(line);
        } else {
            errors.push(RowError { line, problems });
        }
    }
    if errors.is_empty() {
        Ok(LinkCsv {
            rows,
            lines,
            encoding,
        })
    } else {
        Err(CsvError::Rows(errors))
    }
}

/// Writes a link CSV: the manual's header, then one line per row, CRLF line
/// ends, quoting only where needed.
///
/// # Errors
/// [`CsvError::Rows`] listing every row that [`read_link_csv`] would reject
/// (lines counted as in the written file) or whose cells cannot be written in
/// the encoding without change (for Shift_JIS: characters outside code page
/// 932, and `¥` or `‾`, which it would turn into `\` and `~`).
pub fn write_link_csv(rows: &[LinkRow], options: WriteOptions) -> Result<Vec<u8>, CsvError> {
    let mut errors = Vec::new();
    let mut seen: HashMap<LinkKey, u64> = HashMap::new();
    for (i, row) in rows.iter().enumerate() {
        let line = i as u64 + 2;
        let mut problems = validate(row);
        if options.encoding == CsvEncoding::ShiftJis {
            for (column, cell) in COLUMNS.iter().zip(row.cells()) {
                if !sjis_round_trips(cell) {
                    problems.push(RowProblem::NotRepresentable {
                        column,
                        encoding: CsvEncoding::ShiftJis,
                    });
                }
            }
        }
        match seen.get(&row.key()) {
            Some(&first_line) => problems.push(RowProblem::DuplicateRow { first_line }),
            None => {
                seen.insert(row.key(), line);
            }
        }
        if !problems.is_empty() {
            errors.push(RowError { line, problems });
        }
    }
    if !errors.is_empty() {
        return Err(CsvError::Rows(errors));
    }

    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let write_err = |e: csv::Error| CsvError::Syntax {
        line: 0,
        message: e.to_string(),
    };
    writer.write_record(COLUMNS).map_err(write_err)?;
    for row in rows {
        let cells = row.cells().map(|c| {
            if options.formula_guard {
                guard(c)
            } else {
                c.to_owned()
            }
        });
        writer.write_record(&cells).map_err(write_err)?;
    }
    let text = writer.into_inner().map_err(|e| CsvError::Syntax {
        line: 0,
        message: e.to_string(),
    })?;
    Ok(match options.encoding {
        CsvEncoding::Utf8 => text,
        CsvEncoding::Utf8WithBom => [UTF8_BOM, &text].concat(),
        CsvEncoding::ShiftJis => {
            let s = String::from_utf8_lossy(&text);
            SHIFT_JIS.encode(&s).0.into_owned()
        }
    })
}

fn syntax(e: csv::Error) -> CsvError {
    CsvError::Syntax {
        line: e.position().map_or(0, csv::Position::line),
        message: e.to_string(),
    }
}

/// The line (1-based) where a record starts. The parser's own position may
/// point at the line end before the record, so line ends are skipped first.
fn record_line(text: &str, position: Option<&csv::Position>) -> u64 {
    let bytes = text.as_bytes();
    let mut at = position.map_or(0, |p| usize::try_from(p.byte()).unwrap_or(usize::MAX));
    while at < bytes.len() && matches!(bytes[at], b'\r' | b'\n') {
        at += 1;
    }
    line_of(bytes, at)
}

fn line_of(bytes: &[u8], offset: usize) -> u64 {
    bytes[..offset.min(bytes.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count() as u64
        + 1
}

/// Decodes the file: a UTF-8 BOM always means UTF-8; otherwise as chosen.
fn decode(bytes: &[u8], choice: EncodingChoice) -> Result<(String, CsvEncoding), CsvError> {
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return Err(CsvError::Utf16);
    }
    if let Some(rest) = bytes.strip_prefix(UTF8_BOM) {
        return utf8(rest, 3).map(|s| (s, CsvEncoding::Utf8WithBom));
    }
    match choice {
        EncodingChoice::Utf8 => utf8(bytes, 0).map(|s| (s, CsvEncoding::Utf8)),
        EncodingChoice::ShiftJis => shift_jis(bytes).map(|s| (s, CsvEncoding::ShiftJis)),
        EncodingChoice::Auto => match std::str::from_utf8(bytes) {
            Ok(s) => Ok((s.to_owned(), CsvEncoding::Utf8)),
            // Neither: report the first bad byte of the reading that got
            // further (the file is most likely in that encoding).
            Err(utf8_error) => shift_jis(bytes)
                .map(|s| (s, CsvEncoding::ShiftJis))
                .map_err(|e| match e {
                    CsvError::Encoding { offset, .. } => {
                        let offset = offset.max(utf8_error.valid_up_to());
                        CsvError::Encoding {
                            expected: "UTF-8 or Shift_JIS",
                            offset,
                            line: line_of(bytes, offset),
                        }
                    }
                    other => other,
                }),
        },
    }
}

fn utf8(bytes: &[u8], base: usize) -> Result<String, CsvError> {
    std::str::from_utf8(bytes).map(str::to_owned).map_err(|e| {
        let offset = e.valid_up_to();
        CsvError::Encoding {
            expected: "UTF-8",
            offset: base + offset,
            line: line_of(bytes, offset),
        }
    })
}

fn shift_jis(bytes: &[u8]) -> Result<String, CsvError> {
    if let Some(text) = SHIFT_JIS.decode_without_bom_handling_and_without_replacement(bytes) {
        return Ok(text.into_owned());
    }
    // Find the first bad byte for the error: decode prefix by prefix of lines.
    let mut decoder = SHIFT_JIS.new_decoder_without_bom_handling();
    let capacity = decoder
        .max_utf8_buffer_length_without_replacement(bytes.len())
        .unwrap_or(bytes.len().saturating_mul(3));
    let mut out = String::with_capacity(capacity);
    let (result, read) = decoder.decode_to_string_without_replacement(bytes, &mut out, true);
    let offset = match result {
        encoding_rs::DecoderResult::Malformed(bad, extra) => {
            read.saturating_sub(usize::from(bad) + usize::from(extra))
        }
        _ => read,
    };
    Err(CsvError::Encoding {
        expected: "Shift_JIS",
        offset,
        line: line_of(bytes, offset),
    })
}

fn sjis_round_trips(cell: &str) -> bool {
    let (bytes, _, unmappable) = SHIFT_JIS.encode(cell);
    !unmappable
        && SHIFT_JIS
            .decode_without_bom_handling_and_without_replacement(&bytes)
            .is_some_and(|back| back == cell)
}

/// Maps each of [`COLUMNS`] to its index in the header.
fn header_order(header: &csv::StringRecord) -> Result<[usize; 5], CsvError> {
    let names: Vec<&str> = header
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let h = if i == 0 {
                h.trim_start_matches('\u{feff}')
            } else {
                h
            };
            h.trim()
        })
        .collect();
    let mut order = [usize::MAX; 5];
    let mut unknown = Vec::new();
    let mut repeated = Vec::new();
    for (i, name) in names.iter().enumerate() {
        match COLUMNS.iter().position(|c| c == name) {
            Some(c) if order[c] == usize::MAX => order[c] = i,
            Some(_) => repeated.push((*name).to_owned()),
            None => unknown.push((*name).to_owned()),
        }
    }
    let missing: Vec<&'static str> = COLUMNS
        .iter()
        .zip(order)
        .filter(|(_, i)| *i == usize::MAX)
        .map(|(c, _)| *c)
        .collect();
    if missing.is_empty() && unknown.is_empty() && repeated.is_empty() {
        Ok(order)
    } else {
        Err(CsvError::Header {
            missing,
            unknown,
            repeated,
        })
    }
}

/// Every problem of a row's values (not its place in the file).
pub(crate) fn validate(row: &LinkRow) -> Vec<RowProblem> {
    let mut problems = Vec::new();
    for ((column, cell), required) in COLUMNS
        .iter()
        .zip(row.cells())
        .zip([true, true, true, false, true])
    {
        if cell.is_empty() {
            if required {
                problems.push(RowProblem::Empty { column });
            }
            continue;
        }
        if cell.chars().any(char::is_control) {
            problems.push(RowProblem::ControlCharacter { column });
        } else if cell.trim() != cell {
            problems.push(RowProblem::SurroundingWhitespace { column });
        }
    }
    let code = row.kind_code.as_str();
    if !code.is_empty() && !code.bytes().all(|b| b.is_ascii_digit()) {
        problems.push(RowProblem::KindCodeNotNumeric);
    }
    if !code.is_empty() && (row.link_kind == LINK_KIND_MALION) != row.kind_code.is_malion() {
        problems.push(RowProblem::KindMismatch);
    }
    problems
}

/// True when `cell`, once its leading `'`s are removed, starts with a
/// formula trigger: then one more `'` makes it safe and keeps it lossless.
fn needs_guard(cell: &str) -> bool {
    cell.trim_start_matches(GUARD)
        .chars()
        .next()
        .is_some_and(|c| FORMULA_TRIGGERS.contains(&c))
}

/// Escapes a cell a spreadsheet would run as a formula: a leading `'` when
/// the cell (after any `'`s it already starts with) begins with `=`, `+`,
/// `-`, `@`, a tab or a carriage return. The rule every CSV writer of
/// kot-connect follows (wowtalk-api's and kot-connect-core's are the same).
fn guard(cell: &str) -> String {
    if needs_guard(cell) {
        format!("{GUARD}{cell}")
    } else {
        cell.to_owned()
    }
}

/// Removes the escape written by [`guard`].
fn unguard(cell: &str) -> &str {
    match cell.strip_prefix(GUARD) {
        Some(rest) if needs_guard(rest) => rest,
        _ => cell,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guard_and_unguard_are_inverse() {
        for s in [
            "",
            "a",
            "=1+1",
            "+81",
            "-x",
            "@SUM(A1)",
            "'",
            "'a",
            "''=",
            "1000",
            "勤怠 太郎",
        ] {
            assert_eq!(unguard(&guard(s)), s, "{s:?}");
            assert!(!guard(s).starts_with(FORMULA_TRIGGERS), "{s:?}");
        }
        assert_eq!(guard("=HYPERLINK()"), "'=HYPERLINK()");
        assert_eq!(guard("tarouk"), "tarouk");
        assert_eq!(unguard("'abc"), "'abc");
        // The shared rule (the same table as wowtalk-api's and core's): a
        // value already starting with `'` gets one more only before a trigger.
        for (cell, written) in [
            ("-5", "'-5"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("'=x", "''=x"),
            ("'abc", "'abc"),
            ("a=b", "a=b"),
        ] {
            assert_eq!(guard(cell), written, "{cell:?}");
        }
    }

    #[test]
    fn shift_jis_lossy_characters_are_detected() {
        assert!(sjis_round_trips("勤怠 太郎 髙橋 ①"));
        assert!(!sjis_round_trips("¥"));
        assert!(!sjis_round_trips("𠮷野"));
    }
}
