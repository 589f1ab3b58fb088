//! A client for the node's tests, doing what a wallet and the SDK do: build a transaction,
//! simulate it, assemble the resources and fee, sign, send, and wait for the result.
#![allow(dead_code)]
use std::{sync::Arc, time::Duration};

use ed25519_dalek::SigningKey;
use hashshare_node::{
    node::{sign, Config, Node},
    rpc,
    xdr::{from_base64, to_base64},
};
use serde_json::{json, Value};
use soroban_env_host::xdr::{
    AccountId, ContractExecutable, ContractIdPreimage, ContractIdPreimageFromAddress,
    CreateContractArgsV2, DecoratedSignature, FeeBumpTransaction, FeeBumpTransactionEnvelope,
    FeeBumpTransactionExt, FeeBumpTransactionInnerTx, Hash, HostFunction, InvokeContractArgs,
    InvokeHostFunctionOp, Memo, MuxedAccount, Operation, OperationBody, Preconditions, PublicKey,
    ScAddress, ScSymbol, ScVal, SequenceNumber, Signature, SignatureHint,
    SorobanAuthorizationEntry, SorobanTransactionData, Transaction, TransactionEnvelope,
    TransactionExt, TransactionResult, TransactionV1Envelope, Uint256, Uint256 as U,
};

pub struct Net {
    pub node: Arc<Node>,
    /// Close a ledger as soon as a transaction is queued, instead of waiting for the closer:
    /// tests that send many transactions take milliseconds per ledger (see [`Net::quick`]).
    pub close_on_send: bool,
}

pub fn key(seed: u8) -> SigningKey {
    SigningKey::from_bytes(&[seed; 32])
}

pub fn id(key: &SigningKey) -> AccountId {
    AccountId(PublicKey::PublicKeyTypeEd25519(Uint256(
        key.verifying_key().to_bytes(),
    )))
}

pub fn wasm(name: &str) -> Vec<u8> {
    let target = std::env::var("CARGO_TARGET_DIR")
        .unwrap_or_else(|_| format!("{}/../target", env!("CARGO_MANIFEST_DIR")));
    let path = format!("{target}/wasm/{name}.wasm");
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e} (run ./scripts/build.sh)"))
}

impl Net {
    pub fn start(config: Config) -> Net {
        let node = Node::open(config).expect("the node opens");
        node.start_closer();
        Net {
            node,
            close_on_send: false,
        }
    }

    /// A node whose ledgers close as soon as something is sent (and at least every second).
    /// Close times then run ahead of the wall clock by up to a second per ledger.
    pub fn quick() -> Net {
        Net::quick_with(Config {
            ledger_seconds: 1,
            ..Config::default()
        })
    }

    pub fn quick_with(config: Config) -> Net {
        Net {
            close_on_send: true,
            ..Net::start(config)
        }
    }

    /// Closes a ledger now; its sequence number.
    pub fn close(&self) -> u32 {
        self.node.close_ledger().expect("the ledger closes")
    }

    /// Funds `key` from the root account with one CreateAccount, closing its ledger at once;
    /// the ledger it was applied in.
    pub fn fund_now(&self, key: &SigningKey) -> u32 {
        let root = hashshare_node::genesis::root_key(&self.node.config.passphrase);
        let tx = self.tx(
            &root,
            100,
            OperationBody::CreateAccount(soroban_env_host::xdr::CreateAccountOp {
                destination: id(key),
                starting_balance: self.node.config.friendbot_stroops,
            }),
        );
        let envelope = sign(tx, &root, self.network_id());
        let sent = self.ok(
            "sendTransaction",
            json!({ "transaction": to_base64(&envelope) }),
        );
        assert_eq!(sent["status"], "PENDING", "{sent}");
        self.close();
        let got = self.ok("getTransaction", json!({ "hash": sent["hash"] }));
        assert_eq!(got["status"], "SUCCESS", "{got}");
        got["ledger"].as_u64().unwrap() as u32
    }

    pub fn new() -> Net {
        Net::start(Config {
            ledger_seconds: 1,
            ..Config::default()
        })
    }

    pub fn call(&self, method: &str, params: Value) -> Result<Value, rpc::RpcError> {
        rpc::call(&self.node, method, params, "http://localhost:8000")
    }

    pub fn ok(&self, method: &str, params: Value) -> Value {
        self.call(method, params)
            .unwrap_or_else(|e| panic!("{method}: {e:?}"))
    }

    pub fn fund(&self, key: &SigningKey) {
        if self.close_on_send {
            self.fund_now(key);
            return;
        }
        match self.node.fund(&id(key)) {
            hashshare_node::node::Funding::Funded(_) => {}
            _ => panic!("friendbot failed"),
        }
    }

    pub fn next_seq(&self, key: &SigningKey) -> i64 {
        self.node.chain().next_seq(&id(key))
    }

