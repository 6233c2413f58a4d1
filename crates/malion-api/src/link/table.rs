//! The link table: what PC ログイン連携 holds after CSV uploads.

use std::collections::BTreeMap;

use super::csv::{
    CsvError, DuplicateServiceAccount, LinkCsv, WriteOptions, find_duplicates, write_link_csv,
};
use super::row::{KindCode, LinkKey, LinkRow, TargetAccount};
use crate::models::{OperationLog, account_name};

/// The links of one company, one per (種別コード, 打刻先アカウント), in key
/// order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LinkTable {
    rows: BTreeMap<LinkKey, LinkRow>,
}

/// What [`LinkTable::merge`] did, by key.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct MergeReport {
    /// Rows that were not in the table.
    pub inserted: Vec<LinkKey>,
    /// Rows that replaced a different row.
    pub updated: Vec<LinkKey>,
    /// Rows equal to the one already there.
    pub unchanged: Vec<LinkKey>,
    /// Duplicate サービスアカウント in the table after the merge.
    pub duplicates: Vec<DuplicateServiceAccount>,
}

impl MergeReport {
    /// Inserted plus updated rows (PC ログイン連携 reports 「○件のアカウントを更新」).
    pub fn changed(&self) -> usize {
        self.inserted.len() + self.updated.len()
    }
}

/// Which KOT account a MaLion user name is linked to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolution<'a> {
    /// Exactly one MaLion row matches.
    Linked(&'a LinkRow),
    /// No MaLion row matches (the manual's first cause of missing punches).
    NotLinked,
    /// Several rows share the サービスアカウント (duplicate PC user names):
    /// which employee worked is unknown.
    Ambiguous(Vec<&'a LinkRow>),
    /// The log has no user name (collected right after boot).
    NoUser,
}

impl LinkTable {
    /// An empty table.
    pub fn new() -> Self {
        Self::default()
    }

    /// Inserts or replaces the row with the same key; returns the old one.
    pub fn insert(&mut self, row: LinkRow) -> Option<LinkRow> {
        self.rows.insert(row.key(), row)
    }

    /// The row of a product and KOT account.
    pub fn get(&self, kind_code: &KindCode, target: &TargetAccount) -> Option<&LinkRow> {
        self.rows.get(&(kind_code.clone(), target.clone()))
    }

    /// The number of rows.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// True when there is no row.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The rows, in key order.
    pub fn rows(&self) -> impl Iterator<Item = &LinkRow> {
        self.rows.values()
    }

    /// Applies an uploaded CSV as PC ログイン連携 does: each row present
    /// replaces the row with the same 種別コード and 打刻先アカウント, or is
    /// added; rows absent from the upload stay as they are. (Later rows win
    /// when `imported` repeats a key; a [`LinkCsv`] never does.)
    pub fn merge(&mut self, imported: impl IntoIterator<Item = LinkRow>) -> MergeReport {
        let mut report = MergeReport::default();
        for row in imported {
            let key = row.key();
            match self.rows.insert(key.clone(), row) {
                None => report.inserted.push(key),
                Some(old) if Some(&old) == self.rows.get(&key) => report.unchanged.push(key),
                Some(_) => report.updated.push(key),
            }
        }
        report.duplicates = self.duplicate_service_accounts();
        report
    }

    /// Rows that share a サービスアカウント with another row of the same
    /// 種別コード (the manual's duplicate PC user name hazard).
    pub fn duplicate_service_accounts(&self) -> Vec<DuplicateServiceAccount> {
        find_duplicates(self.rows.values().map(|r| (None, r)))
    }

    /// The MaLion link of a logon user name: the MaLion rows (種別コード 3)
    /// whose サービスアカウント equals the whole name, or else its account
    /// part after `DOMAIN\` / `DOMAIN¥` ([`account_name`]). Exact and
    /// case-sensitive, as the manual requires.
    pub fn resolve(&self, logon_user_name: &str) -> Resolution<'_> {
        let matching = |name: &str| -> Vec<&LinkRow> {
            self.rows
                .values()
                .filter(|r| r.kind_code.is_malion() && r.service_account.as_str() == name)
                .collect()
        };
        let mut found = matching(logon_user_name);
        if found.is_empty() {
            let account = account_name(logon_user_name);
            if account != logon_user_name {
                found = matching(account);
            }
        }
        match found.len() {
            0 => Resolution::NotLinked,
            1 => found
                .pop()
                .map_or(Resolution::NotLinked, Resolution::Linked),
            _ => Resolution::Ambiguous(found),
        }
    }

    /// [`resolve`](Self::resolve) for a log's user name.
    pub fn resolve_log(&self, log: &OperationLog) -> Resolution<'_> {
        match &log.logon_user_name {
            Some(name) => self.resolve(name),
            None => Resolution::NoUser,
        }
    }

    /// Writes the table as a link CSV, in key order.
    ///
    /// # Errors
    /// See [`write_link_csv`].
    pub fn to_csv(&self, options: WriteOptions) -> Result<Vec<u8>, CsvError> {
        let rows: Vec<LinkRow> = self.rows.values().cloned().collect();
        write_link_csv(&rows, options)
    }
}

