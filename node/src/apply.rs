//! What stellar-core does with a transaction: validation (envelope, fees, sequence numbers,
//! time bounds, signatures against signers and thresholds, declared Soroban resources), the fee
//! charged up front, the operations applied all-or-nothing, the unused refundable fee returned,
//! and the result and `TransactionMeta` v4 that clients decode.
use std::collections::BTreeMap;

use ed25519_dalek::{Signature, VerifyingKey};
use soroban_env_host::{
    budget::Budget,
    e2e_invoke::{self, LedgerEntryChange as HostChange},
    fees::{self, TransactionResources},
    xdr::{
        AccountEntry, AccountId, Asset, ChangeTrustAsset, ChangeTrustOp, ChangeTrustResult,
        ContractDataDurability, ContractEvent, CreateAccountOp, CreateAccountResult,
        DecoratedSignature, DiagnosticEvent, ExtendFootprintTtlOp, ExtendFootprintTtlResult,
        ExtensionPoint, FeeBumpTransactionInnerTx, Hash, InnerTransactionResult,
        InnerTransactionResultExt, InnerTransactionResultPair, InnerTransactionResultResult,
        InvokeHostFunctionOp, InvokeHostFunctionResult, InvokeHostFunctionSuccessPreImage,
        LedgerEntry, LedgerEntryChange, LedgerEntryChanges, LedgerEntryData, LedgerEntryExt,
        LedgerKey, LedgerKeyTrustLine, LedgerKeyTtl, Memo, MuxedAccount, Operation, OperationBody,
        OperationMetaV2, OperationResult, OperationResultTr, PaymentOp, PaymentResult,
        Preconditions, PublicKey, RestoreFootprintResult, ScVal, SignerKey, SorobanTransactionData,
        SorobanTransactionDataExt, SorobanTransactionMetaExt, SorobanTransactionMetaExtV1,
        SorobanTransactionMetaV2, Transaction, TransactionEnvelope, TransactionExt,
        TransactionMeta, TransactionMetaV4, TransactionResult, TransactionResultExt,
        TransactionResultResult, TrustLineAsset, TrustLineEntry, TrustLineEntryExt, TrustLineFlags,
        TtlEntry, Uint256,
    },
    LedgerInfo, ModuleCache,
};

use crate::{
    events,
    network::Network,
    state::{
        account_key, ed25519_of, liveness_of, new_account, seq_time, set_seq_time, Liveness, State,
        Stored,
    },
    xdr::{decode, encode, sha256},
};

/// Operations per transaction, as in stellar-core.
pub const MAX_OPS: usize = 100;
/// The largest resource fee a transaction may declare (stellar-core's, about 112 million XLM).
const MAX_RESOURCE_FEE: i64 = 1 << 50;

/// A transaction that passed validation, ready to apply.
#[derive(Clone, Debug)]
pub struct Checked {
    pub hash: [u8; 32],
    pub envelope: TransactionEnvelope,
    /// The transaction whose operations run (the inner one of a fee bump).
    pub tx: Transaction,
    pub inner_hash: [u8; 32],
    pub fee_source: AccountId,
    /// The whole fee offered (the outer one of a fee bump).
    pub fee_bid: i64,
    pub fee_bump: bool,
}

/// A transaction applied in a ledger.
#[derive(Clone, Debug)]
pub struct Applied {
    pub checked: Checked,
    pub result: TransactionResult,
    pub meta: TransactionMeta,
    pub fee_processing: LedgerEntryChanges,
    pub post_fee_processing: LedgerEntryChanges,
    pub success: bool,
}

/// A refusal at validation: the result stellar-core would give (`feeCharged` 0).
pub fn refusal(code: TransactionResultResult) -> TransactionResult {
    TransactionResult {
        fee_charged: 0,
        result: code,
        ext: TransactionResultExt::V0,
    }
}

/// The inner transaction of an envelope (v0 converted to v1), its signatures, and the fee bump's
/// outer fee source, fee and signatures if there is one.
struct Parts {
    tx: Transaction,
    signatures: Vec<DecoratedSignature>,
    bump: Option<(AccountId, i64, Vec<DecoratedSignature>)>,
}

/// The account a transaction's source names.
pub fn source_of(tx: &Transaction) -> AccountId {
    muxed_id(&tx.source_account)
}

fn muxed_id(account: &MuxedAccount) -> AccountId {
    match account {
        MuxedAccount::Ed25519(k) => AccountId(PublicKey::PublicKeyTypeEd25519(k.clone())),
        MuxedAccount::MuxedEd25519(m) => {
            AccountId(PublicKey::PublicKeyTypeEd25519(m.ed25519.clone()))
        }
    }
}

fn parts(envelope: &TransactionEnvelope) -> Parts {
    match envelope {
        TransactionEnvelope::TxV0(e) => {
            let v0 = &e.tx;
            let tx = Transaction {
                source_account: MuxedAccount::Ed25519(v0.source_account_ed25519.clone()),
                fee: v0.fee,
                seq_num: v0.seq_num.clone(),
                cond: match &v0.time_bounds {
                    Some(tb) => Preconditions::Time(tb.clone()),
                    None => Preconditions::None,
                },
                memo: v0.memo.clone(),
                operations: v0.operations.clone(),
                ext: TransactionExt::V0,
            };
            Parts {
                tx,
                signatures: e.signatures.to_vec(),
                bump: None,
            }
        }
        TransactionEnvelope::Tx(e) => Parts {
            tx: e.tx.clone(),
            signatures: e.signatures.to_vec(),
            bump: None,
        },
        TransactionEnvelope::TxFeeBump(e) => {
            let FeeBumpTransactionInnerTx::Tx(inner) = &e.tx.inner_tx;
            Parts {
                tx: inner.tx.clone(),
                signatures: inner.signatures.to_vec(),
                bump: Some((muxed_id(&e.tx.fee_source), e.tx.fee, e.signatures.to_vec())),
            }
        }
    }
}

pub fn soroban_data(tx: &Transaction) -> Option<&SorobanTransactionData> {
    match &tx.ext {
        TransactionExt::V1(data) => Some(data),
        TransactionExt::V0 => None,
    }
}

fn is_soroban_op(op: &Operation) -> bool {
    matches!(
        op.body,
        OperationBody::InvokeHostFunction(_)
            | OperationBody::ExtendFootprintTtl(_)
            | OperationBody::RestoreFootprint(_)
    )
}

/// Signature weight levels.
#[derive(Clone, Copy)]
enum Level {
    Low,
    Medium,
}

fn threshold(account: &AccountEntry, level: Level) -> u8 {
    let t = account.thresholds.0;
    match level {
        Level::Low => t[1],
        Level::Medium => t[2],
    }
}

/// Whether `signatures` of `hash` carry `account`'s threshold at `level` (at least weight 1),
/// marking the signatures used.
fn signed(
    account: &AccountEntry,
    level: Level,
    hash: &[u8; 32],
    signatures: &[DecoratedSignature],
    used: &mut [bool],
) -> bool {
    let mut keys = vec![(
        ed25519_of(&account.account_id),
        account.thresholds.0[0] as u32,
    )];
    for signer in account.signers.iter() {
        if let soroban_env_host::xdr::SignerKey::Ed25519(Uint256(k)) = &signer.key {
            keys.push((*k, signer.weight));
        }
    }
    // As stellar-core's SignatureChecker: master key first, then the signers, stopping at the
    // weight needed, so a signature beyond it stays unused (txBAD_AUTH_EXTRA).
    let needed = (threshold(account, level) as u32).max(1);
    let mut weight = 0u32;
    for (key, key_weight) in keys {
        if weight >= needed {
            break;
        }
        if key_weight == 0 {
            continue;
        }
        for (i, sig) in signatures.iter().enumerate() {
            if sig.hint.0 != last_four(&key) {
                continue;
            }
            if verifies(&key, hash, sig.signature.as_slice()) {
                used[i] = true;
                weight = weight.saturating_add(key_weight);
                break;
            }
        }
    }
    weight >= needed
}

