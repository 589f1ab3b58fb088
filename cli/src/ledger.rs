//! The embedded network: a Soroban ledger held as a [`LedgerSnapshot`], on which every call runs
//! the compiled WASM in a fresh host loaded from that snapshot (so its cost is what it would be
//! on the network: it pays only for the entries it touches).
//!
//! Signing is emulated honestly: a call runs with recording authorization, then every address
//! the host recorded as having to authorize must be one of the call's signers (or one of the
//! suite's own contracts, which authorize their own sub-calls); otherwise the call is refused
//! and the ledger is left as it was.
use std::{
    collections::BTreeMap,
    panic::{catch_unwind, AssertUnwindSafe},
    str::FromStr,
};

use soroban_ledger_snapshot::LedgerSnapshot;
use soroban_sdk::{
    testutils::{EnvTestConfig, Ledger, Logs},
    xdr::ScAddress,
    Address, Env, TryFromVal,
};

use crate::error::{from_panic_message, CallError, CliError};

/// Ledger time a new network starts at: 2026-01-01T00:00:00Z.
pub const GENESIS_TIME: u64 = 1_767_225_600;
/// Ledger sequence a new network starts at.
const GENESIS_SEQUENCE: u32 = 1_000;
/// Seconds per ledger, to move the sequence with the clock.
const LEDGER_SECONDS: u64 = 5;

/// The strkey of an address (`C...` or `G...`).
pub fn strkey(address: &Address) -> String {
    ScAddress::from(address).to_string()
}

/// The address of a strkey in `env`.
pub fn address(env: &Env, strkey: &str) -> Result<Address, CliError> {
    let sc = ScAddress::from_str(strkey)
        .map_err(|_| CliError::invalid("address", strkey, "not a Stellar strkey"))?;
    Address::try_from_val(env, &sc)
        .map_err(|_| CliError::invalid("address", strkey, "not usable as an address"))
}

/// Named accounts (and contracts) of a network, by name and by strkey.
#[derive(Clone, Debug, Default)]
pub struct AddressBook {
    by_name: BTreeMap<String, String>,
}

impl AddressBook {
    pub fn new(entries: impl IntoIterator<Item = (String, String)>) -> AddressBook {
        AddressBook {
            by_name: entries.into_iter().collect(),
        }
    }

    pub fn insert(&mut self, name: &str, strkey: &str) {
        self.by_name.insert(name.to_string(), strkey.to_string());
    }

    /// The strkey of a named account; a strkey passes through unchanged.
    pub fn strkey(&self, name: &str) -> Result<String, CliError> {
        if let Some(key) = self.by_name.get(name) {
            return Ok(key.clone());
        }
        if name.len() == 56 && ScAddress::from_str(name).is_ok() {
            return Ok(name.to_string());
        }
        Err(CliError::UnknownAccount(
            name.to_string(),
            self.by_name.keys().cloned().collect::<Vec<_>>().join(", "),
        ))
    }

    /// The name of a strkey, or the strkey itself.
    pub fn name_of(&self, strkey: &str) -> String {
        self.by_name
            .iter()
            .find(|(_, key)| key.as_str() == strkey)
            .map(|(name, _)| name.clone())
            .unwrap_or_else(|| strkey.to_string())
    }

    pub fn names(&self) -> impl Iterator<Item = (&String, &String)> {
        self.by_name.iter()
    }
}

/// What one call cost, from `env.cost_estimate()` of that call alone.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Cost {
    pub instructions: i64,
    pub read_entries: u32,
    pub write_entries: u32,
    /// Estimated resource fee in stroops at mainnet rates, *without rent*: a host loaded from a
    /// snapshot counts every entry it loads as freshly extended, so its rent figure is an
    /// artifact.
    pub fee_stroops: i64,
}

impl Cost {
    fn last(env: &Env) -> Option<Cost> {
        quietly(|| {
            let estimate = env.cost_estimate();
            let r = estimate.resources();
            let fee = estimate.fee();
            Cost {
                instructions: r.instructions,
                read_entries: r.disk_read_entries + r.memory_read_entries,
                write_entries: r.write_entries,
                fee_stroops: fee.total - fee.persistent_entry_rent - fee.temporary_entry_rent,
            }
        })
        .ok()
    }
}

/// Who signs one call.
pub struct Tx<'a> {
    /// What the call is, for messages (`mint`, `deploy share_token`).
    pub step: String,
    /// Strkeys whose signatures the call carries.
    pub signers: Vec<String>,
    /// The suite's contracts: they authorize their own calls to other contracts.
    pub contracts: Vec<String>,
    pub book: &'a AddressBook,
    /// Allow authorizations that are not rooted at the top-level call (a constructor's
    /// sub-calls: on the network they are rooted at the create-contract operation).
    pub non_root: bool,
}

/// One ledger, moved forward call by call.
#[derive(Clone)]
pub struct Chain {
    pub snapshot: LedgerSnapshot,
}

