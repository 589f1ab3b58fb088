//! Property tests: random sequences of actions by several accounts — mint, transfer,
//! transfer_from, burn, burn_from, oracle attestations and disputes, record, deposit, claim,
//! time passing — run on the compiled WASM of the three contracts (the fixture's [`Suite`]),
//! with every invariant of `design.md` checked after every step against an exact reference
//! model (module [`model`] below: integers and rationals, no floating point).
//!
//! `HASHSHARE_PROPTEST_CASES` raises the number of cases (CI default: [`DEFAULT_CASES`]). A
//! failing case shrinks to a minimal action sequence (actions are plain data whose amounts are
//! resolved against the model at run time, so a shrunk sequence stays meaningful).
//!
//! # The invariants and their bounds
//!
//! Notation: `S = 10^18` (the index scale); for investor `i`, `paid_i = claimed_i +
//! claimable_i` and `E_i` its exact entitlement (a rational: every second of a stream pays
//! `unstreamed / seconds_left`, `balance_i / supply` of it to `i`; a mint first ends the running
//! stream, its rest paid at once, pro rata, to the holders before the mint); `n` the number of
//! investors (5); `P` the checkpoints and at-once credits (a deposit with no time left, a mint
//! closing a stream) that credited a stream to a non-zero supply; `Λ` the model's bound
//! on all the rounding ever held back from the exact streams (and so re-streamable to holders
//! who did not earn it): `1 + ceil(2 * supply * elapsed / S)` per segment streamed to a
//! non-zero supply (the rate's two floors lose under 2 index units a second per base unit, the
//! credit's floor under one unit), 1 per checkpoint that carried over a zero supply, and
//! `1 + ceil(supply / S)` per at-once credit.
//!
//! 0. The ledger equals the model: balances, supply, allowances, reports, latest, capacity,
//!    epoch payouts, arrears, totals, reward-asset balances (each investor's = what it
//!    claimed, the fee recipient's = fees), and every investor's `claimable` (= the token's
//!    `accrued`) to the unit. Refused actions fail with the model's typed error and change no
//!    ledger entry (TTLs included).
//! 1. Conservation: `deposited == fees + claimed + distributor balance` exactly;
//!    `distributor balance >= Σ claimable` (solvency); and
//!    `dust = distributor balance - Σ claimable - unstreamed - carried` (as of a checkpoint now)
//!    lies in `[0, P + n)`: each crediting checkpoint takes out of `unstreamed` under one unit
//!    more than the index promises (its credit is rounded up), each holder's `claimable` drops
//!    under one unit.
//! 2. Pro-rata: `E_i - (Λ + 1) <= paid_i <= E_i + Λ`.
//! 3. Transfers, transfer_from, burns and burn_from, done or refused, and refused mints leave
//!    every holder's `claimable` unchanged (compared just before and after, at the same time).
//!    A done mint first closes the running stream, crediting its rest at once to the holders
//!    before the mint (the new shares never share in it): no `claimable` drops, and
//!    invariant 0 checks each rise to the unit.
//! 4. A claim pays exactly the `claimable` of just before; a second claim in the same instant
//!    pays 0. Claiming often or once: [`claiming_often_or_once_pays_the_same`] (twins, exact).
//! 5. `total_supply == Σ balances`; after every mint `total_supply * hashrate_per_share <=
//!    capacity * 10^7`, and a mint beyond the cap is refused with `CapacityExceeded`.
//! 6. Oracle: only listed reporters, one submission each, finalized epochs immutable, epochs
//!    only once ended (all typed refusals the model predicts); reports appear only once
//!    effective (checked right after finalization too), a disputed epoch is never used
//!    (`record` refuses it), `capacity` is 0 when stale.
//!
//! The design states 2 more strictly (never above the exact share):
//! [`every_invariant_holds_with_the_design_bounds`] checks that too. A double count these
//! properties found is pinned by [`regression_a_checkpoint_fraction_is_never_paid_twice`].
//!
//! The checker is known to bite: see the `checker_bites_*` tests.
use std::fmt;

use hashshare_interfaces::{EpochPayout, EpochReport, SHARE_UNIT};
use hashshare_tests::fixture::{advance, Suite, TryResult};
use model::{Config, Flaw, Model, Payout, Report};
use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::Zero;
use payout_distributor::PayoutDistributorContractClient;
use proptest::{
    prelude::*,
    test_runner::{
        Config as ProptestConfig, RngAlgorithm, TestCaseError, TestError, TestRng, TestRunner,
    },
};
use soroban_sdk::{testutils::Address as _, Address, Error};

const DAY: u64 = 86_400;
const HOUR: u64 = 3_600;
/// Investors: few, so that they trade with each other.
const HOLDERS: usize = 5;
/// The operator's reward-asset funds: more than any sequence can deposit.
const FUNDS: i128 = 1_000_000_000_000_000_000_000;
/// How long an approval lives, in ledgers (about 28 hours: some expire within a case).
const ALLOWANCE_LEDGERS: u32 = 20_000;
/// Cases per property test in CI.
const DEFAULT_CASES: u32 = 24;
/// The longest random action sequence.
const MAX_ACTIONS: usize = 30;

