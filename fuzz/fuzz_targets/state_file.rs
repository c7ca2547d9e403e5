//! A desired-state file (TOML or JSON), read as `wbusers plan FILE` reads it.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| users_cli::fuzzing::state_file(data));
