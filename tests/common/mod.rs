//! Shared set-up of the end-to-end tests: a sandbox, a state directory and
//! the services pointing at them, exactly as the example programs build
//! them.
#![allow(
    dead_code,
    unreachable_pub,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

pub mod expect;

use std::collections::BTreeMap;
use std::path::Path;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use kot_connect::Services;
use kot_connect::run::RunOptions;
use kot_connect::session::sandbox_services;
use kot_connect_sandbox::{Sandbox, SandboxOptions, StoredPunch};

/// A punch as the tests compare them: (従業員コード, work date,
/// "YYYY-MM-DD HH:MM:SS" JST, KOT punch code 1 出勤 / 2 退勤 / 3 休憩開始 /
/// 4 休憩終了).
pub type Row = (String, NaiveDate, String, u8);

/// A punch kind's KOT code, from its Japanese label.
pub fn code_of(label: &str) -> u8 {
    match label {
        "出勤" => 1,
        "退勤" => 2,
        "休憩開始" => 3,
        "休憩終了" => 4,
        other => panic!("unexpected punch kind {other}"),
    }
}

/// The punches a plan would post, as rows.
pub fn plan_rows(plan: &kot_connect_core::plan::Plan) -> Vec<Row> {
    let mut out: Vec<Row> = plan
        .to_post()
        .map(|p| {
            (
                p.employee.as_str().to_owned(),
                p.work_date,
                p.at.format("%Y-%m-%d %H:%M:%S").to_string(),
                code_of(p.kind.label_ja()),
            )
        })
        .collect();
    out.sort();
    out
}

/// KOT's time-record reads that were answered (200): inside a time band a
/// run may not read KOT's punches (the plan rests on the ledger).
pub fn kot_record_reads(env: &Env) -> usize {
    env.sandbox
        .calls()
        .records()
        .iter()
        .filter(|r| r.service == kot_connect_sandbox::Service::Kot)
        .filter(|r| r.route == "GET /daily-workings/timerecord" && r.status == Some(200))
        .count()
}

/// The failure report's message for an id no employee has.
pub fn unmatched_message(id: &str) -> String {
    format!("連携元ID:{id} に一致する従業員コードが KING OF TIME にありません")
}

/// A sandbox, its state directory and services.
pub struct Env {
    pub sandbox: Sandbox,
    pub dir: tempfile::TempDir,
    pub services: Services,
}

impl Env {
    /// The sandbox at its default instant (2026-11-20 11:00 JST).
    pub async fn new() -> Self {
        Self::with(SandboxOptions::default()).await
    }

    /// The sandbox at `now`.
    pub async fn at(now: DateTime<Utc>) -> Self {
        Self::with(SandboxOptions::default().now(now)).await
    }

    pub async fn with(options: SandboxOptions) -> Self {
        let sandbox = Sandbox::start(options).await.unwrap();
        let dir = tempfile::tempdir().unwrap();
        let services = sandbox_services(&sandbox, dir.path()).unwrap();
        Self {
            sandbox,
            dir,
            services,
        }
    }

    /// The sandbox of `options`, with the configuration changed by `edit`
    /// (e.g. a short KOT timeout) and the clients on `clock` (the sandbox
    /// clock when `None`).
    pub async fn configured(
        options: SandboxOptions,
        edit: impl FnOnce(&mut kot_connect::Config),
        clock: Option<std::sync::Arc<dyn kot_connect_http::Clock>>,
    ) -> Self {
        let sandbox = Sandbox::start(options).await.unwrap();
        let dir = tempfile::tempdir().unwrap();
        let (mut config, lookup) = kot_connect::session::sandbox_config(&sandbox).unwrap();
        edit(&mut config);
        let clock = clock.unwrap_or_else(|| std::sync::Arc::new(sandbox.clock().clone()));
        let services = Services::new(config, lookup, clock, Some(dir.path().to_path_buf()));
        Self {
            sandbox,
            dir,
            services,
        }
    }

    /// Exports the MaLion link CSV from KOT and imports it unchanged: every
    /// active employee linked with サービスアカウント = 従業員コード.
    pub async fn malion_default_links(&self) {
        let csv = kot_connect::malion::link_export(
            &self.services,
            malion_api::link::CsvEncoding::Utf8WithBom,
        )
        .await
        .unwrap();
        kot_connect::malion::link_import(&self.services, &csv).unwrap();
    }

    /// How many punch POSTs KOT received (answered or not).
    pub fn kot_posts(&self) -> usize {
        self.sandbox.calls().count(
            kot_connect_sandbox::Service::Kot,
            "POST /daily-workings/timerecord/{employeeKey}",
        )
    }

    /// Every file in the state directory with its bytes (to show that a
    /// dry run wrote nothing).
    pub fn state_files(&self) -> BTreeMap<String, Vec<u8>> {
        files(self.dir.path())
    }

    /// KOT's punches as comparable tuples: (code, work date, HH:MM:SS, code).
    pub fn kot(&self) -> Vec<Row> {
        punches(&self.sandbox.kot().punches())
    }

    /// Sets the sandbox clock to a JST wall time.
    pub fn set_jst(&self, y: i32, m: u32, d: u32, h: u32, min: u32) {
        self.sandbox.clock().set(jst(y, m, d, h, min));
    }
}

pub fn post() -> RunOptions {
    RunOptions::post()
}

pub fn dry_run() -> RunOptions {
    RunOptions::dry_run()
}

/// A JST wall time as an instant.
pub fn jst(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    kot_connect_core::time::jst()
        .with_ymd_and_hms(y, m, d, h, min, 0)
        .unwrap()
        .with_timezone(&Utc)
}

pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// Punches as sorted comparable tuples.
pub fn punches(stored: &[StoredPunch]) -> Vec<Row> {
    let mut out: Vec<_> = stored
        .iter()
        .map(|p| {
            (
                p.employee_code.clone(),
                p.date,
                p.time.format("%Y-%m-%d %H:%M:%S").to_string(),
                p.code,
            )
        })
        .collect();
    out.sort();
    out
}

/// The failure CSV's rows (BOM and header removed).
pub fn failure_rows(path: &Path) -> Vec<Vec<String>> {
    let bytes = std::fs::read(path).unwrap();
    let text = std::str::from_utf8(&bytes).unwrap();
    let text = text
        .strip_prefix('\u{feff}')
        .expect("the CSV starts with a BOM");
    let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(header[0], "従業員コード");
    reader
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect()
}

fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let path = entry.path();
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            if path.is_dir() {
                for (k, v) in files(&path) {
                    out.insert(format!("{name}/{k}"), v);
                }
            } else {
                out.insert(name, std::fs::read(&path).unwrap());
            }
        }
    }
    out
}
