//! Review tests of the RPC client (`cli/src/client.rs`) against a node in process, behind a
//! proxy that plays a dishonest or odd RPC server (a provider's, a `--rpc-url` typo, a custom
//! network file). The client modules are compiled here from their sources (they are not a
//! library): error, identity, networks, wasm and client only. Tests named `review_bug_*` assert
//! what a reviewer expects; they failed on the code reviewed and pass since its fixes.
#![allow(dead_code, unused_imports)]

#[path = "../src/client.rs"]
mod client;
mod common;
#[path = "../src/error.rs"]
mod error;
#[path = "../src/identity.rs"]
mod identity;
#[path = "../src/networks.rs"]
mod networks;
#[path = "../src/wasm.rs"]
mod wasm;

use std::{
    io::{BufRead, BufReader, Read, Write},
    net::TcpListener,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use ed25519_dalek::Signer;
use serde_json::Value;
use sha2::{Digest, Sha256};
use stellar_xdr::{
    AccountId, DecoratedSignature, HostFunction, Int128Parts, InvokeContractArgs,
    InvokeHostFunctionOp, Limits, Memo, MuxedAccount, Operation, OperationBody, Preconditions,
    PublicKey, ReadXdr, ScAddress, ScString, ScSymbol, ScVal, SequenceNumber, Signature,
    SignatureHint, SorobanAddressCredentials, SorobanAuthorizationEntry, SorobanAuthorizedFunction,
    SorobanAuthorizedInvocation, SorobanCredentials, Transaction, TransactionEnvelope,
    TransactionExt, TransactionV1Envelope, Uint256, WriteXdr,
};

use client::{
    account_id,
    tests::{address, amount, call, string},
    Client,
};
use common::proxy::Proxy;
use identity::{Identities, Identity};
use networks::Network;

impl Proxy {
    /// Every auth entry the client sent back signed (in a simulation or a transaction).
    fn signed_entries(&self) -> Vec<SorobanAuthorizationEntry> {
        let mut found = Vec::new();
        for (method, params) in self.requests.lock().unwrap().iter() {
            if method != "simulateTransaction" && method != "sendTransaction" {
                continue;
            }
            let Some(tx) = params["transaction"].as_str() else {
                continue;
            };
            let Ok(TransactionEnvelope::Tx(envelope)) =
                TransactionEnvelope::from_xdr_base64(tx, Limits::none())
            else {
                continue;
            };
            for op in envelope.tx.operations.iter() {
                if let OperationBody::InvokeHostFunction(body) = &op.body {
                    for entry in body.auth.iter() {
                        if let SorobanCredentials::Address(c) = &entry.credentials {
                            if c.signature != ScVal::Void {
                                found.push(entry.clone());
                            }
                        }
                    }
                }
            }
        }
        found
    }

    fn sent(&self) -> Vec<Transaction> {
        self.requests
            .lock()
            .unwrap()
            .iter()
            .filter(|(m, _)| m == "sendTransaction")
            .filter_map(|(_, p)| {
                match TransactionEnvelope::from_xdr_base64(
                    p["transaction"].as_str()?,
                    Limits::none(),
                )
                .ok()?
                {
                    TransactionEnvelope::Tx(e) => Some(e.tx),
                    _ => None,
                }
            })
            .collect()
    }
}

/// A node, two funded identities (`user`, `attacker`) and a plain SEP-41 token whose admin
/// is the user, the user holding 1000.
struct World {
    _node: Arc<hashshare_node::node::Node>,
    network: Network,
    _config: tempfile::TempDir,
    user: Identity,
    attacker: Identity,
    honest: Client,
    token: ScAddress,
}

fn world() -> World {
    let (node, network) = client::tests::serve();
    let config = tempfile::tempdir().unwrap();
    let ids = Identities::at(config.path());
    let user = ids.generate("user", false).unwrap();
    let attacker = ids.generate("attacker", false).unwrap();
    let honest = Client::connect(&network).unwrap();
    honest.fund(&user.address()).unwrap();
    honest.fund(&attacker.address()).unwrap();
    let wasm = std::fs::read(common::wasm_dir().join("plain_token.wasm")).unwrap();
    let (hash, _) = honest.upload(&user, &wasm).unwrap();
    let (token, _) = honest
        .deploy(
            &user,
            &hash,
            [9; 32],
            vec![address(&user), string("Plain"), string("PLN")],
            None,
        )
        .unwrap();
    honest
        .invoke(
            &user,
            call(&token, "mint", vec![address(&user), amount(1_000)]),
            &[],
        )
        .unwrap();
    World {
        _node: node,
        network,
        _config: config,
        user,
        attacker,
        honest,
        token,
    }
}

fn balance(w: &World, who: &Identity) -> ScVal {
    w.honest
        .read(
            &w.user.address(),
            call(&w.token, "balance", vec![address(who)]),
        )
        .unwrap()
}

/// The attacker spends a captured, signed auth entry in a transaction of its own.
fn spend(w: &World, entry: SorobanAuthorizationEntry) -> Result<(), String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let rpc = stellar_rpc_client::Client::new(&w.network.rpc_url).unwrap();
    let SorobanAuthorizedFunction::ContractFn(args) = entry.root_invocation.function.clone() else {
        return Err("not a contract call".into());
    };
    let account = runtime
        .block_on(rpc.get_account(&w.attacker.address()))
        .map_err(|e| e.to_string())?;
    let key = w.attacker.key.verifying_key().to_bytes();
    let mut tx = Transaction {
        source_account: MuxedAccount::Ed25519(Uint256(key)),
        fee: 100,
        seq_num: SequenceNumber(account.seq_num.0 + 1),
        cond: Preconditions::None,
        memo: Memo::None,
        operations: vec![Operation {
            source_account: None,
            body: OperationBody::InvokeHostFunction(InvokeHostFunctionOp {
                host_function: HostFunction::InvokeContract(args),
                auth: vec![entry].try_into().unwrap(),
            }),
        }]
        .try_into()
        .unwrap(),
        ext: TransactionExt::V0,
    };
    let envelope = TransactionEnvelope::Tx(TransactionV1Envelope {
        tx: tx.clone(),
        signatures: Default::default(),
    });
    let sim =
        runtime
            .block_on(rpc.simulate_transaction_envelope(
                &envelope,
                Some(stellar_rpc_client::AuthMode::Enforce),
            ))
            .map_err(|e| e.to_string())?;
    if let Some(error) = sim.error {
        return Err(error);
    }
    tx.ext = TransactionExt::V1(sim.transaction_data().map_err(|e| e.to_string())?);
    tx.fee = 100 + sim.min_resource_fee as u32;
    let network_id: [u8; 32] = Sha256::digest(w.network.passphrase.as_bytes()).into();
    let mut envelope = TransactionV1Envelope {
        tx,
        signatures: Default::default(),
    };
    let hash = TransactionEnvelope::Tx(envelope.clone())
        .hash(network_id)
        .unwrap();
    envelope.signatures = vec![DecoratedSignature {
        hint: SignatureHint(key[28..].try_into().unwrap()),
        signature: Signature(
            w.attacker
                .key
                .sign(&hash)
                .to_bytes()
                .to_vec()
                .try_into()
                .unwrap(),
        ),
    }]
    .try_into()
    .unwrap();
    let hash = runtime
        .block_on(rpc.send_transaction(&TransactionEnvelope::Tx(envelope)))
        .map_err(|e| e.to_string())?;
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(30) {
        let got = runtime
            .block_on(rpc.get_transaction(&hash))
            .map_err(|e| e.to_string())?;
        match got.status.as_str() {
            "SUCCESS" => return Ok(()),
            "FAILED" => return Err(format!("failed: {:?}", got.result)),
            _ => std::thread::sleep(Duration::from_millis(200)),
        }
    }
    Err("not applied".into())
}

