//! Review (2) of the RPC CLI (commits 1259e05 and 6e208d7): the binary against `hashshare node
//! --dev-time`, sometimes behind a proxy that plays a dishonest RPC server.
//!
//! Tests named `review_bug_*` assert what a reviewer expects and fail on the code reviewed;
//! `review_*` check behaviour that is already right.
#![allow(dead_code, unused_imports)]
mod common;

use std::{
    io::{BufRead, BufReader, Read, Write},
    net::TcpListener,
    path::{Path, PathBuf},
    process::{Command, Output, Stdio},
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use common::{proxy::Proxy, Running, TempDir};
use serde_json::{json, Value};
use stellar_xdr::{
    AccountId, HostFunction, Int128Parts, Limits, OperationBody, PublicKey, ReadXdr, ScAddress,
    ScMap, ScMapEntry, ScString, ScSymbol, ScVal, TransactionEnvelope, Uint256, WriteXdr,
};

const PASSPHRASE: &str = "Standalone Network ; February 2017";

// ------------------------------------------------------------------------------ helpers

/// A node, a config dir (identities) and a work dir (the manifest).
struct World {
    node: Running,
    config: TempDir,
    work: TempDir,
}

impl World {
    fn new(label: &str) -> World {
        World {
            node: Running::node(&["--ephemeral".as_ref(), "--dev-time".as_ref()]),
            config: TempDir::new(&format!("{label}-config")),
            work: TempDir::new(&format!("{label}-work")),
        }
    }

    fn command_at(&self, url: &str, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_hashshare"));
        command
            .args(args)
            .current_dir(&self.work.0)
            .env_remove("HASHSHARE_STELLAR")
            .env("STELLAR_CONFIG_HOME", &self.config.0)
            .env("STELLAR_NETWORK", "local")
            .env("STELLAR_RPC_URL", url)
            .env("STELLAR_NETWORK_PASSPHRASE", PASSPHRASE);
        command
    }

    fn run_at(&self, url: &str, args: &[&str]) -> Output {
        self.command_at(url, args).output().expect("hashshare runs")
    }

    fn ok(&self, args: &[&str]) -> String {
        ok(args, self.run_at(&self.node.url, args))
    }

    fn address(&self, name: &str) -> String {
        self.ok(&["keys", "address", name]).trim().to_string()
    }

    fn manifest(&self) -> Value {
        let text = std::fs::read_to_string(self.work.0.join("deployments/local.json")).unwrap();
        serde_json::from_str(&text).unwrap()
    }

    fn contract(&self, name: &str) -> String {
        self.manifest()["contracts"][name]
            .as_str()
            .unwrap()
            .to_string()
    }

    /// Identities admin, operator, investor, eve, r1, funded, and the suite deployed with one
    /// reporter (quorum 1), daily epochs, lumens as the reward asset.
    fn deployed(label: &str) -> World {
        let w = World::new(label);
        for who in ["admin", "operator", "investor", "eve", "r1"] {
            w.ok(&["keys", "generate", who, "--fund"]);
        }
        w.ok(&[
            "deploy",
            "--source",
            "admin",
            "--operator",
            "operator",
            "--sign-with",
            "operator",
            "--pool",
            "p1",
            "--reporters",
            "r1",
            "--quorum",
            "1",
            "--epoch",
            "1d",
            "--dispute-window",
            "1h",
            "--capacity-epochs",
            "1",
            "--fee-recipient",
            "admin",
        ]);
        w
    }

    /// Epoch 0 attested (100 TH/s), 10 shares minted to the investor, epoch 1 attested with
    /// a reward of 0.5 and paid, its stream ended, the investor's claim made.
    fn lifecycle(&self) {
        self.ok(&["approve-topups", "--source", "operator"]);
        let attest = |epoch: &str, reward: &str| {
            self.ok(&[
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
        self.ok(&["advance-time", "25h"]);
        attest("0", "0.5");
        self.ok(&["advance-time", "2h"]);
        self.ok(&[
            "mint", "--source", "operator", "--to", "investor", "--amount", "10",
        ]);
        self.ok(&["advance-time", "1d"]);
        attest("1", "0.5");
        self.ok(&["advance-time", "2h"]);
        self.ok(&[
            "deposit", "--source", "operator", "--epoch", "1", "--amount", "1",
        ]);
        self.ok(&["advance-time", "3d"]);
        let out = self.ok(&["claim", "--source", "investor"]);
        assert!(!out.contains("paid 0 XLM"), "{out}");
    }
}

fn ok(args: &[&str], out: Output) -> String {
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        out.status.success(),
        "{args:?}: {text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    text
}

/// Runs `command`, killed after `limit`: (exit code or None if it had to be killed, stdout,
/// stderr).
fn run_for(mut command: Command, limit: Duration) -> (Option<i32>, String, String) {
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stdout.read_to_string(&mut s);
        s
    });
    let err = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr.read_to_string(&mut s);
        s
    });
    let start = Instant::now();
    let code = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Some(status.code().unwrap_or(-1));
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    (code, out.join().unwrap(), err.join().unwrap())
}

