//! The persistent local network across separate invocations of the binary: the ledger
//! snapshot in `--dir` is reused by each command, the contracts run as WASM, signatures are
//! checked, and bad input or a refused call leaves the snapshot untouched.
mod common;

use std::path::Path;

use common::{run, TempDir};

/// Runs `hashshare --dir <dir> <args>` from `cwd`.
fn at(cwd: &Path, args: &[&str]) -> common::Run {
    let mut all = vec!["--dir", "net"];
    all.extend_from_slice(args);
    run(cwd, &all)
}

/// The row of `name` in `status`'s holdings table: (shares, claimable, reward).
fn holding(status: &str, name: &str) -> (String, i128, i128) {
    let row = status
        .lines()
        .find(|l| l.split_whitespace().next() == Some(name))
        .unwrap_or_else(|| panic!("no row for {name}: {status}"));
    let cells: Vec<&str> = row.split_whitespace().collect();
    (
        cells[1].to_string(),
        cells[2].parse().expect("claimable"),
        cells[3].parse().expect("reward"),
    )
}

/// The numbers of a line, in order.
fn numbers(line: &str) -> Vec<i128> {
    line.split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .map(|s| s.parse().expect("a number"))
        .collect()
}

/// The first line of `out` containing `needle`.
fn line_with<'a>(out: &'a str, needle: &str) -> &'a str {
    out.lines()
        .find(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("no line with `{needle}`: {out}"))
}

fn snapshot(cwd: &Path) -> Vec<u8> {
    std::fs::read(cwd.join("net/snapshot.json")).expect("snapshot")
}

const REPORTERS: [&str; 5] = [
    "reporter1",
    "reporter2",
    "reporter3",
    "reporter4",
    "reporter5",
];

/// `reporters` attest the last ended epoch (or `epoch`) at 100 TH/s; returns the last one's
/// output.
fn submit_all(cwd: &Path, reporters: &[&str], epoch: Option<&str>, reward: &str) -> String {
    let mut last = String::new();
    for reporter in reporters {
        let mut args = vec![
            "report",
            "submit",
            "--source",
            reporter,
            "--hashrate",
            "100TH",
            "--reward",
            reward,
        ];
        if let Some(epoch) = epoch {
            args.extend(["--epoch", epoch]);
        }
        last = at(cwd, &args).ok();
    }
    last
}

/// Every reporter attests the last ended epoch (or `epoch`) at 100 TH/s: the last submission
/// finalizes it at once.
fn attest(cwd: &Path, epoch: Option<&str>, reward: &str) -> String {
    let out = submit_all(cwd, &REPORTERS, epoch, reward);
    assert!(
        out.contains("finalized (every listed reporter has submitted): 100 TH/s"),
        "{out}"
    );
    out
}

/// A network with the suite deployed (sustained capacity over `capacity_epochs` epochs),
/// epochs 0.. attested at 100 TH/s earning 50000 until the capacity is 100 TH/s (1 h into
/// epoch `capacity_epochs`), and the operator funded with `funds`.
fn deployed(cwd: &Path, capacity_epochs: u32, funds: &str) {
    let out = at(cwd, &["local", "init"]).ok();
    for name in ["alice", "reporter4", "reporter5", "eve"] {
        assert!(out.contains(name), "{out}");
    }
    let window = capacity_epochs.to_string();
    let mut deploy = vec!["deploy", "--source", "admin"];
    if capacity_epochs != 7 {
        deploy.extend(["--capacity-epochs", &window]);
    }
    let out = at(cwd, &deploy).ok();
    for name in [
        "pool_oracle",
        "share_token",
        "payout_distributor",
        "reward_asset",
    ] {
        assert!(
            out.lines().any(|l| l.starts_with(name) && l.contains(" C")),
            "{name} id missing: {out}"
        );
    }
    assert!(
        out.contains("approve: operator lets payout_distributor take mint top-ups"),
        "{out}"
    );
    assert!(
        out.contains(&format!(
            "5 reporters, quorum 3, 86400 s epochs, 3600 s dispute window, max age 2 epochs, capacity_epochs {capacity_epochs}"
        )),
        "{out}"
    );
    for epoch in 0..capacity_epochs {
        at(
            cwd,
            &["advance-time", if epoch == 0 { "1d" } else { "23h" }],
        )
        .ok();
        let out = attest(cwd, None, "50000");
        assert!(
            out.contains(&format!("submit epoch {epoch}: 100 TH/s, reward 50000")),
            "{out}"
        );
        let out = at(cwd, &["advance-time", "1h"]).ok();
        if epoch + 1 < capacity_epochs {
            assert!(
                out.contains(&format!(
                    "capacity 0 (fewer than capacity_epochs ({capacity_epochs}) consecutive effective epochs: {} end at epoch {epoch})",
                    epoch + 1
                )),
                "{out}"
            );
        } else {
            assert!(
                out.contains(&format!(
                    "capacity 100 TH/s sustained over {capacity_epochs} epochs"
                )),
                "{out}"
            );
        }
    }
    let out = at(
        cwd,
        &[
            "fund", "--source", "admin", "--to", "operator", "--amount", funds,
        ],
    )
    .ok();
    assert!(
        out.contains(&format!("operator: reward 0 -> {funds}")),
        "{out}"
    );
}

