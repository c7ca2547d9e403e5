//! Teams and their members, as `--json` shows them (documented in
//! `docs/json.md`) and as text. A member never carries a secret: the domain's
//! `Member` holds none.

use serde::{Serialize, Serializer};
use users_domain::{AccountType, Email, Member, Team, TeamName, Username};

use super::{Each, NOT_LOADED, account_text, account_word, or_dash};
use crate::output::{fields, table, yes_no};

/// A member of a team.
#[derive(Debug, Serialize)]
pub(crate) struct MemberView<'m> {
    pub(crate) id: &'m str,
    pub(crate) name: &'m str,
    pub(crate) username: Option<&'m str>,
    pub(crate) email: Option<&'m str>,
    pub(crate) role: &'m str,
    pub(crate) pending: bool,
    pub(crate) account_type: Option<&'static str>,
}

impl<'m> From<&'m Member> for MemberView<'m> {
    fn from(member: &'m Member) -> Self {
        Self {
            id: member.id.as_str(),
            name: &member.name,
            username: member.username.as_ref().map(Username::as_str),
            email: member.email.as_ref().map(Email::as_str),
            role: member.role.as_str(),
            pending: member.pending,
            account_type: account_word(member.account_type),
        }
    }
}

impl Serialize for Each<'_, Member> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(MemberView::from))
    }
}

/// A team and, when loaded, its members.
#[derive(Debug, Serialize)]
pub(crate) struct TeamView<'t> {
    pub(crate) id: &'t str,
    pub(crate) name: &'t str,
    /// `null` when the server did not list them.
    pub(crate) members: Option<Each<'t, Member>>,
}

impl<'t> From<&'t Team> for TeamView<'t> {
    fn from(team: &'t Team) -> Self {
        Self {
            id: team.id.as_str(),
            name: team.name.as_str(),
            members: team.members.as_deref().map(Each),
        }
    }
}

/// A team's name as an element of a list of teams: `{"name": "ml"}`, an
/// object so that fields can be added.
#[derive(Debug, Serialize)]
pub(crate) struct TeamNameView<'t> {
    pub(crate) name: &'t str,
}

impl<'t> From<&'t TeamName> for TeamNameView<'t> {
    fn from(name: &'t TeamName) -> Self {
        Self {
            name: name.as_str(),
        }
    }
}

/// The columns of a table of members.
pub(crate) const MEMBER_COLUMNS: &[&str] =
    &["MEMBER", "USERNAME", "EMAIL", "ROLE", "TYPE", "PENDING"];

/// A member as a row of [`MEMBER_COLUMNS`].
pub(crate) fn member_row(member: &Member) -> Vec<String> {
    let or_dash_of = |text: Option<&str>| or_dash(text.unwrap_or_default());
    vec![
        or_dash(&member.name),
        or_dash_of(member.username.as_ref().map(Username::as_str)),
        or_dash_of(member.email.as_ref().map(Email::as_str)),
        member.role.to_string(),
        account_text(member.account_type),
        yes_no(member.pending),
    ]
}

/// Members as a table.
pub(crate) fn members_table(members: &[Member]) -> String {
    let rows: Vec<Vec<String>> = members.iter().map(member_row).collect();
    table(MEMBER_COLUMNS, &rows)
}

/// A team: its name and id, then its members as a table.
pub(crate) fn team_text(team: &Team) -> String {
    let members = match team.members.as_deref() {
        None => NOT_LOADED.to_owned(),
        Some([]) => "none".to_owned(),
        Some(members) => members.len().to_string(),
    };
    let head = fields(&[
        ("team", team.name.to_string()),
        ("id", team.id.to_string()),
        ("members", members),
    ]);
    match team.members.as_deref() {
        Some(members) if !members.is_empty() => {
            format!("{head}\n\n{}", members_table(members))
        }
        _ => head,
    }
}

