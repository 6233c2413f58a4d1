//! The seed data: a believable company, the same on every run.
//!
//! 70 employees in four divisions, codes with leading zeros (`0001` ..
//! `0070`), one resigned, and the identities each source system knows them
//! by. Some source identities match nobody in KOT, and two PCs share one
//! Windows user name, so every unhappy path of the manuals has a subject.

use chrono::{NaiveDate, NaiveTime};

/// A division (所属) with its day border (日付変更時刻).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedDivision {
    /// 所属コード.
    pub code: String,
    /// 所属名.
    pub name: String,
    /// The time at which a new work date begins.
    pub day_border: NaiveTime,
}

/// An employee of the company, and who they are in each source system.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedEmployee {
    /// 従業員コード (admin-facing, with leading zeros).
    pub code: String,
    /// 従業員識別キー (immutable, what punches are posted to).
    pub key: String,
    /// 姓.
    pub last_name: String,
    /// 名.
    pub first_name: String,
    /// 姓 (カナ).
    pub last_name_phonetics: String,
    /// 名 (カナ).
    pub first_name_phonetics: String,
    /// 所属コード.
    pub division_code: String,
    /// 雇用区分コード (`1` 正社員, `2` パート).
    pub type_code: String,
    /// 入社日.
    pub hired_date: NaiveDate,
    /// 生年月日.
    pub birth_date: NaiveDate,
    /// 退職日, when resigned.
    pub resignation_date: Option<NaiveDate>,
    /// E-mail address.
    pub email: Option<String>,
    /// Registered in SenseLink (person with 従業員番号 == code).
    pub senselink: bool,
    /// A cyzen user (user code == code).
    pub cyzen: bool,
    /// The Windows user name on their PC, when MaLion watches it.
    pub pc_account: Option<String>,
    /// The PC's computer name, when MaLion watches it.
    pub pc_name: Option<String>,
    /// Their WowTalk user id, when they use WowTalk.
    pub wowtalk_id: Option<String>,
}

impl SeedEmployee {
    /// Whether they are employed on `date` (the resignation date included).
    pub fn is_active_on(&self, date: NaiveDate) -> bool {
        self.resignation_date
            .is_none_or(|resigned| date <= resigned)
    }
}

/// Identities the sources know that match no KOT employee.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outsiders {
    /// A SenseLink person who is not in KOT (a contractor).
    pub senselink_job_number: String,
    /// A SenseLink person registered as `1` instead of `0001`: leading
    /// zeros count, so this matches nobody.
    pub senselink_unpadded_job_number: String,
    /// A cyzen user whose code is not in KOT.
    pub cyzen_user_code: String,
    /// A PC account that nobody linked.
    pub pc_account: String,
    /// A WowTalk user with no ID link.
    pub wowtalk_id: String,
}

/// The whole company.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Company {
    /// 会社名.
    pub name: String,
    /// The divisions.
    pub divisions: Vec<SeedDivision>,
    /// The employees, ordered by code.
    pub employees: Vec<SeedEmployee>,
    /// Source identities with no KOT employee.
    pub outsiders: Outsiders,
    /// The Windows user name two PCs share (the manual's hazard).
    pub shared_pc_account: String,
}

const LAST: [(&str, &str); 20] = [
    ("佐藤", "サトウ"),
    ("鈴木", "スズキ"),
    ("高橋", "タカハシ"),
    ("田中", "タナカ"),
    ("伊藤", "イトウ"),
    ("渡辺", "ワタナベ"),
    ("山本", "ヤマモト"),
    ("中村", "ナカムラ"),
    ("小林", "コバヤシ"),
    ("加藤", "カトウ"),
    ("吉田", "ヨシダ"),
    ("山田", "ヤマダ"),
    ("佐々木", "ササキ"),
    ("山口", "ヤマグチ"),
    ("松本", "マツモト"),
    ("井上", "イノウエ"),
    ("木村", "キムラ"),
    ("林", "ハヤシ"),
    ("斎藤", "サイトウ"),
    ("清水", "シミズ"),
];

const FIRST: [(&str, &str); 11] = [
    ("太郎", "タロウ"),
    ("花子", "ハナコ"),
    ("健", "ケン"),
    ("美咲", "ミサキ"),
    ("翔太", "ショウタ"),
    ("陽菜", "ヒナ"),
    ("大輔", "ダイスケ"),
    ("結衣", "ユイ"),
    ("拓也", "タクヤ"),
    ("さくら", "サクラ"),
    ("誠", "マコト"),
];

/// The employee code that resigned (退職日 2026-09-30).
pub const RESIGNED_CODE: &str = "0050";

/// The two employees whose PCs share [`Company::shared_pc_account`].
pub const SHARED_PC_CODES: [&str; 2] = ["0069", "0070"];

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
}

