//! Hostile identifiers and links never make `resettle` read or write outside the batch
//! and output folders: ids that look like paths are rejected, nothing is created outside
//! OUT, and scans reached through links leading out of the batch are not counted.

use crate::common;

use std::path::{Path, PathBuf};

use common::*;
use serde_json::Value;

/// Applicant ids that must never become paths.
fn hostile_ids(tmp: &Path) -> Vec<String> {
    vec![
        "../../evil".into(),
        "../evil".into(),
        // An absolute path inside the temporary folder, so that the walk below sees it.
        tmp.join("evil_abs").display().to_string(),
        "..".into(),
        ".".into(),
        "a/b".into(),
        "C:\\evil".into(),
        "C:evil".into(),
        "\\\\server\\share".into(),
        "evil\0x".into(),
        "%2e%2e%2fevil".into(),
        "x".repeat(65),
        // Valid characters, but names Windows reserves for devices.
        "CON".into(),
        "nul".into(),
        "Com1".into(),
        "LPT9".into(),
    ]
}

/// A batch with one valid applicant A001 and the hostile ids (among them CON, a name
/// Windows reserves), a family member `../x` and an expense receipt `../../etc/passwd`.
fn hostile_batch(tmp: &Path) -> PathBuf {
    let batch = tmp.join("batch");
    let mut a = Table::new(APPLICANT_HEADERS);
    a.row(&applicant_row("A001", "Ёлкин", "Пётр", 1));
    let ids = hostile_ids(tmp);
    for (i, id) in ids.iter().enumerate() {
        a.row(&applicant_row(id, "Злов", "Иван", 10 + i as u32));
    }
    write(&batch, "applicants.csv", &a.to_bytes(Format::UTF8));

    let mut f = Table::new(FAMILY_HEADERS);
    for (aid, mid) in [("A001", "../x"), ("A001", "F1"), ("../../evil", "F1")] {
        f.row(&[
            ("applicant_id", s(aid)),
            ("member_id", s(mid)),
            ("relation", s("child")),
            ("last_name", s("Ёлкин")),
            ("first_name", s("Фёдор")),
            ("sex", s("M")),
            ("birth_date", d("2012-03-05")),
            ("citizenship", s("RU")),
            ("relocating", b(true)),
        ]);
    }
    write(&batch, "family.csv", &f.to_bytes(Format::UTF8));

    let mut e = Table::new(EXPENSE_HEADERS);
    for receipt in [
        "../../etc/passwd",
        "/etc/passwd",
        "..",
        "a\\b.pdf",
        "C:x.pdf",
    ] {
        e.row(&[
            ("applicant_id", s("A001")),
            ("kind", s("travel")),
            ("amount_rub", s("100")),
            ("receipt", s(receipt)),
        ]);
    }
    write(&batch, "expenses.csv", &e.to_bytes(Format::UTF8));
    write(&batch, "documents/A001/id_card.pdf", PDF);
    write(&batch, "documents/CON/id_card.pdf", PDF);
    batch
}

