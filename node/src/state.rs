//! The ledger state: every live or archived entry with its TTL, and the last closed header.
//!
//! Entries are keyed by their `LedgerKey` XDR in a structurally shared map, so a simulation
//! can read a snapshot (an O(1) clone) while the next ledger closes.
use std::rc::Rc;

use im::OrdMap;
use soroban_env_host::{
    storage::{EntryWithLiveUntil, SnapshotSource},
    xdr::{
        AccountEntry, AccountEntryExt, AccountEntryExtensionV1, AccountEntryExtensionV1Ext,
        AccountEntryExtensionV2, AccountEntryExtensionV2Ext, AccountEntryExtensionV3, AccountId,
        ContractDataDurability, ExtensionPoint, LedgerEntry, LedgerEntryData, LedgerHeader,
        LedgerKey, LedgerKeyAccount, Liabilities, PublicKey, TimePoint, Uint256,
    },
    HostError, LedgerInfo,
};

use crate::xdr::encode;

/// An entry as stored: the entry and, for contract data and code, the last ledger it lives in.
#[derive(Clone, Debug, PartialEq)]
pub struct Stored {
    pub entry: LedgerEntry,
    pub live_until: Option<u32>,
}

/// Whether a stored entry can be read at ledger `seq`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Liveness {
    Live,
    /// A persistent entry past its TTL: kept, restorable.
    Archived,
    /// A temporary entry past its TTL: as if it did not exist.
    Expired,
}

#[derive(Clone, Debug)]
pub struct State {
    entries: OrdMap<Vec<u8>, Stored>,
    /// Keys written since the last [`State::take_touched`]: what the next ledger stores.
    touched: im::OrdSet<Vec<u8>>,
    pub header: LedgerHeader,
    /// sha256 of the header's XDR.
    pub hash: [u8; 32],
    pub network_id: [u8; 32],
}

impl State {
    pub fn new(header: LedgerHeader, hash: [u8; 32], network_id: [u8; 32]) -> State {
        State {
            entries: OrdMap::new(),
            touched: im::OrdSet::new(),
            header,
            hash,
            network_id,
        }
    }

    pub fn seq(&self) -> u32 {
        self.header.ledger_seq
    }

    pub fn close_time(&self) -> u64 {
        self.header.scp_value.close_time.0
    }

    pub fn get(&self, key: &LedgerKey) -> Option<&Stored> {
        self.entries.get(&encode(key))
    }

    pub fn get_raw(&self, key: &[u8]) -> Option<&Stored> {
        self.entries.get(key)
    }

    pub fn put(&mut self, key: &LedgerKey, stored: Stored) {
        let key = encode(key);
        self.touched.insert(key.clone());
        self.entries.insert(key, stored);
    }

    pub fn remove(&mut self, key: &LedgerKey) {
        let key = encode(key);
        self.touched.insert(key.clone());
        self.entries.remove(&key);
    }

