//! `hashshare keys` through the binary: identities in stellar-cli's files, read back from
//! that format and written in it by hand, funded through a node's friendbot.
mod common;

use std::{path::Path, process::Command};

use common::{Running, TempDir};

fn hashshare(config: &Path, rpc: &str, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_hashshare"))
        .args(args)
        .env("STELLAR_CONFIG_HOME", config)
        .env("STELLAR_RPC_URL", rpc)
        .env(
            "STELLAR_NETWORK_PASSPHRASE",
            "Standalone Network ; February 2017",
        )
        .env_remove("STELLAR_NETWORK")
        .output()
        .expect("hashshare runs")
}

fn stdout(output: &std::process::Output) -> String {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).trim().to_string()
}

#[test]
fn identities_are_stellar_clis_files_and_fund_through_friendbot() {
    let node = Running::node(&["--ephemeral".as_ref()]);
    let config = TempDir::new("keys");
    let dir = config.0.as_path();

    // Generated: a 24-word seed phrase in `identity/alice.toml`, as stellar-cli writes it.
    let address = stdout(&hashshare(
        dir,
        &node.url,
        &["keys", "generate", "alice", "--fund"],
    ));
    let alice = address.lines().next().unwrap().to_string();
    assert!(alice.starts_with('G') && alice.len() == 56, "{address}");
    let file = std::fs::read_to_string(dir.join("identity/alice.toml")).unwrap();
    let value: toml::Value = toml::from_str(&file).unwrap();
    let phrase = value["seed_phrase"].as_str().expect("a seed phrase");
    assert_eq!(phrase.split_whitespace().count(), 24);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.join("identity/alice.toml"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0, "readable by its owner only");
    }
    assert_eq!(
        stdout(&hashshare(dir, &node.url, &["keys", "address", "alice"])),
        alice
    );

    // Written by hand in stellar-cli's formats: a secret key (SEP-5's first vector's key 0),
    // and a seed phrase with `hd_path` (the same vector's key 1).
    std::fs::write(
        dir.join("identity/bob.toml"),
        "secret_key = \"SBGWSG6BTNCKCOB3DIFBGCVMUPQFYPA2G4O34RMTB343OYPXU5DJDVMN\"\n",
    )
    .unwrap();
    assert_eq!(
        stdout(&hashshare(dir, &node.url, &["keys", "address", "bob"])),
        "GDRXE2BQUC3AZNPVFSCEZ76NJ3WWL25FYFK6RGZGIEKWE4SOOHSUJUJ6"
    );
    std::fs::write(
        dir.join("identity/carol.toml"),
        "seed_phrase = \"illness spike retreat truth genius clock brain pass fit cave bargain toe\"\nhd_path = 1\n",
    )
    .unwrap();
    assert_eq!(
        stdout(&hashshare(dir, &node.url, &["keys", "address", "carol"])),
        "GBAW5XGWORWVFE2XTJYDTLDHXTY2Q2MO73HYCGB3XMFMQ562Q2W2GJQX"
    );
    let listed = stdout(&hashshare(dir, &node.url, &["keys", "ls"]));
    assert_eq!(
        listed.lines().collect::<Vec<_>>(),
        ["alice", "bob", "carol"]
    );
    stdout(&hashshare(dir, &node.url, &["keys", "fund", "bob"]));

    // Bad input: one line, exit code 2.
    for args in [
        &["keys", "address", "nobody"][..],
        &["keys", "generate", "alice"],
        &["keys", "generate", "../escape"],
    ] {
        let output = hashshare(dir, &node.url, args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
        assert!(!stderr.contains(phrase), "no secret printed");
    }
    // Into a closed pipe (`| head -1`) the output stops quietly: more names than a pipe holds.
    let many = TempDir::new("keys-many");
    std::fs::create_dir_all(many.0.join("identity")).unwrap();
    for i in 0..15_000 {
        std::fs::write(many.0.join(format!("identity/k{i:05}.toml")), "").unwrap();
    }
    let mut child = Command::new(env!("CARGO_BIN_EXE_hashshare"))
        .args(["keys", "ls"])
        .env("STELLAR_CONFIG_HOME", &many.0)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(child.stdout.take().unwrap()),
        &mut first,
    )
    .unwrap();
    assert_eq!(first, "k00000\n");
    let closed = child.wait_with_output().unwrap();
    assert!(
        closed.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&closed.stderr)
    );
    let output = hashshare(dir, "http://127.0.0.1:9/rpc", &["keys", "fund", "bob"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("cannot reach"));
}
