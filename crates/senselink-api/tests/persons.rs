//! Persons (登録者): create (multipart, URL-encoded, v2 with a photo),
//! update, delete and list, on the default and on configured paths. All
//! response bodies are synthetic: the manual documents no person response.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use chrono::NaiveDate;
use senselink_api::models::{
    Avatar, Gender, GroupId, GroupsEncoding, JobNumber, NewPerson, PersonId, PersonUpdate,
    UserType, full_name,
};
use senselink_api::{FormEncoding, Paths};
use serde_json::json;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, Request, ResponseTemplate};

fn kot_employee() -> NewPerson {
    NewPerson::new(full_name("山田", "太郎"))
        .job_number("0012")
        .birthday(NaiveDate::from_ymd_opt(1990, 4, 1).unwrap())
        .entry_time(NaiveDate::from_ymd_opt(2020, 4, 1).unwrap())
        .mail("yamada@example.com")
        .groups([GroupId(12), GroupId(13)])
        .ic_number("IC-1")
        .mobile("090-0000-0000")
        .gender(Gender::Male)
}

fn content_type(r: &Request) -> String {
    r.headers["content-type"].to_str().unwrap().to_owned()
}

fn body(r: &Request) -> String {
    String::from_utf8(r.body.clone()).unwrap()
}

/// The text value of multipart field `name` (asserts there is exactly one).
fn part(r: &Request, name: &str) -> String {
    let body = body(r);
    let marker = format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n");
    let found: Vec<_> = body.match_indices(&marker).collect();
    assert_eq!(found.len(), 1, "field {name} in {body}");
    let start = found[0].0 + marker.len();
    let end = body[start..].find("\r\n").unwrap();
    body[start..start + end].to_owned()
}

#[tokio::test]
async fn create_sends_a_signed_multipart_form_and_returns_the_id() {
    let server = common::server().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/user"))
        .and(query_param("app_key", common::APP_KEY))
        .and(query_param("sign", common::EXPECTED_SIGN))
        .respond_with(common::ok(json!({"id": 123, "name": "山田\u{3000}太郎"})))
        .expect(1)
        .mount(&server)
        .await;
    let id = common::client(&server)
        .persons()
        .create(&kot_employee())
        .await
        .unwrap();
    assert_eq!(id, PersonId(123));

    let r = &common::received(&server).await[0];
    assert!(content_type(r).starts_with("multipart/form-data; boundary="));
    assert_eq!(part(r, "name"), "山田\u{3000}太郎");
    assert_eq!(part(r, "jobNumber"), "0012");
    assert_eq!(part(r, "birthday"), "1990-04-01");
    assert_eq!(part(r, "entryTime"), "2020-04-01");
    assert_eq!(part(r, "mail"), "yamada@example.com");
    assert_eq!(part(r, "groups"), "12,13");
    assert_eq!(part(r, "icNumber"), "IC-1");
    assert_eq!(part(r, "mobile"), "090-0000-0000");
    assert_eq!(part(r, "gender"), "2");
    assert!(!body(r).contains("avatarFile"));
}

#[tokio::test]
async fn create_can_send_a_url_encoded_form_with_repeated_groups() {
    let server = common::server().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/user"))
        .respond_with(common::ok(json!(124)))
        .expect(1)
        .mount(&server)
        .await;
    let client = common::builder(&server)
        .form_encoding(FormEncoding::UrlEncoded)
        .groups_encoding(GroupsEncoding::Repeated)
        .build()
        .unwrap();
    let person = NewPerson::new("A B")
        .job_number("7")
        .groups([GroupId(1), GroupId(2)]);
    assert_eq!(
        client.persons().create(&person).await.unwrap(),
        PersonId(124)
    );

    let r = &common::received(&server).await[0];
    assert_eq!(content_type(r), "application/x-www-form-urlencoded");
    assert_eq!(body(r), "name=A+B&jobNumber=7&groups=1&groups=2");
}

#[tokio::test]
async fn create_on_v2_sends_the_photo_as_a_file_part() {
    let server = common::server().await;
    Mock::given(method("POST"))
        .and(path("/api/v2/user"))
        .respond_with(common::ok(json!({"id": "125"})))
        .expect(1)
        .mount(&server)
        .await;
    let mut paths = Paths::default();
    paths.person_create = Paths::PERSON_CREATE_V2.to_owned();
    let client = common::builder(&server).paths(paths).build().unwrap();
    let person = NewPerson::new("A").avatar(Avatar {
        file_name: "face.jpg".into(),
        content_type: "image/jpeg".into(),
        bytes: b"\xff\xd8JPEGDATA".to_vec(),
    });
    assert_eq!(
        client.persons().create(&person).await.unwrap(),
        PersonId(125)
    );
    let r = &common::received(&server).await[0];
    let raw = String::from_utf8_lossy(&r.body).into_owned();
    assert!(raw.contains(
        "Content-Disposition: form-data; name=\"avatarFile\"; filename=\"face.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n"
    ));
    assert!(raw.contains("JPEGDATA"));
}

