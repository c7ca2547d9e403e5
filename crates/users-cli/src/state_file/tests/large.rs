//! A large file: 10,000 users and 100 teams of 100 members each, read in
//! both formats. How long it takes is printed (`--nocapture`), not
//! asserted: a test that times itself fails on a busy machine.

use std::time::Instant;

use users_domain::{
    Email, EmailKey, Identity, InstanceState, TeamRole, TeamState, UserState, Username,
};

use super::{read, team};
use crate::state_file::{Format, render};

fn large() -> InstanceState {
    let mut state = InstanceState::default();
    let keys: Vec<EmailKey> = (0..10_000)
        .map(|n| EmailKey::new(Email::parse(format!("user{n:05}@example.com")).unwrap()))
        .collect();
    for (n, key) in keys.iter().enumerate() {
        let user = UserState {
            admin: n % 100 == 0,
            deactivated: n % 10 == 9,
            username: Some(Username::parse(format!("user{n:05}")).unwrap()),
        };
        state.users.insert(key.clone(), user);
    }
    for t in 0..100 {
        let mut members = TeamState::default();
        for key in keys.iter().skip(t * 100).take(100) {
            members
                .members
                .insert(Identity::Email(key.clone()), TeamRole::Member);
        }
        members.service_accounts.insert(format!("ci-{t}"));
        state.teams.insert(team(&format!("team-{t:03}")), members);
    }
    state
}

#[test]
fn ten_thousand_users_and_a_hundred_teams_parse_in_both_formats() {
    let state = large();
    for format in [Format::Toml, Format::Json] {
        let started = Instant::now();
        let text = render(&state, format);
        let rendered = started.elapsed();

        let started = Instant::now();
        let parsed = read(&text, format).unwrap();
        let parsed_in = started.elapsed();

        assert_eq!(parsed.users.len(), 10_000);
        assert_eq!(parsed.teams.len(), 100);
        assert!(
            parsed
                .teams
                .iter()
                .all(|team| team.value.members.len() == 100)
        );
        println!(
            "{format}: {} KiB rendered in {rendered:?}, parsed in {parsed_in:?}",
            text.len() >> 10
        );
    }
}
