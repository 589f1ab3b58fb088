//! The hashshare suite on the embedded network: deployment of the compiled WASM and every
//! operation the commands offer, each one call signed by named accounts.
use std::collections::BTreeMap;

use hashshare_interfaces::{
    Books, EpochPayout, EpochReport, PayoutDistributorClient, PoolConfig, PoolOracleClient,
    ShareTokenClient,
};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use soroban_sdk::{
    token::{StellarAssetClient, TokenClient},
    Address, Bytes, BytesN, Env, IntoVal, MuxedAddress, String as SorobanString, Symbol, Val,
    Vec as SorobanVec,
};

use crate::{
    capacity::CapacityView,
    error::{settle, CallError, CliError},
    ledger::{self, AddressBook, Chain, Cost, Tx},
    wasm::{Artifact, Artifacts},
};

/// Where the suite lives on one network.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Deployment {
    pub pool_oracle: String,
    pub share_token: String,
    pub payout_distributor: String,
    pub reward_asset: String,
    /// The pool the share token sells.
    pub pool: String,
}

impl Deployment {
    fn contracts(&self) -> Vec<String> {
        vec![
            self.pool_oracle.clone(),
            self.share_token.clone(),
            self.payout_distributor.clone(),
            self.reward_asset.clone(),
        ]
    }

    /// Names the contracts in `book`, so messages and balances can say `payout_distributor`.
    pub fn name_in(&self, book: &mut AddressBook) {
        book.insert("pool_oracle", &self.pool_oracle);
        book.insert("share_token", &self.share_token);
        book.insert("payout_distributor", &self.payout_distributor);
        book.insert("reward_asset", &self.reward_asset);
    }
}

/// The parameters of a deployment: one pool and the offering that sells its hashrate.
#[derive(Clone, Debug)]
pub struct OfferingParams {
    pub pool: String,
    /// The pool the offering sells (its `genesis`: `None` is the ledger time of deployment).
    pub schedule: PoolParams,
    pub name: String,
    pub symbol: String,
    pub hashrate_per_share: i128,
    /// Seconds from genesis to the token's maturity.
    pub term: u64,
    pub fee_bps: u32,
    pub fee_recipient: String,
}

/// One account's holdings.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Holding {
    /// Share token base units.
    pub shares: i128,
    /// Reward base units claimable now.
    pub claimable: i128,
    /// Reward asset base units.
    pub reward: i128,
}

/// Everyone's holdings, by name.
pub type Holdings = BTreeMap<String, Holding>;

/// The pool, the offering and the books, as `status` shows them.
#[derive(Clone, Debug)]
pub struct Status {
    pub timestamp: u64,
    pub pool: String,
    pub config: PoolConfig,
    pub current_epoch: u64,
    pub latest: Option<EpochReport>,
    pub total_supply: i128,
    pub hashrate_per_share: i128,
    pub maturity: u64,
    pub arrears: i128,
    /// The distributor's books since it was created.
    pub totals: Books,
    /// The next epoch to record: every earlier one is recorded.
    pub next_epoch: u64,
    /// Recorded epochs up to the current one, each with what paying the rest costs now.
    pub epochs: Vec<(u64, EpochPayout, i128)>,
    pub fee_bps: u32,
    /// The fee recipient's strkey.
    pub fee_recipient: String,
    /// The mint cap and why it is what it is.
    pub capacity_view: CapacityView,
}

/// What one deposit did, read from the ledger before and after it.
#[derive(Clone, Debug)]
pub struct DepositOutcome {
    pub epoch: u64,
    /// What was offered.
    pub offered: i128,
    /// The epoch's payout before the deposit (`None`: the deposit recorded it).
    pub before: Option<EpochPayout>,
    /// What paying the rest of the debt cost just before the deposit, top-up included.
    pub due_before: i128,
    pub after: EpochPayout,
    /// What paying the rest costs after it.
    pub due_after: i128,
    /// Where the deposit streams to (the share token's `reward_notified` end), if it streamed.
    pub stream_end: Option<u64>,
}

impl DepositOutcome {
    fn delta(&self, field: impl Fn(&EpochPayout) -> i128) -> i128 {
        field(&self.after) - self.before.as_ref().map_or(0, &field)
    }
    /// Debt paid.
    pub fn debt(&self) -> i128 {
        self.delta(|p| p.paid)
    }
    pub fn topup(&self) -> i128 {
        self.delta(|p| p.topup)
    }
    pub fn fee(&self) -> i128 {
        self.delta(|p| p.fee)
    }
    /// What was taken: the debt paid and the top-up (the fee is part of it).
    pub fn taken(&self) -> i128 {
        self.debt() + self.topup()
    }
    pub fn sent_back(&self) -> i128 {
        self.offered - self.taken()
    }
}

/// The oracle's codes for a `finalize` that comes too early or with too few submissions.
const QUORUM_NOT_REACHED: u32 = pool_oracle::OracleError::QuorumNotReached as u32;
const SUBMISSIONS_OPEN: u32 = pool_oracle::OracleError::SubmissionsOpen as u32;

