//! Every kind of problem, with its exact message and line: one line each,
//! `FILE:LINE: what is wrong: what to do`.

use users_domain::InstanceState;

use super::{FILE, Format, json_problem, problems, read, toml_problem};
use crate::state_file::FileError;

/// A user table whose fourth line is `line`.
fn user_with(line: &str) -> String {
    format!("version = 1\n[[users]]\nemail = \"ada@x.io\"\n{line}\n")
}

#[test]
fn an_unknown_field_at_the_top_is_named_with_the_fields_allowed_there() {
    assert_eq!(
        toml_problem("version = 1\nuser = []\n"),
        "people.toml:2: unknown field `user` at the top of the file: the file's fields are version, roles, users, teams"
    );
}

#[test]
fn an_unknown_field_of_a_user_is_named_at_its_line() {
    assert_eq!(
        toml_problem(&user_with("nmae = \"Ada\"")),
        "people.toml:4: unknown field `nmae` in a user: a user's fields are email, username, admin, deactivated"
    );
    assert_eq!(
        json_problem("{\"version\": 1,\n\"users\": [{\"email\": \"ada@x.io\",\n\"Admin\": true}]}"),
        "people.toml:3: unknown field `Admin` in a user: a user's fields are email, username, admin, deactivated"
    );
}

#[test]
fn an_unknown_field_of_a_team_is_named_at_its_line() {
    assert_eq!(
        toml_problem("version = 1\n[[teams]]\nname = \"ml\"\nowner = \"ada\"\nmembers = []\n"),
        "people.toml:4: unknown field `owner` in a team: a team's fields are name, service_accounts, members"
    );
}

#[test]
fn an_unknown_field_of_a_member_is_named_at_its_line() {
    assert_eq!(
        toml_problem(
            "version = 1\n[[teams]]\nname = \"ml\"\nmembers = [\n  { who = \"ada\", rol = \"admin\" },\n]\n"
        ),
        "people.toml:5: unknown field `rol` in a team member: a member's fields are who, role"
    );
}

#[test]
fn a_value_of_the_wrong_kind_is_named_with_the_kind_it_must_be() {
    assert_eq!(
        toml_problem(&user_with("admin = \"yes\"")),
        "people.toml:4: `admin` of a user must be a boolean, not a string: write true or false, without quotes"
    );
    assert_eq!(
        json_problem("{\"version\": 1,\n\"users\": {\"email\": \"ada@x.io\"}}"),
        "people.toml:2: `users` must be an array, not an object: write it as a list in [ ]"
    );
    assert_eq!(
        toml_problem("version = 1\nusers = [\"ada@x.io\"]\n"),
        "people.toml:2: an entry of `users` must be a table, not a string: write it as a table, a [[section]] or { key = value, ... }"
    );
    assert_eq!(
        json_problem("[{\"version\": 1}]"),
        "people.toml:1: the file must be an object, not an array: write it as an object, { ... }"
    );
}

#[test]
fn a_user_without_an_email_is_reported_at_its_table() {
    assert_eq!(
        toml_problem("version = 1\n\n[[users]]\nadmin = true\n"),
        "people.toml:3: a user has no `email`: every user needs one"
    );
}

#[test]
fn a_team_without_members_is_refused_rather_than_emptied() {
    assert_eq!(
        toml_problem("version = 1\n[[teams]]\nname = \"ml\"\n"),
        "people.toml:2: a team has no `members`: list its members, or write `members = []` for a team of none"
    );
}

#[test]
fn a_bad_email_is_reported_at_its_line_with_the_rule_it_breaks() {
    assert_eq!(
        toml_problem("version = 1\n[[users]]\nemail = \"ada@@x.io\"\n"),
        "people.toml:3: the user's email is not valid (email must contain exactly one '@'): write it as name@example.com"
    );
}

#[test]
fn a_role_that_is_no_role_is_reported_at_its_member() {
    let text = "version = 1\n[[teams]]\nname = \"ml\"\nmembers = [\n  { who = \"ada\", role = \"team lead\" },\n]\n";

    assert_eq!(
        toml_problem(text),
        "people.toml:5: 'team lead' is not a team role: use admin, member, viewer or a custom role's name"
    );
}

#[test]
fn a_version_other_than_1_is_the_only_problem_reported() {
    let newer = "version = 2\n[[users]]\nmail = \"ada@x.io\"\n";

    assert_eq!(
        toml_problem(newer),
        "people.toml:1: the file's version is 2, and this wbusers reads version 1: write `version = 1` (a file of a newer version needs a newer wbusers)"
    );
    assert_eq!(
        json_problem("{\"version\": \"1\"}"),
        "people.toml:1: the file's version is a string, and this wbusers reads version 1: write `version = 1` (a file of a newer version needs a newer wbusers)"
    );
}

#[test]
fn a_file_without_a_version_is_refused_as_a_whole() {
    assert_eq!(
        toml_problem("[[users]]\nemail = \"ada@x.io\"\n"),
        "people.toml: the file has no `version`: add `version = 1` at its top"
    );
    assert_eq!(
        toml_problem(""),
        "people.toml: the file has no `version`: add `version = 1` at its top"
    );
}

#[test]
fn a_key_given_twice_is_reported_at_the_second() {
    assert_eq!(
        toml_problem("version = 1\n[[users]]\nemail = \"ada@x.io\"\nemail = \"bob@x.io\"\n"),
        "people.toml:4: `email` is given twice in the same table: keep one"
    );
    assert_eq!(
        json_problem("{\"version\": 1,\n \"users\": [],\n \"users\": []}"),
        "people.toml:3: `users` is given twice in the same object: keep one"
    );
}

