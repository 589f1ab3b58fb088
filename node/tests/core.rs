//! What the node does in stellar-core's place, checked through the RPC methods as a client sees
//! them: fees, signatures and thresholds, sequence numbers, time bounds, `TransactionMeta` v4,
//! TTLs and archival, the classic operations' result codes, and `getEvents`.
mod support;

use std::{collections::HashMap, rc::Rc};

use ed25519_dalek::SigningKey;
use hashshare_node::{
    node::{sign, Config},
    state::account_key,
    xdr::{encode, from_base64, network_id, sha256, to_base64},
};
use serde_json::{json, Value};
use soroban_env_host::{
    budget::Budget,
    e2e_invoke,
    fees::{self, LedgerEntryRentChange, TransactionResources},
    storage::{EntryWithLiveUntil, SnapshotSource},
    xdr::{
        AccountEntry, AccountEntryExt, AccountEntryExtensionV1Ext, AlphaNum4, Asset, AssetCode4,
        BumpSequenceOp, ChangeTrustAsset, ChangeTrustOp, ChangeTrustResult, ConfigSettingEntry,
        ConfigSettingId, ContractDataDurability, ContractEvent, ContractEventBody,
        ContractEventType, CreateAccountOp, CreateAccountResult, ExtendFootprintTtlOp,
        ExtendFootprintTtlResult, ExtensionPoint, Hash, HostFunction, InnerTransactionResultResult,
        InvokeHostFunctionResult, LedgerBounds, LedgerEntry, LedgerEntryChange, LedgerEntryChanges,
        LedgerEntryData, LedgerEntryExt, LedgerFootprint, LedgerKey, LedgerKeyConfigSetting,
        LedgerKeyContractCode, LedgerKeyContractData, LedgerKeyTrustLine, ManageDataOp, Memo,
        MuxedAccount, MuxedAccountMed25519, Operation, OperationBody, OperationResult,
        OperationResultTr, PaymentOp, PaymentResult, Preconditions, PreconditionsV2,
        RestoreFootprintOp, RestoreFootprintResult, ScAddress, ScMap, ScMapEntry, ScString,
        ScSymbol, ScVal, ScVec, SequenceNumber, Signer, SignerKey, SorobanResources,
        SorobanResourcesExtV0, SorobanTransactionData, SorobanTransactionDataExt,
        SorobanTransactionMetaExt, Thresholds, TimeBounds, TimePoint, Transaction,
        TransactionEnvelope, TransactionEventStage, TransactionExt, TransactionMetaV4,
        TransactionResultResult, TrustLineAsset, TrustLineEntry, Uint256,
    },
    HostError,
};
use soroban_simulation::NetworkConfig;
use support::*;

const XLM: i64 = 10_000_000;
/// The base reserve of the node's genesis ledger: 0.5 XLM.
const RESERVE: i64 = 5_000_000;
/// What friendbot gives.
const FUNDED: i64 = 10_000 * XLM;

// ---------------------------------------------------------------------------- helpers

/// The result code of a sent transaction, from `getTransaction` or `sendTransaction`'s error.
fn code(got: &Value) -> TransactionResultResult {
    result_of(got).result
}

fn fee_charged(got: &Value) -> i64 {
    result_of(got).fee_charged
}

fn ledger_of(got: &Value) -> u32 {
    got["ledger"].as_u64().expect("an applied transaction") as u32
}

fn v4(got: &Value) -> TransactionMetaV4 {
    match from_base64(got["resultMetaXdr"].as_str().expect("a meta")).unwrap() {
        soroban_env_host::xdr::TransactionMeta::V4(v4) => v4,
        other => panic!("meta {other:?}"),
    }
}

fn failed(results: Vec<OperationResult>) -> TransactionResultResult {
    TransactionResultResult::TxFailed(results.try_into().unwrap())
}

fn succeeded(results: Vec<OperationResult>) -> TransactionResultResult {
    TransactionResultResult::TxSuccess(results.try_into().unwrap())
}

fn op(result: OperationResultTr) -> OperationResult {
    OperationResult::OpInner(result)
}

fn pay_failed(result: PaymentResult) -> TransactionResultResult {
    failed(vec![op(OperationResultTr::Payment(result))])
}

fn create_failed(result: CreateAccountResult) -> TransactionResultResult {
    failed(vec![op(OperationResultTr::CreateAccount(result))])
}

fn trust_failed(result: ChangeTrustResult) -> TransactionResultResult {
    failed(vec![op(OperationResultTr::ChangeTrust(result))])
}

fn invoke_failed(result: InvokeHostFunctionResult) -> TransactionResultResult {
    failed(vec![op(OperationResultTr::InvokeHostFunction(result))])
}

fn muxed(key: &SigningKey) -> MuxedAccount {
    MuxedAccount::Ed25519(Uint256(key.verifying_key().to_bytes()))
}

fn payment(to: &SigningKey, asset: Asset, amount: i64) -> OperationBody {
    OperationBody::Payment(PaymentOp {
        destination: muxed(to),
        asset,
        amount,
    })
}

fn lumens(to: &SigningKey, amount: i64) -> OperationBody {
    payment(to, Asset::Native, amount)
}

fn create_account(to: &SigningKey, starting_balance: i64) -> OperationBody {
    OperationBody::CreateAccount(CreateAccountOp {
        destination: id(to),
        starting_balance,
    })
}

fn alphanum4(code: &str, issuer: &SigningKey) -> AlphaNum4 {
    let mut bytes = [0u8; 4];
    bytes[..code.len()].copy_from_slice(code.as_bytes());
    AlphaNum4 {
        asset_code: AssetCode4(bytes),
        issuer: id(issuer),
    }
}

fn change_trust(line: ChangeTrustAsset, limit: i64) -> OperationBody {
    OperationBody::ChangeTrust(ChangeTrustOp { line, limit })
}

/// A transaction of `source` with one operation at the next sequence number, signed by it.
fn signed(net: &Net, source: &SigningKey, fee: u32, body: OperationBody) -> TransactionEnvelope {
    sign(net.tx(source, fee, body), source, net.network_id())
}

/// Sends `body` from `source` (fee 100) and returns the answer, whatever the outcome.
fn run(net: &Net, source: &SigningKey, body: OperationBody) -> Value {
    net.send(&signed(net, source, 100, body)).1
}

fn run_ok(net: &Net, source: &SigningKey, body: OperationBody) -> Value {
    let got = run(net, source, body);
    assert_eq!(got["status"], "SUCCESS", "{got}");
    got
}

/// Sends and expects a refusal at validation: `ERROR`, nothing charged; the result code.
fn refused(net: &Net, envelope: &TransactionEnvelope) -> TransactionResultResult {
    let (status, got) = net.send(envelope);
    assert_eq!(status, "ERROR", "{got}");
    assert_eq!(fee_charged(&got), 0, "a refusal charges nothing: {got}");
    code(&got)
}

/// One `getLedgerEntries` item for `key` (absent: `None`) and the latest ledger it was read at.
fn ledger_entry(net: &Net, key: &LedgerKey) -> (Option<Value>, u32) {
    let got = net.ok("getLedgerEntries", json!({ "keys": [to_base64(key)] }));
    let latest = got["latestLedger"].as_u64().unwrap() as u32;
    (got["entries"].as_array().unwrap().first().cloned(), latest)
}

fn account(net: &Net, key: &SigningKey) -> AccountEntry {
    let (item, _) = ledger_entry(net, &account_key(&id(key)));
    let item = item.expect("the account exists");
    match from_base64(item["xdr"].as_str().unwrap()).unwrap() {
        LedgerEntryData::Account(a) => a,
        other => panic!("{other:?}"),
    }
}

fn exists(net: &Net, key: &SigningKey) -> bool {
    ledger_entry(net, &account_key(&id(key))).0.is_some()
}

fn balance(net: &Net, key: &SigningKey) -> i64 {
    account(net, key).balance
}

fn seq(net: &Net, key: &SigningKey) -> i64 {
    account(net, key).seq_num.0
}

fn trustline_key(holder: &SigningKey, asset: &AlphaNum4) -> LedgerKey {
    LedgerKey::Trustline(LedgerKeyTrustLine {
        account_id: id(holder),
        asset: TrustLineAsset::CreditAlphanum4(asset.clone()),
    })
}

fn trustline(net: &Net, holder: &SigningKey, asset: &AlphaNum4) -> Option<TrustLineEntry> {
    let (item, _) = ledger_entry(net, &trustline_key(holder, asset));
    item.map(
        |item| match from_base64(item["xdr"].as_str().unwrap()).unwrap() {
            LedgerEntryData::Trustline(t) => t,
            other => panic!("{other:?}"),
        },
    )
}

/// `liveUntilLedgerSeq` of a contract entry as `getLedgerEntries` reports it, and the latest
/// ledger of that answer.
fn live_until(net: &Net, key: &LedgerKey) -> (u32, u32) {
    let (item, latest) = ledger_entry(net, key);
    let item = item.expect("the entry is stored");
    (item["liveUntilLedgerSeq"].as_u64().unwrap() as u32, latest)
}

fn code_key(hash: &Hash) -> LedgerKey {
    LedgerKey::ContractCode(LedgerKeyContractCode { hash: hash.clone() })
}

fn symbol(s: &str) -> ScVal {
    ScVal::Symbol(ScSymbol(s.try_into().unwrap()))
}

/// The key of the plain token's balance entry of `holder` (`DataKey::Balance(holder)`).
fn balance_key(token: &ScAddress, holder: &SigningKey) -> LedgerKey {
    LedgerKey::ContractData(LedgerKeyContractData {
        contract: token.clone(),
        key: ScVal::Vec(Some(ScVec(
            vec![symbol("Balance"), address(holder)].try_into().unwrap(),
        ))),
        durability: ContractDataDurability::Persistent,
    })
}

fn contract_strkey(address: &ScAddress) -> String {
    match address {
        ScAddress::Contract(c) => c.to_string(),
        other => panic!("not a contract: {other:?}"),
    }
}

/// Simulates, signs and sends a call; its `getTransaction` answer (any outcome).
fn invoke_got(net: &Net, source: &SigningKey, function: HostFunction) -> Value {
    net.send(&net.prepare(source, function)).1
}

fn invoke_ok(net: &Net, source: &SigningKey, function: HostFunction) -> Value {
    let got = invoke_got(net, source, function);
    assert_eq!(got["status"], "SUCCESS", "{got}");
    got
}

/// Uploads `code`: its hash and the ledger it was uploaded in.
fn upload(net: &Net, source: &SigningKey, code: &[u8]) -> (Hash, u32) {
    let got = invoke_ok(
        net,
        source,
        HostFunction::UploadContractWasm(code.to_vec().try_into().unwrap()),
    );
    match return_value(&got) {
        ScVal::Bytes(b) => (Hash(b.as_slice().try_into().unwrap()), ledger_of(&got)),
        other => panic!("upload returned {other:?}"),
    }
}

fn deploy_token(net: &Net, admin: &SigningKey, wasm_hash: &Hash, salt: u8) -> ScAddress {
    let got = invoke_ok(net, admin, deploy_function(admin, wasm_hash, salt));
    match return_value(&got) {
        ScVal::Address(a) => a,
        other => panic!("deploy returned {other:?}"),
    }
}

/// The transaction and Soroban data of a (v1) envelope.
fn tx_of(envelope: &TransactionEnvelope) -> (Transaction, SorobanTransactionData) {
    let TransactionEnvelope::Tx(e) = envelope else {
        panic!("a v1 envelope")
    };
    let TransactionExt::V1(data) = &e.tx.ext else {
        panic!("a Soroban transaction")
    };
    (e.tx.clone(), data.clone())
}

fn with_data(mut tx: Transaction, data: SorobanTransactionData) -> Transaction {
    tx.ext = TransactionExt::V1(data);
    tx
}

/// A ledger snapshot holding what `getLedgerEntries` answered, for the fee schedule.
struct Fetched(HashMap<Vec<u8>, LedgerEntry>);

impl SnapshotSource for Fetched {
    fn get(&self, key: &Rc<LedgerKey>) -> Result<Option<EntryWithLiveUntil>, HostError> {
        Ok(self
            .0
            .get(&encode(key.as_ref()))
            .map(|e| (Rc::new(e.clone()), None)))
    }
}

fn config_key(id: ConfigSettingId) -> LedgerKey {
    LedgerKey::ConfigSetting(LedgerKeyConfigSetting {
        config_setting_id: id,
    })
}

