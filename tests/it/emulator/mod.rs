//! The emulator over real HTTP on 127.0.0.1: transport, auth, GraphQL
//! execution and W&B's error shapes, users, keys, teams and lifecycle,
//! called as the SDK calls it
//! (`crate::support::emulator`). Its binary is tested in its own package.

mod bootstrap;
mod by_id;
mod faults;
mod graphql;
mod hardening;
mod lifecycle;
mod teams;
mod transport;