/// Team names as a table of one column.
pub(crate) fn team_names_table<'t>(names: impl IntoIterator<Item = &'t TeamName>) -> String {
    let rows: Vec<Vec<String>> = names
        .into_iter()
        .map(|name| vec![name.to_string()])
        .collect();
    table(TEAM_COLUMNS, &rows)
}

/// The columns of a list of teams.
pub(crate) const TEAM_COLUMNS: &[&str] = &["TEAM"];

/// A service account just made in `team`, as label/value lines.
pub(crate) fn service_account_text(team: &TeamName, account: &Member) -> String {
    fields(&[
        ("service account", or_dash(&account.name)),
        (
            "username",
            or_dash(account.username.as_ref().map_or("", |name| name.as_str())),
        ),
        ("team", team.to_string()),
        ("id", account.id.to_string()),
    ])
}

/// The columns of a table of service accounts.
pub(crate) const SERVICE_ACCOUNT_COLUMNS: &[&str] = &["TEAM", "SERVICE ACCOUNT", "USERNAME", "ID"];

/// A service account of `team` as a row of [`SERVICE_ACCOUNT_COLUMNS`].
pub(crate) fn service_account_row(team: &TeamName, account: &Member) -> Vec<String> {
    vec![
        team.to_string(),
        or_dash(&account.name),
        or_dash(account.username.as_ref().map_or("", |name| name.as_str())),
        account.id.to_string(),
    ]
}

/// The service accounts among `members`.
pub(crate) fn service_accounts(members: &[Member]) -> impl Iterator<Item = &Member> {
    members
        .iter()
        .filter(|member| member.account_type == Some(AccountType::Service))
}

#[cfg(test)]
mod tests {
    use users_domain::{MemberId, TeamId, TeamRole};

    use super::*;

    fn member(name: &str, role: TeamRole, kind: Option<AccountType>) -> Member {
        Member {
            id: MemberId::parse(format!("id-{name}")).unwrap(),
            name: name.to_uppercase(),
            username: Some(Username::parse(name).unwrap()),
            email: None,
            role,
            pending: false,
            account_type: kind,
        }
    }

    fn team(members: Option<Vec<Member>>) -> Team {
        Team {
            id: TeamId::parse("VGVhbTox").unwrap(),
            name: TeamName::parse("ml").unwrap(),
            members,
        }
    }

    #[test]
    fn a_team_shows_its_members_as_a_table_under_its_name() {
        let shown = team_text(&team(Some(vec![
            member("ada", TeamRole::Admin, Some(AccountType::User)),
            member("ci", TeamRole::Member, Some(AccountType::Service)),
        ])));

        assert_eq!(
            shown,
            "team     ml\n\
             id       VGVhbTox\n\
             members  2\n\
             \n\
             MEMBER  USERNAME  EMAIL  ROLE    TYPE     PENDING\n\
             ADA     ada       -      admin   user     no\n\
             CI      ci        -      member  service  no"
        );
    }

    #[test]
    fn members_not_listed_are_unknown_and_none_are_none() {
        assert!(team_text(&team(None)).ends_with("members  (not listed by the server)"));
        assert!(team_text(&team(Some(Vec::new()))).ends_with("members  none"));
    }

    #[test]
    fn a_member_as_json_has_every_field_and_no_secret() {
        let ci = member("ci", TeamRole::Viewer, None);

        let json = serde_json::to_value(MemberView::from(&ci)).unwrap();

        assert_eq!(
            json,
            serde_json::json!({
                "id": "id-ci", "name": "CI", "username": "ci", "email": null,
                "role": "viewer", "pending": false, "account_type": null
            })
        );
    }

    #[test]
    fn only_service_accounts_are_listed_as_such() {
        let members = [
            member("ada", TeamRole::Admin, Some(AccountType::User)),
            member("ci", TeamRole::Member, Some(AccountType::Service)),
            member("x", TeamRole::Member, None),
        ];
        let names: Vec<&str> = service_accounts(&members)
            .map(|m| m.name.as_str())
            .collect();
        assert_eq!(names, ["CI"]);
    }
}
