//! Paged listings over the wire: `first`/`after` and `pageInfo` as sent and
//! read, servers that ignore the page size or break the rules, and key lists
//! the server pages.

use serde_json::{Value, json};
use users_domain::{
    AccountType, Cursor, Error, KeyRepository as _, PageRequest, PageSize, UserAdmin,
    UserRepository as _,
};
use wiremock::matchers::body_partial_json;
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::mock::{
    ada, answer_operation, body_of, client, data, operation, received, user_json,
};

fn size(n: u64) -> PageSize {
    PageSize::new(n).unwrap()
}

/// A `users` connection answer: `nodes` with cursors `c0`, `c1`… and this page info.
fn page(nodes: Vec<Value>, info: &Value) -> ResponseTemplate {
    let edges: Vec<Value> = nodes
        .into_iter()
        .enumerate()
        .map(|(n, node)| json!({ "cursor": format!("c{n}"), "node": node }))
        .collect();
    data(json!({ "users": { "edges": edges, "pageInfo": info } }))
}

/// The first page of ten of every user, as `server` answers it.
async fn first_page(server: &MockServer) -> users_domain::UserPage {
    client(server)
        .list_users("", &PageRequest::first(size(10)))
        .await
        .unwrap()
}

fn people(count: usize) -> Vec<Value> {
    (1..=count)
        .map(|n| {
            user_json(
                &format!("VXNlcjo{n}"),
                &format!("u{n}"),
                &format!("u{n}@x.io"),
            )
        })
        .collect()
}

#[tokio::test]
async fn a_page_asks_for_its_size_and_cursor_and_reads_page_info() {
    let server = MockServer::start().await;
    answer_operation(
        &server,
        "ListUsers",
        page(people(2), &json!({ "startCursor": "c0", "endCursor": "c1", "hasNextPage": true, "hasPreviousPage": true }),
        ),
        1,
    )
    .await;
    let after = Cursor::parse("prev").unwrap();

    let listed = client(&server)
        .list_users(
            "x.io",
            &PageRequest::Forward {
                size: size(2),
                after: Some(after),
            },
        )
        .await
        .unwrap();

    let sent = body_of(&received(&server).await[0]);
    assert_eq!(sent["variables"]["first"], 2);
    assert_eq!(sent["variables"]["after"], "prev");
    assert_eq!(sent["variables"]["query"], "x.io");
    assert_eq!(listed.edges.len(), 2);
    assert_eq!(
        listed.edges[1].cursor.as_ref().map(Cursor::as_str),
        Some("c1")
    );
    assert_eq!(
        listed.page_info.end_cursor.as_ref().map(Cursor::as_str),
        Some("c1")
    );
    assert!(listed.page_info.has_next_page && listed.page_info.has_previous_page);
}

#[tokio::test]
async fn a_server_that_ignores_first_is_read_as_one_whole_page() {
    for info in [
        json!({ "hasNextPage": false, "hasPreviousPage": false }),
        Value::Null,
    ] {
        let server = MockServer::start().await;
        let answer = if info.is_null() {
            // No pageInfo at all, as a server that does not page answers.
            let edges: Vec<Value> = people(5)
                .into_iter()
                .map(|node| json!({ "node": node }))
                .collect();
            data(json!({ "users": { "edges": edges } }))
        } else {
            page(people(5), &info)
        };
        answer_operation(&server, "ListUsers", answer, 1).await;
        let admin = UserAdmin::new(client(&server));

        let mut walk = admin.walk_users("", size(2));
        let first = walk.next_page().await.unwrap().unwrap();

        assert_eq!(first.edges.len(), 5, "more than asked for, all kept");
        assert!(walk.next_page().await.is_none(), "and nothing follows");
    }
}

#[tokio::test]
async fn more_to_come_without_a_cursor_is_a_protocol_error() {
    let server = MockServer::start().await;
    answer_operation(
        &server,
        "ListUsers",
        page(
            people(1),
            &json!({ "hasNextPage": true, "hasPreviousPage": false }),
        ),
        1,
    )
    .await;

    let error = client(&server)
        .list_users("", &PageRequest::first(size(1)))
        .await
        .unwrap_err();

    assert!(matches!(error, Error::Protocol { .. }), "{error}");
    assert!(error.to_string().contains("no cursor"), "{error}");
}