/// The distributor's event for a mint's top-up: `TopUpCollected`, which `#[contractevent]`
/// names in snake case (the contract's docs call it `topup_collected`).
const TOPUP_COLLECTED: &str = "top_up_collected";

/// Where an epoch's round of submissions stands after a submission.
#[derive(Clone, Debug)]
pub enum Round {
    /// The submission completed the round (every listed reporter in): finalized at once.
    Finalized(Finalization),
    /// Still open: it completes with the missing reporters, or `finalize` closes it.
    Open(OpenRound),
}

/// A report just finalized (by the last listed reporter's submission or by `finalize`),
/// inside its dispute window.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finalization {
    pub epoch: u64,
    /// The lower medians over the submissions.
    pub hashrate: i128,
    pub reward: i128,
    pub submissions: u32,
    /// When it becomes effective: the dispute window after finalization.
    pub effective_at: u64,
    /// The dispute window, seconds.
    pub window: u64,
}

/// An epoch's open round of submissions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpenRound {
    pub epoch: u64,
    /// When its first submission came.
    pub first_at: u64,
    /// The listed reporters who have submitted, and who have not (by name).
    pub submitted: Vec<String>,
    pub missing: Vec<String>,
    pub quorum: u32,
    /// The dispute window: how long the round stays open before `finalize` may close it.
    pub window: u64,
    /// The first moment `finalize` may close it: `first_at + window`.
    pub finalize_from: u64,
}

/// The oracle's stored open round: the first submission's time and `(reporter, hashrate,
/// reward)` of each submission.
type StoredRound = (u64, SorobanVec<(Address, i128, i128)>);

/// What a mint paid for the running streams: `taken` from the operator on its allowance,
/// of which `fee` accrues in the distributor and `taken - fee` streams.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MintTopUp {
    pub taken: i128,
    pub fee: i128,
}

impl MintTopUp {
    /// What joined the running streams.
    pub fn streamed(&self) -> i128 {
        self.taken - self.fee
    }
}

/// A ledger with its named accounts and, once deployed, the suite.
pub struct Session {
    pub chain: Chain,
    pub book: AddressBook,
    pub deployment: Option<Deployment>,
}

/// 32 bytes derived from a label: account ids and deployment salts.
pub fn derive(label: &str) -> [u8; 32] {
    Sha256::digest(label.as_bytes()).into()
}

/// The strkey of a named test account: a contract-type address derived from its name (the
/// embedded host signs for any address; Stellar accounts would need trustlines to hold the
/// reward asset).
pub fn account_strkey(network_salt: &str, name: &str) -> String {
    use soroban_sdk::xdr::{ContractId, Hash, ScAddress};
    let id = derive(&format!("hashshare account {network_salt} {name}"));
    ScAddress::Contract(ContractId(Hash(id))).to_string()
}

fn host(error: CliError) -> CallError {
    CallError::Host(error.to_string())
}

impl Session {
    pub fn deployment(&self) -> Result<&Deployment, CliError> {
        self.deployment.as_ref().ok_or(CliError::NotDeployed)
    }

