//! rig-nft in the benchmark: every public function of the vault on the compiled WASM, and the
//! sweeps showing its calls stay flat as certificates and past epochs grow. Measured as the rest
//! of the benchmark is (`measure`: a fresh `Env` from the grown ledger's snapshot).
use hashshare_interfaces::SHARE_UNIT;
use rig_nft::{Rig, RigNftClient};
use soroban_sdk::{testutils::Address as _, Address, BytesN, Env, String};

use crate::{
    bench::{Row, Sweep, SweepPoint},
    fixture::{advance, deploy_vault, wasm, Suite, TH_PER_SHARE},
    measure::{measure, port, Cost},
};

const DAY: u64 = 86_400;
const CONTRACT: &str = "rig-nft";
/// A rental's price per epoch, in the reward asset's base units.
const PRICE: i128 = 1_000;

pub fn rig(env: &Env, serial: &str) -> Rig {
    Rig {
        model: String::from_str(env, "Antminer S21"),
        joules_per_th: 17,
        serial: String::from_str(env, serial),
        location: String::from_str(env, "Texas, US"),
    }
}

/// A fresh epoch attested and paid: its stream runs, so every certificate call that pulls
/// from the distributor pulls something (and, nothing being owed, a rental may start).
fn paid_epoch(s: &Suite, hashrate: i128, reward: i128) {
    let epoch = s.attest(hashrate, reward);
    s.pay_in_full(epoch);
    advance(&s.env, 3_600);
}

/// Accounts of a grown vault, in one `Env`.
struct Parties {
    owner: Address,
    buyer: Address,
    renter: Address,
}

impl Parties {
    fn new(s: &Suite) -> Parties {
        let parties = Parties {
            owner: Address::generate(&s.env),
            buyer: Address::generate(&s.env),
            renter: Address::generate(&s.env),
        };
        s.reward_issuer.mint(&parties.renter, &1_000_000_000);
        parties
    }

    fn port(&self, env: &Env) -> Parties {
        Parties {
            owner: port(env, &self.owner),
            buyer: port(env, &self.buyer),
            renter: port(env, &self.renter),
        }
    }
}

/// Measures `f` on the vault `nft` of the grown ledger `env`.
fn cost(
    env: &Env,
    nft: &Address,
    parties: &Parties,
    f: impl FnOnce(&Env, &RigNftClient, &Parties),
) -> Cost {
    measure(env, |env| {
        f(
            env,
            &RigNftClient::new(env, &port(env, nft)),
            &parties.port(env),
        )
    })
}

/// The calls both sweeps measure, on certificate `id` (its owner's, listed for rent) with the
/// owner holding shares to wrap.
fn sweep_costs(
    env: &Env,
    nft: &Address,
    parties: &Parties,
    id: u32,
) -> Vec<(std::string::String, Cost)> {
    let mut costs = Vec::new();
    let mut add = |name: &str, f: &dyn Fn(&Env, &RigNftClient, &Parties)| {
        costs.push((name.to_string(), cost(env, nft, parties, f)));
    };
    add("wrap", &|env, n, p| {
        n.wrap(&p.owner, &SHARE_UNIT, &rig(env, "S21-SWEEP"));
    });
    add("add_shares", &|_, n, _| n.add_shares(&id, &SHARE_UNIT));
    add("transfer", &|_, n, p| n.transfer(&p.owner, &p.buyer, &id));
    add("claim", &|_, n, _| {
        n.claim(&id);
    });
    add("rent", &|_, n, p| n.rent(&p.renter, &id, &2, &(2 * PRICE)));
    add("unwrap", &|_, n, _| {
        n.unwrap(&id);
    });
    costs
}

