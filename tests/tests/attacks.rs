//! Attacks on hashshare, end to end on the compiled WASM of all three contracts. Each test is
//! named for what an attacker tries and shows, with exact numbers, that it fails or gains
//! nothing.
//!
//! The fixture sells 1 TH/s per whole share (10^7 base units); epochs are daily (86,400 s),
//! reports become effective one hour after they finalize, and a deposit streams to holders
//! over one epoch.

use hashshare_interfaces::{PoolOracleClient, SHARE_UNIT};
use hashshare_tests::fixture::{
    advance, assert_auth_error, assert_error, assert_unchanged, authorize, panic_message, wasm,
    Suite, TokenSuite, TH_PER_SHARE,
};
use payout_distributor::DistributorError;
use share_token::ShareTokenError;
use soroban_sdk::{
    testutils::Address as _,
    vec,
    xdr::{ScErrorCode, ScErrorType},
    Address, Error, IntoVal, String, Symbol, Val,
};

const DAY: u64 = 86_400;
const HOUR: u64 = 3_600;
/// The term of every offering here: long enough never to matter.
const TERM: u64 = 365 * DAY;
/// What the operator is funded with: far more than any test deposits.
const FUNDS: i128 = 1_000_000_000_000;
/// A deposit streams over one epoch.
const STREAM: u64 = DAY;

/// Whole shares in base units.
fn shares(n: i128) -> i128 {
    n * SHARE_UNIT
}

/// Whole TH/s in H/s.
fn th(n: i128) -> i128 {
    n * TH_PER_SHARE
}

/// A suite with `fee_bps` whose epoch 0 attests 1,000 TH/s earning `reward` (so up to 1,000
/// whole shares may be minted, and a fully sold epoch owes the whole reward), and `mints`
/// minted right after, each to a new account.
fn offering(fee_bps: u32, reward: i128, mints: &[i128]) -> (Suite, Vec<Address>) {
    let s = Suite::new(TERM, fee_bps, FUNDS);
    s.attest(th(1_000), reward);
    let holders = mints
        .iter()
        .map(|amount| {
            let holder = Address::generate(&s.env);
            s.token.mint(&holder, amount);
            holder
        })
        .collect();
    (s, holders)
}

fn accrued(s: &Suite, holders: &[&Address]) -> i128 {
    holders.iter().map(|h| s.token.accrued(h)).sum()
}

/// Whether `reward * numerator / denominator` (exact, rational) is at least `actual`.
fn within_pro_rata(actual: i128, reward: i128, numerator: i128, denominator: i128) -> bool {
    actual.checked_mul(denominator).expect("fits") <= reward.checked_mul(numerator).expect("fits")
}

/// The attacker buys 10% of the shares in the same ledger as the deposit, just before it, and
/// sells them back five seconds later. It earns exactly its 5 seconds of the stream (500),
/// not 10% of the deposit (8,640,000); the seller keeps everything else its shares earned.
#[test]
fn buy_just_before_a_deposit_and_sell_just_after_earns_only_the_seconds_held() {
    // 86,400,000 over 86,400 s to 1,000 shares: exactly 1 unit per whole share per second.
    let reward = 86_400_000;
    let (s, holders) = offering(0, reward, &[shares(900), shares(100)]);
    let (honest, seller) = (&holders[0], &holders[1]);
    let attacker = Address::generate(&s.env);

    s.sep41.transfer(seller, &attacker, &shares(100));
    s.distributor.deposit(&s.operator, &0, &reward);
    assert_eq!(
        s.token.accrued(&attacker),
        0,
        "nothing for the deposit itself"
    );
    advance(&s.env, 5);
    s.sep41.transfer(&attacker, seller, &shares(100));
    assert_eq!(s.token.accrued(&attacker), 100 * 5);

    advance(&s.env, STREAM); // long after the stream ended
    assert_eq!(s.token.accrued(&attacker), 500, "nothing after it sold");
    assert_eq!(s.distributor.claim(&attacker), 500);
    assert_eq!(s.reward.balance(&attacker), 500);
    assert_eq!(s.token.accrued(honest), 900 * 86_400);
    assert_eq!(s.token.accrued(seller), 100 * 86_400 - 500);
    assert_eq!(s.distributor.claim(seller), 8_639_500);
    assert_eq!(s.distributor.claim(honest), 77_760_000);
    assert_eq!(s.reward.balance(&s.distributor.address), 0, "all paid out");
}

