//! The compiled contracts: those embedded in the binary at build time (`build.rs`), or, with
//! `--wasm-dir` (or when the build embedded none), the files `scripts/build.sh` writes.
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::error::CliError;

/// Where the artifacts are when no `--wasm-dir` is given: `$CARGO_TARGET_DIR/wasm`, else
/// `target/wasm` under the current directory.
pub fn default_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("target"))
        .join("wasm")
}

/// Where `scripts/build.sh` wrote the contracts of this checkout (for the crate's own tests):
/// `$CARGO_TARGET_DIR/wasm`, else the workspace's `target/wasm`.
#[cfg(test)]
pub fn built_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../target")))
        .join("wasm")
}

/// One compiled contract: its bytes and their sha256 (the hash Soroban gives uploaded code).
#[derive(Clone)]
pub struct Artifact {
    pub name: &'static str,
    pub path: PathBuf,
    pub bytes: Vec<u8>,
}

include!(concat!(env!("OUT_DIR"), "/embedded.rs"));

impl Artifact {
    /// The contract `name` from `dir` if one is given, else the embedded one (or the default
    /// directory's, for a build that embedded none).
    pub fn load(dir: Option<&Path>, name: &'static str) -> Result<Artifact, CliError> {
        if dir.is_none() {
            if let Some((_, bytes)) = EMBEDDED.iter().find(|(n, _)| *n == name) {
                return Ok(Artifact {
                    name,
                    path: PathBuf::from(format!("(embedded) {name}.wasm")),
                    bytes: bytes.to_vec(),
                });
            }
        }
        let path = dir
            .map_or_else(default_dir, Path::to_path_buf)
            .join(format!("{name}.wasm"));
        let bytes = std::fs::read(&path).map_err(|e| CliError::MissingWasm {
            path: path.clone(),
            reason: e.to_string(),
        })?;
        Ok(Artifact { name, path, bytes })
    }

    pub fn sha256(&self) -> String {
        sha256_hex(&self.bytes)
    }
}

/// All three contracts, checked to be present before anything runs.
pub struct Artifacts {
    pub pool_oracle: Artifact,
    pub share_token: Artifact,
    pub payout_distributor: Artifact,
}

impl Artifacts {
    pub fn load(dir: Option<&Path>) -> Result<Artifacts, CliError> {
        Ok(Artifacts {
            pool_oracle: Artifact::load(dir, "pool_oracle")?,
            share_token: Artifact::load(dir, "share_token")?,
            payout_distributor: Artifact::load(dir, "payout_distributor")?,
        })
    }

    pub fn all(&self) -> [&Artifact; 3] {
        [
            &self.pool_oracle,
            &self.share_token,
            &self.payout_distributor,
        ]
    }
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
