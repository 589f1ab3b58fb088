//! The network's settings as the ledger holds them: fees, rent, TTLs and per-transaction limits.
use soroban_env_host::xdr::{ConfigSettingEntry, ConfigSettingId, LedgerEntryData};
use soroban_simulation::NetworkConfig;

use crate::{
    genesis::config_key,
    state::{NetworkTtls, State},
};

/// What one Soroban transaction may declare at most.
#[derive(Clone, Copy, Debug, Default)]
pub struct TxLimits {
    pub instructions: u32,
    pub disk_read_entries: u32,
    pub disk_read_bytes: u32,
    pub write_entries: u32,
    pub write_bytes: u32,
    pub footprint_entries: u32,
    pub size_bytes: u32,
    pub events_bytes: u32,
    pub memory_bytes: u32,
    /// The largest footprint key (ContractDataKeySizeBytes).
    pub key_size_bytes: u32,
    /// The largest contract data entry (ContractDataEntrySizeBytes).
    pub data_entry_bytes: u32,
    /// The largest contract code (ContractMaxSizeBytes).
    pub contract_bytes: u32,
}

/// What one ledger's Soroban transactions may use in all.
#[derive(Clone, Copy, Debug, Default)]
pub struct LedgerLimits {
    pub txs: u32,
    pub instructions: u64,
    pub disk_read_entries: u32,
    pub disk_read_bytes: u32,
    pub write_entries: u32,
    pub write_bytes: u32,
    pub size_bytes: u32,
}

pub struct Network {
    /// Fees, rent and cost parameters, loaded as simulation loads them.
    pub config: NetworkConfig,
    pub limits: TxLimits,
    pub ledger: LedgerLimits,
    pub ttls: NetworkTtls,
}

pub fn setting(state: &State, id: ConfigSettingId) -> Option<ConfigSettingEntry> {
    match &state.get(&config_key(id))?.entry.data {
        LedgerEntryData::ConfigSetting(s) => Some(s.clone()),
        _ => None,
    }
}

impl Network {
    pub fn load(state: &State) -> Network {
        let config = NetworkConfig::load_from_snapshot(&state.snapshot(state.seq()))
            .expect("the ledger holds every setting simulation needs");
        let mut limits = TxLimits::default();
        let mut ledger = LedgerLimits::default();
        if let Some(ConfigSettingEntry::ContractComputeV0(c)) =
            setting(state, ConfigSettingId::ContractComputeV0)
        {
            limits.instructions = c.tx_max_instructions as u32;
            limits.memory_bytes = c.tx_memory_limit;
            ledger.instructions = c.ledger_max_instructions as u64;
        }
        if let Some(ConfigSettingEntry::ContractLedgerCostV0(c)) =
            setting(state, ConfigSettingId::ContractLedgerCostV0)
        {
            limits.disk_read_entries = c.tx_max_disk_read_entries;
            limits.disk_read_bytes = c.tx_max_disk_read_bytes;
            limits.write_entries = c.tx_max_write_ledger_entries;
            limits.write_bytes = c.tx_max_write_bytes;
            ledger.disk_read_entries = c.ledger_max_disk_read_entries;
            ledger.disk_read_bytes = c.ledger_max_disk_read_bytes;
            ledger.write_entries = c.ledger_max_write_ledger_entries;
            ledger.write_bytes = c.ledger_max_write_bytes;
        }
        if let Some(ConfigSettingEntry::ContractExecutionLanes(c)) =
            setting(state, ConfigSettingId::ContractExecutionLanes)
        {
            ledger.txs = c.ledger_max_tx_count;
        }
        if let Some(ConfigSettingEntry::ContractLedgerCostExtV0(c)) =
            setting(state, ConfigSettingId::ContractLedgerCostExtV0)
        {
            limits.footprint_entries = c.tx_max_footprint_entries;
        }
        if let Some(ConfigSettingEntry::ContractBandwidthV0(c)) =
            setting(state, ConfigSettingId::ContractBandwidthV0)
        {
            limits.size_bytes = c.tx_max_size_bytes;
            ledger.size_bytes = c.ledger_max_txs_size_bytes;
        }
        if let Some(ConfigSettingEntry::ContractEventsV0(c)) =
            setting(state, ConfigSettingId::ContractEventsV0)
        {
            limits.events_bytes = c.tx_max_contract_events_size_bytes;
        }
        if let Some(ConfigSettingEntry::ContractDataKeySizeBytes(n)) =
            setting(state, ConfigSettingId::ContractDataKeySizeBytes)
        {
            limits.key_size_bytes = n;
        }
        if let Some(ConfigSettingEntry::ContractDataEntrySizeBytes(n)) =
            setting(state, ConfigSettingId::ContractDataEntrySizeBytes)
        {
            limits.data_entry_bytes = n;
        }
        if let Some(ConfigSettingEntry::ContractMaxSizeBytes(n)) =
            setting(state, ConfigSettingId::ContractMaxSizeBytes)
        {
            limits.contract_bytes = n;
        }
        let ttls = NetworkTtls {
            min_temporary_ttl: config.min_temp_entry_ttl,
            min_persistent_ttl: config.min_persistent_entry_ttl,
            max_entry_ttl: config.max_entry_ttl,
        };
        Network {
            config,
            limits,
            ledger,
            ttls,
        }
    }
}
