//! The claim forms follow the rules' `stops` in rules.toml, not their ids (issue 15,
//! item 3): the engine decides which forms an applicant gets, the renderer formats them.

use std::fs;
use std::path::Path;

use crate::common::{repo, run};

/// The data files `templates data` writes for applicant `id` with the schemas of
/// `schemas` (the built-in ones when `None`).
fn forms_of(id: &str, schemas: Option<&Path>) -> Vec<String> {
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("out");
    let batch = repo().join("samples/batch");
    let mut args = vec![
        "templates".as_ref(),
        "data".as_ref(),
        batch.as_os_str(),
        "--out".as_ref(),
        out.as_os_str(),
        "--as-of".as_ref(),
        crate::common::AS_OF.as_ref(),
    ];
    if let Some(dir) = schemas {
        args.extend(["--schemas".as_ref(), dir.as_os_str()]);
    }
    let o = run(&args);
    assert!(o.code <= 1, "{}", o.stderr);
    let mut files: Vec<String> = fs::read_dir(out.join(id))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    files.sort();
    files
}

#[test]
fn claim_forms_follow_the_rules_stops_not_their_ids() {
    // A013's certificate has expired (claim.certificate_expired, stops = ["claims"]):
    // no claim form. A011's stage 2 is too early (stops = ["lifting_stage2"]).
    let builtin = forms_of("A013", None);
    assert!(
        !builtin
            .iter()
            .any(|f| f.starts_with("lifting") || f.starts_with("compensation")),
        "{builtin:?}"
    );
    assert!(!forms_of("A011", None).contains(&"lifting-stage2.json".to_string()));

    // The same rules without their `stops`: the forms are made.
    let rules = fs::read_to_string(repo().join("schemas/rules.toml")).unwrap();
    let unstopped: String = rules
        .lines()
        .filter(|l| !l.starts_with("stops = "))
        .map(|l| format!("{l}\n"))
        .collect();
    assert!(unstopped.len() < rules.len());
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("rules.toml"), unstopped).unwrap();
    let a013 = forms_of("A013", Some(dir.path()));
    assert!(a013.iter().any(|f| f.starts_with("lifting")), "{a013:?}");
    assert!(forms_of("A011", Some(dir.path())).contains(&"lifting-stage2.json".to_string()));
}