#[tokio::test]
async fn a_photo_cannot_go_in_a_url_encoded_form() {
    let server = common::server().await;
    let client = common::builder(&server)
        .form_encoding(FormEncoding::UrlEncoded)
        .build()
        .unwrap();
    let person = NewPerson::new("A").avatar(Avatar {
        file_name: "f.png".into(),
        content_type: "image/png".into(),
        bytes: vec![1],
    });
    let err = client.persons().create(&person).await.unwrap_err();
    assert!(err.is_config());
    assert!(common::received(&server).await.is_empty());
}

#[tokio::test]
async fn create_without_an_id_in_the_answer_is_a_decode_error() {
    let server = common::server().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/user"))
        .respond_with(common::ok(json!({"name": "A"})))
        .expect(1)
        .mount(&server)
        .await;
    let err = common::client(&server)
        .persons()
        .create(&NewPerson::new("A"))
        .await
        .unwrap_err();
    assert!(err.is_decode(), "{err:?}");
}

#[tokio::test]
async fn create_refused_by_senselink_is_an_api_error() {
    let server = common::server().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/user"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"code": 30001, "message": "Param Invalid", "data": null})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let err = common::client(&server)
        .persons()
        .create(&NewPerson::new(""))
        .await
        .unwrap_err();
    assert!(err.is_param_invalid());
}

#[tokio::test]
async fn update_posts_the_changed_fields_with_the_id() {
    let server = common::server().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/user/update/55"))
        .respond_with(common::ok(json!(null)))
        .expect(1)
        .mount(&server)
        .await;
    let client = common::client(&server);
    let update = PersonUpdate::new()
        .name(full_name("山田", "花子"))
        .mail("hanako@example.com");
    client
        .persons()
        .update(PersonId(55), &update)
        .await
        .unwrap();
    let r = &common::received(&server).await[0];
    assert_eq!(part(r, "id"), "55");
    assert_eq!(part(r, "name"), "山田\u{3000}花子");
    assert_eq!(part(r, "mail"), "hanako@example.com");
    assert!(!body(r).contains("jobNumber"));

    let err = client
        .persons()
        .update(PersonId(55), &PersonUpdate::new())
        .await
        .unwrap_err();
    assert!(err.is_config());
    assert_eq!(common::received(&server).await.len(), 1);
}

#[tokio::test]
async fn delete_uses_the_id_in_the_path_or_in_the_query() {
    let server = common::server().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/user/delete/55"))
        .respond_with(common::ok(json!(null)))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v3/user/delete"))
        .and(query_param("id", "56"))
        .respond_with(common::ok(json!(null)))
        .expect(1)
        .mount(&server)
        .await;
    common::client(&server)
        .persons()
        .delete(PersonId(55))
        .await
        .unwrap();
    let mut paths = Paths::default();
    paths.person_delete = "/api/v3/user/delete".into();
    common::builder(&server)
        .paths(paths)
        .build()
        .unwrap()
        .persons()
        .delete(PersonId(56))
        .await
        .unwrap();
}

#[tokio::test]
async fn list_reads_an_unpaged_answer_in_one_call() {
    let server = common::server().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/user/list"))
        .and(query_param("type", "1"))
        .and(query_param("page", "1"))
        .and(query_param("size", "100"))
        .respond_with(common::ok(json!([
            {"id": 1, "name": "山田\u{3000}太郎", "job_number": "0012", "birthday": "1990-04-01",
             "entry_time": "2020-04-01", "mail": "y@example.com", "type": 1, "gender": 2},
            {"id": 2, "name": "来客", "jobNumber": null, "type": 2}
        ])))
        .expect(1)
        .mount(&server)
        .await;
    let persons = common::client(&server)
        .persons()
        .list()
        .person_type(UserType::Employee)
        .all()
        .await
        .unwrap();
    assert_eq!(persons.len(), 2);
    let p = &persons[0];
    assert_eq!(p.job_number, Some(JobNumber::new("0012")));
    assert_eq!(p.birthday_date(), NaiveDate::from_ymd_opt(1990, 4, 1));
    assert_eq!(p.entry_date(), NaiveDate::from_ymd_opt(2020, 4, 1));
    assert_eq!(p.mail.as_deref(), Some("y@example.com"));
    assert_eq!(p.gender, Some(Gender::Male));
    assert_eq!(p.person_type, Some(UserType::Employee));
    assert_eq!(persons[1].job_number, None);
}

#[tokio::test]
async fn list_pages_through_a_paged_answer() {
    let server = common::server().await;
    for (page, ids) in [("1", vec![1, 2]), ("2", vec![3])] {
        let list: Vec<_> = ids
            .iter()
            .map(|id| json!({"id": id, "name": format!("P{id}")}))
            .collect();
        Mock::given(method("GET"))
            .and(path("/api/v1/user/list"))
            .and(query_param("page", page))
            .and(query_param("size", "2"))
            .respond_with(common::ok(json!({"total": 3, "list": list})))
            .expect(1)
            .mount(&server)
            .await;
    }
    let persons = common::client(&server)
        .persons()
        .list()
        .page_size(2)
        .all()
        .await
        .unwrap();
    let ids: Vec<i64> = persons.iter().map(|p| p.id.get()).collect();
    assert_eq!(ids, vec![1, 2, 3]);
}
