//! Every endpoint against a mock cyzen: the request it sends (path,
//! `company_id` placement, token, parameters) and the answer it decodes.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use chrono::{TimeZone, Utc};
use common::{COMPANY, TOKEN, bearer, client, fixture, fixture_text, form, param, query, server};
use cyzen_api::models::{AccountStatus, StatusKind, StatusKindRule};
use cyzen_api::{Client, SecretString, TimeRange};
use wiremock::matchers::{body_string, header, method, path, query_param};
use wiremock::{Mock, ResponseTemplate};

fn json(name: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(fixture(name))
}

#[tokio::test]
async fn users_send_company_id_field_all_and_the_lowercase_bearer_token() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/users"))
        .and(query_param("company_id", COMPANY))
        .and(query_param("field", "all"))
        .and(header("authorization", bearer().as_str()))
        .respond_with(json("synthetic_users.json"))
        .expect(1)
        .mount(&server)
        .await;
    let page = client(&server).users().list().send().await.unwrap();
    assert_eq!(page.items.len(), 2);
    let yamada = &page.items[0];
    assert_eq!(yamada.user_code.as_ref().unwrap().as_str(), "00-0001");
    assert_eq!(yamada.user_name.as_deref(), Some("山田 太郎"));
    assert_eq!(yamada.account_status, Some(AccountStatus::Active));
    assert!(yamada.is_active());
    assert_eq!(yamada.groups[0].group_name.as_deref(), Some("関東エリア"));
    assert_eq!(yamada.groups[0].is_group_owner, Some(false));
    assert_eq!(
        yamada.user_tags[0].user_tag_name.as_deref(),
        Some("クローザー")
    );
    assert_eq!(
        yamada.created_at,
        Some(Utc.with_ymd_and_hms(2026, 8, 1, 0, 0, 0).unwrap())
    );
    let ichiko = &page.items[1];
    assert_eq!(ichiko.account_status, Some(AccountStatus::Suspended));
    assert!(!ichiko.is_active());
    assert!(ichiko.groups.is_empty());
    assert_eq!(
        page.next.as_ref().unwrap().get("next_user_id"),
        Some("6a0c1e2d3a4b5c6d7e8f901a2b3c4d5f")
    );
    // company_id is the first query parameter of a GET, and there is no body.
    let received = &server.received_requests().await.unwrap()[0];
    assert_eq!(query(received)[0], ("company_id".into(), COMPANY.into()));
    assert!(received.body.is_empty());
}

#[tokio::test]
async fn users_without_field_all_and_for_one_user_id() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/users"))
        .respond_with(ResponseTemplate::new(200).set_body_string(r#"{"users":[]}"#))
        .expect(1)
        .mount(&server)
        .await;
    let page = client(&server)
        .users()
        .list()
        .all_fields(false)
        .user_id("u-42")
        .send()
        .await
        .unwrap();
    assert!(page.items.is_empty() && page.is_last());
    let received = &server.received_requests().await.unwrap()[0];
    assert_eq!(
        query(received),
        vec![
            ("company_id".to_owned(), COMPANY.to_owned()),
            ("user_id".to_owned(), "u-42".to_owned()),
        ]
    );
}

#[tokio::test]
async fn groups_list_one_group_and_the_connection_check() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/groups"))
        .and(query_param("company_id", COMPANY))
        .respond_with(json("synthetic_groups.json"))
        .expect(2)
        .mount(&server)
        .await;
    let c = client(&server);
    let groups = c.groups().list().group_id("a1b2").all().await.unwrap();
    assert_eq!(groups.len(), 1);
    assert_eq!(groups[0].group_code.as_deref(), Some("G001"));
    assert_eq!(groups[0].group_name.as_deref(), Some("関東エリア"));
    c.check().await.unwrap();
    let received = server.received_requests().await.unwrap();
    assert_eq!(param(&received[0], "group_id").as_deref(), Some("a1b2"));
    assert_eq!(param(&received[1], "group_id"), None);
}

#[tokio::test]
async fn statuses_get_their_kind_and_keep_unknown_fields() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/statuses"))
        .and(query_param("company_id", COMPANY))
        .respond_with(json("synthetic_statuses.json"))
        .expect(1)
        .mount(&server)
        .await;
    let statuses = client(&server).statuses().list().all().await.unwrap();
    let kinds: Vec<_> = statuses
        .iter()
        .map(|s| (s.status_name.clone().unwrap(), s.kind.clone()))
        .collect();
    assert_eq!(
        kinds,
        vec![
            ("出勤".to_owned(), Some(StatusKind::WorkStart)),
            ("退勤".to_owned(), Some(StatusKind::WorkEnd)),
            ("休憩開始".to_owned(), Some(StatusKind::Working)),
            ("休憩終了".to_owned(), Some(StatusKind::Working)),
            ("作業開始".to_owned(), Some(StatusKind::Working)),
        ]
    );
    let task = &statuses[4];
    assert_eq!(task.extra["route_record"], "start_or_continue");
    assert_eq!(task.extra["status_type"], "勤務中");
    assert_eq!(task.updated_at, None);
}

#[tokio::test]
async fn a_configured_kind_rule_reads_another_field() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/statuses"))
        .respond_with(ResponseTemplate::new(200).set_body_string(
            r#"{"statuses":[{"status_id":"a","status_name":"出勤","kind":1},{"status_id":"b","status_name":"移動","kind":7}]}"#,
        ))
        .expect(1)
        .mount(&server)
        .await;
    let c = Client::builder(COMPANY, SecretString::from(TOKEN))
        .base_url(server.uri())
        .status_kind_rule(StatusKindRule::field("kind").value("1", StatusKind::WorkStart))
        .build()
        .unwrap();
    let statuses = c.statuses().list().all().await.unwrap();
    assert_eq!(statuses[0].kind, Some(StatusKind::WorkStart));
    assert_eq!(statuses[1].kind, Some(StatusKind::Unknown("7".into())));
}