/// Cases to run: `HASHSHARE_PROPTEST_CASES`, else [`DEFAULT_CASES`].
fn cases() -> u32 {
    std::env::var("HASHSHARE_PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(DEFAULT_CASES)
}

// ==================================================================== actions

/// An amount, resolved against the model when the action runs: a fixed number of base units,
/// or a part of a reference the action names (a balance, the room under the mint cap, what an
/// epoch still owes), so that boundaries are hit and shrinking keeps them.
#[derive(Clone, Copy, Debug)]
enum Amount {
    Units(i128),
    PerMille(i128),
    All,
    AllPlus(i128),
}

impl Amount {
    fn of(self, reference: i128) -> i128 {
        match self {
            Amount::Units(n) => n,
            Amount::PerMille(p) => reference * p / 1_000,
            Amount::All => reference,
            Amount::AllPlus(k) => reference + k,
        }
    }
}

/// The approval a spender gets just before it spends.
#[derive(Clone, Copy, Debug)]
enum Approval {
    /// Exactly the amount.
    Exact,
    /// One unit short.
    Short,
    /// Far more than the amount.
    Plenty,
    /// No new approval: whatever is left of an earlier one (possibly expired).
    Keep,
}

/// What follows an attestation.
#[derive(Clone, Copy, Debug)]
enum AfterAttest {
    /// The dispute window passes: the report becomes effective.
    Settle,
    /// Nothing: the report stays inside its window for later actions.
    Open,
    /// The oracle admin disputes it at once: the epoch reopens, and must never be used.
    Dispute,
}

/// Investors are `0..HOLDERS`; reporters `0..3` are the pool's, `3` an unlisted account;
/// `back` selects the epoch `current_epoch - back`.
#[derive(Clone, Debug)]
enum Action {
    Mint {
        to: usize,
        amount: Amount,
    },
    Transfer {
        from: usize,
        to: usize,
        amount: Amount,
    },
    TransferFrom {
        spender: usize,
        from: usize,
        to: usize,
        amount: Amount,
        approval: Approval,
    },
    Burn {
        from: usize,
        amount: Amount,
    },
    BurnFrom {
        spender: usize,
        from: usize,
        amount: Amount,
        approval: Approval,
    },
    /// Lets the current epoch run out and has a quorum of reporters attest it, then `after`.
    Attest {
        hashrate: i128,
        reward: i128,
        after: AfterAttest,
    },
    /// One reporter's submission.
    Submit {
        reporter: usize,
        back: u64,
        hashrate: i128,
        reward: i128,
    },
    /// The oracle admin disputes an epoch.
    Dispute {
        back: u64,
    },
    Record {
        back: u64,
    },
    /// The operator pays towards an epoch (amount relative to what it still owes).
    /// `owing`: towards an epoch that still owes something (the `back`-th such, counting
    /// from the latest), if any.
    Deposit {
        back: u64,
        owing: bool,
        amount: Amount,
    },
    Claim {
        holder: usize,
        twice: bool,
    },
    Wait {
        seconds: u64,
    },
}

/// One offering and what happens to it.
#[derive(Clone, Debug)]
struct Scenario {
    /// Seconds from now to the share token's maturity.
    term: u64,
    fee_bps: u32,
    actions: Vec<Action>,
}

fn holder() -> impl Strategy<Value = usize> {
    0..HOLDERS
}

fn amount() -> impl Strategy<Value = Amount> {
    prop_oneof![
        1 => (0i128..=2).prop_map(Amount::Units),
        3 => (1i128..=1_000_000_000).prop_map(Amount::Units),
        4 => (0i128..=1_000).prop_map(Amount::PerMille),
        2 => Just(Amount::All),
        1 => (1i128..=3).prop_map(Amount::AllPlus),
    ]
}

fn approval() -> impl Strategy<Value = Approval> {
    prop_oneof![
        3 => Just(Approval::Exact),
        1 => Just(Approval::Short),
        2 => Just(Approval::Plenty),
        1 => Just(Approval::Keep),
    ]
}

/// 1 TH/s to 1,000 TH/s (1 to 1,000 whole shares at the fixture's 1 TH/s a share), or none.
fn hashrate() -> impl Strategy<Value = i128> {
    prop_oneof![
        1 => Just(0i128),
        8 => 1_000_000_000_000i128..=1_000_000_000_000_000,
    ]
}

fn reward() -> impl Strategy<Value = i128> {
    prop_oneof![
        1 => Just(0i128),
        2 => 1i128..=1_000,
        5 => 1i128..=10_000_000_000,
    ]
}

fn back() -> impl Strategy<Value = u64> {
    prop_oneof![1 => Just(0u64), 4 => Just(1u64), 2 => 2u64..=4]
}

fn action() -> impl Strategy<Value = Action> {
    prop_oneof![
        4 => (holder(), amount()).prop_map(|(to, amount)| Action::Mint { to, amount }),
        4 => (holder(), holder(), amount())
            .prop_map(|(from, to, amount)| Action::Transfer { from, to, amount }),
        2 => (holder(), holder(), holder(), amount(), approval()).prop_map(
            |(spender, from, to, amount, approval)| Action::TransferFrom {
                spender,
                from,
                to,
                amount,
                approval,
            }
        ),
        1 => (holder(), amount()).prop_map(|(from, amount)| Action::Burn { from, amount }),
        1 => (holder(), holder(), amount(), approval()).prop_map(
            |(spender, from, amount, approval)| Action::BurnFrom {
                spender,
                from,
                amount,
                approval,
            }
        ),
        3 => (
            hashrate(),
            reward(),
            prop_oneof![
                6 => Just(AfterAttest::Settle),
                2 => Just(AfterAttest::Open),
                2 => Just(AfterAttest::Dispute),
            ]
        )
            .prop_map(|(hashrate, reward, after)| Action::Attest {
                hashrate,
                reward,
                after,
            }),
        1 => (0usize..=3, back(), hashrate(), reward()).prop_map(
            |(reporter, back, hashrate, reward)| Action::Submit {
                reporter,
                back,
                hashrate,
                reward,
            }
        ),
        1 => back().prop_map(|back| Action::Dispute { back }),
        1 => back().prop_map(|back| Action::Record { back }),
        4 => (back(), prop::bool::weighted(0.7), amount())
            .prop_map(|(back, owing, amount)| Action::Deposit { back, owing, amount }),
        3 => (holder(), prop::bool::weighted(0.3))
            .prop_map(|(holder, twice)| Action::Claim { holder, twice }),
        3 => prop_oneof![
            3 => 1u64..=600,
            3 => 600u64..=4 * HOUR,
            1 => 4 * HOUR..=DAY,
        ]
        .prop_map(|seconds| Action::Wait { seconds }),
    ]
}

/// A term of 2 to 8 days (so maturity often falls inside a case), any fee up to the 20% cap,
/// an opening attestation (so shares can be minted) and up to `max_actions` random actions.
fn scenario(max_actions: usize) -> impl Strategy<Value = Scenario> {
    // The actions first: proptest shrinks a tuple in order, and dropping actions is what makes
    // a failure readable.
    (
        prop::collection::vec(action(), 1..=max_actions),
        2 * DAY..=8 * DAY,
        prop_oneof![1 => Just(0u32), 3 => 0u32..=2_000],
        (
            1_000_000_000_000_000i128..=100_000_000_000_000_000,
            reward(),
        ),
    )
        .prop_map(|(mut actions, term, fee_bps, (hashrate, reward))| {
            actions.insert(
                0,
                Action::Attest {
                    hashrate,
                    reward,
                    after: AfterAttest::Settle,
                },
            );
            Scenario {
                term,
                fee_bps,
                actions,
            }
        })
}

// ==================================================================== the checker

/// How strictly the checker reads invariants 1 and 2.
#[derive(Clone, Copy, Debug, Eq, PartialEq)]
enum Bounds {
    /// The bounds derived from the rounding rules (see the module documentation).
    Derived,
    /// The design's literal wording: dust never negative, never paid above the exact share.
    Design,
}

/// A broken invariant.
#[derive(Clone, Debug)]
struct Violation {
    invariant: &'static str,
    detail: String,
}

/// Everything the checker found wrong after one step, with the step.
#[derive(Clone, Debug)]
struct Failure {
    step: usize,
    action: Option<Action>,
    violations: Vec<Violation>,
}

impl Failure {
    fn broke(&self, invariant: &str) -> bool {
        self.violations.iter().any(|v| v.invariant == invariant)
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "after step {} ({:?}):", self.step, self.action)?;
        for v in &self.violations {
            writeln!(f, "  [{}] {}", v.invariant, v.detail)?;
        }
        Ok(())
    }
}

#[derive(Default)]
struct Findings(Vec<Violation>);

impl Findings {
    fn require(&mut self, holds: bool, invariant: &'static str, detail: impl FnOnce() -> String) {
        if !holds {
            self.0.push(Violation {
                invariant,
                detail: detail(),
            });
        }
    }

    fn equal<T: PartialEq + fmt::Debug>(
        &mut self,
        invariant: &'static str,
        what: &str,
        ledger: T,
        model: T,
    ) {
        self.require(ledger == model, invariant, || {
            format!("{what}: ledger {ledger:?}, model {model:?}")
        });
    }
}

/// The suite on the compiled WASM, with its investors.
struct World {
    suite: Suite,
    investors: Vec<Address>,
    stranger: Address,
}

/// A `try_` call's result: the value or the error the call failed with.
fn outcome<T, C: fmt::Debug>(result: TryResult<T, C>) -> Result<T, Error> {
    match result {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(conversion)) => panic!("unexpected return value: {conversion:?}"),
        Err(Ok(error)) => Err(error),
        Err(Err(invoke)) => panic!("unexpected invoke error: {invoke:?}"),
    }
}

fn report_of(epoch: u64, r: Report) -> EpochReport {
    EpochReport {
        epoch,
        hashrate: r.hashrate,
        reward: r.reward,
        submissions: r.submissions,
        finalized_at: r.finalized_at,
    }
}

fn payout_of(p: Payout) -> EpochPayout {
    EpochPayout {
        owed: p.owed,
        paid: p.paid,
        fee: p.fee,
    }
}

fn rational(x: i128) -> BigRational {
    BigRational::from_integer(BigInt::from(x))
}

fn whole(x: BigInt) -> BigRational {
    BigRational::from_integer(x)
}

impl World {
    fn new(term: u64, fee_bps: u32) -> World {
        let suite = Suite::new(term, fee_bps, FUNDS);
        let investors = (0..HOLDERS)
            .map(|_| Address::generate(&suite.env))
            .collect();
        let stranger = Address::generate(&suite.env);
        World {
            suite,
            investors,
            stranger,
        }
    }

    fn model(&self, fee_bps: u32, flaw: Flaw) -> Model {
        let s = &self.suite;
        let c = &s.pool_config;
        Model::new(Config {
            genesis: c.genesis,
            start_sequence: s.env.ledger().sequence(),
            epoch_seconds: c.epoch_seconds,
            dispute_seconds: c.dispute_seconds,
            max_age_epochs: c.max_age_epochs,
            reporters: c.reporters.len() as usize,
            quorum: c.quorum as usize,
            maturity: s.token.maturity(),
            hashrate_per_share: s.token.hashrate_per_share(),
            fee_bps,
            holders: HOLDERS,
            flaw,
        })
    }

    fn reporter(&self, i: usize) -> Address {
        self.suite
            .pool_config
            .reporters
            .get(i as u32)
            .unwrap_or_else(|| self.stranger.clone())
    }

    fn claimables(&self) -> Vec<i128> {
        self.investors
            .iter()
            .map(|a| self.suite.distributor.claimable(a))
            .collect()
    }
}

/// One case in progress: the world, the model, and what the last check saw.
struct Run {
    world: World,
    model: Model,
    bounds: Bounds,
    /// Every holder's `claimable` as of the last check (same ledger time as the next action,
    /// unless it moves the clock).
    claimables: Vec<i128>,
}

impl Run {
    fn new(scenario: &Scenario, flaw: Flaw, bounds: Bounds) -> Run {
        let world = World::new(scenario.term, scenario.fee_bps);
        let model = world.model(scenario.fee_bps, flaw);
        Run {
            claimables: vec![0; HOLDERS],
            world,
            model,
            bounds,
        }
    }

    /// Runs `call` on the ledger and `operation` on the model; they must agree on the outcome,
    /// and a refused call must leave every ledger entry as it was.
    fn agree<T: fmt::Debug, M: fmt::Debug>(
        &mut self,
        f: &mut Findings,
        what: &str,
        operation: impl FnOnce(&mut Model) -> Result<M, Error>,
        call: impl FnOnce(&World) -> Result<T, Error>,
    ) -> Option<(T, M)> {
        let expected = self.model.attempt(operation);
        let before = expected
            .is_err()
            .then(|| self.world.suite.env.to_ledger_snapshot().ledger_entries);
        let actual = call(&self.world);
        if let Some(before) = before {
            let after = self.world.suite.env.to_ledger_snapshot().ledger_entries;
            f.require(before == after, "refusal changes nothing", || {
                format!("{what}: a refused call changed the ledger")
            });
        }
        match (actual, expected) {
            (Ok(actual), Ok(expected)) => Some((actual, expected)),
            (Err(a), Err(e)) => {
                f.equal("typed refusal", what, a, e);
                None
            }
            (actual, expected) => {
                f.require(false, "typed refusal", || {
                    format!("{what}: ledger {actual:?}, model {expected:?}")
                });
                None
            }
        }
    }

