//! Desired state at scale: `wbusers plan` and `apply` of a file of 10,000
//! users and 100 teams against an emulator of 10,000 synthetic users that
//! differs from it in most ways a plan can say, then `plan` of the instance
//! once in sync, next to `export` of the same instance.
//!
//! The emulator logs every GraphQL request with its operation's name, and
//! the adapter's operation documents say which names are mutations: so the
//! bench counts what each run sent, and fails when a plan sends a mutation.
//! The change count is worked out here from the synthetic world's rules and
//! must be the one `plan` prints; the export after `apply` must hold what
//! the file says. No timing is asserted.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::fs;
use std::io::{Read as _, Seek as _, SeekFrom};
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::measure::{Emulator, Sample, median, run_measured_expecting};
use super::scale::{Tools, synthetic_args};
use super::{wbusers_args, write};

/// The emulator's synthetic users, numbered from 1.
const SYNTHETIC: u32 = 10_000;
/// Synthetic users the file lists (user1 .. user9000); the others are left alone.
const LISTED: u32 = 9_000;
/// New users the file adds: with the listed ones, 10,000 users.
const NEW_USERS: u32 = 1_000;
/// Synthetic teams the file lists (team-0 .. team-79, of team-0 .. team-99).
const LISTED_TEAMS: u32 = 80;
/// New teams the file creates: with the listed ones, 100 teams.
const NEW_TEAMS: u32 = 20;
/// The admin the emulator adds to hold the admin key: the caller.
const CALLER: &str = "admin@localhost";
/// `apply --concurrency`.
const CONCURRENCY: &str = "16";
/// Plans and exports of the instance once in sync, alternating.
const IN_SYNC_RUNS: usize = 3;
/// `wbusers plan`'s exit code when changes are pending.
const PENDING: i32 = 9;

/// How the emulator is reached, and how many fresh instances are planned
/// and applied to.
struct Instance {
    label: &'static str,
    latency: Option<&'static str>,
    runs: usize,
}

const INSTANCES: [Instance; 2] = [
    Instance {
        label: "loopback",
        latency: None,
        runs: 3,
    },
    Instance {
        label: "20 ms a request",
        latency: Some("20ms"),
        runs: 1,
    },
];

/// What one instance cost: medians over its runs.
#[derive(Default)]
struct Measured {
    plan: Vec<Sample>,
    apply: Vec<Sample>,
    apply_requests: Requests,
    in_sync_plan: Vec<Sample>,
    export: Vec<Sample>,
    in_sync_requests: Requests,
    export_requests: Requests,
    export_bytes: usize,
}

