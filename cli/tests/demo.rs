//! `hashshare demo` runs a whole offering on an in-process node through the client, as the
//! commands a user types, with real signatures and fees (5 reporters with quorum 3: a complete
//! round finalizes at once, an incomplete one by `finalize` after its window; capacity
//! sustained over 7 epochs; mint top-ups; accruing fees), and ends with the books closing.
mod common;

use common::TempDir;

/// A decimal amount of lumens (`4.5 XLM`) in stroops.
fn stroops(text: &str) -> i128 {
    let number = text.trim().trim_end_matches(" XLM");
    let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
    whole.parse::<i128>().expect("a number") * 10_000_000
        + format!("{fraction:0<7}").parse::<i128>().expect("decimals")
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
        .env_remove("STELLAR_NETWORK")
        .env_remove("STELLAR_RPC_URL")
        .arg("demo")
        .output()
        .map(common::Run::from)
        .expect("run")
        .ok();
    // Identities in stellar-cli's format, funded by friendbot; the commands as typed.
    assert!(
        out.contains("$ hashshare keys generate reporter5 --fund"),
        "{out}"
    );
    assert!(
        out.contains("$ hashshare deploy --source admin --operator operator --sign-with operator"),
        "{out}"
    );
    assert!(out.contains("==> upload pool_oracle"), "{out}");
    // Every transaction is shown with its hash and the fee it was charged (never 0).
    let sent = out.lines().filter(|l| l.starts_with("==> ")).count();
    let fees: Vec<i128> = out
        .lines()
        .filter_map(|l| l.trim().strip_prefix("tx "))
        .map(|l| {
            let fee = l.split(" · fee ").nth(1).expect("a fee");
            fee.trim_end_matches(" stroops").parse().expect("stroops")
        })
        .collect();
    assert!(sent > 60, "{out}");
    // A rig certificate wrapped, rented for two epochs, unwrap refused while rented, and the
    // rented epochs' rewards claimed by a stranger for the renter.
    assert!(
        out.contains("$ hashshare rig wrap --source alice --shares 10"),
        "{out}"
    );
    assert!(
        out.contains("    certificate 0\n    locks 10 shares: 10 TH/s"),
        "{out}"
    );
    assert!(
        out.contains("==> rent certificate 0 for 2 epochs, paying at most 0.2 XLM"),
        "{out}"
    );
    assert!(
        out.contains("refused, as it must be: Rented (406)"),
        "{out}"
    );
    let rig_paid = out
        .lines()
        .find_map(|l| {
            l.trim()
                .strip_prefix("paid ")?
                .strip_suffix(" XLM to the user")
        })
        .and_then(|l| l.split_once(" XLM to the owner, "))
        .unwrap_or_else(|| panic!("no certificate claim in {out}"));
    assert_eq!(stroops(rig_paid.0), 0, "{out}");
    assert!(stroops(rig_paid.1) > 0, "{out}");
    // A lease of 40 TH/s for three epochs at 0.4 XLM an epoch, the second half delivered: the
    // operator is paid 1 XLM (its 1% fee out of it), bob refunded 0.2 XLM.
    assert!(out.contains("escrowing at most 1.2 XLM"), "{out}");
    assert!(
        out.contains("    paid 1 XLM to the provider (the market's fee out of it), refunded 0.2 XLM to the renter"),
        "{out}"
    );
    assert!(
        out.contains("epoch 3: delivered 20 TH/s of 40 TH/s (short)"),
        "{out}"
    );
    assert_eq!(fees.len(), sent, "{out}");
    assert!(fees.iter().all(|f| *f > 0), "{out}");
    // Every reporter's submission finalizes an epoch at once; four of five do not.
    assert!(
        out.contains("epoch 0 not finalized: 4 of 5 reporters have submitted (reporter1, reporter2, reporter3, reporter4), quorum 3; it finalizes at once when reporter5 submits, or `report finalize --epoch 0` closes it from "),
        "{out}"
    );
    assert!(
        out.contains("epoch 0 finalized (every listed reporter has submitted): 100 TH/s, reward 5 XLM, the lower median of 5 submissions; effective "),
        "{out}"
    );
    // Nothing may be minted before 7 consecutive epochs are effective; then 100 TH/s.
    assert!(
        out.contains("sustained hashrate   100 TH/s sustained over 7 epochs"),
        "{out}"
    );
    assert!(
        out.contains("refused, as it must be: CapacityExceeded (209)"),
        "{out}"
    );
    // Three of five: `finalize` is refused inside the round's window, then closes it.
    assert!(
        out.contains("refused, as it must be: SubmissionsOpen (116)"),
        "{out}"
    );
    assert!(
        out.contains("epoch 7 finalized (its round's window has passed with a quorum in): 100 TH/s, reward 5 XLM, the lower median of 3 submissions"),
        "{out}"
    );
    // Two colluders submitting first do not decide the median.
    assert!(
        out.contains("epoch 8 not finalized: 3 of 5 reporters have submitted (reporter2, reporter3, reporter1), quorum 3"),
        "{out}"
    );
    assert!(
        out.contains("epoch 8 finalized (every listed reporter has submitted): 100 TH/s, reward 5 XLM, the lower median of 5 submissions"),
        "{out}"
    );
    // Mints beside no stream pay nothing; the one mid-stream pays a top-up.
    assert!(out.contains("top-up 0 (no stream was running)"), "{out}");
    let topup = out
        .lines()
        .filter_map(|l| l.trim().strip_prefix("top-up "))
        .find(|l| !l.starts_with("0 "))
        .unwrap_or_else(|| panic!("no paid top-up: {out}"));
    assert!(
        topup.contains("taken from operator on its allowance"),
        "{topup}"
    );
    // Epochs are recorded in order before the first deposit; the last deposit offers more
    // than is due and the rest comes back; the debt is paid in full.
    assert!(out.contains("epoch 0 owes 0 (nothing sold)"), "{out}");
    let back = out
        .lines()
        .filter_map(|l| l.trim().strip_prefix("taken "))
        .next_back()
        .unwrap_or_else(|| panic!("{out}"));
    assert!(!back.ends_with("sent back 0 XLM"), "{back}");
    assert!(out.contains("due now 0 XLM"), "{out}");
    // A stranger cannot take the fees.
    assert!(
        out.contains(
            "not sent, as it must be: refused: withdraw fees needs the signature of fee (G"
        ),
        "{out}"
    );
    assert!(out.contains("XLM to the fee recipient"), "{out}");
    // The books close, each side read on its own, to the stroop.
    let books = out
        .lines()
        .filter_map(|l| l.strip_prefix("books close          deposited "))
        .next_back()
        .unwrap_or_else(|| panic!("no books line: {out}"));
    let (deposited, rest) = books.split_once(" = fees withdrawn ").unwrap();
    let (withdrawn, rest) = rest.split_once(" + claimed ").unwrap();
    let (claimed, held) = rest.split_once(" + held ").unwrap();
    let [deposited, withdrawn, claimed, held] = [deposited, withdrawn, claimed, held].map(stroops);
    assert!(claimed > 0 && withdrawn > 0, "{books}");
    assert_eq!(deposited, withdrawn + claimed + held, "{books}");
    assert!(held <= 10, "only rounding dust is held: {books}");
    assert!(
        out.trim_end()
            .ends_with("demo done: the books close, and the lease paid for what was delivered"),
        "{out}"
    );
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