    fn tx(&self, step: &str, signers: &[&str], non_root: bool) -> Result<Tx<'_>, CliError> {
        let signers = signers
            .iter()
            .map(|name| self.book.strkey(name))
            .collect::<Result<_, _>>()?;
        Ok(Tx {
            step: step.to_string(),
            signers,
            contracts: self
                .deployment
                .as_ref()
                .map(Deployment::contracts)
                .unwrap_or_default(),
            book: &self.book,
            non_root,
        })
    }

    /// Runs `call` with the suite's clients, signed by `signers`.
    fn call<T>(
        &mut self,
        step: &str,
        signers: &[&str],
        call: impl FnOnce(&Env, &Clients) -> Result<T, CallError>,
    ) -> Result<(T, Cost), CliError> {
        let deployment = self.deployment()?.clone();
        let tx = self.tx(step, signers, false)?;
        let mut chain = self.chain.clone();
        let result = chain.transact(&tx, |env| {
            let clients = Clients::new(env, &deployment).map_err(host)?;
            call(env, &clients)
        });
        drop(tx);
        let result = result?;
        self.chain = chain;
        Ok(result)
    }

    /// Deploys the suite: uploads the three WASMs, deploys the oracle (signed by `admin`) and a
    /// reward asset (a Stellar Asset Contract administered by `admin`), registers the pool,
    /// deploys the share token (signed by the pool's operator, whose pool it binds) and the
    /// distributor, and wires the distributor into the token. Returns each step's cost.
    pub fn deploy(
        &mut self,
        artifacts: &Artifacts,
        admin: &str,
        params: &OfferingParams,
    ) -> Result<Vec<(String, Cost)>, CliError> {
        if let Some(existing) = &self.deployment {
            return Err(CliError::AlreadyDeployed(existing.share_token.clone()));
        }
        let admin_key = self.book.strkey(admin)?;
        let operator_key = self.book.strkey(&params.schedule.operator)?;
        let fee_key = self.book.strkey(&params.fee_recipient)?;
        let reporter_keys = self.reporter_keys(&params.schedule)?;
        let mut chain = self.chain.clone();
        let mut costs = Vec::new();

        let mut hashes = BTreeMap::new();
        for artifact in artifacts.all() {
            let (hash, cost) = upload(&mut chain, &self.tx("upload", &[admin], false)?, artifact)?;
            costs.push((format!("upload {}", artifact.name), cost));
            hashes.insert(artifact.name, hash);
        }

        let salt = |name: &str| derive(&format!("hashshare {} {name}", params.pool));
        let tx = self.tx("deploy pool_oracle", &[admin], true)?;
        let (pool_oracle, cost) = chain.transact(&tx, |env| {
            let admin = ledger::address(env, &admin_key).map_err(host)?;
            let hash = BytesN::from_array(env, &hashes["pool_oracle"]);
            let salt = BytesN::from_array(env, &salt("pool_oracle"));
            let id = env
                .deployer()
                .with_address(admin.clone(), salt)
                .deploy_v2(hash, (admin,));
            Ok(ledger::strkey(&id))
        })?;
        costs.push(("deploy pool_oracle".into(), cost));

        let tx = self.tx("deploy reward asset", &[admin], true)?;
        let (reward_asset, cost) = chain.transact_with(&tx, |env| {
            let admin = ledger::address(env, &admin_key).map_err(host)?;
            let asset = env.register_stellar_asset_contract_v2(admin);
            let issuer = ledger::strkey(&asset.issuer().address());
            Ok((ledger::strkey(&asset.address()), vec![issuer]))
        })?;
        costs.push((
            "deploy reward asset (Stellar Asset Contract; cost of its set_admin)".into(),
            cost,
        ));

        let tx = self.tx("register_pool", &[admin], false)?;
        let genesis = params.schedule.genesis.unwrap_or(chain.timestamp());
        let ((), cost) = chain.transact(&tx, |env| {
            let oracle =
                PoolOracleClient::new(env, &ledger::address(env, &pool_oracle).map_err(host)?);
            let config = pool_config(
                env,
                &params.schedule,
                &operator_key,
                &reporter_keys,
                genesis,
            )?;
            settle(oracle.try_register_pool(&Symbol::new(env, &params.pool), &config))
        })?;
        costs.push((format!("register_pool {}", params.pool), cost));

        let maturity = genesis.saturating_add(params.term);
        let tx = self.tx("deploy share_token", &[&params.schedule.operator], true)?;
        let (share_token, cost) = chain.transact(&tx, |env| {
            let operator = ledger::address(env, &operator_key).map_err(host)?;
            let admin = ledger::address(env, &admin_key).map_err(host)?;
            let oracle = ledger::address(env, &pool_oracle).map_err(host)?;
            let hash = BytesN::from_array(env, &hashes["share_token"]);
            let salt = BytesN::from_array(env, &salt("share_token"));
            let args: SorobanVec<Val> = (
                admin,
                operator.clone(),
                oracle,
                Symbol::new(env, &params.pool),
                SorobanString::from_str(env, &params.name),
                SorobanString::from_str(env, &params.symbol),
                params.hashrate_per_share,
                maturity,
            )
                .into_val(env);
            let id = env
                .deployer()
                .with_address(operator, salt)
                .deploy_v2(hash, args);
            Ok(ledger::strkey(&id))
        })?;
        costs.push(("deploy share_token (binds the pool)".into(), cost));

        let tx = self.tx("deploy payout_distributor", &[admin], true)?;
        let (payout_distributor, cost) = chain.transact(&tx, |env| {
            let admin = ledger::address(env, &admin_key).map_err(host)?;
            let hash = BytesN::from_array(env, &hashes["payout_distributor"]);
            let salt = BytesN::from_array(env, &salt("payout_distributor"));
            let args: SorobanVec<Val> = (
                admin.clone(),
                ledger::address(env, &share_token).map_err(host)?,
                ledger::address(env, &reward_asset).map_err(host)?,
                ledger::address(env, &pool_oracle).map_err(host)?,
                Symbol::new(env, &params.pool),
                params.fee_bps,
                ledger::address(env, &fee_key).map_err(host)?,
            )
                .into_val(env);
            let id = env
                .deployer()
                .with_address(admin, salt)
                .deploy_v2(hash, args);
            Ok(ledger::strkey(&id))
        })?;
        costs.push(("deploy payout_distributor".into(), cost));

        let deployment = Deployment {
            pool_oracle,
            share_token,
            payout_distributor,
            reward_asset,
            pool: params.pool.clone(),
        };
        let mut tx = self.tx("set_distributor", &[admin], false)?;
        tx.contracts = deployment.contracts();
        let ((), cost) = chain.transact(&tx, |env| {
            let clients = Clients::new(env, &deployment).map_err(host)?;
            settle(
                clients
                    .token
                    .try_set_distributor(&clients.distributor.address),
            )
        })?;
        costs.push(("set_distributor".into(), cost));

        // The operator's mints pay top-ups into running streams, which the distributor takes
        // on the operator's allowance in the reward asset.
        let mut tx = self.tx("approve", &[&params.schedule.operator], false)?;
        tx.contracts = deployment.contracts();
        let (live_until, cost) = chain.transact(&tx, |env| {
            let clients = Clients::new(env, &deployment).map_err(host)?;
            approve_topups(env, &clients, &operator_key)
        })?;
        costs.push((
            format!(
                "approve: {} lets payout_distributor take mint top-ups in the reward asset (until ledger {live_until})",
                params.schedule.operator
            ),
            cost,
        ));

        self.chain = chain;
        deployment.name_in(&mut self.book);
        self.deployment = Some(deployment);
        Ok(costs)
    }

    /// The strkeys of a pool's named reporters.
    fn reporter_keys(&self, params: &PoolParams) -> Result<Vec<String>, CliError> {
        params
            .reporters
            .iter()
            .map(|r| self.book.strkey(r))
            .collect()
    }

    /// Registers one more pool on the oracle. Signed by `source` (the oracle's admin).
    pub fn register_pool(
        &mut self,
        source: &str,
        pool: &str,
        config: &PoolParams,
    ) -> Result<Cost, CliError> {
        let operator = self.book.strkey(&config.operator)?;
        let reporters = self.reporter_keys(config)?;
        let genesis = config.genesis.unwrap_or(self.chain.timestamp());
        let ((), cost) = self.call("register_pool", &[source], |env, c| {
            let config = pool_config(env, config, &operator, &reporters, genesis)?;
            settle(c.oracle.try_register_pool(&Symbol::new(env, pool), &config))
        })?;
        Ok(cost)
    }

    /// Mints `amount` of the reward asset to `to`. Signed by `source` (the asset's admin).
    pub fn fund(&mut self, source: &str, to: &str, amount: i128) -> Result<Cost, CliError> {
        let to = self.book.strkey(to)?;
        let ((), cost) = self.call("fund", &[source], |env, c| {
            let to = ledger::address(env, &to).map_err(host)?;
            settle(c.reward_admin.try_mint(&to, &amount))
        })?;
        Ok(cost)
    }

    /// The reporter `source` attests `epoch` (default: the last ended epoch) of the offering's
    /// pool. Returns where the epoch's round stands: finalized by this submission (it was the
    /// last listed reporter's), or still open.
    pub fn submit(
        &mut self,
        source: &str,
        epoch: Option<u64>,
        hashrate: i128,
        reward: i128,
    ) -> Result<(Round, Cost), CliError> {
        let reporter = self.book.strkey(source)?;
        let epoch = match epoch {
            Some(epoch) => epoch,
            None => self.status()?.current_epoch.saturating_sub(1),
        };
        // Read apart, so that the submission's host touches only what it does.
        let config = self.pool_config()?;
        let (finalized, cost) = self.call("submit", &[source], |env, c| {
            let reporter = ledger::address(env, &reporter).map_err(host)?;
            settle(
                c.oracle
                    .try_submit(&reporter, &c.pool, &epoch, &hashrate, &reward),
            )?;
            Ok(finalization(env, &c.oracle.address, &config, epoch))
        })?;
        let round = match finalized {
            Some(finalized) => Round::Finalized(finalized),
            None => Round::Open(self.open_round(epoch)?.ok_or_else(|| CliError::Call {
                step: "reading the open round".into(),
                error: CallError::Host(format!(
                    "epoch {epoch} is neither finalized nor has an open round"
                )),
            })?),
        };
        Ok((round, cost))
    }

    /// Finalizes `epoch` from the submissions in (anyone may; `source` sends the call): once
    /// its round has been open for the dispute window and at least `quorum` listed reporters
    /// have submitted. A refusal says when it will be possible, or who is missing.
    pub fn finalize(&mut self, source: &str, epoch: u64) -> Result<(Finalization, Cost), CliError> {
        let config = self.pool_config()?;
        let step = format!("finalize epoch {epoch}");
        let result = self.call(&step, &[source], |env, c| {
            settle(c.oracle.try_finalize(&c.pool, &epoch))?;
            finalization(env, &c.oracle.address, &config, epoch)
                .ok_or_else(|| CallError::Host("finalize published no `finalized` event".into()))
        });
        match result {
            Err(CliError::Call {
                step,
                error: CallError::Contract(code @ (SUBMISSIONS_OPEN | QUORUM_NOT_REACHED)),
            }) => Err(CliError::Explained {
                step,
                error: CallError::Contract(code),
                detail: refusal(code, epoch, self.open_round(epoch)?.as_ref()),
            }),
            other => other,
        }
    }

    /// The offering's pool configuration.
    fn pool_config(&self) -> Result<PoolConfig, CliError> {
        self.read("the pool", |_, c| settle(c.oracle.try_pool(&c.pool)))
    }

    /// The open round of submissions of `epoch`, if it has one: read from the oracle's storage
    /// (its `Submissions(pool, epoch)` entry: the first submission's time and the submissions),
    /// which no view of the oracle returns.
    pub fn open_round(&self, epoch: u64) -> Result<Option<OpenRound>, CliError> {
        let stored = self.read("the open round", |env, c| {
            let config = settle(c.oracle.try_pool(&c.pool))?;
            let key: Val = (Symbol::new(env, "Submissions"), c.pool.clone(), epoch).into_val(env);
            let stored: Option<StoredRound> =
                env.as_contract(&c.oracle.address, || env.storage().persistent().get(&key));
            Ok(stored.map(|(first_at, submissions)| {
                let submitters: Vec<String> = submissions
                    .iter()
                    .map(|(reporter, _, _)| ledger::strkey(&reporter))
                    .collect();
                let (mut submitted, mut missing) = (Vec::new(), Vec::new());
                for reporter in config.reporters.iter() {
                    let key = ledger::strkey(&reporter);
                    if submitters.contains(&key) {
                        submitted.push(key);
                    } else {
                        missing.push(key);
                    }
                }
                (
                    first_at,
                    submitted,
                    missing,
                    config.quorum,
                    config.dispute_seconds,
                )
            }))
        })?;
        Ok(
            stored.map(|(first_at, submitted, missing, quorum, window)| OpenRound {
                epoch,
                first_at,
                submitted: submitted.iter().map(|k| self.book.name_of(k)).collect(),
                missing: missing.iter().map(|k| self.book.name_of(k)).collect(),
                quorum,
                window,
                finalize_from: first_at.saturating_add(window),
            }),
        )
    }

    /// Mints `amount` shares to `to`. Signed by `source` (the operator). Returns the cost and
    /// the top-up the mint paid for the running streams (the distributor's `top_up_collected`
    /// event: what it took, grossed up by the fee, and that fee).
    pub fn mint(
        &mut self,
        source: &str,
        to: &str,
        amount: i128,
    ) -> Result<(Cost, MintTopUp), CliError> {
        let to = self.book.strkey(to)?;
        let (topup, cost) = self.call("mint", &[source], |env, c| {
            let to = ledger::address(env, &to).map_err(host)?;
            settle(c.token.try_mint(&to, &amount))?;
            let fields = event_fields(env, &c.distributor.address, TOPUP_COLLECTED);
            let field = |name| fields.as_deref().and_then(|f| int_field(f, name));
            Ok(MintTopUp {
                taken: field("amount").unwrap_or(0),
                fee: field("fee").unwrap_or(0),
            })
        })?;
        Ok((cost, topup))
    }

    /// Lets the distributor take `source`'s mint top-ups: an allowance of the reward asset as
    /// large, and living as long, as the ledger allows. Returns the ledger it lives until.
    pub fn approve_topups(&mut self, source: &str) -> Result<(u32, Cost), CliError> {
        let from = self.book.strkey(source)?;
        self.call("approve", &[source], |env, c| approve_topups(env, c, &from))
    }

    /// Runs read-only `query` with the suite's clients; a failure reads "reading `what`".
    fn read<T>(
        &self,
        what: &str,
        query: impl FnOnce(&Env, &Clients) -> Result<T, CallError>,
    ) -> Result<T, CliError> {
        let deployment = self.deployment()?.clone();
        self.chain.read(|env| {
            let c = Clients::new(env, &deployment)?;
            query(env, &c).map_err(|error| CliError::Call {
                step: format!("reading {what}"),
                error,
            })
        })
    }

    /// The epochs `record --epoch epoch` must record, in order: every unrecorded one up to
    /// `epoch`, or `epoch` alone if it was closed without a report (a late one may fix it).
    pub fn records_needed(&self, epoch: u64) -> Result<Vec<u64>, CliError> {
        self.read("the next epoch", |_, c| {
            let next = settle(c.distributor.try_next_epoch())?;
            if epoch >= next {
                return Ok((next..=epoch).collect());
            }
            let payout = settle(c.distributor.try_epoch(&epoch))?;
            Ok(match payout {
                Some(p) if !p.reported && p.supply_seconds > 0 => vec![epoch],
                _ => Vec::new(),
            })
        })
    }

    /// Records `epoch` (the next unrecorded one, or one closed without a report), signed by
    /// `source` (anyone may record).
    pub fn record(&mut self, source: &str, epoch: u64) -> Result<(EpochPayout, Cost), CliError> {
        self.call(&format!("record epoch {epoch}"), &[source], |_, c| {
            settle(c.distributor.try_record(&epoch))
        })
    }

    /// `epoch`'s payout, if recorded.
    pub fn payout(&self, epoch: u64) -> Result<Option<EpochPayout>, CliError> {
        self.read("an epoch payout", |_, c| {
            settle(c.distributor.try_epoch(&epoch))
        })
    }

    /// Moves `amount` shares from `source` to `to` (SEP-41 `transfer`), signed by `source`.
    pub fn transfer(&mut self, source: &str, to: &str, amount: i128) -> Result<Cost, CliError> {
        let from = self.book.strkey(source)?;
        let to = self.book.strkey(to)?;
        let ((), cost) = self.call("transfer", &[source], |env, c| {
            let from = ledger::address(env, &from).map_err(host)?;
            let to = ledger::address(env, &to).map_err(host)?;
            settle(c.sep41.try_transfer(&from, MuxedAddress::from(to), &amount))
        })?;
        Ok(cost)
    }

    /// `source` offers `amount` of the reward asset towards `epoch`'s debt; the distributor
    /// takes what is due at most and sends the rest back.
    pub fn deposit(
        &mut self,
        source: &str,
        epoch: u64,
        amount: i128,
    ) -> Result<(DepositOutcome, Cost), CliError> {
        let from = self.book.strkey(source)?;
        let (before, due_before) = self.read("an epoch payout", |_, c| {
            Ok((
                settle(c.distributor.try_epoch(&epoch))?,
                settle(c.distributor.try_due(&epoch))?,
            ))
        })?;
        let (stream_end, cost) = self.call("deposit", &[source], |env, c| {
            let from = ledger::address(env, &from).map_err(host)?;
            settle(c.distributor.try_deposit(&from, &epoch, &amount))?;
            Ok(stream_end(env, &c.token.address))
        })?;
        let (after, due_after) = self.read("an epoch payout", |_, c| {
            let after = settle(c.distributor.try_epoch(&epoch))?
                .ok_or_else(|| CallError::Host(format!("epoch {epoch} is not recorded")))?;
            Ok((after, settle(c.distributor.try_due(&epoch))?))
        })?;
        let outcome = DepositOutcome {
            epoch,
            offered: amount,
            before,
            due_before,
            after,
            due_after,
            stream_end,
        };
        Ok((outcome, cost))
    }

    /// Pays the fees accrued in the distributor to the fee recipient, signed by `source`.
    /// Returns the amount.
    pub fn withdraw_fees(&mut self, source: &str) -> Result<(i128, Cost), CliError> {
        self.call("withdraw_fees", &[source], |_, c| {
            settle(c.distributor.try_withdraw_fees())
        })
    }

    /// Names `to` the fee recipient, signed by `source` (the distributor's admin).
    pub fn set_fee_recipient(&mut self, source: &str, to: &str) -> Result<Cost, CliError> {
        let to = self.book.strkey(to)?;
        let ((), cost) = self.call("set_fee_recipient", &[source], |env, c| {
            let to = ledger::address(env, &to).map_err(host)?;
            settle(c.distributor.try_set_fee_recipient(&to))
        })?;
        Ok(cost)
    }

    /// Pays `holder`'s accrued rewards to `holder`, signed by `source`. Returns the amount.
    pub fn claim(&mut self, source: &str, holder: &str) -> Result<(i128, Cost), CliError> {
        let holder = self.book.strkey(holder)?;
        self.call("claim", &[source], |env, c| {
            let holder = ledger::address(env, &holder).map_err(host)?;
            settle(c.distributor.try_claim(&holder))
        })
    }

    /// Everyone's holdings: every named account and the distributor.
    pub fn holdings(&self) -> Result<Holdings, CliError> {
        let deployment = self.deployment()?.clone();
        let names: Vec<(String, String)> = self
            .book
            .names()
            .filter(|(name, _)| {
                !matches!(
                    name.as_str(),
                    "pool_oracle" | "share_token" | "reward_asset"
                )
            })
            .map(|(n, k)| (n.clone(), k.clone()))
            .collect();
        self.chain.read(|env| {
            let c = Clients::new(env, &deployment)?;
            let mut holdings = Holdings::new();
            for (name, key) in &names {
                let who = ledger::address(env, key)?;
                let read = |result| {
                    settle(result).map_err(|error| CliError::Call {
                        step: format!("reading {name}'s balances"),
                        error,
                    })
                };
                let holding = Holding {
                    shares: read(c.sep41.try_balance(&who))?,
                    claimable: read(c.distributor.try_claimable(&who))?,
                    reward: read(c.reward.try_balance(&who))?,
                };
                holdings.insert(name.clone(), holding);
            }
            Ok(holdings)
        })
    }

    /// The state of the pool, the offering and the books.
    pub fn status(&self) -> Result<Status, CliError> {
        let deployment = self.deployment()?.clone();
        let timestamp = self.chain.timestamp();
        self.chain.read(|env| {
            let c = Clients::new(env, &deployment)?;
            let read = |what: &str, error| CliError::Call {
                step: format!("reading {what}"),
                error,
            };
            let config = settle(c.oracle.try_pool(&c.pool)).map_err(|e| read("the pool", e))?;
            let current_epoch =
                settle(c.oracle.try_current_epoch(&c.pool)).map_err(|e| read("the epoch", e))?;
            let mut epochs = Vec::new();
            for epoch in 0..=current_epoch.min(1_000) {
                let payout = settle(c.distributor.try_epoch(&epoch))
                    .map_err(|e| read("an epoch payout", e))?;
                if let Some(payout) = payout {
                    let due =
                        settle(c.distributor.try_due(&epoch)).map_err(|e| read("a due", e))?;
                    epochs.push((epoch, payout, due));
                }
            }
            let totals = settle(c.distributor.try_totals()).map_err(|e| read("the totals", e))?;
            let capacity_view =
                capacity_view(&c, timestamp).map_err(|e| read("the capacity", e))?;
            Ok(Status {
                timestamp,
                pool: deployment.pool.clone(),
                config,
                current_epoch,
                latest: settle(c.oracle.try_latest(&c.pool))
                    .map_err(|e| read("the latest report", e))?,
                total_supply: capacity_view.supply,
                hashrate_per_share: capacity_view.hashrate_per_share,
                maturity: capacity_view.maturity,
                arrears: settle(c.distributor.try_arrears()).map_err(|e| read("the arrears", e))?,
                totals,
                next_epoch: settle(c.distributor.try_next_epoch())
                    .map_err(|e| read("the next epoch", e))?,
                epochs,
                fee_bps: settle(c.distributor.try_fee_bps()).map_err(|e| read("the fee", e))?,
                fee_recipient: ledger::strkey(
                    &settle(c.distributor.try_fee_recipient())
                        .map_err(|e| read("the fee recipient", e))?,
                ),
                capacity_view,
            })
        })
    }

    /// The mint cap now and why it is what it is.
    pub fn capacity_view(&self) -> Result<CapacityView, CliError> {
        let timestamp = self.chain.timestamp();
        self.read("the capacity", |_, c| capacity_view(c, timestamp))
    }
}

