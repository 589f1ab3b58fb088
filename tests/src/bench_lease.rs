//! hashrate-lease in the benchmark: every public function of the market (and the oracle's
//! registrar calls) on the compiled WASM, and the sweeps showing its calls stay flat as offers,
//! leases and past epochs grow. Measured as the rest of the benchmark is (`measure`).
use hashrate_lease::{HashrateLeaseClient, Offer};
use hashshare_interfaces::{PoolConfig, PoolOracleClient};
use soroban_sdk::{
    testutils::Address as _, token::StellarAssetClient, Address, BytesN, Env, Symbol,
};

use crate::{
    bench::{Row, Sweep, SweepPoint},
    fixture::{advance, deploy_oracle, new_env, pool_config, wasm},
    measure::{measure, port, Cost},
};

const TH: i128 = 1_000_000_000_000;
const CONTRACT: &str = "hashrate-lease";

/// A market on an oracle with one source pool of `capacity_th` TH/s sustained, its operator
/// the provider; the renter funded.
struct Scene {
    env: Env,
    admin: Address,
    oracle: PoolOracleClient<'static>,
    market: HashrateLeaseClient<'static>,
    pool: Symbol,
    config: PoolConfig,
    provider: Address,
    renter: Address,
    validators: soroban_sdk::Vec<Address>,
}

impl Scene {
    fn new(capacity_th: i128) -> Scene {
        let env = new_env();
        env.mock_all_auths();
        let admin = Address::generate(&env);
        let oracle = deploy_oracle(&env, &admin);
        let pool = Symbol::new(&env, "f2pool_s21");
        let config = pool_config(&env, 3, 3);
        let provider = config.operator.clone();
        oracle.register_pool(&pool, &config);
        let asset = env.register_stellar_asset_contract_v2(Address::generate(&env));
        let id = env.register(
            wasm("hashrate_lease").as_slice(),
            (
                admin.clone(),
                oracle.address.clone(),
                asset.address(),
                100u32,
                Address::generate(&env),
            ),
        );
        let market = HashrateLeaseClient::new(&env, &id);
        oracle.set_registrar(&market.address, &true);
        let renter = Address::generate(&env);
        StellarAssetClient::new(&env, &asset.address()).mint(&renter, &i128::from(i64::MAX));
        let validators = soroban_sdk::vec![
            &env,
            Address::generate(&env),
            Address::generate(&env),
            Address::generate(&env),
        ];
        let scene = Scene {
            env,
            admin,
            oracle,
            market,
            pool,
            config,
            provider,
            renter,
            validators,
        };
        scene.attest(&scene.pool.clone(), capacity_th * TH);
        scene
    }

    /// Every reporter of `pool` attests the epoch the clock is in, once it has ended (the clock
    /// moves to its end), effective a dispute window later; returns that epoch.
    fn attest(&self, pool: &Symbol, hashrate: i128) -> u64 {
        let epoch = self.oracle.current_epoch(pool);
        self.attest_epoch(pool, epoch, hashrate);
        epoch
    }

    /// Every reporter of `pool` (the lease's validators for a delivery pool) attests `epoch`.
    fn attest_epoch(&self, pool: &Symbol, epoch: u64, hashrate: i128) {
        let c = &self.config;
        let end = c.genesis + (epoch + 1) * c.epoch_seconds;
        let now = self.env.ledger().timestamp();
        if end > now {
            advance(&self.env, end - now);
        }
        let reporters = if *pool == self.pool {
            c.reporters.clone()
        } else {
            self.validators.clone()
        };
        for r in reporters.iter() {
            self.oracle.submit(&r, pool, &epoch, &hashrate, &0);
        }
        advance(&self.env, c.dispute_seconds);
    }

    /// An offer of the provider's, ported to `env` (`port` of this scene's accounts).
    fn offer_in(&self, env: &Env, pool: &str, hashrate_th: i128) -> Offer {
        let mut validators = soroban_sdk::Vec::new(env);
        for v in self.validators.iter() {
            validators.push_back(port(env, &v));
        }
        Offer {
            provider: port(env, &self.provider),
            pool: Symbol::new(env, pool),
            validators,
            ..self.offer(hashrate_th)
        }
    }

    fn offer(&self, hashrate_th: i128) -> Offer {
        Offer {
            provider: self.provider.clone(),
            pool: self.pool.clone(),
            hashrate: hashrate_th * TH,
            price_per_th_epoch: 1_000,
            min_epochs: 1,
            max_epochs: 366,
            validators: self.validators.clone(),
            quorum: 3,
            version: 0,
        }
    }

    fn rent(&self, offer: u64, hashrate_th: i128, epochs: u32) -> u64 {
        self.market.rent(
            &self.renter,
            &offer,
            &(hashrate_th * TH),
            &epochs,
            &i128::MAX,
            &1,
        )
    }

