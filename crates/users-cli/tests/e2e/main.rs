//! End-to-end tests of the `wbusers` binary against an in-process emulator.

// The whole crate is test code: helpers outside `#[test]` functions may unwrap too.
#![allow(clippy::unwrap_used)]

mod support;

mod credentials;
mod demo;
mod display;
mod errors;
mod faults;
mod keys;
mod lifecycle;
mod listing;
mod offboard;
mod provision;
mod secrets;
mod service_accounts;
mod settings;
mod state;
mod state_rails;
mod state_stopped;
mod teams;
mod unknown;
mod user_agent;
mod users;
