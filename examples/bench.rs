//! The sync benchmark (docs/PERFORMANCE.md): cyzen → KING OF TIME against
//! the sandbox with 20 ms of latency on every answer and KOT limited to
//! 200 requests a second (the sandbox refuses more with 303; the client is
//! configured with `requests_per_second = 195`, 2.5 % under it).
//!
//! ```text
//! cargo run --release --example bench
//! ```
//!
//! Each scenario runs in a child process (this program run again with
//! `--scenario E CONCURRENCY`), so that its peak RSS (VmHWM) is its own.
//! The company is `Company::generated(E)`: every employee a cyzen user
//! pressing 出勤, 移動中, 商談中, 休憩開始, 休憩終了, 退勤 on the 1st of the
//! month; four of the six are synced, so P = 4·E punches.
//!
//! The cyzen source says its work dates ahead, so KOT's punches are read
//! first and each page's punches are posted while the next pages are read:
//! the whole run, not only its post stage, is measured against the lower
//! bound max(P / rate, P × latency / concurrency).
//!
//! Exits non-zero when a call count differs from the budget, or when the
//! 10,000-employee run takes more than 1.15 × that bound.
#![allow(clippy::print_stdout, clippy::unwrap_used, clippy::expect_used)]

use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::TimeZone;
use kot_connect::Services;
use kot_connect::run::RunOptions;
use kot_connect::session::sandbox_config;
use kot_connect_core::engine::{Progress, Stage};
use kot_connect_sandbox::{Company, Sandbox, SandboxOptions, Service};

/// KOT's limit, requests a second (the sandbox's; the lower bound uses it).
const RATE: u32 = 200;
/// The client's `requests_per_second`: 2.5 % under KOT's limit, the margin
/// a deployment keeps so that timing jitter rarely meets KOT's sliding
/// window (at equal rates the sandbox refused about 0.5 % of POSTs with
/// 303, each pausing the pool for a second; at 195 about 0.03 %, at 190
/// none, for a slower post stage).
const CLIENT_RATE: f64 = 195.0;
/// Latency of every answer of every service.
const LATENCY: Duration = Duration::from_millis(20);
/// POSTs in flight for the concurrent runs.
const CONCURRENCY: usize = 16;
/// cyzen's documented limit (the sandbox's; its client keeps 5 % under).
const CYZEN_RATE: f64 = 5.0;
/// The largest ratio of wall time to the bound accepted at 10,000
/// employees.
const MAX_RATIO: f64 = 1.15;

/// Records when each stage begins and ends.
#[derive(Default)]
struct StageTimer {
    spans: Mutex<Vec<(Stage, Instant, Option<Instant>)>>,
}

impl StageTimer {
    /// Seconds from `stage`'s first begin to its last end (a stage may
    /// run more than once: punches posted while the source is read, then
    /// the rest), NaN when it did not run.
    fn seconds(&self, stage: Stage) -> f64 {
        let spans = self.spans.lock().unwrap();
        let begin = spans.iter().find(|(s, ..)| *s == stage).map(|s| s.1);
        let end = spans
            .iter()
            .rev()
            .find(|(s, ..)| *s == stage)
            .and_then(|s| s.2);
        match (begin, end) {
            (Some(begin), Some(end)) => (end - begin).as_secs_f64(),
            _ => f64::NAN,
        }
    }

    /// Each stage as `Stage@begin-end`, seconds from `start`.
    fn timeline(&self, start: Instant) -> String {
        let at = |t: Instant| t.saturating_duration_since(start).as_secs_f64();
        self.spans
            .lock()
            .unwrap()
            .iter()
            .map(|(stage, begin, end)| {
                let end = end.map_or(f64::NAN, at);
                format!("{stage:?}@{:.2}-{end:.2}", at(*begin))
            })
            .collect::<Vec<_>>()
            .join(" ")
    }
}

impl Progress for StageTimer {
    fn begin(&self, stage: Stage, _: Option<u64>) {
        self.spans
            .lock()
            .unwrap()
            .push((stage, Instant::now(), None));
    }
    fn advance(&self, _: Stage, _: u64) {}
    fn end(&self, stage: Stage) {
        let mut spans = self.spans.lock().unwrap();
        if let Some(span) = spans.iter_mut().rev().find(|(s, ..)| *s == stage) {
            span.2 = Some(Instant::now());
        }
    }
}

/// `VmHWM` or `VmRSS` of this process, in MiB.
fn status_mib(field: &str) -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|rest| {
            rest.trim()
                .trim_end_matches("kB")
                .trim()
                .parse::<f64>()
                .ok()
        })
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

