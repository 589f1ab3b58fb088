//! What time and new code do to the state, end to end on the compiled WASM.
//!
//! TTL. Every entry is extended when touched (instances to 30 days, persistent entries to 120
//! days). An entry nobody touches for longer expires: on the network it is *archived*, not
//! deleted, and a transaction restores it (automatically since protocol 23, when it is in the
//! footprint). The test host emulates that automatic restoration (soroban-sdk ≥ 23): reading an
//! expired persistent entry restores it with the minimum TTL first. The tests therefore show
//! the expiry in the ledger itself (`live_until` below the current ledger, read from the
//! snapshot, which restores nothing), then that the holder's shares and rewards come back
//! intact and are extended again on their first use.
//!
//! Upgrade. Each contract is upgraded by its admin to its "next version" (the same code plus
//! `version() -> 2`, so a genuinely different WASM), and every stored value and every read
//! stays identical, and the system keeps working.
use hashshare_interfaces::SHARE_UNIT;
use hashshare_tests::fixture::{advance, wasm, Suite, TH_PER_SHARE};
use soroban_sdk::{
    testutils::{storage::Persistent as _, Address as _},
    vec,
    xdr::{ContractDataDurability, LedgerEntryData, LedgerKey, ScAddress, ScSymbol, ScVal, ScVec},
    Address, Env, IntoVal, Symbol, Val,
};

const DAY: u64 = 86_400;
const HOUR: u64 = 3_600;
/// Ledgers a day, at 5 s each (as `advance` moves them).
const DAY_IN_LEDGERS: u32 = 17_280;
/// Persistent entries are kept 120 days ahead.
const PERSISTENT_BUMP: u32 = 120 * DAY_IN_LEDGERS;
/// Instances are kept 30 days ahead.
const INSTANCE_BUMP: u32 = 30 * DAY_IN_LEDGERS;
const TERM: u64 = 2 * 365 * DAY;
const FUNDS: i128 = 1_000_000_000_000;

fn shares(n: i128) -> i128 {
    n * SHARE_UNIT
}

fn th(n: i128) -> i128 {
    n * TH_PER_SHARE
}

/// The share token's storage key of `holder`'s entry, `DataKey::Holder(holder)`: a
/// `#[contracttype]` enum variant is stored as `Vec[Symbol("Holder"), Address]`.
fn holder_key(env: &Env, holder: &Address) -> Val {
    (Symbol::new(env, "Holder"), holder.clone()).into_val(env)
}

fn holder_key_xdr(holder: &Address) -> ScVal {
    ScVal::Vec(Some(ScVec(
        std::vec![
            ScVal::Symbol(ScSymbol("Holder".try_into().expect("a symbol"))),
            ScVal::Address(ScAddress::from(holder)),
        ]
        .try_into()
        .expect("two elements"),
    )))
}

/// `live_until` of `contract`'s persistent entry `key` as stored in the ledger, read from the
/// snapshot: unlike a read through the host, this restores nothing.
fn stored_live_until(env: &Env, contract: &Address, key: &ScVal) -> Option<u32> {
    let contract = ScAddress::from(contract);
    env.to_ledger_snapshot()
        .ledger_entries
        .into_iter()
        .find_map(|(k, (_, live_until))| match *k {
            LedgerKey::ContractData(data)
                if data.contract == contract
                    && &data.key == key
                    && data.durability == ContractDataDurability::Persistent =>
            {
                live_until
            }
            _ => None,
        })
}

/// `live_until` of every persistent entry (instance included) of `contract`.
fn all_live_until(env: &Env, contract: &Address) -> std::vec::Vec<(ScVal, u32)> {
    let contract = ScAddress::from(contract);
    env.to_ledger_snapshot()
        .ledger_entries
        .into_iter()
        .filter_map(|(k, (_, live_until))| match *k {
            LedgerKey::ContractData(data)
                if data.contract == contract
                    && data.durability == ContractDataDurability::Persistent =>
            {
                Some((data.key, live_until.expect("contract data has a TTL")))
            }
            _ => None,
        })
        .collect()
}

