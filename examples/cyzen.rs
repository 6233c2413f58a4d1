//! cyzen ⇄ KING OF TIME: status presses → punches.
//!
//! ```sh
//! cargo run --example cyzen -- attendance              # the whole month on the first run
//! cargo run --example cyzen -- attendance --dry-run
//! cargo run --example cyzen -- users                   # who is synced
//! cargo run --example cyzen -- users disable 0023 0024 # per-user switch
//! cargo run --example cyzen -- --config kot-connect.toml attendance
//! ```
#![allow(clippy::print_stdout)]

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use kot_connect::cli::{Common, exit_code, render};
use kot_connect::cyzen;
use kot_connect_core::report::render_grid;

#[derive(Debug, Parser)]
#[command(name = "cyzen", about = "cyzen ⇄ KING OF TIME")]
struct Cli {
    #[command(flatten)]
    common: Common,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// 勤怠連携: status presses → 出勤 / 退勤 / 休憩.
    Attendance,
    /// The per-user switch: list, enable, disable.
    Users {
        #[command(subcommand)]
        action: Option<UsersAction>,
    },
}

#[derive(Debug, Subcommand)]
enum UsersAction {
    /// Sync these users (user code = 従業員コード).
    Enable { codes: Vec<String> },
    /// Stop syncing these users.
    Disable { codes: Vec<String> },
}

#[tokio::main]
async fn main() -> ExitCode {
    kot_connect::cli::exit(run(Cli::parse()).await)
}

async fn run(cli: Cli) -> Result<ExitCode, kot_connect::Error> {
    let session = cli.common.session().await?;
    let services = &session.services;
    match cli.command {
        Command::Attendance => {
            let outcomes = [cyzen::attendance(services, &cli.common.run_options()).await?];
            println!("{}", render(&outcomes));
            Ok(exit_code(&outcomes))
        }
        Command::Users { action } => {
            match action {
                Some(UsersAction::Enable { codes }) => {
                    cyzen::set_enabled(services, &codes, true).await?;
                }
                Some(UsersAction::Disable { codes }) => {
                    cyzen::set_enabled(services, &codes, false).await?;
                }
                None => {}
            }
            let mut rows = vec![
                vec![
                    "ユーザーコード".into(),
                    "氏名".into(),
                    "KOT".into(),
                    "連携".into(),
                ],
                vec![
                    "User code".into(),
                    "Name".into(),
                    "In KOT".into(),
                    "Synced".into(),
                ],
            ];
            for u in cyzen::users(services).await? {
                let mark = |b: bool| if b { "○" } else { "×" }.to_owned();
                rows.push(vec![u.code, u.name, mark(u.in_kot), mark(u.enabled)]);
            }
            println!("{}", render_grid(&rows, 2, usize::MAX));
            Ok(ExitCode::SUCCESS)
        }
    }
}
