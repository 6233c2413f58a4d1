//! What every example program shares on the command line.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use kot_connect_core::report::render_table;

use crate::Error;
use crate::output::{Bar, plan_table};
use crate::run::{Outcome, RunOptions};
use crate::session::Session;

/// Options of every example program.
#[derive(Debug, Clone, clap::Args)]
pub struct Common {
    /// TOML configuration for the real services (secrets come from the
    /// environment variables it names). Without it, the built-in sandbox
    /// is started and used.
    #[arg(long, value_name = "FILE", global = true)]
    pub config: Option<PathBuf>,
    /// Where the ledger, caches and link tables are kept (default: the
    /// configuration's `state_dir`; with the sandbox, a fresh temporary
    /// directory).
    #[arg(long, value_name = "DIR", global = true)]
    pub state_dir: Option<PathBuf>,
    /// Print the plan; post nothing and change no state.
    #[arg(long, global = true)]
    pub dry_run: bool,
}

impl Common {
    /// The session these options describe.
    ///
    /// # Errors
    /// As [`Session::open`]. The configuration's warnings (e.g. secrets in
    /// a file others can read) are printed on standard error.
    pub async fn session(&self) -> Result<Session, Error> {
        let session = Session::open(self.config.as_deref(), self.state_dir.clone()).await?;
        for warning in session.services.config().warnings() {
            eprintln!("warning: {warning}");
        }
        Ok(session)
    }

    /// Run options with a progress bar on standard error.
    pub fn run_options(&self) -> RunOptions {
        RunOptions {
            dry_run: self.dry_run,
            progress: Arc::new(Bar::stderr()),
        }
    }
}

/// What the programs print after their runs: the plans of dry runs, the
/// 連携ログ table, and where each failure CSV went.
pub fn render(outcomes: &[Outcome]) -> String {
    let mut out = String::new();
    for o in outcomes.iter().filter(|o| o.dry_run) {
        if let Some(plan) = &o.plan {
            out.push_str(&format!("\n{} (dry run / 計画のみ)\n", o.log.connector));
            out.push_str(&plan_table(plan));
        }
    }
    let logs: Vec<_> = outcomes.iter().map(|o| o.log.clone()).collect();
    out.push_str("\n連携ログ Sync log\n");
    out.push_str(&render_table(&logs));
    for o in outcomes {
        if let Some(path) = &o.failure_csv {
            out.push_str(&format!(
                "\n{}: {} 件の連携エラー / {} failures: {}\n",
                o.log.connector,
                o.failures.len(),
                o.failures.len(),
                path.display()
            ));
        }
        for (channel, error) in &o.notify_errors {
            out.push_str(&format!(
                "通知に失敗 notification failed: {channel}: {error}\n"
            ));
        }
    }
    out
}

/// A program's exit: its code, or the error on standard error and
/// failure.
pub fn exit(result: Result<ExitCode, Error>) -> ExitCode {
    result.unwrap_or_else(|e| {
        eprintln!("error: {e}");
        ExitCode::FAILURE
    })
}

/// Reads an input file.
///
/// # Errors
/// [`Error::Io`] naming the file.
pub fn read(path: &Path) -> Result<Vec<u8>, Error> {
    std::fs::read(path).map_err(|e| Error::io(path, e))
}

/// Writes `bytes` to `out`, or to standard output without one.
///
/// # Errors
/// [`Error::Io`] naming the file.
pub fn write_out(out: Option<&Path>, bytes: &[u8]) -> Result<(), Error> {
    match out {
        Some(path) => std::fs::write(path, bytes).map_err(|e| Error::io(path, e)),
        None => {
            use std::io::Write;
            std::io::stdout()
                .write_all(bytes)
                .map_err(|e| Error::io(Path::new("standard output"), e))
        }
    }
}

/// Success when every run is SUCCESS.
pub fn exit_code(outcomes: &[Outcome]) -> ExitCode {
    if outcomes.iter().all(Outcome::is_success) {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