    /// Approves `amount` for `spender` over `from`'s shares, on both sides.
    fn approve(&mut self, f: &mut Findings, from: usize, spender: usize, amount: i128) {
        let live_until = self.model.sequence() + ALLOWANCE_LEDGERS;
        let amount = amount.max(0);
        self.agree(
            f,
            "approve",
            |m| {
                m.approve(from, spender, amount, live_until);
                Ok(())
            },
            |w| {
                outcome(w.suite.sep41.try_approve(
                    &w.investors[from],
                    &w.investors[spender],
                    &amount,
                    &live_until,
                ))
            },
        );
    }

    fn approval(
        &mut self,
        f: &mut Findings,
        from: usize,
        spender: usize,
        amount: i128,
        a: Approval,
    ) {
        match a {
            Approval::Exact => self.approve(f, from, spender, amount),
            Approval::Short => self.approve(f, from, spender, amount - 1),
            Approval::Plenty => self.approve(f, from, spender, amount + 1_000_000_000_000),
            Approval::Keep => {}
        }
    }

    /// The `k`-th (cyclically) investor holding shares, or investor `k` if none does: moves
    /// and burns mostly act on real balances.
    fn holding(&self, k: usize) -> usize {
        let holders: Vec<usize> = (0..HOLDERS)
            .filter(|i| self.model.balance(*i) > 0)
            .collect();
        if holders.is_empty() {
            k
        } else {
            holders[k % holders.len()]
        }
    }

    fn wait(&mut self, seconds: u64) {
        advance(&self.world.suite.env, seconds);
        self.model.advance(seconds);
    }

    fn submit(
        &mut self,
        f: &mut Findings,
        reporter: usize,
        epoch: u64,
        hashrate: i128,
        reward: i128,
    ) {
        self.agree(
            f,
            "submit",
            |m| m.submit(reporter, epoch, hashrate, reward),
            |w| {
                let s = &w.suite;
                outcome(s.oracle.try_submit(
                    &w.reporter(reporter),
                    &s.pool,
                    &epoch,
                    &hashrate,
                    &reward,
                ))
            },
        );
    }

    /// Runs one action and checks every invariant afterwards.
    fn step(&mut self, action: &Action) -> Vec<Violation> {
        let mut f = Findings::default();
        let mut moves_shares = false;
        let mut minted = false;
        match *action {
            Action::Mint { to, amount } => {
                let amount = amount.of(self.model.max_supply() - self.model.supply());
                let done = self.agree(
                    &mut f,
                    "mint",
                    |m| m.mint(to, amount),
                    |w| outcome(w.suite.token.try_mint(&w.investors[to], &amount)),
                );
                // A refused mint changes nothing; a done one closes the running stream.
                moves_shares = done.is_none();
                minted = done.is_some();
                if done.is_some() {
                    let s = &self.world.suite;
                    let (supply, capacity) = (s.token.total_supply(), s.oracle.capacity(&s.pool));
                    let hashrate_per_share = s.token.hashrate_per_share();
                    f.require(
                        supply * hashrate_per_share <= capacity * SHARE_UNIT,
                        "5 mint cap",
                        || format!("supply {supply} × {hashrate_per_share} > {capacity} × 10^7"),
                    );
                }
            }
            Action::Transfer { from, to, amount } => {
                moves_shares = true;
                let from = self.holding(from);
                let amount = amount.of(self.model.balance(from));
                self.agree(
                    &mut f,
                    "transfer",
                    |m| m.transfer(from, to, amount),
                    |w| {
                        outcome(w.suite.sep41.try_transfer(
                            &w.investors[from],
                            &w.investors[to],
                            &amount,
                        ))
                    },
                );
            }
            Action::TransferFrom {
                spender,
                from,
                to,
                amount,
                approval,
            } => {
                moves_shares = true;
                let from = self.holding(from);
                let amount = amount.of(self.model.balance(from));
                self.approval(&mut f, from, spender, amount, approval);
                self.agree(
                    &mut f,
                    "transfer_from",
                    |m| m.transfer_from(spender, from, to, amount),
                    |w| {
                        outcome(w.suite.sep41.try_transfer_from(
                            &w.investors[spender],
                            &w.investors[from],
                            &w.investors[to],
                            &amount,
                        ))
                    },
                );
            }
            Action::Burn { from, amount } => {
                moves_shares = true;
                let from = self.holding(from);
                let amount = amount.of(self.model.balance(from));
                self.agree(
                    &mut f,
                    "burn",
                    |m| m.burn(from, amount),
                    |w| outcome(w.suite.sep41.try_burn(&w.investors[from], &amount)),
                );
            }
            Action::BurnFrom {
                spender,
                from,
                amount,
                approval,
            } => {
                moves_shares = true;
                let from = self.holding(from);
                let amount = amount.of(self.model.balance(from));
                self.approval(&mut f, from, spender, amount, approval);
                self.agree(
                    &mut f,
                    "burn_from",
                    |m| m.burn_from(spender, from, amount),
                    |w| {
                        outcome(w.suite.sep41.try_burn_from(
                            &w.investors[spender],
                            &w.investors[from],
                            &amount,
                        ))
                    },
                );
            }
            Action::Attest {
                hashrate,
                reward,
                after,
            } => {
                let epoch = self.model.current_epoch();
                self.wait(self.model.epoch_end(epoch) - self.model.now());
                for reporter in 0..self.model.config.quorum {
                    self.submit(&mut f, reporter, epoch, hashrate, reward);
                }
                // Finalized, not yet effective: invisible to every reader.
                let s = &self.world.suite;
                f.require(
                    s.oracle.report(&s.pool, &epoch).is_none(),
                    "6 only effective reports",
                    || format!("epoch {epoch} visible inside its dispute window"),
                );
                match after {
                    AfterAttest::Settle => self.wait(self.model.config.dispute_seconds),
                    AfterAttest::Open => {}
                    AfterAttest::Dispute => {
                        self.agree(
                            &mut f,
                            "dispute",
                            |m| m.dispute(epoch),
                            |w| outcome(w.suite.oracle.try_dispute(&w.suite.pool, &epoch)),
                        );
                    }
                }
            }
            Action::Submit {
                reporter,
                back,
                hashrate,
                reward,
            } => {
                let epoch = self.model.current_epoch().saturating_sub(back);
                self.submit(&mut f, reporter, epoch, hashrate, reward);
            }
            Action::Dispute { back } => {
                let epoch = self.model.current_epoch().saturating_sub(back);
                self.agree(
                    &mut f,
                    "dispute",
                    |m| m.dispute(epoch),
                    |w| outcome(w.suite.oracle.try_dispute(&w.suite.pool, &epoch)),
                );
            }
            Action::Record { back } => {
                let epoch = self.model.current_epoch().saturating_sub(back);
                if let Some((ledger, model)) = self.agree(
                    &mut f,
                    "record",
                    |m| m.record(epoch),
                    |w| outcome(w.suite.distributor.try_record(&epoch)),
                ) {
                    f.equal(
                        "0 ledger = model",
                        "recorded payout",
                        ledger,
                        payout_of(model),
                    );
                }
            }
            Action::Deposit {
                back,
                owing,
                amount,
            } => {
                let m = &self.model;
                let owing_epochs: Vec<u64> = (0..=m.current_epoch())
                    .rev()
                    .filter(|e| m.outstanding(*e) > 0)
                    .collect();
                let epoch = match owing_epochs.len() {
                    n if owing && n > 0 => owing_epochs[back as usize % n],
                    _ => m.current_epoch().saturating_sub(back),
                };
                let amount = amount.of(self.model.outstanding(epoch));
                let operator = self.world.suite.operator.clone();
                self.agree(
                    &mut f,
                    "deposit",
                    |m| m.deposit(epoch, amount),
                    |w| outcome(w.suite.distributor.try_deposit(&operator, &epoch, &amount)),
                );
            }
            Action::Claim { holder, twice } => {
                let before = self.claimables[holder];
                if let Some((paid, expected)) = self.agree(
                    &mut f,
                    "claim",
                    |m| m.claim(holder),
                    |w| outcome(w.suite.distributor.try_claim(&w.investors[holder])),
                ) {
                    f.equal("4 claim pays claimable", "claim", paid, before);
                    f.equal("0 ledger = model", "claim", paid, expected);
                }
                if twice {
                    let again = self.agree(
                        &mut f,
                        "second claim",
                        |m| m.claim(holder),
                        |w| outcome(w.suite.distributor.try_claim(&w.investors[holder])),
                    );
                    f.require(
                        matches!(again, Some((0, 0))),
                        "4 second claim pays 0",
                        || format!("second claim in the same instant: {again:?}"),
                    );
                }
            }
            Action::Wait { seconds } => self.wait(seconds),
        }
        let claimables = self.check(&mut f);
        if moves_shares {
            // Invariant 3: same ledger time, so nothing may have moved.
            f.require(claimables == self.claimables, "3 accrued unchanged", || {
                format!(
                    "claimable before {:?}, after {claimables:?}",
                    self.claimables
                )
            });
        }
        if minted {
            // Invariant 3 for a mint: the rest of the running stream is credited at once to the
            // holders before it (invariant 0 checks how much), so nothing may drop.
            let dropped = claimables
                .iter()
                .zip(&self.claimables)
                .any(|(after, before)| after < before);
            f.require(!dropped, "3 accrued unchanged", || {
                format!(
                    "a mint lowered a claimable: before {:?}, after {claimables:?}",
                    self.claimables
                )
            });
        }
        self.claimables = claimables;
        f.0
    }

