//! Matching: which KOT employee code (従業員コード) a source record belongs to.
//!
//! Every source names people its own way:
//!
//! | source | external id | how it maps |
//! |---|---|---|
//! | SenseLink | 従業員番号 (`job_number`) | equal to the KOT code ([`Matcher::same_as_code`]) |
//! | cyzen | user code | equal to the KOT code ([`Matcher::same_as_code`]) |
//! | MaLion | PC user name (サービスアカウント) | link table, after a `DOMAIN\` / `DOMAIN¥` prefix ([`Matcher::windows_account`]) |
//! | WowTalk | user id | link table ([`Matcher::linked`]) |
//!
//! Matching is exact: case-sensitive, no trimming, and leading zeros are
//! significant (`"0012"` is not `"12"`). Nothing is dropped: every record
//! ends up in exactly one of [`MatchOutcome::matched`],
//! [`MatchOutcome::unmatched`], [`MatchOutcome::ambiguous`] or
//! [`MatchOutcome::missing_id`].
//!
//! Matching yields a code; whether KOT knows that code, and whether the
//! employee is still employed on the work date, is the
//! [`Directory`](crate::Directory)'s question.

use std::collections::{BTreeMap, HashMap};

use crate::EmployeeCode;

/// A link table: external id → KOT employee code(s).
///
/// An external id linked to two or more different codes is *ambiguous*
/// (for example two people whose non-domain PCs share one user name, the
/// MaLion manual's duplicate user name hazard): records with it are reported,
/// never attributed to either person.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LinkTable {
    links: HashMap<String, Vec<EmployeeCode>>,
}

impl LinkTable {
    /// An empty table.
    pub fn new() -> Self {
        Self::default()
    }

    /// Links `external_id` to `code`. Linking the same pair twice is
    /// harmless; linking one id to a second code makes it ambiguous.
    pub fn insert(&mut self, external_id: impl Into<String>, code: impl Into<EmployeeCode>) {
        let code = code.into();
        let codes = self.links.entry(external_id.into()).or_default();
        if !codes.contains(&code) {
            codes.push(code);
            codes.sort();
        }
    }

    /// The codes linked to `external_id` (sorted; empty when not linked).
    pub fn codes(&self, external_id: &str) -> &[EmployeeCode] {
        self.links.get(external_id).map_or(&[], Vec::as_slice)
    }

    /// The number of linked external ids.
    pub fn len(&self) -> usize {
        self.links.len()
    }

    /// `true` when nothing is linked.
    pub fn is_empty(&self) -> bool {
        self.links.is_empty()
    }

    /// External ids linked to two or more codes, sorted, with their codes.
    pub fn ambiguous(&self) -> Vec<(&str, &[EmployeeCode])> {
        let mut out: Vec<_> = self
            .links
            .iter()
            .filter(|(_, codes)| codes.len() > 1)
            .map(|(id, codes)| (id.as_str(), codes.as_slice()))
            .collect();
        out.sort();
        out
    }
}

impl<I: Into<String>, C: Into<EmployeeCode>> FromIterator<(I, C)> for LinkTable {
    fn from_iter<T: IntoIterator<Item = (I, C)>>(pairs: T) -> Self {
        let mut table = LinkTable::new();
        for (id, code) in pairs {
            table.insert(id, code);
        }
        table
    }
}

/// The user name of a Windows account: the part after the first `\` or `¥`
/// (U+00A5, how Japanese Windows shows the backslash) of `DOMAIN\user`;
/// the whole string when there is no domain. The same cut as
/// `malion_api::models::account_name`, so a name reads alike everywhere.
///
/// ```
/// use kot_connect_core::matching::windows_user_name;
/// assert_eq!(windows_user_name(r"CORP\tarouk"), "tarouk");
/// assert_eq!(windows_user_name("CORP¥tarouk"), "tarouk");
/// assert_eq!(windows_user_name("tarouk"), "tarouk");
/// ```
pub fn windows_user_name(account: &str) -> &str {
    account.find(['\\', '¥']).map_or(account, |at| {
        // Both separators are one char; skip it by its UTF-8 length.
        let sep_len = account[at..].chars().next().map_or(1, char::len_utf8);
        &account[at + sep_len..]
    })
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Mapping {
    SameAsCode,
    Linked(LinkTable),
}

/// Maps source records to KOT employee codes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Matcher {
    mapping: Mapping,
    strip_domain: bool,
}

impl Matcher {
    /// The external id *is* the KOT employee code: SenseLink's 従業員番号
    /// (`job_number`), cyzen's user code.
    pub fn same_as_code() -> Self {
        Matcher {
            mapping: Mapping::SameAsCode,
            strip_domain: false,
        }
    }

    /// The external id maps through `table`: WowTalk user ids.
    pub fn linked(table: LinkTable) -> Self {
        Matcher {
            mapping: Mapping::Linked(table),
            strip_domain: false,
        }
    }

