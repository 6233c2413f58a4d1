//! Adapter: notify (being written).
