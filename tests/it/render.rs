//! Rendered packets: ready applicants get their forms as PDF/A; the text in the PDFs (as
//! pdftotext extracts it) holds their names with Kazakh letters and hostile values
//! literally; identical input gives identical bytes; nobody else gets forms.

use crate::common;

use std::path::Path;
use std::process::Command;

use common::{applicant, pdftotext, repo};

/// Runs `resettle run samples/batch` into `out`; returns the report.
fn run_sample(out: &Path) -> serde_json::Value {
    let status = Command::new(env!("CARGO_BIN_EXE_resettle"))
        .args([
            "run",
            "samples/batch",
            "--as-of",
            "2026-11-24",
            "--org",
            "Тестовая НКО",
            "--out",
        ])
        .arg(out)
        .current_dir(repo())
        .output()
        .expect("resettle runs");
    assert_eq!(
        status.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    let json = std::fs::read_to_string(out.join("report.json")).expect("report.json");
    serde_json::from_str(&json).expect("report is JSON")
}

#[test]
fn ready_applicants_get_their_packet_and_nobody_else() {
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("out");
    let report = run_sample(&out);
    for a in report["applicants"].as_array().unwrap() {
        let id = a["applicant_id"].as_str().unwrap();
        let outputs: Vec<&str> = a["outputs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o.as_str().unwrap())
            .collect();
        if a["status"] == "ready" {
            for form in ["application", "inventory", "packet"] {
                let file = format!("{id}/{form}.pdf");
                assert!(outputs.contains(&file.as_str()), "{id}: {outputs:?}");
                let bytes = std::fs::read(out.join(&file)).unwrap();
                assert!(bytes.starts_with(b"%PDF-"), "{file}");
                assert_patched_krilla(&bytes, &file);
            }
        } else if a["status"] == "refused" {
            assert!(outputs.is_empty(), "{id} is refused but got {outputs:?}");
            assert!(!out.join(id).exists(), "{id} has an output folder");
        } else {
            // The others get their family's letter, and nothing else.
            assert_eq!(outputs, [format!("{id}/letter.pdf")], "{id}");
        }
    }
}

/// The PDFs come from the patched krilla of vendor/krilla (PATCHES.md): its streams are
/// deflated at level 1, whose zlib header is `78 01`; krilla as published writes level
/// 6 (`78 9C`). Fails when `[patch.crates-io]` no longer takes effect (for example after
/// typst moves to another krilla), so the patches are never silently dropped.
fn assert_patched_krilla(pdf: &[u8], file: &str) {
    let mut zlib = 0;
    for (i, _) in pdf
        .windows(7)
        .enumerate()
        .filter(|(_, w)| w.starts_with(b"stream"))
    {
        let body = &pdf[i + 6..];
        let body = body.strip_prefix(b"\r").unwrap_or(body);
        let Some(body) = body.strip_prefix(b"\n") else {
            continue;
        };
        // A zlib header: CMF 0x78 (deflate, 32 KiB window), FLG making it a multiple of 31.
        if body.len() >= 2
            && body[0] == 0x78
            && (u16::from(body[0]) << 8 | u16::from(body[1])) % 31 == 0
        {
            zlib += 1;
            assert_eq!(
                body[1], 0x01,
                "{file}: a stream deflated at another level than 1"
            );
        }
    }
    assert!(zlib > 0, "{file}: no deflated stream found");
}

#[test]
fn pdf_text_holds_kazakh_names_and_hostile_values_literally() {
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("out");
    let report = run_sample(&out);
    assert_eq!(applicant(&report, "A005")["status"], "ready");
    let text = pdftotext(&out.join("A005/application.pdf"));
    for s in ["Сейтқали", "Әлихан", "Ерланұлы", "#panic()"] {
        assert!(text.contains(s), "A005 application lacks {s:?}:\n{text}");
    }
    let text = pdftotext(&out.join("A008/application.pdf"));
    assert!(text.contains("*]$\\"), "A008 lacks *]$\\:\n{text}");
    let text = pdftotext(&out.join("A007/application.pdf"));
    for s in ["<b>bold</b>", "\"quoted\"", "\\\\backslash"] {
        assert!(text.contains(s), "A007 lacks {s:?}:\n{text}");
    }
    // The packet holds both forms; the inventory lists documents.
    let packet = pdftotext(&out.join("A005/packet.pdf"));
    assert!(packet.contains("ЗАЯВЛЕНИЕ") && packet.contains("ОПИСЬ ДОКУМЕНТОВ"));
}

/// The value of the XMP property `name` in the bytes of a PDF (its metadata stream is
/// not compressed), written as an element (`<pdfaid:part>2</pdfaid:part>`, as Typst
/// writes it) or as an attribute (`pdfaid:part="2"`); `None` when it is absent.
fn xmp_value<'a>(pdf: &'a str, name: &str) -> Option<&'a str> {
    let element = format!("<{name}>");
    if let Some(i) = pdf.find(&element) {
        let rest = &pdf[i + element.len()..];
        return rest.find('<').map(|end| rest[..end].trim());
    }
    let attribute = format!("{name}=\"");
    let i = pdf.find(&attribute)?;
    let rest = &pdf[i + attribute.len()..];
    rest.find('"').map(|end| &rest[..end])
}