/// Whether one of `signatures` is `key`'s (a pre-authorized transaction needs none: its hash
/// is the key), marking it used.
fn signer_signed(
    key: &SignerKey,
    hash: &[u8; 32],
    signatures: &[DecoratedSignature],
    used: &mut [bool],
) -> bool {
    let (hint, message, public): ([u8; 4], &[u8], Option<&[u8; 32]>) = match key {
        SignerKey::PreAuthTx(Uint256(h)) => return h == hash,
        SignerKey::Ed25519(Uint256(k)) => (last_four(k), hash, Some(k)),
        // The signature is the preimage of the key's hash.
        SignerKey::HashX(Uint256(h)) => (last_four(h), &[], None),
        // CAP-40: the hint mixes the key's and the payload's last bytes.
        SignerKey::Ed25519SignedPayload(p) => {
            let mut tail = [0u8; 4];
            let payload = p.payload.as_slice();
            let n = payload.len().min(4);
            tail[..n].copy_from_slice(&payload[payload.len() - n..]);
            let key_tail = last_four(&p.ed25519.0);
            let hint = std::array::from_fn(|i| key_tail[i] ^ tail[i]);
            (hint, payload, Some(&p.ed25519.0))
        }
    };
    for (i, sig) in signatures.iter().enumerate() {
        if sig.hint.0 != hint {
            continue;
        }
        let ok = match (key, public) {
            (SignerKey::HashX(Uint256(h)), _) => sha256(sig.signature.as_slice()) == *h,
            (_, Some(k)) => verifies(k, message, sig.signature.as_slice()),
            _ => false,
        };
        if ok {
            used[i] = true;
            return true;
        }
    }
    false
}

fn last_four(bytes: &[u8; 32]) -> [u8; 4] {
    [bytes[28], bytes[29], bytes[30], bytes[31]]
}

/// Whether `signature` is `key`'s ed25519 signature of `message`.
fn verifies(key: &[u8; 32], message: &[u8], signature: &[u8]) -> bool {
    let (Ok(verifying), Ok(bytes)) = (
        VerifyingKey::from_bytes(key),
        <[u8; 64]>::try_from(signature),
    ) else {
        return false;
    };
    verifying
        .verify_strict(message, &Signature::from_bytes(&bytes))
        .is_ok()
}

/// The minimum balance an account must keep: `(2 + sub-entries) × base reserve`.
pub fn min_balance(account: &AccountEntry, base_reserve: u32) -> i64 {
    (2 + account.num_sub_entries as i64) * base_reserve as i64
}

fn available(account: &AccountEntry, base_reserve: u32) -> i64 {
    account.balance - min_balance(account, base_reserve)
}

/// The entries a Soroban transaction reads from disk, as stellar-core's getNumDiskReadEntries
/// counts them (protocol 23+): every key a RestoreFootprint lists; otherwise the classic keys
/// and the archived entries it restores.
fn disk_read_entries(data: &SorobanTransactionData, restore: bool) -> u32 {
    let footprint = &data.resources.footprint;
    if restore {
        return footprint.read_write.len() as u32;
    }
    let classic = footprint
        .read_only
        .iter()
        .chain(footprint.read_write.iter())
        .filter(|k| !soroban_key(k))
        .count() as u32;
    let restored = match &data.ext {
        SorobanTransactionDataExt::V1(ext) => ext.archived_soroban_entries.len() as u32,
        SorobanTransactionDataExt::V0 => 0,
    };
    classic + restored
}

/// The Soroban resources a transaction declares, as the fee schedule counts them.
pub fn declared_resources(tx: &Transaction, tx_size: u32) -> Option<TransactionResources> {
    let data = soroban_data(tx)?;
    let restore = tx
        .operations
        .iter()
        .any(|op| matches!(op.body, OperationBody::RestoreFootprint(_)));
    let r = &data.resources;
    Some(TransactionResources {
        instructions: r.instructions,
        disk_read_entries: disk_read_entries(data, restore),
        write_entries: r.footprint.read_write.len() as u32,
        disk_read_bytes: r.disk_read_bytes,
        write_bytes: r.write_bytes,
        contract_events_size_bytes: 0,
        transaction_size_bytes: tx_size,
    })
}

/// The inclusion fee the ledger charges: the base fee per operation (a fee bump counts one
/// more), never more than bid.
fn inclusion_fee(ops: usize, fee_bump: bool, base_fee: u32) -> i64 {
    (ops as i64 + fee_bump as i64) * base_fee as i64
}

/// The least inclusion fee a transaction may bid: the base fee per operation, at least one.
fn min_inclusion_fee(ops: usize, base_fee: u32) -> i64 {
    inclusion_fee(ops.max(1), false, base_fee)
}

/// A fee bump's outer transaction, as FeeBumpTransactionFrame::commonValid checks it: an
/// inclusion fee of at least the base fee per operation plus one, and a rate per operation at
/// least the inner one's; the fee source exists, signed at its low threshold with no extra
/// signature, and can afford the whole fee.
fn check_fee_bump(
    state: &State,
    hash: &[u8; 32],
    (fee_source, fee, signatures): (&AccountId, i64, &[DecoratedSignature]),
    inner: &Transaction,
    resource_fee: i64,
) -> Result<(), TransactionResult> {
    use TransactionResultResult as R;
    let ops = inner.operations.len();
    let base_fee = state.header.base_fee;
    let outer_inclusion = fee - resource_fee;
    let inner_inclusion = inner.fee as i64 - resource_fee;
    let (min_outer, min_inner) = (
        inclusion_fee(ops, true, base_fee),
        min_inclusion_fee(ops, base_fee),
    );
    if outer_inclusion < min_outer
        || inner_inclusion >= 0
            && (outer_inclusion as i128) * (min_inner as i128)
                < (inner_inclusion as i128) * (min_outer as i128)
    {
        return Err(refusal(R::TxInsufficientFee));
    }
    let Some(payer) = state.account(fee_source) else {
        return Err(refusal(R::TxNoAccount));
    };
    let mut used = vec![false; signatures.len()];
    if !signed(&payer, Level::Low, hash, signatures, &mut used) {
        return Err(refusal(R::TxBadAuth));
    }
    if available(&payer, state.header.base_reserve) < fee {
        return Err(refusal(R::TxInsufficientBalance));
    }
    if used.iter().any(|u| !u) {
        return Err(refusal(R::TxBadAuthExtra));
    }
    Ok(())
}

