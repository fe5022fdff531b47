//! Batch ingest: reads a batch folder into typed applicants with their family members,
//! expenses and documents. Never panics, whatever the bytes; every row read is either
//! attached to an applicant or listed in the batch's errors, with its source.

pub mod decode;
pub mod rows;
pub mod table;
pub mod values;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::columns::{Col, FileKind};
use crate::error::Error;
use crate::findings::{Finding, RowError, Severity, Source, Text};
use crate::model::{Applicant, Batch, RowCounts};
use crate::schema::Schemas;
use rows::Cells;
use table::Table;
use values::{is_valid_id, show};

/// The entry of folder `dir` named `name`, ignoring ASCII case (`Applicants.CSV` from a
/// Windows machine counts).
pub fn find_entry(dir: &Path, name: &str) -> Option<PathBuf> {
    let exact = dir.join(name);
    if std::fs::symlink_metadata(&exact).is_ok() {
        return Some(exact);
    }
    let mut matches: Vec<PathBuf> = std::fs::read_dir(dir)
        .ok()?
        .flatten()
        .filter(|e| {
            e.file_name()
                .to_str()
                .is_some_and(|n| n.eq_ignore_ascii_case(name))
        })
        .map(|e| e.path())
        .collect();
    matches.sort();
    matches.into_iter().next()
}

/// What a file that is not text really is, from its first bytes.
fn not_text(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"PK\x03\x04") {
        Some("an Excel workbook (.xlsx) or another ZIP file, not CSV: in Excel use File → Save As → «CSV UTF-8» (or «CSV (разделители — точки с запятой)»)")
    } else if bytes.starts_with(b"\xD0\xCF\x11\xE0") {
        Some("an old Excel workbook (.xls), not CSV: in Excel use File → Save As → «CSV UTF-8»")
    } else if crate::documents::sniff(bytes).is_some() {
        Some("a PDF or an image, not CSV")
    } else {
        None
    }
}

/// Reads one file of the batch; `None` when it is absent (or, for an optional file,
/// empty: then a warning says it was ignored).
fn read_table(dir: &Path, file: FileKind, schemas: &Schemas, batch: &mut Batch) -> Result<Option<Table>, Error> {
    let Some(path) = find_entry(dir, file.file_name()) else {
        return Ok(None);
    };
    let bytes = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
    if let Some(what) = not_text(&bytes) {
        return Err(Error::input(file.file_name(), format!("this file is {what}")));
    }
    let decoded = decode::decode(&bytes);
    if file != FileKind::Applicants && decoded.text.trim().is_empty() {
        batch.rows.push((file, RowCounts::default()));
        batch.warnings.push(RowError {
            rule: "data.unknown_column",
            source: Source::Row { file, row: 1 },
            message: Text::new(
                format!("{} пустой (нет даже заголовка) и не прочитан", file.file_name()),
                format!("{} is empty (not even a header row) and was ignored", file.file_name()),
            ),
        });
        return Ok(None);
    }
    table::read(file, &decoded, &schemas.fields).map(Some)
}

/// Loads the batch folder `dir`: the three files, then the documents. Fails (exit 2)
/// only when the batch cannot be processed at all.
pub fn load(dir: &Path, schemas: &Schemas) -> Result<Batch, Error> {
    if !dir.is_dir() {
        return Err(Error::Usage(format!(
            "{}: not a batch folder (a batch is a folder holding applicants.csv; `resettle init DIR` makes one)",
            dir.display()
        )));
    }
    let mut batch = Batch::default();
    let applicants = read_table(dir, FileKind::Applicants, schemas, &mut batch)?.ok_or_else(|| {
        Error::input(
            "applicants.csv",
            format!(
                "not found in {}: every batch needs one (`resettle init DIR` writes a blank batch)",
                dir.display()
            ),
        )
    })?;
    let mut index = HashMap::new();
    add_applicants(&mut batch, &mut index, applicants, schemas);
    if let Some(family) = read_table(dir, FileKind::Family, schemas, &mut batch)? {
        add_family(&mut batch, &index, family, schemas);
    }
    if let Some(expenses) = read_table(dir, FileKind::Expenses, schemas, &mut batch)? {
        add_expenses(&mut batch, &index, expenses, schemas);
    }
    check_paper_members(&mut batch);
    if batch.applicants.is_empty() {
        batch.errors.push(RowError {
            rule: "data.required",
            source: Source::Row {
                file: FileKind::Applicants,
                row: 1,
            },
            message: Text::new(
                "в applicants.csv нет ни одного заявителя",
                "applicants.csv holds no applicant",
            ),
        });
    }
    crate::datacheck::check(&mut batch);
    crate::documents::scan(dir, &mut batch, &schemas.documents);
    Ok(batch)
}

