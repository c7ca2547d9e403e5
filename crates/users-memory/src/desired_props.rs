//! The desired-state loop (issue 12) on this adapter: for a generated
//! instance seeded into a world and a generated file, applying the plan
//! makes the instance's export what the file says (or the safety rails
//! refuse it, for the right reasons), a second plan is empty, and a run
//! that loses answers or is cut short, planned and applied again, gets
//! there without making any change twice.
//!
//! Mutations go through [`Counted`], which compares the world before and
//! after each one: a mutation that changed nothing, or a change made twice,
//! fails the property.

use std::collections::{BTreeMap, BTreeSet};
use std::future::Future;
use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex, PoisonError};

use async_trait::async_trait;
use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;
use secrecy::ExposeSecret as _;
use users_domain::{
    ApiKeySecret, ApplyReport, DesiredMember, DesiredState, DesiredTeam, DesiredUser, Email,
    EmailKey, Error, Identity, InstanceSnapshot, InstanceState, Invitee, Located, Member, MemberId,
    PRUNE_SHARE_PERCENT, PageRequest, Plan, PlanOptions, Refusal, Result, RoleName, SafetyLimits,
    Team, TeamName, TeamRepository, TeamRole, TeamState, User, UserAdmin, UserId, UserPage,
    UserRepository, Username, ValidatedState, check_safety, plan,
};

use crate::state::{Index, Membership, State};
use crate::{InMemoryUserRepository, InMemoryWorld, Mutation, Seed, SeedKey, SeedUser};

const PEOPLE: usize = 5;
const TEAMS: usize = 3;
const ACCOUNTS: [&str; 2] = ["ci", "etl"];
const ROLES: [&str; 4] = ["admin", "member", "viewer", "auditor"];
/// How a file may spell the world's custom role: the server compares role
/// names ignoring case, as it does team names.
const AUDITOR: [&str; 3] = ["auditor", "Auditor", "AUDITOR"];
const ROOT: &str = "root@x.io";
const DEACTIVATED_AT: &str = "2023-06-01T00:00:00Z";

fn email(person: usize) -> String {
    format!("p{person}@x.io")
}

fn team_name(at: usize) -> String {
    format!("t{at}")
}

fn run<F: Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
        .block_on(future)
}

// ---- the instance ----

/// A team on the instance: root's role if a member, each person's role if a
/// member (and they exist), and which service accounts it has. A team with
/// nobody in it exists too (seeded by name).
type GivenTeam = (Option<usize>, Vec<Option<usize>>, Vec<bool>);

/// An instance: root (the caller, an active admin with the key), and who of
/// the people exists (admin, deactivated: both may hold, a stale flag);
/// each team's members and service accounts.
#[derive(Debug, Clone)]
struct Instance {
    people: Vec<Option<(bool, bool)>>,
    teams: Vec<Option<GivenTeam>>,
}

fn instances() -> impl Strategy<Value = Instance> {
    (
        vec(option::of((any::<bool>(), any::<bool>())), PEOPLE),
        vec(
            option::of((
                option::of(0..ROLES.len()),
                vec(option::of(0..ROLES.len()), PEOPLE),
                vec(any::<bool>(), ACCOUNTS.len()),
            )),
            TEAMS,
        ),
    )
        .prop_map(|(people, teams)| Instance { people, teams })
}

/// The world `given` describes, and root's key.
fn seed(given: &Instance) -> (InMemoryWorld, ApiKeySecret) {
    let secret = InMemoryWorld::generate_secret();
    let mut seed = Seed::new().role("auditor");
    let mut root = SeedUser::new(ROOT)
        .admin(true)
        .key(SeedKey::new(secret.expose_secret()));
    let mut people: Vec<Option<SeedUser>> = given
        .people
        .iter()
        .enumerate()
        .map(|(person, flags)| {
            flags.map(|(admin, deactivated)| {
                let user = SeedUser::new(email(person)).admin(admin);
                if deactivated {
                    user.deleted_at(DEACTIVATED_AT)
                } else {
                    user
                }
            })
        })
        .collect();
    let mut accounts = Vec::new();
    for (at, spec) in given.teams.iter().enumerate() {
        let Some((root_role, roles, wanted)) = spec else {
            continue;
        };
        let name = team_name(at);
        seed = seed.team(&name);
        if let Some(r) = root_role {
            root = root.team_role(&name, ROLES[*r]);
        }
        for (person, r) in roles.iter().enumerate() {
            if let (Some(user), Some(r)) = (&mut people[person], r) {
                *user = user.clone().team_role(&name, ROLES[*r]);
            }
        }
        for (account, wanted) in ACCOUNTS.iter().zip(wanted) {
            if *wanted {
                accounts.push(SeedUser::service_account(*account).team(&name));
            }
        }
    }
    seed = seed.user(root);
    for user in people.into_iter().flatten().chain(accounts) {
        seed = seed.user(user);
    }
    (InMemoryWorld::from_seed(seed).unwrap(), secret)
}

