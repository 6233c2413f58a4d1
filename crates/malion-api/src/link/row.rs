//! One row of the link CSV and its typed values.

use std::fmt;

/// 連携種別 of MaLion rows: `MaLion連携`.
pub const LINK_KIND_MALION: &str = "MaLion連携";

macro_rules! text_newtype {
    ($(#[$m:meta])* $name:ident) => {
        $(#[$m])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(String);

        impl $name {
            /// Wraps a value, kept exactly (a string: leading zeros stay).
            pub fn new(value: impl Into<String>) -> Self {
                Self(value.into())
            }

            /// The value.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                Self(value.to_owned())
            }
        }

        impl From<String> for $name {
            fn from(value: String) -> Self {
                Self(value)
            }
        }
    };
}

text_newtype!(
    /// 種別コード: which product a link row is for. `3` is MaLion; the codes
    /// of the sibling products (SmartOn ID, LanScope) are not documented and
    /// are kept as written.
    KindCode
);
text_newtype!(
    /// 打刻先アカウント: the KING OF TIME account the punches go to (the KOT
    /// employee code, 従業員コード, in the manual's example).
    TargetAccount
);
text_newtype!(
    /// サービスアカウント: the MaLion user name (the PC's user name without
    /// any `DOMAIN¥`), matched exactly and case-sensitively.
    ServiceAccount
);

impl KindCode {
    /// The MaLion code, `3`.
    pub fn malion() -> Self {
        Self("3".to_owned())
    }

    /// True for `3`.
    pub fn is_malion(&self) -> bool {
        self.0 == "3"
    }
}

/// One row of the PC ログイン連携 link CSV: 連携種別, 種別コード,
/// 打刻先アカウント, 姓・名, サービスアカウント.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LinkRow {
    /// 連携種別, e.g. `MaLion連携`.
    pub link_kind: String,
    /// 種別コード, `3` for MaLion.
    pub kind_code: KindCode,
    /// 打刻先アカウント (KOT employee code).
    pub target_account: TargetAccount,
    /// 姓・名, one column, e.g. `勤怠 太郎` (may be empty).
    pub full_name: String,
    /// サービスアカウント (the MaLion user name).
    pub service_account: ServiceAccount,
}

/// The key of a row in the link table: one link per product and KOT account.
pub type LinkKey = (KindCode, TargetAccount);

impl LinkRow {
    /// A MaLion row for a KOT employee as PC ログイン連携's [CSV データ保存]
    /// writes it before editing: 連携種別 `MaLion連携`, 種別コード `3`,
    /// 打刻先アカウント and サービスアカウント both the employee code, 姓・名
    /// the family and given names joined by a space (either may be missing).
    pub fn malion_for_employee(
        employee_code: &str,
        last_name: Option<&str>,
        first_name: Option<&str>,
    ) -> Self {
        let full_name = [last_name, first_name]
            .into_iter()
            .flatten()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        Self {
            link_kind: LINK_KIND_MALION.to_owned(),
            kind_code: KindCode::malion(),
            target_account: TargetAccount::new(employee_code),
            full_name,
            service_account: ServiceAccount::new(employee_code),
        }
    }

    /// Replaces the サービスアカウント.
    pub fn with_service_account(mut self, account: impl Into<ServiceAccount>) -> Self {
        self.service_account = account.into();
        self
    }

    /// The row's key in a link table.
    pub fn key(&self) -> LinkKey {
        (self.kind_code.clone(), self.target_account.clone())
    }

    /// The cells in column order.
    pub(crate) fn cells(&self) -> [&str; 5] {
        [
            &self.link_kind,
            self.kind_code.as_str(),
            self.target_account.as_str(),
            &self.full_name,
            self.service_account.as_str(),
        ]
    }
}