#[test]
fn full_lifecycle_across_invocations() {
    let dir = TempDir::new("lifecycle");
    let cwd = dir.path();
    // The defaults: 3 of 5 reporters, capacity sustained over 7 epochs.
    deployed(cwd, 7, "1000000");

    // A second pool on the same oracle, with its own reporter and quorum.
    let out = at(
        cwd,
        &[
            "pool",
            "register",
            "--source",
            "admin",
            "--pool",
            "antpool_l7",
            "--reporters",
            "reporter3",
            "--quorum",
            "1",
        ],
    )
    .ok();
    assert!(
        out.contains(
            "register_pool antpool_l7: operator operator, 1 reporters, quorum 1, capacity_epochs 7"
        ),
        "{out}"
    );

    // 1 h into epoch 7: alice's 60 shares count 23/24 for it.
    let out = at(
        cwd,
        &[
            "mint", "--source", "operator", "--to", "alice", "--amount", "60",
        ],
    )
    .ok();
    assert!(out.contains("alice: shares 0 -> 60"), "{out}");
    assert!(out.contains("CPU instructions"), "{out}");
    assert!(out.contains("top-up 0 (no stream was running)"), "{out}");
    assert!(
        out.contains("room left: 40 shares (40 TH/s) under the sustained capacity of 100 TH/s"),
        "{out}"
    );
    let out = at(
        cwd,
        &[
            "transfer", "--source", "alice", "--to", "bob", "--amount", "20.5",
        ],
    )
    .ok();
    assert!(out.contains("alice: shares 60 -> 39.5"), "{out}");
    assert!(out.contains("bob: shares 0 -> 20.5"), "{out}");

    at(cwd, &["advance-time", "23h"]).ok();
    attest(cwd, None, "50000");
    at(cwd, &["advance-time", "1h"]).ok();

    // Epoch 7 sold 60 shares x 23/24 = 57.5 TH/s of 100: it owes 57.5% of 50000. The 60 shares
    // that receive it now cost 60/57.5 of that (the top-up); the rest of 100000 comes back.
    let out = at(
        cwd,
        &[
            "deposit", "--source", "operator", "--epoch", "7", "--amount", "100000",
        ],
    )
    .ok();
    for epoch in 0..7 {
        assert!(
            out.contains(&format!(
                "record epoch {epoch} (sent by operator): owes 0 (nothing sold)"
            )),
            "{out}"
        );
    }
    assert!(
        out.contains("record epoch 7 (sent by operator): owes 28750 for"),
        "{out}"
    );
    assert!(
        out.contains("epoch 7 owes 28750 (0 paid before); due now 30000 (top-up included)"),
        "{out}"
    );
    assert!(
        out.contains("taken 30000 = debt paid 28750 + top-up 1250; fee 1500 (accrues in the distributor); streams 28500 until"),
        "{out}"
    );
    assert!(out.contains("sent back 70000"), "{out}");
    assert!(out.contains("epoch 7 still owes 0; due now 0"), "{out}");
    assert!(out.contains("operator: reward 1000000 -> 970000"), "{out}");
    assert!(
        out.contains("payout_distributor: reward 0 -> 30000"),
        "{out}"
    );
    assert!(!out.contains("fee: reward"), "fees accrue: {out}");

    // Nothing more is owed.
    let line = at(
        cwd,
        &[
            "deposit", "--source", "operator", "--epoch", "7", "--amount", "10",
        ],
    )
    .fails(1);
    assert_eq!(line, "error: deposit failed: NothingOwed (301)");

    at(cwd, &["advance-time", "2d"]).ok();
    let status = at(cwd, &["status"]).ok();
    let (_, alice_claimable, _) = holding(&status, "alice");
    let (_, bob_claimable, _) = holding(&status, "bob");
    // The stream has run out: everything net of the fee is claimable, less rounding dust.
    assert!(alice_claimable + bob_claimable <= 28_500);
    assert!(alice_claimable + bob_claimable >= 28_498, "{status}");
    // alice held 39.5 of 60 shares for the whole stream.
    assert_eq!(alice_claimable, 28_500 * 395 / 600, "{status}");

    let out = at(cwd, &["claim", "--source", "alice"]).ok();
    assert!(
        out.contains(&format!(
            "alice: claimable {alice_claimable} -> 0, reward 0 -> {alice_claimable}"
        )),
        "{out}"
    );
    assert!(out.contains(&format!("claimed {alice_claimable}")), "{out}");

    let status = at(cwd, &["status"]).ok();
    assert_eq!(
        holding(&status, "alice"),
        ("39.5".into(), 0, alice_claimable)
    );
    assert_eq!(holding(&status, "bob"), ("20.5".into(), bob_claimable, 0));
    assert_eq!(holding(&status, "fee").2, 0, "fees accrue until withdrawn");
    assert_eq!(
        holding(&status, "payout_distributor").2,
        30_000 - alice_claimable
    );
    assert!(
        status.contains("supply 60 shares (60 TH/s sold)"),
        "{status}"
    );
    assert!(
        status.contains("books         deposited 30000 (top-ups 1250), fees 1500, fees withdrawn 0 (1500 to withdraw)"),
        "{status}"
    );
    assert!(
        status.contains("epoch 7     owed 28750, paid 28750, top-up 1250, fee 1500, due 0"),
        "{status}"
    );
    assert!(
        status.contains("distributor   fee 500 bps to fee, next epoch to record 8, arrears 0"),
        "{status}"
    );
    // Epoch 8 went unattested and 10 is current: the capacity is stale.
    assert!(
        status.contains("capacity      0 (stale: the latest effective epoch, 7, is more than max_age_epochs (2) behind the current epoch 10); capacity_epochs 7"),
        "{status}"
    );

    // A second claim pays nothing.
    let out = at(cwd, &["claim", "--source", "alice"]).ok();
    assert!(out.contains("claimed 0"), "{out}");

    // Epoch 8 has no effective report yet, and its staleness deadline has not passed.
    let before = snapshot(cwd);
    let line = at(cwd, &["record", "--epoch", "9"]).fails(1);
    assert_eq!(
        line,
        "error: record epoch 8 failed: ReportNotEffective (302)"
    );
    assert!(
        snapshot(cwd) == before,
        "a refused record changed the snapshot"
    );
    // A late report of epoch 8; then `record` fixes what it owes: 60 shares all epoch long.
    attest(cwd, Some("8"), "50000");
    at(cwd, &["advance-time", "1h"]).ok();
    let out = at(cwd, &["record", "--epoch", "8"]).ok();
    assert!(
        out.contains("record epoch 8 (sent by operator): owes 30000 for 60 TH/s sold"),
        "{out}"
    );
    assert!(
        out.contains("next epoch to record 9, arrears 30000"),
        "{out}"
    );
    let out = at(cwd, &["record", "--epoch", "8", "--source", "eve"]).ok();
    assert!(
        out.contains("epoch 8 is already recorded: owed 30000, paid 0, top-up 0, fee 0"),
        "{out}"
    );
}