/// Plans and applies the bench's file against fresh emulators, then plans
/// the instance in sync and exports it; appends the two tables.
///
/// # Errors
///
/// When a run fails or exits otherwise than expected, a plan sends a
/// mutation, the plan's change count is not the one worked out here, or the
/// instance after `apply` is not what the file says.
pub(crate) fn desired_state(tools: &Tools, root: &Path, report: &mut String) -> Result<(), String> {
    let operations = Operations::read(&root.join("crates/users-graphql/src/operations"))?;
    let start = start();
    let desired = desired();
    let counts = changes(&start, &desired);
    let total: usize = counts.values().sum();
    let file = tools.work.join("state-desired.toml");
    write(&file, &toml(&desired))?;
    let mut measured = Vec::new();
    let after = applied(&start, &desired);
    for instance in &INSTANCES {
        measured.push(measure(
            tools,
            &operations,
            instance,
            &file,
            &counts,
            &after,
        )?);
    }
    let breakdown = counts
        .iter()
        .map(|(kind, n)| format!("{n} {kind}"))
        .collect::<Vec<_>>()
        .join(", ");
    let _ = writeln!(
        report,
        "\n### Desired state: `plan` and `apply` of {} users and {} teams\n\n\
         Against {SYNTHETIC} synthetic users in 100 teams: {total} changes ({breakdown}). \
         `apply --concurrency {CONCURRENCY}`; medians of the runs; every run on a fresh emulator.\n\n\
         | instance | runs | `plan` (changes pending) | `apply` | changes/s | requests of `apply` (mutations) | peak RSS `plan` / `apply` |\n\
         |---|---|---|---|---|---|---|",
        desired.users.len(),
        desired.teams.len(),
    );
    for (instance, m) in INSTANCES.iter().zip(&measured) {
        let (plan, apply) = (summary(&m.plan), summary(&m.apply));
        let _ = writeln!(
            report,
            "| {} | {} | {:.2} s | {:.2} s | {:.0} | {} ({}) | {:.0} / {:.0} MiB |",
            instance.label,
            instance.runs,
            plan.seconds,
            apply.seconds,
            count_f64(total) / apply.seconds,
            m.apply_requests.total(),
            m.apply_requests.mutations(&operations),
            plan.mib,
            apply.mib,
        );
    }
    let _ = writeln!(
        report,
        "\nWhat `apply` sent, with the emulator's time serving each operation (summed over \
         concurrent requests, not counting the added latency; from its log):\n"
    );
    for (instance, m) in INSTANCES.iter().zip(&measured) {
        let _ = writeln!(
            report,
            "- {}: {}",
            instance.label,
            m.apply_requests.served()
        );
    }
    let _ = writeln!(
        report,
        "\n### `plan` of the instance in sync (after the `apply`), next to `export`\n\n\
         {} users, {} teams, {} members. Medians of {IN_SYNC_RUNS} of each, alternating; \
         every plan exited 0 and sent no mutation, and every export was byte-identical to the first.\n\n\
         | instance | `plan` | `export` | plan/export time | requests `plan` / `export` | mutations sent by `plan` | peak RSS `plan` / `export` |\n\
         |---|---|---|---|---|---|---|",
        after.users.len(),
        after.teams.len(),
        after.teams.values().map(|t| t.members.len()).sum::<usize>(),
    );
    for (instance, m) in INSTANCES.iter().zip(&measured) {
        let (plan, export) = (summary(&m.in_sync_plan), summary(&m.export));
        let _ = writeln!(
            report,
            "| {} | {:.3} s | {:.3} s | {:.2}× | {} / {} | {} | {:.0} / {:.0} MiB |",
            instance.label,
            plan.seconds,
            export.seconds,
            plan.seconds / export.seconds,
            m.in_sync_requests.total() / IN_SYNC_RUNS,
            m.export_requests.total() / IN_SYNC_RUNS,
            m.in_sync_requests.mutations(&operations),
            plan.mib,
            export.mib,
        );
    }
    let _ = writeln!(
        report,
        "\nThe export of the instance in sync: {} bytes.",
        measured.last().map_or(0, |m| m.export_bytes)
    );
    Ok(())
}

/// The runs against one kind of instance.
fn measure(
    tools: &Tools,
    operations: &Operations,
    instance: &Instance,
    file: &Path,
    counts: &BTreeMap<&'static str, usize>,
    after: &State,
) -> Result<Measured, String> {
    let file = file.display().to_string();
    let mut measured = Measured::default();
    for run in 0..instance.runs {
        let mut log = Log::new(tools.work.join("state-emulator.log"));
        let emulator = Emulator::launch_logged(
            &tools.emulator,
            &synthetic_args(tools, SYNTHETIC, instance.latency),
            &log.path,
        )?;
        let wbusers = Wbusers {
            tools,
            base_url: emulator.base_url(),
        };
        let last = run + 1 == instance.runs;
        let outcome = plan_and_apply(&wbusers, &mut log, operations, &file, counts, &mut measured)
            .and_then(|()| {
                if last {
                    in_sync(&wbusers, &mut log, operations, &file, after, &mut measured)
                } else {
                    Ok(())
                }
            });
        emulator.stop();
        outcome?;
    }
    Ok(measured)
}