/// Validates `envelope` against the state as of the next ledger (`close_time`): everything
/// stellar-core checks before it accepts a transaction. `expected_seq` is the sequence number
/// the source's next transaction must have (one more than its queued ones).
pub fn check(
    state: &State,
    network: &Network,
    envelope: &TransactionEnvelope,
    close_time: u64,
    expected_seq: Option<i64>,
) -> Result<Checked, TransactionResult> {
    use TransactionResultResult as R;
    let hash = envelope
        .hash(state.network_id)
        .map_err(|_| refusal(R::TxMalformed))?;
    let Parts {
        tx,
        signatures,
        bump,
    } = parts(envelope);
    let inner_hash = match &bump {
        Some(_) => {
            let TransactionEnvelope::TxFeeBump(e) = envelope else {
                unreachable!()
            };
            let FeeBumpTransactionInnerTx::Tx(inner) = &e.tx.inner_tx;
            TransactionEnvelope::Tx(inner.clone())
                .hash(state.network_id)
                .map_err(|_| refusal(R::TxMalformed))?
        }
        None => hash,
    };
    let wrap = |result: TransactionResult| -> TransactionResult {
        if bump.is_none() {
            return result;
        }
        let inner = InnerTransactionResult {
            fee_charged: result.fee_charged,
            result: inner_code(result.result),
            ext: InnerTransactionResultExt::V0,
        };
        refusal(R::TxFeeBumpInnerFailed(InnerTransactionResultPair {
            transaction_hash: Hash(inner_hash),
            result: inner,
        }))
    };
    let ops = tx.operations.len();
    let data = soroban_data(&tx);
    let base_fee = state.header.base_fee;
    let inner_fee = tx.fee as i64;
    let resource_fee = data.map_or(0, |d| d.resource_fee);
    // XDRProvidesValidFee, before any arithmetic on fees: a resource fee within
    // [0, MAX_RESOURCE_FEE], a fee bump's fee not negative.
    if !(0..=MAX_RESOURCE_FEE).contains(&resource_fee) || bump.as_ref().is_some_and(|b| b.1 < 0) {
        return Err(refusal(R::TxMalformed));
    }
    // The fee source bids the whole fee: a fee bump's outer transaction is checked first, as
    // FeeBumpTransactionFrame::commonValid does, then the inner one without its fee checks.
    let (fee_source, fee_bid) = match &bump {
        Some((fee_source, fee, outer_signatures)) => {
            check_fee_bump(
                state,
                &hash,
                (fee_source, *fee, outer_signatures),
                &tx,
                resource_fee,
            )?;
            (fee_source.clone(), *fee)
        }
        None => (muxed_id(&tx.source_account), inner_fee),
    };
    if ops == 0 {
        return Err(wrap(refusal(R::TxMissingOperation)));
    }
    let soroban_ops = tx.operations.iter().filter(|op| is_soroban_op(op)).count();
    if soroban_ops > 0 && (ops != 1 || data.is_none()) || soroban_ops == 0 && data.is_some() {
        return Err(wrap(refusal(R::TxMalformed)));
    }
    // Time bounds against the close time of the ledger it will be in.
    let time_bounds = match &tx.cond {
        Preconditions::None => None,
        Preconditions::Time(tb) => Some(tb.clone()),
        Preconditions::V2(p) => p.time_bounds.clone(),
    };
    if let Preconditions::V2(p) = &tx.cond {
        if let Some(lb) = &p.ledger_bounds {
            let seq = state.seq() + 1;
            if lb.min_ledger > seq {
                return Err(wrap(refusal(R::TxTooEarly)));
            }
            if lb.max_ledger != 0 && lb.max_ledger <= seq {
                return Err(wrap(refusal(R::TxTooLate)));
            }
        }
    }
    if let Some(tb) = &time_bounds {
        if tb.min_time.0 > close_time {
            return Err(wrap(refusal(R::TxTooEarly)));
        }
        if tb.max_time.0 != 0 && tb.max_time.0 < close_time {
            return Err(wrap(refusal(R::TxTooLate)));
        }
    }
    // Fees: the inclusion fee at least the base fee per operation; a Soroban transaction's
    // resource fee at least the non-refundable fee of what it declares, within the limits.
    if let Some(data) = data {
        let size = encode(envelope).len() as u32;
        if !soroban_valid(&tx, data, network, size) {
            return Err(wrap(refusal(R::TxSorobanInvalid)));
        }
        let (non_refundable, _) = fees::compute_transaction_resource_fee(
            &declared_resources(&tx, size).expect("a Soroban transaction"),
            &network.config.fee_configuration,
        );
        // stellar-core: a resource fee short of the declared resources', or beyond the
        // whole fee (a fee bump's inner fee is not charged, so not checked), is invalid.
        if data.resource_fee < non_refundable || data.resource_fee > inner_fee && bump.is_none() {
            return Err(wrap(refusal(R::TxSorobanInvalid)));
        }
    }
    if inner_fee - resource_fee < min_inclusion_fee(ops, base_fee) && bump.is_none() {
        return Err(refusal(R::TxInsufficientFee));
    }
    let Some(source) = state.account(&muxed_id(&tx.source_account)) else {
        return Err(wrap(refusal(R::TxNoAccount)));
    };
    let v2 = match &tx.cond {
        Preconditions::V2(p) => Some(p),
        _ => None,
    };
    // The source's number (or its last queued transaction's): the next one, or with
    // `minSeqNum` any higher one while the current is at least that minimum. A number a new
    // account could start at in this ledger is never valid (isBadSeq).
    let current = expected_seq.map_or(source.seq_num.0, |next| next - 1);
    let starting = ((state.seq() + 1) as i64) << 32;
    let in_order = match v2.and_then(|p| p.min_seq_num.as_ref()) {
        Some(min) => min.0 <= current && current < tx.seq_num.0,
        None => tx.seq_num.0 == current.saturating_add(1),
    };
    if !in_order || tx.seq_num.0 == starting {
        return Err(wrap(refusal(R::TxBadSeq)));
    }
    // isTooEarlyForAccount: the time and ledgers since the source's number last changed.
    if let Some(p) = v2 {
        let (seq_ledger, seq_time) = seq_time(&source);
        let next = state.seq() + 1;
        let age = p.min_seq_age.0;
        let gap = p.min_seq_ledger_gap;
        if age > close_time || close_time - age < seq_time || gap > next || next - gap < seq_ledger
        {
            return Err(wrap(refusal(R::TxBadMinSeqAgeOrGap)));
        }
    }
    // The source's signatures at its low threshold, and one of every extra signer.
    let mut used = vec![false; signatures.len()];
    let extra = v2.map_or(&[][..], |p| p.extra_signers.as_slice());
    if !signed(&source, Level::Low, &inner_hash, &signatures, &mut used)
        || !extra
            .iter()
            .all(|key| signer_signed(key, &inner_hash, &signatures, &mut used))
    {
        return Err(wrap(refusal(R::TxBadAuth)));
    }
    // The fee source must afford the whole fee it bids, as stellar-core requires.
    if bump.is_none() && available(&source, state.header.base_reserve) < fee_bid {
        return Err(refusal(R::TxInsufficientBalance));
    }
    // Each operation as stellar-core's OperationFrame::checkValid: its source's signatures at
    // its threshold, then its own form (doCheckValid). The first that fails fails the
    // transaction, the other operations keeping their untouched results.
    for (i, op) in tx.operations.iter().enumerate() {
        let op_source = op.source_account.as_ref().map(muxed_id);
        // An operation source that does not exist yet must have signed with its own key.
        let account = match &op_source {
            Some(id) => state
                .account(id)
                .unwrap_or_else(|| new_account(id.clone(), 0, 0, 0, 0)),
            None => source.clone(),
        };
        // TTL operations need only the low threshold, as in stellar-core.
        let level = match op.body {
            OperationBody::ExtendFootprintTtl(_) | OperationBody::RestoreFootprint(_) => Level::Low,
            _ => Level::Medium,
        };
        let failure = if signed(&account, level, &inner_hash, &signatures, &mut used) {
            malformed(op, &account.account_id, data, network)
        } else {
            Some(OperationResult::OpBadAuth)
        };
        if let Some(failure) = failure {
            let mut results: Vec<OperationResult> = tx.operations.iter().map(untouched).collect();
            results[i] = failure;
            let results = results.try_into().expect("at most MAX_OPS");
            return Err(wrap(refusal(R::TxFailed(results))));
        }
    }
    if used.iter().any(|u| !u) {
        return Err(wrap(refusal(R::TxBadAuthExtra)));
    }
    Ok(Checked {
        hash,
        envelope: envelope.clone(),
        tx,
        inner_hash,
        fee_source,
        fee_bid,
        fee_bump: bump.is_some(),
    })
}

/// An operation's result before it is checked or applied: its type's code 0.
fn untouched(op: &Operation) -> OperationResult {
    use OperationResultTr as T;
    OperationResult::OpInner(match op.body {
        OperationBody::CreateAccount(_) => T::CreateAccount(CreateAccountResult::Success),
        OperationBody::Payment(_) => T::Payment(PaymentResult::Success),
        OperationBody::ChangeTrust(_) => T::ChangeTrust(ChangeTrustResult::Success),
        OperationBody::InvokeHostFunction(_) => {
            T::InvokeHostFunction(InvokeHostFunctionResult::Success(Hash([0; 32])))
        }
        OperationBody::ExtendFootprintTtl(_) => {
            T::ExtendFootprintTtl(ExtendFootprintTtlResult::Success)
        }
        OperationBody::RestoreFootprint(_) => T::RestoreFootprint(RestoreFootprintResult::Success),
        _ => return OperationResult::OpNotSupported,
    })
}

/// Whether an asset code is one stellar-core accepts: ASCII letters and digits, padded with
/// zeros after the last one, at least one character (five for a 12-character code).
fn code_valid(code: &[u8], min_len: usize) -> bool {
    let len = code.iter().position(|b| *b == 0).unwrap_or(code.len());
    len >= min_len
        && code[..len].iter().all(u8::is_ascii_alphanumeric)
        && code[len..].iter().all(|b| *b == 0)
}

fn asset_valid(asset: &Asset) -> bool {
    match asset {
        Asset::Native => true,
        Asset::CreditAlphanum4(a) => code_valid(&a.asset_code.0, 1),
        Asset::CreditAlphanum12(a) => code_valid(&a.asset_code.0, 5),
    }
}

fn persistent(key: &LedgerKey) -> bool {
    match key {
        LedgerKey::ContractData(d) => d.durability == ContractDataDurability::Persistent,
        LedgerKey::ContractCode(_) => true,
        _ => false,
    }
}