/// The network's fee schedule and limits, loaded as stellar-rpc loads them, from the config
/// settings the node serves over `getLedgerEntries`.
fn network_config(net: &Net) -> NetworkConfig {
    use ConfigSettingId as C;
    let ids = [
        C::ContractComputeV0,
        C::ContractLedgerCostV0,
        C::ContractLedgerCostExtV0,
        C::ContractHistoricalDataV0,
        C::ContractEventsV0,
        C::ContractBandwidthV0,
        C::StateArchival,
        C::ContractCostParamsCpuInstructions,
        C::ContractCostParamsMemoryBytes,
        C::LiveSorobanStateSizeWindow,
    ];
    let keys: Vec<String> = ids.iter().map(|i| to_base64(&config_key(*i))).collect();
    let got = net.ok("getLedgerEntries", json!({ "keys": keys }));
    let mut entries = HashMap::new();
    for item in got["entries"].as_array().unwrap() {
        let key: LedgerKey = from_base64(item["key"].as_str().unwrap()).unwrap();
        let entry = LedgerEntry {
            last_modified_ledger_seq: item["lastModifiedLedgerSeq"].as_u64().unwrap() as u32,
            data: from_base64(item["xdr"].as_str().unwrap()).unwrap(),
            ext: LedgerEntryExt::V0,
        };
        entries.insert(encode(&key), entry);
    }
    assert_eq!(entries.len(), ids.len(), "every fee setting is served");
    NetworkConfig::load_from_snapshot(&Fetched(entries)).expect("the fee settings load")
}

fn setting(net: &Net, id: ConfigSettingId) -> ConfigSettingEntry {
    let (item, _) = ledger_entry(net, &config_key(id));
    match from_base64(item.unwrap()["xdr"].as_str().unwrap()).unwrap() {
        LedgerEntryData::ConfigSetting(s) => s,
        other => panic!("{other:?}"),
    }
}

/// The resources a transaction declares, as stellar-core charges them (P23+): disk reads are
/// the classic footprint entries plus the archived ones marked for restoring.
fn declared(data: &SorobanTransactionData, tx_size: u32) -> TransactionResources {
    let r = &data.resources;
    let classic =
        |k: &&LedgerKey| !matches!(k, LedgerKey::ContractData(_) | LedgerKey::ContractCode(_));
    let archived = match &data.ext {
        SorobanTransactionDataExt::V1(ext) => ext.archived_soroban_entries.len() as u32,
        SorobanTransactionDataExt::V0 => 0,
    };
    TransactionResources {
        instructions: r.instructions,
        disk_read_entries: r.footprint.read_only.iter().filter(classic).count() as u32
            + r.footprint.read_write.iter().filter(classic).count() as u32
            + archived,
        write_entries: r.footprint.read_write.len() as u32,
        disk_read_bytes: r.disk_read_bytes,
        write_bytes: r.write_bytes,
        contract_events_size_bytes: 0,
        transaction_size_bytes: tx_size,
    }
}

fn non_refundable(config: &NetworkConfig, envelope: &TransactionEnvelope) -> i64 {
    let (_, data) = tx_of(envelope);
    let size = encode(envelope).len() as u32;
    fees::compute_transaction_resource_fee(&declared(&data, size), &config.fee_configuration).0
}

fn events_fee(config: &NetworkConfig, events_size: u32) -> i64 {
    let resources = TransactionResources {
        instructions: 0,
        disk_read_entries: 0,
        write_entries: 0,
        disk_read_bytes: 0,
        write_bytes: 0,
        contract_events_size_bytes: events_size,
        transaction_size_bytes: 0,
    };
    fees::compute_transaction_resource_fee(&resources, &config.fee_configuration).1
}

/// An entry's size for rent as stellar-core counts it: its XDR size, plus for code the memory
/// of its parsed module under the network's cost parameters.
fn rent_size(config: &NetworkConfig, entry: &LedgerEntry) -> u32 {
    let budget = Budget::try_from_configs(
        10_000_000_000,
        1_000_000_000,
        config.cpu_cost_params.clone(),
        config.memory_cost_params.clone(),
    )
    .unwrap();
    e2e_invoke::entry_size_for_rent(&budget, entry, encode(entry).len() as u32).unwrap()
}

fn ttl_hash(key: &LedgerKey) -> [u8; 32] {
    sha256(&encode(key))
}

fn ttl_key(key: &LedgerKey) -> LedgerKey {
    LedgerKey::Ttl(soroban_env_host::xdr::LedgerKeyTtl {
        key_hash: Hash(ttl_hash(key)),
    })
}

/// The rent changes of the contract entries an operation created (with their created TTLs).
fn created_rent_changes(
    config: &NetworkConfig,
    changes: &LedgerEntryChanges,
) -> Vec<LedgerEntryRentChange> {
    let mut ttls = HashMap::new();
    for change in changes.0.iter() {
        if let LedgerEntryChange::Created(LedgerEntry {
            data: LedgerEntryData::Ttl(t),
            ..
        }) = change
        {
            ttls.insert(t.key_hash.0, t.live_until_ledger_seq);
        }
    }
    let mut out = Vec::new();
    for change in changes.0.iter() {
        let LedgerEntryChange::Created(entry) = change else {
            continue;
        };
        let persistent = match &entry.data {
            LedgerEntryData::ContractData(d) => d.durability == ContractDataDurability::Persistent,
            LedgerEntryData::ContractCode(_) => true,
            _ => continue,
        };
        out.push(LedgerEntryRentChange {
            is_persistent: persistent,
            is_code_entry: matches!(entry.data, LedgerEntryData::ContractCode(_)),
            old_size_bytes: 0,
            new_size_bytes: rent_size(config, entry),
            old_live_until_ledger: 0,
            new_live_until_ledger: ttls[&ttl_hash(&entry.to_key())],
        });
    }
    out
}

fn soroban_fees(meta: &TransactionMetaV4) -> (i64, i64, i64) {
    let soroban = meta.soroban_meta.as_ref().expect("Soroban meta");
    match &soroban.ext {
        SorobanTransactionMetaExt::V1(v1) => (
            v1.total_non_refundable_resource_fee_charged,
            v1.total_refundable_resource_fee_charged,
            v1.rent_fee_charged,
        ),
        SorobanTransactionMetaExt::V0 => panic!("meta without fees"),
    }
}

/// Gives `holder` signers and thresholds (`[master, low, medium, high]`) by writing its
/// account entry into the state: the node has no SetOptions.
fn set_signers(
    net: &Net,
    holder: &SigningKey,
    thresholds: [u8; 4],
    signers: &[(&SigningKey, u32)],
) {
    let mut chain = net.node.chain();
    let key = account_key(&id(holder));
    let mut stored = chain.state.get(&key).cloned().expect("the account exists");
    let LedgerEntryData::Account(account) = &mut stored.entry.data else {
        unreachable!()
    };
    account.thresholds = Thresholds(thresholds);
    account.signers = signers
        .iter()
        .map(|(k, weight)| Signer {
            key: SignerKey::Ed25519(Uint256(k.verifying_key().to_bytes())),
            weight: *weight,
        })
        .collect::<Vec<_>>()
        .try_into()
        .unwrap();
    account.num_sub_entries += signers.len() as u32;
    // Core keeps one sponsoring id per signer.
    if let AccountEntryExt::V1(v1) = &mut account.ext {
        if let AccountEntryExtensionV1Ext::V2(v2) = &mut v1.ext {
            v2.signer_sponsoring_i_ds =
                vec![soroban_env_host::xdr::SponsorshipDescriptor(None); signers.len()]
                    .try_into()
                    .unwrap();
        }
    }
    chain.state.put(&key, stored);
}

fn tx_with(
    net: &Net,
    source: &SigningKey,
    cond: Preconditions,
    body: OperationBody,
) -> Transaction {
    let mut tx = net.tx(source, 100, body);
    tx.cond = cond;
    tx
}

fn time_bounds(min: u64, max: u64) -> Preconditions {
    Preconditions::Time(TimeBounds {
        min_time: TimePoint(min),
        max_time: TimePoint(max),
    })
}

// ---------------------------------------------------------------------------- 1. fees

#[test]
fn soroban_fees_are_the_declared_fee_plus_what_was_consumed_and_limits_are_enforced() {
    let net = Net::quick();
    let (alice, bob, carol) = (key(1), key(2), key(3));
    net.fund(&alice);
    net.fund(&bob);
    let (hash, _) = upload(&net, &alice, &wasm("plain_token"));
    let token = deploy_token(&net, &alice, &hash, 1);
    let config = network_config(&net);

    // A mint to a new holder: one event and one persistent entry created (rent).
    let envelope = net.prepare(
        &alice,
        call(&token, "mint", vec![address(&bob), i128_val(1_000)]),
    );
    let (tx, data) = tx_of(&envelope);
    let non_refundable_fee = non_refundable(&config, &envelope);
    let before = balance(&net, &alice);
    let (status, got) = net.send(&envelope);
    assert_eq!(status, "SUCCESS", "{got}");
    let meta = v4(&got);
    let operation = &meta.operations[0];
    let value = meta.soroban_meta.as_ref().unwrap().return_value.clone();
    assert_eq!(value, Some(ScVal::Void));
    assert_eq!(operation.events.len(), 1);
    let events_size = operation
        .events
        .iter()
        .map(|e| encode(e).len() as u32)
        .sum::<u32>()
        + encode(&ScVal::Void).len() as u32;
    let events = events_fee(&config, events_size);
    let rent_changes = created_rent_changes(&config, &operation.changes);
    assert_eq!(
        rent_changes.len(),
        1,
        "the balance entry: {:?}",
        operation.changes
    );
    let rent = fees::compute_rent_fee(
        &rent_changes,
        &config.rent_fee_configuration,
        ledger_of(&got),
    );
    assert!(events > 0 && rent > 0, "events {events}, rent {rent}");
    let charged = fee_charged(&got);
    assert_eq!(charged, 100 + non_refundable_fee + events + rent);
    assert!(
        charged < tx.fee as i64,
        "the unused refundable fee is returned"
    );
    assert_eq!(before - balance(&net, &alice), charged);
    assert_eq!(
        soroban_fees(&meta),
        (non_refundable_fee, events + rent, rent),
        "the meta's fee breakdown"
    );
    assert!(data.resource_fee > non_refundable_fee + events + rent);

    // Declared resources above the network's limits are refused, nothing charged.
    let template = net.prepare(
        &alice,
        call(&token, "mint", vec![address(&carol), i128_val(5)]),
    );
    let (tx, data) = tx_of(&template);
    let ConfigSettingEntry::ContractComputeV0(compute) =
        setting(&net, ConfigSettingId::ContractComputeV0)
    else {
        unreachable!()
    };
    let ConfigSettingEntry::ContractLedgerCostV0(cost) =
        setting(&net, ConfigSettingId::ContractLedgerCostV0)
    else {
        unreachable!()
    };
    assert_eq!(compute.tx_max_instructions, 100_000_000);
    let over = |change: &dyn Fn(&mut SorobanResources)| {
        let mut data = data.clone();
        change(&mut data.resources);
        refused(
            &net,
            &sign(with_data(tx.clone(), data), &alice, net.network_id()),
        )
    };
    let seq_before = seq(&net, &alice);
    let balance_before = balance(&net, &alice);
    let invalid = TransactionResultResult::TxSorobanInvalid;
    assert_eq!(
        over(&|r| r.instructions = compute.tx_max_instructions as u32 + 1),
        invalid
    );
    assert_eq!(
        over(&|r| r.disk_read_bytes = cost.tx_max_disk_read_bytes + 1),
        invalid
    );
    assert_eq!(
        over(&|r| r.write_bytes = cost.tx_max_write_bytes + 1),
        invalid
    );
    assert_eq!(
        over(&|r| {
            let mut ro = r.footprint.read_only.to_vec();
            ro.push(config_key(ConfigSettingId::ContractComputeV0));
            r.footprint.read_only = ro.try_into().unwrap();
        }),
        invalid,
        "a footprint key of an unsupported type"
    );

    // The resource fee at the non-refundable fee of the declared resources: one stroop less is
    // refused (stellar-core's code for it is pinned in
    // `a_resource_fee_below_the_declared_resources_is_soroban_invalid`); exactly that
    // much is accepted, and with nothing refundable the mint's events and rent cannot be
    // paid.
    let least = non_refundable(&config, &template);
    let with_fees = |resource_fee: i64, inclusion: i64| {
        let mut data = data.clone();
        data.resource_fee = resource_fee;
        let mut tx = with_data(tx.clone(), data);
        tx.fee = (resource_fee + inclusion) as u32;
        sign(tx, &alice, net.network_id())
    };
    assert_eq!(
        non_refundable(&config, &with_fees(least, 100)),
        least,
        "size unchanged"
    );
    let (status, got) = net.send(&with_fees(least - 1, 100));
    assert_eq!(status, "ERROR", "{got}");
    assert_eq!(fee_charged(&got), 0);
    // Too low an inclusion fee: 99 of the 100 a ledger charges per operation.
    assert_eq!(
        refused(&net, &with_fees(data.resource_fee, 99)),
        TransactionResultResult::TxInsufficientFee
    );
    assert_eq!(
        seq(&net, &alice),
        seq_before,
        "refusals consume no sequence number"
    );
    assert_eq!(
        balance(&net, &alice),
        balance_before,
        "refusals charge nothing"
    );

    let (status, got) = net.send(&with_fees(least, 100));
    assert_eq!(status, "FAILED", "{got}");
    assert_eq!(
        code(&got),
        invoke_failed(InvokeHostFunctionResult::InsufficientRefundableFee)
    );
    assert_eq!(fee_charged(&got), 100 + least);
    assert_eq!(balance(&net, &alice), balance_before - 100 - least);
    assert_eq!(seq(&net, &alice), seq_before + 1);
    assert_eq!(soroban_fees(&v4(&got)), (least, 0, 0));

    // Classic: the inclusion fee is at least 100 per operation.
    assert_eq!(
        refused(&net, &signed(&net, &alice, 99, lumens(&bob, XLM))),
        TransactionResultResult::TxInsufficientFee
    );
    let two = Transaction {
        fee: 199,
        operations: vec![
            Operation {
                source_account: None,
                body: lumens(&bob, XLM),
            },
            Operation {
                source_account: None,
                body: lumens(&bob, XLM),
            },
        ]
        .try_into()
        .unwrap(),
        ..net.tx(&alice, 199, lumens(&bob, XLM))
    };
    assert_eq!(
        refused(&net, &sign(two.clone(), &alice, net.network_id())),
        TransactionResultResult::TxInsufficientFee
    );
    let before = balance(&net, &alice);
    let (status, got) = net.send(&sign(
        Transaction { fee: 1_000, ..two },
        &alice,
        net.network_id(),
    ));
    assert_eq!(status, "SUCCESS", "{got}");
    assert_eq!(
        fee_charged(&got),
        200,
        "the base fee per operation, not the bid"
    );
    assert_eq!(before - balance(&net, &alice), 200 + 2 * XLM);
}

