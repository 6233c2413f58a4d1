//! KOT decoders: the models (employees, daily workings, time records, punch
//! responses) straight from JSON, with a serialize/deserialize round trip,
//! and the client's real answer path (status handling, both error envelope
//! shapes including the flat `{"code":"303",...}`) through the loopback
//! server.
#![no_main]

use std::sync::{Arc, OnceLock};

use chrono::NaiveDate;
use kot_api::models::{DailyTimeRecordsOfDay, DailyWorkingsOfDay, Employee, PunchResponse};
use kot_api::{Client, DateRange, ManualClock, RetryPolicy};
use kot_connect_fuzz::{Loopback, noon, render_error, round_trip, runtime, status_and_body};
use libfuzzer_sys::fuzz_target;

fn client() -> &'static Client {
    static CLIENT: OnceLock<Client> = OnceLock::new();
    CLIENT.get_or_init(|| {
        Client::builder("fuzz-token")
            .base_url(Loopback::get().base_url())
            .clock(Arc::new(ManualClock::new(noon())))
            .retry_policy(RetryPolicy::never())
            .build()
            .expect("client")
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let (status, body) = status_and_body(rest);
    match selector % 8 {
        0 => round_trip::<Employee>(body),
        1 => round_trip::<Vec<DailyWorkingsOfDay>>(body),
        2 => round_trip::<Vec<DailyTimeRecordsOfDay>>(body),
        3 => round_trip::<PunchResponse>(body),
        _ => {
            let server = Loopback::get();
            server.answer(status, body);
            let client = client();
            let day = NaiveDate::from_ymd_opt(2026, 4, 1).expect("date");
            let outcome = runtime().block_on(async {
                match selector % 8 {
                    4 => client.employees().list().send().await.map(|v| v.len()),
                    5 => client
                        .daily_workings()
                        .list(DateRange::day(day))
                        .send()
                        .await
                        .map(|v| v.len()),
                    6 => client
                        .time_records()
                        .list(DateRange::day(day))
                        .send()
                        .await
                        .map(|v| v.len()),
                    _ => client
                        .employees()
                        .get(&"0001".into())
                        .send()
                        .await
                        .map(|_| 1),
                }
            });
            match outcome {
                Ok(_) => assert_eq!(status, 200, "a failing status decoded as success"),
                Err(e) => {
                    // Predicates and rendering must hold on any answer.
                    let _ = (e.is_rate_limited(), e.is_time_band(), e.status());
                    let _ = render_error(&e);
                }
            }
        }
    }
});
