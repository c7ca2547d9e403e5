//! Reading files that are right: the state they declare, each entry at its
//! line, defaults, comments, both formats, and how the format is chosen.

use std::io::Read;
use std::path::Path;

use users_domain::{
    DesiredMember, DesiredState, DesiredTeam, DesiredUser, Email, EmailKey, Identity,
    InstanceState, Invitee, Located, RoleName, TeamName, TeamRole, TeamState, UserState, Username,
};

use super::{FILE, read, team};
use crate::state_file::{FileError, FileErrorKind, Format, MAX_STATE_FILE_BYTES};

const TOML: &str = r#"# The people of our instance, reviewed.
version = 1
roles = ["auditor"] # a custom role

[[users]]
email = "ada@example.com"
admin = true
username = "ada"

[[users]]
# bob is not an admin
email = "bob@example.com"
deactivated = false

[[teams]]
name = "ml"
service_accounts = ["ci"]
members = [
  { who = "ada@example.com", role = "admin" },
  { who = "bob", role = "auditor" },
]
"#;

/// What [`TOML`] declares, each entry at its line.
fn declared() -> DesiredState {
    let user = |email: &str, admin, username: Option<&str>| DesiredUser {
        email: Email::parse(email).unwrap(),
        admin,
        deactivated: false,
        username: username.map(|name| Username::parse(name).unwrap()),
    };
    let member = |who: &str, role: &str| DesiredMember {
        who: Invitee::parse(who).unwrap(),
        role: TeamRole::parse(role).unwrap(),
    };
    DesiredState {
        roles: vec![Located::at(RoleName::parse("auditor").unwrap(), 3)],
        users: vec![
            Located::at(user("ada@example.com", true, Some("ada")), 6),
            Located::at(user("bob@example.com", false, None), 12),
        ],
        teams: vec![Located::at(
            DesiredTeam {
                name: team("ml"),
                members: vec![
                    Located::at(member("ada@example.com", "admin"), 19),
                    Located::at(member("bob", "auditor"), 20),
                ],
                service_accounts: vec![Located::at("ci".to_owned(), 17)],
            },
            16,
        )],
    }
}

#[test]
fn a_toml_file_declares_its_entries_each_at_the_line_of_its_key_with_comments_allowed() {
    assert_eq!(read(TOML, Format::Toml), Ok(declared()));
}

#[test]
fn a_json_file_of_the_same_schema_declares_the_same_at_its_own_lines() {
    let json = r#"{
  "version": 1,
  "roles": ["auditor"],
  "users": [
    {"email": "ada@example.com", "admin": true, "username": "ada"},
    {
      "deactivated": false,
      "email": "bob@example.com"
    }
  ],
  "teams": [
    {"name": "ml", "service_accounts": ["ci"], "members": [
      {"who": "ada@example.com", "role": "admin"},
      {"who": "bob", "role": "auditor"}
    ]}
  ]
}"#;
    let mut expected = declared();
    let lines = [3, 5, 8, 12, 13, 14, 12];
    expected.roles[0].origin = Some(users_domain::Origin::line(lines[0]));
    expected.users[0].origin = Some(users_domain::Origin::line(lines[1]));
    expected.users[1].origin = Some(users_domain::Origin::line(lines[2]));
    let team = &mut expected.teams[0];
    team.origin = Some(users_domain::Origin::line(lines[3]));
    team.value.members[0].origin = Some(users_domain::Origin::line(lines[4]));
    team.value.members[1].origin = Some(users_domain::Origin::line(lines[5]));
    team.value.service_accounts[0].origin = Some(users_domain::Origin::line(lines[6]));

    assert_eq!(read(json, Format::Json), Ok(expected));
}

#[test]
fn left_out_fields_take_their_defaults() {
    let text = "version = 1\n[[users]]\nemail = \"ada@x.io\"\n[[teams]]\nname = \"ml\"\nmembers = [{ who = \"ada\" }]\n";

    let state = read(text, Format::Toml).unwrap();

    let user = &state.users[0].value;
    assert!(!user.admin && !user.deactivated && user.username.is_none());
    let ml = &state.teams[0].value;
    assert_eq!(ml.members[0].value.role, TeamRole::Member);
    assert!(ml.service_accounts.is_empty());
    assert!(state.roles.is_empty());
}