fn soroban_key(key: &LedgerKey) -> bool {
    matches!(key, LedgerKey::ContractData(_) | LedgerKey::ContractCode(_))
}

/// What stellar-core's `doCheckValid` refuses before a transaction is accepted: an operation
/// malformed in itself, whatever the ledger holds. `source` is the operation's source.
fn malformed(
    op: &Operation,
    source: &AccountId,
    data: Option<&SorobanTransactionData>,
    network: &Network,
) -> Option<OperationResult> {
    use OperationResultTr as T;
    let footprint = data.map(|d| &d.resources.footprint);
    let result = match &op.body {
        // A zero starting balance is valid since protocol 14 (for sponsored accounts).
        OperationBody::CreateAccount(o) if o.starting_balance < 0 || &o.destination == source => {
            T::CreateAccount(CreateAccountResult::Malformed)
        }
        OperationBody::Payment(o) if o.amount <= 0 || !asset_valid(&o.asset) => {
            T::Payment(PaymentResult::Malformed)
        }
        OperationBody::ChangeTrust(o) => {
            let issued = match &o.line {
                ChangeTrustAsset::Native => None,
                ChangeTrustAsset::CreditAlphanum4(a) => {
                    Some((&a.issuer, code_valid(&a.asset_code.0, 1)))
                }
                ChangeTrustAsset::CreditAlphanum12(a) => {
                    Some((&a.issuer, code_valid(&a.asset_code.0, 5)))
                }
                ChangeTrustAsset::PoolShare(_) => return None, // opNOT_SUPPORTED when applied
            };
            match issued {
                Some((issuer, valid)) if valid && issuer != source && o.limit >= 0 => return None,
                _ => T::ChangeTrust(ChangeTrustResult::Malformed),
            }
        }
        OperationBody::ExtendFootprintTtl(o) => {
            let footprint = footprint?;
            if footprint.read_write.is_empty()
                && footprint.read_only.iter().all(soroban_key)
                && o.extend_to < network.ttls.max_entry_ttl
            {
                return None;
            }
            T::ExtendFootprintTtl(ExtendFootprintTtlResult::Malformed)
        }
        OperationBody::RestoreFootprint(_) => {
            let footprint = footprint?;
            if footprint.read_only.is_empty() && footprint.read_write.iter().all(persistent) {
                return None;
            }
            T::RestoreFootprint(RestoreFootprintResult::Malformed)
        }
        _ => return None,
    };
    Some(OperationResult::OpInner(result))
}

/// stellar-core's checks of a Soroban transaction's form (commonValidPreSeqNum): no memo and
/// no muxed source (protocol 25+), resources within the network's limits, footprint keys of
/// the kinds a contract may touch, each once and of a bounded size, and restore indices that
/// ascend and point at persistent entries.
fn soroban_valid(
    tx: &Transaction,
    data: &SorobanTransactionData,
    network: &Network,
    size: u32,
) -> bool {
    let plain = |m: &MuxedAccount| matches!(m, MuxedAccount::Ed25519(_));
    if !matches!(tx.memo, Memo::None)
        || !plain(&tx.source_account)
        || tx
            .operations
            .iter()
            .any(|op| !op.source_account.as_ref().is_none_or(plain))
    {
        return false;
    }
    let l = &network.limits;
    let r = &data.resources;
    let restore = tx
        .operations
        .iter()
        .any(|op| matches!(op.body, OperationBody::RestoreFootprint(_)));
    let keys: Vec<&LedgerKey> = r
        .footprint
        .read_only
        .iter()
        .chain(r.footprint.read_write.iter())
        .collect();
    let key_valid = |k: &&LedgerKey| match k {
        LedgerKey::Account(_) | LedgerKey::ContractData(_) | LedgerKey::ContractCode(_) => true,
        LedgerKey::Trustline(t) => match &t.asset {
            TrustLineAsset::CreditAlphanum4(a) => {
                code_valid(&a.asset_code.0, 1) && a.issuer != t.account_id
            }
            TrustLineAsset::CreditAlphanum12(a) => {
                code_valid(&a.asset_code.0, 5) && a.issuer != t.account_id
            }
            TrustLineAsset::Native | TrustLineAsset::PoolShare(_) => false,
        },
        _ => false,
    };
    let mut encoded: Vec<Vec<u8>> = keys.iter().map(|k| encode(*k)).collect();
    let small = encoded.iter().all(|k| k.len() as u32 <= l.key_size_bytes);
    encoded.sort();
    let unique = encoded.windows(2).all(|w| w[0] != w[1]);
    let restores_valid = match &data.ext {
        SorobanTransactionDataExt::V1(ext) => {
            let indices = &ext.archived_soroban_entries;
            indices.windows(2).all(|w| w[0] < w[1])
                && indices.iter().all(|i| {
                    r.footprint
                        .read_write
                        .get(*i as usize)
                        .is_some_and(persistent)
                })
        }
        SorobanTransactionDataExt::V0 => true,
    };
    data.resource_fee >= 0
        && r.instructions <= l.instructions
        && r.disk_read_bytes <= l.disk_read_bytes
        && r.write_bytes <= l.write_bytes
        && disk_read_entries(data, restore) <= l.disk_read_entries
        && keys.len() as u32 <= l.footprint_entries
        && r.footprint.read_write.len() as u32 <= l.write_entries
        && keys.iter().all(key_valid)
        && small
        && size <= l.size_bytes
        && restores_valid
        && unique
}

fn inner_code(result: TransactionResultResult) -> InnerTransactionResultResult {
    use InnerTransactionResultResult as I;
    use TransactionResultResult as R;
    match result {
        R::TxSuccess(ops) => I::TxSuccess(ops),
        R::TxFailed(ops) => I::TxFailed(ops),
        R::TxTooEarly => I::TxTooEarly,
        R::TxTooLate => I::TxTooLate,
        R::TxMissingOperation => I::TxMissingOperation,
        R::TxBadSeq => I::TxBadSeq,
        R::TxBadAuth => I::TxBadAuth,
        R::TxInsufficientBalance => I::TxInsufficientBalance,
        R::TxNoAccount => I::TxNoAccount,
        R::TxInsufficientFee => I::TxInsufficientFee,
        R::TxBadAuthExtra => I::TxBadAuthExtra,
        R::TxNotSupported => I::TxNotSupported,
        R::TxMalformed => I::TxMalformed,
        R::TxSorobanInvalid => I::TxSorobanInvalid,
        _ => I::TxInternalError,
    }
}

// ---------------------------------------------------------------------------- changes

/// The entries an operation changed, in the order first touched, with their state before.
#[derive(Default)]
struct Delta {
    order: Vec<LedgerKey>,
    before: BTreeMap<Vec<u8>, Option<Stored>>,
    restored: Vec<LedgerKey>,
}

impl Delta {
    fn touch(&mut self, state: &State, key: &LedgerKey) {
        let raw = encode(key);
        if let std::collections::btree_map::Entry::Vacant(slot) = self.before.entry(raw) {
            slot.insert(state.get(key).cloned());
            self.order.push(key.clone());
        }
    }

    fn put(&mut self, state: &mut State, key: &LedgerKey, stored: Stored) {
        self.touch(state, key);
        state.put(key, stored);
    }

    fn remove(&mut self, state: &mut State, key: &LedgerKey) {
        self.touch(state, key);
        state.remove(key);
    }

    /// The meta's changes: state before and after of each entry, TTLs as their own entries.
    fn changes(&self, state: &State) -> Vec<LedgerEntryChange> {
        let mut out = Vec::new();
        for key in &self.order {
            let before = self.before.get(&encode(key)).cloned().flatten();
            let after = state.get(key).cloned();
            if before == after {
                continue;
            }
            let restored = self.restored.contains(key);
            let (entry_before, entry_after) = (
                before.as_ref().map(|s| &s.entry),
                after.as_ref().map(|s| &s.entry),
            );
            // An extension changes only the TTL: the entry itself is not listed.
            if entry_before != entry_after || restored {
                push_change(&mut out, key, entry_before, entry_after, restored);
            }
            let ttl_key = ttl_key(key);
            // A TTL written in this ledger was modified in it.
            let this_ledger = state.seq() + 1;
            let ttl = |s: &Option<Stored>, modified: Option<u32>| {
                s.as_ref().and_then(|s| s.live_until).map(|until| {
                    let at = modified.unwrap_or(s.as_ref().unwrap().entry.last_modified_ledger_seq);
                    ttl_entry(key, until, at)
                })
            };
            let (tb, ta) = (ttl(&before, None), ttl(&after, Some(this_ledger)));
            if tb != ta {
                push_change(&mut out, &ttl_key, tb.as_ref(), ta.as_ref(), restored);
            }
        }
        out
    }
}