#[test]
fn xmp_values_are_read_as_elements_or_attributes() {
    let xmp = "<pdfaid:part>2</pdfaid:part><pdfaid:conformance>B</pdfaid:conformance>";
    assert_eq!(xmp_value(xmp, "pdfaid:part"), Some("2"));
    assert_eq!(xmp_value(xmp, "pdfaid:conformance"), Some("B"));
    // The namespace declaration alone (`xmlns:pdfaid=`) is no part.
    let declared_only = r#"xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/""#;
    assert_eq!(xmp_value(declared_only, "pdfaid:part"), None);
    let other = r#"<rdf:Description pdfaid:part="3" pdfaid:conformance="A"/>"#;
    assert_eq!(xmp_value(other, "pdfaid:part"), Some("3"));
    assert_eq!(xmp_value(other, "pdfaid:conformance"), Some("A"));
    assert_eq!(
        xmp_value("<pdfaid:part>1</pdfaid:part>", "pdfaid:part"),
        Some("1")
    );
}

#[test]
fn identical_runs_give_identical_pdfs_in_pdf_a() {
    let t = tempfile::tempdir().unwrap();
    let (one, two) = (t.path().join("one"), t.path().join("two"));
    run_sample(&one);
    run_sample(&two);
    let (mut compared, mut docx) = (0, 0);
    for entry in walkdir::WalkDir::new(&one) {
        let entry = entry.unwrap();
        if entry.path().extension().is_some_and(|e| e == "docx") {
            let rel = entry.path().strip_prefix(&one).unwrap();
            let same =
                std::fs::read(entry.path()).unwrap() == std::fs::read(two.join(rel)).unwrap();
            assert!(same, "{} differs between runs", rel.display());
            docx += 1;
        }
        if entry.path().extension().is_some_and(|e| e == "pdf") {
            let rel = entry.path().strip_prefix(&one).unwrap();
            let a = std::fs::read(entry.path()).unwrap();
            let b = std::fs::read(two.join(rel)).unwrap();
            assert!(a == b, "{} differs between runs", rel.display());
            let text = String::from_utf8_lossy(&a);
            assert_eq!(
                (
                    xmp_value(&text, "pdfaid:part"),
                    xmp_value(&text, "pdfaid:conformance")
                ),
                (Some("2"), Some("B")),
                "{}: the XMP metadata does not say PDF/A-2b",
                rel.display()
            );
            compared += 1;
        }
    }
    assert!(compared >= 3 * 10, "only {compared} PDFs");
    assert!(docx >= 10, "only {docx} application.docx");
}

