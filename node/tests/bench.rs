//! The node's benchmark (`scripts/bench-node.sh`; ignored in the test run): time to the first
//! `getHealth` answer, signed share-token transfers applied per second through
//! `sendTransaction`, `simulateTransaction` latency, and resident memory after 10,000
//! transactions. Prints a Markdown table; asserts nothing about speed.
mod support;

use std::{
    sync::{mpsc, Arc},
    thread,
    time::{Duration, Instant},
};

use ed25519_dalek::SigningKey;
use hashshare_node::{
    node::{sign, Config, Node},
    server,
    xdr::{from_base64, to_base64},
};
use serde_json::{json, Value};
use soroban_env_host::xdr::{
    HostFunction, InvokeHostFunctionOp, Memo, MuxedAccount, Operation, OperationBody,
    Preconditions, ScAddress, ScSymbol, ScVal, ScVec, SequenceNumber, SorobanAuthorizationEntry,
    SorobanTransactionData, Transaction, TransactionEnvelope, TransactionExt, Uint256,
};
use support::*;

const TH: i128 = 1_000_000_000_000;
const SHARE: i128 = 10_000_000;
/// Enough senders to fill ledgers with no limit but the node's speed: the queue holds one
/// transaction per source account.
const SENDERS: usize = 1_000;

fn sender(i: usize) -> SigningKey {
    SigningKey::from_bytes(&hashshare_node::xdr::sha256(
        format!("sender {i}").as_bytes(),
    ))
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

/// Serves `node` over HTTP on a free port; the base URL.
fn serve(node: Arc<Node>) -> String {
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        tokio::runtime::Runtime::new()
            .unwrap()
            .block_on(async move {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
                tx.send(listener.local_addr().unwrap()).unwrap();
                server::serve_on(node, listener).await.unwrap();
            });
    });
    format!("http://{}/rpc", rx.recv().unwrap())
}

fn post(agent: &ureq::Agent, url: &str, method: &str, params: Value) -> Value {
    let body = json!({ "jsonrpc": "2.0", "id": 1, "method": method, "params": params });
    agent
        .post(url)
        .send_json(body)
        .unwrap()
        .into_json::<Value>()
        .unwrap()["result"]
        .clone()
}

fn symbol(s: &str) -> ScVal {
    ScVal::Symbol(ScSymbol(s.try_into().unwrap()))
}

fn u64_val(v: u64) -> ScVal {
    ScVal::U64(v)
}

fn map(entries: Vec<(&str, ScVal)>) -> ScVal {
    // Contract types encode as maps keyed by field name, in sorted order.
    let mut entries: Vec<(&str, ScVal)> = entries;
    entries.sort_by(|a, b| a.0.cmp(b.0));
    ScVal::Map(Some(
        entries
            .into_iter()
            .map(|(k, v)| soroban_env_host::xdr::ScMapEntry {
                key: symbol(k),
                val: v,
            })
            .collect::<Vec<_>>()
            .try_into()
            .unwrap(),
    ))
}

