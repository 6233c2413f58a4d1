//! What WowTalk's manual and support pages describe: identifiers, the KING
//! OF TIME link settings, the member import template, and the (provisional)
//! bot messages.

mod ids;
mod member;
mod message;
mod settings;

pub use ids::{BotId, CompanyId, MessageId, RoleName, TalkId, WowTalkUserId};
pub use kot_api::models::EmployeeCode;
pub use member::{
    BIRTH_DATE_FORMAT, MEMBER_COLUMNS, MemberRow, Password, read_members, write_members,
};
pub use message::{InboundMessage, Reply};
pub use settings::{
    FeatureSwitch, InvalidSwitch, KotAccessToken, KotLinkAdmin, KotLinkSettings,
    KotLinkUnavailable, RESTRICTED_MESSAGE,
};
