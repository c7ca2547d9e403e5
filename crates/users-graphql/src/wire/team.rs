//! The shapes of the teams' answers.

use secrecy::SecretString;
use serde::Deserialize;
use serde::de::IgnoredAny;
use users_domain::{
    AccountType, Email, Member, MemberId, Team, TeamId, TeamName, TeamRole, UserId, Username,
};

use super::{account_type_option, parsed, parsed_option, secret_option};

/// The answer to a query of `entity(name)`: `null` for an unknown name.
#[derive(Deserialize)]
pub(crate) struct EntityData<T> {
    pub(crate) entity: Option<T>,
}

/// A team as `TeamMembers` selects it.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct WireTeam {
    #[serde(deserialize_with = "parsed")]
    id: TeamId,
    #[serde(deserialize_with = "parsed")]
    name: TeamName,
    /// `false` for a user's own entity, which shares the names' namespace.
    #[serde(default)]
    is_team: Option<bool>,
    members: Vec<WireMember>,
}

impl WireTeam {
    /// Whether the entity is a team, not a user's own; a server that does
    /// not say is taken at its word that `entity` is one.
    pub(crate) fn is_team(&self) -> bool {
        self.is_team != Some(false)
    }
}

impl From<WireTeam> for Team {
    fn from(wire: WireTeam) -> Self {
        Self {
            id: wire.id,
            name: wire.name,
            members: Some(wire.members.into_iter().map(Member::from).collect()),
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireMember {
    #[serde(deserialize_with = "parsed")]
    id: MemberId,
    /// Deprecated for `role`; what a server without `role` says.
    #[serde(default)]
    admin: Option<bool>,
    #[serde(default, deserialize_with = "role_option")]
    role: Option<TeamRole>,
    #[serde(default)]
    pending: Option<bool>,
    #[serde(default, deserialize_with = "parsed_option")]
    email: Option<Email>,
    #[serde(default, deserialize_with = "parsed_option")]
    username: Option<Username>,
    name: String,
    #[serde(default, deserialize_with = "account_type_option")]
    account_type: Option<AccountType>,
}

impl From<WireMember> for Member {
    fn from(wire: WireMember) -> Self {
        let role = wire.role.unwrap_or(if wire.admin == Some(true) {
            TeamRole::Admin
        } else {
            TeamRole::Member
        });
        Self {
            id: wire.id,
            name: wire.name,
            username: wire.username,
            email: wire.email,
            role,
            pending: wire.pending.unwrap_or(false),
            account_type: wire.account_type,
        }
    }
}

/// A role the server may leave null or empty (then `admin` decides).
fn role_option<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<TeamRole>, D::Error> {
    use serde::de::Error as _;
    Option::<String>::deserialize(deserializer)?
        .filter(|text| !text.is_empty())
        .map(|text| TeamRole::parse(&text).map_err(D::Error::custom))
        .transpose()
}

/// `TeamMemberKeys`'s entity: each member's id and key, the keys held as
/// secrets from the moment they are decoded (and zeroed when dropped).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct MemberKeys {
    /// As on [`WireTeam`]: a user's own entity is no team, and its keys are
    /// not a service account's.
    #[serde(default)]
    is_team: Option<bool>,
    pub(crate) members: Vec<MemberKey>,
}

impl MemberKeys {
    pub(crate) fn is_team(&self) -> bool {
        self.is_team != Some(false)
    }
}

#[derive(Deserialize)]
pub(crate) struct MemberKey {
    /// Kept as sent: a member this client could not otherwise read must not
    /// hide the one asked for.
    #[serde(default)]
    pub(crate) id: Option<String>,
    #[serde(default, rename = "apiKey", deserialize_with = "secret_option")]
    pub(crate) api_key: Option<SecretString>,
}

/// `createTeam`'s answer: the team's id and name are all that is read.
#[derive(Deserialize)]
pub(crate) struct CreatedTeam {
    pub(crate) entity: Option<CreatedEntity>,
}

#[derive(Deserialize)]
pub(crate) struct CreatedEntity {
    #[serde(deserialize_with = "parsed")]
    pub(crate) id: TeamId,
    #[serde(deserialize_with = "parsed")]
    pub(crate) name: TeamName,
}

/// `createInvite`'s answer: whether there is an invite, and what names its
/// member where the team, read afterwards, hides their email.
#[derive(Deserialize)]
pub(crate) struct Invited {
    pub(crate) invite: Option<WireInvite>,
}

/// Read leniently: the invite's existence is the answer; a field this
/// client cannot use only leaves one way less to find the member.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct WireInvite {
    /// A pending member's id in the team's listing.
    #[serde(default, deserialize_with = "lenient")]
    pub(crate) id: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub(crate) to_user: Option<InvitedUser>,
}

/// The user an invite made a member at once.
#[derive(Deserialize)]
pub(crate) struct InvitedUser {
    #[serde(default, deserialize_with = "lenient")]
    pub(crate) name: Option<String>,
}

/// `None` for a value not of the shape expected, not a failed decode.
fn lenient<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::de::DeserializeOwned,
{
    let value = serde_json::Value::deserialize(deserializer)?;
    Ok(serde_json::from_value(value).ok())
}

/// `updateMember`'s answer: only whether there is a member.
#[derive(Deserialize)]
pub(crate) struct RoleChanged {
    pub(crate) member: Option<IgnoredAny>,
}

/// `createServiceAccount`'s answer: the new account's user id.
#[derive(Deserialize)]
pub(crate) struct NewServiceAccount {
    pub(crate) user: Option<NewAccountUser>,
}

#[derive(Deserialize)]
pub(crate) struct NewAccountUser {
    #[serde(deserialize_with = "parsed")]
    pub(crate) id: UserId,
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};
    use users_domain::RoleName;

