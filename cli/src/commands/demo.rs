//! `hashshare demo`: a whole offering on an in-process `hashshare node`, run through the very
//! commands a user types (each shown as its command line), signed by real keys and paid with
//! real fees, ending with the books' conservation check.
//!
//! The story, on daily epochs (the node's dev clock jumps between steps): 5 reporters attest 7
//! epochs (every reporter's submission finalizes an epoch at once) before the sustained
//! capacity lets anything be minted; an oversale is refused; only three reporters attest the
//! next epoch, whose round `finalize` closes once it has been open for the dispute window (not
//! before); shares are minted; two colluding reporters submit first for the next epoch and do
//! not decide its median; the operator pays that epoch's debt in two deposits (the second
//! offers more than is due and gets the rest back), a stranger chips in, more shares are
//! minted mid-stream (paying their top-up into the running stream); an investor sells
//! mid-stream; a stranger's try at the fees is refused; everyone claims; the fee recipient
//! withdraws the fees; and the books close. Alice locks shares in a rig certificate (rig-nft)
//! and rents it to bob for two epochs: a stranger's claim pays their rewards to bob. Last, the
//! operator leases hashrate of a second pool to bob for three epochs, one of them short: bob
//! pays only for what was delivered.
use std::path::Path;

use clap::Parser;
use hashshare_node::node::{Config, Node};

use crate::{
    cli::Cli,
    error::{contract_error_name, CallError, CliError},
    networks::LOCAL_PASSPHRASE,
};

use super::{keys, rpc};

const DAY: u64 = 86_400;
const HOUR: u64 = 3_600;
const REPORTERS: [&str; 5] = [
    "reporter1",
    "reporter2",
    "reporter3",
    "reporter4",
    "reporter5",
];
/// What the pool earns a day at 100 TH/s, in XLM (the reward asset here is the native one).
const REWARD: &str = "5";

/// The demo's network and files, gone when it ends.
struct Demo {
    base: Vec<String>,
    /// A new directory of the demo's own, removed when it ends.
    dir: tempfile::TempDir,
    genesis: u64,
}

impl Demo {
    fn cli(&self, args: &[&str]) -> Result<Cli, CliError> {
        let all = self
            .base
            .iter()
            .map(String::as_str)
            .chain(args.iter().copied());
        Cli::try_parse_from(std::iter::once("hashshare").chain(all))
            .map_err(|e| CliError::Demo(format!("`{}`: {e}", args.join(" "))))
    }

    /// Runs one command as a user would type it.
    fn run(&self, args: &[&str]) -> Result<(), CliError> {
        // As a shell takes it: an argument with a space is quoted.
        let typed: Vec<String> = args
            .iter()
            .map(|a| {
                if a.contains(' ') {
                    format!("\"{a}\"")
                } else {
                    a.to_string()
                }
            })
            .collect();
        println!("$ hashshare {}", typed.join(" "));
        let cli = self.cli(args)?;
        match &cli.command {
            crate::cli::Command::Keys { command } => keys::run(&cli, command),
            _ => rpc::run(&cli),
        }
    }

    /// Runs a command the contracts must refuse with the error `name` (or, `NeedsSignature`,
    /// that the client refuses to send without another's signature).
    fn refused(&self, args: &[&str], name: &str) -> Result<(), CliError> {
        match self.run(args) {
            Err(CliError::Call {
                error: error @ CallError::Contract(code),
                ..
            }) if contract_error_name(code).as_deref() == Some(name) => {
                println!("    refused, as it must be: {error}");
                Ok(())
            }
            Err(error @ CliError::NeedsSignature { .. }) if name == "NeedsSignature" => {
                println!("    not sent, as it must be: {error}");
                Ok(())
            }
            Err(other) => Err(other),
            Ok(()) => Err(CliError::Demo(format!(
                "`{}` was accepted; it must be refused with {name}",
                args.join(" ")
            ))),
        }
    }

