//! One function per behaviour of the ports ([`UserRepository`](users_domain::UserRepository),
//! [`KeyRepository`](users_domain::KeyRepository), [`TeamRepository`](users_domain::TeamRepository))
//! and of the service over them, each starting a fresh world from the
//! standard [`Fixture`](crate::Fixture).
//!
//! A behaviour passes by returning and fails by panicking with what it saw.
//! Each compares concrete values, and only what the ports carry.

#![allow(
    clippy::missing_panics_doc,
    reason = "a behaviour panics exactly when the adapter breaks the contract: that is how it fails"
)]

mod act_as;
mod admin_rules;
mod by_id;
mod create;
mod delete;
mod generate;
mod lifecycle;
mod listing;
mod members;
mod offboarding;
mod roles;
mod search;
mod service;
mod service_accounts;
mod team_service;
mod teams;
mod viewer;

pub use act_as::*;
pub use admin_rules::*;
pub use by_id::*;
pub use create::*;
pub use delete::*;
pub use generate::*;
pub use lifecycle::*;
pub use listing::*;
pub use members::*;
pub use offboarding::*;
pub use roles::*;
pub use search::*;
pub use service::*;
pub use service_accounts::*;
pub use team_service::*;
pub use teams::*;
pub use viewer::*;