    /// MaLion: the external id is a Windows account; its `DOMAIN\` or
    /// `DOMAIN¥` prefix is dropped (see [`windows_user_name`]) both from the
    /// records' ids and from the table's service accounts (サービスアカウント),
    /// then compared exactly, case included. Two table rows that become the
    /// same user name with different codes are ambiguous.
    pub fn windows_account(table: LinkTable) -> Self {
        let mut stripped = LinkTable::new();
        for (account, codes) in table.links {
            let user = windows_user_name(&account);
            for code in codes {
                stripped.insert(user, code);
            }
        }
        Matcher {
            mapping: Mapping::Linked(stripped),
            strip_domain: true,
        }
    }

    /// The codes `external_id` maps to (normalised as this matcher does).
    pub fn codes_for(&self, external_id: &str) -> Vec<EmployeeCode> {
        let id = self.normalise(external_id);
        match &self.mapping {
            Mapping::SameAsCode if id.is_empty() => Vec::new(),
            Mapping::SameAsCode => vec![EmployeeCode::new(id)],
            Mapping::Linked(table) => table.codes(id).to_vec(),
        }
    }

    fn normalise<'a>(&self, external_id: &'a str) -> &'a str {
        if self.strip_domain {
            windows_user_name(external_id)
        } else {
            external_id
        }
    }

    /// Matches `records`, whose external id `external_id` reads (`None`
    /// when the record has none).
    ///
    /// Matched records keep their input order; unmatched and ambiguous
    /// groups are sorted by external id, their records in input order. A
    /// record whose id is absent or empty (after dropping a domain prefix)
    /// goes to [`MatchOutcome::missing_id`].
    pub fn match_records<R, F>(&self, records: Vec<R>, external_id: F) -> MatchOutcome<R>
    where
        F: Fn(&R) -> Option<&str>,
    {
        let mut outcome = MatchOutcome {
            matched: Vec::with_capacity(records.len()),
            ..MatchOutcome::default()
        };
        let mut unmatched: BTreeMap<String, Vec<R>> = BTreeMap::new();
        let mut ambiguous: BTreeMap<String, (Vec<EmployeeCode>, Vec<R>)> = BTreeMap::new();
        for record in records {
            let Some(id) = external_id(&record)
                .map(|raw| self.normalise(raw))
                .filter(|id| !id.is_empty())
            else {
                outcome.missing_id.push(record);
                continue;
            };
            let code = match &self.mapping {
                Mapping::SameAsCode => Ok(EmployeeCode::new(id)),
                Mapping::Linked(table) => match table.codes(id) {
                    [] => Err(None),
                    [code] => Ok(code.clone()),
                    codes => Err(Some(codes)),
                },
            };
            match code {
                Ok(employee) => outcome.matched.push(Matched { record, employee }),
                Err(None) => unmatched.entry(id.to_owned()).or_default().push(record),
                Err(Some(codes)) => ambiguous
                    .entry(id.to_owned())
                    .or_insert_with(|| (codes.to_vec(), Vec::new()))
                    .1
                    .push(record),
            }
        }
        outcome.unmatched = unmatched
            .into_iter()
            .map(|(external_id, records)| Unmatched {
                external_id,
                records,
            })
            .collect();
        outcome.ambiguous = ambiguous
            .into_iter()
            .map(|(external_id, (candidates, records))| Ambiguous {
                external_id,
                candidates,
                records,
            })
            .collect();
        outcome
    }
}

/// A record and the KOT employee code it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Matched<R> {
    /// The source record.
    pub record: R,
    /// The KOT employee code.
    pub employee: EmployeeCode,
}

/// Records whose external id is linked to nobody.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unmatched<R> {
    /// The external id (after dropping a domain prefix, for MaLion).
    pub external_id: String,
    /// Its records, in input order.
    pub records: Vec<R>,
}

/// Records whose external id is linked to two or more codes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ambiguous<R> {
    /// The external id.
    pub external_id: String,
    /// The codes it is linked to, sorted.
    pub candidates: Vec<EmployeeCode>,
    /// Its records, in input order.
    pub records: Vec<R>,
}

/// What [`Matcher::match_records`] made of a list of records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatchOutcome<R> {
    /// Records with exactly one employee code, in input order.
    pub matched: Vec<Matched<R>>,
    /// External ids linked to nobody, sorted by id.
    pub unmatched: Vec<Unmatched<R>>,
    /// External ids linked to several codes, sorted by id.
    pub ambiguous: Vec<Ambiguous<R>>,
    /// Records without an external id (e.g. a SenseLink visitor without
    /// 従業員番号), in input order.
    pub missing_id: Vec<R>,
}

impl<R> Default for MatchOutcome<R> {
    fn default() -> Self {
        MatchOutcome {
            matched: Vec::new(),
            unmatched: Vec::new(),
            ambiguous: Vec::new(),
            missing_id: Vec::new(),
        }
    }
}

