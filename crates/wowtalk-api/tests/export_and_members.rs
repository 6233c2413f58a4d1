//! The link export (エクスポート), the state file, the member import
//! template, and formula neutralisation: every CSV read, written, read back.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use chrono::NaiveDate;
use common::{codes, noon, users};
use wowtalk_api::idlink::{LinkCsvLayout, LinkImporter, LinkRow, LinkTable};
use wowtalk_api::models::{
    MEMBER_COLUMNS, MemberRow, Password, RoleName, read_members, write_members,
};
use wowtalk_api::{Error, InputEncoding, OutputEncoding, SecretString, WriteOptions};

const ENCODINGS: [OutputEncoding; 3] = [
    OutputEncoding::Utf8,
    OutputEncoding::Utf8WithBom,
    OutputEncoding::ShiftJis,
];

fn table() -> LinkTable {
    LinkTable::from_rows([
        LinkRow::new("yamada", "0012"),
        LinkRow::new("sato.hanako", "00013"),
        LinkRow::new("佐藤", "U000123"),
        LinkRow::new("comma,user", "0014"),
        LinkRow::new("quote\"user", "0015"),
        // Values a spreadsheet would take for formulas.
        LinkRow::new("=HYPERLINK(\"x\")", "-0016"),
        LinkRow::new("@sum", "+0017"),
        LinkRow::new("'=already", "0018"),
    ])
    .unwrap()
}

#[test]
fn the_export_round_trips_in_every_encoding() {
    let layout = LinkCsvLayout::default();
    for encoding in ENCODINGS {
        let options = WriteOptions::default().encoding(encoding);
        let written = table().to_csv(&layout, &options).unwrap();
        let read = LinkTable::from_csv(&written, &layout, InputEncoding::Auto).unwrap();
        assert_eq!(read, table(), "{encoding:?}");
        assert_eq!(
            read.to_csv(&layout, &options).unwrap(),
            written,
            "{encoding:?}"
        );
    }
}

#[test]
fn the_export_is_exact_and_neutralises_formulas() {
    let options = WriteOptions::default().encoding(OutputEncoding::Utf8);
    let text =
        String::from_utf8(table().to_csv(&LinkCsvLayout::default(), &options).unwrap()).unwrap();
    assert_eq!(
        text,
        "ユーザーID,従業員コード\r\n\
         ''=already,0018\r\n\
         '=cmd,'-0016\r\n\
         '@sum,'+0017\r\n\
         \"comma,user\",0014\r\n\
         \"quote\"\"user\",0015\r\n\
         sato.hanako,00013\r\n\
         yamada,0012\r\n\
         佐藤,U000123\r\n"
            .replace("'=cmd", "\"'=HYPERLINK(\"\"x\"\")\"")
    );
    // Without the guard the cells are written as they are.
    let raw = table()
        .to_csv(&LinkCsvLayout::default(), &options.formula_guard(false))
        .unwrap();
    assert!(
        String::from_utf8(raw)
            .unwrap()
            .contains("\r\n@sum,+0017\r\n")
    );
    // The default output starts with a UTF-8 BOM, for Excel.
    let bom = table()
        .to_csv(&LinkCsvLayout::default(), &WriteOptions::default())
        .unwrap();
    assert!(bom.starts_with(b"\xEF\xBB\xBF"));
}

#[test]
fn an_export_can_be_imported_again() {
    let layout = LinkCsvLayout::default();
    let written = table().to_csv(&layout, &WriteOptions::default()).unwrap();
    let kot = codes(&[
        "0012", "00013", "U000123", "0014", "0015", "-0016", "+0017", "0018",
    ]);
    let members = users(&[
        "yamada",
        "sato.hanako",
        "佐藤",
        "comma,user",
        "quote\"user",
        "=HYPERLINK(\"x\")",
        "@sum",
        "'=already",
    ]);
    let report = LinkImporter::new(&kot, &members)
        .existing(&table())
        .run(&written, &noon())
        .unwrap();
    assert_eq!(report.summary().failed, 0, "{:?}", report.failures);
    let mut again = LinkTable::new();
    let outcome = report.apply_to(&mut again);
    assert_eq!(outcome.added.len(), 8);
    assert_eq!(again, table());
}

