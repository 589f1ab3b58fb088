//! An attacker's review of the node's transaction processing: each test is named after an
//! attack, with what stellar-core (and stellar-rpc) do instead.
//!
//! Tests marked `Finding:` failed on the node the review read (each paragraph says what it
//! did) and pass since the fix; those marked `Passes:` are attacks it resisted then.
//!
//! A panic here matters more than it looks: the workspace's release profile has
//! `overflow-checks = true` and `panic = "abort"`, so in the `hashshare` binary every panic an
//! RPC request reaches aborts the whole node (in a debug build the request just fails).
mod support;

use std::panic::{catch_unwind, AssertUnwindSafe};

use ed25519_dalek::SigningKey;
use hashshare_node::{
    apply::declared_resources,
    network::Network,
    node::sign,
    rpc::RpcError,
    xdr::{encode, to_base64},
};
use serde_json::{json, Value};
use soroban_env_host::{
    fees,
    xdr::{
        AlphaNum4, Asset, AssetCode4, ChangeTrustAsset, ChangeTrustOp, Duration,
        ExtendFootprintTtlOp, ExtensionPoint, InnerTransactionResultResult, LedgerFootprint,
        LedgerKey, LedgerKeyConfigSetting, MuxedAccount, MuxedAccountMed25519, Operation,
        OperationBody, OperationResult, OperationResultTr, PaymentOp, PaymentResult, Preconditions,
        PreconditionsV2, ScVal, ScVec, SignerKey, SorobanResources, SorobanTransactionData,
        SorobanTransactionDataExt, TransactionEnvelope, TransactionExt, TransactionResultResult,
        Uint256,
    },
};
use support::*;

const XLM: i64 = 10_000_000;

// ---------------------------------------------------------------------------- helpers

fn muxed(key: &SigningKey) -> MuxedAccount {
    MuxedAccount::Ed25519(Uint256(key.verifying_key().to_bytes()))
}

fn lumens(to: &SigningKey, amount: i64) -> OperationBody {
    OperationBody::Payment(PaymentOp {
        destination: muxed(to),
        asset: Asset::Native,
        amount,
    })
}

fn code(got: &Value) -> TransactionResultResult {
    result_of(got).result
}

fn balance(net: &Net, key: &SigningKey) -> i64 {
    net.node
        .chain()
        .state
        .account(&id(key))
        .expect("the account exists")
        .balance
}

/// Calls an RPC method as a request thread would, turning a panic into an `Err` string.
fn call_catching(
    net: &Net,
    method: &str,
    params: Value,
) -> Result<Result<Value, RpcError>, String> {
    catch_unwind(AssertUnwindSafe(|| net.call(method, params))).map_err(|p| {
        p.downcast_ref::<String>()
            .cloned()
            .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_else(|| "a panic".into())
    })
}

/// Soroban data with the given footprint, resources and resource fee.
fn data(read_only: Vec<LedgerKey>, instructions: u32, resource_fee: i64) -> SorobanTransactionData {
    SorobanTransactionData {
        ext: SorobanTransactionDataExt::V0,
        resources: SorobanResources {
            footprint: LedgerFootprint {
                read_only: read_only.try_into().unwrap(),
                read_write: Default::default(),
            },
            instructions,
            disk_read_bytes: 0,
            write_bytes: 0,
        },
        resource_fee,
    }
}

fn extend(extend_to: u32) -> OperationBody {
    OperationBody::ExtendFootprintTtl(ExtendFootprintTtlOp {
        ext: ExtensionPoint::V0,
        extend_to,
    })
}

/// The non-refundable fee stellar-core charges for `envelope`'s declared resources.
fn non_refundable(net: &Net, envelope: &TransactionEnvelope) -> i64 {
    let chain = net.node.chain();
    let network = Network::load(&chain.state);
    let TransactionEnvelope::Tx(e) = envelope else {
        panic!("a v1 envelope")
    };
    let size = encode(envelope).len() as u32;
    fees::compute_transaction_resource_fee(
        &declared_resources(&e.tx, size).unwrap(),
        &network.config.fee_configuration,
    )
    .0
}