/// The oracle's sustained capacity with what explains it: the latest effective epoch, how
/// many consecutive effective epochs end there, the schedule, and the supply it caps.
fn capacity_view(c: &Clients, timestamp: u64) -> Result<CapacityView, CallError> {
    let config = settle(c.oracle.try_pool(&c.pool))?;
    let latest = settle(c.oracle.try_latest(&c.pool))?.map(|r| r.epoch);
    let mut run = 0;
    if let Some(latest) = latest {
        let mut epoch = latest;
        while run < config.capacity_epochs
            && settle(c.oracle.try_report(&c.pool, &epoch))?.is_some()
        {
            run += 1;
            match epoch.checked_sub(1) {
                Some(earlier) => epoch = earlier,
                None => break,
            }
        }
    }
    Ok(CapacityView {
        capacity: settle(c.oracle.try_capacity(&c.pool))?,
        latest,
        current_epoch: settle(c.oracle.try_current_epoch(&c.pool))?,
        max_age_epochs: config.max_age_epochs,
        capacity_epochs: config.capacity_epochs,
        run,
        supply: settle(c.token.try_total_supply())?,
        hashrate_per_share: settle(c.token.try_hashrate_per_share())?,
        maturity: settle(c.token.try_maturity())?,
        timestamp,
    })
}

