//! `hashshare app`: the web app for the network's deployment. Serves the app's files (built
//! into the binary, or from `--app-dir`) and `/config.json`: the network's name, RPC URL and
//! passphrase and the deployment's contract ids, which the app reads at start. The same files
//! with a config.json written the same way host a real offering on any static host.
use std::{net::SocketAddr, path::PathBuf};

use axum::{
    extract::{Path as UrlPath, State},
    http::{header, StatusCode},
    response::{IntoResponse, Response},
    routing::get,
    Router,
};
use serde_json::json;

use crate::{
    cli::{AppArgs, Cli},
    deployment::{self, Manifest},
    error::CliError,
    identity::config_dir,
    networks::Network,
};

include!(concat!(env!("OUT_DIR"), "/app.rs"));

/// Where the app's files come from.
#[derive(Clone)]
enum Files {
    Embedded,
    Dir(PathBuf),
}

#[derive(Clone)]
struct Served {
    files: Files,
    config: String,
}

/// The app's config.json for `network` and the deployment in `m`.
pub fn config_json(network: &Network, m: &Manifest, test_wallet: bool) -> Result<String, CliError> {
    let id = |name: &str| m.contracts.get(name).cloned().ok_or(CliError::NotDeployed);
    let config = json!({
        "network": network.name,
        "rpcUrl": network.rpc_url,
        "networkPassphrase": network.passphrase,
        "pool": m.parameters.get("pool").ok_or(CliError::NotDeployed)?,
        "contracts": {
            "pool_oracle": id("pool_oracle")?,
            "share_token": id("share_token")?,
            "payout_distributor": id("payout_distributor")?,
            "reward_token": id("reward_token")?,
        },
        "startLedger": m.ledger,
        "testWallet": test_wallet,
    });
    Ok(serde_json::to_string_pretty(&config).expect("a config serializes"))
}

/// The test wallet signs with a key a page is given: only ever on a local network.
fn test_wallet_allowed(network: &Network, test_wallet: bool) -> Result<(), CliError> {
    if test_wallet && network.passphrase != crate::networks::LOCAL_PASSPHRASE {
        return Err(CliError::Refused(format!(
            "--test-wallet is for a local network (`hashshare node`), not {}",
            network.name
        )));
    }
    Ok(())
}

pub fn run(cli: &Cli, args: &AppArgs) -> Result<(), CliError> {
    let config = match &cli.config_dir {
        Some(dir) => dir.clone(),
        None => config_dir()?,
    };
    let network = cli.network.resolve(&config)?;
    let manifest_path = cli.manifest.clone().unwrap_or_else(|| {
        deployment::path_for(std::path::Path::new("deployments"), &network.name)
    });
    test_wallet_allowed(&network, args.test_wallet)?;
    let manifest = deployment::read(&manifest_path)?;
    let files = match &args.app_dir {
        Some(dir) if dir.join("index.html").is_file() => Files::Dir(dir.clone()),
        Some(dir) => {
            return Err(CliError::invalid(
                "app directory",
                &dir.display().to_string(),
                "has no index.html: build the app with `npm ci && npm run build` in app/",
            ))
        }
        None if APP.iter().any(|(name, _)| *name == "index.html") => Files::Embedded,
        None => {
            return Err(CliError::Refused(
                "this binary was built without the web app: build it (`npm ci && npm run build` in app/) and rebuild hashshare, or pass --app-dir app/dist".into(),
            ))
        }
    };
    let served = Served {
        files,
        config: config_json(&network, &manifest, args.test_wallet)?,
    };
    let addr: SocketAddr =
        format!("{}:{}", args.host, args.port)
            .parse()
            .map_err(|e: std::net::AddrParseError| {
                CliError::invalid("address", &args.host, e.to_string())
            })?;
    let runtime = tokio::runtime::Runtime::new().map_err(|e| CliError::Node(e.to_string()))?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|e| CliError::Node(format!("cannot listen on {addr}: {e}")))?;
        let addr = listener.local_addr().map_err(|e| CliError::Node(e.to_string()))?;
        use std::io::Write;
        // Written, not printed: a closed stdout must not stop the server.
        let _ = writeln!(
            std::io::stdout(),
            "hashshare app on http://{addr}/ for {} ({}), the deployment in {}{}",
            network.name,
            network.rpc_url,
            manifest_path.display(),
            if args.test_wallet {
                "\nDEV ONLY: --test-wallet offers a wallet that signs with a secret key the page is given"
            } else {
                ""
            }
        );
        let router = Router::new()
            .route("/config.json", get(config_file))
            .route("/", get(index))
            .route("/{*path}", get(file))
            .with_state(served);
        axum::serve(listener, router)
            .await
            .map_err(|e| CliError::Node(e.to_string()))
    })
}