    fn cost(&self, f: impl FnOnce(&Env, &HashrateLeaseClient, &Ported)) -> Cost {
        measure(&self.env, |env| {
            let market = HashrateLeaseClient::new(env, &port(env, &self.market.address));
            f(env, &market, &self.port(env))
        })
    }

    fn port(&self, env: &Env) -> Ported {
        Ported {
            oracle: PoolOracleClient::new(env, &port(env, &self.oracle.address)),
            provider: port(env, &self.provider),
            renter: port(env, &self.renter),
        }
    }
}

/// The scene's accounts in a measuring `Env`.
struct Ported {
    oracle: PoolOracleClient<'static>,
    provider: Address,
    renter: Address,
}

/// Every public function of the market, each doing real work: an offer of a pool sustaining
/// 1,000 TH/s, a lease of 100 TH/s whose first epoch is attested (one to settle), a second
/// lease under-delivered twice (one to close), a proposed admin and an uploaded WASM.
pub fn functions() -> Vec<Row> {
    let sc = Scene::new(1_000);
    let offer = sc.market.post_offer(&sc.provider, &sc.offer(500));
    let settled = sc.rent(offer, 100, 10);
    let closable = sc.rent(offer, 100, 10);
    let (a, b) = (
        sc.market.get_lease(&settled).expect("lease"),
        sc.market.get_lease(&closable).expect("lease"),
    );
    // Two epochs of each lease attested: one delivered in full, the other at half.
    for epoch in a.first_epoch..a.first_epoch + 2 {
        sc.attest_epoch(&a.delivery_pool, epoch, 100 * TH);
        for v in sc.validators.iter() {
            sc.oracle
                .submit(&v, &b.delivery_pool, &epoch, &(50 * TH), &0);
        }
    }
    advance(&sc.env, sc.config.dispute_seconds);
    // Keep the source pool fresh for the rent measured; a lease with nothing ended yet.
    sc.attest(&sc.pool.clone(), 1_000 * TH);
    let fresh = sc.rent(offer, 10, 10);
    let next_admin = Address::generate(&sc.env);
    sc.market.propose_admin(&next_admin);
    let hash = sc
        .env
        .deployer()
        .upload_contract_wasm(wasm("hashrate_lease").as_slice());
    let mut config = sc.config.clone();
    config.operator = sc.provider.clone();
    sc.oracle
        .register_pool(&Symbol::new(&sc.env, "second_pool"), &config);

    let row = |call: &str, f: &dyn Fn(&Env, &HashrateLeaseClient, &Ported)| Row {
        contract: CONTRACT,
        call: call.to_string(),
        cost: sc.cost(f),
    };
    let mut rows = vec![
        row("post_offer (binds the pool)", &|env, m, p| {
            m.post_offer(&p.provider, &sc.offer_in(env, "second_pool", 200));
        }),
        row("post_offer (a pool bound already)", &|env, m, p| {
            m.post_offer(&p.provider, &sc.offer_in(env, "f2pool_s21", 200));
        }),
        row("update_offer", &|env, m, _| {
            m.update_offer(&offer, &sc.offer_in(env, "f2pool_s21", 200))
        }),
        row("withdraw_offer", &|_, m, _| m.withdraw_offer(&offer)),
        row("get_offer", &|_, m, _| {
            m.get_offer(&offer);
        }),
        row("rent (registers the delivery pool)", &|_, m, p| {
            m.rent(&p.renter, &offer, &(100 * TH), &10, &i128::MAX, &1);
        }),
        row("get_lease", &|_, m, _| {
            m.get_lease(&settled);
        }),
        row("settle (2 epochs)", &|_, m, _| {
            m.settle(&settled);
        }),
        row("settle (nothing ended)", &|_, m, _| {
            m.settle(&fresh);
        }),
        row(
            "close (settles 2 short epochs, refunds the rest)",
            &|_, m, _| m.close(&closable),
        ),
        row("provider_record", &|_, m, p| {
            m.provider_record(&p.provider);
        }),
        row("committed", &|env, m, _| {
            m.committed(&Symbol::new(env, "f2pool_s21"));
        }),
        row("books", &|_, m, _| {
            m.books();
        }),
        row("unpaid", &|_, m, p| {
            m.unpaid(&p.renter);
        }),
        row("collect (nothing kept)", &|_, m, p| {
            m.collect(&p.renter);
        }),
        row("withdraw_fees (nothing accrued)", &|_, m, _| {
            m.withdraw_fees();
        }),
        row("fee_bps", &|_, m, _| {
            m.fee_bps();
        }),
        row("fee_recipient", &|_, m, _| {
            m.fee_recipient();
        }),
        row("set_fee_recipient", &|env, m, _| {
            m.set_fee_recipient(&Address::generate(env))
        }),
        row("admin", &|_, m, _| {
            m.admin();
        }),
        row("propose_admin", &|env, m, _| {
            m.propose_admin(&port(env, &next_admin))
        }),
        row("accept_admin", &|_, m, _| m.accept_admin()),
        row("upgrade (the same WASM)", &|env, m, _| {
            m.upgrade(&BytesN::from_array(env, &hash.to_array()))
        }),
    ];
    let oracle_row = |call: &str, f: &dyn Fn(&Env, &Ported)| Row {
        contract: "pool-oracle",
        call: call.to_string(),
        cost: sc.cost(|env, _, p| f(env, p)),
    };
    let admin = sc.admin.clone();
    rows.push(oracle_row("set_registrar", &|env, p| {
        p.oracle.set_registrar(&Address::generate(env), &true)
    }));
    rows.push(oracle_row("is_registrar", &|env, p| {
        p.oracle.is_registrar(&port(env, &admin));
    }));
    rows
}

