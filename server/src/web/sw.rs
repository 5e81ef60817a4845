//! `/sw.js`: the service worker (`public/sw.js`, copied into the site root by cargo-leptos) with
//! its `BUILD` line filled in: the list of the site's files it keeps for offline use, and a
//! version hashed from all of them. A deployment that changes any file of the app changes the
//! script, so browsers install the new worker, which fills a new cache and deletes the old one.

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use leptos::config::LeptosOptions;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::SystemTime;

/// Where the worker is served; at the root, its scope is the whole site.
pub const PATH: &str = "/sw.js";
/// The script's file in the site root.
const SCRIPT: &str = "sw.js";
/// The line of the script that the server replaces.
const BUILD_LINE: &str = "const BUILD = ";
/// Files the page never asks for by name: compressed twins (`--precompress`, served in place of
/// their original) and TypeScript declarations.
const NOT_SHELL: [&str; 4] = [".br", ".gz", ".zst", ".d.ts"];

/// Why the worker cannot be served.
#[derive(Debug, thiserror::Error)]
pub enum SwError {
    /// The site root (or a file in it) cannot be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file or folder.
        path: PathBuf,
        /// The reason.
        source: std::io::Error,
    },
    /// The script has no `const BUILD = …` line.
    #[error("{path} has no line starting with `{BUILD_LINE}`")]
    NoBuildLine {
        /// The script.
        path: PathBuf,
    },
}

