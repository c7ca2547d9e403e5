//! The workspace's one integration-test binary, one module per concern: the
//! GraphQL adapter against a stand-in server (`graphql`), the emulator over
//! HTTP (`emulator`), the contract suite against both adapters, the secrets
//! that show nowhere, and the official SDK against the emulator (`sdk`). Their
//! helpers are one set, in `support`.

// Helpers outside `#[test]` functions are test code too.
#![allow(clippy::unwrap_used)]

mod contract_graphql;
mod contract_memory;
mod emulator;
mod graphql;
mod proxy_faults;
mod sdk;
mod secrets;
mod support;