impl<R> MatchOutcome<R> {
    /// The number of records in every list together: the input's length.
    pub fn total(&self) -> usize {
        self.matched.len()
            + self
                .unmatched
                .iter()
                .map(|u| u.records.len())
                .sum::<usize>()
            + self
                .ambiguous
                .iter()
                .map(|a| a.records.len())
                .sum::<usize>()
            + self.missing_id.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[derive(Debug, Clone, PartialEq, Eq)]
    struct Rec {
        n: usize,
        id: Option<String>,
    }

    fn recs(ids: &[Option<&str>]) -> Vec<Rec> {
        ids.iter()
            .enumerate()
            .map(|(n, id)| Rec {
                n,
                id: id.map(str::to_owned),
            })
            .collect()
    }

    #[test]
    fn same_as_code_keeps_leading_zeros_and_reports_missing_ids() {
        let out = Matcher::same_as_code()
            .match_records(recs(&[Some("0012"), Some("12"), None, Some("")]), |r| {
                r.id.as_deref()
            });
        let codes: Vec<_> = out.matched.iter().map(|m| m.employee.as_str()).collect();
        assert_eq!(codes, ["0012", "12"]);
        assert_eq!(
            out.missing_id.iter().map(|r| r.n).collect::<Vec<_>>(),
            [2, 3]
        );
        assert_eq!(out.total(), 4);
    }

    #[test]
    fn malion_service_accounts_strip_the_domain_and_keep_case() {
        // The manual's example: サービスアカウント 1000 edited to "tarouk".
        let table: LinkTable = [("tarouk", "1000"), (r"CORP\hanako", "1001")]
            .into_iter()
            .collect();
        let matcher = Matcher::windows_account(table);
        let out = matcher.match_records(
            recs(&[
                Some(r"CORP\tarouk"),
                Some("HOME¥tarouk"),
                Some("tarouk"),
                Some("TAROUK"),
                Some("hanako"),
                Some(r"CORP\"),
            ]),
            |r| r.id.as_deref(),
        );
        let matched: Vec<_> = out
            .matched
            .iter()
            .map(|m| (m.record.n, m.employee.as_str()))
            .collect();
        assert_eq!(
            matched,
            [(0, "1000"), (1, "1000"), (2, "1000"), (4, "1001")]
        );
        assert_eq!(out.unmatched.len(), 1);
        assert_eq!(out.unmatched[0].external_id, "TAROUK");
        assert_eq!(out.missing_id.len(), 1);
        assert_eq!(matcher.codes_for("X¥hanako"), [EmployeeCode::new("1001")]);
    }

    #[test]
    fn a_shared_pc_user_name_is_ambiguous_not_guessed() {
        // Manual 5.2.1: two people whose non-domain PCs share the user name.
        let table: LinkTable = [("user", "1000"), ("PC1\\user", "1002"), ("user", "1000")]
            .into_iter()
            .collect();
        let out = Matcher::windows_account(table)
            .match_records(recs(&[Some("PC1\\user"), Some("PC2\\user")]), |r| {
                r.id.as_deref()
            });
        assert!(out.matched.is_empty());
        assert_eq!(out.ambiguous.len(), 1);
        assert_eq!(out.ambiguous[0].external_id, "user");
        assert_eq!(
            out.ambiguous[0].candidates,
            [EmployeeCode::new("1000"), EmployeeCode::new("1002")]
        );
        assert_eq!(out.ambiguous[0].records.len(), 2);
    }

    #[test]
    fn wowtalk_ids_go_through_the_table_without_stripping() {
        let table: LinkTable = [(r"a\b", "7"), ("b", "8")].into_iter().collect();
        let matcher = Matcher::linked(table.clone());
        assert_eq!(matcher.codes_for(r"a\b"), [EmployeeCode::new("7")]);
        assert_eq!(matcher.codes_for("b"), [EmployeeCode::new("8")]);
        assert!(table.ambiguous().is_empty());
        assert_eq!(windows_user_name("a¥b\\c"), "b\\c");
    }

    proptest! {
        #[test]
        fn every_record_lands_in_exactly_one_list(
            ids in proptest::collection::vec(proptest::option::of("[ab0¥\\\\]{0,3}"), 0..40),
            links in proptest::collection::vec(("[ab0¥\\\\]{0,3}", "[12]"), 0..8),
        ) {
            let records: Vec<Rec> = ids.iter().enumerate().map(|(n, id)| Rec { n, id: id.clone() }).collect();
            for matcher in [
                Matcher::same_as_code(),
                Matcher::linked(links.iter().cloned().collect()),
                Matcher::windows_account(links.iter().cloned().collect()),
            ] {
                let out = matcher.match_records(records.clone(), |r| r.id.as_deref());
                let mut seen: Vec<usize> = out.matched.iter().map(|m| m.record.n)
                    .chain(out.unmatched.iter().flat_map(|u| u.records.iter().map(|r| r.n)))
                    .chain(out.ambiguous.iter().flat_map(|a| a.records.iter().map(|r| r.n)))
                    .chain(out.missing_id.iter().map(|r| r.n))
                    .collect();
                seen.sort_unstable();
                prop_assert_eq!(seen, (0..records.len()).collect::<Vec<_>>());
                prop_assert!(out.ambiguous.iter().all(|a| a.candidates.len() >= 2));
            }
        }
    }
}
