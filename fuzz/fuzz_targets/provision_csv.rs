//! A CSV provisioning file, read as `wbusers provision` reads it.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| users_cli::fuzzing::provision_csv(data));
