//! The node over HTTP, fed bad input: every request answered with the JSON-RPC error (or the
//! result code) stellar-rpc gives, and the node keeps serving and changes nothing.
mod support;

use std::{sync::Arc, thread, time::Duration};

use hashshare_node::{
    node::{sign, Config, Node},
    server,
    xdr::{encode, to_base64},
};
use proptest::prelude::*;
use serde_json::{json, Value};
use soroban_env_host::xdr::{
    Asset, Memo, MuxedAccount, Operation, OperationBody, PaymentOp, Preconditions, SequenceNumber,
    Transaction, TransactionEnvelope, TransactionExt, Uint256,
};
use support::{id, key};

/// A node served on a free port, with its base URL.
struct Served {
    node: Arc<Node>,
    url: String,
}

fn serve() -> Served {
    serve_with(Config {
        ledger_seconds: 1,
        ..Config::default()
    })
}

fn serve_with(config: Config) -> Served {
    let node = Node::open(config).expect("the node opens");
    node.start_closer();
    let (tx, rx) = std::sync::mpsc::channel();
    let served = node.clone();
    thread::spawn(move || {
        let runtime = tokio::runtime::Runtime::new().unwrap();
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            tx.send(listener.local_addr().unwrap()).unwrap();
            server::serve_on(served, listener).await.unwrap();
        });
    });
    let addr = rx.recv().unwrap();
    Served {
        node,
        url: format!("http://{addr}"),
    }
}

