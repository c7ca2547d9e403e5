//! Writing a state: the exact text of both formats, stable for equal
//! states, and strings escaped so that they read back as written.

use users_domain::{
    DesiredState, Email, EmailKey, Identity, InstanceState, TeamRole, TeamState, UserState,
    Username,
};

use super::{read, sample, team, unlocated};
use crate::state_file::{Format, render, render_json, render_toml};

const SAMPLE_TOML: &str = r#"# The people of a W&B instance: users, instance admins, deactivations, teams
# and their members, as `wbusers export` wrote them (the format is described
# in wbusers' state.md). Review a change to it like code, then:
#   wbusers plan FILE     shows what apply would change (exit 0: nothing, 9: changes)
#   wbusers apply FILE    makes the instance so
# A team listed gets exactly the members listed. Users not listed are left
# alone, unless apply is given --prune: then they are deactivated.
# `admin` and `deactivated` are written only when true.
version = 1
roles = [
  "auditor",
]

[[users]]
email = "ada@example.com"
username = "ada"
admin = true

[[users]]
email = "bob@example.com"
username = "bob"

[[users]]
email = "Cy@Example.com"
username = "cy"
deactivated = true

[[teams]]
name = "empty"
members = []

[[teams]]
name = "ml"
service_accounts = [
  "ci",
]
members = [
  { who = "ada@example.com", role = "admin" },
  { who = "bob@example.com", role = "auditor" },
  { who = "Cy@Example.com", role = "viewer" },
  { who = "hidden", role = "member" },
]
"#;

const SAMPLE_JSON: &str = r#"{
  "version": 1,
  "roles": ["auditor"],
  "users": [
    {"email": "ada@example.com", "username": "ada", "admin": true, "deactivated": false},
    {"email": "bob@example.com", "username": "bob", "admin": false, "deactivated": false},
    {"email": "Cy@Example.com", "username": "cy", "admin": false, "deactivated": true}
  ],
  "teams": [
    {"name": "empty", "service_accounts": [], "members": []},
    {"name": "ml", "service_accounts": ["ci"], "members": [
      {"who": "ada@example.com", "role": "admin"},
      {"who": "bob@example.com", "role": "auditor"},
      {"who": "Cy@Example.com", "role": "viewer"},
      {"who": "hidden", "role": "member"}
    ]}
  ]
}
"#;

#[test]
fn a_state_is_written_as_sorted_toml_flags_only_when_true() {
    assert_eq!(render_toml(&sample()), SAMPLE_TOML);
}

#[test]
fn a_state_is_written_as_json_every_field_given() {
    assert_eq!(render_json(&sample()), SAMPLE_JSON);
    // Valid JSON, whatever our reader thinks of it.
    let _: serde_json::Value = serde_json::from_str(SAMPLE_JSON).unwrap();
}

#[test]
fn an_empty_state_is_its_version_alone() {
    let empty = InstanceState::default();

    assert!(
        render_toml(&empty)
            .ends_with("# `admin` and `deactivated` are written only when true.\nversion = 1\n")
    );
    assert_eq!(
        render_json(&empty),
        "{\n  \"version\": 1,\n  \"roles\": [],\n  \"users\": [],\n  \"teams\": []\n}\n"
    );
    for format in [Format::Toml, Format::Json] {
        assert_eq!(
            read(&render(&empty, format), format),
            Ok(DesiredState::default())
        );
    }
}

#[test]
fn a_deactivated_user_is_written_without_the_stale_admin_flag() {
    let mut state = InstanceState::default();
    let flagged = UserState {
        admin: true,
        deactivated: true,
        username: None,
    };
    state
        .users
        .insert(EmailKey::new(Email::parse("a@x.io").unwrap()), flagged);

    let toml = render_toml(&state);

    assert!(
        toml.ends_with("[[users]]\nemail = \"a@x.io\"\ndeactivated = true\n"),
        "{toml}"
    );
    assert!(render_json(&state).contains("\"admin\": false, \"deactivated\": true"));
}

/// A state whose every string needs escaping somewhere.
fn awkward() -> InstanceState {
    let email = r#"a"b\c.é+x@exämple.com"#;
    let mut state = InstanceState::default();
    let key = EmailKey::new(Email::parse(email).unwrap());
    let user = UserState {
        admin: false,
        deactivated: false,
        username: Some(Username::parse(r#"q"uo\te☃"#).unwrap()),
    };
    state.users.insert(key.clone(), user);
    let mut ml = TeamState::default();
    ml.members.insert(Identity::Email(key), TeamRole::Member);
    ml.service_accounts.extend(
        [
            "line\nbreak\ttab\r",
            "escape \u{1b}[2J and \u{7f} and \u{85}",
            "bidi \u{202e}txt.exe and zero\u{200b}width",
            "quote \" backslash \\ apostrophe ' and 'single'",
            "emoji 🦀 and nul \u{0}",
        ]
        .map(str::to_owned),
    );
    state.teams.insert(team(r#"t"e\am's"#), ml);
    state
}

#[test]
fn strings_are_escaped_so_that_they_read_back_as_written() {
    let state = awkward();
    for format in [Format::Toml, Format::Json] {
        let text = render(&state, format);

        let parsed = read(&text, format).unwrap();

        assert_eq!(unlocated(&parsed), DesiredState::from(&state), "{text}");
    }
}

#[test]
fn control_and_invisible_characters_are_written_as_escapes() {
    let toml = render_toml(&awkward());

    assert!(
        toml.contains(r#"email = "a\"b\\c.é+x@exämple.com""#),
        "{toml}"
    );
    assert!(toml.contains(r#""line\nbreak\ttab\r""#), "{toml}");
    assert!(
        toml.contains(r#""escape \u001B[2J and \u007F and \u0085""#),
        "{toml}"
    );
    assert!(
        toml.contains(r#""bidi \u202Etxt.exe and zero\u200Bwidth""#),
        "{toml}"
    );
    assert!(toml.contains(r#""emoji 🦀 and nul \u0000""#), "{toml}");
    assert!(toml.contains(r#"name = "t\"e\\am's""#), "{toml}");
    let raw_controls = |text: &str| text.chars().any(|c| c.is_control() && c != '\n');
    assert!(!raw_controls(&toml));
    assert!(!raw_controls(&render_json(&awkward())));
}

#[test]
fn equal_states_are_written_byte_for_byte_alike_whatever_order_they_were_built_in() {
    let forward = sample();
    let mut backward = InstanceState::default();
    for (name, team) in sample().teams.into_iter().rev() {
        backward.teams.insert(name, team);
    }
    for (email, user) in sample().users.into_iter().rev() {
        backward.users.insert(email, user);
    }
    backward.roles = sample().roles;

    assert_eq!(render_toml(&forward), render_toml(&backward));
    assert_eq!(render_json(&forward), render_json(&backward));
}
