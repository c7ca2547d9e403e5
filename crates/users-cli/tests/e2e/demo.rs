//! `wbusers demo`: the README's main command, built with the `demo` feature
//! (`cargo test --all-features`); without it, the command says how to get it.

use crate::support::{bare, run};

#[cfg(not(feature = "demo"))]
#[test]
fn without_the_demo_feature_the_demo_says_how_to_build_it() {
    let home = tempfile::tempdir().unwrap();

    let out = run(bare(&home).arg("demo"));

    let line = out.failed(2);
    assert!(
        line.contains("cargo run --release -p users-cli --features demo -- demo"),
        "{line}"
    );
    let help = run(bare(&home).arg("--help"));
    let listed = |line: &str| line.trim_start().starts_with("demo ");
    assert!(!help.ok().lines().any(listed), "{help:?}");
}

/// Whether `text` holds anything shaped like a whole secret (40+ key characters).
#[cfg(feature = "demo")]
fn holds_a_secret(text: &str) -> bool {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
        .any(|word| word.len() >= 40)
}

#[cfg(feature = "demo")]
#[test]
fn the_demo_tells_the_whole_story_on_a_bare_machine() {
    let home = tempfile::tempdir().unwrap();

    let out = run(bare(&home).arg("demo"));

    let story = out.ok();
    for step in [
        "whoami",
        "Create users",
        "Search users",
        "generates a key",
        "Act as the holder of the new key",
        "rotates",
        "deletes",
        "Provision a batch",
        "Create team 'research'",
        "Add Ada (by username) and Alan (by email)",
        "Create a service account",
        "tries to deactivate themselves",
        "Offboard Ada",
        "Export the instance's people to a state file",
        "then 'wbusers plan people.toml' (exit code 9: changes pending)",
        "Apply it ('wbusers apply people.toml --yes'), then plan again",
    ] {
        assert!(story.contains(step), "no '{step}' in:\n{story}");
    }
    assert!(story.contains("the old key is now refused"), "{story}");
    assert!(story.contains("created all the same"), "{story}");
    assert!(story.contains("ada@example.com is offboarded"), "{story}");
    assert!(
        story.contains("ada's workstation key is now refused"),
        "{story}"
    );
    assert!(
        story.contains("running it again: nothing left to do"),
        "{story}"
    );
    assert!(
        story.contains("5 rows: 2 created, 1 existed, 1 skipped, 1 failed"),
        "{story}"
    );
    assert!(
        story.contains("3 changes: 1 create user, 1 add member, 1 change role"),
        "{story}"
    );
    assert!(
        story.contains("planning again: no changes: the instance is as people.toml says"),
        "{story}"
    );
    assert!(!holds_a_secret(&out.all()), "{}", out.all());
}

#[cfg(feature = "demo")]
#[test]
fn the_demo_ignores_the_environment_and_can_speak_json() {
    let home = tempfile::tempdir().unwrap();

    let out = run(bare(&home)
        .env("WANDB_BASE_URL", "https://unreachable.invalid")
        .env("WANDB_API_KEY", "not a key")
        .args(["demo", "--json"]));

    let json = out.json();
    assert!(
        json["base_url"]
            .as_str()
            .unwrap()
            .starts_with("http://127.0.0.1:")
    );
    let steps = json["steps"].as_array().unwrap();
    assert!(steps.len() >= 9, "{json}");
    assert!(
        steps
            .iter()
            .all(|step| step["title"].is_string() && step["lines"].is_array())
    );
    assert!(!holds_a_secret(&out.all()));
}