/// Every public function of rig-nft, each doing real work: a vault holding a plain certificate
/// (approved to a buyer, its owner's operator set), one listed for rent and one rented, while
/// a stream runs.
pub fn functions() -> Vec<Row> {
    let s = Suite::new(365 * DAY, 500, 1_000_000_000_000);
    let env = &s.env;
    let nft = deploy_vault(&s);
    let p = Parties::new(&s);
    let operator = Address::generate(env);
    s.attest(2_000 * TH_PER_SHARE, 1_000_000);
    s.token.mint(&p.owner, &(600 * SHARE_UNIT));
    s.token.mint(&p.buyer, &(400 * SHARE_UNIT));
    let plain = nft.wrap(&p.owner, &(100 * SHARE_UNIT), &rig(env, "S21-0001"));
    let listed = nft.wrap(&p.owner, &(50 * SHARE_UNIT), &rig(env, "S21-0002"));
    let rented = nft.wrap(&p.buyer, &(100 * SHARE_UNIT), &rig(env, "S21-0003"));
    nft.list_rental(&listed, &PRICE, &10);
    nft.list_rental(&rented, &PRICE, &10);
    nft.rent(&p.renter, &rented, &3, &(3 * PRICE));
    paid_epoch(&s, 2_000 * TH_PER_SHARE, 2_000_000);
    let live_until = env.ledger().sequence() + 10_000;
    nft.approve(&p.owner, &p.buyer, &plain, &live_until);
    nft.approve_for_all(&p.owner, &operator, &live_until);
    let next_admin = Address::generate(env);
    nft.propose_admin(&next_admin);
    let hash = env
        .deployer()
        .upload_contract_wasm(wasm("rig_nft").as_slice());

    let at = nft.address.clone();
    let row = |call: &str, f: &dyn Fn(&Env, &RigNftClient, &Parties)| Row {
        contract: CONTRACT,
        call: call.to_string(),
        cost: cost(env, &at, &p, f),
    };
    let operator = &operator;
    let next_admin = &next_admin;
    vec![
        row("wrap", &|env, n, p| {
            n.wrap(&p.owner, &(10 * SHARE_UNIT), &rig(env, "S21-0004"));
        }),
        row("add_shares", &|_, n, _| n.add_shares(&plain, &SHARE_UNIT)),
        row("unwrap", &|_, n, _| {
            n.unwrap(&plain);
        }),
        row("transfer", &|_, n, p| {
            n.transfer(&p.owner, &p.renter, &plain)
        }),
        row("transfer (a rented certificate)", &|_, n, p| {
            n.transfer(&p.buyer, &p.owner, &rented)
        }),
        row("transfer_from (approved)", &|_, n, p| {
            n.transfer_from(&p.buyer, &p.owner, &p.renter, &plain)
        }),
        row("transfer_from (operator)", &|env, n, p| {
            n.transfer_from(&port(env, operator), &p.owner, &p.renter, &listed)
        }),
        row("approve", &|env, n, p| {
            n.approve(
                &p.owner,
                &p.renter,
                &listed,
                &(env.ledger().sequence() + 100),
            )
        }),
        row("approve_for_all", &|env, n, p| {
            n.approve_for_all(&p.owner, &p.renter, &(env.ledger().sequence() + 100))
        }),
        row("claim", &|_, n, _| {
            n.claim(&plain);
        }),
        row("claim (rented: owner and user paid)", &|_, n, _| {
            n.claim(&rented);
        }),
        row("set_user", &|env, n, p| {
            n.set_user(&plain, &p.renter, &(env.ledger().timestamp() + DAY))
        }),
        row("list_rental", &|_, n, _| n.list_rental(&plain, &PRICE, &5)),
        row("unlist_rental", &|_, n, _| n.unlist_rental(&listed)),
        row("rent", &|_, n, p| {
            n.rent(&p.renter, &listed, &2, &(2 * PRICE))
        }),
        row("collect (nothing unpaid)", &|_, n, p| {
            n.collect(&p.owner);
        }),
        row("accrued", &|_, n, _| {
            n.accrued(&rented);
        }),
        row("rig", &|_, n, _| {
            n.rig(&plain);
        }),
        row("token_uri", &|_, n, _| {
            n.token_uri(&plain);
        }),
        row("owner_of", &|_, n, _| {
            n.owner_of(&plain);
        }),
        row("balance", &|_, n, p| {
            n.balance(&p.owner);
        }),
        row("get_approved", &|_, n, _| {
            n.get_approved(&plain);
        }),
        row("is_approved_for_all", &|env, n, p| {
            n.is_approved_for_all(&p.owner, &port(env, operator));
        }),
        row("user_of", &|_, n, _| {
            n.user_of(&rented);
        }),
        row("unpaid", &|_, n, p| {
            n.unpaid(&p.owner);
        }),
        row("name", &|_, n, _| {
            n.name();
        }),
        row("symbol", &|_, n, _| {
            n.symbol();
        }),
        row("admin", &|_, n, _| {
            n.admin();
        }),
        row("propose_admin", &|env, n, _| {
            n.propose_admin(&port(env, next_admin))
        }),
        row("accept_admin", &|_, n, _| n.accept_admin()),
        row("upgrade (the same WASM)", &|env, n, _| {
            n.upgrade(&BytesN::from_array(env, &hash.to_array()))
        }),
    ]
}

