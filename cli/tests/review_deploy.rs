//! Review tests of the resumable deployment over RPC (`offering::deploy` through
//! `hashshare deploy` against `hashshare node`). Tests named `review_bug_*` assert what a
//! reviewer expects of a resumable deployment; they failed on the code reviewed and pass since
//! its fixes.
mod common;

use std::{path::Path, process::Command};

use common::{Running, TempDir};

struct Net {
    node: Running,
    config: TempDir,
    work: TempDir,
}

impl Net {
    fn new(label: &str) -> Net {
        let net = Net {
            node: Running::node(&["--ephemeral".as_ref()]),
            config: TempDir::new(&format!("{label}-config")),
            work: TempDir::new(&format!("{label}-work")),
        };
        for who in ["admin", "operator", "admin2"] {
            net.ok(&["keys", "generate", who, "--fund"]);
        }
        net
    }

    fn run(&self, args: &[&str]) -> (bool, String) {
        let out = Command::new(env!("CARGO_BIN_EXE_hashshare"))
            .args(args)
            .current_dir(&self.work.0)
            .env("STELLAR_CONFIG_HOME", &self.config.0)
            .env_remove("STELLAR_NETWORK")
            .env("STELLAR_RPC_URL", &self.node.url)
            .env(
                "STELLAR_NETWORK_PASSPHRASE",
                "Standalone Network ; February 2017",
            )
            .output()
            .expect("hashshare runs");
        (
            out.status.success(),
            format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ),
        )
    }

    fn ok(&self, args: &[&str]) -> String {
        let (ok, text) = self.run(args);
        assert!(ok, "{args:?}: {text}");
        text
    }

    fn manifest_path(&self) -> std::path::PathBuf {
        self.work.0.join("deployments/review.json")
    }

    fn manifest(&self) -> serde_json::Value {
        serde_json::from_str(&std::fs::read_to_string(self.manifest_path()).unwrap()).unwrap()
    }

    /// `hashshare deploy` with three reporters given as addresses, `extra` flags and `wasm`.
    fn deploy(&self, wasm: &Path, extra: &[&str]) -> (bool, String) {
        self.deploy_as("admin", wasm, extra)
    }

    fn deploy_as(&self, admin: &str, wasm: &Path, extra: &[&str]) -> (bool, String) {
        let reporters = [
            "GAY5PRAHJ2HIYBYCLZXTHID6SPVELOOYH2LBPH3LD4RUMXUW3DOYTLXW",
            "GAOD5NRAEORFE34G5D4EOSKIJB6V4Z2FGPBCJNQI6MNICVITE6CSYIAE",
            "GBCUXLFLSL2JE3NWLHAWXQZN6SQC6577YMAU3M3BEMWKYPFWXBSRCWV4",
        ]
        .join(",");
        let manifest = self.manifest_path();
        let mut args = vec![
            "--manifest",
            manifest.to_str().unwrap(),
            "--wasm-dir",
            wasm.to_str().unwrap(),
            "deploy",
            "--source",
            admin,
            "--operator",
            "operator",
            "--pool",
            "review_pool",
            "--reporters",
            &reporters,
            "--quorum",
            "3",
            "--fee-recipient",
            "admin",
        ];
        args.extend(extra);
        self.run(&args)
    }
}

/// The same `hashshare deploy` run again (an interrupted one resumed, or a re-run to see
/// that all is there) is refused: `--genesis` defaults to the network's latest close time
/// *at each run* (`commands/rpc.rs`, `schedule`), and that time is recorded among the
/// parameters that must not change. Only a deploy given `--genesis` can ever resume. The
/// default should be taken from the manifest when it records one.
#[test]
fn review_bug_the_same_deploy_run_again_is_refused_for_its_default_genesis() {
    let net = Net::new("review-genesis");
    let wasm = common::wasm_dir();
    let (ok, first) = net.deploy(&wasm, &[]);
    assert!(ok, "{first}");
    std::thread::sleep(std::time::Duration::from_secs(2)); // ledgers close every second
    let (ok, again) = net.deploy(&wasm, &[]);
    assert!(ok, "the identical command, run again, is refused: {again}");
}

