//! payout-distributor end to end, on the compiled WASM of all three contracts: a real oracle
//! attests the pool, a real share token sells it, and the distributor pays holders in a real
//! Stellar Asset Contract, with exact expected numbers.
//!
//! The fixture sells 1 TH/s per whole share (10^7 base units); epochs are daily, reports become
//! effective one hour after they finalize. Unless a test says otherwise, epoch 0 attests
//! 100 TH/s earning nothing (it opens the mint cap) and the holders are minted right after it.
//!
//! Which test triggers which `DistributorError` (307 Overflow and 308 InvalidConfig cannot be
//! reached through real contracts and are covered by the unit tests):
//!
//! - 300 InvalidAmount: deposit_refuses_zero_and_negative_amounts
//! - 301 Overpayment: partial_deposits_leave_exact_arrears_and_an_overpayment_is_refused,
//!   owed_is_the_sold_share_of_the_reward_fixed_at_first_record
//! - 302 ReportNotEffective: deposit_and_record_refuse_an_unreported_epoch,
//!   deposit_refuses_a_report_inside_its_dispute_window_and_a_disputed_one
//! - 303 EpochAfterMaturity: deposit_refuses_an_epoch_starting_at_or_after_maturity
//! - 304 InvalidFee: the_wrong_signer_is_refused_for_every_admin_call,
//!   constructor_refuses_a_fee_above_twenty_percent
//! - 305 Paused: pause_blocks_deposits_and_claims_until_unpause
//! - 306 NoPendingAdmin: the_wrong_signer_is_refused_for_every_admin_call
//!
//! Holders that must sign under `authorize` are contract addresses (`Address::generate`):
//! the SDK's `mock_auths` cannot sign for a Stellar account.

use hashshare_interfaces::{EpochPayout, PayoutDistributorClient, SHARE_UNIT};
use hashshare_tests::{
    fixture::{
        advance, assert_auth_error, assert_error, assert_unchanged, authorize, panic_message, wasm,
        Suite, START, TH_PER_SHARE,
    },
    measure::{measure, port, Cost},
};
use payout_distributor::{
    Claimed, Deposited, DistributorError, FeeSet, PayoutDistributorContractClient, Recorded,
    MAX_FEE_BPS,
};
use soroban_sdk::{
    testutils::{Address as _, AuthorizedFunction, AuthorizedInvocation, Events as _},
    Address, Env, Event, IntoVal, Symbol,
};

const DAY: u64 = 86_400;
const HOUR: u64 = 3_600;
/// The term of every offering here, long enough never to matter unless a test says so.
const TERM: u64 = 365 * DAY;
/// The distributor's fee in the tests: 5%.
const FEE_BPS: u32 = 500;
/// What the operator is funded with: far more than any test deposits.
const FUNDS: i128 = 1_000_000_000_000;

/// Whole shares in base units.
fn shares(n: i128) -> i128 {
    n * SHARE_UNIT
}

/// Whole TH/s in H/s.
fn th(n: i128) -> i128 {
    n * TH_PER_SHARE
}

/// A suite maturing in `term` seconds with a 5% fee, epoch 0 attesting 100 TH/s (and no
/// reward), and one new holder per entry of `mints`, minted that many whole shares.
fn offering(term: u64, mints: &[i128]) -> (Suite, Vec<Address>) {
    let s = Suite::new(term, FEE_BPS, FUNDS);
    assert_eq!(s.attest(th(100), 0), 0);
    let holders = mints
        .iter()
        .map(|&n| {
            let holder = Address::generate(&s.env);
            s.token.mint(&holder, &shares(n));
            holder
        })
        .collect();
    (s, holders)
}

/// The distributor through its own client, for `totals`, which is not part of the interface.
fn totals(s: &Suite) -> (i128, i128) {
    PayoutDistributorContractClient::new(&s.env, &s.distributor.address).totals()
}

fn payout(owed: i128, paid: i128, fee: i128) -> EpochPayout {
    EpochPayout { owed, paid, fee }
}

/// The distributor's books close, and every claim can be paid: everything deposited is the
/// fees (all held by the fee recipient), the claims paid so far, or still held by the
/// distributor; and what it holds covers what every holder may claim now.
fn assert_books_balance(s: &Suite, claimed_so_far: i128, holders: &[Address]) {
    let (deposited, fees) = totals(s);
    let held = s.reward.balance(&s.distributor.address);
    assert_eq!(
        deposited,
        fees + claimed_so_far + held,
        "deposited {deposited} != fees {fees} + claimed {claimed_so_far} + held {held}"
    );
    assert_eq!(s.reward.balance(&s.fee_recipient), fees, "fees paid out");
    let claimable: i128 = holders.iter().map(|h| s.distributor.claimable(h)).sum();
    assert!(
        held >= claimable,
        "the distributor holds {held} but {claimable} is claimable"
    );
}

/// `actual` is `expected` or one base unit less (holders are rounded down).
fn assert_within_one(actual: i128, expected: i128) {
    assert!(
        actual == expected || actual == expected - 1,
        "{actual} is not {expected} (-1)"
    );
}

fn distributor_events(s: &Suite) -> soroban_sdk::testutils::ContractEvents {
    s.env
        .events()
        .all()
        .filter_by_contract(&s.distributor.address)
}

