//! The server's modules stand in layers and import only from their own layer or below:
//! storage at the bottom, the services over it, sync and HTTP on top, and `lib.rs` only
//! wiring. Within a layer, no two modules import each other, even through others.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Bottom first.
const LAYERS: &[&[&str]] = &[
    &["clock", "config", "limits", "metrics", "store", "retry"],
    &[
        "accounts",
        "grants",
        "throttle",
        "audit",
        "stored",
        "parsed",
        "projection",
        "nodes",
        "commit",
        "attachments",
        "import",
        "demo",
    ],
    &["hub", "state", "ws", "api", "probes", "client", "files"],
];

fn layer_of(module: &str) -> usize {
    LAYERS
        .iter()
        .position(|layer| layer.contains(&module))
        .unwrap_or_else(|| panic!("module `{module}` is in no layer: add it to LAYERS"))
}

/// The top-level modules `source` names through `crate::` (`crate::a::b`, `crate::{a, b}`).
fn imports(source: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut rest = source;
    while let Some(at) = rest.find("crate::") {
        rest = &rest[at + "crate::".len()..];
        let names: Vec<&str> = match rest.strip_prefix('{') {
            Some(group) => group[..group.find('}').unwrap_or(group.len())]
                .split(',')
                .collect(),
            None => vec![rest],
        };
        for name in names {
            let name = name.trim();
            let end = name
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(name.len());
            if end > 0 {
                found.insert(name[..end].to_owned());
            }
        }
    }
    found
}

/// Every top-level module with the modules it imports, read from `src/`.
fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut stack = vec![src.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("src reads") {
            let path = entry.expect("an entry").path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let relative = path.strip_prefix(&src).expect("under src");
            let first = relative.components().next().expect("a component");
            let module = Path::new(first.as_os_str())
                .file_stem()
                .and_then(|s| s.to_str())
                .expect("a name")
                .to_owned();
            if module == "lib" || module == "main" {
                continue;
            }
            let source = std::fs::read_to_string(&path).expect("reads");
            let used: Vec<String> = imports(&source)
                .into_iter()
                .filter(|m| *m != module)
                .collect();
            graph.entry(module).or_default().extend(used);
        }
    }
    graph
}

#[test]
fn every_import_flows_down_and_nothing_takes_from_lib() {
    let graph = graph();
    let mut wrong = Vec::new();
    for (module, used) in &graph {
        for target in used {
            if !graph.contains_key(target) {
                wrong.push(format!(
                    "{module} takes `{target}` from lib.rs, which only wires"
                ));
            } else if layer_of(target) > layer_of(module) {
                wrong.push(format!(
                    "{module} (layer {}) imports {target} (layer {})",
                    layer_of(module) + 1,
                    layer_of(target) + 1
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn no_modules_import_each_other() {
    let graph = graph();
    // Depth-first: a module met again while still on the path closes a loop.
    fn visit<'a>(
        module: &'a str,
        graph: &'a BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<&'a str>,
        done: &mut BTreeSet<&'a str>,
    ) -> Option<String> {
        if let Some(at) = path.iter().position(|m| *m == module) {
            return Some(format!("{} → {module}", path[at..].join(" → ")));
        }
        if !done.insert(module) {
            return None;
        }
        path.push(module);
        for next in graph.get(module).into_iter().flatten() {
            if let Some(cycle) = visit(next, graph, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        None
    }
    let mut done = BTreeSet::new();
    for module in graph.keys() {
        if let Some(cycle) = visit(module, &graph, &mut Vec::new(), &mut done) {
            panic!("modules import each other: {cycle}");
        }
    }
}

#[test]
fn imports_are_read_from_paths_and_groups() {
    let found = imports("use crate::{audit, nodes::announce};\nlet t = crate::clock::now_ms();");
    assert_eq!(found, ["audit", "clock", "nodes"].map(String::from).into());
}
