//! Native unit tests against minimal stand-ins for the oracle and the share token: what the
//! distributor asks of them, the money it moves, its storage TTLs and every error code. The
//! end-to-end tests in `tests/` run the real contracts' WASM.
extern crate std;

use hashshare_common::ttl::{DAY_IN_LEDGERS, PERSISTENT_BUMP};
use hashshare_interfaces::{EpochPayout, EpochReport, PoolConfig};
use soroban_sdk::{
    contract, contractimpl, contracttype,
    testutils::{
        storage::Persistent as _, Address as _, AuthorizedFunction, AuthorizedInvocation,
        EnvTestConfig, Events as _, Ledger,
    },
    token::{StellarAssetClient, TokenClient},
    Address, Env, Error, Event, IntoVal, Symbol, Vec,
};

use crate::{
    storage::DataKey, Claimed, Deposited, DistributorError, FeeSet, PayoutDistributorContract,
    PayoutDistributorContractClient, Recorded,
};

#[contracttype]
enum MockKey {
    Pool,
    Report(u64),
    Supply,
    Maturity,
    Accrued(Address),
    Notified,
    Wiring,
}

/// The two oracle reads the distributor makes.
#[contract]
struct MockOracle;

#[contractimpl]
impl MockOracle {
    pub fn pool(env: Env, _pool: Symbol) -> PoolConfig {
        env.storage().instance().get(&MockKey::Pool).unwrap()
    }
    pub fn report(env: Env, _pool: Symbol, epoch: u64) -> Option<EpochReport> {
        env.storage().instance().get(&MockKey::Report(epoch))
    }
    pub fn set_pool(env: Env, config: PoolConfig) {
        env.storage().instance().set(&MockKey::Pool, &config);
    }
    pub fn set_report(env: Env, epoch: u64, hashrate: i128, reward: i128) {
        let report = EpochReport {
            epoch,
            hashrate,
            reward,
            submissions: 1,
            finalized_at: 0,
        };
        env.storage()
            .instance()
            .set(&MockKey::Report(epoch), &report);
    }
}

/// The share-token calls the distributor makes; `notify_reward` calls are logged.
#[contract]
struct MockShareToken;

#[contractimpl]
impl MockShareToken {
    pub fn total_supply(env: Env) -> i128 {
        Self::supply_and_rate(&env).0
    }
    pub fn hashrate_per_share(env: Env) -> i128 {
        Self::supply_and_rate(&env).1
    }
    pub fn maturity(env: Env) -> u64 {
        env.storage().instance().get(&MockKey::Maturity).unwrap()
    }
    pub fn accrued(env: Env, holder: Address) -> i128 {
        env.storage()
            .instance()
            .get(&MockKey::Accrued(holder))
            .unwrap_or(0)
    }
    pub fn take_accrued(env: Env, holder: Address) -> i128 {
        let amount = Self::accrued(env.clone(), holder.clone());
        env.storage().instance().remove(&MockKey::Accrued(holder));
        amount
    }
    pub fn notify_reward(env: Env, amount: i128, duration: u64) {
        let mut log = Self::notified(env.clone());
        log.push_back((amount, duration));
        env.storage().instance().set(&MockKey::Notified, &log);
    }
    pub fn notified(env: Env) -> Vec<(i128, u64)> {
        env.storage()
            .instance()
            .get(&MockKey::Notified)
            .unwrap_or(Vec::new(&env))
    }
    pub fn set_supply(env: Env, supply: i128, hashrate_per_share: i128) {
        env.storage()
            .instance()
            .set(&MockKey::Supply, &(supply, hashrate_per_share));
    }
    pub fn set_maturity(env: Env, maturity: u64) {
        env.storage().instance().set(&MockKey::Maturity, &maturity);
    }
    pub fn set_wiring(env: Env, oracle: Address, pool: Symbol) {
        env.storage()
            .instance()
            .set(&MockKey::Wiring, &(oracle, pool));
    }
    pub fn oracle(env: Env) -> Address {
        let (oracle, _): (Address, Symbol) =
            env.storage().instance().get(&MockKey::Wiring).unwrap();
        oracle
    }
    pub fn pool(env: Env) -> Symbol {
        let (_, pool): (Address, Symbol) = env.storage().instance().get(&MockKey::Wiring).unwrap();
        pool
    }
    pub fn set_accrued(env: Env, holder: Address, amount: i128) {
        env.storage()
            .instance()
            .set(&MockKey::Accrued(holder), &amount);
    }

    fn supply_and_rate(env: &Env) -> (i128, i128) {
        env.storage().instance().get(&MockKey::Supply).unwrap()
    }
}