    /// Compares the ledger with the model and checks invariants 0, 1, 2, 4, 5 and 6. Returns
    /// every holder's `claimable`.
    fn check(&self, f: &mut Findings) -> Vec<i128> {
        let (w, m) = (&self.world, &self.model);
        let s = &w.suite;
        let eq = "0 ledger = model";

        // Clock.
        f.equal(eq, "timestamp", s.env.ledger().timestamp(), m.now());
        f.equal(eq, "sequence", s.env.ledger().sequence(), m.sequence());

        // Oracle (6): reports only when effective, latest, capacity 0 when stale.
        let current = m.current_epoch();
        let mut epochs = m.known_epochs();
        epochs.extend([current, current.saturating_sub(1)]);
        for epoch in epochs {
            let ledger = s.oracle.report(&s.pool, &epoch);
            f.equal(
                "6 only effective reports",
                &format!("report({epoch})"),
                ledger,
                m.report(epoch).map(|r| report_of(epoch, r)),
            );
            let payout = s.distributor.epoch(&epoch);
            f.equal(
                eq,
                &format!("epoch({epoch})"),
                payout,
                m.payout(epoch).map(payout_of),
            );
        }
        let latest = m.latest();
        f.equal(
            "6 only effective reports",
            "latest",
            s.oracle.latest(&s.pool),
            latest.map(|(e, r)| report_of(e, r)),
        );
        let capacity = s.oracle.capacity(&s.pool);
        f.equal(eq, "capacity", capacity, m.capacity());
        let stale = latest.is_none_or(|(e, _)| current - e > m.config.max_age_epochs);
        f.require(!stale || capacity == 0, "6 capacity 0 when stale", || {
            format!("capacity {capacity} with latest {latest:?} at epoch {current}")
        });

        // Share token (5).
        let balances: Vec<i128> = w.investors.iter().map(|a| s.sep41.balance(a)).collect();
        let supply = s.token.total_supply();
        for (i, balance) in balances.iter().enumerate() {
            f.equal(eq, &format!("balance({i})"), *balance, m.balance(i));
        }
        f.equal(eq, "total_supply", supply, m.supply());
        f.equal(
            "5 supply = Σ balances",
            "Σ balances",
            balances.iter().sum::<i128>(),
            supply,
        );
        for (from, spender) in m.allowance_pairs() {
            f.equal(
                eq,
                &format!("allowance({from}, {spender})"),
                s.sep41.allowance(&w.investors[from], &w.investors[spender]),
                m.allowance(from, spender),
            );
        }

        // Distributor and reward asset.
        let (deposited, fees) =
            PayoutDistributorContractClient::new(&s.env, &s.distributor.address).totals();
        f.equal(eq, "totals", (deposited, fees), m.totals());
        f.equal(eq, "arrears", s.distributor.arrears(), m.arrears());
        let held = s.reward.balance(&s.distributor.address);
        let claimed: Vec<i128> = w.investors.iter().map(|a| s.reward.balance(a)).collect();
        let total_claimed: i128 = claimed.iter().sum();
        f.equal(
            eq,
            "fee recipient's balance",
            s.reward.balance(&s.fee_recipient),
            m.totals().1,
        );
        for (i, c) in claimed.iter().enumerate() {
            f.equal(eq, &format!("claimed({i})"), *c, m.claimed(i));
        }
        f.equal(eq, "distributor's balance", held, m.distributor_balance());
        let claimables = w.claimables();
        for (i, c) in claimables.iter().enumerate() {
            f.equal(eq, &format!("claimable({i})"), *c, m.claimable(i));
            f.equal(
                eq,
                &format!("claimable({i}) = accrued({i})"),
                *c,
                s.token.accrued(&w.investors[i]),
            );
        }

        // 1. Conservation.
        f.require(
            deposited == fees + total_claimed + held,
            "1 conservation",
            || {
                format!(
                    "deposited {deposited} != fees {fees} + claimed {total_claimed} + held {held}"
                )
            },
        );
        // As of a checkpoint now: what streamed since the last one is in `claimable` already.
        let at_now = m.checkpointed();
        let owed_now: i128 = claimables.iter().sum();
        f.require(held >= owed_now, "1 solvency", || {
            format!("distributor holds {held}, owes {owed_now} claimable now")
        });
        let (unstreamed, carried) = at_now.uncredited();
        let dust = held - owed_now - unstreamed - carried;
        // Each crediting checkpoint takes out of `unstreamed` up to one unit more than the
        // index promises (its credit is rounded up), and each holder's `claimable` drops a
        // fraction of a unit.
        let high = i128::from(at_now.supply_checkpoints()) + HOLDERS as i128;
        f.require((0..high).contains(&dust), "1 dust bounded", || {
            format!(
                "held {held} - claimable {owed_now} - unstreamed {unstreamed} - carried \
                 {carried} = {dust}, outside [0, {high})"
            )
        });

        // 2. Pro-rata.
        let restreamed = whole(m.restreamed_bound());
        for i in 0..HOLDERS {
            let paid = claimed[i] + claimables[i];
            let exact = m.entitlement(i);
            let paid_r = rational(paid);
            // `+ 1`: the floor of the whole units.
            let short = &restreamed + rational(1);
            let over = match self.bounds {
                Bounds::Derived => restreamed.clone(),
                Bounds::Design => BigRational::zero(),
            };
            f.require(paid_r <= &exact + &over, "2 pro-rata (never above)", || {
                format!("holder {i}: paid {paid} > exact {exact} + {over}")
            });
            f.require(
                &exact - &paid_r <= short,
                "2 pro-rata (short by a bound)",
                || format!("holder {i}: paid {paid} < exact {exact} - {short}"),
            );
        }
        claimables
    }
}

/// Runs a scenario against the model with `flaw`, checking after every step.
fn run(scenario: &Scenario, flaw: Flaw, bounds: Bounds) -> Result<(), Failure> {
    let mut run = Run::new(scenario, flaw, bounds);
    let mut findings = Findings::default();
    run.claimables = run.check(&mut findings);
    if !findings.0.is_empty() {
        return Err(Failure {
            step: 0,
            action: None,
            violations: findings.0,
        });
    }
    for (i, action) in scenario.actions.iter().enumerate() {
        let violations = run.step(action);
        if !violations.is_empty() {
            return Err(Failure {
                step: i + 1,
                action: Some(action.clone()),
                violations,
            });
        }
    }
    Ok(())
}

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        max_shrink_iters: 512,
        max_shrink_time: 120_000,
        ..ProptestConfig::default()
    }
}

// ==================================================================== the properties

proptest! {
    #![proptest_config(config(cases()))]

    /// Every invariant holds after every step of any sequence of actions.
    #[test]
    fn every_invariant_holds_after_every_action(scenario in scenario(MAX_ACTIONS)) {
        if let Err(failure) = run(&scenario, Flaw::None, Bounds::Derived) {
            prop_assert!(false, "{}", failure);
        }
    }
}

/// A few steps every bite test runs: two holders, a deposit streamed with a 10% fee, a claim
/// mid-stream, a transfer, and the rest of the stream.
fn fixed_scenario() -> Scenario {
    use Action::*;
    Scenario {
        term: 10 * DAY,
        fee_bps: 1_000,
        actions: vec![
            Attest {
                hashrate: 1_000_000_000_000_000,
                reward: 987_654_321,
                after: AfterAttest::Settle,
            },
            Mint {
                to: 0,
                amount: Amount::PerMille(500),
            },
            Mint {
                to: 1,
                amount: Amount::PerMille(300),
            },
            Deposit {
                back: 1,
                owing: false,
                amount: Amount::All,
            },
            Wait { seconds: HOUR },
            Claim {
                holder: 0,
                twice: true,
            },
            Transfer {
                from: 0,
                to: 2,
                amount: Amount::PerMille(500),
            },
            Wait { seconds: DAY },
            Claim {
                holder: 1,
                twice: false,
            },
        ],
    }
}

/// The checker bites (1): a model whose distributor rounds holders' accruals *up* (a
/// distributor that pays `ceil` where the contracts pay `floor`). Run against the real
/// contracts, the checker must report it: as soon as a holder's accrual has a fraction of a
/// unit, the `claimable` the ledger reports and the one the model demands differ. The same
/// sequence passes against the honest model, so it is the flaw that is caught.
#[test]
fn checker_bites_a_distributor_that_rounds_holders_up() {
    let scenario = fixed_scenario();
    if let Err(failure) = run(&scenario, Flaw::None, Bounds::Derived) {
        panic!("the honest model must pass: {failure}");
    }
    let failure = run(&scenario, Flaw::HoldersRoundUp, Bounds::Derived)
        .expect_err("a rounding-up model must be caught");
    assert!(failure.broke("0 ledger = model"), "{failure}");
}

