//! Adapter: malion (being written).
