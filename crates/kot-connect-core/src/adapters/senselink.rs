//! Adapter: senselink (being written).
