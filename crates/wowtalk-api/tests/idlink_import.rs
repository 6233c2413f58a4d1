//! The ID連携 import: encodings, malformed rows, duplicates, unknown IDs,
//! the failure CSV and the time-band refusal at its exact boundaries.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::sync::Arc;

use chrono::{Timelike, Utc};
use common::{codes, fixture, jst, noon, users};
use kot_api::models::EmployeeCode;
use kot_connect_http::Clock;
use wowtalk_api::idlink::{
    FailureCsv, FailureReason, LinkCsvLayout, LinkImporter, LinkRow, LinkTable, Malformed,
};
use wowtalk_api::models::WowTalkUserId;
use wowtalk_api::{
    DetectedEncoding, Error, InputEncoding, ManualClock, OutputEncoding, WriteOptions,
};

fn good_directories() -> (
    std::collections::BTreeSet<EmployeeCode>,
    std::collections::BTreeSet<WowTalkUserId>,
) {
    (
        codes(&["0012", "00013", "U000123"]),
        users(&["yamada", "sato", "suzuki"]),
    )
}

#[test]
fn utf8_bom_and_shift_jis_files_give_the_same_links_with_leading_zeros_kept() {
    let (kot, members) = good_directories();
    let expected = vec![
        LinkRow::new("yamada", "0012"),
        LinkRow::new("sato", "00013"),
        LinkRow::new("suzuki", "U000123"),
    ];
    for (name, encoding) in [
        ("synthetic_link_utf8.csv", DetectedEncoding::Utf8),
        ("synthetic_link_utf8_bom.csv", DetectedEncoding::Utf8WithBom),
        ("synthetic_link_sjis.csv", DetectedEncoding::ShiftJis),
    ] {
        let report = LinkImporter::new(&kot, &members)
            .run(&fixture(name), &noon())
            .unwrap();
        assert_eq!(report.encoding, encoding, "{name}");
        assert_eq!(
            report.headers,
            ["ユーザーID", "氏名", "従業員コード"],
            "{name}"
        );
        assert_eq!(
            report.links().cloned().collect::<Vec<_>>(),
            expected,
            "{name}"
        );
        assert_eq!(
            report.imported.iter().map(|r| r.line).collect::<Vec<_>>(),
            [2, 3, 4]
        );
        assert!(report.failures.is_empty(), "{name}: {:?}", report.failures);
        assert_eq!(
            report.summary().to_string(),
            "インポート完了 3 / インポート失敗 0"
        );
    }
}

#[test]
fn an_explicit_encoding_that_does_not_fit_is_an_error_not_mojibake() {
    let (kot, members) = good_directories();
    let err = LinkImporter::new(&kot, &members)
        .encoding(InputEncoding::Utf8)
        .run(&fixture("synthetic_link_sjis.csv"), &noon())
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Encoding {
                expected: "UTF-8",
                ..
            }
        ),
        "{err:?}"
    );
    let shift_jis = LinkImporter::new(&kot, &members)
        .encoding(InputEncoding::ShiftJis)
        .run(&fixture("synthetic_link_sjis.csv"), &noon())
        .unwrap();
    assert_eq!(shift_jis.summary().completed, 3);
}