/// A share token with `SENDERS` holders, deployed and minted on `net`.
fn offering(net: &Net) -> (ScAddress, Vec<SigningKey>) {
    let (admin, operator) = (key(100), key(101));
    let reporters: Vec<SigningKey> = (0..3).map(|i| key(110 + i)).collect();
    for k in [&admin, &operator].into_iter().chain(reporters.iter()) {
        net.fund(k);
    }
    let oracle_code = net.upload(&admin, &wasm("pool_oracle"));
    let token_code = net.upload(&admin, &wasm("share_token"));
    let distributor_code = net.upload(&admin, &wasm("payout_distributor"));
    let oracle = net.deploy(&admin, oracle_code, 1, vec![address(&admin)]);
    // Hour-long epochs, the first ending three seconds from now: the capacity attested for it
    // stays fresh for the whole benchmark.
    let epoch = 3_600u64;
    let genesis = net.node.chain().state.close_time() + 3 - epoch;
    let config = map(vec![
        ("operator", address(&operator)),
        (
            "reporters",
            ScVal::Vec(Some(ScVec(
                reporters
                    .iter()
                    .map(address)
                    .collect::<Vec<_>>()
                    .try_into()
                    .unwrap(),
            ))),
        ),
        ("quorum", ScVal::U32(3)),
        ("epoch_seconds", u64_val(epoch)),
        ("genesis", u64_val(genesis)),
        ("dispute_seconds", u64_val(1)),
        ("max_age_epochs", u64_val(2)),
        ("capacity_epochs", ScVal::U32(1)),
    ]);
    net.invoke(
        &admin,
        call(&oracle, "register_pool", vec![symbol("bench"), config]),
    );
    let token = net.deploy(
        &operator,
        token_code,
        2,
        vec![
            address(&admin),
            address(&operator),
            ScVal::Address(oracle.clone()),
            symbol("bench"),
            string("Bench"),
            string("BEN"),
            i128_val(TH),
            u64_val(genesis + 1_000 * epoch),
        ],
    );
    // The native asset's contract, there from genesis, pays the rewards.
    let native = native_asset(net);
    let distributor = net.deploy(
        &admin,
        distributor_code,
        3,
        vec![
            address(&admin),
            ScVal::Address(token.clone()),
            ScVal::Address(native),
            ScVal::Address(oracle.clone()),
            symbol("bench"),
            ScVal::U32(0),
            address(&admin),
        ],
    );
    net.invoke(
        &admin,
        call(&token, "set_distributor", vec![ScVal::Address(distributor)]),
    );
    // Epoch 0 attested by every reporter, effective a second later: the capacity to mint.
    while net.node.chain().state.close_time() < genesis + epoch {
        thread::sleep(Duration::from_millis(200));
    }
    for r in &reporters {
        net.invoke(
            r,
            call(
                &oracle,
                "submit",
                vec![
                    address(r),
                    symbol("bench"),
                    u64_val(0),
                    i128_val(1_000_000 * TH),
                    i128_val(0),
                ],
            ),
        );
    }
    thread::sleep(Duration::from_millis(2_500));
    let senders: Vec<SigningKey> = (0..SENDERS).map(sender).collect();
    // Funded from eight threads (friendbot queues its transactions together), then minted by
    // the operator: its mints queued at once as the node's own, a few ledgers in all.
    thread::scope(|scope| {
        for chunk in senders.chunks(SENDERS / 8) {
            scope.spawn(move || chunk.iter().for_each(|s| net.fund(s)));
        }
    });
    let mut last = None;
    for s in &senders {
        let envelope = net.prepare(
            &operator,
            call(&token, "mint", vec![address(s), i128_val(1_000 * SHARE)]),
        );
        let mut chain = net.node.chain();
        let close_time = net.node.next_close_time(&chain);
        match chain.submit_own(envelope, close_time) {
            hashshare_node::chain::Submission::Pending(hash) => last = Some(hash),
            other => panic!("mint refused: {other:?}"),
        }
    }
    let row = net
        .node
        .wait_for(&last.unwrap(), Duration::from_secs(120))
        .expect("minted");
    assert!(row.success);
    (token, senders)
}

/// A transfer of one base unit from `from` to `to`, simulated once: its data and auth.
fn transfer_template(
    net: &Net,
    token: &ScAddress,
    from: &SigningKey,
    to: &SigningKey,
) -> (
    HostFunction,
    SorobanTransactionData,
    Vec<SorobanAuthorizationEntry>,
    i64,
) {
    let f = call(
        token,
        "transfer",
        vec![address(from), address(to), i128_val(1)],
    );
    let tx = net.tx(
        from,
        100,
        OperationBody::InvokeHostFunction(InvokeHostFunctionOp {
            host_function: f.clone(),
            auth: Default::default(),
        }),
    );
    let sim = net.simulate(&tx);
    let data: SorobanTransactionData =
        from_base64(sim["transactionData"].as_str().unwrap()).unwrap();
    let auth = sim["results"][0]["auth"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| from_base64(a.as_str().unwrap()).unwrap())
        .collect();
    let fee = sim["minResourceFee"].as_str().unwrap().parse().unwrap();
    (f, data, auth, fee)
}

fn signed(
    from: &SigningKey,
    seq: i64,
    template: &(
        HostFunction,
        SorobanTransactionData,
        Vec<SorobanAuthorizationEntry>,
        i64,
    ),
    network_id: [u8; 32],
) -> TransactionEnvelope {
    let (f, data, auth, fee) = template;
    let tx = Transaction {
        source_account: MuxedAccount::Ed25519(Uint256(from.verifying_key().to_bytes())),
        fee: (100 + fee) as u32,
        seq_num: SequenceNumber(seq),
        cond: Preconditions::None,
        memo: Memo::None,
        operations: vec![Operation {
            source_account: None,
            body: OperationBody::InvokeHostFunction(InvokeHostFunctionOp {
                host_function: f.clone(),
                auth: auth.clone().try_into().unwrap(),
            }),
        }]
        .try_into()
        .unwrap(),
        ext: TransactionExt::V1(data.clone()),
    };
    sign(tx, from, network_id)
}

