//! One client for every network, over Stellar RPC (through stellar-rpc-client, the library
//! stellar-cli uses). Every operation is a real transaction: simulate; sign each authorization
//! entry of another address with its identity; simulate again with the signatures, so the
//! resources count their verification; assemble (resources, resource fee, inclusion fee); sign
//! the envelope; send; wait for the result.
use std::time::{Duration, Instant};

use ed25519_dalek::Signer;
use sha2::{Digest, Sha256};
use stellar_rpc_client::{self as rpc, AuthMode};
use stellar_xdr::{
    AccountId, Asset, ChangeTrustAsset, ChangeTrustOp, ContractDataDurability, ContractEvent,
    ContractExecutable, ContractId, ContractIdPreimage, ContractIdPreimageFromAddress,
    CreateContractArgs, CreateContractArgsV2, DecoratedSignature, Hash, HashIdPreimage,
    HashIdPreimageContractId, HashIdPreimageSorobanAuthorization, HostFunction,
    InvokeHostFunctionOp, LedgerKey, LedgerKeyContractCode, LedgerKeyContractData, Limits, Memo,
    MuxedAccount, Operation, OperationBody, Preconditions, PublicKey, ReadXdr, ScAddress, ScBytes,
    ScMap, ScMapEntry, ScSymbol, ScVal, ScVec, SequenceNumber, Signature, SignatureHint,
    SorobanAddressCredentials, SorobanAuthorizationEntry, SorobanAuthorizedFunction,
    SorobanCredentials, Transaction, TransactionEnvelope, TransactionExt, TransactionMeta,
    TransactionResult, TransactionResultResult, TransactionV1Envelope, Uint256, WriteXdr,
};

use crate::{
    error::{from_panic_message, CliError},
    identity::Identity,
    networks::Network,
};

/// The inclusion fee bid per transaction, in stroops (the network minimum).
const INCLUSION_FEE: u32 = 100;
/// How many ledgers a signed authorization stays valid for (about five minutes of ledgers).
const AUTH_LEDGERS: u32 = 60;
/// How long to wait for a sent transaction.
const WAIT: Duration = Duration::from_secs(60);

/// One authorization asked deeper in a call that `signer` gives: the one `contract.function`
/// asks for.
pub struct Consent<'a> {
    pub signer: &'a Identity,
    pub contract: ScAddress,
    pub function: &'static str,
}

/// What a transaction did.
#[derive(Debug)]
pub struct Sent {
    pub hash: String,
    /// Stroops the fee source was charged.
    pub fee_charged: i64,
    pub return_value: Option<ScVal>,
    pub events: Vec<ContractEvent>,
}

pub struct Client {
    rpc: rpc::Client,
    runtime: tokio::runtime::Runtime,
    pub network: Network,
    network_id: [u8; 32],
}

fn unreachable(network: &Network, e: impl std::fmt::Display) -> CliError {
    CliError::Network(format!(
        "cannot reach the {} network's RPC at {}: {e}",
        network.name, network.rpc_url
    ))
}

pub fn account_id(address: &str) -> Result<AccountId, CliError> {
    let key = stellar_strkey::ed25519::PublicKey::from_string(address)
        .map_err(|_| CliError::invalid("address", address, "not a G… account address"))?;
    Ok(AccountId(PublicKey::PublicKeyTypeEd25519(Uint256(key.0))))
}

/// A contract's address from its `C…` id.
pub fn contract_address(id: &str) -> Result<ScAddress, CliError> {
    let contract = stellar_strkey::Contract::from_string(id)
        .map_err(|_| CliError::invalid("contract id", id, "not a C… contract id"))?;
    Ok(ScAddress::Contract(ContractId(Hash(contract.0))))
}

impl Client {
    /// The id (`C…`) of the contract `deployer` deploys under `salt` on this network.
    pub fn contract_id_of(&self, deployer: &Identity, salt: [u8; 32]) -> String {
        let preimage = HashIdPreimage::ContractId(HashIdPreimageContractId {
            network_id: Hash(self.network_id),
            contract_id_preimage: ContractIdPreimage::Address(ContractIdPreimageFromAddress {
                address: ScAddress::Account(AccountId(PublicKey::PublicKeyTypeEd25519(Uint256(
                    deployer.key.verifying_key().to_bytes(),
                )))),
                salt: Uint256(salt),
            }),
        });
        let id: [u8; 32] =
            Sha256::digest(preimage.to_xdr(Limits::none()).expect("a preimage encodes")).into();
        stellar_strkey::Contract(id).to_string()
    }