#[test]
fn malformed_duplicate_and_unknown_rows_are_reported_row_by_row() {
    let kot = codes(&[
        "0012", "0013", "0014", "0015", "0016", "0017", "0018", "00019",
    ]);
    let members = users(&[
        "yamada", "sato", "suzuki", "tanaka", "ito", "kato", "kimura", "watanabe", "nakamura",
    ]);
    let report = LinkImporter::new(&kot, &members)
        .run(&fixture("synthetic_link_malformed.csv"), &noon())
        .unwrap();
    let summary = report.summary();
    assert_eq!((summary.completed, summary.failed), (2, 10));
    assert_eq!(
        report.links().cloned().collect::<Vec<_>>(),
        [
            LinkRow::new("yamada", "0012"),
            LinkRow::new("nakamura", "00019")
        ]
    );
    let s = |v: &[&str]| v.iter().map(|x| (*x).to_owned()).collect::<Vec<_>>();
    let failures: Vec<(u64, Vec<String>, Vec<FailureReason>)> = report
        .failures
        .iter()
        .map(|f| (f.line, f.values.clone(), f.reasons.clone()))
        .collect();
    let expected = vec![
        (
            3,
            s(&["sato", "佐藤 花子", "0099"]),
            vec![FailureReason::UnknownKotEmployee {
                employee_code: "0099".into(),
            }],
        ),
        (
            4,
            s(&["ghost", "幽霊", "0013"]),
            vec![FailureReason::UnknownWowTalkUser {
                user_id: "ghost".into(),
            }],
        ),
        (
            5,
            s(&["suzuki", "鈴木", ""]),
            vec![FailureReason::Malformed {
                problem: Malformed::MissingValue {
                    column: "従業員コード".into(),
                },
            }],
        ),
        (
            6,
            s(&["tanaka", "田中"]),
            vec![FailureReason::Malformed {
                problem: Malformed::FieldCount {
                    expected: 3,
                    found: 2,
                },
            }],
        ),
        (
            7,
            s(&["ito", "伊藤", "0014"]),
            vec![FailureReason::DuplicateUserId {
                user_id: "ito".into(),
                other_lines: vec![8],
            }],
        ),
        (
            8,
            s(&["ito", "伊藤 二", "0015"]),
            vec![FailureReason::DuplicateUserId {
                user_id: "ito".into(),
                other_lines: vec![7],
            }],
        ),
        (
            9,
            s(&["kato", "加藤", "0016"]),
            vec![FailureReason::DuplicateEmployeeCode {
                employee_code: "0016".into(),
                other_lines: vec![10],
            }],
        ),
        (
            10,
            s(&["kimura", "木村", "0016"]),
            vec![FailureReason::DuplicateEmployeeCode {
                employee_code: "0016".into(),
                other_lines: vec![9],
            }],
        ),
        (
            12,
            s(&["watanabe", "渡辺", "0017", "extra"]),
            vec![FailureReason::Malformed {
                problem: Malformed::FieldCount {
                    expected: 3,
                    found: 4,
                },
            }],
        ),
        (
            13,
            s(&["=cmd", "悪意", "0018"]),
            vec![FailureReason::UnknownWowTalkUser {
                user_id: "=cmd".into(),
            }],
        ),
    ];
    assert_eq!(failures, expected);
    assert_eq!(
        report
            .failures
            .iter()
            .map(|f| f.reasons[0].kind())
            .collect::<Vec<_>>(),
        [
            "unknown_kot_employee",
            "unknown_wowtalk_user",
            "malformed",
            "malformed",
            "duplicate_user_id",
            "duplicate_user_id",
            "duplicate_employee_code",
            "duplicate_employee_code",
            "malformed",
            "unknown_wowtalk_user",
        ]
    );

    // The failure CSV (「詳細」): line, the row's cells, the reason; formulas
    // neutralised.
    let csv = report
        .write_failure_csv(&WriteOptions::default().encoding(OutputEncoding::Utf8))
        .unwrap();
    let text = String::from_utf8(csv).unwrap();
    let lines: Vec<&str> = text.split("\r\n").collect();
    assert_eq!(lines[0], "行番号,ユーザーID,氏名,従業員コード,失敗理由");
    assert_eq!(
        lines[1],
        "3,sato,佐藤 花子,0099,KING OF TIME に存在しない従業員コードです: 0099 (unknown KOT employee)"
    );
    assert_eq!(
        lines[4],
        "6,tanaka,田中,\"不正な行: 列の数が 2 です、ヘッダーは 3 列 (2 fields, the header has 3)\""
    );
    assert_eq!(
        lines[5],
        "7,ito,伊藤,0014,\"WowTalk ユーザーID ito がファイル内で重複しています (duplicate WowTalk user ID, also on line 8)\""
    );
    assert_eq!(
        lines[10],
        "13,'=cmd,悪意,0018,WowTalk に存在しないユーザーIDです: =cmd (unknown WowTalk user)"
    );
    assert_eq!(lines.len(), 12, "{text}"); // header + 10 rows + the empty tail
}

#[test]
fn several_reasons_for_one_row_are_all_given() {
    let file = "ユーザーID,従業員コード\nx,1\nx,2\n";
    let report = LinkImporter::new(&codes(&["2"]), &users(&[]))
        .run(file.as_bytes(), &noon())
        .unwrap();
    assert_eq!(
        report.failures[0].reasons,
        vec![
            FailureReason::DuplicateUserId {
                user_id: "x".into(),
                other_lines: vec![3]
            },
            FailureReason::UnknownWowTalkUser {
                user_id: "x".into()
            },
            FailureReason::UnknownKotEmployee {
                employee_code: "1".into()
            },
        ]
    );
    assert_eq!(report.failures[0].reason_text().matches("; ").count(), 2);
}