/// What a failing command must look like: exit `1` or `2` (not a panic, 101, nor an abort),
/// one line on stderr, no panic message.
fn assert_clean_failure(code: Option<i32>, stderr: &str, what: &str) {
    assert!(
        matches!(code, Some(1) | Some(2)),
        "{what}: exit {code:?}, expected 1 or 2; stderr: {stderr}"
    );
    assert!(
        !stderr.contains("panicked"),
        "{what}: a panic, not an error: {stderr}"
    );
    assert_eq!(
        stderr.trim().lines().count(),
        1,
        "{what}: one line: {stderr}"
    );
}

impl Proxy {
    /// The operations of every transaction sent.
    fn sent_ops(&self) -> Vec<OperationBody> {
        self.requests
            .lock()
            .unwrap()
            .iter()
            .filter(|(m, _)| m == "sendTransaction")
            .filter_map(|(_, p)| {
                TransactionEnvelope::from_xdr_base64(p["transaction"].as_str()?, Limits::none())
                    .ok()
            })
            .flat_map(|e| match e {
                TransactionEnvelope::Tx(e) => {
                    e.tx.operations
                        .iter()
                        .map(|o| o.body.clone())
                        .collect::<Vec<_>>()
                }
                _ => vec![],
            })
            .collect()
    }
}

/// The contract function a simulateTransaction request calls, if any.
fn simulated_function(params: &Value) -> Option<String> {
    let tx = params["transaction"].as_str()?;
    let TransactionEnvelope::Tx(e) =
        TransactionEnvelope::from_xdr_base64(tx, Limits::none()).ok()?
    else {
        return None;
    };
    let op = e.tx.operations.first()?;
    match &op.body {
        OperationBody::InvokeHostFunction(f) => match &f.host_function {
            HostFunction::InvokeContract(c) => {
                Some(String::from_utf8_lossy(c.function_name.0.as_slice()).into_owned())
            }
            _ => None,
        },
        _ => None,
    }
}

fn b64(v: &ScVal) -> String {
    v.to_xdr_base64(Limits::none()).unwrap()
}

fn sym(s: &str) -> ScVal {
    ScVal::Symbol(ScSymbol(s.try_into().unwrap()))
}

fn i128_val(v: i128) -> ScVal {
    ScVal::I128(Int128Parts {
        hi: (v >> 64) as i64,
        lo: v as u64,
    })
}

fn account_val(address: &str) -> ScVal {
    let key = stellar_strkey::ed25519::PublicKey::from_string(address).unwrap();
    ScVal::Address(ScAddress::Account(AccountId(
        PublicKey::PublicKeyTypeEd25519(Uint256(key.0)),
    )))
}

/// An `EventInfo` as getEvents answers it (only `topic` and `value` matter to the CLI).
fn event_info(contract: &str, id: &str, topics: &[ScVal], value: &ScVal) -> Value {
    json!({
        "type": "contract",
        "ledger": 3,
        "ledgerClosedAt": "2026-01-01T00:00:00Z",
        "contractId": contract,
        "id": id,
        "operationIndex": 0,
        "transactionIndex": 1,
        "txHash": "00".repeat(32),
        "inSuccessfulContractCall": true,
        "topic": topics.iter().map(b64).collect::<Vec<_>>(),
        "value": b64(value),
    })
}

