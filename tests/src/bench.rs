//! The cost benchmark: every public function of the contracts measured on the compiled WASM,
//! the share token's transfer next to the Stellar Asset Contract's and a plain SEP-41 token's,
//! and scaling sweeps showing which costs stay flat as holders, past deposits, reporters,
//! certificates and the vault's past epochs, offers, leases and a leased pool's past epochs grow
//! (rig-nft's part: `bench_rig_nft`; hashrate-lease's: `bench_lease`).
//!
//! Every figure is one invocation measured in a fresh `Env` loaded from the grown ledger's
//! snapshot (see `measure`), so it pays only for the entries it touches, as on the network.
//! `scripts/bench.sh` runs the full sweeps and writes `target/bench/bench.{md,json}`; the test
//! suite runs the same code with small sweeps.
use std::fmt::Write as _;

use hashshare_interfaces::{
    PayoutDistributorClient, PoolOracleClient, ShareTokenClient, SHARE_UNIT,
};
use serde::Serialize;
use soroban_sdk::{testutils::Address as _, token::TokenClient, Address, BytesN, Env, Symbol};

use crate::{
    bench_lease, bench_rig_nft,
    fixture::{advance, pool_config, wasm, wasm_path, Suite, TokenSuite, POOL, TH_PER_SHARE},
    measure::{measure, port, Cost},
};

const DAY: u64 = 86_400;
/// A second pool the scene registers, for the pool-management calls.
const SPARE: &str = "spare";

/// One measured call.
#[derive(Clone, Debug, Serialize)]
pub struct Row {
    pub contract: &'static str,
    pub call: String,
    pub cost: Cost,
}

