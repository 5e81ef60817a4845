//! The direction of the code, read from the sources: the report crate's layers point one way
//! (`model` ← `input` ← `checks` ← `texts` ← `fold` ← `render` ← `diff` ← `watch`), and no crate of the
//! workspace has an import circle between its modules. Reads the `crate::…`, `super::…` and
//! `self::…` paths of each file's code (comments and `#[cfg(test)] mod tests` left out: tests may
//! reach up to build what they check).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The report crate's layers, lowest first; a module may import its own layer and those before it.
const LAYERS: [&str; 8] = ["model", "input", "checks", "texts", "fold", "render", "diff", "watch"];

/// A crate's modules (by path, `""` for the root) and the modules each one's code names.
type Graph = BTreeMap<String, BTreeSet<String>>;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("the workspace root").to_owned()
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read a source folder") {
        let path = entry.expect("a folder entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// `checks/dane.rs` → `checks::dane`; `lib.rs`, `main.rs` → the root; `x/mod.rs` → `x`.
fn module_of(src: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(src).expect("a file under src").with_extension("");
    let parts: Vec<String> = rel.iter().map(|p| p.to_string_lossy().into_owned()).collect();
    let parts: Vec<&str> = parts.iter().map(String::as_str).filter(|p| !matches!(*p, "mod" | "lib" | "main")).collect();
    parts.join("::")
}

/// The file's code without comments and without its test module; the paths of intra-doc links
/// (`` [`crate::a::b`] ``) are kept, as rustdoc resolves them like imports.
fn code(text: &str) -> String {
    let mut out = String::new();
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        if line.trim() == "#[cfg(test)]" && lines.peek().is_some_and(|l| l.trim_start().starts_with("mod tests")) {
            break;
        }
        let (code, comment) = match line.find("//") {
            Some(i) if !line[..i].contains('"') => line.split_at(i),
            _ => (line, ""),
        };
        out.push_str(code);
        for link in comment.split("[`").skip(1).filter_map(|l| l.split_once("`]")).map(|(path, _)| path) {
            out.push_str(&format!(" {link};"));
        }
        out.push('\n');
    }
    out
}

/// Every path the code names from `crate`, `super` or `self`, made absolute (segments only).
fn named_paths(module: &str, code: &str) -> Vec<Vec<String>> {
    let mut paths = Vec::new();
    let here: Vec<String> = if module.is_empty() { vec![] } else { module.split("::").map(str::to_owned).collect() };
    // A `use a::{b, c::{d}}` names a::b and a::c::d: expand the braces first.
    let mut words = Vec::new();
    for stmt in code.split(';') {
        expand(stmt, &mut words);
    }
    for word in words {
        let segs: Vec<&str> = word.split("::").map(str::trim).filter(|s| !s.is_empty()).collect();
        let Some(first) = segs.first() else { continue };
        let mut base: Vec<String> = match *first {
            "crate" => vec![],
            "self" => here.clone(),
            "super" => here[..here.len().saturating_sub(1)].to_vec(),
            _ => continue,
        };
        let mut rest = &segs[1..];
        while rest.first() == Some(&"super") {
            base.pop();
            rest = &rest[1..];
        }
        base.extend(rest.iter().map(|s| s.to_string()));
        paths.push(base);
    }
    paths
}

/// Splits code into `a::b::c` words, expanding `a::{b, c::d}` groups into `a::b`, `a::c::d`.
fn expand(stmt: &str, out: &mut Vec<String>) {
    let chars: Vec<char> = stmt.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_alphabetic() || chars[i] == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_' || chars[i] == ':') {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            if word.ends_with("::") && chars.get(i) == Some(&'{') {
                let close = matching(&chars, i);
                let inner: String = chars[i + 1..close].iter().collect();
                for part in split_top(&inner) {
                    let mut sub = Vec::new();
                    expand(&part, &mut sub);
                    // `a::{b as c}` names a::b (and a::c, which resolves to a or a::b's module too).
                    out.extend(sub.iter().map(|s| format!("{word}{s}")));
                }
                i = close + 1;
            } else {
                out.push(word);
            }
        } else {
            i += 1;
        }
    }
}