#[test]
fn a_resource_fee_below_the_declared_resources_is_soroban_invalid() {
    let net = Net::quick();
    let (alice, bob) = (key(1), key(2));
    net.fund(&alice);
    let (hash, _) = upload(&net, &alice, &wasm("plain_token"));
    let token = deploy_token(&net, &alice, &hash, 1);
    let config = network_config(&net);
    let template = net.prepare(
        &alice,
        call(&token, "mint", vec![address(&bob), i128_val(5)]),
    );
    let (tx, data) = tx_of(&template);
    let least = non_refundable(&config, &template);
    let with_fees = |resource_fee: i64, fee: i64| {
        let mut data = data.clone();
        data.resource_fee = resource_fee;
        let mut tx = with_data(tx.clone(), data);
        tx.fee = fee as u32;
        sign(tx, &alice, net.network_id())
    };
    assert_eq!(
        refused(&net, &with_fees(least - 1, least - 1 + 100)),
        TransactionResultResult::TxSorobanInvalid
    );
    assert_eq!(
        refused(&net, &with_fees(data.resource_fee, data.resource_fee - 1)),
        TransactionResultResult::TxSorobanInvalid,
        "sorobanData.resourceFee above the transaction's fee"
    );
}

#[test]
fn soroban_transactions_of_the_wrong_form_are_soroban_invalid() {
    let net = Net::quick();
    let (alice, bob) = (key(1), key(2));
    net.fund(&alice);
    let (hash, _) = upload(&net, &alice, &wasm("plain_token"));
    let token = deploy_token(&net, &alice, &hash, 1);
    let template = net.prepare(
        &alice,
        call(&token, "mint", vec![address(&bob), i128_val(5)]),
    );
    let (tx, data) = tx_of(&template);
    let changed = |change: &dyn Fn(&mut SorobanTransactionData)| {
        let mut data = data.clone();
        change(&mut data);
        sign(with_data(tx.clone(), data), &alice, net.network_id())
    };
    let twice_read_only = changed(&|d| {
        let mut ro = d.resources.footprint.read_only.to_vec();
        ro.push(ro[0].clone());
        d.resources.footprint.read_only = ro.try_into().unwrap();
    });
    assert_eq!(
        refused(&net, &twice_read_only),
        TransactionResultResult::TxSorobanInvalid
    );
    let in_both = changed(&|d| {
        let mut ro = d.resources.footprint.read_only.to_vec();
        ro.push(d.resources.footprint.read_write[0].clone());
        d.resources.footprint.read_only = ro.try_into().unwrap();
    });
    assert_eq!(
        refused(&net, &in_both),
        TransactionResultResult::TxSorobanInvalid
    );
    let out_of_bounds = changed(&|d| {
        d.ext = SorobanTransactionDataExt::V1(SorobanResourcesExtV0 {
            archived_soroban_entries: vec![99].try_into().unwrap(),
        });
    });
    assert_eq!(
        refused(&net, &out_of_bounds),
        TransactionResultResult::TxSorobanInvalid
    );
    // Restore indices ascend, each once, and point at persistent entries: a temporary entry
    // joins the written ones.
    let temporary = LedgerKey::ContractData(LedgerKeyContractData {
        contract: token.clone(),
        key: symbol("scratch"),
        durability: ContractDataDurability::Temporary,
    });
    let rw = data.resources.footprint.read_write.len() as u32;
    let archived = |indices: Vec<u32>| {
        changed(&|d| {
            let mut keys = d.resources.footprint.read_write.to_vec();
            keys.push(temporary.clone());
            d.resources.footprint.read_write = keys.try_into().unwrap();
            d.ext = SorobanTransactionDataExt::V1(SorobanResourcesExtV0 {
                archived_soroban_entries: indices.clone().try_into().unwrap(),
            });
        })
    };
    for indices in [vec![rw, 0], vec![0, 0], vec![rw]] {
        assert_eq!(
            refused(&net, &archived(indices.clone())),
            TransactionResultResult::TxSorobanInvalid,
            "{indices:?}"
        );
    }
    // A footprint key a contract cannot touch: a native trustline, an issuer's own trustline,
    // an oversized contract data key.
    let usdc = alphanum4("USDC", &alice);
    for key in [
        LedgerKey::Trustline(LedgerKeyTrustLine {
            account_id: id(&bob),
            asset: TrustLineAsset::Native,
        }),
        LedgerKey::Trustline(LedgerKeyTrustLine {
            account_id: id(&alice),
            asset: TrustLineAsset::CreditAlphanum4(usdc.clone()),
        }),
        LedgerKey::ContractData(LedgerKeyContractData {
            contract: token.clone(),
            key: ScVal::Bytes(vec![7u8; 300].try_into().unwrap()),
            durability: ContractDataDurability::Persistent,
        }),
    ] {
        let with_key = changed(&|d| {
            let mut ro = d.resources.footprint.read_only.to_vec();
            ro.push(key.clone());
            d.resources.footprint.read_only = ro.try_into().unwrap();
        });
        assert_eq!(
            refused(&net, &with_key),
            TransactionResultResult::TxSorobanInvalid,
            "{key:?}"
        );
    }
    // Since protocol 25, no memo and no muxed source on a Soroban transaction.
    let with_tx = |change: &dyn Fn(&mut Transaction)| {
        let mut tx = with_data(tx.clone(), data.clone());
        change(&mut tx);
        sign(tx, &alice, net.network_id())
    };
    let memo = with_tx(&|tx| tx.memo = Memo::Id(7));
    let muxed_source = with_tx(&|tx| {
        tx.source_account = MuxedAccount::MuxedEd25519(MuxedAccountMed25519 {
            id: 7,
            ed25519: Uint256(alice.verifying_key().to_bytes()),
        })
    });
    for envelope in [memo, muxed_source] {
        assert_eq!(
            refused(&net, &envelope),
            TransactionResultResult::TxSorobanInvalid
        );
    }
}

#[test]
fn the_fee_source_must_afford_its_whole_bid() {
    let net = Net::quick();
    let (alice, poor) = (key(1), key(2));
    net.fund(&alice);
    // 1,000 stroops above the 1 XLM reserve.
    run_ok(&net, &alice, create_account(&poor, 2 * RESERVE + 1_000));
    let envelope = signed(&net, &poor, 5_000, lumens(&alice, 1));
    assert_eq!(
        refused(&net, &envelope),
        TransactionResultResult::TxInsufficientBalance
    );
}

#[test]
fn a_fee_bump_is_paid_by_its_fee_source_whose_transaction_is_checked_first() {
    let net = Net::quick();
    let (alice, bob, carol) = (key(1), key(2), key(3));
    net.fund(&alice);
    net.fund(&bob);
    net.fund(&carol);
    let nid = net.network_id();
    let inner = |fee: u32| signed(&net, &alice, fee, lumens(&carol, XLM));
    use TransactionResultResult as R;
    // The outer inclusion fee covers the operation and the bump, 2 × 100.
    assert_eq!(
        refused(&net, &fee_bump(inner(100), &bob, 199, &[&bob], nid)),
        R::TxInsufficientFee
    );
    // Its rate per operation at least the inner one's: 1,500 / 2 is below 1,000 / 1.
    assert_eq!(
        refused(&net, &fee_bump(inner(1_000), &bob, 1_500, &[&bob], nid)),
        R::TxInsufficientFee
    );
    assert_eq!(
        refused(&net, &fee_bump(inner(100), &bob, 400, &[&carol], nid)),
        R::TxBadAuth,
        "signed by another than the fee source"
    );
    assert_eq!(
        refused(&net, &fee_bump(inner(100), &bob, 400, &[&bob, &carol], nid)),
        R::TxBadAuthExtra
    );
    assert_eq!(
        refused(&net, &fee_bump(inner(100), &key(9), 400, &[&key(9)], nid)),
        R::TxNoAccount
    );
    assert_eq!(
        refused(&net, &fee_bump(inner(100), &bob, FUNDED, &[&bob], nid)),
        R::TxInsufficientBalance,
        "the payer cannot afford its bid: the outer transaction's own code"
    );
    // The outer transaction first: a bad inner sequence number behind too low an outer fee.
    let mut stale = net.tx(&alice, 100, lumens(&carol, XLM));
    stale.seq_num.0 += 5;
    let stale = sign(stale, &alice, nid);
    assert_eq!(
        refused(&net, &fee_bump(stale.clone(), &bob, 150, &[&bob], nid)),
        R::TxInsufficientFee
    );
    let R::TxFeeBumpInnerFailed(pair) = refused(&net, &fee_bump(stale, &bob, 400, &[&bob], nid))
    else {
        panic!("an inner refusal")
    };
    assert_eq!(pair.result.result, InnerTransactionResultResult::TxBadSeq);

    // Accepted: bob pays the inclusion fee the ledger charges, alice only her payment.
    let before = (
        balance(&net, &alice),
        balance(&net, &bob),
        seq(&net, &alice),
    );
    let (status, got) = net.send(&fee_bump(inner(100), &bob, 1_000, &[&bob], nid));
    assert_eq!(status, "SUCCESS", "{got}");
    assert!(matches!(code(&got), R::TxFeeBumpInnerSuccess(_)), "{got}");
    assert_eq!(fee_charged(&got), 200);
    assert_eq!(balance(&net, &alice), before.0 - XLM);
    assert_eq!(balance(&net, &bob), before.1 - 200);
    assert_eq!(seq(&net, &alice), before.2 + 1);
}

// ---------------------------------------------------------------------------- 2. signatures

#[test]
fn signatures_must_be_the_sources_on_this_network_and_all_used() {
    let net = Net::quick();
    let (alice, bob) = (key(1), key(2));
    net.fund(&alice);
    net.fund(&bob);
    let start_seq = seq(&net, &alice);
    let start_balance = balance(&net, &alice);
    let tx = net.tx(&alice, 100, lumens(&bob, XLM));
    let nid = net.network_id();
    use TransactionResultResult as R;

    assert_eq!(
        refused(&net, &sign_all(tx.clone(), &[], nid)),
        R::TxBadAuth,
        "unsigned"
    );
    assert_eq!(
        refused(&net, &sign_all(tx.clone(), &[&bob], nid)),
        R::TxBadAuth,
        "another key"
    );
    assert_eq!(
        refused(&net, &sign_all(tx.clone(), &[&alice, &bob], nid)),
        R::TxBadAuthExtra,
        "an extra, unused signature"
    );
    assert_eq!(
        refused(&net, &sign_all(tx.clone(), &[&alice, &alice], nid)),
        R::TxBadAuthExtra,
        "the same signature twice"
    );
    let testnet = network_id("Test SDF Network ; September 2015");
    assert_eq!(
        refused(&net, &sign_all(tx.clone(), &[&alice], testnet)),
        R::TxBadAuth,
        "signed for another network"
    );
    let mut corrupt = sign_all(tx.clone(), &[&alice], nid);
    if let TransactionEnvelope::Tx(e) = &mut corrupt {
        let mut signatures = e.signatures.to_vec();
        let mut bytes = signatures[0].signature.0.to_vec();
        bytes[10] ^= 1;
        signatures[0].signature = soroban_env_host::xdr::Signature(bytes.try_into().unwrap());
        e.signatures = signatures.try_into().unwrap();
    }
    assert_eq!(
        refused(&net, &corrupt),
        R::TxBadAuth,
        "a signature that does not verify"
    );
    assert_eq!(seq(&net, &alice), start_seq);
    assert_eq!(balance(&net, &alice), start_balance);

    let (status, got) = net.send(&sign_all(tx, &[&alice], nid));
    assert_eq!(status, "SUCCESS", "{got}");
    assert_eq!(balance(&net, &alice), start_balance - XLM - 100);

    // Thresholds against the signers' weights, with accounts given signers directly.
    let (carol, dave, erin) = (key(3), key(4), key(5));
    net.fund(&carol);
    net.fund(&erin);
    // carol: master 1, dave 1, every threshold 2.
    set_signers(&net, &carol, [1, 2, 2, 2], &[(&dave, 1)]);
    let tx = net.tx(&carol, 100, lumens(&bob, XLM));
    assert_eq!(
        refused(&net, &sign_all(tx.clone(), &[&carol], nid)),
        R::TxBadAuth
    );
    assert_eq!(
        refused(&net, &sign_all(tx.clone(), &[&dave], nid)),
        R::TxBadAuth
    );
    let (status, got) = net.send(&sign_all(tx, &[&carol, &dave], nid));
    assert_eq!(status, "SUCCESS", "weights 1 + 1 meet threshold 2: {got}");
    // erin: master weight 0 (her own key cannot sign), dave 1, thresholds 0.
    set_signers(&net, &erin, [0, 0, 0, 0], &[(&dave, 1)]);
    let tx = net.tx(&erin, 100, lumens(&bob, XLM));
    assert_eq!(
        refused(&net, &sign_all(tx.clone(), &[&erin], nid)),
        R::TxBadAuth,
        "a master key of weight 0"
    );
    assert_eq!(refused(&net, &sign_all(tx.clone(), &[], nid)), R::TxBadAuth);
    let (status, got) = net.send(&sign_all(tx, &[&dave], nid));
    assert_eq!(status, "SUCCESS", "{got}");
}

