//! The link CSV: the manual's rows, encodings, round trips, malformed rows,
//! the formula guard, duplicates and the "only rows present" merge.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::fixture_bytes;
use encoding_rs::SHIFT_JIS;
use malion_api::link::{
    COLUMNS, CsvEncoding, CsvError, EncodingChoice, KindCode, LinkRow, LinkTable, RowProblem,
    TargetAccount, WriteOptions, read_link_csv, write_link_csv,
};
use proptest::prelude::*;

const HEADER: &str = "連携種別,種別コード,打刻先アカウント,姓・名,サービスアカウント";

fn rows() -> Vec<LinkRow> {
    vec![
        LinkRow::malion_for_employee("1000", Some("勤怠"), Some("太郎"))
            .with_service_account("tarouk"),
        LinkRow::malion_for_employee("0042", Some("髙橋"), Some("花子")),
        LinkRow::malion_for_employee("000123", None, Some("次郎")).with_service_account("Jiro.S"),
        LinkRow::malion_for_employee("2001", Some("O'Brien"), None)
            .with_service_account("o,brien \"ob\""),
    ]
}

/// read → write → read gives the same rows, and the second write the same bytes.
fn assert_round_trip(bytes: &[u8], choice: EncodingChoice) -> Vec<LinkRow> {
    let first = read_link_csv(bytes, choice).unwrap();
    let written = first.to_bytes().unwrap();
    let second = read_link_csv(&written, choice).unwrap();
    assert_eq!(second.rows(), first.rows());
    assert_eq!(second.encoding(), first.encoding());
    assert_eq!(second.to_bytes().unwrap(), written);
    first.into_rows()
}

#[test]
fn the_manuals_rows_read_exactly() {
    let before = assert_round_trip(
        &fixture_bytes("official_link_before_edit.csv"),
        EncodingChoice::Auto,
    );
    let after = assert_round_trip(
        &fixture_bytes("official_link_after_edit.csv"),
        EncodingChoice::Auto,
    );
    let want = LinkRow::malion_for_employee("1000", Some("勤怠"), Some("太郎"));
    assert_eq!(before, vec![want.clone()]);
    assert_eq!(after, vec![want.with_service_account("tarouk")]);
    assert_eq!(after[0].link_kind, "MaLion連携");
    assert!(after[0].kind_code.is_malion());
    assert_eq!(after[0].full_name, "勤怠 太郎");
}

#[test]
fn every_encoding_round_trips() {
    for encoding in [
        CsvEncoding::Utf8,
        CsvEncoding::Utf8WithBom,
        CsvEncoding::ShiftJis,
    ] {
        let bytes = write_link_csv(&rows(), WriteOptions::new(encoding)).unwrap();
        for choice in [EncodingChoice::Auto, explicit(encoding)] {
            let csv = read_link_csv(&bytes, choice).unwrap();
            assert_eq!(csv.rows(), rows(), "{encoding:?} {choice:?}");
            assert_eq!(csv.encoding(), encoding);
            assert_round_trip(&bytes, choice);
        }
    }
}

fn explicit(encoding: CsvEncoding) -> EncodingChoice {
    match encoding {
        CsvEncoding::ShiftJis => EncodingChoice::ShiftJis,
        _ => EncodingChoice::Utf8,
    }
}

#[test]
fn shift_jis_bytes_made_by_encoding_rs_are_read() {
    let text = format!("{HEADER}\r\nMaLion連携,3,0007,勤怠 太郎,tarouk\r\n");
    let (bytes, _, lossy) = SHIFT_JIS.encode(&text);
    assert!(!lossy);
    assert!(
        std::str::from_utf8(&bytes).is_err(),
        "really Shift_JIS bytes"
    );
    let csv = read_link_csv(&bytes, EncodingChoice::Auto).unwrap();
    assert_eq!(csv.encoding(), CsvEncoding::ShiftJis);
    assert_eq!(
        csv.rows()[0].target_account.as_str(),
        "0007",
        "leading zeros kept"
    );
    assert_eq!(csv.rows()[0].full_name, "勤怠 太郎");
    // The same bytes forced as UTF-8 are an encoding error, not mojibake.
    let err = read_link_csv(&bytes, EncodingChoice::Utf8).unwrap_err();
    assert!(
        matches!(
            err,
            CsvError::Encoding {
                expected: "UTF-8",
                line: 1,
                ..
            }
        ),
        "{err:?}"
    );
    // Written back as Shift_JIS: the same bytes.
    assert_eq!(csv.to_bytes().unwrap(), bytes.into_owned());
}

