//! The testnet backend: every operation is a `stellar` (stellar-cli) command with a named
//! identity as `--source`; deployments are recorded in a manifest (`deployments/testnet.json`)
//! so that running `deploy` again reuses what exists.
mod manifest;
mod stellar;

pub use manifest::Manifest;
pub use stellar::{published, Stellar};

/// The network passphrase of Stellar testnet.
pub const TESTNET_PASSPHRASE: &str = "Test SDF Network ; September 2015";