#[test]
fn a_toml_syntax_error_is_reported_at_its_line_in_the_parsers_words() {
    assert_eq!(
        toml_problem(&user_with("admin = tru")),
        "people.toml:4: it is not valid TOML: invalid boolean, expected `true`: fix the syntax on this line"
    );
}

#[test]
fn a_json_syntax_error_is_reported_at_its_line_however_deep() {
    let text = "{\n  \"version\": 1,\n  \"users\": [\n    {\"email\": \"ada@x.io\",}\n  ]\n}";

    assert_eq!(
        json_problem(text),
        "people.toml:4: it is not valid JSON: key must be a string: fix the syntax on this line"
    );
    // A problem found on reading a value again, deep in the file, is still
    // at the file's line (a lone surrogate passes the first, shallow read).
    // Here the key of a member that starts on line 4, on its second line.
    let deep =
        "{\"version\": 1,\n\"teams\": [\n{\"name\": \"ml\",\n\"members\": [{\n\"\\ud800\": 1}]}]}";
    assert_eq!(
        json_problem(deep),
        "people.toml:5: it is not valid JSON: unexpected end of hex escape: fix the syntax on this line"
    );
    assert_eq!(
        json_problem(""),
        "people.toml:1: it is not valid JSON: EOF while parsing a value: fix the syntax on this line"
    );
}

#[test]
fn every_problem_is_reported_in_the_order_of_the_lines() {
    let text = "version = 1\nroles = [\"two words\"]\n\n[[users]]\nemail = \"ada\"\nadmin = 1\n\n[[users]]\nemail = \"bob@x.io\"\nteam = \"ml\"\n";

    assert_eq!(
        problems(text, Format::Toml),
        [
            "people.toml:2: the role's name is not valid (role name contains white space or a control character): write the custom role's name as the server shows it",
            "people.toml:5: the user's email is not valid (email must contain exactly one '@'): write it as name@example.com",
            "people.toml:6: `admin` of a user must be a boolean, not an integer: write true or false, without quotes",
            "people.toml:10: unknown field `team` in a user: a user's fields are email, username, admin, deactivated",
        ]
    );
}

#[test]
fn no_message_echoes_a_key_from_the_file() {
    let key = "local-0123456789abcdefghij0123456789abcdefghij";
    let files = [
        (format!("version = 1\n{key} = 1\n"), Format::Toml),
        (
            format!("version = 1\n[[users]]\nemail = \"{key}\"\n"),
            Format::Toml,
        ),
        (
            format!("version = 1\n[[users]]\nemail = \"{key}\n"),
            Format::Toml,
        ),
        (
            format!(
                "version = 1\n[[teams]]\nname = \"ml\"\nmembers = [{{ who = \"a b {key}\" }}]\n"
            ),
            Format::Toml,
        ),
        (
            format!(
                "version = 1\n[[teams]]\nname = \"ml\"\nmembers = [{{ who = \"a\", role = \"{key} x\" }}]\n"
            ),
            Format::Toml,
        ),
        (
            format!("{{\"version\": 1, \"{key}\": 1, \"{key}\": 2}}"),
            Format::Json,
        ),
        (
            format!("{{\"version\": 1, \"users\": [{{\"email\": \"{key}}}]}}"),
            Format::Json,
        ),
        (format!("{{\"version\": {key}}}"), Format::Json),
    ];
    for (text, format) in files {
        for message in problems(&text, format) {
            assert!(!message.contains("0123456789abcdefghij"), "{message}");
        }
    }
}

/// The messages of validating `text` against an empty instance.
fn invalid(text: &str) -> Vec<String> {
    let desired = read(text, Format::Toml).unwrap();
    let errors = desired.validate(&InstanceState::default()).unwrap_err();
    errors
        .into_iter()
        .map(|error| FileError::invalid(FILE, error).to_string())
        .collect()
}

#[test]
fn what_the_domain_finds_against_the_instance_is_shown_at_the_files_lines() {
    let text = "version = 1\n\n[[users]]\nemail = \"ada@x.io\"\nadmin = true\ndeactivated = true\n\n[[users]]\nemail = \"ADA@x.io\"\n\n[[teams]]\nname = \"ml\"\nmembers = [\n  { who = \"ada@x.io\", role = \"auditor\" },\n  { who = \"grace\" },\n]\n";

    assert_eq!(
        invalid(text),
        [
            "people.toml:4: user ada@x.io is both admin and deactivated, and a deactivated user cannot be an admin: drop one of the two",
            "people.toml:9: user ADA@x.io is listed twice (first at line 4) (emails are compared ignoring case): keep one entry",
            "people.toml:14: role 'auditor' of 'ada@x.io' in team ml does not exist: use admin, member or viewer, or declare it in roles",
            "people.toml:15: member 'grace' of team ml is not a user in the file or on the instance: add them to the users (a service account goes in the team's service accounts)",
        ]
    );
}

#[test]
fn json_nested_deeper_than_the_schema_is_judged_by_its_kind_alone_in_bounded_stack() {
    let deep = format!("{}1{}", "[".repeat(100), "]".repeat(100));
    let text = format!("{{\"version\": 1, \"users\": [{{\"email\": {deep}}}]}}");

    assert_eq!(
        json_problem(&text),
        "people.toml:1: `email` of a user must be a string, not an array: write it in double quotes"
    );
    // Past serde_json's own depth limit, which skipping a value ignores:
    // read no deeper than the schema, it costs no stack.
    let deeper = "[".repeat(100_000) + &"]".repeat(100_000);
    assert_eq!(
        json_problem(&deeper),
        "people.toml:1: the file must be an object, not an array: write it as an object, { ... }"
    );
}
