//! The CLI over Stellar RPC, as separate process invocations against `hashshare node
//! --dev-time`: three parties with their own identities (admin, operator, an investor) and
//! three reporters run an offering's life; racing deploys; bad input.
mod common;

use std::{
    path::Path,
    process::{Command, Output},
};

use common::{Parties, Running, TempDir};

const DEPLOY: &[&str] = &[
    "deploy",
    "--source",
    "admin",
    "--operator",
    "operator",
    "--pool",
    "p1",
    "--reporters",
    "r1,r2,r3",
    "--quorum",
    "3",
    "--epoch",
    "1d",
    "--dispute-window",
    "1h",
    "--capacity-epochs",
    "1",
    "--fee-recipient",
    "admin",
];

#[test]
fn an_offering_runs_across_separate_invocations_over_rpc() {
    let p = Parties {
        node: Running::node(&["--ephemeral".as_ref(), "--dev-time".as_ref()]),
        config: TempDir::new("rpc-config"),
        work: TempDir::new("rpc-work"),
    };
    for who in ["admin", "operator", "investor", "r1", "r2", "r3"] {
        p.ok(&["keys", "generate", who, "--fund"]);
    }

    // Two deploys race on one deployment: one deploys (the admin, the share token with the
    // operator's signed consent), the other waits for the manifest's lock and sends nothing.
    let racing: Vec<_> = (0..2).map(|_| p.command(DEPLOY).output_async()).collect();
    let outputs: Vec<String> = racing.into_iter().map(|c| c.finish()).collect();
    assert_eq!(
        outputs
            .iter()
            .filter(|o| o.contains("==> deploy share_token"))
            .count(),
        1,
        "{outputs:?}"
    );
    assert!(
        outputs.iter().any(|o| o.contains("nothing to send")),
        "{outputs:?}"
    );
    let manifest = p.manifest();
    for name in [
        "pool_oracle",
        "share_token",
        "payout_distributor",
        "reward_token",
    ] {
        assert!(manifest["contracts"][name].is_string(), "{manifest}");
    }
    // Changed parameters are refused, nothing sent.
    let mut changed = DEPLOY.to_vec();
    changed.extend(["--fee-bps", "300"]);
    let line = p.fails(2, &changed);
    assert!(line.contains("fee_bps 300 (deployed with 500)"), "{line}");
    // Amounts of the reward asset in its own decimals (7 for lumens), hashrate with its unit.
    let submit = |hashrate: &str, reward: &str| {
        p.bad_input(
            "r1",
            &[
                "report",
                "submit",
                "--source",
                "r1",
                "--epoch",
                "0",
                "--hashrate",
                hashrate,
                "--reward",
                reward,
            ],
        )
    };
    assert!(submit("100", "1").contains("give its unit, e.g. 100TH"));
    assert!(submit("100TH", "0.00000001").contains("at most 7 decimals"));
    assert!(submit("100TH", "-5").contains("invalid reward"));

    // Epoch 0 ends; the three reporters attest it; the third finalizes it.
    p.ok(&["advance-time", "25h"]);
    for (i, r) in ["r1", "r2", "r3"].iter().enumerate() {
        let out = p.ok(&[
            "report",
            "submit",
            "--source",
            r,
            "--epoch",
            "0",
            "--hashrate",
            "100TH",
            "--reward",
            "0",
        ]);
        assert!(out.contains("fee "), "{out}");
        assert_eq!(
            out.contains("epoch 0 finalized (every listed reporter has submitted)"),
            i == 2,
            "{out}"
        );
    }
    p.ok(&["advance-time", "2h"]);

    // The operator mints to the investor, who transfers; shares beyond the attested capacity
    // are refused by name; a stranger's mint needs the operator's signature.
    let out = p.ok(&[
        "mint", "--source", "operator", "--to", "investor", "--amount", "10",
    ]);
    assert!(
        out.contains("==> mint 10 shares to investor") && out.contains("event "),
        "{out}"
    );
    // 100 TH/s attested at 1 TH/s a share: 90 shares of room left after this mint.
    assert!(out.contains("room left: 90"), "{out}");
    p.ok(&[
        "transfer", "--source", "investor", "--to", "admin", "--amount", "2.5",
    ]);
    let line = p.fails(
        1,
        &[
            "mint", "--source", "operator", "--to", "investor", "--amount", "1000",
        ],
    );
    assert!(line.contains("CapacityExceeded"), "{line}");
    let line = p.fails(
        1,
        &[
            "mint", "--source", "investor", "--to", "investor", "--amount", "1",
        ],
    );
    assert!(line.contains("signature"), "{line}");

    // Epoch 1 earns 0.1 XLM (1,000,000 stroops). Its first report is struck by the oracle's
    // admin within its dispute window (nobody else may), then attested again.
    p.ok(&["advance-time", "1d"]);
    let attest = |reward: &str| {
        for r in ["r1", "r2", "r3"] {
            p.ok(&[
                "report",
                "submit",
                "--source",
                r,
                "--epoch",
                "1",
                "--hashrate",
                "100TH",
                "--reward",
                reward,
            ]);
        }
    };
    attest("0.2");
    let line = p.fails(
        1,
        &["report", "dispute", "--source", "operator", "--epoch", "1"],
    );
    assert!(line.contains("signature"), "{line}");
    let out = p.ok(&["report", "dispute", "--source", "admin", "--epoch", "1"]);
    assert!(out.contains("may be attested again"), "{out}");
    let out = p.ok(&["epoch", "--epoch", "1"]);
    assert!(
        out.contains("epoch 1: no submission in an open round"),
        "{out}"
    );
    assert!(out.contains("payout   not recorded yet"), "{out}");
    attest("0.1");
    p.ok(&["advance-time", "2h"]);
    let out = p.ok(&[
        "deposit", "--source", "operator", "--epoch", "1", "--amount", "0.1",
    ]);
    assert!(
        out.contains("==> record epoch 0") && out.contains("==> record epoch 1"),
        "{out}"
    );
    // What is owed (the time-weighted share of the reward) is paid in full.
    let line = out
        .lines()
        .find(|l| l.contains("epoch 1: owed "))
        .unwrap_or_else(|| panic!("{out}"));
    let amount = |after: &str| {
        let rest = &line[line.find(after).unwrap() + after.len()..];
        rest.split(' ').next().unwrap().to_string()
    };
    assert!(amount("owed ") != "0", "{line}");
    assert_eq!(amount("owed "), amount("paid "), "{line}");
    assert!(line.ends_with("due now 0 XLM"), "{line}");
    let out = p.ok(&["epoch", "--epoch", "1"]);
    assert!(
        out.contains("epoch 1 finalized (effective)") && out.contains("due now 0 XLM"),
        "{out}"
    );

    // Privileged calls by the wrong signer are refused before anything is sent.
    for wrong in [
        &["withdraw-fees", "--source", "investor"][..],
        &[
            "set-fee-recipient",
            "--source",
            "operator",
            "--to",
            "operator",
        ],
        &[
            "pool",
            "update",
            "--source",
            "operator",
            "--operator",
            "investor",
        ],
        &[
            "pool",
            "register",
            "--source",
            "investor",
            "--pool",
            "p2",
            "--reporters",
            "r1",
            "--quorum",
            "1",
        ],
    ] {
        let line = p.fails(1, wrong);
        assert!(line.contains("signature"), "{wrong:?}: {line}");
    }
    let out = p.ok(&[
        "pool",
        "update",
        "--source",
        "admin",
        "--max-age-epochs",
        "3",
    ]);
    assert!(out.contains("max age 3 epochs"), "{out}");
    p.ok(&["advance-time", "3d"]);
    let out = p.ok(&["claim", "--source", "investor"]);
    assert!(out.contains("XLM to the holder"), "{out}");
    let status = p.ok(&["status"]);
    // Each holder, from the share token's events, and the books closing.
    let holder = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .unwrap_or_else(|| panic!("{name}: {status}"))
            .split_whitespace()
            .nth(1)
            .unwrap()
            .to_string()
    };
    assert_eq!(holder("investor"), "7.5");
    assert_eq!(holder("admin"), "2.5");
    assert!(
        status.contains("books close          deposited "),
        "{status}"
    );
    // Days later with no new attestation, the capacity is 0 and status says why.
    assert!(
        status.contains("sustained hashrate") && status.contains("stale"),
        "{status}"
    );
    p.ok(&["verify"]);
}

