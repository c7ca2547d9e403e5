//! One `POST /graphql` to the emulator (credentials and body), handled as
//! its server handles it, without a socket.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| users_emulator::fuzzing::request(data));