#[test]
fn an_operation_below_its_threshold_is_op_bad_auth() {
    let net = Net::quick();
    let (frank, bob, dave) = (key(6), key(2), key(4));
    net.fund(&frank);
    net.fund(&bob);
    // low 0, medium 2: the master key alone passes the transaction's check only.
    set_signers(&net, &frank, [1, 0, 2, 2], &[(&dave, 1)]);
    let tx = net.tx(&frank, 100, lumens(&bob, XLM));
    assert_eq!(
        refused(&net, &sign_all(tx, &[&frank], net.network_id())),
        failed(vec![OperationResult::OpBadAuth])
    );
}

#[test]
fn extend_footprint_ttl_needs_only_the_low_threshold() {
    let net = Net::quick();
    let (alice, frank, dave) = (key(1), key(6), key(4));
    net.fund(&alice);
    net.fund(&frank);
    let (hash, _) = upload(&net, &alice, &wasm("plain_token"));
    set_signers(&net, &frank, [1, 0, 2, 2], &[(&dave, 1)]);
    let mut tx = net.tx(
        &frank,
        100,
        OperationBody::ExtendFootprintTtl(ExtendFootprintTtlOp {
            ext: ExtensionPoint::V0,
            extend_to: 10_000,
        }),
    );
    tx = with_data(tx, footprint_data(vec![code_key(&hash)], vec![]));
    let sim = net.simulate(&tx);
    let data: SorobanTransactionData =
        from_base64(sim["transactionData"].as_str().unwrap()).unwrap();
    tx.fee = 100 + data.resource_fee as u32;
    let (status, got) = net.send(&sign(with_data(tx, data), &frank, net.network_id()));
    assert_eq!(status, "SUCCESS", "{got}");
}

#[test]
fn signatures_beyond_the_needed_weight_are_bad_auth_extra() {
    let net = Net::quick();
    let (carol, bob, dave) = (key(3), key(2), key(4));
    net.fund(&carol);
    net.fund(&bob);
    set_signers(&net, &carol, [1, 0, 0, 0], &[(&dave, 1)]);
    let tx = net.tx(&carol, 100, lumens(&bob, XLM));
    assert_eq!(
        refused(&net, &sign_all(tx, &[&carol, &dave], net.network_id())),
        TransactionResultResult::TxBadAuthExtra
    );
}

// ---------------------------------------------------------------------------- 3. sequence numbers

#[test]
fn sequence_numbers_are_checked_consumed_by_failures_and_start_at_the_ledger() {
    let net = Net::quick();
    let (alice, bob, carol) = (key(1), key(2), key(3));
    let funded_in = net.fund_now(&alice);
    assert_eq!(
        seq(&net, &alice),
        (funded_in as i64) << 32,
        "ledgerSeq << 32"
    );
    assert_eq!(balance(&net, &alice), FUNDED);
    net.fund(&bob);

    let current = seq(&net, &alice);
    let payment = net.tx(&alice, 100, lumens(&bob, XLM));
    assert_eq!(payment.seq_num.0, current + 1);
    let at = |n: i64| {
        sign(
            Transaction {
                seq_num: SequenceNumber(n),
                ..payment.clone()
            },
            &alice,
            net.network_id(),
        )
    };
    use TransactionResultResult as R;
    assert_eq!(refused(&net, &at(current + 2)), R::TxBadSeq, "too high");
    assert_eq!(
        refused(&net, &at(current)),
        R::TxBadSeq,
        "too low: the account's own number"
    );
    assert_eq!(refused(&net, &at(current - 1)), R::TxBadSeq);
    assert_eq!(refused(&net, &at(0)), R::TxBadSeq);
    assert_eq!(seq(&net, &alice), current);

    // A failing operation still consumes the number and pays the fee, and changes nothing else.
    let before = balance(&net, &alice);
    let bob_before = balance(&net, &bob);
    let got = run(&net, &alice, lumens(&bob, before));
    assert_eq!(got["status"], "FAILED");
    assert_eq!(code(&got), pay_failed(PaymentResult::Underfunded));
    assert_eq!(fee_charged(&got), 100);
    assert_eq!(balance(&net, &alice), before - 100);
    assert_eq!(balance(&net, &bob), bob_before);
    assert_eq!(seq(&net, &alice), current + 1);
    let meta = v4(&got);
    assert!(
        meta.operations[0].changes.0.is_empty(),
        "a failed operation changes nothing"
    );
    assert_eq!(
        meta.tx_changes_before.0.len(),
        2,
        "the sequence number's bump"
    );
    // The next number works, and an old one is now too low.
    run_ok(&net, &alice, lumens(&bob, XLM));
    assert_eq!(seq(&net, &alice), current + 2);
    assert_eq!(refused(&net, &at(current + 1)), R::TxBadSeq);

    // The queue holds one transaction per source, as stellar-core's: the next one is asked to
    // wait (TRY_AGAIN_LATER) until the first is in a ledger; a resend is a duplicate.
    let first = signed(&net, &alice, 100, lumens(&bob, 1));
    let next = tx_of_classic(&first).seq_num.0 + 1;
    assert_eq!(next, current + 4);
    let second = at(next);
    let send =
        |e: &TransactionEnvelope| net.ok("sendTransaction", json!({ "transaction": to_base64(e) }));
    let (a, b, dup) = (send(&first), send(&second), send(&first));
    assert_eq!(a["status"], "PENDING", "{a}");
    assert_eq!(b["status"], "TRY_AGAIN_LATER", "{b}");
    assert_eq!(dup["status"], "DUPLICATE", "{dup}");
    net.close();
    let gap = send(&at(current + 6));
    assert_eq!(gap["status"], "ERROR", "{gap}");
    assert_eq!(code(&gap), R::TxBadSeq);
    let b = send(&second);
    assert_eq!(b["status"], "PENDING", "{b}");
    net.close();
    for sent in [&a, &b] {
        let got = net.ok("getTransaction", json!({ "hash": sent["hash"] }));
        assert_eq!(got["status"], "SUCCESS", "{got}");
    }
    assert_eq!(seq(&net, &alice), current + 4);

    // A new account's number starts at its ledger's sequence number shifted by 32 bits.
    let got = run_ok(&net, &alice, create_account(&carol, 5 * XLM));
    assert_eq!(seq(&net, &carol), (ledger_of(&got) as i64) << 32);
}

fn tx_of_classic(envelope: &TransactionEnvelope) -> Transaction {
    let TransactionEnvelope::Tx(e) = envelope else {
        panic!("a v1 envelope")
    };
    e.tx.clone()
}

fn preconditions(change: impl FnOnce(&mut PreconditionsV2)) -> Preconditions {
    let mut p = PreconditionsV2 {
        time_bounds: None,
        ledger_bounds: None,
        min_seq_num: None,
        min_seq_age: soroban_env_host::xdr::Duration(0),
        min_seq_ledger_gap: 0,
        extra_signers: Default::default(),
    };
    change(&mut p);
    Preconditions::V2(p)
}

#[test]
fn min_seq_num_relaxes_the_sequence_and_extra_signers_of_every_kind_must_sign() {
    let net = Net::quick();
    let (alice, bob, escrow) = (key(1), key(2), key(3));
    net.fund(&alice);
    net.fund(&bob);
    let nid = net.network_id();
    use TransactionResultResult as R;
    // minSeqNum: a number ahead of the next one, while the account's is at least the minimum.
    let current = seq(&net, &alice);
    let ahead = |min: i64| {
        let mut tx = tx_with(
            &net,
            &alice,
            preconditions(|p| p.min_seq_num = Some(SequenceNumber(min))),
            lumens(&bob, 1),
        );
        tx.seq_num = SequenceNumber(current + 5);
        sign(tx, &alice, nid)
    };
    assert_eq!(
        refused(&net, &ahead(current + 1)),
        R::TxBadSeq,
        "the minimum not reached"
    );
    let (status, got) = net.send(&ahead(current - 3));
    assert_eq!(status, "SUCCESS", "{got}");
    assert_eq!(
        seq(&net, &alice),
        current + 5,
        "the account's number jumps to the transaction's"
    );

    // A hash-x extra signer: the preimage as the signature, hinted by the hash's last bytes.
    let preimage = b"the escrow's secret".to_vec();
    let hash_x = sha256(&preimage);
    let with_extra = |key: SignerKey| {
        tx_with(
            &net,
            &alice,
            preconditions(|p| p.extra_signers = vec![key].try_into().unwrap()),
            lumens(&bob, 1),
        )
    };
    let tx = with_extra(SignerKey::HashX(Uint256(hash_x)));
    assert_eq!(refused(&net, &sign(tx.clone(), &alice, nid)), R::TxBadAuth);
    let mut envelope = sign(tx, &alice, nid);
    if let TransactionEnvelope::Tx(e) = &mut envelope {
        let mut sigs = e.signatures.to_vec();
        sigs.push(soroban_env_host::xdr::DecoratedSignature {
            hint: soroban_env_host::xdr::SignatureHint(hash_x[28..32].try_into().unwrap()),
            signature: soroban_env_host::xdr::Signature(preimage.try_into().unwrap()),
        });
        e.signatures = sigs.try_into().unwrap();
    }
    let (status, got) = net.send(&envelope);
    assert_eq!(status, "SUCCESS", "{got}");

    // A pre-authorized transaction: its own hash as the extra signer, no signature for it.
    let tx = with_extra(SignerKey::PreAuthTx(Uint256([0; 32])));
    assert_eq!(
        refused(&net, &sign(tx, &alice, nid)),
        R::TxBadAuth,
        "another hash"
    );
    // An ed25519 extra signer signs the transaction's hash like any signer.
    let tx = with_extra(SignerKey::Ed25519(Uint256(
        escrow.verifying_key().to_bytes(),
    )));
    assert_eq!(refused(&net, &sign(tx.clone(), &alice, nid)), R::TxBadAuth);
    let (status, got) = net.send(&sign_all(tx, &[&alice, &escrow], nid));
    assert_eq!(status, "SUCCESS", "{got}");
}

// ---------------------------------------------------------------------------- 4. time bounds

#[test]
fn time_bounds_are_checked_against_the_next_close_time() {
    let net = Net::quick();
    let (alice, bob) = (key(1), key(2));
    net.fund(&alice);
    net.fund(&bob);
    let (last_close, next_close) = {
        let chain = net.node.chain();
        (chain.state.close_time(), net.node.next_close_time(&chain))
    };
    let nid = net.network_id();
    let bounded =
        |cond: Preconditions| sign(tx_with(&net, &alice, cond, lumens(&bob, 1)), &alice, nid);
    use TransactionResultResult as R;
    assert_eq!(
        refused(&net, &bounded(time_bounds(next_close + 3_600, 0))),
        R::TxTooEarly,
        "min_time in the future"
    );
    assert_eq!(
        refused(&net, &bounded(time_bounds(0, last_close - 1))),
        R::TxTooLate,
        "max_time passed"
    );
    assert_eq!(
        refused(
            &net,
            &bounded(Preconditions::V2(PreconditionsV2 {
                time_bounds: Some(TimeBounds {
                    min_time: TimePoint(next_close + 3_600),
                    max_time: TimePoint(0),
                }),
                ledger_bounds: None,
                min_seq_num: None,
                min_seq_age: soroban_env_host::xdr::Duration(0),
                min_seq_ledger_gap: 0,
                extra_signers: Default::default(),
            }))
        ),
        R::TxTooEarly,
        "the time bounds of preconditions v2"
    );
    let (status, got) = net.send(&bounded(time_bounds(last_close, next_close + 3_600)));
    assert_eq!(status, "SUCCESS", "{got}");
    let (status, got) = net.send(&bounded(time_bounds(0, 0)));
    assert_eq!(status, "SUCCESS", "0 is no bound: {got}");
}