fn push_change(
    out: &mut Vec<LedgerEntryChange>,
    key: &LedgerKey,
    before: Option<&LedgerEntry>,
    after: Option<&LedgerEntry>,
    restored: bool,
) {
    match (before, after) {
        (Some(b), Some(a)) if restored => {
            let _ = b;
            out.push(LedgerEntryChange::Restored(a.clone()));
        }
        (Some(b), Some(a)) => {
            out.push(LedgerEntryChange::State(b.clone()));
            out.push(LedgerEntryChange::Updated(a.clone()));
        }
        (None, Some(a)) => out.push(LedgerEntryChange::Created(a.clone())),
        (Some(b), None) => {
            out.push(LedgerEntryChange::State(b.clone()));
            out.push(LedgerEntryChange::Removed(key.clone()));
        }
        (None, None) => {}
    }
}

pub fn ttl_key(key: &LedgerKey) -> LedgerKey {
    LedgerKey::Ttl(LedgerKeyTtl {
        key_hash: Hash(sha256(&encode(key))),
    })
}

fn ttl_entry(key: &LedgerKey, live_until: u32, modified: u32) -> LedgerEntry {
    LedgerEntry {
        last_modified_ledger_seq: modified,
        data: LedgerEntryData::Ttl(TtlEntry {
            key_hash: Hash(sha256(&encode(key))),
            live_until_ledger_seq: live_until,
        }),
        ext: LedgerEntryExt::V0,
    }
}

fn changes_vec(changes: Vec<LedgerEntryChange>) -> LedgerEntryChanges {
    LedgerEntryChanges(changes.try_into().expect("changes fit"))
}

fn account_entry(account: AccountEntry, seq: u32) -> Stored {
    Stored {
        entry: LedgerEntry {
            last_modified_ledger_seq: seq,
            data: LedgerEntryData::Account(account),
            ext: LedgerEntryExt::V0,
        },
        live_until: None,
    }
}

/// Adds `amount` (negative to take) to an account's balance, as one change.
fn credit(state: &mut State, delta: &mut Delta, id: &AccountId, amount: i64, seq: u32) {
    let mut account = state.account(id).expect("the account exists");
    account.balance += amount;
    delta.put(state, &account_key(id), account_entry(account, seq));
}

// ---------------------------------------------------------------------------- apply

/// The context a ledger's transactions are applied in.
pub struct Ledger<'a> {
    pub network: &'a Network,
    pub info: LedgerInfo,
    pub module_cache: Option<ModuleCache>,
    /// The fees this ledger collected.
    pub fee_pool: i64,
}

/// What the Soroban operation consumed of the refundable fee.
#[derive(Default)]
struct SorobanCharges {
    non_refundable: i64,
    refundable_consumed: i64,
    rent: i64,
    return_value: Option<ScVal>,
    diagnostics: Vec<DiagnosticEvent>,
}

/// Applies a checked transaction to `state` in the ledger `ledger`. Validation is repeated
/// first (an earlier transaction of the ledger may have changed the accounts); a transaction
/// that no longer passes is returned as `Err` and not included.
pub fn apply(
    state: &mut State,
    ledger: &mut Ledger,
    checked: &Checked,
) -> Result<Applied, TransactionResult> {
    let seq = ledger.info.sequence_number;
    let close_time = ledger.info.timestamp;
    let checked = &check(state, ledger.network, &checked.envelope, close_time, None)?;
    let tx = &checked.tx;
    let ops = tx.operations.len();
    let data = soroban_data(tx).cloned();
    let resource_fee = data.as_ref().map_or(0, |d| d.resource_fee);
    let charged = resource_fee
        + inclusion_fee(ops, checked.fee_bump, state.header.base_fee)
            .min(checked.fee_bid - resource_fee);

    // Fee processing: the whole fee up front.
    let mut fee_delta = Delta::default();
    credit(state, &mut fee_delta, &checked.fee_source, -charged, seq);
    let fee_processing = changes_vec(fee_delta.changes(state));

    // The sequence number, bumped even if the operations fail.
    let source_id = muxed_id(&tx.source_account);
    let mut seq_delta = Delta::default();
    let mut source = state.account(&source_id).expect("validated");
    source.seq_num = tx.seq_num.clone();
    set_seq_time(&mut source, seq, close_time);
    seq_delta.put(state, &account_key(&source_id), account_entry(source, seq));
    let tx_changes_before = changes_vec(seq_delta.changes(state));

    // The operations, all or nothing.
    let before_ops = state.clone();
    let mut results = Vec::with_capacity(ops);
    let mut op_metas = Vec::with_capacity(ops);
    let mut soroban = SorobanCharges {
        non_refundable: data
            .as_ref()
            .map_or(0, |_| non_refundable_fee(ledger.network, checked)),
        ..SorobanCharges::default()
    };
    let mut success = true;
    for op in tx.operations.iter() {
        let op_source = op
            .source_account
            .as_ref()
            .map_or(source_id.clone(), muxed_id);
        let mut delta = Delta::default();
        let (result, events) = if state.account(&op_source).is_none() {
            (OperationResult::OpNoAccount, vec![])
        } else {
            apply_op(
                state,
                ledger,
                &mut delta,
                &op_source,
                op,
                data.as_ref(),
                checked,
                &mut soroban,
            )
        };
        success &= op_succeeded(&result);
        op_metas.push(OperationMetaV2 {
            ext: ExtensionPoint::V0,
            changes: changes_vec(delta.changes(state)),
            events: events.try_into().expect("events fit"),
        });
        results.push(result);
    }
    if !success {
        // Undo the operations; the fee and the sequence number stay.
        *state = before_ops;
        for meta in &mut op_metas {
            meta.changes = LedgerEntryChanges(Default::default());
            meta.events = Default::default();
        }
        soroban.refundable_consumed = 0;
        soroban.rent = 0;
        soroban.return_value = None;
    }

    // The refund of what the refundable fee did not pay for.
    let mut post_fee_processing = LedgerEntryChanges(Default::default());
    let mut fee_charged = charged;
    let mut fee_events = vec![events::fee(state.network_id, &checked.fee_source, charged)];
    if let Some(data) = &data {
        let refundable = data.resource_fee - soroban.non_refundable;
        let refund = (refundable - soroban.refundable_consumed).max(0);
        if refund > 0 {
            let mut refund_delta = Delta::default();
            credit(state, &mut refund_delta, &checked.fee_source, refund, seq);
            post_fee_processing = changes_vec(refund_delta.changes(state));
            fee_events.push(events::fee(state.network_id, &checked.fee_source, -refund));
        }
        fee_charged -= refund;
    }
    ledger.fee_pool += fee_charged;

    let op_results: soroban_env_host::xdr::VecM<OperationResult> =
        results.try_into().expect("results fit");
    let inner = if success {
        TransactionResultResult::TxSuccess(op_results)
    } else {
        TransactionResultResult::TxFailed(op_results)
    };
    let result = if checked.fee_bump {
        let pair = InnerTransactionResultPair {
            transaction_hash: Hash(checked.inner_hash),
            result: InnerTransactionResult {
                fee_charged: 0,
                result: inner_code(inner),
                ext: InnerTransactionResultExt::V0,
            },
        };
        TransactionResult {
            fee_charged,
            result: if success {
                TransactionResultResult::TxFeeBumpInnerSuccess(pair)
            } else {
                TransactionResultResult::TxFeeBumpInnerFailed(pair)
            },
            ext: TransactionResultExt::V0,
        }
    } else {
        TransactionResult {
            fee_charged,
            result: inner,
            ext: TransactionResultExt::V0,
        }
    };
    let soroban_meta = data.as_ref().map(|_| SorobanTransactionMetaV2 {
        ext: SorobanTransactionMetaExt::V1(SorobanTransactionMetaExtV1 {
            ext: ExtensionPoint::V0,
            total_non_refundable_resource_fee_charged: soroban.non_refundable,
            total_refundable_resource_fee_charged: soroban.refundable_consumed,
            rent_fee_charged: soroban.rent,
        }),
        return_value: soroban.return_value.clone(),
    });
    let meta = TransactionMeta::V4(TransactionMetaV4 {
        ext: ExtensionPoint::V0,
        tx_changes_before,
        operations: op_metas.try_into().expect("ops fit"),
        tx_changes_after: LedgerEntryChanges(Default::default()),
        soroban_meta,
        events: fee_events.try_into().expect("two events"),
        diagnostic_events: soroban.diagnostics.try_into().unwrap_or_default(),
    });
    Ok(Applied {
        checked: checked.clone(),
        result,
        meta,
        fee_processing,
        post_fee_processing,
        success,
    })
}