/// Hundreds of 1-base-unit transfers back and forth between an attacker and its accomplice,
/// each settling both sides (and each settlement rounding down). Together they never earn
/// more than their exact balance × seconds share, each of them on its own neither, and at no
/// moment do all holders together have more claimable than has streamed.
#[test]
fn dust_through_many_tiny_transfers_gains_nothing() {
    let reward: i128 = 999_999_937; // prime-ish: nothing divides evenly
    let (a_start, b_start) = (shares(7) + 3, shares(3) - 3);
    let honest_balance = shares(990);
    let (s, holders) = offering(0, reward, &[a_start, b_start, honest_balance]);
    let (a, b, honest) = (&holders[0], &holders[1], &holders[2]);
    let supply = shares(1_000);
    assert_eq!(s.token.total_supply(), supply);
    s.distributor.deposit(&s.operator, &0, &reward);

    // Balance × seconds of each side, counted exactly by the test.
    let (mut bal_a, mut bal_b) = (a_start, b_start);
    let (mut bs_a, mut bs_b): (i128, i128) = (0, 0);
    let mut elapsed: u64 = 0;
    let transfers = 400;
    for i in 0..transfers {
        let dt = (i % 7) + 1;
        advance(&s.env, dt);
        elapsed += dt;
        bs_a += bal_a * i128::from(dt);
        bs_b += bal_b * i128::from(dt);
        if i % 2 == 0 {
            s.sep41.transfer(a, b, &1);
            (bal_a, bal_b) = (bal_a - 1, bal_b + 1);
        } else {
            s.sep41.transfer(b, a, &1);
            (bal_a, bal_b) = (bal_a + 1, bal_b - 1);
        }
        if i % 50 == 49 {
            let streamed = reward * i128::from(elapsed) / i128::from(STREAM);
            let everyone = accrued(&s, &[a, b, honest]);
            assert!(everyone <= streamed, "{everyone} claimable of {streamed}");
            let attacker = accrued(&s, &[a, b]);
            assert!(within_pro_rata(
                attacker,
                reward,
                bs_a + bs_b,
                supply * i128::from(STREAM)
            ));
        }
    }
    assert_eq!((s.sep41.balance(a), s.sep41.balance(b)), (a_start, b_start));
    let rest = i128::from(STREAM - elapsed);
    bs_a += bal_a * rest;
    bs_b += bal_b * rest;
    advance(&s.env, STREAM); // the stream has ended

    let (got_a, got_b) = (s.token.accrued(a), s.token.accrued(b));
    let whole = supply * i128::from(STREAM);
    assert!(within_pro_rata(got_a, reward, bs_a, whole), "a: {got_a}");
    assert!(within_pro_rata(got_b, reward, bs_b, whole), "b: {got_b}");
    // Together they held exactly 1% throughout: at most floor(999,999,937 / 100).
    assert_eq!(bs_a + bs_b, shares(10) * i128::from(STREAM));
    assert!(got_a + got_b <= 9_999_999, "{}", got_a + got_b);
    // Rounding costs them at most one unit per settlement, never gains one.
    assert!(got_a + got_b >= 9_999_999 - (transfers as i128 + 1));
    let everyone = got_a + got_b + s.token.accrued(honest);
    assert!(everyone <= reward, "{everyone} claimable of {reward}");
    for holder in [a, b, honest] {
        s.distributor.claim(holder);
    }
    assert_eq!(
        s.reward.balance(&s.distributor.address),
        reward - everyone,
        "the dust stays in the distributor, owed to no one"
    );
}

