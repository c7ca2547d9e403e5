//! A server's answer (status, flags, body) read by the GraphQL adapter for
//! each of its five operations: no panic, and no error shows the caller's key.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| users_graphql::fuzzing::graphql_response(data));