fn op_succeeded(result: &OperationResult) -> bool {
    use OperationResultTr as T;
    match result {
        OperationResult::OpInner(inner) => matches!(
            inner,
            T::CreateAccount(CreateAccountResult::Success)
                | T::Payment(PaymentResult::Success)
                | T::ChangeTrust(ChangeTrustResult::Success)
                | T::InvokeHostFunction(InvokeHostFunctionResult::Success(_))
                | T::ExtendFootprintTtl(ExtendFootprintTtlResult::Success)
                | T::RestoreFootprint(RestoreFootprintResult::Success)
        ),
        _ => false,
    }
}

#[allow(clippy::too_many_arguments)]
fn apply_op(
    state: &mut State,
    ledger: &mut Ledger,
    delta: &mut Delta,
    source: &AccountId,
    op: &Operation,
    data: Option<&SorobanTransactionData>,
    checked: &Checked,
    soroban: &mut SorobanCharges,
) -> (OperationResult, Vec<ContractEvent>) {
    use OperationResult::OpInner;
    use OperationResultTr as T;
    let seq = ledger.info.sequence_number;
    let reserve = ledger.info.base_reserve;
    match &op.body {
        OperationBody::CreateAccount(o) => {
            let result =
                create_account(state, delta, source, o, seq, reserve, ledger.info.timestamp);
            let to = MuxedAccount::Ed25519(Uint256(ed25519_of(&o.destination)));
            let moved = (result == CreateAccountResult::Success).then(|| {
                payment_event(
                    state,
                    checked,
                    &Asset::Native,
                    source,
                    &to,
                    o.starting_balance,
                )
            });
            (
                OpInner(T::CreateAccount(result)),
                moved.into_iter().collect(),
            )
        }
        OperationBody::Payment(o) => {
            let result = payment(state, delta, source, o, seq, reserve);
            let moved = (result == PaymentResult::Success)
                .then(|| payment_event(state, checked, &o.asset, source, &o.destination, o.amount));
            (OpInner(T::Payment(result)), moved.into_iter().collect())
        }
        OperationBody::ChangeTrust(o) if !matches!(o.line, ChangeTrustAsset::PoolShare(_)) => (
            OpInner(T::ChangeTrust(change_trust(
                state, delta, source, o, seq, reserve,
            ))),
            vec![],
        ),
        OperationBody::InvokeHostFunction(o) => {
            let data = data.expect("validated: Soroban data present");
            let (result, events) = invoke(state, ledger, delta, source, o, data, checked, soroban);
            (OpInner(T::InvokeHostFunction(result)), events)
        }
        OperationBody::ExtendFootprintTtl(o) => {
            let data = data.expect("validated: Soroban data present");
            (
                OpInner(T::ExtendFootprintTtl(extend_ttl(
                    state, ledger, delta, o, data, soroban,
                ))),
                vec![],
            )
        }
        OperationBody::RestoreFootprint(_) => {
            let data = data.expect("validated: Soroban data present");
            (
                OpInner(T::RestoreFootprint(restore(
                    state, ledger, delta, data, soroban,
                ))),
                vec![],
            )
        }
        _ => (OperationResult::OpNotSupported, vec![]),
    }
}

/// The unified event of a classic payment (CAP-67).
fn payment_event(
    state: &State,
    checked: &Checked,
    asset: &Asset,
    from: &AccountId,
    to: &MuxedAccount,
    value: i64,
) -> ContractEvent {
    let to = events::Destination {
        to,
        memo: &checked.tx.memo,
    };
    events::payment(state.network_id, asset, from, to, value)
}

fn create_account(
    state: &mut State,
    delta: &mut Delta,
    source: &AccountId,
    op: &CreateAccountOp,
    seq: u32,
    reserve: u32,
    now: u64,
) -> CreateAccountResult {
    // Without a sponsor, a zero starting balance is below the reserve.
    if state.account(&op.destination).is_some() {
        return CreateAccountResult::AlreadyExist;
    }
    if op.starting_balance < 2 * reserve as i64 {
        return CreateAccountResult::LowReserve;
    }
    let payer = state.account(source).expect("checked");
    if available(&payer, reserve) < op.starting_balance {
        return CreateAccountResult::Underfunded;
    }
    credit(state, delta, source, -op.starting_balance, seq);
    // A new account's sequence number starts at the ledger's, shifted by 32 bits.
    let account = new_account(
        op.destination.clone(),
        op.starting_balance,
        (seq as i64) << 32,
        seq,
        now,
    );
    let _ = now;
    delta.put(
        state,
        &account_key(&op.destination),
        account_entry(account, seq),
    );
    CreateAccountResult::Success
}

fn trustline_key(account: &AccountId, asset: TrustLineAsset) -> LedgerKey {
    LedgerKey::Trustline(LedgerKeyTrustLine {
        account_id: account.clone(),
        asset,
    })
}

fn trustline(state: &State, key: &LedgerKey) -> Option<TrustLineEntry> {
    match &state.get(key)?.entry.data {
        LedgerEntryData::Trustline(t) => Some(t.clone()),
        _ => None,
    }
}

fn put_trustline(
    state: &mut State,
    delta: &mut Delta,
    key: &LedgerKey,
    line: TrustLineEntry,
    seq: u32,
) {
    delta.put(
        state,
        key,
        Stored {
            entry: LedgerEntry {
                last_modified_ledger_seq: seq,
                data: LedgerEntryData::Trustline(line),
                ext: LedgerEntryExt::V0,
            },
            live_until: None,
        },
    );
}

fn asset_issuer(asset: &Asset) -> Option<(AccountId, TrustLineAsset)> {
    match asset {
        Asset::Native => None,
        Asset::CreditAlphanum4(a) => {
            Some((a.issuer.clone(), TrustLineAsset::CreditAlphanum4(a.clone())))
        }
        Asset::CreditAlphanum12(a) => Some((
            a.issuer.clone(),
            TrustLineAsset::CreditAlphanum12(a.clone()),
        )),
    }
}

fn payment(
    state: &mut State,
    delta: &mut Delta,
    source: &AccountId,
    op: &PaymentOp,
    seq: u32,
    reserve: u32,
) -> PaymentResult {
    let destination = muxed_id(&op.destination);
    let Some(_) = state.account(&destination) else {
        return PaymentResult::NoDestination;
    };
    match asset_issuer(&op.asset) {
        None => {
            let payer = state.account(source).expect("checked");
            if available(&payer, reserve) < op.amount {
                return PaymentResult::Underfunded;
            }
            credit(state, delta, source, -op.amount, seq);
            credit(state, delta, &destination, op.amount, seq);
            PaymentResult::Success
        }
        Some((issuer, asset)) => {
            if state.account(&issuer).is_none() {
                return PaymentResult::NoIssuer;
            }
            // The issuer creates and destroys its asset; everyone else moves it by trustlines.
            let to_key = trustline_key(&destination, asset.clone());
            if destination != issuer {
                let Some(mut to) = trustline(state, &to_key) else {
                    return PaymentResult::NoTrust;
                };
                if to.flags & TrustLineFlags::AuthorizedFlag as u32 == 0 {
                    return PaymentResult::NotAuthorized;
                }
                if to.limit - to.balance < op.amount {
                    return PaymentResult::LineFull;
                }
                if source != &issuer {
                    let from_key = trustline_key(source, asset.clone());
                    let Some(mut from) = trustline(state, &from_key) else {
                        return PaymentResult::SrcNoTrust;
                    };
                    if from.flags & TrustLineFlags::AuthorizedFlag as u32 == 0 {
                        return PaymentResult::SrcNotAuthorized;
                    }
                    if from.balance < op.amount {
                        return PaymentResult::Underfunded;
                    }
                    if from_key == to_key {
                        return PaymentResult::Success;
                    }
                    from.balance -= op.amount;
                    put_trustline(state, delta, &from_key, from, seq);
                }
                to.balance += op.amount;
                put_trustline(state, delta, &to_key, to, seq);
            } else if source != &issuer {
                let from_key = trustline_key(source, asset);
                let Some(mut from) = trustline(state, &from_key) else {
                    return PaymentResult::SrcNoTrust;
                };
                if from.balance < op.amount {
                    return PaymentResult::Underfunded;
                }
                from.balance -= op.amount;
                put_trustline(state, delta, &from_key, from, seq);
            }
            PaymentResult::Success
        }
    }
}

