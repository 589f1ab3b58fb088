//! The chain: the state, the transactions waiting for the next ledger, and the ledger close
//! that applies them and writes the ledger to the database in one SQL transaction.
use std::{collections::HashMap, path::Path};

use soroban_env_host::{
    budget::{AsBudget, Budget},
    xdr::{
        ContractEvent, DependentTxCluster, ExtensionPoint, GeneralizedTransactionSet, Hash,
        LedgerCloseMeta, LedgerCloseMetaExt, LedgerCloseMetaExtV1, LedgerCloseMetaV2,
        LedgerEntryData, LedgerHeader, LedgerHeaderHistoryEntry, LedgerHeaderHistoryEntryExt,
        ParallelTxExecutionStage, ParallelTxsComponent, StellarValue, StellarValueExt, TimePoint,
        TransactionEnvelope, TransactionEventStage, TransactionMeta, TransactionPhase,
        TransactionResult, TransactionResultMetaV1, TransactionResultPair, TransactionResultResult,
        TransactionSetV1, TxSetComponent, TxSetComponentTxsMaybeDiscountedFee,
    },
    CompilationContext, ErrorHandler, HostError, ModuleCache,
};

use crate::{
    apply::{self, soroban_data, Applied, Checked, Ledger},
    genesis::{genesis_state, Genesis},
    network::{LedgerLimits, Network},
    state::{ed25519_of, State, Stored},
    store::{EventRow, LedgerRow, LedgerWrite, Store, StoreError, TxRow},
    xdr::{encode, network_id, sha256},
    PROTOCOL_VERSION,
};

/// The transaction position of events after every transaction of a ledger: the largest a
/// TOID holds, as stellar-rpc's cursors put them.
const AFTER_ALL_TXS: u32 = (1 << 20) - 1;

/// What the transactions chosen for a ledger use of its limits.
#[derive(Clone, Default)]
struct LedgerUse {
    soroban_txs: u32,
    instructions: u64,
    disk_read_entries: u64,
    disk_read_bytes: u64,
    write_entries: u64,
    write_bytes: u64,
    size_bytes: u64,
    classic_ops: u32,
}

impl LedgerUse {
    /// Counts `checked` in if the ledger still has room for it.
    fn add(&mut self, checked: &Checked, limits: &LedgerLimits, max_ops: u32) -> bool {
        let mut next = self.clone();
        let size = encode(&checked.envelope).len() as u32;
        match apply::declared_resources(&checked.tx, size) {
            Some(r) => {
                next.soroban_txs += 1;
                next.instructions += r.instructions as u64;
                next.disk_read_entries += r.disk_read_entries as u64;
                next.disk_read_bytes += r.disk_read_bytes as u64;
                next.write_entries += r.write_entries as u64;
                next.write_bytes += r.write_bytes as u64;
                next.size_bytes += size as u64;
            }
            // A fee bump counts one more operation, as in stellar-core's tx sets.
            None => {
                next.classic_ops += checked.tx.operations.len() as u32 + checked.fee_bump as u32
            }
        }
        let fits = next.soroban_txs <= limits.txs
            && next.instructions <= limits.instructions
            && next.disk_read_entries <= limits.disk_read_entries as u64
            && next.disk_read_bytes <= limits.disk_read_bytes as u64
            && next.write_entries <= limits.write_entries as u64
            && next.write_bytes <= limits.write_bytes as u64
            && next.size_bytes <= limits.size_bytes as u64
            && next.classic_ops <= max_ops;
        if fits {
            *self = next;
        }
        fits
    }
}

/// What `sendTransaction` answers.
#[derive(Debug)]
pub enum Submission {
    Pending([u8; 32]),
    Duplicate([u8; 32]),
    /// The source already has a transaction waiting (stellar-core queues one per account).
    TryAgainLater([u8; 32]),
    /// Refused at validation, with the result stellar-core gives.
    Error([u8; 32], TransactionResult),
}

/// Wasm compiles outside any transaction's budget, as stellar-core compiles it.
#[derive(Clone)]
struct Compiler(Budget);