#[test]
fn two_investors_at_60_40_claim_their_exact_share_of_an_epoch_net_of_the_fee() {
    let (s, holders) = offering(TERM, &[60, 40]);
    let (a, b) = (&holders[0], &holders[1]);
    let d = &s.distributor;
    // Epoch 1: exactly the 100 TH/s sold, earning 0.1 BTC (in satoshis).
    let epoch = s.attest(th(100), 10_000_000);
    assert_eq!(epoch, 1);
    assert_eq!(d.record(&epoch), payout(10_000_000, 0, 0));
    d.deposit(&s.operator, &epoch, &10_000_000);
    assert_eq!(
        d.epoch(&epoch),
        Some(payout(10_000_000, 10_000_000, 500_000))
    );
    assert_eq!(s.reward.balance(&s.operator), FUNDS - 10_000_000);
    assert_eq!(s.reward.balance(&s.fee_recipient), 500_000);
    assert_eq!(s.reward.balance(&d.address), 9_500_000);
    assert_eq!(d.arrears(), 0);
    assert_eq!(
        (d.claimable(a), d.claimable(b)),
        (0, 0),
        "nothing streamed yet"
    );
    assert_books_balance(&s, 0, &holders);

    // The 9,500,000 left after the fee stream over one epoch.
    advance(&s.env, DAY);
    let (claimable_a, claimable_b) = (d.claimable(a), d.claimable(b));
    assert_within_one(claimable_a, 9_500_000 * 60 / 100);
    assert_within_one(claimable_b, 9_500_000 * 40 / 100);
    // The index rounds down: 5,699,999.99996 and 3,799,999.99997.
    assert_eq!((claimable_a, claimable_b), (5_699_999, 3_799_999));
    assert_books_balance(&s, 0, &holders);

    assert_eq!(s.reward.balance(a), 0);
    assert_eq!(d.claim(a), claimable_a);
    assert_eq!(s.reward.balance(a), claimable_a);
    assert_eq!(d.claimable(a), 0);
    assert_eq!(d.claim(a), 0, "a second claim pays nothing");
    assert_eq!(s.reward.balance(a), claimable_a);
    assert_books_balance(&s, claimable_a, &holders);

    // b claims later: the stream has ended, so it has earned nothing more.
    advance(&s.env, DAY);
    assert_eq!(d.claimable(b), claimable_b);
    assert_eq!(d.claim(b), claimable_b);
    assert_eq!(s.reward.balance(b), claimable_b);
    assert_eq!(d.claim(b), 0);
    assert_eq!(s.reward.balance(b), claimable_b);

    let claimed = claimable_a + claimable_b;
    assert_books_balance(&s, claimed, &holders);
    assert_eq!(s.reward.balance(&s.fee_recipient), 500_000);
    assert_eq!(totals(&s), (10_000_000, 500_000));
    // What rounding left behind stays in the distributor, owed to nobody.
    assert_eq!(s.reward.balance(&d.address), 2);
}

#[test]
fn partial_deposits_leave_exact_arrears_and_an_overpayment_is_refused() {
    let (s, holders) = offering(TERM, &[100]);
    let d = &s.distributor;
    let op = &s.operator;
    let e1 = s.attest(th(100), 1_000);
    let e2 = s.attest(th(100), 2_000);
    let e3 = s.attest(th(100), 3_000);
    assert_eq!((e1, e2, e3), (1, 2, 3));
    assert_eq!(d.arrears(), 0, "nothing recorded yet");

    d.deposit(op, &e1, &400);
    assert_eq!(d.epoch(&e1), Some(payout(1_000, 400, 20)));
    assert_eq!(d.arrears(), 600);
    assert_eq!(d.record(&e2), payout(2_000, 0, 0));
    assert_eq!(d.arrears(), 2_600);
    d.deposit(op, &e2, &2_000);
    assert_eq!(d.epoch(&e2), Some(payout(2_000, 2_000, 100)));
    assert_eq!(d.arrears(), 600);
    // One unit records the epoch and pays no fee (5% of 1 rounds down to 0).
    d.deposit(op, &e3, &1);
    assert_eq!(d.epoch(&e3), Some(payout(3_000, 1, 0)));
    assert_eq!(d.arrears(), 600 + 2_999);
    // 5% of 333 is 16.65: 16.
    d.deposit(op, &e1, &333);
    assert_eq!(d.epoch(&e1), Some(payout(1_000, 733, 36)));
    assert_eq!(d.arrears(), 267 + 2_999);
    assert_eq!(totals(&s), (2_734, 136));
    assert_books_balance(&s, 0, &holders);

    // More than an epoch still owes is refused, changing nothing.
    for (epoch, amount) in [(e1, 268), (e2, 1), (e3, 3_000), (e1, i128::MAX)] {
        assert_unchanged(&s.env, || {
            assert_error(
                d.try_deposit(op, &epoch, &amount),
                DistributorError::Overpayment,
            )
        });
    }
    // So is more than an epoch not yet recorded will owe: it stays unrecorded.
    let e4 = s.attest(th(100), 4_000);
    assert_unchanged(&s.env, || {
        assert_error(
            d.try_deposit(op, &e4, &4_001),
            DistributorError::Overpayment,
        )
    });
    assert_eq!(d.epoch(&e4), None);
    assert_eq!(d.arrears(), 3_266, "an unrecorded epoch is not in arrears");

    // Paying the rest clears the arrears; anyone may pay the miner's debt.
    let payer = Address::generate(&s.env);
    s.reward_issuer.mint(&payer, &267);
    d.deposit(&payer, &e1, &267); // fee 13.35: 13
    assert_eq!(s.reward.balance(&payer), 0);
    assert_eq!(d.epoch(&e1), Some(payout(1_000, 1_000, 49)));
    assert_eq!(d.arrears(), 2_999);
    d.deposit(op, &e3, &2_999); // fee 149.95: 149
    assert_eq!(d.epoch(&e3), Some(payout(3_000, 3_000, 149)));
    assert_eq!(d.arrears(), 0);
    assert_eq!(totals(&s), (6_000, 298));
    assert_eq!(s.reward.balance(op), FUNDS - 6_000 + 267);
    assert_books_balance(&s, 0, &holders);

    // Everything streams to the only holder, less at most a unit of dust per stream.
    advance(&s.env, DAY);
    let claimable = d.claimable(&holders[0]);
    assert!(
        (6_000 - 298 - 5..=6_000 - 298).contains(&claimable),
        "claimable {claimable}"
    );
    assert_eq!(d.claim(&holders[0]), claimable);
    assert_eq!(s.reward.balance(&holders[0]), claimable);
    assert_books_balance(&s, claimable, &holders);
}

