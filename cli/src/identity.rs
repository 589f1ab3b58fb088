//! Identities shared with stellar-cli: `<config>/identity/<name>.toml` holding either
//! `secret_key = "S…"` or `seed_phrase = "…"` (with an optional `hd_path`, the SEP-5 index), in
//! stellar-cli's config directory (`STELLAR_CONFIG_HOME`, else `$XDG_CONFIG_HOME/stellar`, else
//! `~/.config/stellar`), so an identity made by either tool signs in both. Secrets are never
//! printed: [`Identity`]'s `Debug` shows the address only.
use std::{
    fs,
    path::{Path, PathBuf},
};

use ed25519_dalek::SigningKey;
use serde::{Deserialize, Serialize};

use crate::error::CliError;

/// What an identity file holds (stellar-cli's `Secret`, the variants that can sign).
#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum Secret {
    SecretKey {
        secret_key: String,
    },
    SeedPhrase {
        seed_phrase: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        hd_path: Option<u32>,
    },
}

/// A key that signs, with the name it was found under.
pub struct Identity {
    pub name: String,
    pub key: SigningKey,
}

impl std::fmt::Debug for Identity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Identity({} {})", self.name, self.address())
    }
}

impl Identity {
    /// The account's `G…` address.
    pub fn address(&self) -> String {
        public_address(&self.key)
    }
}

pub fn public_address(key: &SigningKey) -> String {
    stellar_strkey::ed25519::PublicKey(key.verifying_key().to_bytes()).to_string()
}

/// stellar-cli's global config directory, as it finds it.
pub fn config_dir() -> Result<PathBuf, CliError> {
    if let Ok(dir) = std::env::var("STELLAR_CONFIG_HOME") {
        return Ok(PathBuf::from(dir));
    }
    let base = match std::env::var("XDG_CONFIG_HOME") {
        Ok(dir) => PathBuf::from(dir),
        Err(_) => {
            let home = std::env::var("HOME").map_err(|_| {
                CliError::Identity("no home directory: set STELLAR_CONFIG_HOME".into())
            })?;
            PathBuf::from(home).join(".config")
        }
    };
    // stellar-cli reads `soroban` when only that (its old name) exists.
    let (stellar, soroban) = (base.join("stellar"), base.join("soroban"));
    Ok(if !stellar.exists() && soroban.exists() {
        soroban
    } else {
        stellar
    })
}

/// The identities in a config directory.
pub struct Identities {
    dir: PathBuf,
}

impl Identities {
    pub fn at(config: &Path) -> Identities {
        Identities {
            dir: config.join("identity"),
        }
    }

    fn path(&self, name: &str) -> Result<PathBuf, CliError> {
        if !valid_name(name) {
            // Never echoed: what is not a name may be a mistyped secret.
            return Err(CliError::Identity(
                "that is not an identity name (letters, digits, `_` and `-`), a secret key                  (S…) nor a seed phrase"
                    .into(),
            ));
        }
        Ok(self.dir.join(format!("{name}.toml")))
    }

    /// Makes a new identity from a random 24-word seed phrase, as `stellar keys generate`
    /// does; refuses to replace one unless `overwrite`.
    pub fn generate(&self, name: &str, overwrite: bool) -> Result<Identity, CliError> {
        let path = self.path(name)?;
        let mut entropy = [0u8; 32];
        getrandom::getrandom(&mut entropy)
            .map_err(|e| CliError::Identity(format!("no randomness for a seed phrase: {e}")))?;
        let phrase = bip39::Mnemonic::from_entropy(&entropy).expect("32 bytes make 24 words");
        let secret = Secret::SeedPhrase {
            seed_phrase: phrase.to_string(),
            hd_path: None,
        };
        let text = toml::to_string(&secret).expect("a secret serializes");
        create_private_dir(&self.dir)?;
        write_private(&path, &text, overwrite).map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => CliError::Identity(format!(
                "an identity named `{name}` exists: pass --overwrite to replace it"
            )),
            _ => CliError::io(&path, e),
        })?;
        self.read(name)
    }

    /// The identity `name`.
    pub fn read(&self, name: &str) -> Result<Identity, CliError> {
        let path = self.path(name)?;
        let text = fs::read_to_string(&path).map_err(|_| {
            // A long "name" may be a secret in the wrong case: not echoed.
            let shown = if name.len() <= 32 {
                format!("`{name}`")
            } else {
                format!("of {} characters", name.len())
            };
            CliError::Identity(format!(
                "no identity named {shown} in {} (see `hashshare keys ls`)",
                self.dir.display()
            ))
        })?;
        let secret: Secret = toml::from_str(&text).map_err(|_| {
            CliError::Identity(format!(
                "{} holds no secret key or seed phrase this tool can sign with",
                path.display()
            ))
        })?;
        let key = match secret {
            Secret::SecretKey { secret_key } => parse_secret(&secret_key)?,
            Secret::SeedPhrase {
                seed_phrase,
                hd_path,
            } => from_seed_phrase(&seed_phrase, hd_path.unwrap_or(0))?,
        };
        Ok(Identity {
            name: name.to_string(),
            key,
        })
    }

    /// The names of the identities, sorted.
    pub fn list(&self) -> Result<Vec<String>, CliError> {
        let Ok(entries) = fs::read_dir(&self.dir) else {
            return Ok(vec![]);
        };
        let mut names: Vec<String> = entries
            .filter_map(|e| e.ok())
            .filter_map(|e| {
                let name = e.file_name().to_string_lossy().to_string();
                name.strip_suffix(".toml").map(str::to_string)
            })
            .collect();
        names.sort();
        Ok(names)
    }

    /// `--source`: an identity's name, or a secret key or seed phrase given as is (as
    /// stellar-cli takes them).
    pub fn resolve(&self, source: &str) -> Result<Identity, CliError> {
        let given = source.trim();
        if given.split_whitespace().count() >= 12 {
            return Ok(Identity {
                name: "seed phrase".into(),
                key: from_seed_phrase(given, 0)?,
            });
        }
        if given.len() == 56
            && given.to_ascii_uppercase().starts_with('S')
            && !valid_stored(self, given)
        {
            return Ok(Identity {
                name: "secret key".into(),
                key: parse_secret(&given.to_ascii_uppercase())?,
            });
        }
        self.read(given)
    }

    /// An account: a `G…` address as is, else an identity's.
    pub fn address_of(&self, who: &str) -> Result<String, CliError> {
        if stellar_strkey::ed25519::PublicKey::from_string(who).is_ok() {
            return Ok(who.to_string());
        }
        Ok(self.resolve(who)?.address())
    }
}

