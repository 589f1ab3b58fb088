//! `hashshare node` killed mid-stream and restarted on its directory; databases it must refuse.
mod common;

use std::{
    io::{BufRead, BufReader},
    path::Path,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use base64::Engine;
use ed25519_dalek::SigningKey;
use hashshare_node::{node::sign, xdr::network_id, STANDALONE_PASSPHRASE};
use serde_json::{json, Value};
use soroban_sdk::xdr::{
    AccountId, Asset, LedgerEntryData, LedgerKey, LedgerKeyAccount, Limits, Memo, MuxedAccount,
    Operation, OperationBody, PaymentOp, Preconditions, PublicKey, ReadXdr, SequenceNumber,
    Transaction, TransactionExt, Uint256, WriteXdr,
};

struct Running {
    child: Child,
    url: String,
}

fn start(dir: &Path) -> Running {
    let mut child = Command::new(env!("CARGO_BIN_EXE_hashshare"))
        .args(["node", "--port", "0", "--ledger-seconds", "1", "--dir"])
        .arg(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("hashshare node starts");
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    // Keep reading what it prints, so that it never writes to a closed pipe.
    std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));
    let url = line
        .split_whitespace()
        .find(|w| w.starts_with("http://") && w.ends_with("/rpc"))
        .unwrap_or_else(|| panic!("no URL in {line:?}"))
        .to_string();
    Running { child, url }
}

impl Running {
    fn rpc(&self, method: &str, params: Value) -> Value {
        let body = json!({ "jsonrpc": "2.0", "id": 1, "method": method, "params": params });
        ureq::post(&self.url)
            .send_json(body)
            .expect("the node answers")
            .into_json::<Value>()
            .unwrap()["result"]
            .clone()
    }

    fn kill(mut self) {
        // SIGKILL: no chance to finish anything.
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

fn account_id(key: &SigningKey) -> AccountId {
    AccountId(PublicKey::PublicKeyTypeEd25519(Uint256(
        key.verifying_key().to_bytes(),
    )))
}

fn seq_of(node: &Running, key: &SigningKey) -> i64 {
    let k = LedgerKey::Account(LedgerKeyAccount {
        account_id: account_id(key),
    });
    let r = node.rpc(
        "getLedgerEntries",
        json!({ "keys": [k.to_xdr_base64(Limits::none()).unwrap()] }),
    );
    let data =
        LedgerEntryData::from_xdr_base64(r["entries"][0]["xdr"].as_str().unwrap(), Limits::none())
            .unwrap();
    match data {
        LedgerEntryData::Account(a) => a.seq_num.0,
        other => panic!("{other:?}"),
    }
}

fn payment(from: &SigningKey, to: &SigningKey, seq: i64) -> String {
    let tx = Transaction {
        source_account: MuxedAccount::Ed25519(Uint256(from.verifying_key().to_bytes())),
        fee: 100,
        seq_num: SequenceNumber(seq),
        cond: Preconditions::None,
        memo: Memo::None,
        operations: vec![Operation {
            source_account: None,
            body: OperationBody::Payment(PaymentOp {
                destination: MuxedAccount::Ed25519(Uint256(to.verifying_key().to_bytes())),
                asset: Asset::Native,
                amount: 1,
            }),
        }]
        .try_into()
        .unwrap(),
        ext: TransactionExt::V0,
    };
    let envelope = sign(tx, from, network_id(STANDALONE_PASSPHRASE));
    base64::engine::general_purpose::STANDARD.encode(hashshare_node::xdr::encode(&envelope))
}

fn fund(node: &Running, key: &SigningKey) {
    let url = node.url.replace("/rpc", "/friendbot");
    let addr = stellar_strkey(key);
    ureq::get(&format!("{url}?addr={addr}"))
        .call()
        .expect("funded");
}

fn stellar_strkey(key: &SigningKey) -> String {
    account_id(key).to_string()
}

#[test]
fn killed_mid_stream_it_restarts_with_every_reported_success() {
    let dir = common::TempDir::new("node-faults");
    let (alice, bob) = (
        SigningKey::from_bytes(&[1; 32]),
        SigningKey::from_bytes(&[2; 32]),
    );
    let node = start(&dir.0);
    fund(&node, &alice);
    fund(&node, &bob);
    let first = seq_of(&node, &alice);
    let mut seq = first;
    let mut succeeded = Vec::new();
    let mut sent = Vec::new();
    // A stream of payments; stop watching and kill the node while some still wait.
    let deadline = Instant::now() + Duration::from_secs(6);
    while Instant::now() < deadline {
        seq += 1;
        let r = node.rpc(
            "sendTransaction",
            json!({ "transaction": payment(&alice, &bob, seq) }),
        );
        assert_eq!(r["status"], "PENDING", "{r}");
        let hash = r["hash"].as_str().unwrap().to_string();
        sent.push(hash.clone());
        if sent.len() % 3 == 0 {
            // Wait for this one; every earlier one is in by then.
            for _ in 0..50 {
                if node.rpc("getTransaction", json!({ "hash": hash }))["status"] == "SUCCESS" {
                    succeeded.extend(sent.iter().cloned());
                    break;
                }
                std::thread::sleep(Duration::from_millis(100));
            }
        }
    }
    assert!(succeeded.len() >= 3, "some payments were applied");
    node.kill();

    let node = start(&dir.0);
    for hash in &succeeded {
        let r = node.rpc("getTransaction", json!({ "hash": hash }));
        assert_eq!(r["status"], "SUCCESS", "{hash} after the restart");
    }
    // No partial ledger: the account's sequence number counts exactly the payments stored.
    let applied = sent
        .iter()
        .filter(|h| node.rpc("getTransaction", json!({ "hash": h }))["status"] == "SUCCESS")
        .count();
    assert_eq!(seq_of(&node, &alice), first + applied as i64);
    // And the chain goes on from where it was.
    let next = seq_of(&node, &alice) + 1;
    let r = node.rpc(
        "sendTransaction",
        json!({ "transaction": payment(&alice, &bob, next) }),
    );
    assert_eq!(r["status"], "PENDING", "{r}");
    node.kill();
}

#[test]
fn a_corrupt_or_foreign_database_is_refused_in_one_line() {
    for (name, contents) in [
        (
            "corrupt",
            b"this is not a database at all, not even close".repeat(200),
        ),
        ("foreign", Vec::new()),
    ] {
        let dir = common::TempDir::new(name);
        let db = dir.0.join("node.sqlite");
        if name == "foreign" {
            // A well-formed SQLite database, of another program.
            let conn = rusqlite::Connection::open(&db).unwrap();
            conn.execute_batch("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL);")
                .unwrap();
        } else {
            std::fs::write(&db, &contents).unwrap();
        }
        let out = Command::new(env!("CARGO_BIN_EXE_hashshare"))
            .args(["node", "--port", "0", "--dir"])
            .arg(&dir.0)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{name}: {stderr}");
        assert_eq!(
            stderr.trim().lines().count(),
            1,
            "{name}: one line: {stderr}"
        );
        assert!(
            stderr.contains("not a hashshare node database") || stderr.contains("corrupt"),
            "{name}: {stderr}"
        );
    }
}