fn begin(batch: &mut Batch, table: &Table) {
    batch
        .formats
        .push(format!("{}: {}", table.file, table.format));
    batch.warnings.extend(table.warnings.iter().cloned());
    batch.columns.push((table.file, table.columns.clone()));
}

fn reject(
    batch: &mut Batch,
    counts: &mut RowCounts,
    rule: &'static str,
    source: Source,
    ru: String,
    en: String,
) {
    counts.rejected += 1;
    batch.errors.push(RowError {
        rule,
        source,
        message: Text::new(ru, en),
    });
}

/// The id in `col` of a row, or why the row cannot be used (rule, ru, en).
fn row_id<'a>(cells: &Cells<'a>, col: Col) -> Result<&'a str, (&'static str, String, String)> {
    let id = cells.raw(col);
    let h = cells.header(col);
    if id.is_empty() {
        Err((
            "data.required",
            format!("{h}: не заполнен — строка не может быть обработана"),
            format!("{h}: empty — the row cannot be processed"),
        ))
    } else if !is_valid_id(id) {
        Err((
            "data.format",
            format!(
                "{h}: «{}» — допустимы только латинские буквы, цифры, _ и - (до 64 знаков); строка не обработана",
                show(id)
            ),
            format!(
                "{h}: «{}» — only Latin letters, digits, _ and - are allowed (up to 64); the row was not processed",
                show(id)
            ),
        ))
    } else {
        Ok(id)
    }
}

fn add_applicants(
    batch: &mut Batch,
    index: &mut HashMap<String, usize>,
    table: Table,
    schemas: &Schemas,
) {
    begin(batch, &table);
    let mut counts = RowCounts::default();
    for rec in &table.records {
        counts.read += 1;
        let mut cells = Cells::new(
            table.file,
            rec.row,
            &rec.fields,
            &table.columns,
            &schemas.fields,
        );
        let source = cells.source(Col::ApplicantId);
        let id = match row_id(&cells, Col::ApplicantId) {
            Ok(id) => id,
            Err((rule, ru, en)) => {
                reject(batch, &mut counts, rule, source, ru, en);
                continue;
            }
        };
        if let Some(&first) = index.get(id) {
            let first_row = batch.applicants[first].row;
            let a: &mut Applicant = &mut batch.applicants[first];
            a.findings.push(Finding {
                rule: "data.duplicate",
                severity: Severity::Error,
                member_id: None,
                field: Some(Col::ApplicantId),
                source: Some(source.clone()),
                message: Text::new(
                    format!(
                        "ID {id} повторяется в строке {}; повтор не обработан",
                        rec.row
                    ),
                    format!(
                        "id {id} is repeated on row {}; the repeat was not processed",
                        rec.row
                    ),
                ),
            });
            reject(
                batch,
                &mut counts,
                "data.duplicate",
                source,
                format!("ID {id} уже есть в строке {first_row}; строка не обработана"),
                format!("id {id} is already used on row {first_row}; the row was not processed"),
            );
            continue;
        }
        let mut a = rows::applicant(&mut cells, id, &schemas.documents);
        a.findings = cells.findings;
        index.insert(id.to_string(), batch.applicants.len());
        batch.applicants.push(a);
        counts.accepted += 1;
    }
    batch.rows.push((table.file, counts));
}