/// One scenario's figures, one line `key=value ...` on stdout.
fn scenario(employees: usize, concurrency: usize) -> ExitCode {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async move {
        // 2026-12-01 19:30 JST: after the evening time band; the cyzen
        // fake's presses cover this one day.
        let now = kot_connect_core::time::jst()
            .with_ymd_and_hms(2026, 12, 1, 19, 30, 0)
            .unwrap()
            .with_timezone(&chrono::Utc);
        let sandbox = Sandbox::start(
            SandboxOptions::default()
                .now(now)
                .company(Company::generated(employees))
                .kot_rate(RATE, Duration::from_secs(1))
                .latency(LATENCY),
        )
        .await
        .unwrap();
        let presses = sandbox.cyzen().visible_presses().len();
        let dir = tempfile::tempdir().unwrap();
        let (mut config, lookup) = sandbox_config(&sandbox).unwrap();
        config.kot.requests_per_second = Some(CLIENT_RATE);
        config.kot.concurrency = concurrency;
        let services = Services::new(
            config,
            lookup,
            Arc::new(sandbox.clock().clone()),
            Some(dir.path().to_path_buf()),
        );
        let timer = Arc::new(StageTimer::default());
        let options = RunOptions {
            dry_run: false,
            progress: timer.clone(),
        };
        let rss_before = status_mib("VmRSS:");
        let started = Instant::now();
        let outcome = kot_connect::cyzen::attendance(&services, &options)
            .await
            .unwrap();
        let wall = started.elapsed().as_secs_f64();
        let hwm = status_mib("VmHWM:");
        let post = timer.seconds(Stage::Post);
        println!("stages {} end@{wall:.2}", timer.timeline(started));
        let stages = format!(
            "directory={:.2} fetch={:.2} kot_records={:.2}",
            timer.seconds(Stage::Directory),
            timer.seconds(Stage::Fetch),
            timer.seconds(Stage::KotRecords),
        );

        let calls = sandbox.calls();
        // Answered calls (200): a call the sandbox refused over its rate
        // (KOT 303, cyzen 503) is counted apart, as `refused`.
        let count = |service, route: &str| {
            calls
                .records()
                .iter()
                .filter(|c| c.service == service && c.route == route && c.status == Some(200))
                .count()
        };
        let refused = |service| {
            calls
                .records()
                .iter()
                .filter(|c| c.service == service && matches!(c.status, Some(303 | 503)))
                .count()
        };
        let kot_refused_gets = calls
            .records()
            .iter()
            .filter(|c| c.service == Service::Kot && c.route.starts_with("GET "))
            .filter(|c| c.status != Some(200))
            .count();
        let post_route = "POST /daily-workings/timerecord/{employeeKey}";
        let accepted = calls
            .records()
            .iter()
            .filter(|c| c.service == Service::Kot && c.route == post_route)
            .filter(|c| c.status == Some(201))
            .count();
        let posts = calls.count(Service::Kot, post_route);
        let kot_total = calls
            .records()
            .iter()
            .filter(|c| c.service == Service::Kot)
            .count();
        let cyzen_total = calls
            .records()
            .iter()
            .filter(|c| c.service == Service::Cyzen)
            .count();
        let punches = 4 * employees;
        // The budget: one employee list, the divisions once (first run of
        // the day), one time-record read (one day), P POSTs accepted; cyzen:
        // one status page, ⌈(E+1)/200⌉ user pages, ⌈R/200⌉ history pages.
        let budget = [
            ("kot GET /employees", count(Service::Kot, "GET /employees"), 1),
            ("kot GET /divisions", count(Service::Kot, "GET /divisions"), 1),
            (
                "kot GET /daily-workings/timerecord",
                count(Service::Kot, "GET /daily-workings/timerecord"),
                1,
            ),
            ("kot POST accepted", accepted, punches),
            ("kot other", kot_total - posts - 3 - kot_refused_gets, 0),
            ("cyzen GET /statuses", count(Service::Cyzen, "GET /statuses"), 1),
            (
                "cyzen GET /users",
                count(Service::Cyzen, "GET /users"),
                (employees + 1).div_ceil(200),
            ),
            (
                "cyzen GET /histories",
                count(Service::Cyzen, "GET /histories"),
                presses.div_ceil(200),
            ),
            (
                "cyzen other",
                cyzen_total
                    - refused(Service::Cyzen)
                    - count(Service::Cyzen, "GET /statuses")
                    - count(Service::Cyzen, "GET /users")
                    - count(Service::Cyzen, "GET /histories"),
                0,
            ),
        ];
        let budget_ok = budget.iter().all(|(_, got, want)| got == want) && outcome.posted == punches;
        for (name, got, want) in &budget {
            let mark = if got == want { "ok" } else { "MISMATCH" };
            println!("call {name}: {got} (budget {want}) {mark}");
        }
        // The issue's lower bound: KOT's rate, or the latency of
        // `concurrency` POSTs at a time, whichever is slower.
        let bound = (punches as f64 / f64::from(RATE))
            .max(punches as f64 * LATENCY.as_secs_f64() / concurrency as f64);
        // cyzen's own floor: its calls at its documented rate.
        let cyzen_floor = cyzen_total as f64 / CYZEN_RATE;
        println!(
            "result employees={employees} concurrency={concurrency} records={presses} punches={punches} posted={} refused_303={} refused_cyzen={} refused_kot_get={kot_refused_gets} wall={wall:.2} post={post:.2} {stages} bound={bound:.2} cyzen_floor={cyzen_floor:.2} rss_before={rss_before:.1} hwm={hwm:.1} budget_ok={budget_ok}",
            outcome.posted,
            posts - accepted,
            refused(Service::Cyzen),
        );
        if budget_ok { ExitCode::SUCCESS } else { ExitCode::FAILURE }
    })
}