#[test]
fn a_bom_means_utf8_whatever_is_chosen() {
    let text = format!("\u{feff}{HEADER}\nMaLion連携,3,1000,勤怠 太郎,tarouk\n");
    for choice in [
        EncodingChoice::Auto,
        EncodingChoice::Utf8,
        EncodingChoice::ShiftJis,
    ] {
        let csv = read_link_csv(text.as_bytes(), choice).unwrap();
        assert_eq!(csv.encoding(), CsvEncoding::Utf8WithBom);
        assert_eq!(
            csv.rows()[0].link_kind,
            "MaLion連携",
            "BOM not glued to the first cell"
        );
    }
    let written = read_link_csv(text.as_bytes(), EncodingChoice::Auto)
        .unwrap()
        .to_bytes()
        .unwrap();
    assert!(written.starts_with(b"\xEF\xBB\xBF"));
}

#[test]
fn undecodable_and_utf16_files_are_refused() {
    let mut bytes = format!("{HEADER}\r\nMaLion連携,3,1000,x,y\r\n").into_bytes();
    bytes.extend_from_slice(b"\x81\x20bad\r\n");
    let err = read_link_csv(&bytes, EncodingChoice::Auto).unwrap_err();
    assert!(
        matches!(
            err,
            CsvError::Encoding {
                expected: "UTF-8 or Shift_JIS",
                line: 3,
                ..
            }
        ),
        "{err:?}"
    );
    let err = read_link_csv(b"\xFF\xFEa\x00", EncodingChoice::Auto).unwrap_err();
    assert_eq!(err, CsvError::Utf16);
    assert_eq!(
        read_link_csv(b"", EncodingChoice::Auto).unwrap_err(),
        CsvError::Empty
    );
    assert_eq!(
        read_link_csv(b"\n\n", EncodingChoice::Auto).unwrap_err(),
        CsvError::Empty
    );
}

#[test]
fn the_header_is_checked_by_name_in_any_order() {
    let reordered = "サービスアカウント, 姓・名 ,打刻先アカウント,種別コード,連携種別\ntarouk,勤怠 太郎,1000,3,MaLion連携\n";
    let csv = read_link_csv(reordered.as_bytes(), EncodingChoice::Auto).unwrap();
    assert_eq!(csv.rows()[0].service_account.as_str(), "tarouk");
    assert_eq!(csv.rows()[0].target_account.as_str(), "1000");

    let screen_listing = "連携種別,打刻先アカウント,姓・名,サービスアカウント,メモ,メモ\n";
    let err = read_link_csv(screen_listing.as_bytes(), EncodingChoice::Auto).unwrap_err();
    assert_eq!(
        err,
        CsvError::Header {
            missing: vec!["種別コード"],
            unknown: vec!["メモ".into(), "メモ".into()],
            repeated: vec![],
        }
    );
    let repeated = format!("{HEADER},連携種別\n");
    let err = read_link_csv(repeated.as_bytes(), EncodingChoice::Auto).unwrap_err();
    assert!(
        matches!(&err, CsvError::Header { repeated, .. } if repeated == &["連携種別"]),
        "{err:?}"
    );
}

#[test]
fn every_malformed_row_is_reported_with_its_line() {
    let text = [
        HEADER,
        "MaLion連携,3,1000,勤怠 太郎,tarouk",  // 2 ok
        "MaLion連携,3,1001,花子",              // 3 too few cells
        "MaLion連携,3,,空 欄,",                // 4 empty target and service account
        "MaLion連携,5,1002,x,y",               // 5 kind mismatch
        "MaLion連携,三,1003,x,y",              // 6 not numeric (and mismatch)
        "MaLion連携,3,1000,重複,other",        // 7 same key as line 2
        "MaLion連携,3,1004,x, tarou ",         // 8 surrounding whitespace
        "",                                    // blank line: skipped
        "MaLion連携,3,1005,\"multi\nline\",y", // 10 control character
        "MaLion連携,3,1006,ok,z",              // 12 ok
    ];
    let crlf = text.join("\r\n");
    let lf = read_link_csv(text.join("\n").as_bytes(), EncodingChoice::Auto).unwrap_err();
    let err = read_link_csv(crlf.as_bytes(), EncodingChoice::Auto).unwrap_err();
    assert_eq!(lf, err, "LF and CRLF files give the same lines");
    let got: Vec<(u64, Vec<RowProblem>)> = err
        .rows()
        .iter()
        .map(|r| (r.line, r.problems.clone()))
        .collect();
    assert_eq!(
        got,
        vec![
            (
                3,
                vec![RowProblem::FieldCount {
                    expected: 5,
                    found: 4
                }]
            ),
            (
                4,
                vec![
                    RowProblem::Empty {
                        column: "打刻先アカウント"
                    },
                    RowProblem::Empty {
                        column: "サービスアカウント"
                    },
                ]
            ),
            (5, vec![RowProblem::KindMismatch]),
            (
                6,
                vec![RowProblem::KindCodeNotNumeric, RowProblem::KindMismatch]
            ),
            (7, vec![RowProblem::DuplicateRow { first_line: 2 }]),
            (
                8,
                vec![RowProblem::SurroundingWhitespace {
                    column: "サービスアカウント"
                }]
            ),
            (
                10,
                vec![RowProblem::ControlCharacter {
                    column: "姓・名"
                }]
            ),
        ]
    );
    let message = err.to_string();
    assert!(message.starts_with("7 malformed row(s)"), "{message}");
    assert!(
        message.contains("line 3: 4 cells where the header has 5"),
        "{message}"
    );
    assert!(
        message.contains("line 7: the same 種別コード and 打刻先アカウント are already on line 2"),
        "{message}"
    );
}

