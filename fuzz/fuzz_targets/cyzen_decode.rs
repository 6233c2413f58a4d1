//! cyzen decoders: histories and users straight from JSON (with a
//! serialize/deserialize round trip), and the client's real answer path
//! (pages with their `next_*` cursor, `{"errors":[...]}` in HTTP 200 too)
//! through the loopback server.
#![no_main]

use std::sync::OnceLock;

use chrono::NaiveDate;
use cyzen_api::models::{History, User};
use cyzen_api::{Client, RetryPolicy, TimeRange};
use kot_connect_fuzz::{Loopback, render_error, round_trip, runtime, status_and_body};
use libfuzzer_sys::fuzz_target;

fn client() -> &'static Client {
    static CLIENT: OnceLock<Client> = OnceLock::new();
    CLIENT.get_or_init(|| {
        Client::builder("fuzz-company", "fuzz-token")
            .base_url(Loopback::get().base_url())
            .retry_policy(RetryPolicy::never())
            .without_rate_limit()
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
        0 => round_trip::<History>(body),
        1 => round_trip::<User>(body),
        _ => {
            Loopback::get().answer(status, body);
            let client = client();
            let day = NaiveDate::from_ymd_opt(2026, 4, 1).expect("date");
            let range = TimeRange::jst_days(day, day).expect("one day");
            let outcome = runtime().block_on(async {
                match selector % 5 {
                    2 => client
                        .histories()
                        .page(range, None)
                        .await
                        .map(|p| p.items.len()),
                    3 => client.users().list().send().await.map(|p| p.items.len()),
                    // Every page: a cursor repeated by the same answer must
                    // stop paging, never loop.
                    _ => client.users().list().all().await.map(|v| v.len()),
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