/// Serves the filled-in worker: JavaScript, revalidated on every update check.
pub async fn script(State(options): State<LeptosOptions>) -> Response {
    let root = PathBuf::from(options.site_root.as_ref());
    match tokio::task::spawn_blocking(move || cached_script(&root)).await {
        Ok(Ok(js)) => {
            ([(header::CONTENT_TYPE, "text/javascript; charset=utf-8"), (header::CACHE_CONTROL, "no-cache")], js)
                .into_response()
        }
        Ok(Err(e)) => {
            tracing::warn!("{PATH}: {e}");
            StatusCode::NOT_FOUND.into_response()
        }
        Err(e) => {
            tracing::warn!("{PATH}: {e}");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// A site file: its path below the root (with `/`), size and modification time.
type Stamp = (String, u64, Option<SystemTime>);

/// The last script built, with the root and the file stamps it was built from: hashing is
/// skipped while no file changed.
static LAST: Mutex<Option<(PathBuf, Vec<Stamp>, String)>> = Mutex::new(None);

fn cached_script(root: &Path) -> Result<String, SwError> {
    let stamps = site_files(root)?;
    let mut last = LAST.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some((r, s, js)) = last.as_ref() {
        if r == root && *s == stamps {
            return Ok(js.clone());
        }
    }
    let js = build_script(root, &stamps)?;
    *last = Some((root.to_owned(), stamps, js.clone()));
    Ok(js)
}

/// Every file below `root` the page may ask for (the worker's own script included), sorted.
fn site_files(root: &Path) -> Result<Vec<Stamp>, SwError> {
    let read = |path: PathBuf| move |source| SwError::Read { path, source };
    let mut out = Vec::new();
    let mut folders = vec![root.to_owned()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).map_err(read(folder.clone()))? {
            let entry = entry.map_err(read(folder.clone()))?;
            let meta = entry.metadata().map_err(read(entry.path()))?;
            if meta.is_dir() {
                folders.push(entry.path());
            } else if let Ok(below) = entry.path().strip_prefix(root) {
                let name = below.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
                if !NOT_SHELL.iter().any(|end| name.ends_with(end)) {
                    out.push((name, meta.len(), meta.modified().ok()));
                }
            }
        }
    }
    out.sort();
    Ok(out)
}

/// The script with `BUILD` set: version = hash of every file (the script included), shell = `/`
/// and every file but the script.
fn build_script(root: &Path, files: &[Stamp]) -> Result<String, SwError> {
    let script = root.join(SCRIPT);
    let template = std::fs::read_to_string(&script).map_err(|source| SwError::Read { path: script.clone(), source })?;
    let mut hash = Sha256::new();
    for (name, _, _) in files {
        let path = root.join(name);
        let bytes = std::fs::read(&path).map_err(|source| SwError::Read { path, source })?;
        hash.update((name.len() as u64).to_le_bytes());
        hash.update(name.as_bytes());
        hash.update((bytes.len() as u64).to_le_bytes());
        hash.update(&bytes);
    }
    let version: String = hash.finalize()[..8].iter().map(|b| format!("{b:02x}")).collect();
    let shell: Vec<String> = std::iter::once("/".to_owned())
        .chain(files.iter().filter(|(name, _, _)| name != SCRIPT).map(|(name, _, _)| format!("/{name}")))
        .collect();
    fill(&template, &version, &shell).ok_or(SwError::NoBuildLine { path: script })
}

/// Replaces the template's `const BUILD = …` line (`None` when it has none).
fn fill(template: &str, version: &str, shell: &[String]) -> Option<String> {
    let build = serde_json::json!({ "version": version, "shell": shell });
    let mut found = false;
    let lines: Vec<String> = template
        .lines()
        .map(|line| {
            if !found && line.starts_with(BUILD_LINE) {
                found = true;
                format!("{BUILD_LINE}{build};")
            } else {
                line.to_owned()
            }
        })
        .collect();
    found.then(|| lines.join("\n") + "\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A built site in a fresh temporary folder, removed on drop.
    struct Site(PathBuf);

    impl Site {
        fn new(name: &str) -> Site {
            let root = std::env::temp_dir().join(format!("mxray-sw-{}-{name}", std::process::id()));
            let _ = std::fs::remove_dir_all(&root);
            std::fs::create_dir_all(root.join("pkg")).unwrap();
            std::fs::write(root.join(SCRIPT), "// worker\nconst BUILD = { version: \"x\", shell: [] };\nrun();\n")
                .unwrap();
            std::fs::write(root.join("pkg/mxray.js"), "export default 1;").unwrap();
            std::fs::write(root.join("pkg/mxray_bg.wasm"), b"\0asm").unwrap();
            std::fs::write(root.join("manifest.webmanifest"), "{}").unwrap();
            std::fs::write(root.join("pkg/mxray_bg.wasm.br"), b"compressed").unwrap();
            std::fs::write(root.join("pkg/mxray.d.ts"), "export {};").unwrap();
            Site(root)
        }

        /// The `BUILD` object of the served script.
        fn build(&self) -> serde_json::Value {
            let js = cached_script(&self.0).unwrap();
            let line = js.lines().find_map(|l| l.strip_prefix(BUILD_LINE)).unwrap();
            assert!(js.ends_with("run();\n"), "the rest of the script is kept: {js}");
            serde_json::from_str(line.trim_end_matches(';')).unwrap()
        }
    }

    impl Drop for Site {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    #[test]
    fn lists_the_shell_and_versions_it_by_content() {
        let site = Site::new("versions");
        let first = site.build();
        assert_eq!(
            first["shell"],
            serde_json::json!(["/", "/manifest.webmanifest", "/pkg/mxray.js", "/pkg/mxray_bg.wasm"])
        );
        let version = first["version"].as_str().unwrap().to_owned();
        assert_eq!(version.len(), 16);
        assert_eq!(site.build()["version"], version, "same files, same version");

        std::fs::write(site.0.join("pkg/mxray_bg.wasm"), b"\0asm-new-deployment").unwrap();
        assert_ne!(site.build()["version"], version, "a new WASM is a new version");
    }

    #[test]
    fn a_script_without_a_build_line_is_refused() {
        let site = Site::new("no-build-line");
        std::fs::write(site.0.join(SCRIPT), "self.addEventListener('fetch', () => {});\n").unwrap();
        assert!(matches!(cached_script(&site.0), Err(SwError::NoBuildLine { .. })));
        let missing = site.0.join("missing");
        assert!(matches!(cached_script(&missing), Err(SwError::Read { path, .. }) if path == missing));
    }
}
