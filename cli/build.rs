//! Embeds the compiled contracts (`target/wasm/*.wasm`, written by `scripts/build.sh`) in the
//! binary, so an installed `hashshare` works from any directory. Without them the binary still
//! builds and reads the contracts from `--wasm-dir` (or `target/wasm`) at run time.
use std::{env, fs, path::PathBuf};

const CONTRACTS: [&str; 3] = ["pool_oracle", "share_token", "payout_distributor"];

fn main() {
    let manifest = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap());
    let dir = env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| manifest.join("../target"))
        .join("wasm");
    let out = PathBuf::from(env::var("OUT_DIR").unwrap());
    let mut code = String::from("/// The contracts compiled into this binary, by name.\npub const EMBEDDED: &[(&str, &[u8])] = &[\n");
    for name in CONTRACTS {
        let path = dir.join(format!("{name}.wasm"));
        println!("cargo:rerun-if-changed={}", path.display());
        if let Ok(bytes) = fs::read(&path) {
            let copy = out.join(format!("{name}.wasm"));
            fs::write(&copy, bytes).unwrap();
            code.push_str(&format!(
                "    ({name:?}, include_bytes!({:?})),\n",
                copy.display().to_string()
            ));
        } else {
            println!(
                "cargo:warning={} is missing: this build embeds no contract (run scripts/build.sh first)",
                path.display()
            );
        }
    }
    code.push_str("];\n");
    fs::write(out.join("embedded.rs"), code).unwrap();
}