#[test]
fn hostile_ids_write_nothing_outside_out() {
    let t = tempfile::tempdir().unwrap();
    let tmp = t.path();
    let batch = hostile_batch(tmp);
    let before = walk(tmp);
    let out_dir = tmp.join("out");
    let run = run_batch(&batch, &out_dir);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(out_dir.join("report.json").is_file());

    // Everything new is under out/; nothing in the batch changed.
    for p in walk(tmp) {
        if before.contains(&p) {
            continue;
        }
        assert!(
            p.starts_with("out"),
            "created outside OUT: {}",
            tmp.join(&p).display()
        );
        for c in p.components() {
            let name = c.as_os_str().to_string_lossy();
            assert!(
                !name.contains(".."),
                "suspicious name under OUT: {}",
                p.display()
            );
        }
    }
    assert!(!tmp.join("evil").exists());
    assert!(!tmp.join("evil_abs").exists());

    // Each hostile id is a rejected row naming the id, never an applicant.
    let r: Value =
        serde_json::from_str(&std::fs::read_to_string(out_dir.join("report.json")).unwrap())
            .unwrap();
    check_invariants(&r);
    let ids: Vec<&str> = r["applicants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["applicant_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["A001"]);
    let hostile = hostile_ids(tmp);
    assert_eq!(
        r["rows"]["applicants.csv"]["rejected"],
        hostile.len() as u64,
        "{:#}",
        r["errors"]
    );
    let errors = r["errors"].as_array().unwrap();
    assert!(
        errors
            .iter()
            .filter(|e| e["source"].as_str().unwrap().starts_with("applicants.csv:"))
            .all(|e| e["rule"] == "data.format"),
        "{errors:#?}"
    );
    // The family member `../x` is rejected and its applicant told; so is the family row
    // of the hostile id `../../evil`.
    assert_eq!(r["rows"]["family.csv"]["rejected"], 2);
    assert!(
        findings_of(&r, "A001")
            .iter()
            .any(|f| f["rule"] == "data.format" && f["field"] == "member_id"),
        "{:#?}",
        findings_of(&r, "A001")
    );
    // Receipts that are paths are data.format findings on the receipt cell.
    let receipt_findings = findings_of(&r, "A001")
        .into_iter()
        .filter(|f| f["field"] == "receipt" && f["rule"] == "data.format")
        .count();
    assert_eq!(receipt_findings, 5);
    // Messages show ids with control characters escaped.
    for m in all_messages(&r) {
        assert!(!m.contains('\0'), "{m:?}");
    }
}

/// Writing into an OUT whose path contains `..` is the caseworker's choice and works;
/// the output stays where the path resolves.
#[test]
fn out_path_with_dot_dot_is_taken_literally() {
    let t = tempfile::tempdir().unwrap();
    let tmp = t.path();
    let batch = tmp.join("batch");
    write(
        &batch,
        "applicants.csv",
        &one_applicant(true).to_bytes(Format::UTF8),
    );
    std::fs::create_dir(tmp.join("x")).unwrap();
    let out = run_batch(&batch, &tmp.join("x/../out2"));
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(tmp.join("out2/report.json").is_file());
}

/// OUT may not be the batch folder itself, nor lie inside its documents/ folder (the
/// forms written there would be read back as scans): exit 2 before anything is read or
/// written, whatever spelling of the path. A folder inside the batch beside documents/
/// is fine.
#[test]
fn out_is_refused_as_the_batch_folder_or_inside_its_documents() {
    let t = tempfile::tempdir().unwrap();
    let batch = t.path().join("batch");
    write(
        &batch,
        "applicants.csv",
        &one_applicant(false).to_bytes(Format::UTF8),
    );
    write(&batch, "documents/A001/diploma.pdf", common::PDF);
    let before = walk(&batch);
    for (out, says) in [
        (batch.clone(), "is the batch folder itself"),
        (batch.join("."), "is the batch folder itself"),
        (batch.join("documents/../"), "is the batch folder itself"),
        (batch.join("documents"), "inside the batch's documents/"),
        (
            batch.join("documents/A001/new"),
            "inside the batch's documents/",
        ),
    ] {
        for command in [&["run"][..], &["templates", "data"][..]] {
            let mut args: Vec<&std::ffi::OsStr> = command.iter().map(|c| c.as_ref()).collect();
            args.extend([
                batch.as_os_str(),
                std::ffi::OsStr::new("--out"),
                out.as_os_str(),
            ]);
            args.extend([
                std::ffi::OsStr::new("--as-of"),
                std::ffi::OsStr::new(common::AS_OF),
            ]);
            let o = common::run(&args);
            assert_eq!(
                o.code,
                2,
                "{command:?} --out {}: {}",
                out.display(),
                o.stderr
            );
            assert!(o.stderr.contains(says), "{}: {}", out.display(), o.stderr);
            assert_eq!(walk(&batch), before, "{}: nothing written", out.display());
        }
    }
    // Near miss: a folder of its own inside the batch, beside documents/.
    let o = run_batch(&batch, &batch.join("out"));
    assert!(o.code <= 1, "{}", o.stderr);
    assert!(batch.join("out/report.json").is_file());
}