fn v2(f: impl FnOnce(&mut PreconditionsV2)) -> Preconditions {
    let mut p = PreconditionsV2 {
        time_bounds: None,
        ledger_bounds: None,
        min_seq_num: None,
        min_seq_age: Duration(0),
        min_seq_ledger_gap: 0,
        extra_signers: Default::default(),
    };
    f(&mut p);
    Preconditions::V2(p)
}

// ---------------------------------------------------------------------------- crashes

/// Finding: one `sendTransaction`, no account or signature needed, panics the node.
///
/// `check_fee_bump` subtracts the inner transaction's declared resource fee from the outer fee
/// before anything validates it (`fee - resource_fee`, `inner.fee as i64 - resource_fee`): a
/// resource fee of `i64::MIN` (or `i64::MAX` with a negative outer fee) overflows. In the
/// release build (`overflow-checks`, `panic = "abort"`) that aborts the process.
/// stellar-core: `XDRProvidesValidFee` refuses a resource fee below 0 or above 2^50 first,
/// `txMALFORMED`, and the fee bump's fee never underflows.
#[test]
fn a_fee_bump_with_an_extreme_inner_resource_fee_is_refused_not_a_crash() {
    let net = Net::quick();
    let (alice, bob) = (key(1), key(2));
    net.fund(&alice);
    net.fund(&bob);
    let nid = net.network_id();
    for (resource_fee, outer_fee) in [(i64::MIN, 1_000), (i64::MAX, -2)] {
        let mut tx = net.tx(&alice, 100, extend(100));
        tx.ext = TransactionExt::V1(data(vec![], 0, resource_fee));
        let inner = sign(tx, &alice, nid);
        let bumped = fee_bump(inner, &bob, outer_fee, &[&bob], nid);
        let answer = call_catching(
            &net,
            "sendTransaction",
            json!({ "transaction": to_base64(&bumped) }),
        );
        let answer = answer.unwrap_or_else(|panic| {
            panic!("sendTransaction panicked (resource fee {resource_fee}): {panic}")
        });
        let sent = answer.expect("an answer");
        assert_eq!(sent["status"], "ERROR", "{sent}");
    }
}

/// Finding: one `simulateTransaction`, no account needed, panics the node.
///
/// The node hands `extend_to` to soroban-simulation unchecked, which computes
/// `ledger_seq + extend_to` in plain u32 arithmetic (resources.rs:138): `extend_to` near
/// `u32::MAX` overflows, which the release build turns into an abort. stellar-rpc runs
/// preflight under `catch_unwind` (`preflight_footprint_ttl_op_or_maybe_panic`) and answers an
/// `error`; stellar-core refuses such an operation as EXTEND_FOOTPRINT_TTL_MALFORMED
/// (`extendTo` above `maxEntryTTL - 1`).
#[test]
fn simulating_an_extension_to_u32_max_is_an_error_not_a_crash() {
    let net = Net::quick();
    let alice = key(1);
    net.fund(&alice);
    let mut tx = net.tx(&alice, 100, extend(u32::MAX));
    tx.ext = TransactionExt::V1(data(vec![], 0, 0));
    let unsigned = TransactionEnvelope::Tx(soroban_env_host::xdr::TransactionV1Envelope {
        tx,
        signatures: Default::default(),
    });
    let answer = call_catching(
        &net,
        "simulateTransaction",
        json!({ "transaction": to_base64(&unsigned) }),
    )
    .unwrap_or_else(|panic| panic!("simulateTransaction panicked: {panic}"));
    let sim = answer.expect("an answer");
    assert!(sim.get("error").is_some(), "{sim}");
}