const TH: i128 = 1_000_000_000_000;
const SHARE: i128 = 10_000_000;
const GENESIS: u64 = 1_000;
const EPOCH_SECONDS: u64 = 100;
/// Epoch 10 starts at maturity.
const MATURITY: u64 = GENESIS + 10 * EPOCH_SECONDS;
const FEE_BPS: u32 = 100;
/// Epoch 0: 4 TH/s earned 1,000,000; 3 TH/s are sold, so 750,000 are owed.
const REWARD: i128 = 1_000_000;
const OWED: i128 = 750_000;

struct Setup {
    env: Env,
    admin: Address,
    operator: Address,
    fee_recipient: Address,
    distributor: PayoutDistributorContractClient<'static>,
    oracle: MockOracleClient<'static>,
    share_token: MockShareTokenClient<'static>,
    reward: TokenClient<'static>,
}

fn setup() -> Setup {
    let env = Env::new_with_config(EnvTestConfig {
        capture_snapshot_at_drop: false,
    });
    env.mock_all_auths();
    let admin = Address::generate(&env);
    let operator = Address::generate(&env);
    let fee_recipient = Address::generate(&env);
    let pool = Symbol::new(&env, "pool");

    let oracle = MockOracleClient::new(&env, &env.register(MockOracle, ()));
    oracle.set_pool(&PoolConfig {
        operator: operator.clone(),
        reporters: Vec::new(&env),
        quorum: 1,
        epoch_seconds: EPOCH_SECONDS,
        genesis: GENESIS,
        dispute_seconds: 0,
        max_age_epochs: 1,
    });
    oracle.set_report(&0, &(4 * TH), &REWARD);
    let share_token = MockShareTokenClient::new(&env, &env.register(MockShareToken, ()));
    share_token.set_supply(&(3 * SHARE), &TH);
    share_token.set_maturity(&MATURITY);
    share_token.set_wiring(&oracle.address, &pool);

    let asset = env.register_stellar_asset_contract_v2(Address::generate(&env));
    StellarAssetClient::new(&env, &asset.address()).mint(&operator, &(10 * REWARD));
    let reward = TokenClient::new(&env, &asset.address());

    let id = env.register(
        PayoutDistributorContract,
        (
            admin.clone(),
            share_token.address.clone(),
            reward.address.clone(),
            oracle.address.clone(),
            pool,
            FEE_BPS,
            fee_recipient.clone(),
        ),
    );
    Setup {
        distributor: PayoutDistributorContractClient::new(&env, &id),
        env,
        admin,
        operator,
        fee_recipient,
        oracle,
        share_token,
        reward,
    }
}

fn contract_error(error: DistributorError) -> Error {
    Error::from_contract_error(error as u32)
}

#[test]
fn record_fixes_the_sold_share_of_the_reward_once() {
    let s = setup();
    let expected = EpochPayout {
        owed: OWED,
        paid: 0,
        fee: 0,
    };
    assert_eq!(s.distributor.record(&0), expected);
    assert_eq!(
        s.env
            .events()
            .all()
            .filter_by_contract(&s.distributor.address),
        [Recorded {
            epoch: 0,
            owed: OWED,
            reward: REWARD,
            hashrate: 4 * TH,
            sold: 3 * TH,
        }
        .to_xdr(&s.env, &s.distributor.address)]
    );
    assert_eq!(s.distributor.arrears(), OWED);

    // More shares sold later change nothing for an epoch already recorded.
    s.share_token.set_supply(&(4 * SHARE), &TH);
    assert_eq!(s.distributor.record(&0), expected);
    assert_eq!(
        s.env
            .events()
            .all()
            .filter_by_contract(&s.distributor.address)
            .events()
            .len(),
        0
    );
    assert_eq!(s.distributor.epoch(&0), Some(expected));
    assert_eq!(s.distributor.arrears(), OWED);

    // An oversold epoch owes the whole reward; arrears add up.
    s.oracle.set_report(&1, &TH, &10);
    assert_eq!(s.distributor.record(&1).owed, 10);
    assert_eq!(s.distributor.arrears(), OWED + 10);
    assert_eq!(s.distributor.epoch(&2), None);
}