#[test]
fn owed_is_the_sold_share_of_the_reward_fixed_at_first_record() {
    // Half of the 100 TH/s attested is sold.
    let (s, mut holders) = offering(TERM, &[50]);
    let d = &s.distributor;
    let e1 = s.attest(th(100), 1_000_000);
    assert_eq!(d.record(&e1), payout(500_000, 0, 0));
    assert_eq!(d.arrears(), 500_000);

    // The other half is sold after the record: the epoch's debt does not change.
    let late_buyer = Address::generate(&s.env);
    s.token.mint(&late_buyer, &shares(50));
    holders.push(late_buyer);
    assert_eq!(s.token.total_supply(), shares(100));
    assert_eq!(d.record(&e1), payout(500_000, 0, 0));
    assert_eq!(
        distributor_events(&s).events().len(),
        0,
        "recorded once only"
    );
    assert_eq!(d.epoch(&e1), Some(payout(500_000, 0, 0)));
    assert_eq!(d.arrears(), 500_000);
    assert_unchanged(&s.env, || {
        assert_error(
            d.try_deposit(&s.operator, &e1, &500_001),
            DistributorError::Overpayment,
        )
    });
    d.deposit(&s.operator, &e1, &500_000);
    assert_eq!(d.epoch(&e1), Some(payout(500_000, 500_000, 25_000)));

    // The next epoch, recorded with everything sold, owes its whole reward.
    let e2 = s.attest(th(100), 1_000_000);
    assert_eq!(d.record(&e2), payout(1_000_000, 0, 0));
    // 100 of 300 TH/s sold: a third of 1,000,000, rounded down in the miner's favour.
    let e3 = s.attest(th(300), 1_000_000);
    assert_eq!(d.record(&e3).owed, 333_333);
    // A pool delivering less than was sold owes the whole reward, never more.
    let e4 = s.attest(th(40), 1_000_000);
    assert_eq!(d.record(&e4).owed, 1_000_000);
    // No hashrate delivered: nothing owed, and nothing can be deposited.
    let e5 = s.attest(0, 1_000_000);
    assert_eq!(d.record(&e5).owed, 0);
    assert_error(
        d.try_deposit(&s.operator, &e5, &1),
        DistributorError::Overpayment,
    );
    assert_eq!(d.arrears(), 1_000_000 + 333_333 + 1_000_000);
    assert_books_balance(&s, 0, &holders);
}

#[test]
fn deposit_and_record_refuse_an_unreported_epoch() {
    let (s, holders) = offering(TERM, &[100]);
    let d = &s.distributor;
    // Epoch 1 is running: nothing reported for it, nor for any later epoch.
    for epoch in [1, 2, 1_000] {
        assert_unchanged(&s.env, || {
            assert_error(
                d.try_deposit(&s.operator, &epoch, &1),
                DistributorError::ReportNotEffective,
            );
            assert_error(d.try_record(&epoch), DistributorError::ReportNotEffective);
        });
        assert_eq!(d.epoch(&epoch), None);
    }
    assert_eq!(d.arrears(), 0);
    assert_books_balance(&s, 0, &holders);
}

