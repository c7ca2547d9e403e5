//! `service-account create|list`, in both output modes. The emulator, like
//! most servers, never reveals a service account's key, so `--with-key`
//! creates the account and then says that no key can be had.

use users_memory::SeedUser;

use crate::support::{Server, run, seed};

#[test]
fn service_account_create_prints_the_account_in_text_and_json() {
    let server = Server::start();

    let text = run(server
        .as_admin()
        .args(["service-account", "create", "ml", "nightly CI"]));
    let json =
        run(server
            .as_admin()
            .args(["--json", "service-account", "create", "ml", "deploy bot"]));
    let team = run(server.as_admin().args(["--json", "team", "show", "ml"]));

    let text = text.ok();
    assert!(text.starts_with("service account  nightly CI\n"), "{text}");
    assert!(text.contains("team             ml"), "{text}");
    let json = json.json();
    assert_eq!(json["team"], "ml");
    assert_eq!(json["account"]["name"], "deploy bot");
    assert_eq!(json["account"]["account_type"], "service");
    assert!(json["key"].is_null() && json["secret"].is_null(), "{json}");
    let members = team.json()["members"].as_array().unwrap().clone();
    let last = members.last().unwrap();
    assert_eq!(
        last["id"], json["account"]["id"],
        "the newest is listed last"
    );
    assert_eq!(last["account_type"], "service");
}

#[test]
fn with_a_key_the_server_does_not_reveal_the_account_is_made_and_printed_then_one_error() {
    let server = Server::start();

    let text = run(server.as_admin().args([
        "service-account",
        "create",
        "ml",
        "nightly CI",
        "--with-key",
    ]));
    let json = run(server.as_admin().args([
        "--json",
        "service-account",
        "create",
        "ml",
        "deploy bot",
        "--with-key",
        "--key-description",
        "deploys",
    ]));
    let listed = run(server
        .as_admin()
        .args(["--json", "service-account", "list", "ml"]));

    let line = text.failed(11);
    assert!(line.contains("is not possible"), "{line}");
    assert!(line.contains("created all the same"), "{line}");
    assert!(
        text.stdout.starts_with("service account  nightly CI\n"),
        "{text:?}"
    );
    let error: serde_json::Value = serde_json::from_str(json.failed(11)).unwrap();
    assert_eq!(error["error"]["kind"], "unsupported");
    assert_eq!(error["error"]["exit_code"], 11);
    let document = json.json();
    assert_eq!(document["account"]["name"], "deploy bot");
    assert!(document["key"].is_null() && document["secret"].is_null());
    let listed = listed.json();
    let names: Vec<&str> = listed["service_accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|account| account["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["nightly CI", "deploy bot"]);
}

#[test]
fn service_account_list_shows_a_teams_accounts_or_those_of_your_teams() {
    let server = Server::with_seed(
        seed()
            .user(SeedUser::service_account("ci bot").team("ml"))
            .user(SeedUser::service_account("ops bot").team("ops")),
    );

    let team = run(server.as_admin().args(["service-account", "list", "ops"]));
    let yours = run(server
        .as_member()
        .args(["service-account", "list", "--json"]));
    let none = run(server.as_admin().args(["service-account", "list"]));

    let team = team.ok();
    assert!(
        team.starts_with("TEAM  SERVICE ACCOUNT  USERNAME"),
        "{team}"
    );
    assert!(
        team.contains("ops bot") && !team.contains("ci bot"),
        "{team}"
    );
    let yours = yours.json();
    assert!(yours["team"].is_null());
    let accounts = yours["service_accounts"].as_array().unwrap();
    assert_eq!(accounts.len(), 1, "{yours}");
    assert_eq!(accounts[0]["team"], "ml");
    assert_eq!(accounts[0]["name"], "ci bot");
    assert_eq!(accounts[0]["account_type"], "service");
    assert!(
        none.ok()
            .contains("none of your teams has service accounts"),
        "{none:?}"
    );
}

#[test]
fn service_account_errors_are_one_line_each() {
    let server = Server::start();

    let no_team = run(server
        .as_admin()
        .args(["service-account", "create", "nope", "ci"]));
    let no_team_list = run(server.as_admin().args(["service-account", "list", "nope"]));
    let denied = run(server
        .as_member()
        .args(["service-account", "create", "ml", "ci"]));
    let blank = run(server
        .as_admin()
        .args(["service-account", "create", "ml", "  "]));
    let stray = run(server.as_admin().args([
        "service-account",
        "create",
        "ml",
        "ci",
        "--key-description",
        "x",
    ]));

    no_team.failed(3);
    no_team_list.failed(3);
    assert!(
        denied.failed(4).contains("an admin of team ml"),
        "{denied:?}"
    );
    assert!(blank.failed(2).contains("is empty"), "{blank:?}");
    assert!(stray.failed(2).contains("--with-key"), "{stray:?}");
}