fn holder_ttl(s: &Suite, holder: &Address) -> u32 {
    let env = &s.env;
    env.as_contract(&s.token.address, || {
        env.storage().persistent().get_ttl(&holder_key(env, holder))
    })
}

/// Moves the clock forward to the start of `epoch`.
fn advance_to_epoch(s: &Suite, epoch: u64) {
    let start = s.pool_config.genesis + epoch * s.pool_config.epoch_seconds;
    advance(&s.env, start - s.env.ledger().timestamp());
}

/// A pool of 1,000 TH/s, 100 shares for `idle` and 900 for `active` from the start of epoch 2,
/// which earns 86,400,000; the epoch deposited in full (no fee) and its stream (until the end
/// of epoch 4) run to its end: `idle` has 8,640,000 to claim.
fn funded_holders() -> (Suite, Address, Address) {
    let s = Suite::new(TERM, 0, FUNDS);
    s.attest(th(1_000), 0);
    advance_to_epoch(&s, 2);
    let (idle, active) = (Address::generate(&s.env), Address::generate(&s.env));
    s.token.mint(&idle, &shares(100));
    s.token.mint(&active, &shares(900));
    let epoch = s.attest(th(1_000), 86_400_000);
    assert_eq!(s.record_through(epoch).owed, 86_400_000);
    s.distributor.deposit(&s.operator, &epoch, &86_400_000);
    advance_to_epoch(&s, 5);
    assert_eq!(s.token.accrued(&idle), 8_640_000);
    (s, idle, active)
}

/// The idle holder is not touched for 121 days while others trade and claim every 10 days,
/// keeping the three contract instances alive. Its holder entry expires (archived on the
/// network); its shares and rewards are intact when it comes back, the entry is extended to
/// 120 days again on that first read, and the claim pays in full.
#[test]
fn a_holder_idle_beyond_the_entry_ttl_keeps_its_shares_and_rewards_while_others_are_active() {
    let (s, idle, active) = funded_holders();
    let env = &s.env;
    let key = holder_key_xdr(&idle);
    // The reads above extended it to the full 120 days (at most once a day).
    let ttl = holder_ttl(&s, &idle);
    assert!(
        (PERSISTENT_BUMP - DAY_IN_LEDGERS..=PERSISTENT_BUMP).contains(&ttl),
        "{ttl}"
    );
    let expires = stored_live_until(env, &s.token.address, &key).expect("the idle holder");
    assert_eq!(expires, env.ledger().sequence() + ttl);

    let buyer = Address::generate(env);
    let mut claimed = 0;
    for _ in 0..13 {
        advance(env, 10 * DAY);
        s.sep41.transfer(&active, &buyer, &shares(1));
        s.sep41.transfer(&buyer, &active, &shares(1));
        claimed += s.distributor.claim(&active);
        assert!(s.oracle.latest(&s.pool).is_some());
    }
    assert_eq!(claimed, 900 * 86_400);
    let now = env.ledger().sequence();
    assert!(now > expires, "130 days on, past the 120-day TTL");
    assert_eq!(
        stored_live_until(env, &s.token.address, &key),
        Some(expires),
        "nobody touched the idle holder's entry: it has expired (archived, not deleted)"
    );
    // The active holder's own transfers kept its entry extended, never more than a day short.
    let active_ttl = holder_ttl(&s, &active);
    assert!(
        (PERSISTENT_BUMP - DAY_IN_LEDGERS..=PERSISTENT_BUMP).contains(&active_ttl),
        "{active_ttl}"
    );
    for contract in [&s.oracle.address, &s.token.address, &s.distributor.address] {
        let instance = stored_live_until(env, contract, &ScVal::LedgerKeyContractInstance)
            .expect("an instance");
        assert!(
            instance >= now + INSTANCE_BUMP - DAY_IN_LEDGERS,
            "kept alive"
        );
    }

    // The holder comes back: the first read restores the entry and extends it again.
    assert_eq!(s.sep41.balance(&idle), shares(100));
    assert_eq!(holder_ttl(&s, &idle), PERSISTENT_BUMP);
    assert_eq!(s.token.accrued(&idle), 8_640_000);
    assert_eq!(s.distributor.claim(&idle), 8_640_000);
    assert_eq!(s.reward.balance(&idle), 8_640_000);
    assert_eq!(s.reward.balance(&s.distributor.address), 0);
    s.sep41.transfer(&idle, &buyer, &shares(100));
    assert_eq!(s.sep41.balance(&buyer), shares(100));
}

