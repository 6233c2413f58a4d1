//! Property tests: any link table whose IDs have no surrounding whitespace
//! round-trips through the export CSV, in every encoding that can hold it,
//! formula-looking values included.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;

use proptest::prelude::*;
use wowtalk_api::idlink::{LinkCsvLayout, LinkRow, LinkTable};
use wowtalk_api::{InputEncoding, OutputEncoding, WriteOptions};

/// IDs as admins write them, plus the characters that matter to CSV and
/// spreadsheets: quotes, commas, newlines, formula triggers, apostrophes.
fn id() -> impl Strategy<Value = String> {
    "[=+\\-@'A-Za-z0-9山田ｱ]([A-Za-z0-9 ,\"'\n=+\\-@._山田]{0,10}[A-Za-z0-9'=\"山])?"
}

proptest! {
    #[test]
    fn export_then_read_is_the_identity(pairs in proptest::collection::btree_map(id(), id(), 0..12)) {
        // One-to-one: drop users whose code is already taken.
        let mut seen = std::collections::BTreeSet::new();
        let rows: Vec<LinkRow> = pairs
            .into_iter()
            .filter(|(_, c)| seen.insert(c.clone()))
            .map(|(u, c)| LinkRow::new(u, c))
            .collect();
        let table = LinkTable::from_rows(rows).unwrap();
        let layout = LinkCsvLayout::default();
        for encoding in [OutputEncoding::Utf8, OutputEncoding::Utf8WithBom, OutputEncoding::ShiftJis] {
            let options = WriteOptions::default().encoding(encoding);
            let written = table.to_csv(&layout, &options).unwrap();
            let read = LinkTable::from_csv(&written, &layout, InputEncoding::Auto).unwrap();
            prop_assert_eq!(&read, &table);
            let map: BTreeMap<_, _> = read.into();
            prop_assert_eq!(map.len(), table.len());
        }
    }
}
