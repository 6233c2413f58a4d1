//! Text encodings and spreadsheet safety shared by every CSV of the crate.

use std::borrow::Cow;

use encoding_rs::SHIFT_JIS;
use serde::{Deserialize, Serialize};

use crate::Error;

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// How to read the bytes of a CSV file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum InputEncoding {
    /// UTF-8 when the file starts with a UTF-8 BOM or is valid UTF-8,
    /// otherwise Shift_JIS (as Excel saves CSV on Japanese Windows). The
    /// default.
    #[default]
    Auto,
    /// UTF-8, with or without a BOM.
    Utf8,
    /// Shift_JIS (Windows-31J / CP932, as WHATWG defines it).
    ShiftJis,
}

/// The encoding a file was actually read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum DetectedEncoding {
    /// UTF-8 without a BOM.
    Utf8,
    /// UTF-8 with a BOM.
    Utf8WithBom,
    /// Shift_JIS.
    ShiftJis,
}

/// How to write a CSV file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum OutputEncoding {
    /// UTF-8 with a BOM, so that Excel opens Japanese text correctly. The
    /// default.
    #[default]
    Utf8WithBom,
    /// UTF-8 without a BOM.
    Utf8,
    /// Shift_JIS; a character it cannot represent is an error, never a `?`.
    ShiftJis,
}

/// Options of every CSV writer of the crate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct WriteOptions {
    /// The output encoding.
    pub encoding: OutputEncoding,
    /// Neutralise spreadsheet formulas: a cell starting with `=`, `+`, `-`,
    /// `@`, a tab or a carriage return is written with a leading `'` (on by
    /// default). The crate's readers remove that `'` again, so the data
    /// round-trips; other programs see the `'`.
    pub formula_guard: bool,
}

impl Default for WriteOptions {
    fn default() -> Self {
        Self {
            encoding: OutputEncoding::default(),
            formula_guard: true,
        }
    }
}

impl WriteOptions {
    /// Sets the encoding.
    pub fn encoding(mut self, encoding: OutputEncoding) -> Self {
        self.encoding = encoding;
        self
    }

    /// Turns the formula guard on or off.
    pub fn formula_guard(mut self, on: bool) -> Self {
        self.formula_guard = on;
        self
    }
}

/// Decodes a whole file.
pub(crate) fn decode(
    bytes: &[u8],
    encoding: InputEncoding,
) -> Result<(String, DetectedEncoding), Error> {
    let utf8 = |bytes: &[u8], detected| match std::str::from_utf8(bytes) {
        Ok(s) => Ok((s.to_owned(), detected)),
        Err(e) => Err(Error::Encoding {
            expected: "UTF-8",
            valid_up_to: Some(e.valid_up_to()),
        }),
    };
    let shift_jis = |bytes: &[u8], expected| {
        SHIFT_JIS
            .decode_without_bom_handling_and_without_replacement(bytes)
            .map(|s| (s.into_owned(), DetectedEncoding::ShiftJis))
            .ok_or(Error::Encoding {
                expected,
                valid_up_to: None,
            })
    };
    match encoding {
        InputEncoding::Utf8 => match bytes.strip_prefix(UTF8_BOM) {
            Some(rest) => utf8(rest, DetectedEncoding::Utf8WithBom),
            None => utf8(bytes, DetectedEncoding::Utf8),
        },
        InputEncoding::ShiftJis => shift_jis(bytes, "Shift_JIS"),
        InputEncoding::Auto => {
            if let Some(rest) = bytes.strip_prefix(UTF8_BOM) {
                return utf8(rest, DetectedEncoding::Utf8WithBom);
            }
            match std::str::from_utf8(bytes) {
                Ok(s) => Ok((s.to_owned(), DetectedEncoding::Utf8)),
                Err(_) => shift_jis(bytes, "UTF-8 or Shift_JIS"),
            }
        }
    }
}

/// Encodes a whole file.
pub(crate) fn encode(text: String, encoding: OutputEncoding) -> Result<Vec<u8>, Error> {
    match encoding {
        OutputEncoding::Utf8 => Ok(text.into_bytes()),
        OutputEncoding::Utf8WithBom => {
            let mut out = Vec::with_capacity(text.len() + 3);
            out.extend_from_slice(UTF8_BOM);
            out.extend_from_slice(text.as_bytes());
            Ok(out)
        }
        OutputEncoding::ShiftJis => {
            let (bytes, _, unmappable) = SHIFT_JIS.encode(&text);
            if !unmappable {
                return Ok(bytes.into_owned());
            }
            let mut buf = [0u8; 4];
            let mut line = 1;
            for c in text.chars() {
                if c == '\n' {
                    line += 1;
                }
                if SHIFT_JIS.encode(c.encode_utf8(&mut buf)).2 {
                    return Err(Error::Unmappable {
                        encoding: "Shift_JIS",
                        character: c,
                        line,
                    });
                }
            }
            Err(Error::Unmappable {
                encoding: "Shift_JIS",
                character: char::REPLACEMENT_CHARACTER,
                line,
            })
        }
    }
}