impl From<LinkCsv> for LinkTable {
    fn from(csv: LinkCsv) -> Self {
        let mut table = Self::new();
        table.merge(csv.into_rows());
        table
    }
}

impl FromIterator<LinkRow> for LinkTable {
    /// Later rows win when a key repeats.
    fn from_iter<I: IntoIterator<Item = LinkRow>>(iter: I) -> Self {
        let mut table = Self::new();
        for row in iter {
            table.insert(row);
        }
        table
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(code: &str, account: &str) -> LinkRow {
        LinkRow::malion_for_employee(code, Some("勤怠"), Some("太郎")).with_service_account(account)
    }

    #[test]
    fn merge_updates_only_the_rows_present() {
        let mut table: LinkTable = [
            row("1000", "1000"),
            row("1001", "hanako"),
            row("0042", "0042"),
        ]
        .into_iter()
        .collect();
        let report = table.merge([
            row("1000", "tarouk"),
            row("1001", "hanako"),
            row("2000", "jiro"),
        ]);
        assert_eq!(
            report.updated,
            vec![(KindCode::malion(), TargetAccount::new("1000"))]
        );
        assert_eq!(
            report.unchanged,
            vec![(KindCode::malion(), TargetAccount::new("1001"))]
        );
        assert_eq!(
            report.inserted,
            vec![(KindCode::malion(), TargetAccount::new("2000"))]
        );
        assert_eq!(report.changed(), 2);
        assert!(report.duplicates.is_empty());
        assert_eq!(table.len(), 4);
        let kept = table
            .get(&KindCode::malion(), &TargetAccount::new("0042"))
            .unwrap();
        assert_eq!(kept.service_account.as_str(), "0042");
        let t = table
            .get(&KindCode::malion(), &TargetAccount::new("1000"))
            .unwrap();
        assert_eq!(t.service_account.as_str(), "tarouk");
    }

    #[test]
    fn duplicates_and_resolution() {
        let mut table: LinkTable = [row("1000", "user"), row("1001", "hanako")]
            .into_iter()
            .collect();
        let report = table.merge([row("1002", "user")]);
        assert_eq!(report.duplicates.len(), 1);
        let d = &report.duplicates[0];
        assert_eq!(d.service_account.as_str(), "user");
        let targets: Vec<_> = d.rows.iter().map(|e| e.target_account.as_str()).collect();
        assert_eq!(targets, ["1000", "1002"]);

        assert!(matches!(table.resolve("user"), Resolution::Ambiguous(v) if v.len() == 2));
        assert!(
            matches!(table.resolve(r"CORP\hanako"), Resolution::Linked(r) if r.target_account.as_str() == "1001")
        );
        assert!(matches!(
            table.resolve("CORP¥hanako"),
            Resolution::Linked(_)
        ));
        assert_eq!(table.resolve("Hanako"), Resolution::NotLinked);
        // A SmartOn-style row with another code never resolves a MaLion user.
        let mut other = row("3000", "saburo");
        other.link_kind = "SmartOn ID連携".into();
        other.kind_code = KindCode::new("1");
        table.insert(other);
        assert_eq!(table.resolve("saburo"), Resolution::NotLinked);
    }
}