/// Finding: one `getLedgers` request panics the node.
///
/// `ledgers` in rpc.rs turns a cursor into the next ledger with `c as u32 + 1`: the cursor
/// "4294967295" (or any whose low 32 bits are all ones, e.g. "8589934591") overflows.
/// stellar-rpc parses the cursor as a ledger sequence and answers a page (or an invalid-params
/// error), never crashing.
#[test]
fn get_ledgers_with_a_cursor_at_u32_max_is_answered_not_a_crash() {
    let net = Net::quick();
    for cursor in ["4294967295", "8589934591"] {
        let answer = call_catching(
            &net,
            "getLedgers",
            json!({ "pagination": { "cursor": cursor, "limit": 1 } }),
        )
        .unwrap_or_else(|panic| panic!("getLedgers cursor {cursor} panicked: {panic}"));
        // An error or an empty page: either is an answer.
        if let Ok(page) = answer {
            assert!(page["ledgers"].is_array(), "{page}");
        }
    }
}

/// Passes: the deepest `ScVal` nesting the decoder accepts neither overflows the stack when
/// submitted, applied, simulated, nor when its transaction is served as JSON.
#[test]
fn deeply_nested_scval_arguments_do_not_overflow_the_stack() {
    let net = Net::quick();
    let alice = key(1);
    net.fund(&alice);
    let nid = net.network_id();
    let contract = native_asset(&net);
    let nest = |depth: usize| {
        let mut v = ScVal::U32(0);
        for _ in 0..depth {
            v = ScVal::Vec(Some(ScVec(vec![v].try_into().unwrap())));
        }
        v
    };
    let envelope_for = |depth: usize| {
        let mut tx = net.tx(
            &alice,
            1_000_000,
            OperationBody::InvokeHostFunction(soroban_env_host::xdr::InvokeHostFunctionOp {
                host_function: call(&contract, "name", vec![nest(depth)]),
                auth: Default::default(),
            }),
        );
        tx.ext = TransactionExt::V1(data(vec![], 1_000_000, 900_000));
        sign(tx, &alice, nid)
    };
    // The deepest that decodes under the node's read limits.
    let mut depth = 600;
    while hashshare_node::xdr::decode::<TransactionEnvelope>(&encode(&envelope_for(depth))).is_err()
    {
        depth -= 10;
    }
    let envelope = envelope_for(depth);
    let sim = net.ok(
        "simulateTransaction",
        json!({ "transaction": to_base64(&envelope) }),
    );
    assert!(sim.is_object());
    let (status, got) = net.send(&envelope);
    assert_ne!(status, "PENDING", "{got}");
    if let Some(hash) = got.get("txHash").or(got.get("hash")) {
        net.ok(
            "getTransaction",
            json!({ "hash": hash, "xdrFormat": "json" }),
        );
    }
}

// ---------------------------------------------------------------------------- fees

/// Finding: a Soroban transaction whose operation source does not exist gets its whole resource
/// fee back, the non-refundable part included: it pays only the inclusion fee.
///
/// stellar-core accepts an operation source that does not exist yet if it signed, fails the
/// operation with opNO_ACCOUNT when applying, and keeps the non-refundable fee of the
/// declared resources: its refundable fee tracker starts at `resourceFee − nonRefundable` in
/// `commonPreApply`, before any operation runs. The node sets `soroban.non_refundable` only in
/// `charge_non_refundable`, which the OpNoAccount path of `apply` never reaches, so the refund
/// (`data.resource_fee - soroban.non_refundable`) is everything. An attacker so stores
/// transactions of up to the size limit in the ledger history for 100 stroops.
#[test]
fn a_soroban_tx_with_a_missing_op_source_keeps_its_non_refundable_fee() {
    let net = Net::quick();
    let (alice, ghost) = (key(1), key(66));
    net.fund(&alice);
    let nid = net.network_id();
    let resource_fee = 5 * XLM;
    let mut tx = net.tx(&alice, 100 + resource_fee as u32, extend(100));
    tx.operations = vec![Operation {
        source_account: Some(muxed(&ghost)),
        body: extend(100),
    }]
    .try_into()
    .unwrap();
    tx.ext = TransactionExt::V1(data(vec![], 50_000_000, resource_fee));
    let envelope = sign_all(tx, &[&alice, &ghost], nid);
    let owed = non_refundable(&net, &envelope);
    assert!(owed > 1_000, "a noticeable non-refundable fee: {owed}");
    let before = balance(&net, &alice);
    let (status, got) = net.send(&envelope);
    assert_eq!(status, "FAILED", "{got}");
    let TransactionResultResult::TxFailed(results) = code(&got) else {
        panic!("{got}")
    };
    assert_eq!(results.to_vec(), vec![OperationResult::OpNoAccount]);
    let charged = result_of(&got).fee_charged;
    assert_eq!(
        charged,
        100 + owed,
        "the inclusion fee and the non-refundable fee are charged"
    );
    assert_eq!(balance(&net, &alice), before - 100 - owed);
}

