//! The CLI over Stellar RPC, as separate process invocations against `hashshare node
//! --dev-time`: three parties with their own identities (admin, operator, an investor) and
//! three reporters run an offering's life; racing deploys; bad input.
mod common;

use std::{
    path::Path,
    process::{Command, Output},
};

use common::{Running, TempDir};

struct Parties {
    node: Running,
    config: TempDir,
    work: TempDir,
}

impl Parties {
    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_hashshare"));
        command
            .args(args)
            .current_dir(&self.work.0)
            .env("STELLAR_CONFIG_HOME", &self.config.0)
            .env("STELLAR_NETWORK", "local")
            .env("STELLAR_RPC_URL", &self.node.url)
            .env(
                "STELLAR_NETWORK_PASSPHRASE",
                "Standalone Network ; February 2017",
            );
        command
    }

    fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().expect("hashshare runs")
    }

    /// Runs a command that must succeed; its output.
    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        let text = String::from_utf8_lossy(&out.stdout).to_string();
        assert!(
            out.status.success(),
            "{args:?}: {text}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        text
    }

    /// Runs a command that must fail with `code`; its one line of error.
    fn fails(&self, code: i32, args: &[&str]) -> String {
        let out = self.run(args);
        let stderr = String::from_utf8_lossy(&out.stderr).trim().to_string();
        assert_eq!(out.status.code(), Some(code), "{args:?}: {stderr}");
        assert_eq!(
            stderr.lines().count(),
            1,
            "{args:?}: one line, not {stderr}"
        );
        stderr
    }

    fn manifest(&self) -> serde_json::Value {
        let text = std::fs::read_to_string(self.work.0.join("deployments/local.json")).unwrap();
        serde_json::from_str(&text).expect("the manifest is whole JSON")
    }
}

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
        assert_eq!(out.contains("the epoch is finalized"), i == 2, "{out}");
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

    // Epoch 1 earns 1,000,000 stroops; recorded and paid by the operator in lumens, streamed
    // until the end of epoch 2, then claimed by the investor from its own wallet.
    p.ok(&["advance-time", "1d"]);
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
            "1000000",
        ]);
    }
    p.ok(&["advance-time", "2h"]);
    let out = p.ok(&[
        "deposit", "--source", "operator", "--epoch", "1", "--amount", "1000000",
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
    let numbers: Vec<i128> = line
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(|n| n.parse().ok())
        .collect();
    // [1, owed, paid, fee, top-ups, due]
    assert!(numbers[1] > 0 && numbers[1] == numbers[2], "{line}");
    assert!(line.ends_with("now owed 0 more"), "{line}");
    p.ok(&["advance-time", "2d"]);
    let out = p.ok(&["claim", "--source", "investor"]);
    assert!(out.contains("returned {\"i128\""), "{out}");
    let status = p.ok(&["status"]);
    assert!(
        status.contains("total supply") && status.contains("books"),
        "{status}"
    );
    // Days later with no new attestation, the capacity is 0 and status says why.
    assert!(
        status.contains("mint cap") && status.contains("stale"),
        "{status}"
    );
    p.ok(&["verify"]);
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
    p.fails(
        2,
        &[
            "transfer", "--source", "alice", "--to", "alice", "--amount", "1.2.3",
        ],
    );
    p.fails(
        2,
        &[
            "transfer",
            "--source",
            "alice",
            "--to",
            "alice",
            "--amount",
            "0.00000001",
        ],
    );
    p.fails(
        2,
        &[
            "transfer", "--source", "alice", "--to", "alice", "--amount", "-1",
        ],
    );
    let mut bare = DEPLOY.to_vec();
    bare[2] = "alice";
    bare.extend(["--hashrate-per-share", "100"]);
    p.fails(2, &bare);
    let wrong = p
        .command(&["status"])
        .env(
            "STELLAR_NETWORK_PASSPHRASE",
            "Test SDF Network ; September 2015",
        )
        .output()
        .unwrap();
    assert_eq!(wrong.status.code(), Some(2));
    let unreachable = p
        .command(&["status"])
        .env("STELLAR_RPC_URL", "http://127.0.0.1:9/rpc")
        .output()
        .unwrap();
    assert_eq!(unreachable.status.code(), Some(2));
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