fn matching(chars: &[char], open: usize) -> usize {
    let mut depth = 0;
    for (k, c) in chars.iter().enumerate().skip(open) {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return k;
                }
            }
            _ => {}
        }
    }
    chars.len() - 1
}

fn split_top(inner: &str) -> Vec<String> {
    let (mut parts, mut cur, mut depth) = (Vec::new(), String::new(), 0);
    for c in inner.chars() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(std::mem::take(&mut cur));
                continue;
            }
            _ => {}
        }
        cur.push(c);
    }
    parts.push(cur);
    parts
}

/// The crate's module graph: each module → the modules (other than itself and its ancestors) its
/// code names, each path cut to the longest prefix that is a module.
fn graph(src: &Path) -> Graph {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let modules: BTreeSet<String> = files.iter().map(|f| module_of(src, f)).collect();
    let mut out = Graph::new();
    for file in &files {
        let module = module_of(src, file);
        let text = std::fs::read_to_string(file).expect("read a source file");
        let names = out.entry(module.clone()).or_default();
        for path in named_paths(&module, &code(&text)) {
            let target = (0..=path.len()).rev().map(|n| path[..n].join("::")).find(|p| modules.contains(p));
            if let Some(target) = target {
                let ancestor = target.is_empty() || module == target || module.starts_with(&format!("{target}::"));
                if !ancestor {
                    names.insert(target);
                }
            }
        }
    }
    out
}

/// The circles of a graph (Tarjan's strongly connected components of more than one module).
fn circles(graph: &Graph) -> Vec<Vec<String>> {
    struct State<'a> {
        graph: &'a Graph,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on_stack: BTreeSet<&'a str>,
        found: Vec<Vec<String>>,
    }
    fn visit<'a>(s: &mut State<'a>, v: &'a str) {
        let n = s.index.len();
        s.index.insert(v, n);
        s.low.insert(v, n);
        s.stack.push(v);
        s.on_stack.insert(v);
        for w in s.graph.get(v).into_iter().flatten() {
            let w = w.as_str();
            if !s.index.contains_key(w) {
                visit(s, w);
                let lw = s.low[w];
                let lv = s.low.get_mut(v).expect("visited");
                *lv = (*lv).min(lw);
            } else if s.on_stack.contains(w) {
                let iw = s.index[w];
                let lv = s.low.get_mut(v).expect("visited");
                *lv = (*lv).min(iw);
            }
        }
        if s.low[v] == s.index[v] {
            let mut component = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on_stack.remove(w);
                component.push(w.to_owned());
                if w == v {
                    break;
                }
            }
            if component.len() > 1 {
                component.sort();
                s.found.push(component);
            }
        }
    }
    let mut s = State {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        found: Vec::new(),
    };
    for v in graph.keys() {
        if !s.index.contains_key(v.as_str()) {
            visit(&mut s, v);
        }
    }
    s.found
}

/// The layer of a report-crate module, by its top folder; `None` for the crate root.
fn layer(module: &str) -> Option<usize> {
    let top = module.split("::").next()?;
    LAYERS.iter().position(|l| *l == top)
}

/// Imports from a module to one in a higher layer.
fn upward(graph: &Graph) -> Vec<String> {
    let mut out = Vec::new();
    for (from, names) in graph {
        let Some(own) = layer(from) else { continue };
        for to in names {
            if layer(to).is_some_and(|l| l > own) {
                out.push(format!("{from} imports {to}"));
            }
        }
    }
    out
}

#[test]
fn report_layers_point_one_way() {
    let graph = graph(&workspace().join("report/src"));
    for module in graph.keys().filter(|m| !m.is_empty()) {
        assert!(layer(module).is_some(), "{module} is in no layer: put it in one of {LAYERS:?}");
    }
    let up = upward(&graph);
    assert!(up.is_empty(), "imports against the layers:\n{}", up.join("\n"));
}