impl ErrorHandler for Compiler {
    fn map_err<T, E>(&self, res: Result<T, E>) -> Result<T, HostError>
    where
        soroban_env_host::Error: From<E>,
        E: std::fmt::Debug,
    {
        res.map_err(|e| HostError::from(soroban_env_host::Error::from(e)))
    }

    fn error(
        &self,
        error: soroban_env_host::Error,
        _: &str,
        _: &[soroban_env_host::Val],
    ) -> HostError {
        HostError::from(error)
    }
}

impl AsBudget for Compiler {
    fn as_budget(&self) -> &Budget {
        &self.0
    }
}

impl CompilationContext for Compiler {}

/// A compilation context with a budget no module exhausts.
fn compiler(network: &Network) -> Compiler {
    Compiler(
        Budget::try_from_configs(
            u64::MAX / 4,
            u64::MAX / 4,
            network.config.cpu_cost_params.clone(),
            network.config.memory_cost_params.clone(),
        )
        .expect("a budget from the network's cost parameters"),
    )
}

pub struct Chain {
    pub state: State,
    pub network: Network,
    pub passphrase: String,
    store: Store,
    module_cache: ModuleCache,
    pending: Vec<Checked>,
    /// The next sequence number of each source with queued transactions.
    queued_seq: HashMap<[u8; 32], i64>,
    /// Whether a ledger takes no more than the network's ledger-wide limits allow.
    pub ledger_limits: bool,
}

impl Chain {
    /// Opens the chain in `dir` (resuming it if it exists) or in memory.
    pub fn open(dir: Option<&Path>, genesis: &Genesis) -> Result<Chain, StoreError> {
        Chain::open_from(dir, genesis, None)
    }

    /// As [`Chain::open`]; a new chain starts from `snapshot` when one is given.
    pub fn open_from(
        dir: Option<&Path>,
        genesis: &Genesis,
        snapshot: Option<&soroban_ledger_snapshot::LedgerSnapshot>,
    ) -> Result<Chain, StoreError> {
        let path = dir.map(|d| d.join("node.sqlite"));
        let name = path
            .as_ref()
            .map_or("memory".into(), |p| p.display().to_string());
        let mut store = Store::open(path.as_deref(), &genesis.passphrase)?;
        let id = network_id(&genesis.passphrase);
        let (mut state, fresh) = match (store.load(id)?, snapshot) {
            (Some(_), Some(_)) => {
                return Err(StoreError::Corrupt(
                    name,
                    "it already holds a ledger: a snapshot is imported into a new directory".into(),
                ))
            }
            (Some(state), None) => (state, false),
            (None, Some(snapshot)) => (
                crate::snapshot::import(snapshot, genesis)
                    .map_err(|why| StoreError::Corrupt("the snapshot".into(), why))?,
                true,
            ),
            (None, None) => (genesis_state(genesis), true),
        };
        let from_genesis = fresh && snapshot.is_none();
        if fresh {
            let write = LedgerWrite {
                ledger: ledger_row(&state, &empty_meta(&state)),
                entries: state.take_touched(),
                transactions: vec![],
                events: vec![],
                passphrase: &genesis.passphrase,
                first: true,
            };
            store.commit(&write)?;
        }
        let network = Network::load(&state);
        let module_cache = ModuleCache::new(&compiler(&network)).expect("a module cache");
        let chain = Chain {
            state,
            network,
            passphrase: genesis.passphrase.clone(),
            store,
            module_cache,
            pending: vec![],
            queued_seq: HashMap::new(),
            ledger_limits: true,
        };
        let codes: Vec<Vec<u8>> = chain
            .state
            .iter()
            .filter_map(|(_, s)| match &s.entry.data {
                LedgerEntryData::ContractCode(c) => Some(c.code.to_vec()),
                _ => None,
            })
            .collect();
        for code in codes {
            chain.cache(&code);
        }
        let mut chain = chain;
        if from_genesis {
            chain.deploy_native_asset(genesis)?;
        }
        Ok(chain)
    }