/// The same holding split over 20 accounts earns at most what it earns in one account, and
/// at most 20 base units less (one unit of rounding per account).
#[test]
fn splitting_shares_across_many_accounts_gains_nothing() {
    const N: usize = 20;
    let part = 12_345_679; // 1.2345679 shares, odd on purpose
    let single = part * N as i128;
    let whale = shares(1_000) - 2 * single;
    let reward: i128 = 999_999_937;
    let mut mints = vec_of(part, N);
    mints.push(single);
    mints.push(whale);
    let (s, holders) = offering(0, reward, &mints);
    let (parts, one) = (&holders[..N], &holders[N]);
    s.distributor.deposit(&s.operator, &0, &reward);

    let split_total = |s: &Suite| parts.iter().map(|p| s.token.accrued(p)).sum::<i128>();
    for step in [1, 12_345, 30_000, STREAM] {
        advance(&s.env, step);
        let (split, whole) = (split_total(&s), s.token.accrued(one));
        assert!(split <= whole, "split {split} > one account {whole}");
        assert!(whole - split <= N as i128, "split {split}, one {whole}");
    }
    // Claimed, too: the split side never receives more.
    let split: i128 = parts.iter().map(|p| s.distributor.claim(p)).sum();
    let whole = s.distributor.claim(one);
    assert!(split <= whole && whole - split <= N as i128);
    // And the one account gets no more than its exact share: 999,999,937 × 2.469 %.
    assert!(within_pro_rata(whole, reward, single, shares(1_000)));
    assert_eq!(whole, 24_691_356);
}

fn vec_of(amount: i128, n: usize) -> Vec<i128> {
    std::iter::repeat_n(amount, n).collect()
}

/// One holder claims every few seconds, 300 times, then once more after the stream; an
/// identical holder claims once at the end. The frequent claimer never gets more (rounding is
/// down, one unit at most per claim), every claim is paid, and the books close.
#[test]
fn rounding_drain_by_repeated_claims_gains_nothing() {
    let reward: i128 = 123_456_789;
    let fee = reward * 100 / 10_000;
    let (s, holders) = offering(100, reward, &[shares(250), shares(250), shares(500)]);
    let (often, once, whale) = (&holders[0], &holders[1], &holders[2]);
    s.distributor.deposit(&s.operator, &0, &reward);
    assert_eq!(s.reward.balance(&s.fee_recipient), fee);

    let mut claimed_often = 0;
    let claims = 300;
    for i in 0..claims {
        advance(&s.env, 3 + (i % 9));
        claimed_often += s.distributor.claim(often);
        assert_eq!(s.distributor.claim(often), 0, "a second claim pays 0");
    }
    // A second deposit mid-way re-fixes the stream; claims go on.
    s.attest(th(1_000), 7_777_777);
    s.distributor.deposit(&s.operator, &1, &7_777_777);
    let fee = fee + 77_777;
    for _ in 0..claims {
        advance(&s.env, 5);
        claimed_often += s.distributor.claim(often);
    }
    advance(&s.env, 2 * STREAM);
    claimed_often += s.distributor.claim(often);
    let claimed_once = s.distributor.claim(once);
    assert!(
        claimed_often <= claimed_once,
        "often {claimed_often} > once {claimed_once}"
    );
    assert!(
        claimed_once - claimed_often <= 2 * claims as i128 + 1,
        "often {claimed_often}, once {claimed_once}"
    );
    assert_eq!(s.reward.balance(often), claimed_often);
    assert_eq!(s.reward.balance(once), claimed_once);

    // The holder who claimed once got its exact pro-rata share, rounded down: a quarter of
    // the 129,922,222 streamed. The frequent claimer lost a fraction of a unit per claim.
    assert_eq!(claimed_once, 32_480_555);

    // The distributor can pay everyone: the whale's claim (its exact half, less a unit the
    // streams' rounding keeps as dust) goes through, and what is left is the frequent
    // claimer's rounding plus at most 2 units of the streams' own rounding, owed to no one.
    let claimed_whale = s.distributor.claim(whale);
    assert_eq!(claimed_whale, 64_961_110);
    let streamed = reward + 7_777_777 - fee;
    assert_eq!(streamed, 129_922_222);
    let left = s.reward.balance(&s.distributor.address);
    assert_eq!(
        left,
        streamed - claimed_often - claimed_once - claimed_whale
    );
    let rounding_lost = claimed_once - claimed_often;
    assert!(
        (rounding_lost..=rounding_lost + 2).contains(&left),
        "left {left}, lost by claiming often {rounding_lost}"
    );
    assert_eq!(accrued(&s, &[often, once, whale]), 0);
}