#[test]
fn the_failure_csv_round_trips_in_every_encoding() {
    let kot = codes(&["0012"]);
    let members = users(&["yamada"]);
    let report = LinkImporter::new(&kot, &members)
        .run(&fixture("synthetic_link_malformed.csv"), &noon())
        .unwrap();
    let layout = LinkCsvLayout::default();
    for encoding in [
        OutputEncoding::Utf8,
        OutputEncoding::Utf8WithBom,
        OutputEncoding::ShiftJis,
    ] {
        let options = WriteOptions::default().encoding(encoding);
        let written = report.write_failure_csv(&options).unwrap();
        let read = FailureCsv::read(&written, &layout, InputEncoding::Auto).unwrap();
        assert_eq!(read, report.failure_csv(), "{encoding:?}");
        let again = read.to_csv(&options).unwrap();
        assert_eq!(again, written, "{encoding:?}");
        assert_eq!(
            FailureCsv::read(&again, &layout, InputEncoding::Auto).unwrap(),
            read
        );
    }
    let err = FailureCsv::read("a,b\n".as_bytes(), &layout, InputEncoding::Auto).unwrap_err();
    assert!(matches!(err, Error::MissingColumn { .. }), "{err:?}");
}

#[test]
fn the_import_is_refused_inside_the_time_bands_at_the_exact_boundaries() {
    let (kot, members) = good_directories();
    let importer = LinkImporter::new(&kot, &members);
    let file = fixture("synthetic_link_utf8.csv");
    let cases = [
        (jst(8, 29, 59, 999), None),
        (jst(8, 30, 0, 0), Some(jst(10, 0, 0, 0))),
        (jst(9, 59, 59, 999), Some(jst(10, 0, 0, 0))),
        (jst(10, 0, 0, 0), None),
        (jst(17, 29, 59, 999), None),
        (jst(17, 30, 0, 0), Some(jst(18, 30, 0, 0))),
        (jst(18, 29, 59, 999), Some(jst(18, 30, 0, 0))),
        (jst(18, 30, 0, 0), None),
    ];
    for (at, refused_until) in cases {
        let result = importer.run(&file, &at);
        match refused_until {
            None => assert_eq!(result.unwrap().summary().completed, 3, "{at}"),
            Some(reopens) => {
                let err = result.unwrap_err();
                assert!(err.is_time_band(), "{at}: {err:?}");
                assert_eq!(err.reopens_at(), Some(reopens), "{at}");
                assert_eq!(
                    err.to_string(),
                    format!(
                        "ID連携 refused: the ID-link import is not available during KOT's prohibited time band {} JST; it reopens at {reopens}",
                        if reopens.hour() == 10 {
                            "08:30-10:00"
                        } else {
                            "17:30-18:30"
                        }
                    )
                );
            }
        }
    }
    // The same instants given in UTC.
    let utc = jst(8, 30, 0, 0).with_timezone(&Utc);
    assert!(importer.run(&file, &utc).unwrap_err().is_time_band());
}

#[test]
fn the_refusal_comes_before_reading_the_file() {
    let (kot, members) = good_directories();
    let err = LinkImporter::new(&kot, &members)
        .run(b"\xff\xfe garbage", &jst(9, 0, 0, 0))
        .unwrap_err();
    assert!(err.is_time_band(), "{err:?}");
}

#[test]
fn the_instant_can_come_from_an_injected_clock() {
    let (kot, members) = good_directories();
    let clock = ManualClock::new(jst(17, 29, 59, 999).with_timezone(&Utc));
    let shared: Arc<dyn Clock> = Arc::new(clock.clone());
    let importer = LinkImporter::new(&kot, &members);
    let file = fixture("synthetic_link_utf8.csv");
    assert!(importer.run_with_clock(&file, shared.as_ref()).is_ok());
    clock.advance(chrono::Duration::milliseconds(1));
    assert!(
        importer
            .run_with_clock(&file, shared.as_ref())
            .unwrap_err()
            .is_time_band()
    );
}