/// A 64-hex-digit key, derived from the code so that it never changes.
fn key_for(code: &str) -> String {
    // FNV-1a, then a splitmix64 stream: stable across runs and platforms.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in code.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    let mut out = String::with_capacity(64);
    for _ in 0..4 {
        h = h.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = h;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^= z >> 31;
        out.push_str(&format!("{z:016x}"));
    }
    out
}

impl Company {
    /// The demo company (株式会社サンプル商事).
    ///
    /// Each employee's punches come from one source, as in a real company
    /// (two sources for one person would give two 出勤 a day):
    ///
    /// - `1000` 本社 (day border 00:00): `0001`-`0020`, SenseLink at the
    ///   entrance; WowTalk for `0001`-`0010`.
    /// - `2000` 営業部 (00:00): `0021`-`0035`, cyzen in the field; WowTalk
    ///   for `0021`-`0030`.
    /// - `3000` 大阪工場 (day border 05:00): `0036`-`0055`, SenseLink at the
    ///   gate; `0050` resigned on 2026-09-30 and is still registered.
    /// - `4000` 開発部 (00:00): `0056`-`0070`, MaLion on their PCs (user
    ///   name == code), except `0069` and `0070`, whose two PCs both log on
    ///   as `shared01`.
    pub fn demo() -> Self {
        let divisions = vec![
            SeedDivision {
                code: "1000".into(),
                name: "本社".into(),
                day_border: NaiveTime::MIN,
            },
            SeedDivision {
                code: "2000".into(),
                name: "営業部".into(),
                day_border: NaiveTime::MIN,
            },
            SeedDivision {
                code: "4000".into(),
                name: "開発部".into(),
                day_border: NaiveTime::MIN,
            },
            SeedDivision {
                code: "3000".into(),
                name: "大阪工場".into(),
                day_border: NaiveTime::from_hms_opt(5, 0, 0).unwrap_or(NaiveTime::MIN),
            },
        ];
        let shared = "shared01".to_owned();
        let employees = (1..=70u32)
            .map(|n| {
                let code = format!("{n:04}");
                let (last, last_kana) = LAST[(n as usize * 7) % LAST.len()];
                let (first, first_kana) = FIRST[(n as usize * 5) % FIRST.len()];
                let division = match n {
                    1..=20 => "1000",
                    21..=35 => "2000",
                    36..=55 => "3000",
                    _ => "4000",
                };
                let pc = match n {
                    56..=68 => Some((code.clone(), format!("PC-{code}"))),
                    69 | 70 => Some((shared.clone(), format!("PC-{code}"))),
                    _ => None,
                };
                SeedEmployee {
                    key: key_for(&code),
                    last_name: last.into(),
                    first_name: first.into(),
                    last_name_phonetics: last_kana.into(),
                    first_name_phonetics: first_kana.into(),
                    division_code: division.into(),
                    type_code: if n % 9 == 0 { "2" } else { "1" }.into(),
                    hired_date: date(2010 + (n % 15) as i32, 4, 1),
                    birth_date: date(1970 + (n % 30) as i32, 1 + n % 12, 1 + n % 28),
                    resignation_date: (code == RESIGNED_CODE).then(|| date(2026, 9, 30)),
                    email: (n % 10 != 0).then(|| format!("e{code}@sample-shoji.example")),
                    senselink: n <= 20 || (36..=55).contains(&n),
                    cyzen: (21..=35).contains(&n),
                    pc_account: pc.as_ref().map(|(account, _)| account.clone()),
                    pc_name: pc.map(|(_, name)| name),
                    wowtalk_id: matches!(n, 1..=10 | 21..=30).then(|| format!("wt{code}")),
                    code,
                }
            })
            .collect();
        Self {
            name: "株式会社サンプル商事".into(),
            divisions,
            employees,
            outsiders: Outsiders {
                senselink_job_number: "9001".into(),
                senselink_unpadded_job_number: "1".into(),
                cyzen_user_code: "9002".into(),
                pc_account: "guest".into(),
                wowtalk_id: "wt-guest".into(),
            },
            shared_pc_account: shared,
        }
    }

