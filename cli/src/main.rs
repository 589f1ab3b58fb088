//! `hashshare`: the hashshare suite from the command line — one Stellar RPC client for every
//! network (`hashshare node`, testnet, mainnet), the local node itself, and a demo on an
//! in-process node.
mod capacity;
mod cli;
mod client;
mod commands;
mod deployment;
mod error;
mod identity;
mod networks;
mod offering;
mod output;
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
    let cli = match cli::Cli::try_parse() {
        Ok(cli) => cli,
        // Help and version as clap prints them; a usage error in one line, exit code 2.
        Err(e) if !e.use_stderr() => e.exit(),
        Err(e) => {
            let text = e.render().to_string();
            let message: Vec<&str> = text
                .lines()
                .take_while(|l| !l.trim().is_empty())
                .map(str::trim)
                .collect();
            eprintln!("{} (see --help)", message.join(" "));
            std::process::exit(error::EXIT_INPUT);
        }
    };
    if let Err(error) = commands::run(cli) {
        eprintln!("error: {error}");
        std::process::exit(error.exit_code());
    }
}