    /// Ledger 2: the root account deploys the native asset's contract, as a transaction like
    /// any other (simulated, signed, applied), so XLM works through Soroban from the start.
    fn deploy_native_asset(&mut self, genesis: &Genesis) -> Result<(), StoreError> {
        use soroban_env_host::xdr::{
            ContractExecutable, ContractIdPreimage, CreateContractArgs, HostFunction,
            InvokeHostFunctionOp, Memo, MuxedAccount, Operation, OperationBody, Preconditions,
            SequenceNumber, SorobanAuthorizationEntry, SorobanTransactionData, Transaction,
            TransactionExt, TransactionV1Envelope, Uint256,
        };
        let root = crate::genesis::root_key(&genesis.passphrase);
        let root_id = crate::state::account_id(root.verifying_key().to_bytes());
        let host_function = HostFunction::CreateContract(CreateContractArgs {
            contract_id_preimage: ContractIdPreimage::Asset(soroban_env_host::xdr::Asset::Native),
            executable: ContractExecutable::StellarAsset,
        });
        let mut tx = Transaction {
            source_account: MuxedAccount::Ed25519(Uint256(root.verifying_key().to_bytes())),
            fee: 100,
            seq_num: SequenceNumber(self.next_seq(&root_id)),
            cond: Preconditions::None,
            memo: Memo::None,
            operations: vec![Operation {
                source_account: None,
                body: OperationBody::InvokeHostFunction(InvokeHostFunctionOp {
                    host_function: host_function.clone(),
                    auth: Default::default(),
                }),
            }]
            .try_into()
            .expect("one operation"),
            ext: TransactionExt::V0,
        };
        let unsigned = TransactionEnvelope::Tx(TransactionV1Envelope {
            tx: tx.clone(),
            signatures: Default::default(),
        });
        let request = crate::simulate::Request {
            transaction: &crate::xdr::to_base64(&unsigned),
            auth_mode: None,
            instruction_leeway: None,
            use_upgraded_auth: false,
        };
        let sim = crate::simulate::simulate(&self.state, &self.network.config, &request);
        let field = |name: &str| sim[name].as_str().map(str::to_string);
        let (Some(data), Some(fee)) = (field("transactionData"), field("minResourceFee")) else {
            return Err(StoreError::Corrupt("genesis".into(), format!("{sim}")));
        };
        let data: SorobanTransactionData =
            crate::xdr::from_base64(&data).expect("simulation's data decodes");
        let auth: Vec<SorobanAuthorizationEntry> = sim["results"][0]["auth"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|e| e.as_str().and_then(|t| crate::xdr::from_base64(t).ok()))
                    .collect()
            })
            .unwrap_or_default();
        tx.fee = 100 + fee.parse::<u32>().unwrap_or(0);
        tx.ext = TransactionExt::V1(data);
        tx.operations = vec![Operation {
            source_account: None,
            body: OperationBody::InvokeHostFunction(InvokeHostFunctionOp {
                host_function,
                auth: auth.try_into().expect("auth fits"),
            }),
        }]
        .try_into()
        .expect("one operation");
        let envelope = crate::node::sign(tx, &root, self.state.network_id);
        let close_time = self.state.close_time() + 1;
        match self.submit_own(envelope, close_time) {
            Submission::Pending(_) => {}
            other => {
                return Err(StoreError::Corrupt("genesis".into(), format!("{other:?}")));
            }
        }
        self.close_ledger(close_time)?;
        Ok(())
    }

    fn cache(&self, wasm: &[u8]) {
        // A module the host cannot parse is refused when it is uploaded; nothing to cache.
        let _ = self.module_cache.parse_and_cache_module_simple(
            &compiler(&self.network),
            PROTOCOL_VERSION,
            wasm,
        );
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn pending(&self) -> usize {
        self.pending.len()
    }

    /// The sequence number the account's next transaction must carry.
    pub fn next_seq(&self, account: &soroban_env_host::xdr::AccountId) -> i64 {
        let key = ed25519_of(account);
        match self.queued_seq.get(&key) {
            Some(seq) => *seq,
            None => self.state.account(account).map_or(0, |a| a.seq_num.0 + 1),
        }
    }

    /// Splits the queue into what fits in one ledger, in order, and what waits.
    fn fitting(&self, queue: Vec<Checked>) -> (Vec<Checked>, Vec<Checked>) {
        if !self.ledger_limits {
            return (queue, vec![]);
        }
        let limits = &self.network.ledger;
        let mut used = LedgerUse::default();
        let mut sources_left_behind = std::collections::HashSet::new();
        let (mut now, mut later) = (vec![], vec![]);
        for checked in queue {
            let source = ed25519_of(&apply::source_of(&checked.tx));
            // A source's later transactions wait behind its earlier ones.
            let fits = !sources_left_behind.contains(&source)
                && used.add(&checked, limits, self.state.header.max_tx_set_size);
            if fits {
                now.push(checked);
            } else {
                sources_left_behind.insert(source);
                later.push(checked);
            }
        }
        (now, later)
    }

    /// Validates a client's transaction for the next ledger and queues it: one per source
    /// account at a time, and no more fees waiting than their payer can afford, as
    /// stellar-core's transaction queue takes them.
    pub fn submit(&mut self, envelope: TransactionEnvelope, close_time: u64) -> Submission {
        self.queue(envelope, close_time, true)
    }

    /// Queues the node's own transactions (friendbot's), which may follow each other from
    /// one account within a ledger.
    pub fn submit_own(&mut self, envelope: TransactionEnvelope, close_time: u64) -> Submission {
        self.queue(envelope, close_time, false)
    }

    fn queue(
        &mut self,
        envelope: TransactionEnvelope,
        close_time: u64,
        client: bool,
    ) -> Submission {
        let hash = envelope.hash(self.state.network_id).unwrap_or_default();
        // DUPLICATE while it waits; once applied its sequence number is spent (txBAD_SEQ).
        if self.pending.iter().any(|c| c.hash == hash) {
            return Submission::Duplicate(hash);
        }
        let source = source_key(&envelope);
        if client && self.queued_seq.contains_key(&source) {
            return Submission::TryAgainLater(hash);
        }
        let expected = self.queued_seq.get(&source).copied();
        let checked =
            match apply::check(&self.state, &self.network, &envelope, close_time, expected) {
                Ok(checked) => checked,
                Err(result) => return Submission::Error(hash, result),
            };
        let waiting: i64 = self
            .pending
            .iter()
            .filter(|c| c.fee_source == checked.fee_source)
            .map(|c| c.fee_bid)
            .sum();
        let payer = self.state.account(&checked.fee_source).expect("checked");
        if client
            && apply::min_balance(&payer, self.state.header.base_reserve)
                + waiting
                + checked.fee_bid
                > payer.balance
        {
            return Submission::Error(
                hash,
                apply::refusal(TransactionResultResult::TxInsufficientBalance),
            );
        }
        self.queued_seq.insert(source, checked.tx.seq_num.0 + 1);
        self.pending.push(checked);
        Submission::Pending(hash)
    }

    /// Closes the next ledger at `close_time` with the queued transactions that fit in it
    /// (the network's ledger-wide limits, unless lifted); the rest wait for the next one.
    pub fn close_ledger(&mut self, close_time: u64) -> Result<u32, StoreError> {
        let seq = self.state.seq() + 1;
        let close_time = close_time.max(self.state.close_time() + 1);
        let queue = std::mem::take(&mut self.pending);
        let (pending, later) = self.fitting(queue);
        self.queued_seq.clear();
        for waiting in &later {
            let key = ed25519_of(&apply::source_of(&waiting.tx));
            let next = self.queued_seq.entry(key).or_insert(0);
            *next = (*next).max(waiting.tx.seq_num.0 + 1);
        }
        self.pending = later;
        let mut state = self.state.clone();
        let info = state.ledger_info(seq, close_time, &self.network.ttls);
        let mut ledger = Ledger {
            network: &self.network,
            info,
            module_cache: Some(self.module_cache.clone()),
            fee_pool: 0,
        };
        let mut applied: Vec<Applied> = Vec::new();
        for checked in &pending {
            // One that an earlier one of this ledger made invalid is dropped, as core drops it.
            if let Ok(a) = apply::apply(&mut state, &mut ledger, checked) {
                applied.push(a);
            }
        }
        let fee_pool = ledger.fee_pool;
        let previous = self.state.clone();
        let entries = state.take_touched();
        let header = next_header(&previous, &entries, seq, close_time, fee_pool, &applied);
        state.header = header;
        state.hash = sha256(&encode(&state.header));
        let meta = close_meta(&previous, &state, &applied);
        let mut write = LedgerWrite {
            ledger: ledger_row(&state, &meta),
            entries,
            transactions: vec![],
            events: vec![],
            passphrase: &self.passphrase,
            first: false,
        };
        // Fee events sort before every transaction's events (charges) or after them all
        // (refunds), numbered across the ledger, as stellar-rpc indexes them.
        let (mut charges, mut refunds) = (0, 0);
        for (i, a) in applied.iter().enumerate() {
            let order = i as u32 + 1;
            write.transactions.push(TxRow {
                hash: a.checked.hash,
                ledger: seq,
                application_order: order,
                envelope: encode(&a.checked.envelope),
                result: encode(&a.result),
                meta: encode(&a.meta),
                fee_bump: a.checked.fee_bump,
                success: a.success,
                close_time,
            });
            if let TransactionMeta::V4(v4) = &a.meta {
                for e in v4.events.iter() {
                    let (tx, counter) = match e.stage {
                        TransactionEventStage::BeforeAllTxs => (0, &mut charges),
                        _ => (AFTER_ALL_TXS, &mut refunds),
                    };
                    write
                        .events
                        .push(event_row(seq, tx, 0, *counter, a, &e.event));
                    *counter += 1;
                }
                for (op, op_meta) in v4.operations.iter().enumerate() {
                    for (index, event) in op_meta.events.iter().enumerate() {
                        write
                            .events
                            .push(event_row(seq, order, op as u32, index as u32, a, event));
                    }
                }
            }
        }
        self.store.commit(&write)?;
        // Code uploaded in this ledger is compiled for the next ones.
        for (_, stored) in &write.entries {
            if let Some(Stored { entry, .. }) = stored {
                if let LedgerEntryData::ContractCode(c) = &entry.data {
                    self.cache(&c.code);
                }
            }
        }
        self.state = state;
        Ok(seq)
    }
}

