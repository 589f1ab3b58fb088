//! What the commands print: each transaction with its hash, the fee charged, its return value
//! and its events; dates; rounds of attestation.
use stellar_xdr::{ContractEvent, ContractEventBody, ScVal};

use crate::{
    client::Sent,
    units::{duration, hashrate},
};

/// An `ScVal` as stellar-xdr's JSON (what `stellar contract invoke` prints).
pub fn json(value: &ScVal) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| format!("{value:?}"))
}

/// A transaction sent for `step`: its hash, the fee charged, what it returned, its events.
pub fn sent(step: &str, sent: &Sent) {
    println!("==> {step}");
    println!("    tx {} · fee {} stroops", sent.hash, sent.fee_charged);
    if let Some(value) = sent.return_value.as_ref().filter(|v| **v != ScVal::Void) {
        println!("    returned {}", json(value));
    }
    for event in &sent.events {
        println!("    event {}", event_line(event));
    }
}

fn event_line(event: &ContractEvent) -> String {
    let ContractEventBody::V0(body) = &event.body;
    let contract = event
        .contract_id
        .as_ref()
        .map(|c| stellar_strkey::Contract(c.0 .0).to_string())
        .unwrap_or_default();
    let topics: Vec<String> = body.topics.iter().map(json).collect();
    format!("{contract} [{}] = {}", topics.join(", "), json(&body.data))
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

/// A finalized report: how, what, and when it becomes (or became) effective.
pub struct Finalized {
    pub epoch: u64,
    pub hashrate: i128,
    /// In the reward asset's decimal units.
    pub reward: String,
    pub submissions: u32,
    pub effective_at: u64,
    pub window: u64,
}

pub fn finalized(f: &Finalized, how: &str) -> String {
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

/// An open round of submissions for an epoch.
pub struct OpenRound {
    pub epoch: u64,
    pub submitted: Vec<String>,
    pub missing: Vec<String>,
    pub quorum: u32,
    /// When `finalize` may close it: the round's first submission plus the window.
    pub finalize_from: u64,
    pub window: u64,
}

/// Who is in, who is missing, and from when `finalize` may close the round.
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

/// The time-weighted hashrate of `supply_seconds` over an epoch, H/s (the distributor's rule).
pub fn sold(supply_seconds: i128, hashrate_per_share: i128, epoch_seconds: u64) -> i128 {
    let per = hashshare_interfaces::SHARE_UNIT.saturating_mul(i128::from(epoch_seconds.max(1)));
    supply_seconds
        .checked_mul(hashrate_per_share)
        .map_or(i128::MAX, |h| h / per)
}

#[cfg(test)]
mod tests {
    #[test]
    fn utc_dates() {
        assert_eq!(super::utc(1_767_225_600), "2026-01-01 00:00:00 UTC");
    }
}