impl Served {
    /// Posts a raw body to `/rpc`: `(HTTP status, body as JSON if it is JSON)`.
    fn post(&self, body: &[u8]) -> (u16, Value) {
        let response = ureq::post(&format!("{}/rpc", self.url))
            .set("Content-Type", "application/json")
            .send_bytes(body);
        let response = match response {
            Ok(r) => r,
            Err(ureq::Error::Status(_, r)) => r,
            Err(e) => panic!("transport: {e}"),
        };
        let status = response.status();
        let text = response.into_string().unwrap_or_default();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    fn rpc(&self, method: &str, params: Value) -> Value {
        let body = json!({ "jsonrpc": "2.0", "id": 7, "method": method, "params": params });
        self.post(body.to_string().as_bytes()).1
    }

    fn healthy(&self) {
        assert_eq!(
            self.rpc("getHealth", Value::Null)["result"]["status"],
            "healthy"
        );
    }

    /// What a refusal must leave as it was: the ledger's entries and the queue.
    fn fingerprint(&self) -> (usize, usize, Vec<u8>) {
        let chain = self.node.chain();
        let root = hashshare_node::genesis::root_key(&self.node.config.passphrase);
        let account = chain
            .state
            .account(&hashshare_node::state::account_id(
                root.verifying_key().to_bytes(),
            ))
            .unwrap();
        (chain.state.len(), chain.pending(), encode(&account))
    }
}

fn code(v: &Value) -> i64 {
    v["error"]["code"]
        .as_i64()
        .unwrap_or_else(|| panic!("no error in {v}"))
}

#[test]
fn bad_requests_get_json_rpc_errors_and_the_node_keeps_serving() {
    let s = serve();
    // Not JSON at all.
    let (status, v) = s.post(b"{ not json");
    assert_eq!((status, code(&v)), (200, -32700));
    assert_eq!(v["id"], Value::Null);
    // Not a request object.
    assert_eq!(code(&s.post(b"42").1), -32600);
    assert_eq!(
        code(&s.post(br#"{"id":1,"method":"getHealth"}"#).1),
        -32600,
        "no version"
    );
    assert_eq!(
        code(&s.post(br#"{"jsonrpc":"2.0","id":1}"#).1),
        -32600,
        "no method"
    );
    // Unknown method, with the id echoed (a string id too).
    let v = s
        .post(br#"{"jsonrpc":"2.0","id":"abc","method":"getEverything"}"#)
        .1;
    assert_eq!((code(&v), v["id"].clone()), (-32601, json!("abc")));
    // Params must be an object; absent, null and {} are all fine; unknown ones are ignored.
    assert_eq!(code(&s.rpc("getHealth", json!([1, 2]))), -32602);
    for params in [Value::Null, json!({}), json!({ "useless": true })] {
        assert_eq!(s.rpc("getNetwork", params)["result"]["protocolVersion"], 27);
    }
    // Missing and wrong-typed params.
    assert_eq!(
        code(&s.rpc("getLedgerEntries", json!({ "keys": 5 }))),
        -32602
    );
    assert_eq!(
        code(&s.rpc("getTransaction", json!({ "hash": "abc" }))),
        -32602
    );
    assert_eq!(
        s.rpc("getTransaction", json!({ "hash": "zz".repeat(32) }))["error"]["code"],
        -32602
    );
    assert_eq!(
        code(&s.rpc("getLedgerEntries", json!({ "keys": ["AAAA"] }))),
        -32602
    );
    // Garbage and truncated XDR.
    assert_eq!(
        code(&s.rpc("sendTransaction", json!({ "transaction": "@@@" }))),
        -32602
    );
    let sim = s.rpc("simulateTransaction", json!({ "transaction": "AAAA" }));
    assert_eq!(sim["result"]["error"], "Could not unmarshal transaction");
    // A batch answers each request.
    let v = s
        .post(br#"[{"jsonrpc":"2.0","id":1,"method":"getHealth"},{"jsonrpc":"2.0","id":2,"method":"nope"}]"#)
        .1;
    assert_eq!(v[0]["result"]["status"], "healthy");
    assert_eq!(code(&v[1]), -32601);
    // An oversized body is refused by HTTP, and the node serves on.
    let big = vec![b' '; server::MAX_BODY + 1];
    assert_eq!(s.post(&big).0, 413);
    s.healthy();
}

#[test]
fn friendbot_answers_as_the_real_one() {
    let s = serve();
    let get = |query: &str| {
        let r = ureq::get(&format!("{}/friendbot{query}", s.url)).call();
        let r = match r {
            Ok(r) => r,
            Err(ureq::Error::Status(_, r)) => r,
            Err(e) => panic!("{e}"),
        };
        (r.status(), r.into_json::<Value>().unwrap())
    };
    let (status, bad) = get("?addr=nonsense");
    assert_eq!(status, 400);
    assert_eq!(bad["extras"]["invalid_field"], "addr");
    let address = id(&key(9)).to_string();
    let (status, funded) = get(&format!("?addr={address}"));
    assert_eq!(status, 200);
    assert_eq!(funded["successful"], true);
    assert!(funded["result_meta_xdr"].as_str().is_some());
    let (status, again) = get(&format!("?addr={address}"));
    assert_eq!(status, 400);
    assert!(again["detail"]
        .as_str()
        .unwrap()
        .contains("account already funded to starting balance"));
}

#[test]
fn a_browser_page_on_any_origin_may_call_the_rpc() {
    let s = serve();
    // The preflight a browser sends before a JSON POST from another origin.
    let preflight = ureq::request("OPTIONS", &format!("{}/rpc", s.url))
        .set("Origin", "http://127.0.0.1:4173")
        .set("Access-Control-Request-Method", "POST")
        .set("Access-Control-Request-Headers", "content-type")
        .call()
        .expect("the preflight is answered");
    assert_eq!(
        preflight.header("access-control-allow-origin"),
        Some("http://127.0.0.1:4173")
    );
    assert!(preflight
        .header("access-control-allow-methods")
        .is_some_and(|m| m.contains("POST")));
    let answer = ureq::post(&format!("{}/rpc", s.url))
        .set("Origin", "https://app.example")
        .send_json(json!({ "jsonrpc": "2.0", "id": 1, "method": "getHealth" }))
        .unwrap();
    assert_eq!(
        answer.header("access-control-allow-origin"),
        Some("https://app.example")
    );
}

/// A signed payment from a funded account, as valid as a wallet makes it.
fn valid_payment(s: &Served) -> TransactionEnvelope {
    let alice = key(3);
    if s.node.chain().state.account(&id(&alice)).is_none() {
        assert!(matches!(
            s.node.fund(&id(&alice)),
            hashshare_node::node::Funding::Funded(_)
        ));
    }
    let chain = s.node.chain();
    let tx = Transaction {
        source_account: MuxedAccount::Ed25519(Uint256(alice.verifying_key().to_bytes())),
        fee: 100,
        seq_num: SequenceNumber(chain.next_seq(&id(&alice))),
        cond: Preconditions::None,
        memo: Memo::None,
        operations: vec![Operation {
            source_account: None,
            body: OperationBody::Payment(PaymentOp {
                destination: MuxedAccount::Ed25519(Uint256(key(4).verifying_key().to_bytes())),
                asset: Asset::Native,
                amount: 1,
            }),
        }]
        .try_into()
        .unwrap(),
        ext: TransactionExt::V0,
    };
    sign(tx, &alice, chain.state.network_id)
}

#[test]
fn a_signature_for_another_network_is_refused() {
    let s = serve();
    let envelope = valid_payment(&s);
    let TransactionEnvelope::Tx(e) = envelope else {
        unreachable!()
    };
    let other = sign(
        e.tx,
        &key(3),
        hashshare_node::xdr::network_id("Test SDF Network ; September 2015"),
    );
    let v = s.rpc(
        "sendTransaction",
        json!({ "transaction": to_base64(&other) }),
    );
    assert_eq!(v["result"]["status"], "ERROR");
    let result: soroban_env_host::xdr::TransactionResult =
        hashshare_node::xdr::from_base64(v["result"]["errorResultXdr"].as_str().unwrap()).unwrap();
    assert!(matches!(
        result.result,
        soroban_env_host::xdr::TransactionResultResult::TxBadAuth
    ));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Random bytes and mutations of a valid envelope, sent and simulated: the node never
    /// panics, answers every one, and changes nothing for an invalid one.
    #[test]
    fn random_and_mutated_envelopes_change_nothing(
        garbage in prop::collection::vec(any::<u8>(), 0..400),
        flips in prop::collection::vec((any::<prop::sample::Index>(), 1u8..=255), 1..4),
    ) {
        thread_local! {
            static SERVED: Served = serve();
        }
        SERVED.with(|s| {
            let valid = encode(&valid_payment(s));
            let mut mutated = valid.clone();
            for (at, xor) in &flips {
                let i = at.index(mutated.len());
                mutated[i] ^= xor;
            }
            use base64::Engine;
            let b64 = |b: &[u8]| base64::engine::general_purpose::STANDARD.encode(b);
            for bytes in [garbage.clone(), mutated.clone()] {
                let before = s.fingerprint();
                let sent = s.rpc("sendTransaction", json!({ "transaction": b64(&bytes) }));
                let sim = s.rpc("simulateTransaction", json!({ "transaction": b64(&bytes) }));
                prop_assert!(sim.get("result").is_some(), "simulate answered {sim}");
                let decodes_to_valid = hashshare_node::xdr::decode::<TransactionEnvelope>(&bytes)
                    .map(|e| encode(&e) == valid)
                    .unwrap_or(false);
                if decodes_to_valid {
                    continue;
                }
                match sent.get("result") {
                    Some(r) => prop_assert_ne!(r["status"].as_str(), Some("PENDING"), "{}", r),
                    None => prop_assert_eq!(code(&sent), -32602),
                }
                prop_assert_eq!(s.fingerprint(), before);
            }
            s.healthy();
            Ok(())
        })?;
    }
}

#[test]
fn the_node_keeps_closing_ledgers() {
    let s = serve();
    let first = s.rpc("getLatestLedger", Value::Null)["result"]["sequence"]
        .as_u64()
        .unwrap();
    thread::sleep(Duration::from_millis(2_500));
    let later = s.rpc("getLatestLedger", Value::Null)["result"]["sequence"]
        .as_u64()
        .unwrap();
    assert!(later >= first + 2, "{first} then {later}");
}

#[test]
fn the_dev_clock_moves_forward_only_when_enabled() {
    let off = serve();
    assert_eq!(
        code(&off.rpc("hashshare_advanceTime", json!({ "seconds": 60 }))),
        -32601
    );

    let s = serve_with(Config {
        ledger_seconds: 1,
        dev_time: true,
        ..Config::default()
    });
    let close = |s: &Served| {
        s.rpc("getLatestLedger", Value::Null)["result"]["closeTime"]
            .as_str()
            .unwrap()
            .parse::<u64>()
            .unwrap()
    };
    let before = close(&s);
    assert_eq!(
        code(&s.rpc("hashshare_advanceTime", json!({ "seconds": 0 }))),
        -32602
    );
    let moved = s.rpc("hashshare_advanceTime", json!({ "seconds": 86_400 }));
    let after: u64 = moved["result"]["closeTime"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(after >= before + 86_400, "{before} then {after}");
    assert_eq!(close(&s), after);
    s.healthy();

    // Time bounds now follow the node's clock, not the wall clock.
    let envelope = valid_payment(&s);
    let TransactionEnvelope::Tx(e) = envelope else {
        unreachable!()
    };
    let bounded = |max_time: u64| {
        let mut tx = e.tx.clone();
        tx.cond = Preconditions::Time(soroban_env_host::xdr::TimeBounds {
            min_time: soroban_env_host::xdr::TimePoint(0),
            max_time: soroban_env_host::xdr::TimePoint(max_time),
        });
        to_base64(&sign(tx, &key(3), s.node.chain().state.network_id))
    };
    let wall = hashshare_node::node::wall_clock();
    let late = s.rpc(
        "sendTransaction",
        json!({ "transaction": bounded(wall + 30) }),
    );
    assert_eq!(
        late["result"]["status"], "ERROR",
        "bounded by the wall clock: too late"
    );
    let ok = s.rpc(
        "sendTransaction",
        json!({ "transaction": bounded(after + 30) }),
    );
    assert_eq!(ok["result"]["status"], "PENDING", "{ok}");
}
