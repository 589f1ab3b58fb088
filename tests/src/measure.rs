//! Honest cost measurement (see shared/measuring.md): every call is measured in a fresh `Env`
//! loaded from the grown ledger's snapshot, so it pays only for the entries it touches, as on
//! the network, and never for the test ledger's size.
use std::{collections::BTreeMap, fmt};

use soroban_sdk::{
    testutils::EnvTestConfig,
    xdr::{LedgerEntry, LedgerKey, ScAddress},
    Address, Env, TryFromVal,
};

/// The same address in another `Env` (host objects belong to one `Env`).
pub fn port(to: &Env, address: &Address) -> Address {
    let sc = ScAddress::from(address);
    Address::try_from_val(to, &sc).unwrap_or_else(|e| panic!("unportable address: {e:?}"))
}

/// A fresh `Env` holding `env`'s ledger, all authorizations mocked, resource limits off (the
/// measurement reports them instead).
pub fn fresh(env: &Env) -> Env {
    let mut fresh = Env::from_ledger_snapshot(env.to_ledger_snapshot());
    fresh.set_config(EnvTestConfig {
        capture_snapshot_at_drop: false,
    });
    fresh.mock_all_auths();
    fresh
}

/// Runs `call` in a fresh `Env` holding `grown`'s ledger and returns what it cost. With
/// `HASHSHARE_BUDGET` set, also prints the breakdown by cost type.
pub fn measure(grown: &Env, call: impl FnOnce(&Env)) -> Cost {
    let env = fresh(grown);
    call(&env);
    if std::env::var_os("HASHSHARE_BUDGET").is_some() {
        env.cost_estimate().budget().print();
    }
    Cost::last(&env)
}

/// What one top-level invocation cost.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
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

/// The ledger keys whose entries `call` created, changed or removed (TTL extensions alone do
/// not count), sorted.
pub fn written_keys<R>(env: &Env, call: impl FnOnce() -> R) -> std::vec::Vec<LedgerKey> {
    let entries = |env: &Env| -> BTreeMap<LedgerKey, LedgerEntry> {
        env.to_ledger_snapshot()
            .ledger_entries
            .into_iter()
            .map(|(key, (entry, _ttl))| (*key, *entry))
            .collect()
    };
    let before = entries(env);
    call();
    let after = entries(env);
    let mut keys: std::vec::Vec<LedgerKey> = before
        .keys()
        .chain(after.keys())
        .filter(|k| before.get(*k) != after.get(*k))
        .cloned()
        .collect();
    keys.sort();
    keys.dedup();
    keys
}
