//! `resettle init --xlsx DIR` writes one workbook, `batch.xlsx`, and `documents/`: read
//! back with calamine (sheets, cells) and as XML (notes, validations, panes, formats), as
//! Excel and LibreOffice would read it; every dropdown choice is a value `validate` reads.

use crate::common;

use std::collections::BTreeMap;
use std::path::Path;

use calamine::{Reader, SheetVisible};
use common::*;

use super::book::{Book, attr, elements, letters};
use super::{FILES, init};

/// Each table's CSV file and its sheet.
const SHEETS: [(&str, &str); 3] = [
    ("applicants.csv", "Заявители"),
    ("family.csv", "Члены семьи"),
    ("expenses.csv", "Расходы"),
];
const LISTS: &str = "Списки";
const YES_NO: &[&str] = &[
    "employer_offer",
    "military_deregistered",
    "alimony_recipients",
    "extremism",
    "under_prosecution",
    "serious_conviction",
    "other_state_residence",
    "false_information",
    "entry_ban",
    "regional_requirements_unmet",
    "repatriate",
    "relocating",
    "pensioner",
    "parents_relocating",
];
const ENUMS: &[&str] = &[
    "sex",
    "citizenship",
    "id_doc_type",
    "education",
    "russian_language",
    "legal_capacity",
    "marital_status",
    "relation",
    "kind",
    "fare_class",
    "kz_region",
    "target_region",
];
/// Where a value typed by hand may still be right: Excel warns instead of refusing.
const OPEN: &[&str] = &["citizenship", "kz_region", "target_region"];
const TEXT: &[&str] = &[
    "iin",
    "id_doc_number",
    "bank_account",
    "bank_bik",
    "snils",
    "inn",
    "phone",
];
const DATES: &[&str] = &[
    "birth_date",
    "id_doc_issue_date",
    "id_doc_expiry_date",
    "filing_date",
    "deportation_date",
    "certificate_date",
    "arrival_date",
    "stage1_paid_date",
    "date",
];

fn init_xlsx(dir: &Path) -> Outcome {
    run(&["init".as_ref(), "--xlsx".as_ref(), dir.as_os_str()])
}

/// The English headers `init DIR` writes into `file`, in order.
fn csv_headers() -> BTreeMap<&'static str, Vec<String>> {
    let t = tempfile::tempdir().unwrap();
    assert_eq!(init(t.path()).code, 0);
    FILES
        .iter()
        .map(|f| {
            let text = std::fs::read_to_string(t.path().join(f)).unwrap();
            let line = text.trim_start_matches('\u{feff}').trim_end().to_string();
            (*f, line.split(';').map(String::from).collect())
        })
        .collect()
}

fn blank_book() -> (tempfile::TempDir, Book) {
    let t = tempfile::tempdir().unwrap();
    let out = init_xlsx(&t.path().join("new"));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let book = Book::open(&t.path().join("new/batch.xlsx"));
    (t, book)
}

/// The workbook and an empty documents/ are all `init --xlsx` writes (no CSV, no
/// README, no temporary file left), owner-only; the instruction sheet comes first and
/// the lists sheet is hidden.
#[test]
fn writes_one_workbook_and_documents() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path().join("new");
    let out = init_xlsx(&dir);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("batch.xlsx"), "{}", out.stdout);
    let mut entries: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    entries.sort();
    assert_eq!(entries, ["batch.xlsx", "documents"]);
    assert!(
        std::fs::read_dir(dir.join("documents"))
            .unwrap()
            .next()
            .is_none()
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&dir.join("batch.xlsx")), 0o600);
        assert_eq!(mode(&dir.join("documents")), 0o700);
    }
    let book = Book::open(&dir.join("batch.xlsx"));
    let sheets: Vec<(String, bool)> = book
        .xlsx
        .sheets_metadata()
        .iter()
        .map(|s| (s.name.clone(), s.visible == SheetVisible::Visible))
        .collect();
    let want = [
        ("Инструкция", true),
        ("Заявители", true),
        ("Члены семьи", true),
        ("Расходы", true),
        (LISTS, false),
    ];
    assert_eq!(sheets, want.map(|(n, v)| (n.to_string(), v)));
}

