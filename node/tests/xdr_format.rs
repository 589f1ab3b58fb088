//! `xdrFormat: "json"`: every base64 XDR field of an answer comes back as the stellar-xdr JSON
//! of the same value, under stellar-rpc's name for it, and nothing else changes.
mod support;

use hashshare_node::xdr::to_base64;
use serde_json::{json, Map, Value};
use soroban_env_host::xdr::{
    Asset, Hash, InvokeHostFunctionOp, LedgerKey, LedgerKeyContractCode, MuxedAccount,
    OperationBody, PaymentOp, TransactionEnvelope, TransactionV1Envelope, Uint256,
};
use stellar_xdr::{Limits, Type, TypeVariant};
use support::*;

/// `base64`'s value of type `ty` as stellar-xdr's serde writes it.
fn json_of(ty: TypeVariant, base64: &Value) -> Value {
    let text = base64.as_str().expect("a base64 string");
    serde_json::to_value(Type::from_xdr_base64(ty, text, Limits::none()).unwrap()).unwrap()
}

/// Asks `method` in both formats; the JSON answer is checked to be the base64 one with each
/// of `fields` (object path, base64 name, JSON name, type) converted, and returned.
fn both(
    net: &Net,
    method: &str,
    params: Value,
    fields: &[(&str, &str, &str, TypeVariant)],
) -> Value {
    let base64 = net.ok(method, params.clone());
    let mut with_json = params;
    with_json["xdrFormat"] = json!("json");
    let got = net.ok(method, with_json);
    let mut expected = base64.clone();
    for (at, from, to, ty) in fields {
        let object = if at.is_empty() {
            &mut expected
        } else {
            expected.pointer_mut(at).unwrap()
        };
        let map: &mut Map<String, Value> = object.as_object_mut().unwrap();
        let xdr = map
            .remove(*from)
            .unwrap_or_else(|| panic!("{method} has {at}/{from}"));
        let converted = match &xdr {
            Value::Array(items) => Value::Array(
                items
                    .iter()
                    .map(|i| match i {
                        Value::Array(inner) => {
                            Value::Array(inner.iter().map(|v| json_of(*ty, v)).collect())
                        }
                        v => json_of(*ty, v),
                    })
                    .collect(),
            ),
            v => json_of(*ty, v),
        };
        map.insert(to.to_string(), converted);
    }
    assert_eq!(steady(&got), steady(&expected), "{method}");
    got
}

/// An answer without what moves with time (the latest ledger).
fn steady(answer: &Value) -> Value {
    let mut answer = answer.clone();
    if let Some(m) = answer.as_object_mut() {
        m.retain(|k, _| !k.starts_with("latestLedger"));
    }
    answer
}

