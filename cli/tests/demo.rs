//! `hashshare demo` runs the whole lifecycle on the compiled WASM under the payout rules (5
//! reporters with quorum 3: a complete round finalizes at once, an incomplete one by
//! `finalize` after its window; capacity sustained over 7 epochs, mint top-ups grossed up by
//! the fee, accruing fees) and ends with the books closing.
mod common;

use common::TempDir;

/// The numbers of a line, in order.
fn numbers(line: &str) -> Vec<i128> {
    line.split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .map(|s| s.parse().expect("a number"))
        .collect()
}

#[test]
fn demo_runs_and_the_books_balance() {
    // From a directory with no checkout and no --wasm-dir: the contracts embedded at build
    // time (`common::wasm_dir` checks the build had them to embed).
    common::wasm_dir();
    let dir = TempDir::new("demo");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_hashshare"))
        .current_dir(dir.path())
        .env_remove("CARGO_TARGET_DIR")
        .arg("demo")
        .output()
        .map(common::Run::from)
        .expect("run")
        .ok();
    assert!(out.contains("==> upload pool_oracle"), "{out}");
    assert!(out.contains("CPU instructions"), "{out}");
    assert!(
        out.contains("approve: operator lets payout_distributor take mint top-ups"),
        "{out}"
    );
    // Nothing may be minted before 7 consecutive epochs are effective.
    assert!(
        out.contains(
            "capacity 0 (fewer than capacity_epochs (7) consecutive effective epochs: 6 end at epoch 5)"
        ),
        "{out}"
    );
    // Every reporter's submission finalizes an epoch at once; four of five do not.
    assert!(
        out.contains("epoch 0 not finalized: 4 of 5 reporters have submitted (reporter1, reporter2, reporter3, reporter4), quorum 3; it finalizes at once when reporter5 submits, or `report finalize --epoch 0` closes it from 2026-01-02 01:00:00 UTC (1 h after the round's first submission)"),
        "{out}"
    );
    assert!(
        out.contains("epoch 0 finalized (every listed reporter has submitted): 100 TH/s, reward 100000, the lower median of 5 submissions; effective 2026-01-02 01:00:00 UTC, after the 1 h dispute window"),
        "{out}"
    );
    assert!(
        out.contains("epoch 6 attested by reporter1..5 (100 TH/s, reward 100000); effective 1 h later: capacity 100 TH/s sustained over 7 epochs"),
        "{out}"
    );
    // Minting beyond the sustained hashrate is refused by name.
    assert!(out.contains("refused, CapacityExceeded (209)"), "{out}");
    // Three of five: `finalize` is refused inside the round's window, then closes it.
    assert!(
        out.contains("==> eve tries to finalize epoch 7 at once: refused, SubmissionsOpen (116): "),
        "{out}"
    );
    assert!(
        out.contains("finalize is possible from 2026-01-09 01:00:00 UTC (1 h after the round's first submission), or the epoch finalizes at once when reporter2, reporter3 submit"),
        "{out}"
    );
    assert!(out.contains("==> finalize epoch 7 (sent by eve)"), "{out}");
    assert!(
        out.contains("epoch 7 finalized (its round's window has passed with a quorum in): 100 TH/s, reward 100000, the lower median of 3 submissions; effective 2026-01-09 02:00:00 UTC"),
        "{out}"
    );
    // Two colluders submitting first do not decide the median.
    assert!(
        out.contains("epoch 8 not finalized: 3 of 5 reporters have submitted (reporter1, reporter4, reporter5), quorum 3"),
        "{out}"
    );
    assert!(
        out.contains("epoch 8 finalized (every listed reporter has submitted): 100 TH/s, reward 100000, the lower median of 5 submissions"),
        "{out}"
    );
    // The first mints run beside no stream; the mid-stream one pays a top-up, grossed up by
    // the 5% fee: 3931 stream, and the least amount leaving them after the fee is taken,
    // 4137 (4137 - floor(206.85) = 3931).
    assert!(out.contains("top-up 0 (no stream was running)"), "{out}");
    assert!(
        out.contains("top-up 4137 taken from operator on its allowance to payout_distributor: 3931 into the running streams + fee 206 (accrues in the distributor)"),
        "{out}"
    );
    assert!(out.contains("operator: reward 950000 -> 945863"), "{out}");
    assert!(out.contains("room left: 0 shares (sold out"), "{out}");
    // Epochs are recorded in order before the first deposit.
    assert!(
        out.contains("record epoch 0 (sent by operator): owes 0 (nothing sold)"),
        "{out}"
    );
    assert!(
        out.contains("record epoch 8 (sent by operator): owes 90000 for 90 TH/s sold"),
        "{out}"
    );
    // A deposit larger than due: the rest is sent back.
    assert!(
        out.contains("epoch 8 owes 90000 (50000 paid before); due now 44445 (top-up included)"),
        "{out}"
    );
    assert!(
        out.contains("taken 44445 = debt paid 40000 + top-up 4445; fee 2222"),
        "{out}"
    );
    assert!(out.contains("sent back 5555"), "{out}");
    // The stranger's deposit delays nothing.
    assert!(
        out.contains("the first deposit still streams until 2026-01-12 00:00:00 UTC; eve's until 2026-01-13 00:00:00 UTC"),
        "{out}"
    );
    // Signatures: a claim needs the holder's, a fee withdrawal the fee recipient's.
    assert!(out.contains("refused, needs the signature of bob"), "{out}");
    assert!(
        out.contains("alice tries to withdraw the fees: refused, needs the signature of fee"),
        "{out}"
    );
    assert!(out.contains("withdrew "), "{out}");
    let check = out
        .lines()
        .find(|l| l.starts_with("conservation: deposited "))
        .unwrap_or_else(|| panic!("no conservation line: {out}"));
    // deposited = fees withdrawn + claimed + held, as printed.
    let n = numbers(check);
    assert_eq!(n.len(), 4, "{check}");
    assert_eq!(n[0], n[1] + n[2] + n[3], "{check}");
    assert!(n[3] <= 10, "only rounding dust is held: {check}");
    assert!(out.contains("books         deposited "), "{out}");
    assert!(out.trim_end().ends_with("arrears 0)"), "{out}");
    assert!(out.contains("conservation check passed"), "{out}");
}

#[test]
fn demo_without_the_wasm_says_how_to_build_it() {
    let dir = TempDir::new("demo-nowasm");
    let line = common::hashshare(dir.path())
        .args(["demo", "--wasm-dir"])
        .arg(dir.path())
        .output()
        .map(common::Run::from)
        .expect("run")
        .fails(2);
    assert!(line.contains("scripts/build.sh"), "{line}");
}
