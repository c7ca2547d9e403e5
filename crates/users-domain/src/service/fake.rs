//! A tiny in-memory server for the service's tests: users and teams as the
//! contract describes them (service accounts are users made in a team,
//! team names share the namespace of usernames, the creator of a team is
//! its first admin), with faults to inject: a server that goes away from
//! some mutation on (as a run killed there), and answers lost after the
//! change was made.

use std::collections::BTreeSet;
use std::sync::{Mutex, MutexGuard};

use async_trait::async_trait;

use crate::{
    AccountType, ApiKeySecret, Cursor, Email, Error, Invitee, Member, MemberId, PageInfo,
    PageRequest, Result, Team, TeamId, TeamName, TeamRepository, TeamRole, Timestamp, User,
    UserEdge, UserId, UserPage, UserRepository, Username,
};

#[derive(Debug, Clone)]
pub(super) struct FakeUser {
    pub(super) id: String,
    pub(super) username: String,
    pub(super) email: Option<String>,
    pub(super) name: String,
    pub(super) admin: bool,
    pub(super) deactivated: bool,
    pub(super) service: bool,
}

#[derive(Debug, Clone)]
pub(super) struct FakeTeam {
    pub(super) name: String,
    /// Indices into the users, and roles, in the order they joined.
    pub(super) members: Vec<(usize, TeamRole)>,
}

/// Faults to inject, counted over mutations from the first.
#[derive(Debug, Clone, Default)]
pub(super) struct Faults {
    /// From this mutation on every mutation fails, unmade: the run was killed.
    pub(super) down_from: Option<usize>,
    /// These mutations are made, but their answer is lost.
    pub(super) lost: BTreeSet<usize>,
    /// Mutations of these words (as the log writes them) are refused
    /// (`PermissionDenied`), unmade.
    pub(super) refused: BTreeSet<String>,
    /// Reads fail, so that a lost answer cannot be settled.
    pub(super) reads_fail: bool,
    /// Creating the team of this name is refused.
    pub(super) refuse_team: Option<String>,
    /// Users are listed without their teams.
    pub(super) withhold_teams: bool,
}

#[derive(Debug, Default)]
pub(super) struct World {
    pub(super) users: Vec<FakeUser>,
    pub(super) teams: Vec<FakeTeam>,
    /// The index of the user whose key the caller holds.
    pub(super) caller: usize,
    pub(super) faults: Faults,
    /// Mutations received.
    pub(super) mutations: usize,
    /// Every mutation made, in words: the same one twice is a change done twice.
    pub(super) log: Vec<String>,
    /// Mutations that found their change made already (or refused as a duplicate).
    pub(super) redundant: usize,
    /// Calls of `list_users`: a walk of the users.
    pub(super) listings: usize,
}

#[derive(Debug, Default)]
pub(super) struct FakeServer {
    world: Mutex<World>,
}

impl FakeServer {
    /// A server whose caller is `root@x.io`, an active admin.
    pub(super) fn new() -> Self {
        let server = Self::default();
        server.world().add_user("root@x.io", true, false);
        server
    }

    pub(super) fn world(&self) -> MutexGuard<'_, World> {
        self.world.lock().unwrap()
    }

    fn read<T>(&self, read: impl FnOnce(&World) -> Result<T>) -> Result<T> {
        let world = self.world();
        if world.faults.reads_fail {
            return Err(Error::Unavailable {
                reason: "reads fail".into(),
            });
        }
        read(&world)
    }

    fn mutate<T>(&self, what: String, change: impl FnOnce(&mut World) -> Result<T>) -> Result<T> {
        let mut world = self.world();
        let number = world.mutations;
        world.mutations += 1;
        if world.faults.down_from.is_some_and(|from| number >= from) {
            return Err(Error::Unavailable {
                reason: "the server went away".into(),
            });
        }
        if world.faults.refused.contains(&what) {
            return Err(Error::PermissionDenied {
                reason: "this fake refuses the change".into(),
            });
        }
        let made = change(&mut world);
        match &made {
            Ok(_) => world.log.push(what.clone()),
            Err(Error::AlreadyExists { .. }) => world.redundant += 1,
            Err(_) => {}
        }
        if made.is_ok() && world.faults.lost.contains(&number) {
            return Err(Error::Ambiguous {
                operation: what,
                reason: "the answer was lost".into(),
            });
        }
        made
    }
}