#[test]
fn ledger_bounds_are_enforced() {
    let net = Net::quick();
    let (alice, bob) = (key(1), key(2));
    net.fund(&alice);
    net.fund(&bob);
    let latest = net.node.chain().state.seq();
    let bounds = |min_ledger: u32, max_ledger: u32| {
        Preconditions::V2(PreconditionsV2 {
            time_bounds: None,
            ledger_bounds: Some(LedgerBounds {
                min_ledger,
                max_ledger,
            }),
            min_seq_num: None,
            min_seq_age: soroban_env_host::xdr::Duration(0),
            min_seq_ledger_gap: 0,
            extra_signers: Default::default(),
        })
    };
    let nid = net.network_id();
    let too_late = sign(
        tx_with(&net, &alice, bounds(0, latest), lumens(&bob, 1)),
        &alice,
        nid,
    );
    assert_eq!(refused(&net, &too_late), TransactionResultResult::TxTooLate);
    let too_early = sign(
        tx_with(&net, &alice, bounds(latest + 100, 0), lumens(&bob, 1)),
        &alice,
        nid,
    );
    assert_eq!(
        refused(&net, &too_early),
        TransactionResultResult::TxTooEarly
    );
}

// ---------------------------------------------------------------------------- 5. meta

#[test]
fn an_invocations_meta_holds_the_changes_events_and_return_value() {
    let net = Net::quick();
    let (alice, bob, carol) = (key(1), key(2), key(3));
    net.fund(&alice);
    net.fund(&bob);
    let (hash, _) = upload(&net, &alice, &wasm("plain_token"));

    // Deploying creates the instance entry and returns the contract's address.
    let got = invoke_ok(&net, &alice, deploy_function(&alice, &hash, 3));
    let ScVal::Address(token) = return_value(&got) else {
        panic!("an address")
    };
    let meta = v4(&got);
    let instance_key = LedgerKey::ContractData(LedgerKeyContractData {
        contract: token.clone(),
        key: ScVal::LedgerKeyContractInstance,
        durability: ContractDataDurability::Persistent,
    });
    let created: Vec<LedgerKey> = meta.operations[0]
        .changes
        .0
        .iter()
        .filter_map(|c| match c {
            LedgerEntryChange::Created(e) => Some(e.to_key()),
            _ => None,
        })
        .collect();
    assert!(created.contains(&instance_key), "{created:?}");
    assert!(created.contains(&ttl_key(&instance_key)));

    // A mint: the source's sequence number bump before the operations, the balance entry and
    // its TTL created, one event, the return value.
    let seq_before = seq(&net, &alice);
    let envelope = net.prepare(
        &alice,
        call(&token, "mint", vec![address(&bob), i128_val(500)]),
    );
    let (status, got) = net.send(&envelope);
    assert_eq!(status, "SUCCESS", "{got}");
    let ledger = ledger_of(&got);
    let meta = v4(&got);
    let [LedgerEntryChange::State(state), LedgerEntryChange::Updated(updated)] =
        meta.tx_changes_before.0.as_slice()
    else {
        panic!(
            "State + Updated of the source: {:?}",
            meta.tx_changes_before
        )
    };
    let (LedgerEntryData::Account(s), LedgerEntryData::Account(u)) = (&state.data, &updated.data)
    else {
        panic!("account entries")
    };
    assert_eq!(s.account_id, id(&alice));
    assert_eq!(u.account_id, id(&alice));
    assert_eq!(s.seq_num.0, seq_before);
    assert_eq!(u.seq_num.0, seq_before + 1);
    assert_eq!(
        s.balance, u.balance,
        "the fee was taken before, in fee processing"
    );
    assert_eq!(updated.last_modified_ledger_seq, ledger);

    assert_eq!(meta.operations.len(), 1);
    let changes = &meta.operations[0].changes.0;
    let bob_key = balance_key(&token, &bob);
    let [LedgerEntryChange::Created(entry), LedgerEntryChange::Created(ttl)] = changes.as_slice()
    else {
        panic!("the balance entry and its TTL created: {changes:?}")
    };
    let LedgerEntryData::ContractData(data) = &entry.data else {
        panic!("contract data")
    };
    assert_eq!(entry.to_key(), bob_key);
    assert_eq!(data.val, i128_val(500));
    assert_eq!(entry.last_modified_ledger_seq, ledger);
    let LedgerEntryData::Ttl(ttl) = &ttl.data else {
        panic!("a TTL")
    };
    assert_eq!(ttl.key_hash.0, ttl_hash(&bob_key));
    let (served_until, _) = live_until(&net, &bob_key);
    assert_eq!(ttl.live_until_ledger_seq, served_until);
    assert!(served_until > ledger);

    let soroban = meta.soroban_meta.as_ref().unwrap();
    assert_eq!(soroban.return_value, Some(ScVal::Void));
    let mint_event = ContractEvent {
        ext: ExtensionPoint::V0,
        contract_id: match &token {
            ScAddress::Contract(c) => Some(c.clone()),
            _ => unreachable!(),
        },
        type_: ContractEventType::Contract,
        body: ContractEventBody::V0(soroban_env_host::xdr::ContractEventV0 {
            topics: vec![symbol("mint"), address(&bob)].try_into().unwrap(),
            data: i128_val(500),
        }),
    };
    assert_eq!(meta.operations[0].events.to_vec(), vec![mint_event.clone()]);
    assert_eq!(
        got["events"]["contractEventsXdr"],
        json!([[to_base64(&mint_event)]]),
        "getTransaction's events are the meta's"
    );

    // A transfer updates bob's entry (State + Updated) and creates carol's.
    let got = invoke_ok(
        &net,
        &bob,
        call(
            &token,
            "transfer",
            vec![address(&bob), address(&carol), i128_val(200)],
        ),
    );
    let meta = v4(&got);
    let changes = &meta.operations[0].changes.0;
    let position = |wanted: &dyn Fn(&LedgerEntryChange) -> bool| changes.iter().position(wanted);
    let bob_state =
        position(&|c| matches!(c, LedgerEntryChange::State(e) if e.to_key() == bob_key))
            .expect("bob's balance before");
    match (&changes[bob_state].clone(), &changes[bob_state + 1]) {
        (LedgerEntryChange::State(before), LedgerEntryChange::Updated(after)) => {
            let (LedgerEntryData::ContractData(b), LedgerEntryData::ContractData(a)) =
                (&before.data, &after.data)
            else {
                unreachable!()
            };
            assert_eq!(b.val, i128_val(500));
            assert_eq!(a.val, i128_val(300));
        }
        other => panic!("State then Updated: {other:?}"),
    }
    let carol_key = balance_key(&token, &carol);
    assert!(
        position(&|c| matches!(c, LedgerEntryChange::Created(e) if e.to_key() == carol_key))
            .is_some()
    );
    let ContractEventBody::V0(body) = &meta.operations[0].events[0].body;
    assert_eq!(
        body.topics.to_vec(),
        vec![symbol("transfer"), address(&bob), address(&carol)]
    );

    // A read returns its value and changes nothing.
    let got = invoke_ok(&net, &alice, call(&token, "balance", vec![address(&carol)]));
    let meta = v4(&got);
    assert_eq!(
        meta.soroban_meta.as_ref().unwrap().return_value,
        Some(i128_val(200))
    );
    assert!(meta.operations[0].events.is_empty());
    assert!(
        meta.operations[0].changes.0.is_empty(),
        "{:?}",
        meta.operations[0].changes
    );
}

// ---------------------------------------------------------------------------- 6. TTL, archival

fn footprint_data(read_only: Vec<LedgerKey>, read_write: Vec<LedgerKey>) -> SorobanTransactionData {
    SorobanTransactionData {
        ext: SorobanTransactionDataExt::V0,
        resources: SorobanResources {
            footprint: LedgerFootprint {
                read_only: read_only.try_into().unwrap(),
                read_write: read_write.try_into().unwrap(),
            },
            instructions: 0,
            disk_read_bytes: 0,
            write_bytes: 0,
        },
        resource_fee: 0,
    }
}

/// Simulates `body` with `data` (which names the footprint), then sends it with the simulated
/// data and fee; the answer.
fn simulate_and_send(
    net: &Net,
    source: &SigningKey,
    body: OperationBody,
    data: SorobanTransactionData,
) -> (Value, TransactionEnvelope) {
    let tx = with_data(net.tx(source, 100, body), data);
    let sim = net.simulate(&tx);
    assert!(sim.get("error").is_none(), "{sim}");
    let data: SorobanTransactionData =
        from_base64(sim["transactionData"].as_str().unwrap()).unwrap();
    let fee: u32 = sim["minResourceFee"].as_str().unwrap().parse().unwrap();
    assert_eq!(fee as i64, data.resource_fee);
    let mut tx = with_data(tx, data);
    tx.fee = 100 + fee;
    let envelope = sign(tx, source, net.network_id());
    (net.send(&envelope).1, envelope)
}

fn code_entry(net: &Net, hash: &Hash) -> LedgerEntry {
    let (item, _) = ledger_entry(net, &code_key(hash));
    let item = item.unwrap();
    LedgerEntry {
        last_modified_ledger_seq: item["lastModifiedLedgerSeq"].as_u64().unwrap() as u32,
        data: from_base64(item["xdr"].as_str().unwrap()).unwrap(),
        ext: LedgerEntryExt::V0,
    }
}

#[test]
fn archived_entries_are_refused_restored_and_extended() {
    let net = Net::quick_with(Config {
        min_persistent_ttl: 10,
        ledger_seconds: 1,
        ..Config::default()
    });
    let alice = key(1);
    net.fund(&alice);
    let config = network_config(&net);
    assert_eq!(config.min_persistent_entry_ttl, 10);
    let (token_code, token_in) = upload(&net, &alice, &wasm("plain_token"));
    let (other_code, other_in) = upload(&net, &alice, &wasm("share_token"));
    let token_key = code_key(&token_code);
    let other_key = code_key(&other_code);

    // Live for min_persistent_ttl ledgers including the one it was written in, then archived.
    let (until, _) = live_until(&net, &token_key);
    assert_eq!(until, token_in + 10 - 1);
    close_until_archived(
        &net,
        &[(token_key.clone(), token_in), (other_key.clone(), other_in)],
        10,
    );

    // Simulation marks the archived code for restoring; a call that needs it without the mark
    // fails ENTRY_ARCHIVED (paying the non-refundable fee), the code staying archived.
    let marked = net.prepare(&alice, deploy_function(&alice, &token_code, 1));
    let (tx, data) = tx_of(&marked);
    let index = data
        .resources
        .footprint
        .read_write
        .iter()
        .position(|k| *k == token_key)
        .expect("the archived code is in read_write") as u32;
    let SorobanTransactionDataExt::V1(ext) = &data.ext else {
        panic!("no entry marked for restoring: {data:?}")
    };
    assert_eq!(ext.archived_soroban_entries.to_vec(), vec![index]);
    let mut unmarked = data.clone();
    unmarked.ext = SorobanTransactionDataExt::V0;
    let mut read_write = unmarked.resources.footprint.read_write.to_vec();
    read_write.retain(|k| *k != token_key);
    let mut read_only = unmarked.resources.footprint.read_only.to_vec();
    read_only.push(token_key.clone());
    unmarked.resources.footprint.read_write = read_write.try_into().unwrap();
    unmarked.resources.footprint.read_only = read_only.try_into().unwrap();
    let envelope = sign(with_data(tx, unmarked), &alice, net.network_id());
    let (status, got) = net.send(&envelope);
    assert_eq!(status, "FAILED", "{got}");
    assert_eq!(
        code(&got),
        invoke_failed(InvokeHostFunctionResult::EntryArchived)
    );
    assert_eq!(fee_charged(&got), 100 + non_refundable(&config, &envelope));
    assert_eq!(live_until(&net, &token_key).0, 0);

    // With the mark (as simulated), the deploy restores the code as it uses it.
    let got = invoke_ok(&net, &alice, deploy_function(&alice, &token_code, 1));
    let changes = &v4(&got).operations[0].changes.0;
    assert!(
        changes
            .iter()
            .any(|c| matches!(c, LedgerEntryChange::Restored(e) if e.to_key() == token_key)),
        "{changes:?}"
    );
    assert!(live_until(&net, &token_key).0 >= ledger_of(&got));

    // RestoreFootprint, simulated with the key in read_write.
    let (got, envelope) = simulate_and_send(
        &net,
        &alice,
        OperationBody::RestoreFootprint(RestoreFootprintOp {
            ext: ExtensionPoint::V0,
        }),
        footprint_data(vec![], vec![other_key.clone()]),
    );
    assert_eq!(got["status"], "SUCCESS", "{got}");
    assert_eq!(
        code(&got),
        succeeded(vec![op(OperationResultTr::RestoreFootprint(
            RestoreFootprintResult::Success
        ))])
    );
    let restored_in = ledger_of(&got);
    let restored_until = restored_in + 10 - 1;
    assert_eq!(live_until(&net, &other_key).0, restored_until);
    let meta = v4(&got);
    let changes = &meta.operations[0].changes.0;
    let entry = code_entry(&net, &other_code);
    assert!(
        changes
            .iter()
            .any(|c| matches!(c, LedgerEntryChange::Restored(e) if e.to_key() == other_key)),
        "{changes:?}"
    );
    assert!(
        changes
            .iter()
            .any(|c| matches!(c, LedgerEntryChange::Restored(LedgerEntry {
            data: LedgerEntryData::Ttl(t), ..
        }) if t.key_hash.0 == ttl_hash(&other_key) && t.live_until_ledger_seq == restored_until)),
        "{changes:?}"
    );
    let rent = fees::compute_rent_fee(
        &[LedgerEntryRentChange {
            is_persistent: true,
            is_code_entry: true,
            old_size_bytes: 0,
            new_size_bytes: rent_size(&config, &entry),
            old_live_until_ledger: 0,
            new_live_until_ledger: restored_until,
        }],
        &config.rent_fee_configuration,
        restored_in,
    );
    let (restore_non_refundable, restore_refundable, restore_rent) = soroban_fees(&meta);
    assert_eq!((restore_refundable, restore_rent), (rent, rent));
    // Every key a RestoreFootprint lists is a disk read (`restore_footprint_pays_a_disk_read_per_entry`).
    let listed = tx_of(&envelope).1.resources.footprint.read_write.len() as i64;
    assert_eq!(
        restore_non_refundable,
        non_refundable(&config, &envelope)
            + listed * config.fee_configuration.fee_per_disk_read_entry
    );
    assert_eq!(fee_charged(&got), 100 + restore_non_refundable + rent);

    // ExtendFootprintTtl of the live entry: to the ledger's sequence number + extend_to.
    let extend = |extend_to: u32| {
        simulate_and_send(
            &net,
            &alice,
            OperationBody::ExtendFootprintTtl(ExtendFootprintTtlOp {
                ext: ExtensionPoint::V0,
                extend_to,
            }),
            footprint_data(vec![other_key.clone()], vec![]),
        )
    };
    let (got, envelope) = extend(1_000);
    assert_eq!(
        code(&got),
        succeeded(vec![op(OperationResultTr::ExtendFootprintTtl(
            ExtendFootprintTtlResult::Success
        ))])
    );
    let extended_in = ledger_of(&got);
    assert_eq!(live_until(&net, &other_key).0, extended_in + 1_000);
    let meta = v4(&got);
    let changes = &meta.operations[0].changes.0;
    let is_ttl = |e: &LedgerEntry, until: u32| {
        matches!(&e.data, LedgerEntryData::Ttl(t)
            if t.key_hash.0 == ttl_hash(&other_key) && t.live_until_ledger_seq == until)
    };
    let ttl_state = changes
        .iter()
        .position(|c| matches!(c, LedgerEntryChange::State(e) if is_ttl(e, restored_until)))
        .expect("the TTL before");
    assert!(
        matches!(&changes[ttl_state + 1], LedgerEntryChange::Updated(e) if is_ttl(e, extended_in + 1_000)),
        "{changes:?}"
    );
    let size = rent_size(&config, &entry);
    let rent = fees::compute_rent_fee(
        &[LedgerEntryRentChange {
            is_persistent: true,
            is_code_entry: true,
            old_size_bytes: size,
            new_size_bytes: size,
            old_live_until_ledger: restored_until,
            new_live_until_ledger: extended_in + 1_000,
        }],
        &config.rent_fee_configuration,
        extended_in,
    );
    assert!(rent > 0);
    assert_eq!(soroban_fees(&meta).2, rent);
    assert_eq!(
        fee_charged(&got),
        100 + non_refundable(&config, &envelope) + rent
    );

    // Extending to less than it already lives changes nothing and costs no rent.
    let (got, envelope) = extend(10);
    assert_eq!(got["status"], "SUCCESS", "{got}");
    assert_eq!(live_until(&net, &other_key).0, extended_in + 1_000);
    let meta = v4(&got);
    assert!(meta.operations[0].changes.0.is_empty());
    assert_eq!(soroban_fees(&meta).2, 0);
    assert_eq!(fee_charged(&got), 100 + non_refundable(&config, &envelope));
}