    fn exists(&self, key: LedgerKey) -> Result<bool, CliError> {
        let found = self
            .runtime
            .block_on(self.rpc.get_ledger_entries(&[key]))
            .map_err(|e| unreachable(&self.network, e))?;
        Ok(found.entries.is_some_and(|e| !e.is_empty()))
    }

    /// Whether code of this hash is on the network (and live).
    pub fn code_exists(&self, hash: &Hash) -> Result<bool, CliError> {
        self.exists(LedgerKey::ContractCode(LedgerKeyContractCode {
            hash: hash.clone(),
        }))
    }

    /// Whether the contract `id` exists.
    pub fn contract_exists(&self, id: &str) -> Result<bool, CliError> {
        self.exists(LedgerKey::ContractData(LedgerKeyContractData {
            contract: contract_address(id)?,
            key: ScVal::LedgerKeyContractInstance,
            durability: ContractDataDurability::Persistent,
        }))
    }

    /// Connects, checking that the server is the network asked for (its passphrase).
    pub fn connect(network: &Network) -> Result<Client, CliError> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| CliError::Network(format!("cannot start the RPC client: {e}")))?;
        let rpc = rpc::Client::new(&network.rpc_url).map_err(|e| unreachable(network, e))?;
        let served = runtime
            .block_on(rpc.get_network())
            .map_err(|e| unreachable(network, e))?;
        if served.passphrase != network.passphrase {
            return Err(CliError::Network(format!(
                "the RPC at {} serves the network \"{}\", not \"{}\"",
                network.rpc_url, served.passphrase, network.passphrase
            )));
        }
        Ok(Client {
            rpc,
            runtime,
            network: network.clone(),
            network_id: Sha256::digest(network.passphrase.as_bytes()).into(),
        })
    }

    /// A JSON-RPC call the library has no method for (a field it does not parse, the dev
    /// clock): its `result`.
    fn raw(&self, method: &str, params: serde_json::Value) -> Result<serde_json::Value, CliError> {
        let body =
            serde_json::json!({ "jsonrpc": "2.0", "id": 1, "method": method, "params": params });
        let answer: serde_json::Value = ureq::post(&self.network.rpc_url)
            .send_json(body)
            .map_err(|e| unreachable(&self.network, e))?
            .into_json()
            .map_err(|e| unreachable(&self.network, e))?;
        if let Some(error) = answer.get("error") {
            return Err(CliError::Network(format!(
                "{method}: {}",
                error["message"].as_str().unwrap_or("refused")
            )));
        }
        Ok(answer["result"].clone())
    }

    /// The latest ledger's sequence number.
    pub fn latest_ledger(&self) -> Result<u32, CliError> {
        let latest = self
            .runtime
            .block_on(self.rpc.get_latest_ledger())
            .map_err(|e| unreachable(&self.network, e))?;
        Ok(latest.sequence)
    }

    /// The latest ledger's close time (unix seconds): the network's clock.
    pub fn latest_close_time(&self) -> Result<u64, CliError> {
        let latest = self.raw("getLatestLedger", serde_json::json!({}))?;
        latest["closeTime"]
            .as_str()
            .and_then(|t| t.parse().ok())
            .ok_or_else(|| CliError::Network("getLatestLedger gave no closeTime".into()))
    }

    /// Moves a `hashshare node --dev-time` network's clock forward; the ledger closed then.
    pub fn advance_time(&self, seconds: u64) -> Result<u64, CliError> {
        let closed = self
            .raw(
                "hashshare_advanceTime",
                serde_json::json!({ "seconds": seconds }),
            )
            .map_err(|e| {
                CliError::Network(format!(
                    "{e} (only `hashshare node --dev-time` moves its clock)"
                ))
            })?;
        Ok(closed["sequence"].as_u64().unwrap_or(0))
    }

    /// Every event `contract` emitted from `start_ledger` on, as (topics, data), oldest first.
    /// `getEvents` page by page: an RPC scans a window of ledgers per call (10,000 on
    /// stellar-rpc), so an empty page is not the end — the end is a page short of the limit
    /// whose cursor has reached the latest ledger. A cursor that does not move forward, or
    /// more pages than any real history, is refused rather than followed forever.
    pub fn contract_events(
        &self,
        contract: &str,
        start_ledger: u32,
    ) -> Result<Vec<(Vec<ScVal>, ScVal)>, CliError> {
        const LIMIT: usize = 200;
        const MAX_PAGES: usize = 10_000;
        let refused = |why: &str| CliError::Network(format!("getEvents: {why}"));
        let decode = |x: &serde_json::Value| {
            ScVal::from_xdr_base64(x.as_str().unwrap_or_default(), Limits::none())
                .map_err(|e| refused(&format!("a bad value: {e}")))
        };
        // `<toid>-<index>`, the toid's high 32 bits being the ledger.
        let position = |cursor: &str| -> Option<(u64, u64)> {
            let (toid, index) = cursor.split_once('-')?;
            Some((toid.parse().ok()?, index.parse().ok()?))
        };
        let filters = serde_json::json!([{ "type": "contract", "contractIds": [contract] }]);
        let mut params = serde_json::json!({
            "startLedger": start_ledger,
            "filters": filters,
            "pagination": { "limit": LIMIT },
        });
        let mut events = Vec::new();
        let mut last = None;
        for _ in 0..MAX_PAGES {
            let page = self.raw("getEvents", params)?;
            let got = page["events"].as_array().cloned().unwrap_or_default();
            for event in &got {
                let topics = event["topic"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(decode)
                    .collect::<Result<Vec<_>, _>>()?;
                events.push((topics, decode(&event["value"])?));
            }
            let cursor = page["cursor"].as_str().unwrap_or_default().to_string();
            let at = position(&cursor).ok_or_else(|| refused("a page without a cursor"))?;
            if last.is_some_and(|previous| at <= previous) {
                return Err(refused("its cursor did not move forward"));
            }
            let latest = page["latestLedger"].as_u64().unwrap_or(0);
            if got.len() < LIMIT && at.0 >> 32 >= latest {
                return Ok(events);
            }
            last = Some(at);
            params = serde_json::json!({
                "filters": filters,
                "pagination": { "cursor": cursor, "limit": LIMIT },
            });
        }
        Err(refused(&format!("more than {MAX_PAGES} pages of events")))
    }

    /// The sha256 of the code a contract runs (hex).
    pub fn wasm_hash_of(&self, id: &str) -> Result<String, CliError> {
        let contract = stellar_strkey::Contract::from_string(id)
            .map_err(|_| CliError::invalid("contract id", id, "not a C… contract id"))?;
        let instance = self
            .runtime
            .block_on(self.rpc.get_contract_instance(&contract.0))
            .map_err(|e| CliError::Network(format!("cannot read contract {id}: {e}")))?;
        match instance.executable {
            ContractExecutable::Wasm(hash) => Ok(hex(&hash)),
            ContractExecutable::StellarAsset => Ok("stellar asset contract".into()),
        }
    }

    /// Funds `address` through the network's friendbot (local, testnet and futurenet have one).
    pub fn fund(&self, address: &str) -> Result<(), CliError> {
        let url = self
            .runtime
            .block_on(self.rpc.friendbot_url())
            .map_err(|_| {
                CliError::Network(format!(
                    "the {} network has no friendbot",
                    self.network.name
                ))
            })?;
        match ureq::get(&url).query("addr", address).call() {
            Ok(_) => Ok(()),
            // Friendbot refuses an account it already funded; that is funded too.
            Err(ureq::Error::Status(_, response)) => {
                let body = response.into_string().unwrap_or_default();
                if body.contains("already funded") || body.contains("createAccountAlreadyExist") {
                    Ok(())
                } else {
                    Err(CliError::Network(format!(
                        "friendbot refused {address}: {body}"
                    )))
                }
            }
            Err(e) => Err(CliError::Network(format!(
                "cannot reach friendbot at {url}: {e}"
            ))),
        }
    }

    /// The account's next sequence number.
    fn next_seq(&self, address: &str) -> Result<i64, CliError> {
        let account = self
            .runtime
            .block_on(self.rpc.get_account(address))
            .map_err(|_| {
                CliError::Network(format!(
                    "the account {address} does not exist on {}: fund it first (`hashshare keys fund`)",
                    self.network.name
                ))
            })?;
        Ok(account.seq_num.0 + 1)
    }

    fn transaction(
        &self,
        source: &str,
        seq: i64,
        body: OperationBody,
    ) -> Result<Transaction, CliError> {
        Ok(Transaction {
            source_account: MuxedAccount::Ed25519(Uint256(account_id(source).map(
                |a| match a.0 {
                    PublicKey::PublicKeyTypeEd25519(k) => k.0,
                },
            )?)),
            fee: INCLUSION_FEE,
            seq_num: SequenceNumber(seq),
            cond: Preconditions::None,
            memo: Memo::None,
            operations: vec![Operation {
                source_account: None,
                body,
            }]
            .try_into()
            .expect("one operation"),
            ext: TransactionExt::V0,
        })
    }

    fn simulate(
        &self,
        tx: &Transaction,
        mode: AuthMode,
    ) -> Result<rpc::SimulateTransactionResponse, CliError> {
        let envelope = TransactionEnvelope::Tx(TransactionV1Envelope {
            tx: tx.clone(),
            signatures: Default::default(),
        });
        let sim = self
            .runtime
            .block_on(
                self.rpc
                    .simulate_transaction_envelope(&envelope, Some(mode)),
            )
            .map_err(|e| unreachable(&self.network, e))?;
        if let Some(error) = &sim.error {
            return Err(CliError::Call {
                step: "simulation".into(),
                error: from_panic_message(error),
            });
        }
        Ok(sim)
    }

    /// Reads a contract function's result by simulation alone (nothing is sent or paid).
    pub fn read(&self, source: &str, function: HostFunction) -> Result<ScVal, CliError> {
        let tx = self.transaction(
            source,
            0,
            OperationBody::InvokeHostFunction(InvokeHostFunctionOp {
                host_function: function,
                auth: Default::default(),
            }),
        )?;
        let sim = self.simulate(&tx, AuthMode::Record)?;
        let results = sim.results().map_err(|e| unreachable(&self.network, e))?;
        results
            .into_iter()
            .next()
            .map(|r| r.xdr)
            .ok_or_else(|| CliError::Network("the simulation returned no result".into()))
    }

    /// Invokes `function` as `source`; `signers` sign the authorizations of this very call
    /// that name them.
    pub fn invoke(
        &self,
        source: &Identity,
        function: HostFunction,
        signers: &[&Identity],
    ) -> Result<Sent, CliError> {
        self.invoke_with(source, function, signers, None)
    }

    /// As [`Client::invoke`]; `consent` also lets one identity sign one authorization asked
    /// deeper in the call (the operator's, which the oracle asks inside the share token's
    /// constructor). Nothing else is signed: an entry of another invocation (one a contract
    /// or a dishonest RPC slipped in), an entry of the source by address (a bearer signature)
    /// and any entry of an upload are refused.
    pub fn invoke_with(
        &self,
        source: &Identity,
        function: HostFunction,
        signers: &[&Identity],
        consent: Option<&Consent>,
    ) -> Result<Sent, CliError> {
        let address = source.address();
        let seq = self.next_seq(&address)?;
        let op = |auth: Vec<SorobanAuthorizationEntry>| {
            OperationBody::InvokeHostFunction(InvokeHostFunctionOp {
                host_function: function.clone(),
                auth: auth.try_into().expect("auth entries fit"),
            })
        };
        let mut tx = self.transaction(&address, seq, op(vec![]))?;
        let mode = if consent.is_some() {
            AuthMode::RecordAllowNonRoot
        } else {
            AuthMode::Record
        };
        let sim = self.simulate(&tx, mode)?;
        let recorded: Vec<SorobanAuthorizationEntry> = sim
            .results()
            .map_err(|e| unreachable(&self.network, e))?
            .into_iter()
            .flat_map(|r| r.auth)
            .collect();
        let expiration = sim
            .latest_ledger
            .checked_add(AUTH_LEDGERS)
            .ok_or_else(|| CliError::Network("the RPC's latest ledger is out of range".into()))?;
        let signed = recorded
            .into_iter()
            .map(|entry| {
                let signer = self.signer_for(&entry, &function, source, signers, consent)?;
                match signer {
                    Some(signer) => self.authorize(entry, signer, expiration),
                    None => Ok(entry),
                }
            })
            .collect::<Result<Vec<_>, _>>()?;
        let needs_second = signed
            .iter()
            .any(|e| matches!(e.credentials, SorobanCredentials::Address(_)));
        tx.operations = vec![Operation {
            source_account: None,
            body: op(signed),
        }]
        .try_into()
        .expect("one operation");
        let sim = if needs_second {
            self.simulate(&tx, AuthMode::Enforce)?
        } else {
            sim
        };
        let data = sim
            .transaction_data()
            .map_err(|e| unreachable(&self.network, e))?;
        // The fee bid: the inclusion fee and the resource fee the transaction declares.
        let fee = u64::try_from(data.resource_fee)
            .ok()
            .and_then(|r| r.checked_add(INCLUSION_FEE as u64))
            .and_then(|f| u32::try_from(f).ok())
            .ok_or_else(|| {
                CliError::Network(format!(
                    "a resource fee of {} stroops is more than a transaction can bid",
                    data.resource_fee
                ))
            })?;
        tx.fee = fee;
        tx.ext = TransactionExt::V1(data);
        self.send(tx, source)
    }

    /// Who signs `entry`: nobody for the source account's own credentials; an identity for
    /// an address's entry of this call (or of the one consent allowed); else refused.
    fn signer_for<'a>(
        &self,
        entry: &SorobanAuthorizationEntry,
        function: &HostFunction,
        source: &Identity,
        signers: &[&'a Identity],
        consent: Option<&'a Consent>,
    ) -> Result<Option<&'a Identity>, CliError> {
        let SorobanCredentials::Address(credentials) = &entry.credentials else {
            return Ok(None);
        };
        let refused = |why: String| CliError::Refused(format!("not signing: {why}"));
        let who = match &credentials.address {
            ScAddress::Account(AccountId(PublicKey::PublicKeyTypeEd25519(Uint256(k)))) => *k,
            other => return Err(refused(format!("an authorization of {other:?}"))),
        };
        let who_address = stellar_strkey::ed25519::PublicKey(who).to_string();
        if matches!(function, HostFunction::UploadContractWasm(_)) {
            return Err(refused("an upload needs no authorization".into()));
        }
        if who == source.key.verifying_key().to_bytes() {
            return Err(refused(format!(
                "an authorization of the source {who_address} by address (the transaction's                  signature authorizes its source)"
            )));
        }
        let of_this_call = match (&entry.root_invocation.function, function) {
            (SorobanAuthorizedFunction::ContractFn(a), HostFunction::InvokeContract(b)) => a == b,
            (
                SorobanAuthorizedFunction::CreateContractV2HostFn(a),
                HostFunction::CreateContractV2(b),
            ) => a == b,
            _ => false,
        };
        if of_this_call {
            return signers
                .iter()
                .find(|s| s.key.verifying_key().to_bytes() == who)
                .copied()
                .map(Some)
                .ok_or_else(|| CliError::NeedsSignature {
                    step: "this call".into(),
                    signer: format!("{who_address} (pass --sign-with NAME)"),
                });
        }
        if let Some(c) = consent {
            let asked = match &entry.root_invocation.function {
                SorobanAuthorizedFunction::ContractFn(f) => {
                    f.contract_address == c.contract
                        && f.function_name.0.as_slice() == c.function.as_bytes()
                }
                _ => false,
            };
            if asked && c.signer.key.verifying_key().to_bytes() == who {
                return Ok(Some(c.signer));
            }
        }
        Err(refused(format!(
            "an authorization by {who_address} of another invocation than this call's"
        )))
    }

    /// Uploads contract code as `source`; its hash.
    pub fn upload(&self, source: &Identity, wasm: &[u8]) -> Result<(Hash, Sent), CliError> {
        let code = wasm
            .to_vec()
            .try_into()
            .map_err(|_| CliError::invalid("wasm", "", "larger than any contract"))?;
        let sent = self.invoke(source, HostFunction::UploadContractWasm(code), &[])?;
        let hash = Hash(Sha256::digest(wasm).into());
        Ok((hash, sent))
    }

    /// Deploys `wasm_hash` as `source` (the deployer, whose address and `salt` make the
    /// contract's), running its constructor with `args`; the contract's address.
    pub fn deploy(
        &self,
        source: &Identity,
        wasm_hash: &Hash,
        salt: [u8; 32],
        args: Vec<ScVal>,
        consent: Option<&Consent>,
    ) -> Result<(ScAddress, Sent), CliError> {
        let function = HostFunction::CreateContractV2(CreateContractArgsV2 {
            contract_id_preimage: ContractIdPreimage::Address(ContractIdPreimageFromAddress {
                address: ScAddress::Account(account_id(&source.address())?),
                salt: Uint256(salt),
            }),
            executable: ContractExecutable::Wasm(wasm_hash.clone()),
            constructor_args: args
                .try_into()
                .map_err(|_| CliError::invalid("constructor arguments", "", "too many"))?,
        });
        let sent = self.invoke_with(source, function, &[], consent)?;
        match &sent.return_value {
            Some(ScVal::Address(address)) => Ok((address.clone(), sent)),
            other => Err(CliError::Network(format!("the deploy returned {other:?}"))),
        }
    }

    /// Deploys the Stellar Asset Contract of a classic asset (anyone may); its address.
    pub fn deploy_asset_contract(&self, source: &Identity, asset: Asset) -> Result<Sent, CliError> {
        let function = HostFunction::CreateContract(CreateContractArgs {
            contract_id_preimage: ContractIdPreimage::Asset(asset),
            executable: ContractExecutable::StellarAsset,
        });
        self.invoke(source, function, &[])
    }

    /// Adds (or keeps) `source`'s trustline to a classic asset, with no limit: a classic
    /// `ChangeTrust` operation.
    pub fn trust(&self, source: &Identity, asset: Asset) -> Result<Sent, CliError> {
        let line = match asset {
            Asset::CreditAlphanum4(a) => ChangeTrustAsset::CreditAlphanum4(a),
            Asset::CreditAlphanum12(a) => ChangeTrustAsset::CreditAlphanum12(a),
            Asset::Native => {
                return Err(CliError::invalid(
                    "asset",
                    "native",
                    "lumens need no trustline",
                ))
            }
        };
        let address = source.address();
        let tx = self.transaction(
            &address,
            self.next_seq(&address)?,
            OperationBody::ChangeTrust(ChangeTrustOp {
                line,
                limit: i64::MAX,
            }),
        )?;
        self.send(tx, source)
    }

    /// Signs an address's authorization entry with that address's identity.
    fn authorize(
        &self,
        entry: SorobanAuthorizationEntry,
        signer: &Identity,
        expiration: u32,
    ) -> Result<SorobanAuthorizationEntry, CliError> {
        let SorobanCredentials::Address(credentials) = &entry.credentials else {
            return Ok(entry);
        };
        let who = signer.key.verifying_key().to_bytes();
        let preimage = HashIdPreimage::SorobanAuthorization(HashIdPreimageSorobanAuthorization {
            network_id: Hash(self.network_id),
            nonce: credentials.nonce,
            signature_expiration_ledger: expiration,
            invocation: entry.root_invocation.clone(),
        });
        let payload: [u8; 32] =
            Sha256::digest(preimage.to_xdr(Limits::none()).expect("a preimage encodes")).into();
        let signature = signer.key.sign(&payload).to_bytes();
        let bytes = |b: &[u8]| ScVal::Bytes(ScBytes(b.to_vec().try_into().expect("short bytes")));
        let symbol = |s: &str| ScVal::Symbol(ScSymbol(s.try_into().expect("a symbol")));
        let signature = ScVal::Vec(Some(ScVec(
            vec![ScVal::Map(Some(ScMap(
                vec![
                    ScMapEntry {
                        key: symbol("public_key"),
                        val: bytes(&who),
                    },
                    ScMapEntry {
                        key: symbol("signature"),
                        val: bytes(&signature),
                    },
                ]
                .try_into()
                .expect("two entries"),
            )))]
            .try_into()
            .expect("one signature"),
        )));
        Ok(SorobanAuthorizationEntry {
            credentials: SorobanCredentials::Address(SorobanAddressCredentials {
                address: credentials.address.clone(),
                nonce: credentials.nonce,
                signature_expiration_ledger: expiration,
                signature,
            }),
            root_invocation: entry.root_invocation,
        })
    }

    /// Signs the envelope as `source`, sends it and waits for its result.
    fn send(&self, tx: Transaction, source: &Identity) -> Result<Sent, CliError> {
        let mut envelope = TransactionV1Envelope {
            tx,
            signatures: Default::default(),
        };
        let hash = TransactionEnvelope::Tx(envelope.clone())
            .hash(self.network_id)
            .expect("a transaction hashes");
        let public = source.key.verifying_key().to_bytes();
        envelope.signatures = vec![DecoratedSignature {
            hint: SignatureHint(public[28..].try_into().expect("4 bytes")),
            signature: Signature(
                source
                    .key
                    .sign(&hash)
                    .to_bytes()
                    .to_vec()
                    .try_into()
                    .expect("64 bytes"),
            ),
        }]
        .try_into()
        .expect("one signature");
        let envelope = TransactionEnvelope::Tx(envelope);
        let hash = Hash(hash);
        // The queue takes one transaction per source account: asked to wait, send again.
        let encoded = envelope
            .to_xdr_base64(Limits::none())
            .expect("an envelope encodes");
        let start = Instant::now();
        loop {
            let sent = self.raw(
                "sendTransaction",
                serde_json::json!({ "transaction": encoded }),
            )?;
            match sent["status"].as_str() {
                Some("PENDING") | Some("DUPLICATE") => break,
                Some("TRY_AGAIN_LATER") if start.elapsed() < WAIT => {
                    std::thread::sleep(Duration::from_millis(500))
                }
                Some("ERROR") => {
                    let result = sent["errorResultXdr"]
                        .as_str()
                        .and_then(|x| TransactionResult::from_xdr_base64(x, Limits::none()).ok());
                    return Err(CliError::Stellar(format!(
                        "the transaction was refused: {}",
                        failure(result.as_ref())
                    )));
                }
                other => {
                    return Err(CliError::Network(format!(
                        "sendTransaction answered {other:?}"
                    )))
                }
            }
        }
        // Sent: from here on a failure to learn the outcome is not "nothing happened" (exit
        // 2) but an outcome to look up before sending again (exit 1).
        let unknown = |why: String| {
            CliError::Stellar(format!(
                "transaction {} was sent but its outcome is unknown ({why}): look it up (getTransaction) before sending it again",
                hex(&hash)
            ))
        };
        let start = Instant::now();
        loop {
            let got = self
                .runtime
                .block_on(self.rpc.get_transaction(&hash))
                .map_err(|e| unknown(e.to_string()))?;
            match got.status.as_str() {
                "SUCCESS" => return Ok(sent(hash, got.result, got.result_meta)),
                "FAILED" => {
                    return Err(CliError::Stellar(format!(
                        "transaction {} failed: {}",
                        hex(&hash),
                        failure(got.result.as_ref())
                    )))
                }
                _ if start.elapsed() > WAIT => {
                    return Err(unknown(format!(
                        "not in a ledger after {} s",
                        WAIT.as_secs()
                    )))
                }
                _ => std::thread::sleep(Duration::from_millis(200)),
            }
        }
    }
}