impl World {
    fn taken(&self, name: &str) -> bool {
        self.users.iter().any(|user| user.username == name)
            || self.teams.iter().any(|team| team.name == name)
    }

    fn unique(&self, base: &str) -> String {
        let mut name = base.to_owned();
        let mut n = 1;
        while self.taken(&name) {
            n += 1;
            name = format!("{base}{n}");
        }
        name
    }

    pub(super) fn add_user(&mut self, email: &str, admin: bool, deactivated: bool) -> usize {
        let username = self.unique(email.split('@').next().unwrap_or("user"));
        self.users.push(FakeUser {
            id: format!("user-{}", self.users.len()),
            name: username.clone(),
            username,
            email: Some(email.to_owned()),
            admin,
            deactivated,
            service: false,
        });
        self.users.len() - 1
    }

    pub(super) fn add_team(&mut self, name: &str, members: Vec<(usize, TeamRole)>) {
        self.teams.push(FakeTeam {
            name: name.to_owned(),
            members,
        });
    }

    pub(super) fn add_service_account(&mut self, team: usize, description: &str) {
        let slug: String = description
            .chars()
            .map(|c| if c.is_alphanumeric() { c } else { '-' })
            .collect();
        let username = self.unique(&format!("{slug}-sa"));
        self.users.push(FakeUser {
            id: format!("user-{}", self.users.len()),
            username,
            email: None,
            name: description.to_owned(),
            admin: false,
            deactivated: false,
            service: true,
        });
        let index = self.users.len() - 1;
        self.teams[team].members.push((index, TeamRole::Member));
    }

    pub(super) fn user_by_email(&self, email: &str) -> Option<usize> {
        self.users.iter().position(|user| {
            user.email
                .as_deref()
                .is_some_and(|theirs| theirs.eq_ignore_ascii_case(email))
        })
    }

    fn user_by_id(&self, id: &str) -> Result<usize> {
        self.users
            .iter()
            .position(|user| user.id == id)
            .ok_or_else(|| Error::not_found(format!("user {id}")))
    }

    fn team_index(&self, name: &TeamName) -> Result<usize> {
        self.teams
            .iter()
            .position(|team| team.name == name.as_str())
            .ok_or_else(|| Error::not_found(format!("team {name}")))
    }

    fn as_user(&self, index: usize) -> User {
        let user = &self.users[index];
        User {
            id: UserId::parse(user.id.clone()).unwrap(),
            name: user.name.clone(),
            username: Username::parse(user.username.clone()).unwrap(),
            email: user.email.clone().map(|email| Email::parse(email).unwrap()),
            admin: user.admin,
            account_type: Some(if user.service {
                AccountType::Service
            } else {
                AccountType::User
            }),
            created_at: None,
            logged_in_at: None,
            flags: None,
            entity: None,
            deleted_at: user
                .deactivated
                .then(|| Timestamp::from_unix_seconds(0).unwrap()),
            api_keys: Some(Vec::new()),
            teams: (!self.faults.withhold_teams).then(|| {
                self.teams
                    .iter()
                    .filter(|team| team.members.iter().any(|&(member, _)| member == index))
                    .map(|team| TeamName::parse(team.name.clone()).unwrap())
                    .collect()
            }),
        }
    }

    fn as_member(&self, index: usize, role: &TeamRole) -> Member {
        let user = self.as_user(index);
        Member {
            id: MemberId::parse(user.id.as_str()).unwrap(),
            name: user.name,
            username: Some(user.username),
            email: user.email,
            role: role.clone(),
            pending: false,
            account_type: user.account_type,
        }
    }

