//! Batch ingest: reads a batch folder into typed applicants with their family members,
//! expenses and documents. Never panics, whatever the bytes; every row read is either
//! attached to an applicant or listed in the batch's errors, with its source.

pub mod decode;
pub mod limits;
pub mod rows;
pub mod split;
pub mod table;
pub mod values;

use std::path::{Path, PathBuf};

use crate::columns::{Col, FileKind};
use crate::error::Error;
use crate::findings::{Finding, RowError, Severity, Source, Text};
use crate::model::{Batch, RowCounts};
use crate::schema::Schemas;
pub use limits::Limits;
use rayon::prelude::*;
use rows::Cells;
use rustc_hash::FxHashMap as HashMap;
use table::Table;
use values::{is_device_name, is_valid_id, show};

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
        Some(
            "an Excel workbook (.xlsx) or another ZIP file, not CSV: in Excel use File → Save As → «CSV UTF-8» (or «CSV (разделители — точки с запятой)»)",
        )
    } else if bytes.starts_with(b"\xD0\xCF\x11\xE0") {
        Some("an old Excel workbook (.xls), not CSV: in Excel use File → Save As → «CSV UTF-8»")
    } else if crate::documents::sniff(bytes).is_some() {
        Some("a PDF or an image, not CSV")
    } else {
        None
    }
}

/// The bytes of the batch file at `path`, refused (exit 2, naming the file) when they
/// exceed `max` bytes. The size is checked before anything is read, and the reading
/// stops after `max + 1` bytes: a file that grows, or a device such as `/dev/zero`
/// behind a link, never fills memory.
fn read_bounded(path: &Path, file: FileKind, max: u64) -> Result<Vec<u8>, Error> {
    use std::io::Read;
    let too_large = |size: Option<u64>| {
        let what = match size {
            Some(len) => format!("the file is {}, more than", limits::show_size(len)),
            // It grew while it was read, or it is a device with no size.
            None => "the file holds more than".to_string(),
        };
        Error::input(
            file.file_name(),
            format!(
                "{what} the limit of {} (--max-file-size): split the batch into smaller ones, or raise the limit if the file is right",
                limits::show_size(max)
            ),
        )
    };
    let f = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let len = f.metadata().map_err(|e| Error::io(path, e))?.len();
    if len > max {
        return Err(too_large(Some(len)));
    }
    let mut bytes = Vec::with_capacity(len as usize);
    f.take(max.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io(path, e))?;
    if bytes.len() as u64 > max {
        return Err(too_large(None));
    }
    Ok(bytes)
}

/// One file of the batch as read.
enum Read {
    Absent,
    /// An optional file with not even a header: ignored, with this warning.
    Empty(RowError),
    Table(Table),
}

/// Reads one file of the batch.
fn read_table(
    dir: &Path,
    file: FileKind,
    schemas: &Schemas,
    limits: &Limits,
) -> Result<Read, Error> {
    let Some(path) = find_entry(dir, file.file_name()) else {
        return Ok(Read::Absent);
    };
    let bytes = read_bounded(&path, file, limits.max_file_size)?;
    if let Some(what) = not_text(&bytes) {
        return Err(Error::input(
            file.file_name(),
            format!("this file is {what}"),
        ));
    }
    let decoded = decode::decode_owned(bytes);
    if file != FileKind::Applicants && decoded.text.trim().is_empty() {
        return Ok(Read::Empty(RowError {
            rule: "data.unknown_column",
            source: Source::Row { file, row: 1 },
            message: Text::new(
                format!(
                    "{} пустой (нет даже заголовка) и не прочитан",
                    file.file_name()
                ),
                format!(
                    "{} is empty (not even a header row) and was ignored",
                    file.file_name()
                ),
            ),
        }));
    }
    table::read_limited(file, decoded, &schemas.fields, limits).map(Read::Table)
}

/// An optional file's table; an empty one is counted and its warning kept.
fn optional(
    batch: &mut Batch,
    file: FileKind,
    read: Result<Read, Error>,
) -> Result<Option<Table>, Error> {
    match read? {
        Read::Absent => Ok(None),
        Read::Empty(warning) => {
            batch.rows.push((file, RowCounts::default()));
            batch.warnings.push(warning);
            Ok(None)
        }
        Read::Table(t) => Ok(Some(t)),
    }
}

/// Loads the batch folder `dir` with the default [`Limits`].
pub fn load(dir: &Path, schemas: &Schemas) -> Result<Batch, Error> {
    load_with(dir, schemas, &Limits::default())
}