/// Passes: a failed Soroban transaction (here: too little refundable fee for the rent of an
/// extension) is charged its non-refundable fee, and refunded no more than it paid.
#[test]
fn a_failed_soroban_tx_keeps_its_non_refundable_fee() {
    let net = Net::quick();
    let alice = key(1);
    net.fund(&alice);
    let nid = net.network_id();
    let hash = net.upload(&alice, &wasm("plain_token"));
    let code_key = LedgerKey::ContractCode(soroban_env_host::xdr::LedgerKeyContractCode { hash });
    let mut tx = net.tx(&alice, 100, extend(1_000_000));
    // The resource fee covers the declared resources but not the rent.
    tx.ext = TransactionExt::V1(data(vec![code_key.clone()], 0, 0));
    let probe = sign(tx.clone(), &alice, nid);
    let owed = non_refundable(&net, &probe);
    tx.fee = 100 + owed as u32;
    tx.ext = TransactionExt::V1(data(vec![code_key], 0, owed));
    let envelope = sign(tx, &alice, nid);
    let before = balance(&net, &alice);
    let (status, got) = net.send(&envelope);
    assert_eq!(status, "FAILED", "{got}");
    assert_eq!(result_of(&got).fee_charged, 100 + owed, "{got}");
    assert_eq!(balance(&net, &alice), before - 100 - owed);
}

// ---------------------------------------------------------------------------- signatures

/// Finding: a transaction whose preconditions name an extra signer is applied without that
/// signer's signature.
///
/// stellar-core (protocol 19+): `checkExtraSigners` requires a signature of every
/// `extraSigners` key, else txBAD_AUTH. The node never reads `extra_signers`, so the
/// co-signature a wallet or escrow relies on (CAP-21) is not enforced.
#[test]
fn an_extra_signer_must_sign() {
    let net = Net::quick();
    let (alice, bob, escrow) = (key(1), key(2), key(3));
    net.fund(&alice);
    net.fund(&bob);
    let nid = net.network_id();
    let before = balance(&net, &bob);
    let mut tx = net.tx(&alice, 100, lumens(&bob, 100 * XLM));
    tx.cond = v2(|p| {
        p.extra_signers = vec![SignerKey::Ed25519(Uint256(
            escrow.verifying_key().to_bytes(),
        ))]
        .try_into()
        .unwrap()
    });
    let (status, got) = net.send(&sign(tx, &alice, nid));
    assert_eq!(
        balance(&net, &bob),
        before,
        "the payment went through: {got}"
    );
    assert_eq!(status, "ERROR", "{got}");
    assert_eq!(code(&got), TransactionResultResult::TxBadAuth);
}

/// Finding: the same transaction signed by its extra signer is refused txBAD_AUTH_EXTRA, since
/// the node counts the extra signer's signature as unused. stellar-core accepts it.
#[test]
fn a_transaction_signed_by_its_extra_signer_is_accepted() {
    let net = Net::quick();
    let (alice, bob, escrow) = (key(1), key(2), key(3));
    net.fund(&alice);
    net.fund(&bob);
    let nid = net.network_id();
    let mut tx = net.tx(&alice, 100, lumens(&bob, XLM));
    tx.cond = v2(|p| {
        p.extra_signers = vec![SignerKey::Ed25519(Uint256(
            escrow.verifying_key().to_bytes(),
        ))]
        .try_into()
        .unwrap()
    });
    let (status, got) = net.send(&sign_all(tx, &[&alice, &escrow], nid));
    assert_eq!(status, "SUCCESS", "{got}");
}

