//! Every document parses and selects exactly the fields the spec lists: the
//! SDK's verbatim, the lifecycle mutations as the spec writes them, and ours.

use std::collections::{BTreeMap, BTreeSet};

use async_graphql_parser::types::{ExecutableDocument, OperationType, Selection, SelectionSet};

use super::fixtures::{
    API_KEY_PAGE, DELETE_USER, LIST_USERS, LISTED_USER, SDK_CREATE_INVITE,
    SDK_CREATE_SERVICE_ACCOUNT, SDK_CREATE_TEAM, SDK_DELETE_INVITE, SDK_GET_TEAM_ENTITY,
    TEAM_MEMBER_KEYS, TEAM_MEMBERS, UNDELETE_USER, UPDATE_MEMBER, UPDATE_USER, USER_BY_ID,
};
use crate::support::{
    SDK_CREATE_USER, SDK_DELETE, SDK_GENERATE, SDK_GET_VIEWER, SDK_SEARCH_USERS, USER_FIELDS,
};

/// What one document holds, flattened: fragments expanded, aliases as `alias:field`.
struct Parsed {
    name: String,
    kind: OperationType,
    /// `name: Type`.
    variables: BTreeSet<String>,
    /// Root field (with alias) → its arguments as GraphQL text.
    arguments: BTreeMap<String, String>,
    leaves: BTreeSet<String>,
}

fn parse(document: &str) -> Parsed {
    let parsed = async_graphql_parser::parse_query(document).unwrap();
    let mut operations = parsed.operations.iter();
    let (name, operation) = operations.next().unwrap();
    assert!(operations.next().is_none(), "one operation per document");
    let operation = &operation.node;
    let variables = operation
        .variable_definitions
        .iter()
        .map(|variable| {
            format!(
                "{}: {}",
                variable.node.name.node, variable.node.var_type.node
            )
        })
        .collect();
    let mut arguments = BTreeMap::new();
    for item in &operation.selection_set.node.items {
        if let Selection::Field(field) = &item.node {
            let arguments_text: Vec<String> = field
                .node
                .arguments
                .iter()
                .map(|(name, value)| format!("{}: {}", name.node, value.node))
                .collect();
            arguments.insert(label(&field.node), arguments_text.join(", "));
        }
    }
    let mut leaves = BTreeSet::new();
    collect(&operation.selection_set.node, "", &parsed, &mut leaves);
    Parsed {
        name: name.unwrap().to_string(),
        kind: operation.ty,
        variables,
        arguments,
        leaves,
    }
}

fn label(field: &async_graphql_parser::types::Field) -> String {
    match &field.alias {
        Some(alias) => format!("{}:{}", alias.node, field.name.node),
        None => field.name.node.to_string(),
    }
}

fn collect(
    set: &SelectionSet,
    prefix: &str,
    document: &ExecutableDocument,
    leaves: &mut BTreeSet<String>,
) {
    for item in &set.items {
        match &item.node {
            Selection::Field(field) => {
                let path = format!("{prefix}{}", label(&field.node));
                if field.node.selection_set.node.items.is_empty() {
                    leaves.insert(path);
                } else {
                    collect(
                        &field.node.selection_set.node,
                        &format!("{path}."),
                        document,
                        leaves,
                    );
                }
            }
            Selection::FragmentSpread(spread) => {
                let fragment = &document.fragments[&spread.node.fragment_name.node];
                collect(&fragment.node.selection_set.node, prefix, document, leaves);
            }
            Selection::InlineFragment(inline) => {
                collect(&inline.node.selection_set.node, prefix, document, leaves);
            }
        }
    }
}

fn under(prefix: &str, paths: &[&str]) -> BTreeSet<String> {
    paths.iter().map(|path| format!("{prefix}{path}")).collect()
}

#[test]
fn get_viewer_selects_the_user_fragment() {
    let parsed = parse(SDK_GET_VIEWER);
    assert_eq!(parsed.name, "GetViewer");
    assert_eq!(parsed.kind, OperationType::Query);
    assert!(parsed.variables.is_empty());
    assert_eq!(parsed.leaves, under("viewer.", &USER_FIELDS));
}

