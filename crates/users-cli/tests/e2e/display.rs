//! Text from the server or a file cannot drive the terminal or break a line:
//! control characters are shown escaped.

use crate::support::{Server, run};

#[test]
fn a_key_description_with_escape_codes_is_listed_escaped_on_one_row() {
    let server = Server::start();
    run(server.as_member().args([
        "key",
        "generate",
        "--description",
        "evil\u{1b}[2J\nsecond line",
    ]))
    .ok();

    let out = run(server.as_member().args(["key", "list"]));
    let json = run(server.as_member().args(["key", "list", "--json"]));

    let text = out.ok();
    assert!(!text.contains('\u{1b}'), "{text:?}");
    assert_eq!(text.lines().count(), 3, "{text}");
    assert!(text.contains("evil\\u{1b}[2J\\nsecond line"), "{text}");
    assert_eq!(
        json.json()["keys"][1]["description"],
        "evil\u{1b}[2J\nsecond line"
    );
}

#[test]
fn an_error_naming_a_file_stays_one_line() {
    let server = Server::start();
    let path = "/nonexistent/users\n\u{1b}[31mred.csv";

    let out = run(server.as_admin().args(["provision", path]));
    let json = run(server.as_admin().args(["provision", path, "--json"]));

    let line = out.failed(2);
    assert!(!out.stderr.contains('\u{1b}'), "{out:?}");
    assert!(line.contains("users\\n\\u{1b}[31mred.csv"), "{line}");
    let error: serde_json::Value = serde_json::from_str(json.failed(2)).unwrap();
    assert!(error["error"]["message"].as_str().unwrap().contains(path));
}
