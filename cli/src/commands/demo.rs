//! `hashshare demo`: the whole lifecycle on a fresh in-memory network, each call run on the
//! compiled WASM and measured, ending with the conservation check of the books.
use std::path::Path;

use crate::{
    error::{CallError, CliError},
    ledger::{AddressBook, Chain},
    local::ACCOUNTS,
    output,
    suite::{account_strkey, OfferingParams, PoolParams, Session},
    units::{hashrate, shares},
    wasm::Artifacts,
};

use super::step;

const DAY: u64 = 86_400;
const HOUR: u64 = 3_600;
const TH: i128 = 1_000_000_000_000;
const SHARE: i128 = hashshare_interfaces::SHARE_UNIT;

pub fn run(wasm_dir: &Path) -> Result<(), CliError> {
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
    println!("(each call runs in a host loaded from the ledger snapshot, so its cost is its own)");
    println!();

    let params = OfferingParams {
        pool: "antpool_s19".into(),
        schedule: PoolParams {
            operator: "operator".into(),
            reporters: vec!["reporter1".into(), "reporter2".into(), "reporter3".into()],
            quorum: 2,
            epoch_seconds: DAY,
            genesis: None,
            dispute_seconds: HOUR,
            max_age_epochs: 2,
        },
        name: "Antpool S19 hashrate 2026".into(),
        symbol: "HASH26".into(),
        hashrate_per_share: TH,
        term: 365 * DAY,
        fee_bps: 500,
        fee_recipient: "fee".into(),
    };
    println!("-- deploy: daily epochs, 3 reporters, quorum 2, 1 h dispute window, 1 share = 1 TH/s, 5% fee");
    for (title, cost) in s.deploy(&artifacts, "admin", &params)? {
        output::step(&title, &cost);
    }
    let genesis = s.chain.timestamp();
    step(
        &mut s,
        "fund operator with 1000000 reward units (signed by admin)",
        |s| s.fund("admin", "operator", 1_000_000),
    )?;

    println!();
    println!("-- epoch 0: the pool delivers 100 TH/s; two reporters attest it");
    s.chain.advance(genesis + DAY - s.chain.timestamp());
    attest(
        &mut s,
        0,
        &[("reporter1", 100 * TH, 0), ("reporter2", 100 * TH, 0)],
    )?;
    s.chain.advance(HOUR);
    println!(
        "==> 1 h later the report is effective: capacity {}",
        hashrate(s.status()?.capacity)
    );

    println!();
    println!("-- the operator sells the attested hashrate");
    step(
        &mut s,
        "mint 60 shares to alice (signed by operator)",
        |s| s.mint("operator", "alice", 60 * SHARE),
    )?;
    step(&mut s, "mint 40 shares to bob (signed by operator)", |s| {
        s.mint("operator", "bob", 40 * SHARE)
    })?;
    match s.mint("operator", "carol", SHARE) {
        Err(CliError::Call {
            error: error @ CallError::Contract(_),
            ..
        }) => println!("==> mint 1 more share to carol: refused, {error} (100 TH/s are sold out)"),
        Err(other) => return Err(other),
        Ok(_) => {
            return Err(CliError::Conservation(
                "a mint beyond the attested capacity was accepted".into(),
            ))
        }
    }

    println!();
    println!(
        "-- epoch 1 ends; the reporters attest it (two differing reports: the lower middle counts)"
    );
    s.chain.advance(genesis + 2 * DAY - s.chain.timestamp());
    attest(
        &mut s,
        1,
        &[
            ("reporter1", 100 * TH, 50_000),
            ("reporter3", 104 * TH, 52_000),
        ],
    )?;
    s.chain.advance(HOUR);

    println!();
    println!("-- the operator pays epoch 1's rewards, which stream to holders over one epoch;");
    println!("   half-way through, alice sells 20 shares to carol and keeps what she accrued");
    step(
        &mut s,
        "deposit 30000 for epoch 1 (signed by operator, 5% fee)",
        |s| s.deposit("operator", 1, 30_000),
    )?;
    s.chain.advance(12 * HOUR);
    step(&mut s, "transfer 20 shares from alice to carol", |s| {
        s.transfer("alice", "carol", 20 * SHARE)
    })?;
    step(
        &mut s,
        "deposit 20000 for epoch 1 (signed by operator, 5% fee)",
        |s| s.deposit("operator", 1, 20_000),
    )?;
    let deposited = 50_000;
    s.chain.advance(DAY);

    println!();
    println!("-- investors claim from their wallets");
    let mut claimed = 0;
    for holder in ["alice", "bob", "carol"] {
        let mut paid = 0;
        step(
            &mut s,
            &format!("claim for {holder} (signed by {holder})"),
            |s| {
                let (amount, cost) = s.claim(holder, holder)?;
                paid = amount;
                Ok(cost)
            },
        )?;
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
    let status = s.status()?;
    let holdings = s.holdings()?;
    output::status(&status, &holdings);
    println!();
    conservation(&s, deposited, claimed)
}

/// Reporters submit `epoch`; prints each submission.
fn attest(s: &mut Session, epoch: u64, submissions: &[(&str, i128, i128)]) -> Result<(), CliError> {
    for (reporter, hs, reward) in submissions {
        let (_, cost) = s.submit(reporter, Some(epoch), *hs, *reward)?;
        output::step(
            &format!(
                "{reporter} attests epoch {epoch}: {}, reward {reward}",
                hashrate(*hs)
            ),
            &cost,
        );
    }
    Ok(())
}

/// `deposited = fees + claimed + held`, each side read from the ledger and checked against
/// what the demo did.
fn conservation(s: &Session, deposited: i128, claimed: i128) -> Result<(), CliError> {
    let status = s.status()?;
    let holdings = s.holdings()?;
    let reward_of = |name: &str| holdings.get(name).map_or(0, |h| h.reward);
    let (on_chain_deposited, fees) = status.totals;
    let held = reward_of("payout_distributor");
    let investors: i128 = ["alice", "bob", "carol"].iter().map(|n| reward_of(n)).sum();
    println!(
        "conservation: deposited {on_chain_deposited} = fees {fees} + claimed {claimed} + held {held}"
    );
    let checks = [
        (
            on_chain_deposited == deposited,
            "the distributor's total differs from what was deposited",
        ),
        (
            fees == reward_of("fee"),
            "the fees differ from what the fee recipient received",
        ),
        (
            investors == claimed,
            "the investors' balances differ from what the claims paid",
        ),
        (
            on_chain_deposited == fees + claimed + held,
            "deposited != fees + claimed + held",
        ),
    ];
    for (ok, what) in checks {
        if !ok {
            return Err(CliError::Conservation(what.into()));
        }
    }
    println!(
        "conservation check passed ({} shares outstanding, arrears {})",
        shares(status.total_supply),
        status.arrears
    );
    Ok(())
}