/// The sweep's calls as the number of certificates grows (one ledger, grown from one size to
/// the next; the measured certificate is the first).
pub fn certificates_sweep(sizes: &[usize]) -> Sweep {
    let largest = sizes.iter().copied().max().unwrap_or(1) as i128;
    let s = Suite::new(365 * DAY, 500, i128::from(i64::MAX));
    let env = &s.env;
    let nft = deploy_vault(&s);
    let p = Parties::new(&s);
    let hashrate = (largest + 10) * TH_PER_SHARE;
    s.attest(hashrate, 1_000_000_000_000);
    s.token.mint(&p.owner, &((largest + 5) * SHARE_UNIT));
    let first = nft.wrap(&p.owner, &SHARE_UNIT, &rig(env, "S21-0000"));
    nft.list_rental(&first, &PRICE, &10);
    let mut wrapped = 1;
    let mut points = Vec::new();
    for &size in sizes {
        while wrapped < size {
            nft.wrap(&p.owner, &SHARE_UNIT, &rig(env, "S21-MORE"));
            wrapped += 1;
        }
        paid_epoch(&s, hashrate, 1_000_000_000_000);
        points.push(SweepPoint {
            size,
            costs: sweep_costs(env, &nft.address, &p, first),
        });
    }
    Sweep {
        name: "certificates",
        points,
    }
}

/// The sweep's calls as past epochs grow: each one paid in full into the vault and claimed
/// through the measured certificate, so its position has seen every one.
pub fn epochs_sweep(sizes: &[usize]) -> Sweep {
    let epochs = sizes.iter().copied().max().unwrap_or(1) + 2 * sizes.len() + 10;
    let s = Suite::new(epochs as u64 * DAY, 500, i128::from(i64::MAX));
    let env = &s.env;
    let nft = deploy_vault(&s);
    let p = Parties::new(&s);
    s.attest(200 * TH_PER_SHARE, 1_000_000);
    s.token.mint(&p.owner, &(100 * SHARE_UNIT));
    s.token.mint(&p.buyer, &(40 * SHARE_UNIT));
    let id = nft.wrap(&p.owner, &(60 * SHARE_UNIT), &rig(env, "S21-0000"));
    nft.list_rental(&id, &PRICE, &10);
    let mut past = 0;
    let mut points = Vec::new();
    for &size in sizes {
        while past < size {
            s.pay_in_full(s.attest(200 * TH_PER_SHARE, 1_000_000));
            nft.claim(&id);
            past += 1;
        }
        paid_epoch(&s, 200 * TH_PER_SHARE, 1_000_000);
        past += 1;
        // An allowance lives about a year of ledgers; the full sweep runs for three.
        s.approve_topups(&s.operator);
        points.push(SweepPoint {
            size,
            costs: sweep_costs(env, &nft.address, &p, id),
        });
    }
    Sweep {
        name: "past epochs (rig-nft)",
        points,
    }
}