#[test]
fn shift_jis_export_refuses_characters_it_cannot_hold() {
    let t = LinkTable::from_rows([LinkRow::new("ok", "1"), LinkRow::new("emoji😀", "2")]).unwrap();
    let err = t
        .to_csv(
            &LinkCsvLayout::default(),
            &WriteOptions::default().encoding(OutputEncoding::ShiftJis),
        )
        .unwrap_err();
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
fn a_strict_read_refuses_bad_rows() {
    let layout = LinkCsvLayout::default();
    let cases = [
        (
            "ユーザーID,従業員コード\na,1\na,2\n",
            "line 3: WowTalk user a is listed twice",
        ),
        (
            "ユーザーID,従業員コード\na,1\nb\n",
            "line 3: 列の数が 1 です",
        ),
        (
            "ユーザーID,従業員コード\na,\n",
            "line 2: 「従業員コード」が空です",
        ),
        (
            "ユーザーID,従業員コード\na,1\nb,1\n",
            "KOT employee 1 is linked to both a and b",
        ),
    ];
    for (file, expected) in cases {
        let err = LinkTable::from_csv(file.as_bytes(), &layout, InputEncoding::Auto).unwrap_err();
        assert!(err.to_string().starts_with(expected), "{file:?}: {err}");
    }
}

#[test]
fn the_state_file_round_trips_through_serde() {
    let json = serde_json::to_string_pretty(&table()).unwrap();
    let back: LinkTable = serde_json::from_str(&json).unwrap();
    assert_eq!(back, table());
    assert!(json.contains(r#""sato.hanako": "00013""#), "{json}");
}

const PASSWORD: &str = "wt-member-pass-Q7x!3k";

fn members() -> Vec<MemberRow> {
    let mut full = MemberRow::new("0012yamada", "山田 太郎");
    full.furigana = Some("ヤマダ タロウ".into());
    full.password = Some(Password::new(PASSWORD));
    full.employee_number = Some("000123".into());
    full.extension = Some("1234".into());
    full.mobile = Some("+81-90-0000-0000".into());
    full.work_address = Some("東京都千代田区1-1".into());
    full.email = Some("yamada@example.com".into());
    full.department = Some("営業部".into());
    full.title = Some("課長".into());
    full.role = Some(RoleName::new("正社員"));
    full.birth_date = NaiveDate::from_ymd_opt(1980, 5, 1);
    full.gender = Some("男性".into());
    full.extra = vec![("入社日".into(), "2020/04/01".into())];
    let mut minimal = MemberRow::new("sato", "佐藤");
    minimal.password = Some(Password::new("=starts-with-equals"));
    vec![full, minimal]
}

#[test]
fn the_member_template_round_trips_in_every_encoding() {
    for encoding in ENCODINGS {
        let options = WriteOptions::default().encoding(encoding);
        let written = write_members(&members(), &options).unwrap();
        let read = read_members(&written, InputEncoding::Auto).unwrap();
        assert_eq!(read, members(), "{encoding:?}");
        assert_eq!(write_members(&read, &options).unwrap(), written);
    }
}

#[test]
fn the_member_template_has_the_documented_columns() {
    let options = WriteOptions::default().encoding(OutputEncoding::Utf8);
    let text = String::from_utf8(write_members(&members(), &options).unwrap()).unwrap();
    let mut lines = text.split("\r\n");
    assert_eq!(
        lines.next().unwrap(),
        "ID,名前,フリガナ,パスワード,社員番号,内線番号,携帯電話,勤務先住所,メール,部門,役職,ロール,生年月日,性別,入社日"
    );
    assert_eq!(MEMBER_COLUMNS.len(), 14);
    assert_eq!(
        lines.next().unwrap(),
        format!(
            "0012yamada,山田 太郎,ヤマダ タロウ,{PASSWORD},000123,1234,'+81-90-0000-0000,東京都千代田区1-1,yamada@example.com,営業部,課長,正社員,1980/05/01,男性,2020/04/01"
        )
    );
    assert_eq!(
        lines.next().unwrap(),
        "sato,佐藤,,'=starts-with-equals,,,,,,,,,,,"
    );
}

#[test]
fn member_rows_are_read_by_header_in_any_order_and_bad_rows_are_errors() {
    // The template's columns in reverse order; a row from named cells.
    let header = MEMBER_COLUMNS
        .iter()
        .rev()
        .copied()
        .collect::<Vec<_>>()
        .join(",");
    let row = |cells: &[(&str, &str)]| -> String {
        MEMBER_COLUMNS
            .iter()
            .rev()
            .map(|c| cells.iter().find(|(k, _)| k == c).map_or("", |(_, v)| *v))
            .collect::<Vec<_>>()
            .join(",")
    };
    let blank = row(&[]);
    let no_id = row(&[("性別", "男性"), ("パスワード", PASSWORD), ("名前", "名前")]);
    let file = format!("{header}\n{blank}\n{no_id}\n");
    let err = read_members(file.as_bytes(), InputEncoding::Auto).unwrap_err();
    assert_eq!(err.to_string(), "line 3: 「ID」が空です");
    assert!(!format!("{err:?}").contains(PASSWORD));

    let bad_date = row(&[("ID", "id1"), ("名前", "名前"), ("生年月日", "1980/13/01")]);
    let file = format!("{header}\n{bad_date}\n");
    let err = read_members(file.as_bytes(), InputEncoding::Auto).unwrap_err();
    assert_eq!(
        err.to_string(),
        "line 2: 生年月日 \"1980/13/01\" is not YYYY/MM/DD"
    );

    let good = row(&[
        ("ID", "id1"),
        ("名前", "名前"),
        ("生年月日", "1990-01-02"),
        ("性別", "女性"),
        ("パスワード", PASSWORD),
    ]);
    let file = format!("{header}\n{good}\n");
    let rows = read_members(file.as_bytes(), InputEncoding::Auto).unwrap();
    assert_eq!(rows[0].id.as_str(), "id1");
    assert_eq!(rows[0].birth_date, NaiveDate::from_ymd_opt(1990, 1, 2));
    assert_eq!(rows[0].gender.as_deref(), Some("女性"));
    assert_eq!(rows[0].password, Some(Password::new(PASSWORD)));

    let err = read_members("ID,名前\n".as_bytes(), InputEncoding::Auto).unwrap_err();
    assert!(
        matches!(
            err,
            Error::MissingColumn {
                column: "フリガナ",
                ..
            }
        ),
        "{err:?}"
    );

    let file = format!("{header}\nonly,three,{PASSWORD}\n");
    let err = read_members(file.as_bytes(), InputEncoding::Auto).unwrap_err();
    assert_eq!(err.to_string(), "line 2: 3 cells, the header has 14");
    assert!(!format!("{err:?}").contains(PASSWORD));
}

#[test]
fn passwords_never_appear_in_debug() {
    let rows = members();
    for shown in [
        format!("{rows:?}"),
        format!("{rows:#?}"),
        format!("{:?}", rows[0].password),
    ] {
        assert!(!shown.contains(PASSWORD), "{shown}");
        assert!(!shown.contains("Q7x!3k"), "{shown}");
        assert!(shown.contains("REDACTED"));
    }
    let p = Password::new(PASSWORD);
    assert_eq!(p, Password::new(PASSWORD));
    assert_ne!(p, Password::new("other"));
    let _: &SecretString = p.secret();
}
