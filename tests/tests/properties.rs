//! Property tests: random sequences of actions by many accounts — mints (to investors and to
//! the operator itself), transfers, transfer_from, burns and burn_from (zero, self, negative
//! and over-balance amounts included), reporters' rounds (complete, or closed by `finalize`
//! after their window), single and late submissions, disputes, records, deposits by the
//! operator and by a stranger (tiny to huge, before and after record, mid-stream, after
//! maturity), claims, fee withdrawals, pauses, the operator's top-up allowance, and time
//! passing (a second to several epochs, onto and across epoch boundaries and maturity) — run
//! on the compiled WASM of the three contracts (the fixture's [`Suite`]: 5 reporters, quorum
//! 3, a sustained-capacity window of 1 to 3 epochs), every invariant checked after every
//! action against an *independent* exact model of the intended economics (module [`model`]:
//! the rules, in integers and rationals, none of the contracts' code).
//!
//! `HASHSHARE_PROPTEST_CASES` sets the number of cases (CI default: [`DEFAULT_CASES`]);
//! `HASHSHARE_PROPTEST_STATS` prints, per case, how often each call succeeded or failed with
//! each error. A failing case shrinks to a short action sequence: actions are plain data whose
//! amounts, hashrates and epochs are resolved against the model when they run (a part of a
//! balance, of the room under the mint cap, of what an epoch is due, of the opening
//! hashrate), so a shrunk sequence keeps hitting the same boundaries.
//!
//! # Invariants and their bounds
//!
//! Notation: for holder `i` (5 investors and the operator), `E_i` is its exact entitlement in
//! the model (a rational: all the streams paid its shares so far) and `paid_i = claimed_i +
//! claimable_i` on the ledger. `ε` is the fixed-point bound [`Model::index_dust`]: `4 × 2
//! lanes × (checkpoints + 2) × (base units ever moved + the largest supply) / 10^18` reward
//! units, under a thousandth of a unit here. `δ` bounds how far each of the contract's lane
//! rests may be from the exact one: under 4 index units per base unit of supply per
//! checkpoint, `Σ 4 × supply / 10^18` units. `G` counts the units by which mints' top-ups on
//! the ledger differed from the rule's `Σ ceil(rest × amount / supply)` on the exact rests:
//! checked within `lanes × (1 + δ × amount / supply)` (a mint multiplies the rests' dust by
//! `amount / supply`, which is large only when a few base units hold a whole stream); in
//! practice `G` is almost always 0. `H = 6` holders.
//!
//! 0. The ledger equals the model, exactly: clock, balances, supply, allowances, both pause
//!    flags, effective reports, `latest`, `capacity`, every recorded `EpochPayout` (`owed,
//!    paid, topup, fee, supply_seconds, reported`), `next_epoch`, `arrears`, `due` of every
//!    recorded epoch, `totals()`, and every reward-asset balance (investors: what they
//!    claimed; the operator and the stranger: their funds less what they paid plus what they
//!    claimed; the fee recipient: fees withdrawn). Every refusal is the model's typed error
//!    and changes no ledger entry (TTLs included).
//! 1. Conservation, exactly: `deposited == fees_withdrawn + Σ claimed + distributor balance`.
//!    Solvency: `balance >= Σ claimable + (fees - fees_withdrawn)`. Dust, what the
//!    distributor holds beyond the fees due, the claimables, the model's lanes' rests and what
//!    streamed with no share (owed to no one), lies in `[-G - ε, H + G + ε)`.
//! 2. Pro-rata: `E_i - 1 - G - ε < paid_i <= E_i + G + ε`: short by less than a unit (the
//!    floor of the last claim), never above the exact share by more than the dust.
//! 3. No action that leaves the clock where it was — transfers, transfer_from, burns,
//!    burn_from, zero and self moves, mints, records, deposits, refusals of anything — changes
//!    any holder's `claimable`, exactly (a claim zeroes the claimer's). A mint changes no
//!    existing holder's entitlement in the model (exactly) nor its future stream (`b_i / S` of
//!    the lanes' rests: never lower, higher by under `b_i × lanes / S` units, the `ceil`s),
//!    and the ledger keeps matching the model (0, 2).
//! 4. A claim pays exactly the `claimable` of just before; a second claim in the same instant
//!    pays 0; claiming often or once pays the same ([`claiming_often_or_once_pays_the_same`]:
//!    twins on the ledger, to the unit).
//! 5. `total_supply == Σ balances`; after every mint `total_supply × hps <= capacity × 10^7`
//!    with the sustained capacity; a mint beyond it is refused with `CapacityExceeded`.
//! 6. Oracle: only listed reporters, one submission each, epochs only once ended, finalized
//!    epochs immutable, early `finalize` refused (typed refusals); reports invisible until
//!    effective (checked right after finalizing too), records refused on non-effective ones;
//!    `capacity` the sustained minimum: 0 when stale, short of the window or gapped.
//! 7. No dilution: a deposit gives every share existing then at least what an average share of
//!    its epoch is owed, `used × supply_seconds >= debt × S_now × epoch_seconds`, and no mint
//!    lowers a lane's per-share rest (3). No claw-back: shares joining a payout pay for what
//!    they take of it. A mint's top-up is at least the new shares' exact part of the running
//!    streams (`net >= Σ rest × amount / supply - lanes × δ × amount / supply`, within the
//!    bound above of the rule, grossed up exactly by the fee); at a deposit each of the
//!    `N - K` shares held beyond the epoch's closing supply (`K = min(S_end, N)`, `N` the
//!    supply now) pays at least an average share's part of the debt it pays, `topup ×
//!    supply_seconds >= debt × (N - K) × epoch_seconds`. So the shares minted since an epoch —
//!    the operator's own included — take from its payout no more than they paid, besides
//!    their part of what a holder who burned before the payout forfeited
//!    ([`burned_shares_forfeit_their_part_to_the_shares_then_held`]). Payable at parity: while
//!    a share is held, `due` succeeds and costs at most `outstanding × max(N, S_avg + N - K) /
//!    S_avg`, and at least the outstanding debt: no mint or burn, before or after the epoch's
//!    end, makes a debt unpayable or dearer than that. No snipe: over a
//!    step that moves the clock, `Δpaid_i <= ΔE_i + 1 + G + 2ε`, its balance-seconds share of
//!    what streamed, at maturity and after it too; and nothing credits anything at once (3).
//! 8. Exact debt: each recorded epoch's `owed` is `floor(reward × min(sold, hashrate) /
//!    hashrate)`, `sold` the model's time-weighted hashrate over the epoch (compared whole,
//!    with the payout, after every step).
//! 9. Griefing-proof deposits: a deposit takes exactly `min(amount, due)` from its payer (the
//!    rest stays with it); every live lane keeps its end and none of its rest, so no holder's
//!    projected accrual at any later moment falls below what it would be without the deposit
//!    (checked at every lane's end), and the ledger keeps matching the model (0, 2).
//!
//! The checker is known to bite: see the `checker_bites_*` tests. A contract bug these
//! properties found is pinned by
//! [`regression_minting_and_burning_after_an_epoch_leaves_its_debt_payable`], and by the
//! cases kept in `properties.proptest-regressions`.
use std::fmt;

use hashshare_interfaces::{Books as LedgerBooks, EpochPayout, EpochReport, SHARE_UNIT};
use hashshare_tests::findings::{Findings, Violation};
use hashshare_tests::fixture::{advance, Suite, TryResult, TH_PER_SHARE};
use model::{Books, Flaw, Lane, Model, Payer, Payout, Report, Q};
use num_traits::Zero;
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
const INVESTORS: usize = 5;
/// Accounts that may hold shares: the investors, then the operator.
const HOLDERS: usize = INVESTORS + 1;
/// The operator's index among the holders.
const OPERATOR: usize = INVESTORS;
/// The operator's and the stranger's reward-asset funds: more than any case can spend.
const FUNDS: i128 = 1_000_000_000_000_000_000_000_000_000_000;
/// A huge amount: beyond any balance, room or due, within every payer's funds.
const HUGE: i128 = 1_000_000_000_000_000_000_000_000_000;
/// How long an approval of shares lives, in ledgers (about 28 hours: some expire in a case).
const ALLOWANCE_LEDGERS: u32 = 20_000;
/// Cases per property test in CI.
const DEFAULT_CASES: u32 = 24;
/// The longest random action sequence (after the opening attestations).
const MAX_ACTIONS: usize = 48;

/// Cases to run: `HASHSHARE_PROPTEST_CASES`, else [`DEFAULT_CASES`].
fn cases() -> u32 {
    hashshare_tests::findings::cases(DEFAULT_CASES)
}

// ==================================================================== actions

/// An amount, resolved when the action runs against a reference the action names (a balance,
/// the room under the mint cap, what an epoch is due), so that boundaries are hit and
/// shrinking keeps them.
#[derive(Clone, Copy, Debug)]
enum Amount {
    Units(i128),
    PerMille(i128),
    All,
    AllPlus(i128),
    Minus(i128),
    Huge,
}

impl Amount {
    fn of(self, reference: i128) -> i128 {
        let reference = reference.max(0);
        match self {
            Amount::Units(n) => n,
            Amount::PerMille(p) => reference * p / 1_000,
            Amount::All => reference,
            Amount::AllPlus(k) => reference + k,
            Amount::Minus(k) => -k,
            Amount::Huge => HUGE,
        }
    }
}

/// The approval a spender gets just before it spends.
#[derive(Clone, Copy, Debug)]
enum Approval {
    Exact,
    Short,
    Plenty,
    /// No new approval: whatever is left of an earlier one (possibly expired).
    Keep,
}

/// A hashrate, resolved when the action runs: a part of the scenario's opening hashrate (so
/// that capacity stays within reach of the supply), or a fixed one.
#[derive(Clone, Copy, Debug)]
enum Rate {
    PerMille(i128),
    Units(i128),
}

impl Rate {
    fn of(self, base: i128) -> i128 {
        match self {
            Rate::PerMille(p) => base / 1_000 * p,
            Rate::Units(n) => n,
        }
    }
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

/// How an attestation's round of submissions closes.
#[derive(Clone, Copy, Debug)]
enum Round {
    /// Every reporter submits: the last submission finalizes.
    Complete,
    /// A quorum submits; once the round has been open for its window, `finalize` closes it
    /// (tried too early first).
    Quorum,
}

/// Which epoch a record or deposit targets.
#[derive(Clone, Copy, Debug)]
enum Target {
    /// `next_epoch()`: the one a record closes next.
    Next,
    /// The `k`-th (cyclically, from the latest) ended epoch a deposit can pay once it and
    /// every earlier epoch are recorded, or if none the latest ended epoch; every earlier
    /// epoch recorded first.
    Owing(usize),
    /// `current_epoch - k`.
    Back(u64),
    /// `current_epoch - k`, every earlier epoch recorded first (as an operator would).
    Through(u64),
}

/// Holders are `0..HOLDERS` (the last one the operator); reporters `0..5` are the pool's, `5`
/// an unlisted account; `back` selects the epoch `current_epoch - back`.
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
    /// Lets the current epoch run out and has its reporters attest it (each the same values,
    /// or `varied` ones around them), closing the round as `round` says, then `after`.
    Attest {
        hashrate: Rate,
        reward: i128,
        varied: bool,
        round: Round,
        after: AfterAttest,
    },
    /// Every reporter attests the ended epoch `current_epoch - back` late (its round completes)
    /// and the dispute window passes.
    AttestLate {
        back: u64,
        hashrate: Rate,
        reward: i128,
    },
    /// One reporter's submission.
    Submit {
        reporter: usize,
        back: u64,
        hashrate: Rate,
        reward: i128,
    },
    /// The oracle admin disputes an epoch.
    Dispute {
        back: u64,
    },
    /// Anyone closes an epoch's round.
    Finalize {
        back: u64,
    },
    Record {
        target: Target,
    },
    /// A payment towards an epoch, relative to what it is due (recorded first if need be).
    Deposit {
        payer: Payer,
        target: Target,
        amount: Amount,
    },
    Claim {
        holder: usize,
        twice: bool,
    },
    WithdrawFees,
    /// The admin pauses or unpauses the share token or the distributor.
    Pause {
        distributor: bool,
        paused: bool,
    },
    /// The operator gives (or takes back) the distributor's allowance for mint top-ups.
    TopUps {
        approved: bool,
    },
    Wait {
        seconds: u64,
    },
    /// To `plus` seconds after the next epoch boundary.
    Boundary {
        plus: u64,
    },
}

