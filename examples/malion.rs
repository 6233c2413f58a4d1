//! MaLion ⇄ KING OF TIME: PC logon / logoff → 出勤 / 退勤.
//!
//! ```sh
//! cargo run --example malion -- link export --out links.csv   # KOT's employees as the link CSV
//! cargo run --example malion -- link import links.csv         # the edited CSV → the link table
//! cargo run --example malion -- sync                          # the last 2 days of PC logs
//! cargo run --example malion -- --config kot-connect.toml sync --dry-run
//! ```
//!
//! With the sandbox, `sync` first links every employee as `link export`
//! writes the CSV (サービスアカウント = 従業員コード), since a fresh
//! sandbox has no link table yet.
#![allow(clippy::print_stdout)]

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use kot_connect::cli::{Common, exit_code, render};
use kot_connect::malion;
use malion_api::link::CsvEncoding;

#[derive(Debug, Parser)]
#[command(name = "malion", about = "MaLion ⇄ KING OF TIME (PC ログイン連携)")]
struct Cli {
    #[command(flatten)]
    common: Common,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// The link CSV (連携種別, 種別コード, 打刻先アカウント, 姓・名, サービスアカウント).
    Link {
        #[command(subcommand)]
        action: LinkAction,
    },
    /// PC logs → punches.
    Sync,
}

#[derive(Debug, Subcommand)]
enum LinkAction {
    /// Writes the link CSV of KOT's employees.
    Export {
        /// The file (default: standard output).
        #[arg(long)]
        out: Option<PathBuf>,
        /// The encoding.
        #[arg(long, value_enum, default_value = "utf8-bom")]
        encoding: Encoding,
    },
    /// Stores the edited CSV as the link table (only the rows present change).
    Import {
        /// The CSV (UTF-8 with or without BOM, or Shift_JIS).
        file: PathBuf,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Encoding {
    Utf8,
    Utf8Bom,
    ShiftJis,
}

#[tokio::main]
async fn main() -> ExitCode {
    kot_connect::cli::exit(run(Cli::parse()).await)
}

async fn run(cli: Cli) -> Result<ExitCode, kot_connect::Error> {
    let session = cli.common.session().await?;
    let services = &session.services;
    match cli.command {
        Command::Link {
            action: LinkAction::Export { out, encoding },
        } => {
            let encoding = match encoding {
                Encoding::Utf8 => CsvEncoding::Utf8,
                Encoding::Utf8Bom => CsvEncoding::Utf8WithBom,
                Encoding::ShiftJis => CsvEncoding::ShiftJis,
            };
            let csv = malion::link_export(services, encoding).await?;
            kot_connect::cli::write_out(out.as_deref(), &csv)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Link {
            action: LinkAction::Import { file },
        } => {
            let bytes = kot_connect::cli::read(&file)?;
            let done = malion::link_import(services, &bytes)?;
            println!(
                "{} 件のアカウントを更新 / updated {} (added {}, changed {}, unchanged {}); {} links stored",
                done.merge.changed(),
                done.merge.changed(),
                done.merge.inserted.len(),
                done.merge.updated.len(),
                done.merge.unchanged.len(),
                done.rows
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Sync => {
            if session.sandbox().is_some()
                && malion::load_links(&services.state_store()?)?.is_empty()
            {
                let csv = malion::link_export(services, CsvEncoding::Utf8WithBom).await?;
                malion::link_import(services, &csv)?;
            }
            let outcomes = [malion::sync(services, &cli.common.run_options()).await?];
            println!("{}", render(&outcomes));
            Ok(exit_code(&outcomes))
        }
    }
}