#[test]
fn deposit_refuses_a_report_inside_its_dispute_window_and_a_disputed_one() {
    let (s, _) = offering(TERM, &[100]);
    let d = &s.distributor;
    let c = &s.pool_config;
    let submit_quorum = |hashrate: i128, reward: i128| {
        for i in 0..c.quorum {
            let reporter = c.reporters.get(i).unwrap();
            s.oracle.submit(&reporter, &s.pool, &1, &hashrate, &reward);
        }
    };
    let refused = || {
        assert_unchanged(&s.env, || {
            assert_error(
                d.try_deposit(&s.operator, &1, &1),
                DistributorError::ReportNotEffective,
            );
            assert_error(d.try_record(&1), DistributorError::ReportNotEffective);
        })
    };
    // Epoch 1 ends and finalizes: its report is inside its dispute window for an hour.
    advance(&s.env, c.genesis + 2 * DAY - s.env.ledger().timestamp());
    submit_quorum(th(100), 1_000);
    refused();
    advance(&s.env, HOUR - 1);
    refused();
    // The admin disputes it in the last second of the window: it never becomes effective.
    s.oracle.dispute(&s.pool, &1);
    refused();
    advance(&s.env, DAY);
    refused();
    assert_eq!(d.epoch(&1), None);

    // Attested again, it is used once effective, with the new values.
    submit_quorum(th(100), 800);
    refused();
    advance(&s.env, HOUR);
    d.deposit(&s.operator, &1, &800);
    assert_eq!(d.epoch(&1), Some(payout(800, 800, 40)));
}

#[test]
fn deposit_refuses_an_epoch_starting_at_or_after_maturity() {
    // A two-day term: epochs 0 and 1 are covered, epoch 2 starts at maturity.
    let (s, holders) = offering(2 * DAY, &[100]);
    let d = &s.distributor;
    assert_eq!(s.token.maturity(), START + 2 * DAY);
    let e1 = s.attest(th(100), 1_000);
    let e2 = s.attest(th(100), 2_000);
    let e3 = s.attest(th(100), 3_000);
    assert_eq!((e1, e2, e3), (1, 2, 3));
    for epoch in [e2, e3] {
        assert_unchanged(&s.env, || {
            assert_error(
                d.try_deposit(&s.operator, &epoch, &1),
                DistributorError::EpochAfterMaturity,
            );
            assert_error(d.try_record(&epoch), DistributorError::EpochAfterMaturity);
        });
        assert_eq!(d.epoch(&epoch), None);
    }
    // The last covered epoch is paid after maturity, credited at once to the holders.
    d.deposit(&s.operator, &e1, &1_000);
    assert_eq!(d.epoch(&e1), Some(payout(1_000, 1_000, 50)));
    assert_eq!(d.claimable(&holders[0]), 950);
    assert_eq!(d.claim(&holders[0]), 950);
    assert_books_balance(&s, 950, &holders);
    assert_eq!(d.arrears(), 0);
}

#[test]
fn deposit_refuses_zero_and_negative_amounts() {
    let (s, holders) = offering(TERM, &[100]);
    let d = &s.distributor;
    let recorded = s.attest(th(100), 1_000);
    d.record(&recorded);
    let unrecorded = s.attest(th(100), 1_000);
    for epoch in [recorded, unrecorded] {
        for amount in [0, -1, i128::MIN] {
            assert_unchanged(&s.env, || {
                assert_error(
                    d.try_deposit(&s.operator, &epoch, &amount),
                    DistributorError::InvalidAmount,
                )
            });
        }
    }
    assert_eq!(d.epoch(&unrecorded), None);
    assert_eq!(d.epoch(&recorded), Some(payout(1_000, 0, 0)));
    assert_books_balance(&s, 0, &holders);
}

/// A deposit the depositor cannot fund is refused by the reward asset (its `BalanceError`,
/// #10) and rolls back the payout and totals the distributor had already updated.
#[test]
fn a_deposit_the_depositor_cannot_fund_changes_nothing() {
    let (s, holders) = offering(TERM, &[100]);
    let d = &s.distributor;
    let e1 = s.attest(th(100), 1_000);
    let payer = Address::generate(&s.env);
    s.reward_issuer.mint(&payer, &99);
    assert_unchanged(&s.env, || {
        assert_error(
            d.try_deposit(&payer, &e1, &100),
            soroban_sdk::Error::from_contract_error(10),
        )
    });
    assert_eq!(d.epoch(&e1), None);
    assert_eq!(totals(&s), (0, 0));
    d.deposit(&payer, &e1, &99);
    assert_eq!(d.epoch(&e1), Some(payout(1_000, 99, 4)));
    assert_books_balance(&s, 0, &holders);
}

#[test]
fn pause_blocks_deposits_and_claims_until_unpause() {
    let (s, holders) = offering(TERM, &[100]);
    let holder = &holders[0];
    let d = &s.distributor;
    let e1 = s.attest(th(100), 1_000);
    d.deposit(&s.operator, &e1, &500);
    advance(&s.env, DAY);
    // 475 streamed; the index rounds the holder down by one unit.
    assert_eq!(d.claimable(holder), 474);

    d.pause();
    assert!(d.paused());
    assert_unchanged(&s.env, || {
        assert_error(
            d.try_deposit(&s.operator, &e1, &500),
            DistributorError::Paused,
        );
        assert_error(d.try_claim(holder), DistributorError::Paused);
        assert_error(
            d.try_claim_to(holder, &s.operator),
            DistributorError::Paused,
        );
    });
    // Reads still work.
    assert_eq!(d.claimable(holder), 474);
    assert_eq!(d.arrears(), 500);

    d.unpause();
    assert!(!d.paused());
    d.deposit(&s.operator, &e1, &500);
    assert_eq!(d.arrears(), 0);
    assert_eq!(d.claim(holder), 474);
    assert_books_balance(&s, 474, &holders);
}

