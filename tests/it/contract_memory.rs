//! The contract suite against the in-memory adapter: one test per behaviour,
//! through the testkit's own harness for it (which stages lost answers).

users_testkit::contract_suite!(users_testkit::MemoryHarness);
