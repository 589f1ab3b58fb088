//! `hashshare node`: the local Stellar network, served until the process is stopped.
use std::{io::Write, net::SocketAddr};

use hashshare_node::{
    node::{Config, Node},
    server, STANDALONE_PASSPHRASE,
};

use crate::{cli::NodeArgs, error::CliError};

pub fn run(args: &NodeArgs) -> Result<(), CliError> {
    let dir = args.dir.as_path();
    let invalid = |value: String, reason: String| CliError::InvalidValue {
        what: "address",
        value,
        reason,
    };
    let addr: SocketAddr = format!("{}:{}", args.host, args.port)
        .parse()
        .map_err(|e: std::net::AddrParseError| invalid(args.host.clone(), e.to_string()))?;
    if args.ledger_seconds == 0 {
        return Err(CliError::InvalidValue {
            what: "--ledger-seconds",
            value: "0".into(),
            reason: "a ledger closes at most once a second".into(),
        });
    }
    let config = Config {
        dir: (!args.ephemeral).then(|| dir.to_path_buf()),
        ledger_seconds: args.ledger_seconds,
        min_persistent_ttl: args.min_persistent_ttl,
        dev_time: args.dev_time,
        ledger_limits: !args.no_ledger_limits,
        import: args.import_snapshot.clone(),
        ..Config::default()
    };
    let node = Node::open(config).map_err(|e| CliError::Node(e.to_string()))?;
    if let Some(path) = &args.export_snapshot {
        node.export()
            .write_file(path)
            .map_err(|e| CliError::Node(format!("cannot write {}: {e}", path.display())))?;
        println!(
            "wrote ledger {} of {} to {}",
            node.chain().state.seq(),
            dir.display(),
            path.display()
        );
        return Ok(());
    }
    let runtime = hashshare_node::server::runtime().map_err(|e| CliError::Node(e.to_string()))?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|e| CliError::Node(format!("cannot listen on {addr}: {e}")))?;
        node.start_closer();
        let addr = listener
            .local_addr()
            .map_err(|e| CliError::Node(e.to_string()))?;
        let (seq, where_) = {
            let chain = node.chain();
            let where_ = match &node.config.dir {
                Some(d) => d.join("node.sqlite").display().to_string(),
                None => "memory".into(),
            };
            (chain.state.seq(), where_)
        };
        // Written, not printed: a closed stdout (`| head -1`) must not stop the node.
        let _ = writeln!(
            std::io::stdout(),
            "hashshare node: Stellar RPC on http://{addr}/rpc (friendbot http://{addr}/friendbot)\n\
             passphrase \"{STANDALONE_PASSPHRASE}\", protocol {}, ledger {seq}, data in {where_}",
            hashshare_node::PROTOCOL_VERSION
        );
        server::serve_on(node, listener)
            .await
            .map_err(|e| CliError::Node(e.to_string()))
    })
}