// ---- the file ----

/// A team in a file: each member slot (root first) with the role and
/// whether the member is named by username, which service accounts, and
/// whether its name is written in capitals.
type ListedTeam = (Vec<Option<(usize, bool)>>, Vec<bool>, bool);

/// A file: how it spells the custom role (of [`AUDITOR`]), root's entry
/// (admin, deactivated; `None` when not listed), who of the people it
/// lists (admin, deactivated, email in capitals, username declared), each
/// team's members (root first) and service accounts.
#[derive(Debug, Clone)]
struct File {
    auditor: usize,
    root: Option<(bool, bool)>,
    people: Vec<Option<(bool, bool, bool, bool)>>,
    teams: Vec<Option<ListedTeam>>,
}

/// Files whose root entry `root` generates.
fn files(root: impl Strategy<Value = Option<(bool, bool)>>) -> impl Strategy<Value = File> {
    (
        0..AUDITOR.len(),
        root,
        vec(
            option::of((any::<bool>(), any::<bool>(), any::<bool>(), any::<bool>())),
            PEOPLE,
        ),
        vec(
            option::of((
                vec(option::of((0..ROLES.len(), any::<bool>())), PEOPLE + 1),
                vec(any::<bool>(), ACCOUNTS.len()),
                any::<bool>(),
            )),
            TEAMS,
        ),
    )
        .prop_map(|(auditor, root, people, teams)| File {
            auditor,
            root,
            people,
            teams,
        })
}

/// Root listed as an active admin mostly; else not listed, or anyhow (so
/// that the rails refuse some plans).
fn any_root() -> impl Strategy<Value = Option<(bool, bool)>> {
    prop_oneof![
        6 => Just(Some((true, false))),
        1 => Just(None),
        2 => (any::<bool>(), any::<bool>()).prop_map(Some),
    ]
}