    /// Moves the network's clock to `moment` after genesis, and a little more: each ledger of
    /// the steps before took a second of the dev clock, so a moment a window after an epoch's
    /// start (one minute late) is taken five minutes late.
    fn at(&self, moment: u64, why: &str) -> Result<(), CliError> {
        let cli = self.cli(&["status"])?;
        let ctx = rpc::connect(&cli)?;
        let now = ctx.client.latest_close_time()?;
        let late = if moment.is_multiple_of(DAY) { 60 } else { 300 };
        let target = self.genesis + moment + late;
        if target > now {
            ctx.client.advance_time(target - now)?;
        }
        println!();
        println!(
            "-- {} (day {}{}): {why}",
            crate::output::utc(target.max(now)),
            moment / DAY,
            match moment % DAY {
                0 => String::new(),
                rest => format!(" + {}", crate::units::duration(rest)),
            }
        );
        Ok(())
    }
}

pub fn run(wasm_dir: Option<&Path>) -> Result<(), CliError> {
    let node = Node::open(Config {
        dev_time: true,
        ledger_seconds: 1,
        ..Config::default()
    })
    .map_err(|e| CliError::Node(e.to_string()))?;
    node.start_closer();
    let addr = hashshare_node::server::spawn(node.clone())
        .map_err(|e| CliError::Node(format!("cannot listen: {e}")))?;
    let dir = tempfile::Builder::new()
        .prefix("hashshare-demo-")
        .tempdir()
        .map_err(|e| CliError::io(std::env::temp_dir(), e))?;
    let mut base = vec![
        "--network".to_string(),
        "local".into(),
        "--rpc-url".into(),
        format!("http://{addr}/rpc"),
        "--network-passphrase".into(),
        LOCAL_PASSPHRASE.into(),
        "--config-dir".into(),
        dir.path().join("config").display().to_string(),
        "--manifest".into(),
        dir.path().join("deployment.json").display().to_string(),
    ];
    if let Some(wasm) = wasm_dir {
        base.extend(["--wasm-dir".to_string(), wasm.display().to_string()]);
    }
    let mut demo = Demo {
        base,
        dir,
        genesis: 0,
    };
    println!(
        "hashshare demo: an in-process `hashshare node` on http://{addr}/rpc with a dev clock"
    );
    println!(
        "(every step below is the command a user types, with `--network local`; each is a real"
    );
    println!(" transaction: simulated, signed with ed25519 keys, sent and paid; `fee` is what it was charged)");
    println!();
    println!("-- identities in stellar-cli's format, funded by the node's friendbot");
    for name in ["admin", "operator", "alice", "bob", "eve", "fee"]
        .into_iter()
        .chain(REPORTERS)
    {
        demo.run(&["keys", "generate", name, "--fund"])?;
    }

    println!();
    println!("-- deploy: daily epochs, 5 reporters with quorum 3, 1 h dispute window, capacity over 7 epochs, 1 share = 1 TH/s, 5% fee; the admin deploys, the operator consents");
    demo.run(&[
        "deploy",
        "--source",
        "admin",
        "--operator",
        "operator",
        "--sign-with",
        "operator",
        "--fee-recipient",
        "fee",
        "--capacity-epochs",
        "7",
    ])?;
    let manifest = crate::deployment::read(&demo.dir.path().join("deployment.json"))?;
    demo.genesis = manifest
        .parameters
        .get("genesis")
        .and_then(|g| g.parse().ok())
        .ok_or(CliError::NotDeployed)?;
    demo.run(&["approve-topups", "--source", "operator"])?;

    for epoch in 0..7u64 {
        let why = if epoch == 0 {
            "epoch 0 has ended; every reporter attests 100 TH/s, the last submission finalizes it"
                .to_string()
        } else {
            format!("epoch {epoch} has ended; all five attest it")
        };
        demo.at((epoch + 1) * DAY, &why)?;
        let epoch = epoch.to_string();
        for reporter in REPORTERS {
            demo.run(&[
                "report",
                "submit",
                "--source",
                reporter,
                "--epoch",
                &epoch,
                "--hashrate",
                "100TH",
                "--reward",
                REWARD,
            ])?;
        }
    }

    demo.at(
        7 * DAY + HOUR,
        "epoch 6 is effective: 7 consecutive epochs back mints",
    )?;
    demo.run(&["status"])?;
    println!();
    println!("-- the operator tries to sell more hashrate than the pool sustains");
    demo.refused(
        &[
            "mint", "--source", "operator", "--to", "alice", "--amount", "101",
        ],
        "CapacityExceeded",
    )?;

    demo.at(
        8 * DAY,
        "epoch 7 has ended; only three reporters attest it, with differing values",
    )?;
    for (reporter, hashrate, reward) in [
        ("reporter1", "100TH", REWARD),
        ("reporter4", "104TH", "5.2"),
        ("reporter5", "98TH", "4.9"),
    ] {
        demo.run(&[
            "report",
            "submit",
            "--source",
            reporter,
            "--epoch",
            "7",
            "--hashrate",
            hashrate,
            "--reward",
            reward,
        ])?;
    }
    println!("-- eve tries to close the round at once");
    demo.refused(
        &["report", "finalize", "--source", "eve", "--epoch", "7"],
        "SubmissionsOpen",
    )?;
    println!();
    println!("-- the operator sells 90 of the 100 TH/s");
    demo.run(&[
        "mint", "--source", "operator", "--to", "alice", "--amount", "60",
    ])?;
    demo.run(&[
        "mint", "--source", "operator", "--to", "bob", "--amount", "30",
    ])?;

    demo.at(
        8 * DAY + HOUR,
        "the round has been open for the dispute window: anyone may finalize it with the quorum in",
    )?;
    demo.run(&["report", "finalize", "--source", "eve", "--epoch", "7"])?;

    demo.at(
        9 * DAY,
        "epoch 8 has ended (90 shares sold from its first minute); two colluding reporters under-report first",
    )?;
    for (reporter, reward) in [
        ("reporter2", "0.5"),
        ("reporter3", "0.5"),
        ("reporter1", REWARD),
        ("reporter4", REWARD),
        ("reporter5", REWARD),
    ] {
        demo.run(&[
            "report",
            "submit",
            "--source",
            reporter,
            "--epoch",
            "8",
            "--hashrate",
            "100TH",
            "--reward",
            reward,
        ])?;
    }

    demo.at(
        9 * DAY + HOUR,
        "epoch 8's report is effective; the operator pays its debt in two deposits",
    )?;
    demo.run(&[
        "deposit", "--source", "operator", "--epoch", "8", "--amount", "2",
    ])?;
    println!("-- a stranger chips in; then the operator sells 5 more shares while the stream runs");
    demo.run(&[
        "deposit", "--source", "eve", "--epoch", "8", "--amount", "0.1",
    ])?;
    demo.run(&[
        "mint", "--source", "operator", "--to", "alice", "--amount", "5",
    ])?;
    println!("-- the operator offers more than is due: the rest comes back");
    demo.run(&[
        "deposit", "--source", "operator", "--epoch", "8", "--amount", "5",
    ])?;
    println!();
    println!("-- the books are up to date: alice locks 10 of her shares in a rig certificate (rig-nft) and lists it for rent; bob rents it for two epochs");
    demo.run(&[
        "rig",
        "deploy",
        "--source",
        "admin",
        "--base-uri",
        "https://rigs.example/",
    ])?;
    demo.run(&[
        "rig",
        "wrap",
        "--source",
        "alice",
        "--shares",
        "10",
        "--model",
        "Antminer S19 XP",
        "--joules-per-th",
        "21",
        "--serial",
        "S19XP-0001",
        "--location",
        "Sichuan, CN",
    ])?;
    demo.run(&[
        "rig",
        "list-rental",
        "--source",
        "alice",
        "--id",
        "0",
        "--price",
        "0.1",
        "--max-epochs",
        "3",
    ])?;
    demo.run(&[
        "rig", "rent", "--source", "bob", "--id", "0", "--epochs", "2",
    ])?;
    demo.refused(
        &["rig", "unwrap", "--source", "alice", "--id", "0"],
        "Rented",
    )?;

    demo.at(10 * DAY, "alice sells 20 shares to bob mid-stream")?;
    demo.run(&[
        "transfer", "--source", "alice", "--to", "bob", "--amount", "20",
    ])?;

    demo.at(
        11 * DAY,
        "the stream has ended (it runs to the end of the epoch after the deposit's)",
    )?;
    demo.refused(&["withdraw-fees", "--source", "eve"], "NeedsSignature")?;
    demo.run(&["claim", "--source", "alice"])?;
    demo.run(&["claim", "--source", "bob"])?;
    println!("-- eve claims the certificate: its rewards of the rented epochs go to bob, its user");
    demo.run(&["rig", "claim", "--source", "eve", "--id", "0"])?;
    demo.run(&["rig", "show", "--id", "0"])?;
    demo.run(&["withdraw-fees", "--source", "fee"])?;
    println!();
    println!("-- the books, each side read on its own: the distributor's totals, the claims' events, its balance");
    demo.run(&["status"])?;
    lease(&demo)?;
    println!();
    println!("demo done: the books close, and the lease paid for what was delivered");
    Ok(())
}

