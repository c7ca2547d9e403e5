//! `--user-agent` reaches the server, and a server that withholds api keys
//! from a client it does not recognise gets the advice to pass it.

use serde_json::json;
use users_graphql::SDK_USER_AGENT;

use crate::support::{canned_server, header, run};

const KEY: &str = "useragentkey0123456789useragentkey012345";

/// A viewer as hosted W&B answers it: keys listed only for the SDK's User-Agent.
fn viewer(head: &str) -> String {
    let api_keys = if header(head, "user-agent") == Some(SDK_USER_AGENT) {
        json!({ "edges": [{ "node": { "id": "QXBpS2V5OjE=", "name": "ci", "description": null } }] })
    } else {
        serde_json::Value::Null
    };
    json!({ "data": { "viewer": {
        "id": "VXNlcjox", "name": "Ada", "username": "ada", "email": "ada@example.com",
        "admin": false, "flags": null, "entity": "ada", "deletedAt": null,
        "apiKeys": api_keys, "teams": { "edges": [] }
    } } })
    .to_string()
}

fn wbusers(url: &str, home: &tempfile::TempDir) -> assert_cmd::Command {
    let mut command = crate::support::bare(home);
    command
        .env("WANDB_BASE_URL", url)
        .env("WANDB_API_KEY", KEY)
        .args(["--retries", "0"]);
    command
}

#[test]
fn the_user_agent_option_is_the_user_agent_sent() {
    let home = tempfile::tempdir().unwrap();
    let (url, heads) = canned_server(viewer);

    let given = run(wbusers(&url, &home).args(["--user-agent", SDK_USER_AGENT, "whoami"]));
    let default = run(wbusers(&url, &home).arg("whoami"));

    assert!(given.ok().contains("ada@example.com"), "{given:?}");
    default.ok();
    let heads = heads.lock().unwrap();
    let agents: Vec<Option<&str>> = heads.iter().map(|h| header(h, "user-agent")).collect();
    assert_eq!(agents.len(), 2, "{heads:?}");
    assert_eq!(agents[0], Some(SDK_USER_AGENT));
    assert!(agents[1].unwrap().starts_with("wbusers/"), "{agents:?}");
}

#[test]
fn keys_withheld_from_an_unrecognised_client_suggest_the_sdks_user_agent() {
    let home = tempfile::tempdir().unwrap();
    let (url, _) = canned_server(viewer);
    let advice = format!("--user-agent '{SDK_USER_AGENT}'");

    let listed = run(wbusers(&url, &home).args(["key", "list"]));
    let deleted = run(wbusers(&url, &home).args(["key", "delete", "ci"]));
    let rotated = run(wbusers(&url, &home).args(["--json", "key", "rotate", "ci"]));
    let with_agent =
        run(wbusers(&url, &home).args(["--user-agent", SDK_USER_AGENT, "key", "list"]));

    for out in [&listed, &deleted] {
        let line = out.failed(6);
        assert!(line.contains("did not list the api keys"), "{line}");
        assert!(line.contains(&advice), "{line}");
    }
    let error: serde_json::Value = serde_json::from_str(rotated.failed(6)).unwrap();
    assert!(
        error["error"]["hint"].as_str().unwrap().contains(&advice),
        "{error}"
    );
    assert!(with_agent.ok().contains("ci"), "{with_agent:?}");
}

#[test]
fn a_blank_user_agent_is_a_usage_error() {
    let home = tempfile::tempdir().unwrap();
    let out = run(crate::support::bare(&home).args(["--user-agent", " ", "whoami"]));
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("--user-agent"), "{out:?}");
}

#[test]
fn help_documents_the_user_agent_option() {
    let home = tempfile::tempdir().unwrap();
    let out = run(crate::support::bare(&home).arg("--help"));
    let help = out.ok();
    assert!(help.contains("--user-agent <TEXT>"), "{help}");
    assert!(help.contains(SDK_USER_AGENT), "{help}");
}