#[tokio::test]
async fn a_server_repeating_its_cursor_ends_the_walk_with_protocol() {
    let server = MockServer::start().await;
    // Every page ends at the same cursor and says more follows.
    answer_operation(
        &server,
        "ListUsers",
        page(
            people(1),
            &json!({ "endCursor": "same", "hasNextPage": true, "hasPreviousPage": false }),
        ),
        2,
    )
    .await;
    let admin = UserAdmin::new(client(&server));
    let mut walk = admin.walk_users("", size(1));

    assert!(walk.next_page().await.unwrap().is_ok());
    let error = walk.next_page().await.unwrap().unwrap_err();

    assert!(matches!(error, Error::Protocol { .. }), "{error}");
    assert!(walk.next_page().await.is_none());
}

#[tokio::test]
async fn an_unreadable_user_is_reported_in_its_page_not_dropped() {
    let server = MockServer::start().await;
    let mut odd = user_json("VXNlcjo5", "odd", "odd@x.io");
    odd["email"] = json!("not an email s3cr3t-ish");
    answer_operation(
        &server,
        "ListUsers",
        page(
            vec![ada(), odd],
            &json!({ "endCursor": "c1", "hasNextPage": false }),
        ),
        1,
    )
    .await;

    let listed = first_page(&server).await;

    assert_eq!(listed.edges.len(), 1);
    assert_eq!(listed.unreadable.len(), 1);
    let unreadable = &listed.unreadable[0];
    assert_eq!(unreadable.id.as_deref(), Some("VXNlcjo5"));
    assert!(
        unreadable.reason.contains("edges[1].node.email"),
        "{}",
        unreadable.reason
    );
    assert!(
        !unreadable.reason.contains("s3cr3t"),
        "{}",
        unreadable.reason
    );
}

#[tokio::test]
async fn a_refused_cursor_is_cursor_rejected() {
    let server = MockServer::start().await;
    let refusal = ResponseTemplate::new(200).set_body_json(json!({
        "data": { "users": null },
        "errors": [{ "message": "invalid cursor", "extensions": { "code": "INVALID_INPUT" } }],
    }));
    answer_operation(&server, "ListUsers", refusal, 1).await;

    let error = client(&server)
        .list_users(
            "",
            &PageRequest::Forward {
                size: size(1),
                after: Some(Cursor::parse("old").unwrap()),
            },
        )
        .await
        .unwrap_err();

    assert!(matches!(error, Error::CursorRejected { .. }), "{error}");
}

/// A server whose one listed user, ada, has more keys after `after`.
async fn listing_ada_with_more_keys_after(after: &str) -> MockServer {
    let server = MockServer::start().await;
    let mut user = ada();
    user["apiKeys"]["pageInfo"] = json!({ "endCursor": after, "hasNextPage": true });
    answer_operation(
        &server,
        "ListUsers",
        page(vec![user], &json!({ "hasNextPage": false })),
        1,
    )
    .await;
    server
}

#[tokio::test]
async fn the_rest_of_a_paged_key_list_is_fetched() {
    let server = listing_ada_with_more_keys_after("k1").await;
    let rest = |key: &str, info: Value| {
        data(json!({ "users": { "edges": [{ "node": {
            "id": "VXNlcjox",
            "apiKeys": { "edges": [{ "node": { "id": key, "name": key, "description": null } }], "pageInfo": info },
        } }] } }))
    };
    Mock::given(operation("UserApiKeys"))
        .and(body_partial_json(
            json!({ "variables": { "id": "VXNlcjox", "after": "k1" } }),
        ))
        .respond_with(rest(
            "QXBpS2V5OjI=",
            json!({ "endCursor": "k2", "hasNextPage": true }),
        ))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(operation("UserApiKeys"))
        .and(body_partial_json(json!({ "variables": { "after": "k2" } })))
        .respond_with(rest(
            "QXBpS2V5OjM=",
            json!({ "endCursor": "k3", "hasNextPage": false }),
        ))
        .expect(1)
        .mount(&server)
        .await;

    let listed = first_page(&server).await;

    let keys: Vec<&str> = listed.edges[0]
        .user
        .listed_keys()
        .unwrap()
        .iter()
        .map(|key| key.id.as_str())
        .collect();
    assert_eq!(keys, ["QXBpS2V5OjE=", "QXBpS2V5OjI=", "QXBpS2V5OjM="]);
}