#[test]
fn search_users_takes_a_nullable_query_and_selects_users() {
    let parsed = parse(SDK_SEARCH_USERS);
    assert_eq!(parsed.name, "SearchUsers");
    assert_eq!(parsed.kind, OperationType::Query);
    assert_eq!(parsed.variables, under("", &["query: String"]));
    assert_eq!(parsed.arguments["users"], "query: $query");
    assert_eq!(parsed.leaves, under("users.edges.node.", &USER_FIELDS));
}

#[test]
fn create_user_is_an_aliased_mutation_on_email_and_admin() {
    let parsed = parse(SDK_CREATE_USER);
    assert_eq!(parsed.name, "CreateUserFromAdmin");
    assert_eq!(parsed.kind, OperationType::Mutation);
    assert_eq!(
        parsed.variables,
        under("", &["email: String!", "admin: Boolean"])
    );
    assert_eq!(
        parsed.arguments["result:createUser"],
        "input: {email: $email, admin: $admin}"
    );
    let fields = ["id", "name", "username", "email", "admin"];
    assert_eq!(parsed.leaves, under("result:createUser.user.", &fields));
}

#[test]
fn generate_api_key_is_an_aliased_mutation_on_the_description() {
    let parsed = parse(SDK_GENERATE);
    assert_eq!(parsed.name, "GenerateApiKey");
    assert_eq!(parsed.kind, OperationType::Mutation);
    assert_eq!(parsed.variables, under("", &["description: String"]));
    assert_eq!(
        parsed.arguments["result:generateApiKey"],
        "input: {description: $description}"
    );
    let fields = ["id", "name", "description"];
    assert_eq!(
        parsed.leaves,
        under("result:generateApiKey.apiKey.", &fields)
    );
}

#[test]
fn delete_api_key_is_an_aliased_mutation_on_the_id() {
    let parsed = parse(SDK_DELETE);
    assert_eq!(parsed.name, "DeleteApiKey");
    assert_eq!(parsed.kind, OperationType::Mutation);
    assert_eq!(parsed.variables, under("", &["id: String!"]));
    assert_eq!(parsed.arguments["result:deleteApiKey"], "input: {id: $id}");
    assert_eq!(parsed.leaves, under("", &["result:deleteApiKey.success"]));
}

/// The SDK's `Member` selection in `GetTeamEntity`.
const SDK_MEMBER_FIELDS: [&str; 9] = [
    "id",
    "admin",
    "pending",
    "email",
    "username",
    "name",
    "photoUrl",
    "accountType",
    "apiKey",
];

#[test]
fn get_team_entity_selects_what_the_sdks_team_model_reads() {
    let parsed = parse(SDK_GET_TEAM_ENTITY);
    assert_eq!(parsed.name, "GetTeamEntity");
    assert_eq!(parsed.kind, OperationType::Query);
    assert_eq!(parsed.variables, under("", &["name: String!"]));
    assert_eq!(parsed.arguments["entity"], "name: $name");
    let mut fields = under(
        "entity.",
        &[
            "id",
            "name",
            "available",
            "photoUrl",
            "readOnly",
            "readOnlyAdmin",
            "isTeam",
            "entityType",
            "privateOnly",
            "storageBytes",
            "codeSavingEnabled",
            "defaultAccess",
            "isPaid",
        ],
    );
    fields.extend(under("entity.members.", &SDK_MEMBER_FIELDS));
    assert_eq!(parsed.leaves, fields);
}

