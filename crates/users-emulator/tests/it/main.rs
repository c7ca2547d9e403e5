//! The emulator over real HTTP on 127.0.0.1: transport, auth, GraphQL
//! execution and W&B's error shapes. The binary has its own module.

// The whole crate is test code: a helper's failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

mod binary;
mod bootstrap;
mod faults;
mod graphql;
mod transport;

use base64::{Engine as _, engine::general_purpose::STANDARD};
use secrecy::ExposeSecret as _;
use serde_json::{Value, json};
use users_domain::ApiKeySecret;
use users_emulator::{Emulator, RunningEmulator};
use users_memory::{Seed, SeedKey, SeedUser};

pub(crate) const ADMIN_KEY: &str = "adminadminadminadminadminadminadmin00001";
pub(crate) const BOB_KEY: &str = "bobbobbobbobbobbobbobbobbobbobbobbob0002";

// The official SDK 0.31's documents, verbatim: the files the GraphQL adapter
// sends, so the emulator is tested against the one copy there is.
pub(crate) const SDK_GET_VIEWER: &str =
    include_str!("../../../users-graphql/src/operations/GetViewer.graphql");
pub(crate) const SDK_SEARCH_USERS: &str =
    include_str!("../../../users-graphql/src/operations/SearchUsers.graphql");
pub(crate) const SDK_CREATE_USER: &str =
    include_str!("../../../users-graphql/src/operations/CreateUserFromAdmin.graphql");
pub(crate) const SDK_GENERATE: &str =
    include_str!("../../../users-graphql/src/operations/GenerateApiKey.graphql");
pub(crate) const SDK_DELETE: &str =
    include_str!("../../../users-graphql/src/operations/DeleteApiKey.graphql");

pub(crate) fn secret(text: &str) -> ApiKeySecret {
    ApiKeySecret::parse(text.to_owned()).unwrap()
}

/// The admin (holding [`ADMIN_KEY`]) and bob, a non-admin in team `ml` with
/// one key labelled `ci` ([`BOB_KEY`]).
pub(crate) fn seed() -> Seed {
    Seed::new().user(
        SeedUser::new("bob@example.com")
            .team("ml")
            .key(SeedKey::new(BOB_KEY).name("ci").description("ci runner")),
    )
}

pub(crate) async fn start() -> RunningEmulator {
    Emulator::builder()
        .seed(seed())
        .admin_key(secret(ADMIN_KEY))
        .start()
        .await
        .unwrap()
}

pub(crate) fn basic(key: &str) -> String {
    format!("Basic {}", STANDARD.encode(format!("api:{key}")))
}

/// One GraphQL call as the SDK makes it; the status and the JSON body.
pub(crate) async fn call(
    emulator: &RunningEmulator,
    key: Option<&str>,
    query: &str,
    variables: Value,
) -> (u16, Value) {
    let body = json!({ "query": query, "variables": variables, "operationName": "" });
    post_raw(emulator, "/graphql", key, body.to_string().into_bytes()).await
}

pub(crate) async fn post_raw(
    emulator: &RunningEmulator,
    path: &str,
    key: Option<&str>,
    body: Vec<u8>,
) -> (u16, Value) {
    let mut request = reqwest::Client::new()
        .post(format!("{}{path}", emulator.base_url()))
        .header("content-type", "application/json")
        .header("user-agent", "W&B Public Client 0.31.0")
        .header("use-admin-privileges", "true")
        .body(body);
    if let Some(key) = key {
        request = request.header("authorization", basic(key));
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let body = response.json::<Value>().await.unwrap();
    (status, body)
}

/// The first error's message and code.
pub(crate) fn first_error(body: &Value) -> (&str, &str) {
    let error = &body["errors"][0];
    (
        error["message"].as_str().unwrap_or_default(),
        error["extensions"]["code"].as_str().unwrap_or_default(),
    )
}

pub(crate) fn decoded_id(id: &Value) -> String {
    String::from_utf8(STANDARD.decode(id.as_str().unwrap()).unwrap()).unwrap()
}

pub(crate) fn admin_key_of(emulator: &RunningEmulator) -> String {
    emulator.admin_key().expose_secret().to_owned()
}
