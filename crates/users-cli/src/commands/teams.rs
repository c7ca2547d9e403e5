//! `team list|show|create|add|remove|role`.

use std::collections::HashSet;

use serde::Serialize;
use serde_json::json;
use users_domain::{Invitee, TeamName, TeamRepository, TeamRole, User, UserAdmin, UserRepository};

use crate::cli::TeamCommand;
use crate::failure::{During, Failure, count};
use crate::listing::{self, Listing};
use crate::output::{Output, fields};
use crate::views::rows::{Outcome, Row, Rows};
use crate::views::teams::{
    MemberView, TEAM_COLUMNS, TeamNameView, TeamView, team_names_table, team_text,
};

pub(super) async fn run<R: UserRepository + TeamRepository>(
    admin: &UserAdmin<R>,
    command: &TeamCommand,
    out: Output,
) -> Result<(), Failure> {
    match command {
        TeamCommand::List {
            all: true,
            page_size,
        } => {
            let walk = admin.walk_users("", page_size.unwrap_or_default());
            listing::print(walk, &mut AllTeams::default(), out).await
        }
        TeamCommand::List { .. } => own_teams(admin, out).await,
        TeamCommand::Show { team } => {
            let shown = admin.team(team).await.map_err(managing(team))?;
            out.result(&TeamView::from(&shown), &team_text(&shown))
        }
        TeamCommand::Create {
            team,
            admin: team_admin,
        } => {
            let made = admin
                .create_team(team, team_admin.clone())
                .await
                .map_err(|error| Failure::during(error, During::CreatingTeam(team.clone())))?;
            let text = format!("created team {}\n\n{}", made.name, team_text(&made));
            out.result(&TeamView::from(&made), &text)
        }
        TeamCommand::Add { team, users, role } => add(admin, team, users, role, out).await,
        TeamCommand::Remove { team, users } => remove(admin, team, users, out).await,
        TeamCommand::Role { team, user, role } => {
            let member = admin
                .set_role(team, user, role)
                .await
                .map_err(managing(team))?;
            let text = fields(&[
                ("member", member.label()),
                ("team", team.to_string()),
                ("role", member.role.to_string()),
            ]);
            let view = json!({"team": team.as_str(), "member": MemberView::from(&member)});
            out.result(&view, &text)
        }
    }
}

/// A failure met while reading or changing `team`.
fn managing(team: &TeamName) -> impl Fn(users_domain::Error) -> Failure + '_ {
    move |error| Failure::during(error, During::ManagingTeam(team.clone()))
}

/// `team list`: the caller's teams, as the server lists them.
async fn own_teams<R: UserRepository>(admin: &UserAdmin<R>, out: Output) -> Result<(), Failure> {
    let me = admin.viewer().await?;
    let teams = me.listed_teams()?;
    let text = if teams.is_empty() {
        format!("{} is in no team", me.label())
    } else {
        team_names_table(teams)
    };
    let names: Vec<TeamNameView<'_>> = teams.iter().map(TeamNameView::from).collect();
    out.result(&json!({"user": me.label(), "teams": names}), &text)
}

async fn add<R: UserRepository + TeamRepository>(
    admin: &UserAdmin<R>,
    team: &TeamName,
    users: &[Invitee],
    role: &TeamRole,
    out: Output,
) -> Result<(), Failure> {
    added(admin, team, users, role).await.finish(out)
}

/// Adds each of `users` to `team` with `role`, and says how each went
/// (`team add`'s rows, which the demo shows too).
pub(crate) async fn added<R: UserRepository + TeamRepository>(
    admin: &UserAdmin<R>,
    team: &TeamName,
    users: &[Invitee],
    role: &TeamRole,
) -> Rows {
    let mut rows = Vec::with_capacity(users.len());
    for invitee in users {
        let row = match admin.add_member(team, invitee, role).await {
            Ok(member) => Row::new(
                invitee.to_string(),
                Outcome::Done(format!("added as {}", member.role)),
            )
            .with("member", MemberView::from(&member)),
            Err(error) => Row::new(
                invitee.to_string(),
                Outcome::not_done(managing(team)(error)),
            ),
        };
        rows.push(row);
    }
    Rows {
        head: vec![
            ("team", json!(team.as_str())),
            ("role", json!(role.as_str())),
        ],
        rows,
    }
}

async fn remove<R: UserRepository + TeamRepository>(
    admin: &UserAdmin<R>,
    team: &TeamName,
    users: &[Invitee],
    out: Output,
) -> Result<(), Failure> {
    let mut rows = Vec::with_capacity(users.len());
    for invitee in users {
        let row = match admin.remove_member(team, invitee).await {
            Ok(member) => Row::new(invitee.to_string(), Outcome::Done("removed".to_owned()))
                .with("member", MemberView::from(&member)),
            Err(error) => Row::new(
                invitee.to_string(),
                Outcome::not_done(managing(team)(error)),
            ),
        };
        rows.push(row);
    }
    Rows {
        head: vec![("team", json!(team.as_str()))],
        rows,
    }
    .finish(out)
}