/// A report inside its dispute window may still be removed: no deposit (or record) may use
/// it, and the refused call changes nothing.
#[test]
fn deposit_against_a_report_not_yet_effective_is_refused() {
    let (s, _) = offering(0, 0, &[shares(100)]);
    let c = &s.pool_config;
    // Epoch 1 ends and a quorum finalizes it: effective only an hour later.
    let end = c.genesis + 2 * c.epoch_seconds;
    advance(&s.env, end - s.env.ledger().timestamp());
    for i in 0..c.quorum {
        let reporter = c.reporters.get(i).unwrap();
        s.oracle
            .submit(&reporter, &s.pool, &1, &th(100), &1_000_000);
    }
    advance(&s.env, c.dispute_seconds - 1);
    assert_eq!(s.oracle.report(&s.pool, &1), None);
    assert_unchanged(&s.env, || {
        assert_error(
            s.distributor.try_deposit(&s.operator, &1, &1_000_000),
            DistributorError::ReportNotEffective,
        );
        assert_error(
            s.distributor.try_record(&1),
            DistributorError::ReportNotEffective,
        );
    });
    assert_eq!(s.distributor.epoch(&1), None);
    assert_eq!(s.distributor.arrears(), 0);
    assert_eq!(s.reward.balance(&s.distributor.address), 0);

    // One second later it is effective, and the same deposit goes through.
    advance(&s.env, 1);
    s.distributor.deposit(&s.operator, &1, &1_000_000);
    assert_eq!(s.distributor.epoch(&1).map(|p| p.paid), Some(1_000_000));
}

/// A report more than `max_age_epochs` (2) behind the current epoch backs no mint.
#[test]
fn minting_against_stale_capacity_is_refused() {
    let s = TokenSuite::new(TERM);
    let holder = Address::generate(&s.env);
    let epoch = s.attest(th(100), 0);
    assert_eq!(epoch, 0);
    s.token.mint(&holder, &shares(10));

    // Still fresh two epochs later...
    let c = &s.pool_config;
    let at = |e: u64| c.genesis + e * c.epoch_seconds;
    advance(&s.env, at(2) - s.env.ledger().timestamp());
    assert_eq!(s.oracle.capacity(&s.pool), th(100));
    s.token.mint(&holder, &shares(10));
    // ...stale at epoch 3: capacity is 0 and nothing may be minted, not even one base unit.
    advance(&s.env, at(3) - s.env.ledger().timestamp());
    assert_eq!(s.oracle.capacity(&s.pool), 0);
    assert_unchanged(&s.env, || {
        assert_error(
            s.token.try_mint(&holder, &1),
            ShareTokenError::CapacityExceeded,
        )
    });
    assert_eq!(s.token.total_supply(), shares(20));

    // A fresh report re-opens the mint, up to its capacity.
    s.attest(th(30), 0);
    s.token.mint(&holder, &shares(10));
    assert_error(
        s.token.try_mint(&holder, &1),
        ShareTokenError::CapacityExceeded,
    );
}

/// A report finalized by a quorum backs nothing while it can still be disputed, and nothing
/// once disputed: neither a first report nor a higher one replacing a lower.
#[test]
fn minting_against_disputed_capacity_is_refused() {
    let s = TokenSuite::new(TERM);
    let holder = Address::generate(&s.env);
    let c = &s.pool_config;
    let submit_quorum = |epoch: u64, hashrate: i128| {
        for i in 0..c.quorum {
            let reporter = c.reporters.get(i).unwrap();
            s.oracle.submit(&reporter, &s.pool, &epoch, &hashrate, &0);
        }
    };
    advance(&s.env, c.epoch_seconds);
    submit_quorum(0, th(1_000));
    assert_unchanged(&s.env, || {
        assert_error(
            s.token.try_mint(&holder, &1),
            ShareTokenError::CapacityExceeded,
        )
    });
    s.oracle.dispute(&s.pool, &0);
    advance(&s.env, c.dispute_seconds);
    assert_eq!(s.oracle.capacity(&s.pool), 0);
    assert_unchanged(&s.env, || {
        assert_error(
            s.token.try_mint(&holder, &1),
            ShareTokenError::CapacityExceeded,
        )
    });

    // Honest epoch 0 (re-attested): 100 TH/s. Then an inflated epoch 1 of 1,000 TH/s is
    // finalized, but backs no mint while disputable, and none after its dispute.
    submit_quorum(0, th(100));
    advance(&s.env, c.dispute_seconds);
    s.token.mint(&holder, &shares(100));
    advance(&s.env, c.epoch_seconds);
    submit_quorum(1, th(1_000));
    assert_unchanged(&s.env, || {
        assert_error(
            s.token.try_mint(&holder, &1),
            ShareTokenError::CapacityExceeded,
        )
    });
    s.oracle.dispute(&s.pool, &1);
    advance(&s.env, c.dispute_seconds);
    assert_eq!(s.oracle.capacity(&s.pool), th(100));
    assert_error(
        s.token.try_mint(&holder, &1),
        ShareTokenError::CapacityExceeded,
    );
    assert_eq!(s.token.total_supply(), shares(100));
}

