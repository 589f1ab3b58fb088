//! What the commands print: each step with its cost and the balances it changed, and the
//! status of a network.
use crate::{
    ledger::Cost,
    suite::{Holding, Holdings, Status},
    units::{grouped, hashrate, shares},
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

/// The whole status of a network.
pub fn status(status: &Status, holdings: &Holdings) {
    let c = &status.config;
    println!(
        "ledger time   {} ({})",
        utc(status.timestamp),
        status.timestamp
    );
    println!(
        "pool          {}: epoch {} ({} s epochs), quorum {} of {} reporters, capacity {}",
        status.pool,
        status.current_epoch,
        c.epoch_seconds,
        c.quorum,
        c.reporters.len(),
        hashrate(status.capacity)
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
        "share token   supply {} shares ({} sold), matures {}",
        shares(status.total_supply),
        hashrate(sold),
        utc(status.maturity)
    );
    let (deposited, fees) = status.totals;
    println!(
        "distributor   deposited {deposited}, fees {fees} ({} bps), arrears {}",
        status.fee_bps, status.arrears
    );
    for (epoch, payout) in &status.epochs {
        println!(
            "  epoch {epoch}     owed {}, paid {}, fee {}",
            payout.owed, payout.paid, payout.fee
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