/// Nobody touches anything for 200 days: every persistent entry of the three contracts
/// (instances, configurations, reports, payouts, holders) expires. The idle holder's claim
/// still pays in full: the archived entries are restored, not lost, and extended again.
#[test]
fn a_holder_idle_while_every_entry_expires_keeps_its_shares_and_rewards_after_restoration() {
    let (s, idle, active) = funded_holders();
    let env = &s.env;
    advance(env, 200 * DAY);
    let now = env.ledger().sequence();
    let contracts = [&s.oracle.address, &s.token.address, &s.distributor.address];
    for contract in contracts {
        let entries = all_live_until(env, contract);
        assert!(entries.len() >= 2, "an instance and persistent entries");
        for (key, live_until) in entries {
            assert!(live_until < now, "{key:?} of {contract:?} still live");
        }
    }

    assert_eq!(s.distributor.claim(&idle), 8_640_000);
    assert_eq!(s.reward.balance(&idle), 8_640_000);
    assert_eq!(holder_ttl(&s, &idle), PERSISTENT_BUMP);
    let instance = stored_live_until(env, &s.token.address, &ScVal::LedgerKeyContractInstance);
    assert_eq!(instance, Some(now + INSTANCE_BUMP), "restored and extended");
    assert_eq!(s.sep41.balance(&idle), shares(100));
    assert_eq!(s.distributor.claim(&active), 900 * 86_400);
    assert_eq!(s.reward.balance(&s.distributor.address), 0);
    assert_eq!(s.token.total_supply(), shares(1_000));
}