/// A batch of applicants A001..A00n (valid rows), in the folder `batch` of a new
/// temporary folder (where the tests put what lies outside the batch).
#[cfg(unix)]
fn plain_batch(n: u32) -> (tempfile::TempDir, PathBuf) {
    let t = tempfile::tempdir().unwrap();
    let batch = t.path().join("batch");
    let mut a = Table::new(APPLICANT_HEADERS);
    for i in 1..=n {
        a.row(&applicant_row(&format!("A00{i}"), "Ёлкин", "Пётр", i));
    }
    write(&batch, "applicants.csv", &a.to_bytes(Format::UTF8));
    (t, batch)
}

/// Held documents of `id`, as the library sees them: (code, evidence path).
#[cfg(unix)]
fn held(batch: &Path, id: &str) -> Vec<(String, String)> {
    let schemas = resettle::schema::Schemas::embedded().unwrap();
    let source = resettle::source::Folder::open(batch).unwrap();
    let limits = resettle::ingest::Limits::default();
    let sorted = resettle::pipeline::Sorted::open(&source, &schemas, &limits).unwrap();
    let applicants = sorted.applicants(0..sorted.len());
    let a = applicants
        .iter()
        .find(|a| a.applicant_id == id)
        .unwrap_or_else(|| panic!("no applicant {id}"));
    a.documents
        .iter()
        .map(|h| {
            let at = match &h.evidence {
                resettle::model::Evidence::Scan(p) => p.clone(),
                resettle::model::Evidence::Paper(s) => s.to_string(),
                resettle::model::Evidence::Rendered => "rendered".to_string(),
            };
            (h.doc.code.to_string(), at)
        })
        .collect()
}

#[cfg(unix)]
#[test]
fn scan_linked_from_outside_the_batch_is_not_counted() {
    use std::os::unix::fs::symlink;
    let (t, batch) = plain_batch(3);
    let tmp = t.path();
    write(tmp, "outside/secret.pdf", PDF);
    // A001: a link to a PDF outside the batch.
    std::fs::create_dir_all(batch.join("documents/A001")).unwrap();
    symlink(
        tmp.join("outside/secret.pdf"),
        batch.join("documents/A001/id_card.pdf"),
    )
    .unwrap();
    // A002: a real PDF.
    write(&batch, "documents/A002/id_card.pdf", PDF);
    // A003: a relative link to a PDF elsewhere inside the batch counts.
    write(&batch, "scans/a3.pdf", PDF);
    std::fs::create_dir_all(batch.join("documents/A003")).unwrap();
    symlink(
        "../../scans/a3.pdf",
        batch.join("documents/A003/id_card.pdf"),
    )
    .unwrap();

    let out = validate_json(&batch);
    let r = out.json();
    check_invariants(&r);

    let f1 = findings_of(&r, "A001");
    let link = f1
        .iter()
        .find(|f| f["source"] == "documents/A001/id_card.pdf")
        .unwrap_or_else(|| panic!("no finding for the link: {f1:#?}"));
    assert_eq!(link["rule"], "docs.unreadable");
    assert_eq!(link["severity"], "warning");
    assert!(
        held(&batch, "A001").is_empty(),
        "{:?}",
        held(&batch, "A001")
    );
    assert!(
        f1.iter().any(|f| f["rule"] == "docs.missing.id_card"),
        "the linked scan does not count: {f1:#?}"
    );

    let f2 = findings_of(&r, "A002");
    assert!(f2.iter().all(|f| !is_scan_rule(&f["rule"])), "{f2:#?}");
    assert!(
        f2.iter().all(|f| f["rule"] != "docs.missing.id_card"),
        "the scan counts: {f2:#?}"
    );
    assert_eq!(
        held(&batch, "A002"),
        [(
            "id_card".to_string(),
            "documents/A002/id_card.pdf".to_string()
        )]
    );

    let f3 = findings_of(&r, "A003");
    assert!(f3.iter().all(|f| !is_scan_rule(&f["rule"])), "{f3:#?}");
    assert!(
        f3.iter().all(|f| f["rule"] != "docs.missing.id_card"),
        "{f3:#?}"
    );
    assert_eq!(held(&batch, "A003").len(), 1);
}

