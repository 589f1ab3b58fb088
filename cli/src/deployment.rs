//! `deployments/<network>.json`: what is deployed where on one network, and with which
//! parameters, so a re-run resumes (and refuses changed parameters instead of silently reusing
//! what was deployed with others). Written atomically (a temporary file renamed over it) under
//! an exclusive lock on `<file>.lock`, held for a whole command: two commands racing on one
//! deployment run one after the other and never lose an update.
use std::{
    collections::BTreeMap,
    fs::File,
    io::Write,
    path::{Path, PathBuf},
};

use serde::{Deserialize, Serialize};

use crate::error::CliError;

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Manifest {
    pub network: String,
    pub network_passphrase: String,
    /// What the offering was deployed with, as given (accounts as addresses).
    #[serde(default)]
    pub parameters: BTreeMap<String, String>,
    /// By artifact name: the hash of the code uploaded.
    #[serde(default)]
    pub wasm_hashes: BTreeMap<String, String>,
    /// By contract name: its id (C…).
    #[serde(default)]
    pub contracts: BTreeMap<String, String>,
    /// The wiring steps done (`pool_registered`, `distributor_set`, …).
    #[serde(default)]
    pub done: Vec<String>,
    /// This deployment's own part of the contracts' salts (hex), drawn on its first run: a new
    /// manifest makes new contracts, a resumed one finds its own.
    #[serde(default)]
    pub salt: Option<String>,
    /// The network's latest ledger when the deployment began: where `status` starts reading
    /// the share token's events for its holders.
    #[serde(default)]
    pub ledger: Option<u32>,
}

/// The manifest of one deployment, locked for as long as this lives.
pub struct Locked {
    pub path: PathBuf,
    pub manifest: Manifest,
    _lock: File,
}

impl Locked {
    /// Waits for the lock on `path`, then reads the manifest (a new one if there is none);
    /// a manifest of another network is refused.
    pub fn open(path: &Path, network: &str, passphrase: &str) -> Result<Locked, CliError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| CliError::io(dir, e))?;
        }
        let lock_path = path.with_extension("json.lock");
        let lock = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(|e| CliError::io(&lock_path, e))?;
        lock.lock().map_err(|e| CliError::io(&lock_path, e))?;
        let manifest = match std::fs::read_to_string(path) {
            Ok(text) => {
                serde_json::from_str::<Manifest>(&text).map_err(|e| CliError::Corrupted {
                    what: "deployment manifest",
                    path: path.to_path_buf(),
                    reason: e.to_string(),
                })?
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Manifest {
                network: network.into(),
                network_passphrase: passphrase.into(),
                ..Manifest::default()
            },
            Err(e) => return Err(CliError::io(path, e)),
        };
        if manifest.network_passphrase != passphrase {
            return Err(CliError::Corrupted {
                what: "deployment manifest",
                path: path.to_path_buf(),
                reason: format!(
                    "it is of the network \"{}\", not \"{passphrase}\"",
                    manifest.network_passphrase
                ),
            });
        }
        Ok(Locked {
            path: path.to_path_buf(),
            manifest,
            _lock: lock,
        })
    }

    /// Writes the manifest as it is now.
    pub fn save(&self) -> Result<(), CliError> {
        let mut json = serde_json::to_string_pretty(&self.manifest).expect("a manifest serializes");
        json.push('\n');
        write_atomically(&self.path, json.as_bytes())
    }

    /// Checks `parameters` against those the deployment was made with (recording them on
    /// the first run): a re-run with others is refused, naming what differs.
    pub fn same_parameters(
        &mut self,
        parameters: BTreeMap<String, String>,
    ) -> Result<(), CliError> {
        if self.manifest.parameters.is_empty() {
            self.manifest.parameters = parameters;
            return self.save();
        }
        self.refuse_changes(&parameters, false)
    }

    /// Parameters of a later part of the deployment (the rig-nft vault's): those recorded must
    /// be the same, those not yet recorded are added.
    pub fn add_parameters(&mut self, parameters: BTreeMap<String, String>) -> Result<(), CliError> {
        self.refuse_changes(&parameters, true)?;
        self.manifest.parameters.extend(parameters);
        self.save()
    }

    fn refuse_changes(
        &self,
        parameters: &BTreeMap<String, String>,
        absent_ok: bool,
    ) -> Result<(), CliError> {
        let changed: Vec<String> = parameters
            .iter()
            .filter(|(k, v)| match self.manifest.parameters.get(*k) {
                Some(was) => was != *v,
                None => !absent_ok,
            })
            .map(|(k, v)| {
                let was = self
                    .manifest
                    .parameters
                    .get(k)
                    .map_or("nothing", String::as_str);
                format!("{k} {v} (deployed with {was})")
            })
            .collect();
        if changed.is_empty() {
            Ok(())
        } else {
            Err(CliError::invalid(
                "deployment parameters",
                &changed.join(", "),
                format!(
                    "{} was deployed with others; use another --manifest for a new deployment",
                    self.path.display()
                ),
            ))
        }
    }
}

/// The manifest at `path`, read without waiting for a running command's lock (writes are
/// atomic: it is never seen half written).
pub fn read(path: &Path) -> Result<Manifest, CliError> {
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

/// Writes `bytes` to `path` through a temporary file in the same directory and a rename.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temporary = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let written = File::create(&temporary).and_then(|mut file| {
        file.write_all(bytes)?;
        file.sync_all()
    });
    if let Err(e) = written {
        let _ = std::fs::remove_file(&temporary);
        return Err(CliError::io(&temporary, e));
    }
    std::fs::rename(&temporary, path).map_err(|e| CliError::io(path, e))
}

/// The manifest of `network` in `dir`: `deployments/<network>.json`.
pub fn path_for(dir: &Path, network: &str) -> PathBuf {
    dir.join(format!("{network}.json"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn racing_updates_are_never_lost_nor_the_file_torn() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("deployments/local.json");
        std::thread::scope(|scope| {
            for worker in 0..4 {
                let path = path.clone();
                scope.spawn(move || {
                    for i in 0..25 {
                        let mut locked = Locked::open(&path, "local", "P").unwrap();
                        locked
                            .manifest
                            .contracts
                            .insert(format!("w{worker}-{i}"), "C".into());
                        locked.save().unwrap();
                    }
                });
            }
        });
        let locked = Locked::open(&path, "local", "P").unwrap();
        assert_eq!(
            locked.manifest.contracts.len(),
            100,
            "every update is there"
        );
    }

    #[test]
    fn changed_parameters_and_another_network_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("local.json");
        let params = |fee: &str| BTreeMap::from([("fee_bps".to_string(), fee.to_string())]);
        let mut locked = Locked::open(&path, "local", "P").unwrap();
        locked.same_parameters(params("500")).unwrap();
        drop(locked);
        let mut locked = Locked::open(&path, "local", "P").unwrap();
        locked.same_parameters(params("500")).unwrap();
        let refused = locked.same_parameters(params("300")).unwrap_err();
        assert!(
            refused
                .to_string()
                .contains("fee_bps 300 (deployed with 500)"),
            "{refused}"
        );
        drop(locked);
        assert!(Locked::open(&path, "testnet", "Q").is_err());
        std::fs::write(&path, "{ not json").unwrap();
        let corrupt = Locked::open(&path, "local", "P").err().unwrap();
        assert_eq!(corrupt.exit_code(), crate::error::EXIT_INPUT);
    }
}