    /// A company of `n` employees for load tests (the benchmark, the call
    /// budget): all in one division, `2000` 営業部 (day border 00:00), each
    /// a cyzen user and nothing else (set the public fields for more).
    ///
    /// Codes have six digits and skip the multiples of 5 (`000001` ..
    /// `000004`, `000006`, ...): the cyzen fake makes a user whose number
    /// is a multiple of 5 press 出勤 twice, so here every employee yields
    /// exactly four synced presses a day (出勤, 休憩開始, 休憩終了, 退勤).
    /// Nobody has resigned. Building 10,000 employees takes milliseconds.
    pub fn generated(n: usize) -> Self {
        let division = SeedDivision {
            code: "2000".into(),
            name: "営業部".into(),
            day_border: NaiveTime::MIN,
        };
        let employees = (1u32..)
            .filter(|m| !m.is_multiple_of(5))
            .take(n)
            .map(|m| {
                let code = format!("{m:06}");
                let i = m as usize;
                let (last, last_kana) = LAST[(i * 7) % LAST.len()];
                let (first, first_kana) = FIRST[(i * 5) % FIRST.len()];
                SeedEmployee {
                    key: key_for(&code),
                    last_name: last.into(),
                    first_name: first.into(),
                    last_name_phonetics: last_kana.into(),
                    first_name_phonetics: first_kana.into(),
                    division_code: division.code.clone(),
                    type_code: "1".into(),
                    hired_date: date(2010 + (m % 15) as i32, 4, 1),
                    birth_date: date(1970 + (m % 30) as i32, 1 + m % 12, 1 + m % 28),
                    resignation_date: None,
                    email: Some(format!("e{code}@sample-shoji.example")),
                    senselink: false,
                    cyzen: true,
                    pc_account: None,
                    pc_name: None,
                    wowtalk_id: None,
                    code,
                }
            })
            .collect();
        Self {
            name: format!("株式会社ロードテスト ({n} 名)"),
            divisions: vec![division],
            employees,
            outsiders: Outsiders {
                senselink_job_number: "9000001".into(),
                senselink_unpadded_job_number: "1".into(),
                cyzen_user_code: "9000002".into(),
                pc_account: "guest".into(),
                wowtalk_id: "wt-guest".into(),
            },
            shared_pc_account: "shared01".into(),
        }
    }

    /// The employee with `code`.
    pub fn employee(&self, code: &str) -> Option<&SeedEmployee> {
        self.employees.iter().find(|e| e.code == code)
    }

    /// The division with `code`.
    pub fn division(&self, code: &str) -> Option<&SeedDivision> {
        self.divisions.iter().find(|d| d.code == code)
    }
}

impl Default for Company {
    fn default() -> Self {
        Self::demo()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn the_demo_company_has_what_the_tests_need() {
        let c = Company::demo();
        assert!(c.employees.len() >= 50);
        let codes: HashSet<_> = c.employees.iter().map(|e| e.code.as_str()).collect();
        let keys: HashSet<_> = c.employees.iter().map(|e| e.key.as_str()).collect();
        assert_eq!(codes.len(), c.employees.len());
        assert_eq!(keys.len(), c.employees.len());
        assert!(c.employees.iter().all(|e| e.key.len() == 64));
        assert!(codes.contains("0001"));
        let resigned: Vec<_> = c
            .employees
            .iter()
            .filter(|e| e.resignation_date.is_some())
            .collect();
        assert_eq!(resigned.len(), 1);
        assert_eq!(resigned[0].code, RESIGNED_CODE);
        assert!(!resigned[0].is_active_on(date(2026, 10, 1)));
        assert!(resigned[0].is_active_on(date(2026, 9, 30)));
        let shared: Vec<_> = c
            .employees
            .iter()
            .filter(|e| e.pc_account.as_deref() == Some(c.shared_pc_account.as_str()))
            .map(|e| e.code.as_str())
            .collect();
        assert_eq!(shared, SHARED_PC_CODES);
        assert!(!codes.contains(c.outsiders.senselink_job_number.as_str()));
        assert!(!codes.contains(c.outsiders.senselink_unpadded_job_number.as_str()));
        assert!(!codes.contains(c.outsiders.cyzen_user_code.as_str()));
        assert_eq!(
            c.division("3000")
                .map(|d| d.day_border.to_string())
                .as_deref(),
            Some("05:00:00")
        );
    }

    #[test]
    fn a_generated_company_has_unique_codes_and_no_repeater() {
        let c = Company::generated(1000);
        assert_eq!(c.employees.len(), 1000);
        let codes: HashSet<_> = c.employees.iter().map(|e| e.code.as_str()).collect();
        let keys: HashSet<_> = c.employees.iter().map(|e| e.key.as_str()).collect();
        assert_eq!((codes.len(), keys.len()), (1000, 1000));
        assert_eq!(c.employees[0].code, "000001");
        assert_eq!(c.employees[4].code, "000006");
        assert!(c.employees.iter().all(|e| {
            e.code.parse::<u32>().is_ok_and(|n| n % 5 != 0)
                && e.cyzen
                && !e.senselink
                && c.division(&e.division_code).is_some()
        }));
        assert!(!codes.contains(c.outsiders.cyzen_user_code.as_str()));
        assert!(!codes.contains(c.outsiders.senselink_job_number.as_str()));
    }

    #[test]
    fn keys_do_not_change_between_runs() {
        assert_eq!(key_for("0001"), Company::demo().employees[0].key);
        assert_ne!(key_for("0001"), key_for("0002"));
    }
}