/// Everything a reader can ask the three contracts (and the reward asset) about the state.
fn reads(
    s: &Suite,
    people: &[Address],
) -> std::vec::Vec<(std::string::String, std::string::String)> {
    let mut out = std::vec::Vec::new();
    let mut read = |name: std::string::String, value: std::string::String| out.push((name, value));
    let (o, t, d) = (&s.oracle, &s.token, &s.distributor);
    read("oracle.pool".into(), format!("{:?}", o.pool(&s.pool)));
    read(
        "oracle.current_epoch".into(),
        format!("{:?}", o.current_epoch(&s.pool)),
    );
    read("oracle.latest".into(), format!("{:?}", o.latest(&s.pool)));
    read(
        "oracle.capacity".into(),
        format!("{:?}", o.capacity(&s.pool)),
    );
    read(
        "oracle.minter_capacity".into(),
        format!("{:?}", o.minter_capacity(&s.pool)),
    );
    read("oracle.token".into(), format!("{:?}", o.token(&s.pool)));
    read("oracle.admin".into(), format!("{:?}", o.admin()));
    for epoch in 0..7u64 {
        read(
            format!("oracle.report({epoch})"),
            format!("{:?}", o.report(&s.pool, &epoch)),
        );
        read(
            format!("distributor.epoch({epoch})"),
            format!("{:?}", d.epoch(&epoch)),
        );
        read(
            format!("distributor.due({epoch})"),
            format!("{:?}", d.due(&epoch)),
        );
        read(
            format!("token.epoch_supply({epoch})"),
            format!("{:?}", t.epoch_supply(&epoch, &0)),
        );
    }
    read(
        "token.total_supply".into(),
        format!("{:?}", t.total_supply()),
    );
    read("token.name".into(), format!("{:?}", s.sep41.name()));
    read("token.symbol".into(), format!("{:?}", s.sep41.symbol()));
    read("token.decimals".into(), format!("{:?}", s.sep41.decimals()));
    read("token.maturity".into(), format!("{:?}", t.maturity()));
    read(
        "token.hashrate_per_share".into(),
        format!("{:?}", t.hashrate_per_share()),
    );
    read("token.oracle".into(), format!("{:?}", t.oracle()));
    read("token.pool".into(), format!("{:?}", t.pool()));
    read("token.operator".into(), format!("{:?}", t.operator()));
    read("token.distributor".into(), format!("{:?}", t.distributor()));
    read("token.admin".into(), format!("{:?}", t.admin()));
    read("token.paused".into(), format!("{:?}", t.paused()));
    read("distributor.arrears".into(), format!("{:?}", d.arrears()));
    read("distributor.totals".into(), format!("{:?}", d.totals()));
    read(
        "distributor.next_epoch".into(),
        format!("{:?}", d.next_epoch()),
    );
    read(
        "distributor.fee_recipient".into(),
        format!("{:?}", d.fee_recipient()),
    );
    read("distributor.fee_bps".into(), format!("{:?}", d.fee_bps()));
    read("distributor.admin".into(), format!("{:?}", d.admin()));
    read("distributor.paused".into(), format!("{:?}", d.paused()));
    for (i, who) in people.iter().enumerate() {
        read(
            format!("token.balance({i})"),
            format!("{:?}", s.sep41.balance(who)),
        );
        read(
            format!("token.accrued({i})"),
            format!("{:?}", t.accrued(who)),
        );
        read(
            format!("distributor.claimable({i})"),
            format!("{:?}", d.claimable(who)),
        );
        read(
            format!("reward.balance({i})"),
            format!("{:?}", s.reward.balance(who)),
        );
        for (j, spender) in people.iter().enumerate() {
            let allowance = s.sep41.allowance(who, spender);
            read(
                format!("token.allowance({i}, {j})"),
                format!("{allowance:?}"),
            );
        }
    }
    read(
        "reward.balance(distributor)".into(),
        format!("{:?}", s.reward.balance(&d.address)),
    );
    read(
        "reward.balance(fee)".into(),
        format!("{:?}", s.reward.balance(&s.fee_recipient)),
    );
    read(
        "reward.balance(operator)".into(),
        format!("{:?}", s.reward.balance(&s.operator)),
    );
    read(
        "reward.allowance(operator, distributor)".into(),
        format!("{:?}", s.reward.allowance(&s.operator, &d.address)),
    );
    out
}

/// Every stored value of the three contracts (TTLs aside): each contract-data entry, and of
/// each instance its storage (its executable is what an upgrade changes).
fn stored_values(s: &Suite) -> std::vec::Vec<std::string::String> {
    let contracts: std::vec::Vec<ScAddress> =
        [&s.oracle.address, &s.token.address, &s.distributor.address]
            .into_iter()
            .map(ScAddress::from)
            .collect();
    let mut values: std::vec::Vec<std::string::String> = s
        .env
        .to_ledger_snapshot()
        .ledger_entries
        .into_iter()
        .filter_map(|(key, (entry, _))| {
            let LedgerKey::ContractData(key) = *key else {
                return None;
            };
            if !contracts.contains(&key.contract) {
                return None;
            }
            let LedgerEntryData::ContractData(data) = entry.data else {
                return None;
            };
            let value = match data.val {
                ScVal::ContractInstance(instance) => format!("{:?}", instance.storage),
                other => format!("{other:?}"),
            };
            Some(format!("{:?} {:?} = {value}", key.contract, key.key))
        })
        .collect();
    values.sort();
    values
}

fn version(env: &Env, contract: &Address) -> Option<u32> {
    env.try_invoke_contract::<u32, soroban_sdk::Error>(
        contract,
        &Symbol::new(env, "version"),
        vec![env],
    )
    .ok()
    .and_then(Result::ok)
}

