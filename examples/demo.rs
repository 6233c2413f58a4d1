//! A tour of `kot-api` against an in-process fake KOT on loopback: no account,
//! no network. The fake keeps the punches it is sent, so what is registered
//! can be read back.
//!
//! ```text
//! cargo run --example demo
//! ```
//!
//! The clock is injected (fixed at 2026-11-21 12:00 JST, then moved into the
//! 08:30-10:00 band), so the run is the same at any hour of the day.
//! The full multi-service sandbox replaces this fake in a later release.
#![allow(clippy::print_stdout, clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use kot_api::models::{EmployeeKey, PunchCode, PunchRequest};
use kot_api::{Client, DateRange, ManualClock, time_band};
use serde_json::{Value, json};
use wiremock::matchers::{method, path, path_regex};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const TOKEN: &str = "demo-token-not-a-real-secret";

/// The fake company: code (with leading zeros), key, 姓, 名.
const EMPLOYEES: [(&str, &str, &str, &str); 4] = [
    (
        "0001",
        "1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f801",
        "勤怠",
        "太郎",
    ),
    (
        "0002",
        "2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f80912",
        "打刻",
        "花子",
    ),
    (
        "0003",
        "3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a23",
        "出勤",
        "次郎",
    ),
    (
        "0010",
        "4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b34",
        "休憩",
        "三郎",
    ),
];

/// Punches stored by the fake: (date, employee key) -> time records.
type Store = Arc<Mutex<BTreeMap<(String, String), Vec<Value>>>>;

struct RegisterPunch(Store);

impl Respond for RegisterPunch {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let key = request
            .url
            .path()
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .to_owned();
        let Ok(body) = serde_json::from_slice::<Value>(&request.body) else {
            return ResponseTemplate::new(400)
                .set_body_json(json!({"errors": [{"message": "bad body", "code": 2}]}));
        };
        let date = body["date"].as_str().unwrap_or_default().to_owned();
        let code = body["code"].as_str().unwrap_or("1").to_owned();
        let name = PunchCode::from(code.as_str())
            .label_ja()
            .unwrap_or("?")
            .to_owned();
        let record = json!({"time": body["time"], "code": code, "name": name,
                            "divisionCode": "1000", "divisionName": "本社"});
        // Like KOT, a repeat is accepted: duplicates are the caller's problem.
        self.0
            .lock()
            .unwrap()
            .entry((date.clone(), key.clone()))
            .or_default()
            .push(record.clone());
        ResponseTemplate::new(201)
            .set_body_json(json!({"date": date, "employeeKey": key, "timeRecord": record}))
    }
}

struct ReadTimeRecords(Store);

impl Respond for ReadTimeRecords {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let param = |name: &str| {
            request
                .url
                .query_pairs()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.into_owned())
        };
        let (Some(start), Some(end)) = (param("start"), param("end")) else {
            return ResponseTemplate::new(400);
        };
        let store = self.0.lock().unwrap();
        let mut days: BTreeMap<String, Vec<Value>> = BTreeMap::new();
        for ((date, key), records) in store.iter() {
            if *date >= start && *date <= end {
                days.entry(date.clone())
                    .or_default()
                    .push(json!({"date": date, "employeeKey": key, "timeRecord": records}));
            }
        }
        let body: Vec<Value> = days
            .into_iter()
            .map(|(date, workings)| json!({"date": date, "dailyWorkings": workings}))
            .collect();
        ResponseTemplate::new(200).set_body_json(body)
    }
}

async fn fake_kot(store: Store) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/tokens/{TOKEN}/available")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"available": true})))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/divisions"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!([{"code": "1000", "name": "本社", "dayBorderTime": "05:00"}])),
        )
        .mount(&server)
        .await;
    let employees: Vec<Value> = EMPLOYEES
        .iter()
        .map(|(code, key, last, first)| {
            json!({"code": code, "key": key, "lastName": last, "firstName": first,
                   "divisionCode": "1000", "divisionName": "本社", "typeCode": "1", "typeName": "正社員"})
        })
        .collect();
    Mock::given(method("GET"))
        .and(path("/employees"))
        .respond_with(ResponseTemplate::new(200).set_body_json(employees))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path_regex(r"^/daily-workings/timerecord/[0-9a-f]+$"))
        .respond_with(RegisterPunch(store.clone()))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/daily-workings/timerecord"))
        .respond_with(ReadTimeRecords(store))
        .mount(&server)
        .await;
    server
}