/// Loads the batch folder `dir`: the three files, then the documents. Fails (exit 2)
/// only when the batch cannot be processed at all (including a file, a row count or a
/// header past `limits`).
pub fn load_with(dir: &Path, schemas: &Schemas, limits: &Limits) -> Result<Batch, Error> {
    if !dir.is_dir() {
        return Err(Error::Usage(format!(
            "{}: not a batch folder (a batch is a folder holding applicants.csv; `resettle init DIR` makes one)",
            dir.display()
        )));
    }
    let mut batch = Batch::default();
    // The three files are read and split at once (each split is serial), then used in
    // order: an error in applicants.csv is reported before one in family.csv.
    let read = |file| read_table(dir, file, schemas, limits);
    let ((applicants, family), expenses) = rayon::join(
        || rayon::join(|| read(FileKind::Applicants), || read(FileKind::Family)),
        || read(FileKind::Expenses),
    );
    let applicants = match applicants? {
        Read::Table(t) => t,
        Read::Absent | Read::Empty(_) => {
            return Err(Error::input(
                "applicants.csv",
                format!(
                    "not found in {}: every batch needs one (`resettle init DIR` writes a blank batch)",
                    dir.display()
                ),
            ));
        }
    };
    let mut index = HashMap::default();
    add_applicants(&mut batch, &mut index, applicants, schemas, limits);
    if let Some(family) = optional(&mut batch, FileKind::Family, family)? {
        add_family(&mut batch, &index, &family, schemas, limits);
    }
    if let Some(expenses) = optional(&mut batch, FileKind::Expenses, expenses)? {
        add_expenses(&mut batch, &index, &expenses, schemas, limits);
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
    batch.errors.extend(table.errors.iter().cloned());
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
fn row_id<'a>(cells: &Cells<'a>, col: Col) -> Result<&'a str, Refusal> {
    let id = cells.raw(col);
    let h = cells.header(col);
    if id.is_empty() {
        Err((
            "data.required",
            format!("{h}: не заполнен — строка не может быть обработана"),
            format!("{h}: empty — the row cannot be processed"),
        ))
    } else if is_device_name(id) {
        Err((
            "data.format",
            format!(
                "{h}: «{}» — зарезервированное имя устройства Windows (CON, PRN, AUX, NUL, COM0–COM9, LPT0–LPT9): ID называет папки и файлы, выберите другой; строка не обработана",
                show(id)
            ),
            format!(
                "{h}: «{}» — a name Windows reserves for a device (CON, PRN, AUX, NUL, COM0–COM9, LPT0–LPT9): ids name folders and files, choose another; the row was not processed",
                show(id)
            ),
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

/// Why a row cannot be used: rule, Russian and English message.
type Refusal = (&'static str, String, String);

/// Parses the records of `table` in parallel with `parse` and hands each result, in the
/// file's order, to `attach`. Works in chunks, so the parsed rows of a large file never
/// sit in memory beside the whole batch.
fn each_row<'t, T: Send>(
    table: &'t Table,
    schemas: &'t Schemas,
    limits: &Limits,
    parse: impl Fn(&mut Cells<'t>) -> T + Sync,
    mut attach: impl FnMut(T, Vec<Finding>),
) {
    const CHUNK: usize = 32 * 1024;
    for chunk in table.records.chunks(CHUNK) {
        let parsed: Vec<(T, Vec<Finding>)> = chunk
            .par_iter()
            .map(|rec| {
                let mut cells = Cells::with_max_cell(
                    table.file,
                    rec.row,
                    table.fields(rec),
                    &table.columns,
                    &schemas.fields,
                    limits.max_cell,
                );
                let out = parse(&mut cells);
                (out, cells.findings)
            })
            .collect();
        for (out, findings) in parsed {
            attach(out, findings);
        }
    }
}

fn add_applicants(
    batch: &mut Batch,
    index: &mut HashMap<String, usize>,
    table: Table,
    schemas: &Schemas,
    limits: &Limits,
) {
    begin(batch, &table);
    let mut counts = RowCounts::default();
    batch.applicants.reserve(table.records.len());
    let parse = |cells: &mut Cells<'_>| {
        let source = cells.source(Col::ApplicantId);
        match row_id(cells, Col::ApplicantId) {
            Ok(id) => Ok(rows::applicant(cells, id, &schemas.documents)),
            Err(refusal) => Err((source, refusal)),
        }
    };
    each_row(&table, schemas, limits, parse, |result, findings| {
        counts.read += 1;
        let mut a = match result {
            Ok(a) => a,
            Err((source, (rule, ru, en))) => {
                reject(batch, &mut counts, rule, source, ru, en);
                return;
            }
        };
        // Ids equal but for case are one id: on Windows and macOS `OUT/A001/` and
        // `OUT/a001/` are the same folder.
        let key = id_key(&a.applicant_id);
        if let Some(&first) = index.get(&key) {
            let (id, row) = (&a.applicant_id, a.row);
            let source = batch.source(FileKind::Applicants, row, Col::ApplicantId);
            let first = &mut batch.applicants[first];
            let first_row = first.row;
            let (as_ru, as_en) = spelled_as(&first.applicant_id, id, Names::Folder);
            let (first_ru, first_en) = spelled_as(id, &first.applicant_id, Names::Folder);
            let first_id = &first.applicant_id;
            first.findings.push(Finding {
                rule: "data.duplicate",
                severity: Severity::Error,
                member_id: None,
                field: Some(Col::ApplicantId),
                source: Some(source.clone()),
                message: Text::new(
                    format!(
                        "ID {first_id} повторяется в строке {row}{as_ru}; повтор не обработан"
                    ),
                    format!(
                        "id {first_id} is repeated on row {row}{as_en}; the repeat was not processed"
                    ),
                ),
            });
            reject(
                batch,
                &mut counts,
                "data.duplicate",
                source,
                format!("ID {id} уже есть в строке {first_row}{first_ru}; строка не обработана"),
                format!(
                    "id {id} is already used on row {first_row}{first_en}; the row was not processed"
                ),
            );
            return;
        }
        a.findings = findings;
        index.insert(key, batch.applicants.len());
        batch.applicants.push(a);
        counts.accepted += 1;
    });
    batch.rows.push((table.file, counts));
}

/// The key under which ids are compared: ASCII lower case. Ids (`[A-Za-z0-9_-]`) name
/// folders and files (`OUT/<applicant_id>/`, `consent-<member_id>.pdf`, scans
/// `<code>-<member_id>.pdf`), and the file systems of Windows and macOS ignore case, so
/// `A001` and `a001`, or members `F1` and `f1`, would share them.
fn id_key(id: &str) -> String {
    id.to_ascii_lowercase()
}

/// `f` of [`id_key`]`(id)`, made on the stack for a valid id (the rows of family.csv and
/// expenses.csv look their applicant up without allocating).
fn with_id_key<T>(id: &str, f: impl FnOnce(&str) -> T) -> T {
    let mut buf = [0u8; 64];
    match buf.get_mut(..id.len()) {
        Some(key) if id.is_ascii() => {
            key.copy_from_slice(id.as_bytes());
            key.make_ascii_lowercase();
            // ASCII stays ASCII when lowered.
            f(std::str::from_utf8(key).unwrap_or_default())
        }
        _ => f(&id_key(id)),
    }
}

/// What ids equal but for case name in common: the folder of an applicant, the files of
/// a family member.
#[derive(Clone, Copy)]
enum Names {
    Folder,
    Files,
}

/// For id `this`, equal but for case to `other`: nothing when the spellings are the
/// same, else a clause naming the spelling `other` and why it counts as the same id
/// (Russian, English).
fn spelled_as(this: &str, other: &str, names: Names) -> (String, String) {
    if this == other {
        return (String::new(), String::new());
    }
    let (ru, en) = match names {
        Names::Folder => ("называют одну и ту же папку", "name the same folder"),
        Names::Files => ("дают одни и те же имена файлов", "give the same file names"),
    };
    (
        format!(" как «{other}» (ID, различающиеся только регистром букв, {ru} в Windows и macOS)"),
        format!(" as «{other}» (ids differing only in case {en} on Windows and macOS)"),
    )
}

/// The applicant id of a family or expense row, checked, with the cell it is in.
fn owner_id<'a>(cells: &Cells<'a>) -> (Source, Result<&'a str, Refusal>) {
    (
        cells.source(Col::ApplicantId),
        row_id(cells, Col::ApplicantId),
    )
}

/// The applicant a family or expense row belongs to; an unknown one rejects the row.
fn attach(
    batch: &mut Batch,
    index: &HashMap<String, usize>,
    (source, id): (Source, Result<&str, Refusal>),
    counts: &mut RowCounts,
) -> Option<usize> {
    match id {
        Ok(id) => {
            // The index is keyed ignoring case; a row names its applicant exactly.
            let found = with_id_key(id, |key| index.get(key).copied());
            match found {
                Some(i) if batch.applicants[i].applicant_id == id => Some(i),
                _ => {
                    // An applicant spelled in another case is named: the likely mistake.
                    let (hint_ru, hint_en) = match found {
                        Some(i) => {
                            let other = &batch.applicants[i].applicant_id;
                            (
                                format!(
                                    " (есть «{other}»: ID пишется везде одинаково, с тем же регистром букв)"
                                ),
                                format!(
                                    " (there is «{other}»: an id is spelled the same everywhere, in the same case)"
                                ),
                            )
                        }
                        None => (String::new(), String::new()),
                    };
                    reject(
                        batch,
                        counts,
                        "data.orphan",
                        source,
                        format!(
                            "нет заявителя «{id}» в applicants.csv{hint_ru}; строка не обработана"
                        ),
                        format!(
                            "no applicant «{id}» in applicants.csv{hint_en}; the row was not processed"
                        ),
                    );
                    None
                }
            }
        }
        Err((rule, ru, en)) => {
            reject(batch, counts, rule, source, ru, en);
            None
        }
    }
}

fn add_family<'t>(
    batch: &mut Batch,
    index: &HashMap<String, usize>,
    table: &'t Table,
    schemas: &'t Schemas,
    limits: &Limits,
) {
    begin(batch, table);
    let mut counts = RowCounts::default();
    let parse = |cells: &mut Cells<'t>| {
        let owner = owner_id(cells);
        let source = cells.source(Col::MemberId);
        let member = row_id(cells, Col::MemberId).map(|m| rows::member(cells, m));
        (owner, source, member)
    };
    each_row(
        table,
        schemas,
        limits,
        parse,
        |(owner, source, member), mut findings| {
            counts.read += 1;
            let Some(ai) = attach(batch, index, owner, &mut counts) else {
                return;
            };
            // Member ids equal but for case are one id: on Windows and macOS
            // `consent-F1.pdf` and `consent-f1.pdf` are the same file.
            let first = member.as_ref().ok().and_then(|m| {
                batch.applicants[ai]
                    .family
                    .iter()
                    .find(|f| f.member_id.eq_ignore_ascii_case(&m.member_id))
            });
            let member = match (member, first) {
                (Ok(m), Some(first)) => {
                    let (as_ru, as_en) = spelled_as(&m.member_id, &first.member_id, Names::Files);
                    Err((
                        "data.duplicate",
                        format!(
                            "член семьи {} уже указан у этого заявителя{as_ru}; строка не обработана",
                            m.member_id
                        ),
                        format!(
                            "member {} is already listed for this applicant{as_en}; the row was not processed",
                            m.member_id
                        ),
                    ))
                }
                (other, _) => other,
            };
            match member {
                Ok(member) => {
                    let a = &mut batch.applicants[ai];
                    a.findings.append(&mut findings);
                    a.family.push(member);
                    counts.accepted += 1;
                }
                Err(refusal) => {
                    // The applicant is told too: their family is not complete.
                    refuse_member_row(batch, ai, &mut counts, source, refusal);
                }
            }
        },
    );
    batch.rows.push((table.file, counts));
}

/// A family or expense row whose member id cannot be used: not processed, and its
/// applicant (index `ai`) told, since their family or expenses are not complete.
fn refuse_member_row(
    batch: &mut Batch,
    ai: usize,
    counts: &mut RowCounts,
    source: Source,
    (rule, ru, en): Refusal,
) {
    batch.applicants[ai].findings.push(Finding {
        rule,
        severity: Severity::Error,
        member_id: None,
        field: Some(Col::MemberId),
        source: Some(source.clone()),
        message: Text::new(ru.clone(), en.clone()),
    });
    reject(batch, counts, rule, source, ru, en);
}

fn add_expenses<'t>(
    batch: &mut Batch,
    index: &HashMap<String, usize>,
    table: &'t Table,
    schemas: &'t Schemas,
    limits: &Limits,
) {
    begin(batch, table);
    let mut counts = RowCounts::default();
    let parse = |cells: &mut Cells<'t>| {
        // An empty member id means the applicant; any other must be a valid id, checked
        // as in family.csv.
        let member = if cells.raw(Col::MemberId).is_empty() {
            Ok(())
        } else {
            row_id(cells, Col::MemberId).map(|_| ())
        };
        let expense = member.map(|()| rows::expense(cells));
        (owner_id(cells), cells.source(Col::MemberId), expense)
    };
    let h = table.columns.header(Col::MemberId);
    each_row(
        table,
        schemas,
        limits,
        parse,
        |(owner, source, expense), mut findings| {
            counts.read += 1;
            let Some(ai) = attach(batch, index, owner, &mut counts) else {
                return;
            };
            let expense = match expense {
                Ok(expense) => expense,
                Err(refusal) => {
                    // The applicant is told too: their expenses are not complete.
                    refuse_member_row(batch, ai, &mut counts, source, refusal);
                    return;
                }
            };
            let a = &mut batch.applicants[ai];
            if let Some(m) = &expense.member_id
                && !a.family.iter().any(|f| &f.member_id == m)
            {
                a.findings.push(Finding {
                    rule: "data.orphan",
                    severity: Severity::Error,
                    member_id: Some(m.clone()),
                    field: Some(Col::MemberId),
                    source: Some(source),
                    message: Text::new(
                        format!(
                            "{h}: в family.csv нет члена семьи «{}» этого заявителя",
                            show(m)
                        ),
                        format!(
                            "{h}: family.csv has no member «{}» of this applicant",
                            show(m)
                        ),
                    ),
                });
            }
            a.findings.append(&mut findings);
            a.expenses.push(expense);
            counts.accepted += 1;
        },
    );
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
