//! Groups (list, create, members) and devices (list). Bodies are synthetic,
//! shaped after the fields the reference lists.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use senselink_api::models::{DeviceId, Direction, GroupId, NewGroup, PersonId};
use serde_json::json;
use wiremock::Mock;
use wiremock::matchers::{method, path, query_param};

#[tokio::test]
async fn groups_list_one_page() {
    let server = common::server().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/group"))
        .and(query_param("page", "1"))
        .and(query_param("size", "100"))
        .respond_with(common::ok(json!({
            "list": [{"id": 13, "name": "本社", "type": 1, "remark": null},
                     {"groupId": 12, "name": "来客", "type": "2"}],
            "page_num": 1, "page_size": 100
        })))
        .expect(1)
        .mount(&server)
        .await;
    let page = common::client(&server)
        .groups()
        .list()
        .send()
        .await
        .unwrap();
    assert!(page.is_last());
    assert_eq!(page.items[0].id, GroupId(13));
    assert_eq!(page.items[0].name.as_deref(), Some("本社"));
    assert_eq!(page.items[0].group_type, Some(1));
    assert_eq!(page.items[1].id, GroupId(12));
    assert_eq!(page.items[1].group_type, Some(2));
}

#[tokio::test]
async fn groups_create_posts_a_form_and_returns_the_id() {
    let server = common::server().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/group"))
        .respond_with(common::ok(json!({"id": 14})))
        .expect(1)
        .mount(&server)
        .await;
    let id = common::client(&server)
        .groups()
        .create(&NewGroup::new("工場").group_type(1).remark("KOT"))
        .await
        .unwrap();
    assert_eq!(id, GroupId(14));
    let r = &common::received(&server).await[0];
    let body = String::from_utf8(r.body.clone()).unwrap();
    assert!(body.contains("name=\"name\"\r\n\r\n工場\r\n"), "{body}");
    assert!(body.contains("name=\"type\"\r\n\r\n1\r\n"));
    assert!(body.contains("name=\"remark\"\r\n\r\nKOT\r\n"));
}

#[tokio::test]
async fn group_members_are_person_ids() {
    let server = common::server().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/group/user"))
        .and(query_param("id", "12"))
        .respond_with(common::ok(json!([345, "346", {"id": 347}])))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/group/user"))
        .and(query_param("id", "13"))
        .respond_with(common::ok(json!({"list": [1, {"name": "no id"}]})))
        .expect(1)
        .mount(&server)
        .await;
    let client = common::client(&server);
    let members = client.groups().members(GroupId(12)).await.unwrap();
    assert_eq!(members, vec![PersonId(345), PersonId(346), PersonId(347)]);
    let err = client.groups().members(GroupId(13)).await.unwrap_err();
    assert!(err.is_decode());
    assert!(err.to_string().contains("data.list[1]"), "{err}");
}

#[tokio::test]
async fn devices_list_with_a_type_filter() {
    let server = common::server().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/device"))
        .and(query_param("typeId", "19"))
        .respond_with(common::ok(json!({"list": [{
            "id": 88, "name": "Entrance", "location": "1F", "description": null,
            "direction": 1, "ldid": "SPSE-00000000000000000000000000000001", "state": 1,
            "ip": "192.0.2.10", "type_id": 19, "type_name": "SenseThunder-Mini",
            "update_at": 1607397229000_i64, "create_at": 1607397229000_i64
        }]})))
        // The short first page is confirmed as the last by reading page 2,
        // which (this mock ignores `page`) brings nothing new, twice.
        .expect(3)
        .mount(&server)
        .await;
    let devices = common::client(&server)
        .devices()
        .list()
        .type_id(19)
        .all()
        .await
        .unwrap();
    let d = &devices[0];
    assert_eq!(d.id, DeviceId(88));
    assert_eq!(d.direction, Some(Direction::In));
    assert_eq!(
        d.ldid.as_deref(),
        Some("SPSE-00000000000000000000000000000001")
    );
    assert_eq!(d.type_id, Some(19));
    assert_eq!(d.type_name.as_deref(), Some("SenseThunder-Mini"));
    assert_eq!(d.create_at, Some(1_607_397_229_000));
}
