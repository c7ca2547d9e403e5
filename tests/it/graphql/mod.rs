//! The GraphQL adapter over real HTTP on 127.0.0.1, against one wiremock
//! server per test (`crate::support::mock`).

mod audit;
mod by_id;
mod config;
mod documents;
mod errors;
mod fixtures;
mod generate;
mod lifecycle;
mod limits;
mod messages;
mod new_key;
mod paging;
mod proxy;
mod rate_limit;
mod requests;
mod retries;
mod search;
mod secrets;
mod settings;
mod team_errors;
mod teams;
mod tls;
mod uncertain;