/// One point of a scaling sweep: the size and what each measured call cost at it.
#[derive(Clone, Debug, Serialize)]
pub struct SweepPoint {
    pub size: usize,
    pub costs: Vec<(String, Cost)>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Sweep {
    pub name: &'static str,
    pub points: Vec<SweepPoint>,
}

impl Sweep {
    /// Largest over smallest CPU instructions of `call` across the sweep.
    pub fn ratio(&self, call: &str) -> f64 {
        let of = |p: &SweepPoint| {
            p.costs
                .iter()
                .find(|(c, _)| c == call)
                .map(|(_, cost)| cost.instructions as f64)
                .unwrap_or_else(|| panic!("{call} not measured in sweep {}", self.name))
        };
        let max = self.points.iter().map(of).fold(0.0, f64::max);
        let min = self.points.iter().map(of).fold(f64::MAX, f64::min);
        max / min
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Report {
    pub wasm_sizes: Vec<(String, u64)>,
    pub functions: Vec<Row>,
    pub transfers: Vec<Row>,
    pub sweeps: Vec<Sweep>,
}

/// The sweep sizes: CI-sized for the test suite, full for `scripts/bench.sh`.
#[derive(Clone, Debug)]
pub struct Sizes {
    pub holders: Vec<usize>,
    pub deposits: Vec<usize>,
    pub reporters: Vec<u32>,
    /// rig-nft: certificates in the vault, and past epochs paid into it.
    pub certificates: Vec<usize>,
    pub rig_epochs: Vec<usize>,
    /// hashrate-lease: offers, leases and past epochs of the source pool.
    pub offers: Vec<usize>,
    pub leases: Vec<usize>,
    pub lease_epochs: Vec<usize>,
}

impl Sizes {
    pub fn full() -> Sizes {
        Sizes {
            holders: vec![1, 10, 100, 1_000, 10_000],
            deposits: vec![1, 10, 100, 1_000],
            reporters: vec![1, 2, 4, 8, 16],
            certificates: vec![1, 10, 100, 1_000, 10_000],
            rig_epochs: vec![1, 10, 100, 1_000],
            offers: vec![1, 10, 100, 1_000],
            leases: vec![1, 10, 100, 1_000],
            lease_epochs: vec![1, 10, 100, 1_000],
        }
    }

    pub fn small() -> Sizes {
        Sizes {
            holders: vec![1, 50],
            deposits: vec![1, 10],
            reporters: vec![1, 16],
            certificates: vec![1, 50],
            rig_epochs: vec![1, 10],
            offers: vec![1, 20],
            leases: vec![1, 10],
            lease_epochs: vec![1, 10],
        }
    }
}

pub fn run(sizes: &Sizes) -> Report {
    Report {
        wasm_sizes: wasm_sizes(),
        functions: [
            functions(),
            bench_rig_nft::functions(),
            bench_lease::functions(),
        ]
        .concat(),
        transfers: transfers(),
        sweeps: vec![
            holders_sweep(&sizes.holders),
            deposits_sweep(&sizes.deposits),
            reporters_sweep(&sizes.reporters),
            bench_rig_nft::certificates_sweep(&sizes.certificates),
            bench_rig_nft::epochs_sweep(&sizes.rig_epochs),
            bench_lease::offers_sweep(&sizes.offers),
            bench_lease::leases_sweep(&sizes.leases),
            bench_lease::epochs_sweep(&sizes.lease_epochs),
        ],
    }
}

pub fn wasm_sizes() -> Vec<(String, u64)> {
    [
        "pool_oracle",
        "share_token",
        "payout_distributor",
        "rig_nft",
        "hashrate_lease",
    ]
    .iter()
    .map(|name| {
        let size = std::fs::metadata(wasm_path(name)).map_or(0, |m| m.len());
        (name.to_string(), size)
    })
    .collect()
}

/// A suite grown to a realistic state: two investors holding 60/40 shares of an attested pool,
/// an epoch recorded, partly paid in two epochs and so streaming in both lanes, the next
/// attested and not recorded, an
/// allowance, an ended epoch with four of its five reporters' submissions, a second
/// registered pool,
/// admin transfers proposed and an upgrade WASM uploaded.
struct Scene {
    s: Suite,
    alice: Address,
    bob: Address,
    carol: Address,
    open_epoch: u64,
    paid_epoch: u64,
    unrecorded_epoch: u64,
    next_admin: Address,
    hashes: [BytesN<32>; 3],
}

impl Scene {
    fn new() -> Scene {
        let s = Suite::new(365 * DAY, 500, 1_000_000_000_000);
        let env = &s.env;
        let (alice, bob, carol) = (
            Address::generate(env),
            Address::generate(env),
            Address::generate(env),
        );
        // 2,000 TH/s attested, 1,000 sold during epoch 1: room to mint, about half the reward
        // owed; epoch 1 partly paid and streaming, epoch 2 attested but not recorded.
        s.attest(2_000 * TH_PER_SHARE, 1_000_000);
        s.token.mint(&alice, &(600 * SHARE_UNIT));
        s.token.mint(&bob, &(400 * SHARE_UNIT));
        let paid_epoch = s.attest(2_000 * TH_PER_SHARE, 2_000_000);
        let unrecorded_epoch = s.attest(2_000 * TH_PER_SHARE, 2_000_000);
        s.record_through(paid_epoch);
        s.distributor.deposit(&s.operator, &paid_epoch, &400_000);
        advance(env, 3_600);

        // The current epoch ends with four of its five reporters' submissions in, so the
        // fifth finalizes it (capacity stays fresh: the latest effective report is one epoch
        // older).
        let c = &s.pool_config;
        let epoch = s.oracle.current_epoch(&s.pool);
        advance(
            env,
            c.genesis + (epoch + 1) * c.epoch_seconds - env.ledger().timestamp(),
        );
        for i in 0..4 {
            let reporter = c.reporters.get(i).expect("reporter");
            s.oracle
                .submit(&reporter, &s.pool, &epoch, &(2_000 * TH_PER_SHARE), &7);
        }
        // A second payment in this epoch: two streams run, as in the steady state of daily
        // payments, so every reading of the index pays for both.
        s.distributor.deposit(&s.operator, &paid_epoch, &100_000);

        s.oracle
            .register_pool(&Symbol::new(env, SPARE), &pool_config(env, 5, 3));

        s.sep41.approve(
            &alice,
            &bob,
            &(10 * SHARE_UNIT),
            &(env.ledger().sequence() + 1_000),
        );
        let next_admin = Address::generate(env);
        s.oracle.propose_admin(&next_admin);
        s.token.propose_admin(&next_admin);
        s.distributor.propose_admin(&next_admin);
        let upload = |name: &str| env.deployer().upload_contract_wasm(wasm(name).as_slice());
        let hashes = [
            upload("pool_oracle_next"),
            upload("share_token_next"),
            upload("payout_distributor_next"),
        ];
        Scene {
            alice,
            bob,
            carol,
            open_epoch: epoch,
            paid_epoch,
            unrecorded_epoch,
            next_admin,
            hashes,
            s,
        }
    }
}

/// The three contracts' clients and the scene's accounts, in a measuring `Env`.
struct Ported {
    oracle: PoolOracleClient<'static>,
    token: ShareTokenClient<'static>,
    sep41: TokenClient<'static>,
    distributor: PayoutDistributorClient<'static>,
    alice: Address,
    bob: Address,
    carol: Address,
    operator: Address,
    reporter: [Address; 5],
}

impl Scene {
    fn port(&self, env: &Env) -> Ported {
        let s = &self.s;
        let reporter = |i| port(env, &s.pool_config.reporters.get(i).expect("reporter"));
        Ported {
            oracle: PoolOracleClient::new(env, &port(env, &s.oracle.address)),
            token: ShareTokenClient::new(env, &port(env, &s.token.address)),
            sep41: TokenClient::new(env, &port(env, &s.token.address)),
            distributor: PayoutDistributorClient::new(env, &port(env, &s.distributor.address)),
            alice: port(env, &self.alice),
            bob: port(env, &self.bob),
            carol: port(env, &self.carol),
            operator: port(env, &s.operator),
            reporter: [0, 1, 2, 3, 4].map(reporter),
        }
    }

    fn row(&self, contract: &'static str, call: &str, f: impl FnOnce(&Env, &Ported)) -> Row {
        let cost = measure(&self.s.env, |env| f(env, &self.port(env)));
        Row {
            contract,
            call: call.to_string(),
            cost,
        }
    }
}

/// Every public function of the three contracts, each in a state where it does real work.
pub fn functions() -> Vec<Row> {
    let sc = Scene::new();
    let (open, paid, unrecorded) = (sc.open_epoch, sc.paid_epoch, sc.unrecorded_epoch);
    let pool = |env: &Env| Symbol::new(env, POOL);
    let spare = |env: &Env| Symbol::new(env, SPARE);
    let mut rows = Vec::new();
    let o = "pool-oracle";
    rows.push(sc.row(o, "register_pool", |env, p| {
        let mut config = p.oracle.pool(&spare(env));
        config.operator = p.operator.clone();
        p.oracle.register_pool(&Symbol::new(env, "fresh"), &config);
    }));
    rows.push(sc.row(o, "update_pool", |env, p| {
        let mut config = p.oracle.pool(&spare(env));
        config.quorum = 4;
        p.oracle.update_pool(&spare(env), &config);
    }));
    rows.extend(oracle_rounds());
    rows.push(sc.row(o, "submit (finalizing, 5 of 5)", |env, p| {
        p.oracle.submit(&p.reporter[4], &pool(env), &open, &1, &1);
    }));
    rows.push(sc.row(o, "report", |env, p| {
        p.oracle.report(&pool(env), &0);
    }));
    rows.push(sc.row(o, "latest", |env, p| {
        p.oracle.latest(&pool(env));
    }));
    rows.push(sc.row(o, "capacity", |env, p| {
        p.oracle.capacity(&pool(env));
    }));
    rows.push(sc.row(o, "minter_capacity", |env, p| {
        p.oracle.minter_capacity(&pool(env));
    }));
    rows.push(sc.row(o, "pool", |env, p| {
        p.oracle.pool(&pool(env));
    }));
    rows.push(sc.row(o, "current_epoch", |env, p| {
        p.oracle.current_epoch(&pool(env));
    }));
    rows.push(sc.row(o, "bind_token", |env, p| {
        let operator = p.oracle.pool(&spare(env)).operator;
        p.oracle.bind_token(&spare(env), &p.carol, &operator);
    }));
    rows.push(sc.row(o, "token", |env, p| {
        p.oracle.token(&pool(env));
    }));
    admin_rows(&sc, o, &mut rows, 0);

    let t = "share-token";
    rows.push(sc.row(t, "transfer", |_, p| {
        p.sep41.transfer(&p.alice, &p.bob, &SHARE_UNIT)
    }));
    rows.push(sc.row(t, "transfer (to a new holder)", |_, p| {
        p.sep41.transfer(&p.alice, &p.carol, &SHARE_UNIT)
    }));
    rows.push(sc.row(t, "transfer_from", |_, p| {
        p.sep41
            .transfer_from(&p.bob, &p.alice, &p.carol, &SHARE_UNIT)
    }));
    rows.push(sc.row(t, "approve", |env, p| {
        p.sep41.approve(
            &p.alice,
            &p.carol,
            &SHARE_UNIT,
            &(env.ledger().sequence() + 100),
        )
    }));
    rows.push(sc.row(t, "allowance", |_, p| {
        p.sep41.allowance(&p.alice, &p.bob);
    }));
    rows.push(sc.row(t, "balance", |_, p| {
        p.sep41.balance(&p.alice);
    }));
    rows.push(sc.row(t, "burn", |_, p| p.sep41.burn(&p.alice, &SHARE_UNIT)));
    rows.push(sc.row(t, "burn_from", |_, p| {
        p.sep41.burn_from(&p.bob, &p.alice, &SHARE_UNIT)
    }));
    rows.push(sc.row(t, "decimals", |_, p| {
        p.sep41.decimals();
    }));
    rows.push(sc.row(t, "name", |_, p| {
        p.sep41.name();
    }));
    rows.push(sc.row(t, "symbol", |_, p| {
        p.sep41.symbol();
    }));
    rows.push(sc.row(t, "total_supply", |_, p| {
        p.token.total_supply();
    }));
    rows.push(
        sc.row(t, "mint (a top-up into the running stream)", |_, p| {
            p.token.mint(&p.carol, &SHARE_UNIT)
        }),
    );
    rows.push(sc.row(t, "accrued", |_, p| {
        p.token.accrued(&p.alice);
    }));
    rows.push(sc.row(t, "notify_reward", |_, p| p.token.notify_reward(&1_000)));
    rows.push(sc.row(t, "take_accrued", |_, p| {
        p.token.take_accrued(&p.alice);
    }));
    rows.push(sc.row(t, "distributor", |_, p| {
        p.token.distributor();
    }));
    rows.push(set_distributor_row());
    rows.push(sc.row(t, "epoch_supply", |_, p| {
        p.token.epoch_supply(&paid, &0);
    }));
    rows.push(sc.row(t, "maturity", |_, p| {
        p.token.maturity();
    }));
    rows.push(sc.row(t, "hashrate_per_share", |_, p| {
        p.token.hashrate_per_share();
    }));
    rows.push(sc.row(t, "oracle", |_, p| {
        p.token.oracle();
    }));
    rows.push(sc.row(t, "pool", |_, p| {
        p.token.pool();
    }));
    rows.push(sc.row(t, "operator", |_, p| {
        p.token.operator();
    }));
    rows.push(sc.row(t, "pause", |_, p| p.token.pause()));
    rows.push(sc.row(t, "unpause", |_, p| p.token.unpause()));
    rows.push(sc.row(t, "paused", |_, p| {
        p.token.paused();
    }));
    admin_rows(&sc, t, &mut rows, 1);

    let d = "payout-distributor";
    rows.push(sc.row(d, "record", |_, p| {
        p.distributor.record(&unrecorded);
    }));
    rows.push(sc.row(d, "deposit (recorded epoch)", |_, p| {
        p.distributor.deposit(&p.operator, &paid, &100_000)
    }));
    rows.push(
        sc.row(d, "deposit (paying it off, the rest sent back)", |_, p| {
            p.distributor.deposit(&p.operator, &paid, &100_000_000)
        }),
    );
    rows.push(sc.row(d, "deposit (records the epoch)", |_, p| {
        p.distributor.deposit(&p.operator, &unrecorded, &100_000)
    }));
    rows.push(sc.row(d, "claim", |_, p| {
        p.distributor.claim(&p.alice);
    }));
    rows.push(sc.row(d, "claim_to", |_, p| {
        p.distributor.claim_to(&p.alice, &p.carol);
    }));
    rows.push(sc.row(d, "claimable", |_, p| {
        p.distributor.claimable(&p.alice);
    }));
    rows.push(sc.row(d, "epoch", |_, p| {
        p.distributor.epoch(&paid);
    }));
    rows.push(sc.row(d, "due", |_, p| {
        p.distributor.due(&paid);
    }));
    rows.push(sc.row(d, "next_epoch", |_, p| {
        p.distributor.next_epoch();
    }));
    rows.push(sc.row(d, "arrears", |_, p| {
        p.distributor.arrears();
    }));
    rows.push(sc.row(d, "totals", |_, p| {
        p.distributor.totals();
    }));
    rows.push(sc.row(d, "set_fee", |_, p| p.distributor.set_fee(&300)));
    rows.push(sc.row(d, "fee_bps", |_, p| {
        p.distributor.fee_bps();
    }));
    rows.push(sc.row(d, "withdraw_fees", |_, p| {
        p.distributor.withdraw_fees();
    }));
    rows.push(sc.row(d, "set_fee_recipient", |_, p| {
        p.distributor.set_fee_recipient(&p.carol)
    }));
    rows.push(sc.row(d, "fee_recipient", |_, p| {
        p.distributor.fee_recipient();
    }));
    rows.push(sc.row(d, "pause", |_, p| p.distributor.pause()));
    rows.push(sc.row(d, "unpause", |_, p| p.distributor.unpause()));
    rows.push(sc.row(d, "paused", |_, p| {
        p.distributor.paused();
    }));
    admin_rows(&sc, d, &mut rows, 2);
    rows
}

/// The first submission of an epoch, a dispute, and a finalization by `finalize`, on an oracle
/// whose epoch 0 was just finalized (inside its dispute window) and whose epoch 1 has ended.
fn oracle_rounds() -> Vec<Row> {
    let env = crate::fixture::new_env();
    env.mock_all_auths();
    let oracle = crate::fixture::deploy_oracle(&env, &Address::generate(&env));
    let config = pool_config(&env, 5, 3);
    oracle.register_pool(&Symbol::new(&env, POOL), &config);
    advance(&env, 2 * config.epoch_seconds);
    let reporter = |i| config.reporters.get(i).expect("reporter");
    for i in 0..5 {
        oracle.submit(&reporter(i), &Symbol::new(&env, POOL), &0, &1_000, &10);
    }
    let id = oracle.address.clone();
    let client = |env: &Env| PoolOracleClient::new(env, &port(env, &id));
    let first = reporter(0);
    let mut rows = vec![
        Row {
            contract: "pool-oracle",
            call: "submit (not finalizing)".to_string(),
            cost: measure(&env, |env| {
                client(env).submit(&port(env, &first), &Symbol::new(env, POOL), &1, &1_000, &10)
            }),
        },
        Row {
            contract: "pool-oracle",
            call: "dispute".to_string(),
            cost: measure(&env, |env| client(env).dispute(&Symbol::new(env, POOL), &0)),
        },
    ];
    // Epoch 1: a quorum of three in, two reporters silent, its round open past its window.
    for i in 0..3 {
        oracle.submit(&reporter(i), &Symbol::new(&env, POOL), &1, &1_000, &10);
    }
    advance(&env, config.dispute_seconds);
    rows.push(Row {
        contract: "pool-oracle",
        call: "finalize (3 of 5, round closed)".to_string(),
        cost: measure(&env, |env| {
            client(env).finalize(&Symbol::new(env, POOL), &1)
        }),
    });
    rows
}

/// `set_distributor` happens once per token, before any mint: measured on a fresh offering.
fn set_distributor_row() -> Row {
    let s = TokenSuite::unwired(DAY);
    let token = s.token.address.clone();
    let distributor = s.distributor.clone();
    Row {
        contract: "share-token",
        call: "set_distributor".to_string(),
        cost: measure(&s.env, |env| {
            ShareTokenClient::new(env, &port(env, &token)).set_distributor(&port(env, &distributor))
        }),
    }
}

/// `admin`, `propose_admin`, `accept_admin` and `upgrade` of contract `which` (0 oracle, 1 share
/// token, 2 distributor): the same four functions, from `hashshare_common`, on each.
fn admin_rows(sc: &Scene, contract: &'static str, rows: &mut Vec<Row>, which: usize) {
    let address = [
        sc.s.oracle.address.clone(),
        sc.s.token.address.clone(),
        sc.s.distributor.address.clone(),
    ][which]
        .clone();
    let call = |env: &Env, name: &str, args: soroban_sdk::Vec<soroban_sdk::Val>| {
        env.invoke_contract::<soroban_sdk::Val>(
            &port(env, &address),
            &Symbol::new(env, name),
            args,
        );
    };
    let next_admin = sc.next_admin.clone();
    let hash = sc.hashes[which].clone();
    rows.push(sc.row(contract, "admin", |env, _| {
        call(env, "admin", soroban_sdk::vec![env])
    }));
    rows.push(sc.row(contract, "propose_admin", |env, _| {
        let to = soroban_sdk::IntoVal::into_val(&port(env, &next_admin), env);
        call(env, "propose_admin", soroban_sdk::vec![env, to])
    }));
    rows.push(sc.row(contract, "accept_admin", |env, _| {
        call(env, "accept_admin", soroban_sdk::vec![env])
    }));
    rows.push(sc.row(contract, "upgrade", |env, _| {
        let hash = BytesN::<32>::from_array(env, &hash.to_array());
        call(
            env,
            "upgrade",
            soroban_sdk::vec![env, soroban_sdk::IntoVal::into_val(&hash, env)],
        )
    }));
}

/// The share token's transfer next to the Stellar Asset Contract's (native) and a plain SEP-41
/// token's (WASM, `tests/plain-token`), in the same ledger, each to an existing holder.
pub fn transfers() -> Vec<Row> {
    let sc = Scene::new();
    let env = &sc.s.env;
    let sac = env
        .register_stellar_asset_contract_v2(Address::generate(env))
        .address();
    let plain = env.register(
        wasm("plain_token").as_slice(),
        (
            Address::generate(env),
            soroban_sdk::String::from_str(env, "Plain"),
            soroban_sdk::String::from_str(env, "PLN"),
        ),
    );
    for holder in [&sc.alice, &sc.bob] {
        soroban_sdk::token::StellarAssetClient::new(env, &sac).mint(holder, &1_000_000);
        soroban_sdk::token::StellarAssetClient::new(env, &plain).mint(holder, &1_000_000);
    }
    let transfer = |label: &str, asset: &Address, amount: i128| Row {
        contract: "transfer",
        call: label.to_string(),
        cost: measure(env, |env| {
            TokenClient::new(env, &port(env, asset)).transfer(
                &port(env, &sc.alice),
                port(env, &sc.bob),
                &amount,
            )
        }),
    };
    vec![
        transfer("Stellar Asset Contract (native)", &sac, 100),
        transfer("plain SEP-41 WASM token", &plain, 100),
        transfer("hashshare share-token", &sc.s.token.address, SHARE_UNIT),
    ]
}

/// transfer, claim and deposit as the number of holders grows (one ledger, grown from one size
/// to the next). The measured transfer goes from the first holder to a counterparty that holds
/// shares from the start, so every point measures the same path.
pub fn holders_sweep(sizes: &[usize]) -> Sweep {
    let largest = sizes.iter().copied().max().unwrap_or(1) as i128;
    let s = Suite::new(365 * DAY, 500, i128::from(i64::MAX));
    let env = &s.env;
    // A reward large enough that even the first epochs, with few shares sold, owe more than
    // the measured deposit.
    let reward = 1_000_000_000_000;
    s.attest((largest + 10) * TH_PER_SHARE, reward);
    let counterparty = Address::generate(env);
    s.token.mint(&counterparty, &SHARE_UNIT);
    let mut holders: Vec<Address> = Vec::new();
    let mut points = Vec::new();
    for &size in sizes {
        while holders.len() < size {
            let holder = Address::generate(env);
            s.token.mint(&holder, &SHARE_UNIT);
            holders.push(holder);
        }
        // A fresh epoch to deposit into, half paid, streaming to everyone.
        let epoch = s.attest((largest + 10) * TH_PER_SHARE, reward);
        let owed = s.record_through(epoch).owed;
        s.distributor.deposit(&s.operator, &epoch, &(owed / 2));
        advance(env, 3_600);
        let (a, b) = (&holders[0], &counterparty);
        let token = s.token.address.clone();
        let distributor = s.distributor.address.clone();
        let operator = s.operator.clone();
        let costs = vec![
            (
                "transfer".to_string(),
                measure(env, |env| {
                    TokenClient::new(env, &port(env, &token)).transfer(
                        &port(env, a),
                        port(env, b),
                        &1,
                    )
                }),
            ),
            (
                "claim".to_string(),
                measure(env, |env| {
                    PayoutDistributorClient::new(env, &port(env, &distributor))
                        .claim(&port(env, a));
                }),
            ),
            (
                "deposit".to_string(),
                measure(env, |env| {
                    PayoutDistributorClient::new(env, &port(env, &distributor)).deposit(
                        &port(env, &operator),
                        &epoch,
                        &1_000,
                    )
                }),
            ),
            (
                "mint".to_string(),
                measure(env, |env| {
                    ShareTokenClient::new(env, &port(env, &token)).mint(&port(env, a), &SHARE_UNIT)
                }),
            ),
        ];
        points.push(SweepPoint { size, costs });
    }
    Sweep {
        name: "holders",
        points,
    }
}

/// deposit, claim and record as the number of past deposits (one per epoch) grows.
pub fn deposits_sweep(sizes: &[usize]) -> Sweep {
    // One epoch per past deposit, plus two per sweep point, before maturity.
    let epochs = sizes.iter().copied().max().unwrap_or(1) + 2 * sizes.len() + 10;
    let s = Suite::new(epochs as u64 * DAY, 500, i128::from(i64::MAX));
    let env = &s.env;
    let (alice, bob) = (Address::generate(env), Address::generate(env));
    s.attest(200 * TH_PER_SHARE, 1_000_000);
    s.token.mint(&alice, &(60 * SHARE_UNIT));
    s.token.mint(&bob, &(40 * SHARE_UNIT));
    let mut deposited = 0;
    let mut points = Vec::new();
    for &size in sizes {
        while deposited < size {
            let epoch = s.attest(200 * TH_PER_SHARE, 1_000_000);
            s.record_through(epoch);
            s.distributor.deposit(&s.operator, &epoch, &1_000_000);
            deposited += 1;
        }
        // An epoch recorded and partly paid, and the next attested, not yet recorded.
        let partly = s.attest(200 * TH_PER_SHARE, 1_000_000);
        s.record_through(partly);
        s.distributor.deposit(&s.operator, &partly, &1_000);
        let fresh = s.attest(200 * TH_PER_SHARE, 1_000_000);
        // An allowance lives about a year of ledgers; the full sweep runs for three.
        s.approve_topups(&s.operator);
        advance(env, 3_600);
        let distributor = s.distributor.address.clone();
        let operator = s.operator.clone();
        let token = s.token.address.clone();
        let client = |env: &Env| PayoutDistributorClient::new(env, &port(env, &distributor));
        let costs = vec![
            (
                "deposit".to_string(),
                measure(env, |env| {
                    client(env).deposit(&port(env, &operator), &partly, &1_000)
                }),
            ),
            (
                "claim".to_string(),
                measure(env, |env| {
                    client(env).claim(&port(env, &alice));
                }),
            ),
            (
                "record".to_string(),
                measure(env, |env| {
                    client(env).record(&fresh);
                }),
            ),
            (
                "mint".to_string(),
                measure(env, |env| {
                    ShareTokenClient::new(env, &port(env, &token))
                        .mint(&port(env, &alice), &SHARE_UNIT)
                }),
            ),
        ];
        // The two helper epochs count as past deposits from here on.
        deposited += 1;
        points.push(SweepPoint { size, costs });
    }
    Sweep {
        name: "past deposits",
        points,
    }
}

/// The oracle's submit as the number of reporters (and quorum) grows: the finalizing one
/// sorts every submission, so it grows with the reporters; the others must stay flat.
pub fn reporters_sweep(sizes: &[u32]) -> Sweep {
    let mut points = Vec::new();
    for &n in sizes {
        let env = crate::fixture::new_env();
        env.mock_all_auths();
        let oracle = crate::fixture::deploy_oracle(&env, &Address::generate(&env));
        let pool = Symbol::new(&env, "pool");
        let config = pool_config(&env, n, n);
        oracle.register_pool(&pool, &config);
        advance(&env, config.epoch_seconds);
        let reporter = |i| config.reporters.get(i).expect("reporter");
        for i in 0..n - 1 {
            oracle.submit(&reporter(i), &pool, &0, &(1_000 + i128::from(i)), &10);
        }
        let id = oracle.address.clone();
        let last = reporter(n - 1);
        let first = reporter(0);
        let mut costs = vec![(
            "submit (finalizing)".to_string(),
            measure(&env, |env| {
                PoolOracleClient::new(env, &port(env, &id)).submit(
                    &port(env, &last),
                    &Symbol::new(env, "pool"),
                    &0,
                    &1_000,
                    &10,
                )
            }),
        )];
        if n > 1 {
            advance(&env, config.epoch_seconds);
            costs.push((
                "submit (first of an epoch)".to_string(),
                measure(&env, |env| {
                    PoolOracleClient::new(env, &port(env, &id)).submit(
                        &port(env, &first),
                        &Symbol::new(env, "pool"),
                        &1,
                        &1_000,
                        &10,
                    )
                }),
            ));
        }
        costs.push((
            "capacity".to_string(),
            measure(&env, |env| {
                PoolOracleClient::new(env, &port(env, &id)).capacity(&Symbol::new(env, "pool"));
            }),
        ));
        points.push(SweepPoint {
            size: n as usize,
            costs,
        });
    }
    Sweep {
        name: "reporters",
        points,
    }
}

/// The report as Markdown.
pub fn markdown(report: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "### WASM size (optimized)\n\n| contract | bytes |\n|---|---:|"
    );
    for (name, bytes) in &report.wasm_sizes {
        let _ = writeln!(out, "| {name} | {bytes} |");
    }
    let _ = writeln!(out, "\n### Every public function\n\n{}", Cost::HEADER);
    for row in &report.functions {
        let _ = writeln!(
            out,
            "{}",
            row.cost.row(&format!("{} `{}`", row.contract, row.call))
        );
    }
    let _ = writeln!(
        out,
        "\n### Transfer, next to the Stellar Asset Contract and a plain SEP-41 token\n\n{}",
        Cost::HEADER
    );
    for row in &report.transfers {
        let _ = writeln!(out, "{}", row.cost.row(&row.call));
    }
    for sweep in &report.sweeps {
        // Every call measured at any point of the sweep, in first-seen order.
        let mut calls: Vec<&str> = Vec::new();
        for (call, _) in sweep.points.iter().flat_map(|p| &p.costs) {
            if !calls.contains(&call.as_str()) {
                calls.push(call);
            }
        }
        let _ = writeln!(out, "\n### CPU instructions as {} grow\n", sweep.name);
        let _ = writeln!(out, "| {} | {} |", sweep.name, calls.join(" | "));
        let _ = writeln!(out, "|---:|{}", "---:|".repeat(calls.len()));
        for point in &sweep.points {
            let cells: Vec<String> = calls
                .iter()
                .map(|call| {
                    point
                        .costs
                        .iter()
                        .find(|(c, _)| c == call)
                        .map_or("–".to_string(), |(_, cost)| cost.instructions.to_string())
                })
                .collect();
            let _ = writeln!(out, "| {} | {} |", point.size, cells.join(" | "));
        }
    }
    out
}