/// Sends `contract.function(args)` from `key`'s account, its own authorization by the
/// transaction's signature (what a wallet does), and waits for it to succeed.
fn send_invoke(
    url: &str,
    key: &ed25519_dalek::SigningKey,
    contract: &str,
    function: &str,
    args: Vec<ScVal>,
) {
    use ed25519_dalek::Signer;
    use sha2::Digest;
    use stellar_xdr::{
        DecoratedSignature, InvokeContractArgs, InvokeHostFunctionOp, Memo, MuxedAccount,
        Operation, Preconditions, SequenceNumber, Signature, SignatureHint, Transaction,
        TransactionExt, TransactionV1Envelope,
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let rpc = stellar_rpc_client::Client::new(url).unwrap();
    let public = key.verifying_key().to_bytes();
    let address = stellar_strkey::ed25519::PublicKey(public).to_string();
    let account = runtime.block_on(rpc.get_account(&address)).unwrap();
    let contract = stellar_strkey::Contract::from_string(contract).unwrap();
    let function = HostFunction::InvokeContract(InvokeContractArgs {
        contract_address: ScAddress::Contract(stellar_xdr::ContractId(stellar_xdr::Hash(
            contract.0,
        ))),
        function_name: ScSymbol(function.try_into().unwrap()),
        args: args.try_into().unwrap(),
    });
    let op = |auth: Vec<stellar_xdr::SorobanAuthorizationEntry>| Operation {
        source_account: None,
        body: OperationBody::InvokeHostFunction(InvokeHostFunctionOp {
            host_function: function.clone(),
            auth: auth.try_into().unwrap(),
        }),
    };
    let mut tx = Transaction {
        source_account: MuxedAccount::Ed25519(Uint256(public)),
        fee: 100,
        seq_num: SequenceNumber(account.seq_num.0 + 1),
        cond: Preconditions::None,
        memo: Memo::None,
        operations: vec![op(vec![])].try_into().unwrap(),
        ext: TransactionExt::V0,
    };
    let unsigned = TransactionEnvelope::Tx(TransactionV1Envelope {
        tx: tx.clone(),
        signatures: Default::default(),
    });
    let sim = runtime
        .block_on(rpc.simulate_transaction_envelope(&unsigned, None))
        .unwrap();
    assert!(sim.error.is_none(), "{:?}", sim.error);
    let auth = sim
        .results()
        .unwrap()
        .into_iter()
        .flat_map(|r| r.auth)
        .collect();
    tx.operations = vec![op(auth)].try_into().unwrap();
    tx.ext = TransactionExt::V1(sim.transaction_data().unwrap());
    tx.fee = 100 + sim.min_resource_fee as u32;
    let network_id: [u8; 32] = sha2::Sha256::digest(PASSPHRASE.as_bytes()).into();
    let mut envelope = TransactionV1Envelope {
        tx,
        signatures: Default::default(),
    };
    let hash = TransactionEnvelope::Tx(envelope.clone())
        .hash(network_id)
        .unwrap();
    envelope.signatures = vec![DecoratedSignature {
        hint: SignatureHint(public[28..].try_into().unwrap()),
        signature: Signature(key.sign(&hash).to_bytes().to_vec().try_into().unwrap()),
    }]
    .try_into()
    .unwrap();
    let hash = runtime
        .block_on(rpc.send_transaction(&TransactionEnvelope::Tx(envelope)))
        .unwrap();
    let start = Instant::now();
    loop {
        let got = runtime.block_on(rpc.get_transaction(&hash)).unwrap();
        match got.status.as_str() {
            "SUCCESS" => return,
            "FAILED" => panic!("{function:?} failed: {:?}", got.result),
            _ if start.elapsed() > Duration::from_secs(30) => panic!("not applied"),
            _ => std::thread::sleep(Duration::from_millis(100)),
        }
    }
}

// ------------------------------------------------------------------------------ tests

/// `hashshare epoch --epoch N` computes `genesis + N * epoch_seconds` in u64: an epoch far in
/// the future overflows, a panic (exit 101; in the release build, with overflow-checks and
/// panic = "abort", SIGABRT). A number the user typed is bad input: exit 2, one line.
#[test]
fn review_bug_epoch_far_in_the_future_panics() {
    let w = World::deployed("epoch-far");
    let (code, _, stderr) = run_for(
        w.command_at(&w.node.url, &["epoch", "--epoch", "1000000000000000"]),
        Duration::from_secs(60),
    );
    assert_clean_failure(code, &stderr, "epoch --epoch 1000000000000000");
}

/// Closes `count` ledgers on the dev clock (a second each), as quiet hours of a real network.
fn quiet_ledgers(node: &Running, count: u32) {
    let agent = ureq::agent();
    for _ in 0..count {
        let r: Value = agent
            .post(&node.url)
            .send_json(
                json!({ "jsonrpc": "2.0", "id": 1, "method": "hashshare_advanceTime",
                "params": { "seconds": 1 } }),
            )
            .unwrap()
            .into_json()
            .unwrap();
        assert!(r["result"]["sequence"].is_u64(), "{r}");
    }
}

/// getEvents scans at most 10,000 ledgers a call (stellar-rpc's `LedgerScanLimit`, which the
/// node copies): a page with no event in its window is empty, with a cursor at the window's
/// end, and the next ledgers are read from there. `Client::contract_events` stops at the
/// first empty page. On testnet 20,000 ledgers are a bit more than a day: a deployment whose
/// tokens moved after a quiet day has `status` list no holder and count no claim, so its
/// books "DO NOT close" (exit 1) although they do.
#[test]
fn review_bug_status_stops_reading_events_at_a_quiet_scan_window() {
    let w = World::deployed("quiet-window");
    // A day and a bit of quiet ledgers after the deployment, then the offering runs.
    quiet_ledgers(&w.node, 20_100);
    w.lifecycle();
    let out = w.run_at(&w.node.url, &["status"]);
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        stdout.lines().any(|l| l.starts_with("investor")),
        "the investor holds 10 shares and is not listed:\n{stdout}"
    );
    assert!(
        stdout.contains("books close          deposited "),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success());
}

