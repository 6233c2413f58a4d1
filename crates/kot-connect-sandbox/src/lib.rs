//! In-process fakes of every service kot-connect talks to.
#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod clock;
mod company;
pub mod cyzen;
pub mod malion;
pub mod senselink;
pub mod wowtalk;

pub use clock::SandboxClock;
pub use company::{Company, Outsiders, RESIGNED_CODE, SHARED_PC_CODES, SeedDivision, SeedEmployee};

pub use cyzen::{CyzenCredentials, CyzenFake};
pub use malion::{MaLionCredentials, MaLionFake};
pub use senselink::{SenseLinkCredentials, SenseLinkFake};
pub use wowtalk::{WowTalkCredentials, WowTalkFake};
