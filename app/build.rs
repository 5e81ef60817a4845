//! Sets the `mxray_split` cfg when cargo-leptos splits the WASM (`cargo leptos … --split` links
//! with `--emit-relocs`): only then may `#[lazy]` functions be cut into chunks of their own. A
//! build without the flag keeps everything in one WASM and works the same, only larger.

fn main() {
    println!("cargo::rustc-check-cfg=cfg(mxray_split)");
    println!("cargo::rerun-if-env-changed=CARGO_ENCODED_RUSTFLAGS");
    let wasm = std::env::var("CARGO_CFG_TARGET_ARCH").is_ok_and(|arch| arch == "wasm32");
    let flags = std::env::var("CARGO_ENCODED_RUSTFLAGS").unwrap_or_default();
    if wasm && flags.split('\x1f').any(|flag| flag.contains("--emit-relocs")) {
        println!("cargo::rustc-cfg=mxray_split");
    }
}