fn is_trigger(c: char) -> bool {
    matches!(c, '=' | '+' | '-' | '@' | '\t' | '\r')
}

/// True when `value`, once its leading `'`s are removed, starts with a
/// formula trigger: then one more `'` is needed to write it safely and
/// losslessly.
fn needs_guard(value: &str) -> bool {
    value
        .trim_start_matches('\'')
        .chars()
        .next()
        .is_some_and(is_trigger)
}

/// The cell as written: with a leading `'` when it could start a formula.
/// A value that already is `'` + trigger gets one more `'`, so that reading
/// back ([`unguard`]) is exact.
pub(crate) fn guard(value: &str, on: bool) -> Cow<'_, str> {
    if on && needs_guard(value) {
        Cow::Owned(format!("'{value}"))
    } else {
        Cow::Borrowed(value)
    }
}

/// The inverse of [`guard`]: removes one leading `'` before a trigger.
pub(crate) fn unguard(value: &str) -> &str {
    match value.strip_prefix('\'') {
        Some(rest) if needs_guard(rest) => rest,
        _ => value,
    }
}

/// A CSV writer into a string (the encoding is applied at the end).
pub(crate) struct CsvOut {
    writer: csv::Writer<Vec<u8>>,
    guard: bool,
}

impl CsvOut {
    pub(crate) fn new(options: &WriteOptions) -> Self {
        Self {
            writer: csv::WriterBuilder::new()
                .flexible(true)
                .terminator(csv::Terminator::CRLF)
                .from_writer(Vec::new()),
            guard: options.formula_guard,
        }
    }

    pub(crate) fn row<'a>(
        &mut self,
        cells: impl IntoIterator<Item = &'a str>,
    ) -> Result<(), Error> {
        let guard = self.guard;
        self.writer
            .write_record(cells.into_iter().map(|c| guard_bytes(c, guard)))?;
        Ok(())
    }

    pub(crate) fn finish(self, encoding: OutputEncoding) -> Result<Vec<u8>, Error> {
        let bytes = self
            .writer
            .into_inner()
            .map_err(|e| Error::Csv(e.into_error().into()))?;
        let text = String::from_utf8(bytes).map_err(|e| Error::Encoding {
            expected: "UTF-8",
            valid_up_to: Some(e.utf8_error().valid_up_to()),
        })?;
        encode(text, encoding)
    }
}

fn guard_bytes(cell: &str, on: bool) -> Vec<u8> {
    guard(cell, on).as_bytes().to_vec()
}

/// One record: `(line, cells)`, or `(line, what the CSV reader said)`.
pub(crate) type Record = Result<(u64, Vec<String>), (u64, String)>;

/// A decoded CSV: header and records, each with its 1-based line.
pub(crate) struct CsvIn {
    pub(crate) headers: Vec<String>,
    pub(crate) records: Vec<Record>,
    pub(crate) encoding: DetectedEncoding,
}

impl CsvIn {
    /// Reads a whole file. A record the CSV reader cannot read is kept as an
    /// error with its line; blank lines are skipped; cells are un-guarded.
    pub(crate) fn read(bytes: &[u8], encoding: InputEncoding) -> Result<Self, Error> {
        let (text, detected) = decode(bytes, encoding)?;
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .has_headers(true)
            .from_reader(text.as_bytes());
        let headers = reader
            .headers()?
            .iter()
            .map(|h| unguard(h).trim().to_owned())
            .collect();
        // The line a record starts on, counted from its byte offset (the
        // reader's own line count is off by one after CRLF line ends).
        let line_at = |position: Option<&csv::Position>, fallback: u64| -> u64 {
            let Some(p) = position else {
                return fallback;
            };
            let bytes = text.as_bytes();
            let mut start = usize::try_from(p.byte())
                .unwrap_or(bytes.len())
                .min(bytes.len());
            while start < bytes.len() && matches!(bytes[start], b'\r' | b'\n') {
                start += 1;
            }
            let newlines = bytes[..start].iter().filter(|b| **b == b'\n').count();
            u64::try_from(newlines).map_or(fallback, |n| n + 1)
        };
        let mut records = Vec::new();
        let mut record = csv::StringRecord::new();
        loop {
            let fallback = reader.position().line() + 1;
            match reader.read_record(&mut record) {
                Ok(false) => break,
                Ok(true) => {
                    let line = line_at(record.position(), fallback);
                    let values: Vec<String> =
                        record.iter().map(|v| unguard(v).to_owned()).collect();
                    if values.iter().all(|v| v.trim().is_empty()) {
                        continue;
                    }
                    records.push(Ok((line, values)));
                }
                Err(e) => {
                    let line = line_at(e.position(), fallback);
                    records.push(Err((line, e.to_string())));
                    if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                        break;
                    }
                }
            }
        }
        Ok(Self {
            headers,
            records,
            encoding: detected,
        })
    }
}

