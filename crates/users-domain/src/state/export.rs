//! Building a snapshot from what the server lists: the users page by page,
//! then each team, into the state and the records behind it.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use crate::{
    EmailKey, Error, Identity, InstanceSnapshot, InstanceState, Member, Result, Team, TeamName,
    TeamRole, TeamState, User, UserPage, UserState, Username,
};

/// Builds a snapshot from the user listing, page by page, then from each
/// team. Holds the state and one record per user; a page is dropped once
/// read.
#[derive(Debug, Default)]
pub(crate) struct SnapshotBuilder {
    state: InstanceState,
    users: BTreeMap<EmailKey, User>,
    by_username: HashMap<Username, EmailKey>,
    service_accounts: HashSet<String>,
    team_names: BTreeSet<TeamName>,
    members: BTreeMap<(TeamName, Identity), Member>,
}

impl SnapshotBuilder {
    /// Takes in one page of the listing of every user.
    pub(crate) fn add_users(&mut self, page: UserPage) -> Result<()> {
        if let Some(first) = page.unreadable.first() {
            return Err(Error::Protocol {
                reason: format!(
                    "{} user record(s) could not be read (first: {}); a state without them would be wrong",
                    page.unreadable.len(),
                    first.reason
                ),
            });
        }
        for edge in page.edges {
            self.add_user(edge.user)?;
        }
        Ok(())
    }

    fn add_user(&mut self, user: User) -> Result<()> {
        self.team_names.extend(user.listed_teams()?.iter().cloned());
        if user.is_service_account() {
            self.service_accounts.insert(user.id.as_str().to_owned());
            return Ok(());
        }
        let Some(email) = user.email.clone() else {
            return Err(Error::NotListed {
                what: format!("the email of user {}", user.username),
            });
        };
        let key = EmailKey::new(email);
        if self.users.contains_key(&key) {
            return Err(Error::Protocol {
                reason: format!("two users have the email {key}, ignoring case"),
            });
        }
        self.by_username.insert(user.username.clone(), key.clone());
        self.state.users.insert(
            key.clone(),
            UserState {
                admin: user.admin && user.is_active(),
                deactivated: !user.is_active(),
                username: Some(user.username.clone()),
            },
        );
        self.users.insert(key, user);
        Ok(())
    }

    /// The teams the users listed are in: every team with a member.
    pub(crate) fn team_names(&self) -> impl Iterator<Item = TeamName> + '_ {
        self.team_names.iter().cloned()
    }

    /// Takes in one team, after every user.
    pub(crate) fn add_team(&mut self, team: Team) -> Result<()> {
        let Some(members) = team.members else {
            return Err(Error::NotListed {
                what: format!("the members of team {}", team.name),
            });
        };
        let mut state = TeamState::default();
        for member in members {
            if self.is_service_account(&member) {
                let name = service_account_name(&member.name, member.username.as_ref());
                state.service_accounts.insert(name);
                continue;
            }
            let who = self.identify(&member, &team.name)?;
            if let TeamRole::Custom(role) = &member.role {
                self.state.roles.insert(role.clone());
            }
            state
                .members
                .entry(who.clone())
                .or_insert_with(|| member.role.clone());
            self.members
                .entry((team.name.clone(), who))
                .or_insert(member);
        }
        self.state.teams.insert(team.name, state);
        Ok(())
    }

    fn is_service_account(&self, member: &Member) -> bool {
        member.account_type == Some(crate::AccountType::Service)
            || self.service_accounts.contains(member.id.as_str())
    }

    /// The member's identity: the listed user's email where the username
    /// is known, else the member's email, else the username.
    fn identify(&self, member: &Member, team: &TeamName) -> Result<Identity> {
        if let Some(key) = member
            .username
            .as_ref()
            .and_then(|name| self.by_username.get(name))
        {
            return Ok(Identity::Email(key.clone()));
        }
        if let Some(email) = &member.email {
            return Ok(Identity::Email(EmailKey::new(email.clone())));
        }
        member
            .username
            .clone()
            .map(Identity::Username)
            .ok_or_else(|| Error::NotListed {
                what: format!(
                    "the email or username of member {} of team {team}",
                    member.id
                ),
            })
    }

    /// The snapshot, as seen by `viewer`.
    pub(crate) fn finish(self, viewer: &User) -> InstanceSnapshot {
        let caller = self
            .by_username
            .get(&viewer.username)
            .map_or_else(|| Identity::of(viewer), |key| Identity::Email(key.clone()));
        let service =
            viewer.is_service_account() || self.service_accounts.contains(viewer.id.as_str());
        InstanceSnapshot {
            state: self.state,
            caller,
            caller_service_account: service
                .then(|| service_account_name(&viewer.name, Some(&viewer.username))),
            users: self.users,
            members: self.members,
        }
    }
}

