//! The five documents parse and select exactly the fields the spec lists.

use std::collections::{BTreeMap, BTreeSet};

use async_graphql_parser::types::{ExecutableDocument, OperationType, Selection, SelectionSet};

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
