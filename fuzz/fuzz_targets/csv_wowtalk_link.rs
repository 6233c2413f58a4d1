//! WowTalk's ID-link import CSV (UTF-8, BOM, Shift_JIS; the importer, the
//! link table reader and the failure CSV reader): any bytes give a report or
//! a typed error; what is accepted writes back and reads as the same.
#![no_main]

use std::collections::BTreeSet;

use kot_api::models::EmployeeCode;
use libfuzzer_sys::fuzz_target;
use wowtalk_api::idlink::{FailureCsv, LinkCsvLayout, LinkImporter, LinkTable};
use wowtalk_api::models::WowTalkUserId;
use wowtalk_api::{InputEncoding, OutputEncoding, WriteOptions};

fuzz_target!(|data: &[u8]| {
    let Some((&selector, bytes)) = data.split_first() else {
        return;
    };
    let encoding = match selector % 3 {
        0 => InputEncoding::Auto,
        1 => InputEncoding::Utf8,
        _ => InputEncoding::ShiftJis,
    };
    let layout = LinkCsvLayout::default();

    // The import, against small directories.
    let kot: BTreeSet<EmployeeCode> = ["0001".into(), "0012".into()].into();
    let users: BTreeSet<WowTalkUserId> = ["yamada".into(), "sato".into()].into();
    let existing = LinkTable::new();
    let now = kot_connect_fuzz::noon();
    match LinkImporter::new(&kot, &users)
        .existing(&existing)
        .encoding(encoding)
        .run(bytes, &now)
    {
        Ok(report) => {
            let summary = report.summary();
            let _ = summary.to_string();
            let mut table = LinkTable::new();
            let _ = report.apply_to(&mut table);
            // The failure CSV of any report is written and reads back.
            let failures = report.failure_csv();
            let written = failures
                .to_csv(&WriteOptions::default())
                .expect("a failure CSV is written in UTF-8");
            let again = FailureCsv::read(&written, &layout, InputEncoding::Auto)
                .unwrap_or_else(|e| panic!("our failure CSV does not read back: {e}"));
            assert_eq!(again, failures, "failure CSV round trip");
        }
        Err(e) => {
            let _ = (e.to_string(), format!("{e:?}"));
        }
    }

    // The link table file: what reads writes back to the same table.
    if let Ok(table) = LinkTable::from_csv(bytes, &layout, encoding) {
        for out in [
            OutputEncoding::Utf8,
            OutputEncoding::Utf8WithBom,
            OutputEncoding::ShiftJis,
        ] {
            let options = WriteOptions::default().encoding(out);
            let written = match table.to_csv(&layout, &options) {
                Ok(written) => written,
                Err(_) if out == OutputEncoding::ShiftJis => continue,
                Err(e) => panic!("a table read from CSV cannot be written as {out:?}: {e}"),
            };
            let again = LinkTable::from_csv(&written, &layout, InputEncoding::Auto)
                .unwrap_or_else(|e| panic!("our {out:?} table does not read back: {e}"));
            assert_eq!(again, table, "{out:?} round trip changed the table");
        }
    }
});