#[test]
fn an_incomplete_round_is_finalized_by_anyone_after_its_window() {
    let dir = TempDir::new("finalize");
    let cwd = dir.path();
    deployed(cwd, 1, "1000000");
    // 2026-01-03 00:00: epoch 1 has ended. One reporter opens its round.
    at(cwd, &["advance-time", "23h"]).ok();
    let out = submit_all(cwd, &["reporter1"], None, "50000");
    assert!(
        out.contains("epoch 1 not finalized: 1 of 5 reporters have submitted (reporter1), quorum 3; it finalizes at once when reporter2, reporter3, reporter4, reporter5 submit, or `report finalize --epoch 1` closes it from 2026-01-03 01:00:00 UTC (1 h after the round's first submission), once 3 have submitted"),
        "{out}"
    );

    // Too early: the round's window counts from its first submission.
    let before = snapshot(cwd);
    let line = at(cwd, &["report", "finalize", "--epoch", "1"]).fails(1);
    assert!(
        line.starts_with("error: finalize epoch 1 failed: SubmissionsOpen (116): "),
        "{line}"
    );
    assert!(
        line.ends_with("; finalize is possible from 2026-01-03 01:00:00 UTC (1 h after the round's first submission), or the epoch finalizes at once when reporter2, reporter3, reporter4, reporter5 submit"),
        "{line}"
    );
    assert!(
        snapshot(cwd) == before,
        "a refused finalize changed the snapshot"
    );

    // A later submission does not move the window.
    at(cwd, &["advance-time", "30m"]).ok();
    let out = submit_all(cwd, &["reporter2"], Some("1"), "50000");
    assert!(
        out.contains("2 of 5 reporters have submitted (reporter1, reporter2), quorum 3; it finalizes at once when reporter3, reporter4, reporter5 submit, or `report finalize --epoch 1` closes it from 2026-01-03 01:00:00 UTC"),
        "{out}"
    );
    // The window has passed, but fewer than the quorum are in.
    at(cwd, &["advance-time", "30m"]).ok();
    let line = at(cwd, &["report", "finalize", "--epoch", "1"]).fails(1);
    assert!(
        line.starts_with("error: finalize epoch 1 failed: QuorumNotReached (114): "),
        "{line}"
    );
    assert!(
        line.ends_with(
            "; 2 of 5 listed reporters have submitted (reporter1, reporter2), the quorum is 3"
        ),
        "{line}"
    );

    // A third: anyone may finalize now; the report is effective a dispute window later.
    let out = submit_all(cwd, &["reporter3"], Some("1"), "60000");
    assert!(out.contains("epoch 1 not finalized: 3 of 5"), "{out}");
    let out = at(
        cwd,
        &["report", "finalize", "--epoch", "1", "--source", "eve"],
    )
    .ok();
    assert!(out.contains("==> finalize epoch 1 (sent by eve)"), "{out}");
    assert!(out.contains("CPU instructions"), "{out}");
    assert!(
        out.contains("epoch 1 finalized (its round's window has passed with a quorum in): 100 TH/s, reward 50000, the lower median of 3 submissions; effective 2026-01-03 02:00:00 UTC, after the 1 h dispute window"),
        "{out}"
    );
    let line = at(cwd, &["report", "finalize", "--epoch", "1"]).fails(1);
    assert_eq!(line, "error: finalize epoch 1 failed: EpochFinalized (107)");
    let line = at(
        cwd,
        &[
            "report",
            "submit",
            "--source",
            "reporter4",
            "--epoch",
            "1",
            "--hashrate",
            "100TH",
            "--reward",
            "50000",
        ],
    )
    .fails(1);
    assert_eq!(line, "error: submit failed: EpochFinalized (107)");
    let out = at(cwd, &["advance-time", "1h"]).ok();
    assert!(
        out.contains("capacity 100 TH/s sustained over 1 epochs"),
        "{out}"
    );
    let status = at(cwd, &["status"]).ok();
    assert!(
        status.contains("latest report epoch 1: 100 TH/s, reward 50000 (3 submissions)"),
        "{status}"
    );

    // An epoch not ended, and one nobody has attested.
    let line = at(cwd, &["report", "finalize", "--epoch", "2"]).fails(1);
    assert_eq!(line, "error: finalize epoch 2 failed: EpochNotEnded (104)");
    at(cwd, &["advance-time", "22h"]).ok();
    let line = at(cwd, &["report", "finalize", "--epoch", "2"]).fails(1);
    assert!(
        line.ends_with("; no listed reporter has submitted for epoch 2"),
        "{line}"
    );
    let line = at(cwd, &["report", "finalize", "--epoch", "soon"]).fails(2);
    assert!(line.starts_with("error: invalid epoch `soon`"), "{line}");
}

