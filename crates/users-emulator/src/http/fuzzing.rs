//! Entry points for the coverage-guided fuzz targets in `fuzz/`, built only
//! with the non-default `fuzzing` feature. Not an API: [`request`] hands the
//! fuzzer's bytes to the emulator's request handling (credentials, body
//! parsing, GraphQL execution, the status chosen) without a socket, and panics
//! only where a promise of the emulator breaks.

use std::sync::{Arc, LazyLock};

use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header::AUTHORIZATION};
use base64::{Engine as _, engine::general_purpose::STANDARD};
use users_domain::{ApiKeySecret, Backend};
use users_memory::{InMemoryWorld, Seed, SeedKey, SeedUser};

use super::{AppState, serve};
use crate::Faults;
use crate::faults::LostAnswer;
use crate::schema::{self, UsersSchema};

/// An instance admin's key.
pub const ADMIN_KEY: &str = "fuzzAdminKey_0123456789abcdefghijklmnopqr";
/// A plain user's key.
pub const USER_KEY: &str = "fuzzUserKey_0123456789abcdefghijklmnopqrs";
/// A legacy key, named by its own secret, of a plain user.
pub const LEGACY_KEY: &str = "fuzzLegacyKey_0123456789abcdefghijklmnopq";
/// The key of a soft-deleted user, who cannot authenticate.
pub const DELETED_KEY: &str = "fuzzGoneKey_0123456789abcdefghijklmnopqrs";
/// A well-formed key that no user holds.
pub const UNKNOWN_KEY: &str = "fuzzNoOnesKey_0123456789abcdefghijklmnopq";

/// Built once: executing a request does not change it.
static SCHEMA: LazyLock<UsersSchema> = LazyLock::new(|| schema::build(Faults::default()));

static RUNTIME: LazyLock<tokio::runtime::Runtime> = LazyLock::new(|| {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime for the fuzz target")
});

/// The world every request starts from, made anew for each: a mutation of
/// one input must not change what the next one sees.
fn seed() -> Seed {
    Seed::new()
        .user(
            SeedUser::new("root@example.com")
                .admin(true)
                .key(SeedKey::new(ADMIN_KEY)),
        )
        .user(
            SeedUser::new("ada@example.com")
                .name("Ada")
                .team("ml")
                .key(SeedKey::new(USER_KEY).description("laptop"))
                .key(SeedKey::new(LEGACY_KEY).legacy()),
        )
        .user(
            SeedUser::new("gone@example.com")
                .deleted_at("2024-01-01T00:00:00Z")
                .key(SeedKey::new(DELETED_KEY)),
        )
}

/// One `POST /graphql` request. The first byte picks the credentials (the
/// admin's key most often; a user's, a deleted user's, an unknown key, none,
/// or a raw `Authorization` value: the input up to its first newline); the
/// rest is the body.
///
/// # Panics
///
/// When a request without valid credentials gets anything but 401, when the
/// in-memory server answers 500 or 502, or when an answer is lost with no
/// fault staged.
pub fn request(data: &[u8]) {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let (authorization, body, may_pass) = match selector % 16 {
        0..=9 => (basic(ADMIN_KEY), rest, true),
        10 => (basic(USER_KEY), rest, true),
        11 => (basic(LEGACY_KEY), rest, true),
        12 => (basic(DELETED_KEY), rest, false),
        13 => (basic(UNKNOWN_KEY), rest, false),
        14 => (None, rest, false),
        _ => {
            let (line, body) = rest
                .iter()
                .position(|&b| b == b'\n')
                .map_or((rest, &b""[..]), |at| (&rest[..at], &rest[at + 1..]));
            // Only a value HTTP could carry; which key it names is not known.
            let Ok(value) = HeaderValue::from_bytes(line) else {
                return;
            };
            (Some(value), body, true)
        }
    };
    let mut headers = HeaderMap::new();
    if let Some(value) = authorization {
        headers.insert(AUTHORIZATION, value);
    }
    let world = InMemoryWorld::from_seed(seed()).expect("the fuzz seed is valid");
    let admin = ApiKeySecret::parse(ADMIN_KEY).expect("the admin key is valid");
    let root: Arc<dyn Backend> = Arc::new(world.connect(admin));
    let state = AppState {
        root,
        schema: SCHEMA.clone(),
    };
    let lost = LostAnswer::default();
    let (response, _operation) = RUNTIME.block_on(serve(
        &state,
        &headers,
        Ok(Bytes::copy_from_slice(body)),
        &lost,
    ));
    let status = response.status();
    assert!(
        may_pass || status == StatusCode::UNAUTHORIZED,
        "a request without valid credentials got {status}"
    );
    assert!(
        !matches!(
            status,
            StatusCode::INTERNAL_SERVER_ERROR | StatusCode::BAD_GATEWAY
        ),
        "the in-memory server answered {status}"
    );
    assert!(!lost.is_marked(), "an answer was lost with no fault staged");
}

fn basic(key: &str) -> Option<HeaderValue> {
    HeaderValue::from_str(&format!("Basic {}", STANDARD.encode(format!("api:{key}")))).ok()
}