/// Closes ledgers until every `(key, ledger written in)` contract entry is archived (its TTL
/// of `ttl` ledgers past), checking `getLedgerEntries` reports it live until then and 0 after.
fn close_until_archived(net: &Net, entries: &[(LedgerKey, u32)], ttl: u32) {
    loop {
        let mut archived = true;
        for (key, written) in entries {
            let (until, latest) = live_until(net, key);
            let last = written + ttl - 1;
            assert_eq!(until, if latest <= last { last } else { 0 }, "at {latest}");
            archived &= latest > last;
        }
        if archived {
            return;
        }
        net.close();
    }
}

#[test]
fn restore_footprint_pays_a_disk_read_per_entry() {
    let net = Net::quick_with(Config {
        min_persistent_ttl: 10,
        ledger_seconds: 1,
        ..Config::default()
    });
    let alice = key(1);
    net.fund(&alice);
    let config = network_config(&net);
    let (hash, written) = upload(&net, &alice, &wasm("plain_token"));
    let key = code_key(&hash);
    close_until_archived(&net, &[(key.clone(), written)], 10);
    let tx = with_data(
        net.tx(
            &alice,
            100,
            OperationBody::RestoreFootprint(RestoreFootprintOp {
                ext: ExtensionPoint::V0,
            }),
        ),
        footprint_data(vec![], vec![key.clone()]),
    );
    let sim = net.simulate(&tx);
    let mut data: SorobanTransactionData =
        from_base64(sim["transactionData"].as_str().unwrap()).unwrap();
    // Room for either rule; what is not used is refunded.
    data.resource_fee += 100_000;
    let mut tx = with_data(tx, data.clone());
    tx.fee = 100 + data.resource_fee as u32;
    let envelope = sign(tx, &alice, net.network_id());
    let (status, got) = net.send(&envelope);
    assert_eq!(status, "SUCCESS", "{got}");
    let mut resources = declared(&data, encode(&envelope).len() as u32);
    resources.disk_read_entries = data.resources.footprint.read_write.len() as u32;
    let (core_non_refundable, _) =
        fees::compute_transaction_resource_fee(&resources, &config.fee_configuration);
    let meta = v4(&got);
    assert_eq!(soroban_fees(&meta).0, core_non_refundable);
    assert_eq!(
        fee_charged(&got),
        100 + core_non_refundable + soroban_fees(&meta).2
    );
}

#[test]
fn a_ttl_extension_lists_only_the_ttl_entry() {
    let net = Net::quick();
    let alice = key(1);
    net.fund(&alice);
    let (hash, _) = upload(&net, &alice, &wasm("plain_token"));
    let key = code_key(&hash);
    let (got, _) = simulate_and_send(
        &net,
        &alice,
        OperationBody::ExtendFootprintTtl(ExtendFootprintTtlOp {
            ext: ExtensionPoint::V0,
            extend_to: 500_000,
        }),
        footprint_data(vec![key.clone()], vec![]),
    );
    assert_eq!(got["status"], "SUCCESS", "{got}");
    let meta = v4(&got);
    let changes = &meta.operations[0].changes.0;
    let keys: Vec<LedgerKey> = changes
        .iter()
        .map(|c| match c {
            LedgerEntryChange::State(e) | LedgerEntryChange::Updated(e) => e.to_key(),
            other => panic!("{other:?}"),
        })
        .collect();
    let ttl = ttl_key(&key);
    assert_eq!(keys, vec![ttl.clone(), ttl], "{changes:?}");
}

// ---------------------------------------------------------------------------- 7. classic ops

#[test]
fn classic_operations_give_stellar_cores_result_codes() {
    let net = Net::quick();
    let (alice, bob, issuer, carol, nobody) = (key(1), key(2), key(7), key(3), key(9));
    net.fund(&alice);
    net.fund(&bob);
    net.fund(&issuer);
    use CreateAccountResult as CA;
    use PaymentResult as P;

    // CreateAccount.
    let before = balance(&net, &alice);
    let got = run_ok(&net, &alice, create_account(&carol, 2 * RESERVE));
    assert_eq!(
        code(&got),
        succeeded(vec![op(OperationResultTr::CreateAccount(CA::Success))])
    );
    assert_eq!(
        balance(&net, &carol),
        2 * RESERVE,
        "exactly 2 × the base reserve"
    );
    assert_eq!(seq(&net, &carol), (ledger_of(&got) as i64) << 32);
    assert_eq!(balance(&net, &alice), before - 2 * RESERVE - 100);
    assert_eq!(
        code(&run(&net, &alice, create_account(&bob, 5 * XLM))),
        create_failed(CA::AlreadyExist)
    );
    assert_eq!(
        code(&run(&net, &alice, create_account(&nobody, 2 * RESERVE - 1))),
        create_failed(CA::LowReserve)
    );
    let available = balance(&net, &alice) - 2 * RESERVE - 100;
    assert_eq!(
        code(&run(&net, &alice, create_account(&nobody, available + 1))),
        create_failed(CA::Underfunded)
    );
    assert_eq!(
        code(&run(&net, &alice, create_account(&alice, 5 * XLM))),
        create_failed(CA::Malformed),
        "creating the source itself"
    );
    assert_eq!(
        code(&run(&net, &alice, create_account(&nobody, -1))),
        create_failed(CA::Malformed)
    );
    assert!(!exists(&net, &nobody));
    // An account at its reserve cannot pay a fee.
    assert_eq!(
        refused(&net, &signed(&net, &carol, 100, lumens(&alice, 1))),
        TransactionResultResult::TxInsufficientBalance
    );

    // Native payments.
    let (a, b) = (balance(&net, &alice), balance(&net, &bob));
    let got = run_ok(&net, &alice, lumens(&bob, 5 * XLM));
    assert_eq!(
        code(&got),
        succeeded(vec![op(OperationResultTr::Payment(P::Success))])
    );
    assert_eq!(balance(&net, &alice), a - 5 * XLM - 100);
    assert_eq!(balance(&net, &bob), b + 5 * XLM);
    let available = balance(&net, &alice) - 2 * RESERVE - 100;
    assert_eq!(
        code(&run(&net, &alice, lumens(&bob, available + 1))),
        pay_failed(P::Underfunded)
    );
    // That failure paid its fee too.
    run_ok(&net, &alice, lumens(&bob, available - 100));
    assert_eq!(balance(&net, &alice), 2 * RESERVE, "down to the reserve");
    run_ok(&net, &bob, lumens(&alice, 1_000 * XLM));
    assert_eq!(
        code(&run(&net, &alice, lumens(&nobody, XLM))),
        pay_failed(P::NoDestination)
    );
    assert_eq!(
        code(&run(&net, &alice, lumens(&bob, 0))),
        pay_failed(P::Malformed)
    );
    assert_eq!(
        code(&run(&net, &alice, lumens(&bob, -5))),
        pay_failed(P::Malformed)
    );

    // All or nothing: the second operation fails, the first is undone, both fees are paid.
    let (a, b) = (balance(&net, &alice), balance(&net, &bob));
    let mut tx = net.tx(&alice, 200, lumens(&bob, XLM));
    tx.operations = vec![
        Operation {
            source_account: None,
            body: lumens(&bob, XLM),
        },
        Operation {
            source_account: None,
            body: lumens(&nobody, XLM),
        },
    ]
    .try_into()
    .unwrap();
    let (status, got) = net.send(&sign(tx, &alice, net.network_id()));
    assert_eq!(status, "FAILED");
    assert_eq!(
        code(&got),
        failed(vec![
            op(OperationResultTr::Payment(P::Success)),
            op(OperationResultTr::Payment(P::NoDestination)),
        ])
    );
    assert_eq!(fee_charged(&got), 200);
    assert_eq!(balance(&net, &alice), a - 200);
    assert_eq!(balance(&net, &bob), b);
    assert!(v4(&got).operations.iter().all(|o| o.changes.0.is_empty()));

    // A credit asset.
    let usd = alphanum4("USD", &issuer);
    let asset = Asset::CreditAlphanum4(usd.clone());
    let line = ChangeTrustAsset::CreditAlphanum4(usd.clone());
    use ChangeTrustResult as CT;
    assert_eq!(
        code(&run(&net, &issuer, payment(&bob, asset.clone(), 100))),
        pay_failed(P::NoTrust)
    );
    let got = run_ok(&net, &bob, change_trust(line.clone(), 1_000));
    assert_eq!(
        code(&got),
        succeeded(vec![op(OperationResultTr::ChangeTrust(CT::Success))])
    );
    let held = trustline(&net, &bob, &usd).expect("the trustline");
    assert_eq!((held.balance, held.limit, held.flags), (0, 1_000, 1));
    assert_eq!(account(&net, &bob).num_sub_entries, 1);
    // The issuer mints by paying.
    run_ok(&net, &issuer, payment(&bob, asset.clone(), 600));
    assert_eq!(trustline(&net, &bob, &usd).unwrap().balance, 600);
    assert_eq!(
        code(&run(&net, &issuer, payment(&bob, asset.clone(), 401))),
        pay_failed(P::LineFull)
    );
    assert_eq!(
        code(&run(&net, &alice, payment(&bob, asset.clone(), 10))),
        pay_failed(P::SrcNoTrust)
    );
    run_ok(&net, &issuer, payment(&bob, asset.clone(), 400));
    assert_eq!(
        trustline(&net, &bob, &usd).unwrap().balance,
        1_000,
        "up to the limit"
    );
    assert_eq!(
        code(&run(&net, &alice, payment(&bob, asset.clone(), 10))),
        pay_failed(P::LineFull),
        "the destination is checked before the source"
    );
    run_ok(&net, &alice, change_trust(line.clone(), 10_000));
    run_ok(&net, &bob, payment(&alice, asset.clone(), 300));
    assert_eq!(trustline(&net, &bob, &usd).unwrap().balance, 700);
    assert_eq!(trustline(&net, &alice, &usd).unwrap().balance, 300);
    assert_eq!(
        code(&run(&net, &bob, payment(&alice, asset.clone(), 701))),
        pay_failed(P::Underfunded)
    );
    // Paying the issuer burns.
    run_ok(&net, &bob, payment(&issuer, asset.clone(), 200));
    assert_eq!(trustline(&net, &bob, &usd).unwrap().balance, 500);

    // ChangeTrust.
    assert_eq!(
        code(&run(
            &net,
            &alice,
            change_trust(ChangeTrustAsset::Native, 1_000)
        )),
        trust_failed(CT::Malformed),
        "native"
    );
    assert_eq!(
        code(&run(&net, &issuer, change_trust(line.clone(), 1_000))),
        trust_failed(CT::Malformed),
        "the issuer's own asset"
    );
    assert_eq!(
        code(&run(&net, &alice, change_trust(line.clone(), -1))),
        trust_failed(CT::Malformed)
    );
    let orphan = ChangeTrustAsset::CreditAlphanum4(alphanum4("EUR", &nobody));
    assert_eq!(
        code(&run(&net, &alice, change_trust(orphan, 1_000))),
        trust_failed(CT::NoIssuer)
    );
    assert_eq!(
        code(&run(&net, &bob, change_trust(line.clone(), 0))),
        trust_failed(CT::InvalidLimit),
        "deleting a line that holds a balance"
    );
    assert_eq!(
        code(&run(&net, &bob, change_trust(line.clone(), 499))),
        trust_failed(CT::InvalidLimit),
        "a limit below the balance"
    );
    run_ok(&net, &bob, change_trust(line.clone(), 500));
    assert_eq!(trustline(&net, &bob, &usd).unwrap().limit, 500);
    // Emptied, a line can be deleted.
    run_ok(&net, &alice, payment(&issuer, asset.clone(), 300));
    run_ok(&net, &alice, change_trust(line.clone(), 0));
    assert!(trustline(&net, &alice, &usd).is_none());
    assert_eq!(account(&net, &alice).num_sub_entries, 0);

    // Operations the node does not implement.
    let before = balance(&net, &alice);
    let seq_before = seq(&net, &alice);
    let got = run(
        &net,
        &alice,
        OperationBody::ManageData(ManageDataOp {
            data_name: "name".as_bytes().to_vec().try_into().unwrap(),
            data_value: Some(b"value".to_vec().try_into().unwrap()),
        }),
    );
    assert_eq!(code(&got), failed(vec![OperationResult::OpNotSupported]));
    let got = run(
        &net,
        &alice,
        OperationBody::BumpSequence(BumpSequenceOp {
            bump_to: SequenceNumber(seq_before + 100),
        }),
    );
    assert_eq!(code(&got), failed(vec![OperationResult::OpNotSupported]));
    assert!(seq(&net, &alice) < seq_before + 100, "not bumped");
    assert!(balance(&net, &alice) >= before - 200);
}