/// The first plan (everything pending, nothing sent), then the apply.
fn plan_and_apply(
    wbusers: &Wbusers<'_>,
    log: &mut Log,
    operations: &Operations,
    file: &str,
    counts: &BTreeMap<&'static str, usize>,
    measured: &mut Measured,
) -> Result<(), String> {
    let total = counts.values().sum();
    let (sample, printed) = wbusers.run(&["plan", file], "state-plan.json", PENDING)?;
    log.since()?
        .none_sent(operations, "a plan with changes pending")?;
    check_planned(&printed, counts, total).map_err(|e| {
        let plan = wbusers.tools.work.join("state-plan.json");
        format!("{e}; see {}", plan.display())
    })?;
    measured.plan.push(sample);
    let (sample, _) = wbusers.run(
        &["apply", file, "--yes", "--concurrency", CONCURRENCY],
        "state-apply.json",
        0,
    )?;
    measured.apply.push(sample);
    measured.apply_requests = log.since()?;
    Ok(())
}

/// `wbusers` against one emulator.
struct Wbusers<'a> {
    tools: &'a Tools,
    base_url: &'a str,
}

impl Wbusers<'_> {
    /// `wbusers export` to `file` in TOML, the format a state file is
    /// reviewed in (the global `--json` every run gets would make it JSON);
    /// returns the file's text.
    fn export(&self, file: &str) -> Result<(Sample, String), String> {
        let path = self.tools.work.join(file);
        let shown = path.display().to_string();
        let rest = ["export", "--format", "toml", "--output", &shown];
        let (sample, _) = self.run(&rest, "state-export.out", 0)?;
        let exported = fs::read_to_string(&path)
            .map_err(|e| format!("cannot read the export {shown}: {e}"))?;
        Ok((sample, exported))
    }

    /// Runs `wbusers rest` measured, its standard output to `out` in the
    /// work folder, failing unless it exits with `exit_code`; returns what
    /// it printed.
    fn run(&self, rest: &[&str], out: &str, exit_code: i32) -> Result<(Sample, String), String> {
        let out = self.tools.work.join(out);
        let tools = self.tools;
        let args = wbusers_args(self.base_url, &tools.key_file, rest);
        let (sample, _) = run_measured_expecting(
            &tools.wbusers,
            &args,
            &[],
            &tools.work,
            Some(&out),
            exit_code,
        )?;
        let printed =
            fs::read_to_string(&out).map_err(|e| format!("cannot read {}: {e}", out.display()))?;
        Ok((sample, printed))
    }
}

/// `plan` of the instance in sync and `export` of it, alternating: each
/// plan exits 0 and sends no mutation, each export is the first one's bytes,
/// and the first one holds what the file says.
fn in_sync(
    wbusers: &Wbusers<'_>,
    log: &mut Log,
    operations: &Operations,
    file: &str,
    after: &State,
    measured: &mut Measured,
) -> Result<(), String> {
    let mut first: Option<String> = None;
    for _ in 0..IN_SYNC_RUNS {
        let (sample, exported) = wbusers.export("state-export.toml")?;
        measured.export.push(sample);
        measured.export_requests.add(log.since()?);
        match &first {
            None => {
                check_export(&exported, after)?;
                first = Some(exported);
            }
            Some(first) if *first != exported => {
                return Err(
                    "two exports of the instance in sync differ: a plan between them changed it, or the export is not deterministic".to_owned(),
                );
            }
            Some(_) => {}
        }
        let (sample, _) = wbusers.run(&["plan", file], "state-plan-in-sync.json", 0)?;
        measured.in_sync_plan.push(sample);
        let requests = log.since()?;
        requests.none_sent(operations, "a plan of the instance in sync")?;
        measured.in_sync_requests.add(requests);
    }
    let first = first.unwrap_or_default();
    measured.export_bytes = first.len();
    // The export read back as a desired state is in sync too.
    let exported = wbusers.tools.work.join("state-export.toml");
    let exported = exported.display().to_string();
    wbusers.run(&["plan", &exported], "state-plan-export.json", 0)?;
    log.since()?.none_sent(operations, "a plan of the export")?;
    let (_, again) = wbusers.export("state-export-again.toml")?;
    if again != first {
        return Err("the instance changed while its export was planned".to_owned());
    }
    Ok(())
}

