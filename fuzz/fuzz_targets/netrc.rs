//! The SDK's settings file (its `base_url` checked) and a netrc file looked
//! up for that server: no panic, and no error shows a password or a key.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| users_graphql::fuzzing::netrc(data));