    fn as_team(&self, index: usize) -> Team {
        let team = &self.teams[index];
        Team {
            id: TeamId::parse(format!("team-{index}")).unwrap(),
            name: TeamName::parse(team.name.clone()).unwrap(),
            members: Some(
                team.members
                    .iter()
                    .map(|(user, role)| self.as_member(*user, role))
                    .collect(),
            ),
        }
    }

    fn matching(&self, query: &str) -> Vec<usize> {
        let query = query.to_ascii_lowercase();
        (0..self.users.len())
            .filter(|&index| {
                let user = &self.users[index];
                let names = [Some(user.username.as_str()), user.email.as_deref()];
                names.into_iter().flatten().any(|name| {
                    let name = name.to_ascii_lowercase();
                    name.starts_with(&query) || name.ends_with(&query)
                })
            })
            .collect()
    }

    fn set_flag(&mut self, id: &UserId, set: impl FnOnce(&mut FakeUser) -> bool) -> Result<()> {
        let index = self.user_by_id(id.as_str())?;
        if !set(&mut self.users[index]) {
            self.redundant += 1;
        }
        Ok(())
    }
}

#[async_trait]
impl UserRepository for FakeServer {
    async fn viewer(&self) -> Result<User> {
        self.read(|world| Ok(world.as_user(world.caller)))
    }

    async fn search_users(&self, query: &str) -> Result<Vec<User>> {
        self.read(|world| {
            Ok(world
                .matching(query)
                .into_iter()
                .map(|index| world.as_user(index))
                .collect())
        })
    }

    async fn list_users(&self, query: &str, page: &PageRequest) -> Result<UserPage> {
        self.world().listings += 1;
        let PageRequest::Forward { size, after } = page else {
            return Err(Error::invalid("this fake pages forward only"));
        };
        self.read(|world| {
            let all = world.matching(query);
            let start = after
                .as_ref()
                .map_or(0, |cursor| cursor.as_str().parse::<usize>().unwrap() + 1);
            let end = all.len().min(start + size.get() as usize);
            let edges: Vec<UserEdge> = (start..end)
                .map(|at| UserEdge {
                    cursor: Some(Cursor::parse(at.to_string()).unwrap()),
                    user: world.as_user(all[at]),
                })
                .collect();
            Ok(UserPage {
                page_info: PageInfo {
                    start_cursor: edges.first().and_then(|edge| edge.cursor.clone()),
                    end_cursor: edges.last().and_then(|edge| edge.cursor.clone()),
                    has_next_page: end < all.len(),
                    has_previous_page: start > 0,
                },
                edges,
                unreadable: Vec::new(),
            })
        })
    }

    async fn user_by_id(&self, id: &UserId) -> Result<User> {
        self.read(|world| Ok(world.as_user(world.user_by_id(id.as_str())?)))
    }

    async fn create_user(&self, email: &Email, admin: bool) -> Result<User> {
        self.mutate(format!("create user {email}"), |world| {
            if world.user_by_email(email.as_str()).is_some() {
                return Err(Error::AlreadyExists {
                    what: format!("a user with email {email}"),
                });
            }
            let index = world.add_user(email.as_str(), admin, false);
            Ok(world.as_user(index))
        })
    }

    async fn deactivate_user(&self, id: &UserId) -> Result<()> {
        self.mutate(format!("deactivate {id}"), |world| {
            world.set_flag(id, |user| !std::mem::replace(&mut user.deactivated, true))
        })
    }

    async fn reactivate_user(&self, id: &UserId) -> Result<()> {
        self.mutate(format!("reactivate {id}"), |world| {
            world.set_flag(id, |user| std::mem::replace(&mut user.deactivated, false))
        })
    }