/// The RPC answers a recorded simulation of an innocent call (the user mints 1 to itself)
/// with one more auth entry: `token.transfer(user, attacker, 600)`, in `Address` credentials
/// of the transaction's source. `Client::invoke` signs every `Address` entry whose address
/// is the source or a signer, whatever its root invocation, then sends it back to that RPC
/// (in the enforcing re-simulation and in the transaction). The signed entry is a bearer
/// authorization, valid for 60 ledgers: the attacker spends it in its own transaction.
///
/// stellar-cli 28 (`signer::sign_soroban_authorizations`) refuses exactly this: an `Address`
/// entry of the transaction's source ("transaction source account is used as credentials"),
/// any entry on an upload, and asks for approval of an entry whose root invocation is not
/// the transaction's host function (`validation::classify_auth_invocation`).
#[test]
fn review_bug_an_rpc_injected_auth_entry_is_signed_and_can_be_spent() {
    let w = world();
    let injected = SorobanAuthorizationEntry {
        credentials: SorobanCredentials::Address(SorobanAddressCredentials {
            address: ScAddress::Account(account_id(&w.user.address()).unwrap()),
            nonce: 4_242_424_242,
            signature_expiration_ledger: 0,
            signature: ScVal::Void,
        }),
        root_invocation: SorobanAuthorizedInvocation {
            function: SorobanAuthorizedFunction::ContractFn(InvokeContractArgs {
                contract_address: w.token.clone(),
                function_name: ScSymbol("transfer".try_into().unwrap()),
                args: vec![address(&w.user), address(&w.attacker), amount(600)]
                    .try_into()
                    .unwrap(),
            }),
            sub_invocations: Default::default(),
        },
    };
    let injected_b64 = injected.to_xdr_base64(Limits::none()).unwrap();
    let proxy = Proxy::start(
        w.network.rpc_url.clone(),
        Box::new(move |method, params, answer| {
            let recording = params["authMode"]
                .as_str()
                .is_some_and(|m| m.starts_with("record"));
            if method == "simulateTransaction" && recording {
                if let Some(auth) = answer["result"]["results"][0]["auth"].as_array_mut() {
                    auth.push(Value::String(injected_b64.clone()));
                }
            }
        }),
    );
    let via = Client::connect(&Network {
        rpc_url: proxy.url.clone(),
        ..w.network.clone()
    })
    .unwrap();
    let innocent = call(&w.token, "mint", vec![address(&w.user), amount(1)]);
    let outcome = via.invoke(&w.user, innocent, &[]);
    let stolen: Vec<SorobanAuthorizationEntry> = proxy
        .signed_entries()
        .into_iter()
        .filter(|e| match &e.root_invocation.function {
            SorobanAuthorizedFunction::ContractFn(f) => f.function_name.0.as_slice() == b"transfer",
            _ => false,
        })
        .collect();
    let spent = stolen.first().map(|e| spend(&w, e.clone()));
    assert!(
        stolen.is_empty(),
        "the client signed `transfer(user, attacker, 600)`, which the user never asked for \
         (its own call: {:?}); the attacker spent the signature: {spent:?}; attacker balance \
         {:?}, user balance {:?}",
        outcome.map(|s| s.hash),
        balance(&w, &w.attacker),
        balance(&w, &w.user),
    );
}