/// The kinds of change, as `wbusers plan --json` names them in its summary.
const KINDS: [&str; 9] = [
    "create_user",
    "create_team",
    "reactivate",
    "set_admin",
    "add_member",
    "change_role",
    "remove_member",
    "create_service_account",
    "deactivate",
];

/// Fails unless the summary of a plan's JSON document counts `expected`
/// changes of each kind (kinds in words, `create user`), and `total` in all.
fn check_planned(
    printed: &str,
    expected: &BTreeMap<&'static str, usize>,
    total: usize,
) -> Result<(), String> {
    let mut differ = Vec::new();
    for key in KINDS.iter().chain(&["total"]) {
        let want = if *key == "total" {
            total
        } else {
            expected
                .get(key.replace('_', " ").as_str())
                .copied()
                .unwrap_or(0)
        };
        match json_count(printed, key) {
            Some(found) if found == want => {}
            found => differ.push(format!(
                "{key}: {}, worked out {want}",
                found.map_or_else(|| "none".to_owned(), |n| n.to_string())
            )),
        }
    }
    if differ.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "the plan's summary is not what the bench worked out ({}): the synthetic world or the plan changed",
            differ.join("; ")
        ))
    }
}

/// The number a JSON document gives as the value of `key`, first found.
fn json_count(document: &str, key: &str) -> Option<usize> {
    let quoted = format!("\"{key}\"");
    document.match_indices(&quoted).find_map(|(at, _)| {
        let rest = document[at + quoted.len()..]
            .trim_start()
            .strip_prefix(':')?;
        let rest = rest.trim_start();
        let digits = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        rest[..digits].parse().ok()
    })
}

/// Fails unless an export holds the users, flags, teams and members that
/// `after` says, counted line by line.
fn check_export(exported: &str, after: &State) -> Result<(), String> {
    let lines = |wanted: &str| {
        exported
            .lines()
            .filter(|line| line.trim() == wanted)
            .count()
    };
    let active = after.users.values().filter(|u| !u.flags.deactivated);
    let checks = [
        ("users", lines("[[users]]"), after.users.len()),
        (
            "instance admins",
            lines("admin = true"),
            active.filter(|u| u.flags.admin).count(),
        ),
        (
            "deactivated users",
            lines("deactivated = true"),
            after.users.values().filter(|u| u.flags.deactivated).count(),
        ),
        ("teams", lines("[[teams]]"), after.teams.len()),
        (
            "members",
            exported
                .lines()
                .filter(|line| line.trim_start().starts_with("{ who = "))
                .count(),
            after.teams.values().map(|t| t.members.len()).sum(),
        ),
    ];
    for (what, found, expected) in checks {
        if found != expected {
            return Err(format!(
                "the export after apply holds {found} {what}, the file makes {expected}"
            ));
        }
    }
    Ok(())
}

/// A user's flags.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Flags {
    admin: bool,
    deactivated: bool,
}

#[derive(Debug, Clone)]
struct User {
    username: Option<String>,
    flags: Flags,
}

