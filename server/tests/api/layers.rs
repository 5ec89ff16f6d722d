//! Imports point one way: no cycle between the top-level modules of `server/src` or `app/src`.
//!
//! A top-level module is a file `x.rs` or a folder `x/`; `crate::x::…` anywhere in one of its
//! files (outside `#[cfg(test)] mod … { … }` blocks: tests may import anything) is an arrow
//! from it to `x`. The same reading as `../shared/tools/modcycles.py`, so the before-stop
//! checklist and CI agree.

use std::{
    collections::{BTreeMap, BTreeSet},
    path::{Path, PathBuf},
};

type Graph = BTreeMap<String, BTreeSet<String>>;

#[test]
fn the_server_crate_has_no_import_cycle_between_its_top_level_modules() {
    assert_no_cycles(&crate_src("server/src"));
}

#[test]
fn the_app_crate_has_no_import_cycle_between_its_top_level_modules() {
    assert_no_cycles(&crate_src("app/src"));
}

#[test]
fn the_check_sees_a_cycle_when_a_module_imports_back() {
    let mut graph = Graph::new();
    arrows(&mut graph, "accounts", "use crate::{audit::record, error::Result};");
    arrows(&mut graph, "audit", "fn f() { crate::error::log(); }");
    assert!(cycles(&graph).is_empty());
    // The back-import that a layering slip adds: audit → accounts closes accounts → audit.
    arrows(&mut graph, "audit", "use crate::accounts::ClientInfo;");
    assert_eq!(cycles(&graph), vec![vec!["accounts".to_owned(), "audit".to_owned()]]);
    // Imports inside a test module do not count.
    let mut graph = Graph::new();
    arrows(&mut graph, "accounts", "use crate::audit::record;");
    arrows(&mut graph, "audit", "#[cfg(test)]\nmod tests { use crate::accounts::x; fn f() { {} } }");
    assert!(cycles(&graph).is_empty());
}

fn crate_src(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(relative)
}

fn assert_no_cycles(src: &Path) {
    let graph = read_graph(src);
    assert!(graph.len() > 3, "read too few modules under {}: {graph:?}", src.display());
    let found = cycles(&graph);
    assert!(
        found.is_empty(),
        "import cycles under {} (imports must point one way: startup → edges → services → \
         entities and plain shared types; see ARCHITECTURE.md):\n{}",
        src.display(),
        found.iter().map(|c| format!("  {}", c.join(" ⇄ "))).collect::<Vec<_>>().join("\n")
    );
}

fn read_graph(src: &Path) -> Graph {
    let mut graph = Graph::new();
    let mut stack = vec![src.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("reading a source dir") {
            let path = entry.expect("a dir entry").path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let relative = path.strip_prefix(src).expect("under src");
            let first = relative.components().next().expect("a component");
            let top = first.as_os_str().to_string_lossy().trim_end_matches(".rs").to_owned();
            let top = if top == "lib" || top == "main" { "(root)".to_owned() } else { top };
            let text = std::fs::read_to_string(&path).expect("reading a source file");
            arrows(&mut graph, &top, &text);
        }
    }
    graph
}

/// Adds the arrows of one file of module `from` to the graph.
fn arrows(graph: &mut Graph, from: &str, text: &str) {
    let text = strip_test_modules(text);
    let mut names = BTreeSet::new();
    for (at, _) in text.match_indices("crate::") {
        let before = text[..at].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        let rest = &text[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            // `use crate::{a::x, b, c::{…}}`: the first segment of each item at depth one.
            let mut depth = 1;
            let mut item_start = true;
            let mut word = String::new();
            for c in group.chars() {
                match c {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    _ => {}
                }
                if depth == 0 {
                    break;
                }
                if depth == 1 && item_start && (c.is_alphanumeric() || c == '_') {
                    word.push(c);
                    continue;
                }
                if !word.is_empty() {
                    names.insert(std::mem::take(&mut word));
                    item_start = false;
                }
                if depth == 1 && c == ',' {
                    item_start = true;
                }
            }
        } else {
            let word: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            names.insert(word);
        }
    }
    let entry = graph.entry(from.to_owned()).or_default();
    entry.extend(names.into_iter().filter(|n| !n.is_empty() && n != from && n != "self"));
}

/// Drops `#[cfg(test)] mod x { … }` blocks, brace-matched.
fn strip_test_modules(text: &str) -> String {
    let mut text = text.to_owned();
    while let Some(at) = text.find("#[cfg(test)]") {
        let after = &text[at + "#[cfg(test)]".len()..];
        let trimmed = after.trim_start();
        let is_mod = trimmed.starts_with("mod ") || trimmed.starts_with("pub mod ");
        let Some(open) = after.find('{').filter(|_| is_mod) else {
            // An attribute on something else: leave it, look further on.
            text.replace_range(at..at + "#[cfg(test)]".len(), "");
            continue;
        };
        let mut depth = 0;
        let mut end = after.len();
        for (i, c) in after[open..].char_indices() {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        end = open + i + 1;
                        break;
                    }
                }
                _ => {}
            }
        }
        text.replace_range(at..at + "#[cfg(test)]".len() + end, "");
    }
    text
}

/// Strongly connected components of more than one module (Tarjan), each sorted.
fn cycles(graph: &Graph) -> Vec<Vec<String>> {
    struct Walk<'g> {
        graph: &'g Graph,
        index: BTreeMap<&'g str, usize>,
        low: BTreeMap<&'g str, usize>,
        stack: Vec<&'g str>,
        found: Vec<Vec<String>>,
    }
    fn visit<'g>(w: &mut Walk<'g>, v: &'g str) {
        let n = w.index.len();
        w.index.insert(v, n);
        w.low.insert(v, n);
        w.stack.push(v);
        for next in &w.graph[v] {
            let Some((next, _)) = w.graph.get_key_value(next.as_str()) else { continue };
            let next = next.as_str();
            if !w.index.contains_key(next) {
                visit(w, next);
                let low = w.low[v].min(w.low[next]);
                w.low.insert(v, low);
            } else if w.stack.contains(&next) {
                let low = w.low[v].min(w.index[next]);
                w.low.insert(v, low);
            }
        }
        if w.low[v] == w.index[v] {
            let mut component = Vec::new();
            while let Some(top) = w.stack.pop() {
                component.push(top.to_owned());
                if top == v {
                    break;
                }
            }
            if component.len() > 1 {
                component.sort();
                w.found.push(component);
            }
        }
    }
    let mut walk =
        Walk { graph, index: BTreeMap::new(), low: BTreeMap::new(), stack: Vec::new(), found: Vec::new() };
    for v in graph.keys() {
        if !walk.index.contains_key(v.as_str()) {
            visit(&mut walk, v);
        }
    }
    walk.found.sort();
    walk.found
}