#[test]
fn headers_are_found_by_name_in_any_order_with_custom_names() {
    let file = "メモ,ＫＯＴ 従業員コード,ＩＤ\nfoo,0001,alice\n";
    let report = LinkImporter::new(&codes(&["0001"]), &users(&["alice"]))
        .run(file.as_bytes(), &noon())
        .unwrap();
    assert_eq!(
        report.links().collect::<Vec<_>>(),
        [&LinkRow::new("alice", "0001")]
    );

    let layout = LinkCsvLayout::default()
        .with_user_id_column("WowTalkアカウント")
        .with_employee_code_column("KOTコード");
    let file = "KOTコード,WowTalkアカウント\n0001,alice\n";
    let report = LinkImporter::new(&codes(&["0001"]), &users(&["alice"]))
        .layout(layout.clone())
        .run(file.as_bytes(), &noon())
        .unwrap();
    assert_eq!(report.summary().completed, 1);

    // The default names are not accepted any more with a custom layout.
    let err = LinkImporter::new(&codes(&[]), &users(&[]))
        .layout(layout)
        .run("ユーザーID,従業員コード\n".as_bytes(), &noon())
        .unwrap_err();
    let Error::MissingColumn { found, .. } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(found, &["ユーザーID", "従業員コード"]);

    let err = LinkImporter::new(&codes(&[]), &users(&[]))
        .run("ID,ユーザーID,従業員コード\n".as_bytes(), &noon())
        .unwrap_err();
    assert!(matches!(err, Error::AmbiguousColumn { .. }), "{err:?}");
}

#[test]
fn an_employee_kept_by_another_user_is_refused_but_a_swap_is_not() {
    let table =
        LinkTable::from_rows([LinkRow::new("alice", "0001"), LinkRow::new("bob", "0002")]).unwrap();
    let kot = codes(&["0001", "0002", "0003"]);
    let members = users(&["alice", "bob", "carol"]);
    let importer = LinkImporter::new(&kot, &members).existing(&table);

    let report = importer
        .run("ユーザーID,従業員コード\ncarol,0001\n".as_bytes(), &noon())
        .unwrap();
    assert_eq!(
        report.failures[0].reasons,
        vec![FailureReason::EmployeeLinkedToAnotherUser {
            employee_code: "0001".into(),
            linked_user: "alice".into()
        }]
    );

    let swap = importer
        .run(
            "ユーザーID,従業員コード\nalice,0002\nbob,0001\ncarol,0003\n".as_bytes(),
            &noon(),
        )
        .unwrap();
    assert_eq!(swap.summary().failed, 0);
    let mut updated = table.clone();
    let outcome = swap.apply_to(&mut updated);
    assert!(outcome.rejected.is_empty());
    assert_eq!((outcome.updated.len(), outcome.added.len()), (2, 1));
    assert_eq!(updated.employee_of(&"alice".into()), Some(&"0002".into()));
    assert_eq!(updated.employee_of(&"carol".into()), Some(&"0003".into()));

    // Rows absent from the file are kept as they were.
    let partial = importer
        .run("ユーザーID,従業員コード\ncarol,0003\n".as_bytes(), &noon())
        .unwrap();
    let mut kept = table.clone();
    partial.apply_to(&mut kept);
    assert_eq!(kept.len(), 3);
    assert_eq!(kept.employee_of(&"bob".into()), Some(&"0002".into()));
}

#[test]
fn a_quoted_cell_with_a_newline_keeps_its_starting_line_and_an_empty_file_imports_nothing() {
    let file = "ユーザーID,氏名,従業員コード\n\"alice\",\"two\nlines\",0001\nbob,x,0099\n";
    let report = LinkImporter::new(&codes(&["0001"]), &users(&["alice", "bob"]))
        .run(file.as_bytes(), &noon())
        .unwrap();
    assert_eq!(report.imported[0].line, 2);
    assert_eq!(report.failures[0].line, 4);

    let empty = LinkImporter::new(&codes(&[]), &users(&[]))
        .run("ユーザーID,従業員コード\r\n".as_bytes(), &noon())
        .unwrap();
    assert_eq!(
        empty.summary().to_string(),
        "インポート完了 0 / インポート失敗 0"
    );
    let err = LinkImporter::new(&codes(&[]), &users(&[]))
        .run(b"", &noon())
        .unwrap_err();
    assert!(matches!(err, Error::MissingColumn { .. }), "{err:?}");
}
