//! Networks as stellar-cli names them: `--network local|testnet|futurenet|mainnet` (or one
//! added with `stellar network add`, read from its config), or `--rpc-url` with
//! `--network-passphrase`; `STELLAR_NETWORK`, `STELLAR_RPC_URL` and
//! `STELLAR_NETWORK_PASSPHRASE` stand for the flags. `local` is `hashshare node` on its default
//! port.
use std::path::Path;

use clap::Args;
use serde::Deserialize;

use crate::error::CliError;

pub const LOCAL_PASSPHRASE: &str = "Standalone Network ; February 2017";
pub const TESTNET_PASSPHRASE: &str = "Test SDF Network ; September 2015";
pub const FUTURENET_PASSPHRASE: &str = "Test SDF Future Network ; October 2022";
pub const MAINNET_PASSPHRASE: &str = "Public Global Stellar Network ; September 2015";

#[derive(Args, Debug, Clone, Default)]
pub struct NetworkArgs {
    /// The network: local (`hashshare node` on port 8000), testnet, futurenet, mainnet, or a
    /// name added with `stellar network add`.
    #[arg(long, global = true, env = "STELLAR_NETWORK")]
    pub network: Option<String>,
    /// The Stellar RPC endpoint (with --network-passphrase, instead of --network).
    #[arg(long, global = true, env = "STELLAR_RPC_URL")]
    pub rpc_url: Option<String>,
    /// The network's passphrase (with --rpc-url).
    #[arg(long, global = true, env = "STELLAR_NETWORK_PASSPHRASE")]
    pub network_passphrase: Option<String>,
}

/// Where transactions go, and the passphrase they are signed for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Network {
    /// The name deployments are kept under (`deployments/<name>.json`).
    pub name: String,
    pub rpc_url: String,
    pub passphrase: String,
}

/// stellar-cli's `network/<name>.toml`.
#[derive(Deserialize)]
struct NetworkFile {
    rpc_url: String,
    network_passphrase: String,
}

impl NetworkArgs {
    /// The network the flags name; with none, `local`.
    pub fn resolve(&self, config: &Path) -> Result<Network, CliError> {
        if let Some(name) = &self.network {
            if !crate::identity::valid_name(name) {
                return Err(CliError::Network(
                    "a network name is letters, digits, `_` and `-`".into(),
                ));
            }
        }
        match (&self.network, &self.rpc_url, &self.network_passphrase) {
            (Some(name), Some(url), Some(passphrase)) => match named(name, config) {
                // A known network through another RPC (a provider's): its passphrase only.
                Ok(known) if &known.passphrase != passphrase => Err(CliError::Network(format!(
                    "--network {name} is \"{}\", not the passphrase given (--network-passphrase \
                     or STELLAR_NETWORK_PASSPHRASE): \"{passphrase}\"",
                    known.passphrase
                ))),
                _ => Ok(Network {
                    name: name.clone(),
                    rpc_url: url.clone(),
                    passphrase: passphrase.clone(),
                }),
            },
            (None, Some(url), Some(passphrase)) => Ok(Network {
                name: "custom".into(),
                rpc_url: url.clone(),
                passphrase: passphrase.clone(),
            }),
            (_, Some(_), None) => Err(CliError::Network(
                "--rpc-url needs --network-passphrase (or STELLAR_NETWORK_PASSPHRASE)".into(),
            )),
            (_, None, Some(_)) => Err(CliError::Network(
                "--network-passphrase needs --rpc-url (or STELLAR_RPC_URL)".into(),
            )),
            (None, None, None) => named("local", config),
            (Some(name), None, None) => named(name, config),
        }
    }
}

fn named(name: &str, config: &Path) -> Result<Network, CliError> {
    let builtin = |url: &str, passphrase: &str| Network {
        name: name.to_string(),
        rpc_url: url.to_string(),
        passphrase: passphrase.to_string(),
    };
    // A network added with `stellar network add` comes first, as in stellar-cli.
    let path = config.join("network").join(format!("{name}.toml"));
    if let Ok(text) = std::fs::read_to_string(&path) {
        // The parser's message quotes the file (which may hold API keys): not shown.
        let file: NetworkFile = toml::from_str(&text).map_err(|_| {
            CliError::Network(format!(
                "{} is not a network file (rpc_url, network_passphrase)",
                path.display()
            ))
        })?;
        return Ok(Network {
            name: name.to_string(),
            rpc_url: file.rpc_url,
            passphrase: file.network_passphrase,
        });
    }
    match name {
        "local" => Ok(builtin("http://localhost:8000/rpc", LOCAL_PASSPHRASE)),
        "testnet" => Ok(builtin(
            "https://soroban-testnet.stellar.org",
            TESTNET_PASSPHRASE,
        )),
        "futurenet" => Ok(builtin(
            "https://rpc-futurenet.stellar.org:443",
            FUTURENET_PASSPHRASE,
        )),
        "mainnet" => Err(CliError::Network(format!(
            "mainnet has no public RPC default: pass --rpc-url (a provider's) with \
             --network-passphrase \"{MAINNET_PASSPHRASE}\""
        ))),
        other => Err(CliError::Network(format!(
            "unknown network `{other}` (local, testnet, futurenet, mainnet, or one added with \
             `stellar network add`)"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(network: Option<&str>, url: Option<&str>, passphrase: Option<&str>) -> NetworkArgs {
        NetworkArgs {
            network: network.map(Into::into),
            rpc_url: url.map(Into::into),
            network_passphrase: passphrase.map(Into::into),
        }
    }

    #[test]
    fn networks_resolve_as_stellar_cli_names_them() {
        let config = tempfile::tempdir().unwrap();
        let local = args(None, None, None).resolve(config.path()).unwrap();
        assert_eq!(local.rpc_url, "http://localhost:8000/rpc");
        assert_eq!(local.passphrase, LOCAL_PASSPHRASE);
        let testnet = args(Some("testnet"), None, None)
            .resolve(config.path())
            .unwrap();
        assert_eq!(testnet.passphrase, TESTNET_PASSPHRASE);
        let custom = args(None, Some("http://x:1/rpc"), Some("P"))
            .resolve(config.path())
            .unwrap();
        assert_eq!(
            (custom.name.as_str(), custom.passphrase.as_str()),
            ("custom", "P")
        );
        for bad in [
            args(None, Some("http://x"), None),
            args(None, None, Some("P")),
            args(Some("mainnet"), None, None),
            args(Some("nowhere"), None, None),
        ] {
            assert!(matches!(
                bad.resolve(config.path()),
                Err(CliError::Network(_))
            ));
        }
        // One added by `stellar network add`.
        std::fs::create_dir_all(config.path().join("network")).unwrap();
        std::fs::write(
            config.path().join("network/short.toml"),
            "rpc_url = \"http://localhost:8010/rpc\"\nrpc_headers = []\nnetwork_passphrase = \"Q\"\n",
        )
        .unwrap();
        let short = args(Some("short"), None, None)
            .resolve(config.path())
            .unwrap();
        assert_eq!(
            (short.rpc_url.as_str(), short.passphrase.as_str()),
            ("http://localhost:8010/rpc", "Q")
        );
    }
}