/// Only the distributor streams rewards: an attacker (or the operator, or the token's admin)
/// signing `notify_reward` itself is refused, and no holder accrues a phantom reward.
#[test]
fn calling_notify_reward_directly_is_refused() {
    let (s, holders) = offering(0, 0, &[shares(100)]);
    let attacker = Address::generate(&s.env);
    let args = || (1_000_000_000i128, STREAM).into_val(&s.env);
    for signer in [&attacker, &s.operator, &s.admin, &holders[0]] {
        authorize(&s.env, signer, &s.token.address, "notify_reward", args());
        assert_unchanged(&s.env, || {
            assert_auth_error(&s.env, s.token.try_notify_reward(&1_000_000_000, &STREAM))
        });
    }
    advance(&s.env, STREAM);
    assert_eq!(s.token.accrued(&holders[0]), 0);
    assert_eq!(s.distributor.claimable(&holders[0]), 0);
}

/// Only the distributor takes a holder's accrued rewards (to pay them): an attacker signing
/// `take_accrued(victim)`, or the victim itself bypassing the distributor, is refused; the
/// rewards stay and the victim's claim pays them in full.
#[test]
fn calling_take_accrued_directly_is_refused() {
    let reward = 86_400_000;
    let (s, holders) = offering(0, reward, &[shares(1_000)]);
    let victim = &holders[0];
    s.distributor.deposit(&s.operator, &0, &reward);
    advance(&s.env, 1_000);
    assert_eq!(s.token.accrued(victim), 1_000_000);
    let attacker = Address::generate(&s.env);
    for signer in [&attacker, victim, &s.operator, &s.admin] {
        let args = (victim.clone(),).into_val(&s.env);
        authorize(&s.env, signer, &s.token.address, "take_accrued", args);
        assert_unchanged(&s.env, || {
            assert_auth_error(&s.env, s.token.try_take_accrued(victim))
        });
    }
    assert_eq!(s.token.accrued(victim), 1_000_000);
    s.env.mock_all_auths();
    assert_eq!(s.distributor.claim(victim), 1_000_000);
    assert_eq!(s.reward.balance(victim), 1_000_000);
}

/// There is no `init`: each contract is configured by its constructor, which the host runs
/// once, at deployment. Calling `__constructor` on a deployed contract is refused by the host
/// itself ("can't invoke a reserved function directly": `Error(Context, InvalidAction)`),
/// even with every authorization mocked and an attacker's arguments; nothing changes.
#[test]
fn reinitialising_is_impossible() {
    let (s, _) = offering(0, 0, &[shares(1)]);
    let env = &s.env;
    env.mock_all_auths();
    let attacker = Address::generate(env);
    let constructor = Symbol::new(env, "__constructor");
    let reserved = Error::from_type_and_code(ScErrorType::Context, ScErrorCode::InvalidAction);
    let attempts: [(&Address, soroban_sdk::Vec<Val>); 3] = [
        (&s.oracle.address, vec![env, attacker.to_val()]),
        (
            &s.token.address,
            (
                attacker.clone(),
                attacker.clone(),
                s.oracle.address.clone(),
                s.pool.clone(),
                String::from_str(env, "Evil"),
                String::from_str(env, "EVIL"),
                1i128,
                u64::MAX,
            )
                .into_val(env),
        ),
        (
            &s.distributor.address,
            (
                attacker.clone(),
                s.token.address.clone(),
                s.reward.address.clone(),
                s.oracle.address.clone(),
                s.pool.clone(),
                2_000u32,
                attacker.clone(),
            )
                .into_val(env),
        ),
    ];
    for (contract, args) in attempts {
        assert_unchanged(env, || {
            let result = env.try_invoke_contract::<Val, Error>(contract, &constructor, args);
            assert_eq!(result.err(), Some(Ok(reserved)), "{contract:?}");
            let diagnostics = env.host().get_diagnostic_events().expect("events").0;
            assert!(
                diagnostics.iter().any(|e| e
                    .to_string()
                    .contains("can't invoke a reserved function directly")),
                "refused by the host's reserved-name rule"
            );
        });
    }
    assert_eq!(s.oracle.admin(), s.admin);
    assert_eq!(s.token.admin(), s.admin);
    assert_eq!(s.token.operator(), s.operator);
    assert_eq!(s.token.hashrate_per_share(), TH_PER_SHARE);
    assert_eq!(
        s.sep41.name(),
        String::from_str(env, "Antpool S19 hashrate 2026")
    );
    assert_eq!(s.distributor.admin(), s.admin);
    assert_eq!(s.distributor.fee_bps(), 0);
    assert_eq!(s.oracle.token(&s.pool), Some(s.token.address.clone()));
}