/// `team list --all`: every team any user is in, each once, in the order
/// the walk first meets it. Memory holds a page of users and the names of
/// the teams met, never the users read before.
#[derive(Debug, Default)]
struct AllTeams {
    seen: HashSet<TeamName>,
    /// The teams of the user just tallied that no earlier user was in.
    fresh: Vec<TeamName>,
    users: u64,
    /// Users whose teams the server did not list.
    unlisted: u64,
}

/// The `summary` object.
#[derive(Serialize)]
struct Summary {
    users: u64,
    teams: usize,
    unlisted: u64,
    unreadable: u64,
}

impl Listing for AllTeams {
    const COLUMNS: &'static [&'static str] = TEAM_COLUMNS;
    const ELEMENTS: &'static str = "teams";

    fn elements<'a>(&'a self, _user: &'a User) -> impl Iterator<Item = impl Serialize + 'a> {
        self.fresh.iter().map(TeamNameView::from)
    }

    fn tally(&mut self, user: &User) {
        self.users += 1;
        self.fresh.clear();
        let Some(teams) = user.teams.as_deref() else {
            self.unlisted += 1;
            return;
        };
        for team in teams {
            if !self.seen.contains(team) {
                self.seen.insert(team.clone());
                self.fresh.push(team.clone());
            }
        }
    }

    fn rows(&self, _user: &User, rows: &mut Vec<Vec<String>>) {
        rows.extend(self.fresh.iter().map(|team| vec![team.to_string()]));
    }

    fn tail(&self) -> Vec<(&'static str, serde_json::Value)> {
        vec![("unlisted", json!(self.unlisted))]
    }

    fn summary(&self, unreadable: u64) -> impl Serialize {
        Summary {
            users: self.users,
            teams: self.seen.len(),
            unlisted: self.unlisted,
            unreadable,
        }
    }

    fn closing_text(&self, _rows_shown: bool, unreadable: u64) -> Option<String> {
        let caveats = listing::walk_caveats(self.unlisted, "teams", unreadable);
        Some(format!(
            "{} among {}{caveats}",
            count(self.seen.len() as u64, "team", "teams"),
            count(self.users, "user", "users")
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::user;
    use crate::listing::rendered;

    fn in_teams(name: &str, teams: Option<&[&str]>) -> User {
        User {
            teams: teams.map(|teams| {
                teams
                    .iter()
                    .map(|team| TeamName::parse(*team).unwrap())
                    .collect()
            }),
            ..user(name, Some(&[]), false)
        }
    }

    fn output(json: bool, lines: bool) -> Output {
        Output {
            json,
            lines,
            quiet: false,
            verbose: false,
        }
    }

    fn users() -> [User; 4] {
        [
            in_teams("ada", Some(&["ml", "infra"])),
            in_teams("bo", Some(&["ml"])),
            in_teams("cy", None),
            in_teams("di", Some(&["infra", "web"])),
        ]
    }

    #[test]
    fn every_team_is_listed_once_in_the_order_first_met_across_pages() {
        let users = users();

        let text = rendered(
            &mut AllTeams::default(),
            output(false, false),
            &[&users[..2], &users[2..]],
            &[],
        );

        assert_eq!(
            text,
            "TEAM\nml\ninfra\nweb\n3 teams among 4 users; the server did not list the teams of 1 user\n"
        );
    }

    #[test]
    fn as_json_each_team_is_an_element_and_the_summary_counts_them() {
        let users = users();

        let document = rendered(
            &mut AllTeams::default(),
            output(true, false),
            &[&users],
            &[],
        );
        let lines = rendered(&mut AllTeams::default(), output(true, true), &[&users], &[]);

        let document: serde_json::Value = serde_json::from_str(&document).unwrap();
        assert_eq!(
            document["teams"],
            json!([{"name": "ml"}, {"name": "infra"}, {"name": "web"}])
        );
        assert_eq!(document["unlisted"], 1);
        assert_eq!(
            document["summary"],
            json!({"users": 4, "teams": 3, "unlisted": 1, "unreadable": 0})
        );
        let lines: Vec<serde_json::Value> = lines
            .lines()
            .map(|line| serde_json::from_str(line).unwrap())
            .collect();
        assert_eq!(lines.len(), 4, "{lines:?}");
        assert_eq!(lines[2], json!({"name": "web"}));
        assert_eq!(lines[3]["summary"]["teams"], 3);
    }
}
