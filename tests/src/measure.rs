//! Honest cost measurement (see shared/measuring.md): every call is measured in a fresh `Env`
//! loaded from the grown ledger's snapshot, so it pays only for the entries it touches, as on
//! the network, and never for the test ledger's size.
use std::fmt;

use soroban_sdk::{xdr::ScAddress, Address, Env, TryFromVal};

/// The same address in another `Env` (host objects belong to one `Env`).
pub fn port(to: &Env, address: &Address) -> Address {
    let sc = ScAddress::from(address);
    Address::try_from_val(to, &sc).unwrap_or_else(|e| panic!("unportable address: {e:?}"))
}

/// A fresh `Env` holding `env`'s ledger, all authorizations mocked, resource limits off (the
/// measurement reports them instead).
pub fn fresh(env: &Env) -> Env {
    let fresh = Env::from_ledger_snapshot(env.to_ledger_snapshot());
    fresh.mock_all_auths();
    fresh
}

/// What one top-level invocation cost.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cost {
    pub instructions: i64,
    pub mem_bytes: i64,
    pub read_entries: u32,
    pub write_entries: u32,
    pub read_bytes: u32,
    pub write_bytes: u32,
    pub events_bytes: u32,
    /// Estimated resource fee at mainnet rates, *without rent*: a snapshot-loaded `Env` counts
    /// every entry it loads as freshly extended, so its rent figure is an artifact, and real
    /// rent depends on when each entry was last extended (at most once a day here).
    pub fee_stroops: i64,
}

impl Cost {
    /// The cost of the last invocation made in `env`.
    pub fn last(env: &Env) -> Cost {
        let estimate = env.cost_estimate();
        let r = estimate.resources();
        Cost {
            instructions: r.instructions,
            mem_bytes: r.mem_bytes,
            read_entries: r.disk_read_entries + r.memory_read_entries,
            write_entries: r.write_entries,
            read_bytes: r.disk_read_bytes,
            write_bytes: r.write_bytes,
            events_bytes: r.contract_events_size_bytes,
            fee_stroops: {
                let fee = estimate.fee();
                fee.total - fee.persistent_entry_rent - fee.temporary_entry_rent
            },
        }
    }

    pub const HEADER: &'static str = "| call | CPU instructions | memory bytes | entries read | entries written | bytes read | bytes written | events bytes | est. fee excl. rent (stroops) |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|";

    /// One Markdown table row.
    pub fn row(&self, call: &str) -> String {
        format!(
            "| {call} | {} | {} | {} | {} | {} | {} | {} | {} |",
            self.instructions,
            self.mem_bytes,
            self.read_entries,
            self.write_entries,
            self.read_bytes,
            self.write_bytes,
            self.events_bytes,
            self.fee_stroops
        )
    }
}

impl fmt::Display for Cost {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} instructions, {} bytes memory, {} entries read, {} written ({} bytes), {} event bytes, fee ~{} stroops excl. rent",
            self.instructions,
            self.mem_bytes,
            self.read_entries,
            self.write_entries,
            self.write_bytes,
            self.events_bytes,
            self.fee_stroops
        )
    }
}