#[test]
fn record_refuses_missing_reports_epochs_after_maturity_and_overflow() {
    let s = setup();
    assert_eq!(
        s.distributor.try_record(&1),
        Err(Ok(contract_error(DistributorError::ReportNotEffective)))
    );
    s.oracle.set_report(&9, &TH, &1);
    assert_eq!(s.distributor.record(&9).owed, 1, "starts before maturity");
    s.oracle.set_report(&10, &TH, &1);
    assert_eq!(
        s.distributor.try_record(&10),
        Err(Ok(contract_error(DistributorError::EpochAfterMaturity)))
    );
    s.oracle.set_report(&u64::MAX, &TH, &1);
    assert_eq!(
        s.distributor.try_record(&u64::MAX),
        Err(Ok(contract_error(DistributorError::EpochAfterMaturity))),
        "a start beyond u64 is after maturity"
    );
    s.share_token.set_supply(&i128::MAX, &i128::MAX);
    s.oracle.set_report(&2, &TH, &1);
    assert_eq!(
        s.distributor.try_record(&2),
        Err(Ok(contract_error(DistributorError::Overflow)))
    );
    assert_eq!(s.distributor.epoch(&2), None);
}

#[test]
fn deposit_pulls_takes_the_fee_and_streams_the_rest_over_one_epoch() {
    let s = setup();
    let d = &s.distributor;
    d.deposit(&s.operator, &0, &500_000);
    assert_eq!(
        s.env.auths(),
        std::vec![(
            s.operator.clone(),
            AuthorizedInvocation {
                function: AuthorizedFunction::Contract((
                    d.address.clone(),
                    Symbol::new(&s.env, "deposit"),
                    (s.operator.clone(), 0u64, 500_000i128).into_val(&s.env),
                )),
                sub_invocations: std::vec![AuthorizedInvocation {
                    function: AuthorizedFunction::Contract((
                        s.reward.address.clone(),
                        Symbol::new(&s.env, "transfer"),
                        (s.operator.clone(), d.address.clone(), 500_000i128).into_val(&s.env),
                    )),
                    sub_invocations: std::vec![],
                }],
            }
        )]
    );
    assert_eq!(
        s.env.events().all().filter_by_contract(&d.address),
        [
            Recorded {
                epoch: 0,
                owed: OWED,
                reward: REWARD,
                hashrate: 4 * TH,
                sold: 3 * TH,
            }
            .to_xdr(&s.env, &d.address),
            Deposited {
                epoch: 0,
                from: s.operator.clone(),
                amount: 500_000,
                fee: 5_000,
            }
            .to_xdr(&s.env, &d.address)
        ]
    );
    assert_eq!(s.reward.balance(&s.fee_recipient), 5_000);
    assert_eq!(s.reward.balance(&d.address), 495_000);
    assert_eq!(
        s.share_token.notified(),
        Vec::from_array(&s.env, [(495_000, EPOCH_SECONDS)])
    );
    assert_eq!(
        d.epoch(&0),
        Some(EpochPayout {
            owed: OWED,
            paid: 500_000,
            fee: 5_000
        })
    );
    assert_eq!(d.arrears(), OWED - 500_000);
    assert_eq!(d.totals(), (500_000, 5_000));

    // A deposit too small for a fee pays no fee and still streams.
    d.deposit(&s.operator, &0, &99);
    assert_eq!(s.reward.balance(&s.fee_recipient), 5_000);
    assert_eq!(s.share_token.notified().last(), Some((99, EPOCH_SECONDS)));

    let outstanding = OWED - 500_099;
    assert_eq!(
        d.try_deposit(&s.operator, &0, &(outstanding + 1)),
        Err(Ok(contract_error(DistributorError::Overpayment)))
    );
    assert_eq!(
        d.try_deposit(&s.operator, &0, &0),
        Err(Ok(contract_error(DistributorError::InvalidAmount)))
    );
    d.deposit(&s.operator, &0, &outstanding);
    assert_eq!(d.arrears(), 0);
    assert_eq!(
        d.try_deposit(&s.operator, &0, &1),
        Err(Ok(contract_error(DistributorError::Overpayment)))
    );
    assert_eq!(
        d.try_deposit(&s.operator, &1, &1),
        Err(Ok(contract_error(DistributorError::ReportNotEffective)))
    );
    let (deposited, fees) = d.totals();
    assert_eq!(deposited, OWED);
    assert_eq!(
        deposited,
        fees + s.reward.balance(&d.address),
        "nothing claimed yet"
    );
}