#[test]
fn claim_needs_the_holders_own_signature() {
    let (s, holders) = offering(TERM, &[100]);
    let holder = &holders[0];
    let d = &s.distributor;
    let id = d.address.clone();
    let e1 = s.attest(th(100), 1_000);
    d.deposit(&s.operator, &e1, &1_000);
    advance(&s.env, DAY);
    // 950 streamed; the index rounds the holder down by one unit.
    assert_eq!(d.claimable(holder), 949);

    let intruder = Address::generate(&s.env);
    for signer in [&intruder, &s.operator, &s.admin] {
        authorize(
            &s.env,
            signer,
            &id,
            "claim",
            (holder.clone(),).into_val(&s.env),
        );
        assert_unchanged(&s.env, || assert_auth_error(&s.env, d.try_claim(holder)));
        let args = (holder.clone(), signer.clone()).into_val(&s.env);
        authorize(&s.env, signer, &id, "claim_to", args);
        assert_unchanged(&s.env, || {
            assert_auth_error(&s.env, d.try_claim_to(holder, signer))
        });
    }
    assert_eq!(d.claimable(holder), 949);

    authorize(
        &s.env,
        holder,
        &id,
        "claim",
        (holder.clone(),).into_val(&s.env),
    );
    assert_eq!(d.claim(holder), 949);
    assert_eq!(s.reward.balance(holder), 949);
    s.env.mock_all_auths();
    assert_books_balance(&s, 949, &holders);
}

#[test]
fn deposit_and_claim_ask_exactly_the_expected_signatures() {
    let (s, holders) = offering(TERM, &[100]);
    let holder = &holders[0];
    let d = &s.distributor;
    let e1 = s.attest(th(100), 1_000);
    let e2 = s.attest(th(100), 1_000);
    d.record(&e1);
    // The same tree whether the deposit records the epoch (e2) or not (e1).
    for (epoch, amount) in [(e1, 600i128), (e2, 700i128)] {
        d.deposit(&s.operator, &epoch, &amount);
        assert_eq!(
            s.env.auths(),
            std::vec![(
                s.operator.clone(),
                AuthorizedInvocation {
                    function: AuthorizedFunction::Contract((
                        d.address.clone(),
                        Symbol::new(&s.env, "deposit"),
                        (s.operator.clone(), epoch, amount).into_val(&s.env),
                    )),
                    sub_invocations: std::vec![AuthorizedInvocation {
                        function: AuthorizedFunction::Contract((
                            s.reward.address.clone(),
                            Symbol::new(&s.env, "transfer"),
                            (s.operator.clone(), d.address.clone(), amount).into_val(&s.env),
                        )),
                        sub_invocations: std::vec![],
                    }],
                }
            )]
        );
    }

    advance(&s.env, DAY);
    let claimable = d.claimable(holder);
    assert!(claimable > 0);
    assert_eq!(d.claim(holder), claimable);
    assert_eq!(
        s.env.auths(),
        std::vec![(
            holder.clone(),
            AuthorizedInvocation {
                function: AuthorizedFunction::Contract((
                    d.address.clone(),
                    Symbol::new(&s.env, "claim"),
                    (holder.clone(),).into_val(&s.env),
                )),
                sub_invocations: std::vec![],
            }
        )]
    );
    let to = Address::generate(&s.env);
    d.claim_to(holder, &to);
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
}

