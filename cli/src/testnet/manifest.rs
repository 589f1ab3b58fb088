//! `deployments/testnet.json`: what is deployed where, with the sha256 of each local artifact,
//! so a re-run reuses it and `verify` can compare.
use std::{collections::BTreeMap, path::Path};

use serde::{Deserialize, Serialize};

use crate::{error::CliError, local::write_atomically};

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct ContractRecord {
    /// The contract id, once deployed.
    pub id: Option<String>,
    /// The hash of the uploaded code, as the network gave it.
    pub wasm_hash: Option<String>,
    /// The sha256 of the local artifact that was uploaded.
    pub wasm_sha256: String,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Manifest {
    pub network: String,
    pub network_passphrase: String,
    pub admin: Option<String>,
    pub operator: Option<String>,
    pub pool: Option<String>,
    pub reward_token: Option<String>,
    /// By artifact name: pool_oracle, share_token, payout_distributor.
    pub contracts: BTreeMap<String, ContractRecord>,
    pub pool_registered: bool,
    pub distributor_set: bool,
    /// The ledger until which the operator's reward-asset allowance to the distributor (which
    /// pays mint top-ups) lives, once given.
    #[serde(default)]
    pub topups_approved_until: Option<u32>,
}

impl Manifest {
    /// The manifest at `path`, or a new one when there is none.
    pub fn load_or_new(path: &Path, network: &str, passphrase: &str) -> Result<Manifest, CliError> {
        if !path.exists() {
            return Ok(Manifest {
                network: network.into(),
                network_passphrase: passphrase.into(),
                ..Manifest::default()
            });
        }
        Manifest::load(path)
    }

    pub fn load(path: &Path) -> Result<Manifest, CliError> {
        let text = std::fs::read_to_string(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => CliError::NotDeployed,
            _ => CliError::io(path, e),
        })?;
        serde_json::from_str(&text).map_err(|e| CliError::Corrupted {
            what: "deployment manifest",
            path: path.to_path_buf(),
            reason: e.to_string(),
        })
    }

    pub fn save(&self, path: &Path) -> Result<(), CliError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| CliError::io(dir, e))?;
        }
        let mut json = serde_json::to_string_pretty(self).map_err(|e| CliError::Corrupted {
            what: "deployment manifest",
            path: path.to_path_buf(),
            reason: e.to_string(),
        })?;
        json.push('\n');
        write_atomically(path, json.as_bytes())
    }

    /// The id of a deployed contract.
    pub fn id(&self, name: &str) -> Result<String, CliError> {
        self.contracts
            .get(name)
            .and_then(|c| c.id.clone())
            .ok_or(CliError::NotDeployed)
    }
}