    pub fn network_id(&self) -> [u8; 32] {
        self.node.chain().state.network_id
    }

    pub fn tx(&self, source: &SigningKey, fee: u32, op: OperationBody) -> Transaction {
        Transaction {
            source_account: MuxedAccount::Ed25519(U(source.verifying_key().to_bytes())),
            fee,
            seq_num: SequenceNumber(self.next_seq(source)),
            cond: Preconditions::None,
            memo: Memo::None,
            operations: vec![Operation {
                source_account: None,
                body: op,
            }]
            .try_into()
            .unwrap(),
            ext: TransactionExt::V0,
        }
    }

    /// Simulates, assembles (resources, fee, recorded auth) and signs a Soroban call.
    pub fn prepare(&self, source: &SigningKey, host_function: HostFunction) -> TransactionEnvelope {
        let op = OperationBody::InvokeHostFunction(InvokeHostFunctionOp {
            host_function: host_function.clone(),
            auth: Default::default(),
        });
        let tx = self.tx(source, 100, op);
        let sim = self.simulate(&tx);
        assert!(sim.get("error").is_none(), "simulation failed: {sim}");
        let data: SorobanTransactionData =
            from_base64(sim["transactionData"].as_str().unwrap()).unwrap();
        let auth: Vec<SorobanAuthorizationEntry> = sim["results"][0]["auth"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| from_base64(a.as_str().unwrap()).unwrap())
            .collect();
        let min_fee: i64 = sim["minResourceFee"].as_str().unwrap().parse().unwrap();
        let mut tx = tx;
        tx.fee = 100 + min_fee as u32;
        tx.ext = TransactionExt::V1(data);
        tx.operations = vec![Operation {
            source_account: None,
            body: OperationBody::InvokeHostFunction(InvokeHostFunctionOp {
                host_function,
                auth: auth.try_into().unwrap(),
            }),
        }]
        .try_into()
        .unwrap();
        sign(tx, source, self.network_id())
    }

    pub fn simulate(&self, tx: &Transaction) -> Value {
        let envelope = TransactionEnvelope::Tx(soroban_env_host::xdr::TransactionV1Envelope {
            tx: tx.clone(),
            signatures: Default::default(),
        });
        self.ok(
            "simulateTransaction",
            json!({ "transaction": to_base64(&envelope) }),
        )
    }

