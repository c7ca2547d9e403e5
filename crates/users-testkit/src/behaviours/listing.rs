//! `list_users` and the service's walk over it: pages that hold every match
//! exactly once, in the search's order, and a walk that ends whatever the
//! server does.

use users_domain::{Cursor, Error, PageRequest, PageSize, UserAdmin, UserPage};

use crate::setup::{Setup, expect_err};
use crate::{Fault, Harness};

fn size(n: u64) -> PageSize {
    PageSize::new(n).expect("a valid page size")
}

fn labels(page: &UserPage) -> Vec<String> {
    page.users().map(users_domain::User::label).collect()
}

/// Every page of `query`, walked by the service with pages of `per_page`.
async fn walked(s: &Setup, query: &str, per_page: u64) -> (Vec<String>, Vec<usize>) {
    let admin = UserAdmin::new(s.admin());
    let mut walk = admin.walk_users(query, size(per_page));
    let mut listed = Vec::new();
    let mut sizes = Vec::new();
    while let Some(page) = walk.next_page().await {
        let page = page.expect("a page");
        assert!(page.unreadable.is_empty(), "{:?}", page.unreadable);
        sizes.push(page.edges.len());
        listed.extend(labels(&page));
    }
    (listed, sizes)
}

/// `list_users` by a member is `PermissionDenied`.
pub async fn listing_by_a_member_is_permission_denied(harness: &dyn Harness) {
    let s = Setup::start(harness).await;

    expect_err!(
        s.as_(&s.fx.ada)
            .list_users("", &PageRequest::first(PageSize::DEFAULT))
            .await,
        Error::PermissionDenied { .. }
    );
}

/// Walked page by page, a listing holds every user `search_users` finds,
/// each once, in the same order, no page larger than asked.
pub async fn listing_walks_every_user_once_in_search_order(harness: &dyn Harness) {
    let s = Setup::start(harness).await;
    let searched: Vec<String> = s
        .admin()
        .search_users("")
        .await
        .expect("admin search")
        .iter()
        .map(users_domain::User::label)
        .collect();

    for per_page in [1, 2, 4, 500] {
        let (listed, sizes) = walked(&s, "", per_page).await;

        assert_eq!(listed, searched, "pages of {per_page}");
        let most = usize::try_from(per_page).expect("small");
        assert!(
            sizes.iter().all(|&n| n <= most),
            "pages of {per_page}: {sizes:?}"
        );
    }
}

/// A query's matches are paged as the search finds them.
pub async fn listing_a_query_pages_its_matches(harness: &dyn Harness) {
    let s = Setup::start(harness).await;

    let (listed, sizes) = walked(&s, "ADA", 1).await;

    assert_eq!(listed, ["ada@fixture.test", "adam@fixture.test"]);
    assert_eq!(sizes, [1, 1]);
}

/// A page asked for after another's end cursor starts where it ended; the
/// first page says nothing precedes it and the last that nothing follows.
pub async fn listing_resumes_after_a_page_s_end_cursor(harness: &dyn Harness) {
    let s = Setup::start(harness).await;
    let admin = s.admin();

    let first = admin
        .list_users("fixture.test", &PageRequest::first(size(2)))
        .await
        .expect("first page");
    let after = first.page_info.end_cursor.clone().expect("an end cursor");
    let second = admin
        .list_users(
            "fixture.test",
            &PageRequest::Forward {
                size: size(10),
                after: Some(after),
            },
        )
        .await
        .expect("second page");

    assert_eq!(labels(&first), ["root@fixture.test", "ada@fixture.test"]);
    assert!(first.page_info.has_next_page && !first.page_info.has_previous_page);
    assert_eq!(
        labels(&second),
        [
            "adam@fixture.test",
            "adele@fixture.test",
            "gone@fixture.test"
        ]
    );
    assert!(!second.page_info.has_next_page && second.page_info.has_previous_page);
}

/// A backward page holds the last users before its cursor.
pub async fn listing_backward_pages_from_the_end(harness: &dyn Harness) {
    let s = Setup::start(harness).await;
    let admin = s.admin();

    let last = admin
        .list_users(
            "fixture.test",
            &PageRequest::Backward {
                size: size(2),
                before: None,
            },
        )
        .await
        .expect("last page");
    let before = last.page_info.start_cursor.clone().expect("a start cursor");
    let earlier = admin
        .list_users(
            "fixture.test",
            &PageRequest::Backward {
                size: size(2),
                before: Some(before),
            },
        )
        .await
        .expect("the page before");

    assert_eq!(labels(&last), ["adele@fixture.test", "gone@fixture.test"]);
    assert!(last.page_info.has_previous_page && !last.page_info.has_next_page);
    assert_eq!(labels(&earlier), ["ada@fixture.test", "adam@fixture.test"]);
}

/// A cursor the server never gave is `CursorRejected`.
pub async fn listing_after_a_foreign_cursor_is_cursor_rejected(harness: &dyn Harness) {
    let s = Setup::start(harness).await;
    let foreign = Cursor::parse("bm90LWEtY3Vyc29yLW9mLXRoaXMtc2VydmVy").expect("a cursor");

    expect_err!(
        s.admin()
            .list_users(
                "",
                &PageRequest::Forward {
                    size: size(2),
                    after: Some(foreign),
                },
            )
            .await,
        Error::CursorRejected { .. }
    );
}

/// A walk stopped after its first page leaves nothing behind: a new walk
/// starts at the beginning again.
pub async fn listing_walk_can_stop_early(harness: &dyn Harness) {
    let s = Setup::start(harness).await;
    let admin = UserAdmin::new(s.admin());

    let mut first_walk = admin.walk_users("", size(2));
    let first = first_walk.next_page().await.expect("a page").expect("ok");
    drop(first_walk);
    let mut second_walk = admin.walk_users("", size(2));
    let again = second_walk.next_page().await.expect("a page").expect("ok");

    assert_eq!(labels(&first), labels(&again));
    assert_eq!(second_walk.pages(), 1);
}

/// A server that ignores the page size answers everything in one page:
/// the walk takes it and ends.
pub async fn listing_from_a_server_ignoring_the_page_size_is_one_page(harness: &dyn Harness) {
    let s = Setup::start(harness).await;
    if !s.world.stage(Fault::IgnorePageSize) {
        return;
    }

    let (listed, sizes) = walked(&s, "fixture.test", 1).await;

    assert_eq!(sizes, [5], "one page of every match");
    assert_eq!(listed.len(), 5);
}

/// A server that pages back to a cursor it gave before ends the walk with
/// `Protocol`, never loops.
pub async fn listing_with_a_repeating_cursor_is_protocol(harness: &dyn Harness) {
    let s = Setup::start(harness).await;
    if !s.world.stage(Fault::RepeatCursor) {
        return;
    }
    let admin = UserAdmin::new(s.admin());
    let mut walk = admin.walk_users("", size(1));

    let mut pages = 0;
    let error = loop {
        match walk.next_page().await {
            Some(Ok(_)) => pages += 1,
            Some(Err(error)) => break error,
            None => panic!("the walk ended without noticing the repeated cursor"),
        }
        assert!(pages < 100, "the walk is looping");
    };

    assert!(matches!(error, Error::Protocol { .. }), "{error:?}");
    assert!(walk.next_page().await.is_none(), "the walk ends there");
}