/// The text of `file` read back from its .docx: every paragraph, tables cell by cell.
fn docx_paragraphs(file: &Path) -> Vec<String> {
    let bytes = std::fs::read(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    resettle::render::docx::paragraphs(&bytes).expect("a .docx the reader reads")
}

#[test]
fn application_docx_beside_the_pdf_holds_the_same_items_and_words() {
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("out");
    let report = run_sample(&out);
    for a in report["applicants"].as_array().unwrap() {
        if a["status"] == "ready" {
            let id = a["applicant_id"].as_str().unwrap();
            let docx = format!("{id}/application.docx");
            assert!(
                a["outputs"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|o| o == docx.as_str()),
                "{id}"
            );
            assert!(!docx_paragraphs(&out.join(&docx)).is_empty(), "{docx}");
        }
    }
    // A001: a married man, his wife with her maiden name, a son and a daughter.
    let docx = docx_paragraphs(&out.join("A001/application.docx"));
    let pdf = pdftotext(&out.join("A001/application.pdf"));
    let has = |s: &str| docx.iter().any(|p| p == s);
    for s in [
        "ЗАЯВЛЕНИЕ",
        "РАЗРЕШАЮ",
        "1. ФАМИЛИЯ, ИМЯ, ОТЧЕСТВО",
        "Кузнецов",
        "Андрей",
        "женат",
        "23. ЧЛЕНЫ СЕМЬИ, ВКЛЮЧЁННЫЕ В ЗАЯВЛЕНИЕ",
        "супруга",
        "сын",
        "дочь",
        "Кузнецова Елена Сергеевна",
        "прежние: Орлова, смена фамилии при заключении брака, 14.08.2010",
    ] {
        assert!(has(s), "application.docx lacks {s:?}: {docx:?}");
        // A table cell's lines come out of the PDF among its neighbours': its first line.
        let first = s.split(", ").next().unwrap();
        assert!(
            pdf.contains(first),
            "application.pdf lacks {first:?}:\n{pdf}"
        );
    }
    for neutral in ["женат / замужем", "супруг(а)", "сын / дочь"] {
        assert!(!docx.iter().any(|p| p.contains(neutral)), "{neutral:?}");
        assert!(!pdf.contains(neutral), "{neutral:?} in the PDF");
    }
}

/// The pages of `pdf` as `pdftotext -layout` gives them, and its title and page count as
/// `pdfinfo` gives them.
fn pdf_content(dir: &Path, name: &str, pdf: &[u8]) -> (String, String) {
    let file = dir.join(name);
    std::fs::write(&file, pdf).unwrap();
    let mut info = common::pdfinfo(&file);
    info.retain(|k, _| {
        ["Title", "Author", "Pages", "PDF version", "Page size"].contains(&k.as_str())
    });
    (pdftotext(&file), format!("{info:?}"))
}

/// The `<form-start>` mark of a single document's data (see render/split.rs), or `None`
/// for the letter, which is never cut from a packet.
fn mark_of(data: &serde_json::Value) -> Option<String> {
    let form = data["forms"][0].as_str()?;
    match form {
        "letter" => None,
        "consent" => Some(format!(
            "consent-{}",
            data["consents"][0]["child"]["member_id"].as_str()?
        )),
        _ => Some(form.to_string()),
    }
}

#[test]
fn forms_cut_from_the_laid_out_packet_are_the_forms_alone() {
    use resettle::render::{Engine, Job, Templates, split};
    let t = tempfile::tempdir().unwrap();
    let data = t.path().join("data");
    let status = Command::new(env!("CARGO_BIN_EXE_resettle"))
        .args([
            "templates",
            "data",
            "samples/batch",
            "--as-of",
            common::AS_OF,
            "--org",
            common::ORG,
            "--out",
        ])
        .arg(&data)
        .current_dir(repo())
        .output()
        .expect("resettle runs");
    assert!(status.status.code().is_some_and(|c| c <= 1), "{status:?}");
    let engine = Engine::new(&Templates::embedded(), jiff::civil::date(2026, 11, 24)).unwrap();
    let job = |path: &Path| Job {
        data: std::fs::read(path).unwrap(),
        ident: path.display().to_string(),
    };
    let (mut packets, mut cut, mut consents) = (0, 0, 0);
    for entry in std::fs::read_dir(&data).unwrap() {
        let folder = entry.unwrap().path();
        let packet = folder.join("packet.json");
        if !packet.exists() {
            continue;
        }
        packets += 1;
        let mut singles = Vec::new();
        for file in std::fs::read_dir(&folder).unwrap() {
            let file = file.unwrap().path();
            let value: serde_json::Value =
                serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
            if file != packet
                && let Some(mark) = mark_of(&value)
            {
                let title = value["title"].as_str().map(str::to_string);
                singles.push((file, mark, title));
            }
        }
        let parts: Vec<split::Part<'_>> = singles
            .iter()
            .map(|(file, mark, title)| split::Part {
                mark,
                ident: file.to_str().unwrap(),
                title: title.as_deref(),
            })
            .collect();
        let packet_job = job(&packet);
        let done = resettle::render::on_deep_stack(|| {
            let split = split::render_split(&engine, &packet_job, &parts);
            let alone: Vec<Vec<u8>> = singles
                .iter()
                .map(|(file, _, _)| engine.render(&job(file)).unwrap())
                .collect();
            (split, alone, engine.render(&packet_job).unwrap())
        });
        let (split, alone, packet_alone) = done.expect("rendered");
        let whole = split.whole.expect("the packet renders");
        assert!(
            whole == packet_alone,
            "{}: the packet differs",
            packet.display()
        );
        for (((file, mark, _), part), alone) in singles.iter().zip(split.parts).zip(alone) {
            let part =
                part.unwrap_or_else(|| panic!("{}: not cut from the packet", file.display()));
            assert_eq!(
                pdf_content(t.path(), "part.pdf", &part),
                pdf_content(t.path(), "alone.pdf", &alone),
                "{}: its pages of the packet are not the form alone",
                file.display()
            );
            // And byte for byte: the same pages, title and identity give the same PDF.
            assert!(
                part == alone,
                "{}: not the bytes of the form alone",
                file.display()
            );
            cut += 1;
            consents += usize::from(mark.starts_with("consent-"));
        }
    }
    assert!(
        packets >= 10 && cut >= 2 * packets && consents >= 2,
        "{packets} packets, {cut} forms cut, {consents} consents"
    );
}