/// A service account's name in the state: its description (the server's
/// display name), else its username.
fn service_account_name(name: &str, username: Option<&Username>) -> String {
    let name = name.trim();
    if name.is_empty() {
        username.map_or("", Username::as_str).to_owned()
    } else {
        name.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{AccountType, Email, MemberId, TeamId, Unreadable, UserEdge, UserId};

    fn ml() -> TeamName {
        TeamName::parse("ml").unwrap()
    }

    fn user(username: &str, email: Option<&str>, service: bool) -> User {
        User {
            id: UserId::parse(format!("id-{username}")).unwrap(),
            name: username.to_owned(),
            username: Username::parse(username).unwrap(),
            email: email.map(|email| Email::parse(email).unwrap()),
            admin: false,
            account_type: Some(if service {
                AccountType::Service
            } else {
                AccountType::User
            }),
            created_at: None,
            logged_in_at: None,
            flags: None,
            entity: None,
            deleted_at: None,
            api_keys: None,
            teams: Some(vec![ml()]),
        }
    }

    fn page(users: Vec<User>) -> UserPage {
        UserPage {
            edges: users
                .into_iter()
                .map(|user| UserEdge { cursor: None, user })
                .collect(),
            ..UserPage::default()
        }
    }

    fn member(username: Option<&str>, email: Option<&str>) -> Member {
        Member {
            id: MemberId::parse(format!("id-{}", username.unwrap_or("pending"))).unwrap(),
            name: "CI bot".to_owned(),
            username: username.map(|name| Username::parse(name).unwrap()),
            email: email.map(|email| Email::parse(email).unwrap()),
            role: TeamRole::Member,
            pending: false,
            // Where the server does not say: recognised by the listing.
            account_type: None,
        }
    }

    fn team_of(members: Vec<Member>) -> Team {
        Team {
            id: TeamId::parse("team-1").unwrap(),
            name: ml(),
            members: Some(members),
        }
    }

    #[test]
    fn an_unreadable_user_record_fails_the_snapshot_rather_than_leaving_them_out() {
        let mut builder = SnapshotBuilder::default();
        let mut listed = page(vec![]);
        listed.unreadable.push(Unreadable {
            id: Some("VXNlcjo5".into()),
            reason: "email: not an email".into(),
        });
        let error = builder.add_users(listed).unwrap_err();
        assert!(matches!(error, Error::Protocol { .. }), "{error:?}");
    }

    #[test]
    fn a_user_whose_email_is_withheld_is_not_listed_rather_than_left_out() {
        let mut builder = SnapshotBuilder::default();
        let error = builder
            .add_users(page(vec![user("ada", None, false)]))
            .unwrap_err();
        assert_eq!(
            error,
            Error::NotListed {
                what: "the email of user ada".into()
            }
        );
    }

    #[test]
    fn members_are_keyed_by_their_users_email_and_service_accounts_go_under_the_team() {
        let mut builder = SnapshotBuilder::default();
        builder
            .add_users(page(vec![
                user("ada", Some("Ada@x.io"), false),
                user("bot", None, true),
            ]))
            .unwrap();
        assert_eq!(builder.team_names().collect::<Vec<_>>(), [ml()]);
        builder
            .add_team(team_of(vec![
                member(Some("ada"), None),
                member(Some("bot"), None),
                member(Some("stranger"), None),
            ]))
            .unwrap();
        let snapshot = builder.finish(&user("ada", Some("ada@x.io"), false));
        let state = snapshot.state();
        assert!(
            state
                .users
                .contains_key(&EmailKey::new(Email::parse("ada@x.io").unwrap()))
        );
        assert_eq!(
            state.users.len(),
            1,
            "service accounts are not users of the state"
        );
        let team = &state.teams[&ml()];
        let members: Vec<String> = team.members.keys().map(ToString::to_string).collect();
        assert_eq!(members, ["Ada@x.io", "stranger"]);
        assert_eq!(team.service_accounts.iter().collect::<Vec<_>>(), ["CI bot"]);
        assert_eq!(snapshot.caller().to_string(), "Ada@x.io");
    }

    #[test]
    fn a_caller_who_is_a_service_account_is_known_as_one_even_without_its_type() {
        let mut builder = SnapshotBuilder::default();
        let mut bot = user("bot", None, true);
        bot.name = " deploy bot ".to_owned();
        builder.add_users(page(vec![bot.clone()])).unwrap();
        // The viewer's record need not say what kind of account it is.
        bot.account_type = None;
        let snapshot = builder.finish(&bot);
        assert_eq!(snapshot.caller_service_account(), Some("deploy bot"));
        let person = SnapshotBuilder::default().finish(&user("ada", Some("ada@x.io"), false));
        assert_eq!(person.caller_service_account(), None);
    }

    #[test]
    fn an_export_with_a_pending_invite_of_a_non_user_validates_and_plans_nothing() {
        let mut builder = SnapshotBuilder::default();
        builder
            .add_users(page(vec![user("ada", Some("ada@x.io"), false)]))
            .unwrap();
        let mut invite = member(None, Some("guest@ext.io"));
        invite.pending = true;
        builder
            .add_team(team_of(vec![member(Some("ada"), None), invite]))
            .unwrap();
        let snapshot = builder.finish(&user("ada", Some("ada@x.io"), false));
        let desired = crate::DesiredState::from(snapshot.state());
        let validated = desired
            .validate(snapshot.state())
            .unwrap_or_else(|errors| panic!("{errors:#?}"));
        let plan = crate::plan(&validated, &snapshot, &crate::PlanOptions::default());
        assert!(plan.is_empty(), "{:?}", plan.changes());
    }

    #[test]
    fn a_team_whose_members_are_withheld_is_not_listed_rather_than_empty() {
        let mut builder = SnapshotBuilder::default();
        let error = builder
            .add_team(Team {
                members: None,
                ..team_of(vec![])
            })
            .unwrap_err();
        assert!(matches!(error, Error::NotListed { .. }), "{error:?}");
    }
}
