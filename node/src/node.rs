//! A running node: the chain behind a lock, a clock, and the ledger closer that closes a ledger
//! every `ledger_seconds` (empty ones included, so health holds) and as soon as transactions
//! wait, at most one per second so that close times follow the wall clock (on the dev clock,
//! `--dev-time`, at once).
use std::{
    path::PathBuf,
    sync::{
        atomic::{AtomicBool, AtomicU64, Ordering},
        Arc, Condvar, Mutex, MutexGuard,
    },
    thread,
    time::{Duration, Instant, SystemTime, UNIX_EPOCH},
};

use ed25519_dalek::Signer;
use soroban_env_host::xdr::{
    CreateAccountOp, DecoratedSignature, Memo, MuxedAccount, Operation, OperationBody,
    Preconditions, SequenceNumber, Signature, SignatureHint, Transaction, TransactionEnvelope,
    TransactionExt, TransactionV1Envelope, Uint256,
};

use crate::{
    chain::{Chain, Submission},
    genesis::{root_key, Genesis},
    state::account_id,
    store::{StoreError, TxRow},
};

/// How a node is started.
#[derive(Clone, Debug)]
pub struct Config {
    /// Where the database lives; `None` keeps everything in memory.
    pub dir: Option<PathBuf>,
    pub passphrase: String,
    /// Seconds between ledgers when nothing waits.
    pub ledger_seconds: u64,
    /// Testnet's 120,960 by default; small values let tests see entries archived.
    pub min_persistent_ttl: u32,
    pub min_temporary_ttl: Option<u32>,
    /// Lumens friendbot gives a new account, in stroops.
    pub friendbot_stroops: i64,
    /// Serves the dev-only `hashshare_advanceTime` method, which moves the clock forward, and
    /// closes a ledger as soon as a transaction waits (close times may then run ahead of the
    /// wall clock by a second a ledger).
    pub dev_time: bool,
    /// A new network starts from this `soroban-ledger-snapshot` file instead of genesis.
    pub import: Option<PathBuf>,
    /// A ledger takes no more than the network's ledger-wide limits allow (testnet's: 100
    /// Soroban transactions, 250 entries written, …); `false` lets it take every waiting one.
    pub ledger_limits: bool,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            dir: None,
            passphrase: crate::STANDALONE_PASSPHRASE.to_string(),
            ledger_seconds: 5,
            min_persistent_ttl: crate::genesis::TESTNET_MIN_PERSISTENT_TTL,
            min_temporary_ttl: None,
            friendbot_stroops: 10_000 * 10_000_000,
            dev_time: false,
            import: None,
            ledger_limits: true,
        }
    }
}

pub struct Node {
    chain: Mutex<Chain>,
    changed: Condvar,
    pub config: Config,
    /// Seconds added to the wall clock (the dev-only time control).
    offset: AtomicU64,
    stopping: AtomicBool,
}

/// What friendbot did.
pub enum Funding {
    Funded(TxRow),
    AlreadyFunded,
    Failed(String),
}

pub fn wall_clock() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

impl Node {
    pub fn open(config: Config) -> Result<Arc<Node>, StoreError> {
        if let Some(dir) = &config.dir {
            std::fs::create_dir_all(dir)
                .map_err(|e| StoreError::Foreign(dir.display().to_string(), e.to_string()))?;
        }
        // Genesis a second ago: ledger 2, which deploys the native asset contract, closes now.
        let mut genesis = Genesis::new(&config.passphrase, wall_clock() - 1);
        genesis.min_persistent_ttl = config.min_persistent_ttl;
        genesis.min_temporary_ttl = config.min_temporary_ttl;
        let snapshot = match &config.import {
            Some(path) => Some(
                soroban_ledger_snapshot::LedgerSnapshot::read_file(path)
                    .map_err(|e| StoreError::Corrupt(path.display().to_string(), e.to_string()))?,
            ),
            None => None,
        };
        let mut chain = Chain::open_from(config.dir.as_deref(), &genesis, snapshot.as_ref())?;
        chain.ledger_limits = config.ledger_limits;
        Ok(Arc::new(Node {
            chain: Mutex::new(chain),
            changed: Condvar::new(),
            config,
            offset: AtomicU64::new(0),
            stopping: AtomicBool::new(false),
        }))
    }

    pub fn chain(&self) -> MutexGuard<'_, Chain> {
        self.chain.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The network's clock: the wall clock plus what the time control added.
    pub fn now(&self) -> u64 {
        wall_clock() + self.offset.load(Ordering::SeqCst)
    }

    /// The state of the latest ledger as a `soroban-ledger-snapshot`.
    pub fn export(&self) -> soroban_ledger_snapshot::LedgerSnapshot {
        let chain = self.chain();
        crate::snapshot::export(&chain.state, &chain.network.ttls)
    }

    /// Dev only: moves the clock `seconds` past the latest close time (which may run ahead of
    /// the clock when ledgers close faster than one a second); the next ledger closes then.
    pub fn advance_clock(&self, seconds: u64) {
        let ahead = self.chain().state.close_time().saturating_sub(self.now());
        self.offset.fetch_add(seconds + ahead, Ordering::SeqCst);
        self.changed.notify_all();
    }

    /// The close time the next ledger will have.
    pub fn next_close_time(&self, chain: &Chain) -> u64 {
        self.now().max(chain.state.close_time() + 1)
    }

    pub fn submit(&self, envelope: TransactionEnvelope) -> Submission {
        let mut chain = self.chain();
        let close_time = self.next_close_time(&chain);
        let submission = chain.submit(envelope, close_time);
        if matches!(submission, Submission::Pending(_)) {
            self.changed.notify_all();
        }
        submission
    }