/// The applicant's folder itself is a link out of the batch: nothing in it may count.
#[cfg(unix)]
#[test]
fn applicant_folder_linked_outside_is_not_read() {
    use std::os::unix::fs::symlink;
    let (t, batch) = plain_batch(1);
    let tmp = t.path();
    write(tmp, "elsewhere/id_card.pdf", PDF);
    std::fs::create_dir_all(batch.join("documents")).unwrap();
    symlink(tmp.join("elsewhere"), batch.join("documents/A001")).unwrap();

    assert!(
        held(&batch, "A001").is_empty(),
        "scans outside the batch were counted: {:?}",
        held(&batch, "A001")
    );
    let r = validate_json(&batch).json();
    let f = findings_of(&r, "A001");
    assert!(
        f.iter().any(|f| f["rule"] == "docs.unreadable"),
        "the caseworker is told: {f:#?}"
    );
}

/// documents/ itself a link out of the batch: not read, one warning.
#[cfg(unix)]
#[test]
fn documents_folder_linked_outside_is_not_read() {
    use std::os::unix::fs::symlink;
    let (t, batch) = plain_batch(1);
    let tmp = t.path();
    write(tmp, "elsewhere/A001/id_card.pdf", PDF);
    symlink(tmp.join("elsewhere"), batch.join("documents")).unwrap();
    assert!(held(&batch, "A001").is_empty());
    let r = validate_json(&batch).json();
    let w = r["warnings"].as_array().unwrap();
    assert!(
        w.iter()
            .any(|w| w["rule"] == "docs.outside" && w["source"] == "documents"),
        "{w:#?}"
    );
}

/// A link to a folder outside the batch inside an applicant's folder is not followed.
#[cfg(unix)]
#[test]
fn nested_link_to_an_outside_folder_is_not_followed() {
    use std::os::unix::fs::symlink;
    let (t, batch) = plain_batch(1);
    let tmp = t.path();
    write(tmp, "elsewhere/id_card.pdf", PDF);
    std::fs::create_dir_all(batch.join("documents/A001")).unwrap();
    symlink(tmp.join("elsewhere"), batch.join("documents/A001/sub")).unwrap();
    symlink("/etc/passwd", batch.join("documents/A001/photo.jpg")).unwrap();
    assert!(
        held(&batch, "A001").is_empty(),
        "{:?}",
        held(&batch, "A001")
    );
    let r = validate_json(&batch).json();
    let f = findings_of(&r, "A001");
    for src in ["documents/A001/sub", "documents/A001/photo.jpg"] {
        assert!(
            f.iter()
                .any(|f| f["source"] == src && f["rule"] == "docs.unreadable"),
            "{src}: {f:#?}"
        );
    }
}