fn add_family(batch: &mut Batch, index: &HashMap<String, usize>, table: Table, schemas: &Schemas) {
    begin(batch, &table);
    let mut counts = RowCounts::default();
    for rec in &table.records {
        counts.read += 1;
        let mut cells = Cells::new(
            table.file,
            rec.row,
            &rec.fields,
            &table.columns,
            &schemas.fields,
        );
        let Some(ai) = attach(batch, index, &cells, &mut counts) else {
            continue;
        };
        let source = cells.source(Col::MemberId);
        let member_id = match row_id(&cells, Col::MemberId) {
            Ok(m) if batch.applicants[ai].family.iter().any(|f| f.member_id == m) => Err((
                "data.duplicate",
                format!("член семьи {m} уже указан у этого заявителя; строка не обработана"),
                format!(
                    "member {m} is already listed for this applicant; the row was not processed"
                ),
            )),
            other => other,
        };
        match member_id {
            Ok(m) => {
                let member = rows::member(&mut cells, m);
                let a = &mut batch.applicants[ai];
                a.findings.append(&mut cells.findings);
                a.family.push(member);
                counts.accepted += 1;
            }
            Err((rule, ru, en)) => {
                // The applicant is told too: their family is not complete.
                batch.applicants[ai].findings.push(Finding {
                    rule,
                    severity: Severity::Error,
                    member_id: None,
                    field: Some(Col::MemberId),
                    source: Some(source.clone()),
                    message: Text::new(ru.clone(), en.clone()),
                });
                reject(batch, &mut counts, rule, source, ru, en);
            }
        }
    }
    batch.rows.push((table.file, counts));
}

/// The applicant a family or expense row belongs to; an unknown one rejects the row.
fn attach(
    batch: &mut Batch,
    index: &HashMap<String, usize>,
    cells: &Cells<'_>,
    counts: &mut RowCounts,
) -> Option<usize> {
    let source = cells.source(Col::ApplicantId);
    match row_id(cells, Col::ApplicantId) {
        Ok(id) => match index.get(id) {
            Some(&i) => Some(i),
            None => {
                reject(
                    batch,
                    counts,
                    "data.orphan",
                    source,
                    format!("нет заявителя «{id}» в applicants.csv; строка не обработана"),
                    format!("no applicant «{id}» in applicants.csv; the row was not processed"),
                );
                None
            }
        },
        Err((rule, ru, en)) => {
            reject(batch, counts, rule, source, ru, en);
            None
        }
    }
}

fn add_expenses(
    batch: &mut Batch,
    index: &HashMap<String, usize>,
    table: Table,
    schemas: &Schemas,
) {
    begin(batch, &table);
    let mut counts = RowCounts::default();
    for rec in &table.records {
        counts.read += 1;
        let mut cells = Cells::new(
            table.file,
            rec.row,
            &rec.fields,
            &table.columns,
            &schemas.fields,
        );
        let Some(ai) = attach(batch, index, &cells, &mut counts) else {
            continue;
        };
        let expense = rows::expense(&mut cells);
        let a = &mut batch.applicants[ai];
        if let Some(m) = &expense.member_id
            && !a.family.iter().any(|f| &f.member_id == m)
        {
            let h = cells.header(Col::MemberId);
            cells.push(
                "data.orphan",
                Severity::Error,
                Col::MemberId,
                Text::new(
                    format!(
                        "{h}: в family.csv нет члена семьи «{}» этого заявителя",
                        show(m)
                    ),
                    format!(
                        "{h}: family.csv has no member «{}» of this applicant",
                        show(m)
                    ),
                ),
            );
        }
        a.findings.append(&mut cells.findings);
        a.expenses.push(expense);
        counts.accepted += 1;
    }
    batch.rows.push((table.file, counts));
}

/// Papers listed for a family member that family.csv does not have.
fn check_paper_members(batch: &mut Batch) {
    let mut findings: Vec<(usize, Finding)> = Vec::new();
    for (i, a) in batch.applicants.iter().enumerate() {
        for held in &a.documents {
            let Some(m) = &held.doc.member_id else {
                continue;
            };
            if a.family.iter().any(|f| &f.member_id == m) {
                continue;
            }
            let h = batch.header(FileKind::Applicants, Col::Documents);
            findings.push((
                i,
                Finding {
                    rule: "data.orphan",
                    severity: Severity::Error,
                    member_id: None,
                    field: Some(Col::Documents),
                    source: Some(batch.source(FileKind::Applicants, a.row, Col::Documents)),
                    message: Text::new(
                        format!(
                            "{h}: «{}-{m}» — в family.csv нет члена семьи {m}",
                            held.doc.code
                        ),
                        format!(
                            "{h}: «{}-{m}» — family.csv has no member {m}",
                            held.doc.code
                        ),
                    ),
                },
            ));
        }
    }
    for (i, f) in findings {
        batch.applicants[i].findings.push(f);
    }
    for a in &mut batch.applicants {
        let family: Vec<String> = a.family.iter().map(|f| f.member_id.clone()).collect();
        a.documents
            .retain(|h| h.doc.member_id.as_ref().is_none_or(|m| family.contains(m)));
    }
}