#[test]
fn fees_accrue_and_only_the_fee_recipient_withdraws_them() {
    let dir = TempDir::new("fees");
    let cwd = dir.path();
    deployed(cwd, 1, "1000000");
    // 50 shares held all of epoch 2, which earns 50000 at 100 TH/s: it owes 25000.
    at(cwd, &["advance-time", "23h"]).ok();
    at(
        cwd,
        &[
            "mint", "--source", "operator", "--to", "alice", "--amount", "50",
        ],
    )
    .ok();
    at(cwd, &["advance-time", "1d"]).ok();
    attest(cwd, None, "50000");
    at(cwd, &["advance-time", "1h"]).ok();
    let out = at(
        cwd,
        &[
            "deposit", "--source", "operator", "--epoch", "2", "--amount", "25000",
        ],
    )
    .ok();
    assert!(
        out.contains("taken 25000 = debt paid 25000 + top-up 0; fee 1250"),
        "{out}"
    );

    // The wrong signer is refused, the snapshot untouched.
    let before = snapshot(cwd);
    let line = at(cwd, &["withdraw-fees", "--source", "alice"]).fails(1);
    assert_eq!(
        line,
        "error: refused: withdraw_fees needs the signature of fee"
    );
    let line = at(
        cwd,
        &["set-fee-recipient", "--source", "alice", "--to", "carol"],
    )
    .fails(1);
    assert_eq!(
        line,
        "error: refused: set_fee_recipient needs the signature of admin"
    );
    let line = at(
        cwd,
        &["set-fee-recipient", "--source", "admin", "--to", "nobody"],
    )
    .fails(2);
    assert!(
        line.starts_with("error: unknown account `nobody`"),
        "{line}"
    );
    assert!(
        snapshot(cwd) == before,
        "a refused call changed the snapshot"
    );

    // The admin names carol; the fees not yet withdrawn are hers.
    let out = at(
        cwd,
        &["set-fee-recipient", "--source", "admin", "--to", "carol"],
    )
    .ok();
    assert!(
        out.contains("fees not yet withdrawn, 1250, are now carol's to withdraw"),
        "{out}"
    );
    let status = at(cwd, &["status"]).ok();
    assert!(status.contains("fee 500 bps to carol"), "{status}");
    let line = at(cwd, &["withdraw-fees", "--source", "fee"]).fails(1);
    assert_eq!(
        line,
        "error: refused: withdraw_fees needs the signature of carol"
    );
    let out = at(cwd, &["withdraw-fees", "--source", "carol"]).ok();
    assert!(out.contains("carol: reward 0 -> 1250"), "{out}");
    assert!(
        out.contains("payout_distributor: reward 25000 -> 23750"),
        "{out}"
    );
    assert!(out.contains("withdrew 1250"), "{out}");
    let out = at(cwd, &["withdraw-fees", "--source", "carol"]).ok();
    assert!(out.contains("withdrew 0"), "{out}");
    let status = at(cwd, &["status"]).ok();
    assert!(
        status.contains("books         deposited 25000 (top-ups 0), fees 1250, fees withdrawn 1250 (0 to withdraw)"),
        "{status}"
    );
}

