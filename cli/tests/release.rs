//! The release build — what `cargo install --path cli` makes: LTO, `panic = "abort"` — reports
//! a contract error by its name with exit code 1 and bad input in one line with exit code 2,
//! as the debug build does (a panic there would abort with 134 and print nothing useful).
mod common;

use std::{path::PathBuf, process::Command};

use common::{Running, TempDir};

/// `target/release/hashshare`, built (or brought up to date) by cargo now.
fn release_binary() -> PathBuf {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(cargo)
        .args(["build", "--release", "--quiet", "-p", "hashshare-cli"])
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
        .status()
        .expect("cargo runs");
    assert!(status.success(), "cargo build --release -p hashshare-cli");
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../target")));
    target.join("release/hashshare")
}

#[test]
fn the_release_build_names_contract_errors_and_exits_1() {
    common::wasm_dir();
    let binary = release_binary();
    let node = Running::node(&["--ephemeral".as_ref(), "--dev-time".as_ref()]);
    let (config, work) = (TempDir::new("release-config"), TempDir::new("release-work"));
    let run = |args: &[&str]| {
        Command::new(&binary)
            .args(args)
            .current_dir(work.path())
            .env("STELLAR_CONFIG_HOME", config.path())
            .env("STELLAR_RPC_URL", &node.url)
            .env(
                "STELLAR_NETWORK_PASSPHRASE",
                "Standalone Network ; February 2017",
            )
            .env_remove("STELLAR_NETWORK")
            .output()
            .expect("the release binary runs")
    };
    let ok = |args: &[&str]| {
        let out = run(args);
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    for who in ["admin", "operator", "r1"] {
        ok(&["keys", "generate", who, "--fund"]);
    }
    ok(&[
        "deploy",
        "--source",
        "admin",
        "--operator",
        "operator",
        "--reporters",
        "r1",
        "--quorum",
        "1",
        "--capacity-epochs",
        "1",
        "--fee-recipient",
        "admin",
    ]);
    // Nothing attested: no capacity, so the mint is refused by the share token, by name.
    let refused = run(&[
        "mint", "--source", "operator", "--to", "r1", "--amount", "1",
    ]);
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(refused.status.code(), Some(1), "{stderr}");
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("failed: CapacityExceeded (209)"),
        "{stderr}"
    );
    // An epoch not ended yet: the oracle's error, by name.
    let refused = run(&[
        "report",
        "submit",
        "--source",
        "r1",
        "--epoch",
        "5",
        "--hashrate",
        "1TH",
        "--reward",
        "1",
    ]);
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(refused.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("EpochNotEnded (104)"), "{stderr}");
    // Bad input: one line, exit 2.
    let bad = run(&[
        "mint",
        "--source",
        "operator",
        "--to",
        "r1",
        "--amount",
        "1.123456789",
    ]);
    let stderr = String::from_utf8_lossy(&bad.stderr);
    assert_eq!(bad.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    let bad = run(&["mint", "--source", "nobody", "--to", "r1", "--amount", "1"]);
    assert_eq!(bad.status.code(), Some(2));
}
