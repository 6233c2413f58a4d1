//! The programs' ledger (送信台帳), for administrators: what is not settled,
//! and forgetting an entry a run reports as given up (勤務日が自動連携の期限を
//! 過ぎた打刻) after checking KING OF TIME by hand.
//!
//! ```sh
//! cargo run --example ledger -- --state-dir /var/lib/kot-connect list         # pending and in flight
//! cargo run --example ledger -- --state-dir /var/lib/kot-connect list --all   # posted too
//! cargo run --example ledger -- --config kot-connect.toml forget senselink:1001 cyzen:h-42
//! ```
#![allow(clippy::print_stdout)]

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use kot_connect::{Config, Error, ledger};
use kot_connect_core::SourceRef;

#[derive(Debug, Parser)]
#[command(name = "ledger", about = "The kot-connect ledger (送信台帳)")]
struct Cli {
    /// The state directory the programs run with.
    #[arg(long, value_name = "DIR", global = true)]
    state_dir: Option<PathBuf>,
    /// Or the configuration that names it (`state_dir`).
    #[arg(long, value_name = "FILE", global = true)]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Entries not settled (未送信 pending, 送信結果不明 in flight).
    List {
        /// Every entry, posted ones (登録済み) included.
        #[arg(long)]
        all: bool,
    },
    /// Removes entries (`system:record id`, as the failure rows name them).
    Forget {
        #[arg(required = true, value_name = "SYSTEM:ID")]
        records: Vec<SourceRef>,
    },
}

fn main() -> ExitCode {
    kot_connect::cli::exit(run(Cli::parse()))
}

fn run(cli: Cli) -> Result<ExitCode, Error> {
    let dir = match (cli.state_dir, cli.config) {
        (Some(dir), _) => dir,
        (None, Some(path)) => Config::from_file(&path)?
            .state_dir
            .ok_or_else(|| Error::Config(format!("{} names no state_dir", path.display())))?,
        (None, None) => {
            return Err(Error::Config(
                "give --state-dir DIR or --config FILE (the sandbox's state is temporary)".into(),
            ));
        }
    };
    match cli.command {
        Command::List { all } => {
            let entries = ledger::entries(&dir, all)?;
            println!("{}", ledger::table(&entries));
            println!("{} 件 / {} entries", entries.len(), entries.len());
        }
        Command::Forget { records } => {
            for (record, entry) in ledger::forget(&dir, &records)? {
                match entry {
                    Some(entry) => println!(
                        "削除しました forgotten: {record} ({}, {} {})",
                        entry.state.name(),
                        entry.punch.employee,
                        entry.punch.kind
                    ),
                    None => println!("台帳にありません not in the ledger: {record}"),
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