fn jst(day: u32, h: u32, m: u32) -> DateTime<chrono::FixedOffset> {
    time_band::jst()
        .with_ymd_and_hms(2026, 11, day, h, m, 0)
        .unwrap()
}

#[tokio::main]
async fn main() -> Result<(), kot_api::Error> {
    let store = Store::default();
    let server = fake_kot(store.clone()).await;
    let clock = ManualClock::new(jst(21, 12, 0).with_timezone(&Utc));
    let kot = Client::builder(TOKEN)
        .base_url(server.uri())
        .clock(Arc::new(clock.clone()))
        .build()?;

    println!(
        "KING OF TIME client demo (in-process fake KOT at {})\n",
        server.uri()
    );
    println!("token available: {}", kot.tokens().available().await?);
    for d in kot.divisions().list().await? {
        println!(
            "division {} {} (day border {})",
            d.code,
            d.name.unwrap_or_default(),
            d.day_border_time.unwrap_or_default()
        );
    }

    let employees = kot.employees().list().send().await?;
    println!("\n{:<6} {:<10} name (姓 名)", "code", "key");
    for e in &employees {
        println!(
            "{:<6} {:<10} {}\u{3000}{}",
            e.code,
            &e.key.as_str()[..8],
            e.last_name.as_deref().unwrap_or(""),
            e.first_name.as_deref().unwrap_or("")
        );
    }

    let date = NaiveDate::from_ymd_opt(2026, 11, 21).unwrap();
    println!("\nregistering 出勤 09:00 and 退勤 18:00 for each employee...");
    for e in &employees {
        for (at, code) in [
            (jst(21, 9, 0), PunchCode::ClockIn),
            (jst(21, 18, 0), PunchCode::ClockOut),
        ] {
            kot.time_records()
                .register(&e.key, &PunchRequest::new(date, at, code))
                .await?;
        }
    }

    let days = kot.time_records().list(DateRange::day(date)).send().await?;
    println!("\n{:<10} {:<6} punches", "date", "code");
    let code_of = |key: &EmployeeKey| {
        employees
            .iter()
            .find(|e| &e.key == key)
            .map(|e| e.code.to_string())
            .unwrap_or_default()
    };
    for day in &days {
        for w in &day.daily_workings {
            let punches: Vec<String> = w
                .time_record
                .iter()
                .map(|r| {
                    let label = r.code.as_ref().and_then(PunchCode::label_ja).unwrap_or("?");
                    format!("{label} {}", r.time.format("%H:%M"))
                })
                .collect();
            println!(
                "{:<10} {:<6} {}",
                day.date,
                code_of(&w.employee_key),
                punches.join(", ")
            );
        }
    }

    println!("\nmoving the clock to 09:15 JST, inside KOT's 08:30-10:00 band:");
    clock.set(jst(21, 9, 15).with_timezone(&Utc));
    match kot.time_records().list(DateRange::day(date)).send().await {
        Err(e) if e.is_time_band() => println!("  read refused locally: {e}"),
        other => println!("  unexpected: {other:?}"),
    }
    let first = &employees[0];
    let late = kot
        .time_records()
        .register(
            &first.key,
            &PunchRequest::new(date, jst(21, 9, 15), PunchCode::BreakStart),
        )
        .await?;
    println!(
        "  punch registration is exempt: {} {} accepted",
        first.code,
        late.time_record
            .code
            .as_ref()
            .and_then(PunchCode::label_ja)
            .unwrap_or("?")
    );

    clock.set(jst(21, 12, 0).with_timezone(&Utc));
    let before = server.received_requests().await.map_or(0, |r| r.len());
    let range = DateRange::new(date - chrono::Days::new(89), date)?;
    let days = kot.time_records().list(range).send().await?;
    let after = server.received_requests().await.map_or(0, |r| r.len());
    println!(
        "\na {}-day read took {} requests (KOT allows at most 62 days each); {} day(s) with punches",
        range.days(),
        after - before,
        days.len()
    );
    let total: usize = store.lock().unwrap().values().map(Vec::len).sum();
    println!("\nthe fake KOT now holds {total} punches.");
    Ok(())
}
