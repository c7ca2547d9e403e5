use serde_json::json;
use users_domain::{
    Email, EmailKey, Identity, InstanceSnapshot, InstanceState, PlanOptions, SafetyLimits,
    TeamName, TeamRole, TeamState, UserState, check_safety, plan,
};

use super::*;
use crate::state_file::{Format, parse};

const FILE: &str = "people.toml";

fn key(email: &str) -> EmailKey {
    EmailKey::new(Email::parse(email).unwrap())
}

/// root (the caller, an admin), bob (an admin), cy (deactivated), old; team
/// ml of root and bob.
fn instance() -> InstanceSnapshot {
    let mut state = InstanceState::default();
    let user = |admin, deactivated| UserState {
        admin,
        deactivated,
        username: None,
    };
    state.users.insert(key("root@x.io"), user(true, false));
    state.users.insert(key("bob@x.io"), user(true, false));
    state.users.insert(key("cy@x.io"), user(false, true));
    state.users.insert(key("old@x.io"), user(false, false));
    let mut ml = TeamState::default();
    ml.members
        .insert(Identity::Email(key("root@x.io")), TeamRole::Admin);
    ml.members
        .insert(Identity::Email(key("bob@x.io")), TeamRole::Member);
    state.teams.insert(TeamName::parse("ml").unwrap(), ml);
    InstanceSnapshot::new(state, Identity::Email(key("root@x.io")))
}

/// A file that asks for one change of nearly every kind.
const EDITED: &str = r#"version = 1

[[users]]
email = "root@x.io"
admin = true

[[users]]
email = "bob@x.io"

[[users]]
email = "cy@x.io"

[[users]]
email = "new@x.io"
admin = true

[[teams]]
name = "ml"
service_accounts = ["nightly CI"]
members = [
  { who = "root@x.io", role = "admin" },
  { who = "bob@x.io", role = "viewer" },
  { who = "cy@x.io" },
]

[[teams]]
name = "ops"
members = [{ who = "root@x.io", role = "admin" }]
"#;

fn planned(text: &str, prune: bool) -> (ValidatedState, Plan, InstanceSnapshot) {
    let current = instance();
    let desired = parse(text, FILE, Format::Toml)
        .unwrap()
        .validate(current.state())
        .unwrap();
    let plan = plan(&desired, &current, &PlanOptions { prune });
    (desired, plan, current)
}

#[test]
fn a_plan_is_grouped_by_kind_each_change_with_its_line_then_the_summary() {
    let (desired, plan, _) = planned(EDITED, true);
    let source = Source {
        file: FILE,
        desired: &desired,
    };

    let text = plan_text(&plan, source);

    assert_eq!(
        text,
        "create user (1):\n\
         \x20 new@x.io, as instance admin            people.toml:14\n\
         create team (1):\n\
         \x20 ops                                    people.toml:27\n\
         reactivate (1):\n\
         \x20 cy@x.io                                people.toml:11\n\
         set admin (1):\n\
         \x20 bob@x.io: take instance admin away     people.toml:8\n\
         add member (1):\n\
         \x20 cy@x.io to ml as member                people.toml:23\n\
         change role (1):\n\
         \x20 bob@x.io in ml, from member to viewer  people.toml:22\n\
         create service account (1):\n\
         \x20 'nightly CI' in ml                     people.toml:19\n\
         deactivate (1):\n\
         \x20 old@x.io                               pruned: not in the file\n\
         \n\
         8 changes: 1 create user, 1 create team, 1 reactivate, 1 set admin, 1 add member, \
         1 change role, 1 create service account, 1 deactivate"
    );
}

#[test]
fn an_instance_as_the_file_says_has_no_changes() {
    let in_sync = r#"version = 1
users = [
  { email = "root@x.io", admin = true },
  { email = "bob@x.io", admin = true },
  { email = "cy@x.io", deactivated = true },
  { email = "old@x.io" },
]
[[teams]]
name = "ml"
members = [{ who = "root@x.io", role = "admin" }, { who = "bob@x.io" }]
"#;
    let (desired, plan, _) = planned(in_sync, true);
    let source = Source {
        file: FILE,
        desired: &desired,
    };

    assert_eq!(
        plan_text(&plan, source),
        "no changes: the instance is as people.toml says"
    );
    let json = serde_json::to_value(PlanView::new(&plan, source, &[])).unwrap();
    assert_eq!(json["changes"], json!([]));
    assert_eq!(json["summary"]["total"], 0);
}

