//! Embeds the compiled contracts (`target/wasm/*.wasm`, written by `scripts/build.sh`) and the
//! built web app (`app/dist`, written by `npm run build` in `app/`) in the binary, so an
//! installed `hashshare` works from any directory. Without them the binary still builds and
//! reads the contracts from `--wasm-dir` (or `target/wasm`) and the app from `--app-dir` at run
//! time.
use std::{
    env, fs,
    path::{Path, PathBuf},
};

const CONTRACTS: [&str; 5] = [
    "pool_oracle",
    "share_token",
    "payout_distributor",
    "rig_nft",
    "hashrate_lease",
];

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
    embed_app(&manifest.join("../app/dist"), &out);
}

/// `APP`: every file of the built app, by its path under `dist/`.
fn embed_app(dist: &Path, out: &Path) {
    println!("cargo:rerun-if-changed={}", dist.display());
    let mut files = Vec::new();
    collect(dist, dist, &mut files);
    files.sort();
    if files.is_empty() {
        println!(
            "cargo:warning={} is missing: this build embeds no web app (run `npm ci && npm run build` in app/ first)",
            dist.display()
        );
    }
    let mut code = String::from("/// The web app built into this binary: (path, bytes).\npub const APP: &[(&str, &[u8])] = &[\n");
    for (name, path) in files {
        code.push_str(&format!(
            "    ({name:?}, include_bytes!({:?})),\n",
            path.display().to_string()
        ));
    }
    code.push_str("];\n");
    fs::write(out.join("app.rs"), code).unwrap();
}

fn collect(root: &Path, dir: &Path, files: &mut Vec<(String, PathBuf)>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(root, &path, files);
        } else if let Ok(relative) = path.strip_prefix(root) {
            let name = relative.to_string_lossy().replace('\\', "/");
            files.push((name, path.canonicalize().unwrap_or(path)));
        }
    }
}