/// A lying RPC answers every getEvents page with an event and the same cursor:
/// `contract_events` follows it for ever (and keeps every event in memory), so `status`
/// never ends. It must stop: a cursor that does not advance, or past the latest ledger, or
/// a bound on pages, ends the listing with an error.
#[test]
fn review_bug_a_cursor_that_never_advances_hangs_status() {
    let w = World::deployed("endless-cursor");
    let token = w.contract("share_token");
    let holder = w.address("investor");
    let proxy = Proxy::start(
        w.node.url.clone(),
        Box::new(move |method, _params, answer| {
            if method != "getEvents" {
                return;
            }
            let cursor = "0000000000000000000-0000000000";
            answer["result"] = json!({
                "events": [event_info(&token, cursor,
                    &[sym("mint"), account_val(&holder)], &i128_val(1))],
                "cursor": cursor,
                "latestLedger": 100,
                "oldestLedger": 1,
                "latestLedgerCloseTime": "0",
                "oldestLedgerCloseTime": "0",
            });
            if let Some(o) = answer.as_object_mut() {
                o.remove("error");
            }
        }),
    );
    let (code, stdout, stderr) = run_for(
        w.command_at(&proxy.url, &["status"]),
        Duration::from_secs(30),
    );
    let pages = proxy
        .requests
        .lock()
        .unwrap()
        .iter()
        .filter(|(m, _)| m == "getEvents")
        .count();
    assert!(
        code.is_some(),
        "status still running after 30 s, {pages} getEvents pages read:\n{stdout}{stderr}"
    );
}

/// A lying RPC's getEvents gives the distributor two `claimed` events of i128::MAX each:
/// `claimed()` sums them with `+` and the CLI panics ("attempt to add with overflow"; the
/// release build aborts). A sum that overflows is a bad answer, reported as an error, and
/// never "books close".
#[test]
fn review_bug_claimed_events_that_overflow_crash_status() {
    let w = World::deployed("claimed-overflow");
    let distributor = w.contract("payout_distributor");
    let holder = w.address("investor");
    let proxy = Proxy::start(
        w.node.url.clone(),
        Box::new(move |method, params, answer| {
            let first_page_of_distributor = method == "getEvents"
                && params["startLedger"].is_u64()
                && params["filters"][0]["contractIds"][0] == json!(distributor);
            if !first_page_of_distributor {
                return;
            }
            let claimed = ScVal::Map(Some(ScMap(
                vec![ScMapEntry {
                    key: sym("amount"),
                    val: i128_val(i128::MAX),
                }]
                .try_into()
                .unwrap(),
            )));
            let topics = [sym("claimed"), account_val(&holder)];
            answer["result"]["events"] = json!([
                event_info(
                    &distributor,
                    "0000000012884905984-0000000000",
                    &topics,
                    &claimed
                ),
                event_info(
                    &distributor,
                    "0000000012884905984-0000000001",
                    &topics,
                    &claimed
                ),
            ]);
        }),
    );
    let (code, stdout, stderr) = run_for(
        w.command_at(&proxy.url, &["status"]),
        Duration::from_secs(60),
    );
    assert!(
        matches!(code, Some(0..=2)) && !stderr.contains("panicked"),
        "exit {code:?}: {stderr}"
    );
    assert!(
        !stdout.contains("books close          deposited"),
        "{stdout}"
    );
}