#[test]
fn malformed_operations_are_refused_at_submission() {
    let net = Net::quick();
    let (alice, bob) = (key(1), key(2));
    net.fund(&alice);
    net.fund(&bob);
    let (hash, _) = upload(&net, &alice, &wasm("plain_token"));
    let start = (seq(&net, &alice), balance(&net, &alice));
    let check = |body: OperationBody, expected: TransactionResultResult| {
        assert_eq!(refused(&net, &signed(&net, &alice, 100, body)), expected);
    };
    check(
        create_account(&alice, 5 * XLM),
        create_failed(CreateAccountResult::Malformed),
    );
    check(
        create_account(&key(9), -1),
        create_failed(CreateAccountResult::Malformed),
    );
    check(lumens(&bob, 0), pay_failed(PaymentResult::Malformed));
    check(
        change_trust(ChangeTrustAsset::Native, 5),
        trust_failed(ChangeTrustResult::Malformed),
    );
    let max_ttl = network_config(&net).max_entry_ttl;
    let mut tx = net.tx(
        &alice,
        100,
        OperationBody::ExtendFootprintTtl(ExtendFootprintTtlOp {
            ext: ExtensionPoint::V0,
            extend_to: max_ttl,
        }),
    );
    let mut data = footprint_data(vec![code_key(&hash)], vec![]);
    data.resource_fee = 1_000_000;
    tx = with_data(tx, data);
    tx.fee = 1_000_100;
    assert_eq!(
        refused(&net, &sign(tx, &alice, net.network_id())),
        failed(vec![op(OperationResultTr::ExtendFootprintTtl(
            ExtendFootprintTtlResult::Malformed
        ))])
    );
    assert_eq!((seq(&net, &alice), balance(&net, &alice)), start);
}

#[test]
fn the_first_operation_that_fails_its_check_fails_the_transaction() {
    let net = Net::quick();
    let (alice, bob, ghost) = (key(1), key(2), key(9));
    net.fund(&alice);
    net.fund(&bob);
    let nid = net.network_id();
    let start = (seq(&net, &alice), balance(&net, &alice));
    let with_ops = |ops: Vec<Operation>, fee: u32| {
        let mut tx = net.tx(&alice, fee, lumens(&bob, 1));
        tx.operations = ops.try_into().unwrap();
        tx
    };
    let pay = |amount: i64| Operation {
        source_account: None,
        body: lumens(&bob, amount),
    };
    // The second of two payments is malformed: the first keeps its untouched result.
    let tx = with_ops(vec![pay(1), pay(0)], 200);
    assert_eq!(
        refused(&net, &sign(tx, &alice, nid)),
        failed(vec![
            op(OperationResultTr::Payment(PaymentResult::Success)),
            op(OperationResultTr::Payment(PaymentResult::Malformed)),
        ])
    );
    // An operation whose source does not exist must be signed by that source's own key.
    let ghostly = Operation {
        source_account: Some(muxed(&ghost)),
        body: lumens(&bob, 1),
    };
    let tx = with_ops(vec![pay(1), ghostly], 200);
    assert_eq!(
        refused(&net, &sign(tx.clone(), &alice, nid)),
        failed(vec![
            op(OperationResultTr::Payment(PaymentResult::Success)),
            OperationResult::OpBadAuth,
        ])
    );
    assert_eq!(
        (seq(&net, &alice), balance(&net, &alice)),
        start,
        "refused: nothing charged"
    );
    // Signed by it, the transaction is accepted and fails when applied: no such account.
    let (status, got) = net.send(&sign_all(tx, &[&alice, &ghost], nid));
    assert_eq!(status, "FAILED", "{got}");
    assert_eq!(
        code(&got),
        failed(vec![
            op(OperationResultTr::Payment(PaymentResult::Success)),
            OperationResult::OpNoAccount,
        ])
    );
}

#[test]
fn create_account_with_zero_balance_is_low_reserve() {
    let net = Net::quick();
    let alice = key(1);
    net.fund(&alice);
    let got = run(&net, &alice, create_account(&key(9), 0));
    assert_eq!(code(&got), create_failed(CreateAccountResult::LowReserve));
}

/// An operation's or a transaction's events, as (contract, topics, data).
fn unified(events: &[&ContractEvent]) -> Vec<(ScAddress, Vec<ScVal>, ScVal)> {
    events
        .iter()
        .map(|e| {
            let ContractEventBody::V0(body) = &e.body;
            (
                ScAddress::Contract(e.contract_id.clone().expect("an asset contract")),
                body.topics.to_vec(),
                body.data.clone(),
            )
        })
        .collect()
}

fn op_events(got: &Value) -> Vec<(ScAddress, Vec<ScVal>, ScVal)> {
    let meta = v4(got);
    unified(
        &meta
            .operations
            .iter()
            .flat_map(|o| o.events.iter())
            .collect::<Vec<_>>(),
    )
}

fn str_val(s: &str) -> ScVal {
    ScVal::String(ScString(s.as_bytes().to_vec().try_into().unwrap()))
}

#[test]
fn fees_and_classic_payments_emit_cap_67_events() {
    let net = Net::quick();
    let (alice, bob, issuer, carol) = (key(1), key(2), key(7), key(3));
    net.fund(&alice);
    net.fund(&bob);
    net.fund(&issuer);
    let nid = net.network_id();
    let native = native_asset(&net);
    let amount = |v: i64| i128_val(v as i128);

    // A payment: the fee charged before the ledger's transactions, the transfer in the
    // operation's events.
    let got = run_ok(&net, &alice, lumens(&bob, 3 * XLM));
    let meta = v4(&got);
    assert_eq!(meta.events.len(), 1, "no refund for a classic transaction");
    assert_eq!(meta.events[0].stage, TransactionEventStage::BeforeAllTxs);
    assert_eq!(
        unified(&[&meta.events[0].event]),
        vec![(
            native.clone(),
            vec![symbol("fee"), address(&alice)],
            amount(100)
        )]
    );
    let transfer = |from: &SigningKey, to: &SigningKey, asset: &str| {
        vec![
            symbol("transfer"),
            address(from),
            address(to),
            str_val(asset),
        ]
    };
    assert_eq!(
        op_events(&got),
        vec![(
            native.clone(),
            transfer(&alice, &bob, "native"),
            amount(3 * XLM)
        )]
    );
    // A new account's starting balance is a transfer too.
    let got = run_ok(&net, &alice, create_account(&carol, 2 * RESERVE));
    assert_eq!(
        op_events(&got),
        vec![(
            native.clone(),
            transfer(&alice, &carol, "native"),
            amount(2 * RESERVE)
        )]
    );

    // A credit asset: minted from the issuer, burned back to it, moved between holders.
    let usdc = alphanum4("USDC", &issuer);
    let name = format!("USDC:{}", id(&issuer));
    let usdc_contract = ScAddress::Contract(hashshare_node::events::asset_contract(
        nid,
        &Asset::CreditAlphanum4(usdc.clone()),
    ));
    for holder in [&alice, &bob] {
        run_ok(
            &net,
            holder,
            change_trust(ChangeTrustAsset::CreditAlphanum4(usdc.clone()), 1_000 * XLM),
        );
    }
    let pay_usdc = |to: &SigningKey, v: i64| payment(to, Asset::CreditAlphanum4(usdc.clone()), v);
    let got = run_ok(&net, &issuer, pay_usdc(&alice, 50));
    assert_eq!(
        op_events(&got),
        vec![(
            usdc_contract.clone(),
            vec![symbol("mint"), address(&alice), str_val(&name)],
            amount(50)
        )]
    );
    let got = run_ok(&net, &alice, pay_usdc(&issuer, 5));
    assert_eq!(
        op_events(&got),
        vec![(
            usdc_contract.clone(),
            vec![symbol("burn"), address(&alice), str_val(&name)],
            amount(5)
        )]
    );
    let got = run_ok(&net, &alice, pay_usdc(&bob, 7));
    assert_eq!(
        op_events(&got),
        vec![(
            usdc_contract.clone(),
            transfer(&alice, &bob, &name),
            amount(7)
        )]
    );

    // The destination's multiplexing id: a muxed account's own, or else the memo.
    let with_muxed_id = |v: i64, muxed_id: ScVal| {
        ScVal::Map(Some(ScMap(
            vec![
                ScMapEntry {
                    key: symbol("amount"),
                    val: amount(v),
                },
                ScMapEntry {
                    key: symbol("to_muxed_id"),
                    val: muxed_id,
                },
            ]
            .try_into()
            .unwrap(),
        )))
    };
    let to_muxed = OperationBody::Payment(PaymentOp {
        destination: MuxedAccount::MuxedEd25519(MuxedAccountMed25519 {
            id: 42,
            ed25519: Uint256(bob.verifying_key().to_bytes()),
        }),
        asset: Asset::Native,
        amount: 9,
    });
    let got = run_ok(&net, &alice, to_muxed);
    assert_eq!(
        op_events(&got),
        vec![(
            native.clone(),
            transfer(&alice, &bob, "native"),
            with_muxed_id(9, ScVal::U64(42))
        )]
    );
    let mut memo = net.tx(&alice, 100, lumens(&bob, 11));
    memo.memo = Memo::Id(7);
    let (status, got) = net.send(&sign(memo, &alice, nid));
    assert_eq!(status, "SUCCESS", "{got}");
    assert_eq!(
        op_events(&got),
        vec![(
            native.clone(),
            transfer(&alice, &bob, "native"),
            with_muxed_id(11, ScVal::U64(7))
        )]
    );

    // A failed transaction still pays its fee, and moves nothing.
    let got = run(&net, &alice, lumens(&key(9), XLM));
    assert_eq!(code(&got), pay_failed(PaymentResult::NoDestination));
    assert_eq!(v4(&got).events.len(), 1);
    assert!(op_events(&got).is_empty());

    // A Soroban call: charged up front, the unused refundable fee refunded after every
    // transaction; the two add up to the fee charged.
    let (hash, _) = upload(&net, &alice, &wasm("plain_token"));
    let token = deploy_token(&net, &alice, &hash, 1);
    let got = invoke_ok(
        &net,
        &alice,
        call(&token, "mint", vec![address(&bob), i128_val(5)]),
    );
    let meta = v4(&got);
    let stages: Vec<TransactionEventStage> = meta.events.iter().map(|e| e.stage).collect();
    assert_eq!(
        stages,
        vec![
            TransactionEventStage::BeforeAllTxs,
            TransactionEventStage::AfterAllTxs
        ]
    );
    let fees: Vec<i128> = unified(&meta.events.iter().map(|e| &e.event).collect::<Vec<_>>())
        .into_iter()
        .map(|(contract, topics, data)| {
            assert_eq!(
                (contract, topics),
                (native.clone(), vec![symbol("fee"), address(&alice)])
            );
            let ScVal::I128(v) = data else {
                panic!("an amount")
            };
            (v.hi as i128) << 64 | v.lo as i128
        })
        .collect();
    assert!(fees[0] > 0 && fees[1] < 0, "{fees:?}");
    assert_eq!(fees[0] + fees[1], fee_charged(&got) as i128);

    // getEvents serves them: the ledger's charges first, its refunds last.
    let ledger = ledger_of(&got);
    let page = net.ok(
        "getEvents",
        json!({
            "startLedger": ledger,
            "endLedger": ledger + 1,
            "filters": [{ "contractIds": [contract_strkey(&native)], "topics": [[to_base64(&symbol("fee")), "*"]] }],
        }),
    );
    let listed = page["events"].as_array().unwrap();
    assert_eq!(listed.len(), 2, "{page}");
    let ids: Vec<&str> = listed.iter().map(|e| e["id"].as_str().unwrap()).collect();
    assert!(ids[0] < ids[1]);
    assert!(
        listed.iter().all(|e| e["txHash"] == got["txHash"]),
        "{page}"
    );
}

