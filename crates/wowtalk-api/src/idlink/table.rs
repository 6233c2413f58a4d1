//! The link table: WowTalk user ID -> KOT employee code, one-to-one.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;

use kot_api::models::EmployeeCode;
use serde::{Deserialize, Serialize};

use super::parse::parse;
use super::{LinkCsvLayout, Malformed};
use crate::Error;
use crate::csv_text::{CsvOut, InputEncoding, WriteOptions};
use crate::models::WowTalkUserId;

/// One link: a WowTalk member and the KOT employee they punch as.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct LinkRow {
    /// The WowTalk ユーザーID.
    pub user_id: WowTalkUserId,
    /// The KOT 従業員コード, exactly as written (leading zeros kept).
    pub employee_code: EmployeeCode,
}

impl LinkRow {
    /// A link.
    pub fn new(user_id: impl Into<WowTalkUserId>, employee_code: impl Into<EmployeeCode>) -> Self {
        Self {
            user_id: user_id.into(),
            employee_code: employee_code.into(),
        }
    }
}

/// Why a link could not be applied to a table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum LinkConflict {
    /// The same WowTalk user appears more than once in the batch.
    DuplicateUserId,
    /// The same KOT employee appears more than once in the batch.
    DuplicateEmployeeCode,
    /// The KOT employee is linked to another WowTalk user who keeps the link.
    EmployeeLinkedToAnotherUser {
        /// The user holding the employee.
        linked_user: WowTalkUserId,
    },
}

impl fmt::Display for LinkConflict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LinkConflict::DuplicateUserId => f.write_str("duplicate WowTalk user ID in the batch"),
            LinkConflict::DuplicateEmployeeCode => {
                f.write_str("duplicate KOT employee code in the batch")
            }
            LinkConflict::EmployeeLinkedToAnotherUser { linked_user } => {
                write!(f, "the KOT employee is already linked to {linked_user}")
            }
        }
    }
}

/// What [`LinkTable::merge`] did.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct MergeOutcome {
    /// Links for users the table did not have.
    pub added: Vec<LinkRow>,
    /// Links that replaced a user's earlier employee code (the earlier code
    /// is given).
    pub updated: Vec<(LinkRow, EmployeeCode)>,
    /// Links already in the table as they are.
    pub unchanged: Vec<LinkRow>,
    /// Links not applied, and why. The table is unchanged for them.
    pub rejected: Vec<(LinkRow, LinkConflict)>,
}

/// The links between WowTalk users and KOT employees, as the engine stores
/// them (serde: a JSON object `{"<user id>": "<employee code>"}`).
///
/// One-to-one: a user has at most one employee and an employee at most one
/// user. Deserialising a table that breaks this fails.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(
    try_from = "BTreeMap<WowTalkUserId, EmployeeCode>",
    into = "BTreeMap<WowTalkUserId, EmployeeCode>"
)]
pub struct LinkTable {
    links: BTreeMap<WowTalkUserId, EmployeeCode>,
}

impl TryFrom<BTreeMap<WowTalkUserId, EmployeeCode>> for LinkTable {
    type Error = Error;

    fn try_from(links: BTreeMap<WowTalkUserId, EmployeeCode>) -> Result<Self, Error> {
        let mut holders: HashMap<&EmployeeCode, &WowTalkUserId> = HashMap::new();
        for (user, code) in &links {
            if let Some(first) = holders.insert(code, user) {
                return Err(Error::NotOneToOne {
                    code: code.to_string(),
                    first: first.to_string(),
                    second: user.to_string(),
                });
            }
        }
        Ok(Self { links })
    }
}

impl From<LinkTable> for BTreeMap<WowTalkUserId, EmployeeCode> {
    fn from(table: LinkTable) -> Self {
        table.links
    }
}

impl LinkTable {
    /// An empty table.
    pub fn new() -> Self {
        Self::default()
    }