#[test]
fn claims_pay_what_the_share_token_releases_once() {
    let s = setup();
    let d = &s.distributor;
    d.deposit(&s.operator, &0, &OWED);
    let holder = Address::generate(&s.env);
    let to = Address::generate(&s.env);
    s.share_token.set_accrued(&holder, &1_234);
    assert_eq!(d.claimable(&holder), 1_234);

    assert_eq!(d.claim_to(&holder, &to), 1_234);
    assert_eq!(
        s.env.auths(),
        std::vec![(
            holder.clone(),
            AuthorizedInvocation {
                function: AuthorizedFunction::Contract((
                    d.address.clone(),
                    Symbol::new(&s.env, "claim_to"),
                    (holder.clone(), to.clone()).into_val(&s.env),
                )),
                sub_invocations: std::vec![],
            }
        )]
    );
    assert_eq!(
        s.env.events().all().filter_by_contract(&d.address),
        [Claimed {
            holder: holder.clone(),
            to: to.clone(),
            amount: 1_234,
        }
        .to_xdr(&s.env, &d.address)]
    );
    assert_eq!(s.reward.balance(&to), 1_234);
    assert_eq!(s.reward.balance(&holder), 0);

    assert_eq!(d.claim(&holder), 0, "nothing left");
    assert_eq!(
        s.env
            .events()
            .all()
            .filter_by_contract(&d.address)
            .events()
            .len(),
        0
    );
    s.share_token.set_accrued(&holder, &66);
    assert_eq!(d.claim(&holder), 66);
    assert_eq!(s.reward.balance(&holder), 66);
    let (deposited, fees) = d.totals();
    let claimed = 1_234 + 66;
    assert_eq!(deposited, fees + claimed + s.reward.balance(&d.address));
}

#[test]
fn pause_stops_deposits_and_claims_but_not_records() {
    let s = setup();
    let d = &s.distributor;
    d.pause();
    assert!(d.paused());
    assert_eq!(
        d.try_deposit(&s.operator, &0, &1),
        Err(Ok(contract_error(DistributorError::Paused)))
    );
    assert_eq!(
        d.try_claim(&s.operator),
        Err(Ok(contract_error(DistributorError::Paused)))
    );
    assert_eq!(d.record(&0).owed, OWED);
    d.unpause();
    d.deposit(&s.operator, &0, &1);
}

#[test]
fn fee_is_bounded_and_set_by_the_admin() {
    let s = setup();
    let d = &s.distributor;
    assert_eq!(d.fee_bps(), FEE_BPS);
    assert_eq!(
        d.try_set_fee(&2_001),
        Err(Ok(contract_error(DistributorError::InvalidFee)))
    );
    d.set_fee(&2_000);
    assert_eq!(s.env.auths()[0].0, s.admin);
    assert_eq!(
        s.env.events().all().filter_by_contract(&d.address),
        [FeeSet { fee_bps: 2_000 }.to_xdr(&s.env, &d.address)]
    );
    assert_eq!(d.fee_bps(), 2_000);
    d.deposit(&s.operator, &0, &10_000);
    assert_eq!(s.reward.balance(&s.fee_recipient), 2_000);
}

#[test]
#[should_panic(expected = "Error(Contract, #304)")]
fn constructor_refuses_a_fee_above_twenty_percent() {
    let env = Env::new_with_config(EnvTestConfig {
        capture_snapshot_at_drop: false,
    });
    let a = || Address::generate(&env);
    env.register(
        PayoutDistributorContract,
        (a(), a(), a(), a(), Symbol::new(&env, "p"), 2_001u32, a()),
    );
}

#[test]
fn admin_transfer_needs_a_proposal() {
    let s = setup();
    let d = &s.distributor;
    assert_eq!(
        d.try_accept_admin(),
        Err(Ok(contract_error(DistributorError::NoPendingAdmin)))
    );
    let next = Address::generate(&s.env);
    d.propose_admin(&next);
    d.accept_admin();
    assert_eq!(d.admin(), next);
}

#[test]
fn a_broken_instance_fails_with_invalid_config() {
    let s = setup();
    let d = &s.distributor;
    s.env.as_contract(&d.address, || {
        s.env.storage().persistent().remove(&DataKey::Config)
    });
    assert_eq!(
        d.try_fee_bps(),
        Err(Ok(contract_error(DistributorError::InvalidConfig)))
    );
}

#[test]
fn reads_extend_payouts_so_recorded_debt_never_expires() {
    let s = setup();
    let d = &s.distributor;
    d.record(&0);
    let ttl = || {
        s.env.as_contract(&d.address, || {
            s.env.storage().persistent().get_ttl(&DataKey::Payout(0))
        })
    };
    assert_eq!(ttl(), PERSISTENT_BUMP);

    // 20 days later, well inside the TTL: a read extends it back to the full 120 days.
    s.env
        .ledger()
        .with_mut(|l| l.sequence_number += 20 * DAY_IN_LEDGERS);
    assert_eq!(ttl(), PERSISTENT_BUMP - 20 * DAY_IN_LEDGERS);
    assert_eq!(d.epoch(&0).map(|p| p.owed), Some(OWED));
    assert_eq!(ttl(), PERSISTENT_BUMP);
}
