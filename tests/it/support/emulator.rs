//! The emulator over real HTTP on 127.0.0.1, called as the official SDK calls it.

use base64::{Engine as _, engine::general_purpose::STANDARD};
use secrecy::ExposeSecret as _;
use serde_json::{Value, json};
use users_emulator::{Emulator, EmulatorError, RunningEmulator};
use users_memory::{Seed, SeedKey, SeedUser};

use super::{
    SDK_CREATE_USER, SDK_DELETE, SDK_GENERATE, SDK_GET_VIEWER, SDK_SEARCH_USERS, basic, secret,
};

pub(crate) const ADMIN_KEY: &str = "adminadminadminadminadminadminadmin00001";
pub(crate) const BOB_KEY: &str = "bobbobbobbobbobbobbobbobbobbobbobbob0002";
/// The smallest query there is: it lets a key in or not.
pub(crate) const VIEWER_ID: &str = "{ viewer { id } }";
/// Well-formed, held by nobody.
pub(crate) const UNKNOWN_KEY: &str = "unknownunknownunknownunknownunknown00003";

/// The admin (holding [`ADMIN_KEY`]) and bob, a non-admin in team `ml` with
/// one key labelled `ci` ([`BOB_KEY`]).
pub(crate) fn seed() -> Seed {
    Seed::new().user(
        SeedUser::new("bob@example.com")
            .team("ml")
            .key(SeedKey::new(BOB_KEY).name("ci").description("ci runner")),
    )
}

/// A seeded admin who holds [`ADMIN_KEY`].
pub(crate) fn admin_holding_the_key(email: &str) -> SeedUser {
    SeedUser::new(email)
        .admin(true)
        .key(SeedKey::new(ADMIN_KEY))
}

/// An emulator on `seed` whose admin key is [`ADMIN_KEY`].
pub(crate) async fn start_with(seed: Seed) -> Result<RunningEmulator, EmulatorError> {
    Emulator::builder()
        .seed(seed)
        .admin_key(secret(ADMIN_KEY))
        .start()
        .await
}

pub(crate) async fn start() -> RunningEmulator {
    start_with(seed()).await.unwrap()
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
        .header("user-agent", users_graphql::SDK_USER_AGENT)
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

/// A `query` without variables, as the holder of `key`.
pub(crate) async fn query(emulator: &RunningEmulator, key: &str, query: &str) -> (u16, Value) {
    call(emulator, Some(key), query, json!({})).await
}

/// The SDK's `GetViewer` as the holder of `key`.
pub(crate) async fn get_viewer(emulator: &RunningEmulator, key: &str) -> (u16, Value) {
    query(emulator, key, SDK_GET_VIEWER).await
}

/// The SDK's `CreateUserFromAdmin` as the holder of `key`.
pub(crate) async fn create_user(
    emulator: &RunningEmulator,
    key: &str,
    variables: Value,
) -> (u16, Value) {
    call(emulator, Some(key), SDK_CREATE_USER, variables).await
}

/// The SDK's `GenerateApiKey` as the holder of `key`.
pub(crate) async fn generate_key(
    emulator: &RunningEmulator,
    key: &str,
    variables: Value,
) -> (u16, Value) {
    call(emulator, Some(key), SDK_GENERATE, variables).await
}

/// The SDK's `DeleteApiKey` of the key with `id`, as the holder of `key`.
pub(crate) async fn delete_key(emulator: &RunningEmulator, key: &str, id: &Value) -> (u16, Value) {
    call(emulator, Some(key), SDK_DELETE, json!({ "id": id })).await
}

/// The SDK's `SearchUsers` as the holder of `key`.
pub(crate) async fn search_users(
    emulator: &RunningEmulator,
    key: &str,
    variables: Value,
) -> (u16, Value) {
    call(emulator, Some(key), SDK_SEARCH_USERS, variables).await
}

/// The status of the smallest viewer query: 200 when `key` is let in.
pub(crate) async fn viewer_status(emulator: &RunningEmulator, key: &str) -> u16 {
    query(emulator, key, VIEWER_ID).await.0
}

/// The emails in a `SearchUsers` answer, in order.
pub(crate) fn emails(body: &Value) -> Vec<String> {
    body["data"]["users"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|edge| edge["node"]["email"].as_str().unwrap().to_owned())
        .collect()
}

/// The secret in a `GenerateApiKey` answer (the SDK reads it from `name`).
pub(crate) fn generated_secret(body: &Value) -> &str {
    body["data"]["result"]["apiKey"]["name"].as_str().unwrap()
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