    /// A table of `rows`.
    ///
    /// # Errors
    /// [`Error::NotOneToOne`] when two rows share an employee, and
    /// [`Error::InvalidRow`] (line 0) when two rows share a user.
    pub fn from_rows(rows: impl IntoIterator<Item = LinkRow>) -> Result<Self, Error> {
        let mut links = BTreeMap::new();
        for row in rows {
            if links.contains_key(&row.user_id) {
                return Err(Error::InvalidRow {
                    line: 0,
                    reason: format!("WowTalk user {} is listed twice", row.user_id),
                });
            }
            links.insert(row.user_id, row.employee_code);
        }
        Self::try_from(links)
    }

    /// The number of links.
    pub fn len(&self) -> usize {
        self.links.len()
    }

    /// True when there is no link.
    pub fn is_empty(&self) -> bool {
        self.links.is_empty()
    }

    /// The KOT employee a WowTalk user is linked to.
    pub fn employee_of(&self, user: &WowTalkUserId) -> Option<&EmployeeCode> {
        self.links.get(user)
    }

    /// The WowTalk user a KOT employee is linked to.
    pub fn user_of(&self, code: &EmployeeCode) -> Option<&WowTalkUserId> {
        self.links.iter().find(|(_, c)| *c == code).map(|(u, _)| u)
    }

    /// The links, ordered by WowTalk user ID.
    pub fn iter(&self) -> impl Iterator<Item = (&WowTalkUserId, &EmployeeCode)> {
        self.links.iter()
    }

    /// The links as rows, ordered by WowTalk user ID.
    pub fn rows(&self) -> Vec<LinkRow> {
        self.iter()
            .map(|(u, c)| LinkRow::new(u.clone(), c.clone()))
            .collect()
    }

    /// Removes a user's link, returning the employee it pointed to.
    pub fn remove(&mut self, user: &WowTalkUserId) -> Option<EmployeeCode> {
        self.links.remove(user)
    }

    /// Applies a batch of links with the import's semantics: the users
    /// present are updated (or added), every other link is kept.
    ///
    /// A link is rejected, and the table left as it was for it, when its user
    /// or its employee appears twice in the batch, or when its employee stays
    /// linked to another user (one not re-linked by an accepted link of the
    /// same batch). Swapping two users' employees in one batch works.
    pub fn merge(&mut self, rows: impl IntoIterator<Item = LinkRow>) -> MergeOutcome {
        let rows: Vec<LinkRow> = rows.into_iter().collect();
        let mut conflicts = duplicate_conflicts(&rows);
        let candidates: Vec<usize> = (0..rows.len())
            .filter(|i| conflicts[*i].is_none())
            .collect();
        let held = self.holder_conflicts(&candidates.iter().map(|i| &rows[*i]).collect::<Vec<_>>());
        for (i, holder) in candidates.into_iter().zip(held) {
            if let Some(linked_user) = holder {
                conflicts[i] = Some(LinkConflict::EmployeeLinkedToAnotherUser { linked_user });
            }
        }
        let mut outcome = MergeOutcome::default();
        for (row, conflict) in rows.into_iter().zip(conflicts) {
            if let Some(conflict) = conflict {
                outcome.rejected.push((row, conflict));
                continue;
            }
            match self
                .links
                .insert(row.user_id.clone(), row.employee_code.clone())
            {
                None => outcome.added.push(row),
                Some(previous) if previous == row.employee_code => outcome.unchanged.push(row),
                Some(previous) => outcome.updated.push((row, previous)),
            }
        }
        outcome
    }

