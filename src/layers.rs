//! The floors of the crate, and the test that holds every module to them: a module may
//! import (`crate::x`) only modules on a lower floor, so there is no import circle and
//! nothing looks up. The floors are the map of ARCHITECTURE.md; a new top-level module
//! gets a floor here or the test fails. Only code outside `#[cfg(test)]` counts (tests
//! may reach anywhere).

/// Bottom first. Modules on one floor do not import each other.
pub const FLOORS: &[&[&str]] = &[
    // Ground: no import of the crate, or only of the ground.
    &["columns", "error", "digest", "text", "cond", "fsread"],
    &["findings", "outdir", "source"],
    &["model", "values", "format"],
    &["checks"],
    // The schemas, loaded and checked.
    &["schema"],
    // Bytes to typed rows.
    &["ingest"],
    // Checks on typed rows and the documents folder; lookups in the schemas.
    &["documents", "datacheck", "consulate", "benefits"],
    // The engine.
    &["rules"],
    &["report", "explain"],
    &["render", "manifest", "pipeline"],
    &["packets", "init", "synth"],
    &["cli"],
];

#[cfg(test)]
mod tests {
    use super::FLOORS;
    use std::collections::BTreeMap;
    use std::path::Path;

    /// The top-level module a file under src/ belongs to (`None` for lib.rs, main.rs and
    /// the binaries).
    fn module_of(rel: &Path) -> Option<String> {
        let first = rel.components().next()?.as_os_str().to_str()?;
        let name = first.strip_suffix(".rs").unwrap_or(first);
        (!matches!(name, "lib" | "main" | "bin" | "layers")).then(|| name.to_string())
    }

    /// The top-level modules `text` names as `crate::x` or `crate::{x, …}`, outside its
    /// test module.
    fn imports(text: &str) -> Vec<String> {
        let code = text.split("#[cfg(test)]").next().unwrap_or(text);
        let mut out = Vec::new();
        for (i, _) in code.match_indices("crate::") {
            let rest = &code[i + "crate::".len()..];
            let names: Vec<&str> = match rest.strip_prefix('{') {
                Some(group) => group
                    .split('}')
                    .next()
                    .unwrap_or("")
                    .split(',')
                    .map(|p| p.trim().split("::").next().unwrap_or("").trim())
                    .collect(),
                None => vec![
                    rest.split(|c: char| !c.is_alphanumeric() && c != '_')
                        .next()
                        .unwrap_or(""),
                ],
            };
            out.extend(
                names
                    .into_iter()
                    .filter(|n| !n.is_empty())
                    .map(str::to_string),
            );
        }
        out
    }

    #[test]
    fn every_import_looks_down() {
        let floor: BTreeMap<&str, usize> = FLOORS
            .iter()
            .enumerate()
            .flat_map(|(i, f)| f.iter().map(move |m| (*m, i)))
            .collect();
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut wrong = Vec::new();
        let mut seen = 0;
        for entry in walkdir::WalkDir::new(&src) {
            let entry = entry.unwrap();
            let path = entry.path();
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let rel = path.strip_prefix(&src).unwrap();
            let Some(module) = module_of(rel) else {
                continue;
            };
            // Files that hold only tests of their module.
            if rel.file_name().is_some_and(|n| n == "tests.rs") {
                continue;
            }
            seen += 1;
            let Some(&own) = floor.get(module.as_str()) else {
                wrong.push(format!(
                    "{}: module `{module}` has no floor in FLOORS",
                    rel.display()
                ));
                continue;
            };
            let text = std::fs::read_to_string(path).unwrap();
            for import in imports(&text) {
                if import == module {
                    continue;
                }
                match floor.get(import.as_str()) {
                    Some(&f) if f < own => {}
                    Some(_) => wrong.push(format!(
                        "{}: `{module}` imports `{import}`, which is not on a lower floor",
                        rel.display()
                    )),
                    // `crate::validate` and other items of lib.rs: the top.
                    None => wrong.push(format!(
                        "{}: `{module}` imports `crate::{import}`, which is not a module below it",
                        rel.display()
                    )),
                }
            }
        }
        assert!(seen > 40, "read only {seen} files");
        assert!(
            wrong.is_empty(),
            "imports that look up:\n{}",
            wrong.join("\n")
        );
    }

    #[test]
    fn imports_are_read_in_both_forms() {
        let text = "use crate::model::A;\nuse crate::{findings::B, values};\nfn f() { crate::text::fold(x) }\n#[cfg(test)]\nmod tests { use crate::cli; }";
        assert_eq!(imports(text), ["model", "findings", "values", "text"]);
    }
}
