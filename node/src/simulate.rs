//! `simulateTransaction`, as stellar-rpc's preflight does it: soroban-simulation over a
//! snapshot of the state at the latest ledger, every failure an `error` string in the result.
use std::rc::Rc;

use serde_json::{json, Value};
use soroban_env_host::{
    e2e_invoke::RecordingInvocationAuthMode,
    xdr::{
        AccountId, LedgerEntry, MuxedAccount, OperationBody, PublicKey, SorobanAuthorizationEntry,
        SorobanTransactionData, TransactionEnvelope, Uint256,
    },
};
use soroban_simulation::{
    simulation::{
        simulate_extend_ttl_op, simulate_invoke_host_function_op, simulate_restore_op,
        SimulationAdjustmentConfig,
    },
    AutoRestoringSnapshotSource, NetworkConfig,
};

use crate::{
    apply::soroban_data,
    state::State,
    xdr::{from_base64, to_base64},
};

/// The auth mode a client asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuthMode {
    Enforce,
    Record,
    RecordAllowNonroot,
}

pub struct Request<'a> {
    pub transaction: &'a str,
    pub auth_mode: Option<AuthMode>,
    pub instruction_leeway: Option<u64>,
    pub use_upgraded_auth: bool,
}

fn error(latest: u32, message: impl Into<String>) -> Value {
    json!({ "error": message.into(), "latestLedger": latest })
}

/// The JSON result of `simulateTransaction` at the state's latest ledger.
pub fn simulate(state: &State, network: &NetworkConfig, request: &Request) -> Value {
    let latest = state.seq();
    let Ok(envelope) = from_base64::<TransactionEnvelope>(request.transaction) else {
        return error(latest, "Could not unmarshal transaction");
    };
    let (tx, source) = match &envelope {
        TransactionEnvelope::TxV0(e) => {
            let ops = &e.tx.operations;
            if !matches!(e.tx.memo, soroban_env_host::xdr::Memo::None) {
                return error(latest, "transaction contains a memo");
            }
            let source = account(&MuxedAccount::Ed25519(e.tx.source_account_ed25519.clone()));
            (ops.clone(), (source, None))
        }
        TransactionEnvelope::Tx(e) => {
            if !matches!(e.tx.memo, soroban_env_host::xdr::Memo::None) {
                return error(latest, "transaction contains a memo");
            }
            (
                e.tx.operations.clone(),
                (account(&e.tx.source_account), soroban_data(&e.tx).cloned()),
            )
        }
        TransactionEnvelope::TxFeeBump(_) => {
            return error(latest, "fee-bump transactions cannot be simulated")
        }
    };
    let (source, data) = source;
    if tx.len() != 1 {
        return error(latest, "Transaction contains more than one operation");
    }
    let op = &tx[0];
    let op_source = op.source_account.as_ref().map_or(source, account);
    // Simulation runs in the ledger after the latest, as the transaction will.
    let seq = latest + 1;
    let mut info = state.ledger_info(
        seq,
        state.close_time(),
        &crate::state::NetworkTtls {
            min_temporary_ttl: network.min_temp_entry_ttl,
            min_persistent_ttl: network.min_persistent_entry_ttl,
            max_entry_ttl: network.max_entry_ttl,
        },
    );
    network.fill_config_fields_in_ledger_info(&mut info);
    let snapshot = Rc::new(state.snapshot(seq));
    let mut adjustment = SimulationAdjustmentConfig::default_adjustment();
    if let Some(leeway) = request.instruction_leeway {
        adjustment.instructions.additive_factor = adjustment
            .instructions
            .additive_factor
            .max(leeway.min(u32::MAX as u64) as u32);
    }
    match &op.body {
        OperationBody::InvokeHostFunction(invoke) => {
            let has_auth = !invoke.auth.is_empty();
            let mode = request.auth_mode.unwrap_or(if has_auth {
                AuthMode::Enforce
            } else {
                AuthMode::Record
            });
            if has_auth && mode != AuthMode::Enforce {
                return error(
                    latest,
                    format!(
                        "cannot set authMode to '{}' with an auth footprint",
                        match mode {
                            AuthMode::Record => "record",
                            _ => "record_allow_nonroot",
                        }
                    ),
                );
            }
            let auth_mode = match mode {
                AuthMode::Enforce => RecordingInvocationAuthMode::Enforcing(invoke.auth.to_vec()),
                AuthMode::Record => {
                    RecordingInvocationAuthMode::recording(true, request.use_upgraded_auth)
                }
                AuthMode::RecordAllowNonroot => {
                    RecordingInvocationAuthMode::recording(false, request.use_upgraded_auth)
                }
            };
            let seed = crate::xdr::sha256(request.transaction.as_bytes());
            let result = simulate_invoke_host_function_op(
                snapshot.clone(),
                network,
                &adjustment,
                &info,
                invoke.host_function.clone(),
                auth_mode,
                &op_source,
                seed,
                true,
            );
            let result = match result {
                Ok(r) => r,
                Err(e) => return error(latest, format!("{e:?}")),
            };
            let events: Vec<String> = result.diagnostic_events.iter().map(to_base64).collect();
            let Some(data) = result
                .transaction_data
                .as_ref()
                .filter(|_| result.invoke_result.is_ok())
            else {
                let message = match &result.invoke_result {
                    Err(e) => format!("HostError: {e:?}"),
                    Ok(_) => "simulation failed".to_string(),
                };
                return json!({ "error": message, "events": events, "latestLedger": latest });
            };
            let retval = result.invoke_result.as_ref().expect("checked");
            let auth: Vec<String> = result
                .auth
                .iter()
                .map(|a: &SorobanAuthorizationEntry| to_base64(a))
                .collect();
            let changes: Vec<Value> = result
                .modified_entries
                .iter()
                // A read-write entry absent before and after (e.g. a balance a failed check
                // never wrote) changed nothing: it has no key to report.
                .filter(|d| d.state_before.is_some() || d.state_after.is_some())
                .map(|d| state_change(&d.state_before, &d.state_after))
                .collect();
            json!({
                "transactionData": to_base64(data),
                "minResourceFee": data.resource_fee.to_string(),
                "events": events,
                "results": [{ "auth": auth, "xdr": to_base64(retval) }],
                "stateChanges": changes,
                "latestLedger": latest,
            })
        }
        OperationBody::ExtendFootprintTtl(extend) => {
            let data = match ttl_op_data(request, data.as_ref(), latest) {
                Ok(d) => d,
                Err(e) => return e,
            };
            // soroban-simulation adds `extend_to` to the ledger's sequence number unchecked:
            // what stellar-core would refuse as malformed is refused here, before it overflows.
            if extend.extend_to >= network.max_entry_ttl {
                return error(
                    latest,
                    format!(
                        "extend_to ({}) must be below the maximum entry TTL ({})",
                        extend.extend_to, network.max_entry_ttl
                    ),
                );
            }
            let keys = data.resources.footprint.read_only.to_vec();
            let restoring = match AutoRestoringSnapshotSource::new(snapshot.clone(), &info) {
                Ok(s) => s,
                Err(e) => return error(latest, format!("{e:?}")),
            };
            let result = simulate_extend_ttl_op(
                &restoring,
                network,
                &adjustment,
                &info,
                &keys,
                extend.extend_to,
            );
            match result {
                Ok(r) => {
                    let mut out = fee_only(&r.transaction_data, latest);
                    if let Ok(Some(restore)) =
                        restoring.simulate_restore_keys_op(network, &adjustment, &info)
                    {
                        let data = with_restore_reads(restore.transaction_data, network);
                        out["restorePreamble"] = json!({
                            "transactionData": to_base64(&data),
                            "minResourceFee": data.resource_fee.to_string(),
                        });
                    }
                    out
                }
                Err(e) => error(latest, format!("{e:?}")),
            }
        }
        OperationBody::RestoreFootprint(_) => {
            let data = match ttl_op_data(request, data.as_ref(), latest) {
                Ok(d) => d,
                Err(e) => return e,
            };
            let keys = data.resources.footprint.read_write.to_vec();
            match simulate_restore_op(&*snapshot, network, &adjustment, &info, &keys) {
                Ok(r) => fee_only(&with_restore_reads(r.transaction_data, network), latest),
                Err(e) => error(latest, format!("{e:?}")),
            }
        }
        _ => error(latest, "unsupported operation type"),
    }
}