    /// For rows free of in-batch duplicates: the user still holding each
    /// row's employee after the batch, if any. Iterates until stable, since
    /// refusing one row can leave an employee with its old holder.
    pub(crate) fn holder_conflicts(&self, rows: &[&LinkRow]) -> Vec<Option<WowTalkUserId>> {
        let mut conflicts: Vec<Option<WowTalkUserId>> = vec![None; rows.len()];
        loop {
            let relinked: HashSet<&WowTalkUserId> = rows
                .iter()
                .zip(&conflicts)
                .filter(|(_, c)| c.is_none())
                .map(|(r, _)| &r.user_id)
                .collect();
            let mut changed = false;
            for (row, conflict) in rows.iter().zip(conflicts.iter_mut()) {
                if conflict.is_some() {
                    continue;
                }
                if let Some(holder) = self.user_of(&row.employee_code)
                    && *holder != row.user_id
                    && !relinked.contains(holder)
                {
                    *conflict = Some(holder.clone());
                    changed = true;
                }
            }
            if !changed {
                return conflicts;
            }
        }
    }

    /// Writes the table as the ID-link CSV: a header with the layout's first
    /// names, then one row per link, ordered by WowTalk user ID.
    ///
    /// [`LinkTable::from_csv`] (or an import) gives the same table back, as
    /// long as no ID is empty or has surrounding whitespace: readers trim
    /// cells, so an import never produces such IDs.
    ///
    /// # Errors
    /// [`Error::Unmappable`] when a value cannot be written in the chosen
    /// encoding; a configuration error when the layout has no column name.
    pub fn to_csv(&self, layout: &LinkCsvLayout, options: &WriteOptions) -> Result<Vec<u8>, Error> {
        let mut out = CsvOut::new(options);
        out.row([layout.written_user_id()?, layout.written_employee_code()?])?;
        for (user, code) in &self.links {
            out.row([user.as_str(), code.as_str()])?;
        }
        out.finish(options.encoding)
    }

    /// Reads a table from an ID-link CSV (an export, or a file prepared for
    /// import), strictly: a malformed or duplicate row is an error. For an
    /// import with per-row results use [`LinkImporter`](super::LinkImporter).
    ///
    /// # Errors
    /// [`Error::Encoding`], [`Error::MissingColumn`], [`Error::InvalidRow`]
    /// for a malformed row or a user listed twice, [`Error::NotOneToOne`].
    pub fn from_csv(
        bytes: &[u8],
        layout: &LinkCsvLayout,
        encoding: InputEncoding,
    ) -> Result<Self, Error> {
        let parsed = parse(bytes, layout, encoding)?;
        let mut links = BTreeMap::new();
        for row in parsed.rows {
            let link = row.link.map_err(|m: Malformed| Error::InvalidRow {
                line: row.line,
                reason: m.to_string(),
            })?;
            if links.contains_key(&link.user_id) {
                return Err(Error::InvalidRow {
                    line: row.line,
                    reason: format!("WowTalk user {} is listed twice", link.user_id),
                });
            }
            links.insert(link.user_id, link.employee_code);
        }
        Self::try_from(links)
    }
}

