use serde_json::json;

use super::*;
use crate::fixture::user;

/// A listing of usernames, with the query as a head field and a count as
/// a tail one.
#[derive(Default)]
struct Names {
    users: u64,
}

#[derive(Serialize)]
struct Name<'u> {
    username: &'u str,
    keys: Option<usize>,
}

impl Listing for Names {
    const COLUMNS: &'static [&'static str] = &["NAME", "KEYS"];
    const ELEMENTS: &'static str = "names";

    fn elements<'a>(&'a self, user: &'a User) -> impl Iterator<Item = impl Serialize + 'a> {
        std::iter::once(Name {
            username: user.username.as_str(),
            keys: user.api_keys.as_ref().map(Vec::len),
        })
    }

    fn tally(&mut self, _user: &User) {
        self.users += 1;
    }

    fn rows(&self, user: &User, rows: &mut Vec<Vec<String>>) {
        rows.push(vec![user.username.to_string(), "k".to_owned()]);
    }

    fn head(&self) -> Vec<(&'static str, serde_json::Value)> {
        vec![("query", json!("a"))]
    }

    fn tail(&self) -> Vec<(&'static str, serde_json::Value)> {
        vec![("counted", json!(self.users))]
    }

    fn summary(&self, unreadable: u64) -> impl Serialize {
        json!({ "users": self.users, "unreadable": unreadable })
    }

    fn closing_text(&self, rows_shown: bool, unreadable: u64) -> Option<String> {
        Some(format!("{} {rows_shown} {unreadable}", self.users))
    }
}

/// The document [`Names`] is written as, printed whole.
#[derive(Serialize)]
struct Whole<'u> {
    query: &'static str,
    names: Vec<Name<'u>>,
    counted: u64,
    unreadable: Vec<serde_json::Value>,
    summary: serde_json::Value,
    error: Option<()>,
}

fn out(json: bool, lines: bool) -> Output {
    Output {
        json,
        lines,
        quiet: false,
        verbose: false,
    }
}

fn bad(id: Option<&str>) -> Unreadable {
    Unreadable {
        id: id.map(str::to_owned),
        reason: "data.users.edges[1].node.email: email must contain exactly one '@'".to_owned(),
    }
}

#[test]
fn a_document_written_a_page_at_a_time_reads_as_the_whole_printed_pretty() {
    let first = [
        user("ada", Some(&["laptop"]), false),
        user("bob", None, false),
    ];
    let second = [user("cy", Some(&[]), false)];
    let cases: [(&[&[User]], &[Unreadable]); 4] = [
        (&[], &[]),
        (&[&[]], &[]),
        (&[&first[..1]], &[]),
        (&[&first, &second], &[bad(Some("VXNlcjo5")), bad(None)][..]),
    ];

    for (pages, unreadable) in cases {
        let text = rendered(&mut Names::default(), out(true, false), pages, unreadable);

        let users: Vec<&User> = pages.iter().flat_map(|page| page.iter()).collect();
        let whole = Whole {
            query: "a",
            names: users
                .iter()
                .map(|user| Name {
                    username: user.username.as_str(),
                    keys: user.api_keys.as_ref().map(Vec::len),
                })
                .collect(),
            counted: users.len() as u64,
            unreadable: unreadable
                .iter()
                .map(|record| json!({"id": record.id, "reason": record.reason}))
                .collect(),
            summary: json!({"users": users.len(), "unreadable": unreadable.len()}),
            error: None,
        };
        let expected = serde_json::to_string_pretty(&whole).unwrap() + "\n";
        assert_eq!(text, expected);
    }
}

#[test]
fn json_lines_are_one_object_per_user_and_unreadable_user_then_the_summary() {
    let users = [
        user("ada", Some(&["laptop"]), false),
        user("bob", None, false),
    ];

    let text = rendered(
        &mut Names::default(),
        out(true, true),
        &[&users[..1], &users[1..]],
        &[bad(Some("VXNlcjo5"))],
    );

    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(
        lines,
        [
            json!({"username": "ada", "keys": 1}),
            json!({"username": "bob", "keys": null}),
            json!({"unreadable": {"id": "VXNlcjo5", "reason": bad(None).reason}}),
            json!({"query": "a", "summary": {"users": 2, "unreadable": 1}, "error": null}),
        ]
    );
}

#[test]
fn text_columns_are_as_wide_as_the_first_page_needs_and_the_header_comes_once() {
    let first = [user("ada", None, false), user("bo", None, false)];
    let second = [user("christopher", None, false), user("di", None, false)];

    let text = rendered(
        &mut Names::default(),
        out(false, false),
        &[&[], &first, &second],
        &[bad(None)],
    );

    assert_eq!(
        text,
        "NAME  KEYS\nada   k\nbo    k\nchristopher  k\ndi    k\n4 true 1\n"
    );
}

#[test]
fn an_unreadable_user_is_reported_without_a_key_and_escaped() {
    let key = "0123456789abcdefghij0123456789abcdefghij";
    let record = Unreadable {
        id: Some(key.to_owned()),
        reason: format!("data.users.edges[0].node.username: {key} \u{1b}[2J"),
    };

    let line = unreadable_line(&record);
    let view = serde_json::to_string(&UnreadableView::from(&record)).unwrap();

    assert!(line.starts_with("cannot read user "), "{line}");
    assert!(!line.contains('\u{1b}'), "{line}");
    for shown in [&line, &view] {
        assert!(!shown.contains(&key[4..36]), "{shown}");
    }
    assert_eq!(
        unreadable_line(&bad(None)),
        format!(
            "cannot read user without a readable id: {}",
            bad(None).reason
        )
    );
}
