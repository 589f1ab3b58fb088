//! `hashshare`: the hashshare suite from the command line — a demo and a persistent local
//! network on the embedded Soroban host (running the compiled WASM), and Stellar testnet
//! through stellar-cli.
mod capacity;
mod cli;
mod client;
mod commands;
mod deployment;
mod error;
mod identity;
mod ledger;
mod local;
mod networks;
mod offering;
mod output;
mod suite;
mod units;
mod wasm;

use clap::Parser;

fn main() {
    // Rust ignores SIGPIPE, so printing into a closed pipe (`hashshare … | head`) would panic;
    // restored, the signal ends the process quietly, as for any Unix tool.
    #[cfg(unix)]
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = cli::Cli::parse();
    if let Err(error) = commands::run(cli) {
        eprintln!("error: {error}");
        std::process::exit(error.exit_code());
    }
}
