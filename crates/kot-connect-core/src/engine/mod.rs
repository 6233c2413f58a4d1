//! The sync engine: fetch → rule → match → plan → post → ledger → log →
//! notify, for any source.
//!
//! The engine speaks to the outside world only through the traits of
//! its contract: a [`KotGateway`] (KOT's employees, time records and punch
//! registration), a [`Source`] (one connector's records, already turned
//! into punches by its rule), a [`StateStore`] (what must survive between
//! runs), a [`Progress`] sink and an optional [`Notify`]. The adapters to
//! the real clients live behind the cargo features `kot`, `senselink`,
//! `cyzen`, `malion`, `wowtalk` and `notify`, so that someone embedding
//! only one connector compiles only that client.

mod contract;
mod run;
mod state;

pub use contract::{
    Collected, EarlyPunches, GatewayError, KotGateway, Notify, NotifyOutcome, Now, PostError,
    Progress, SilentProgress, Source, SourceContext, SourceError, Stage, StateError, StateStore,
};
pub use run::{
    DEFAULT_CONCURRENCY, DEFAULT_RESUME_DAYS, DIRECTORY_CACHE, DirectorySnapshot, Engine,
    EngineBuilder, EngineError, RunMode, SyncRun,
};
pub(crate) use state::write_atomically;
pub use state::{DirStore, MAX_NAME_LEN, MemoryStore, validate_name};
