//! The date-time parsers: KOT's two datetime forms, cyzen's UTC times,
//! MaLion's log times, KOT months. Whatever they accept must survive their
//! own writer: formatting a parsed value and parsing it again gives the same
//! instant.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };

    if let Ok(at) = kot_api::models::parse_kot_datetime(text) {
        // The seconds form keeps the instant to the second.
        let written = kot_api::models::format_seconds(&at);
        let again = kot_api::models::parse_kot_datetime(&written).expect("KOT reads its own form");
        assert_eq!(again.timestamp(), at.timestamp(), "{text:?} -> {written:?}");
        // The minute form drops the seconds only.
        let minutes = kot_api::models::format_minutes(&at);
        let again =
            kot_api::models::parse_kot_datetime(&minutes).expect("KOT reads its minute form");
        assert_eq!(
            again.timestamp(),
            at.timestamp() - at.timestamp().rem_euclid(60),
            "{text:?} -> {minutes:?}"
        );
    }

    if let Ok(at) = cyzen_api::models::datetime::parse_utc(text) {
        let written = cyzen_api::models::datetime::format_utc(&at);
        let again =
            cyzen_api::models::datetime::parse_utc(&written).expect("cyzen reads its own form");
        assert_eq!(again.timestamp(), at.timestamp(), "{text:?} -> {written:?}");
    }

    if let Some(at) = malion_api::models::datetime::parse_datetime(text) {
        let written = malion_api::models::datetime::format_datetime(&at);
        let again = malion_api::models::datetime::parse_datetime(&written)
            .expect("MaLion reads its own form");
        assert_eq!(again.timestamp(), at.timestamp(), "{text:?} -> {written:?}");
    }

    if let Ok(month) = text.parse::<kot_api::models::YearMonth>() {
        let again: kot_api::models::YearMonth = month
            .to_string()
            .parse()
            .expect("a month reads its own form");
        assert_eq!(again, month);
    }

    // core's day border (KOT's dayBorderTime): every instant lies within
    // the work day it is assigned to.
    if let Ok(border) = text.parse::<kot_connect_core::time::DayBorder>() {
        for at in [
            kot_connect_fuzz::noon(),
            kot_connect_fuzz::noon() - chrono::TimeDelta::hours(11),
        ] {
            let day = border.work_date(&at);
            assert!(
                border.start_of(day) <= at,
                "{text:?}: {at} before its work day {day}"
            );
            let next = day.succ_opt().expect("a next day");
            assert!(
                at < border.start_of(next),
                "{text:?}: {at} after its work day {day}"
            );
        }
    }

    // SenseLink's sign_time (epoch seconds, as a number or a string): a
    // record that decodes writes back to the same record.
    for record in [
        format!(r#"{{"id":1,"sign_time":{text}}}"#),
        serde_json::json!({ "id": 1, "sign_time": text }).to_string(),
    ] {
        if let Ok(decoded) = serde_json::from_str::<senselink_api::models::Record>(&record) {
            let written = serde_json::to_string(&decoded).expect("a record serializes");
            let again: senselink_api::models::Record =
                serde_json::from_str(&written).expect("a written record decodes");
            assert_eq!(again, decoded, "{record} -> {written}");
        }
    }
});
