//! The **provisional** wire layer of the MaLion WebAPI: where logs are asked
//! for and how a page is read. Every path, parameter and key here is a
//! documented guess, configurable through [`WireConfig`], until Intercom's
//! specification is available.

mod logs;

pub use logs::{
    DEFAULT_CURSOR_PARAM, DEFAULT_LOGS_PATH, DEFAULT_PAGE_SIZE_PARAM, DEFAULT_SINCE_PARAM,
    WireConfig,
};
pub(crate) use logs::{decode_page, logs_request};