#[test]
fn every_xdr_field_comes_back_as_json_under_stellar_rpcs_name() {
    use TypeVariant as T;
    let net = Net::new();
    let (alice, bob) = (key(1), key(2));
    net.fund(&alice);
    net.fund(&bob);
    let hash = net.upload(&alice, &wasm("plain_token"));

    // getTransaction of a payment.
    let payment = net.tx(&alice, 100, payment_body(&bob));
    let envelope = hashshare_node::node::sign(payment, &alice, net.network_id());
    let (status, sent) = net.send(&envelope);
    assert_eq!(status, "SUCCESS", "{sent}");
    let got = both(
        &net,
        "getTransaction",
        json!({ "hash": sent["txHash"] }),
        &[
            ("", "envelopeXdr", "envelopeJson", T::TransactionEnvelope),
            ("", "resultXdr", "resultJson", T::TransactionResult),
            ("", "resultMetaXdr", "resultMetaJson", T::TransactionMeta),
            (
                "",
                "diagnosticEventsXdr",
                "diagnosticEventsJson",
                T::DiagnosticEvent,
            ),
            (
                "/events",
                "transactionEventsXdr",
                "transactionEventsJson",
                T::TransactionEvent,
            ),
            (
                "/events",
                "contractEventsXdr",
                "contractEventsJson",
                T::ContractEvent,
            ),
        ],
    );
    assert!(
        got["envelopeJson"]["tx"]["tx"]["operations"].is_array(),
        "{got}"
    );
    assert_eq!(
        got["events"]["transactionEventsJson"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let ledger = got["ledger"].as_u64().unwrap();

    // getTransactions: each transaction the same way.
    both(
        &net,
        "getTransactions",
        json!({ "startLedger": ledger, "pagination": { "limit": 1 } }),
        &[
            (
                "/transactions/0",
                "envelopeXdr",
                "envelopeJson",
                T::TransactionEnvelope,
            ),
            (
                "/transactions/0",
                "resultXdr",
                "resultJson",
                T::TransactionResult,
            ),
            (
                "/transactions/0",
                "resultMetaXdr",
                "resultMetaJson",
                T::TransactionMeta,
            ),
            (
                "/transactions/0",
                "diagnosticEventsXdr",
                "diagnosticEventsJson",
                T::DiagnosticEvent,
            ),
            (
                "/transactions/0/events",
                "transactionEventsXdr",
                "transactionEventsJson",
                T::TransactionEvent,
            ),
            (
                "/transactions/0/events",
                "contractEventsXdr",
                "contractEventsJson",
                T::ContractEvent,
            ),
        ],
    );

    // getLedgerEntries of the uploaded code.
    let code = LedgerKey::ContractCode(LedgerKeyContractCode { hash: Hash(hash.0) });
    let got = both(
        &net,
        "getLedgerEntries",
        json!({ "keys": [to_base64(&code)] }),
        &[
            ("/entries/0", "key", "keyJson", T::LedgerKey),
            ("/entries/0", "xdr", "dataJson", T::LedgerEntryData),
        ],
    );
    assert!(
        got["entries"][0]["dataJson"]["contract_code"].is_object(),
        "{got}"
    );

    // simulateTransaction of a deploy: data, results, state changes (a created entry has no
    // `before`, which stays null as stellar-rpc leaves it).
    let deploy = net.tx(
        &alice,
        100,
        OperationBody::InvokeHostFunction(InvokeHostFunctionOp {
            host_function: deploy_function(&alice, &hash, 9),
            auth: Default::default(),
        }),
    );
    let unsigned = TransactionEnvelope::Tx(TransactionV1Envelope {
        tx: deploy,
        signatures: Default::default(),
    });
    let params = json!({ "transaction": to_base64(&unsigned) });
    let base64 = net.ok("simulateTransaction", params.clone());
    let changes = base64["stateChanges"].as_array().unwrap().len();
    assert!(changes > 0);
    let mut with_json = params;
    with_json["xdrFormat"] = json!("json");
    let got = net.ok("simulateTransaction", with_json);
    assert_eq!(
        got["transactionDataJson"],
        json_of(T::SorobanTransactionData, &base64["transactionData"])
    );
    assert!(got.get("transactionData").is_none());
    assert_eq!(
        got["results"][0]["returnValueJson"],
        json_of(T::ScVal, &base64["results"][0]["xdr"])
    );
    let auth: Vec<Value> = base64["results"][0]["auth"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| json_of(T::SorobanAuthorizationEntry, a))
        .collect();
    assert_eq!(got["results"][0]["authJson"], json!(auth));
    assert_eq!(
        auth[0]["credentials"],
        json!("source_account"),
        "the deployer's own consent"
    );
    for (i, change) in got["stateChanges"].as_array().unwrap().iter().enumerate() {
        let plain = &base64["stateChanges"][i];
        assert_eq!(change["keyJson"], json_of(T::LedgerKey, &plain["key"]));
        assert_eq!(change["before"], Value::Null, "{change}");
        assert_eq!(change["after"], Value::Null, "{change}");
        assert_eq!(
            change["afterJson"],
            json_of(T::LedgerEntry, &plain["after"])
        );
        assert_eq!(change["type"], plain["type"]);
    }
    assert_eq!(got["minResourceFee"], base64["minResourceFee"]);

    // getEvents: topics and values.
    let got = both(
        &net,
        "getEvents",
        json!({ "startLedger": ledger, "pagination": { "limit": 1 } }),
        &[
            ("/events/0", "topic", "topicJson", T::ScVal),
            ("/events/0", "value", "valueJson", T::ScVal),
        ],
    );
    assert_eq!(
        got["events"][0]["topicJson"][0],
        json!({ "symbol": "fee" }),
        "{got}"
    );

    // getLedgers: the header and meta, their base64 fields left empty as stellar-rpc does.
    let plain = net.ok(
        "getLedgers",
        json!({ "startLedger": ledger, "pagination": { "limit": 1 } }),
    );
    let got = net.ok(
        "getLedgers",
        json!({ "startLedger": ledger, "pagination": { "limit": 1 }, "xdrFormat": "json" }),
    );
    let (l, p) = (&got["ledgers"][0], &plain["ledgers"][0]);
    assert_eq!(
        (&l["headerXdr"], &l["metadataXdr"]),
        (&json!(""), &json!(""))
    );
    assert_eq!(
        l["headerJson"],
        json_of(T::LedgerHeaderHistoryEntry, &p["headerXdr"])
    );
    assert_eq!(
        l["metadataJson"],
        json_of(T::LedgerCloseMeta, &p["metadataXdr"])
    );

    // sendTransaction refused (a sequence number ahead of the account's): the result as JSON.
    let mut ahead = net.tx(&alice, 100, payment_body(&bob));
    ahead.seq_num.0 += 10;
    let ahead = hashshare_node::node::sign(ahead, &alice, net.network_id());
    let sent = net.ok(
        "sendTransaction",
        json!({ "transaction": to_base64(&ahead), "xdrFormat": "json" }),
    );
    assert_eq!(sent["status"], "ERROR", "{sent}");
    assert!(sent.get("errorResultXdr").is_none());
    assert_eq!(
        sent["errorResultJson"]["result"],
        json!("tx_bad_seq"),
        "{sent}"
    );

    // Any other format is refused as stellar-rpc refuses it.
    let err = net
        .call(
            "getTransaction",
            json!({ "hash": sent["hash"], "xdrFormat": "xml" }),
        )
        .unwrap_err();
    assert_eq!(err.code, hashshare_node::rpc::INVALID_PARAMS);
}

fn payment_body(to: &ed25519_dalek::SigningKey) -> OperationBody {
    OperationBody::Payment(PaymentOp {
        destination: MuxedAccount::Ed25519(Uint256(to.verifying_key().to_bytes())),
        asset: Asset::Native,
        amount: 5,
    })
}