#[test]
fn a_file_of_only_its_version_declares_nothing() {
    assert_eq!(
        read("version = 1\n", Format::Toml),
        Ok(DesiredState::default())
    );
    assert_eq!(
        read(r#"{"version": 1}"#, Format::Json),
        Ok(DesiredState::default())
    );
}

#[test]
fn users_may_be_written_as_inline_tables_and_members_over_several_lines() {
    // TOML 1.1: an inline table may span lines.
    let text = "version = 1\nusers = [\n  { email = \"ada@x.io\" },\n  { email = \"bob@x.io\", admin = true },\n]\n[[teams]]\nname = \"ml\"\nmembers = [\n  {\n    who = \"ada\",\n  },\n]\n";

    let state = read(text, Format::Toml).unwrap();

    let lines: Vec<u32> = state.users.iter().map(|u| u.origin.unwrap().line).collect();
    assert_eq!(lines, [3, 4]);
    assert_eq!(state.teams[0].value.members[0].origin.unwrap().line, 9);
}

#[test]
fn the_format_is_the_extension_else_json_when_it_starts_with_a_brace() {
    let toml = Some(Path::new("people.TOML"));
    assert_eq!(Format::detect(toml, b"{"), Format::Toml);
    assert_eq!(
        Format::detect(Some(Path::new("a.json")), b"version = 1"),
        Format::Json
    );
    assert_eq!(Format::detect(None, b" \n\t{\"version\": 1}"), Format::Json);
    assert_eq!(Format::detect(None, b"\xEF\xBB\xBF{"), Format::Json);
    assert_eq!(Format::detect(None, b"# {\nversion = 1"), Format::Toml);
    assert_eq!(Format::detect(Some(Path::new("people")), b""), Format::Toml);
}

#[test]
fn a_file_is_read_in_the_format_of_its_path_a_byte_order_mark_skipped() {
    let json = "\u{FEFF}{\"version\": 1, \"users\": [{\"email\": \"ada@x.io\"}]}";

    let state = crate::state_file::read(json.as_bytes(), FILE, None).unwrap();

    assert_eq!(state.users[0].origin.unwrap().line, 1);
    let toml = crate::state_file::read(TOML.as_bytes(), FILE, Some(Path::new("a.toml")));
    assert_eq!(toml.unwrap(), declared());
}

#[test]
fn the_example_of_the_docs_reads() {
    let docs = include_str!("../../../docs/state.md");
    let example = docs
        .split("```toml\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .unwrap();

    let state = read(example, Format::Toml).unwrap();

    assert_eq!(
        (state.users.len(), state.teams[0].value.members.len()),
        (3, 3)
    );
    let validated = state.validate(&users_domain::InstanceState::default());
    assert!(validated.is_ok(), "{validated:?}");
}

/// A reader that counts what was read from it.
struct Counted<R> {
    inner: R,
    read: u64,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        Ok(n)
    }
}

#[test]
fn a_file_over_the_limit_is_refused_having_read_no_more_than_the_limit() {
    let mut endless = Counted {
        inner: std::io::repeat(b' '),
        read: 0,
    };

    let errors = crate::state_file::read_at_most(&mut endless, FILE, None, 1000).unwrap_err();

    assert_eq!(endless.read, 1001);
    assert!(
        matches!(errors.as_slice(), [one] if matches!(one.kind, FileErrorKind::TooLarge)),
        "{errors:?}"
    );
}

#[test]
fn a_file_over_the_limit_is_told_the_limit() {
    let error = FileError::new(FILE, None, FileErrorKind::TooLarge);

    assert_eq!(
        error.to_string(),
        "people.toml: it is larger than 256 MiB, the most a state file may be: check that this is \
         the state file (10,000 users take about 1 MiB)"
    );
}

#[test]
fn the_export_of_a_million_users_is_well_within_the_limit() {
    // A thousand users, one in three in a team, as the instances of the
    // bench are: a million users' export is a thousand times this, and the
    // limit leaves room for twice that (users in more teams).
    let mut state = InstanceState::default();
    let mut teams: Vec<TeamState> = (0..10).map(|_| TeamState::default()).collect();
    for n in 0..1000 {
        let email = EmailKey::new(Email::parse(format!("user{n}@corp{}.example", n % 10)).unwrap());
        let user = UserState {
            admin: false,
            deactivated: false,
            username: Some(Username::parse(format!("user{n}")).unwrap()),
        };
        if n % 3 == 0 {
            teams[n % 10]
                .members
                .insert(Identity::Email(email.clone()), TeamRole::Member);
        }
        state.users.insert(email, user);
    }
    for (n, team) in teams.into_iter().enumerate() {
        state
            .teams
            .insert(TeamName::parse(format!("team-{n}")).unwrap(), team);
    }

    let million = 1000 * crate::state_file::render(&state, Format::Toml).len() as u64;

    assert!(
        million * 2 < MAX_STATE_FILE_BYTES,
        "a million users take {million} bytes, the limit is {MAX_STATE_FILE_BYTES}"
    );
}

#[test]
fn a_file_that_is_not_utf8_is_refused_at_the_line_of_the_first_bad_byte() {
    let bytes = b"version = 1\n[[users]]\nemail = \"ad\xffa@x.io\"\n";

    let errors = crate::state_file::read(&bytes[..], FILE, None).unwrap_err();

    assert_eq!(
        errors[0].to_string(),
        "people.toml:3: it is not UTF-8 text: save the file as UTF-8"
    );
}

#[test]
fn a_file_that_cannot_be_read_says_so_with_the_reason_kept() {
    struct Broken;
    impl Read for Broken {
        fn read(&mut self, _: &mut [u8]) -> std::io::Result<usize> {
            Err(std::io::Error::other("disk on fire"))
        }
    }

    let errors = crate::state_file::read(Broken, FILE, None).unwrap_err();

    assert_eq!(
        errors[0].to_string(),
        "people.toml: cannot read it: disk on fire: check the path"
    );
    assert!(std::error::Error::source(&errors[0]).is_some());
}