fn change_trust(
    state: &mut State,
    delta: &mut Delta,
    source: &AccountId,
    op: &ChangeTrustOp,
    seq: u32,
    reserve: u32,
) -> ChangeTrustResult {
    let (issuer, asset) = match &op.line {
        ChangeTrustAsset::CreditAlphanum4(a) => {
            (a.issuer.clone(), TrustLineAsset::CreditAlphanum4(a.clone()))
        }
        ChangeTrustAsset::CreditAlphanum12(a) => (
            a.issuer.clone(),
            TrustLineAsset::CreditAlphanum12(a.clone()),
        ),
        ChangeTrustAsset::Native | ChangeTrustAsset::PoolShare(_) => {
            unreachable!("refused at validation or not supported")
        }
    };
    let key = trustline_key(source, asset.clone());
    let mut account = state.account(source).expect("checked");
    match trustline(state, &key) {
        Some(mut line) => {
            if op.limit == 0 {
                if line.balance > 0 {
                    return ChangeTrustResult::InvalidLimit;
                }
                delta.remove(state, &key);
                account.num_sub_entries -= 1;
                delta.put(state, &account_key(source), account_entry(account, seq));
                return ChangeTrustResult::Success;
            }
            if op.limit < line.balance {
                return ChangeTrustResult::InvalidLimit;
            }
            line.limit = op.limit;
            put_trustline(state, delta, &key, line, seq);
            ChangeTrustResult::Success
        }
        None => {
            if op.limit == 0 {
                return ChangeTrustResult::InvalidLimit;
            }
            let Some(issuer_account) = state.account(&issuer) else {
                return ChangeTrustResult::NoIssuer;
            };
            if available(&account, reserve) < reserve as i64 {
                return ChangeTrustResult::LowReserve;
            }
            // AUTH_REQUIRED (flag 1) issuers authorize explicitly; others at once.
            let flags = if issuer_account.flags & 1 == 0 {
                TrustLineFlags::AuthorizedFlag as u32
            } else {
                0
            };
            account.num_sub_entries += 1;
            delta.put(state, &account_key(source), account_entry(account, seq));
            let line = TrustLineEntry {
                account_id: source.clone(),
                asset,
                balance: 0,
                limit: op.limit,
                flags,
                ext: TrustLineEntryExt::V0,
            };
            put_trustline(state, delta, &key, line, seq);
            ChangeTrustResult::Success
        }
    }
}

/// The non-refundable fee of a Soroban transaction's declared resources, kept whatever its
/// operation does (even one that never runs: a missing source is still charged it).
fn non_refundable_fee(network: &Network, checked: &Checked) -> i64 {
    let size = encode(&checked.envelope).len() as u32;
    let (non_refundable, _) = fees::compute_transaction_resource_fee(
        &declared_resources(&checked.tx, size).expect("a Soroban transaction"),
        &network.config.fee_configuration,
    );
    non_refundable
}

#[allow(clippy::too_many_arguments)]
fn invoke(
    state: &mut State,
    ledger: &mut Ledger,
    delta: &mut Delta,
    source: &AccountId,
    op: &InvokeHostFunctionOp,
    data: &SorobanTransactionData,
    checked: &Checked,
    soroban: &mut SorobanCharges,
) -> (InvokeHostFunctionResult, Vec<ContractEvent>) {
    let refundable = data.resource_fee - soroban.non_refundable;
    let seq = ledger.info.sequence_number;
    let resources = &data.resources;
    let restored: Vec<u32> = match &data.ext {
        SorobanTransactionDataExt::V1(ext) => ext.archived_soroban_entries.to_vec(),
        SorobanTransactionDataExt::V0 => vec![],
    };
    // Entries of the footprint as the host takes them: archived ones only if marked for
    // restoring (which restores them), expired temporary ones as absent.
    let mut entries = Vec::new();
    let mut ttls = Vec::new();
    let mut read_bytes = 0u32;
    let mut restoring = Vec::new();
    let keys: Vec<(LedgerKey, bool)> = resources
        .footprint
        .read_only
        .iter()
        .map(|k| (k.clone(), false))
        .chain(
            resources
                .footprint
                .read_write
                .iter()
                .map(|k| (k.clone(), true)),
        )
        .collect();
    for (i, (key, _)) in keys.iter().enumerate() {
        let Some(stored) = state.get(key) else {
            continue;
        };
        let rw_index = i.checked_sub(resources.footprint.read_only.len());
        let mut live_until = stored.live_until;
        match liveness_of(key, stored, seq) {
            Liveness::Expired => continue,
            Liveness::Archived => {
                if !rw_index.is_some_and(|j| restored.contains(&(j as u32))) {
                    return (InvokeHostFunctionResult::EntryArchived, vec![]);
                }
                restoring.push(key.clone());
                live_until = Some(seq + ledger.info.min_persistent_entry_ttl - 1);
                read_bytes += encode(&stored.entry).len() as u32;
            }
            Liveness::Live => {
                if !matches!(key, LedgerKey::ContractData(_) | LedgerKey::ContractCode(_)) {
                    read_bytes += encode(&stored.entry).len() as u32;
                }
            }
        }
        entries.push(encode(&stored.entry));
        ttls.push(match live_until {
            Some(until) => encode(&TtlEntry {
                key_hash: Hash(sha256(&encode(key))),
                live_until_ledger_seq: until,
            }),
            None => vec![],
        });
    }
    if read_bytes > resources.disk_read_bytes {
        return (InvokeHostFunctionResult::ResourceLimitExceeded, vec![]);
    }
    let config = &ledger.network.config;
    let budget = match Budget::try_from_configs(
        resources.instructions as u64,
        config.tx_memory_limit as u64,
        config.cpu_cost_params.clone(),
        config.memory_cost_params.clone(),
    ) {
        Ok(b) => b,
        Err(_) => return (InvokeHostFunctionResult::Malformed, vec![]),
    };
    let mut seed = [0u8; 32];
    seed.copy_from_slice(&sha256(
        &[checked.hash.as_slice(), &seq.to_be_bytes()].concat(),
    ));
    let auth: Vec<Vec<u8>> = op.auth.iter().map(encode).collect();
    let mut diagnostics = Vec::new();
    let (host_fn, encoded_resources, source) =
        (encode(&op.host_function), encode(resources), encode(source));
    let outcome = e2e_invoke::invoke_host_function(
        &budget,
        true,
        &host_fn,
        &encoded_resources,
        &restored,
        &source,
        auth.iter(),
        ledger.info.clone(),
        entries.iter(),
        ttls.iter(),
        &seed.to_vec(),
        &mut diagnostics,
        None,
        ledger.module_cache.clone(),
    );
    soroban.diagnostics = diagnostics;
    let out = match outcome {
        Ok(out) => out,
        Err(e) => return (host_failure(&budget, &e), vec![]),
    };
    let value = match &out.encoded_invoke_result {
        Ok(bytes) => match decode::<ScVal>(bytes) {
            Ok(v) => v,
            Err(_) => return (InvokeHostFunctionResult::Trapped, vec![]),
        },
        Err(e) => return (host_failure(&budget, e), vec![]),
    };
    let events: Vec<ContractEvent> = out
        .encoded_contract_events
        .iter()
        .filter_map(|bytes| decode(bytes).ok())
        .collect();
    let events_size: usize = out
        .encoded_contract_events
        .iter()
        .map(Vec::len)
        .sum::<usize>()
        + encode(&value).len();
    if events_size as u32 > ledger.network.limits.events_bytes {
        return (InvokeHostFunctionResult::ResourceLimitExceeded, vec![]);
    }
    let written: u32 = out
        .ledger_changes
        .iter()
        .filter(|c| !c.read_only)
        .filter_map(|c| c.encoded_new_value.as_ref())
        .map(|v| v.len() as u32)
        .sum();
    if written > resources.write_bytes {
        return (InvokeHostFunctionResult::ResourceLimitExceeded, vec![]);
    }
    // validateContractLedgerEntry: no contract data entry, nor code, beyond the network's size.
    let limits = &ledger.network.limits;
    let oversized = out
        .ledger_changes
        .iter()
        .filter(|c| !c.read_only)
        .filter_map(|c| c.encoded_new_value.as_ref())
        .filter_map(|bytes| decode::<LedgerEntry>(bytes).ok().map(|e| (bytes.len(), e)))
        .any(|(size, e)| match &e.data {
            LedgerEntryData::ContractData(_) => size as u32 > limits.data_entry_bytes,
            LedgerEntryData::ContractCode(c) => c.code.len() as u32 > limits.contract_bytes,
            _ => false,
        });
    if oversized {
        return (InvokeHostFunctionResult::ResourceLimitExceeded, vec![]);
    }
    // The refundable fee must pay for the events and the rent.
    let rent = fees::compute_rent_fee(
        &e2e_invoke::extract_rent_changes(&out.ledger_changes),
        &config.rent_fee_configuration,
        seq,
    );
    let events_fee = fees::compute_transaction_resource_fee(
        &TransactionResources {
            instructions: 0,
            disk_read_entries: 0,
            write_entries: 0,
            disk_read_bytes: 0,
            write_bytes: 0,
            contract_events_size_bytes: events_size as u32,
            transaction_size_bytes: 0,
        },
        &config.fee_configuration,
    )
    .1;
    if rent + events_fee > refundable {
        return (InvokeHostFunctionResult::InsufficientRefundableFee, vec![]);
    }
    for key in &restoring {
        delta.restored.push(key.clone());
    }
    write_host_changes(state, delta, &out.ledger_changes, seq);
    soroban.refundable_consumed = rent + events_fee;
    soroban.rent = rent;
    soroban.return_value = Some(value.clone());
    let preimage = InvokeHostFunctionSuccessPreImage {
        return_value: value,
        events: events.clone().try_into().expect("events fit"),
    };
    (
        InvokeHostFunctionResult::Success(Hash(sha256(&encode(&preimage)))),
        events,
    )
}

