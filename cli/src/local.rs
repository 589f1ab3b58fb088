//! The persistent local network: a directory (`.hashshare/` by default) holding the ledger
//! snapshot and a state file with the named test accounts and, once deployed, the contract
//! ids. Every command loads both, runs on the embedded host, and saves both only if it
//! succeeded; each file is written to a temporary file in the same directory and renamed over
//! the old one, so a failed or interrupted command never leaves a half-written file.
use std::{
    collections::BTreeMap,
    io::Write,
    path::{Path, PathBuf},
};

use serde::{Deserialize, Serialize};
use soroban_ledger_snapshot::LedgerSnapshot;

use crate::{
    error::CliError,
    ledger::{AddressBook, Chain},
    suite::{account_strkey, Deployment, Session},
};

/// The named test accounts every local network starts with: five reporters (the default
/// pool's 3 of 5), three investors and `eve`, a stranger to the offering.
pub const ACCOUNTS: [&str; 12] = [
    "admin",
    "operator",
    "reporter1",
    "reporter2",
    "reporter3",
    "reporter4",
    "reporter5",
    "alice",
    "bob",
    "carol",
    "eve",
    "fee",
];

const SNAPSHOT_FILE: &str = "snapshot.json";
const STATE_FILE: &str = "state.json";

/// The state file: who is who on this network.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct State {
    pub network: String,
    pub accounts: BTreeMap<String, String>,
    pub deployment: Option<Deployment>,
}

/// A local network directory.
pub struct Store {
    dir: PathBuf,
}

impl Store {
    pub fn new(dir: &Path) -> Store {
        Store {
            dir: dir.to_path_buf(),
        }
    }

    fn snapshot_path(&self) -> PathBuf {
        self.dir.join(SNAPSHOT_FILE)
    }

    fn state_path(&self) -> PathBuf {
        self.dir.join(STATE_FILE)
    }

    /// Creates a new network: an empty ledger and the named accounts.
    pub fn init(&self, force: bool) -> Result<Session, CliError> {
        if self.state_path().exists() && !force {
            return Err(CliError::NetworkExists(self.dir.clone()));
        }
        std::fs::create_dir_all(&self.dir).map_err(|e| CliError::io(&self.dir, e))?;
        let book = AddressBook::new(
            ACCOUNTS
                .iter()
                .map(|name| (name.to_string(), account_strkey("local", name))),
        );
        let session = Session {
            chain: Chain::genesis(),
            book,
            deployment: None,
        };
        self.save(&session)?;
        Ok(session)
    }

    /// Loads the network.
    pub fn load(&self) -> Result<Session, CliError> {
        let state_path = self.state_path();
        let snapshot_path = self.snapshot_path();
        if !state_path.exists() || !snapshot_path.exists() {
            return Err(CliError::NoNetwork(self.dir.clone()));
        }
        let text =
            std::fs::read_to_string(&state_path).map_err(|e| CliError::io(&state_path, e))?;
        let state: State = serde_json::from_str(&text).map_err(|e| CliError::Corrupted {
            what: "state file",
            path: state_path.clone(),
            reason: e.to_string(),
        })?;
        let snapshot =
            LedgerSnapshot::read_file(&snapshot_path).map_err(|e| CliError::Corrupted {
                what: "ledger snapshot",
                path: snapshot_path.clone(),
                reason: match e {
                    soroban_ledger_snapshot::Error::Io(io) => io.to_string(),
                    soroban_ledger_snapshot::Error::Serde(serde) => serde.to_string(),
                },
            })?;
        let mut book = AddressBook::new(state.accounts);
        if let Some(deployment) = &state.deployment {
            deployment.name_in(&mut book);
        }
        Ok(Session {
            chain: Chain { snapshot },
            book,
            deployment: state.deployment,
        })
    }

    /// Saves the network: each file atomically (temporary file, then rename).
    pub fn save(&self, session: &Session) -> Result<(), CliError> {
        let accounts = session
            .book
            .names()
            .filter(|(name, _)| ACCOUNTS.contains(&name.as_str()))
            .map(|(n, k)| (n.clone(), k.clone()))
            .collect();
        let state = State {
            network: "local".into(),
            accounts,
            deployment: session.deployment.clone(),
        };
        let state_json = serde_json::to_vec_pretty(&state).map_err(|e| CliError::Corrupted {
            what: "state",
            path: self.state_path(),
            reason: e.to_string(),
        })?;
        let mut snapshot_json = Vec::new();
        session
            .chain
            .snapshot
            .write(&mut snapshot_json)
            .map_err(|e| CliError::Corrupted {
                what: "ledger snapshot",
                path: self.snapshot_path(),
                reason: format!("{e:?}"),
            })?;
        write_atomically(&self.snapshot_path(), &snapshot_json)?;
        write_atomically(&self.state_path(), &state_json)
    }
}

/// Writes `bytes` to `path` through a temporary file in the same directory and a rename.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temporary = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let written = std::fs::File::create(&temporary).and_then(|mut file| {
        file.write_all(bytes)?;
        file.sync_all()
    });
    if let Err(e) = written {
        let _ = std::fs::remove_file(&temporary);
        return Err(CliError::io(&temporary, e));
    }
    std::fs::rename(&temporary, path).map_err(|e| CliError::io(path, e))
}