/// Finding: the minimum sequence age and ledger gap of a transaction are ignored.
///
/// stellar-core (`isTooEarlyForAccount`): a transaction whose source's sequence number changed
/// less than `minSeqAge` seconds or `minSeqLedgerGap` ledgers ago is
/// txBAD_MIN_SEQ_AGE_OR_GAP. These are the time locks payment channels (CAP-21) rely on; the
/// node applies such a transaction at once.
#[test]
fn min_seq_age_and_ledger_gap_are_enforced() {
    let net = Net::quick();
    let (alice, bob) = (key(1), key(2));
    net.fund(&alice);
    net.fund(&bob);
    let nid = net.network_id();
    for cond in [
        v2(|p| p.min_seq_ledger_gap = 1_000_000),
        v2(|p| p.min_seq_age = Duration(10 * 365 * 86_400)),
    ] {
        let before = balance(&net, &bob);
        let mut tx = net.tx(&alice, 100, lumens(&bob, XLM));
        tx.cond = cond;
        let (status, got) = net.send(&sign(tx, &alice, nid));
        assert_eq!(
            balance(&net, &bob),
            before,
            "applied despite the lock: {got}"
        );
        assert_eq!(status, "ERROR", "{got}");
        assert_eq!(code(&got), TransactionResultResult::TxBadMinSeqAgeOrGap);
    }
}

/// Passes: the fee payer's signature of the outer transaction does not stand in for the inner
/// one, nor a copy of the inner signature for the outer one (they sign different hashes).
#[test]
fn signatures_are_not_reused_across_a_fee_bump() {
    let net = Net::quick();
    let (alice, bob, carol) = (key(1), key(2), key(3));
    net.fund(&alice);
    net.fund(&bob);
    net.fund(&carol);
    let nid = net.network_id();
    let carol_before = balance(&net, &carol);
    // alice pays her own fee bump; only the outer envelope is signed.
    let tx = net.tx(&alice, 100, lumens(&carol, XLM));
    let unsigned = sign_all(tx.clone(), &[], nid);
    let (status, got) = net.send(&fee_bump(unsigned, &alice, 1_000, &[&alice], nid));
    assert_eq!(status, "ERROR", "{got}");
    let TransactionResultResult::TxFeeBumpInnerFailed(pair) = code(&got) else {
        panic!("{got}")
    };
    assert_eq!(pair.result.result, InnerTransactionResultResult::TxBadAuth);
    // The inner signature copied onto the outer envelope (bob's fee bump, alice's signature).
    let signed_inner = sign(tx, &alice, nid);
    let mut bumped = fee_bump(signed_inner.clone(), &bob, 1_000, &[], nid);
    if let (TransactionEnvelope::TxFeeBump(outer), TransactionEnvelope::Tx(inner)) =
        (&mut bumped, &signed_inner)
    {
        outer.signatures = inner.signatures.clone();
    }
    let (status, got) = net.send(&bumped);
    assert_eq!(status, "ERROR", "{got}");
    assert_eq!(code(&got), TransactionResultResult::TxBadAuth);
    // bob's signature of the inner hash does not pay for alice either.
    let inner_hash = signed_inner.hash(nid).unwrap();
    let mut bumped = fee_bump(signed_inner.clone(), &bob, 1_000, &[], nid);
    if let TransactionEnvelope::TxFeeBump(outer) = &mut bumped {
        outer.signatures = signatures(&inner_hash, &[&bob]).try_into().unwrap();
    }
    let (status, got) = net.send(&bumped);
    assert_eq!(status, "ERROR", "{got}");
    assert_eq!(code(&got), TransactionResultResult::TxBadAuth);
    assert_eq!(balance(&net, &carol), carol_before);
}