#[derive(Debug, Clone, Default)]
struct Team {
    /// Members by email: how the file names them, and their role.
    members: BTreeMap<String, (String, &'static str)>,
    /// Service accounts, by name.
    service_accounts: BTreeSet<String>,
}

/// Users by email and teams by name: an instance, or what a file declares.
#[derive(Debug, Clone, Default)]
struct State {
    users: BTreeMap<String, User>,
    teams: BTreeMap<String, Team>,
}

impl Team {
    fn with(mut self, email: &str, who: &str, role: &'static str) -> Self {
        self.members
            .insert(email.to_owned(), (who.to_owned(), role));
        self
    }
}

/// Synthetic user `n`'s email, as `users_memory::synthetic_user` makes it.
fn synthetic_email(n: u32) -> String {
    format!("user{n}@corp{}.example", n % 10)
}

/// The team synthetic user `n` starts in, as a member: every third user is
/// in `team-<n mod 100>`.
fn synthetic_team(n: u32) -> Option<u32> {
    (n % 3 == 0).then_some(n % 100)
}

fn new_email(k: u32) -> String {
    format!("new{k}@state.example")
}

/// The emulator at the start: the caller, an admin, and the synthetic users.
fn start() -> State {
    let mut state = State::default();
    let caller = Flags {
        admin: true,
        deactivated: false,
    };
    state.users.insert(
        CALLER.to_owned(),
        User {
            username: Some("admin".to_owned()),
            flags: caller,
        },
    );
    for n in 1..=SYNTHETIC {
        let email = synthetic_email(n);
        if let Some(t) = synthetic_team(n) {
            let team = state.teams.entry(format!("team-{t}")).or_default();
            team.members
                .insert(email.clone(), (email.clone(), "member"));
        }
        state.users.insert(
            email,
            User {
                username: Some(format!("user{n}")),
                flags: Flags::default(),
            },
        );
    }
    state
}

/// The bench's file: 9,000 synthetic users (every 50th made an admin, every
/// 40th deactivated) and 1,000 new ones (every 100th an admin, every 10th
/// created deactivated); 80 synthetic teams and 20 new ones. A member of a
/// listed team is moved to a new team (every 7th), taken out (every 17th),
/// made a viewer (every 11th) or an admin (every 13th), or kept; every 29th
/// synthetic user in no team joins one (every other named by username);
/// each new user joins a new team; each new team gets two service
/// accounts, ten old ones one.
fn desired() -> State {
    let mut state = State::default();
    for n in 1..=LISTED {
        let flags = Flags {
            admin: n % 50 == 1,
            deactivated: n % 40 == 7,
        };
        let username = Some(format!("user{n}"));
        state
            .users
            .insert(synthetic_email(n), User { username, flags });
    }
    for k in 0..NEW_USERS {
        let flags = Flags {
            admin: k % 100 == 0,
            deactivated: k % 10 == 5,
        };
        let user = User {
            username: None,
            flags,
        };
        state.users.insert(new_email(k), user);
    }
    for t in 0..LISTED_TEAMS {
        let mut team = Team::default();
        if t < 10 {
            team.service_accounts.insert(format!("ci-team-{t}"));
        }
        state.teams.insert(format!("team-{t}"), team);
    }
    for s in 0..NEW_TEAMS {
        // The caller, who creates the team, stays in it as its admin.
        let mut team = Team::default().with(CALLER, CALLER, "admin");
        team.service_accounts
            .extend([format!("ci-squad-{s}"), format!("deploy-squad-{s}")]);
        state.teams.insert(format!("squad-{s}"), team);
    }
    for n in 1..=SYNTHETIC {
        let team = |t: u32| format!("team-{t}");
        let place = match synthetic_team(n) {
            // A team the file does not list: left alone.
            Some(t) if t >= LISTED_TEAMS => None,
            Some(_) if n % 7 == 0 => Some((format!("squad-{}", n % NEW_TEAMS), "member")),
            Some(_) if n % 17 == 0 => None,
            Some(t) if n % 11 == 0 => Some((team(t), "viewer")),
            Some(t) if n % 13 == 0 => Some((team(t), "admin")),
            Some(t) => Some((team(t), "member")),
            None if n % 29 == 0 => Some((team(n % LISTED_TEAMS), "member")),
            None => None,
        };
        if let Some((name, role)) = place {
            let email = synthetic_email(n);
            let who = if synthetic_team(n).is_none() && n % 2 == 0 {
                format!("user{n}")
            } else {
                email.clone()
            };
            if let Some(team) = state.teams.get_mut(&name) {
                team.members.insert(email, (who, role));
            }
        }
    }
    for k in 0..NEW_USERS {
        let role = if k % 50 == 0 { "admin" } else { "member" };
        if let Some(team) = state.teams.get_mut(&format!("squad-{}", k % NEW_TEAMS)) {
            team.members.insert(new_email(k), (new_email(k), role));
        }
    }
    state
}

/// The changes a plan makes of `from` to reach `to`, by kind, by the rules
/// of `users_domain::state::plan` (no `--prune`).
fn changes(from: &State, to: &State) -> BTreeMap<&'static str, usize> {
    let mut count = BTreeMap::new();
    let mut add = |kind| *count.entry(kind).or_insert(0) += 1;
    for (email, want) in &to.users {
        let want = want.flags;
        match from.users.get(email).map(|had| had.flags) {
            None => {
                add("create user");
                if want.deactivated {
                    add("deactivate");
                }
            }
            Some(had) => match (had.deactivated, want.deactivated) {
                (false, true) => add("deactivate"),
                (true, false) => {
                    add("reactivate");
                    if had.admin != want.admin {
                        add("set admin");
                    }
                }
                (false, false) if had.admin != want.admin => add("set admin"),
                _ => {}
            },
        }
    }
    let created = Team::default().with(CALLER, CALLER, "admin");
    for (name, want) in &to.teams {
        let had = from.teams.get(name).unwrap_or_else(|| {
            add("create team");
            &created
        });
        for (email, (_, role)) in &want.members {
            match had.members.get(email) {
                None => add("add member"),
                Some((_, was)) if was != role => add("change role"),
                Some(_) => {}
            }
        }
        for email in had.members.keys() {
            if !want.members.contains_key(email) {
                add("remove member");
            }
        }
        for account in &want.service_accounts {
            if !had.service_accounts.contains(account) {
                add("create service account");
            }
        }
    }
    count
}

