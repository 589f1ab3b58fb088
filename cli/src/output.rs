//! What the commands print: each step with its cost and the balances it changed, and the
//! status of a network.
use hashshare_interfaces::EpochPayout;

use crate::{
    ledger::{AddressBook, Cost},
    suite::{DepositOutcome, Finalization, Holding, Holdings, MintTopUp, OpenRound, Round, Status},
    units::{duration, grouped, hashrate, shares},
};

/// A step and what it cost on the WASM.
pub fn step(title: &str, cost: &Cost) {
    println!("==> {title}");
    println!(
        "    cost: {} CPU instructions, fee ~{} stroops (excl. rent), {} entries read, {} written",
        grouped(cost.instructions.into()),
        grouped(cost.fee_stroops.into()),
        cost.read_entries,
        cost.write_entries
    );
}

/// The holdings that changed between `before` and `after`, one line per account.
pub fn changes(before: &Holdings, after: &Holdings) {
    let zero = Holding::default();
    for (name, now) in after {
        let was = before.get(name).unwrap_or(&zero);
        let mut parts = Vec::new();
        if was.shares != now.shares {
            parts.push(format!(
                "shares {} -> {}",
                shares(was.shares),
                shares(now.shares)
            ));
        }
        if was.claimable != now.claimable {
            parts.push(format!("claimable {} -> {}", was.claimable, now.claimable));
        }
        if was.reward != now.reward {
            parts.push(format!("reward {} -> {}", was.reward, now.reward));
        }
        if !parts.is_empty() {
            println!("    {name}: {}", parts.join(", "));
        }
    }
}

/// A ledger timestamp as UTC date and time.
pub fn utc(timestamp: u64) -> String {
    let days = (timestamp / 86_400) as i64;
    let seconds = timestamp % 86_400;
    // Howard Hinnant's civil-from-days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02} UTC",
        seconds / 3_600,
        seconds % 3_600 / 60,
        seconds % 60
    )
}

/// Where an epoch's round stands after a submission: finalized at once, or open and when
/// `finalize` may close it.
pub fn round(round: &Round) {
    match round {
        Round::Finalized(f) => println!(
            "    {}",
            finalized(f, "every listed reporter has submitted")
        ),
        Round::Open(r) => println!("    {}", open_round(r)),
    }
}

/// A report just finalized, `how`, and when it becomes effective.
pub fn finalized(f: &Finalization, how: &str) -> String {
    format!(
        "epoch {} finalized ({how}): {}, reward {}, the lower median of {} submissions; effective {}, after the {} dispute window",
        f.epoch,
        hashrate(f.hashrate),
        f.reward,
        f.submissions,
        utc(f.effective_at),
        duration(f.window)
    )
}

/// An open round: who is in, who is missing, and when `finalize` may close it.
pub fn open_round(r: &OpenRound) -> String {
    let listed = r.submitted.len() + r.missing.len();
    let at_once = match r.missing.len() {
        0 => String::new(),
        1 => format!("it finalizes at once when {} submits, or ", r.missing[0]),
        _ => format!(
            "it finalizes at once when {} submit, or ",
            r.missing.join(", ")
        ),
    };
    let short = r.submitted.len() < r.quorum as usize;
    format!(
        "epoch {e} not finalized: {} of {listed} reporters have submitted ({}), quorum {}; {at_once}`report finalize --epoch {e}` closes it from {} ({} after the round's first submission){}",
        r.submitted.len(),
        r.submitted.join(", "),
        r.quorum,
        utc(r.finalize_from),
        duration(r.window),
        if short {
            format!(", once {} have submitted", r.quorum)
        } else {
            String::new()
        },
        e = r.epoch,
    )
}

/// What a mint paid for the running streams, taken from `source` on its allowance to
/// `distributor`.
pub fn mint_topup(topup: &MintTopUp, source: &str, distributor: &str) -> String {
    if topup.taken == 0 {
        return "top-up 0 (no stream was running)".into();
    }
    format!(
        "top-up {} taken from {source} on its allowance to {distributor}: {} into the running streams + fee {} (accrues in the distributor)",
        topup.taken,
        topup.streamed(),
        topup.fee
    )
}

/// The title of a `record` step: what the epoch owes and why.
pub fn record_title(
    epoch: u64,
    source: &str,
    payout: &EpochPayout,
    hashrate_per_share: i128,
    epoch_seconds: u64,
) -> String {
    let head = format!("record epoch {epoch} (sent by {source})");
    if payout.supply_seconds <= 0 {
        return format!("{head}: owes 0 (nothing sold)");
    }
    if !payout.reported {
        return format!(
            "{head}: closed without an effective report past its staleness deadline: owes 0 until a late report is recorded"
        );
    }
    format!(
        "{head}: owes {} for {} sold (time-weighted over the epoch)",
        payout.owed,
        hashrate(sold(
            payout.supply_seconds,
            hashrate_per_share,
            epoch_seconds
        ))
    )
}