async fn config_file(State(s): State<Served>) -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        s.config,
    )
        .into_response()
}

async fn index(State(s): State<Served>) -> Response {
    serve(&s, "index.html")
}

async fn file(State(s): State<Served>, UrlPath(path): UrlPath<String>) -> Response {
    serve(&s, &path)
}

fn serve(s: &Served, path: &str) -> Response {
    // No way out of the app's files: no `..`, no absolute or Windows paths.
    if path.starts_with('/') || path.contains('\\') || path.split('/').any(|part| part == "..") {
        return StatusCode::NOT_FOUND.into_response();
    }
    let bytes = match &s.files {
        Files::Embedded => APP
            .iter()
            .find(|(name, _)| *name == path)
            .map(|(_, b)| b.to_vec()),
        Files::Dir(dir) => std::fs::read(dir.join(path)).ok(),
    };
    match bytes {
        Some(bytes) => {
            let mime = mime_guess::from_path(path).first_or_octet_stream();
            ([(header::CONTENT_TYPE, mime.to_string())], bytes).into_response()
        }
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_served_from_the_app_only_and_the_config_names_the_deployment() {
        let dir = tempfile::tempdir().unwrap();
        let app = dir.path().join("dist");
        std::fs::create_dir_all(app.join("assets")).unwrap();
        std::fs::write(app.join("index.html"), "<!doctype html>").unwrap();
        std::fs::write(app.join("assets/a.js"), "x").unwrap();
        std::fs::write(dir.path().join("secret"), "no").unwrap();
        let served = Served {
            files: Files::Dir(app),
            config: String::new(),
        };
        let status = |path: &str| serve(&served, path).status();
        assert_eq!(status("index.html"), StatusCode::OK);
        assert_eq!(status("assets/a.js"), StatusCode::OK);
        let js = serve(&served, "assets/a.js");
        assert_eq!(js.headers()[header::CONTENT_TYPE], "text/javascript");
        for outside in [
            "../secret",
            "assets/../../secret",
            "/etc/passwd",
            "..\\secret",
            "nope.js",
        ] {
            assert_eq!(status(outside), StatusCode::NOT_FOUND, "{outside}");
        }

        let network = Network {
            name: "testnet".into(),
            rpc_url: "https://soroban-testnet.stellar.org".into(),
            passphrase: crate::networks::TESTNET_PASSPHRASE.into(),
        };
        let mut m = Manifest::default();
        assert!(
            config_json(&network, &m, false).is_err(),
            "nothing deployed"
        );
        for name in [
            "pool_oracle",
            "share_token",
            "payout_distributor",
            "reward_token",
        ] {
            m.contracts.insert(name.into(), format!("C{name}"));
        }
        m.parameters.insert("pool".into(), "p1".into());
        m.ledger = Some(42);
        let config: serde_json::Value =
            serde_json::from_str(&config_json(&network, &m, false).unwrap()).unwrap();
        assert_eq!(config["rpcUrl"], "https://soroban-testnet.stellar.org");
        assert_eq!(config["contracts"]["share_token"], "Cshare_token");
        assert_eq!(config["pool"], "p1");
        assert_eq!(config["startLedger"], 42);
        assert_eq!(config["testWallet"], false);
        assert!(
            test_wallet_allowed(&network, true).is_err(),
            "not on testnet"
        );
        assert!(test_wallet_allowed(&network, false).is_ok());
        let local = Network {
            passphrase: crate::networks::LOCAL_PASSPHRASE.into(),
            ..network
        };
        assert!(test_wallet_allowed(&local, true).is_ok());
    }
}