#[test]
fn a_mint_mid_stream_pays_its_top_up_on_the_operators_allowance() {
    let dir = TempDir::new("topup");
    let cwd = dir.path();
    deployed(cwd, 1, "10000");
    at(cwd, &["advance-time", "23h"]).ok();
    at(
        cwd,
        &[
            "mint", "--source", "operator", "--to", "alice", "--amount", "50",
        ],
    )
    .ok();
    at(cwd, &["advance-time", "1d"]).ok();
    attest(cwd, None, "50000");
    at(cwd, &["advance-time", "1h"]).ok();
    // All the operator has goes to epoch 2's debt, and streams.
    let out = at(
        cwd,
        &[
            "deposit", "--source", "operator", "--epoch", "2", "--amount", "10000",
        ],
    )
    .ok();
    assert!(out.contains("operator: reward 10000 -> 0"), "{out}");

    // Mid-stream, a mint owes the new shares' part of the stream; the operator cannot pay it.
    at(cwd, &["advance-time", "12h"]).ok();
    let before = snapshot(cwd);
    let line = at(
        cwd,
        &[
            "mint", "--source", "operator", "--to", "bob", "--amount", "25",
        ],
    )
    .fails(1);
    assert!(
        line.starts_with("error: mint failed: TopUpNotApproved (312): the operator's reward-asset allowance to the payout distributor (or its balance) does not cover this mint's top-up"),
        "{line}"
    );
    assert!(
        line.contains("hashshare approve-topups --source <operator>"),
        "{line}"
    );
    assert!(
        snapshot(cwd) == before,
        "a refused mint changed the snapshot"
    );

    at(
        cwd,
        &[
            "fund", "--source", "admin", "--to", "operator", "--amount", "100000",
        ],
    )
    .ok();
    let out = at(cwd, &["approve-topups", "--source", "operator"]).ok();
    assert!(
        out.contains("approve: operator lets payout_distributor take mint top-ups in the reward asset (until ledger "),
        "{out}"
    );
    let out = at(
        cwd,
        &[
            "mint", "--source", "operator", "--to", "bob", "--amount", "25",
        ],
    )
    .ok();
    // 9500 streams over 47 h and 35 h of it remain: 25 new shares beside 50 owe
    // ceil(9500 * 35/47 * 25/50) = ceil(3537.23) = 3538 to the streams, grossed up by the 5%
    // fee to the least amount that leaves it: 3724 taken (3724 - floor(186.2)), 186 fee.
    let line = line_with(&out, "into the running streams");
    assert_eq!(
        line.trim(),
        "top-up 3724 taken from operator on its allowance to payout_distributor: 3538 into the running streams + fee 186 (accrues in the distributor)",
        "{out}"
    );
    let topup = numbers(line)[0];
    assert!(
        out.contains(&format!("operator: reward 100000 -> {}", 100_000 - topup)),
        "{out}"
    );
    assert!(
        out.contains(&format!(
            "payout_distributor: reward 10000 -> {}",
            10_000 + topup
        )),
        "{out}"
    );
    assert!(
        out.contains("room left: 25 shares (25 TH/s) under the sustained capacity of 100 TH/s"),
        "{out}"
    );
    let status = at(cwd, &["status"]).ok();
    assert!(
        status.contains(&format!(
            "books         deposited {} (top-ups {topup}), fees {}",
            10_000 + topup,
            500 + 186
        )),
        "{status}"
    );
}

