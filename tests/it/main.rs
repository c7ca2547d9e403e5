//! The workspace end-to-end tests: one binary, one module per concern.

mod contract_graphql;
mod contract_memory;
mod sdk;
mod secrets;
