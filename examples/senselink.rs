//! SenseThunder / SenseLink ⇄ KING OF TIME.
//!
//! ```sh
//! cargo run --example senselink -- employees                 # KOT → SenseLink persons
//! cargo run --example senselink -- attendance                # the configured day (前日 by default)
//! cargo run --example senselink -- attendance --date 2026-11-19
//! cargo run --example senselink -- attendance --target same-day --dry-run
//! cargo run --example senselink -- --schedule --runs 3       # follow the schedules
//! cargo run --example senselink -- --config kot-connect.toml attendance
//! ```
#![allow(clippy::print_stdout)]

use std::process::ExitCode;

use chrono::NaiveDate;
use clap::{Parser, Subcommand, ValueEnum};
use kot_connect::cli::{Common, exit_code, render};
use kot_connect::senselink::{self, Day, Jump, RealTime, Wait};
use kot_connect_core::schedule::TargetDay;

#[derive(Debug, Parser)]
#[command(name = "senselink", about = "SenseThunder / SenseLink ⇄ KING OF TIME")]
struct Cli {
    #[command(flatten)]
    common: Common,
    /// Keep running, following `[senselink.schedule]`.
    #[arg(long)]
    schedule: bool,
    /// With `--schedule`: stop after this many runs (default: never; with
    /// the sandbox, 3, its clock jumping to each run).
    #[arg(long, requires = "schedule")]
    runs: Option<u32>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// 社員情報連携: KOT's employees → SenseLink persons.
    Employees,
    /// 勤怠連携: one day's recognitions → 出勤 / 退勤.
    Attendance {
        /// The work date to sync.
        #[arg(long, conflicts_with = "target")]
        date: Option<NaiveDate>,
        /// 前日 or 当日, relative to today.
        #[arg(long, value_enum)]
        target: Option<Target>,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Target {
    PreviousDay,
    SameDay,
}

#[tokio::main]
async fn main() -> ExitCode {
    kot_connect::cli::exit(run(Cli::parse()).await)
}

async fn run(cli: Cli) -> Result<ExitCode, kot_connect::Error> {
    let session = cli.common.session().await?;
    let services = &session.services;
    let options = cli.common.run_options();
    if cli.schedule && cli.command.is_some() {
        return Err(kot_connect::Error::Config(
            "--schedule runs the configured jobs itself; give no command with it".into(),
        ));
    }
    if cli.schedule {
        let real = RealTime(services);
        let (wait, runs): (Box<dyn Wait + '_>, Option<u32>) = match session.sandbox() {
            Some(sandbox) => (
                Box::new(Jump(sandbox.clock().clone())),
                Some(cli.runs.unwrap_or(3)),
            ),
            None => (Box::new(real), cli.runs),
        };
        let mut all = Vec::new();
        senselink::schedule(services, &options, wait.as_ref(), runs, |job, outcome| {
            let job = match job {
                senselink::Job::Employees => "社員情報連携 employees".to_owned(),
                senselink::Job::Attendance(target) => {
                    format!("勤怠連携 attendance ({})", target.label_ja())
                }
            };
            println!("{} {job}", outcome.log.started_at.format("%Y-%m-%d %H:%M"));
            all.push(outcome.clone());
        })
        .await?;
        println!("{}", render(&all));
        return Ok(exit_code(&all));
    }
    let outcome = match cli.command {
        Some(Command::Employees) => senselink::employees(services, &options).await?,
        Some(Command::Attendance { date, target }) => {
            let day = match (date, target) {
                (Some(date), _) => Day::Date(date),
                (None, Some(Target::PreviousDay)) => Day::Target(TargetDay::PreviousDay),
                (None, Some(Target::SameDay)) => Day::Target(TargetDay::SameDay),
                (None, None) => Day::Configured,
            };
            senselink::attendance(services, day, &options).await?
        }
        None => {
            return Err(kot_connect::Error::Config(
                "give a command (employees, attendance) or --schedule; see --help".into(),
            ));
        }
    };
    let outcomes = [outcome];
    println!("{}", render(&outcomes));
    Ok(exit_code(&outcomes))
}