/// Every admin call is refused when signed by anyone but the right account, and the same call
/// succeeds with the right signature (so the refusal is about the signer).
#[test]
fn the_wrong_signer_is_refused_for_every_admin_call() {
    let (s, holders) = offering(TERM, &[100]);
    let env = &s.env;
    let d = &s.distributor;
    let id = d.address.clone();
    let intruder = Address::generate(env);
    let wrong = [&intruder, &s.operator];

    // set_fee: the admin, up to 20%.
    for signer in wrong {
        authorize(env, signer, &id, "set_fee", (1_000u32,).into_val(env));
        assert_unchanged(env, || assert_auth_error(env, d.try_set_fee(&1_000)));
    }
    assert_eq!(d.fee_bps(), FEE_BPS);
    authorize(env, &s.admin, &id, "set_fee", (1_000u32,).into_val(env));
    d.set_fee(&1_000);
    assert_eq!(
        distributor_events(&s),
        [FeeSet { fee_bps: 1_000 }.to_xdr(env, &id)]
    );
    assert_eq!(d.fee_bps(), 1_000);
    for fee in [MAX_FEE_BPS + 1, 10_000, u32::MAX] {
        authorize(env, &s.admin, &id, "set_fee", (fee,).into_val(env));
        assert_unchanged(env, || {
            assert_error(d.try_set_fee(&fee), DistributorError::InvalidFee)
        });
    }
    authorize(env, &s.admin, &id, "set_fee", (MAX_FEE_BPS,).into_val(env));
    d.set_fee(&MAX_FEE_BPS);
    assert_eq!(d.fee_bps(), 2_000);

    // pause / unpause: the admin.
    for signer in wrong {
        authorize(env, signer, &id, "pause", ().into_val(env));
        assert_unchanged(env, || assert_auth_error(env, d.try_pause()));
    }
    authorize(env, &s.admin, &id, "pause", ().into_val(env));
    d.pause();
    assert!(d.paused());
    for signer in wrong {
        authorize(env, signer, &id, "unpause", ().into_val(env));
        assert_unchanged(env, || assert_auth_error(env, d.try_unpause()));
    }
    authorize(env, &s.admin, &id, "unpause", ().into_val(env));
    d.unpause();
    assert!(!d.paused());

    // upgrade: the admin; payouts, totals and funds survive it.
    s.env.mock_all_auths();
    let e1 = s.attest(th(100), 1_000);
    d.deposit(&s.operator, &e1, &400);
    let hash = env
        .deployer()
        .upload_contract_wasm(wasm("payout_distributor").as_slice());
    for signer in wrong {
        authorize(env, signer, &id, "upgrade", (hash.clone(),).into_val(env));
        assert_unchanged(env, || assert_auth_error(env, d.try_upgrade(&hash)));
    }
    authorize(env, &s.admin, &id, "upgrade", (hash.clone(),).into_val(env));
    d.upgrade(&hash);
    assert_eq!(d.epoch(&e1), Some(payout(1_000, 400, 80)));
    assert_eq!(d.arrears(), 600);
    assert_eq!(d.fee_bps(), 2_000);
    assert_eq!(s.reward.balance(&id), 320);

    // Two-step admin transfer: only the admin proposes, only the proposed account accepts.
    let successor = Address::generate(env);
    authorize(env, &s.admin, &id, "accept_admin", ().into_val(env));
    assert_unchanged(env, || {
        assert_error(d.try_accept_admin(), DistributorError::NoPendingAdmin)
    });
    for signer in [&intruder, &successor] {
        let args = (successor.clone(),).into_val(env);
        authorize(env, signer, &id, "propose_admin", args);
        assert_unchanged(env, || {
            assert_auth_error(env, d.try_propose_admin(&successor))
        });
    }
    let args = (successor.clone(),).into_val(env);
    authorize(env, &s.admin, &id, "propose_admin", args);
    d.propose_admin(&successor);
    for signer in [&intruder, &s.admin] {
        authorize(env, signer, &id, "accept_admin", ().into_val(env));
        assert_unchanged(env, || assert_auth_error(env, d.try_accept_admin()));
    }
    assert_eq!(d.admin(), s.admin);
    authorize(env, &successor, &id, "accept_admin", ().into_val(env));
    d.accept_admin();
    assert_eq!(d.admin(), successor);
    // The proposal is used up; the old admin has lost its powers, the new one has them.
    authorize(env, &successor, &id, "accept_admin", ().into_val(env));
    assert_error(d.try_accept_admin(), DistributorError::NoPendingAdmin);
    authorize(env, &s.admin, &id, "set_fee", (0u32,).into_val(env));
    assert_auth_error(env, d.try_set_fee(&0));
    authorize(env, &successor, &id, "set_fee", (0u32,).into_val(env));
    d.set_fee(&0);
    assert_eq!(d.fee_bps(), 0);

    s.env.mock_all_auths();
    assert_books_balance(&s, 0, &holders);
}

#[test]
fn constructor_refuses_a_fee_above_twenty_percent() {
    let s = Suite::new(TERM, MAX_FEE_BPS, 0);
    assert_eq!(s.distributor.fee_bps(), MAX_FEE_BPS);
    let args = (
        s.admin.clone(),
        s.token.address.clone(),
        s.reward.address.clone(),
        s.oracle.address.clone(),
        s.pool.clone(),
        MAX_FEE_BPS + 1,
        s.fee_recipient.clone(),
    );
    let message = panic_message(|| {
        s.env
            .register(wasm("payout_distributor").as_slice(), args.clone())
    });
    assert!(message.contains("Error(Contract, #304)"), "{message}");
}

/// Reward assets sent to the distributor itself would mix with the holders' funds and stay
/// there: neither a claim nor the fee may name it as recipient.
#[test]
fn the_distributor_itself_is_refused_as_a_recipient() {
    let (s, holders) = offering(TERM, &[100]);
    let holder = &holders[0];
    let epoch = s.attest(th(100), 1_000_000);
    s.distributor.deposit(&s.operator, &epoch, &1_000_000);
    advance(&s.env, DAY);
    assert_unchanged(&s.env, || {
        assert_error(
            s.distributor.try_claim_to(holder, &s.distributor.address),
            DistributorError::InvalidRecipient,
        )
    });
    assert!(s.distributor.claimable(holder) > 0);

    // A distributor deployed at a chosen address with itself as fee recipient.
    let at = Address::generate(&s.env);
    let args = (
        s.admin.clone(),
        s.token.address.clone(),
        s.reward.address.clone(),
        s.oracle.address.clone(),
        s.pool.clone(),
        100u32,
        at.clone(),
    );
    let message = panic_message(|| {
        s.env
            .register_at(&at, wasm("payout_distributor").as_slice(), args.clone())
    });
    assert!(message.contains("Error(Contract, #309)"), "{message}");
}

