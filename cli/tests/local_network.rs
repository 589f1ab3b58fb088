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

fn snapshot(cwd: &Path) -> Vec<u8> {
    std::fs::read(cwd.join("net/snapshot.json")).expect("snapshot")
}

/// A network with the suite deployed, epoch 0 attested at 100 TH/s earning 50000 and
/// effective, and the operator funded.
fn deployed(cwd: &Path) {
    let out = at(cwd, &["local", "init"]).ok();
    assert!(out.contains("alice"), "{out}");
    let out = at(cwd, &["deploy", "--source", "admin"]).ok();
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
    at(cwd, &["advance-time", "1d"]).ok();
    for reporter in ["reporter1", "reporter2"] {
        let out = at(
            cwd,
            &[
                "report",
                "submit",
                "--source",
                reporter,
                "--hashrate",
                "100TH",
                "--reward",
                "50000",
            ],
        )
        .ok();
        assert!(
            out.contains("submit epoch 0: 100 TH/s, reward 50000"),
            "{out}"
        );
    }
    let out = at(cwd, &["advance-time", "1h"]).ok();
    assert!(out.contains("capacity 100 TH/s"), "{out}");
    let out = at(
        cwd,
        &[
            "fund", "--source", "admin", "--to", "operator", "--amount", "1000000",
        ],
    )
    .ok();
    assert!(out.contains("operator: reward 0 -> 1000000"), "{out}");
}

#[test]
fn full_lifecycle_across_invocations() {
    let dir = TempDir::new("lifecycle");
    let cwd = dir.path();
    deployed(cwd);

    // A second pool on the same oracle, with its own reporters and quorum.
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
    assert!(out.contains("register_pool antpool_l7"), "{out}");

    let out = at(
        cwd,
        &[
            "mint", "--source", "operator", "--to", "alice", "--amount", "60",
        ],
    )
    .ok();
    assert!(out.contains("alice: shares 0 -> 60"), "{out}");
    assert!(out.contains("CPU instructions"), "{out}");
    let out = at(
        cwd,
        &[
            "transfer", "--source", "alice", "--to", "bob", "--amount", "20.5",
        ],
    )
    .ok();
    assert!(out.contains("alice: shares 60 -> 39.5"), "{out}");
    assert!(out.contains("bob: shares 0 -> 20.5"), "{out}");

    // 60 shares of 1 TH/s are sold of 100 TH/s: epoch 0 owes 60% of 50000.
    let out = at(
        cwd,
        &[
            "deposit", "--source", "operator", "--epoch", "0", "--amount", "30000",
        ],
    )
    .ok();
    assert!(out.contains("operator: reward 1000000 -> 970000"), "{out}");
    assert!(out.contains("fee: reward 0 -> 1500"), "{out}");
    assert!(
        out.contains("payout_distributor: reward 0 -> 28500"),
        "{out}"
    );

    at(cwd, &["advance-time", "1d"]).ok();
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
    assert_eq!(holding(&status, "fee").2, 1_500);
    assert_eq!(
        holding(&status, "payout_distributor").2,
        28_500 - alice_claimable
    );
    assert!(
        status.contains("supply 60 shares (60 TH/s sold)"),
        "{status}"
    );
    assert!(status.contains("deposited 30000, fees 1500"), "{status}");
    assert!(
        status.contains("epoch 0     owed 30000, paid 30000, fee 1500"),
        "{status}"
    );

    // A second claim pays nothing.
    let out = at(cwd, &["claim", "--source", "alice"]).ok();
    assert!(out.contains("claimed 0"), "{out}");
}

#[test]
fn signatures_are_checked_and_refusals_leave_the_snapshot_unchanged() {
    let dir = TempDir::new("refusals");
    let cwd = dir.path();
    deployed(cwd);
    at(
        cwd,
        &[
            "mint", "--source", "operator", "--to", "alice", "--amount", "99",
        ],
    )
    .ok();

    // Beyond the attested 100 TH/s: the contract's error, by name.
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
    let line = at(
        cwd,
        &[
            "deposit", "--source", "operator", "--epoch", "5", "--amount", "10",
        ],
    )
    .fails(1);
    assert_eq!(line, "error: deposit failed: ReportNotEffective (302)");
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

    deployed(cwd);
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
    let line = at(cwd, &["advance-time", "soon"]).fails(2);
    assert!(line.starts_with("error: invalid duration `soon`"), "{line}");
    assert!(snapshot(cwd) == before, "bad input changed the snapshot");

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