/// Each table's sheet holds its header row only: the Russian header of every column of
/// the CSV file, in the same order, each read back as that column; the English name is
/// the first line of the header's note; the header row is frozen.
#[test]
fn headers_are_russian_with_the_english_name_as_note() {
    let (_t, mut book) = blank_book();
    let csv = csv_headers();
    let fields = &crate::fixture::schemas().fields;
    for (file, sheet) in SHEETS {
        let rows = book.rows(sheet);
        assert_eq!(rows.len(), 1, "{sheet}: the header row only");
        let english = &csv[file];
        assert_eq!(rows[0].len(), english.len(), "{sheet}");
        let notes = book.notes(sheet);
        assert_eq!(
            notes.len(),
            english.len(),
            "{sheet}: a note on every header"
        );
        for (i, (ru, en)) in rows[0].iter().zip(english).enumerate() {
            assert!(
                ru.chars()
                    .any(|c| ('а'..='я').contains(&c.to_lowercase().next().unwrap())),
                "{sheet}: {ru}"
            );
            let col = fields
                .column_for_header(ru)
                .unwrap_or_else(|| panic!("{ru}"));
            assert_eq!(col.name(), en, "{sheet}: {ru}");
            let note = &notes[&format!("{}1", letters(i))];
            assert_eq!(note.lines().next(), Some(en.as_str()), "{sheet}: {ru}");
        }
        let xml = book.sheet_xml(sheet);
        let pane = elements(xml, "pane");
        assert_eq!(pane.len(), 1, "{sheet}");
        assert_eq!(attr(pane[0], "ySplit").as_deref(), Some("1"), "{}", pane[0]);
        assert_eq!(
            attr(pane[0], "state").as_deref(),
            Some("frozen"),
            "{}",
            pane[0]
        );
        assert_eq!(attr(pane[0], "xSplit"), None, "{}", pane[0]);
    }
    let applicants = book.notes("Заявители");
    assert!(
        applicants["A1"].contains("обязательный"),
        "applicant_id is required"
    );
}

/// IIN, document number, bank account, BIK, SNILS, INN and phone are Text cells; dates
/// are DD.MM.YYYY; free text keeps the General format; every column is wide enough for
/// its header's longest word and its longest choice.
#[test]
fn text_and_date_columns_and_widths() {
    let (_t, mut book) = blank_book();
    let csv = csv_headers();
    let mut seen = (0, 0);
    for (file, sheet) in SHEETS {
        let validations = book.validations(sheet);
        let headers = book.rows(sheet).remove(0);
        for (i, en) in csv[file].iter().enumerate() {
            let (width, format) = book.column(sheet, i);
            if TEXT.contains(&en.as_str()) {
                assert_eq!(format, "@", "{sheet}: {en}");
                seen.0 += 1;
            } else if DATES.contains(&en.as_str()) {
                assert_eq!(format, "dd.mm.yyyy", "{sheet}: {en}");
                seen.1 += 1;
            } else if ["last_name", "address", "amount_rub", "sex"].contains(&en.as_str()) {
                assert_eq!(format, "builtin 0", "{sheet}: {en}");
            }
            let word = headers[i]
                .split(' ')
                .map(|w| w.chars().count())
                .max()
                .unwrap();
            assert!(
                width >= word as f64 && width >= 8.0,
                "{sheet}: {en} is {width}"
            );
            if let Some((source, _)) = validations.get(&i) {
                let longest = book.list(source).iter().map(|s| s.chars().count()).max();
                assert!(width >= longest.unwrap() as f64, "{sheet}: {en} is {width}");
            }
        }
    }
    // Applicants: 7 text, 8 dates; family: IIN and document number, 3 dates; expenses: 1 date.
    assert_eq!(seen, (9, 12));
}

/// Every yes/no and enumeration column has a dropdown of the values on the hidden lists
/// sheet, and no other column has one: да/нет for yes/no; the regions of Kazakhstan
/// and the subjects of Russia from regions.toml; a warning instead of a refusal only
/// where the reader accepts more than the list.
#[test]
fn dropdowns_for_every_enumeration_and_yes_no_column() {
    let (_t, mut book) = blank_book();
    let csv = csv_headers();
    let regions = &crate::fixture::schemas().regions;
    let mut lists_seen = 0;
    for (file, sheet) in SHEETS {
        let validations = book.validations(sheet);
        for (i, en) in csv[file].iter().enumerate() {
            let en = en.as_str();
            let Some((source, warns)) = validations.get(&i) else {
                assert!(
                    !YES_NO.contains(&en) && !ENUMS.contains(&en),
                    "{sheet}: no list for {en}"
                );
                continue;
            };
            assert!(
                YES_NO.contains(&en) || ENUMS.contains(&en),
                "{sheet}: a list on {en}"
            );
            assert!(
                source.starts_with(&format!("{LISTS}!")),
                "{sheet}: {en}: {source}"
            );
            assert_eq!(*warns, OPEN.contains(&en), "{sheet}: {en}");
            let choices = book.list(source);
            assert!(choices.iter().all(|c| !c.is_empty()), "{en}: {choices:?}");
            let mut sorted = choices.clone();
            sorted.sort();
            sorted.dedup();
            assert_eq!(sorted.len(), choices.len(), "{en}: a choice twice");
            lists_seen += 1;
            match en {
                _ if YES_NO.contains(&en) => assert_eq!(choices, ["да", "нет"], "{en}"),
                "kz_region" => {
                    let mut want: Vec<String> =
                        regions.kazakhstan.iter().map(|k| k.ru.clone()).collect();
                    want.sort();
                    assert_eq!(sorted, want);
                }
                "target_region" => {
                    let mut want: Vec<String> =
                        regions.russia.iter().map(|r| r.ru.clone()).collect();
                    want.sort();
                    assert_eq!(sorted, want);
                    assert!(choices.len() >= 89);
                }
                "sex" => assert_eq!(choices, ["М", "Ж"]),
                _ => {}
            }
        }
    }
    assert_eq!(
        lists_seen, 35,
        "20 on applicants, 13 on family, 2 on expenses"
    );
}

