//! A plan of changes to an instance, as `plan` prints it, `apply` shows it
//! before asking, and the demo tells it: grouped by kind, each change with
//! the line of the file that calls for it, then a summary; and as the JSON
//! document of `docs/json.md`.

use std::fmt::Write as _;

use serde::Serialize;
use unicode_width::UnicodeWidthStr as _;
use users_domain::{Change, ChangeKind, Identity, Origin, Phase, Plan, Refusal, ValidatedState};

use crate::output::printable;
use crate::redact;

/// Where the changes of a plan come from: the file (as messages name it)
/// and its validated state, which knows each entry's line.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Source<'s> {
    pub(crate) file: &'s str,
    pub(crate) desired: &'s ValidatedState,
}

impl Source<'_> {
    /// The line that calls for `change`, if any.
    fn line(&self, change: &Change) -> Option<u32> {
        self.desired.origin_of(change).map(|Origin { line }| line)
    }

    /// Where `change` comes from, in words: `people.toml:12`, or for a user
    /// deactivated because the file does not list them, that.
    pub(crate) fn place(&self, change: &Change) -> Option<String> {
        match (self.line(change), change) {
            (Some(line), _) => Some(format!("{}:{line}", self.file)),
            (None, Change::Deactivate { .. }) => Some("pruned: not in the file".to_owned()),
            (None, _) => None,
        }
    }
}

/// The plan in words: a group per kind of change, in the order of
/// [`ChangeKind::ALL`], each change on a line with its place aligned after
/// it; then the summary. `no changes` when there is nothing to do.
pub(crate) fn plan_text(plan: &Plan, source: Source<'_>) -> String {
    if plan.is_empty() {
        return format!("no changes: the instance is as {} says", source.file);
    }
    let items: Vec<(ChangeKind, String, Option<String>)> = plan
        .changes()
        .iter()
        .map(|change| {
            let item = printable(&item_text(change)).into_owned();
            (change.kind(), item, source.place(change))
        })
        .collect();
    let width = items.iter().map(|(_, item, _)| item.width()).max();
    let width = width.unwrap_or(0);
    let mut text = String::new();
    let summary = plan.summary();
    for kind in ChangeKind::ALL {
        let count = summary.count(kind);
        if count == 0 {
            continue;
        }
        let _ = writeln!(text, "{kind} ({count}):");
        for (_, item, place) in items.iter().filter(|(of, _, _)| *of == kind) {
            match place {
                Some(place) => {
                    let pad = width - item.width();
                    let place = printable(place);
                    let _ = writeln!(text, "  {item}{}  {place}", " ".repeat(pad));
                }
                None => {
                    let _ = writeln!(text, "  {item}");
                }
            }
        }
    }
    let _ = write!(text, "\n{summary}");
    text
}

/// A change in words, as its group and item read in a plan: `create user
/// ada@example.com`, `add member ada@example.com to ml as member`.
pub(crate) fn change_text(change: &Change) -> String {
    format!("{} {}", change.kind(), item_text(change))
}

/// A change without its kind, which heads its group.
fn item_text(change: &Change) -> String {
    match change {
        Change::CreateUser { email, admin: true } => format!("{email}, as instance admin"),
        Change::CreateUser { email, .. } => email.to_string(),
        Change::CreateTeam { name } => name.to_string(),
        Change::Reactivate { user } | Change::Deactivate { user } => user.to_string(),
        Change::SetAdmin {
            user,
            admin,
            deactivated,
        } => {
            let what = if *admin {
                "make instance admin"
            } else {
                "take instance admin away"
            };
            let when = if *deactivated {
                ", while still deactivated"
            } else {
                ""
            };
            format!("{user}: {what}{when}")
        }
        Change::AddMember { team, who, role } => format!("{who} to {team} as {role}"),
        Change::ChangeRole {
            team,
            who,
            from,
            to,
        } => format!("{who} in {team}, from {from} to {to}"),
        Change::RemoveMember { team, who } => format!("{who} from {team}"),
        Change::CreateServiceAccount { team, name } => {
            format!("'{}' in {team}", redact::mask_keys(name))
        }
    }
}

/// A change kind as JSON names it: `create_user`, `add_member`, ...
pub(crate) fn kind_word(kind: ChangeKind) -> &'static str {
    match kind {
        ChangeKind::CreateUser => "create_user",
        ChangeKind::CreateTeam => "create_team",
        ChangeKind::Reactivate => "reactivate",
        ChangeKind::SetAdmin => "set_admin",
        ChangeKind::AddMember => "add_member",
        ChangeKind::ChangeRole => "change_role",
        ChangeKind::RemoveMember => "remove_member",
        ChangeKind::CreateServiceAccount => "create_service_account",
        ChangeKind::Deactivate => "deactivate",
    }
}

fn phase_word(phase: Phase) -> &'static str {
    match phase {
        Phase::Prepare => "prepare",
        Phase::Create => "create",
        Phase::Membership => "membership",
        Phase::Revoke => "revoke",
    }
}