/// Finds the column holding `column` among `headers`: the first header whose
/// normalised form (width, spaces and case folded) equals one of `accepted`'s.
pub(crate) fn find_column(
    headers: &[String],
    column: &'static str,
    accepted: &[String],
) -> Result<usize, Error> {
    let key = |s: &str| -> String {
        crate::command::normalize(s)
            .chars()
            .filter(|c| *c != ' ')
            .collect()
    };
    let wanted: Vec<String> = accepted.iter().map(|a| key(a)).collect();
    let mut found: Option<usize> = None;
    for (i, h) in headers.iter().enumerate() {
        if wanted.contains(&key(h)) {
            if let Some(first) = found {
                return Err(Error::AmbiguousColumn {
                    column,
                    first: headers[first].clone(),
                    second: h.clone(),
                });
            }
            found = Some(i);
        }
    }
    found.ok_or_else(|| Error::MissingColumn {
        column,
        accepted: accepted.to_vec(),
        found: headers.to_vec(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guard_and_unguard_are_inverse_for_every_value() {
        let values = [
            "", "0012", "山田", "=1+1", "+81", "-5", "@SUM(A1)", "\tx", "\rx", "'", "'=x", "''=x",
            "'abc", "a=b", "=",
        ];
        for v in values {
            let written = guard(v, true);
            assert_eq!(unguard(&written), v, "{v:?}");
            let first = written.chars().next();
            assert!(!first.is_some_and(is_trigger), "{v:?} -> {written:?}");
        }
        assert_eq!(guard("=1+1", true), "'=1+1");
        assert_eq!(guard("'=x", true), "''=x");
        assert_eq!(guard("0012", true), "0012");
        assert_eq!(guard("=1+1", false), "=1+1");
        assert_eq!(unguard("'abc"), "'abc");
    }

    #[test]
    fn auto_detects_bom_utf8_and_shift_jis() {
        let text = "ユーザーID,従業員コード\r\n";
        let (bytes, _, _) = SHIFT_JIS.encode(text);
        assert_eq!(
            decode(&bytes, InputEncoding::Auto).unwrap(),
            (text.to_owned(), DetectedEncoding::ShiftJis)
        );
        let bom = [UTF8_BOM, text.as_bytes()].concat();
        assert_eq!(
            decode(&bom, InputEncoding::Auto).unwrap(),
            (text.to_owned(), DetectedEncoding::Utf8WithBom)
        );
        assert_eq!(
            decode(text.as_bytes(), InputEncoding::Utf8).unwrap().1,
            DetectedEncoding::Utf8
        );
        // Shift_JIS bytes read as UTF-8 are refused, not mangled.
        let err = decode(&bytes, InputEncoding::Utf8).unwrap_err();
        assert!(
            matches!(
                err,
                Error::Encoding {
                    expected: "UTF-8",
                    valid_up_to: Some(0)
                }
            ),
            "{err:?}"
        );
        // Bytes that are neither.
        let err = decode(b"\x82\xff\xff", InputEncoding::Auto).unwrap_err();
        assert!(
            matches!(
                err,
                Error::Encoding {
                    expected: "UTF-8 or Shift_JIS",
                    ..
                }
            ),
            "{err:?}"
        );
    }

    #[test]
    fn shift_jis_output_refuses_unmappable_characters() {
        let ok = encode("山田,0012\r\n".to_owned(), OutputEncoding::ShiftJis).unwrap();
        assert_eq!(
            decode(&ok, InputEncoding::ShiftJis).unwrap().0,
            "山田,0012\r\n"
        );
        let err = encode("a\r\nb😀\r\n".to_owned(), OutputEncoding::ShiftJis).unwrap_err();
        assert!(
            matches!(
                err,
                Error::Unmappable {
                    character: '😀',
                    line: 2,
                    ..
                }
            ),
            "{err:?}"
        );
    }

    #[test]
    fn columns_are_found_by_folded_name_and_must_be_unique() {
        let headers: Vec<String> = ["名前", "ユーザー ＩＤ", "従業員コード"]
            .map(String::from)
            .to_vec();
        let accepted = vec!["ユーザーID".to_owned()];
        assert_eq!(find_column(&headers, "user", &accepted).unwrap(), 1);
        let missing = find_column(&headers, "code", &["社員".to_owned()]).unwrap_err();
        assert!(matches!(missing, Error::MissingColumn { .. }));
        assert!(
            missing
                .to_string()
                .contains("found: 名前, ユーザー ＩＤ, 従業員コード")
        );
        let twice: Vec<String> = ["ID", "id"].map(String::from).to_vec();
        assert!(matches!(
            find_column(&twice, "user", &["ID".to_owned()]),
            Err(Error::AmbiguousColumn { .. })
        ));
    }
}