/// `tx.fee = INCLUSION_FEE.checked_add(sim.min_resource_fee as u32)`: `min_resource_fee` is a
/// u64 and `as u32` keeps its low bits, so the overflow check never fires. An answer of
/// 2^32 + 100 stroops gives a transaction fee of 200, far below the resource fee declared
/// in its own `sorobanData`. (stellar-cli: a u64 sum, and a fee bump when it does not fit.)
/// The fee should also be computed from the `resourceFee` actually put in `sorobanData`.
#[test]
fn review_bug_a_resource_fee_above_u32_is_truncated() {
    let w = world();
    let proxy = Proxy::start(
        w.network.rpc_url.clone(),
        Box::new(|method, _, answer| {
            if method == "simulateTransaction" && answer["result"]["minResourceFee"].is_string() {
                answer["result"]["minResourceFee"] = Value::String("4294967396".into());
            }
        }),
    );
    let via = Client::connect(&Network {
        rpc_url: proxy.url.clone(),
        ..w.network.clone()
    })
    .unwrap();
    let outcome = via.invoke(
        &w.user,
        call(&w.token, "mint", vec![address(&w.user), amount(1)]),
        &[],
    );
    let under: Vec<(u32, i64)> = proxy
        .sent()
        .iter()
        .filter_map(|tx| match &tx.ext {
            TransactionExt::V1(data) if i64::from(tx.fee) < data.resource_fee => {
                Some((tx.fee, data.resource_fee))
            }
            _ => None,
        })
        .collect();
    assert!(
        under.is_empty(),
        "sent with a fee below its own resource fee (fee, resource fee): {under:?}; the client said {:?}",
        outcome.map(|s| s.hash).map_err(|e| e.to_string())
    );
}

/// `let expiration = sim.latest_ledger + AUTH_LEDGERS;` on a server's `latestLedger`: near
/// u32::MAX it panics in a debug build (and wraps to an already expired ledger in release).
#[test]
fn review_bug_a_huge_latest_ledger_panics() {
    let w = world();
    let proxy = Proxy::start(
        w.network.rpc_url.clone(),
        Box::new(|method, _, answer| {
            if method == "simulateTransaction" {
                answer["result"]["latestLedger"] = Value::from(u32::MAX);
            }
        }),
    );
    let via = Client::connect(&Network {
        rpc_url: proxy.url.clone(),
        ..w.network.clone()
    })
    .unwrap();
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        via.invoke(
            &w.user,
            call(&w.token, "mint", vec![address(&w.user), amount(1)]),
            &[],
        )
        .map(|s| s.hash)
        .map_err(|e| e.to_string())
    }));
    assert!(
        outcome.is_ok(),
        "the client panicked on the server's latestLedger"
    );
}