/// A wiring step whose transaction landed but was not recorded (the process killed between
/// the result and the manifest's save, `getTransaction` timing out after 60 s while the
/// transaction is applied later, a network error while polling) can never be resumed:
/// `register_pool` and `set_distributor` are sent again and the contracts refuse them
/// (`PoolExists`, `DistributorAlreadySet`). Each step should be checked on chain first
/// (`oracle.pool(pool)` compared with the config; `token.distributor()`), as the contracts
/// are, by `contract_exists`.
#[test]
fn review_bug_a_landed_but_unrecorded_step_blocks_every_resume() {
    let net = Net::new("review-resume");
    let wasm = common::wasm_dir();
    let genesis = ["--genesis", "1800000000"];
    let (ok, first) = net.deploy(&wasm, &genesis);
    assert!(ok, "{first}");
    let mut failures = Vec::new();
    for step in ["pool_registered", "distributor_set"] {
        // As if the process had died right after this step's transaction was applied.
        let mut manifest = net.manifest();
        let done = manifest["done"].as_array_mut().unwrap();
        done.retain(|d| d != step);
        std::fs::write(net.manifest_path(), manifest.to_string()).unwrap();
        let (ok, again) = net.deploy(&wasm, &genesis);
        if !ok {
            failures.push(format!("without `{step}` recorded: {}", again.trim()));
            // Put it back, as a user would have to by hand.
            let mut manifest = net.manifest();
            manifest["done"]
                .as_array_mut()
                .unwrap()
                .push(serde_json::Value::String(step.into()));
            std::fs::write(net.manifest_path(), manifest.to_string()).unwrap();
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A resume with other code (a rebuilt contract) uploads it, records its hash in
/// `wasm_hashes`, then takes the contracts found at the derived addresses — which run the
/// old code — and reports success: the manifest now names code its contracts do not run,
/// and nothing says so (the stellar-cli flow printed "deployed from an older build").
/// A contract taken at its derived address should have its instance's executable compared
/// with the expected hash (and its constructor state with the parameters).
#[test]
fn review_bug_a_resume_takes_contracts_running_other_code_silently() {
    let net = Net::new("review-code");
    let wasm = common::wasm_dir();
    let genesis = ["--genesis", "1800000000"];
    let (ok, first) = net.deploy(&wasm, &genesis);
    assert!(ok, "{first}");
    let old = net.manifest()["wasm_hashes"].clone();
    // "A new build": the `_next` builds of the three contracts under their names.
    let next = TempDir::new("review-code-next");
    for name in ["pool_oracle", "share_token", "payout_distributor"] {
        std::fs::copy(
            wasm.join(format!("{name}_next.wasm")),
            next.0.join(format!("{name}.wasm")),
        )
        .unwrap();
    }
    let (ok, again) = net.deploy(&next.0, &genesis);
    let manifest = net.manifest();
    let said = again.to_lowercase();
    let told = !ok
        || said.contains("older")
        || said.contains("differ")
        || said.contains("other code")
        || said.contains("runs");
    assert!(
        told || manifest["wasm_hashes"] == old,
        "the resume succeeded silently: wasm_hashes {} → {}, contracts unchanged {}:\n{again}",
        old,
        manifest["wasm_hashes"],
        manifest["contracts"]
    );
}

/// The refusal of changed parameters says "use another --manifest for a new deployment",
/// but the salts derive from the pool name alone (`sha256("hashshare {pool} {name}")`) and the
/// admin: a new manifest for the same pool and admin finds the old contracts at the derived
/// addresses, takes them (deployed with the old parameters), and then fails on
/// `register_pool` (`PoolExists`) — or, were that step not there, would record the new
/// parameters over contracts holding the old. The salt should include the manifest's
/// deployment (e.g. a hash of the parameters, or a random nonce kept in the manifest), or the
/// advice should change.
#[test]
fn review_bug_another_manifest_for_the_same_pool_takes_the_old_contracts() {
    let net = Net::new("review-newmanifest");
    let wasm = common::wasm_dir();
    let genesis = ["--genesis", "1800000000"];
    let (ok, first) = net.deploy(&wasm, &genesis);
    assert!(ok, "{first}");
    let old = net.manifest()["contracts"].clone();
    let (ok, refused) = net.deploy(&wasm, &["--genesis", "1800000000", "--fee-bps", "300"]);
    assert!(
        !ok && refused.contains("use another --manifest"),
        "{refused}"
    );
    // As advised: another manifest.
    let other = net.work.0.join("deployments/other.json");
    std::fs::rename(net.manifest_path(), &other).unwrap();
    let (ok, again) = net.deploy(&wasm, &["--genesis", "1800000000", "--fee-bps", "300"]);
    let taken: Vec<String> = if net.manifest_path().exists() {
        let new = net.manifest()["contracts"].clone();
        ["pool_oracle", "share_token", "payout_distributor"]
            .iter()
            .filter(|n| new[**n].is_string() && new[**n] == old[**n])
            .map(|n| n.to_string())
            .collect()
    } else {
        vec![]
    };
    assert!(
        ok && taken.is_empty(),
        "a new deployment as the error advised: ok={ok}, old contracts taken {taken:?}: {}",
        again.trim()
    );
}

/// The admin is not among the parameters a re-run must keep (`recorded` has no `admin`;
/// `commands/rpc.rs` adds it after the deploy with `or_insert`). A resume with another
/// `--source` derives other addresses, deploys a new oracle over the manifest's
/// `pool_oracle`, skips `register_pool` (recorded as done for the old one), and fails on the
/// share token (`PoolNotFound`) — leaving a manifest that mixes two admins' contracts.
#[test]
fn review_bug_a_resume_by_another_admin_rewrites_the_manifest() {
    let net = Net::new("review-admin");
    let wasm = common::wasm_dir();
    let genesis = ["--genesis", "1800000000"];
    // The first run stops after the oracle (as if killed): the manifest records it alone.
    let (ok, first) = net.deploy(&wasm, &genesis);
    assert!(ok, "{first}");
    let mut manifest = net.manifest();
    let oracle = manifest["contracts"]["pool_oracle"].clone();
    for name in ["share_token", "payout_distributor", "reward_token"] {
        manifest["contracts"].as_object_mut().unwrap().remove(name);
    }
    std::fs::write(net.manifest_path(), manifest.to_string()).unwrap();
    let (ok, again) = net.deploy_as("admin2", &wasm, &genesis);
    let after = net.manifest();
    assert!(
        !ok && after["contracts"]["pool_oracle"] == oracle && !again.contains("==> deploy"),
        "another admin's resume: ok={ok}, pool_oracle {oracle} → {}; {}",
        after["contracts"]["pool_oracle"],
        again.trim()
    );
}