    /// The keys written since the last call, each with its value now (`None`: deleted).
    pub fn take_touched(&mut self) -> Vec<(Vec<u8>, Option<Stored>)> {
        let touched = std::mem::take(&mut self.touched);
        touched
            .into_iter()
            .map(|k| {
                let v = self.entries.get(&k).cloned();
                (k, v)
            })
            .collect()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&Vec<u8>, &Stored)> {
        self.entries.iter()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The entry of `key` if it can be read at ledger `seq` (live), with its liveness otherwise.
    pub fn liveness(&self, key: &LedgerKey, seq: u32) -> Option<(&Stored, Liveness)> {
        let stored = self.get(key)?;
        Some((stored, liveness_of(key, stored, seq)))
    }

    pub fn account(&self, id: &AccountId) -> Option<AccountEntry> {
        match &self.get(&account_key(id))?.entry.data {
            LedgerEntryData::Account(a) => Some(a.clone()),
            _ => None,
        }
    }

    /// The ledger the host and the simulation run in: the next one to close, at `close_time`.
    pub fn ledger_info(&self, seq: u32, close_time: u64, config: &NetworkTtls) -> LedgerInfo {
        LedgerInfo {
            protocol_version: self.header.ledger_version,
            sequence_number: seq,
            timestamp: close_time,
            network_id: self.network_id,
            base_reserve: self.header.base_reserve,
            min_temp_entry_ttl: config.min_temporary_ttl,
            min_persistent_entry_ttl: config.min_persistent_ttl,
            max_entry_ttl: config.max_entry_ttl,
        }
    }

    /// A read-only view for the host at ledger `seq`.
    pub fn snapshot(&self, seq: u32) -> Snapshot {
        Snapshot {
            entries: self.entries.clone(),
            seq,
        }
    }

    /// The total size of live Soroban state, for the rent fee's state-size window.
    pub fn soroban_state_size(&self) -> u64 {
        self.entries
            .values()
            .filter(|s| s.live_until.is_some())
            .map(|s| encode(&s.entry).len() as u64)
            .sum()
    }
}

/// The TTL settings of the network (from the `StateArchival` config setting).
#[derive(Clone, Copy, Debug)]
pub struct NetworkTtls {
    pub min_temporary_ttl: u32,
    pub min_persistent_ttl: u32,
    pub max_entry_ttl: u32,
}

pub fn liveness_of(key: &LedgerKey, stored: &Stored, seq: u32) -> Liveness {
    match stored.live_until {
        Some(until) if until < seq => match key {
            LedgerKey::ContractData(d) if d.durability == ContractDataDurability::Temporary => {
                Liveness::Expired
            }
            _ => Liveness::Archived,
        },
        _ => Liveness::Live,
    }
}

/// A snapshot of the state for the host: archived persistent entries are returned with their
/// old TTL (simulation restores them automatically), expired temporary ones not at all.
pub struct Snapshot {
    entries: OrdMap<Vec<u8>, Stored>,
    seq: u32,
}

impl SnapshotSource for Snapshot {
    fn get(&self, key: &Rc<LedgerKey>) -> Result<Option<EntryWithLiveUntil>, HostError> {
        let Some(stored) = self.entries.get(&encode(key.as_ref())) else {
            return Ok(None);
        };
        Ok(match liveness_of(key, stored, self.seq) {
            Liveness::Expired => None,
            _ => Some((Rc::new(stored.entry.clone()), stored.live_until)),
        })
    }
}

pub fn account_key(id: &AccountId) -> LedgerKey {
    LedgerKey::Account(LedgerKeyAccount {
        account_id: id.clone(),
    })
}

pub fn account_id(ed25519: [u8; 32]) -> AccountId {
    AccountId(PublicKey::PublicKeyTypeEd25519(Uint256(ed25519)))
}

pub fn ed25519_of(id: &AccountId) -> [u8; 32] {
    let AccountId(PublicKey::PublicKeyTypeEd25519(Uint256(k))) = id;
    *k
}

/// A new account as stellar-core creates it, with the v3 extension recording when its
/// sequence number last changed (what simulation assumes every account carries).
pub fn new_account(
    id: AccountId,
    balance: i64,
    seq_num: i64,
    seq_ledger: u32,
    now: u64,
) -> AccountEntry {
    let mut account = AccountEntry {
        account_id: id,
        balance,
        seq_num: soroban_env_host::xdr::SequenceNumber(seq_num),
        num_sub_entries: 0,
        inflation_dest: None,
        flags: 0,
        home_domain: Default::default(),
        thresholds: soroban_env_host::xdr::Thresholds([1, 0, 0, 0]),
        signers: Default::default(),
        ext: AccountEntryExt::V0,
    };
    set_seq_time(&mut account, seq_ledger, now);
    account
}

/// Records that the account's sequence number changed in ledger `seq` at `now`.
pub fn set_seq_time(account: &mut AccountEntry, seq: u32, now: u64) {
    let v3 = AccountEntryExtensionV3 {
        ext: ExtensionPoint::V0,
        seq_ledger: seq,
        seq_time: TimePoint(now),
    };
    match &mut account.ext {
        AccountEntryExt::V1(v1) => match &mut v1.ext {
            AccountEntryExtensionV1Ext::V2(v2) => v2.ext = AccountEntryExtensionV2Ext::V3(v3),
            ext @ AccountEntryExtensionV1Ext::V0 => {
                *ext = AccountEntryExtensionV1Ext::V2(v2_with(v3));
            }
        },
        ext @ AccountEntryExt::V0 => {
            *ext = AccountEntryExt::V1(AccountEntryExtensionV1 {
                liabilities: Liabilities {
                    buying: 0,
                    selling: 0,
                },
                ext: AccountEntryExtensionV1Ext::V2(v2_with(v3)),
            });
        }
    }
}

/// The ledger and time the account's sequence number last changed (0, 0 if never recorded).
pub fn seq_time(account: &AccountEntry) -> (u32, u64) {
    match &account.ext {
        AccountEntryExt::V1(AccountEntryExtensionV1 {
            ext:
                AccountEntryExtensionV1Ext::V2(AccountEntryExtensionV2 {
                    ext: AccountEntryExtensionV2Ext::V3(v3),
                    ..
                }),
            ..
        }) => (v3.seq_ledger, v3.seq_time.0),
        _ => (0, 0),
    }
}

fn v2_with(v3: AccountEntryExtensionV3) -> AccountEntryExtensionV2 {
    AccountEntryExtensionV2 {
        num_sponsored: 0,
        num_sponsoring: 0,
        signer_sponsoring_i_ds: Default::default(),
        ext: AccountEntryExtensionV2Ext::V3(v3),
    }
}