/// Every choice of every dropdown is a value `validate` reads: a batch whose rows take
/// each choice in turn, saved from the workbook's sheets as CSV with their Russian
/// headers (as Excel saves them), gives no `data.format` finding and refuses no row.
#[test]
fn every_dropdown_choice_is_read_by_validate() {
    let (t, mut book) = blank_book();
    let csv = csv_headers();
    let base: BTreeMap<&str, String> = applicant_row("A000", "Ёлкин", "Пётр", 1)
        .into_iter()
        .map(|(k, v)| (k, v.ru))
        .chain([
            ("member_id", "F1".into()),
            ("amount_rub", "1000".into()),
            ("date", "01.10.2026".into()),
        ])
        .collect();
    let batch = t.path().join("as-csv");
    let mut counts = BTreeMap::new();
    for (file, sheet) in SHEETS {
        let headers = book.rows(sheet).remove(0);
        let lists: BTreeMap<usize, Vec<String>> = book
            .validations(sheet)
            .into_iter()
            .map(|(i, (source, _))| (i, book.list(&source)))
            .collect();
        let n = lists.values().map(Vec::len).max().unwrap();
        let mut text = format!("\u{feff}{}\r\n", headers.join(";"));
        for r in 0..n {
            let cells: Vec<String> = csv[file]
                .iter()
                .enumerate()
                .map(|(i, en)| match (lists.get(&i), en.as_str()) {
                    (Some(choices), _) => choices[r % choices.len()].clone(),
                    // One applicant per row; each family row or expense of its own.
                    (None, "applicant_id") => format!("A{r:03}"),
                    (None, "iin") => iin("1985-04-12", false, r as u32 + 1),
                    (None, en) => base.get(en).cloned().unwrap_or_default(),
                })
                .map(|v| quote(&v, ';'))
                .collect();
            text.push_str(&format!("{}\r\n", cells.join(";")));
        }
        write(&batch, file, text.as_bytes());
        counts.insert(file, n);
    }
    let r = validate_json(&batch).json();
    check_invariants(&r);
    assert_eq!(
        r["warnings"],
        serde_json::json!([]),
        "every header is known"
    );
    for (file, n) in counts {
        assert_eq!(r["rows"][file]["read"], n, "{file}");
        assert_eq!(r["rows"][file]["rejected"], 0, "{file}: {:#}", r["errors"]);
    }
    let unread: Vec<_> = findings(&r)
        .into_iter()
        .filter(|(_, f)| f["rule"] == "data.format")
        .collect();
    assert!(unread.is_empty(), "{unread:#?}");
    assert!(
        r["errors"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["rule"] != "data.format")
    );
}

/// The instruction sheet names every sheet, how scans are named in documents/ and every
/// document code that is handed in as a scan.
#[test]
fn instruction_sheet_tells_the_sheets_and_the_scans() {
    let (_t, mut book) = blank_book();
    let rows = book.rows("Инструкция");
    let text: String = rows.iter().flatten().map(|c| format!("{c}\n")).collect();
    for (_, sheet) in SHEETS {
        assert!(text.contains(&format!("«{sheet}»")), "{sheet}");
    }
    assert!(
        text.contains("documents/<ID заявителя>/<код>.pdf"),
        "{text}"
    );
    assert!(text.contains("да или нет"), "{text}");
    assert!(text.contains("ДД.ММ.ГГГГ"), "{text}");
    let names: Vec<&str> = rows
        .iter()
        .filter_map(|r| r.first())
        .map(String::as_str)
        .collect();
    for doc in crate::fixture::schemas()
        .documents
        .docs
        .iter()
        .filter(|d| !d.rendered)
    {
        assert!(
            names
                .iter()
                .any(|n| n.split(", ").any(|p| p == format!("{}.pdf", doc.code)
                    || p == format!("{}-<ID члена семьи>.pdf", doc.code))),
            "{}",
            doc.code
        );
    }
}

/// Like `init`, `init --xlsx` never writes into a folder holding a batch, the CSV files
/// or a workbook, in any case.
#[test]
fn refuses_a_folder_holding_a_batch() {
    for name in ["batch.xlsx", "BATCH.xlsx", "applicants.csv", "README.txt"] {
        let t = tempfile::tempdir().unwrap();
        write(t.path(), name, b"keep");
        let out = init_xlsx(t.path());
        assert_eq!(out.code, 2, "{name}");
        let stderr = out.stderr.to_lowercase();
        assert!(stderr.contains(&name.to_lowercase()), "{}", out.stderr);
        assert_eq!(std::fs::read(t.path().join(name)).unwrap(), b"keep");
        assert_eq!(std::fs::read_dir(t.path()).unwrap().count(), 1, "{name}");
    }
}

#[test]
fn help_teaches_xlsx() {
    let out = run(&["init".as_ref(), "--help".as_ref()]);
    assert_eq!(out.code, 0);
    for needle in ["--xlsx", "batch.xlsx", "Заявители", "да/нет", "DD.MM.YYYY"] {
        assert!(out.stdout.contains(needle), "{needle}:\n{}", out.stdout);
    }
}
