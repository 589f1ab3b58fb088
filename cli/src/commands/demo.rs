//! `hashshare demo`: the whole lifecycle on a fresh in-memory network, each call run on the
//! compiled WASM and measured, ending with the conservation check of the books.
//!
//! The story, on daily epochs (time is emulated): 5 reporters attest 7 epochs (all five each
//! epoch: the last submission finalizes it at once) before the sustained capacity lets anything
//! be minted; an oversale is refused; only three reporters attest the next epoch, whose round
//! `finalize` closes once it has been open for the dispute window (not before); shares are
//! minted at the start of an epoch; two colluding reporters submit first for it and do not
//! decide its median; the operator pays that epoch's debt in
//! two deposits (the second offers more than is due and gets the rest back), minting more
//! shares mid-stream in between (it pays their top-up into the running stream); a stranger's
//! small deposit joins a stream without delaying any; an investor sells mid-stream; everyone
//! claims; the fee recipient withdraws the fees; and the books close.
use std::path::Path;

use crate::{
    error::{CallError, CliError},
    ledger::{AddressBook, Chain},
    local::ACCOUNTS,
    output,
    suite::{account_strkey, OfferingParams, PoolParams, Round, Session},
    units::shares,
    wasm::Artifacts,
};

use super::{deposit, finalize, mint, step, step_with, submit};

const DAY: u64 = 86_400;
const HOUR: u64 = 3_600;
const TH: i128 = 1_000_000_000_000;
const SHARE: i128 = hashshare_interfaces::SHARE_UNIT;
/// The net reward the pool earns per epoch at 100 TH/s.
const REWARD: i128 = 100_000;
const OPERATOR_FUNDS: i128 = 1_000_000;
const EVE_FUNDS: i128 = 10_000;
const CAPACITY_EPOCHS: u32 = 7;
const REPORTERS: [&str; 5] = [
    "reporter1",
    "reporter2",
    "reporter3",
    "reporter4",
    "reporter5",
];