/// One offering and what happens to it.
#[derive(Clone, Debug)]
struct Scenario {
    /// Seconds from now to the share token's maturity.
    term: u64,
    /// The opening attestations' hashrate, which the actions' hashrates are relative to.
    hashrate: i128,
    fee_bps: u32,
    /// The pool's sustained-capacity window (`capacity_epochs`).
    window: u32,
    actions: Vec<Action>,
}

fn holder() -> impl Strategy<Value = usize> {
    0..HOLDERS
}

fn amount() -> impl Strategy<Value = Amount> {
    prop_oneof![
        2 => (0i128..=2).prop_map(Amount::Units),
        3 => (1i128..=1_000_000_000).prop_map(Amount::Units),
        5 => (0i128..=1_000).prop_map(Amount::PerMille),
        3 => Just(Amount::All),
        1 => (1i128..=3).prop_map(Amount::AllPlus),
        1 => (1i128..=2).prop_map(Amount::Minus),
        1 => Just(Amount::Huge),
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

/// Mostly 80% to 150% of the opening hashrate; sometimes none, or 1 TH/s to 100,000 TH/s (the
/// fixture's shares are 1 TH/s each).
fn hashrate() -> impl Strategy<Value = Rate> {
    prop_oneof![
        1 => Just(Rate::Units(0)),
        1 => (TH_PER_SHARE..=100_000 * TH_PER_SHARE).prop_map(Rate::Units),
        16 => (800i128..=1_500).prop_map(Rate::PerMille),
    ]
}

fn reward() -> impl Strategy<Value = i128> {
    prop_oneof![
        1 => Just(0i128),
        2 => 1i128..=1_000,
        8 => 1i128..=10_000_000_000,
    ]
}

fn back() -> impl Strategy<Value = u64> {
    prop_oneof![1 => Just(0u64), 4 => Just(1u64), 2 => 2u64..=4]
}

fn target() -> impl Strategy<Value = Target> {
    prop_oneof![
        2 => Just(Target::Next),
        6 => (0usize..4).prop_map(Target::Owing),
        1 => back().prop_map(Target::Back),
        2 => back().prop_map(Target::Through),
    ]
}

fn payer() -> impl Strategy<Value = Payer> {
    prop_oneof![3 => Just(Payer::Operator), 2 => Just(Payer::Stranger)]
}

fn action() -> impl Strategy<Value = Action> {
    prop_oneof![
        8 => (holder(), amount()).prop_map(|(to, amount)| Action::Mint { to, amount }),
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
        2 => (holder(), amount()).prop_map(|(from, amount)| Action::Burn { from, amount }),
        1 => (holder(), holder(), amount(), approval()).prop_map(
            |(spender, from, amount, approval)| Action::BurnFrom {
                spender,
                from,
                amount,
                approval,
            }
        ),
        7 => (
            hashrate(),
            reward(),
            any::<bool>(),
            prop_oneof![3 => Just(Round::Complete), 1 => Just(Round::Quorum)],
            prop_oneof![
                8 => Just(AfterAttest::Settle),
                1 => Just(AfterAttest::Open),
                1 => Just(AfterAttest::Dispute),
            ]
        )
            .prop_map(|(hashrate, reward, varied, round, after)| Action::Attest {
                hashrate,
                reward,
                varied,
                round,
                after,
            }),
        3 => (back(), hashrate(), reward()).prop_map(|(back, hashrate, reward)| {
            Action::AttestLate {
                back,
                hashrate,
                reward,
            }
        }),
        2 => (0usize..=5, back(), hashrate(), reward()).prop_map(
            |(reporter, back, hashrate, reward)| Action::Submit {
                reporter,
                back,
                hashrate,
                reward,
            }
        ),
        1 => back().prop_map(|back| Action::Dispute { back }),
        1 => back().prop_map(|back| Action::Finalize { back }),
        2 => target().prop_map(|target| Action::Record { target }),
        8 => (payer(), target(), amount())
            .prop_map(|(payer, target, amount)| Action::Deposit { payer, target, amount }),
        4 => (holder(), prop::bool::weighted(0.3))
            .prop_map(|(holder, twice)| Action::Claim { holder, twice }),
        1 => Just(Action::WithdrawFees),
        1 => (any::<bool>(), prop::bool::weighted(0.3))
            .prop_map(|(distributor, paused)| Action::Pause { distributor, paused }),
        1 => prop::bool::weighted(0.7).prop_map(|approved| Action::TopUps { approved }),
        3 => prop_oneof![
            3 => 1u64..=600,
            3 => 600u64..=4 * HOUR,
            2 => 4 * HOUR..=DAY,
            1 => DAY..=3 * DAY,
        ]
        .prop_map(|seconds| Action::Wait { seconds }),
        1 => prop_oneof![Just(0u64), Just(1), 2..=HOUR].prop_map(|plus| Action::Boundary { plus }),
    ]
}

/// A sustained-capacity window of 1 to 3 epochs (mostly 2 or 3), opened by that many
/// effective attestations and a first mint; a term running 2 to 9 days past them, often
/// ending mid-epoch; any fee up to the 20% cap; up to `max_actions` random actions.
fn scenario(max_actions: usize) -> impl Strategy<Value = Scenario> {
    // The actions first: proptest shrinks a tuple in order, and dropping actions is what makes
    // a failure readable.
    (
        prop::collection::vec(action(), 1..=max_actions),
        prop_oneof![1 => Just(1u32), 3 => Just(2u32), 2 => Just(3u32)],
        (2u64..=9, prop_oneof![Just(0u64), 1..DAY]),
        prop_oneof![1 => Just(0u32), 3 => 0u32..=2_000],
        (1_000 * TH_PER_SHARE..=100_000 * TH_PER_SHARE, reward()),
        (holder(), (0i128..=1_000).prop_map(Amount::PerMille)),
    )
        .prop_map(
            |(actions, window, (days, offset), fee_bps, (hashrate, reward), (to, amount))| {
                let opening = Action::Attest {
                    hashrate: Rate::PerMille(1_000),
                    reward,
                    varied: false,
                    round: Round::Complete,
                    after: AfterAttest::Settle,
                };
                let mut all = vec![opening; window as usize];
                all.push(Action::Mint { to, amount });
                all.extend(actions);
                Scenario {
                    term: (u64::from(window) + days) * DAY + offset,
                    hashrate,
                    fee_bps,
                    window,
                    actions: all,
                }
            },
        )
}

// ==================================================================== the checker

/// Everything the checker found wrong after one step, with the step.
#[derive(Clone, Debug)]
struct Failure {
    step: usize,
    action: Option<Action>,
    violations: Vec<Violation>,
}

impl Failure {
    fn broke(&self, invariant: &str) -> bool {
        self.violations
            .iter()
            .any(|v| v.invariant.starts_with(invariant))
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

thread_local! {
    /// How often each call succeeded or failed with each error, when
    /// `HASHSHARE_PROPTEST_STATS` is set (to see what the random sequences exercise).
    static TALLY: std::cell::RefCell<std::collections::BTreeMap<String, u64>> =
        Default::default();
}

fn tally<T>(what: &str, result: &Result<T, Error>) {
    if std::env::var_os("HASHSHARE_PROPTEST_STATS").is_none() {
        return;
    }
    let key = match result {
        Ok(_) => format!("{what}: ok"),
        Err(e) => format!("{what}: {e:?}"),
    };
    TALLY.with(|t| *t.borrow_mut().entry(key).or_default() += 1);
}

/// Prints the tally of one case and clears it.
fn print_tally() {
    TALLY.with(|t| {
        for (key, n) in std::mem::take(&mut *t.borrow_mut()) {
            println!("tally {n:>6}  {key}");
        }
    });
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
        topup: p.topup,
        fee: p.fee,
        supply_seconds: p.supply_seconds,
        reported: p.reported,
    }
}

fn books_of(b: Books) -> LedgerBooks {
    LedgerBooks {
        deposited: b.deposited,
        topups: b.topups,
        fees: b.fees,
        fees_withdrawn: b.fees_withdrawn,
    }
}

/// The suite on the compiled WASM, with its accounts.
struct World {
    suite: Suite,
    investors: Vec<Address>,
    stranger: Address,
    unlisted_reporter: Address,
}

impl World {
    fn new(scenario: &Scenario) -> World {
        let window = scenario.window;
        let suite = Suite::configured(scenario.term, scenario.fee_bps, FUNDS, TH_PER_SHARE, |c| {
            c.capacity_epochs = window
        });
        let investors = (0..INVESTORS)
            .map(|_| Address::generate(&suite.env))
            .collect();
        let stranger = Address::generate(&suite.env);
        suite.reward_issuer.mint(&stranger, &FUNDS);
        let unlisted_reporter = Address::generate(&suite.env);
        World {
            suite,
            investors,
            stranger,
            unlisted_reporter,
        }
    }

    fn model(&self, scenario: &Scenario, flaw: Flaw) -> Model {
        let s = &self.suite;
        let c = &s.pool_config;
        Model::new(model::Config {
            genesis: c.genesis,
            start_sequence: s.env.ledger().sequence(),
            epoch_seconds: c.epoch_seconds,
            dispute_seconds: c.dispute_seconds,
            max_age_epochs: c.max_age_epochs,
            reporters: c.reporters.len() as usize,
            quorum: c.quorum as usize,
            window: c.capacity_epochs,
            maturity: s.token.maturity(),
            hashrate_per_share: s.token.hashrate_per_share(),
            fee_bps: scenario.fee_bps,
            holders: HOLDERS,
            funds: FUNDS,
            flaw,
        })
    }

    /// Holder `i`'s account: an investor, or the operator.
    fn holder(&self, i: usize) -> Address {
        if i == OPERATOR {
            self.suite.operator.clone()
        } else {
            self.investors[i].clone()
        }
    }

    fn payer(&self, payer: Payer) -> Address {
        match payer {
            Payer::Operator => self.suite.operator.clone(),
            Payer::Stranger => self.stranger.clone(),
        }
    }

    fn reporter(&self, i: usize) -> Address {
        self.suite
            .pool_config
            .reporters
            .get(i as u32)
            .unwrap_or_else(|| self.unlisted_reporter.clone())
    }

    fn claimables(&self) -> Vec<i128> {
        (0..HOLDERS)
            .map(|i| self.suite.distributor.claimable(&self.holder(i)))
            .collect()
    }

    fn books(&self) -> LedgerBooks {
        self.suite.distributor.totals()
    }

    /// `epoch`'s payout on the ledger, zero if unrecorded.
    fn payout(&self, epoch: u64) -> EpochPayout {
        self.suite
            .distributor
            .epoch(&epoch)
            .unwrap_or_else(|| payout_of(Payout::default()))
    }
}

/// One case in progress: the world, the model, and what the last check saw.
struct Run {
    world: World,
    model: Model,
    /// The scenario's opening hashrate.
    base: i128,
    /// Every holder's `claimable` as of the last check.
    claimables: Vec<i128>,
    /// Every holder's `claimed + claimable` as of the last check.
    paid: Vec<i128>,
    /// Every holder's exact entitlement as of the last check.
    entitled: Vec<Q>,
}

fn q(x: i128) -> Q {
    model::q(x)
}

impl Run {
    fn new(scenario: &Scenario, flaw: Flaw) -> Run {
        let world = World::new(scenario);
        let model = world.model(scenario, flaw);
        Run {
            base: scenario.hashrate,
            claimables: vec![0; HOLDERS],
            paid: vec![0; HOLDERS],
            entitled: vec![Q::zero(); HOLDERS],
            world,
            model,
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
        tally(what, &actual);
        if let Some(before) = before {
            let after = self.world.suite.env.to_ledger_snapshot().ledger_entries;
            f.require(before == after, "0 refusal changes nothing", || {
                format!("{what}: a refused call changed the ledger")
            });
        }
        match (actual, expected) {
            (Ok(actual), Ok(expected)) => Some((actual, expected)),
            (Err(a), Err(e)) => {
                f.equal("0 typed refusal", what, a, e);
                None
            }
            (actual, expected) => {
                f.require(false, "0 typed refusal", || {
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
                    &w.holder(from),
                    &w.holder(spender),
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
            Approval::Plenty => self.approve(f, from, spender, amount.max(0) + 1_000_000_000_000),
            Approval::Keep => {}
        }
    }

    /// The `k`-th (cyclically) holder with shares, or holder `k` if none has any: moves and
    /// burns mostly act on real balances.
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

    fn target(&self, target: Target) -> u64 {
        let m = &self.model;
        match target {
            Target::Next => m.next_epoch(),
            Target::Owing(k) => {
                let owing: Vec<u64> = (0..m.current_epoch())
                    .filter(|e| m.due_through(*e) > 0)
                    .collect();
                if owing.is_empty() {
                    m.current_epoch().saturating_sub(1)
                } else {
                    owing[owing.len() - 1 - k % owing.len()]
                }
            }
            Target::Back(k) | Target::Through(k) => m.current_epoch().saturating_sub(k),
        }
    }

    /// Records every epoch before `target`'s, in order, if it asks for it.
    fn record_before(&mut self, f: &mut Findings, target: Target, epoch: u64) {
        if !matches!(target, Target::Through(_) | Target::Owing(_)) {
            return;
        }
        for earlier in self.model.next_epoch()..epoch {
            let recorded = self.agree(
                f,
                "record",
                |m| m.record(earlier),
                |w| outcome(w.suite.distributor.try_record(&earlier)),
            );
            if recorded.is_none() {
                break;
            }
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

    fn finalize(&mut self, f: &mut Findings, epoch: u64) {
        self.agree(
            f,
            "finalize",
            |m| m.finalize(epoch),
            |w| outcome(w.suite.oracle.try_finalize(&w.suite.pool, &epoch)),
        );
    }

    fn dispute(&mut self, f: &mut Findings, epoch: u64) {
        self.agree(
            f,
            "dispute",
            |m| m.dispute(epoch),
            |w| outcome(w.suite.oracle.try_dispute(&w.suite.pool, &epoch)),
        );
    }

    /// Runs one action and checks every invariant afterwards.
    fn step(&mut self, action: &Action) -> Vec<Violation> {
        let mut f = Findings::default();
        let started = self.model.now();
        let mut claimer = None;
        match *action {
            Action::Mint { to, amount } => {
                let amount = amount.of(self.model.max_supply() - self.model.supply());
                self.mint(&mut f, to, amount);
            }
            Action::Transfer { from, to, amount } => {
                let from = self.holding(from);
                let amount = amount.of(self.model.balance(from));
                self.agree(
                    &mut f,
                    "transfer",
                    |m| m.transfer(from, to, amount),
                    |w| {
                        outcome(
                            w.suite
                                .sep41
                                .try_transfer(&w.holder(from), w.holder(to), &amount),
                        )
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
                let from = self.holding(from);
                let amount = amount.of(self.model.balance(from));
                self.approval(&mut f, from, spender, amount, approval);
                self.agree(
                    &mut f,
                    "transfer_from",
                    |m| m.transfer_from(spender, from, to, amount),
                    |w| {
                        outcome(w.suite.sep41.try_transfer_from(
                            &w.holder(spender),
                            &w.holder(from),
                            &w.holder(to),
                            &amount,
                        ))
                    },
                );
            }
            Action::Burn { from, amount } => {
                let from = self.holding(from);
                let amount = amount.of(self.model.balance(from));
                self.agree(
                    &mut f,
                    "burn",
                    |m| m.burn(from, amount),
                    |w| outcome(w.suite.sep41.try_burn(&w.holder(from), &amount)),
                );
            }
            Action::BurnFrom {
                spender,
                from,
                amount,
                approval,
            } => {
                let from = self.holding(from);
                let amount = amount.of(self.model.balance(from));
                self.approval(&mut f, from, spender, amount, approval);
                self.agree(
                    &mut f,
                    "burn_from",
                    |m| m.burn_from(spender, from, amount),
                    |w| {
                        outcome(w.suite.sep41.try_burn_from(
                            &w.holder(spender),
                            &w.holder(from),
                            &amount,
                        ))
                    },
                );
            }
            Action::Attest {
                hashrate,
                reward,
                varied,
                round,
                after,
            } => {
                let epoch = self.model.current_epoch();
                let hashrate = hashrate.of(self.base);
                self.wait(self.model.epoch_end(epoch) - self.model.now());
                let c = &self.model.config;
                let reporters = match round {
                    Round::Complete => c.reporters,
                    Round::Quorum => c.quorum,
                };
                for reporter in 0..reporters {
                    let (hashrate, reward) = if varied {
                        let i = reporter as i128;
                        (hashrate / 10 * (8 + i), reward / 10 * (12 - i))
                    } else {
                        (hashrate, reward)
                    };
                    self.submit(&mut f, reporter, epoch, hashrate, reward);
                }
                if let Round::Quorum = round {
                    self.finalize(&mut f, epoch); // too early: SubmissionsOpen
                    self.wait(self.model.config.dispute_seconds);
                    self.finalize(&mut f, epoch);
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
                    AfterAttest::Dispute => self.dispute(&mut f, epoch),
                }
            }
            Action::AttestLate {
                back,
                hashrate,
                reward,
            } => {
                let epoch = self.model.current_epoch().saturating_sub(back);
                let hashrate = hashrate.of(self.base);
                for reporter in 0..self.model.config.reporters {
                    self.submit(&mut f, reporter, epoch, hashrate, reward);
                }
                self.wait(self.model.config.dispute_seconds);
            }
            Action::Submit {
                reporter,
                back,
                hashrate,
                reward,
            } => {
                let epoch = self.model.current_epoch().saturating_sub(back);
                self.submit(&mut f, reporter, epoch, hashrate.of(self.base), reward);
            }
            Action::Dispute { back } => {
                let epoch = self.model.current_epoch().saturating_sub(back);
                self.dispute(&mut f, epoch);
            }
            Action::Finalize { back } => {
                let epoch = self.model.current_epoch().saturating_sub(back);
                self.finalize(&mut f, epoch);
            }
            Action::Record { target } => {
                let epoch = self.target(target);
                self.record_before(&mut f, target, epoch);
                if let Some((ledger, model)) = self.agree(
                    &mut f,
                    "record",
                    |m| m.record(epoch),
                    |w| outcome(w.suite.distributor.try_record(&epoch)),
                ) {
                    f.equal("8 exact debt", "recorded payout", ledger, payout_of(model));
                }
            }
            Action::Deposit {
                payer,
                target,
                amount,
            } => {
                let epoch = self.target(target);
                self.record_before(&mut f, target, epoch);
                let amount = amount.of(self.model.due_after_record(epoch));
                self.deposit(&mut f, payer, epoch, amount);
            }
            Action::Claim { holder, twice } => {
                if self.claim(&mut f, holder, "claim", self.claimables[holder]) {
                    claimer = Some(holder);
                }
                if twice {
                    self.claim(&mut f, holder, "second claim", 0);
                }
            }
            Action::WithdrawFees => {
                if let Some((ledger, model)) = self.agree(
                    &mut f,
                    "withdraw_fees",
                    |m| m.withdraw_fees(),
                    |w| outcome(w.suite.distributor.try_withdraw_fees()),
                ) {
                    f.equal("0 ledger = model", "fees withdrawn", ledger, model);
                }
            }
            Action::Pause {
                distributor,
                paused,
            } => {
                self.agree(
                    &mut f,
                    "pause",
                    |m| {
                        if distributor {
                            m.set_distributor_paused(paused);
                        } else {
                            m.set_token_paused(paused);
                        }
                        Ok(())
                    },
                    |w| {
                        let s = &w.suite;
                        outcome(match (distributor, paused) {
                            (true, true) => s.distributor.try_pause(),
                            (true, false) => s.distributor.try_unpause(),
                            (false, true) => s.token.try_pause(),
                            (false, false) => s.token.try_unpause(),
                        })
                    },
                );
            }
            Action::TopUps { approved } => {
                self.model.set_topups_approved(approved);
                let s = &self.world.suite;
                if approved {
                    s.approve_topups(&s.operator);
                } else {
                    let ledger = s.env.ledger().sequence();
                    s.reward
                        .approve(&s.operator, &s.distributor.address, &0, &ledger);
                }
            }
            Action::Wait { seconds } => self.wait(seconds),
            Action::Boundary { plus } => {
                let next = self.model.epoch_end(self.model.current_epoch());
                self.wait(next + plus - self.model.now());
            }
        }
        let claimables = self.check(&mut f);
        let paid: Vec<i128> = (0..HOLDERS)
            .map(|i| self.model.claimed(i) + claimables[i])
            .collect();
        let entitled: Vec<Q> = (0..HOLDERS).map(|i| self.model.entitlement(i)).collect();
        if self.model.now() == started {
            // 3: nothing moved the clock, so nothing may have streamed or been credited.
            let mut expected = self.claimables.clone();
            if let Some(holder) = claimer {
                expected[holder] = 0; // paid out, the fraction of a unit staying
            }
            f.require(claimables == expected, "3 nothing credits at once", || {
                format!(
                    "claimable before {:?}, after {claimables:?}",
                    self.claimables
                )
            });
        } else {
            // 7: no snipe — a holder gains its balance-seconds share of what streamed.
            let slack = q(1 + self.model.gift()) + self.model.index_dust() * q(2);
            for i in 0..HOLDERS {
                let gained = q(paid[i] - self.paid[i]);
                let share = &entitled[i] - &self.entitled[i];
                f.require(gained <= &share + &slack, "7 no snipe", || {
                    format!("holder {i} gained {gained} over a step that streamed it {share}")
                });
            }
        }
        self.claimables = claimables;
        self.paid = paid;
        self.entitled = entitled;
        f.0
    }

    fn mint(&mut self, f: &mut Findings, to: usize, amount: i128) {
        let before_books = self.world.books();
        let before: Vec<(i128, Q, Q)> = (0..HOLDERS)
            .map(|i| {
                let m = &self.model;
                (m.balance(i), m.entitlement(i), m.future(i))
            })
            .collect();
        let lanes_before = self.model.lanes();
        let supply_before = self.model.supply();
        let Some(((), plan)) = self.agree(
            f,
            "mint",
            |m| m.mint(to, amount),
            |w| outcome(w.suite.token.try_mint(&w.holder(to), &amount)),
        ) else {
            return;
        };
        // 7: what the minter paid, against the rule and against the exact value of the streams.
        let after_books = self.world.books();
        let gross = after_books.deposited - before_books.deposited;
        let fee = after_books.fees - before_books.fees;
        let net = gross - fee;
        let surplus = net - plan.topup;
        let slack = plan.slack;
        f.require(
            (-slack..=slack).contains(&surplus) && gross == self.model.grossed_up(net),
            "7 mint top-up",
            || {
                format!(
                    "a mint of {amount} paid {gross} ({fee} of it fee); the rule says {} over \
                     {} live lanes (± {slack}), grossed up by the fee",
                    plan.topup, plan.live
                )
            },
        );
        let floor = &plan.value - &plan.drift;
        f.require(q(net) >= floor, "7 no claw-back (mint)", || {
            format!(
                "a mint of {amount} paid {net} into the streams for {} of them",
                plan.value
            )
        });
        self.model.book_mint_topup(gross, fee, surplus);
        // 5: the cap, on the ledger.
        let s = &self.world.suite;
        let (supply, capacity) = (s.token.total_supply(), s.oracle.capacity(&s.pool));
        let hps = s.token.hashrate_per_share();
        f.require(supply * hps <= capacity * SHARE_UNIT, "5 mint cap", || {
            format!("supply {supply} × {hps} > {capacity} × 10^7")
        });
        // 3: the mint changes no existing holder's entitlement nor its future stream.
        let supply_after = self.model.supply();
        for (i, (balance, earned, future)) in before.iter().enumerate() {
            if *balance <= 0 || (i == to && supply_before == 0) {
                continue;
            }
            let m = &self.model;
            let now = m.entitlement(i);
            f.require(&now == earned, "3 a mint changes no accrual", || {
                format!("holder {i}'s entitlement: {earned} before the mint, {now} after")
            });
            // The minted shares' own future aside.
            let after = if i == to {
                m.future(i) * q(*balance) / q(balance + amount)
            } else {
                m.future(i)
            };
            let ceiling = future + q(balance * lanes_before.len() as i128) / q(supply_after);
            f.require(
                &after >= future && after <= ceiling,
                "3 a mint changes no future stream",
                || format!("holder {i}'s future stream: {future} before the mint, {after} after"),
            );
        }
    }

    fn deposit(&mut self, f: &mut Findings, payer: Payer, epoch: u64, amount: i128) {
        let m = &self.model;
        let due = m.due_after_record(epoch);
        let supply = m.supply();
        // The shares beyond the epoch's closing supply, which must pay their part on top.
        let newer = supply - m.supply_at_end(epoch).clamp(0, supply);
        let lanes_before = m.lanes();
        let horizons: Vec<u64> = lanes_before
            .iter()
            .map(|l| l.end)
            .chain([m.now() + 1])
            .collect();
        let projected: Vec<Vec<Q>> = (0..HOLDERS)
            .map(|i| horizons.iter().map(|t| m.projection(i, *t)).collect())
            .collect();
        let account = self.world.payer(payer);
        let cash_before = self.world.suite.reward.balance(&account);
        let before = self.world.payout(epoch);
        if self
            .agree(
                f,
                "deposit",
                |m| m.deposit(payer, epoch, amount),
                |w| outcome(w.suite.distributor.try_deposit(&account, &epoch, &amount)),
            )
            .is_none()
        {
            return;
        }
        let after = self.world.payout(epoch);
        let (debt, topup) = (after.paid - before.paid, after.topup - before.topup);
        let used = debt + topup;
        let taken = cash_before - self.world.suite.reward.balance(&account);
        // 9: exactly what is due, the rest staying with the payer.
        f.require(
            taken == used && used == amount.min(due),
            "9 a deposit takes min(amount, due)",
            || format!("offered {amount}, due {due}: took {taken}, used {used}"),
        );
        // 7: every share existing now gets at least what an average share of the epoch is owed.
        let ss = after.supply_seconds;
        let length = i128::from(self.model.config.epoch_seconds);
        f.require(
            q(used) * q(ss) >= q(debt) * q(supply) * q(length),
            "7 no dilution (deposit)",
            || format!("{used} for {debt} of debt: less than {debt} × {supply} × {length} / {ss}"),
        );
        // 7: each share held beyond the epoch's closing supply paid at least what an average
        // share of the epoch is owed, `topup × supply_seconds >= debt × newer × epoch_seconds`:
        // the shares minted since take from the payout no more than they paid, besides their
        // part of what burned shares forfeited.
        f.require(
            q(topup) * q(ss) >= q(debt) * q(newer) * q(length),
            "7 no claw-back (deposit)",
            || {
                format!(
                    "epoch {epoch}: a top-up of {topup} for {newer} newer shares, less than an \
                     average share's part of {debt} each ({})",
                    q(debt) * q(newer) * q(length) / q(ss)
                )
            },
        );
        // 9: no lane loses its end or any of its rest; no holder's projection falls.
        let lanes_after = self.model.lanes();
        for lane in &lanes_before {
            let kept = lanes_after
                .iter()
                .any(|l: &Lane| l.end == lane.end && l.rest >= lane.rest);
            f.require(kept, "9 griefing-proof deposits", || {
                format!("lanes before {lanes_before:?}, after {lanes_after:?}")
            });
        }
        for (i, projected) in projected.iter().enumerate() {
            for (t, before) in horizons.iter().zip(projected) {
                let after = self.model.projection(i, *t);
                f.require(&after >= before, "9 griefing-proof deposits", || {
                    format!("holder {i}'s accrual at {t}: {before} without the deposit, {after} with it")
                });
            }
        }
    }

    /// A claim by `holder`, which must pay `expected`; whether it was done.
    fn claim(&mut self, f: &mut Findings, holder: usize, what: &str, expected: i128) -> bool {
        let Some((paid, ())) = self.agree(
            f,
            what,
            |m| m.claim(holder),
            |w| outcome(w.suite.distributor.try_claim(&w.holder(holder))),
        ) else {
            return false;
        };
        f.equal("4 a claim pays what was claimable", what, paid, expected);
        self.model.book_claim(holder, paid);
        true
    }

    /// Compares the ledger with the model and checks invariants 0, 1, 2, 5, 6 and 8. Returns
    /// every holder's `claimable`.
    fn check(&self, f: &mut Findings) -> Vec<i128> {
        let (w, m) = (&self.world, &self.model);
        let s = &w.suite;
        let eq = "0 ledger = model";

        // Clock.
        f.equal(eq, "timestamp", s.env.ledger().timestamp(), m.now());
        f.equal(eq, "sequence", s.env.ledger().sequence(), m.sequence());

        // Oracle (6) and payouts (8).
        let current = m.current_epoch();
        let mut epochs = m.known_epochs();
        epochs.extend([current, current.saturating_sub(1)]);
        for epoch in epochs {
            f.equal(
                "6 only effective reports",
                &format!("report({epoch})"),
                s.oracle.report(&s.pool, &epoch),
                m.report(epoch).map(|r| report_of(epoch, r)),
            );
            f.equal(
                "8 exact debt",
                &format!("epoch({epoch})"),
                s.distributor.epoch(&epoch),
                m.payout(epoch).map(payout_of),
            );
        }
        f.equal(
            "6 only effective reports",
            "latest",
            s.oracle.latest(&s.pool),
            m.latest().map(|(e, r)| report_of(e, r)),
        );
        f.equal(
            "6 sustained capacity",
            "capacity",
            s.oracle.capacity(&s.pool),
            m.capacity(),
        );

        // Share token (5).
        let balances: Vec<i128> = (0..HOLDERS)
            .map(|i| s.sep41.balance(&w.holder(i)))
            .collect();
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
                s.sep41.allowance(&w.holder(from), &w.holder(spender)),
                m.allowance(from, spender),
            );
        }
        f.equal(eq, "token paused", s.token.paused(), m.token_paused());
        f.equal(
            eq,
            "distributor paused",
            s.distributor.paused(),
            m.distributor_paused(),
        );

        // Distributor and reward asset.
        let books = s.distributor.totals();
        f.equal(eq, "totals", books.clone(), books_of(m.books()));
        f.equal(eq, "next_epoch", s.distributor.next_epoch(), m.next_epoch());
        f.equal(eq, "arrears", s.distributor.arrears(), m.arrears());
        for epoch in m.recorded_epochs() {
            let due = outcome(s.distributor.try_due(&epoch));
            f.equal(eq, &format!("due({epoch})"), due, m.due(epoch));
            // 7: while a share is held and one was at the epoch's end, its debt can be paid,
            // at no more than parity for the shares beyond the epoch's.
            if let Some((parity, outstanding)) = m.parity_due(epoch) {
                f.require(
                    matches!(due, Ok(due) if outstanding <= due && due <= parity),
                    "7 payable at parity",
                    || {
                        format!(
                            "epoch {epoch}: due {due:?} with {} shares held and {} at its end \
                             (parity costs {parity})",
                            m.supply(),
                            m.supply_at_end(epoch)
                        )
                    },
                );
            }
        }
        let held = s.reward.balance(&s.distributor.address);
        f.equal(eq, "distributor's balance", held, m.distributor_balance());
        f.equal(
            eq,
            "fee recipient's balance",
            s.reward.balance(&s.fee_recipient),
            m.books().fees_withdrawn,
        );
        for payer in [Payer::Operator, Payer::Stranger] {
            f.equal(
                eq,
                &format!("{payer:?}'s balance"),
                s.reward.balance(&w.payer(payer)),
                m.cash(payer),
            );
        }
        for i in 0..INVESTORS {
            f.equal(
                eq,
                &format!("claimed({i})"),
                s.reward.balance(&w.investors[i]),
                m.claimed(i),
            );
        }
        let claimables = w.claimables();
        for (i, c) in claimables.iter().enumerate() {
            f.equal(
                eq,
                &format!("claimable({i}) = accrued({i})"),
                *c,
                s.token.accrued(&w.holder(i)),
            );
        }

        // 1. Conservation, solvency, dust.
        let claimed = m.total_claimed();
        f.require(
            books.deposited == books.fees_withdrawn + claimed + held,
            "1 conservation",
            || {
                format!(
                    "deposited {} != fees withdrawn {} + claimed {claimed} + held {held}",
                    books.deposited, books.fees_withdrawn
                )
            },
        );
        let claimable: i128 = claimables.iter().sum();
        let fees_due = books.fees - books.fees_withdrawn;
        f.require(held >= claimable + fees_due, "1 solvency", || {
            format!("the distributor holds {held}, owes {claimable} claimable and {fees_due} fees")
        });
        let eps = m.index_dust();
        let gift = m.gift();
        let (rests, unowed) = m.uncredited();
        let dust = q(held - fees_due - claimable) - &rests - &unowed;
        let high = q(HOLDERS as i128 + gift) + &eps;
        let low = -(q(gift) + &eps);
        f.require(dust >= low && dust < high, "1 dust bounded", || {
            format!(
                "held {held} - fees due {fees_due} - claimable {claimable} - streams' rests \
                 {rests} - owed to no one {unowed} = {dust}, outside [{low}, {high})"
            )
        });

        // 2. Pro-rata.
        for (i, c) in claimables.iter().enumerate() {
            let paid = q(m.claimed(i) + c);
            let exact = m.entitlement(i);
            let over = q(gift) + &eps;
            let short = q(1 + gift) + &eps;
            f.require(paid <= &exact + &over, "2 pro-rata (never above)", || {
                format!("holder {i}: paid {paid} > exact {exact} + {over}")
            });
            f.require(
                &exact - &paid < short,
                "2 pro-rata (short by a bound)",
                || format!("holder {i}: paid {paid} < exact {exact} - {short}"),
            );
        }
        claimables
    }
}

/// Runs a scenario against the model with `flaw`, checking after every step.
fn run(scenario: &Scenario, flaw: Flaw) -> Result<(), Failure> {
    let mut run = Run::new(scenario, flaw);
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
        let result = run(&scenario, Flaw::None);
        print_tally();
        if let Err(failure) = result {
            prop_assert!(false, "{}", failure);
        }
    }
}

// ==================================================================== the checker bites

/// Runs a scenario to its end against the model with `flaw`, collecting every failing step
/// (the bite tests want to see which comparisons fire, not only the first).
fn run_all(scenario: &Scenario, flaw: Flaw) -> Vec<Failure> {
    let mut run = Run::new(scenario, flaw);
    let mut findings = Findings::default();
    run.claimables = run.check(&mut findings);
    let mut failures = Vec::new();
    for (i, action) in scenario.actions.iter().enumerate() {
        let violations = run.step(action);
        if !violations.is_empty() {
            failures.push(Failure {
                step: i + 1,
                action: Some(action.clone()),
                violations,
            });
        }
    }
    failures
}

fn broke(failures: &[Failure], invariant: &str) -> bool {
    failures.iter().any(|f| f.broke(invariant))
}

fn report(failures: &[Failure]) -> String {
    failures.iter().map(|f| f.to_string()).collect()
}

/// A fixed case every bite test runs: two effective epochs open the offering; an investor
/// and the operator buy an hour into epoch 2; epoch 2 is attested, recorded and half paid
/// with a 10% fee; a claim; a transfer; a mint into the running stream; a day later a
/// stranger pays the rest (a second lane); a burn; the streams run out.
fn fixed_scenario() -> Scenario {
    use Action::*;
    let attest = Attest {
        hashrate: Rate::PerMille(1_000),
        reward: 987_654_321,
        varied: false,
        round: Round::Complete,
        after: AfterAttest::Settle,
    };
    Scenario {
        term: 10 * DAY,
        hashrate: 1_000 * TH_PER_SHARE,
        fee_bps: 1_000,
        window: 2,
        actions: vec![
            attest.clone(),
            attest.clone(),
            Mint {
                to: 0,
                amount: Amount::PerMille(400),
            },
            Mint {
                to: OPERATOR,
                amount: Amount::PerMille(100),
            },
            attest,
            Deposit {
                payer: Payer::Operator,
                target: Target::Through(1),
                amount: Amount::PerMille(500),
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
            Mint {
                to: 1,
                amount: Amount::PerMille(300),
            },
            Wait { seconds: DAY },
            Deposit {
                payer: Payer::Stranger,
                target: Target::Owing(0),
                amount: Amount::Huge,
            },
            Wait { seconds: 6 * HOUR },
            Claim {
                holder: 1,
                twice: false,
            },
            Burn {
                from: 2,
                amount: Amount::PerMille(500),
            },
            Wait { seconds: 3 * DAY },
            Claim {
                holder: 0,
                twice: false,
            },
        ],
    }
}

/// The honest model passes the fixed case: what the bite tests catch is the flaw.
#[test]
fn the_fixed_case_passes_against_the_honest_model() {
    let failures = run_all(&fixed_scenario(), Flaw::None);
    assert!(failures.is_empty(), "{}", report(&failures));
}

/// The checker bites (1): a model where a mint closes the running streams (the previous
/// design: their rest credited at once to the holders before the mint, no top-up). The ledger
/// charges a top-up the model does not expect, and the holders' claimables stop matching
/// their entitlements.
#[test]
fn checker_bites_a_model_where_a_mint_closes_the_stream() {
    let failures = run_all(&fixed_scenario(), Flaw::MintClosesStream);
    assert!(broke(&failures, "7 mint top-up"), "{}", report(&failures));
    assert!(broke(&failures, "2 pro-rata"), "{}", report(&failures));
}

/// The checker bites (2): a model where `owed` uses the supply at record time. The shares
/// were bought an hour into the epoch, so the ledger owes 23/24 of what this model says.
#[test]
fn checker_bites_a_model_where_owed_uses_the_supply_at_record_time() {
    let failures = run_all(&fixed_scenario(), Flaw::OwedAtRecordSupply);
    assert!(broke(&failures, "8 exact debt"), "{}", report(&failures));
}

/// The checker bites (3): a model where a deposit restarts the streams (the earlier lane's
/// rest joins the new deposit's and streams until its later end). The ledger keeps paying the
/// first lane until its own end, faster than this model says.
#[test]
fn checker_bites_a_model_where_a_deposit_restarts_the_stream() {
    let failures = run_all(&fixed_scenario(), Flaw::DepositRestartsStream);
    assert!(broke(&failures, "2 pro-rata"), "{}", report(&failures));
}

/// The checker bites (4): a model that streams whole deposits, fee included. Every exact
/// reading of the ledger still matches, so it is the pro-rata bound that must fire: the
/// holders are paid 10% short of what this model says they earned.
#[test]
fn checker_bites_a_model_that_pays_the_fee_to_holders() {
    let failures = run_all(&fixed_scenario(), Flaw::FeeToHolders);
    assert!(
        broke(&failures, "2 pro-rata (short by a bound)"),
        "{}",
        report(&failures)
    );
    assert!(!broke(&failures, "0 "), "{}", report(&failures));
}

/// The checker bites (5), through proptest itself: random scenarios against the model where
/// `owed` uses the supply at record time must produce a failing case, and it must shrink to a
/// handful of actions (the opening attestations and mint, an attestation, a record or a
/// deposit).
#[test]
fn proptest_finds_and_shrinks_a_model_where_owed_uses_the_supply_at_record_time() {
    let config = ProptestConfig {
        cases: 64,
        max_shrink_iters: 64,
        max_shrink_time: 30_000,
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    let rng = TestRng::deterministic_rng(RngAlgorithm::ChaCha);
    let mut runner = TestRunner::new_with_rng(config, rng);
    let result = runner.run(&scenario(10), |scenario| {
        run(&scenario, Flaw::OwedAtRecordSupply)
            .map_err(|failure| TestCaseError::fail(failure.to_string()))
    });
    match result {
        Err(TestError::Fail(reason, minimal)) => {
            println!("shrunk to {minimal:#?}\nbecause {reason}");
            assert!(reason.message().contains("8 exact debt"), "{reason}");
            assert!(
                minimal.actions.len() <= minimal.window as usize + 4,
                "not shrunk: {minimal:#?}"
            );
        }
        other => panic!("the broken model went unnoticed: {other:?}"),
    }
}

// ==================================================================== claiming often or once

/// What happens to a pair of twin holders with identical balances, one of which claims.
#[derive(Clone, Debug)]
enum TwinStep {
    /// Both twins get the same mint.
    Mint(i128),
    /// Someone else gets a mint (the supply changes; a top-up is paid into the streams).
    OtherMint(i128),
    /// The other holder burns part of its shares.
    OtherBurn(i128),
    /// The operator pays towards the latest recorded epoch still owing.
    Deposit(i128),
    Wait(u64),
    /// The current epoch is attested and the epochs up to it recorded, as far as they can be.
    Attest,
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
        1 => Just(TwinStep::Attest),
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
        let s = Suite::new(6 * DAY, 500, FUNDS);
        let (often, once, other) = (
            Address::generate(&s.env),
            Address::generate(&s.env),
            Address::generate(&s.env),
        );
        let hashrate = 1_000 * TH_PER_SHARE; // room for 1,000 shares
        let reward = 1_000_000_000_000;
        s.attest(hashrate, reward);
        for holder in [&often, &once, &other] {
            s.token.mint(holder, &SHARE_UNIT);
        }
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
                    let next = s.distributor.next_epoch();
                    if let Some(epoch) = (0..next).rev().find(|e| s.distributor.due(e) > 0) {
                        let amount = amount.min(s.distributor.due(&epoch));
                        s.distributor.deposit(&s.operator, &epoch, &amount);
                    }
                }
                TwinStep::Wait(seconds) => advance(&s.env, seconds),
                TwinStep::Attest => {
                    if s.env.ledger().timestamp() < s.token.maturity() {
                        // Epochs the clock skipped have no report: records stop there.
                        let epoch = s.attest(hashrate, reward);
                        for e in s.distributor.next_epoch()..=epoch {
                            if s.distributor.try_record(&e).is_err() {
                                break;
                            }
                        }
                    }
                }
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

/// The reading of burns the contracts take (invariant 7): a holder who burns before a payout
/// forfeits its part to the shares then held, newer ones included; only shares beyond the
/// epoch's closing supply pay a top-up. (An earlier reading — burns destroy the epoch's shares
/// first — let the operator brick any payout by minting and burning: see the next test.)
///
/// Alice and Bob hold 50 shares each from an hour into epoch 1 (S_avg = 95.83); the epoch owes
/// 958,333. After record Bob burns his 50 and the operator mints 50 to itself: the supply is
/// the epoch's closing 100 again, so the payout is sized for the epoch's own supply-seconds,
/// `due` is 1,000,000 (a top-up of 41,667 for the shares beyond S_avg) and streams to 100
/// shares: Alice 500,000, the operator's shares 500,000.
#[test]
fn burned_shares_forfeit_their_part_to_the_shares_then_held() {
    let s = Suite::new(365 * DAY, 0, FUNDS);
    s.attest(100 * TH_PER_SHARE, 0);
    let (alice, bob) = (Address::generate(&s.env), Address::generate(&s.env));
    s.token.mint(&alice, &(50 * SHARE_UNIT));
    s.token.mint(&bob, &(50 * SHARE_UNIT));
    let epoch = s.attest(100 * TH_PER_SHARE, 1_000_000);
    let owed = s.record_through(epoch).owed;
    assert_eq!(owed, 958_333);
    s.sep41.burn(&bob, &(50 * SHARE_UNIT));
    s.token.mint(&s.operator, &(50 * SHARE_UNIT));
    let due = s.distributor.due(&epoch);
    assert_eq!(due, 1_000_000);
    s.distributor.deposit(&s.operator, &epoch, &due);
    advance(&s.env, 3 * DAY);
    let (to_alice, to_operator) = (s.token.accrued(&alice), s.token.accrued(&s.operator));
    assert!((499_999..=500_000).contains(&to_alice), "alice {to_alice}");
    assert!(
        (499_999..=500_000).contains(&to_operator),
        "operator {to_operator}"
    );
    assert_eq!(s.token.accrued(&bob), 0);
}

/// Regression of a contract bug these properties found (invariant 7, "payable at parity"):
/// when a deposit's payout was sized for `S_now - (every share minted since the epoch)`, a
/// share minted after the epoch and burned again still counted as newer, so the operator could
/// void any epoch's debt for free (no stream runs, so the mint cost no top-up) by minting as
/// many shares as the epoch's holders held and burning them: every deposit was refused with
/// `NoHolders` while the holders still held every share they had.
///
/// Alice holds 100 shares from an hour into epoch 1, which owes 958,333 (`due` 1,000,000).
/// The operator mints 100 shares to itself and burns them: `due` is still 1,000,000, the
/// deposit succeeds and Alice receives all of it.
#[test]
fn regression_minting_and_burning_after_an_epoch_leaves_its_debt_payable() {
    let s = Suite::new(365 * DAY, 0, FUNDS);
    s.attest(300 * TH_PER_SHARE, 0);
    let alice = Address::generate(&s.env);
    s.token.mint(&alice, &(100 * SHARE_UNIT));
    let epoch = s.attest(300 * TH_PER_SHARE, 3_000_000);
    let owed = s.record_through(epoch).owed;
    assert_eq!(owed, 958_333);
    assert_eq!(s.distributor.due(&epoch), 1_000_000);
    s.token.mint(&s.operator, &(100 * SHARE_UNIT));
    s.sep41.burn(&s.operator, &(100 * SHARE_UNIT));
    assert_eq!(s.token.total_supply(), s.sep41.balance(&alice));
    assert_eq!(outcome(s.distributor.try_due(&epoch)), Ok(1_000_000));
    let paid = outcome(s.distributor.try_deposit(&s.operator, &epoch, &1_000_000));
    assert_eq!(paid, Ok(()));
    advance(&s.env, 3 * DAY);
    let to_alice = s.token.accrued(&alice);
    assert!(
        (999_999..=1_000_000).contains(&to_alice),
        "alice {to_alice}"
    );
}

// ==================================================================== the model

mod model {
    //! An exact reference model of the intended economics of the whole suite, for the property
    //! tests: integers and rationals ([`BigRational`]), no floating point, no Soroban, and none
    //! of the contracts' code. It models the *rules* of the design, not the contracts'
    //! bookkeeping:
    //!
    //! - **Oracle.** Only listed reporters submit, once each per ended epoch. A round
    //!   finalizes when every reporter is in, or when anyone calls `finalize` once it has been
    //!   open `dispute_seconds` with a quorum in; the report is the lower median of each field
    //!   over the round. A report is effective `dispute_seconds` after it finalized and may be
    //!   disputed (removed; the epoch reopens for a new round) before. The sustained capacity
    //!   is the lowest hashrate of the `window` consecutive effective epochs ending at the
    //!   latest effective one: 0 when fewer exist, one is missing or still disputable, or the
    //!   latest is more than `max_age_epochs` behind the current epoch.
    //! - **Shares.** Balances, supply, allowances, the pause; the supply as a step function of
    //!   time, so that an epoch's supply-seconds are its integral over the epoch and its
    //!   closing supply is known.
    //! - **Streams** (exact, in reward units). A deposit's net amount streams linearly until
    //!   the end of the epoch after the one it is made in, in the lane with that end (a new
    //!   one if none has it; at most two are live). Every share existing at a moment receives
    //!   the same part of what streams at that moment: a holder earns `balance / supply` of it.
    //!   A mint first adds to each live lane the minter's top-up, `ceil(rest × amount /
    //!   supply)`, so that no lane's per-share rest falls. A burn leaves the lanes as they
    //!   are: the remaining shares share them. While the supply is 0, what the lanes still
    //!   hold and every new deposit are owed to no one (they stay in the distributor: no share
    //!   minted later may collect what burned shares were paid for). Nothing is ever credited
    //!   at once.
    //! - **Distributor.** Epochs are recorded in order from the first (0). `owed =
    //!   floor(reward × min(sold, hashrate) / hashrate)` with `sold = floor(supply_seconds ×
    //!   hps / (10^7 × epoch_seconds))`; an epoch with supply but no effective report is
    //!   closed owing 0 past its staleness deadline, and a late report fixes it when recorded
    //!   again. A deposit sizes its payout so that every share held gets at least an average
    //!   share's part (`owed / S_avg`, `S_avg = supply_seconds / epoch_seconds`) and each of
    //!   the `N - K` shares beyond the epoch's closing supply (`K = min(S_end, N)`) pays that
    //!   much on top: a unit of debt costs `max(N E, supply_seconds + (N - K) E) /
    //!   supply_seconds`, never rounded; a holder who burns before a payout forfeits its part
    //!   to the shares then held; `NoHolders` when no share is held. The excess over face
    //!   value is the top-up: the whole rest costs `due = ceil(outstanding × cost / per)` and a
    //!   smaller amount pays `floor(amount × per / cost)` of debt. What is offered beyond `due`
    //!   stays with the payer. `fee = floor(used × fee_bps / 10^4)` accrues until the fee
    //!   recipient withdraws it; the rest streams. A mint's top-up pays the fee a deposit of
    //!   its size would: the minter pays the least `gross` with `gross - floor(gross × fee_bps
    //!   / 10^4) >= top-up`, the difference accruing as fee.
    //!
    //! Two amounts are the contracts' own rounding of an exact value and cannot be predicted to
    //! the unit without porting their fixed point: a claim (the holder's accrual, floored) and
    //! a mint's top-up when the contract's rest differs from the exact one by index dust. The
    //! model takes those from the ledger once the checker has bounded them
    //! ([`Model::book_claim`], [`Model::book_mint_topup`]), so that its books stay exact.
    //!
    //! One limit of the contracts is modelled as such: the share token keeps a stream's rest in
    //! index units (reward units × 10^18, an `i128`), so a mint or deposit that would take a
    //! lane past `i128::MAX / 10^18` (1.7 × 10^20) reward units is refused with `Overflow`.
    //! Only a few base units left holding a stream, or the epoch's shares, make a top-up that
    //! large: each new base unit must bring what one of them holds.
    //!
    //! Every operation either succeeds and changes the model, or returns the exact typed error
    //! the contracts must refuse it with; [`Model::attempt`] leaves the model untouched on a
    //! refusal.
    use std::collections::BTreeMap;

    use num_bigint::BigInt;
    use num_rational::BigRational;
    use num_traits::{ToPrimitive, Zero};
    use payout_distributor::DistributorError;
    use pool_oracle::OracleError;
    use share_token::ShareTokenError;
    use soroban_sdk::Error;

    pub type Q = BigRational;

    /// Base units per whole share.
    pub const SHARE_UNIT: i128 = 10_000_000;
    /// Basis points in one whole.
    pub const BPS: i128 = 10_000;
    /// Live streams at most (the deposits of the previous epoch and of the current one).
    pub const LANES: usize = 2;
    /// The share token's index scale: the contracts' rounding is below one index unit, `1 /
    /// SCALE` reward units per base unit of supply, per step. Only the dust bounds use it.
    pub const SCALE: i128 = 1_000_000_000_000_000_000;

    /// A deliberate error in the model, to show that the checker catches a suite that does
    /// not behave as the model says (see the `checker_bites_*` tests).
    #[derive(Clone, Copy, Debug, Default, Eq, PartialEq)]
    pub enum Flaw {
        /// The honest model.
        #[default]
        None,
        /// A mint ends the running streams, their rest credited at once to the holders before
        /// it (the previous design), and costs no top-up.
        MintClosesStream,
        /// `owed` is sized by the supply at record time, not the epoch's time-weighted supply.
        OwedAtRecordSupply,
        /// A deposit restarts the streams: every lane's rest joins the new deposit's lane and
        /// streams until its end (a later deposit delays an earlier one).
        DepositRestartsStream,
        /// The whole deposit streams, fee included.
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
        /// The sustained-capacity window (`capacity_epochs`).
        pub window: u32,
        pub maturity: u64,
        pub hashrate_per_share: i128,
        pub fee_bps: u32,
        /// Accounts that may hold shares; the last is the operator.
        pub holders: usize,
        /// Reward-asset funds of the operator and of the stranger at the start.
        pub funds: i128,
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

    /// A recorded epoch (the distributor's `EpochPayout`).
    #[derive(Clone, Copy, Debug, Default, Eq, PartialEq)]
    pub struct Payout {
        pub owed: i128,
        pub paid: i128,
        pub topup: i128,
        pub fee: i128,
        pub supply_seconds: i128,
        pub reported: bool,
    }

    /// The distributor's `totals()`.
    #[derive(Clone, Copy, Debug, Default, Eq, PartialEq)]
    pub struct Books {
        pub deposited: i128,
        pub topups: i128,
        pub fees: i128,
        pub fees_withdrawn: i128,
    }

    /// How a deposit divides: `used` taken (the rest stays with the payer), `debt` of it paying
    /// the epoch's debt, `topup` paying for shares beyond the epoch's average, `fee` kept.
    #[derive(Clone, Copy, Debug, Default, Eq, PartialEq)]
    pub struct Split {
        pub used: i128,
        pub debt: i128,
        pub topup: i128,
        pub fee: i128,
    }

    /// What a mint costs by the rule.
    #[derive(Clone, Debug)]
    pub struct MintPlan {
        /// `Σ ceil(rest * amount / supply)` over the live lanes: what joins the streams.
        pub topup: i128,
        /// The new shares' exact part of the running streams, `Σ rest * amount / supply`.
        pub value: Q,
        /// Live lanes at the mint.
        pub live: usize,
        /// How far below `value` the contract's top-up may fall: its rests differ from the
        /// exact ones by up to the model's `lane_dust`, which a mint multiplies by `amount /
        /// supply`, per live lane.
        pub drift: Q,
        /// How far the contract's top-up may stray from `topup`: `drift`, and a `ceil` that
        /// may tip by one per live lane.
        pub slack: i128,
    }

    /// One stream: until when it runs and what it still has to pay.
    #[derive(Clone, Debug, PartialEq)]
    pub struct Lane {
        pub end: u64,
        pub rest: Q,
    }

    /// An epoch's open round: when its first submission came, and `(reporter, hashrate,
    /// reward)` of each.
    type OpenRound = (u64, Vec<(usize, i128, i128)>);

    /// Who pays a deposit.
    #[derive(Clone, Copy, Debug, Eq, PartialEq)]
    pub enum Payer {
        Operator,
        Stranger,
    }

    /// The whole suite's state.
    #[derive(Clone, Debug)]
    pub struct Model {
        pub config: Config,
        now: u64,
        sequence: u32,
        // pool-oracle
        submissions: BTreeMap<u64, OpenRound>,
        reports: BTreeMap<u64, Report>,
        // share-token
        balances: Vec<i128>,
        supply: i128,
        allowances: BTreeMap<(usize, usize), (i128, u32)>,
        token_paused: bool,
        /// `(since, supply)`: the supply as a step function of time, from genesis.
        history: Vec<(u64, i128)>,
        // streams, exact
        lanes: Vec<Lane>,
        /// Streamed while no share existed: owed to no one.
        unowed: Q,
        updated: u64,
        earned: Vec<Q>,
        // payout-distributor
        payouts: BTreeMap<u64, Payout>,
        next_epoch: u64,
        arrears: i128,
        books: Books,
        claimed: Vec<i128>,
        distributor_paused: bool,
        topups_approved: bool,
        // reward-asset balances of the payers
        operator_cash: i128,
        stranger_cash: i128,
        // for the bounds
        /// Units mints paid beyond (or short of) the rule's `ceil`s: the contract's rest
        /// differs from the exact one by index dust, which may tip a `ceil` by a unit.
        gift: i128,
        /// A bound, in units, on how far each of the contract's lane rests may be from the
        /// exact one: under 4 index units per base unit of supply per checkpoint.
        lane_dust: Q,
        /// Operations that checkpoint or settle the share token's index.
        checkpoints: u64,
        /// Base units moved, minted or burned, counted on each side.
        volume: i128,
        max_supply_seen: i128,
    }

    fn err(e: impl Into<Error>) -> Error {
        e.into()
    }

    pub fn q(x: i128) -> Q {
        Q::from_integer(BigInt::from(x))
    }

    fn qu(x: u64) -> Q {
        Q::from_integer(BigInt::from(x))
    }

    fn to_i128(x: &BigInt) -> i128 {
        x.to_i128().expect("model values fit i128")
    }

    pub fn floor_q(x: &Q) -> i128 {
        to_i128(&x.floor().to_integer())
    }

    pub fn ceil_q(x: &Q) -> i128 {
        to_i128(&x.ceil().to_integer())
    }

    /// `floor(a * b / d)`, exact.
    fn mul_div_floor(a: i128, b: i128, d: i128) -> i128 {
        floor_q(&(q(a) * q(b) / q(d)))
    }

    /// `ceil(a * b / d)`, exact.
    fn mul_div_ceil(a: i128, b: i128, d: i128) -> i128 {
        ceil_q(&(q(a) * q(b) / q(d)))
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
                token_paused: false,
                history: vec![(config.genesis, 0)],
                lanes: Vec::new(),
                unowed: Q::zero(),
                updated: config.genesis,
                earned: vec![Q::zero(); n],
                payouts: BTreeMap::new(),
                next_epoch: 0,
                arrears: 0,
                books: Books::default(),
                claimed: vec![0; n],
                distributor_paused: false,
                topups_approved: true,
                operator_cash: config.funds,
                stranger_cash: config.funds,
                gift: 0,
                lane_dust: Q::zero(),
                checkpoints: 0,
                volume: 0,
                max_supply_seen: 0,
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

        /// The operator's index among the holders.
        pub fn operator(&self) -> usize {
            self.config.holders - 1
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

        pub fn current_epoch(&self) -> u64 {
            self.now.saturating_sub(self.config.genesis) / self.config.epoch_seconds
        }

        pub fn epoch_start(&self, epoch: u64) -> u64 {
            self.config.genesis + epoch * self.config.epoch_seconds
        }

        pub fn epoch_end(&self, epoch: u64) -> u64 {
            self.epoch_start(epoch + 1)
        }

        // ---------------------------------------------------------------- pool-oracle

        /// A finalized report, effective or not.
        pub fn finalized(&self, epoch: u64) -> Option<Report> {
            self.reports.get(&epoch).copied()
        }

        fn effective(&self, report: &Report) -> bool {
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

        /// The sustained capacity (see the module documentation).
        pub fn capacity(&self) -> i128 {
            let Some((latest, _)) = self.latest() else {
                return 0;
            };
            if self.current_epoch().saturating_sub(latest) > self.config.max_age_epochs {
                return 0;
            }
            let window = u64::from(self.config.window);
            if latest + 1 < window {
                return 0;
            }
            let mut lowest = i128::MAX;
            for epoch in latest + 1 - window..=latest {
                match self.report(epoch) {
                    Some(r) => lowest = lowest.min(r.hashrate),
                    None => return 0,
                }
            }
            lowest
        }

        /// Epochs ever submitted to, finalized or recorded: what the checker compares.
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
        /// attests `epoch`. The submission that completes the round (every reporter in)
        /// finalizes it.
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
            self.check_open(epoch)?;
            let now = self.now;
            let (_, submissions) = self.submissions.entry(epoch).or_insert((now, Vec::new()));
            if submissions.iter().any(|(r, _, _)| *r == reporter) {
                return Err(err(OracleError::AlreadySubmitted));
            }
            submissions.push((reporter, hashrate, reward));
            if submissions.len() == self.config.reporters {
                self.close_round(epoch);
            }
            Ok(())
        }

        /// `finalize`: anyone closes a round open for `dispute_seconds` with a quorum in.
        pub fn finalize(&mut self, epoch: u64) -> Result<(), Error> {
            self.check_open(epoch)?;
            let Some((first_at, submissions)) = self.submissions.get(&epoch) else {
                return Err(err(OracleError::QuorumNotReached));
            };
            if self.now < first_at + self.config.dispute_seconds {
                return Err(err(OracleError::SubmissionsOpen));
            }
            if submissions.len() < self.config.quorum {
                return Err(err(OracleError::QuorumNotReached));
            }
            self.close_round(epoch);
            Ok(())
        }

        fn check_open(&self, epoch: u64) -> Result<(), Error> {
            if self.epoch_end(epoch) > self.now {
                return Err(err(OracleError::EpochNotEnded));
            }
            if self.reports.contains_key(&epoch) {
                return Err(err(OracleError::EpochFinalized));
            }
            Ok(())
        }

        /// The report: the lower median of each field over the round's submissions.
        fn close_round(&mut self, epoch: u64) {
            let (_, submissions) = self.submissions.remove(&epoch).expect("an open round");
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
            self.reports.insert(epoch, report);
        }

        /// The admin disputes `epoch`'s report inside its window: it is removed and the epoch
        /// reopens.
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

        /// The supply the sustained capacity allows: `floor(capacity * 10^7 / hps)`.
        pub fn max_supply(&self) -> i128 {
            mul_div_floor(
                self.capacity().max(0),
                SHARE_UNIT,
                self.config.hashrate_per_share,
            )
        }

        /// The allowance `spender` has over `from`'s shares (0 once expired).
        pub fn allowance(&self, from: usize, spender: usize) -> i128 {
            match self.allowances.get(&(from, spender)) {
                Some((amount, live_until)) if *live_until >= self.sequence => *amount,
                _ => 0,
            }
        }

        pub fn allowance_pairs(&self) -> Vec<(usize, usize)> {
            self.allowances.keys().copied().collect()
        }

        pub fn token_paused(&self) -> bool {
            self.token_paused
        }

        pub fn distributor_paused(&self) -> bool {
            self.distributor_paused
        }

        pub fn set_token_paused(&mut self, paused: bool) {
            self.token_paused = paused;
        }

        pub fn set_distributor_paused(&mut self, paused: bool) {
            self.distributor_paused = paused;
        }

        pub fn set_topups_approved(&mut self, approved: bool) {
            self.topups_approved = approved;
        }

        /// The supply integrated over `epoch` (base units × seconds).
        pub fn supply_seconds(&self, epoch: u64) -> i128 {
            let (start, end) = (self.epoch_start(epoch), self.epoch_end(epoch));
            let mut total = 0i128;
            for (i, (since, supply)) in self.history.iter().enumerate() {
                let until = self.history.get(i + 1).map_or(u64::MAX, |next| next.0);
                let (from, to) = ((*since).max(start), until.min(end));
                if to > from {
                    total += supply * i128::from(to - from);
                }
            }
            total
        }

        fn set_supply(&mut self, supply: i128) {
            self.supply = supply;
            self.max_supply_seen = self.max_supply_seen.max(supply);
            match self.history.last_mut() {
                Some(last) if last.0 == self.now => last.1 = supply,
                _ => self.history.push((self.now, supply)),
            }
        }

        fn check_not_negative(amount: i128) -> Result<(), Error> {
            if amount < 0 {
                return Err(err(ShareTokenError::InvalidAmount));
            }
            Ok(())
        }

        fn check_token_not_paused(&self) -> Result<(), Error> {
            if self.token_paused {
                return Err(err(ShareTokenError::Paused));
            }
            Ok(())
        }

        /// `mint(to, amount)` by the operator; returns what the rule makes it pay.
        pub fn mint(&mut self, to: usize, amount: i128) -> Result<MintPlan, Error> {
            if amount <= 0 {
                return Err(err(ShareTokenError::InvalidAmount));
            }
            self.check_token_not_paused()?;
            if self.now >= self.config.maturity {
                return Err(err(ShareTokenError::Matured));
            }
            if self.supply + amount > self.max_supply() {
                return Err(err(ShareTokenError::CapacityExceeded));
            }
            self.stream_to_now();
            self.checkpoints += 1;
            let live = self.lanes.len();
            let drift = if self.supply > 0 {
                &self.lane_dust * q(amount) / q(self.supply) * q(live as i128)
            } else {
                Q::zero()
            };
            let mut plan = MintPlan {
                topup: 0,
                value: Q::zero(),
                live,
                slack: live as i128 + ceil_q(&drift),
                drift,
            };
            self.note_checkpoint();
            if self.config.flaw == Flaw::MintClosesStream {
                let rest: Q = self.lanes.drain(..).map(|l| l.rest).sum();
                self.credit_at_once(rest);
            } else if self.supply > 0 {
                for lane in &mut self.lanes {
                    let value = &lane.rest * q(amount) / q(self.supply);
                    let part = ceil_q(&value);
                    lane.rest += q(part);
                    plan.topup += part;
                    plan.value += value;
                    Self::check_range(&lane.rest)?;
                }
            }
            if plan.topup > 0 {
                if self.distributor_paused {
                    return Err(err(DistributorError::Paused));
                }
                if !self.topups_approved {
                    return Err(err(DistributorError::TopUpNotApproved));
                }
            }
            self.balances[to] += amount;
            self.volume += amount;
            self.set_supply(self.supply + amount);
            Ok(plan)
        }

        /// The least gross top-up that leaves `net` for the streams after a deposit's fee:
        /// the least `g` with `g - floor(g * fee_bps / 10^4) >= net`.
        pub fn grossed_up(&self, net: i128) -> i128 {
            let fee = |g: i128| mul_div_floor(g, i128::from(self.config.fee_bps), BPS);
            let mut gross = mul_div_ceil(net, BPS, BPS - i128::from(self.config.fee_bps));
            while gross > net && gross - 1 - fee(gross - 1) >= net {
                gross -= 1;
            }
            gross
        }

        /// Books a mint's top-up as the ledger took it: `gross` from the operator, `fee` of it
        /// accrued, the rest into the streams, `surplus` of that beyond (or short of)
        /// [`MintPlan::topup`]
        /// (counted in the bounds; the checker bounded it).
        pub fn book_mint_topup(&mut self, gross: i128, fee: i128, surplus: i128) {
            self.books.deposited += gross;
            self.books.topups += gross;
            self.books.fees += fee;
            self.operator_cash -= gross;
            self.gift += surplus.abs();
        }

        pub fn transfer(&mut self, from: usize, to: usize, amount: i128) -> Result<(), Error> {
            Self::check_not_negative(amount)?;
            self.check_token_not_paused()?;
            self.move_shares(from, to, amount)
        }

        pub fn transfer_from(
            &mut self,
            spender: usize,
            from: usize,
            to: usize,
            amount: i128,
        ) -> Result<(), Error> {
            Self::check_not_negative(amount)?;
            self.check_token_not_paused()?;
            self.spend_allowance(from, spender, amount)?;
            self.move_shares(from, to, amount)
        }

        /// Zero amounts and self transfers succeed and change nothing.
        fn move_shares(&mut self, from: usize, to: usize, amount: i128) -> Result<(), Error> {
            if self.balances[from] < amount {
                return Err(err(ShareTokenError::InsufficientBalance));
            }
            if from == to || amount == 0 {
                return Ok(());
            }
            self.stream_to_now();
            self.checkpoints += 1;
            self.balances[from] -= amount;
            self.balances[to] += amount;
            self.volume += 2 * amount;
            Ok(())
        }

        /// `approve` until `live_until` (a ledger sequence at or after the current one).
        pub fn approve(&mut self, from: usize, spender: usize, amount: i128, live_until: u32) {
            self.allowances
                .insert((from, spender), (amount, live_until));
        }

        /// Spending nothing needs no allowance.
        fn spend_allowance(
            &mut self,
            from: usize,
            spender: usize,
            amount: i128,
        ) -> Result<(), Error> {
            if amount == 0 {
                return Ok(());
            }
            if self.allowance(from, spender) < amount {
                return Err(err(ShareTokenError::InsufficientAllowance));
            }
            let entry = self.allowances.get_mut(&(from, spender)).expect("allowed");
            entry.0 -= amount;
            Ok(())
        }

        pub fn burn(&mut self, from: usize, amount: i128) -> Result<(), Error> {
            Self::check_not_negative(amount)?;
            self.check_token_not_paused()?;
            self.burn_shares(from, amount)
        }

        pub fn burn_from(
            &mut self,
            spender: usize,
            from: usize,
            amount: i128,
        ) -> Result<(), Error> {
            Self::check_not_negative(amount)?;
            self.check_token_not_paused()?;
            self.spend_allowance(from, spender, amount)?;
            self.burn_shares(from, amount)
        }

        /// The lanes stay: the remaining shares share them. With no share left, what they hold
        /// is owed to no one.
        fn burn_shares(&mut self, from: usize, amount: i128) -> Result<(), Error> {
            if self.balances[from] < amount {
                return Err(err(ShareTokenError::InsufficientBalance));
            }
            if amount == 0 {
                return Ok(());
            }
            self.stream_to_now();
            self.checkpoints += 1;
            self.note_checkpoint();
            self.balances[from] -= amount;
            self.volume += amount;
            self.set_supply(self.supply - amount);
            if self.supply == 0 {
                let rest: Q = self.lanes.drain(..).map(|l| l.rest).sum();
                self.unowed += rest;
            }
            Ok(())
        }

        // ---------------------------------------------------------------- streams, exact

        /// Streams every lane up to the clock: each share existing receives its part of what
        /// streams; an ended lane has paid all it had.
        fn stream_to_now(&mut self) {
            let now = self.now;
            if now <= self.updated {
                return;
            }
            let from = self.updated;
            if self.supply > 0 {
                let supply = q(self.supply);
                for lane in &mut self.lanes {
                    let stop = now.min(lane.end);
                    if stop <= from {
                        continue;
                    }
                    let streamed = &lane.rest * qu(stop - from) / qu(lane.end - from);
                    for (earned, balance) in self.earned.iter_mut().zip(&self.balances) {
                        if *balance > 0 {
                            *earned += &streamed * q(*balance) / &supply;
                        }
                    }
                    lane.rest -= streamed;
                }
            } else {
                debug_assert!(self.lanes.is_empty(), "no lane runs at supply 0");
            }
            self.lanes.retain(|lane| lane.end > now);
            self.updated = now;
        }

        /// Only the flawed [`Flaw::MintClosesStream`]: `amount` earned at once, pro rata.
        fn credit_at_once(&mut self, amount: Q) {
            if self.supply <= 0 {
                self.unowed += amount;
                return;
            }
            let supply = q(self.supply);
            for (earned, balance) in self.earned.iter_mut().zip(&self.balances) {
                *earned += &amount * q(*balance) / &supply;
            }
        }

        /// Streams `amount` until the end of the epoch after the current one, in the lane
        /// ending then (owed to no one while no share exists).
        fn stream(&mut self, amount: i128) -> Result<(), Error> {
            self.stream_to_now();
            self.note_checkpoint();
            if self.supply == 0 {
                self.unowed += q(amount);
                return Ok(());
            }
            let end = self.epoch_start(self.current_epoch() + 2);
            let total = q(amount);
            if self.config.flaw == Flaw::DepositRestartsStream {
                let rest: Q = self.lanes.drain(..).map(|l| l.rest).sum();
                self.lanes.push(Lane {
                    end,
                    rest: rest + total,
                });
                return Ok(());
            }
            let rest = match self.lanes.iter_mut().find(|lane| lane.end == end) {
                Some(lane) => {
                    lane.rest += total;
                    lane.rest.clone()
                }
                None => {
                    self.lanes.push(Lane {
                        end,
                        rest: total.clone(),
                    });
                    total
                }
            };
            assert!(self.lanes.len() <= LANES, "at most two live lanes");
            Self::check_range(&rest)
        }

        /// The token's documented range: a stream's rest is kept in index units (reward units
        /// × 10^18, an `i128`).
        fn check_range(rest: &Q) -> Result<(), Error> {
            if rest * q(SCALE) > q(i128::MAX) {
                return Err(err(ShareTokenError::Overflow));
            }
            Ok(())
        }

        /// The live lanes as of now.
        pub fn lanes(&self) -> Vec<Lane> {
            let mut copy = self.clone();
            copy.stream_to_now();
            copy.lanes
        }

        /// Everything `holder` earned, exactly, up to now (claimed or not).
        pub fn entitlement(&self, holder: usize) -> Q {
            let mut copy = self.clone();
            copy.stream_to_now();
            copy.earned[holder].clone()
        }

        /// What `holder` will have earned at `at` (not before now) if nothing else happens.
        pub fn projection(&self, holder: usize, at: u64) -> Q {
            let mut copy = self.clone();
            copy.stream_to_now();
            copy.now = at.max(copy.now);
            copy.stream_to_now();
            copy.earned[holder].clone()
        }

        /// What the live lanes still hold for `holder`'s shares: `balance / supply` of their
        /// rests.
        pub fn future(&self, holder: usize) -> Q {
            if self.supply <= 0 {
                return Q::zero();
            }
            let rest: Q = self.lanes().into_iter().map(|l| l.rest).sum();
            rest * q(self.balances[holder]) / q(self.supply)
        }

        /// Reward not yet earned, as of now: the lanes' rests, and what is owed to no one.
        pub fn uncredited(&self) -> (Q, Q) {
            let mut copy = self.clone();
            copy.stream_to_now();
            let rests = copy.lanes.iter().map(|l| l.rest.clone()).sum::<Q>();
            (rests, copy.unowed)
        }

        // ---------------------------------------------------------------- bounds

        /// Units mints paid beyond or short of the rule (see [`Model::book_mint_topup`]).
        pub fn gift(&self) -> i128 {
            self.gift
        }

        /// A checkpoint of the token's streams (a mint, a burn, a deposit): each lane's rest
        /// may stray by under 4 index units per base unit of supply from the exact one.
        fn note_checkpoint(&mut self) {
            if !self.lanes.is_empty() {
                self.lane_dust += q(4 * self.supply) / q(SCALE);
            }
        }

        /// A bound on what the contracts' fixed point may hold back or add, in reward units:
        /// under one index unit (`1 / SCALE` units per base unit of supply) per lane, per
        /// checkpoint or settlement, on every base unit that was ever held or moved.
        pub fn index_dust(&self) -> Q {
            let steps = self.checkpoints as i128 + 2;
            q(4 * LANES as i128 * steps * (self.volume + self.max_supply_seen)) / q(SCALE)
        }

        // ---------------------------------------------------------------- payout-distributor

        pub fn payout(&self, epoch: u64) -> Option<Payout> {
            self.payouts.get(&epoch).copied()
        }

        pub fn next_epoch(&self) -> u64 {
            self.next_epoch
        }

        pub fn arrears(&self) -> i128 {
            self.arrears
        }

        pub fn books(&self) -> Books {
            self.books
        }

        pub fn fees_due(&self) -> i128 {
            self.books.fees - self.books.fees_withdrawn
        }

        pub fn claimed(&self, holder: usize) -> i128 {
            self.claimed[holder]
        }

        pub fn total_claimed(&self) -> i128 {
            self.claimed.iter().sum()
        }

        /// A payer's reward-asset balance.
        pub fn cash(&self, payer: Payer) -> i128 {
            match payer {
                Payer::Operator => self.operator_cash,
                Payer::Stranger => self.stranger_cash,
            }
        }

        /// What the distributor must hold.
        pub fn distributor_balance(&self) -> i128 {
            self.books.deposited - self.books.fees_withdrawn - self.total_claimed()
        }

        /// Every recorded epoch.
        pub fn recorded_epochs(&self) -> Vec<u64> {
            self.payouts.keys().copied().collect()
        }

        /// `owed = floor(reward * min(sold, hashrate) / hashrate)`, `sold` the time-weighted
        /// hashrate of the epoch's supply.
        fn owed(&self, report: &Report, supply_seconds: i128) -> i128 {
            let supply_seconds = if self.config.flaw == Flaw::OwedAtRecordSupply {
                self.supply * i128::from(self.config.epoch_seconds)
            } else {
                supply_seconds
            };
            let sold = mul_div_floor(
                supply_seconds,
                self.config.hashrate_per_share,
                SHARE_UNIT * i128::from(self.config.epoch_seconds),
            );
            if report.reward <= 0 || report.hashrate <= 0 || sold <= 0 {
                return 0;
            }
            mul_div_floor(report.reward, sold.min(report.hashrate), report.hashrate)
        }

        pub fn record(&mut self, epoch: u64) -> Result<Payout, Error> {
            if let Some(mut payout) = self.payouts.get(&epoch).copied() {
                if !payout.reported && payout.supply_seconds > 0 {
                    if let Some(report) = self.report(epoch) {
                        payout.owed = self.owed(&report, payout.supply_seconds);
                        payout.reported = true;
                        self.arrears += payout.owed;
                        self.payouts.insert(epoch, payout);
                    }
                }
                return Ok(payout);
            }
            if self.epoch_start(epoch) >= self.config.maturity {
                return Err(err(DistributorError::EpochAfterMaturity));
            }
            if epoch < self.next_epoch {
                return Err(err(DistributorError::EpochBeforeOffering));
            }
            if epoch > self.next_epoch {
                return Err(err(DistributorError::EarlierEpochOpen));
            }
            if self.epoch_end(epoch) > self.now {
                return Err(err(DistributorError::ReportNotEffective));
            }
            let supply_seconds = self.supply_seconds(epoch);
            let mut payout = Payout {
                supply_seconds,
                ..Payout::default()
            };
            if supply_seconds > 0 {
                match self.report(epoch) {
                    Some(report) => {
                        payout.owed = self.owed(&report, supply_seconds);
                        payout.reported = true;
                    }
                    None if self.current_epoch() - epoch > self.config.max_age_epochs => {}
                    None => return Err(err(DistributorError::ReportNotEffective)),
                }
            }
            self.arrears += payout.owed;
            self.next_epoch += 1;
            self.payouts.insert(epoch, payout);
            Ok(payout)
        }

        /// The supply `epoch` ended with.
        pub fn supply_at_end(&self, epoch: u64) -> i128 {
            let end = self.epoch_end(epoch);
            self.history
                .iter()
                .take_while(|(since, _)| *since < end)
                .last()
                .map_or(0, |(_, supply)| *supply)
        }

        /// `(per, cost)`: a unit of `epoch`'s debt costs `cost / per` now — `max(N E, SS + (N -
        /// K) E) / SS`, `K = min(S_end, N)`: every share held gets an average share's part and
        /// each of the `N - K` beyond the closing supply pays that much on top — or `(1, 1)`,
        /// its face value. `NoHolders` when no share is held now.
        fn sharing(&self, epoch: u64, payout: &Payout) -> Result<(i128, i128), Error> {
            let n = self.supply;
            if n <= 0 {
                return Err(err(DistributorError::NoHolders));
            }
            let length = i128::from(self.config.epoch_seconds);
            let ss = payout.supply_seconds;
            if ss <= 0 {
                return Ok((1, 1));
            }
            let kept = self.supply_at_end(epoch).clamp(0, n);
            let cost = (n * length).max(ss + (n - kept) * length);
            Ok(if cost <= ss { (1, 1) } else { (ss, cost) })
        }

        /// `(bound, outstanding)`: the most paying the rest of `epoch`'s debt may cost — an
        /// average share's part for each share held now beyond the epoch's closing supply, and
        /// at most parity for all of them, `outstanding × max(N, S_avg + N - K) / S_avg`, `K =
        /// min(S_end, N)`, rounded up — and what is outstanding. `None` when nothing is owed or
        /// no share is held now.
        pub fn parity_due(&self, epoch: u64) -> Option<(i128, i128)> {
            let mut p = self.payouts.get(&epoch).copied()?;
            if !p.reported && p.supply_seconds > 0 {
                if let Some(report) = self.report(epoch) {
                    p.owed = self.owed(&report, p.supply_seconds);
                }
            }
            let outstanding = p.owed - p.paid;
            let now = self.supply;
            if outstanding <= 0 || now <= 0 || p.supply_seconds <= 0 {
                return None;
            }
            let kept = self.supply_at_end(epoch).clamp(0, now);
            let average = q(p.supply_seconds) / qu(self.config.epoch_seconds);
            let shares = q(now).max(&average + q(now - kept));
            let bound = q(outstanding) * shares / &average;
            Some((ceil_q(&bound.max(q(outstanding))), outstanding))
        }

        /// The distributor's `due`: what paying the rest of a recorded epoch's debt costs now
        /// (for one closed without a report, once its late report is effective).
        pub fn due(&self, epoch: u64) -> Result<i128, Error> {
            let Some(mut p) = self.payouts.get(&epoch).copied() else {
                return Ok(0);
            };
            if !p.reported && p.supply_seconds > 0 {
                if let Some(report) = self.report(epoch) {
                    p.owed = self.owed(&report, p.supply_seconds);
                }
            }
            let outstanding = p.owed - p.paid;
            if outstanding <= 0 {
                return Ok(0);
            }
            let (per, cost) = self.sharing(epoch, &p)?;
            Ok(if cost <= per {
                outstanding
            } else {
                mul_div_ceil(outstanding, cost, per)
            })
        }

        /// [`Model::due`] once `epoch` and every earlier epoch are recorded, if they can be now.
        pub fn due_through(&self, epoch: u64) -> i128 {
            let mut copy = self.clone();
            for earlier in copy.next_epoch..epoch {
                if copy.record(earlier).is_err() {
                    return 0;
                }
            }
            copy.record(epoch)
                .map_or(0, |_| copy.due(epoch).unwrap_or(0))
        }

        /// [`Model::due`] once `epoch` is recorded, if it can be now.
        pub fn due_after_record(&self, epoch: u64) -> i128 {
            let mut copy = self.clone();
            copy.record(epoch)
                .map_or(0, |_| copy.due(epoch).unwrap_or(0))
        }

        /// The split of a deposit of `amount` (> 0) towards `outstanding` (> 0) debt of which a
        /// unit costs `cost / per`.
        fn split(&self, amount: i128, outstanding: i128, per: i128, cost: i128) -> Split {
            let (used, debt) = if cost <= per {
                let debt = amount.min(outstanding);
                (debt, debt)
            } else {
                let due = mul_div_ceil(outstanding, cost, per);
                if amount >= due {
                    (due, outstanding)
                } else {
                    (amount, mul_div_floor(amount, per, cost))
                }
            };
            Split {
                used,
                debt,
                topup: used - debt,
                fee: mul_div_floor(used, i128::from(self.config.fee_bps), BPS),
            }
        }

        pub fn deposit(&mut self, payer: Payer, epoch: u64, amount: i128) -> Result<Split, Error> {
            if amount <= 0 {
                return Err(err(DistributorError::InvalidAmount));
            }
            if self.distributor_paused {
                return Err(err(DistributorError::Paused));
            }
            let mut payout = self.record(epoch)?;
            let outstanding = payout.owed - payout.paid;
            if outstanding <= 0 {
                return Err(err(DistributorError::NothingOwed));
            }
            let (per, cost) = self.sharing(epoch, &payout)?;
            let split = self.split(amount, outstanding, per, cost);
            assert!(
                self.cash(payer) >= amount,
                "payers are funded for every case"
            );
            payout.paid += split.debt;
            payout.topup += split.topup;
            payout.fee += split.fee;
            self.payouts.insert(epoch, payout);
            self.arrears -= split.debt;
            self.books.deposited += split.used;
            self.books.topups += split.topup;
            self.books.fees += split.fee;
            match payer {
                Payer::Operator => self.operator_cash -= split.used,
                Payer::Stranger => self.stranger_cash -= split.used,
            }
            let streamed = if self.config.flaw == Flaw::FeeToHolders {
                split.used
            } else {
                split.used - split.fee
            };
            self.checkpoints += 1;
            if streamed > 0 {
                self.stream(streamed)?;
            }
            Ok(split)
        }

        /// `claim`: refused while paused; what it pays is the ledger's (see
        /// [`Model::book_claim`]).
        pub fn claim(&mut self, _holder: usize) -> Result<(), Error> {
            if self.distributor_paused {
                return Err(err(DistributorError::Paused));
            }
            self.checkpoints += 1;
            Ok(())
        }

        /// Books a claim the checker bounded.
        pub fn book_claim(&mut self, holder: usize, amount: i128) {
            self.claimed[holder] += amount;
            if holder == self.operator() {
                self.operator_cash += amount;
            }
        }

        /// `withdraw_fees`: every fee accrued and not yet withdrawn.
        pub fn withdraw_fees(&mut self) -> Result<i128, Error> {
            if self.distributor_paused {
                return Err(err(DistributorError::Paused));
            }
            let amount = self.fees_due();
            self.books.fees_withdrawn += amount;
            Ok(amount)
        }
    }
}
