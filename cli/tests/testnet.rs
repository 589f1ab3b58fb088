//! The testnet path without a network: a fake `stellar` executable, first on PATH, records
//! every command line and answers like stellar-cli. The tests check the exact commands, the
//! manifest, that a re-run reuses what the manifest records, and `verify`.
mod common;

use std::{
    os::unix::fs::PermissionsExt,
    path::Path,
    process::{Command, Output, Stdio},
    sync::Mutex,
};

use common::{wasm_dir, Run, TempDir};
use sha2::{Digest, Sha256};

/// The fake stellar-cli. Identities `name` have the address `G` + NAME padded with `A`;
/// `contract upload` prints the file's sha256 (as the network hashes it) and remembers the
/// file; `contract deploy` prints a contract id derived from the WASM hash and remembers it;
/// `contract fetch` writes the remembered WASM, or other bytes when FAKE_FETCH=tampered.
const FAKE_STELLAR: &str = r#"#!/usr/bin/env bash
set -euo pipefail
printf '%s\n' "$*" >> "$FAKE_STELLAR_LOG"
state="$(dirname "$FAKE_STELLAR_LOG")/fake-state"
touch "$state"
address() {
  local n; n=$(printf '%s' "$1" | tr 'a-z0189' 'A-ZABCD')
  printf 'G%s' "$n"; for _ in $(seq 1 $((55 - ${#n}))); do printf 'A'; done; printf '\n'
}
case "$1 $2" in
  "keys address") address "$3" ;;
  "contract id") echo "CDLZFC3SYJYDZT7K67VZ75HPJVIEUVNIXF47ZG2FB2RMQQVU2HHGCYSC" ;;
  "contract upload")
    wasm="$4"; hash=$(sha256sum "$wasm" | cut -d' ' -f1)
    echo "wasm $hash $wasm" >> "$state"
    echo "ℹ️  Simulating install transaction…" >&2
    echo "$hash" ;;
  "contract deploy")
    hash="$4"; id="C$(printf '%s' "$hash" | tr 'a-f0189' 'A-FABCD' | cut -c1-55)"
    echo "contract $id $hash" >> "$state"
    echo "$id" ;;
  "contract invoke") ;;
  "contract fetch")
    id="$4"; out="${@: -1}"
    hash=$(awk -v id="$id" '$1 == "contract" && $2 == id { print $3 }' "$state")
    wasm=$(awk -v h="$hash" '$1 == "wasm" && $2 == h { print $3 }' "$state")
    if [ "${FAKE_FETCH:-}" = tampered ]; then printf 'not the audited code' > "$out"; else cp "$wasm" "$out"; fi ;;
  *) echo "fake stellar: unexpected command: $*" >&2; exit 1 ;;
esac
"#;

/// Tests run in parallel threads of one process. A child forked while another thread still
/// holds the fake script open for writing inherits that descriptor until it execs, and running
/// the script meanwhile fails with "Text file busy". So scripts are written, and children
/// spawned, one at a time.
static FORK: Mutex<()> = Mutex::new(());

/// Spawns `command` (outside the window in which a script is being written) and waits for it.
fn output(command: &mut Command) -> Output {
    let child = {
        let _forking = FORK.lock().unwrap_or_else(|e| e.into_inner());
        command
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn")
    };
    child.wait_with_output().expect("wait")
}

struct Fake {
    dir: TempDir,
}

impl Fake {
    fn new() -> Fake {
        let dir = TempDir::new("testnet");
        let bin = dir.path().join("bin");
        std::fs::create_dir_all(&bin).expect("bin dir");
        let script = bin.join("stellar");
        let _writing = FORK.lock().unwrap_or_else(|e| e.into_inner());
        std::fs::write(&script, FAKE_STELLAR).expect("write the fake stellar");
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755))
            .expect("make it executable");
        Fake { dir }
    }

    fn log_path(&self) -> std::path::PathBuf {
        self.dir.path().join("stellar.log")
    }

    fn log(&self) -> Vec<String> {
        std::fs::read_to_string(self.log_path())
            .unwrap_or_default()
            .lines()
            .map(str::to_string)
            .collect()
    }

    fn clear_log(&self) {
        let _ = std::fs::remove_file(self.log_path());
    }

    fn hashshare(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let path = format!(
            "{}:{}",
            self.dir.path().join("bin").display(),
            std::env::var("PATH").unwrap_or_default()
        );
        let mut command = common::hashshare(self.dir.path());
        command
            .env("PATH", path)
            .env("FAKE_STELLAR_LOG", self.log_path())
            .arg("--network")
            .arg("testnet")
            .args(args);
        for (k, v) in env {
            command.env(k, v);
        }
        output(&mut command).into()
    }

    fn manifest(&self) -> serde_json::Value {
        let text = std::fs::read_to_string(self.dir.path().join("deployments/testnet.json"))
            .expect("the manifest");
        serde_json::from_str(&text).expect("manifest JSON")
    }
}