fn source_key(envelope: &TransactionEnvelope) -> [u8; 32] {
    let tx = match envelope {
        TransactionEnvelope::TxV0(e) => return e.tx.source_account_ed25519.0,
        TransactionEnvelope::Tx(e) => &e.tx,
        TransactionEnvelope::TxFeeBump(e) => {
            let soroban_env_host::xdr::FeeBumpTransactionInnerTx::Tx(inner) = &e.tx.inner_tx;
            &inner.tx
        }
    };
    match &tx.source_account {
        soroban_env_host::xdr::MuxedAccount::Ed25519(k) => k.0,
        soroban_env_host::xdr::MuxedAccount::MuxedEd25519(m) => m.ed25519.0,
    }
}

fn event_row(
    ledger: u32,
    tx: u32,
    op: u32,
    index: u32,
    a: &Applied,
    event: &ContractEvent,
) -> EventRow {
    EventRow {
        ledger,
        tx,
        op,
        index,
        tx_hash: a.checked.hash,
        success: a.success,
        event: encode(event),
    }
}

fn tx_set(previous: &State, applied: &[Applied]) -> GeneralizedTransactionSet {
    let (soroban, classic): (Vec<&Applied>, Vec<&Applied>) = applied
        .iter()
        .partition(|a| soroban_data(&a.checked.tx).is_some());
    let envelopes = |v: &[&Applied]| -> Vec<TransactionEnvelope> {
        v.iter().map(|a| a.checked.envelope.clone()).collect()
    };
    let classic_phase = TransactionPhase::V0(
        vec![TxSetComponent::TxsetCompTxsMaybeDiscountedFee(
            TxSetComponentTxsMaybeDiscountedFee {
                base_fee: None,
                txs: envelopes(&classic).try_into().expect("txs fit"),
            },
        )]
        .try_into()
        .expect("one component"),
    );
    let stages = if soroban.is_empty() {
        vec![]
    } else {
        vec![ParallelTxExecutionStage(
            vec![DependentTxCluster(
                envelopes(&soroban).try_into().expect("txs fit"),
            )]
            .try_into()
            .expect("one cluster"),
        )]
    };
    let soroban_phase = TransactionPhase::V1(ParallelTxsComponent {
        base_fee: None,
        execution_stages: stages.try_into().expect("stages fit"),
    });
    GeneralizedTransactionSet::V1(TransactionSetV1 {
        previous_ledger_hash: Hash(previous.hash),
        phases: vec![classic_phase, soroban_phase]
            .try_into()
            .expect("two phases"),
    })
}