/// State of every kind is built (reports, a round of submissions still open, minted and
/// transferred shares, an allowance, a stream running with a mint's top-up in it, a partly
/// paid and an unpaid recorded epoch, the recording cursor, claims, accrued fees), then each
/// contract is upgraded by its admin to its next version's WASM. Every stored value and every
/// read is identical afterwards, the new code answers `version() == 2`, and the system keeps
/// working on the old state: the open round completes with the submission in it, the debts are
/// paid, holders claim exactly, shares move and are minted, fees are withdrawn, and the
/// books close.
#[test]
fn an_upgrade_of_each_contract_keeps_every_balance_report_and_payout() {
    let s = Suite::new(TERM, 250, FUNDS);
    let env = &s.env;
    let people: std::vec::Vec<Address> = (0..4).map(|_| Address::generate(env)).collect();
    let [a, b, c, d] = <[Address; 4]>::try_from(people.clone()).expect("four");
    let reporters = &s.pool_config.reporters;

    s.attest(th(1_000), 0); // epoch 0: the capacity
    advance_to_epoch(&s, 2);
    s.token.mint(&a, &shares(500));
    s.token.mint(&b, &shares(300));
    s.token.mint(&c, &shares(100));
    s.sep41
        .approve(&a, &d, &shares(50), &(env.ledger().sequence() + 100_000));
    // Epoch 2 sells 900 of 1,000 TH/s all day: 45,000,000 of 50,000,000 owed; 30,000,000 paid.
    assert_eq!(s.attest(th(1_000), 50_000_000), 2);
    assert_eq!(s.record_through(2).owed, 45_000_000);
    s.distributor.deposit(&s.operator, &2, &30_000_000);
    advance(env, 10_000);
    s.sep41.transfer(&a, &c, &shares(100));
    // 300 of 900 shares, 10,000 s of the 29,250,000 streaming over 169,200 s: 576,241.13.
    let claimed_b = s.distributor.claim(&b);
    assert_eq!(claimed_b, 576_241);
    // Epoch 3: 18,000,000 owed, half paid; its stream runs until the end of epoch 5.
    assert_eq!(s.attest(th(1_000), 20_000_000), 3);
    assert_eq!(s.record_through(3).owed, 18_000_000);
    s.distributor.deposit(&s.operator, &3, &9_000_000);
    advance_to_epoch(&s, 5);
    let first = reporters.get(0).expect("a reporter");
    s.oracle
        .submit(&first, &s.pool, &4, &th(1_000), &10_000_000); // waits for the others
    advance(env, 500);
    let operator_funds = s.reward.balance(&s.operator);
    // A mint pays the running stream's top-up. Epoch 3's stream (8,775,000 over 169,200 s)
    // has 85,900 s to run, 4,454,920.2 left: the 10 new shares' part of it, for 900, is
    // 49,499.1, rounded up to 49,500; grossed up by the 2.5% fee to the least amount that
    // leaves it: 50,769 (50,769 - floor(1,269.2)) is taken.
    s.token.mint(&d, &shares(10));
    let topup = 49_500;
    let gross = operator_funds - s.reward.balance(&s.operator);
    assert_eq!(gross, 50_769);
    advance(env, 500);

    let reads_before = reads(&s, &people);
    let stored_before = stored_values(&s);
    // Not a vacuous comparison: the holders, reports, the waiting submission, payouts and
    // the supply integrals of the epochs the supply changed in.
    let count = |kind: &str| {
        let kind = format!("StringM({kind})");
        stored_before.iter().filter(|v| v.contains(&kind)).count()
    };
    assert_eq!(
        [
            count("Holder"),
            count("Report"),
            count("Submissions"),
            count("Payout"),
            count("EpochSupply"),
        ],
        [4, 3, 1, 4, 2]
    );
    assert_eq!(s.distributor.next_epoch(), 4);
    let books = s.distributor.totals();
    assert_eq!(books.deposited, 30_000_000 + 9_000_000 + gross);
    assert_eq!(books.topups, gross);
    assert_eq!(
        books.fees,
        (30_000_000 + 9_000_000) * 250 / 10_000 + gross - topup
    );
    let contracts = [
        (s.oracle.address.clone(), "pool_oracle_next"),
        (s.token.address.clone(), "share_token_next"),
        (s.distributor.address.clone(), "payout_distributor_next"),
    ];
    for (id, next) in &contracts {
        assert_eq!(version(env, id), None, "the old code has no `version`");
        let hash = env.deployer().upload_contract_wasm(wasm(next).as_slice());
        env.invoke_contract::<()>(id, &Symbol::new(env, "upgrade"), vec![env, hash.to_val()]);
        assert_eq!(env.auths()[0].0, s.admin, "the admin upgrades");
        assert_eq!(version(env, id), Some(2), "now running {next}");
    }
    assert_eq!(stored_values(&s), stored_before, "every stored value kept");
    let reads_after = reads(&s, &people);
    for (before, after) in reads_before.iter().zip(&reads_after) {
        assert_eq!(before, after);
    }
    assert_eq!(reads_before.len(), reads_after.len());

    // The system keeps working on the old state: the other four reporters complete the round
    // the first one opened before the upgrade (rewards [10, 10, 12, 10, 12] million).
    for (i, reward) in [
        (1, 10_000_000),
        (2, 12_000_000),
        (3, 10_000_000),
        (4, 12_000_000),
    ] {
        let reporter = reporters.get(i).expect("a reporter");
        s.oracle.submit(&reporter, &s.pool, &4, &th(1_000), &reward);
    }
    advance(env, HOUR);
    let report = s.oracle.report(&s.pool, &4).expect("effective");
    assert_eq!(
        (report.reward, report.submissions),
        (10_000_000, 5),
        "the submission from before the upgrade counted"
    );
    assert_eq!(s.record_through(4).owed, 9_000_000);
    // 910 shares now for the 900 each epoch was sized for: each unit of debt costs 91/90.
    let mut paid_after = 0;
    for (epoch, due) in [(2, 15_166_667), (3, 9_100_000), (4, 9_100_000)] {
        assert_eq!(s.distributor.due(&epoch), due);
        s.distributor.deposit(&s.operator, &epoch, &due);
        paid_after += due;
    }
    assert_eq!(s.distributor.arrears(), 0);
    s.sep41.transfer_from(&d, &a, &d, &shares(50));
    s.sep41.transfer(&c, &b, &shares(50));
    let operator_funds = s.reward.balance(&s.operator);
    s.token.mint(&d, &shares(10));
    // The new lane (the three deposits, 32,532,501 after fees) and what is left of epoch
    // 3's (4,289,419.8), each times 10 / 910, rounded up: 404,638; grossed up by the fee to
    // the least amount that leaves it, 415,013 (415,013 - floor(10,375.3)).
    let second_topup = 357_501 + 47_137;
    let second_gross = operator_funds - s.reward.balance(&s.operator);
    assert_eq!(second_gross, 415_013);
    advance(env, 3 * DAY); // every stream has ended
    let mut claimed = claimed_b;
    for who in &people {
        claimed += s.distributor.claim(who);
        assert_eq!(s.distributor.claim(who), 0);
    }
    let books = s.distributor.totals();
    let taken = 30_000_000 + 9_000_000 + paid_after;
    assert_eq!(books.deposited, taken + gross + second_gross);
    assert_eq!(
        books.topups,
        gross + second_gross + 166_667 + 100_000 + 100_000
    );
    let deposit_fees: i128 = [30_000_000, 9_000_000, 15_166_667, 9_100_000, 9_100_000]
        .iter()
        .map(|amount| amount * 250 / 10_000)
        .sum();
    let fees = deposit_fees + (gross - topup) + (second_gross - second_topup);
    assert_eq!(books.fees, fees);
    assert_eq!(s.distributor.withdraw_fees(), fees);
    assert_eq!(s.reward.balance(&s.fee_recipient), fees);
    let left = s.reward.balance(&s.distributor.address);
    assert_eq!(claimed, books.deposited - fees - left, "the books close");
    // What is left is the holders' fractions of a unit (under one each) and the streams'
    // leftovers (under one index unit per base unit of supply).
    assert!(left <= 4, "only rounding dust is left: {left}");
    assert_eq!(s.token.total_supply(), shares(920));
}