/// What the fake answers for `stellar keys address <name>`.
fn address(name: &str) -> String {
    let n: String = name
        .to_uppercase()
        .chars()
        .map(|c| match c {
            '0' => 'A',
            '1' => 'B',
            '8' => 'C',
            '9' => 'D',
            c => c,
        })
        .collect();
    format!("G{n}{}", "A".repeat(55 - n.len()))
}

fn contract_id(hash: &str) -> String {
    let mapped: String = hash
        .chars()
        .map(|c| match c {
            '0' => 'A',
            '1' => 'B',
            '8' => 'C',
            '9' => 'D',
            c => c.to_ascii_uppercase(),
        })
        .collect();
    format!("C{}", &mapped[..55])
}

fn sha256_file(path: &Path) -> String {
    let bytes = std::fs::read(path).expect("read the WASM");
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

const GENESIS: u64 = 1_767_225_600;

fn deploy(fake: &Fake) -> Run {
    fake.hashshare(
        &[
            "deploy",
            "--source",
            "admin",
            "--genesis",
            &GENESIS.to_string(),
        ],
        &[],
    )
}

#[test]
fn deploy_runs_the_exact_stellar_commands_and_a_rerun_reuses_the_manifest() {
    let fake = Fake::new();
    let out = deploy(&fake).ok();
    let wasm = wasm_dir();
    let hash = |name: &str| sha256_file(&wasm.join(format!("{name}.wasm")));
    let (oracle, token, distributor) = (
        contract_id(&hash("pool_oracle")),
        contract_id(&hash("share_token")),
        contract_id(&hash("payout_distributor")),
    );
    let native = "CDLZFC3SYJYDZT7K67VZ75HPJVIEUVNIXF47ZG2FB2RMQQVU2HHGCYSC";
    let (admin, operator) = (address("admin"), address("operator"));
    let reporters = ["reporter1", "reporter2", "reporter3"].map(address);
    let config = format!(
        r#"{{"dispute_seconds":3600,"epoch_seconds":86400,"genesis":{GENESIS},"max_age_epochs":2,"operator":"{operator}","quorum":2,"reporters":["{}","{}","{}"]}}"#,
        reporters[0], reporters[1], reporters[2]
    );
    let upload = |name: &str| {
        format!(
            "contract upload --wasm {}/{name}.wasm --source admin --network testnet",
            wasm.display()
        )
    };
    let expected = vec![
        "keys address admin".to_string(),
        "keys address operator".to_string(),
        "contract id asset --asset native --network testnet".to_string(),
        upload("pool_oracle"),
        upload("share_token"),
        upload("payout_distributor"),
        format!(
            "contract deploy --wasm-hash {} --source admin --network testnet -- --admin {admin}",
            hash("pool_oracle")
        ),
        "keys address reporter1".to_string(),
        "keys address reporter2".to_string(),
        "keys address reporter3".to_string(),
        "keys address operator".to_string(),
        format!(
            "contract invoke --id {oracle} --source admin --network testnet -- register_pool --pool antpool_s19 --config {config}"
        ),
        format!(
            "contract deploy --wasm-hash {} --source operator --network testnet -- --admin {admin} --operator {operator} --oracle {oracle} --pool antpool_s19 --name Antpool S19 hashrate 2026 --symbol HASH26 --hashrate_per_share 1000000000000 --maturity {}",
            hash("share_token"),
            GENESIS + 365 * 86_400
        ),
        "keys address fee".to_string(),
        format!(
            "contract deploy --wasm-hash {} --source admin --network testnet -- --admin {admin} --share_token {token} --reward_token {native} --oracle {oracle} --pool antpool_s19 --fee_bps 500 --fee_recipient {}",
            hash("payout_distributor"),
            address("fee")
        ),
        format!(
            "contract invoke --id {token} --source admin --network testnet -- set_distributor --distributor {distributor}"
        ),
    ];
    assert_eq!(fake.log(), expected);
    assert!(
        out.contains(&format!("share_token        {token}")),
        "{out}"
    );
    assert!(
        out.contains(&format!("payout_distributor {distributor}")),
        "{out}"
    );

    let m = fake.manifest();
    assert_eq!(m["network"], "testnet");
    assert_eq!(m["network_passphrase"], "Test SDF Network ; September 2015");
    assert_eq!(m["reward_token"], native);
    assert_eq!(m["pool"], "antpool_s19");
    assert_eq!(m["pool_registered"], true);
    assert_eq!(m["distributor_set"], true);
    for (name, id) in [
        ("pool_oracle", &oracle),
        ("share_token", &token),
        ("payout_distributor", &distributor),
    ] {
        assert_eq!(m["contracts"][name]["id"], id.as_str());
        assert_eq!(m["contracts"][name]["wasm_sha256"], hash(name));
        assert_eq!(m["contracts"][name]["wasm_hash"], hash(name));
    }

    // Again: everything is reused; nothing is uploaded, deployed or invoked.
    fake.clear_log();
    let out = deploy(&fake).ok();
    assert!(
        out.contains(&format!("reusing share_token {token}")),
        "{out}"
    );
    let log = fake.log();
    assert!(
        log.iter().all(|l| l.starts_with("keys address ")),
        "a re-run must only resolve identities: {log:?}"
    );
    assert_eq!(fake.manifest(), m);
}

#[test]
fn verify_compares_the_deployed_code_with_the_local_build() {
    let fake = Fake::new();
    deploy(&fake).ok();
    fake.clear_log();

    let out = fake.hashshare(&["verify"], &[]).ok();
    assert!(
        out.contains("all deployed contracts match the local build"),
        "{out}"
    );
    assert_eq!(out.matches("  match").count(), 3, "{out}");
    let token = fake.manifest()["contracts"]["share_token"]["id"]
        .as_str()
        .expect("token id")
        .to_string();
    assert!(fake.log().iter().any(|l| l.starts_with(&format!(
        "contract fetch --id {token} --network testnet -o "
    ))));

    let run = fake.hashshare(&["verify"], &[("FAKE_FETCH", "tampered")]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(run.stdout.contains("MISMATCH"), "{}", run.stdout);
    assert!(
        run.stderr.contains(
            "the deployed code differs from the local build for: pool_oracle, share_token, payout_distributor"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn operations_become_contract_invocations() {
    let fake = Fake::new();
    deploy(&fake).ok();
    fake.clear_log();
    let m = fake.manifest();
    let token = m["contracts"]["share_token"]["id"].as_str().expect("id");
    let distributor = m["contracts"]["payout_distributor"]["id"]
        .as_str()
        .expect("id");

    fake.hashshare(
        &[
            "mint", "--source", "operator", "--to", "alice", "--amount", "2.5",
        ],
        &[],
    )
    .ok();
    fake.hashshare(&["claim", "--source", "alice"], &[]).ok();
    assert_eq!(
        fake.log(),
        vec![
            "keys address alice".to_string(),
            format!(
                "contract invoke --id {token} --source operator --network testnet -- mint --to {} --amount 25000000",
                address("alice")
            ),
            "keys address alice".to_string(),
            format!(
                "contract invoke --id {distributor} --source alice --network testnet -- claim --holder {}",
                address("alice")
            ),
        ]
    );
}

#[test]
fn without_stellar_cli_one_line_says_how_to_install_it() {
    let dir = TempDir::new("no-stellar");
    let empty = dir.path().join("empty-bin");
    std::fs::create_dir_all(&empty).expect("dir");
    let run: Run = output(
        Command::new(env!("CARGO_BIN_EXE_hashshare"))
            .current_dir(dir.path())
            .env("PATH", &empty)
            .env_remove("HASHSHARE_STELLAR")
            .arg("--wasm-dir")
            .arg(wasm_dir())
            .args(["--network", "testnet", "deploy", "--source", "admin"]),
    )
    .into();
    let line = run.fails(1);
    assert!(
        line.contains("cargo install --locked stellar-cli"),
        "{line}"
    );
}

#[test]
fn the_deploy_script_runs_the_same_stellar_commands() {
    let fake = Fake::new();
    deploy(&fake).ok();
    let by_hashshare = fake.log();
    fake.clear_log();

    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../scripts/deploy-testnet.sh");
    let path = format!(
        "{}:{}",
        fake.dir.path().join("bin").display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out: Run = output(
        Command::new("bash")
            .arg(script)
            .env("PATH", path)
            .env("FAKE_STELLAR_LOG", fake.log_path())
            .env("GENESIS", GENESIS.to_string())
            .env("WASM_DIR", wasm_dir()),
    )
    .into();
    let out = out.ok();
    let by_script = fake.log();

    // The same uploads, deployments and invocations, in the same order; the pool config is
    // the same JSON object (keys in another order).
    let contract_calls = |log: &[String]| -> Vec<String> {
        log.iter()
            .filter(|l| l.starts_with("contract upload") || l.starts_with("contract deploy"))
            .cloned()
            .collect()
    };
    assert_eq!(contract_calls(&by_script), contract_calls(&by_hashshare));
    let config = |log: &[String]| -> serde_json::Value {
        let line = log
            .iter()
            .find(|l| l.contains(" -- register_pool "))
            .expect("register_pool");
        let json = &line[line.find("--config ").expect("config") + 9..];
        serde_json::from_str(json).expect("config JSON")
    };
    assert_eq!(config(&by_script), config(&by_hashshare));
    let set_distributor = |log: &[String]| {
        log.iter()
            .find(|l| l.contains(" -- set_distributor "))
            .cloned()
    };
    assert_eq!(set_distributor(&by_script), set_distributor(&by_hashshare));
    let m = fake.manifest();
    assert!(
        out.contains(&format!(
            "SHARE_TOKEN={}",
            m["contracts"]["share_token"]["id"].as_str().expect("id")
        )),
        "{out}"
    );
}
