//! `token_uri`: the certificate's metadata as a `data:application/json;base64,` URI, in the
//! shape NFT marketplaces read (name, description, image, attributes of `trait_type` and
//! `value`), built on chain so it always says what the certificate holds now. Base64, so the
//! URI is valid whatever the JSON holds (`#`, spaces); every text in it is checked at `wrap` or
//! deployment to be printable ASCII without `"` or `\`, so the JSON needs no escaping.
use crate::interface::Rig;
use soroban_sdk::{panic_with_error, Env, String};

use crate::{errors::RigNftError, storage::Metadata};

/// The longest rig text (model, serial, location), in bytes.
pub const MAX_TEXT: u32 = 64;

/// Refuses a rig whose texts are empty, too long or not plain.
pub fn check_rig(env: &Env, rig: &Rig) {
    for text in [&rig.model, &rig.serial, &rig.location] {
        if text.is_empty() || !plain_text(text, MAX_TEXT) {
            panic_with_error!(env, RigNftError::InvalidRig);
        }
    }
}

/// Whether `text` is at most `max` bytes of printable ASCII without `"` or `\`.
pub fn plain_text(text: &String, max: u32) -> bool {
    let len = text.len();
    if len > max || len > 256 {
        return false;
    }
    let mut buf = [0u8; 256];
    text.copy_into_slice(&mut buf[..len as usize]);
    buf[..len as usize]
        .iter()
        .all(|&b| (0x20..=0x7e).contains(&b) && b != b'"' && b != b'\\')
}

/// A byte buffer the URI is written into (no allocator in a contract).
struct Out {
    buf: [u8; 1536],
    len: usize,
}

impl Out {
    fn push(&mut self, bytes: &[u8]) {
        let end = self.len + bytes.len();
        self.buf[self.len..end].copy_from_slice(bytes);
        self.len = end;
    }

    fn text(&mut self, s: &String) {
        let len = s.len() as usize;
        let end = self.len + len;
        s.copy_into_slice(&mut self.buf[self.len..end]);
        self.len = end;
    }

    fn number(&mut self, mut n: u128) {
        let mut digits = [0u8; 39];
        let mut i = digits.len();
        loop {
            i -= 1;
            digits[i] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        self.push(&digits[i..]);
    }
}

/// The certificate's metadata URI. `base_uri` (≤ 200 bytes, given at deployment) prefixes the
/// image path: `<base_uri><token_id>.svg`.
pub fn token_uri(
    env: &Env,
    meta: &Metadata,
    token_id: u32,
    rig: &Rig,
    shares: i128,
    hashrate: i128,
    offering: &String,
) -> String {
    let (collection, base_uri) = (&meta.name, &meta.base_uri);
    if base_uri.len() > 200 || collection.len() > 64 {
        panic_with_error!(env, RigNftError::InvalidRig);
    }
    let mut o = Out {
        buf: [0u8; 1536],
        len: 0,
    };
    o.push(b"{\"name\":\"");
    o.text(collection);
    o.push(b" #");
    o.number(u128::from(token_id));
    o.push(b"\",\"description\":\"A rig certificate: ");
    o.number(shares.unsigned_abs() / 10_000_000);
    o.push(b" shares locked, earning the mining rewards of their hashrate.\",\"image\":\"");
    o.text(base_uri);
    o.number(u128::from(token_id));
    o.push(b".svg\",\"attributes\":[{\"trait_type\":\"hashrate\",\"display_type\":\"number\",\"value\":");
    o.number(hashrate.unsigned_abs());
    o.push(b"},{\"trait_type\":\"J/TH\",\"display_type\":\"number\",\"value\":");
    o.number(u128::from(rig.joules_per_th));
    o.push(b"},{\"trait_type\":\"model\",\"value\":\"");
    o.text(&rig.model);
    o.push(b"\"},{\"trait_type\":\"serial\",\"value\":\"");
    o.text(&rig.serial);
    o.push(b"\"},{\"trait_type\":\"location\",\"value\":\"");
    o.text(&rig.location);
    o.push(b"\"},{\"trait_type\":\"offering\",\"value\":\"");
    o.text(offering);
    o.push(b"\"},{\"trait_type\":\"shares\",\"display_type\":\"number\",\"value\":");
    o.number(shares.unsigned_abs());
    o.push(b"}]}");
    // Base64 of the JSON after the data URI's header.
    let header = b"data:application/json;base64,";
    let mut uri = [0u8; 29 + 2048];
    uri[..header.len()].copy_from_slice(header);
    let len = base64(&o.buf[..o.len], &mut uri[header.len()..]);
    String::from_bytes(env, &uri[..header.len() + len])
}

/// Standard base64 (with padding) of `input` into `out`; the length written.
fn base64(input: &[u8], out: &mut [u8]) -> usize {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut n = 0;
    for chunk in input.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let v = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for (i, slot) in out[n..n + 4].iter_mut().enumerate() {
            *slot = if i <= chunk.len() {
                ALPHABET[((v >> (18 - 6 * i)) & 63) as usize]
            } else {
                b'='
            };
        }
        n += 4;
    }
    n
}