pub fn run(wasm_dir: Option<&Path>) -> Result<(), CliError> {
    let artifacts = Artifacts::load(wasm_dir)?;
    let book = AddressBook::new(
        ACCOUNTS
            .iter()
            .map(|name| (name.to_string(), account_strkey("demo", name))),
    );
    let mut s = Session {
        chain: Chain::genesis(),
        book,
        deployment: None,
    };
    println!("hashshare demo: a fresh embedded Soroban network running the compiled WASM");
    println!("(each call runs in a host loaded from the ledger snapshot, so its cost is its own;");
    println!(" time is emulated: the ledger clock jumps forward between steps)");
    println!();

    let params = OfferingParams {
        pool: "antpool_s19".into(),
        schedule: PoolParams {
            operator: "operator".into(),
            reporters: REPORTERS.map(String::from).to_vec(),
            quorum: 3,
            epoch_seconds: DAY,
            genesis: None,
            dispute_seconds: HOUR,
            max_age_epochs: 2,
            capacity_epochs: CAPACITY_EPOCHS,
        },
        name: "Antpool S19 hashrate 2026".into(),
        symbol: "HASH26".into(),
        hashrate_per_share: TH,
        term: 365 * DAY,
        fee_bps: 500,
        fee_recipient: "fee".into(),
    };
    println!(
        "-- deploy: daily epochs, 5 reporters with quorum 3, 1 h dispute window, capacity over \
{CAPACITY_EPOCHS} epochs, 1 share = 1 TH/s, 5% fee"
    );
    for (title, cost) in s.deploy(&artifacts, "admin", &params)? {
        output::step(&title, &cost);
    }
    let genesis = s.chain.timestamp();
    let at = |s: &mut Session, moment: u64| {
        let now = s.chain.timestamp();
        s.chain.advance((genesis + moment).saturating_sub(now));
    };
    step(
        &mut s,
        &format!("fund operator with {OPERATOR_FUNDS} reward units (signed by admin)"),
        |s| s.fund("admin", "operator", OPERATOR_FUNDS),
    )?;
    step(
        &mut s,
        &format!("fund eve with {EVE_FUNDS} reward units (signed by admin)"),
        |s| s.fund("admin", "eve", EVE_FUNDS),
    )?;

    println!();
    println!(
        "-- epochs 0..6: the pool delivers 100 TH/s; all 5 reporters attest each epoch, and the last \
submission finalizes it at once. Nothing may be minted until {CAPACITY_EPOCHS} consecutive epochs are effective"
    );
    let everyone = REPORTERS.map(|reporter| (reporter, 100 * TH, REWARD));
    for epoch in 0..u64::from(CAPACITY_EPOCHS) {
        at(&mut s, (epoch + 1) * DAY);
        let round = if epoch == 0 {
            attest(&mut s, epoch, &everyone)?
        } else {
            let mut last = None;
            for (reporter, hs, reward) in everyone {
                last = Some(s.submit(reporter, Some(epoch), hs, reward)?.0);
            }
            last
        };
        if !matches!(round, Some(Round::Finalized(_))) {
            return Err(CliError::Conservation(format!(
                "epoch {epoch} did not finalize with every reporter's submission"
            )));
        }
        s.chain.advance(HOUR);
        println!(
            "==> epoch {epoch} attested by reporter1..5 (100 TH/s, reward {REWARD}); effective 1 h later: capacity {}",
            s.capacity_view()?.capacity_line()
        );
    }

    println!();
    println!("-- the operator tries to sell more hashrate than the pool sustains");
    match s.mint("operator", "alice", 101 * SHARE) {
        Err(CliError::Call {
            error: error @ CallError::Contract(_),
            ..
        }) => println!("==> mint 101 shares to alice: refused, {error} (100 TH/s sustained)"),
        Err(other) => return Err(other),
        Ok(_) => {
            return Err(CliError::Conservation(
                "a mint beyond the sustained capacity was accepted".into(),
            ))
        }
    }

    println!();
    println!(
        "-- epoch 7 ends; only three reporters attest it, with differing values (reporter2 and reporter3"
    );
    println!(
        "   are offline): a quorum, but not every reporter, so the round stays open for the 1 h window"
    );
    at(&mut s, 8 * DAY);
    attest(
        &mut s,
        7,
        &[
            ("reporter1", 100 * TH, REWARD),
            ("reporter4", 104 * TH, 104_000),
            ("reporter5", 98 * TH, 98_000),
        ],
    )?;
    match s.finalize("eve", 7) {
        Err(CliError::Explained {
            error: error @ CallError::Contract(116),
            detail,
            ..
        }) => println!("==> eve tries to finalize epoch 7 at once: refused, {error}; {detail}"),
        Err(other) => return Err(other),
        Ok(_) => {
            return Err(CliError::Conservation(
                "finalize closed a round before its window had passed".into(),
            ))
        }
    }
    println!(
        "-- at the start of epoch 8 the operator sells 90 of the 100 TH/s (epochs 0..6 back it)"
    );
    mint(&mut s, "operator", "alice", 60 * SHARE)?;
    mint(&mut s, "operator", "bob", 30 * SHARE)?;

    println!();
    println!(
        "-- an hour after the round's first submission anyone may finalize epoch 7 with the three in:"
    );
    println!("   the median counts; the report is effective an hour later");
    at(&mut s, 8 * DAY + HOUR);
    finalize(&mut s, "eve", 7)?;

    println!();
    println!(
        "-- epoch 8 ends (90 shares held all of it). Two colluding reporters submit first, under-reporting"
    );
    println!(
        "   its reward; with the third submission a quorum is in, but the round waits for every reporter"
    );
    at(&mut s, 9 * DAY);
    let colluded = 10_000;
    let round = attest(
        &mut s,
        8,
        &[
            ("reporter4", 100 * TH, colluded),
            ("reporter5", 100 * TH, colluded),
            ("reporter1", 100 * TH, REWARD),
        ],
    )?;
    if !matches!(round, Some(Round::Open(_))) {
        return Err(CliError::Conservation(
            "a quorum of submissions finalized an epoch before every reporter was in".into(),
        ));
    }
    println!(
        "==> the lower median of these three would be {colluded}, the colluders' value: the old rule finalized here"
    );
    let round = attest(
        &mut s,
        8,
        &[
            ("reporter2", 100 * TH, REWARD),
            ("reporter3", 100 * TH, REWARD),
        ],
    )?;
    match round {
        Some(Round::Finalized(f)) if f.reward == REWARD => println!(
            "==> the median of all five is {REWARD}: two colluders cannot decide it (had reporter2 and reporter3 \
stayed silent for the whole hour, `finalize` would have closed the round with {colluded}: the window is the honest \
reporters' time to submit)"
        ),
        _ => {
            return Err(CliError::Conservation(
                "two colluding reporters decided epoch 8's median".into(),
            ))
        }
    }
    at(&mut s, 9 * DAY + HOUR);
    println!();
    println!(
        "-- the operator pays part of epoch 8's debt (every earlier epoch is recorded first, in order);"
    );
    println!("   it streams to holders until the end of the next epoch");
    let mut outcomes = vec![deposit(&mut s, "operator", 8, 50_000)?];

    println!();
    println!(
        "-- 12 h into the stream the operator sells its last 10 TH/s: the mint pays the new shares' part"
    );
    println!("   of the running stream (its top-up), so the holders' per-share rate does not drop");
    at(&mut s, 9 * DAY + 13 * HOUR);
    let mint_topup = mint(&mut s, "operator", "carol", 10 * SHARE)?;

    println!();
    println!("-- epoch 9 ends and is attested by every reporter");
    at(&mut s, 10 * DAY);
    attest(&mut s, 9, &everyone)?;
    at(&mut s, 10 * DAY + HOUR);
    println!();
    println!(
        "-- the operator offers 50000 for the rest of epoch 8: 100 shares exist now, 90 were sold in"
    );
    println!("   the epoch, so the debt costs 100/90 of its face value; the rest is sent back");
    outcomes.push(deposit(&mut s, "operator", 8, 50_000)?);

    println!();
    println!(
        "-- eve, a stranger to the offering, pays 1000 towards epoch 9: her deposit streams until the"
    );
    println!(
        "   end of the next epoch beside the earlier stream, which it neither restarts nor delays"
    );
    let eve = deposit(&mut s, "eve", 9, 1_000)?;
    if outcomes[0].stream_end >= eve.stream_end {
        return Err(CliError::Conservation(
            "a later deposit ended an earlier stream".into(),
        ));
    }
    if let (Some(first), Some(eve_end)) = (outcomes[0].stream_end, eve.stream_end) {
        println!(
            "==> the first deposit still streams until {}; eve's until {}",
            output::utc(first),
            output::utc(eve_end)
        );
    }
    outcomes.push(eve);
    println!();
    println!("-- the operator pays the rest of epoch 9: exactly what is due now");
    let due = s
        .status()?
        .epochs
        .iter()
        .find(|(e, _, _)| *e == 9)
        .map_or(0, |(_, _, due)| *due);
    outcomes.push(deposit(&mut s, "operator", 9, due)?);

    println!();
    println!(
        "-- half a day later alice sells 20 shares to bob mid-stream; she keeps what she accrued"
    );
    at(&mut s, 10 * DAY + 13 * HOUR);
    step(&mut s, "transfer 20 shares from alice to bob", |s| {
        s.transfer("alice", "bob", 20 * SHARE)
    })?;

    println!();
    println!("-- the streams run out; investors claim from their wallets");
    at(&mut s, 12 * DAY);
    let mut claimed = 0;
    for holder in ["alice", "bob", "carol"] {
        let paid = step_with(
            &mut s,
            &format!("claim for {holder} (signed by {holder})"),
            |s| s.claim(holder, holder),
        )?;
        println!("    claimed {paid}");
        claimed += paid;
    }
    match s.claim("alice", "bob") {
        Err(CliError::NeedsSignature { signer, .. }) => {
            println!(
                "==> alice tries to claim bob's rewards: refused, needs the signature of {signer}"
            )
        }
        Err(other) => return Err(other),
        Ok(_) => {
            return Err(CliError::Conservation(
                "a claim without the holder's signature was accepted".into(),
            ))
        }
    }

    println!();
    println!("-- the fees accrued in the distributor; only the fee recipient may withdraw them");
    match s.withdraw_fees("alice") {
        Err(CliError::NeedsSignature { signer, .. }) => {
            println!(
                "==> alice tries to withdraw the fees: refused, needs the signature of {signer}"
            )
        }
        Err(other) => return Err(other),
        Ok(_) => {
            return Err(CliError::Conservation(
                "a fee withdrawal without the fee recipient's signature was accepted".into(),
            ))
        }
    }
    let withdrawn = step_with(&mut s, "withdraw_fees (signed by fee)", |s| {
        s.withdraw_fees("fee")
    })?;
    println!("    withdrew {withdrawn}");

    println!();
    println!(
        "-- nobody attested epochs 10 and 11: the capacity is stale and minting stops until reports resume"
    );
    let status = s.status()?;
    let holdings = s.holdings()?;
    output::status(&status, &holdings, &s.book);
    println!();
    let taken: i128 = outcomes.iter().map(|o| o.taken()).sum();
    let topups: i128 = outcomes.iter().map(|o| o.topup()).sum::<i128>() + mint_topup.taken;
    conservation(&s, taken + mint_topup.taken, topups, claimed, withdrawn)
}