/// Passes: a muxed source is its base account; a muxed id does not change whose signature is
/// needed, and another key's signature with a forged hint does not verify.
#[test]
fn a_muxed_source_needs_its_base_accounts_signature() {
    let net = Net::quick();
    let (alice, bob, mallory) = (key(1), key(2), key(7));
    net.fund(&alice);
    net.fund(&bob);
    net.fund(&mallory);
    let nid = net.network_id();
    let mut tx = net.tx(&alice, 100, lumens(&bob, XLM));
    tx.source_account = MuxedAccount::MuxedEd25519(MuxedAccountMed25519 {
        id: 7,
        ed25519: Uint256(alice.verifying_key().to_bytes()),
    });
    let mut forged = sign_all(tx.clone(), &[&mallory], nid);
    if let TransactionEnvelope::Tx(e) = &mut forged {
        let mut s = e.signatures.to_vec();
        s[0].hint.0 = alice.verifying_key().to_bytes()[28..32].try_into().unwrap();
        e.signatures = s.try_into().unwrap();
    }
    let (status, got) = net.send(&forged);
    assert_eq!(status, "ERROR", "{got}");
    assert_eq!(code(&got), TransactionResultResult::TxBadAuth);
    let (status, got) = net.send(&sign(tx, &alice, nid));
    assert_eq!(status, "SUCCESS", "{got}");
}

/// Passes: an operation whose source is another existing account needs that account's
/// signature (opBAD_AUTH), even when the transaction's source signed.
#[test]
fn an_op_source_account_must_sign_its_operation() {
    let net = Net::quick();
    let (alice, victim) = (key(1), key(8));
    net.fund(&alice);
    net.fund(&victim);
    let nid = net.network_id();
    let before = balance(&net, &victim);
    let mut tx = net.tx(&alice, 100, lumens(&alice, 1_000 * XLM));
    tx.operations = vec![Operation {
        source_account: Some(muxed(&victim)),
        body: lumens(&alice, 1_000 * XLM),
    }]
    .try_into()
    .unwrap();
    let (status, got) = net.send(&sign(tx, &alice, nid));
    assert_eq!(status, "ERROR", "{got}");
    let TransactionResultResult::TxFailed(results) = code(&got) else {
        panic!("{got}")
    };
    assert_eq!(results.to_vec(), vec![OperationResult::OpBadAuth]);
    assert_eq!(balance(&net, &victim), before);
}

// ---------------------------------------------------------------------------- value

/// Passes: paying oneself a credit asset, or paying the issuer, creates nothing; an unfunded
/// holder cannot pay more than it holds.
#[test]
fn credit_payments_to_self_and_the_issuer_create_nothing() {
    let net = Net::quick();
    let (issuer, holder) = (key(10), key(11));
    net.fund(&issuer);
    net.fund(&holder);
    let nid = net.network_id();
    let asset = AlphaNum4 {
        asset_code: AssetCode4(*b"USD\0"),
        issuer: id(&issuer),
    };
    let send = |from: &SigningKey, body: OperationBody| {
        net.send(&sign(net.tx(from, 100, body), from, nid))
    };
    let (status, got) = send(
        &holder,
        OperationBody::ChangeTrust(ChangeTrustOp {
            line: ChangeTrustAsset::CreditAlphanum4(asset.clone()),
            limit: 1_000,
        }),
    );
    assert_eq!(status, "SUCCESS", "{got}");
    let pay = |to: &SigningKey, amount: i64| {
        OperationBody::Payment(PaymentOp {
            destination: muxed(to),
            asset: Asset::CreditAlphanum4(asset.clone()),
            amount,
        })
    };
    assert_eq!(send(&issuer, pay(&holder, 600)).0, "SUCCESS");
    let line = |net: &Net| {
        let key = LedgerKey::Trustline(soroban_env_host::xdr::LedgerKeyTrustLine {
            account_id: id(&holder),
            asset: soroban_env_host::xdr::TrustLineAsset::CreditAlphanum4(asset.clone()),
        });
        match &net.node.chain().state.get(&key).unwrap().entry.data {
            soroban_env_host::xdr::LedgerEntryData::Trustline(t) => t.balance,
            _ => unreachable!(),
        }
    };
    assert_eq!(line(&net), 600);
    // To itself: nothing changes.
    let (_, got) = send(&holder, pay(&holder, 300));
    assert_eq!(line(&net), 600, "{got}");
    // Beyond what it holds.
    let (status, got) = send(&holder, pay(&issuer, 601));
    assert_eq!(status, "FAILED", "{got}");
    assert_eq!(
        code(&got),
        TransactionResultResult::TxFailed(
            vec![OperationResult::OpInner(OperationResultTr::Payment(
                PaymentResult::Underfunded
            ))]
            .try_into()
            .unwrap()
        )
    );
    // Beyond the limit.
    let (status, _) = send(&issuer, pay(&holder, 401));
    assert_eq!(status, "FAILED");
    assert_eq!(line(&net), 600);
}

