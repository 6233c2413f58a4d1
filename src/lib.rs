//! The glue the example programs share: configuration, building the
//! clients, running a connector through the engine, and what is shown to
//! people (progress, the 連携ログ table, the failure CSV).
//!
//! Every command of every example is a function here, so that the
//! end-to-end tests in `tests/` run exactly what an administrator runs,
//! against the sandbox.
//!
//! # Quickstart
//!
//! ```
//! use kot_connect::run::RunOptions;
//! use kot_connect::senselink::{self, Day};
//! use kot_connect_sandbox::{Sandbox, SandboxOptions};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! // Every service as a fake on loopback, its clock at 2026-11-20 11:00 JST.
//! let sandbox = Sandbox::start(SandboxOptions::default()).await?;
//! let state = tempfile::tempdir()?;
//! let services = kot_connect::session::sandbox_services(&sandbox, state.path())?;
//!
//! // SenseLink 勤怠連携 for the previous day (前日), as `senselink attendance` runs it.
//! let outcome = senselink::attendance(&services, Day::Configured, &RunOptions::post()).await?;
//! assert!(outcome.is_success());
//! assert_eq!(outcome.posted, sandbox.kot().punches().len());
//!
//! // Again: KOT and the ledger already have every punch.
//! let again = senselink::attendance(&services, Day::Configured, &RunOptions::post()).await?;
//! assert_eq!(again.posted, 0);
//! # Ok(())
//! # }
//! ```
#![deny(missing_docs)]
#![forbid(unsafe_code)]

pub mod cli;
pub mod config;
pub mod cyzen;
pub mod demo;
pub mod ledger;
pub mod malion;
pub mod output;
pub mod run;
pub mod senselink;
pub mod services;
pub mod session;
pub mod wowtalk;

use std::path::Path;

pub use config::Config;
pub use services::Services;

/// Why a command failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The configuration is invalid or incomplete.
    #[error("configuration: {0}")]
    Config(String),
    /// A secret's environment variable is unset or empty.
    #[error("environment variable {0} is not set")]
    MissingEnv(String),
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// A report could not be written.
    #[error("report: {0}")]
    Report(String),
    /// The state directory (ledger, caches, link tables, watermarks) could
    /// not be read or written.
    #[error("state: {0}")]
    State(String),
    /// A service client could not be built or a call failed.
    #[error("{service}: {message}")]
    Service {
        /// `kot`, `senselink`, `cyzen`, `malion`, `wowtalk`, `notify`.
        service: &'static str,
        /// The client's error text (never a secret).
        message: String,
    },
    /// An input file (a link CSV) was refused.
    #[error("{0}")]
    Input(String),
    /// The sandbox could not start.
    #[error("sandbox: {0}")]
    Sandbox(String),
}

impl Error {
    pub(crate) fn io(path: &Path, source: std::io::Error) -> Self {
        Error::Io {
            path: path.display().to_string(),
            source,
        }
    }

    pub(crate) fn state(error: impl std::fmt::Display) -> Self {
        Error::State(error.to_string())
    }

    pub(crate) fn service(service: &'static str, error: impl std::fmt::Display) -> Self {
        Error::Service {
            service,
            message: error.to_string(),
        }
    }
}