fn host_failure(budget: &Budget, _error: &soroban_env_host::HostError) -> InvokeHostFunctionResult {
    let over_cpu = budget.get_cpu_insns_remaining().is_ok_and(|r| r == 0);
    let over_mem = budget.get_mem_bytes_remaining().is_ok_and(|r| r == 0);
    if over_cpu || over_mem {
        InvokeHostFunctionResult::ResourceLimitExceeded
    } else {
        InvokeHostFunctionResult::Trapped
    }
}

/// Writes the host's changes: read-write entries created, updated or deleted; TTLs extended.
fn write_host_changes(state: &mut State, delta: &mut Delta, changes: &[HostChange], seq: u32) {
    for change in changes {
        let Ok(key) = decode::<LedgerKey>(&change.encoded_key) else {
            continue;
        };
        let new_ttl = change.ttl_change.as_ref().map(|t| t.new_live_until_ledger);
        if change.read_only {
            if let (Some(until), Some(stored)) = (new_ttl, state.get(&key).cloned()) {
                if stored.live_until.is_some_and(|old| until > old) {
                    delta.put(
                        state,
                        &key,
                        Stored {
                            live_until: Some(until),
                            ..stored
                        },
                    );
                }
            }
            continue;
        }
        match &change.encoded_new_value {
            Some(bytes) => {
                let Ok(mut entry) = decode::<LedgerEntry>(bytes) else {
                    continue;
                };
                entry.last_modified_ledger_seq = seq;
                delta.put(
                    state,
                    &key,
                    Stored {
                        entry,
                        live_until: new_ttl,
                    },
                );
            }
            None => {
                if state.get(&key).is_some() {
                    delta.remove(state, &key);
                }
            }
        }
    }
}

fn extend_ttl(
    state: &mut State,
    ledger: &Ledger,
    delta: &mut Delta,
    op: &ExtendFootprintTtlOp,
    data: &SorobanTransactionData,
    soroban: &mut SorobanCharges,
) -> ExtendFootprintTtlResult {
    let refundable = data.resource_fee - soroban.non_refundable;
    let seq = ledger.info.sequence_number;
    let footprint = &data.resources.footprint;
    let new_until = seq + op.extend_to;
    let mut rent_changes = Vec::new();
    let mut updates = Vec::new();
    for key in footprint.read_only.iter() {
        let Some(stored) = state.get(key).cloned() else {
            continue;
        };
        if liveness_of(key, &stored, seq) != Liveness::Live {
            continue;
        }
        let old = stored.live_until.unwrap_or(0);
        if new_until <= old {
            continue;
        }
        let size = rent_size(&stored.entry);
        rent_changes.push(fees::LedgerEntryRentChange {
            is_persistent: persistent(key),
            is_code_entry: matches!(key, LedgerKey::ContractCode(_)),
            old_size_bytes: size,
            new_size_bytes: size,
            old_live_until_ledger: old,
            new_live_until_ledger: new_until,
        });
        updates.push((key.clone(), stored));
    }
    let rent = fees::compute_rent_fee(
        &rent_changes,
        &ledger.network.config.rent_fee_configuration,
        seq,
    );
    if rent > refundable {
        return ExtendFootprintTtlResult::InsufficientRefundableFee;
    }
    set_live_until(state, delta, updates, new_until, false, rent, soroban);
    ExtendFootprintTtlResult::Success
}

fn restore(
    state: &mut State,
    ledger: &Ledger,
    delta: &mut Delta,
    data: &SorobanTransactionData,
    soroban: &mut SorobanCharges,
) -> RestoreFootprintResult {
    let refundable = data.resource_fee - soroban.non_refundable;
    let seq = ledger.info.sequence_number;
    let footprint = &data.resources.footprint;
    let new_until = seq + ledger.info.min_persistent_entry_ttl - 1;
    let mut rent_changes = Vec::new();
    let mut updates = Vec::new();
    let mut bytes = 0u32;
    for key in footprint.read_write.iter() {
        let Some(stored) = state.get(key).cloned() else {
            continue;
        };
        if liveness_of(key, &stored, seq) != Liveness::Archived {
            continue;
        }
        let size = rent_size(&stored.entry);
        bytes += encode(&stored.entry).len() as u32;
        rent_changes.push(fees::LedgerEntryRentChange {
            is_persistent: true,
            is_code_entry: matches!(key, LedgerKey::ContractCode(_)),
            old_size_bytes: 0,
            new_size_bytes: size,
            old_live_until_ledger: 0,
            new_live_until_ledger: new_until,
        });
        updates.push((key.clone(), stored));
    }
    if bytes > data.resources.disk_read_bytes || bytes > data.resources.write_bytes {
        return RestoreFootprintResult::ResourceLimitExceeded;
    }
    let rent = fees::compute_rent_fee(
        &rent_changes,
        &ledger.network.config.rent_fee_configuration,
        seq,
    );
    if rent > refundable {
        return RestoreFootprintResult::InsufficientRefundableFee;
    }
    set_live_until(state, delta, updates, new_until, true, rent, soroban);
    RestoreFootprintResult::Success
}

/// A TTL operation's writes: each entry lives until `new_until` (restored ones listed as
/// such in the meta), its rent the refundable fee consumed.
fn set_live_until(
    state: &mut State,
    delta: &mut Delta,
    updates: Vec<(LedgerKey, Stored)>,
    new_until: u32,
    restored: bool,
    rent: i64,
    soroban: &mut SorobanCharges,
) {
    for (key, stored) in updates {
        if restored {
            delta.restored.push(key.clone());
        }
        delta.put(
            state,
            &key,
            Stored {
                live_until: Some(new_until),
                ..stored
            },
        );
    }
    soroban.refundable_consumed = rent;
    soroban.rent = rent;
}

/// An entry's size for rent, as the host counts it (code counts its compiled module too).
fn rent_size(entry: &LedgerEntry) -> u32 {
    let bytes = encode(entry);
    let budget = Budget::default();
    e2e_invoke::entry_size_for_rent(&budget, entry, bytes.len() as u32)
        .unwrap_or(bytes.len() as u32)
}
