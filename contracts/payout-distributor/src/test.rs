//! Native unit tests against minimal stand-ins for the oracle and the share token: what the
//! distributor asks of them, the money it moves, its storage TTLs and every error code. The
//! end-to-end tests in `tests/` run the real contracts' WASM.
extern crate std;

use hashshare_common::ttl::{DAY_IN_LEDGERS, PERSISTENT_BUMP};
use hashshare_interfaces::{Books, EpochPayout, EpochReport, PoolConfig};
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
    storage::DataKey, Claimed, Deposited, DistributorError, FeeRecipientSet, FeeSet, FeesWithdrawn,
    Missed, PayoutDistributorContract, PayoutDistributorContractClient, Recorded, TopUpCollected,
};

#[contracttype]
enum MockKey {
    Pool,
    Report(u64),
    Supply,
    EpochSupply(u64),
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
    pub fn notify_reward(env: Env, amount: i128) {
        let mut log = Self::notified(env.clone());
        log.push_back(amount);
        env.storage().instance().set(&MockKey::Notified, &log);
    }
    pub fn notified(env: Env) -> Vec<i128> {
        env.storage()
            .instance()
            .get(&MockKey::Notified)
            .unwrap_or(Vec::new(&env))
    }
    /// `(supply_seconds, supply_at_end)`, as set by `set_epoch_supply`; an epoch not set had
    /// `supply_at_start` throughout.
    pub fn epoch_supply(env: Env, epoch: u64, supply_at_start: i128) -> (i128, i128) {
        env.storage()
            .instance()
            .get(&MockKey::EpochSupply(epoch))
            .unwrap_or((supply_at_start * EPOCH_SECONDS as i128, supply_at_start))
    }
    pub fn set_epoch_supply(env: Env, epoch: u64, supply_seconds: i128, supply_at_end: i128) {
        env.storage().instance().set(
            &MockKey::EpochSupply(epoch),
            &(supply_seconds, supply_at_end),
        );
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
/// Epoch 0: 4 TH/s earned 1,000,000; 3 whole shares of 1 TH/s existed all epoch, so 750,000
/// are owed.
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

/// A distributor deployed before genesis (its first epoch is 0), over mocks: 3 shares held
/// through epoch 0, whose report is in; the clock at the end of epoch 0.
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
        capacity_epochs: 1,
    });
    oracle.set_report(&0, &(4 * TH), &REWARD);
    let share_token = MockShareTokenClient::new(&env, &env.register(MockShareToken, ()));
    // No share before the distributor exists (its constructor checks); 3 are sold right after.
    share_token.set_supply(&0, &TH);
    share_token.set_epoch_supply(&0, &(3 * SHARE * EPOCH_SECONDS as i128), &(3 * SHARE));
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
    share_token.set_supply(&(3 * SHARE), &TH);
    env.ledger()
        .with_mut(|l| l.timestamp = GENESIS + EPOCH_SECONDS);
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

impl Setup {
    fn at_epoch(&self, epoch: u64) {
        self.env
            .ledger()
            .with_mut(|l| l.timestamp = GENESIS + epoch * EPOCH_SECONDS);
    }

    fn events(&self) -> soroban_sdk::testutils::ContractEvents {
        self.env
            .events()
            .all()
            .filter_by_contract(&self.distributor.address)
    }
}

fn contract_error(error: DistributorError) -> Error {
    Error::from_contract_error(error as u32)
}

fn unpaid(owed: i128, supply_seconds: i128) -> EpochPayout {
    EpochPayout {
        owed,
        paid: 0,
        topup: 0,
        fee: 0,
        supply_seconds,
        reported: true,
    }
}

const EPOCH0_SECONDS: i128 = 3 * SHARE * EPOCH_SECONDS as i128;

#[test]
fn record_fixes_the_time_weighted_share_of_the_reward_once_and_in_order() {
    let s = setup();
    let d = &s.distributor;
    assert_eq!(d.next_epoch(), 0);
    s.at_epoch(2);
    s.oracle.set_report(&1, &TH, &10);
    assert_eq!(
        d.try_record(&1),
        Err(Ok(contract_error(DistributorError::EarlierEpochOpen)))
    );
    let expected = unpaid(OWED, EPOCH0_SECONDS);
    assert_eq!(d.record(&0), expected);
    assert_eq!(
        s.events(),
        [Recorded {
            epoch: 0,
            owed: OWED,
            reward: REWARD,
            hashrate: 4 * TH,
            sold: 3 * TH,
        }
        .to_xdr(&s.env, &d.address)]
    );
    assert_eq!((d.arrears(), d.next_epoch()), (OWED, 1));

    // More shares later change nothing for an epoch already recorded.
    s.share_token.set_supply(&(4 * SHARE), &TH);
    assert_eq!(d.record(&0), expected);
    assert_eq!(s.events().events().len(), 0);
    assert_eq!(d.epoch(&0), Some(expected));

    // Epoch 1 had the 3 shares only for its first half: 1.5 TH/s sold of 1 TH/s delivered,
    // oversold, so it owes the whole reward.
    s.share_token
        .set_epoch_supply(&1, &(3 * SHARE * 50), &(4 * SHARE));
    assert_eq!(d.record(&1).owed, 10);
    assert_eq!((d.arrears(), d.next_epoch()), (OWED + 10, 2));
    assert_eq!(d.epoch(&2), None);
}