/// `from` lets the distributor take its mint top-ups: an allowance as large, and living as
/// long, as the ledger allows. Returns the ledger it lives until.
fn approve_topups(env: &Env, c: &Clients, from: &str) -> Result<u32, CallError> {
    let from = ledger::address(env, from).map_err(host)?;
    let live_until = env
        .ledger()
        .sequence()
        .saturating_add(env.storage().max_ttl());
    settle(
        c.reward
            .try_approve(&from, &c.distributor.address, &i128::MAX, &live_until),
    )?;
    Ok(live_until)
}

/// Why `finalize` of `epoch` was refused with `code`, from its open round: when it becomes
/// possible (`SubmissionsOpen`), or who has submitted (`QuorumNotReached`).
fn refusal(code: u32, epoch: u64, round: Option<&OpenRound>) -> String {
    let Some(round) = round else {
        return format!("no listed reporter has submitted for epoch {epoch}");
    };
    if code == QUORUM_NOT_REACHED {
        return format!(
            "{} of {} listed reporters have submitted ({}), the quorum is {}",
            round.submitted.len(),
            round.submitted.len() + round.missing.len(),
            round.submitted.join(", "),
            round.quorum
        );
    }
    let at_once = match round.missing.as_slice() {
        [] => String::new(),
        [one] => format!(", or the epoch finalizes at once when {one} submits"),
        many => format!(
            ", or the epoch finalizes at once when {} submit",
            many.join(", ")
        ),
    };
    format!(
        "finalize is possible from {} ({} after the round's first submission){at_once}",
        crate::output::utc(round.finalize_from),
        crate::units::duration(round.window),
    )
}

