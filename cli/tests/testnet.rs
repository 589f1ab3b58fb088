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
/// `contract fetch` writes the remembered WASM, or other bytes when FAKE_FETCH=tampered;
/// `ledger latest` answers ledger 1000000. `contract invoke -- <function>` prints the first
/// line of `answers/<function>` (dropping it while more lines follow), or nothing, and logs
/// `answers/<function>.log` on stderr if it exists (as stellar-cli logs a sent transaction's
/// events); if `answers/<function>.fail` exists, it prints that on stderr and fails.
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
  "ledger latest") echo '{"id":"7d0c4b1e","protocolVersion":23,"sequence":1000000}' ;;
  "contract invoke")
    fn=""; after=""
    for a in "$@"; do if [ -n "$after" ]; then fn="$a"; break; fi; [ "$a" = "--" ] && after=1; done
    answers="$(dirname "$FAKE_STELLAR_LOG")/answers"
    if [ -f "$answers/$fn.fail" ]; then cat "$answers/$fn.fail" >&2; exit 1; fi
    if [ -f "$answers/$fn.log" ]; then cat "$answers/$fn.log" >&2; fi
    if [ -f "$answers/$fn" ]; then
      head -n 1 "$answers/$fn"
      if [ "$(wc -l < "$answers/$fn")" -gt 1 ]; then
        tail -n +2 "$answers/$fn" > "$answers/$fn.rest"; mv "$answers/$fn.rest" "$answers/$fn"
      fi
    fi ;;
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

    /// What the fake answers to `contract invoke -- <function>`, one line per call (the last
    /// one repeats).
    fn answer(&self, function: &str, lines: &[&str]) {
        let dir = self.dir.path().join("answers");
        std::fs::create_dir_all(&dir).expect("answers dir");
        std::fs::write(dir.join(function), format!("{}\n", lines.join("\n"))).expect("answer");
    }

    /// `contract invoke -- <function>` logs `stderr` (its events) and succeeds; `None`: logs
    /// nothing.
    fn log_events(&self, function: &str, stderr: Option<&str>) {
        let dir = self.dir.path().join("answers");
        std::fs::create_dir_all(&dir).expect("answers dir");
        let path = dir.join(format!("{function}.log"));
        match stderr {
            Some(text) => std::fs::write(path, text).expect("log"),
            None => {
                let _ = std::fs::remove_file(path);
            }
        }
    }

    /// `contract invoke -- <function>` fails with `stderr`.
    fn fail(&self, function: &str, stderr: &str) {
        let dir = self.dir.path().join("answers");
        std::fs::create_dir_all(&dir).expect("answers dir");
        std::fs::write(dir.join(format!("{function}.fail")), stderr).expect("failure");
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

/// The default pool's reporters (quorum 3).
const REPORTERS: [&str; 5] = [
    "reporter1",
    "reporter2",
    "reporter3",
    "reporter4",
    "reporter5",
];

/// The fake's latest ledger (1000000) + testnet's max_entry_ttl (3110400) - 1.
const ALLOWANCE_UNTIL: u32 = 4_110_399;

/// The operator's approval of `distributor` on the reward asset `reward`.
fn approve(reward: &str, distributor: &str) -> String {
    format!(
        "contract invoke --id {reward} --source operator --network testnet -- approve --from {} --spender {distributor} --amount 170141183460469231731687303715884105727 --expiration_ledger {ALLOWANCE_UNTIL}",
        address("operator")
    )
}

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
    let reporters = REPORTERS.map(address);
    let config = format!(
        r#"{{"capacity_epochs":7,"dispute_seconds":3600,"epoch_seconds":86400,"genesis":{GENESIS},"max_age_epochs":2,"operator":"{operator}","quorum":3,"reporters":["{}","{}","{}","{}","{}"]}}"#,
        reporters[0], reporters[1], reporters[2], reporters[3], reporters[4]
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
        "keys address reporter4".to_string(),
        "keys address reporter5".to_string(),
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
        // The operator lets the distributor take its mints' top-ups: the largest allowance,
        // living as long as the network allows (latest ledger + max_entry_ttl - 1).
        "keys address operator".to_string(),
        "ledger latest --network testnet --output json".to_string(),
        approve(native, &distributor),
    ];
    assert_eq!(fake.log(), expected);
    assert!(
        out.contains(&format!(
            "top-up allowance   until ledger {ALLOWANCE_UNTIL}"
        )),
        "{out}"
    );
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
    assert_eq!(m["topups_approved_until"], ALLOWANCE_UNTIL);
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

/// The deployed contract ids: (oracle, token, distributor, reward asset).
fn ids(fake: &Fake) -> (String, String, String, String) {
    let m = fake.manifest();
    let id = |name: &str| m["contracts"][name]["id"].as_str().expect("id").to_string();
    (
        id("pool_oracle"),
        id("share_token"),
        id("payout_distributor"),
        m["reward_token"].as_str().expect("reward").to_string(),
    )
}

/// `stellar contract invoke` of `id`'s `call` (function and arguments), signed by `source`.
fn invoke(id: &str, source: &str, call: &str) -> String {
    format!("contract invoke --id {id} --source {source} --network testnet -- {call}")
}

#[test]
fn operations_become_contract_invocations() {
    let fake = Fake::new();
    deploy(&fake).ok();
    fake.clear_log();
    let (oracle, token, distributor, _) = ids(&fake);

    fake.hashshare(
        &[
            "transfer", "--source", "alice", "--to", "bob", "--amount", "2.5",
        ],
        &[],
    )
    .ok();
    fake.hashshare(&["claim", "--source", "alice"], &[]).ok();
    assert_eq!(
        fake.log(),
        vec![
            "keys address alice".to_string(),
            "keys address bob".to_string(),
            invoke(
                &token,
                "alice",
                &format!(
                    "transfer --from {} --to {} --amount 25000000",
                    address("alice"),
                    address("bob")
                )
            ),
            "keys address alice".to_string(),
            invoke(
                &distributor,
                "alice",
                &format!("claim --holder {}", address("alice"))
            ),
        ]
    );

    // A mint mid-stream: the top-up taken is the change of the distributor's
    // totals().topups, its fee the change of totals().fees (3931 stream, grossed up by 5%).
    fake.clear_log();
    fake.answer(
        "totals",
        &[
            r#"{"deposited":"50000","fees":"2500","fees_withdrawn":"0","topups":"0"}"#,
            r#"{"deposited":"54138","fees":"2707","fees_withdrawn":"0","topups":"4138"}"#,
        ],
    );
    fake.answer("capacity", &[r#""100000000000000""#]);
    fake.answer("total_supply", &[r#""1000000000""#, r#""25000000""#]);
    fake.answer("hashrate_per_share", &[r#""1000000000000""#]);
    fake.answer("maturity", &["1798761600"]);
    let out = fake
        .hashshare(
            &[
                "mint", "--source", "operator", "--to", "carol", "--amount", "10",
            ],
            &[],
        )
        .ok();
    assert_eq!(
        fake.log(),
        vec![
            "keys address carol".to_string(),
            invoke(&distributor, "operator", "totals"),
            invoke(
                &token,
                "operator",
                &format!("mint --to {} --amount 100000000", address("carol"))
            ),
            invoke(&distributor, "operator", "totals"),
            invoke(&oracle, "operator", "capacity --pool antpool_s19"),
            invoke(&token, "operator", "total_supply"),
            invoke(&token, "operator", "hashrate_per_share"),
            // The supply sells all the capacity: before maturity, it is sold out.
            invoke(&token, "operator", "maturity"),
        ]
    );
    assert!(
        out.contains("top-up 4138 taken from operator on its allowance to the distributor: 3931 into the running streams + fee 207 (accrues in the distributor)"),
        "{out}"
    );
    assert!(
        out.contains("room left: 0 shares (sold out: the supply of 100 shares sells all 100 TH/s of sustained capacity)"),
        "{out}"
    );

    // Without an effective report there is no capacity, and the mint says why.
    fake.answer(
        "totals",
        &[r#"{"deposited":"0","fees":"0","fees_withdrawn":"0","topups":"0"}"#],
    );
    fake.answer("capacity", &[r#""0""#]);
    fake.answer(
        "pool",
        &[r#"{"capacity_epochs":7,"dispute_seconds":3600,"epoch_seconds":86400,"genesis":1767225600,"max_age_epochs":2,"operator":"GOP","quorum":3,"reporters":[]}"#],
    );
    fake.answer("current_epoch", &["3"]);
    fake.answer("latest", &["null"]);
    let out = fake
        .hashshare(
            &[
                "mint", "--source", "operator", "--to", "carol", "--amount", "1",
            ],
            &[],
        )
        .ok();
    assert!(out.contains("top-up 0 (no stream was running)"), "{out}");
    assert!(
        out.contains("room left: 0 shares (no attestation yet: no epoch has an effective report)"),
        "{out}"
    );
}

/// The pool's config as stellar-cli prints it (5 reporters, quorum 3, 1 h dispute window).
fn pool_json() -> String {
    let reporters: Vec<String> = REPORTERS
        .iter()
        .map(|r| format!(r#""{}""#, address(r)))
        .collect();
    format!(
        r#"{{"capacity_epochs":7,"dispute_seconds":3600,"epoch_seconds":86400,"genesis":{GENESIS},"max_age_epochs":2,"operator":"{}","quorum":3,"reporters":[{}]}}"#,
        address("operator"),
        reporters.join(",")
    )
}

#[test]
fn submissions_say_whether_the_epoch_finalized_and_finalize_closes_a_round() {
    let fake = Fake::new();
    deploy(&fake).ok();
    let (oracle, _, _, _) = ids(&fake);
    fake.answer("pool", &[&pool_json()]);
    let submit = |reporter: &str| {
        fake.hashshare(
            &[
                "report",
                "submit",
                "--source",
                reporter,
                "--epoch",
                "7",
                "--hashrate",
                "100TH",
                "--reward",
                "100000",
            ],
            &[],
        )
    };

    // Not the last reporter: stellar-cli logs only the `submitted` event.
    fake.clear_log();
    fake.log_events(
        "submit",
        Some("ℹ️  Signing transaction…\n📅 CORACLE - Event: [{\"symbol\":\"submitted\"},{\"symbol\":\"antpool_s19\"},{\"u64\":\"7\"}] = {\"map\":[]}\n"),
    );
    let out = submit("reporter1").ok();
    assert_eq!(
        fake.log(),
        vec![
            "keys address reporter1".to_string(),
            invoke(
                &oracle,
                "reporter1",
                &format!(
                    "submit --reporter {} --pool antpool_s19 --epoch 7 --hashrate 100000000000000 --reward 100000",
                    address("reporter1")
                )
            ),
            invoke(&oracle, "reporter1", "pool --pool antpool_s19"),
        ]
    );
    assert!(
        out.contains("submitted epoch 7: not finalized (no `finalized` event)"),
        "{out}"
    );
    assert!(
        out.contains("it finalizes at once when all 5 listed reporters have submitted; else `hashshare --network testnet report finalize --epoch 7` closes it once it has been open 1 h since its first submission, by "),
        "{out}"
    );
    assert!(
        out.contains(" at the latest, if at least 3 have submitted by then"),
        "{out}"
    );

    // The last reporter's submission finalizes the epoch: the `finalized` event.
    fake.log_events(
        "submit",
        Some("📅 CORACLE - Event: [{\"symbol\":\"submitted\"},{\"symbol\":\"antpool_s19\"},{\"u64\":\"7\"}] = {\"map\":[]}\n📅 CORACLE - Event: [{\"symbol\":\"finalized\"},{\"symbol\":\"antpool_s19\"},{\"u64\":\"7\"}] = {\"map\":[]}\n"),
    );
    let out = submit("reporter5").ok();
    assert!(
        out.contains("submitted epoch 7: finalized (every listed reporter has submitted); effective after the 1 h dispute window, at about "),
        "{out}"
    );

    // Anyone may finalize a round that is not complete: `finalize --pool P --epoch N`.
    fake.clear_log();
    let out = fake
        .hashshare(
            &["report", "finalize", "--epoch", "8", "--source", "eve"],
            &[],
        )
        .ok();
    assert_eq!(
        fake.log(),
        vec![
            invoke(&oracle, "eve", "finalize --pool antpool_s19 --epoch 8"),
            invoke(&oracle, "eve", "pool --pool antpool_s19"),
        ]
    );
    assert!(
        out.contains("finalized epoch 8; effective after the 1 h dispute window, at about "),
        "{out}"
    );
    // The operator sends it by default.
    fake.clear_log();
    fake.hashshare(&["report", "finalize", "--epoch", "8"], &[])
        .ok();
    assert_eq!(
        fake.log()[0],
        invoke(&oracle, "operator", "finalize --pool antpool_s19 --epoch 8")
    );

    // Too early, or too few: the oracle's error by name, with what it means.
    fake.fail(
        "finalize",
        "❌ error: transaction simulation failed: HostError: Error(Contract, #116)\n",
    );
    let line = fake
        .hashshare(&["report", "finalize", "--epoch", "9"], &[])
        .fails(1);
    assert_eq!(
        line,
        "error: finalize failed: SubmissionsOpen (116): the epoch's round of submissions stays open until every listed reporter has submitted, or for the dispute window after its first submission"
    );
    fake.fail(
        "finalize",
        "❌ error: transaction simulation failed: HostError: Error(Contract, #114)\n",
    );
    let line = fake
        .hashshare(&["report", "finalize", "--epoch", "9"], &[])
        .fails(1);
    assert!(
        line.starts_with("error: finalize failed: QuorumNotReached (114): fewer than the quorum"),
        "{line}"
    );
}

#[test]
fn record_and_deposit_record_every_earlier_epoch_in_order() {
    let fake = Fake::new();
    deploy(&fake).ok();
    let (_, _, distributor, _) = ids(&fake);
    let unsold =
        r#"{"fee":"0","owed":"0","paid":"0","reported":false,"supply_seconds":"0","topup":"0"}"#;
    let sold = r#"{"fee":"0","owed":"90000","paid":"0","reported":true,"supply_seconds":"77760000000000","topup":"0"}"#;

    fake.clear_log();
    fake.answer("next_epoch", &["6"]);
    fake.answer("record", &[unsold, unsold, sold]);
    let out = fake.hashshare(&["record", "--epoch", "8"], &[]).ok();
    assert_eq!(
        fake.log(),
        vec![
            invoke(&distributor, "operator", "next_epoch"),
            invoke(&distributor, "operator", "record --epoch 6"),
            invoke(&distributor, "operator", "record --epoch 7"),
            invoke(&distributor, "operator", "record --epoch 8"),
        ]
    );
    assert!(
        out.contains("recorded epoch 7: owes 0 (nothing sold)"),
        "{out}"
    );
    assert!(out.contains("recorded epoch 8: owes 90000"), "{out}");

    // A deposit of more than is due: the rest comes back.
    fake.clear_log();
    fake.answer("next_epoch", &["8"]);
    fake.answer("record", &[sold]);
    fake.answer(
        "epoch",
        &[
            sold,
            r#"{"fee":"4500","owed":"90000","paid":"90000","reported":true,"supply_seconds":"77760000000000","topup":"0"}"#,
        ],
    );
    fake.answer("due", &[r#""90000""#, r#""0""#]);
    let out = fake
        .hashshare(
            &[
                "deposit", "--source", "operator", "--epoch", "8", "--amount", "100000",
            ],
            &[],
        )
        .ok();
    assert_eq!(
        fake.log(),
        vec![
            "keys address operator".to_string(),
            invoke(&distributor, "operator", "next_epoch"),
            invoke(&distributor, "operator", "record --epoch 8"),
            invoke(&distributor, "operator", "epoch --epoch 8"),
            invoke(&distributor, "operator", "due --epoch 8"),
            invoke(
                &distributor,
                "operator",
                &format!(
                    "deposit --from {} --epoch 8 --amount 100000",
                    address("operator")
                )
            ),
            invoke(&distributor, "operator", "epoch --epoch 8"),
            invoke(&distributor, "operator", "due --epoch 8"),
        ]
    );
    assert!(
        out.contains("epoch 8 owes 90000 (0 paid before); due now 90000 (top-up included)"),
        "{out}"
    );
    assert!(
        out.contains("taken 90000 = debt paid 90000 + top-up 0; fee 4500 (accrues in the distributor); streams 85500"),
        "{out}"
    );
    assert!(out.contains("sent back 10000"), "{out}");
}

#[test]
fn fees_are_withdrawn_by_the_fee_recipient_and_reassigned_by_the_admin() {
    let fake = Fake::new();
    deploy(&fake).ok();
    let (_, _, distributor, reward) = ids(&fake);
    fake.clear_log();
    fake.answer("withdraw_fees", &[r#""4500""#]);
    let out = fake
        .hashshare(&["withdraw-fees", "--source", "fee"], &[])
        .ok();
    assert!(out.contains("withdrew 4500"), "{out}");
    fake.hashshare(
        &["set-fee-recipient", "--source", "admin", "--to", "carol"],
        &[],
    )
    .ok();
    fake.hashshare(&["approve-topups", "--source", "operator"], &[])
        .ok();
    assert_eq!(
        fake.log(),
        vec![
            invoke(&distributor, "fee", "withdraw_fees"),
            "keys address carol".to_string(),
            invoke(
                &distributor,
                "admin",
                &format!("set_fee_recipient --recipient {}", address("carol"))
            ),
            "keys address operator".to_string(),
            "ledger latest --network testnet --output json".to_string(),
            approve(&reward, &distributor),
        ]
    );
}

#[test]
fn status_reads_the_books_and_explains_the_capacity() {
    let fake = Fake::new();
    deploy(&fake).ok();
    fake.answer("current_epoch", &["9"]);
    fake.answer(
        "latest",
        &[r#"{"epoch":8,"finalized_at":1767999600,"hashrate":"100000000000000","reward":"100000","submissions":3}"#],
    );
    fake.answer("next_epoch", &["8"]);
    fake.answer("arrears", &[r#""0""#]);
    fake.answer("capacity", &[r#""0""#]);
    fake.answer("total_supply", &[r#""900000000""#]);
    fake.answer("hashrate_per_share", &[r#""1000000000000""#]);
    fake.answer("maturity", &["1798761600"]);
    fake.answer(
        "pool",
        &[r#"{"capacity_epochs":7,"dispute_seconds":3600,"epoch_seconds":86400,"genesis":1767225600,"max_age_epochs":2,"operator":"GOP","quorum":3,"reporters":[]}"#],
    );
    // Epochs 8, 7 and 6 are effective, 5 is not.
    let report = r#"{"epoch":8,"finalized_at":1,"hashrate":"1","reward":"1","submissions":3}"#;
    fake.answer("report", &[report, report, report, "null"]);
    fake.answer(
        "totals",
        &[r#"{"deposited":"198377","fees":"9722","fees_withdrawn":"9000","topups":"13794"}"#],
    );
    fake.answer("fee_recipient", &[&format!(r#""{}""#, address("fee"))]);
    let out = fake.hashshare(&["status"], &[]).ok();
    assert!(
        out.contains("capacity         0 (fewer than capacity_epochs (7) consecutive effective epochs: 3 end at epoch 8) (capacity_epochs 7)"),
        "{out}"
    );
    assert!(
        out.contains("total supply     90 shares; room left: 0 shares"),
        "{out}"
    );
    assert!(
        out.contains("books            deposited 198377 (top-ups 13794), fees 9722, fees withdrawn 9000 (722 to withdraw)"),
        "{out}"
    );
    assert!(out.contains("next epoch       8"), "{out}");
}

#[test]
fn refusals_on_testnet_are_one_line_with_the_error_by_name() {
    let fake = Fake::new();
    deploy(&fake).ok();
    // The wrong signer: the network refuses the authorization.
    fake.fail(
        "withdraw_fees",
        "ℹ️  Simulating transaction…\n❌ error: transaction simulation failed: HostError: Error(Auth, InvalidAction)\n\nEvent log (newest first):\n   0: [Diagnostic Event] topics:[error, Error(Auth, InvalidAction)]\n",
    );
    let line = fake
        .hashshare(&["withdraw-fees", "--source", "alice"], &[])
        .fails(1);
    assert_eq!(
        line,
        "error: `stellar contract invoke` withdraw_fees failed: ❌ error: transaction simulation failed: HostError: Error(Auth, InvalidAction)"
    );
    // A contract error is named as on the local network, with what to do about it.
    fake.answer(
        "totals",
        &[r#"{"deposited":"0","fees":"0","fees_withdrawn":"0","topups":"0"}"#],
    );
    fake.fail(
        "mint",
        "❌ error: transaction simulation failed: HostError: Error(Contract, #312)\n",
    );
    let line = fake
        .hashshare(
            &[
                "mint", "--source", "operator", "--to", "alice", "--amount", "1",
            ],
            &[],
        )
        .fails(1);
    assert!(
        line.starts_with(
            "error: mint failed: TopUpNotApproved (312): the operator's reward-asset allowance"
        ),
        "{line}"
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
    let invocation = |log: &[String], function: &str| {
        log.iter()
            .find(|l| l.contains(&format!(" -- {function} ")))
            .cloned()
    };
    for function in ["set_distributor", "approve"] {
        assert!(invocation(&by_hashshare, function).is_some(), "{function}");
        assert_eq!(
            invocation(&by_script, function),
            invocation(&by_hashshare, function),
            "{function}"
        );
    }
    assert!(
        by_script
            .iter()
            .any(|l| l == "ledger latest --network testnet --output json"),
        "{by_script:?}"
    );
    let m = fake.manifest();
    assert!(
        out.contains(&format!(
            "SHARE_TOKEN={}",
            m["contracts"]["share_token"]["id"].as_str().expect("id")
        )),
        "{out}"
    );
    assert!(
        out.contains(&format!("TOPUP_ALLOWANCE_UNTIL={ALLOWANCE_UNTIL}")),
        "{out}"
    );
}