#[test]
fn an_unreported_epoch_waits_for_its_deadline_then_owes_nothing_until_a_late_report() {
    let s = setup();
    let d = &s.distributor;
    d.record(&0);
    s.share_token
        .set_epoch_supply(&1, &(2 * SHARE * EPOCH_SECONDS as i128), &(3 * SHARE));
    s.at_epoch(2); // epoch 1 is 1 epoch behind: within max_age_epochs (1)
    assert_eq!(
        d.try_record(&1),
        Err(Ok(contract_error(DistributorError::ReportNotEffective)))
    );
    s.at_epoch(3); // 2 behind: its report would be stale on arrival
    let missed = d.record(&1);
    assert_eq!(
        missed,
        EpochPayout {
            reported: false,
            ..unpaid(0, 2 * SHARE * EPOCH_SECONDS as i128)
        }
    );
    assert_eq!(
        s.events(),
        [Missed {
            epoch: 1,
            supply_seconds: 2 * SHARE * EPOCH_SECONDS as i128,
        }
        .to_xdr(&s.env, &d.address)]
    );
    assert_eq!((d.arrears(), d.next_epoch()), (OWED, 2));
    assert_eq!(
        d.try_deposit(&s.operator, &1, &1),
        Err(Ok(contract_error(DistributorError::NothingOwed)))
    );
    // The late report counts once recorded: 2 TH/s sold of 4 TH/s.
    s.oracle.set_report(&1, &(4 * TH), &REWARD);
    assert_eq!(
        d.record(&1),
        unpaid(REWARD / 2, 2 * SHARE * EPOCH_SECONDS as i128)
    );
    assert_eq!(d.arrears(), OWED + REWARD / 2);
    assert_eq!(d.record(&1).owed, REWARD / 2, "fixed once");
    assert_eq!(d.arrears(), OWED + REWARD / 2);
}

#[test]
fn an_epoch_nothing_was_sold_in_needs_no_report() {
    let s = setup();
    let d = &s.distributor;
    d.record(&0);
    s.share_token.set_epoch_supply(&1, &0, &0);
    s.at_epoch(2);
    let payout = d.record(&1);
    assert_eq!(payout.owed, 0);
    assert!(!payout.reported);
    assert_eq!(s.events().events().len(), 0);
    s.share_token.set_epoch_supply(&2, &0, &0);
    assert_eq!(
        d.try_record(&2),
        Err(Ok(contract_error(DistributorError::ReportNotEffective))),
        "not ended"
    );
}

#[test]
fn record_refuses_epochs_after_maturity_and_overflow() {
    let s = setup();
    let d = &s.distributor;
    s.at_epoch(20);
    for epoch in 0..10 {
        s.oracle.set_report(&epoch, &TH, &1);
        d.record(&epoch);
    }
    s.oracle.set_report(&10, &TH, &1);
    assert_eq!(
        d.try_record(&10),
        Err(Ok(contract_error(DistributorError::EpochAfterMaturity)))
    );
    let s = setup();
    s.share_token.set_supply(&i128::MAX, &i128::MAX);
    s.share_token.set_epoch_supply(&0, &i128::MAX, &i128::MAX);
    assert_eq!(
        s.distributor.try_record(&0),
        Err(Ok(contract_error(DistributorError::Overflow)))
    );
    assert_eq!(s.distributor.epoch(&0), None);
}