    use super::*;

    fn team_of(members: Value) -> Result<Team, String> {
        let mut entity = json!({ "id": "RW50aXR5OjE=", "name": "ml", "isTeam": true });
        entity["members"] = members;
        serde_path_to_error::deserialize::<_, WireTeam>(entity)
            .map(Team::from)
            .map_err(|error| format!("{}: {}", error.path(), error.inner()))
    }

    fn member(extra: Value) -> Value {
        let mut member = json!({ "id": "VXNlcjox", "name": "Ada", "username": "ada", "email": "ada@example.com" });
        if let (Value::Object(member), Value::Object(extra)) = (&mut member, extra) {
            member.extend(extra);
        }
        member
    }

    #[test]
    fn a_members_role_is_read_and_without_one_the_admin_flag_decides() {
        let team = team_of(json!([
            member(json!({ "role": "viewer", "admin": true })),
            member(json!({ "role": null, "admin": true })),
            member(json!({ "role": "", "admin": false })),
            member(json!({})),
            member(json!({ "role": "auditor", "pending": true, "accountType": "SERVICE" })),
        ]))
        .unwrap();

        let members = team.members.unwrap();
        let roles: Vec<&TeamRole> = members.iter().map(|member| &member.role).collect();
        let auditor = TeamRole::Custom(RoleName::parse("auditor").unwrap());
        assert_eq!(
            roles,
            [
                &TeamRole::Viewer,
                &TeamRole::Admin,
                &TeamRole::Member,
                &TeamRole::Member,
                &auditor
            ]
        );
        assert!(!members[0].pending);
        assert!(members[4].pending);
        assert_eq!(members[4].account_type, Some(AccountType::Service));
        assert_eq!(members[0].account_type, None);
        assert_eq!(members[0].username.as_ref().unwrap().as_str(), "ada");
    }

    #[test]
    fn a_pending_invite_by_email_has_no_username() {
        let invite = json!({ "id": "SW52aXRlOjE=", "name": "", "username": null, "email": "cy@example.com", "pending": true });

        let team = team_of(json!([invite])).unwrap();

        let member = &team.members.unwrap()[0];
        assert_eq!(member.username, None);
        assert_eq!(member.id.as_str(), "SW52aXRlOjE=");
    }

    #[test]
    fn what_the_domain_cannot_take_fails_naming_the_field() {
        let cases = [
            (
                member(json!({ "accountType": "ROBOT" })),
                "members[0].accountType",
            ),
            (member(json!({ "role": "two words" })), "members[0].role"),
            (member(json!({ "id": null })), "members[0].id"),
            (member(json!({ "name": null })), "members[0].name"),
        ];
        for (member, path) in cases {
            let error = team_of(json!([member])).unwrap_err();
            assert!(error.starts_with(path), "{error}");
        }
    }

    #[test]
    fn an_invites_fields_of_an_unexpected_shape_only_go_unread() {
        let invite = json!({ "invite": { "id": 7, "toUser": { "name": ["Bob"] } } });

        let invited: Invited = serde_path_to_error::deserialize(invite).unwrap();

        let invite = invited.invite.unwrap();
        assert_eq!(invite.id, None);
        assert_eq!(invite.to_user.unwrap().name, None);
    }

    #[test]
    fn members_are_required() {
        let entity = json!({ "id": "RW50aXR5OjE=", "name": "ml", "isTeam": true });

        assert!(serde_path_to_error::deserialize::<_, WireTeam>(entity).is_err());
    }

    #[test]
    fn only_an_entity_that_says_it_is_no_team_is_not_one() {
        for (is_team, expected) in [
            (json!(true), true),
            (json!(null), true),
            (json!(false), false),
        ] {
            let entity =
                json!({ "id": "RW50aXR5OjE=", "name": "ml", "isTeam": is_team, "members": [] });
            let team: WireTeam = serde_json::from_value(entity).unwrap();
            assert_eq!(team.is_team(), expected);
        }
    }
}