#[test]
fn a_classic_asset_pays_the_rewards_to_holders_with_a_trustline() {
    let p = Parties {
        node: Running::node(&["--ephemeral".as_ref(), "--dev-time".as_ref()]),
        config: TempDir::new("rpc-asset-config"),
        work: TempDir::new("rpc-asset-work"),
    };
    for who in ["issuer", "admin", "operator", "investor", "r1"] {
        p.ok(&["keys", "generate", who, "--fund"]);
    }
    let issuer = p.ok(&["keys", "address", "issuer"]).trim().to_string();
    let asset = format!("WBTC:{issuer}");
    // The asset's contract is deployed with the suite (nobody had yet).
    let out = p.ok(&[
        "deploy",
        "--source",
        "admin",
        "--operator",
        "operator",
        "--pool",
        "p1",
        "--reporters",
        "r1",
        "--quorum",
        "1",
        "--capacity-epochs",
        "1",
        "--fee-recipient",
        "admin",
        "--reward-asset",
        &asset,
    ]);
    assert!(
        out.contains(&format!("==> deploy the Stellar Asset Contract of {asset}")),
        "{out}"
    );
    // Without a trustline the operator cannot hold the asset; with one it is funded by the
    // issuer (the asset's admin).
    let fund = [
        "fund", "--source", "issuer", "--to", "operator", "--amount", "10",
    ];
    let line = p.fails(1, &fund);
    assert!(
        line.contains("TrustlineMissingError") && line.contains("hashshare trust"),
        "{line}"
    );
    let out = p.ok(&["trust", "--source", "operator"]);
    assert!(out.contains(&format!("==> trust {asset}")), "{out}");
    let out = p.ok(&fund);
    assert!(out.contains("fund operator with 10 WBTC"), "{out}");
    p.ok(&["approve-topups", "--source", "operator"]);
    let attest = |epoch: &str, reward: &str| {
        p.ok(&[
            "report",
            "submit",
            "--source",
            "r1",
            "--epoch",
            epoch,
            "--hashrate",
            "100TH",
            "--reward",
            reward,
        ])
    };
    p.ok(&["advance-time", "25h"]);
    attest("0", "0.5");
    p.ok(&["advance-time", "2h"]);
    p.ok(&[
        "mint", "--source", "operator", "--to", "investor", "--amount", "100",
    ]);
    p.ok(&["advance-time", "1d"]);
    attest("1", "0.5");
    p.ok(&["advance-time", "2h"]);
    let out = p.ok(&[
        "deposit", "--source", "operator", "--epoch", "1", "--amount", "1",
    ]);
    assert!(out.contains("due now 0 WBTC"), "{out}");
    p.ok(&["advance-time", "3d"]);
    // The investor's claim needs its trustline too.
    let line = p.fails(1, &["claim", "--source", "investor"]);
    assert!(line.contains("TrustlineMissingError"), "{line}");
    p.ok(&["trust", "--source", "investor", "--asset", &asset]);
    let out = p.ok(&["claim", "--source", "investor"]);
    let paid = out
        .lines()
        .find_map(|l| l.trim().strip_prefix("paid "))
        .unwrap_or_else(|| panic!("{out}"));
    assert!(
        paid.ends_with("WBTC to the holder") && !paid.starts_with("0 "),
        "{out}"
    );
    let status = p.ok(&["status"]);
    assert!(
        status.contains("books close          deposited "),
        "{status}"
    );
    // Bad assets are bad input.
    for bad in ["WBTC", "TOOLONGASSETCODE:G", &format!("W-B:{issuer}")] {
        p.fails(2, &["trust", "--source", "investor", "--asset", bad]);
    }
}