/// `upgrade` of each contract signed by anyone but its admin is refused and leaves the code
/// as it was; the admin's upgrade to the next version goes through.
#[test]
fn upgrade_by_a_non_admin_is_refused() {
    let (s, _) = offering(0, 0, &[shares(1)]);
    let env = &s.env;
    let attacker = Address::generate(env);
    let version = Symbol::new(env, "version");
    let contracts = [
        (s.oracle.address.clone(), "pool_oracle_next"),
        (s.token.address.clone(), "share_token_next"),
        (s.distributor.address.clone(), "payout_distributor_next"),
    ];
    for (id, next) in contracts {
        let hash = env.deployer().upload_contract_wasm(wasm(next).as_slice());
        let upgrade = Symbol::new(env, "upgrade");
        for signer in [&attacker, &s.operator] {
            authorize(env, signer, &id, "upgrade", (hash.clone(),).into_val(env));
            assert_unchanged(env, || {
                assert_auth_error(
                    env,
                    env.try_invoke_contract::<(), Error>(&id, &upgrade, vec![env, hash.to_val()]),
                )
            });
        }
        assert!(
            env.try_invoke_contract::<u32, Error>(&id, &version, vec![env])
                .is_err(),
            "still the old code: no `version`"
        );
        authorize(env, &s.admin, &id, "upgrade", (hash.clone(),).into_val(env));
        env.invoke_contract::<()>(&id, &upgrade, vec![env, hash.to_val()]);
        assert_eq!(env.invoke_contract::<u32>(&id, &version, vec![env]), 2);
    }
}

/// One pool's hashrate backs one offering: deploying a second share token (the same WASM, or
/// another one) on a pool already sold is refused by the oracle (`PoolAlreadyBound`, #113),
/// even by the pool's own operator with every authorization mocked; and a token minted by
/// anyone but the pool's operator is refused (`OperatorMismatch`, #115).
#[test]
fn a_second_token_on_the_same_pool_cannot_be_deployed() {
    let (s, _) = offering(0, 0, &[shares(1)]);
    let env = &s.env;
    env.mock_all_auths_allowing_non_root_auth();
    let attacker = Address::generate(env);
    for code in ["share_token", "share_token_next"] {
        let code = wasm(code);
        for (minter, refusal) in [(&s.operator, "#113"), (&attacker, "#115")] {
            let message = panic_message(|| {
                env.register(
                    code.as_slice(),
                    (
                        attacker.clone(),
                        minter.clone(),
                        s.oracle.address.clone(),
                        s.pool.clone(),
                        String::from_str(env, "Antpool S19 hashrate 2026 (copy)"),
                        String::from_str(env, "HASH26X"),
                        TH_PER_SHARE / 2,
                        s.token.maturity(),
                    ),
                )
            });
            assert!(
                message.contains(&format!("Error(Contract, {refusal})")),
                "unexpected failure: {message}"
            );
        }
    }
    let oracle = PoolOracleClient::new(env, &s.oracle.address);
    assert_eq!(oracle.token(&s.pool), Some(s.token.address.clone()));
    // The offering works as before.
    s.token.mint(&attacker, &1);
    assert_eq!(s.token.total_supply(), shares(1) + 1);
}

/// The exact numbers above assume the fixture's schedule: daily epochs (a deposit streams
/// over 86,400 s), an hour of dispute window, capacity fresh for two epochs.
#[test]
fn the_numbers_above_assume_daily_epochs_and_an_hour_of_dispute() {
    let s = TokenSuite::new(TERM);
    assert_eq!(s.pool_config.epoch_seconds, STREAM);
    assert_eq!(s.pool_config.dispute_seconds, HOUR);
    assert_eq!(s.pool_config.max_age_epochs, 2);
}