#[test]
fn create_team_is_an_aliased_mutation_on_the_name_and_the_admin() {
    let parsed = parse(SDK_CREATE_TEAM);
    assert_eq!(parsed.name, "CreateTeam");
    assert_eq!(parsed.kind, OperationType::Mutation);
    assert_eq!(
        parsed.variables,
        under("", &["teamName: String!", "teamAdminUserName: String"])
    );
    assert_eq!(
        parsed.arguments["result:createTeam"],
        "input: {teamName: $teamName, teamAdminUserName: $teamAdminUserName}"
    );
    let fields = ["id", "name", "available", "photoUrl", "limits"];
    assert_eq!(parsed.leaves, under("result:createTeam.entity.", &fields));
}

#[test]
fn create_invite_takes_an_email_or_a_username_and_the_admin_flag() {
    let parsed = parse(SDK_CREATE_INVITE);
    assert_eq!(parsed.name, "CreateInvite");
    assert_eq!(parsed.kind, OperationType::Mutation);
    assert_eq!(
        parsed.variables,
        under(
            "",
            &[
                "entity: String!",
                "email: String",
                "username: String",
                "admin: Boolean"
            ]
        )
    );
    assert_eq!(
        parsed.arguments["result:createInvite"],
        "input: {entityName: $entity, email: $email, username: $username, admin: $admin}"
    );
    let fields = ["id", "name", "email", "createdAt", "toUser.name"];
    assert_eq!(parsed.leaves, under("result:createInvite.invite.", &fields));
}

#[test]
fn delete_invite_takes_the_member_id_and_the_team() {
    let parsed = parse(SDK_DELETE_INVITE);
    assert_eq!(parsed.name, "DeleteInvite");
    assert_eq!(parsed.kind, OperationType::Mutation);
    assert_eq!(
        parsed.variables,
        under("", &["id: String", "entity: String"])
    );
    assert_eq!(
        parsed.arguments["result:deleteInvite"],
        "input: {id: $id, entityName: $entity}"
    );
    assert_eq!(parsed.leaves, under("", &["result:deleteInvite.success"]));
}

#[test]
fn create_service_account_answers_only_the_new_users_id() {
    let parsed = parse(SDK_CREATE_SERVICE_ACCOUNT);
    assert_eq!(parsed.name, "CreateServiceAccount");
    assert_eq!(parsed.kind, OperationType::Mutation);
    assert_eq!(
        parsed.variables,
        under("", &["entity: String!", "description: String!"])
    );
    assert_eq!(
        parsed.arguments["result:createServiceAccount"],
        "input: {description: $description, entityName: $entity}"
    );
    assert_eq!(
        parsed.leaves,
        under("", &["result:createServiceAccount.user.id"])
    );
}

#[test]
fn deactivation_and_reactivation_take_the_id_and_answer_deleted_at() {
    for (document, name, field) in [
        (DELETE_USER, "DeleteUser", "deleteUser"),
        (UNDELETE_USER, "UndeleteUser", "undeleteUser"),
    ] {
        let parsed = parse(document);
        assert_eq!(parsed.name, name);
        assert_eq!(parsed.kind, OperationType::Mutation);
        assert_eq!(parsed.variables, under("", &["id: ID!"]));
        assert_eq!(parsed.arguments[field], "input: {id: $id}");
        let leaves = under(&format!("{field}.user."), &["id", "deletedAt"]);
        assert_eq!(parsed.leaves, leaves);
    }
}

#[test]
fn update_user_takes_the_id_and_the_admin_flag() {
    let parsed = parse(UPDATE_USER);
    assert_eq!(parsed.name, "UpdateUser");
    assert_eq!(parsed.kind, OperationType::Mutation);
    assert_eq!(parsed.variables, under("", &["id: ID", "admin: Boolean"]));
    assert_eq!(
        parsed.arguments["updateUser"],
        "input: {id: $id, admin: $admin}"
    );
    assert_eq!(parsed.leaves, under("updateUser.user.", &["id", "admin"]));
}