fn next_header(
    previous: &State,
    changes: &[(Vec<u8>, Option<Stored>)],
    seq: u32,
    close_time: u64,
    fee_pool: i64,
    applied: &[Applied],
) -> LedgerHeader {
    let results: Vec<TransactionResultPair> = applied.iter().map(result_pair).collect();
    let mut header = previous.header.clone();
    header.ledger_seq = seq;
    header.previous_ledger_hash = Hash(previous.hash);
    header.scp_value = StellarValue {
        tx_set_hash: Hash(sha256(&encode(&tx_set(previous, applied)))),
        close_time: TimePoint(close_time),
        upgrades: Default::default(),
        ext: StellarValueExt::Basic,
    };
    header.tx_set_result_hash = Hash(sha256(&encode(
        &soroban_env_host::xdr::TransactionResultSet {
            results: results.try_into().expect("results fit"),
        },
    )));
    // A running hash of the state's changes stands for the bucket list's hash.
    let mut bytes = previous.header.bucket_list_hash.0.to_vec();
    for (key, stored) in changes {
        bytes.extend_from_slice(key);
        if let Some(s) = stored {
            bytes.extend_from_slice(&encode(&s.entry));
        }
    }
    header.bucket_list_hash = Hash(sha256(&bytes));
    header.fee_pool += fee_pool;
    header
}