#[tokio::test]
async fn reconciliation_looks_through_every_page_of_the_caller_s_keys() {
    use crate::support::orphan::{
        ViewerKeys, assert_revoked, delete_answering, deleted, generate_noting,
    };

    let server = MockServer::start().await;
    let seen = generate_noting(&server, ResponseTemplate::new(500)).await;
    // The first page holds an unrelated key and says more follows.
    let first = data(json!({ "viewer": { "id": "VXNlcjox", "apiKeys": {
        "edges": [{ "node": { "id": "QXBpS2V5OjU=", "name": "other", "description": "x" } }],
        "pageInfo": { "endCursor": "p1", "hasNextPage": true },
    } } }));
    Mock::given(operation("ViewerApiKeys"))
        .and(body_partial_json(json!({ "variables": { "after": null } })))
        .respond_with(first)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(operation("ViewerApiKeys"))
        .and(body_partial_json(json!({ "variables": { "after": "p1" } })))
        .respond_with(ViewerKeys { seen, tagged: true })
        .expect(1)
        .mount(&server)
        .await;
    delete_answering(&server, deleted(), 1).await;

    let error = client(&server).generate_api_key(None).await.unwrap_err();

    assert_revoked(&error);
}

#[tokio::test]
async fn a_user_the_server_could_not_resolve_is_reported_not_dropped() {
    let server = MockServer::start().await;
    let body = json!({
        "data": { "users": {
            "edges": [{ "cursor": "c0", "node": ada() }, { "cursor": "c1", "node": null }],
            "pageInfo": { "endCursor": "c1", "hasNextPage": false },
        } },
        "errors": [{ "message": "boom", "path": ["users", "edges", 1, "node"] }],
    });
    answer_operation(
        &server,
        "ListUsers",
        ResponseTemplate::new(200).set_body_json(body),
        1,
    )
    .await;

    let listed = first_page(&server).await;

    assert_eq!(listed.edges.len(), 1);
    assert_eq!(listed.unreadable.len(), 1, "{:?}", listed.unreadable);
    assert!(listed.unreadable[0].reason.contains("edges[1].node"));
}

#[tokio::test]
async fn an_empty_page_that_says_more_follows_ends_the_walk_with_protocol() {
    let server = MockServer::start().await;
    answer_operation(
        &server,
        "ListUsers",
        page(
            Vec::new(),
            &json!({ "endCursor": "c9", "hasNextPage": true }),
        ),
        1,
    )
    .await;
    let admin = UserAdmin::new(client(&server));
    let mut walk = admin.walk_users("", size(10));

    let error = walk.next_page().await.unwrap().unwrap_err();

    assert!(matches!(error, Error::Protocol { .. }), "{error}");
    assert!(walk.next_page().await.is_none());
}

#[tokio::test]
async fn keys_of_another_user_than_the_one_asked_for_are_refused() {
    let server = listing_ada_with_more_keys_after("k1").await;
    let someone_else = data(json!({ "users": { "edges": [{ "node": {
        "id": "VXNlcjo5",
        "apiKeys": { "edges": [], "pageInfo": { "hasNextPage": false } },
    } }] } }));
    answer_operation(&server, "UserApiKeys", someone_else, 1).await;

    let error = client(&server)
        .list_users("", &PageRequest::first(size(10)))
        .await
        .unwrap_err();

    assert!(matches!(error, Error::Protocol { .. }), "{error}");
}

#[tokio::test]
async fn a_listed_user_has_an_account_type_and_times_and_a_bad_one_is_reported() {
    let server = MockServer::start().await;
    let mut bot = user_json("VXNlcjo5", "ci-bot", "ci-bot@x.io");
    bot["accountType"] = json!("SERVICE");
    bot["createdAt"] = json!("2024-01-02T03:04:05");
    bot["loggedInAt"] = Value::Null;
    let mut odd = user_json("VXNlcjoxMA==", "odd", "odd@x.io");
    odd["accountType"] = json!("ROBOT");
    let mut late = user_json("VXNlcjoxMQ==", "late", "late@x.io");
    late["loggedInAt"] = json!("yesterday");
    let info = json!({ "hasNextPage": false });
    answer_operation(&server, "ListUsers", page(vec![bot, odd, late], &info), 1).await;

    let page = first_page(&server).await;

    let bot = &page.users().next().unwrap();
    assert_eq!(bot.account_type, Some(AccountType::Service));
    assert_eq!(
        bot.created_at.map(|at| at.to_string()).as_deref(),
        Some("2024-01-02T03:04:05Z")
    );
    assert_eq!(bot.logged_in_at, None);
    let reasons: Vec<&str> = page
        .unreadable
        .iter()
        .map(|unreadable| unreadable.reason.as_str())
        .collect();
    assert_eq!(reasons.len(), 2, "{reasons:?}");
    assert!(
        reasons[0].starts_with("data.users.edges[1].node.accountType: "),
        "{reasons:?}"
    );
    assert!(
        reasons[1].starts_with("data.users.edges[2].node.loggedInAt: "),
        "{reasons:?}"
    );
    assert!(!reasons[1].contains("yesterday"), "{reasons:?}");
}
