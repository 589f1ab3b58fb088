//! The first ledger: testnet's protocol-27 network configuration, the root account.
//!
//! `genesis/testnet.p27.xdr` is the `ConfigUpgradeSet` stellar-rpc's integration tests apply
//! to make a local network behave like testnet (every `ConfigSetting`: cost parameters, fees,
//! limits). It carries core's testing `min_persistent_ttl` of 10 ledgers; the node uses
//! testnet's real 120,960 unless told otherwise.
use ed25519_dalek::SigningKey;
use soroban_env_host::xdr::{
    ConfigSettingEntry, ConfigUpgradeSet, Hash, LedgerEntry, LedgerEntryData, LedgerEntryExt,
    LedgerHeader, LedgerHeaderExt, LedgerKey, LedgerKeyConfigSetting, StellarValue,
    StellarValueExt, TimePoint,
};

use crate::{
    state::{account_id, account_key, new_account, State, Stored},
    xdr::{encode, from_base64, network_id, sha256},
    PROTOCOL_VERSION,
};

const TESTNET_CONFIG: &str = include_str!("../genesis/testnet.p27.xdr");

/// Testnet's minimum TTL of a persistent entry, in ledgers (7 days of 5 s ledgers).
pub const TESTNET_MIN_PERSISTENT_TTL: u32 = 120_960;
/// All lumens: 100 billion, in stroops.
pub const TOTAL_COINS: i64 = 1_000_000_000_000_000_000;
pub const BASE_FEE: u32 = 100;
/// 0.5 XLM: testnet's and mainnet's, and what stellar-rpc's simulation assumes.
pub const BASE_RESERVE: u32 = 5_000_000;

/// What a new network is made with.
#[derive(Clone, Debug)]
pub struct Genesis {
    pub passphrase: String,
    pub min_persistent_ttl: u32,
    pub min_temporary_ttl: Option<u32>,
    pub close_time: u64,
}

impl Genesis {
    pub fn new(passphrase: &str, close_time: u64) -> Genesis {
        Genesis {
            passphrase: passphrase.to_string(),
            min_persistent_ttl: TESTNET_MIN_PERSISTENT_TTL,
            min_temporary_ttl: None,
            close_time,
        }
    }
}

/// The root account's key: its seed is the network id, as on quickstart's local network.
pub fn root_key(passphrase: &str) -> SigningKey {
    SigningKey::from_bytes(&network_id(passphrase))
}

pub fn config_key(id: soroban_env_host::xdr::ConfigSettingId) -> LedgerKey {
    LedgerKey::ConfigSetting(LedgerKeyConfigSetting {
        config_setting_id: id,
    })
}

/// Ledger 1: the configuration and the root account holding every lumen.
pub fn genesis_state(genesis: &Genesis) -> State {
    let id = network_id(&genesis.passphrase);
    let header = LedgerHeader {
        ledger_version: PROTOCOL_VERSION,
        previous_ledger_hash: Hash([0; 32]),
        scp_value: StellarValue {
            tx_set_hash: Hash([0; 32]),
            close_time: TimePoint(genesis.close_time),
            upgrades: Default::default(),
            ext: StellarValueExt::Basic,
        },
        tx_set_result_hash: Hash([0; 32]),
        bucket_list_hash: Hash([0; 32]),
        ledger_seq: 1,
        total_coins: TOTAL_COINS,
        fee_pool: 0,
        inflation_seq: 0,
        id_pool: 0,
        base_fee: BASE_FEE,
        base_reserve: BASE_RESERVE,
        max_tx_set_size: 1000,
        skip_list: [Hash([0; 32]), Hash([0; 32]), Hash([0; 32]), Hash([0; 32])],
        ext: LedgerHeaderExt::V0,
    };
    let mut state = State::new(header, [0; 32], id);
    let settings: ConfigUpgradeSet =
        from_base64(TESTNET_CONFIG.trim()).expect("the embedded configuration decodes");
    let mut window_size = 30;
    for setting in settings.updated_entry.iter() {
        let mut setting = setting.clone();
        if let ConfigSettingEntry::StateArchival(archival) = &mut setting {
            archival.min_persistent_ttl = genesis.min_persistent_ttl;
            if let Some(ttl) = genesis.min_temporary_ttl {
                archival.min_temporary_ttl = ttl;
            }
            window_size = archival.live_soroban_state_size_window_sample_size;
        }
        put_config(&mut state, setting);
    }
    let root = root_key(&genesis.passphrase);
    let root_id = account_id(root.verifying_key().to_bytes());
    let account = new_account(root_id.clone(), TOTAL_COINS, 0, 1, genesis.close_time);
    state.put(
        &account_key(&root_id),
        Stored {
            entry: LedgerEntry {
                last_modified_ledger_seq: 1,
                data: LedgerEntryData::Account(account),
                ext: LedgerEntryExt::V0,
            },
            live_until: None,
        },
    );
    let size = state.soroban_state_size();
    let window = vec![size; window_size as usize];
    put_config(
        &mut state,
        ConfigSettingEntry::LiveSorobanStateSizeWindow(window.try_into().expect("the window fits")),
    );
    state.hash = sha256(&encode(&state.header));
    state
}

pub fn put_config(state: &mut State, setting: ConfigSettingEntry) {
    let key = config_key(setting.discriminant());
    state.put(
        &key,
        Stored {
            entry: LedgerEntry {
                last_modified_ledger_seq: 1,
                data: LedgerEntryData::ConfigSetting(setting),
                ext: LedgerEntryExt::V0,
            },
            live_until: None,
        },
    );
}
