//! SenseLink decoders: records and persons straight from JSON (with a
//! serialize/deserialize round trip), and the client's real answer path
//! (the `{"code","message","data"}` envelope in its editions, the page
//! shapes under `data`) through the loopback server.
#![no_main]

use std::sync::{Arc, OnceLock};

use chrono::NaiveDate;
use kot_connect_fuzz::{Loopback, noon, render_error, round_trip, runtime, status_and_body};
use libfuzzer_sys::fuzz_target;
use senselink_api::models::{Person, Record};
use senselink_api::{Client, ManualClock, RetryPolicy};

fn client() -> &'static Client {
    static CLIENT: OnceLock<Client> = OnceLock::new();
    CLIENT.get_or_init(|| {
        Client::builder("fuzz-key", "fuzz-secret")
            .base_url(Loopback::get().base_url())
            .clock(Arc::new(ManualClock::new(noon())))
            .retry_policy(RetryPolicy::never())
            .max_pages(3)
            .build()
            .expect("client")
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let (status, body) = status_and_body(rest);
    match selector % 5 {
        0 => round_trip::<Record>(body),
        1 => round_trip::<Person>(body),
        _ => {
            Loopback::get().answer(status, body);
            let client = client();
            let day = NaiveDate::from_ymd_opt(2026, 4, 1).expect("date");
            let outcome = runtime().block_on(async {
                match selector % 5 {
                    2 => client
                        .records()
                        .on_dates(day, day)
                        .send()
                        .await
                        .map(|p| p.items.len()),
                    3 => client.persons().list().send().await.map(|p| p.items.len()),
                    // Every page: the same answer again and again must stop
                    // (repeated page or page limit), never loop.
                    _ => client
                        .records()
                        .on_dates(day, day)
                        .all()
                        .await
                        .map(|v| v.len()),
                }
            });
            match outcome {
                Ok(_) => assert_eq!(status, 200, "a failing status decoded as success"),
                Err(e) => {
                    let _ = (e.is_rate_limited(), e.is_decode(), e.status());
                    let _ = render_error(&e);
                }
            }
        }
    }
});
