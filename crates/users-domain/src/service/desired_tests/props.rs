//! Properties over generated instances and files: applying the plan makes
//! the instance what the file says (and a second plan is empty); a run cut
//! short, then planned and applied again, gets there without doing
//! anything twice.

use std::collections::BTreeSet;

use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;

use super::*;
use crate::{InstanceState, Username, ValidatedState};

const PEOPLE: usize = 5;
const TEAMS: usize = 3;
const ACCOUNTS: [&str; 2] = ["ci", "etl"];
const ROLES: [&str; 4] = ["admin", "member", "viewer", "auditor"];

/// A team on the instance: root's role, each person's role if a member,
/// and which service accounts it has.
type GivenTeam = (usize, Vec<Option<usize>>, Vec<bool>);

/// A team in a file: each member slot (root first) with the role and
/// whether the member is named by username, and which service accounts.
type ListedTeam = (Vec<Option<(usize, bool)>>, Vec<bool>);

/// An instance: root, and who of the people exists (admin, deactivated:
/// both may hold, a stale flag); each team's members (root always among
/// them, as the team's creator was) and service accounts.
#[derive(Debug, Clone)]
struct Instance {
    people: Vec<Option<(bool, bool)>>,
    teams: Vec<Option<GivenTeam>>,
}

/// A file: root as an admin, and who of the people it lists (admin,
/// deactivated, email in capitals, username declared); each team's members
/// (root first: role, named by username) and service accounts.
#[derive(Debug, Clone)]
struct File {
    people: Vec<Option<(bool, bool, bool, bool)>>,
    teams: Vec<Option<ListedTeam>>,
}

fn instances() -> impl Strategy<Value = Instance> {
    (
        vec(option::of((any::<bool>(), any::<bool>())), PEOPLE),
        vec(
            option::of((
                0..ROLES.len(),
                vec(option::of(0..ROLES.len()), PEOPLE),
                vec(any::<bool>(), ACCOUNTS.len()),
            )),
            TEAMS,
        ),
    )
        .prop_map(|(people, teams)| Instance { people, teams })
}

fn files() -> impl Strategy<Value = File> {
    (
        vec(
            option::of((any::<bool>(), any::<bool>(), any::<bool>(), any::<bool>())),
            PEOPLE,
        ),
        vec(
            option::of((
                vec(option::of((0..ROLES.len(), any::<bool>())), PEOPLE + 1),
                vec(any::<bool>(), ACCOUNTS.len()),
            )),
            TEAMS,
        ),
    )
        .prop_map(|(people, teams)| File { people, teams })
}

fn email(person: usize) -> String {
    format!("p{person}@x.io")
}

fn serve(given: &Instance) -> (Arc<FakeServer>, Admin) {
    let server = Arc::new(FakeServer::new());
    {
        let mut world = server.world();
        let mut index = [None; PEOPLE];
        for (person, flags) in given.people.iter().enumerate() {
            if let Some((admin, deactivated)) = *flags {
                index[person] = Some(world.add_user(&email(person), admin, deactivated));
            }
        }
        for (at, spec) in given.teams.iter().enumerate() {
            let Some((root_role, roles, accounts)) = spec else {
                continue;
            };
            let mut members = vec![(0, TeamRole::parse(ROLES[*root_role]).unwrap())];
            for (person, role) in roles.iter().enumerate() {
                if let (Some(user), Some(role)) = (index[person], role) {
                    members.push((user, TeamRole::parse(ROLES[*role]).unwrap()));
                }
            }
            world.add_team(&format!("t{at}"), members);
            let team = world.teams.len() - 1;
            for (account, wanted) in ACCOUNTS.iter().zip(accounts) {
                if *wanted {
                    world.add_service_account(team, account);
                }
            }
        }
    }
    let admin = UserAdmin::new(Arc::clone(&server));
    (server, admin)
}

fn declare(file: &File, given: &Instance) -> DesiredState {
    let mut line = 0;
    let mut next = || {
        line += 1;
        line
    };
    let mut desired = DesiredState::default();
    desired
        .roles
        .push(Located::at(RoleName::parse("auditor").unwrap(), next()));
    desired.users.push(Located::at(
        DesiredUser {
            email: Email::parse("root@x.io").unwrap(),
            admin: true,
            deactivated: false,
            username: None,
        },
        next(),
    ));
    for (person, flags) in file.people.iter().enumerate() {
        let Some((admin, deactivated, shout, named)) = *flags else {
            continue;
        };
        let address = email(person);
        let address = if shout {
            address.to_uppercase()
        } else {
            address
        };
        desired.users.push(Located::at(
            DesiredUser {
                email: Email::parse(address).unwrap(),
                admin: admin && !deactivated,
                deactivated,
                username: named.then(|| Username::parse(format!("p{person}")).unwrap()),
            },
            next(),
        ));
    }
    for (at, spec) in file.teams.iter().enumerate() {
        let Some((members, accounts)) = spec else {
            continue;
        };
        let mut team = DesiredTeam {
            name: team(&format!("t{at}")),
            members: Vec::new(),
            service_accounts: Vec::new(),
        };
        for (slot, member) in members.iter().enumerate() {
            let Some((role, by_username)) = *member else {
                continue;
            };
            let (address, known_by_name) = if slot == 0 {
                ("root@x.io".to_owned(), true)
            } else {
                let person = slot - 1;
                let on_server = given.people[person].is_some();
                let in_file = file.people[person];
                if !on_server && in_file.is_none() {
                    continue;
                }
                (
                    email(person),
                    on_server || in_file.is_some_and(|flags| flags.3),
                )
            };
            let who = if by_username && known_by_name {
                address.split('@').next().unwrap().to_owned()
            } else {
                address
            };
            team.members.push(Located::at(
                DesiredMember {
                    who: Invitee::parse(&who).unwrap(),
                    role: TeamRole::parse(ROLES[role]).unwrap(),
                },
                next(),
            ));
        }
        for (account, wanted) in ACCOUNTS.iter().zip(accounts) {
            if *wanted {
                team.service_accounts
                    .push(Located::at((*account).to_owned(), next()));
            }
        }
        let line = next();
        desired.teams.push(Located::at(team, line));
    }
    desired
}