    /// Sends and waits for the result; `(status, result, getTransaction's answer)`.
    pub fn send(&self, envelope: &TransactionEnvelope) -> (String, Value) {
        let sent = self.ok(
            "sendTransaction",
            json!({ "transaction": to_base64(envelope) }),
        );
        let status = sent["status"].as_str().unwrap().to_string();
        if status != "PENDING" {
            return (status, sent);
        }
        let hash = sent["hash"].as_str().unwrap().to_string();
        if self.close_on_send {
            self.close();
        }
        for _ in 0..100 {
            let got = self.ok("getTransaction", json!({ "hash": hash }));
            if got["status"] != "NOT_FOUND" {
                return (got["status"].as_str().unwrap().to_string(), got);
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("transaction {hash} never applied");
    }

    /// Sends a call and returns its return value; panics unless it succeeds.
    pub fn invoke(&self, source: &SigningKey, host_function: HostFunction) -> ScVal {
        let envelope = self.prepare(source, host_function);
        let (status, got) = self.send(&envelope);
        assert_eq!(status, "SUCCESS", "{got}");
        return_value(&got)
    }

    pub fn upload(&self, source: &SigningKey, code: &[u8]) -> Hash {
        match self.invoke(
            source,
            HostFunction::UploadContractWasm(code.to_vec().try_into().unwrap()),
        ) {
            ScVal::Bytes(b) => Hash(b.as_slice().try_into().unwrap()),
            other => panic!("upload returned {other:?}"),
        }
    }

    pub fn deploy(
        &self,
        source: &SigningKey,
        wasm_hash: Hash,
        salt: u8,
        args: Vec<ScVal>,
    ) -> ScAddress {
        match self.invoke(source, deploy_with(source, &wasm_hash, salt, args)) {
            ScVal::Address(a) => a,
            other => panic!("deploy returned {other:?}"),
        }
    }
}

/// `source` deploying `wasm_hash` under `salt` with constructor `args`.
pub fn deploy_with(
    source: &SigningKey,
    wasm_hash: &Hash,
    salt: u8,
    args: Vec<ScVal>,
) -> HostFunction {
    HostFunction::CreateContractV2(CreateContractArgsV2 {
        contract_id_preimage: ContractIdPreimage::Address(ContractIdPreimageFromAddress {
            address: ScAddress::Account(id(source)),
            salt: Uint256([salt; 32]),
        }),
        executable: ContractExecutable::Wasm(wasm_hash.clone()),
        constructor_args: args.try_into().unwrap(),
    })
}

/// `source` deploying the test token `wasm_hash` (admin `source`, "Plain", "PLN").
pub fn deploy_function(source: &SigningKey, wasm_hash: &Hash, salt: u8) -> HostFunction {
    deploy_with(
        source,
        wasm_hash,
        salt,
        vec![address(source), string("Plain"), string("PLN")],
    )
}

pub fn call(contract: &ScAddress, function: &str, args: Vec<ScVal>) -> HostFunction {
    HostFunction::InvokeContract(InvokeContractArgs {
        contract_address: contract.clone(),
        function_name: ScSymbol(function.try_into().unwrap()),
        args: args.try_into().unwrap(),
    })
}

pub fn return_value(got: &Value) -> ScVal {
    let meta: soroban_env_host::xdr::TransactionMeta =
        from_base64(got["resultMetaXdr"].as_str().unwrap()).unwrap();
    match meta {
        soroban_env_host::xdr::TransactionMeta::V4(v4) => {
            v4.soroban_meta.unwrap().return_value.unwrap()
        }
        other => panic!("meta {other:?}"),
    }
}

pub fn result_of(got: &Value) -> TransactionResult {
    let field = if got.get("errorResultXdr").is_some() {
        "errorResultXdr"
    } else {
        "resultXdr"
    };
    from_base64(got[field].as_str().unwrap()).unwrap()
}

pub fn address(key: &SigningKey) -> ScVal {
    ScVal::Address(ScAddress::Account(id(key)))
}

pub fn string(s: &str) -> ScVal {
    ScVal::String(soroban_env_host::xdr::ScString(s.try_into().unwrap()))
}

pub fn i128_val(v: i128) -> ScVal {
    ScVal::I128(soroban_env_host::xdr::Int128Parts {
        hi: (v >> 64) as i64,
        lo: v as u64,
    })
}

/// Signatures of `hash` by each of `keys`, in order.
pub fn signatures(hash: &[u8; 32], keys: &[&SigningKey]) -> Vec<DecoratedSignature> {
    use ed25519_dalek::Signer;
    keys.iter()
        .map(|key| {
            let public = key.verifying_key().to_bytes();
            DecoratedSignature {
                hint: SignatureHint(public[28..32].try_into().unwrap()),
                signature: Signature(key.sign(hash).to_bytes().to_vec().try_into().unwrap()),
            }
        })
        .collect()
}

/// Signs a transaction with each of `keys`, in order (none: an unsigned envelope).
pub fn sign_all(
    tx: Transaction,
    keys: &[&SigningKey],
    network_id: [u8; 32],
) -> TransactionEnvelope {
    let mut e = TransactionV1Envelope {
        tx,
        signatures: Default::default(),
    };
    let hash = TransactionEnvelope::Tx(e.clone())
        .hash(network_id)
        .expect("a transaction hashes");
    e.signatures = signatures(&hash, keys).try_into().unwrap();
    TransactionEnvelope::Tx(e)
}

/// `inner` (a v1 envelope) in a fee bump that `payer` pays, bidding `fee` in all, signed by
/// each of `keys`.
pub fn fee_bump(
    inner: TransactionEnvelope,
    payer: &SigningKey,
    fee: i64,
    keys: &[&SigningKey],
    network_id: [u8; 32],
) -> TransactionEnvelope {
    let TransactionEnvelope::Tx(inner) = inner else {
        panic!("a v1 envelope")
    };
    let mut e = FeeBumpTransactionEnvelope {
        tx: FeeBumpTransaction {
            fee_source: MuxedAccount::Ed25519(U(payer.verifying_key().to_bytes())),
            fee,
            inner_tx: FeeBumpTransactionInnerTx::Tx(inner),
            ext: FeeBumpTransactionExt::V0,
        },
        signatures: Default::default(),
    };
    let hash = TransactionEnvelope::TxFeeBump(e.clone())
        .hash(network_id)
        .expect("a transaction hashes");
    e.signatures = signatures(&hash, keys).try_into().unwrap();
    TransactionEnvelope::TxFeeBump(e)
}

/// The native asset's contract, which every network has from genesis.
pub fn native_asset(net: &Net) -> ScAddress {
    use soroban_env_host::xdr::{ContractId, HashIdPreimage, HashIdPreimageContractId};
    let preimage = HashIdPreimage::ContractId(HashIdPreimageContractId {
        network_id: Hash(net.network_id()),
        contract_id_preimage: ContractIdPreimage::Asset(soroban_env_host::xdr::Asset::Native),
    });
    let id = hashshare_node::xdr::sha256(&hashshare_node::xdr::encode(&preimage));
    ScAddress::Contract(ContractId(Hash(id)))
}