/// Ids that are Windows device names (any case) are refused like other invalid ids, with
/// their own message at file:row:column: applicant ids, family member ids and the member
/// ids of expenses and of papers listed in `documents`. Member ids follow the same rules
/// as applicant ids (characters, length); names close to a device name are fine.
#[test]
fn windows_device_names_are_refused_as_ids() {
    let t = tempfile::tempdir().unwrap();
    let batch = t.path();
    let mut a = Table::new(APPLICANT_HEADERS);
    a.row(&applicant_row("A001", "Ёлкин", "Пётр", 1));
    a.row(&applicant_row("COM10", "Ёжиков", "Семён", 2));
    for (i, id) in ["CON", "prn", "Aux", "NUL", "COM0", "com9", "LPT1", "lpt0"]
        .iter()
        .enumerate()
    {
        a.row(&applicant_row(id, "Злов", "Иван", 10 + i as u32));
    }
    a.set(0, "documents", s("birth_certificate-CON"));
    write(batch, "applicants.csv", &a.to_bytes(Format::UTF8));

    let mut f = Table::new(FAMILY_HEADERS);
    for mid in ["F1", "LPT3", "Con", "F 1", &"F".repeat(65), &"F".repeat(64)] {
        f.row(&[
            ("applicant_id", s("A001")),
            ("member_id", s(mid)),
            ("relation", s("child")),
            ("last_name", s("Ёлкин")),
            ("first_name", s("Фёдор")),
            ("sex", s("M")),
            ("birth_date", d("2012-03-05")),
            ("citizenship", s("RU")),
            ("relocating", b(true)),
        ]);
    }
    write(batch, "family.csv", &f.to_bytes(Format::UTF8));

    let mut e = Table::new(EXPENSE_HEADERS);
    for mid in ["", "F1", "aux", "F/1"] {
        e.row(&[
            ("applicant_id", s("A001")),
            ("member_id", s(mid)),
            ("kind", s("travel")),
            ("amount_rub", s("100")),
        ]);
    }
    write(batch, "expenses.csv", &e.to_bytes(Format::UTF8));

    let out = validate_json(batch);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let r = out.json();
    check_invariants(&r);
    let ids: Vec<&str> = r["applicants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["applicant_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["A001", "COM10"]);

    let errors: Vec<(String, String, String)> = r["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["source"].as_str().unwrap().to_string(),
                e["rule"].as_str().unwrap().to_string(),
                e["message"]["en"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let device = |at: &str, id: &str, header: &str| {
        let expected = format!(
            "{header}: «{id}» — a name Windows reserves for a device (CON, PRN, AUX, NUL, COM0–COM9, LPT0–LPT9): ids name folders and files, choose another; the row was not processed"
        );
        assert!(
            errors
                .iter()
                .any(|(src, rule, m)| src == at && rule == "data.format" && *m == expected),
            "no {expected:?} at {at}: {errors:#?}"
        );
    };
    for (row, id) in ["CON", "prn", "Aux", "NUL", "COM0", "com9", "LPT1", "lpt0"]
        .iter()
        .enumerate()
    {
        device(&format!("applicants.csv:{}:1", row + 4), id, "applicant_id");
    }
    device("family.csv:3:2", "LPT3", "member_id");
    device("family.csv:4:2", "Con", "member_id");
    device("expenses.csv:4:2", "aux", "member_id");
    // Member ids have the applicant ids' characters and length.
    for at in ["family.csv:5:2", "family.csv:6:2", "expenses.csv:5:2"] {
        assert!(
            errors.iter().any(|(src, rule, m)| src == at
                && rule == "data.format"
                && m.contains("only Latin letters, digits, _ and - are allowed (up to 64)")),
            "no invalid id at {at}: {errors:#?}"
        );
    }
    assert_eq!(r["rows"]["applicants.csv"]["rejected"], 8);
    assert_eq!(r["rows"]["family.csv"]["accepted"], 2);
    assert_eq!(r["rows"]["family.csv"]["rejected"], 4);
    assert_eq!(r["rows"]["expenses.csv"]["accepted"], 2);
    assert_eq!(r["rows"]["expenses.csv"]["rejected"], 2);
    // The applicant is told about each rejected member row, and about the paper listed
    // for the member CON.
    let f = findings_of(&r, "A001");
    let on_member = f
        .iter()
        .filter(|f| f["field"] == "member_id" && f["rule"] == "data.format")
        .count();
    assert_eq!(on_member, 6, "{f:#?}");
    assert!(
        f.iter().any(|f| f["field"] == "documents"
            && f["message"]["en"].as_str().unwrap().contains(
                "«birth_certificate-CON» — the member id is a name Windows reserves for a device"
            )),
        "{f:#?}"
    );
}

/// A family.csv row: a relocating child born 2012 (so that a consent form is due).
fn child_row(applicant_id: &str, member_id: &str) -> Vec<(&'static str, Cell)> {
    vec![
        ("applicant_id", s(applicant_id)),
        ("member_id", s(member_id)),
        ("relation", s("child")),
        ("last_name", s("Ёлкин")),
        ("first_name", s("Фёдор")),
        ("sex", s("M")),
        ("birth_date", d("2012-03-05")),
        ("citizenship", s("RU")),
        ("relocating", b(true)),
    ]
}

/// A batch where ids differ only in case: applicants A001 and a001, A002 twice (the
/// exact repeat, for comparison), A003; members F1 and f1 of A001, F1 of A002 and f1 of
/// A003 (member ids are per applicant); a family row of `a001`.
fn case_batch(batch: &Path) {
    let mut a = Table::new(APPLICANT_HEADERS);
    for (i, id) in ["A001", "a001", "A002", "A002", "A003"].iter().enumerate() {
        a.row(&applicant_row(id, "Ёлкин", "Пётр", 1 + i as u32));
    }
    write(batch, "applicants.csv", &a.to_bytes(Format::UTF8));
    let mut f = Table::new(FAMILY_HEADERS);
    for (aid, mid) in [
        ("A001", "F1"),
        ("A001", "f1"),
        ("A002", "F1"),
        ("A003", "f1"),
        ("a001", "F2"),
    ] {
        f.row(&child_row(aid, mid));
    }
    write(batch, "family.csv", &f.to_bytes(Format::UTF8));
}

/// Ids equal but for case would share `OUT/<applicant_id>/` or `consent-<member_id>.pdf`
/// on Windows and macOS, whose file systems ignore case: the second spelling is a
/// repeated id (`data.duplicate`, the row not processed, the first applicant told), with
/// a message naming the first spelling. An exact repeat keeps its message.
#[test]
fn ids_differing_only_in_case_are_repeats() {
    let t = tempfile::tempdir().unwrap();
    let batch = t.path();
    case_batch(batch);
    let out = validate_json(batch);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let r = out.json();
    check_invariants(&r);
    let ids: Vec<&str> = r["applicants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["applicant_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["A001", "A002", "A003"]);
    assert_eq!(
        r["rows"]["applicants.csv"],
        serde_json::json!({"read": 5, "accepted": 3, "rejected": 2})
    );
    assert_eq!(
        r["rows"]["family.csv"],
        serde_json::json!({"read": 5, "accepted": 3, "rejected": 2})
    );

    let errors: Vec<(String, String, String, String)> = r["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["source"].as_str().unwrap().to_string(),
                e["rule"].as_str().unwrap().to_string(),
                e["message"]["en"].as_str().unwrap().to_string(),
                e["message"]["ru"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let expect = |at: &str, rule: &str, en: &str, ru: &str| {
        assert!(
            errors
                .iter()
                .any(|(s, r, e, u)| s == at && r == rule && e == en && u == ru),
            "no {rule} {en:?} / {ru:?} at {at}: {errors:#?}"
        );
    };
    expect(
        "applicants.csv:3:1",
        "data.duplicate",
        "id a001 is already used on row 2 as «A001» (ids differing only in case name the same folder on Windows and macOS); the row was not processed",
        "ID a001 уже есть в строке 2 как «A001» (ID, различающиеся только регистром букв, называют одну и ту же папку в Windows и macOS); строка не обработана",
    );
    // The exact repeat, as before.
    expect(
        "applicants.csv:5:1",
        "data.duplicate",
        "id A002 is already used on row 4; the row was not processed",
        "ID A002 уже есть в строке 4; строка не обработана",
    );
    expect(
        "family.csv:3:2",
        "data.duplicate",
        "member f1 is already listed for this applicant as «F1» (ids differing only in case give the same file names on Windows and macOS); the row was not processed",
        "член семьи f1 уже указан у этого заявителя как «F1» (ID, различающиеся только регистром букв, дают одни и те же имена файлов в Windows и macOS); строка не обработана",
    );
    // A row of the refused spelling belongs to no applicant; the message names the
    // spelling that exists.
    expect(
        "family.csv:6:1",
        "data.orphan",
        "no applicant «a001» in applicants.csv (there is «A001»: an id is spelled the same everywhere, in the same case); the row was not processed",
        "нет заявителя «a001» в applicants.csv (есть «A001»: ID пишется везде одинаково, с тем же регистром букв); строка не обработана",
    );

    // The first applicant is told of both repeats, each at the repeat's cell, and is
    // invalid; A003 (its member f1 is its only F1) is not told anything about ids.
    let a001 = findings_of(&r, "A001");
    let dups: Vec<(&str, &str)> = a001
        .iter()
        .filter(|f| f["rule"] == "data.duplicate")
        .map(|f| {
            (
                f["source"].as_str().unwrap(),
                f["message"]["en"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        dups,
        [
            (
                "applicants.csv:3:1",
                "id A001 is repeated on row 3 as «a001» (ids differing only in case name the same folder on Windows and macOS); the repeat was not processed"
            ),
            (
                "family.csv:3:2",
                "member f1 is already listed for this applicant as «F1» (ids differing only in case give the same file names on Windows and macOS); the row was not processed"
            ),
        ],
        "{a001:#?}"
    );
    assert_eq!(applicant(&r, "A001")["status"], "invalid");
    let a002 = findings_of(&r, "A002");
    assert!(
        a002.iter().any(|f| f["rule"] == "data.duplicate"
            && f["message"]["en"] == "id A002 is repeated on row 5; the repeat was not processed"),
        "{a002:#?}"
    );
    assert!(
        findings_of(&r, "A003")
            .iter()
            .all(|f| f["rule"] != "data.duplicate" && f["rule"] != "data.orphan"),
        "{:#?}",
        findings_of(&r, "A003")
    );
}

/// Rendered, such a batch writes one folder per applicant and one consent per member
/// even on a file system that ignores case: no two names under OUT differ only in case.
#[test]
fn ids_differing_only_in_case_never_share_a_file_name() {
    let t = tempfile::tempdir().unwrap();
    let batch = t.path().join("batch");
    case_batch(&batch);
    let out_dir = t.path().join("out");
    let run = run_out(&batch, &out_dir, &["--drafts"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let mut seen = std::collections::BTreeMap::new();
    let mut folders = Vec::new();
    for p in walk(&out_dir) {
        let folded = p.to_string_lossy().to_ascii_lowercase();
        if let Some(other) = seen.insert(folded, p.clone()) {
            panic!(
                "{} and {} differ only in case",
                other.display(),
                p.display()
            );
        }
        if p.components().count() == 1 && out_dir.join(&p).is_dir() {
            folders.push(p.to_string_lossy().into_owned());
        }
    }
    assert_eq!(folders, ["A001", "A002", "A003"]);
    let consents: Vec<String> = walk(&out_dir.join("A001"))
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .filter(|n| n.starts_with("consent-"))
        .collect();
    assert_eq!(consents, ["consent-F1.pdf"]);
}

#[test]
fn an_applicants_documents_folder_is_found_in_any_case() {
    let t = tempfile::tempdir().unwrap();
    let batch = t.path().join("batch");
    write(
        &batch,
        "applicants.csv",
        &one_applicant(false).to_bytes(Format::UTF8),
    );
    // Made on Windows, where `a001` and `A001` are one folder.
    write(&batch, "documents/a001/id_card.pdf", PDF);
    let report = validate_json(&batch).json();
    let warnings = report["warnings"].as_array().unwrap();
    assert!(
        warnings.iter().all(|w| w["rule"] != "docs.unrecognized"),
        "{warnings:?}"
    );
    let missing: Vec<String> = findings_of(&report, "A001")
        .iter()
        .map(|f| f["rule"].as_str().unwrap().to_string())
        .collect();
    assert!(
        !missing.contains(&"docs.missing.id_card".to_string()),
        "the scan in documents/a001 was not found: {missing:?}"
    );
    // A second folder in another case is not read twice: it is a stray.
    write(&batch, "documents/A001/photo.jpg", b"\xFF\xD8\xFF\xE0");
    let report = validate_json(&batch).json();
    let strays: Vec<&str> = report["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|w| w["rule"] == "docs.unrecognized")
        .map(|w| w["source"].as_str().unwrap())
        .collect();
    assert_eq!(strays, ["documents/a001"]);
}
