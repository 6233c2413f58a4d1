//! Runnable examples and end-to-end tests for the kot-connect SDK crates.
//!
//! The reusable code lives in the crates under `crates/`; this package only
//! owns `examples/` and the workspace-level `tests/`.