/// Sends `rounds` transfers from every sender over HTTP (four client threads, each going round
/// its senders and sending again later what the queue asks to wait: one per source account)
/// and waits until all are applied; `(count, seconds)`.
fn blast(
    net: &Net,
    url: &str,
    token: &ScAddress,
    senders: &[SigningKey],
    rounds: usize,
) -> (usize, f64) {
    let network_id = net.network_id();
    // Per thread, per sender: its transactions in order.
    let mut batches: Vec<Vec<std::collections::VecDeque<String>>> = vec![Vec::new(); 4];
    let mut last = Vec::new();
    for (i, from) in senders.iter().enumerate() {
        let to = &senders[(i + 1) % senders.len()];
        let template = transfer_template(net, token, from, to);
        let first = net.next_seq(from);
        let mut mine = std::collections::VecDeque::new();
        for r in 0..rounds {
            let envelope = signed(from, first + r as i64, &template, network_id);
            if r + 1 == rounds {
                last.push(envelope.hash(network_id).unwrap());
            }
            mine.push_back(to_base64(&envelope));
        }
        batches[i % 4].push(mine);
    }
    let count = senders.len() * rounds;
    let start = Instant::now();
    let handles: Vec<_> = batches
        .into_iter()
        .map(|batch| {
            let url = url.to_string();
            thread::spawn(move || {
                let agent = ureq::Agent::new();
                let mut batch = batch;
                while batch.iter().any(|q| !q.is_empty()) {
                    let mut sent = false;
                    for queue in batch.iter_mut() {
                        let Some(tx) = queue.front() else { continue };
                        let r = post(
                            &agent,
                            &url,
                            "sendTransaction",
                            json!({ "transaction": tx }),
                        );
                        match r["status"].as_str() {
                            Some("PENDING") => {
                                queue.pop_front();
                                sent = true;
                            }
                            Some("TRY_AGAIN_LATER") => {}
                            _ => panic!("{r}"),
                        }
                    }
                    if !sent {
                        thread::sleep(Duration::from_millis(20));
                    }
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    for hash in &last {
        let row = net
            .node
            .wait_for(hash, Duration::from_secs(600))
            .expect("applied");
        assert!(row.success, "transfer failed");
    }
    (count, start.elapsed().as_secs_f64())
}

#[test]
#[ignore = "the benchmark: scripts/bench-node.sh"]
fn node_benchmark() {
    // Start to the first answer, in process (the binary adds its exec).
    let mut starts = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        let node = Node::open(Config::default()).unwrap();
        node.start_closer();
        let url = serve(node.clone());
        let agent = ureq::Agent::new();
        let health = post(&agent, &url, "getHealth", Value::Null);
        assert_eq!(health["status"], "healthy");
        starts.push(t.elapsed());
        node.stop();
    }
    starts.sort();

    let net = Net::start(Config {
        ledger_seconds: 1,
        ..Config::default()
    });
    let url = serve(net.node.clone());
    let (token, senders) = offering(&net);

    // simulateTransaction latency, over HTTP.
    let (from, to) = (&senders[0], &senders[1]);
    let tx = net.tx(
        from,
        100,
        OperationBody::InvokeHostFunction(InvokeHostFunctionOp {
            host_function: call(
                &token,
                "transfer",
                vec![address(from), address(to), i128_val(1)],
            ),
            auth: Default::default(),
        }),
    );
    let envelope = to_base64(&TransactionEnvelope::Tx(
        soroban_env_host::xdr::TransactionV1Envelope {
            tx,
            signatures: Default::default(),
        },
    ));
    let agent = ureq::Agent::new();
    let mut sims = Vec::new();
    for _ in 0..200 {
        let t = Instant::now();
        let r = post(
            &agent,
            &url,
            "simulateTransaction",
            json!({ "transaction": envelope }),
        );
        sims.push(t.elapsed());
        assert!(r.get("error").is_none(), "{r}");
    }
    sims.sort();

    // Throughput within testnet's ledger limits, then with none, then the rest of 10,000
    // transactions for the memory reading.
    let (limited, limited_seconds) = blast(&net, &url, &token, &senders, 1);
    net.node.chain().ledger_limits = false;
    let (count, seconds) = blast(&net, &url, &token, &senders, 2);
    let before = net.node.chain().state.seq();
    let (more, _) = blast(&net, &url, &token, &senders, 10_000 / SENDERS - 3);
    let ledgers = net.node.chain().state.seq() - before;
    let rss = rss_mib();

    // After a blank line: the test harness prints its own status without a newline.
    println!("\n| measure | value |");
    println!("|---|---|");
    println!(
        "| start to the first `getHealth` answer (in process, median of 5) | {:.1} ms |",
        percentile(&starts, 0.5).as_secs_f64() * 1e3
    );
    println!(
        "| signed share-token transfers applied per second, within testnet's ledger limits (`sendTransaction` over HTTP, {limited} from {SENDERS} accounts) | {:.0} /s |",
        limited as f64 / limited_seconds
    );
    println!(
        "| the same with no ledger limits (`--no-ledger-limits`, {count} transfers from {SENDERS} accounts) | {:.0} /s |",
        count as f64 / seconds
    );
    println!(
        "| `simulateTransaction` of a transfer, p50 / p99 (200 calls) | {:.1} ms / {:.1} ms |",
        percentile(&sims, 0.5).as_secs_f64() * 1e3,
        percentile(&sims, 0.99).as_secs_f64() * 1e3
    );
    println!(
        "| resident memory after {} transactions ({} ledgers for the last {more}) | {rss:.0} MiB |",
        limited + count + more + 3 * SENDERS + 20,
        ledgers
    );
}
