//! `hashshare node` killed mid-stream and restarted on its directory; databases it must refuse.
mod common;

use std::{
    path::Path,
    process::Command,
    time::{Duration, Instant},
};

use common::Running;

use base64::Engine;
use ed25519_dalek::SigningKey;
use hashshare_node::{node::sign, xdr::network_id, STANDALONE_PASSPHRASE};
use serde_json::json;
use soroban_sdk::xdr::{
    AccountId, Asset, LedgerEntryData, LedgerKey, LedgerKeyAccount, Limits, Memo, MuxedAccount,
    Operation, OperationBody, PaymentOp, Preconditions, PublicKey, ReadXdr, SequenceNumber,
    Transaction, TransactionExt, Uint256, WriteXdr,
};

fn start(dir: &Path) -> Running {
    Running::node(&["--dir".as_ref(), dir.as_os_str()])
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
    // Four payers, so several payments wait at once (the queue holds one per source).
    let payers: Vec<SigningKey> = (1..=4).map(|i| SigningKey::from_bytes(&[i; 32])).collect();
    let bob = SigningKey::from_bytes(&[9; 32]);
    let node = start(&dir.0);
    for payer in &payers {
        fund(&node, payer);
    }
    fund(&node, &bob);
    let first: Vec<i64> = payers.iter().map(|p| seq_of(&node, p)).collect();
    let mut seqs = first.clone();
    let mut succeeded = Vec::new();
    let mut sent: Vec<(usize, String)> = Vec::new();
    // A stream of payments; stop watching and kill the node while some still wait.
    let deadline = Instant::now() + Duration::from_secs(6);
    while Instant::now() < deadline {
        for (i, payer) in payers.iter().enumerate() {
            let r = node.rpc(
                "sendTransaction",
                json!({ "transaction": payment(payer, &bob, seqs[i] + 1) }),
            );
            match r["status"].as_str() {
                Some("PENDING") => {
                    seqs[i] += 1;
                    sent.push((i, r["hash"].as_str().unwrap().to_string()));
                }
                Some("TRY_AGAIN_LATER") => {}
                _ => panic!("{r}"),
            }
        }
        // Now and then wait for the latest one; every earlier one is in by then.
        if let Some((_, hash)) = sent.last().filter(|_| sent.len().is_multiple_of(6)) {
            for _ in 0..50 {
                if node.rpc("getTransaction", json!({ "hash": hash }))["status"] == "SUCCESS" {
                    succeeded.extend(sent.iter().map(|(_, h)| h.clone()));
                    break;
                }
                std::thread::sleep(Duration::from_millis(100));
            }
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(succeeded.len() >= 3, "some payments were applied");
    node.kill();

    let node = start(&dir.0);
    for hash in &succeeded {
        let r = node.rpc("getTransaction", json!({ "hash": hash }));
        assert_eq!(r["status"], "SUCCESS", "{hash} after the restart");
    }
    // No partial ledger: each payer's sequence number counts exactly its payments stored.
    for (i, payer) in payers.iter().enumerate() {
        let applied = sent
            .iter()
            .filter(|(p, h)| {
                *p == i && node.rpc("getTransaction", json!({ "hash": h }))["status"] == "SUCCESS"
            })
            .count();
        assert_eq!(seq_of(&node, payer), first[i] + applied as i64);
    }
    // And the chain goes on from where it was.
    let next = seq_of(&node, &payers[0]) + 1;
    let r = node.rpc(
        "sendTransaction",
        json!({ "transaction": payment(&payers[0], &bob, next) }),
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
