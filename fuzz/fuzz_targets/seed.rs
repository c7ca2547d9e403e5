//! A seed file, read both ways a world is made from one: as the emulator's
//! `--seed` reads it (`InMemoryWorld::read_seed`, user by user) and as a
//! program does (serde into a `Seed`, then `InMemoryWorld::from_seed`). No
//! panic; no error shows a key's secret; the stream accepts no file that the
//! other way refuses.
#![no_main]

use users_domain::{ApiKeySecret, without_quoted_text};
use users_memory::{InMemoryWorld, Seed};

/// A key that may be anywhere in the input (a field name, a value of the
/// wrong type): a message about the input must not show it.
const PLANTED_KEY: &str = "0a1b2c3d4e5f60718293a4b5c6d7e8f901234567";

/// Secrets shorter than this are echoed whole where any short text is
/// (`echo_safe`); from this length on, a message must not show one.
const MASKED_FROM: usize = 20;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let mut secrets = Vec::new();
    if data
        .windows(PLANTED_KEY.len())
        .any(|window| window == PLANTED_KEY.as_bytes())
    {
        secrets.push(PLANTED_KEY.to_owned());
    }
    let whole = match serde_json::from_slice::<Seed>(data) {
        Ok(seed) => {
            secrets.extend(
                seed.users
                    .iter()
                    .flat_map(|user| &user.keys)
                    .map(|key| key.secret.clone())
                    .filter(|secret| {
                        secret.chars().count() >= MASKED_FROM
                            && ApiKeySecret::parse(secret.as_str()).is_ok()
                    }),
            );
            InMemoryWorld::from_seed(seed).map_err(|error| error.to_string())
        }
        Err(error) => Err(without_quoted_text(&error.to_string())),
    };
    let streamed = InMemoryWorld::read_seed(data).map_err(|error| error.to_string());
    for message in [&whole, &streamed]
        .into_iter()
        .filter_map(|read| read.as_ref().err())
    {
        if let Some(secret) = secrets
            .iter()
            .find(|secret| message.contains(secret.as_str()))
        {
            panic!("a seed error shows the secret {secret:?}: {message}");
        }
    }
    // The stream is the stricter (serde's derive also takes a struct
    // written as an array, `[[...]]`): it must accept nothing `Seed` refuses.
    assert!(
        streamed.is_err() || whole.is_ok(),
        "the streamed reader accepts a seed that Seed refuses: {whole:?}",
        whole = whole.as_ref().err(),
    );
});