#[test]
fn deposit_takes_what_is_due_keeps_the_fee_and_streams_the_rest() {
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
        s.events(),
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
                paid: 500_000,
                topup: 0,
                fee: 5_000,
            }
            .to_xdr(&s.env, &d.address)
        ]
    );
    assert_eq!(s.reward.balance(&s.fee_recipient), 0, "fees accrue");
    assert_eq!(s.reward.balance(&d.address), 500_000);
    assert_eq!(s.share_token.notified(), Vec::from_array(&s.env, [495_000]));
    assert_eq!(d.arrears(), OWED - 500_000);
    assert_eq!(d.due(&0), OWED - 500_000);

    // One more share exists now than during the epoch: each unit of debt costs 4/3, and a
    // deposit of more than is due takes exactly that and sends the rest back.
    s.share_token.set_supply(&(4 * SHARE), &TH);
    let due = (OWED - 500_000) * 4 / 3 + 1; // 333,333.33, rounded up
    assert_eq!(d.due(&0), due);
    let before = s.reward.balance(&s.operator);
    d.deposit(&s.operator, &0, &1_000_000);
    assert_eq!(before - s.reward.balance(&s.operator), due);
    assert_eq!(
        d.epoch(&0),
        Some(EpochPayout {
            paid: OWED,
            topup: due - (OWED - 500_000),
            fee: 5_000 + due / 100,
            ..unpaid(OWED, EPOCH0_SECONDS)
        })
    );
    assert_eq!(d.arrears(), 0);
    assert_eq!(
        d.totals(),
        Books {
            deposited: 500_000 + due,
            topups: due - (OWED - 500_000),
            fees: 5_000 + due / 100,
            fees_withdrawn: 0,
        }
    );
    assert_eq!(
        d.try_deposit(&s.operator, &0, &1),
        Err(Ok(contract_error(DistributorError::NothingOwed)))
    );
    assert_eq!(
        d.try_deposit(&s.operator, &0, &0),
        Err(Ok(contract_error(DistributorError::InvalidAmount)))
    );
    assert_eq!(
        d.try_deposit(&s.operator, &1, &1),
        Err(Ok(contract_error(DistributorError::ReportNotEffective)))
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
        s.events(),
        [Claimed {
            holder: holder.clone(),
            to: to.clone(),
            amount: 1_234,
        }
        .to_xdr(&s.env, &d.address)]
    );
    assert_eq!(s.reward.balance(&to), 1_234);
    assert_eq!(d.claim(&holder), 0, "nothing left");
    assert_eq!(s.events().events().len(), 0);
    let books = d.totals();
    assert_eq!(
        books.deposited,
        books.fees_withdrawn + 1_234 + s.reward.balance(&d.address)
    );
}

#[test]
fn fees_accrue_and_the_recipient_withdraws_them() {
    let s = setup();
    let d = &s.distributor;
    d.deposit(&s.operator, &0, &OWED);
    let fees = OWED / 100;
    assert_eq!(d.withdraw_fees(), fees);
    assert_eq!(s.env.auths()[0].0, s.fee_recipient);
    assert_eq!(
        s.events(),
        [FeesWithdrawn {
            recipient: s.fee_recipient.clone(),
            amount: fees,
        }
        .to_xdr(&s.env, &d.address)]
    );
    assert_eq!(s.reward.balance(&s.fee_recipient), fees);
    assert_eq!(d.withdraw_fees(), 0);
    assert_eq!(d.totals().fees_withdrawn, fees);

    let next = Address::generate(&s.env);
    d.set_fee_recipient(&next);
    assert_eq!(s.env.auths()[0].0, s.admin);
    assert_eq!(
        s.events(),
        [FeeRecipientSet {
            recipient: next.clone()
        }
        .to_xdr(&s.env, &d.address)]
    );
    assert_eq!(d.fee_recipient(), next);
    assert_eq!(
        d.try_set_fee_recipient(&d.address),
        Err(Ok(contract_error(DistributorError::InvalidRecipient)))
    );
}

#[test]
fn a_top_up_is_taken_on_the_allowance_and_booked() {
    let s = setup();
    let d = &s.distributor;
    let live_until = s.env.ledger().sequence() + 100;
    s.reward
        .approve(&s.operator, &d.address, &1_000, &live_until);
    // Only the share token may ask (its auth, mocked here). 600 streams; grossed up by the
    // 1% fee: 606 taken, 6 of it fee (606 - floor(6.06) = 600).
    d.collect_topup(&s.operator, &600);
    assert_eq!(s.env.auths()[0].0, s.share_token.address);
    assert_eq!(
        s.events(),
        [TopUpCollected {
            from: s.operator.clone(),
            amount: 606,
            fee: 6,
        }
        .to_xdr(&s.env, &d.address)]
    );
    assert_eq!(s.reward.balance(&d.address), 606);
    let books = d.totals();
    assert_eq!((books.deposited, books.topups, books.fees), (606, 606, 6));
    assert_eq!(
        d.try_collect_topup(&s.operator, &401),
        Err(Ok(contract_error(DistributorError::TopUpNotApproved)))
    );
    assert_eq!(
        d.try_collect_topup(&s.operator, &0),
        Err(Ok(contract_error(DistributorError::InvalidAmount)))
    );
}

#[test]
fn pause_stops_money_moving_but_not_records() {
    let s = setup();
    let d = &s.distributor;
    d.pause();
    assert!(d.paused());
    let paused = Err(Ok(contract_error(DistributorError::Paused)));
    assert_eq!(d.try_deposit(&s.operator, &0, &1), paused);
    assert_eq!(d.try_collect_topup(&s.operator, &1), paused);
    let paused = Err(Ok(contract_error(DistributorError::Paused)));
    assert_eq!(d.try_claim(&s.operator), paused);
    assert_eq!(d.try_withdraw_fees(), paused);
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
        s.events(),
        [FeeSet { fee_bps: 2_000 }.to_xdr(&s.env, &d.address)]
    );
    d.deposit(&s.operator, &0, &10_000);
    assert_eq!(d.totals().fees, 2_000);
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