/// The reward token's `decimals()` is a u32 read from the network (a `--reward-token` of
/// anyone's, or a lying RPC): 40 makes `units::decimal` compute 10u128.pow(40), a panic
/// (exit 101; the release build aborts) in every command that prints an amount. Decimals a
/// 128-bit amount cannot have (more than 38) must be refused in one line, exit 1 or 2.
/// (`parse_amount` with decimals near u32::MAX would first pad the fraction to 4 GB.)
#[test]
fn review_bug_a_reward_token_with_40_decimals_crashes_status() {
    let w = World::deployed("decimals-40");
    let proxy = Proxy::start(
        w.node.url.clone(),
        Box::new(|method, params, answer| {
            if method == "simulateTransaction"
                && simulated_function(params).as_deref() == Some("decimals")
            {
                answer["result"]["results"][0]["xdr"] = json!(b64(&ScVal::U32(40)));
            }
        }),
    );
    let (code, _, stderr) = run_for(
        w.command_at(&proxy.url, &["status"]),
        Duration::from_secs(60),
    );
    assert_clean_failure(code, &stderr, "status with decimals() = 40");
}

/// `pool update --max-age-epochs 3` rebuilds the whole config from what the RPC says the
/// pool is now, and the admin signs it: a lying RPC that reports the pool's operator as eve
/// gets eve made operator (who then mints the shares), though the admin asked for the
/// staleness window only. What was not given must stay what it is: taken from the manifest
/// (kept up to date by `pool update`), or the change refused when the chain's config as read
/// differs from it.
#[test]
fn review_bug_pool_update_sends_the_operator_a_lying_rpc_reports() {
    let w = World::deployed("pool-update-lie");
    let (operator, eve) = (w.address("operator"), w.address("eve"));
    let eve_val = account_val(&eve);
    let proxy = Proxy::start(
        w.node.url.clone(),
        Box::new(move |method, params, answer| {
            if method != "simulateTransaction"
                || simulated_function(params).as_deref() != Some("pool")
            {
                return;
            }
            let Some(xdr) = answer["result"]["results"][0]["xdr"].as_str() else {
                return;
            };
            let Ok(ScVal::Map(Some(map))) = ScVal::from_xdr_base64(xdr, Limits::none()) else {
                return;
            };
            let entries: Vec<ScMapEntry> = map
                .0
                .iter()
                .map(|e| ScMapEntry {
                    key: e.key.clone(),
                    val: if e.key == sym("operator") {
                        eve_val.clone()
                    } else {
                        e.val.clone()
                    },
                })
                .collect();
            let lie = ScVal::Map(Some(ScMap(entries.try_into().unwrap())));
            answer["result"]["results"][0]["xdr"] = json!(b64(&lie));
        }),
    );
    let out = w.run_at(
        &proxy.url,
        &[
            "pool",
            "update",
            "--source",
            "admin",
            "--max-age-epochs",
            "3",
        ],
    );
    let mut updates = 0;
    for op in proxy.sent_ops() {
        let OperationBody::InvokeHostFunction(f) = op else {
            continue;
        };
        let HostFunction::InvokeContract(c) = f.host_function else {
            continue;
        };
        if c.function_name.0.as_slice() != b"update_pool" {
            continue;
        }
        updates += 1;
        let Some(ScVal::Map(Some(config))) = c.args.get(1) else {
            continue;
        };
        let sent = config
            .0
            .iter()
            .find(|e| e.key == sym("operator"))
            .map(|e| e.val.clone());
        assert_eq!(
            sent,
            Some(account_val(&operator)),
            "update_pool sent, signed by the admin, with eve ({eve}) as the operator: {}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
    eprintln!("update_pool transactions sent: {updates}");
}

/// `hashshare trust` without --asset trusts whatever the reward token's `name()` says: a
/// lying RPC (or a `--reward-token` named after another asset) gets a trustline, signed by
/// the user, to an asset of its choice. The asset must be the reward token's: its Stellar
/// Asset Contract id must be the manifest's reward_token, else nothing is sent. (Here the
/// reward asset is lumens, which need no trustline.)
#[test]
fn review_bug_trust_takes_the_asset_from_an_unchecked_name() {
    let w = World::deployed("trust-name");
    let eve = w.address("eve");
    let evil = format!("EVIL:{eve}");
    let proxy = Proxy::start(
        w.node.url.clone(),
        Box::new(move |method, params, answer| {
            if method == "simulateTransaction"
                && simulated_function(params).as_deref() == Some("name")
            {
                let name = ScVal::String(ScString(evil.as_bytes().to_vec().try_into().unwrap()));
                answer["result"]["results"][0]["xdr"] = json!(b64(&name));
            }
        }),
    );
    let out = w.run_at(&proxy.url, &["trust", "--source", "investor"]);
    let trusted: Vec<_> = proxy
        .sent_ops()
        .into_iter()
        .filter(|op| matches!(op, OperationBody::ChangeTrust(_)))
        .collect();
    assert!(
        trusted.is_empty(),
        "a trustline to EVIL:{eve} was sent: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_ne!(out.status.code(), Some(0));
}

/// Anyone may send the reward asset to the distributor's address (a SEP-41 `transfer` to a
/// contract): a stranger gives it one stroop, and `status` says "books DO NOT close" and exits 1, a
/// conservation failure, though nothing is missing. A surplus nobody deposited is not a
/// broken book (only a shortfall is): `status` should show it (e.g. "+ 1 stroop unaccounted")
/// and exit 0; as it is, one stroop from a stranger turns every monitoring run red.
#[test]
fn review_bug_a_strangers_stroop_to_the_distributor_fails_the_books() {
    let w = World::deployed("donation");
    // Eve's key, written in stellar-cli's `secret_key` form and funded by friendbot.
    let eve = ed25519_dalek::SigningKey::from_bytes(&[7; 32]);
    let secret = stellar_strkey::ed25519::PrivateKey(eve.to_bytes()).to_string();
    std::fs::write(
        w.config.0.join("identity/donor.toml"),
        format!("secret_key = \"{secret}\"\n"),
    )
    .unwrap();
    w.ok(&["keys", "fund", "donor"]);
    let donor = w.address("donor");
    let distributor =
        stellar_strkey::Contract::from_string(&w.contract("payout_distributor")).unwrap();
    send_invoke(
        &w.node.url,
        &eve,
        &w.contract("reward_token"),
        "transfer",
        vec![
            account_val(&donor),
            ScVal::Address(ScAddress::Contract(stellar_xdr::ContractId(
                stellar_xdr::Hash(distributor.0),
            ))),
            i128_val(1),
        ],
    );
    let out = w.run_at(&w.node.url, &["status"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && !stdout.contains("DO NOT close"),
        "exit {:?}:\n{stdout}{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `hashshare demo` works in `$TMPDIR/hashshare-demo-<pid>`, a name anyone can predict, made
/// with `create_dir_all` (a directory already there, or a symlink to one, is taken as is) and
/// removed whole with `remove_dir_all` when the demo ends, whatever it holds. A file that was
/// there before the demo (here: put in right after the process starts, as a local attacker or
/// a stale directory of an earlier process with the same pid would have it) is deleted. The
/// demo's directory must be its own: created new under an unpredictable name (tempfile), so
/// that it removes only what it made.
#[test]
fn review_bug_the_demo_removes_a_directory_it_did_not_create() {
    let tmp = TempDir::new("demo-tmpdir");
    // --wasm-dir of nothing: the demo makes its identities, then its deploy fails, and the
    // demo ends (removing its directory) within seconds.
    let mut child = Command::new(env!("CARGO_BIN_EXE_hashshare"))
        .current_dir(tmp.path())
        .env("TMPDIR", tmp.path())
        .env_remove("STELLAR_NETWORK")
        .env_remove("STELLAR_RPC_URL")
        .args(["--wasm-dir", "/nonexistent-wasm-dir", "demo"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let predicted = tmp.path().join(format!("hashshare-demo-{}", child.id()));
    std::fs::create_dir_all(&predicted).unwrap();
    let precious = predicted.join("precious.txt");
    std::fs::write(&precious, "not the demo's").unwrap();
    let status = child.wait().unwrap();
    assert!(
        !status.success(),
        "the demo cannot deploy without the contracts"
    );
    assert!(
        precious.exists(),
        "the demo removed {} (and all of {}), which it did not create",
        precious.display(),
        predicted.display()
    );
}

/// Malformed hashrates and amounts are bad input: exit 2, one line, before anything is
/// simulated or sent; `0.5TH` is 500 GH/s; a contract's refusal exits 1 by name.
#[test]
fn review_bad_hashrates_and_amounts_are_refused_before_anything_is_sent() {
    let w = World::deployed("bad-input");
    let proxy = Proxy::start(w.node.url.clone(), Box::new(|_, _, _| {}));
    let submit = |flags: &[&str], hashrate: &str, reward: &str| {
        let mut args: Vec<&str> = flags.to_vec();
        args.extend([
            "report",
            "submit",
            "--source",
            "r1",
            "--epoch",
            "5",
            "--hashrate",
            hashrate,
            "--reward",
            reward,
        ]);
        w.run_at(&proxy.url, &args)
    };
    let sends = || {
        proxy
            .requests
            .lock()
            .unwrap()
            .iter()
            .filter(|(m, p)| {
                m == "sendTransaction"
                    || m == "simulateTransaction"
                        && simulated_function(p).as_deref() == Some("submit")
            })
            .count()
    };
    for (flags, hashrate, reward) in [
        (&[][..], ".5TH", "1"),
        (&[], "1e3TH", "1"),
        (&[], "100", "1"),
        (&[], "0.0001TH", "1"),
        (&[], "1.5H", "1"),
        (&[], "100 TH", "1"),
        (&[], "-1TH", "1"),
        (&[], "999999999999999999999999EH", "1"),
        (&[], "100TH", "1e3"),
        (&[], "100TH", "1,5"),
        (&[], "100TH", "+1"),
        (&[], "100TH", "0x10"),
        (&[], "100TH", "99999999999999999999999999999999999"),
        (&["--base-units"], "100TH", "1.5"),
        (&["--base-units"], "100TH", "_"),
        (
            &["--base-units"],
            "100TH",
            "170141183460469231731687303715884105728",
        ),
    ] {
        let out = submit(flags, hashrate, reward);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{hashrate} {reward}: {stderr}");
        assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
        assert_eq!(sends(), 0, "{hashrate} {reward}: something was sent");
    }
    // Well formed: the contract refuses epoch 5 (not ended), by name, exit 1.
    let out = submit(&[], "0.5TH", "0.1");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("500 GH/s") && stderr.contains("reward 0.1 XLM"),
        "{stderr}"
    );
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
}

/// Exit 2 means bad input, nothing sent (cli/src/error.rs). The RPC fails on getTransaction
/// after the transaction was sent (a dropped connection, a restarted provider): the CLI
/// exits 2, as for a mistyped number, though the change is applied on chain. A script that
/// takes 2 as "nothing happened" sends it again (a second fund, deposit, mint…). An outcome
/// unknown after sending must not be exit 2, and should name the transaction's hash.
#[test]
fn review_bug_a_sent_transaction_with_an_unknown_outcome_exits_as_bad_input() {
    let w = World::deployed("unknown-outcome");
    let proxy = Proxy::start(
        w.node.url.clone(),
        Box::new(|method, _, answer| {
            if method == "getTransaction" {
                *answer = json!({ "jsonrpc": "2.0", "id": answer["id"].clone(),
                    "error": { "code": -32603, "message": "upstream timeout" } });
            }
        }),
    );
    let out = w.run_at(
        &proxy.url,
        &["set-fee-recipient", "--source", "admin", "--to", "eve"],
    );
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    let sent = proxy.sent_ops().len();
    assert_eq!(sent, 1, "the transaction was sent: {stderr}");
    assert_ne!(
        out.status.code(),
        Some(2),
        "a sent transaction reported as bad input: {stderr}"
    );
}
