//! One function per behaviour of the [`UserRepository`](users_domain::UserRepository)
//! port, each starting a fresh world from the standard [`Fixture`](crate::Fixture).
//!
//! A behaviour passes by returning and fails by panicking with what it saw.
//! Each compares concrete values, and only what the port carries.

#![allow(
    clippy::missing_panics_doc,
    reason = "a behaviour panics exactly when the adapter breaks the contract: that is how it fails"
)]

mod act_as;
mod create;
mod delete;
mod generate;
mod listing;
mod search;
mod service;
mod viewer;

pub use act_as::*;
pub use create::*;
pub use delete::*;
pub use generate::*;
pub use listing::*;
pub use search::*;
pub use service::*;
pub use viewer::*;