// ---------------------------------------------------------------------------- footprint

/// Passes: a footprint may not name a config setting (or any key a contract cannot hold), so
/// a transaction cannot get the host to rewrite the network's settings.
#[test]
fn a_footprint_naming_a_config_setting_is_soroban_invalid() {
    let net = Net::quick();
    let alice = key(1);
    net.fund(&alice);
    let nid = net.network_id();
    let setting = LedgerKey::ConfigSetting(LedgerKeyConfigSetting {
        config_setting_id: soroban_env_host::xdr::ConfigSettingId::ContractComputeV0,
    });
    let mut tx = net.tx(&alice, 100 + XLM as u32, extend(100));
    tx.ext = TransactionExt::V1(data(vec![setting], 0, XLM));
    let (status, got) = net.send(&sign(tx, &alice, nid));
    assert_eq!(status, "ERROR", "{got}");
    assert_eq!(code(&got), TransactionResultResult::TxSorobanInvalid);
}

// ---------------------------------------------------------------------------- queue

/// Finding: the queue takes any number of transactions from one source for the next ledger.
///
/// stellar-core's transaction queue holds one transaction per source account: a second one
/// (other than a fee-bump replacement) is TRY_AGAIN_LATER. The node queues chains of them
/// without bound (and without ledger-wide resource limits), so one funded account can make a
/// single ledger close take as long as it likes while it holds the chain's lock; a queued
/// transaction that an earlier one makes invalid is then silently dropped (never found by
/// getTransaction, no fee charged), where core would have charged its fee.
#[test]
fn a_second_queued_transaction_from_one_source_is_try_again_later() {
    let net = manual_net();
    let (alice, bob) = (key(1), key(2));
    net.fund_now(&alice);
    net.fund_now(&bob);
    let nid = net.network_id();
    let first = sign(net.tx(&alice, 100, lumens(&bob, XLM)), &alice, nid);
    let one = net.ok(
        "sendTransaction",
        json!({ "transaction": to_base64(&first) }),
    );
    assert_eq!(one["status"], "PENDING", "{one}");
    let second = sign(net.tx(&alice, 100, lumens(&bob, XLM)), &alice, nid);
    let two = net.ok(
        "sendTransaction",
        json!({ "transaction": to_base64(&second) }),
    );
    assert_eq!(two["status"], "TRY_AGAIN_LATER", "{two}");
}

// ---------------------------------------------------------------------------- duplicates

