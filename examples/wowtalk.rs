//! WowTalk ⇄ KING OF TIME: the ID link, and a bot that punches from chat.
//!
//! ```sh
//! cargo run --example wowtalk -- link import ids.csv --members members.csv
//! cargo run --example wowtalk -- link export --out linked.csv
//! cargo run --example wowtalk -- bot                    # serve the webhook
//! cargo run --example wowtalk -- --config kot-connect.toml bot
//! ```
//!
//! With the sandbox, `link import` without a file imports a link for every
//! member of the seed company, and `bot` links them, serves the webhook,
//! replays a short chat through the WowTalk fake and prints the replies.
#![allow(clippy::print_stdout)]

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use kot_connect::cli::{Common, exit_code, render};
use kot_connect::wowtalk;
use kot_connect::{Error, Services};

#[derive(Debug, Parser)]
#[command(name = "wowtalk", about = "WowTalk ⇄ KING OF TIME")]
struct Cli {
    #[command(flatten)]
    common: Common,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// The ID link between WowTalk users and KOT employees.
    Link {
        #[command(subcommand)]
        action: LinkAction,
    },
    /// Serves the webhook that turns chat commands into punches.
    Bot {
        /// Where to listen (default: the configuration's `listen`).
        #[arg(long)]
        listen: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
enum LinkAction {
    /// Imports an ID-link CSV: counts, a failure CSV; refused 08:30-10:00
    /// and 17:30-18:30 JST.
    Import {
        /// The CSV (UTF-8 or Shift_JIS). With the sandbox, optional.
        file: Option<PathBuf>,
        /// WowTalk's member list (CSV from the admin console).
        #[arg(long)]
        members: Option<PathBuf>,
    },
    /// Writes the linked members as CSV.
    Export {
        /// The file (default: standard output).
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

#[tokio::main]
async fn main() -> ExitCode {
    kot_connect::cli::exit(run(Cli::parse()).await)
}

async fn import(
    services: &Services,
    sandbox: Option<&kot_connect_sandbox::Sandbox>,
    file: Option<&Path>,
    members: Option<&Path>,
) -> Result<(), Error> {
    let file = match (file, sandbox) {
        (Some(path), _) => kot_connect::cli::read(path)?,
        (None, Some(sandbox)) => wowtalk::sandbox::link_csv(sandbox)?,
        (None, None) => return Err(Error::Config("give the ID-link CSV to import".into())),
    };
    let members = match (members, sandbox) {
        (Some(path), _) => wowtalk::read_members(&kot_connect::cli::read(path)?)?,
        (None, Some(sandbox)) => wowtalk::sandbox::members(sandbox),
        (None, None) => {
            return Err(Error::Config(
                "give WowTalk's member list with --members (exported from the admin console)"
                    .into(),
            ));
        }
    };
    let done = wowtalk::link_import(services, &file, &members).await?;
    println!("{} ({} links stored)", done.summary, done.links);
    if let Some(csv) = done.failure_csv {
        let dir = services.report_dir();
        std::fs::create_dir_all(&dir).map_err(|e| Error::Io {
            path: dir.display().to_string(),
            source: e,
        })?;
        let path = dir.join(format!(
            "wowtalk-import-failures-{}.csv",
            services.now_jst().format("%Y%m%d-%H%M%S")
        ));
        std::fs::write(&path, csv).map_err(|e| Error::Io {
            path: path.display().to_string(),
            source: e,
        })?;
        println!("詳細 failures: {}", path.display());
    }
    Ok(())
}

async fn run(cli: Cli) -> Result<ExitCode, Error> {
    let session = cli.common.session().await?;
    let services = &session.services;
    match cli.command {
        Command::Link {
            action: LinkAction::Import { file, members },
        } => {
            import(
                services,
                session.sandbox(),
                file.as_deref(),
                members.as_deref(),
            )
            .await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Link {
            action: LinkAction::Export { out },
        } => {
            let csv = wowtalk::link_export(services)?;
            kot_connect::cli::write_out(out.as_deref(), &csv)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Bot { listen } => {
            let options = cli.common.run_options();
            if let Some(sandbox) = session.sandbox() {
                import(services, Some(sandbox), None, None).await?;
                let (chat, outcomes) =
                    wowtalk::sandbox::replay(sandbox, services, &options, &wowtalk::sandbox::CHAT)
                        .await?;
                for (from, text, reply) in chat {
                    println!("{from}: {text}\n  bot: {reply}");
                }
                println!("{}", render(&outcomes));
                return Ok(exit_code(&outcomes));
            }
            let listen = match listen {
                Some(l) => l,
                None => services.config().wowtalk()?.listen.clone(),
            };
            let (router, _handle) = wowtalk::bot::router(services, &options)?;
            let listener = tokio::net::TcpListener::bind(&listen)
                .await
                .map_err(|e| Error::Config(format!("cannot listen on {listen}: {e}")))?;
            println!("WowTalk bot: POST http://{listen}{}", wowtalk::bot::PATH);
            axum::serve(listener, router)
                .with_graceful_shutdown(async {
                    let _ = tokio::signal::ctrl_c().await;
                })
                .await
                .map_err(|e| Error::Config(format!("the webhook server stopped: {e}")))?;
            Ok(ExitCode::SUCCESS)
        }
    }
}