/// The end of the stream a deposit joined: the share token's `reward_notified` event.
fn stream_end(env: &Env, token: &Address) -> Option<u64> {
    use soroban_sdk::xdr::ScVal;
    event_fields(env, token, "reward_notified")?
        .iter()
        .find_map(|(key, value)| match value {
            ScVal::U64(end) if key == "end" => Some(*end),
            _ => None,
        })
}

/// The data fields of the first event named `name` that `contract` published in the last call.
fn event_fields(
    env: &Env,
    contract: &Address,
    name: &str,
) -> Option<Vec<(String, soroban_sdk::xdr::ScVal)>> {
    use soroban_sdk::{
        testutils::Events,
        xdr::{ContractEventBody, ScVal},
    };
    let events = env.events().all().filter_by_contract(contract);
    events.events().iter().find_map(|event| {
        let ContractEventBody::V0(body) = &event.body;
        let named = matches!(body.topics.first(), Some(ScVal::Symbol(s)) if s.0.as_slice() == name.as_bytes());
        let (true, ScVal::Map(Some(map))) = (named, &body.data) else {
            return None;
        };
        Some(
            map.iter()
                .filter_map(|entry| match &entry.key {
                    ScVal::Symbol(key) => Some((
                        String::from_utf8_lossy(key.0.as_slice()).into_owned(),
                        entry.val.clone(),
                    )),
                    _ => None,
                })
                .collect(),
        )
    })
}