#[test]
fn signatures_are_checked_and_refusals_leave_the_snapshot_unchanged() {
    let dir = TempDir::new("refusals");
    let cwd = dir.path();
    deployed(cwd, 1, "1000000");
    at(
        cwd,
        &[
            "mint", "--source", "operator", "--to", "alice", "--amount", "99",
        ],
    )
    .ok();

    // Beyond the sustained 100 TH/s: the contract's error, by name.
    let before = snapshot(cwd);
    let line = at(
        cwd,
        &[
            "mint",
            "--source",
            "operator",
            "--to",
            "bob",
            "--amount",
            "1.0000001",
        ],
    )
    .fails(1);
    assert_eq!(line, "error: mint failed: CapacityExceeded (209)");
    assert!(
        snapshot(cwd) == before,
        "a refused mint changed the snapshot"
    );

    // Only the operator may mint; only the holder may move its shares or claim.
    let line = at(
        cwd,
        &[
            "mint", "--source", "alice", "--to", "alice", "--amount", "1",
        ],
    )
    .fails(1);
    assert_eq!(line, "error: refused: mint needs the signature of operator");
    let line = at(cwd, &["claim", "--source", "bob", "--holder", "alice"]).fails(1);
    assert_eq!(line, "error: refused: claim needs the signature of alice");
    // Epochs are recorded in order: epoch 0 (nothing sold) would be, but epoch 1 has not
    // ended; the whole command is refused.
    let line = at(
        cwd,
        &[
            "deposit", "--source", "operator", "--epoch", "5", "--amount", "10",
        ],
    )
    .fails(1);
    assert_eq!(
        line,
        "error: record epoch 1 failed: ReportNotEffective (302)"
    );
    assert!(
        snapshot(cwd) == before,
        "a refused call changed the snapshot"
    );
}