#[test]
fn the_writer_refuses_what_the_reader_would_refuse() {
    let mut bad = rows();
    bad[1].service_account = "".into();
    bad[2].target_account = bad[0].target_account.clone();
    bad.push(LinkRow::malion_for_employee(
        "3000",
        Some("𠮷野"),
        Some("¥"),
    ));
    let err = write_link_csv(&bad, WriteOptions::new(CsvEncoding::ShiftJis)).unwrap_err();
    let lines: Vec<u64> = err.rows().iter().map(|r| r.line).collect();
    assert_eq!(lines, [3, 4, 6]);
    assert_eq!(
        err.rows()[2].problems,
        vec![RowProblem::NotRepresentable {
            column: "姓・名",
            encoding: CsvEncoding::ShiftJis
        }]
    );
    // The same 𠮷 row is fine in UTF-8.
    let ok = vec![LinkRow::malion_for_employee(
        "3000",
        Some("𠮷野"),
        Some("¥"),
    )];
    let bytes = write_link_csv(&ok, WriteOptions::new(CsvEncoding::Utf8)).unwrap();
    assert_eq!(
        read_link_csv(&bytes, EncodingChoice::Auto).unwrap().rows(),
        ok
    );
}

#[test]
fn formulas_are_neutralised_and_still_round_trip() {
    let dangerous = vec![
        LinkRow::malion_for_employee("1000", Some("=HYPERLINK(\"http://x\")"), None)
            .with_service_account("-taro"),
        LinkRow::malion_for_employee("1001", Some("+81"), Some("@SUM(A1)"))
            .with_service_account("'quoted"),
    ];
    let bytes = write_link_csv(&dangerous, WriteOptions::new(CsvEncoding::Utf8)).unwrap();
    let text = String::from_utf8(bytes.clone()).unwrap();
    assert!(text.contains("\"'=HYPERLINK(\"\"http://x\"\")\""), "{text}");
    assert!(text.contains(",'-taro\r\n"), "{text}");
    // The shared rule: a leading ' before no formula character is kept as is.
    assert!(text.contains(",'quoted\r\n"), "{text}");
    assert!(text.contains(",'+81 @SUM(A1),"), "{text}");
    for line in text.lines().skip(1) {
        for cell in line.split(',') {
            assert!(!cell.starts_with(['=', '+', '-', '@']), "{cell} in {text}");
        }
    }
    assert_eq!(
        read_link_csv(&bytes, EncodingChoice::Auto).unwrap().rows(),
        dangerous
    );

    // Ordinary data is written as is.
    let plain = write_link_csv(&rows()[..1], WriteOptions::new(CsvEncoding::Utf8)).unwrap();
    assert_eq!(
        String::from_utf8(plain).unwrap(),
        format!("{HEADER}\r\nMaLion連携,3,1000,勤怠 太郎,tarouk\r\n")
    );
    // With the guard off, cells go out raw.
    let raw = write_link_csv(
        &dangerous[..1],
        WriteOptions::new(CsvEncoding::Utf8).formula_guard(false),
    )
    .unwrap();
    assert!(String::from_utf8(raw).unwrap().contains(",-taro\r\n"));
}