/// A lease of hashrate: the operator's second pool, offered by the epoch; bob rents 40 TH/s
/// for three epochs, the lease's validators attest its delivery (the second epoch short), and
/// a stranger's settlement pays the operator for what was delivered and bob the rest.
fn lease(demo: &Demo) -> Result<(), CliError> {
    println!();
    println!(
        "-- hashrate leases: the operator runs a second pool, f2pool, attested by three reporters"
    );
    demo.run(&[
        "pool",
        "register",
        "--source",
        "admin",
        "--pool",
        "f2pool",
        "--operator",
        "operator",
        "--reporters",
        "reporter1,reporter2,reporter3",
        "--capacity-epochs",
        "1",
    ])?;
    demo.run(&["advance-time", "25h"])?;
    for reporter in &REPORTERS[..3] {
        demo.run(&[
            "report",
            "submit",
            "--source",
            reporter,
            "--pool",
            "f2pool",
            "--epoch",
            "0",
            "--hashrate",
            "50TH",
            "--reward",
            "0",
        ])?;
    }
    demo.run(&["advance-time", "2h"])?;
    println!("-- the lease market, with a 1% fee; the operator offers 50 TH/s of f2pool at 0.01 XLM per TH/s per epoch");
    demo.run(&[
        "lease",
        "deploy",
        "--source",
        "admin",
        "--fee-bps",
        "100",
        "--fee-recipient",
        "fee",
    ])?;
    demo.run(&[
        "lease",
        "offer",
        "--source",
        "operator",
        "--pool",
        "f2pool",
        "--hashrate",
        "50TH",
        "--price",
        "0.01",
        "--validators",
        "reporter3,reporter4,reporter5",
    ])?;
    println!("-- bob rents 40 TH/s for three epochs (from the next one), escrowing 1.2 XLM");
    demo.run(&[
        "lease",
        "rent",
        "--source",
        "bob",
        "--offer",
        "0",
        "--hashrate",
        "40TH",
        "--epochs",
        "3",
    ])?;
    println!("-- each epoch the lease's validators attest what reached bob's pool account: 40, 20, 40 TH/s");
    for (wait, epoch, delivered) in [
        ("2d", "2", "40TH"),
        ("1d", "3", "20TH"),
        ("1d", "4", "40TH"),
    ] {
        demo.run(&["advance-time", wait])?;
        for validator in &REPORTERS[2..] {
            demo.run(&[
                "report",
                "submit",
                "--source",
                validator,
                "--pool",
                "reg_0",
                "--epoch",
                epoch,
                "--hashrate",
                delivered,
                "--reward",
                "0",
            ])?;
        }
    }
    demo.run(&["advance-time", "2h"])?;
    println!("-- eve settles: the operator is paid for 100 TH/s·epochs of the 120 leased, bob gets the rest back");
    demo.run(&["lease", "settle", "--source", "eve", "--id", "0"])?;
    demo.run(&["lease", "show", "--id", "0"])
}
