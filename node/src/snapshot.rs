//! The node's state as a `soroban-ledger-snapshot` JSON file — the format of soroban-sdk's
//! `Env::from_ledger_snapshot_file` and `stellar snapshot create` — and back.
use soroban_env_host::xdr::{LedgerEntryData, LedgerHeader};
use soroban_ledger_snapshot::LedgerSnapshot;

use crate::{
    genesis::{genesis_state, Genesis},
    state::{NetworkTtls, State, Stored},
    xdr::{decode, encode, sha256},
};

/// Every entry of `state` with its TTL, at its latest ledger.
pub fn export(state: &State, ttls: &NetworkTtls) -> LedgerSnapshot {
    let mut ledger_entries = Vec::with_capacity(state.len());
    for (key, stored) in state.iter() {
        let Ok(key) = decode(key) else { continue };
        ledger_entries.push((
            Box::new(key),
            (Box::new(stored.entry.clone()), stored.live_until),
        ));
    }
    LedgerSnapshot {
        protocol_version: state.header.ledger_version,
        sequence_number: state.seq(),
        timestamp: state.close_time(),
        network_id: state.network_id,
        base_reserve: state.header.base_reserve,
        min_persistent_entry_ttl: ttls.min_persistent_ttl,
        min_temp_entry_ttl: ttls.min_temporary_ttl,
        max_entry_ttl: ttls.max_entry_ttl,
        ledger_entries,
    }
}

/// A state starting from `snapshot`: its entries over the genesis of `genesis` (so a snapshot
/// made by a test `Env`, which has no network configuration, gets testnet's), at its ledger
/// and time. Refused when the snapshot is of another network.
pub fn import(snapshot: &LedgerSnapshot, genesis: &Genesis) -> Result<State, String> {
    let mut state = genesis_state(genesis);
    if snapshot.network_id != state.network_id {
        return Err(format!(
            "the snapshot is of network {} (this node's passphrase gives {})",
            hex::encode(snapshot.network_id),
            hex::encode(state.network_id)
        ));
    }
    for (key, (entry, live_until)) in &snapshot.ledger_entries {
        if matches!(entry.data, LedgerEntryData::Ttl(_)) {
            continue;
        }
        state.put(
            key,
            Stored {
                entry: (**entry).clone(),
                live_until: *live_until,
            },
        );
    }
    let mut header: LedgerHeader = state.header.clone();
    header.ledger_seq = snapshot.sequence_number.max(1);
    header.scp_value.close_time = soroban_env_host::xdr::TimePoint(snapshot.timestamp);
    state.header = header;
    state.hash = sha256(&encode(&state.header));
    Ok(state)
}