#[test]
fn update_member_sets_a_role_by_team_and_user() {
    let parsed = parse(UPDATE_MEMBER);
    assert_eq!(parsed.name, "UpdateMember");
    assert_eq!(parsed.kind, OperationType::Mutation);
    assert_eq!(
        parsed.variables,
        under("", &["entityName: String!", "user: ID!", "role: String"])
    );
    assert_eq!(
        parsed.arguments["result:updateMember"],
        "input: {entityName: $entityName, user: $user, role: $role}"
    );
    assert_eq!(
        parsed.leaves,
        under("result:updateMember.member.", &["id", "role"])
    );
}

#[test]
fn team_members_reads_roles_and_never_a_key() {
    let parsed = parse(TEAM_MEMBERS);
    assert_eq!(parsed.name, "TeamMembers");
    assert_eq!(parsed.kind, OperationType::Query);
    assert_eq!(parsed.variables, under("", &["name: String!"]));
    assert_eq!(parsed.arguments["entity"], "name: $name");
    let mut fields = under("entity.", &["id", "name", "isTeam"]);
    let members = [
        "id",
        "admin",
        "role",
        "pending",
        "email",
        "username",
        "name",
        "accountType",
    ];
    fields.extend(under("entity.members.", &members));
    assert_eq!(parsed.leaves, fields);
}

#[test]
fn team_member_keys_selects_the_members_ids_and_keys_alone() {
    let parsed = parse(TEAM_MEMBER_KEYS);
    assert_eq!(parsed.name, "TeamMemberKeys");
    assert_eq!(parsed.kind, OperationType::Query);
    assert_eq!(parsed.variables, under("", &["name: String!"]));
    let fields = ["id", "isTeam", "members.id", "members.apiKey"];
    assert_eq!(parsed.leaves, under("entity.", &fields));
}

#[test]
fn only_team_member_keys_asks_for_a_members_key() {
    let documents = [
        SDK_GET_VIEWER,
        SDK_SEARCH_USERS,
        SDK_CREATE_USER,
        SDK_GENERATE,
        SDK_DELETE,
        SDK_CREATE_TEAM,
        SDK_CREATE_INVITE,
        SDK_DELETE_INVITE,
        SDK_CREATE_SERVICE_ACCOUNT,
        DELETE_USER,
        UNDELETE_USER,
        UPDATE_USER,
        UPDATE_MEMBER,
        TEAM_MEMBERS,
    ];
    for document in documents {
        let parsed = parse(document);
        assert!(
            !parsed
                .leaves
                .iter()
                .any(|leaf| leaf.ends_with("members.apiKey")),
            "{}",
            parsed.name
        );
    }
}

#[test]
fn list_users_adds_the_account_type_and_times_to_the_sdks_user() {
    let document = format!("{LIST_USERS}{LISTED_USER}{API_KEY_PAGE}");
    let parsed = parse(&document);
    assert_eq!(parsed.name, "ListUsers");
    for field in [
        "accountType",
        "createdAt",
        "loggedInAt",
        "deletedAt",
        "teams.edges.node.name",
    ] {
        let leaf = format!("users.edges.node.{field}");
        assert!(parsed.leaves.contains(&leaf), "{leaf}");
    }
}

#[test]
fn user_by_id_asks_for_the_ids_and_selects_what_list_users_does() {
    let listing = parse(&format!("{LIST_USERS}{LISTED_USER}{API_KEY_PAGE}"));

    let parsed = parse(&format!("{USER_BY_ID}{LISTED_USER}{API_KEY_PAGE}"));

    assert_eq!(parsed.name, "UserById");
    assert_eq!(parsed.kind, OperationType::Query);
    assert_eq!(parsed.variables, under("", &["ids: [ID!]"]));
    assert_eq!(parsed.arguments["users"], "ids: $ids");
    let nodes = |leaves: &BTreeSet<String>| -> BTreeSet<String> {
        leaves
            .iter()
            .filter(|leaf| leaf.starts_with("users.edges.node."))
            .cloned()
            .collect()
    };
    assert_eq!(nodes(&parsed.leaves), nodes(&listing.leaves));
    assert_eq!(
        parsed.leaves,
        nodes(&parsed.leaves),
        "nothing but the users"
    );
}
