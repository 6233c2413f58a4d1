//! Adapter: cyzen (being written).