fn validated(desired: &DesiredState, current: &InstanceSnapshot) -> ValidatedState {
    desired
        .validate(current.state())
        .unwrap_or_else(|errors| panic!("a generated file is valid: {errors:#?}"))
}

/// Checks that `after` is what `desired` declares, over what `before` was.
fn check_made(
    desired: &ValidatedState,
    before: &InstanceState,
    after: &InstanceState,
    prune: bool,
) -> Result<(), TestCaseError> {
    let want = desired.state();
    for (key, wanted) in &want.users {
        let got = &after.users[key];
        prop_assert_eq!(
            (got.admin, got.deactivated),
            (wanted.admin, wanted.deactivated),
            "{}",
            key
        );
    }
    for (key, had) in &before.users {
        if want.users.contains_key(key) {
            continue;
        }
        let got = &after.users[key];
        if prune {
            prop_assert!(got.deactivated, "{} was not pruned", key);
        } else {
            prop_assert_eq!(got, had, "{} was touched", key);
        }
    }
    for (name, wanted) in &want.teams {
        let got = &after.teams[name];
        prop_assert_eq!(&got.members, &wanted.members, "{}", name);
        let kept: BTreeSet<String> = before
            .teams
            .get(name)
            .map(|had| had.service_accounts.clone())
            .unwrap_or_default()
            .union(&wanted.service_accounts)
            .cloned()
            .collect();
        prop_assert_eq!(&got.service_accounts, &kept, "{}", name);
    }
    for (name, had) in &before.teams {
        if !want.teams.contains_key(name) {
            prop_assert_eq!(&after.teams[name], had, "{} was touched", name);
        }
    }
    Ok(())
}

fn apply_checked(admin: &Admin, plan: &Plan, current: &InstanceSnapshot) -> ApplyReport {
    let limits = SafetyLimits {
        max_deactivate: Some(usize::MAX),
    };
    let checked = check_safety(plan, current, &limits)
        .unwrap_or_else(|refusals| panic!("a generated plan is safe: {refusals:?}"));
    run(admin.apply(checked, NonZeroUsize::new(3).unwrap(), |_| {}))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn applying_the_plan_makes_the_instance_what_the_file_says(
        given in instances(),
        file in files(),
        prune in any::<bool>(),
    ) {
        let (server, admin) = serve(&given);
        let options = PlanOptions { prune };
        let declared = declare(&file, &given);
        let before = run(admin.snapshot_for(&declared)).unwrap();
        let desired = validated(&declared, &before);
        let plan = plan(&desired, &before, &options);
        let report = apply_checked(&admin, &plan, &before);
        prop_assert!(report.is_complete(), "{:#?}", outcomes(&report));
        let after = run(admin.snapshot_for(&declared)).unwrap();
        check_made(&desired, before.state(), after.state(), prune)?;
        let again = validated(&declared, &after);
        let replanned = crate::plan(&again, &after, &options);
        prop_assert!(replanned.is_empty(), "{:?}", replanned.changes());
        prop_assert_eq!(server.world().redundant, 0);
    }

    #[test]
    fn a_run_cut_short_then_planned_again_gets_there_without_doing_anything_twice(
        given in instances(),
        file in files(),
        prune in any::<bool>(),
        cut in 0usize..15,
        lost in vec(0usize..15, 0..6),
    ) {
        let (server, admin) = serve(&given);
        let options = PlanOptions { prune };
        let declared = declare(&file, &given);
        let before = run(admin.snapshot_for(&declared)).unwrap();
        let first = plan(&validated(&declared, &before), &before, &options);
        server.world().faults = Faults {
            down_from: Some(cut),
            lost: lost.into_iter().collect(),
            ..Faults::default()
        };
        apply_checked(&admin, &first, &before);
        server.world().faults = Faults::default();
        let middle = run(admin.snapshot_for(&declared)).unwrap();
        let second = plan(&validated(&declared, &middle), &middle, &options);
        let report = apply_checked(&admin, &second, &middle);
        prop_assert!(report.is_complete(), "{:#?}", outcomes(&report));
        let after = run(admin.snapshot_for(&declared)).unwrap();
        prop_assert!(plan(&validated(&declared, &after), &after, &options).is_empty());
        let world = server.world();
        prop_assert_eq!(world.redundant, 0);
        let made: BTreeSet<&String> = world.log.iter().collect();
        prop_assert_eq!(made.len(), world.log.len(), "a change was made twice: {:#?}", world.log);
    }
}