/// Passes: the same envelope sent twice is DUPLICATE while queued and never applied twice
/// (its sequence number is spent, txBAD_SEQ) once in a ledger.
#[test]
fn a_duplicate_submission_is_applied_once() {
    let net = Net::quick();
    let (alice, bob) = (key(1), key(2));
    net.fund(&alice);
    net.fund(&bob);
    let nid = net.network_id();
    let before = balance(&net, &bob);
    let envelope = sign(net.tx(&alice, 100, lumens(&bob, XLM)), &alice, nid);
    let sent = net.ok(
        "sendTransaction",
        json!({ "transaction": to_base64(&envelope) }),
    );
    assert_eq!(sent["status"], "PENDING");
    let again = net.ok(
        "sendTransaction",
        json!({ "transaction": to_base64(&envelope) }),
    );
    assert_eq!(again["status"], "DUPLICATE", "{again}");
    net.close();
    // Applied, its sequence number is spent: sent again it is txBAD_SEQ, as in stellar-core.
    let (status, got) = net.send(&envelope);
    assert_eq!(status, "ERROR");
    assert_eq!(code(&got), TransactionResultResult::TxBadSeq);
    net.close();
    assert_eq!(balance(&net, &bob), before + XLM);
}

// ---------------------------------------------------------------------------- network limits

/// A node without a closer thread: ledgers close only when the test closes them.
fn manual_net() -> Net {
    Net {
        node: hashshare_node::node::Node::open(hashshare_node::node::Config {
            ledger_seconds: 1,
            ..Default::default()
        })
        .unwrap(),
        close_on_send: true,
    }
}

/// Finding: a contract data entry larger than `ContractDataEntrySizeBytes` (64 KiB) is written:
/// the plain token's instance, holding a 65,500-byte name given to its constructor (a 65,740
/// byte entry; the name is in the transaction twice, as argument and in the auth entry, which
/// keeps it under the 132,096-byte transaction limit).
///
/// stellar-core: `validateContractLedgerEntry` fails the invocation with
/// INVOKE_HOST_FUNCTION_RESOURCE_LIMIT_EXCEEDED when a written ContractData entry exceeds the
/// limit; the node has no such check after `e2e_invoke::invoke_host_function`.
#[test]
fn a_contract_data_entry_above_the_size_limit_is_not_written() {
    let net = Net::quick();
    let alice = key(1);
    net.fund(&alice);
    let hash = net.upload(&alice, &wasm("plain_token"));
    let name = "x".repeat(65_500);
    let envelope = net.prepare(
        &alice,
        deploy_with(
            &alice,
            &hash,
            1,
            vec![address(&alice), string(&name), string("BIG")],
        ),
    );
    let (status, got) = net.send(&envelope);
    assert_ne!(
        status, "SUCCESS",
        "a 65,740-byte contract instance was stored: {}",
        got["status"]
    );
}

/// Finding: one ledger applies more Soroban work than the network's ledger-wide limits allow
/// (here six transactions declaring 100M instructions each, against `ledger_max_instructions`
/// of 500M; likewise `ledger_max_tx_count`, `ledger_max_write_bytes` of 140 KiB, ...).
///
/// stellar-core builds each ledger's Soroban phase within the ledger limits (surge pricing):
/// what does not fit waits for a later ledger. The node applies every queued transaction in
/// one ledger while it holds the chain's lock, so a handful of funded accounts can make a
/// ledger close (and every RPC call waiting on the lock) last as long as they like.
#[test]
fn one_ledger_applies_no_more_soroban_instructions_than_the_ledger_limit() {
    let net = manual_net();
    let nid = net.network_id();
    let keys: Vec<SigningKey> = (20..26).map(key).collect();
    for k in &keys {
        net.fund_now(k);
    }
    let mut hashes = Vec::new();
    for k in &keys {
        let mut tx = net.tx(k, 100 + XLM as u32, extend(100));
        tx.ext = TransactionExt::V1(data(vec![], 100_000_000, XLM));
        let sent = net.ok(
            "sendTransaction",
            json!({ "transaction": to_base64(&sign(tx, k, nid)) }),
        );
        assert_eq!(sent["status"], "PENDING", "{sent}");
        hashes.push(sent["hash"].clone());
    }
    let seq = net.close();
    let in_ledger = hashes
        .iter()
        .filter(|h| net.ok("getTransaction", json!({ "hash": h }))["ledger"] == json!(seq))
        .count();
    assert!(
        in_ledger <= 5,
        "{in_ledger} transactions of 100M declared instructions in one ledger"
    );
}