fn declare(file: &File, given: &Instance) -> DesiredState {
    let mut line = 0;
    let mut next = || {
        line += 1;
        line
    };
    let mut desired = DesiredState::default();
    let auditor = AUDITOR[file.auditor];
    desired
        .roles
        .push(Located::at(RoleName::parse(auditor).unwrap(), next()));
    if let Some((admin, deactivated)) = file.root {
        desired.users.push(Located::at(
            DesiredUser {
                email: Email::parse(ROOT).unwrap(),
                admin: admin && !deactivated,
                deactivated,
                username: None,
            },
            next(),
        ));
    }
    for (person, flags) in file.people.iter().enumerate() {
        let Some((admin, deactivated, shout, named)) = *flags else {
            continue;
        };
        let address = if shout {
            email(person).to_uppercase()
        } else {
            email(person)
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
        let Some((members, accounts, shout)) = spec else {
            continue;
        };
        let name = if *shout {
            team_name(at).to_uppercase()
        } else {
            team_name(at)
        };
        let mut team = DesiredTeam {
            name: TeamName::parse(name).unwrap(),
            members: Vec::new(),
            service_accounts: Vec::new(),
        };
        for (slot, member) in members.iter().enumerate() {
            let Some((r, by_username)) = *member else {
                continue;
            };
            let (address, known_by_name) = if slot == 0 {
                (ROOT.to_owned(), true)
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
                    role: TeamRole::parse(if ROLES[r] == AUDITOR[0] {
                        auditor
                    } else {
                        ROLES[r]
                    })
                    .unwrap(),
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

// ---- the rails, worked out from the generated instance and file alone ----

/// What the rails must refuse, from `given` and `file` alone (not the plan).
fn expected_refusals(
    given: &Instance,
    file: &File,
    prune: bool,
    limits: &SafetyLimits,
) -> Vec<Refusal> {
    let root_key = EmailKey::new(Email::parse(ROOT).unwrap());
    let mut refusals = Vec::new();
    match file.root {
        Some((_, true)) => refusals.push(Refusal::DeactivatesCaller { caller: root_key }),
        Some((false, false)) => refusals.push(Refusal::DemotesCaller { caller: root_key }),
        None if prune => refusals.push(Refusal::DeactivatesCaller { caller: root_key }),
        Some((true, false)) | None => {}
    }
    // (active now, active admin afterwards, deactivated by the plan) of each person, root first.
    let root_after = match file.root {
        Some((admin, deactivated)) => admin && !deactivated,
        None => !prune,
    };
    let root_deactivated = file.root.map_or(prune, |(_, deactivated)| deactivated);
    let mut people = vec![(true, root_after, root_deactivated)];
    for (now, listed) in given.people.iter().zip(&file.people) {
        let active = now.is_some_and(|(_, deactivated)| !deactivated);
        let (admin_after, deactivated) = match (listed, now) {
            (Some((admin, deactivated, _, _)), _) => (*admin && !deactivated, *deactivated),
            (None, Some((admin, deactivated))) => (!prune && *admin && !deactivated, prune),
            (None, None) => (false, false),
        };
        people.push((active, admin_after, active && deactivated));
    }
    if !people.iter().any(|&(_, admin_after, _)| admin_after) {
        refusals.push(Refusal::NoActiveAdmin);
    }
    let count = people.iter().filter(|person| person.2).count();
    let active = people.iter().filter(|person| person.0).count();
    match limits.max_deactivate {
        Some(max) if count > max => refusals.push(Refusal::OverDeactivationLimit { count, max }),
        None if prune && count * 100 > active * PRUNE_SHARE_PERCENT => {
            refusals.push(Refusal::TooManyDeactivations { count, active });
        }
        _ => {}
    }
    refusals
}

fn by_text(refusals: &[Refusal]) -> Vec<String> {
    let mut texts: Vec<String> = refusals.iter().map(ToString::to_string).collect();
    texts.sort();
    texts
}

// ---- a backend that counts what each mutation changed ----

/// What the world looks like, as far as the state's people go.
#[derive(Debug, PartialEq, Eq)]
struct Fingerprint {
    /// Each user: admin flag, deactivated, teams with roles.
    users: Vec<(bool, bool, Vec<Membership>)>,
    /// Each team's members, in order.
    teams: Vec<Vec<Index>>,
}

fn fingerprint(state: &State) -> Fingerprint {
    Fingerprint {
        users: state
            .users()
            .iter()
            .map(|user| (user.admin, user.deleted_at.is_some(), user.teams.clone()))
            .collect(),
        teams: (0..state.team_count())
            .map(|team| state.team(u32::try_from(team).unwrap()).members.clone())
            .collect(),
    }
}

/// Every mutation that reached the world, by what it was meant to change.
#[derive(Debug, Default)]
struct Log {
    /// Those that changed the world.
    made: Vec<String>,
    /// Those that changed nothing.
    redundant: Vec<String>,
    /// How many reached the world.
    sent: usize,
    /// After this many mutations, every call fails as if the server were
    /// gone (or the process killed): nothing more reaches the world.
    down_after: Option<usize>,
    /// The mutations (counted from 0) whose answers are lost.
    lose: BTreeSet<usize>,
    /// Whether the server goes when the first answer is lost: nothing can
    /// be read back to settle it.
    down_on_loss: bool,
}

impl Log {
    fn down(&self) -> bool {
        self.down_after.is_some_and(|after| self.sent >= after)
    }

    /// Labels made more than once.
    fn made_twice(&self) -> Vec<&String> {
        let mut seen = BTreeSet::new();
        self.made
            .iter()
            .filter(|label| !seen.insert(label.as_str()))
            .collect()
    }
}

/// The repository of root, with every mutation logged against the world.
#[derive(Debug, Clone)]
struct Counted {
    repo: InMemoryUserRepository,
    world: InMemoryWorld,
    log: Arc<Mutex<Log>>,
}

fn gone() -> Error {
    Error::Unavailable {
        reason: "the server is gone (staged by the test)".into(),
    }
}

impl Counted {
    fn log(&self) -> std::sync::MutexGuard<'_, Log> {
        self.log.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn read(&self) -> Result<()> {
        if self.log().down() {
            Err(gone())
        } else {
            Ok(())
        }
    }

    async fn mutation<T, F: Future<Output = Result<T>>>(
        &self,
        mutation: Mutation,
        label: String,
        send: impl FnOnce() -> F,
    ) -> Result<T> {
        {
            let mut log = self.log();
            if log.down() {
                return Err(gone());
            }
            let ordinal = log.sent;
            log.sent += 1;
            if log.lose.contains(&ordinal) {
                self.world.lose_next_answer(mutation);
                if log.down_on_loss && log.down_after.is_none() {
                    log.down_after = Some(log.sent);
                }
            }
        }
        let before = fingerprint(&self.world.lock());
        let answer = send().await;
        let after = fingerprint(&self.world.lock());
        let mut log = self.log();
        if before == after {
            log.redundant.push(label);
        } else {
            log.made.push(label);
        }
        answer
    }

    /// Who `invitee` is in the world, for a label: the user's place.
    fn place_of(&self, invitee: &Invitee) -> String {
        let state = self.world.lock();
        let place = match invitee {
            Invitee::Username(name) => state.user_named(name.as_str()),
            Invitee::Email(email) => state.user_with_email(email.as_str()),
        };
        place.map_or_else(|| format!("nobody {invitee}"), |at| format!("#{at}"))
    }
}

fn lower(text: impl std::fmt::Display) -> String {
    text.to_string().to_ascii_lowercase()
}

#[async_trait]
impl UserRepository for Counted {
    async fn viewer(&self) -> Result<User> {
        self.read()?;
        self.repo.viewer().await
    }

    async fn search_users(&self, query: &str) -> Result<Vec<User>> {
        self.read()?;
        self.repo.search_users(query).await
    }

    async fn list_users(&self, query: &str, page: &PageRequest) -> Result<UserPage> {
        self.read()?;
        self.repo.list_users(query, page).await
    }

    async fn user_by_id(&self, id: &UserId) -> Result<User> {
        self.read()?;
        self.repo.user_by_id(id).await
    }

    async fn create_user(&self, email: &Email, admin: bool) -> Result<User> {
        let label = format!("create user {}", lower(email));
        self.mutation(Mutation::CreateUser, label, || {
            self.repo.create_user(email, admin)
        })
        .await
    }

    async fn deactivate_user(&self, id: &UserId) -> Result<()> {
        let label = format!("deactivate {id}");
        self.mutation(Mutation::DeactivateUser, label, || {
            self.repo.deactivate_user(id)
        })
        .await
    }

    async fn reactivate_user(&self, id: &UserId) -> Result<()> {
        let label = format!("reactivate {id}");
        self.mutation(Mutation::ReactivateUser, label, || {
            self.repo.reactivate_user(id)
        })
        .await
    }

    async fn set_instance_admin(&self, id: &UserId, admin: bool) -> Result<()> {
        let label = format!("set admin {id} {admin}");
        self.mutation(Mutation::SetInstanceAdmin, label, || {
            self.repo.set_instance_admin(id, admin)
        })
        .await
    }
}

#[async_trait]
impl TeamRepository for Counted {
    async fn team(&self, name: &TeamName) -> Result<Team> {
        self.read()?;
        self.repo.team(name).await
    }

    async fn create_team(&self, name: &TeamName, admin: Option<Username>) -> Result<Team> {
        let label = format!("create team {}", lower(name));
        self.mutation(Mutation::CreateTeam, label, || {
            self.repo.create_team(name, admin)
        })
        .await
    }

    async fn add_member(&self, team: &TeamName, invitee: &Invitee, admin: bool) -> Result<Member> {
        let label = format!("add {} to {}", self.place_of(invitee), lower(team));
        self.mutation(Mutation::AddMember, label, || {
            self.repo.add_member(team, invitee, admin)
        })
        .await
    }

    async fn remove_member(&self, team: &TeamName, member: &MemberId) -> Result<()> {
        let label = format!("remove {member} from {}", lower(team));
        self.mutation(Mutation::RemoveMember, label, || {
            self.repo.remove_member(team, member)
        })
        .await
    }

    async fn set_member_role(
        &self,
        team: &TeamName,
        member: &MemberId,
        role: &TeamRole,
    ) -> Result<()> {
        let label = format!("role of {member} in {} to {}", lower(team), lower(role));
        self.mutation(Mutation::SetMemberRole, label, || {
            self.repo.set_member_role(team, member, role)
        })
        .await
    }

    async fn create_service_account(&self, team: &TeamName, description: &str) -> Result<Member> {
        let label = format!("service account {description} in {}", lower(team));
        self.mutation(Mutation::CreateServiceAccount, label, || {
            self.repo.create_service_account(team, description)
        })
        .await
    }

    async fn service_account_secret(
        &self,
        team: &TeamName,
        member: &MemberId,
    ) -> Result<Option<ApiKeySecret>> {
        self.read()?;
        self.repo.service_account_secret(team, member).await
    }
}

type Admin = UserAdmin<Counted>;

fn serve(given: &Instance) -> (Admin, Arc<Mutex<Log>>) {
    let (world, secret) = seed(given);
    let log = Arc::new(Mutex::new(Log::default()));
    let counted = Counted {
        repo: world.connect(secret),
        world,
        log: Arc::clone(&log),
    };
    (UserAdmin::new(counted), log)
}

// ---- the checks ----

/// The team of `state` named `name`, ignoring case as the server does.
fn team_in<'s>(state: &'s InstanceState, name: &TeamName) -> Option<&'s TeamState> {
    state
        .teams
        .iter()
        .find(|(known, _)| known.as_str().eq_ignore_ascii_case(name.as_str()))
        .map(|(_, team)| team)
}

/// A team's members and their roles, ignoring the case of role names.
fn roles_of(team: &TeamState) -> BTreeMap<&Identity, String> {
    team.members
        .iter()
        .map(|(who, role)| (who, lower(role)))
        .collect()
}

/// Checks that `export` (the instance's export after applying) is what
/// `desired` declares over what `before` was, team and role names compared
/// ignoring case; a team `desired` names that nobody is in cannot be
/// exported, so `found` (the snapshot for planning) must hold it, empty.
fn check_made(
    desired: &ValidatedState,
    before: &InstanceState,
    export: &InstanceState,
    found: &InstanceState,
    prune: bool,
) -> std::result::Result<(), TestCaseError> {
    let want = desired.state();
    for (key, wanted) in &want.users {
        let got = export.users.get(key);
        prop_assert!(got.is_some(), "{} is not exported", key);
        let got = got.unwrap();
        prop_assert_eq!(
            (got.admin, got.deactivated),
            (wanted.admin, wanted.deactivated),
            "{}",
            key
        );
    }
    prop_assert_eq!(
        export.users.len(),
        before.users.len()
            + want
                .users
                .keys()
                .filter(|key| !before.users.contains_key(key))
                .count(),
        "users came or went that the file does not name"
    );
    for (key, had) in &before.users {
        if want.users.contains_key(key) {
            continue;
        }
        let got = &export.users[key];
        if prune {
            prop_assert!(got.deactivated, "{} was not pruned", key);
            prop_assert_eq!(&got.username, &had.username, "{}", key);
        } else {
            prop_assert_eq!(got, had, "{} was touched", key);
        }
    }
    for (name, wanted) in &want.teams {
        let kept: BTreeSet<String> = team_in(before, name)
            .map(|had| had.service_accounts.clone())
            .unwrap_or_default()
            .union(&wanted.service_accounts)
            .cloned()
            .collect();
        let Some(got) = team_in(export, name) else {
            prop_assert!(
                wanted.members.is_empty() && kept.is_empty(),
                "team {} is not exported",
                name
            );
            prop_assert_eq!(
                team_in(found, name),
                Some(&TeamState::default()),
                "{}",
                name
            );
            continue;
        };
        prop_assert_eq!(roles_of(got), roles_of(wanted), "{}", name);
        prop_assert_eq!(&got.service_accounts, &kept, "{}", name);
    }
    for (name, had) in &before.teams {
        if team_in(want, name).is_some() {
            continue;
        }
        if had.members.is_empty() && had.service_accounts.is_empty() {
            prop_assert!(!export.teams.contains_key(name), "{}", name);
        } else {
            prop_assert_eq!(export.teams.get(name), Some(had), "{} was touched", name);
        }
    }
    Ok(())
}

fn outcomes(report: &ApplyReport) -> Vec<String> {
    report
        .results
        .iter()
        .map(|(change, outcome)| format!("{change}: {outcome}"))
        .collect()
}

async fn apply(
    admin: &Admin,
    plan: &Plan,
    current: &InstanceSnapshot,
    concurrency: NonZeroUsize,
) -> ApplyReport {
    let limits = SafetyLimits {
        max_deactivate: Some(usize::MAX),
    };
    let checked = check_safety(plan, current, &limits)
        .unwrap_or_else(|refusals| panic!("a plan within the rails is safe: {refusals:?}"));
    admin.apply(checked, concurrency, |_| {}).await
}

/// One change at a time, or a few at once.
fn concurrencies() -> impl Strategy<Value = NonZeroUsize> {
    (1usize..5).prop_map(|n| NonZeroUsize::new(n).unwrap())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn applying_the_plan_makes_the_export_what_the_file_says_or_the_rails_refuse_it(
        given in instances(),
        file in files(any_root()),
        prune in any::<bool>(),
        max_deactivate in prop_oneof![Just(None), (0usize..3).prop_map(Some), Just(Some(PEOPLE))],
        concurrency in concurrencies(),
    ) {
        run(async {
            let (admin, log) = serve(&given);
            let options = PlanOptions { prune };
            let limits = SafetyLimits { max_deactivate };
            let declared = declare(&file, &given);
            let before = admin.snapshot_for(&declared).await.unwrap();
            let desired = validated(&declared, &before);
            let first = plan(&desired, &before, &options);
            let expected = expected_refusals(&given, &file, prune, &limits);
            let checked = match check_safety(&first, &before, &limits) {
                Ok(checked) => checked,
                Err(refusals) => {
                    prop_assert_eq!(by_text(&refusals), by_text(&expected));
                    return Ok(());
                }
            };
            prop_assert!(expected.is_empty(), "not refused: {:?}", expected);
            let report = admin
                .apply(checked, concurrency, |_| {})
                .await;
            prop_assert!(report.is_complete(), "{:#?}", outcomes(&report));
            let export = admin.export_state().await.unwrap();
            let after = admin.snapshot_for(&declared).await.unwrap();
            check_made(&desired, before.state(), &export, after.state(), prune)?;
            let again = plan(&validated(&declared, &after), &after, &options);
            prop_assert!(again.is_empty(), "{:?}", again.changes());
            let log = log.lock().unwrap();
            prop_assert!(log.redundant.is_empty(), "changed nothing: {:?}", log.redundant);
            prop_assert!(log.made_twice().is_empty(), "made twice: {:?}", log.made_twice());
            Ok(())
        })?;
    }

    #[test]
    fn a_run_that_loses_answers_or_is_cut_short_then_planned_again_gets_there_making_nothing_twice(
        given in instances(),
        file in files(Just(Some((true, false)))),
        prune in any::<bool>(),
        down_after in option::of(0usize..16),
        lose in vec(0usize..16, 1..6),
        down_on_loss in any::<bool>(),
        concurrency in concurrencies(),
    ) {
        run(async {
            let (admin, log) = serve(&given);
            let options = PlanOptions { prune };
            let declared = declare(&file, &given);
            let before = admin.snapshot_for(&declared).await.unwrap();
            let desired = validated(&declared, &before);
            let first = plan(&desired, &before, &options);
            {
                let mut log = log.lock().unwrap();
                log.down_after = down_after;
                log.lose = lose.into_iter().collect();
                log.down_on_loss = down_on_loss;
            }
            let cut_short = apply(&admin, &first, &before, concurrency).await;
            {
                let mut log = log.lock().unwrap();
                log.down_after = None;
                log.lose.clear();
                log.down_on_loss = false;
            }
            let middle = admin.snapshot_for(&declared).await.unwrap();
            let second = plan(&validated(&declared, &middle), &middle, &options);
            let redone: Vec<String> = cut_short
                .results
                .iter()
                .filter(|(change, outcome)| outcome.is_done() && second.changes().contains(change))
                .map(|(change, _)| change.to_string())
                .collect();
            prop_assert!(redone.is_empty(), "reported done, yet still to do: {:?}", redone);
            let report = apply(&admin, &second, &middle, concurrency).await;
            prop_assert!(report.is_complete(), "{:#?}", outcomes(&report));
            let export = admin.export_state().await.unwrap();
            let after = admin.snapshot_for(&declared).await.unwrap();
            check_made(&desired, before.state(), &export, after.state(), prune)?;
            let again = plan(&validated(&declared, &after), &after, &options);
            prop_assert!(again.is_empty(), "{:?}", again.changes());
            let log = log.lock().unwrap();
            prop_assert!(log.redundant.is_empty(), "changed nothing: {:?}", log.redundant);
            prop_assert!(log.made_twice().is_empty(), "made twice: {:?}", log.made_twice());
            Ok(())
        })?;
    }
}
