//! The demo: starts the sandbox and runs every integration once.
//!
//! ```sh
//! cargo run --example demo
//! ```
//!
//! No account and no network: KING OF TIME, SenseLink, cyzen, MaLion,
//! WowTalk and the chat tools are in-process fakes on loopback, and their
//! clock is fixed (2026-11-20 11:00 JST), so the output is the same at any
//! hour. It ends with the sync log (連携ログ), the notifications the chat
//! tools received, and what KOT now holds.
#![allow(clippy::print_stdout)]

use std::collections::BTreeMap;
use std::process::ExitCode;
use std::sync::Arc;

use kot_connect::cli::{exit_code, render};
use kot_connect::output::Bar;
use kot_connect::run::RunOptions;
use kot_connect::session::sandbox_services;
use kot_connect_sandbox::{Sandbox, SandboxOptions};

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<ExitCode, Box<dyn std::error::Error>> {
    let sandbox = Sandbox::start(SandboxOptions::default()).await?;
    let state = tempfile::tempdir()?;
    let services = sandbox_services(&sandbox, state.path())?
        .with_report_dir(std::env::temp_dir().join("kot-connect-reports"));
    let company = sandbox.company();
    println!(
        "sandbox: {} ({} employees, {} divisions), {} JST",
        company.name,
        company.employees.len(),
        company.divisions.len(),
        sandbox.clock().now_jst().format("%Y-%m-%d %H:%M")
    );

    let options = RunOptions {
        dry_run: false,
        progress: Arc::new(Bar::stderr()),
    };
    let report = kot_connect::demo::run(&sandbox, &services, &options).await?;

    println!("{}", render(&report.outcomes));
    println!(
        "MaLion: {} links stored; WowTalk ID link: {}",
        report.malion_links, report.wowtalk_import
    );
    println!("\nWowTalk bot");
    for (from, text, reply) in &report.chat {
        println!("  {from}: {text}\n    bot: {reply}");
    }

    let notifications = sandbox.notifications();
    let mut by_service: BTreeMap<String, usize> = BTreeMap::new();
    for n in &notifications {
        *by_service.entry(n.service.to_string()).or_default() += 1;
    }
    println!("\n通知 Notifications sent: {}", notifications.len());
    for (service, count) in &by_service {
        println!("  {service}: {count}");
    }
    if let Some(first) = notifications.first() {
        let line = first.summary.lines().next().unwrap_or_default();
        println!("  e.g. {}: {line}", first.service);
    }

    let punches = sandbox.kot().punches();
    println!("\nKING OF TIME now holds {} punches.", punches.len());
    Ok(exit_code(&report.outcomes))
}