/// An integer field of an event (`i128`, `u32` or `u64`).
fn int_field(fields: &[(String, soroban_sdk::xdr::ScVal)], name: &str) -> Option<i128> {
    use soroban_sdk::xdr::ScVal;
    fields.iter().find_map(|(key, value)| match value {
        _ if key != name => None,
        ScVal::I128(parts) => Some((i128::from(parts.hi) << 64) | i128::from(parts.lo)),
        ScVal::U32(n) => Some(i128::from(*n)),
        ScVal::U64(n) => Some(i128::from(*n)),
        _ => None,
    })
}

/// The oracle's `finalized` event of `epoch` in the last call, if it published one: the report
/// and when it becomes effective (the dispute window after now).
fn finalization(
    env: &Env,
    oracle: &Address,
    config: &PoolConfig,
    epoch: u64,
) -> Option<Finalization> {
    let fields = event_fields(env, oracle, "finalized")?;
    Some(Finalization {
        epoch,
        hashrate: int_field(&fields, "hashrate")?,
        reward: int_field(&fields, "reward")?,
        submissions: u32::try_from(int_field(&fields, "submissions")?).ok()?,
        effective_at: env
            .ledger()
            .timestamp()
            .saturating_add(config.dispute_seconds),
        window: config.dispute_seconds,
    })
}