// ---------------------------------------------------------------------------- 8. getEvents

#[test]
fn get_events_filters_by_type_contract_and_topics_and_pages_by_cursor() {
    let net = Net::quick();
    let (alice, bob, carol) = (key(1), key(2), key(3));
    net.fund(&alice);
    net.fund(&bob);
    let (hash, _) = upload(&net, &alice, &wasm("plain_token"));
    let a = deploy_token(&net, &alice, &hash, 1);
    let b = deploy_token(&net, &alice, &hash, 2);
    let start = net.node.chain().state.seq() + 1;
    let sent = [
        invoke_ok(
            &net,
            &alice,
            call(&a, "mint", vec![address(&bob), i128_val(100)]),
        ),
        invoke_ok(
            &net,
            &alice,
            call(&a, "mint", vec![address(&carol), i128_val(200)]),
        ),
        invoke_ok(
            &net,
            &alice,
            call(&b, "mint", vec![address(&bob), i128_val(300)]),
        ),
        invoke_ok(
            &net,
            &bob,
            call(
                &a,
                "transfer",
                vec![address(&bob), address(&carol), i128_val(50)],
            ),
        ),
    ];
    let expected: Vec<(String, Vec<ScVal>, ScVal)> = vec![
        (
            contract_strkey(&a),
            vec![symbol("mint"), address(&bob)],
            i128_val(100),
        ),
        (
            contract_strkey(&a),
            vec![symbol("mint"), address(&carol)],
            i128_val(200),
        ),
        (
            contract_strkey(&b),
            vec![symbol("mint"), address(&bob)],
            i128_val(300),
        ),
        (
            contract_strkey(&a),
            vec![symbol("transfer"), address(&bob), address(&carol)],
            i128_val(50),
        ),
    ];
    let both = json!([contract_strkey(&a), contract_strkey(&b)]);
    let events = |filters: Value, pagination: Value| -> Value {
        net.ok(
            "getEvents",
            json!({ "startLedger": start, "filters": filters, "pagination": pagination }),
        )
    };
    let indexes = |got: &Value| -> Vec<usize> {
        got["events"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                sent.iter()
                    .position(|s| s["txHash"] == e["txHash"])
                    .expect("an event of a sent transaction")
            })
            .collect()
    };

    // Everything of the two contracts, in order, as stellar-rpc reports it.
    let all = events(json!([{ "contractIds": both }]), json!({}));
    assert_eq!(indexes(&all), vec![0, 1, 2, 3]);
    for (i, event) in all["events"].as_array().unwrap().iter().enumerate() {
        let (contract, topics, value) = &expected[i];
        let tx = &sent[i];
        assert_eq!(event["type"], "contract");
        assert_eq!(event["contractId"], json!(contract));
        assert_eq!(
            event["topic"],
            json!(topics.iter().map(to_base64).collect::<Vec<_>>())
        );
        assert_eq!(event["value"], json!(to_base64(value)));
        assert_eq!(event["ledger"], tx["ledger"]);
        assert_eq!(event["transactionIndex"], tx["applicationOrder"]);
        assert_eq!(event["operationIndex"], 0);
        assert_eq!(event["inSuccessfulContractCall"], true);
        let id = event["id"].as_str().unwrap();
        let toid = (ledger_of(tx) as u64) << 32 | (tx["applicationOrder"].as_u64().unwrap()) << 12;
        assert_eq!(id, format!("{toid:019}-{:010}", 0));
    }

    // By type and contract.
    assert_eq!(
        indexes(&events(
            json!([{ "type": "system", "contractIds": both }]),
            json!({})
        )),
        Vec::<usize>::new()
    );
    assert_eq!(
        indexes(&events(
            json!([{ "type": "contract", "contractIds": [contract_strkey(&a)] }]),
            json!({})
        )),
        vec![0, 1, 3]
    );
    assert_eq!(
        indexes(&events(
            json!([{ "contractIds": [contract_strkey(&b)] }]),
            json!({})
        )),
        vec![2]
    );

    // By topics: values, "*" (exactly one) and "**" (any rest, last only); filters OR.
    let t = |v: &ScVal| json!(to_base64(v));
    let by_topics = |topics: Value| {
        indexes(&events(
            json!([{ "contractIds": both, "topics": topics }]),
            json!({}),
        ))
    };
    assert_eq!(by_topics(json!([[t(&symbol("mint")), "*"]])), vec![0, 1, 2]);
    assert_eq!(
        by_topics(json!([[t(&symbol("mint")), t(&address(&bob))]])),
        vec![0, 2]
    );
    assert_eq!(
        by_topics(json!([[t(&symbol("mint"))]])),
        Vec::<usize>::new(),
        "length counts"
    );
    assert_eq!(by_topics(json!([["*"]])), Vec::<usize>::new());
    assert_eq!(by_topics(json!([["*", "*"]])), vec![0, 1, 2]);
    assert_eq!(by_topics(json!([["**"]])), vec![0, 1, 2, 3]);
    assert_eq!(by_topics(json!([[t(&symbol("transfer")), "**"]])), vec![3]);
    assert_eq!(by_topics(json!([["*", "*", t(&address(&carol))]])), vec![3]);
    assert_eq!(by_topics(json!([["*", "**"]])), vec![0, 1, 2, 3]);
    assert_eq!(
        by_topics(json!([
            [t(&symbol("transfer")), "**"],
            [t(&symbol("mint")), t(&address(&carol))]
        ])),
        vec![1, 3]
    );
    assert_eq!(
        indexes(&net.ok(
            "getEvents",
            json!({
                "startLedger": start,
                "filters": [
                    { "contractIds": [contract_strkey(&b)] },
                    { "contractIds": [contract_strkey(&a)], "topics": [[t(&symbol("transfer")), "**"]] }
                ]
            })
        )),
        vec![2, 3]
    );

    // Pages: a full page's cursor is its last event's id, and the next page continues right
    // after it.
    let filters = json!([{ "contractIds": both }]);
    let first = events(filters.clone(), json!({ "limit": 2 }));
    assert_eq!(indexes(&first), vec![0, 1]);
    assert_eq!(first["cursor"], first["events"][1]["id"]);
    let page = |cursor: &Value, limit: u32| {
        net.ok(
            "getEvents",
            json!({ "filters": filters, "pagination": { "cursor": cursor, "limit": limit } }),
        )
    };
    let second = page(&first["cursor"], 2);
    assert_eq!(indexes(&second), vec![2, 3]);
    assert_eq!(second["events"][0]["id"], all["events"][2]["id"]);
    assert_eq!(second["cursor"], second["events"][1]["id"]);
    let third = page(&second["cursor"], 2);
    assert_eq!(indexes(&third), Vec::<usize>::new());
    // One at a time: each page holds the next event, none skipped or repeated.
    let mut cursor = json!(null);
    let mut seen = Vec::new();
    for _ in 0..4 {
        let got = if cursor.is_null() {
            events(filters.clone(), json!({ "limit": 1 }))
        } else {
            page(&cursor, 1)
        };
        seen.extend(indexes(&got));
        cursor = got["cursor"].clone();
    }
    assert_eq!(seen, vec![0, 1, 2, 3]);
    // endLedger is exclusive.
    let until_second = net.ok(
        "getEvents",
        json!({ "startLedger": start, "endLedger": ledger_of(&sent[1]), "filters": filters }),
    );
    assert_eq!(indexes(&until_second), vec![0]);

    // Out of range, and contradictory requests.
    let latest = net.node.chain().state.seq();
    for start in [0, latest + 10] {
        let err = net
            .call("getEvents", json!({ "startLedger": start, "filters": [] }))
            .unwrap_err();
        assert_eq!(err.code, -32600, "startLedger {start}: {err:?}");
    }
    let err = net
        .call(
            "getEvents",
            json!({ "startLedger": start, "pagination": { "cursor": first["cursor"] } }),
        )
        .unwrap_err();
    assert_eq!(err.code, -32602, "{err:?}");
}

// ---------------------------------------------------------------------------- 9. ledgers

/// A node whose ledgers close only when the test closes them.
fn manual(ledger_limits: bool) -> Net {
    Net {
        node: hashshare_node::node::Node::open(Config {
            ledger_seconds: 1,
            ledger_limits,
            ..Config::default()
        })
        .unwrap(),
        close_on_send: true,
    }
}

/// An ExtendFootprintTtl declaring `instructions` (it uses none), from `source`.
fn heavy(net: &Net, source: &SigningKey, instructions: u32) -> TransactionEnvelope {
    let mut data = footprint_data(vec![], vec![]);
    data.resources.instructions = instructions;
    data.resource_fee = XLM;
    let mut tx = net.tx(
        source,
        100 + XLM as u32,
        OperationBody::ExtendFootprintTtl(ExtendFootprintTtlOp {
            ext: ExtensionPoint::V0,
            extend_to: 100,
        }),
    );
    tx = with_data(tx, data);
    sign(tx, source, net.network_id())
}

#[test]
fn a_ledger_takes_what_fits_in_the_network_limits_and_the_rest_waits() {
    // testnet's ledger_max_instructions is 500M: five of six 100M transactions fit.
    for (limits, first_ledger) in [(true, 5), (false, 6)] {
        let net = manual(limits);
        let keys: Vec<SigningKey> = (20..26).map(key).collect();
        for k in &keys {
            net.fund_now(k);
        }
        let hashes: Vec<Value> = keys
            .iter()
            .map(|k| {
                let sent = net.ok(
                    "sendTransaction",
                    json!({ "transaction": to_base64(&heavy(&net, k, 100_000_000)) }),
                );
                assert_eq!(sent["status"], "PENDING", "{sent}");
                sent["hash"].clone()
            })
            .collect();
        let ledgers = || -> Vec<Value> {
            hashes
                .iter()
                .map(|h| net.ok("getTransaction", json!({ "hash": h }))["ledger"].clone())
                .collect()
        };
        let first = net.close();
        let in_first = ledgers().iter().filter(|l| **l == json!(first)).count();
        assert_eq!(in_first, first_ledger, "ledger limits {limits}");
        let second = net.close();
        let all = ledgers();
        assert!(
            all.iter()
                .all(|l| *l == json!(first) || *l == json!(second)),
            "the one left over goes in the next ledger: {all:?}"
        );
    }
}

#[test]
fn the_queue_refuses_fees_their_payer_cannot_afford_in_all() {
    let net = manual(true);
    let (alice, bob, payer) = (key(1), key(2), key(8));
    net.fund_now(&alice);
    net.fund_now(&bob);
    // 1,500 stroops above the reserve: one fee bump of 1,000, not two.
    run_ok(&net, &alice, create_account(&payer, 2 * RESERVE + 1_500));
    let nid = net.network_id();
    let bumped = |source: &SigningKey| {
        fee_bump(
            signed(&net, source, 100, lumens(&key(3), XLM)),
            &payer,
            1_000,
            &[&payer],
            nid,
        )
    };
    let send =
        |e: &TransactionEnvelope| net.ok("sendTransaction", json!({ "transaction": to_base64(e) }));
    assert_eq!(send(&bumped(&alice))["status"], "PENDING");
    let second = send(&bumped(&bob));
    assert_eq!(second["status"], "ERROR", "{second}");
    assert_eq!(
        code(&second),
        TransactionResultResult::TxInsufficientBalance
    );
}