/// The instance once `to` is applied to `from`: listed users as declared
/// (the rest as they were), listed teams exactly as declared.
fn applied(from: &State, to: &State) -> State {
    let mut state = from.clone();
    for (email, user) in &to.users {
        let entry = state
            .users
            .entry(email.clone())
            .or_insert_with(|| user.clone());
        entry.flags = user.flags;
    }
    for (name, team) in &to.teams {
        state.teams.insert(name.clone(), team.clone());
    }
    state
}

/// `state` as a state file.
fn toml(state: &State) -> String {
    let mut out = String::from(
        "# The desired state of `cargo xtask bench --only state`, against the emulator's\n\
         # --synthetic-users 10000.\nversion = 1\n",
    );
    for (email, user) in &state.users {
        let _ = writeln!(out, "\n[[users]]\nemail = \"{email}\"");
        if let Some(username) = &user.username {
            let _ = writeln!(out, "username = \"{username}\"");
        }
        if user.flags.admin {
            out.push_str("admin = true\n");
        }
        if user.flags.deactivated {
            out.push_str("deactivated = true\n");
        }
    }
    for (name, team) in &state.teams {
        let _ = writeln!(out, "\n[[teams]]\nname = \"{name}\"");
        if !team.service_accounts.is_empty() {
            let accounts: Vec<String> = team
                .service_accounts
                .iter()
                .map(|a| format!("\"{a}\""))
                .collect();
            let _ = writeln!(out, "service_accounts = [{}]", accounts.join(", "));
        }
        out.push_str("members = [\n");
        for (who, role) in team.members.values() {
            let _ = writeln!(out, "  {{ who = \"{who}\", role = \"{role}\" }},");
        }
        out.push_str("]\n");
    }
    out
}

/// The adapter's operations by name, and whether each is a mutation: the
/// first word of its document in `crates/users-graphql/src/operations`.
struct Operations {
    mutations: BTreeSet<String>,
    queries: BTreeSet<String>,
}