#[test]
fn bad_input_is_one_line_and_exit_code_2() {
    let dir = TempDir::new("bad-input");
    let cwd = dir.path();

    let line = at(cwd, &["status"]).fails(2);
    assert!(line.contains("no local network"), "{line}");
    assert!(line.contains("hashshare local init"), "{line}");

    deployed(cwd, 1, "1000000");
    let before = snapshot(cwd);

    let line = at(
        cwd,
        &[
            "mint", "--source", "operator", "--to", "dave", "--amount", "1",
        ],
    )
    .fails(2);
    assert!(line.starts_with("error: unknown account `dave`"), "{line}");
    let line = at(
        cwd,
        &[
            "transfer", "--source", "mallory", "--to", "bob", "--amount", "1",
        ],
    )
    .fails(2);
    assert!(
        line.starts_with("error: unknown account `mallory`"),
        "{line}"
    );

    let line = at(
        cwd,
        &[
            "mint", "--source", "operator", "--to", "alice", "--amount", "ten",
        ],
    )
    .fails(2);
    assert_eq!(
        line,
        "error: invalid share amount `ten`: expected a number of shares such as 10 or 2.5"
    );
    let line = at(
        cwd,
        &[
            "deposit", "--source", "operator", "--epoch", "0", "--amount", "12.5",
        ],
    )
    .fails(2);
    assert!(line.starts_with("error: invalid amount `12.5`"), "{line}");
    let line = at(cwd, &["record", "--epoch", "soon"]).fails(2);
    assert!(line.starts_with("error: invalid epoch `soon`"), "{line}");
    let line = at(cwd, &["advance-time", "soon"]).fails(2);
    assert!(line.starts_with("error: invalid duration `soon`"), "{line}");

    // Pool configurations the oracle would refuse, with the rule they break.
    let register = |extra: &[&str]| {
        let mut args = vec!["pool", "register", "--source", "admin", "--pool", "p2"];
        args.extend_from_slice(extra);
        at(cwd, &args).fails(2)
    };
    let line = register(&["--quorum", "2"]);
    assert!(
        line.starts_with("error: invalid quorum `2`: 2 of 5 reporters is not an honest majority"),
        "{line}"
    );
    let line = register(&[
        "--reporters",
        "reporter1,reporter2,reporter3",
        "--quorum",
        "2",
    ]);
    assert!(
        line.contains("2 of 3 reporters is not an honest majority"),
        "{line}"
    );
    let line = register(&["--capacity-epochs", "31"]);
    assert!(
        line.starts_with(
            "error: invalid capacity-epochs `31`: the sustained-capacity window is 1 to 30 epochs"
        ),
        "{line}"
    );
    let line = register(&["--max-age-epochs", "1"]);
    assert!(
        line.starts_with("error: invalid max-age-epochs `1`: the oracle needs 2 × dispute window + epoch <= max-age-epochs × epoch (2 × 3600 + 86400 > 1 × 86400 s)"),
        "{line}"
    );
    // The oracle's freshness rule in seconds: 100 s epochs, 2 epochs of age, allow a window of
    // 50 s (2 × 50 + 100 = 200), not 51.
    let line = register(&["--epoch", "100", "--dispute-window", "51"]);
    assert!(line.contains("(2 × 51 + 100 > 2 × 100 s)"), "{line}");
    let line = register(&[
        "--epoch",
        "1d",
        "--dispute-window",
        "16d",
        "--max-age-epochs",
        "40",
    ]);
    assert!(
        line.starts_with(
            "error: invalid duration `16d`: a dispute window lasts less than 16 epochs"
        ),
        "{line}"
    );
    let line = register(&[
        "--reporters",
        "reporter1,reporter2,reporter1",
        "--quorum",
        "3",
    ]);
    assert!(line.contains("reporter1 is listed twice"), "{line}");
    assert!(snapshot(cwd) == before, "bad input changed the snapshot");
    // The largest window the rule allows for 100 s epochs is accepted.
    let out = at(
        cwd,
        &[
            "pool",
            "register",
            "--source",
            "admin",
            "--pool",
            "p3",
            "--epoch",
            "100",
            "--dispute-window",
            "50",
        ],
    )
    .ok();
    assert!(out.contains("register_pool p3:"), "{out}");

    // A corrupted snapshot is reported, not unwrapped.
    std::fs::write(cwd.join("net/snapshot.json"), b"{\"protocol_version\": ").expect("write");
    let line = at(cwd, &["status"]).fails(2);
    assert!(
        line.starts_with("error: corrupted ledger snapshot"),
        "{line}"
    );
    std::fs::write(cwd.join("net/state.json"), b"not json").expect("write");
    let line = at(cwd, &["status"]).fails(2);
    assert!(line.starts_with("error: corrupted state file"), "{line}");

    // Without --force, init does not replace a network.
    let line = at(cwd, &["local", "init"]).fails(2);
    assert!(line.contains("--force"), "{line}");
}