    async fn set_instance_admin(&self, id: &UserId, admin: bool) -> Result<()> {
        self.mutate(format!("set admin {id} {admin}"), |world| {
            world.set_flag(id, |user| {
                std::mem::replace(&mut user.admin, admin) != admin
            })
        })
    }
}

#[async_trait]
impl TeamRepository for FakeServer {
    async fn team(&self, name: &TeamName) -> Result<Team> {
        self.read(|world| Ok(world.as_team(world.team_index(name)?)))
    }

    async fn create_team(&self, name: &TeamName, admin: Option<Username>) -> Result<Team> {
        self.mutate(format!("create team {name}"), |world| {
            if world.faults.refuse_team.as_deref() == Some(name.as_str()) {
                return Err(Error::PermissionDenied {
                    reason: "this fake refuses the team".into(),
                });
            }
            if world.taken(name.as_str()) {
                return Err(Error::AlreadyExists {
                    what: format!("entity {name}"),
                });
            }
            let first = match admin {
                None => world.caller,
                Some(username) => world
                    .users
                    .iter()
                    .position(|user| user.username == username.as_str())
                    .ok_or_else(|| Error::not_found(format!("user {username}")))?,
            };
            world.add_team(name.as_str(), vec![(first, TeamRole::Admin)]);
            Ok(world.as_team(world.teams.len() - 1))
        })
    }

    async fn add_member(&self, team: &TeamName, invitee: &Invitee, admin: bool) -> Result<Member> {
        self.mutate(format!("add {invitee} to {team}"), |world| {
            let at = world.team_index(team)?;
            let user = match invitee {
                Invitee::Email(email) => world.user_by_email(email.as_str()),
                Invitee::Username(name) => world
                    .users
                    .iter()
                    .position(|user| user.username == name.as_str()),
            }
            .ok_or_else(|| Error::not_found(format!("user {invitee}")))?;
            if world.teams[at]
                .members
                .iter()
                .any(|&(member, _)| member == user)
            {
                return Err(Error::AlreadyExists {
                    what: format!("member {invitee} of {team}"),
                });
            }
            let role = if admin {
                TeamRole::Admin
            } else {
                TeamRole::Member
            };
            world.teams[at].members.push((user, role.clone()));
            Ok(world.as_member(user, &role))
        })
    }

    async fn remove_member(&self, team: &TeamName, member: &MemberId) -> Result<()> {
        self.mutate(format!("remove {member} from {team}"), |world| {
            let at = world.team_index(team)?;
            let user = world.user_by_id(member.as_str())?;
            let members = &mut world.teams[at].members;
            let before = members.len();
            members.retain(|&(index, _)| index != user);
            if members.len() == before {
                return Err(Error::not_found(format!("member {member} of {team}")));
            }
            Ok(())
        })
    }

    async fn set_member_role(
        &self,
        team: &TeamName,
        member: &MemberId,
        role: &TeamRole,
    ) -> Result<()> {
        self.mutate(
            format!("set role of {member} in {team} to {role}"),
            |world| {
                let at = world.team_index(team)?;
                let user = world.user_by_id(member.as_str())?;
                let entry = world.teams[at]
                    .members
                    .iter_mut()
                    .find(|(index, _)| *index == user)
                    .ok_or_else(|| Error::not_found(format!("member {member} of {team}")))?;
                if entry.1 == *role {
                    world.redundant += 1;
                } else {
                    entry.1 = role.clone();
                }
                Ok(())
            },
        )
    }

    async fn create_service_account(&self, team: &TeamName, description: &str) -> Result<Member> {
        self.mutate(
            format!("create service account {description} in {team}"),
            |world| {
                let at = world.team_index(team)?;
                world.add_service_account(at, description);
                let index = world.users.len() - 1;
                Ok(world.as_member(index, &TeamRole::Member))
            },
        )
    }

    async fn service_account_secret(
        &self,
        _team: &TeamName,
        _member: &MemberId,
    ) -> Result<Option<ApiKeySecret>> {
        Ok(None)
    }
}
