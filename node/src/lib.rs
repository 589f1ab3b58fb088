//! `hashshare node`: a local Stellar network on the Soroban host the contracts run on, served
//! over Stellar RPC so that unmodified clients (stellar-cli, the JavaScript SDK, wallets)
//! deploy, sign for and read it as they do testnet. No Docker, no stellar-core: this crate
//! plays core's part (validation, fees, sequence numbers, signatures, ledger close) around
//! `soroban_env_host::e2e_invoke` and serves the RPC methods from a SQLite database.
pub mod apply;
pub mod chain;
pub mod events;
pub mod genesis;
pub mod network;
pub mod node;
pub mod rpc;
pub mod server;
pub mod simulate;
pub mod snapshot;
pub mod state;
pub mod store;
pub mod xdr;
pub mod xdr_json;

/// The protocol of the host crates soroban-sdk 27 embeds.
pub const PROTOCOL_VERSION: u32 = 27;
/// The passphrase of quickstart's local network, so clients' built-in `local` settings work.
pub const STANDALONE_PASSPHRASE: &str = "Standalone Network ; February 2017";
