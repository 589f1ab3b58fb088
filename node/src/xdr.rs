//! XDR and hashing helpers shared by the node's parts.
use sha2::{Digest, Sha256};
use soroban_env_host::xdr::{Limits, ReadXdr, WriteXdr};

/// Decoding limits for untrusted input: the network's largest transaction, a sane depth.
pub fn read_limits() -> Limits {
    Limits {
        depth: 500,
        len: 1 << 20,
    }
}

pub fn encode<T: WriteXdr>(value: &T) -> Vec<u8> {
    value
        .to_xdr(Limits::none())
        .expect("values the node builds encode")
}

pub fn decode<T: ReadXdr>(bytes: &[u8]) -> Result<T, soroban_env_host::xdr::Error> {
    T::from_xdr(bytes, read_limits())
}

pub fn to_base64<T: WriteXdr>(value: &T) -> String {
    value
        .to_xdr_base64(Limits::none())
        .expect("values the node builds encode")
}

/// Decodes standard base64 XDR of one whole value (trailing bytes are an error).
pub fn from_base64<T: ReadXdr>(text: &str) -> Result<T, soroban_env_host::xdr::Error> {
    T::from_xdr_base64(text, read_limits())
}

pub fn sha256(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

/// The network id: sha256 of the passphrase.
pub fn network_id(passphrase: &str) -> [u8; 32] {
    sha256(passphrase.as_bytes())
}