/// The Soroban data an ExtendFootprintTtl or RestoreFootprint simulation needs (no auth mode).
fn ttl_op_data<'a>(
    request: &Request,
    data: Option<&'a SorobanTransactionData>,
    latest: u32,
) -> Result<&'a SorobanTransactionData, Value> {
    if request.auth_mode.is_some() {
        return Err(error(
            latest,
            "cannot set authMode for a non-invoke operation",
        ));
    }
    data.ok_or_else(|| {
        error(
            latest,
            "To perform a SimulateTransaction for ExtendFootprintTtl or RestoreFootprint \
             operations, SorobanTransactionData must be provided",
        )
    })
}

/// Since protocol 23 stellar-core counts every key a RestoreFootprint lists as a disk read
/// entry; soroban-simulation 27.0.1 counts none, so its fee falls short by their read fee (a
/// non-refundable part, added as is).
fn with_restore_reads(
    mut data: SorobanTransactionData,
    network: &NetworkConfig,
) -> SorobanTransactionData {
    let reads = data.resources.footprint.read_write.len() as i64;
    data.resource_fee += reads * network.fee_configuration.fee_per_disk_read_entry;
    data
}

/// A TTL operation's simulation result: its resources and fee.
fn fee_only(data: &SorobanTransactionData, latest: u32) -> Value {
    json!({
        "transactionData": to_base64(data),
        "minResourceFee": data.resource_fee.to_string(),
        "events": [],
        "latestLedger": latest,
    })
}

fn account(m: &MuxedAccount) -> AccountId {
    let key = match m {
        MuxedAccount::Ed25519(k) => k.clone(),
        MuxedAccount::MuxedEd25519(x) => x.ed25519.clone(),
    };
    AccountId(PublicKey::PublicKeyTypeEd25519(Uint256(key.0)))
}

fn state_change(before: &Option<LedgerEntry>, after: &Option<LedgerEntry>) -> Value {
    let key = before.as_ref().or(after.as_ref()).map(LedgerEntry::to_key);
    let kind = match (before, after) {
        (Some(_), Some(_)) => "updated",
        (None, Some(_)) => "created",
        _ => "deleted",
    };
    json!({
        "type": kind,
        "key": key.map(|k| to_base64(&k)),
        "before": before.as_ref().map(to_base64),
        "after": after.as_ref().map(to_base64),
    })
}