    /// Closes a ledger now, with whatever waits; returns its sequence number.
    pub fn close_ledger(&self) -> Result<u32, StoreError> {
        let mut chain = self.chain();
        let close_time = self.next_close_time(&chain);
        let seq = chain.close_ledger(close_time)?;
        self.changed.notify_all();
        Ok(seq)
    }

    /// Waits until the transaction is in a closed ledger, for at most `timeout`.
    pub fn wait_for(&self, hash: &[u8; 32], timeout: Duration) -> Option<TxRow> {
        let deadline = Instant::now() + timeout;
        let mut chain = self.chain();
        loop {
            if let Ok(Some(row)) = chain.store().transaction(hash) {
                return Some(row);
            }
            let left = deadline.checked_duration_since(Instant::now())?;
            chain = self
                .changed
                .wait_timeout(chain, left.min(Duration::from_millis(200)))
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }

    /// Starts the ledger closer on its own thread.
    pub fn start_closer(self: &Arc<Node>) -> thread::JoinHandle<()> {
        let node = self.clone();
        thread::Builder::new()
            .name("ledger closer".into())
            .stack_size(crate::server::HOST_STACK)
            .spawn(move || node.close_forever())
            .unwrap_or_else(|e| panic!("cannot start the ledger closer: {e}"))
    }

    pub fn stop(&self) {
        self.stopping.store(true, Ordering::SeqCst);
        self.changed.notify_all();
    }

    fn close_forever(&self) {
        let mut chain = self.chain();
        while !self.stopping.load(Ordering::SeqCst) {
            let last = chain.state.close_time();
            let now = self.now();
            let due = if chain.pending() > 0 {
                // On the dev clock a ledger closes at once (its close time a second after the
                // last's if need be): time is the caller's to move anyway.
                now > last || self.config.dev_time
            } else {
                now >= last + self.config.ledger_seconds
            };
            if due {
                let close_time = now.max(last + 1);
                if let Err(e) = chain.close_ledger(close_time) {
                    // A ledger that cannot be stored stops the node: nothing half-applied.
                    eprintln!("hashshare node: cannot store the ledger: {e}");
                    std::process::exit(1);
                }
                self.changed.notify_all();
                continue;
            }
            let wait = if chain.pending() > 0 {
                // Until the next second begins.
                let millis = SystemTime::now()
                    .duration_since(UNIX_EPOCH)
                    .map_or(0, |d| d.subsec_millis());
                Duration::from_millis(1000 - millis as u64 + 5)
            } else {
                Duration::from_millis(250)
            };
            chain = self
                .changed
                .wait_timeout(chain, wait)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }

    /// Friendbot: creates `account` with the configured lumens from the root account, as a
    /// real transaction, and waits for its ledger.
    pub fn fund(&self, account: &soroban_env_host::xdr::AccountId) -> Funding {
        let root = root_key(&self.config.passphrase);
        let root_id = account_id(root.verifying_key().to_bytes());
        // The sequence number is taken and the transaction queued under one lock, so
        // concurrent fundings take consecutive numbers.
        let submission = {
            let mut chain = self.chain();
            if chain.state.account(account).is_some() {
                return Funding::AlreadyFunded;
            }
            let seq = chain.next_seq(&root_id);
            let tx = Transaction {
                source_account: MuxedAccount::Ed25519(Uint256(root.verifying_key().to_bytes())),
                fee: 100,
                seq_num: SequenceNumber(seq),
                cond: Preconditions::None,
                memo: Memo::None,
                operations: vec![Operation {
                    source_account: None,
                    body: OperationBody::CreateAccount(CreateAccountOp {
                        destination: account.clone(),
                        starting_balance: self.config.friendbot_stroops,
                    }),
                }]
                .try_into()
                .expect("one operation"),
                ext: TransactionExt::V0,
            };
            let envelope = sign(tx, &root, chain.state.network_id);
            let close_time = self.next_close_time(&chain);
            chain.submit_own(envelope, close_time)
        };
        self.changed.notify_all();
        match submission {
            Submission::Pending(hash) | Submission::Duplicate(hash) => {
                match self.wait_for(&hash, Duration::from_secs(30)) {
                    Some(row) if row.success => Funding::Funded(row),
                    Some(_) => Funding::AlreadyFunded,
                    None => Funding::Failed("the funding transaction was not applied".into()),
                }
            }
            Submission::Error(_, result) => Funding::Failed(format!("{:?}", result.result)),
            Submission::TryAgainLater(_) => Funding::Failed("friendbot is busy".into()),
        }
    }
}

/// Signs a transaction with one key, as a wallet does.
pub fn sign(
    tx: Transaction,
    key: &ed25519_dalek::SigningKey,
    network_id: [u8; 32],
) -> TransactionEnvelope {
    let mut envelope = TransactionEnvelope::Tx(TransactionV1Envelope {
        tx,
        signatures: Default::default(),
    });
    let hash = envelope.hash(network_id).expect("a transaction hashes");
    let signature = key.sign(&hash);
    let public = key.verifying_key().to_bytes();
    if let TransactionEnvelope::Tx(e) = &mut envelope {
        e.signatures = vec![DecoratedSignature {
            hint: SignatureHint(public[28..32].try_into().expect("4 bytes")),
            signature: Signature(signature.to_bytes().to_vec().try_into().expect("64 bytes")),
        }]
        .try_into()
        .expect("one signature");
    }
    envelope
}
