//! Document evidence: walks `documents/<applicant_id>/` (never following a link out of the
//! batch folder), recognises scans by file name, and accepts a file only when it really is
//! a whole PDF, JPEG or PNG and not a form resettle made (`scan`, with `pdf` and `image`
//! checking the structure of each kind).

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use walkdir::WalkDir;

use crate::findings::words;
use crate::findings::{Arg, Finding, Lang, Message, RowError, Source};
use crate::model::{Applicant, DocRef, Evidence, Held};
use crate::schema::DocumentSchema;
use crate::values::show;

mod image;
mod pdf;
mod scan;

pub use scan::MAX_SCAN;

/// Whether `bytes` are a whole PDF that resettle rendered (its fonts, or Typst as its
/// creator): what `run` asks before it removes an output an older run wrote.
pub fn is_own_pdf(bytes: &[u8]) -> bool {
    bytes.starts_with(b"%PDF-") && matches!(pdf::check(bytes), Err(pdf::Refused::OwnForm(_)))
}

/// The `documents/` folder of a batch: a folder per applicant, `documents/<applicant_id>/`,
/// in any case (a folder made on Windows as `a001` is A001's, as it would be there), the
/// exact spelling first.
pub struct Folders {
    root: PathBuf,
    batch_root: PathBuf,
    root_name: String,
    exact: HashSet<String>,
    /// Each folder by its name in lower case (the first in sorted order).
    by_case: std::collections::HashMap<String, String>,
}

impl Folders {
    /// Opens `documents/` of the batch at `dir` (if there is one), with a warning for
    /// each folder that belongs to none of the applicants `ids`, or for a `documents`
    /// that is a link leading outside the batch.
    pub fn open(dir: &Path, ids: &[&str]) -> (Option<Folders>, Vec<RowError>) {
        let mut warnings = Vec::new();
        let Some(root) = crate::ingest::find_entry(dir, "documents") else {
            return (None, warnings);
        };
        let Ok(batch_root) = dir.canonicalize() else {
            return (None, warnings);
        };
        let r = reach(&root, &batch_root);
        if r != Reach::Inside {
            let (ru, en) = r.why();
            warnings.push(RowError {
                rule: "docs.outside",
                source: Source::Path("documents".into()),
                message: Message::new(
                    words!(
                        "папка documents — {0}; не прочитана",
                        "documents is {0}; it was not read",
                    ),
                    [Arg::both(ru, en)],
                ),
            });
            return (None, warnings);
        }
        let root_name = root
            .file_name()
            .map_or("documents".into(), |n| n.to_string_lossy().into_owned());
        let mut names: Vec<String> = std::fs::read_dir(&root)
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        let mut by_case = std::collections::HashMap::new();
        for name in &names {
            by_case
                .entry(name.to_ascii_lowercase())
                .or_insert_with(|| name.clone());
        }
        let folders = Folders {
            root,
            batch_root,
            root_name,
            exact: names.iter().cloned().collect(),
            by_case,
        };
        // Folders that belong to no applicant.
        let used: HashSet<&str> = ids.iter().filter_map(|id| folders.of(id)).collect();
        for name in names.iter().filter(|n| !used.contains(n.as_str())) {
            warnings.push(RowError {
                rule: "docs.unrecognized",
                source: Source::Path(format!("{}/{}", folders.root_name, show(name))),
                message: Message::new(
                    words!(
                        "нет заявителя с таким ID в applicants.csv; не прочитано",
                        "no applicant with this id in applicants.csv; not read",
                    ),
                    [],
                ),
            });
        }
        (Some(folders), warnings)
    }

    /// The folder of applicant `id`, if there is one.
    fn of<'f>(&'f self, id: &'f str) -> Option<&'f str> {
        if self.exact.contains(id) {
            Some(id)
        } else {
            self.by_case
                .get(&id.to_ascii_lowercase())
                .map(String::as_str)
        }
    }

    /// Attaches to each applicant what their folder holds.
    pub fn scan(&self, applicants: &mut [Applicant], docs: &DocumentSchema) {
        applicants.par_iter_mut().for_each(|a| {
            let name = self
                .of(&a.applicant_id)
                .unwrap_or(&a.applicant_id)
                .to_string();
            let rel = format!("{}/{name}", self.root_name);
            scan_applicant(a, &self.root.join(&name), &rel, &self.batch_root, docs);
        });
    }
}

/// Whether `path` (after resolving every link) lies inside `root` (already canonical).
/// Where a path (a link, perhaps) leads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reach {
    Inside,
    Outside,
    /// A link that leads back to itself, through other links or not.
    Loop,
    /// A link whose target is gone.
    Nowhere,
}