impl Operations {
    fn read(folder: &Path) -> Result<Self, String> {
        let entries =
            fs::read_dir(folder).map_err(|e| format!("cannot list {}: {e}", folder.display()))?;
        let mut operations = Self {
            mutations: BTreeSet::new(),
            queries: BTreeSet::new(),
        };
        for entry in entries {
            let path = entry.map_err(|e| e.to_string())?.path();
            if path.extension().is_none_or(|e| e != "graphql") {
                continue;
            }
            let text = fs::read_to_string(&path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            let mut words = text.split(|c: char| c.is_whitespace() || c == '(' || c == '{');
            let words = (words.next(), words.find(|w| !w.is_empty()));
            match words {
                (Some("mutation"), Some(name)) => operations.mutations.insert(name.to_owned()),
                (Some("query"), Some(name)) => operations.queries.insert(name.to_owned()),
                _ => return Err(format!("{} is no named query or mutation", path.display())),
            };
        }
        Ok(operations)
    }
}

/// GraphQL requests the emulator logged, by operation.
#[derive(Debug, Default)]
struct Requests {
    by_operation: BTreeMap<String, usize>,
    /// The emulator's time serving them, by operation (its log's
    /// `elapsed_ms`, whole milliseconds a request).
    served_ms: BTreeMap<String, u64>,
}

impl Requests {
    fn total(&self) -> usize {
        self.by_operation.values().sum()
    }

    fn mutations(&self, operations: &Operations) -> usize {
        self.by_operation
            .iter()
            .filter(|(name, _)| operations.mutations.contains(*name))
            .map(|(_, n)| n)
            .sum()
    }

    fn add(&mut self, other: Self) {
        for (name, n) in other.by_operation {
            *self.by_operation.entry(name).or_insert(0) += n;
        }
        for (name, ms) in other.served_ms {
            *self.served_ms.entry(name).or_insert(0) += ms;
        }
    }

