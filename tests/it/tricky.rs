//! A batch of every row that ingest refuses or attaches with a finding (ids equal but
//! for case, repeated ids, device names, unknown owners and members, refused owners,
//! IINs repeated across applicants and members, papers of unknown members), built from
//! the sample batch in `tests/fixture/tricky/`. Its whole report.json is the snapshot:
//! made by the ingest that attached rows one by one as they were typed (before session
//! 4), so validation in windows is held to give the same report, byte for byte. After an
//! intended change: `INSTA_UPDATE=always cargo test --release --test it -- tricky::`,
//! then review the snapshot's diff.

use crate::common;

use std::path::Path;

#[test]
fn every_refused_and_attached_row_reports_as_before() {
    let schemas = resettle::schema::Schemas::embedded().expect("built-in schemas load");
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixture/tricky");
    let as_of: jiff::civil::Date = common::AS_OF.parse().unwrap();
    let (report, _) = resettle::validate(&dir, &schemas, as_of).expect("batch processed");
    let json = report.to_json();
    for rule in [
        "data.duplicate",
        "data.orphan",
        "data.format",
        "data.required",
    ] {
        assert!(json.contains(rule), "{rule}");
    }
    insta::assert_snapshot!("tricky_report", json);
}