fn result_pair(a: &Applied) -> TransactionResultPair {
    TransactionResultPair {
        transaction_hash: Hash(a.checked.hash),
        result: a.result.clone(),
    }
}

fn close_meta(previous: &State, state: &State, applied: &[Applied]) -> LedgerCloseMeta {
    let processing: Vec<TransactionResultMetaV1> = applied
        .iter()
        .map(|a| TransactionResultMetaV1 {
            ext: ExtensionPoint::V0,
            result: result_pair(a),
            fee_processing: a.fee_processing.clone(),
            tx_apply_processing: a.meta.clone(),
            post_tx_apply_fee_processing: a.post_fee_processing.clone(),
        })
        .collect();
    LedgerCloseMeta::V2(LedgerCloseMetaV2 {
        ext: LedgerCloseMetaExt::V1(LedgerCloseMetaExtV1 {
            ext: ExtensionPoint::V0,
            soroban_fee_write1_kb: 0,
        }),
        ledger_header: LedgerHeaderHistoryEntry {
            hash: Hash(state.hash),
            header: state.header.clone(),
            ext: LedgerHeaderHistoryEntryExt::V0,
        },
        tx_set: tx_set(previous, applied),
        tx_processing: processing.try_into().expect("txs fit"),
        upgrades_processing: Default::default(),
        scp_info: Default::default(),
        total_byte_size_of_live_soroban_state: state.soroban_state_size(),
        evicted_keys: Default::default(),
    })
}

fn empty_meta(state: &State) -> LedgerCloseMeta {
    close_meta(state, state, &[])
}

fn ledger_row(state: &State, meta: &LedgerCloseMeta) -> LedgerRow {
    LedgerRow {
        seq: state.seq(),
        hash: state.hash,
        close_time: state.close_time(),
        header: encode(&state.header),
        meta: encode(meta),
    }
}

/// Whether a result is a success (of the transaction, or of a fee bump's inner one).
pub fn succeeded(result: &TransactionResult) -> bool {
    matches!(
        result.result,
        TransactionResultResult::TxSuccess(_) | TransactionResultResult::TxFeeBumpInnerSuccess(_)
    )
}