#[tokio::test]
async fn histories_send_the_window_in_utc_and_decode_both_time_spellings() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/histories"))
        .and(query_param("company_id", COMPANY))
        .and(query_param("from_date", "2026-06-01T15:00:00"))
        .and(query_param("to_date", "2026-06-03T14:59:59"))
        .respond_with(
            ResponseTemplate::new(200).set_body_string(
                fixture_text("synthetic_histories.json")
                    .replace(r#""next_history_id": "h-0002""#, r#""next_history_id": """#),
            ),
        )
        .expect(1)
        .mount(&server)
        .await;
    let d = |day| chrono::NaiveDate::from_ymd_opt(2026, 6, day).unwrap();
    let range = TimeRange::jst_days(d(2), d(3)).unwrap();
    let histories = client(&server).histories().list(range).all().await.unwrap();
    assert_eq!(histories.len(), 2);
    let first = &histories[0];
    assert_eq!(first.history_id.as_str(), "h-0001");
    assert_eq!(
        first.pressed_at,
        Utc.with_ymd_and_hms(2026, 6, 2, 22, 51, 0).unwrap()
    );
    assert_eq!(first.address.as_deref(), Some("東京都調布市"));
    let location = first.location().unwrap();
    assert_eq!((location.latitude, location.longitude), (35.65, 139.54));
    assert_eq!(location.accuracy, Some(20.0));
    assert_eq!(first.comment, None);
    let second = &histories[1];
    // `created_at` is accepted where `create_at` is missing; string coordinates too.
    assert_eq!(
        second.pressed_at,
        Utc.with_ymd_and_hms(2026, 6, 3, 10, 16, 0).unwrap()
    );
    assert_eq!(second.latitude, Some(35.6825));
    assert_eq!(second.accuracy, None);
    assert_eq!(second.comment.as_deref(), Some("直帰します"));
}

#[tokio::test]
async fn members_statuses_decode_latest_press_and_tracking() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/members_statuses"))
        .and(query_param("company_id", COMPANY))
        .respond_with(json("synthetic_members_statuses.json"))
        .expect(1)
        .mount(&server)
        .await;
    let members = client(&server)
        .members_statuses()
        .list()
        .all()
        .await
        .unwrap();
    assert_eq!(members.len(), 2);
    let history = members[0].history.as_ref().unwrap();
    assert_eq!(history.address.as_deref(), Some("東京都世田谷区弦巻"));
    assert_eq!(history.accuracy, Some(10.0));
    assert_eq!(
        history.pressed_at,
        Some(Utc.with_ymd_and_hms(2026, 6, 3, 3, 34, 0).unwrap())
    );
    let tracking = members[0].tracking.as_ref().unwrap();
    assert_eq!(tracking.latitude, Some(35.61));
    assert!(members[1].history.is_none() && members[1].tracking.is_none());
}

#[tokio::test]
async fn post_and_put_carry_company_id_in_the_form_body_not_the_query() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path("/spots"))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .and(header("authorization", bearer().as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_string(r#"{"spot_id":"sp-1"}"#))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path("/spots"))
        .and(body_string(format!(
            "company_id={COMPANY}&spot_id=sp-1&spot_name=%E6%9C%AC%E7%A4%BE"
        )))
        .respond_with(
            ResponseTemplate::new(200).set_body_string(r#"{"spot_id":"sp-1","modified":1}"#),
        )
        .expect(1)
        .mount(&server)
        .await;
    let c = client(&server);
    let created = c
        .raw()
        .post_form("spots", &[("spot_name", "本社"), ("lat", "35.68")])
        .await
        .unwrap();
    assert_eq!(created["spot_id"], "sp-1");
    let updated = c
        .raw()
        .put_form("/spots", &[("spot_id", "sp-1"), ("spot_name", "本社")])
        .await
        .unwrap();
    assert_eq!(updated["modified"], 1);

    let received = server.received_requests().await.unwrap();
    for request in &received {
        assert_eq!(query(request), vec![], "{} has a query", request.method);
        assert_eq!(
            form(request)[0],
            ("company_id".to_owned(), COMPANY.to_owned())
        );
    }
    assert_eq!(
        form(&received[0]),
        vec![
            ("company_id".to_owned(), COMPANY.to_owned()),
            ("spot_name".to_owned(), "本社".to_owned()),
            ("lat".to_owned(), "35.68".to_owned()),
        ]
    );
}

#[tokio::test]
async fn a_raw_get_carries_company_id_in_the_query() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/report_definitions"))
        .and(query_param("company_id", COMPANY))
        .and(query_param("next_report_definition_id", "rd-9"))
        .respond_with(ResponseTemplate::new(200).set_body_string(r#"{"report_definitions":[]}"#))
        .expect(1)
        .mount(&server)
        .await;
    let answer = client(&server)
        .raw()
        .get(
            "report_definitions",
            &[("next_report_definition_id", "rd-9")],
        )
        .await
        .unwrap();
    assert!(answer["report_definitions"].as_array().unwrap().is_empty());
    let err = client(&server)
        .raw()
        .get("spots", &[("company_id", "other")])
        .await
        .unwrap_err();
    assert!(err.is_config());
}