/// The pool's history before the offering is not its debt: an epoch that ended before the
/// distributor existed (so before any share could) cannot be recorded. And a distributor
/// wired to another pool than its share token's is refused at deployment.
#[test]
fn epochs_before_the_offering_are_not_its_debt() {
    // The pool runs for three days (epochs 0 to 2) before this distributor is deployed.
    let s = Suite::new(TERM, FEE_BPS, FUNDS);
    let env = &s.env;
    for _ in 0..3 {
        s.attest(th(100), 1_000_000);
    }
    let late = env.register(
        wasm("payout_distributor").as_slice(),
        (
            s.admin.clone(),
            s.token.address.clone(),
            s.reward.address.clone(),
            s.oracle.address.clone(),
            s.pool.clone(),
            100u32,
            s.fee_recipient.clone(),
        ),
    );
    let late = PayoutDistributorClient::new(env, &late);
    for epoch in 0..3 {
        assert_unchanged(env, || {
            assert_error(
                late.try_record(&epoch),
                DistributorError::EpochBeforeOffering,
            )
        });
    }
    // Epoch 3 was under way at the deployment: recordable.
    let epoch = s.attest(th(100), 1_000_000);
    assert_eq!(epoch, 3);
    late.record(&epoch);

    let other_pool = Symbol::new(env, "other_pool");
    let mut config = s.pool_config.clone();
    config.operator = s.operator.clone();
    s.oracle.register_pool(&other_pool, &config);
    let message = panic_message(|| {
        env.register(
            wasm("payout_distributor").as_slice(),
            (
                s.admin.clone(),
                s.token.address.clone(),
                s.reward.address.clone(),
                s.oracle.address.clone(),
                other_pool.clone(),
                100u32,
                s.fee_recipient.clone(),
            ),
        )
    });
    assert!(message.contains("Error(Contract, #308)"), "{message}");
}

#[test]
fn record_deposit_and_claim_emit_exactly_their_events() {
    let (s, holders) = offering(TERM, &[30]); // 30 of the 100 TH/s sold
    let holder = &holders[0];
    let d = &s.distributor;
    let id = d.address.clone();
    let env = &s.env;
    let e1 = s.attest(th(100), 1_000_000);
    let e2 = s.attest(th(100), 2_000_000);

    d.record(&e1);
    assert_eq!(
        distributor_events(&s),
        [Recorded {
            epoch: e1,
            owed: 300_000,
            reward: 1_000_000,
            hashrate: th(100),
            sold: th(30),
        }
        .to_xdr(env, &id)]
    );

    d.deposit(&s.operator, &e1, &300_000);
    assert_eq!(
        distributor_events(&s),
        [Deposited {
            epoch: e1,
            from: s.operator.clone(),
            amount: 300_000,
            fee: 15_000,
        }
        .to_xdr(env, &id)]
    );

    // A deposit that records first emits both, in that order.
    d.deposit(&s.operator, &e2, &100_000);
    assert_eq!(
        distributor_events(&s),
        [
            Recorded {
                epoch: e2,
                owed: 600_000,
                reward: 2_000_000,
                hashrate: th(100),
                sold: th(30),
            }
            .to_xdr(env, &id),
            Deposited {
                epoch: e2,
                from: s.operator.clone(),
                amount: 100_000,
                fee: 5_000,
            }
            .to_xdr(env, &id),
        ]
    );
    // Recording again emits nothing.
    d.record(&e2);
    assert_eq!(distributor_events(&s).events().len(), 0);

    advance(env, DAY);
    let amount = d.claimable(holder);
    // 285,000 + 95,000 streamed to the only holder, rounded down by one unit.
    assert_eq!(amount, 379_999);
    assert_eq!(d.claim(holder), amount);
    assert_eq!(
        distributor_events(&s),
        [Claimed {
            holder: holder.clone(),
            to: holder.clone(),
            amount,
        }
        .to_xdr(env, &id)]
    );
    // Nothing to claim: no event.
    assert_eq!(d.claim(holder), 0);
    assert_eq!(distributor_events(&s).events().len(), 0);

    d.deposit(&s.operator, &e2, &100_000);
    advance(env, DAY);
    let to = Address::generate(env);
    // The 95,000 streamed since (net of the fee).
    assert_eq!(d.claim_to(holder, &to), 95_000);
    assert_eq!(
        distributor_events(&s),
        [Claimed {
            holder: holder.clone(),
            to: to.clone(),
            amount: 95_000,
        }
        .to_xdr(env, &id)]
    );
    assert_eq!(s.reward.balance(&to), 95_000);
    assert_books_balance(&s, amount + 95_000, &holders);
}

/// The distributor's client in a measuring `Env`.
fn distributor_in<'a>(env: &Env, s: &Suite) -> PayoutDistributorClient<'a> {
    PayoutDistributorClient::new(env, &port(env, &s.distributor.address))
}

