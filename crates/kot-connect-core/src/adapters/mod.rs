//! Adapters from the engine's traits to the real clients, one cargo
//! feature each: `kot`, `senselink`, `cyzen`, `malion`, `wowtalk`,
//! `notify`.

#[cfg(feature = "cyzen")]
pub mod cyzen;
#[cfg(feature = "kot")]
pub mod kot;
#[cfg(feature = "malion")]
pub mod malion;
#[cfg(feature = "notify")]
pub mod notify;
#[cfg(feature = "senselink")]
pub mod senselink;
#[cfg(any(
    feature = "senselink",
    feature = "cyzen",
    feature = "malion",
    feature = "wowtalk"
))]
mod support;
#[cfg(feature = "wowtalk")]
pub mod wowtalk;