fn hex(hash: &Hash) -> String {
    hash.0.iter().map(|b| format!("{b:02x}")).collect()
}

fn sent(hash: Hash, result: Option<TransactionResult>, meta: Option<TransactionMeta>) -> Sent {
    let (return_value, events) = match meta {
        Some(TransactionMeta::V4(v4)) => (
            v4.soroban_meta.and_then(|s| s.return_value),
            v4.operations
                .iter()
                .flat_map(|o| o.events.iter().cloned())
                .collect(),
        ),
        _ => (None, vec![]),
    };
    Sent {
        hash: hex(&hash),
        fee_charged: result.map_or(0, |r| r.fee_charged),
        return_value,
        events,
    }
}

/// Why an applied transaction failed, in the words of its result.
fn failure(result: Option<&TransactionResult>) -> String {
    match result.map(|r| &r.result) {
        Some(TransactionResultResult::TxFailed(ops)) => ops
            .iter()
            .map(|op| format!("{op:?}"))
            .collect::<Vec<_>>()
            .join(", "),
        Some(other) => format!("{other:?}"),
        None => "no result".into(),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    //! The client against a node run in process, as it meets any network.
    use std::sync::Arc;

    use hashshare_node::node::{Config, Node};
    use stellar_xdr::{Int128Parts, InvokeContractArgs, ScString};

    use super::*;
    use crate::{identity::Identities, networks::LOCAL_PASSPHRASE};

    pub(crate) fn serve() -> (Arc<Node>, Network) {
        let node = Node::open(Config {
            ledger_seconds: 1,
            ..Config::default()
        })
        .unwrap();
        node.start_closer();
        let addr = hashshare_node::server::spawn(node.clone()).unwrap();
        let network = Network {
            name: "local".into(),
            rpc_url: format!("http://{addr}/rpc"),
            passphrase: LOCAL_PASSPHRASE.into(),
        };
        (node, network)
    }

    pub(crate) fn address(identity: &Identity) -> ScVal {
        ScVal::Address(ScAddress::Account(account_id(&identity.address()).unwrap()))
    }

    pub(crate) fn string(s: &str) -> ScVal {
        ScVal::String(ScString(s.as_bytes().to_vec().try_into().unwrap()))
    }

    pub(crate) fn amount(v: i128) -> ScVal {
        ScVal::I128(Int128Parts {
            hi: (v >> 64) as i64,
            lo: v as u64,
        })
    }

    pub(crate) fn call(contract: &ScAddress, name: &str, args: Vec<ScVal>) -> HostFunction {
        HostFunction::InvokeContract(InvokeContractArgs {
            contract_address: contract.clone(),
            function_name: ScSymbol(name.try_into().unwrap()),
            args: args.try_into().unwrap(),
        })
    }

    #[test]
    fn uploads_deploys_invokes_and_signs_for_another_address() {
        let (_node, network) = serve();
        let config = tempfile::tempdir().unwrap();
        let identities = Identities::at(config.path());
        let admin = identities.generate("admin", false).unwrap();
        // The holder's identity written by hand in stellar-cli's `secret_key` format.
        std::fs::write(
            config.path().join("identity/holder.toml"),
            "secret_key = \"SBGWSG6BTNCKCOB3DIFBGCVMUPQFYPA2G4O34RMTB343OYPXU5DJDVMN\"\n",
        )
        .unwrap();
        let holder = identities.resolve("holder").unwrap();
        let client = Client::connect(&network).unwrap();
        client.fund(&admin.address()).unwrap();
        client.fund(&holder.address()).unwrap();
        client.fund(&holder.address()).unwrap(); // funding twice is fine

        let wasm = std::fs::read(crate::wasm::built_dir().join("plain_token.wasm")).unwrap();
        let (hash, uploaded) = client.upload(&admin, &wasm).unwrap();
        assert!(uploaded.fee_charged > 100, "an upload pays its resources");
        let (token, _) = client
            .deploy(
                &admin,
                &hash,
                [1; 32],
                vec![address(&admin), string("Plain"), string("PLN")],
                None,
            )
            .unwrap();
        client
            .invoke(
                &admin,
                call(&token, "mint", vec![address(&holder), amount(1_000)]),
                &[],
            )
            .unwrap();

        // The admin sends a transfer out of the holder's balance: the holder's authorization
        // entry is signed with its identity, and refused without it.
        let transfer = call(
            &token,
            "transfer",
            vec![address(&holder), address(&admin), amount(250)],
        );
        let refused = client.invoke(&admin, transfer.clone(), &[]).unwrap_err();
        assert!(
            matches!(refused, CliError::NeedsSignature { .. }),
            "{refused}"
        );
        let sent = client.invoke(&admin, transfer, &[&holder]).unwrap();
        assert!(sent.fee_charged > 100);
        assert_eq!(sent.hash.len(), 64);
        assert!(!sent.events.is_empty(), "the SEP-41 transfer event");
        let balance = client
            .read(
                &admin.address(),
                call(&token, "balance", vec![address(&holder)]),
            )
            .unwrap();
        assert_eq!(balance, amount(750));

        // A contract error comes back as the contract's code.
        let over = call(
            &token,
            "transfer",
            vec![address(&holder), address(&admin), amount(1_000_000)],
        );
        let failed = client.invoke(&admin, over, &[&holder]).unwrap_err();
        assert!(
            matches!(
                &failed,
                CliError::Call {
                    error: crate::error::CallError::Contract(_),
                    ..
                }
            ),
            "{failed}"
        );
    }

    #[test]
    fn a_wrong_passphrase_or_an_unreachable_rpc_is_one_clear_error() {
        let (_node, network) = serve();
        let wrong = Network {
            passphrase: "Test SDF Network ; September 2015".into(),
            ..network.clone()
        };
        let error = Client::connect(&wrong).err().unwrap();
        assert!(error.to_string().contains("serves the network"), "{error}");
        assert_eq!(error.exit_code(), crate::error::EXIT_INPUT);
        let nowhere = Network {
            rpc_url: "http://127.0.0.1:9/rpc".into(),
            ..network
        };
        let error = Client::connect(&nowhere).err().unwrap();
        assert!(error.to_string().contains("cannot reach"), "{error}");
    }
}