/// The costs of the distributor's calls on the WASM, each measured in a fresh `Env` loaded
/// from the grown ledger's snapshot (shared/measuring.md).
#[test]
fn record_deposit_and_claim_costs_on_the_wasm() {
    let (s, holders) = offering(TERM, &[60, 40]);
    let d = &s.distributor;
    let e1 = s.attest(th(100), 10_000_000);
    d.deposit(&s.operator, &e1, &5_000_000);
    let e2 = s.attest(th(100), 10_000_000);
    let e3 = s.attest(th(100), 10_000_000);
    d.record(&e3);
    let (a, op) = (&holders[0], &s.operator);
    assert!(d.claimable(a) > 0);

    let record = measure(&s.env, |env| {
        assert_eq!(distributor_in(env, &s).record(&e2).owed, 10_000_000);
    });
    let deposit = measure(&s.env, |env| {
        distributor_in(env, &s).deposit(&port(env, op), &e3, &10_000_000);
    });
    let deposit_recording = measure(&s.env, |env| {
        distributor_in(env, &s).deposit(&port(env, op), &e2, &10_000_000);
    });
    let claim = measure(&s.env, |env| {
        assert_eq!(distributor_in(env, &s).claim(&port(env, a)), 2_849_999);
    });
    println!("{}", Cost::HEADER);
    for (label, cost) in [
        ("distributor record", &record),
        ("distributor deposit (epoch recorded)", &deposit),
        (
            "distributor deposit (records the epoch)",
            &deposit_recording,
        ),
        ("distributor claim", &claim),
    ] {
        println!("{}", cost.row(label));
    }

    // record writes the payout entry and the instance (the totals).
    assert_eq!(record.write_entries, 2);
    // deposit: the payout, the instance, the share token's reward state, three reward-asset
    // balances (depositor, distributor, fee recipient) and the depositor's auth nonce.
    assert_eq!(deposit.write_entries, 7);
    assert_eq!(deposit_recording.write_entries, 7);
    assert!(deposit_recording.instructions > deposit.instructions);
    // claim: the holder's entry in the share token, two reward-asset balances (distributor,
    // holder) and the holder's auth nonce; no global state.
    assert_eq!(claim.write_entries, 4);
    // Every call is well under 5% of the 400M-instruction transaction limit.
    for cost in [&record, &deposit, &deposit_recording, &claim] {
        assert!(cost.instructions < 20_000_000, "{cost}");
    }
}

/// A ledger with `holders` holders of one share each and `deposits` epochs attested and paid
/// in full, then one more epoch attested and recorded but not paid. Returns the suite, the
/// first holder (who has never claimed) and the recorded epoch.
fn grown_ledger(holders: usize, deposits: usize) -> (Suite, Address, u64) {
    const REWARD: i128 = 1_000_000;
    let s = Suite::new(400 * DAY, FEE_BPS, FUNDS);
    let sold = th(holders as i128);
    s.attest(sold, 0);
    // Every mint while the capacity is fresh.
    let first = Address::generate(&s.env);
    s.token.mint(&first, &shares(1));
    for _ in 1..holders {
        s.token.mint(&Address::generate(&s.env), &shares(1));
    }
    for _ in 0..deposits {
        let epoch = s.attest(sold, REWARD);
        s.distributor.deposit(&s.operator, &epoch, &REWARD);
    }
    let recorded = s.attest(sold, REWARD);
    assert_eq!(s.distributor.record(&recorded), payout(REWARD, 0, 0));
    assert!(s.distributor.claimable(&first) > 0);
    (s, first, recorded)
}

/// `claim` and `deposit` cost the same with 1 or 1,000 holders and after 1 or 100 past
/// deposits (design.md: flat in the number of holders and of past epochs).
#[test]
fn claim_and_deposit_cost_is_flat_in_holders_and_past_deposits() {
    let small = grown_ledger(1, 1);
    let big = grown_ledger(1_000, 100);
    assert_eq!(big.0.token.total_supply(), shares(1_000));
    assert_eq!(totals(&big.0).0, 100 * 1_000_000);

    let claim = |(s, holder, _): &(Suite, Address, u64)| {
        measure(&s.env, |env| {
            assert!(distributor_in(env, s).claim(&port(env, holder)) > 0);
        })
    };
    let deposit = |(s, _, epoch): &(Suite, Address, u64)| {
        measure(&s.env, |env| {
            distributor_in(env, s).deposit(&port(env, &s.operator), epoch, &1_000_000);
        })
    };
    let rows = [
        ("claim, 1 holder, 1 past deposit", claim(&small)),
        ("claim, 1,000 holders, 100 past deposits", claim(&big)),
        ("deposit, 1 holder, 1 past deposit", deposit(&small)),
        ("deposit, 1,000 holders, 100 past deposits", deposit(&big)),
    ];
    println!("{}", Cost::HEADER);
    for (label, cost) in &rows {
        println!("{}", cost.row(label));
    }
    for pair in rows.chunks(2) {
        let (small, big) = (&pair[0].1, &pair[1].1);
        let ratio = big.instructions as f64 / small.instructions as f64;
        println!("{} vs {}: CPU ratio {ratio:.4}", pair[1].0, pair[0].0);
        assert!(
            (0.95..=1.05).contains(&ratio),
            "{}: {} vs {} instructions (ratio {ratio:.4})",
            pair[1].0,
            big.instructions,
            small.instructions
        );
        assert_eq!(big.write_entries, small.write_entries, "{}", pair[1].0);
        assert_eq!(big.read_entries, small.read_entries, "{}", pair[1].0);
    }
}