    /// Each operation's count and the emulator's time serving it, the
    /// longest first: `325 DeleteUser (10.3 s)`.
    fn served(&self) -> String {
        let mut rows: Vec<(&String, usize, u64)> = self
            .by_operation
            .iter()
            .map(|(name, n)| (name, *n, self.served_ms.get(name).copied().unwrap_or(0)))
            .collect();
        rows.sort_by(|a, b| b.2.cmp(&a.2).then(b.1.cmp(&a.1)));
        rows.iter()
            .map(|(name, n, ms)| {
                format!(
                    "{n} {name} ({:.1} s)",
                    Duration::from_millis(*ms).as_secs_f64()
                )
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Fails when any request was a mutation, or none the adapter knows.
    fn none_sent(&self, operations: &Operations, what: &str) -> Result<(), String> {
        for (name, n) in &self.by_operation {
            if operations.mutations.contains(name) || !operations.queries.contains(name) {
                return Err(format!(
                    "{what} sent {n} {name} request(s), which is not a read: a plan must send no mutation"
                ));
            }
        }
        Ok(())
    }
}

/// The emulator's log, read on from where it was last read.
struct Log {
    path: PathBuf,
    read: u64,
}

impl Log {
    fn new(path: PathBuf) -> Self {
        Self { path, read: 0 }
    }

    /// The GraphQL requests logged since the last call.
    fn since(&mut self) -> Result<Requests, String> {
        let cannot = |e: std::io::Error| format!("cannot read {}: {e}", self.path.display());
        let mut file = fs::File::open(&self.path).map_err(cannot)?;
        file.seek(SeekFrom::Start(self.read)).map_err(cannot)?;
        let mut text = String::new();
        let read = file.read_to_string(&mut text).map_err(cannot)?;
        self.read += read as u64;
        let mut requests = Requests::default();
        for line in text.lines().filter(|line| line.contains("graphql request")) {
            let name = line
                .split_once("operation=\"")
                .and_then(|(_, rest)| rest.split_once('"'))
                .map_or("-", |(name, _)| name);
            *requests.by_operation.entry(name.to_owned()).or_insert(0) += 1;
            let ms = line
                .split_once("elapsed_ms=")
                .and_then(|(_, rest)| rest.split_whitespace().next())
                .and_then(|ms| ms.parse().ok())
                .unwrap_or(0);
            *requests.served_ms.entry(name.to_owned()).or_insert(0) += ms;
        }
        Ok(requests)
    }
}

struct Summary {
    seconds: f64,
    mib: f64,
}

fn summary(samples: &[Sample]) -> Summary {
    Summary {
        seconds: median(samples.iter().map(|s| s.seconds).collect()),
        mib: median(samples.iter().map(|s| s.max_rss_mib).collect()),
    }
}

fn count_f64(n: usize) -> f64 {
    u32::try_from(n).map_or(f64::MAX, f64::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_holds_ten_thousand_users_and_a_hundred_teams() {
        let desired = desired();

        assert_eq!(desired.users.len(), 10_000);
        assert_eq!(desired.teams.len(), 100);
        assert!(
            desired
                .users
                .values()
                .all(|u| !(u.flags.admin && u.flags.deactivated))
        );
    }

    #[test]
    fn the_file_makes_every_kind_of_change_but_reactivation() {
        let counts = changes(&start(), &desired());

        for kind in [
            "create user",
            "create team",
            "set admin",
            "add member",
            "change role",
            "remove member",
            "create service account",
            "deactivate",
        ] {
            assert!(
                counts.get(kind).copied().unwrap_or(0) > 0,
                "{kind}: {counts:?}"
            );
        }
        assert_eq!(counts.get("create user"), Some(&1_000));
        assert_eq!(counts.get("create team"), Some(&20));
    }

    #[test]
    fn the_file_applied_needs_no_change() {
        let desired = desired();

        let after = applied(&start(), &desired);

        assert!(changes(&after, &desired).is_empty());
    }

    #[test]
    fn the_operations_are_read_from_the_documents() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");

        let operations =
            Operations::read(&root.join("crates/users-graphql/src/operations")).unwrap();

        assert!(operations.mutations.contains("CreateTeam"));
        assert!(operations.queries.contains("ListUsers"));
        assert!(!operations.queries.contains("CreateTeam"));
    }

    #[test]
    fn a_plans_summary_is_read_by_kind() {
        let document = r#"{"changes": [{"change": "create_user", "phase": "create"}],
            "summary": {"total": 2, "create_user": 1, "create_team": 0, "reactivate": 0,
            "set_admin": 0, "add_member": 0, "change_role": 0, "remove_member": 0,
            "create_service_account": 0, "deactivate": 1}}"#;
        let counts = BTreeMap::from([("create user", 1), ("deactivate", 1)]);

        assert_eq!(json_count(document, "create_user"), Some(1));
        assert!(check_planned(document, &counts, 2).is_ok());
        let error = check_planned(document, &BTreeMap::from([("create user", 2)]), 2).unwrap_err();
        assert!(error.contains("create_user: 1, worked out 2"), "{error}");
    }

    #[test]
    fn a_log_is_counted_by_operation_from_where_it_was_last_read() {
        let path = std::env::temp_dir().join(format!("xtask-state-log-{}", std::process::id()));
        fs::write(
            &path,
            "2026-12-01T12:07:20Z  INFO users_emulator::builder: emulator listening local_addr=127.0.0.1:1\n\
             2026-12-01T12:07:21Z  INFO users_emulator::http: graphql request operation=\"ListUsers\" status=200 elapsed_ms=3\n",
        )
        .unwrap();
        let mut log = Log::new(path.clone());

        let first = log.since().unwrap();
        fs::write(
            &path,
            format!(
                "{}2026-12-01T12:07:22Z  INFO users_emulator::http: graphql request operation=\"CreateTeam\" status=200 elapsed_ms=0\n",
                fs::read_to_string(&path).unwrap()
            ),
        )
        .unwrap();
        let second = log.since().unwrap();
        let _ = fs::remove_file(&path);

        assert_eq!(
            first.served_ms,
            BTreeMap::from([("ListUsers".to_owned(), 3)])
        );
        assert_eq!(
            first.by_operation,
            BTreeMap::from([("ListUsers".to_owned(), 1)])
        );
        assert_eq!(
            second.by_operation,
            BTreeMap::from([("CreateTeam".to_owned(), 1)])
        );
    }
}