/// An identity name: what stays inside the identity directory.
pub fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// Whether an identity file of that name exists (a 56-letter name is read, not parsed).
fn valid_stored(ids: &Identities, name: &str) -> bool {
    valid_name(name) && ids.dir.join(format!("{name}.toml")).exists()
}

fn create_private_dir(dir: &Path) -> Result<(), CliError> {
    fs::create_dir_all(dir).map_err(|e| CliError::io(dir, e))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(dir, fs::Permissions::from_mode(0o700))
            .map_err(|e| CliError::io(dir, e))?;
    }
    Ok(())
}

fn parse_secret(secret: &str) -> Result<SigningKey, CliError> {
    let key = stellar_strkey::ed25519::PrivateKey::from_string(secret)
        .map_err(|_| CliError::Identity("not a valid secret key (S…)".into()))?;
    Ok(SigningKey::from_bytes(&key.0))
}

/// The SEP-5 key at `m/44'/148'/index'` of a BIP-39 seed phrase (no passphrase).
fn from_seed_phrase(phrase: &str, index: u32) -> Result<SigningKey, CliError> {
    let words = phrase.split_whitespace().collect::<Vec<_>>().join(" ");
    let mnemonic = bip39::Mnemonic::parse_normalized(&words)
        .map_err(|_| CliError::Identity("not a valid BIP-39 seed phrase".into()))?;
    if index >= HARDENED {
        return Err(CliError::Identity(format!(
            "hd_path {index} is out of range"
        )));
    }
    Ok(SigningKey::from_bytes(&slip10_ed25519(
        &mnemonic.to_seed(""),
        &[44, 148, index],
    )))
}

const HARDENED: u32 = 1 << 31;

/// SLIP-10's ed25519 private key for a path of hardened indexes (ed25519 has no others).
fn slip10_ed25519(seed: &[u8], path: &[u32]) -> [u8; 32] {
    use hmac::{Hmac, Mac};
    let hmac = |key: &[u8], data: &[u8]| -> [u8; 64] {
        let mut mac = Hmac::<sha2::Sha512>::new_from_slice(key).expect("any key length");
        mac.update(data);
        mac.finalize().into_bytes().into()
    };
    let mut node = hmac(b"ed25519 seed", seed);
    for index in path {
        let mut data = vec![0u8];
        data.extend_from_slice(&node[..32]);
        data.extend_from_slice(&(index | HARDENED).to_be_bytes());
        node = hmac(&node[32..], &data);
    }
    node[..32].try_into().expect("32 bytes")
}

/// Writes a secret readable by its owner only: a new file (an existing one is an error unless
/// `replace`), or, to replace, a new 0600 file renamed over the old one.
fn write_private(path: &Path, text: &str, replace: bool) -> std::io::Result<()> {
    use std::io::Write;
    #[cfg(unix)]
    use std::os::unix::fs::OpenOptionsExt;
    let target = if replace {
        path.with_extension(format!("toml.{}.new", std::process::id()))
    } else {
        path.to_path_buf()
    };
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    options.mode(0o600);
    let written = options.open(&target).and_then(|mut file| {
        file.write_all(text.as_bytes())?;
        file.sync_all()
    });
    if replace {
        if let Err(e) = written.and_then(|_| fs::rename(&target, path)) {
            let _ = fs::remove_file(&target);
            return Err(e);
        }
        return Ok(());
    }
    written
}

#[cfg(test)]
mod tests {
    use super::*;

    /// SEP-5's first test vector: its 12 words and the keys at indexes 0 and 1.
    #[test]
    fn seed_phrases_derive_sep5_keys() {
        let phrase = "illness spike retreat truth genius clock brain pass fit cave bargain toe";
        let key = from_seed_phrase(phrase, 0).unwrap();
        assert_eq!(
            public_address(&key),
            "GDRXE2BQUC3AZNPVFSCEZ76NJ3WWL25FYFK6RGZGIEKWE4SOOHSUJUJ6"
        );
        let key = from_seed_phrase(phrase, 1).unwrap();
        assert_eq!(
            public_address(&key),
            "GBAW5XGWORWVFE2XTJYDTLDHXTY2Q2MO73HYCGB3XMFMQ562Q2W2GJQX"
        );
    }

    #[test]
    fn the_debug_form_shows_no_secret() {
        let identity = Identity {
            name: "alice".into(),
            key: SigningKey::from_bytes(&[7; 32]),
        };
        let secret = stellar_strkey::ed25519::PrivateKey([7; 32]).to_string();
        let shown = format!("{identity:?}");
        assert!(!shown.contains(&secret) && shown.contains(&identity.address()));
    }
}