#[test]
fn no_crate_has_an_import_circle() {
    for src in ["report/src", "app/src", "server/src", "server/testkit/src", "frontend/src"] {
        let found = circles(&graph(&workspace().join(src)));
        let graph = graph(&workspace().join(src));
        let text: Vec<String> = found
            .iter()
            .map(|c| {
                let edges: Vec<String> = c
                    .iter()
                    .flat_map(|m| graph[m].iter().filter(|t| c.contains(t)).map(move |t| format!("  {m} → {t}")))
                    .collect();
                format!("{}\n{}", c.join(" ↔ "), edges.join("\n"))
            })
            .collect();
        assert!(found.is_empty(), "import circles in {src}:\n{}", text.join("\n"));
    }
}

/// The checker itself: an upward import and a circle written into a scratch crate are found.
#[test]
fn the_checks_catch_an_upward_import_and_a_circle() {
    let dir = std::env::temp_dir().join(format!("mxray-layers-{}", std::process::id()));
    let write = |path: &str, text: &str| {
        let file = dir.join(path);
        std::fs::create_dir_all(file.parent().expect("a parent")).expect("create a scratch folder");
        std::fs::write(file, text).expect("write a scratch file");
    };
    write("lib.rs", "pub mod model;\npub mod render;\n");
    write("render/html.rs", "");
    write("model/mod.rs", "pub mod report;\npub mod lang;\n");
    write("model/report.rs", "use crate::render::html::render; // upward\n");
    write("model/lang.rs", "pub fn x() { super::report::y() }\n#[cfg(test)]\nmod tests { use crate::render::text; }\n");
    write("render/mod.rs", "pub mod html;\npub mod text;\n");
    write("render/text.rs", "use crate::model::{report::Report, lang::{Lang}};\n// crate::diff is a comment\n");
    write("render/json.rs", "/// Like [`crate::render::text::render`], as JSON.\npub fn render() {}\n");
    let g = graph(&dir);
    assert_eq!(upward(&g), vec!["model::report imports render::html".to_owned()]);
    assert_eq!(g["render::text"], BTreeSet::from(["model::lang".to_owned(), "model::report".to_owned()]));
    assert_eq!(g["render::json"], BTreeSet::from(["render::text".to_owned()]), "an intra-doc link is a use");
    assert!(g["model::lang"].contains("model::report") && !g["model::lang"].contains("render::text"));
    assert!(circles(&g).is_empty());
    write("model/report.rs", "use super::lang::Lang;\n");
    write("model/lang.rs", "use crate::model::report::Report;\n");
    assert_eq!(circles(&graph(&dir)), vec![vec!["model::lang".to_owned(), "model::report".to_owned()]]);
    std::fs::remove_dir_all(&dir).expect("remove the scratch folder");
}

/// The report crate does no I/O: its code names no sockets, files, processes, environment, clock
/// or async runtime (tests may, to read their golden files).
#[test]
fn the_report_crate_does_no_io() {
    const FORBIDDEN: [&str; 10] = [
        "std::fs",
        "std::net::TcpStream",
        "std::net::UdpSocket",
        "std::process",
        "std::env",
        "std::io",
        "SystemTime::now",
        "Instant::now",
        "tokio",
        "leptos",
    ];
    let src = workspace().join("report/src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut found = Vec::new();
    for file in files.iter().filter(|f| !f.ends_with("golden.rs") && !f.ends_with("texts/tests.rs")) {
        let code = code(&std::fs::read_to_string(file).expect("read a source file"));
        found.extend(FORBIDDEN.iter().filter(|w| code.contains(*w)).map(|w| format!("{} names {w}", file.display())));
    }
    assert!(found.is_empty(), "I/O in the report crate:\n{}", found.join("\n"));
    let manifest = std::fs::read_to_string(workspace().join("report/Cargo.toml")).expect("read report/Cargo.toml");
    for dependency in ["leptos", "tokio", "hickory", "rustls", "axum"] {
        assert!(!manifest.contains(dependency), "report/Cargo.toml depends on {dependency}");
    }
}