impl Reach {
    /// Why a link is not followed, Russian and English (for a reach other than inside).
    fn why(self) -> (&'static str, &'static str) {
        match self {
            Reach::Loop => (
                "ссылка ведёт сама на себя (петля ссылок)",
                "a link that leads back to itself (a loop of links)",
            ),
            Reach::Nowhere => (
                "ссылка ведёт на файл, которого нет",
                "a link to a file that no longer exists",
            ),
            Reach::Inside | Reach::Outside => (
                "ссылка ведёт за пределы папки пакета",
                "a link leading outside the batch folder",
            ),
        }
    }
}

/// Where `path` leads: inside `root` (canonical) or not, or nowhere a loop or a dangling
/// link leads.
fn reach(path: &Path, root: &Path) -> Reach {
    match path.canonicalize() {
        Ok(p) if p.starts_with(root) => Reach::Inside,
        Ok(_) => Reach::Outside,
        Err(_) if is_link_loop(path) => Reach::Loop,
        Err(_) => Reach::Nowhere,
    }
}

/// Whether following the links from `path` comes back to one already passed (or goes
/// on for more hops than the system's own limit, 40 on Linux).
fn is_link_loop(path: &Path) -> bool {
    let mut seen = HashSet::new();
    let mut at = path.to_path_buf();
    for _ in 0..40 {
        let Ok(target) = std::fs::read_link(&at) else {
            return false;
        };
        let next = at.parent().map_or(target.clone(), |dir| dir.join(&target));
        // Compared with its folder made canonical, so `./a` and `a` are one link.
        let key = match (
            next.parent().and_then(|d| d.canonicalize().ok()),
            next.file_name(),
        ) {
            (Some(dir), Some(name)) => dir.join(name),
            _ => next.clone(),
        };
        if !seen.insert(key) {
            return true;
        }
        at = next;
    }
    true
}

