//! Adapter: wowtalk (being written).