/// The figures a child printed.
struct Figures {
    line: String,
    calls: Vec<String>,
}

impl Figures {
    fn get(&self, key: &str) -> f64 {
        self.line
            .split_whitespace()
            .find_map(|kv| kv.strip_prefix(&format!("{key}=")))
            .and_then(|v| v.parse().ok())
            .unwrap_or(f64::NAN)
    }
}

fn child(employees: usize, concurrency: usize) -> Result<Figures, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let out = std::process::Command::new(exe)
        .args([
            "--scenario",
            &employees.to_string(),
            &concurrency.to_string(),
        ])
        .output()
        .map_err(|e| e.to_string())?;
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let calls: Vec<String> = stdout
        .lines()
        .filter(|l| l.starts_with("call ") || l.starts_with("stages "))
        .map(str::to_owned)
        .collect();
    let line = stdout
        .lines()
        .find(|l| l.starts_with("result "))
        .map(str::to_owned)
        .ok_or_else(|| {
            format!(
                "scenario E={employees} c={concurrency} failed: {}\n{}",
                out.status,
                String::from_utf8_lossy(&out.stderr)
            )
        })?;
    if !out.status.success() {
        for c in &calls {
            eprintln!("  {c}");
        }
        return Err(format!(
            "scenario E={employees} c={concurrency}: calls differ from the budget"
        ));
    }
    Ok(Figures { line, calls })
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("--scenario") {
        let employees = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(1000);
        let concurrency = args
            .get(3)
            .and_then(|a| a.parse().ok())
            .unwrap_or(CONCURRENCY);
        return scenario(employees, concurrency);
    }
    println!(
        "kot-connect sync benchmark: cyzen → KOT, sandbox latency {} ms, KOT {RATE} req/s (sandbox limit; client {CLIENT_RATE}), cyzen {CYZEN_RATE} req/s",
        LATENCY.as_millis()
    );
    println!(
        "{:>6} {:>4} {:>6} {:>6} {:>5} {:>8} {:>8} {:>8} {:>8} {:>6} {:>6} {:>8} {:>8}",
        "E",
        "conc",
        "R",
        "P",
        "303s",
        "wall s",
        "fetch s",
        "post s",
        "bound s",
        "wall/b",
        "post/b",
        "RSS0 MiB",
        "peak MiB"
    );
    let mut failed = false;
    let scenarios = [(1_000, CONCURRENCY), (1_000, 1), (10_000, CONCURRENCY)];
    for (employees, concurrency) in scenarios {
        match child(employees, concurrency) {
            Ok(f) => {
                let ratio = f.get("wall") / f.get("bound");
                println!(
                    "{:>6} {:>4} {:>6} {:>6} {:>5} {:>8.2} {:>8.2} {:>8.2} {:>8.2} {:>6.3} {:>6.3} {:>8.1} {:>8.1}",
                    employees,
                    concurrency,
                    f.get("records"),
                    f.get("punches"),
                    f.get("refused_303"),
                    f.get("wall"),
                    f.get("fetch"),
                    f.get("post"),
                    f.get("bound"),
                    ratio,
                    f.get("post") / f.get("bound"),
                    f.get("rss_before"),
                    f.get("hwm"),
                );
                for c in &f.calls {
                    println!("         {c}");
                }
                if employees == 10_000 && concurrency > 1 && (ratio.is_nan() || ratio > MAX_RATIO) {
                    eprintln!("wall time {ratio:.3} × the bound > {MAX_RATIO} at 10,000 employees");
                    failed = true;
                }
            }
            Err(e) => {
                eprintln!("{e}");
                failed = true;
            }
        }
    }
    let p = 40_000.0;
    println!(
        "10000    1: not run (over the time limit); P × latency = {:.0} s at the least ({} POSTs × {} ms)",
        p * LATENCY.as_secs_f64(),
        p,
        LATENCY.as_millis()
    );
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