fn scan_applicant(
    a: &mut Applicant,
    folder: &Path,
    rel: &str,
    batch_root: &Path,
    docs: &DocumentSchema,
) {
    if std::fs::symlink_metadata(folder).is_err() {
        return;
    }
    let r = reach(folder, batch_root);
    if r != Reach::Inside {
        let (ru, en) = r.why();
        a.findings.push(
            Finding::new(
                "docs.unreadable",
                Message::new(
                    words!("папка — {0}; не прочитана", "the folder is {0}; not read"),
                    [Arg::both(ru, en)],
                ),
            )
            .at(Some(Source::Path(rel.to_string()))),
        );
        return;
    }
    let receipts: HashSet<String> = a
        .expenses
        .iter()
        .filter(|e| !e.receipt.is_empty())
        .map(|e| e.receipt.to_lowercase())
        .collect();
    let members: HashSet<&str> = a.family.iter().map(|m| m.member_id.as_str()).collect();
    let mut found: Vec<Held> = Vec::new();
    let mut files = Vec::new();
    let mut findings = Vec::new();

    let walker = WalkDir::new(folder)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter();
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let at = e
                    .path()
                    .and_then(|p| p.strip_prefix(folder).ok())
                    .map_or(rel.to_string(), |p| join_rel(rel, p));
                // The I/O error alone: walkdir's own wording quotes the absolute path,
                // which may hold a name (a folder named after a family).
                let why = e
                    .io_error()
                    .map_or_else(|| "a link loop".to_string(), ToString::to_string);
                findings.push(unreadable(&at, Arg::plain(why)));
                continue;
            }
        };
        let path = entry.path();
        let Ok(inner) = path.strip_prefix(folder) else {
            continue;
        };
        let at = join_rel(rel, inner);
        let mut target: PathBuf = path.to_path_buf();
        if entry.path_is_symlink() {
            let r = reach(path, batch_root);
            if r != Reach::Inside {
                let (ru, en) = r.why();
                findings.push(
                    Finding::new(
                        "docs.unreadable",
                        Message::new(
                            words!("{0}; файл не прочитан", "{0}; not read"),
                            [Arg::both(ru, en)],
                        ),
                    )
                    .at(Some(Source::Path(at))),
                );
                continue;
            }
            match path.canonicalize() {
                // A link to a file of any other kind than a folder is checked below (a
                // named pipe or a device is reported, not read).
                Ok(t) if !t.is_dir() => target = t,
                // A link to a folder inside the batch: not followed (no loops, no doubles).
                _ => continue,
            }
        } else if entry.file_type().is_dir() {
            continue;
        }
        let Some(name) = inner.to_str() else {
            findings.push(unrecognized(
                &at,
                Message::new(
                    words!(
                        "файл не учтён: имя файла не в UTF-8",
                        "file not counted: the file name is not valid UTF-8",
                    ),
                    [],
                ),
            ));
            continue;
        };
        let file_name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        if file_name.starts_with('.') {
            continue; // .DS_Store, ._x, editor temp files
        }
        let (stem, ext) = file_name.rsplit_once('.').unwrap_or((file_name, ""));
        let is_receipt = receipts.contains(&file_name.to_lowercase());
        let (spec, member) = match docs.split_stem(stem) {
            Some((spec, member)) => (Some(spec), member),
            None => (None, None),
        };
        if let Some(r) = (spec.is_none() && !is_receipt)
            .then(|| docs.retired(stem))
            .flatten()
        {
            findings.push(
                Finding::new(
                    "docs.retired",
                    Message::new(
                        words!(
                            "документ больше не нужен, файл не учтён: {0}",
                            "no longer needed, file not counted: {0}",
                        ),
                        [Arg::both(r.note.get(Lang::Ru), r.note.get(Lang::En))],
                    ),
                )
                .at(Some(Source::Path(at.clone()))),
            );
            continue;
        }
        if spec.is_none() && !is_receipt {
            findings.push(unrecognized(
                &at,
                Message::new(
                    words!(
                        "файл не учтён: имя файла не соответствует ни одному коду документа (см. `resettle init`, README)",
                        "file not counted: the file name matches no document code (see the batch README)",
                    ),
                    [],
                ),
            ));
            continue;
        }
        if !docs.accepts_extension(ext) {
            let accepted = docs.extensions().join(", ");
            findings.push(unreadable(
                &at,
                Arg::both(
                    format!("принимаются только файлы {accepted}"),
                    format!("only {accepted} files are accepted"),
                ),
            ));
            continue;
        }
        if let Err(flaw) = scan::check(&target) {
            let (ru, en) = flaw.text();
            findings.push(unreadable(&at, Arg::both(ru, en)));
            continue;
        }
        files.push(name.replace('\\', "/"));
        let Some(spec) = spec else { continue };
        let member = match (spec.for_members(), member) {
            (_, None) if spec.for_applicant() => None,
            (true, Some(m)) if members.contains(m) => Some(m.to_string()),
            (true, Some(m)) => {
                findings.push(unrecognized(
                    &at,
                    Message::new(
                        words!(
                            "файл не учтён: в family.csv нет члена семьи «{0}»",
                            "file not counted: family.csv has no member «{0}»",
                        ),
                        [Arg::value(show(m))],
                    ),
                ));
                continue;
            }
            (_, None) => {
                findings.push(unrecognized(
                    &at,
                    Message::new(
                        words!(
                            "файл не учтён: документ члена семьи: назовите файл {0}-<ID члена семьи>.{1}",
                            "file not counted: a family member's document: name the file {0}-<member_id>.{1}",
                        ),
                        [Arg::plain(spec.code), Arg::plain(ext)],
                    ),
                ));
                continue;
            }
            (false, Some(_)) if is_receipt => continue,
            (false, Some(_)) => {
                findings.push(unrecognized(
                    &at,
                    Message::new(
                        words!(
                            "файл не учтён: документ самого заявителя: назовите файл {0}.{1}",
                            "file not counted: the applicant's own document: name the file {0}.{1}",
                        ),
                        [Arg::plain(spec.code), Arg::plain(ext)],
                    ),
                ));
                continue;
            }
        };
        found.push(Held {
            doc: DocRef {
                code: spec.code,
                member_id: member,
            },
            evidence: Evidence::Scan(at),
        });
    }
    a.documents.extend(found);
    a.files = files;
    a.findings.extend(findings);
}

fn join_rel(rel: &str, inner: &Path) -> String {
    let mut s = rel.to_string();
    for c in inner.components() {
        s.push('/');
        s.push_str(&c.as_os_str().to_string_lossy());
    }
    s
}

/// A file that does not count as a scan. A warning: if the document is required, its
/// absence is reported (`docs.missing.<code>`) and decides the status.
/// A `docs.unreadable` finding: `why` the scan at `at` was not accepted.
fn unreadable(at: &str, why: Arg) -> Finding {
    Finding::new(
        "docs.unreadable",
        Message::new(
            words!("скан не принят: {0}", "scan not accepted: {0}"),
            [why],
        ),
    )
    .at(Some(Source::Path(at.to_string())))
}

fn unrecognized(at: &str, message: Message) -> Finding {
    Finding::new("docs.unrecognized", message).at(Some(Source::Path(at.to_string())))
}
