//! Shared fixture of the end-to-end tests: an `Env` on which the *compiled WASM* of each
//! contract is registered (never the native contract), plus helpers to assert typed errors,
//! untouched state, signers and costs.
pub mod bench;
pub mod bench_lease;
pub mod bench_rig_nft;
pub mod findings;
pub mod fixture;
pub mod measure;
