//! `malion`: the link CSV (PC ログイン連携) and the PC-log sync.

use chrono::NaiveDate;
use kot_api::models::Employee;
use kot_connect_core::engine::StateStore;
use malion_api::link::{
    CsvEncoding, DuplicateServiceAccount, EncodingChoice, LinkCsv, LinkRow, LinkTable, MergeReport,
    WriteOptions, read_link_csv,
};

use crate::Error;

/// The link table's name in the state directory (UTF-8 with BOM, the
/// manual's columns, so an administrator can open it).
pub const LINKS: &str = "malion-links.csv";

/// The stored link table (empty before the first import).
///
/// # Errors
/// The state cannot be read, or the stored file is not a link CSV.
pub fn load_links(state: &dyn StateStore) -> Result<LinkTable, Error> {
    match state.load(LINKS).map_err(Error::state)? {
        None => Ok(LinkTable::new()),
        Some(bytes) => {
            let csv = read_link_csv(&bytes, EncodingChoice::Utf8)
                .map_err(|e| Error::Input(format!("{LINKS} in the state directory: {e}")))?;
            let mut table = LinkTable::new();
            table.merge(csv.into_rows());
            Ok(table)
        }
    }
}

/// `link export`: the link CSV of KOT's employees active on `today`, as
/// PC ログイン連携's [CSV データ保存] writes it: 連携種別 `MaLion連携`,
/// 種別コード `3`, 打刻先アカウント the employee code, 姓・名, and
/// サービスアカウント the employee code, or the one already linked when
/// the table has it (so that an edit survives a new export).
///
/// # Errors
/// The CSV cannot be written in `encoding`.
pub fn export_links(
    employees: &[Employee],
    existing: &LinkTable,
    today: NaiveDate,
    encoding: CsvEncoding,
) -> Result<Vec<u8>, Error> {
    let mut table = LinkTable::new();
    for e in employees
        .iter()
        .filter(|e| e.resignation_date.is_none_or(|d| today <= d))
    {
        let row = LinkRow::malion_for_employee(
            e.code.as_str(),
            e.last_name.as_deref(),
            e.first_name.as_deref(),
        );
        let row = match existing.get(&row.kind_code, &row.target_account) {
            Some(linked) => row.with_service_account(linked.service_account.clone()),
            None => row,
        };
        table.insert(row);
    }
    table
        .to_csv(WriteOptions::new(encoding))
        .map_err(|e| Error::Report(e.to_string()))
}

/// What `link import` did.
#[derive(Debug, Clone)]
pub struct LinkImport {
    /// Inserted, updated and unchanged rows.
    pub merge: MergeReport,
    /// The rows in the stored table now.
    pub rows: usize,
}

/// `link import`: reads the edited CSV (UTF-8 with or without BOM, or
/// Shift_JIS) and merges it into the stored table: only the rows present
/// are updated. A CSV that links one サービスアカウント to two employees,
/// in itself or together with the stored rows, is refused whole, naming
/// the rows, and nothing is stored.
///
/// # Errors
/// [`Error::Input`] for an unreadable CSV (every bad row with its line) or
/// duplicate service accounts; the state cannot be written.
pub fn import_links(state: &dyn StateStore, file: &[u8]) -> Result<LinkImport, Error> {
    let csv: LinkCsv =
        read_link_csv(file, EncodingChoice::Auto).map_err(|e| Error::Input(e.to_string()))?;
    let in_file = csv.duplicate_service_accounts();
    if !in_file.is_empty() {
        return Err(Error::Input(duplicates_message(&in_file)));
    }
    let mut table = load_links(state)?;
    let merge = table.merge(csv.into_rows());
    if !merge.duplicates.is_empty() {
        return Err(Error::Input(duplicates_message(&merge.duplicates)));
    }
    let bytes = table
        .to_csv(WriteOptions::new(CsvEncoding::Utf8WithBom))
        .map_err(|e| Error::Report(e.to_string()))?;
    state.store(LINKS, &bytes).map_err(Error::state)?;
    Ok(LinkImport {
        merge,
        rows: table.len(),
    })
}

fn duplicates_message(duplicates: &[DuplicateServiceAccount]) -> String {
    let mut out = String::from(
        "サービスアカウントが重複しています。1つのサービスアカウントは1人の従業員にだけ連携できます (duplicate service accounts; nothing was imported):",
    );
    for d in duplicates {
        let rows: Vec<String> = d
            .rows
            .iter()
            .map(|r| match r.line {
                Some(line) => format!(
                    "{}行目 (line {line}) 打刻先アカウント {}",
                    line,
                    r.target_account.as_str()
                ),
                None => format!(
                    "登録済み (stored) 打刻先アカウント {}",
                    r.target_account.as_str()
                ),
            })
            .collect();
        out.push_str(&format!(
            "\n  サービスアカウント {}: {}",
            d.service_account.as_str(),
            rows.join(", ")
        ));
    }
    out
}

/// `link export` with KOT's employees (the cached list inside a time band)
/// and the stored links.
///
/// # Errors
/// KOT cannot be read and nothing is cached; the state cannot be read.
pub async fn link_export(
    services: &crate::Services,
    encoding: CsvEncoding,
) -> Result<Vec<u8>, Error> {
    let state = services.state_store()?;
    let snapshot = crate::run::directory(services, &crate::run::RunOptions::post()).await?;
    export_links(
        &snapshot.employees,
        &load_links(&state)?,
        services.now_jst().date_naive(),
        encoding,
    )
}

/// `link import` into the state directory.
///
/// # Errors
/// As [`import_links`].
pub fn link_import(services: &crate::Services, file: &[u8]) -> Result<LinkImport, Error> {
    import_links(&services.state_store()?, file)
}

/// `sync`: PC logon → 出勤 and logoff → 退勤 over the last
/// `lookback_days` (default 2: a shutdown's logoff can arrive the next
/// day). A re-run over the same days posts nothing twice: the ledger and
/// KOT's punches decide.
///
/// # Errors
/// The clients, the link table or the state cannot be set up.
pub async fn sync(
    services: &crate::Services,
    options: &crate::run::RunOptions,
) -> Result<crate::run::Outcome, Error> {
    let config = services.config().malion()?;
    let links = load_links(&services.state_store()?)?;
    let source = kot_connect_core::adapters::malion::MaLionSource::new(
        std::sync::Arc::new(services.malion()?),
        links,
        config.policy,
        config.lookback_days,
    );
    let engine = crate::run::engine(services, kot_connect_core::Planner::default(), options)?;
    let run = engine.run(&source, options.mode()).await;
    crate::run::Outcome::from_run(services, run)
}
