//! Devices (デバイス): SenseThunder, SensePass, ...

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::de;
use super::enums::Direction;
use super::ids::DeviceId;

/// A device as SenseLink lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Device {
    /// The device's ID.
    pub id: DeviceId,
    /// Its name.
    #[serde(default, deserialize_with = "de::opt_string")]
    pub name: Option<String>,
    /// Its LDID (serial number), e.g. `SPSE-…`: what records carry as
    /// `device_ldid` and the record filter `device_sn` takes.
    #[serde(default, deserialize_with = "de::opt_string")]
    pub ldid: Option<String>,
    /// Where it is.
    #[serde(default, deserialize_with = "de::opt_string")]
    pub location: Option<String>,
    /// Description.
    #[serde(default, deserialize_with = "de::opt_string")]
    pub description: Option<String>,
    /// In / Out.
    #[serde(default)]
    pub direction: Option<Direction>,
    /// State code.
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub state: Option<i64>,
    /// IP address.
    #[serde(default, deserialize_with = "de::opt_string")]
    pub ip: Option<String>,
    /// Model code (4 SensePass, 19 SenseThunder-Mini, 20 SenseThunder-E, ...).
    #[serde(default, alias = "typeId", deserialize_with = "de::opt_i64")]
    pub type_id: Option<i64>,
    /// Model name.
    #[serde(default, alias = "typeName", deserialize_with = "de::opt_string")]
    pub type_name: Option<String>,
    /// Created at (as sent, a number).
    #[serde(default, alias = "createAt", deserialize_with = "de::opt_i64")]
    pub create_at: Option<i64>,
    /// Updated at (as sent, a number).
    #[serde(default, alias = "updateAt", deserialize_with = "de::opt_i64")]
    pub update_at: Option<i64>,
    /// Fields this crate does not know, kept as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Device {
    /// A device with an ID and nothing else (for fakes and tests).
    pub fn new(id: DeviceId) -> Self {
        Self {
            id,
            name: None,
            ldid: None,
            location: None,
            description: None,
            direction: None,
            state: None,
            ip: None,
            type_id: None,
            type_name: None,
            create_at: None,
            update_at: None,
            extra: Map::new(),
        }
    }
}