/// The calls both lease sweeps measure: a rent of the offer, a settlement of the measured
/// lease's ended epoch, a new offer.
fn sweep_costs(sc: &Scene, offer: u64, lease: u64) -> Vec<(String, Cost)> {
    vec![
        (
            "rent".to_string(),
            sc.cost(|_, m, p| {
                m.rent(&p.renter, &offer, &TH, &3, &i128::MAX, &1);
            }),
        ),
        (
            "settle".to_string(),
            sc.cost(|_, m, _| {
                m.settle(&lease);
            }),
        ),
        (
            "post_offer".to_string(),
            sc.cost(|env, m, p| {
                m.post_offer(&p.provider, &sc.offer_in(env, "f2pool_s21", 10));
            }),
        ),
    ]
}

/// A fresh lease of 1 TH/s whose first epoch has ended and is attested, to measure `settle`;
/// the source pool attested again (fresh for the rent measured).
fn settleable(sc: &Scene, offer: u64) -> u64 {
    let lease = sc.rent(offer, 1, 2);
    let lease_now = sc.market.get_lease(&lease).expect("lease");
    sc.attest_epoch(&lease_now.delivery_pool, lease_now.first_epoch, TH);
    sc.attest(&sc.pool.clone(), 1_000_000 * TH);
    lease
}

/// rent, settle and post_offer as the number of offers on the market grows.
pub fn offers_sweep(sizes: &[usize]) -> Sweep {
    let sc = Scene::new(1_000_000);
    let mut offers = 0;
    let mut points = Vec::new();
    let first = sc.market.post_offer(&sc.provider, &sc.offer(1_000));
    for &size in sizes {
        while offers + 1 < size {
            sc.market.post_offer(&sc.provider, &sc.offer(10));
            offers += 1;
        }
        let lease = settleable(&sc, first);
        points.push(SweepPoint {
            size,
            costs: sweep_costs(&sc, first, lease),
        });
    }
    Sweep {
        name: "offers",
        points,
    }
}

/// rent, settle and post_offer as the number of leases (each with its delivery pool) grows.
pub fn leases_sweep(sizes: &[usize]) -> Sweep {
    let sc = Scene::new(1_000_000);
    let offer = sc.market.post_offer(&sc.provider, &sc.offer(1_000));
    let mut leases = 0;
    let mut points = Vec::new();
    for &size in sizes {
        while leases + 1 < size {
            sc.rent(offer, 1, 366);
            leases += 1;
        }
        let lease = settleable(&sc, offer);
        leases += 1;
        points.push(SweepPoint {
            size,
            costs: sweep_costs(&sc, offer, lease),
        });
    }
    Sweep {
        name: "leases",
        points,
    }
}

/// rent, settle and post_offer as past epochs of the source pool (attested, one lease settled
/// through them) grow.
pub fn epochs_sweep(sizes: &[usize]) -> Sweep {
    let sc = Scene::new(1_000_000);
    let offer = sc.market.post_offer(&sc.provider, &sc.offer(1_000));
    let long = sc.rent(offer, 1, 366);
    let long_lease = sc.market.get_lease(&long).expect("lease");
    let mut past = 0;
    let mut points = Vec::new();
    for &size in sizes {
        while past < size {
            // The epoch the clock is in: the long lease's delivery (while it runs) and the
            // source pool attested, the long lease settled through it.
            let epoch = sc.oracle.current_epoch(&sc.pool);
            if epoch < long_lease.first_epoch + 366 {
                sc.attest_epoch(&long_lease.delivery_pool, epoch, TH);
            }
            sc.attest_epoch(&sc.pool.clone(), epoch, 1_000_000 * TH);
            sc.market.settle(&long);
            past += 1;
        }
        let lease = settleable(&sc, offer);
        past += 2;
        points.push(SweepPoint {
            size,
            costs: sweep_costs(&sc, offer, lease),
        });
    }
    Sweep {
        name: "past epochs (lease)",
        points,
    }
}