/// The time-weighted hashrate of `supply_seconds` over an epoch, H/s (the distributor's rule).
pub fn sold(supply_seconds: i128, hashrate_per_share: i128, epoch_seconds: u64) -> i128 {
    let per = hashshare_interfaces::SHARE_UNIT.saturating_mul(i128::from(epoch_seconds.max(1)));
    supply_seconds
        .checked_mul(hashrate_per_share)
        .map_or(i128::MAX, |h| h / per)
}

/// What a deposit did: the epoch's debt, what was due, taken, paid, topped up, kept as fee
/// and sent back.
pub fn deposit(outcome: &DepositOutcome) {
    let e = outcome.epoch;
    let owed = outcome.after.owed;
    let paid_before = outcome.before.as_ref().map_or(0, |p| p.paid);
    println!(
        "    epoch {e} owes {owed} ({paid_before} paid before); due now {} (top-up included)",
        outcome.due_before
    );
    let streamed = outcome.taken() - outcome.fee();
    let until = outcome
        .stream_end
        .map(|end| format!(" until {}", utc(end)))
        .unwrap_or_default();
    println!(
        "    taken {} = debt paid {} + top-up {}; fee {} (accrues in the distributor); streams {streamed}{until}",
        outcome.taken(),
        outcome.debt(),
        outcome.topup(),
        outcome.fee()
    );
    println!("    sent back {}", outcome.sent_back());
    println!(
        "    epoch {e} still owes {}; due now {}",
        outcome.after.owed - outcome.after.paid,
        outcome.due_after
    );
}

/// The whole status of a network.
pub fn status(status: &Status, holdings: &Holdings, book: &AddressBook) {
    let c = &status.config;
    println!(
        "ledger time   {} ({})",
        utc(status.timestamp),
        status.timestamp
    );
    println!(
        "pool          {}: epoch {} ({} s epochs), quorum {} of {} reporters, dispute window {} s, max age {} epochs",
        status.pool,
        status.current_epoch,
        c.epoch_seconds,
        c.quorum,
        c.reporters.len(),
        c.dispute_seconds,
        c.max_age_epochs
    );
    println!(
        "capacity      {}; capacity_epochs {}",
        status.capacity_view.capacity_line(),
        c.capacity_epochs
    );
    match &status.latest {
        Some(r) => println!(
            "latest report epoch {}: {}, reward {} ({} submissions)",
            r.epoch,
            hashrate(r.hashrate),
            r.reward,
            r.submissions
        ),
        None => println!("latest report none effective yet"),
    }
    let sold = status
        .total_supply
        .checked_mul(status.hashrate_per_share)
        .map(|h| h / hashshare_interfaces::SHARE_UNIT)
        .unwrap_or(i128::MAX);
    println!(
        "share token   supply {} shares ({} sold), matures {}; {}",
        shares(status.total_supply),
        hashrate(sold),
        utc(status.maturity),
        status.capacity_view.room_line()
    );
    println!(
        "distributor   fee {} bps to {}, next epoch to record {}, arrears {}",
        status.fee_bps,
        book.name_of(&status.fee_recipient),
        status.next_epoch,
        status.arrears
    );
    let t = &status.totals;
    println!(
        "books         deposited {} (top-ups {}), fees {}, fees withdrawn {} ({} to withdraw)",
        t.deposited,
        t.topups,
        t.fees,
        t.fees_withdrawn,
        t.fees - t.fees_withdrawn
    );
    for (epoch, payout, due) in &status.epochs {
        if payout.supply_seconds <= 0 {
            continue;
        }
        println!(
            "  epoch {epoch:<5} owed {}, paid {}, top-up {}, fee {}, due {due}{}",
            payout.owed,
            payout.paid,
            payout.topup,
            payout.fee,
            if payout.reported {
                ""
            } else {
                " (no report yet)"
            }
        );
    }
    println!(
        "{:<20} {:>16} {:>12} {:>12}",
        "account", "shares", "claimable", "reward"
    );
    for (name, h) in holdings {
        println!(
            "{:<20} {:>16} {:>12} {:>12}",
            name,
            shares(h.shares),
            h.claimable,
            h.reward
        );
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn utc_dates() {
        assert_eq!(super::utc(1_767_225_600), "2026-01-01 00:00:00 UTC");
        assert_eq!(super::utc(1_767_315_600), "2026-01-02 01:00:00 UTC");
    }
}