#[test]
fn bad_input_is_one_line_and_exit_2_with_nothing_sent() {
    let p = Parties {
        node: Running::node(&["--ephemeral".as_ref()]),
        config: TempDir::new("rpc-bad-config"),
        work: TempDir::new("rpc-bad-work"),
    };
    p.ok(&["keys", "generate", "alice", "--fund"]);
    p.fails(2, &["status"]); // no deployment yet
    p.fails(
        2,
        &[
            "transfer", "--source", "nobody", "--to", "alice", "--amount", "1",
        ],
    );
    let manifest = p.work.0.join("deployments");
    std::fs::create_dir_all(&manifest).unwrap();
    std::fs::write(manifest.join("local.json"), "{ torn").unwrap();
    p.fails(2, &["status"]);
    for (amount, why) in [
        ("1.2.3", "expected an amount such as 10 or 2.5"),
        ("0.00000001", "at most 7 decimals"),
        ("-1", "expected an amount"),
        ("", "expected an amount"),
    ] {
        let line = p.bad_input(
            "alice",
            &[
                "transfer", "--source", "alice", "--to", "alice", "--amount", amount,
            ],
        );
        assert!(
            line.contains("invalid share amount") && line.contains(why),
            "{line}"
        );
    }
    let line = p.fails(
        2,
        &[
            "--base-units",
            "transfer",
            "--source",
            "alice",
            "--to",
            "alice",
            "--amount",
            "2.5",
        ],
    );
    assert!(line.contains("whole number of base units"), "{line}");
    let mut bare = DEPLOY.to_vec();
    bare[2] = "alice";
    bare.extend(["--hashrate-per-share", "100"]);
    p.fails(2, &bare);
    // A wrong passphrase and an unreachable RPC: one line, exit 2, nothing sent.
    let one_line = |out: Output| {
        let stderr = String::from_utf8_lossy(&out.stderr).trim().to_string();
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        stderr
    };
    let before = p.sequence("alice");
    let transfer = [
        "transfer", "--source", "alice", "--to", "alice", "--amount", "1",
    ];
    let wrong = p
        .command(&transfer)
        .env(
            "STELLAR_NETWORK_PASSPHRASE",
            "Test SDF Network ; September 2015",
        )
        .output()
        .unwrap();
    assert!(one_line(wrong).contains("passphrase"));
    let unreachable = p
        .command(&transfer)
        .env("STELLAR_RPC_URL", "http://127.0.0.1:9/rpc")
        .output()
        .unwrap();
    assert!(one_line(unreachable).contains("cannot reach"));
    assert_eq!(p.sequence("alice"), before);
    assert!(Path::new(&p.config.0).join("identity/alice.toml").exists());
}

/// A child process whose output is collected later.
trait Async {
    fn output_async(&mut self) -> Pending;
}

struct Pending(std::process::Child);

impl Async for Command {
    fn output_async(&mut self) -> Pending {
        Pending(
            self.stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("hashshare runs"),
        )
    }
}

impl Pending {
    fn finish(self) -> String {
        let out = self.0.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).to_string()
    }
}
