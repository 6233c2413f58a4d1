//! MaLion's link CSV reader (UTF-8, UTF-8 with BOM, Shift_JIS): any bytes
//! give rows or a typed error, and a file it accepts writes back (in each
//! encoding) to a file that reads as the same rows.
#![no_main]

use libfuzzer_sys::fuzz_target;
use malion_api::link::{CsvEncoding, EncodingChoice, WriteOptions, read_link_csv, write_link_csv};

fuzz_target!(|data: &[u8]| {
    let Some((&selector, bytes)) = data.split_first() else {
        return;
    };
    let choice = match selector % 3 {
        0 => EncodingChoice::Auto,
        1 => EncodingChoice::Utf8,
        _ => EncodingChoice::ShiftJis,
    };
    let read = match read_link_csv(bytes, choice) {
        Ok(read) => read,
        Err(e) => {
            let _ = (e.to_string(), format!("{e:?}"));
            return;
        }
    };
    for encoding in [
        CsvEncoding::Utf8,
        CsvEncoding::Utf8WithBom,
        CsvEncoding::ShiftJis,
    ] {
        let written = match write_link_csv(read.rows(), WriteOptions::new(encoding)) {
            Ok(written) => written,
            // Shift_JIS cannot hold every character: refused, never mangled.
            Err(_) if encoding == CsvEncoding::ShiftJis => continue,
            Err(e) => panic!("rows the reader accepted cannot be written as {encoding:?}: {e}"),
        };
        let again = read_link_csv(&written, EncodingChoice::Auto)
            .unwrap_or_else(|e| panic!("our own {encoding:?} file does not read back: {e}"));
        assert_eq!(
            again.rows(),
            read.rows(),
            "{encoding:?} round trip changed the rows"
        );
        // A written cell never starts a spreadsheet formula.
        let text = String::from_utf8_lossy(&written);
        for line in text.lines() {
            for cell in line.split(',') {
                let cell = cell.trim_start_matches('\u{feff}').trim_start_matches('"');
                assert!(
                    !cell.starts_with(['=', '+', '-', '@']),
                    "formula written: {cell:?}"
                );
            }
        }
    }
});
