//! Adapter: kot (being written).