#[test]
fn duplicate_service_accounts_are_reported_with_their_lines() {
    let text = format!(
        "{HEADER}\nMaLion連携,3,1000,a,user\nMaLion連携,3,1001,b,hanako\nMaLion連携,3,1002,c,user\nMaLion連携,3,1003,d,User\nMaLion連携,3,1004,e,user\n"
    );
    let csv = read_link_csv(text.as_bytes(), EncodingChoice::Auto).unwrap();
    let dups = csv.duplicate_service_accounts();
    assert_eq!(dups.len(), 1, "case-sensitive: User is another account");
    assert_eq!(dups[0].service_account.as_str(), "user");
    let involved: Vec<(Option<u64>, &str)> = dups[0]
        .rows
        .iter()
        .map(|e| (e.line, e.target_account.as_str()))
        .collect();
    assert_eq!(
        involved,
        [(Some(2), "1000"), (Some(4), "1002"), (Some(6), "1004")]
    );
}

#[test]
fn an_upload_updates_only_the_rows_it_holds() {
    let downloaded: Vec<LinkRow> = ["1000", "1001", "0042"]
        .iter()
        .map(|c| LinkRow::malion_for_employee(c, Some("姓"), Some("名")))
        .collect();
    let mut table: LinkTable = downloaded.into_iter().collect();
    let upload = format!(
        "{HEADER}\r\nMaLion連携,3,1001,姓 名,hanako\r\nMaLion連携,3,2000,新 人,shinjin\r\n"
    );
    let report = table.merge(
        read_link_csv(upload.as_bytes(), EncodingChoice::Auto)
            .unwrap()
            .into_rows(),
    );
    assert_eq!(report.changed(), 2);
    assert_eq!(
        report.updated,
        vec![(KindCode::malion(), TargetAccount::new("1001"))]
    );
    assert_eq!(
        report.inserted,
        vec![(KindCode::malion(), TargetAccount::new("2000"))]
    );
    let accounts: Vec<(&str, &str)> = table
        .rows()
        .map(|r| (r.target_account.as_str(), r.service_account.as_str()))
        .collect();
    assert_eq!(
        accounts,
        [
            ("0042", "0042"),
            ("1000", "1000"),
            ("1001", "hanako"),
            ("2000", "shinjin")
        ]
    );
    // The table writes and reads back equal.
    let bytes = table
        .to_csv(WriteOptions::new(CsvEncoding::ShiftJis))
        .unwrap();
    let back = LinkTable::from(read_link_csv(&bytes, EncodingChoice::Auto).unwrap());
    assert_eq!(back, table);
}

#[test]
fn generated_rows_follow_the_manuals_download() {
    let row = LinkRow::malion_for_employee("0100", Some(" 勤怠 "), Some("太郎"));
    assert_eq!(row.link_kind, "MaLion連携");
    assert_eq!(row.kind_code.as_str(), "3");
    assert_eq!(row.target_account.as_str(), "0100");
    assert_eq!(row.service_account.as_str(), "0100");
    assert_eq!(row.full_name, "勤怠 太郎");
    assert_eq!(
        COLUMNS,
        [
            "連携種別",
            "種別コード",
            "打刻先アカウント",
            "姓・名",
            "サービスアカウント"
        ]
    );
}

fn cell() -> impl Strategy<Value = String> {
    // Printable text without surrounding whitespace, including formula
    // triggers, quotes, commas and Japanese.
    "[=+@'\\-0-9A-Za-z勤]([0-9A-Za-z,\"'=+@._ 勤怠太郎髙①-]{0,12}[0-9A-Za-z勤怠])?"
}

proptest! {
    #[test]
    fn any_valid_rows_round_trip(
        cells in proptest::collection::vec((cell(), cell(), "[0-9]{1,3}", any::<bool>()), 0..8),
        encoding in prop_oneof![Just(CsvEncoding::Utf8), Just(CsvEncoding::Utf8WithBom), Just(CsvEncoding::ShiftJis)],
    ) {
        let rows: Vec<LinkRow> = cells
            .into_iter()
            .enumerate()
            .map(|(i, (name, account, code, malion))| {
                let mut row = LinkRow::malion_for_employee(&format!("{i:04}"), Some(&name), None)
                    .with_service_account(account);
                if !malion {
                    row.link_kind = "SmartOn ID連携".into();
                    row.kind_code = KindCode::new(if code == "3" { "1".to_owned() } else { code });
                }
                row
            })
            .collect();
        let bytes = write_link_csv(&rows, WriteOptions::new(encoding)).unwrap();
        let back = read_link_csv(&bytes, EncodingChoice::Auto).unwrap();
        prop_assert_eq!(back.rows(), &rows[..]);
        prop_assert_eq!(back.encoding(), encoding);
        prop_assert_eq!(back.to_bytes().unwrap(), bytes);
    }
}