#[test]
fn as_json_each_change_has_its_kind_phase_fields_and_line() {
    let (desired, plan, current) = planned(EDITED, true);
    let source = Source {
        file: FILE,
        desired: &desired,
    };
    let refusals = check_safety(
        &plan,
        &current,
        &SafetyLimits {
            max_deactivate: Some(0),
        },
    )
    .unwrap_err();

    let json = serde_json::to_value(PlanView::new(&plan, source, &refusals)).unwrap();

    assert_eq!(json["file"], FILE);
    assert_eq!(json["prune"], true);
    let changes = json["changes"].as_array().unwrap();
    let of = |kind: &str| {
        changes
            .iter()
            .find(|change| change["change"] == kind)
            .unwrap_or_else(|| panic!("no {kind} in {json}"))
            .clone()
    };
    assert_eq!(
        of("create_user"),
        json!({"change": "create_user", "phase": "create", "user": "new@x.io", "admin": true, "line": 14})
    );
    assert_eq!(
        of("set_admin"),
        json!({"change": "set_admin", "phase": "revoke", "user": "bob@x.io", "admin": false, "deactivated": false, "line": 8})
    );
    assert_eq!(
        of("change_role"),
        json!({"change": "change_role", "phase": "membership", "team": "ml", "who": "bob@x.io", "from": "member", "to": "viewer", "line": 22})
    );
    assert_eq!(
        of("create_service_account"),
        json!({"change": "create_service_account", "phase": "membership", "team": "ml", "name": "nightly CI", "line": 19})
    );
    assert_eq!(
        of("deactivate"),
        json!({"change": "deactivate", "phase": "revoke", "user": "old@x.io", "line": null})
    );
    assert_eq!(json["summary"]["total"], 8);
    assert_eq!(json["summary"]["remove_member"], 0);
    assert_eq!(json["summary"]["deactivate"], 1);
    assert_eq!(json["refusals"][0]["kind"], "over_deactivation_limit");
    assert!(
        json["refusals"][0]["message"]
            .as_str()
            .unwrap()
            .contains("--max-deactivate 1")
    );
}

#[test]
fn a_service_account_named_like_a_key_is_masked_in_text_and_json() {
    let secret = "0123456789abcdefghij0123456789abcdefghij";
    let text = EDITED.replace("nightly CI", secret);
    let (desired, plan, _) = planned(&text, false);
    let source = Source {
        file: FILE,
        desired: &desired,
    };

    let shown = plan_text(&plan, source);
    let json = serde_json::to_string(&PlanView::new(&plan, source, &[])).unwrap();

    assert!(!shown.contains(&secret[4..36]), "{shown}");
    assert!(!json.contains(&secret[4..36]), "{json}");
    assert!(shown.contains("create service account"), "{shown}");
}

#[test]
fn every_refusal_has_a_kind_of_its_own() {
    let kinds: Vec<&str> = [
        Refusal::DeactivatesCaller {
            caller: key("root@x.io"),
        },
        Refusal::DemotesCaller {
            caller: key("root@x.io"),
        },
        Refusal::NoActiveAdmin,
        Refusal::TooManyDeactivations {
            count: 5,
            active: 10,
        },
        Refusal::OverDeactivationLimit { count: 5, max: 1 },
    ]
    .iter()
    .map(|refusal| RefusalView::from(refusal).kind)
    .collect();

    assert_eq!(
        kinds,
        [
            "deactivates_caller",
            "demotes_caller",
            "no_active_admin",
            "too_many_deactivations",
            "over_deactivation_limit"
        ]
    );
}

#[test]
fn a_stale_admin_flag_is_taken_away_while_the_user_is_still_deactivated() {
    let mut state = instance().state().clone();
    if let Some(cy) = state.users.get_mut(&key("cy@x.io")) {
        cy.admin = true;
    }
    let current = InstanceSnapshot::new(state, Identity::Email(key("root@x.io")));
    let text = "version = 1\n\n[[users]]\nemail = \"root@x.io\"\nadmin = true\n\n\
                [[users]]\nemail = \"cy@x.io\"\n";
    let desired = parse(text, FILE, Format::Toml)
        .unwrap()
        .validate(current.state())
        .unwrap();
    let plan = plan(&desired, &current, &PlanOptions::default());
    let source = Source {
        file: FILE,
        desired: &desired,
    };

    let json = serde_json::to_value(PlanView::new(&plan, source, &[])).unwrap();

    assert_eq!(
        json["changes"][0],
        json!({"change": "set_admin", "phase": "prepare", "user": "cy@x.io", "admin": false, "deactivated": true, "line": 8})
    );
    assert!(
        plan_text(&plan, source)
            .contains("cy@x.io: take instance admin away, while still deactivated"),
        "{}",
        plan_text(&plan, source)
    );
}