/// Reporters submit `epoch`; prints each submission and where the round stands. Returns the
/// last one's.
fn attest(
    s: &mut Session,
    epoch: u64,
    submissions: &[(&str, i128, i128)],
) -> Result<Option<Round>, CliError> {
    let mut last = None;
    for (reporter, hs, reward) in submissions {
        last = Some(submit(s, reporter, Some(epoch), *hs, *reward)?);
    }
    Ok(last)
}

/// `deposited = fees withdrawn + claimed + held`, each side read from the ledger (the
/// distributor's books and the reward-asset balances) and checked against what the demo did.
fn conservation(
    s: &Session,
    paid_in: i128,
    topups: i128,
    claimed: i128,
    withdrawn: i128,
) -> Result<(), CliError> {
    let status = s.status()?;
    let holdings = s.holdings()?;
    let reward_of = |name: &str| holdings.get(name).map_or(0, |h| h.reward);
    let books = &status.totals;
    let held = reward_of("payout_distributor");
    let investors: i128 = ["alice", "bob", "carol"].iter().map(|n| reward_of(n)).sum();
    let payers = (OPERATOR_FUNDS - reward_of("operator")) + (EVE_FUNDS - reward_of("eve"));
    println!(
        "conservation: deposited {} = fees withdrawn {} + claimed {investors} + held {held}",
        books.deposited, books.fees_withdrawn
    );
    let checks = [
        (
            books.deposited == payers && payers == paid_in,
            "the distributor's total differs from what the payers paid in",
        ),
        (
            books.topups == topups,
            "the distributor's top-ups differ from what the mint and the deposits paid",
        ),
        (
            books.fees_withdrawn == reward_of("fee") && withdrawn == books.fees_withdrawn,
            "the fees withdrawn differ from what the fee recipient received",
        ),
        (
            books.fees == books.fees_withdrawn,
            "fees are left in the distributor",
        ),
        (
            investors == claimed,
            "the investors' balances differ from what the claims paid",
        ),
        (
            books.deposited == books.fees_withdrawn + investors + held,
            "deposited != fees withdrawn + claimed + held",
        ),
        (status.arrears == 0, "arrears are left"),
    ];
    for (ok, what) in checks {
        if !ok {
            return Err(CliError::Conservation(what.into()));
        }
    }
    println!(
        "conservation check passed ({} shares outstanding, top-ups {topups}, arrears {})",
        shares(status.total_supply),
        status.arrears
    );
    Ok(())
}