/// Conflicts from duplicates inside a batch: every row of a repeated user or
/// employee is refused, since the file does not say which one is meant.
fn duplicate_conflicts(rows: &[LinkRow]) -> Vec<Option<LinkConflict>> {
    let mut users: HashMap<&WowTalkUserId, usize> = HashMap::new();
    let mut codes: HashMap<&EmployeeCode, usize> = HashMap::new();
    for row in rows {
        *users.entry(&row.user_id).or_default() += 1;
        *codes.entry(&row.employee_code).or_default() += 1;
    }
    rows.iter()
        .map(|row| {
            if users[&row.user_id] > 1 {
                Some(LinkConflict::DuplicateUserId)
            } else if codes[&row.employee_code] > 1 {
                Some(LinkConflict::DuplicateEmployeeCode)
            } else {
                None
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(pairs: &[(&str, &str)]) -> LinkTable {
        LinkTable::from_rows(pairs.iter().map(|(u, c)| LinkRow::new(*u, *c))).unwrap()
    }

    #[test]
    fn rows_present_are_updated_and_others_kept() {
        let mut t = table(&[("alice", "0001"), ("bob", "0002"), ("carol", "0003")]);
        let outcome = t.merge([
            LinkRow::new("alice", "0001"),
            LinkRow::new("bob", "0020"),
            LinkRow::new("dave", "0004"),
        ]);
        assert_eq!(outcome.unchanged, vec![LinkRow::new("alice", "0001")]);
        assert_eq!(
            outcome.updated,
            vec![(LinkRow::new("bob", "0020"), EmployeeCode::new("0002"))]
        );
        assert_eq!(outcome.added, vec![LinkRow::new("dave", "0004")]);
        assert!(outcome.rejected.is_empty());
        assert_eq!(
            t,
            table(&[
                ("alice", "0001"),
                ("bob", "0020"),
                ("carol", "0003"),
                ("dave", "0004")
            ])
        );
    }

    #[test]
    fn a_swap_in_one_batch_is_accepted() {
        let mut t = table(&[("alice", "0001"), ("bob", "0002")]);
        let outcome = t.merge([LinkRow::new("alice", "0002"), LinkRow::new("bob", "0001")]);
        assert!(outcome.rejected.is_empty(), "{outcome:?}");
        assert_eq!(t, table(&[("alice", "0002"), ("bob", "0001")]));
    }

    #[test]
    fn conflicts_are_rejected_and_cascade() {
        let mut t = table(&[("bob", "0002"), ("carol", "0003")]);
        let before = t.clone();
        // alice takes bob's employee and bob takes carol's, but carol is
        // listed twice, so carol keeps 0003, bob keeps 0002, alice fails.
        let outcome = t.merge([
            LinkRow::new("alice", "0002"),
            LinkRow::new("bob", "0003"),
            LinkRow::new("carol", "0009"),
            LinkRow::new("carol", "0010"),
        ]);
        let rejected: Vec<(&str, LinkConflict)> = outcome
            .rejected
            .iter()
            .map(|(r, c)| (r.user_id.as_str(), c.clone()))
            .collect();
        assert_eq!(
            rejected,
            vec![
                (
                    "alice",
                    LinkConflict::EmployeeLinkedToAnotherUser {
                        linked_user: WowTalkUserId::new("bob")
                    }
                ),
                (
                    "bob",
                    LinkConflict::EmployeeLinkedToAnotherUser {
                        linked_user: WowTalkUserId::new("carol")
                    }
                ),
                ("carol", LinkConflict::DuplicateUserId),
                ("carol", LinkConflict::DuplicateUserId),
            ]
        );
        assert_eq!(t, before);
        let outcome = t.merge([LinkRow::new("x", "0100"), LinkRow::new("y", "0100")]);
        assert_eq!(outcome.rejected.len(), 2);
        assert!(
            outcome
                .rejected
                .iter()
                .all(|(_, c)| *c == LinkConflict::DuplicateEmployeeCode)
        );
    }

    #[test]
    fn serde_is_a_map_and_refuses_a_table_that_is_not_one_to_one() {
        let t = table(&[("alice", "0012"), ("bob", "U000123")]);
        let json = serde_json::to_string(&t).unwrap();
        assert_eq!(json, r#"{"alice":"0012","bob":"U000123"}"#);
        assert_eq!(serde_json::from_str::<LinkTable>(&json).unwrap(), t);
        let err = serde_json::from_str::<LinkTable>(r#"{"a":"1","b":"1"}"#).unwrap_err();
        assert!(err.to_string().contains("linked to both a and b"), "{err}");
        assert_eq!(
            t.user_of(&EmployeeCode::new("0012")),
            Some(&WowTalkUserId::new("alice"))
        );
        assert_eq!(
            t.employee_of(&WowTalkUserId::new("bob")),
            Some(&EmployeeCode::new("U000123"))
        );
        assert_eq!(t.employee_of(&WowTalkUserId::new("carol")), None);
    }
}