/// The checker bites (2): a model whose distributor streams whole deposits to the holders,
/// fee included (the fee "paid to holders"). Every exact reading of the ledger still matches
/// (the flaw is only in the exact entitlements), so it is the pro-rata bound that must fire:
/// the holders are paid 10% short of what this model says they earned, far beyond the rounding
/// bound.
#[test]
fn checker_bites_a_distributor_that_pays_the_fee_to_holders() {
    let failure = run(&fixed_scenario(), Flaw::FeeToHolders, Bounds::Derived)
        .expect_err("a model paying the fee to holders must be caught");
    assert!(failure.broke("2 pro-rata (short by a bound)"), "{failure}");
    assert!(!failure.broke("0 ledger = model"), "{failure}");
}

/// The checker bites (3), through proptest itself: random scenarios against the
/// fee-to-holders model must produce a failing case, and it must shrink to a handful of
/// actions (the opening attestation, a mint, a deposit with a fee, time passing).
#[test]
fn proptest_finds_and_shrinks_a_broken_distributor() {
    let config = ProptestConfig {
        cases: 64,
        max_shrink_iters: 32,
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    let rng = TestRng::deterministic_rng(RngAlgorithm::ChaCha);
    let mut runner = TestRunner::new_with_rng(config, rng);
    let result = runner.run(&scenario(10), |scenario| {
        run(&scenario, Flaw::FeeToHolders, Bounds::Derived)
            .map_err(|failure| TestCaseError::fail(failure.to_string()))
    });
    match result {
        Err(TestError::Fail(reason, minimal)) => {
            println!("shrunk to {minimal:#?}\nbecause {reason}");
            assert!(reason.message().contains("2 pro-rata"), "{reason}");
            assert!(
                minimal.actions.len() <= 5 && minimal.fee_bps > 0,
                "not shrunk: {minimal:#?}"
            );
        }
        other => panic!("the broken distributor went unnoticed: {other:?}"),
    }
}

// ==================================================================== claiming often or once

/// What happens to a pair of twin holders with identical balances, one of which claims.
#[derive(Clone, Debug)]
enum TwinStep {
    /// Both twins get the same mint.
    Mint(i128),
    /// Someone else gets a mint (the supply, so the rate, changes).
    OtherMint(i128),
    /// The other holder burns part of its shares.
    OtherBurn(i128),
    /// The operator pays towards epoch 0.
    Deposit(i128),
    Wait(u64),
    /// Only the first twin claims.
    Claim,
}

fn twin_step() -> impl Strategy<Value = TwinStep> {
    prop_oneof![
        2 => (1i128..=50_000_000).prop_map(TwinStep::Mint),
        2 => (1i128..=50_000_000).prop_map(TwinStep::OtherMint),
        1 => (1i128..=1_000).prop_map(TwinStep::OtherBurn),
        3 => (1i128..=1_000_000_000).prop_map(TwinStep::Deposit),
        3 => (1u64..=6 * HOUR).prop_map(TwinStep::Wait),
        4 => Just(TwinStep::Claim),
    ]
}

proptest! {
    #![proptest_config(config(cases()))]

    /// Invariant 4 on the ledger, with no model: twins holding the same balances at the same
    /// moments, one claiming at random moments and the other never, are owed the same total
    /// at every step, to the unit; a second claim in the same instant pays 0.
    #[test]
    fn claiming_often_or_once_pays_the_same(steps in prop::collection::vec(twin_step(), 1..40)) {
        let s = Suite::new(4 * DAY, 500, FUNDS);
        let (often, once, other) = (
            Address::generate(&s.env),
            Address::generate(&s.env),
            Address::generate(&s.env),
        );
        s.attest(1_000_000_000_000_000, 1_000_000_000_000); // epoch 0: room for 1,000 shares
        for holder in [&often, &once, &other] {
            s.token.mint(holder, &SHARE_UNIT);
        }
        s.distributor.record(&0);
        let mut claimed = 0;
        for step in &steps {
            match *step {
                // Mints stop at maturity or once the report goes stale; the twins' stay paired.
                TwinStep::Mint(amount) => {
                    if s.token.try_mint(&often, &amount).is_ok() {
                        s.token.mint(&once, &amount);
                    }
                }
                TwinStep::OtherMint(amount) => {
                    let _refused_after_maturity_or_staleness = s.token.try_mint(&other, &amount);
                }
                TwinStep::OtherBurn(amount) => s.sep41.burn(&other, &amount),
                TwinStep::Deposit(amount) => {
                    let payout = s.distributor.epoch(&0).expect("recorded");
                    let amount = amount.min(payout.owed - payout.paid);
                    if amount > 0 {
                        s.distributor.deposit(&s.operator, &0, &amount);
                    }
                }
                TwinStep::Wait(seconds) => advance(&s.env, seconds),
                TwinStep::Claim => {
                    claimed += s.distributor.claim(&often);
                    prop_assert_eq!(s.distributor.claim(&often), 0, "second claim");
                }
            }
            prop_assert_eq!(
                claimed + s.distributor.claimable(&often),
                s.distributor.claimable(&once),
                "claiming often vs once after {:?}",
                step
            );
        }
    }
}

// ==================================================================== contract bugs found

/// Regression of a contract bug these properties found (conservation, invariant 1: "every
/// claim can always be paid"). A checkpoint added the whole `rate * elapsed` to the index but
/// took only `floor(rate * elapsed * supply / 10^18)` off `unstreamed`; the dropped fraction
/// was both claimable (holders accrue in exact index units, so fractions of successive
/// checkpoints add up to whole units) and still counted as unstreamed, so streamed again.
///
/// Here a lone holder accrued 0.99987 of a 1-unit stream while the checkpoint credited 0 and
/// kept 1 unstreamed; a post-maturity deposit of 849,260 was credited at once together with
/// that unit, and the holder could claim all 849,261 held while the books still said 1 unit
/// was unstreamed. The next deposit (1,000) was credited with that phantom unit again: the
/// holder was owed 1,001 while the distributor held 1,000, and the claim failed. The share
/// token now takes the credit out of `unstreamed` rounded up.
#[test]
fn regression_a_checkpoint_fraction_is_never_paid_twice() {
    let s = Suite::new(2 * DAY, 0, FUNDS);
    let holder = Address::generate(&s.env);
    let held = || s.reward.balance(&s.distributor.address);
    let solvent = |when: &str| {
        let owed = s.distributor.claimable(&holder);
        assert!(owed <= held(), "{when}: owed {owed} but holding {}", held());
    };
    s.attest(1_000_000_000_000_000, 2_946_229_609); // epoch 0
    s.token.mint(&holder, &2_710_000_000);
    s.distributor.deposit(&s.operator, &0, &1); // 1 unit streamed until maturity
    s.attest(1_000_000_000_000, 2_051_355); // epoch 1: ends at maturity, effective after it
    solvent("after the 1-unit stream");
    s.distributor.deposit(&s.operator, &1, &849_260); // credited at once
    solvent("after the first deposit credited at once");
    let first = s.distributor.claim(&holder);
    assert!((849_260..=849_261).contains(&first), "claimed {first}");
    s.distributor.deposit(&s.operator, &0, &1_000);
    solvent("after the second deposit credited at once");
    let second = s.distributor.claim(&holder);
    assert!(
        first + second <= 850_261,
        "paid {} of 850,261",
        first + second
    );
    assert_eq!(held(), 850_261 - first - second);
}

/// The main property held to the design's literal bounds (never paid above the exact share),
/// at CI size by default; `HASHSHARE_PROPTEST_CASES=100` or more for a deeper search.
#[test]
fn every_invariant_holds_with_the_design_bounds() {
    let mut runner = TestRunner::new(config(cases()));
    let result = runner.run(&scenario(MAX_ACTIONS), |scenario| {
        run(&scenario, Flaw::None, Bounds::Design)
            .map_err(|failure| TestCaseError::fail(failure.to_string()))
    });
    if let Err(error) = result {
        panic!("{error}");
    }
}

// ==================================================================== the model

mod model {
    //! An exact reference model of the whole suite, for the property tests: plain integers and
    //! rationals, no floating point, no Soroban.
    //!
    //! The model keeps two views of the rewards:
    //!
    //! - the **ledger mirror**: the share token's documented rounding, recomputed with unbounded
    //!   integers (a per-second rate fixed at each checkpoint,
    //!   `rate = floor(floor(unstreamed * 10^18 / supply) / seconds_left)`, the index advancing by
    //!   `rate * elapsed`, `ceil(index_delta * supply / 10^18)` taken off `unstreamed` at a
    //!   checkpoint, a holder earning `balance * index_delta` index units at each settlement,
    //!   exactly, and `claimable` / a claim the whole units of that, rounded down, the fraction
    //!   staying for the next claim). What the contracts must report to the unit.
    //! - the **exact entitlement**: the same streams with no rounding at all. Every second of a
    //!   stream pays `unstreamed / seconds_left`, and each holder earns `balance / supply` of it, as
    //!   a [`BigRational`]. What the holders are owed in truth; the mirror may only fall short of it
    //!   (or exceed it) by the rounding bounds the model also counts.
    //!
    //! Every operation either succeeds and changes the model, or returns the exact typed error the
    //! contracts must refuse it with; [`Model::attempt`] leaves the model untouched on a refusal.
    use std::collections::BTreeMap;

    use num_bigint::BigInt;
    use num_rational::BigRational;
    use num_traits::{Signed, ToPrimitive, Zero};
    use payout_distributor::DistributorError;
    use pool_oracle::OracleError;
    use share_token::ShareTokenError;
    use soroban_sdk::Error;

    /// The share token's reward-index scale.
    pub const SCALE: i128 = 1_000_000_000_000_000_000;
    /// Base units per whole share.
    pub const SHARE_UNIT: i128 = 10_000_000;
    /// Basis points in one whole.
    pub const BPS: i128 = 10_000;

    /// A deliberate error in the model, to show that the invariant checker catches a distributor
    /// that does not behave as the model says (see the `checker_bites` tests).
    #[derive(Clone, Copy, Debug, Default, Eq, PartialEq)]
    pub enum Flaw {
        /// The honest model.
        #[default]
        None,
        /// The ledger mirror turns accruals into whole units with `ceil` instead of `floor`
        /// (`claimable` and claims): the accounting of a distributor that rounds up for
        /// holders.
        HoldersRoundUp,
        /// The exact entitlement streams whole deposits, fee included: a distributor that forgets
        /// to take its fee (or pays it to the holders).
        FeeToHolders,
    }

    /// The schedule and terms the model runs with (those of the fixture's `Suite`).
    #[derive(Clone, Debug)]
    pub struct Config {
        pub genesis: u64,
        pub start_sequence: u32,
        pub epoch_seconds: u64,
        pub dispute_seconds: u64,
        pub max_age_epochs: u64,
        pub reporters: usize,
        pub quorum: usize,
        pub maturity: u64,
        pub hashrate_per_share: i128,
        pub fee_bps: u32,
        pub holders: usize,
        pub flaw: Flaw,
    }

    /// A finalized report.
    #[derive(Clone, Copy, Debug, Eq, PartialEq)]
    pub struct Report {
        pub hashrate: i128,
        pub reward: i128,
        pub submissions: u32,
        pub finalized_at: u64,
    }

    /// What a recorded epoch owes and what was paid towards it.
    #[derive(Clone, Copy, Debug, Default, Eq, PartialEq)]
    pub struct Payout {
        pub owed: i128,
        pub paid: i128,
        pub fee: i128,
    }

    /// The share token's reward state, as the contract keeps it (the index unbounded rather than
    /// wrapping: only differences matter and they agree).
    #[derive(Clone, Debug, Default)]
    struct Stream {
        index: BigInt,
        rate: BigInt,
        updated: u64,
        end: u64,
        unstreamed: BigInt,
        carried: BigInt,
    }

    /// A holder's stored position, as the contract keeps it.
    #[derive(Clone, Debug, Default)]
    struct Position {
        stored: bool,
        index: BigInt,
        /// Earned and not yet taken, in index units (reward units × 10^18).
        accrued_scaled: BigInt,
    }

    /// The streams without rounding.
    #[derive(Clone, Debug)]
    struct Exact {
        unstreamed: BigRational,
        carried: BigRational,
        updated: u64,
        end: u64,
        earned: Vec<BigRational>,
    }

    /// The whole suite's state.
    #[derive(Clone, Debug)]
    pub struct Model {
        pub config: Config,
        now: u64,
        sequence: u32,
        // pool-oracle
        submissions: BTreeMap<u64, Vec<(usize, i128, i128)>>,
        reports: BTreeMap<u64, Report>,
        // share-token
        balances: Vec<i128>,
        supply: i128,
        allowances: BTreeMap<(usize, usize), (i128, u32)>,
        stream: Stream,
        positions: Vec<Position>,
        exact: Exact,
        // payout-distributor
        payouts: BTreeMap<u64, Payout>,
        arrears: i128,
        deposited: i128,
        fees: i128,
        claimed: Vec<i128>,
        // rounding counters, for the bounds
        /// Checkpoints that credited a stream to a non-zero supply (each may leave under one unit
        /// of `floor(index_delta * supply / 10^18)` both in the index and in `unstreamed`).
        supply_checkpoints: u64,
        /// Upper bound, in whole units, on everything rounding ever left unstreamed or carried
        /// beyond the exact streams: what may later be re-streamed to holders who did not earn it.
        restreamed_bound: BigInt,
    }

    fn err(e: impl Into<Error>) -> Error {
        e.into()
    }

    fn big(x: i128) -> BigInt {
        BigInt::from(x)
    }

    fn ratio(x: &BigInt) -> BigRational {
        BigRational::from_integer(x.clone())
    }

    fn to_i128(x: &BigInt) -> i128 {
        x.to_i128().expect("model values fit i128")
    }

    /// `floor(a / b)` for a non-negative `a` and positive `b` (`BigInt` division truncates).
    fn floor_div(a: &BigInt, b: &BigInt) -> BigInt {
        debug_assert!(!a.is_negative() && b.is_positive());
        a / b
    }

    fn ceil_div(a: &BigInt, b: &BigInt) -> BigInt {
        (a + b - BigInt::from(1)) / b
    }

    impl Model {
        pub fn new(config: Config) -> Model {
            let n = config.holders;
            Model {
                now: config.genesis,
                sequence: config.start_sequence,
                submissions: BTreeMap::new(),
                reports: BTreeMap::new(),
                balances: vec![0; n],
                supply: 0,
                allowances: BTreeMap::new(),
                stream: Stream::default(),
                positions: vec![Position::default(); n],
                exact: Exact {
                    unstreamed: BigRational::zero(),
                    carried: BigRational::zero(),
                    updated: 0,
                    end: 0,
                    earned: vec![BigRational::zero(); n],
                },
                payouts: BTreeMap::new(),
                arrears: 0,
                deposited: 0,
                fees: 0,
                claimed: vec![0; n],
                supply_checkpoints: 0,
                restreamed_bound: BigInt::zero(),
                config,
            }
        }

        /// Runs `operation` on a copy and keeps the copy only if it succeeded: a refused
        /// operation changes nothing.
        pub fn attempt<T>(
            &mut self,
            operation: impl FnOnce(&mut Model) -> Result<T, Error>,
        ) -> Result<T, Error> {
            let mut next = self.clone();
            let result = operation(&mut next);
            if result.is_ok() {
                *self = next;
            }
            result
        }

        // ---------------------------------------------------------------- clock

        pub fn now(&self) -> u64 {
            self.now
        }

        pub fn sequence(&self) -> u32 {
            self.sequence
        }

        /// The fixture's `advance`: the clock moves, and the sequence by one ledger per 5 s.
        pub fn advance(&mut self, seconds: u64) {
            self.now += seconds;
            self.sequence += (seconds / 5) as u32;
        }

        // ---------------------------------------------------------------- pool-oracle

        pub fn current_epoch(&self) -> u64 {
            self.now.saturating_sub(self.config.genesis) / self.config.epoch_seconds
        }

        pub fn epoch_end(&self, epoch: u64) -> u64 {
            self.config.genesis + (epoch + 1) * self.config.epoch_seconds
        }

        /// A finalized report, effective or not.
        pub fn finalized(&self, epoch: u64) -> Option<Report> {
            self.reports.get(&epoch).copied()
        }

        pub fn effective(&self, report: &Report) -> bool {
            report.finalized_at + self.config.dispute_seconds <= self.now
        }

        /// The oracle's `report`: effective reports only.
        pub fn report(&self, epoch: u64) -> Option<Report> {
            self.finalized(epoch).filter(|r| self.effective(r))
        }

        /// The oracle's `latest`: the effective report of the highest epoch.
        pub fn latest(&self) -> Option<(u64, Report)> {
            self.reports
                .iter()
                .rev()
                .find(|(_, r)| self.effective(r))
                .map(|(e, r)| (*e, *r))
        }

        /// The oracle's `capacity`: the latest effective hashrate unless stale.
        pub fn capacity(&self) -> i128 {
            match self.latest() {
                Some((epoch, r))
                    if self.current_epoch().saturating_sub(epoch) <= self.config.max_age_epochs =>
                {
                    r.hashrate
                }
                _ => 0,
            }
        }

        /// Epochs that were ever submitted to, finalized or recorded: what the checker compares.
        pub fn known_epochs(&self) -> Vec<u64> {
            let mut epochs: Vec<u64> = self
                .submissions
                .keys()
                .chain(self.reports.keys())
                .chain(self.payouts.keys())
                .copied()
                .collect();
            epochs.sort_unstable();
            epochs.dedup();
            epochs
        }

        /// `reporter` (an index into the pool's reporters; beyond them, an unlisted account)
        /// attests `epoch`. The quorum-th submission finalizes with the lower median of each field.
        pub fn submit(
            &mut self,
            reporter: usize,
            epoch: u64,
            hashrate: i128,
            reward: i128,
        ) -> Result<(), Error> {
            if reporter >= self.config.reporters {
                return Err(err(OracleError::NotReporter));
            }
            if hashrate < 0 || reward < 0 {
                return Err(err(OracleError::NegativeValue));
            }
            if self.epoch_end(epoch) > self.now {
                return Err(err(OracleError::EpochNotEnded));
            }
            if self.reports.contains_key(&epoch) {
                return Err(err(OracleError::EpochFinalized));
            }
            let submissions = self.submissions.entry(epoch).or_default();
            if submissions.iter().any(|(r, _, _)| *r == reporter) {
                return Err(err(OracleError::AlreadySubmitted));
            }
            submissions.push((reporter, hashrate, reward));
            if submissions.len() < self.config.quorum {
                return Ok(());
            }
            let lower_median = |mut values: Vec<i128>| {
                values.sort_unstable();
                values[(values.len() - 1) / 2]
            };
            let report = Report {
                hashrate: lower_median(submissions.iter().map(|s| s.1).collect()),
                reward: lower_median(submissions.iter().map(|s| s.2).collect()),
                submissions: submissions.len() as u32,
                finalized_at: self.now,
            };
            self.submissions.remove(&epoch);
            self.reports.insert(epoch, report);
            Ok(())
        }

        /// The admin disputes `epoch`'s report while it is inside its window: it is removed and the
        /// epoch reopens.
        pub fn dispute(&mut self, epoch: u64) -> Result<(), Error> {
            let Some(report) = self.reports.get(&epoch) else {
                return Err(err(OracleError::ReportNotFound));
            };
            if self.effective(report) {
                return Err(err(OracleError::DisputeWindowClosed));
            }
            self.reports.remove(&epoch);
            Ok(())
        }

        // ---------------------------------------------------------------- share-token

        pub fn balance(&self, holder: usize) -> i128 {
            self.balances[holder]
        }

        pub fn supply(&self) -> i128 {
            self.supply
        }

        /// The supply the oracle's capacity allows: `floor(capacity * 10^7 / hashrate_per_share)`.
        pub fn max_supply(&self) -> i128 {
            self.capacity().max(0) * SHARE_UNIT / self.config.hashrate_per_share
        }

        /// The allowance `spender` has over `from`'s shares (0 once expired).
        pub fn allowance(&self, from: usize, spender: usize) -> i128 {
            match self.allowances.get(&(from, spender)) {
                Some((amount, live_until)) if *live_until >= self.sequence => *amount,
                _ => 0,
            }
        }

        /// Pairs that were ever approved.
        pub fn allowance_pairs(&self) -> Vec<(usize, usize)> {
            self.allowances.keys().copied().collect()
        }

        fn check_amount(amount: i128) -> Result<(), Error> {
            if amount <= 0 {
                return Err(err(ShareTokenError::InvalidAmount));
            }
            Ok(())
        }

        pub fn mint(&mut self, to: usize, amount: i128) -> Result<(), Error> {
            Self::check_amount(amount)?;
            if self.now >= self.config.maturity {
                return Err(err(ShareTokenError::Matured));
            }
            let max_supply = self.max_supply();
            self.checkpoint();
            // The running stream's rest goes at once to the holders before the mint: the new
            // shares never share in it. (A refused mint rolls all of this back.)
            self.close_stream();
            if self.supply + amount > max_supply {
                return Err(err(ShareTokenError::CapacityExceeded));
            }
            let index = self.stream.index.clone();
            self.settle(to, &index);
            self.balances[to] += amount;
            self.supply += amount;
            self.reset_rate();
            Ok(())
        }

        pub fn transfer(&mut self, from: usize, to: usize, amount: i128) -> Result<(), Error> {
            Self::check_amount(amount)?;
            if from == to {
                return Err(err(ShareTokenError::SelfTransfer));
            }
            self.move_shares(from, to, amount)
        }

        fn move_shares(&mut self, from: usize, to: usize, amount: i128) -> Result<(), Error> {
            let index = self.index_at(self.now);
            self.settle(from, &index);
            if self.balances[from] < amount {
                return Err(err(ShareTokenError::InsufficientBalance));
            }
            self.settle(to, &index);
            self.advance_exact();
            self.balances[from] -= amount;
            self.balances[to] += amount;
            Ok(())
        }

        /// `approve` until `live_until` (a ledger sequence at or after the current one).
        pub fn approve(&mut self, from: usize, spender: usize, amount: i128, live_until: u32) {
            self.allowances
                .insert((from, spender), (amount, live_until));
        }

        fn spend_allowance(
            &mut self,
            from: usize,
            spender: usize,
            amount: i128,
        ) -> Result<(), Error> {
            if self.allowance(from, spender) < amount {
                return Err(err(ShareTokenError::InsufficientAllowance));
            }
            let entry = self.allowances.get_mut(&(from, spender)).expect("allowed");
            entry.0 -= amount;
            Ok(())
        }

        pub fn transfer_from(
            &mut self,
            spender: usize,
            from: usize,
            to: usize,
            amount: i128,
        ) -> Result<(), Error> {
            Self::check_amount(amount)?;
            if from == to {
                return Err(err(ShareTokenError::SelfTransfer));
            }
            self.spend_allowance(from, spender, amount)?;
            self.move_shares(from, to, amount)
        }

        pub fn burn(&mut self, from: usize, amount: i128) -> Result<(), Error> {
            Self::check_amount(amount)?;
            self.burn_shares(from, amount)
        }

        pub fn burn_from(
            &mut self,
            spender: usize,
            from: usize,
            amount: i128,
        ) -> Result<(), Error> {
            Self::check_amount(amount)?;
            self.spend_allowance(from, spender, amount)?;
            self.burn_shares(from, amount)
        }

        fn burn_shares(&mut self, from: usize, amount: i128) -> Result<(), Error> {
            self.checkpoint();
            let index = self.stream.index.clone();
            self.settle(from, &index);
            if self.balances[from] < amount {
                return Err(err(ShareTokenError::InsufficientBalance));
            }
            self.balances[from] -= amount;
            self.supply -= amount;
            self.reset_rate();
            Ok(())
        }

        // ---------------------------------------------------------------- rewards: the mirror

        fn elapsed(&self, now: u64) -> u64 {
            now.min(self.stream.end).saturating_sub(self.stream.updated)
        }

        fn index_at(&self, now: u64) -> BigInt {
            &self.stream.index + &self.stream.rate * BigInt::from(self.elapsed(now))
        }

        /// `Rewards::checkpoint` at the model's clock, plus the exact streams up to it.
        fn checkpoint(&mut self) {
            self.advance_exact();
            let now = self.now;
            let elapsed = self.elapsed(now);
            let scale = big(SCALE);
            if elapsed > 0 && self.stream.unstreamed.is_positive() {
                if self.supply > 0 {
                    let increase = &self.stream.rate * BigInt::from(elapsed);
                    let credited = ceil_div(&(&increase * big(self.supply)), &scale);
                    self.stream.index += &increase;
                    self.stream.unstreamed -= credited;
                    // The floored rate leaves under 2 index units a second per base unit; the
                    // credit, rounded up, is off by under one unit.
                    self.supply_checkpoints += 1;
                    self.restreamed_bound +=
                        1 + ceil_div(&(big(2) * big(self.supply) * elapsed), &scale);
                } else {
                    let span = BigInt::from(self.stream.end - self.stream.updated);
                    let streamed = floor_div(&(&self.stream.unstreamed * elapsed), &span);
                    self.stream.carried += &streamed;
                    self.stream.unstreamed -= streamed;
                    self.restreamed_bound += 1;
                }
            }
            self.stream.updated = self.stream.updated.max(now);
            self.reset_rate();
        }

        fn reset_rate(&mut self) {
            let seconds = self.stream.end.saturating_sub(self.stream.updated);
            self.stream.rate =
                if self.supply > 0 && self.stream.unstreamed.is_positive() && seconds > 0 {
                    let per_share =
                        floor_div(&(&self.stream.unstreamed * big(SCALE)), &big(self.supply));
                    floor_div(&per_share, &BigInt::from(seconds))
                } else {
                    BigInt::zero()
                };
        }

        /// `Holder::settle`: credits, exactly, what the balance earned since the last
        /// settlement, in index units. A holder with no stored position starts at `index`.
        fn settle(&mut self, holder: usize, index: &BigInt) {
            let balance = big(self.balances[holder]);
            let p = &mut self.positions[holder];
            if !p.stored {
                p.stored = true;
                p.index = index.clone();
                return;
            }
            let delta = index - &p.index;
            if balance.is_positive() {
                p.accrued_scaled += &balance * delta;
            }
            p.index = index.clone();
        }

        /// Whole units of an accrual: rounded down (in the flawed model, up).
        fn units(&self, scaled: &BigInt) -> BigInt {
            if self.config.flaw == Flaw::HoldersRoundUp {
                ceil_div(scaled, &big(SCALE))
            } else {
                floor_div(scaled, &big(SCALE))
            }
        }

        /// `Rewards::notify`: `amount` plus everything unstreamed or carried streams until
        /// `now + duration`, never past maturity; with no time left, credited at once.
        fn notify(&mut self, amount: i128, exact_amount: i128, duration: u64) {
            self.checkpoint();
            self.notify_exact(exact_amount, duration);
            let now = self.now;
            self.stream.unstreamed = &self.stream.unstreamed + &self.stream.carried + big(amount);
            self.stream.carried = BigInt::zero();
            self.stream.end = now
                .saturating_add(duration)
                .min(self.config.maturity)
                .max(now);
            if self.stream.end == now {
                self.credit_at_once();
            }
            self.reset_rate();
        }

        /// `Rewards::close_stream` at the model's clock (call [`Model::checkpoint`] first): the
        /// stream ends now, and what it still has to pay is credited at once to the current
        /// supply, or carried if there is none; the exact streams likewise.
        fn close_stream(&mut self) {
            self.close_exact();
            self.stream.end = self.stream.end.min(self.now);
            self.credit_at_once();
            self.reset_rate();
        }

        /// `Rewards::credit_at_once`: everything unstreamed goes to the index at once,
        /// `floor(unstreamed * 10^18 / supply)`, the credit taken off `unstreamed` rounded up;
        /// with no supply it is added to `carried`.
        fn credit_at_once(&mut self) {
            if !self.stream.unstreamed.is_positive() {
                return;
            }
            if self.supply <= 0 {
                let unstreamed = std::mem::take(&mut self.stream.unstreamed);
                self.stream.carried += unstreamed;
                return;
            }
            let scale = big(SCALE);
            let increase = floor_div(&(&self.stream.unstreamed * &scale), &big(self.supply));
            let credited = ceil_div(&(&increase * big(self.supply)), &scale);
            self.stream.index += increase;
            self.stream.unstreamed -= credited;
            // The credit, rounded up, is off by under one unit; the index's floor holds back
            // under `supply / 10^18` units.
            self.supply_checkpoints += 1;
            self.restreamed_bound += 1 + ceil_div(&big(self.supply), &scale);
        }

        /// What `holder` could claim now: its accrual settled at the current index, in whole
        /// units; nothing stored.
        pub fn claimable(&self, holder: usize) -> i128 {
            let mut copy = self.clone();
            let index = copy.index_at(copy.now);
            if copy.positions[holder].stored {
                copy.settle(holder, &index);
            }
            to_i128(&self.units(&copy.positions[holder].accrued_scaled))
        }

        /// The model as if the share token checkpointed now (a pure view, like the index
        /// readers use).
        pub fn checkpointed(&self) -> Model {
            let mut copy = self.clone();
            copy.checkpoint();
            copy
        }

        /// The reward not yet credited to any holder: `(unstreamed, carried)`.
        pub fn uncredited(&self) -> (i128, i128) {
            (
                to_i128(&self.stream.unstreamed),
                to_i128(&self.stream.carried),
            )
        }

        // ---------------------------------------------------------------- rewards: exact

        /// Streams the exact model up to the clock.
        fn advance_exact(&mut self) {
            let now = self.now.min(self.exact.end);
            let e = &mut self.exact;
            if now > e.updated && e.unstreamed.is_positive() {
                let streamed = &e.unstreamed
                    * BigRational::from_integer(BigInt::from(now - e.updated))
                    / BigRational::from_integer(BigInt::from(e.end - e.updated));
                if self.supply > 0 {
                    for (earned, balance) in e.earned.iter_mut().zip(&self.balances) {
                        *earned += &streamed * ratio(&big(*balance)) / ratio(&big(self.supply));
                    }
                } else {
                    e.carried += &streamed;
                }
                e.unstreamed -= streamed;
            }
            e.updated = e.updated.max(self.now);
        }

        fn notify_exact(&mut self, amount: i128, duration: u64) {
            self.advance_exact();
            let now = self.now;
            let e = &mut self.exact;
            e.unstreamed = &e.unstreamed + &e.carried + ratio(&big(amount));
            e.carried = BigRational::zero();
            e.end = now
                .saturating_add(duration)
                .min(self.config.maturity)
                .max(now);
            e.updated = now;
            if e.end == now {
                self.credit_exact_at_once();
            }
        }

        /// The exact side of [`Model::close_stream`]: the stream ends now, and its rest is
        /// earned at once by the holders of this moment, pro rata (carried with no supply).
        fn close_exact(&mut self) {
            self.advance_exact();
            self.exact.end = self.exact.end.min(self.now);
            self.credit_exact_at_once();
        }

        /// Everything the exact stream has left, earned at once by the current holders, or
        /// carried if there are none.
        fn credit_exact_at_once(&mut self) {
            let e = &mut self.exact;
            let total = std::mem::take(&mut e.unstreamed);
            if self.supply > 0 {
                for (earned, balance) in e.earned.iter_mut().zip(&self.balances) {
                    *earned += &total * ratio(&big(*balance)) / ratio(&big(self.supply));
                }
            } else {
                e.carried += total;
            }
        }

        /// Everything `holder` earned, exactly, up to now (claimed or not).
        pub fn entitlement(&self, holder: usize) -> BigRational {
            let mut copy = self.clone();
            copy.advance_exact();
            copy.exact.earned[holder].clone()
        }

        // ---------------------------------------------------------------- rounding bounds

        /// Checkpoints that credited a stream to a non-zero supply.
        pub fn supply_checkpoints(&self) -> u64 {
            self.supply_checkpoints
        }

        /// Upper bound on the units rounding ever held back from the exact streams, the
        /// running segment (not yet checkpointed) included.
        pub fn restreamed_bound(&self) -> BigInt {
            let elapsed = self.elapsed(self.now);
            let pending = if elapsed > 0 && self.supply > 0 {
                1 + ceil_div(&(big(2) * big(self.supply) * elapsed), &big(SCALE))
            } else {
                BigInt::zero()
            };
            &self.restreamed_bound + pending
        }

        // ---------------------------------------------------------------- payout-distributor

        pub fn payout(&self, epoch: u64) -> Option<Payout> {
            self.payouts.get(&epoch).copied()
        }

        pub fn arrears(&self) -> i128 {
            self.arrears
        }

        /// `(deposited, fees)`, as `distributor.totals()`.
        pub fn totals(&self) -> (i128, i128) {
            (self.deposited, self.fees)
        }

        pub fn claimed(&self, holder: usize) -> i128 {
            self.claimed[holder]
        }

        pub fn total_claimed(&self) -> i128 {
            self.claimed.iter().sum()
        }

        /// What the distributor must hold: deposits less fees less claims.
        pub fn distributor_balance(&self) -> i128 {
            self.deposited - self.fees - self.total_claimed()
        }

        pub fn record(&mut self, epoch: u64) -> Result<Payout, Error> {
            if let Some(payout) = self.payouts.get(&epoch) {
                return Ok(*payout);
            }
            let Some(report) = self.report(epoch) else {
                return Err(err(DistributorError::ReportNotEffective));
            };
            let start = self.config.genesis + epoch * self.config.epoch_seconds;
            if start >= self.config.maturity {
                return Err(err(DistributorError::EpochAfterMaturity));
            }
            let sold = self.supply.max(0) * self.config.hashrate_per_share / SHARE_UNIT;
            let owed = if report.reward <= 0 || report.hashrate <= 0 || sold <= 0 {
                0
            } else {
                to_i128(
                    &(big(report.reward) * big(sold.min(report.hashrate)) / big(report.hashrate)),
                )
            };
            let payout = Payout {
                owed,
                paid: 0,
                fee: 0,
            };
            self.arrears += owed;
            self.payouts.insert(epoch, payout);
            Ok(payout)
        }

        /// What `epoch` still owes (recording it first, as `deposit` does).
        pub fn outstanding(&self, epoch: u64) -> i128 {
            let mut copy = self.clone();
            copy.record(epoch).map_or(0, |p| p.owed - p.paid)
        }

        pub fn deposit(&mut self, epoch: u64, amount: i128) -> Result<(), Error> {
            if amount <= 0 {
                return Err(err(DistributorError::InvalidAmount));
            }
            let mut payout = self.record(epoch)?;
            if amount > payout.owed - payout.paid {
                return Err(err(DistributorError::Overpayment));
            }
            let fee = amount * i128::from(self.config.fee_bps) / BPS;
            payout.paid += amount;
            payout.fee += fee;
            self.payouts.insert(epoch, payout);
            self.arrears -= amount;
            self.deposited += amount;
            self.fees += fee;
            let streamed = amount - fee;
            if streamed > 0 {
                let exact = if self.config.flaw == Flaw::FeeToHolders {
                    amount
                } else {
                    streamed
                };
                self.notify(streamed, exact, self.config.epoch_seconds);
            }
            Ok(())
        }

        /// `claim`: pays `holder` the whole units it accrued; the fraction stays.
        pub fn claim(&mut self, holder: usize) -> Result<i128, Error> {
            if !self.positions[holder].stored {
                return Ok(0);
            }
            let index = self.index_at(self.now);
            self.settle(holder, &index);
            let units = self.units(&self.positions[holder].accrued_scaled);
            self.positions[holder].accrued_scaled -= &units * big(SCALE);
            let amount = to_i128(&units);
            self.claimed[holder] += amount;
            Ok(amount)
        }
    }
}