/// The parameters of a pool registration.
#[derive(Clone, Debug)]
pub struct PoolParams {
    pub operator: String,
    pub reporters: Vec<String>,
    pub quorum: u32,
    pub epoch_seconds: u64,
    pub genesis: Option<u64>,
    pub dispute_seconds: u64,
    pub max_age_epochs: u64,
    /// The sustained-capacity window, in epochs.
    pub capacity_epochs: u32,
}

/// The oracle's `PoolConfig` for `params`, its accounts already resolved to strkeys.
fn pool_config(
    env: &Env,
    params: &PoolParams,
    operator: &str,
    reporters: &[String],
    genesis: u64,
) -> Result<PoolConfig, CallError> {
    let mut list = SorobanVec::new(env);
    for key in reporters {
        list.push_back(ledger::address(env, key).map_err(host)?);
    }
    Ok(PoolConfig {
        operator: ledger::address(env, operator).map_err(host)?,
        reporters: list,
        quorum: params.quorum,
        epoch_seconds: params.epoch_seconds,
        genesis,
        dispute_seconds: params.dispute_seconds,
        max_age_epochs: params.max_age_epochs,
        capacity_epochs: params.capacity_epochs,
    })
}

fn upload(chain: &mut Chain, tx: &Tx, artifact: &Artifact) -> Result<([u8; 32], Cost), CliError> {
    chain.transact(tx, |env| {
        let hash = env
            .deployer()
            .upload_contract_wasm(Bytes::from_slice(env, &artifact.bytes));
        Ok(hash.to_array())
    })
}

/// The suite's clients in one host.
pub struct Clients<'a> {
    pub oracle: PoolOracleClient<'a>,
    pub token: ShareTokenClient<'a>,
    pub sep41: TokenClient<'a>,
    pub distributor: PayoutDistributorClient<'a>,
    pub reward: TokenClient<'a>,
    pub reward_admin: StellarAssetClient<'a>,
    pub pool: Symbol,
}

impl<'a> Clients<'a> {
    pub fn new(env: &Env, d: &Deployment) -> Result<Clients<'a>, CliError> {
        let oracle: Address = ledger::address(env, &d.pool_oracle)?;
        let token = ledger::address(env, &d.share_token)?;
        let distributor = ledger::address(env, &d.payout_distributor)?;
        let reward = ledger::address(env, &d.reward_asset)?;
        Ok(Clients {
            oracle: PoolOracleClient::new(env, &oracle),
            token: ShareTokenClient::new(env, &token),
            sep41: TokenClient::new(env, &token),
            distributor: PayoutDistributorClient::new(env, &distributor),
            reward: TokenClient::new(env, &reward),
            reward_admin: StellarAssetClient::new(env, &reward),
            pool: Symbol::new(env, &d.pool),
        })
    }
}
