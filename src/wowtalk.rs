//! `wowtalk`: the ID link (import with counts and a failure CSV, export)
//! and the bot that turns chat commands into punches.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use kot_api::models::{Employee, EmployeeCode};
use kot_connect_core::engine::StateStore;
use wowtalk_api::idlink::{ImportSummary, LinkCsvLayout, LinkImporter, LinkTable, MergeOutcome};
use wowtalk_api::models::{MemberRow, WowTalkUserId};
use wowtalk_api::{InputEncoding, WriteOptions};

use crate::Error;

/// The link table's name in the state directory (JSON).
pub const LINKS: &str = "wowtalk-links.json";

/// The stored link table (empty before the first import).
///
/// # Errors
/// The state cannot be read, or the stored table is not valid.
pub fn load_links(state: &dyn StateStore) -> Result<LinkTable, Error> {
    match state
        .load(LINKS)
        .map_err(|e| Error::Report(e.to_string()))?
    {
        None => Ok(LinkTable::new()),
        Some(bytes) => serde_json::from_slice(&bytes)
            .map_err(|e| Error::Input(format!("{LINKS} in the state directory: {e}"))),
    }
}

fn store_links(state: &dyn StateStore, table: &LinkTable) -> Result<(), Error> {
    let bytes = serde_json::to_vec_pretty(table).map_err(|e| Error::Report(e.to_string()))?;
    state
        .store(LINKS, &bytes)
        .map_err(|e| Error::Report(e.to_string()))
}

/// What `link import` did.
#[derive(Debug, Clone)]
pub struct LinkImport {
    /// インポート完了 / インポート失敗.
    pub summary: ImportSummary,
    /// The failure CSV (WowTalk's 「詳細」), when a row failed.
    pub failure_csv: Option<Vec<u8>>,
    /// How the stored table changed.
    pub merge: MergeOutcome,
    /// The links stored now.
    pub links: usize,
}

/// `link import`: checks each row of the ID-link CSV against KOT's
/// employees and WowTalk's members, stores the good rows in the link table
/// (only the users present are updated) and reports the counts and a
/// failure CSV. Refused inside KOT's API time bands, as WowTalk refuses it.
///
/// # Errors
/// [`Error::Input`] in a time band (naming when it reopens), for an
/// unreadable file or header; the state cannot be read or written.
pub fn import_links(
    state: &dyn StateStore,
    file: &[u8],
    employees: &[Employee],
    members: &[MemberRow],
    now: DateTime<Utc>,
) -> Result<LinkImport, Error> {
    let codes: HashSet<EmployeeCode> = employees.iter().map(|e| e.code.clone()).collect();
    let users: HashSet<WowTalkUserId> = members.iter().map(|m| m.id.clone()).collect();
    let mut table = load_links(state)?;
    let report = LinkImporter::new(&codes, &users)
        .existing(&table)
        .run(file, &now)
        .map_err(|e| Error::Input(e.to_string()))?;
    let failure_csv = if report.failures.is_empty() {
        None
    } else {
        Some(
            report
                .write_failure_csv(&WriteOptions::default())
                .map_err(|e| Error::Report(e.to_string()))?,
        )
    };
    let merge = report.apply_to(&mut table);
    store_links(state, &table)?;
    Ok(LinkImport {
        summary: report.summary(),
        failure_csv,
        merge,
        links: table.len(),
    })
}

/// `link export`: the linked members as an ID-link CSV.
///
/// # Errors
/// The state cannot be read, or the CSV cannot be written.
pub fn export_links(state: &dyn StateStore) -> Result<Vec<u8>, Error> {
    load_links(state)?
        .to_csv(&LinkCsvLayout::default(), &WriteOptions::default())
        .map_err(|e| Error::Report(e.to_string()))
}

/// Reads WowTalk's member list (the CSV exported from the admin console).
///
/// # Errors
/// [`Error::Input`] for an unreadable file.
pub fn read_members(bytes: &[u8]) -> Result<Vec<MemberRow>, Error> {
    wowtalk_api::models::read_members(bytes, InputEncoding::default())
        .map_err(|e| Error::Input(format!("member list: {e}")))
}