/// One change as JSON: its kind, phase and line, and the fields of its
/// kind (see `docs/json.md`).
#[derive(Debug, Serialize)]
pub(crate) struct ChangeView {
    change: &'static str,
    phase: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    user: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    admin: Option<bool>,
    /// `set_admin`: whether the user is still deactivated when it is made.
    #[serde(skip_serializing_if = "Option::is_none")]
    deactivated: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    team: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    who: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    role: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    from: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    to: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    /// The line of the file that calls for it; `null` for a user pruned.
    line: Option<u32>,
}

impl ChangeView {
    /// `change`, with its line where `source` knows it.
    pub(crate) fn of(change: &Change, source: Option<Source<'_>>) -> Self {
        let mut view = Self {
            change: kind_word(change.kind()),
            phase: phase_word(change.phase()),
            user: None,
            admin: None,
            deactivated: None,
            team: None,
            who: None,
            role: None,
            from: None,
            to: None,
            name: None,
            line: source.and_then(|source| source.line(change)),
        };
        let who = |who: &Identity| Some(who.to_string());
        match change {
            Change::CreateUser { email, admin } => {
                view.user = Some(email.to_string());
                view.admin = Some(*admin);
            }
            Change::CreateTeam { name } => view.team = Some(name.to_string()),
            Change::Reactivate { user } | Change::Deactivate { user } => {
                view.user = Some(user.to_string());
            }
            Change::SetAdmin {
                user,
                admin,
                deactivated,
            } => {
                view.user = Some(user.to_string());
                view.admin = Some(*admin);
                view.deactivated = Some(*deactivated);
            }
            Change::AddMember {
                team,
                who: person,
                role,
            } => {
                view.team = Some(team.to_string());
                view.who = who(person);
                view.role = Some(role.to_string());
            }
            Change::ChangeRole {
                team,
                who: person,
                from,
                to,
            } => {
                view.team = Some(team.to_string());
                view.who = who(person);
                view.from = Some(from.to_string());
                view.to = Some(to.to_string());
            }
            Change::RemoveMember { team, who: person } => {
                view.team = Some(team.to_string());
                view.who = who(person);
            }
            Change::CreateServiceAccount { team, name } => {
                view.team = Some(team.to_string());
                view.name = Some(redact::mask_keys(name));
            }
        }
        view
    }
}

/// How many changes of each kind, every kind always present.
#[derive(Debug, Serialize)]
struct SummaryView {
    total: usize,
    create_user: usize,
    create_team: usize,
    reactivate: usize,
    set_admin: usize,
    add_member: usize,
    change_role: usize,
    remove_member: usize,
    create_service_account: usize,
    deactivate: usize,
}

impl From<&Plan> for SummaryView {
    fn from(plan: &Plan) -> Self {
        let summary = plan.summary();
        let count = |kind| summary.count(kind);
        Self {
            total: summary.total(),
            create_user: count(ChangeKind::CreateUser),
            create_team: count(ChangeKind::CreateTeam),
            reactivate: count(ChangeKind::Reactivate),
            set_admin: count(ChangeKind::SetAdmin),
            add_member: count(ChangeKind::AddMember),
            change_role: count(ChangeKind::ChangeRole),
            remove_member: count(ChangeKind::RemoveMember),
            create_service_account: count(ChangeKind::CreateServiceAccount),
            deactivate: count(ChangeKind::Deactivate),
        }
    }
}

/// Why the rails refuse a plan, as JSON.
#[derive(Debug, Serialize)]
pub(crate) struct RefusalView {
    kind: &'static str,
    message: String,
}

impl From<&Refusal> for RefusalView {
    fn from(refusal: &Refusal) -> Self {
        let kind = match refusal {
            Refusal::DeactivatesCaller { .. } => "deactivates_caller",
            Refusal::DemotesCaller { .. } => "demotes_caller",
            Refusal::NoActiveAdmin => "no_active_admin",
            Refusal::TooManyDeactivations { .. } => "too_many_deactivations",
            Refusal::OverDeactivationLimit { .. } => "over_deactivation_limit",
            _ => "refused",
        };
        Self {
            kind,
            message: refusal.to_string(),
        }
    }
}

/// The document of `plan --json`.
#[derive(Debug, Serialize)]
pub(crate) struct PlanView<'p> {
    file: &'p str,
    prune: bool,
    changes: Vec<ChangeView>,
    summary: SummaryView,
    /// Why apply would refuse the plan; empty when it would go ahead.
    refusals: Vec<RefusalView>,
}

impl<'p> PlanView<'p> {
    pub(crate) fn new(plan: &Plan, source: Source<'p>, refusals: &[Refusal]) -> Self {
        Self {
            file: source.file,
            prune: plan.prunes(),
            changes: plan
                .changes()
                .iter()
                .map(|change| ChangeView::of(change, Some(source)))
                .collect(),
            summary: SummaryView::from(plan),
            refusals: refusals.iter().map(RefusalView::from).collect(),
        }
    }
}

#[cfg(test)]
mod tests;