impl Chain {
    /// An empty ledger at [`GENESIS_TIME`].
    pub fn genesis() -> Chain {
        let env = Env::new_with_config(EnvTestConfig {
            capture_snapshot_at_drop: false,
        });
        env.ledger().with_mut(|l| {
            l.timestamp = GENESIS_TIME;
            l.sequence_number = GENESIS_SEQUENCE;
        });
        Chain {
            snapshot: env.to_ledger_snapshot(),
        }
    }

    pub fn timestamp(&self) -> u64 {
        self.snapshot.timestamp
    }

    /// A fresh host holding this ledger.
    fn env(&self) -> Env {
        let mut env = Env::from_ledger_snapshot(self.snapshot.clone());
        env.set_config(EnvTestConfig {
            capture_snapshot_at_drop: false,
        });
        // Every host starts from the same PRNG seed, from which recording authorization draws
        // the nonces it stores in the ledger; a later host would draw a nonce already stored.
        // A seed of its own per host keeps the nonces distinct, as real signers' are.
        let _ = env.host().set_base_prng_seed(fresh_seed());
        env
    }

    /// Runs read-only `query` on a throw-away copy of the ledger (like a simulation: TTL
    /// extensions and the like are not kept).
    pub fn read<T>(&self, query: impl FnOnce(&Env) -> Result<T, CliError>) -> Result<T, CliError> {
        let env = self.env();
        env.mock_all_auths();
        match quietly(|| query(&env)) {
            Ok(result) => result,
            Err(message) => Err(CliError::Call {
                step: "read".into(),
                error: from_panic_message(&message),
            }),
        }
    }

    /// Runs one call signed by `tx.signers`. On success the ledger moves on and the call's cost
    /// is returned; on failure (a contract error, or a signature the call lacks) the ledger is
    /// unchanged.
    pub fn transact<T>(
        &mut self,
        tx: &Tx,
        call: impl FnOnce(&Env) -> Result<T, CallError>,
    ) -> Result<(T, Cost), CliError> {
        self.transact_with(tx, |env| call(env).map(|value| (value, Vec::new())))
    }

    /// As [`Chain::transact`], for a call that also names signers it creates itself (the
    /// issuer account of a new Stellar asset signs that asset's `set_admin`).
    pub fn transact_with<T>(
        &mut self,
        tx: &Tx,
        call: impl FnOnce(&Env) -> Result<(T, Vec<String>), CallError>,
    ) -> Result<(T, Cost), CliError> {
        let env = self.env();
        if tx.non_root {
            env.mock_all_auths_allowing_non_root_auth();
        } else {
            env.mock_all_auths();
        }
        let failed = |error| CliError::Call {
            step: tx.step.clone(),
            error,
        };
        let outcome = quietly(|| call(&env));
        if std::env::var_os("HASHSHARE_DEBUG").is_some() && !matches!(outcome, Ok(Ok(_))) {
            for line in env.logs().all() {
                eprintln!("debug: {line}");
            }
        }
        let (value, created_signers) = match outcome {
            Ok(Ok(value)) => value,
            Ok(Err(error)) => return Err(failed(error)),
            Err(message) => return Err(failed(from_panic_message(&message))),
        };
        let cost = Cost::last(&env).unwrap_or_default();
        for (signer, _) in env.auths() {
            let key = strkey(&signer);
            let signed = tx.signers.contains(&key)
                || tx.contracts.contains(&key)
                || created_signers.contains(&key);
            if !signed {
                return Err(CliError::NeedsSignature {
                    step: tx.step.clone(),
                    signer: tx.book.name_of(&key),
                });
            }
        }
        self.snapshot = env.to_ledger_snapshot();
        Ok((value, cost))
    }

    /// Moves the ledger clock forward by `seconds` (and the sequence by one ledger per 5 s).
    pub fn advance(&mut self, seconds: u64) {
        self.snapshot.timestamp = self.snapshot.timestamp.saturating_add(seconds);
        let ledgers = u32::try_from(seconds / LEDGER_SECONDS).unwrap_or(u32::MAX);
        self.snapshot.sequence_number = self.snapshot.sequence_number.saturating_add(ledgers);
    }
}

/// A seed no other host of this or an earlier run used: the clock, the process and a counter.
fn fresh_seed() -> [u8; 32] {
    use sha2::{Digest, Sha256};
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let mut hasher = Sha256::new();
    hasher.update(nanos.to_le_bytes());
    hasher.update(std::process::id().to_le_bytes());
    hasher.update(COUNTER.fetch_add(1, Ordering::Relaxed).to_le_bytes());
    hasher.finalize().into()
}

/// Runs `f`, turning a panic of the host into its message, without printing it.
pub fn quietly<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let result = catch_unwind(AssertUnwindSafe(f));
    std::panic::set_hook(hook);
    result.map_err(|payload| {
        payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_else(|| "the host panicked".to_string())
    })
}
