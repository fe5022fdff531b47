//! The manifest of incremental runs, `OUT/.resettle-manifest.json`, and its journal,
//! `OUT/.resettle-journal`: what the tool wrote into OUT, in a form it can verify.
//!
//! For each applicant whose documents are all written, the manifest holds a hash of
//! everything they were rendered from (the data, templates, fonts, schemas, resettle's
//! version) and, for each file, its length and digest. A re-run skips an applicant whose
//! hash is unchanged and whose files are all there *as written*: a file that is empty,
//! truncated or changed since is rendered again.
//!
//! The manifest and the journal are data from disk like any other: a planted or corrupt
//! one must never make the tool delete a file it did not write. A file is removed only
//! when its name is one the tool gives its outputs (see `packets::is_output_name`) and
//! its bytes are those the tool recorded writing, in the manifest or in the journal.
//!
//! Crash safety. The manifest is written once, at the end of a run, atomically; during
//! the run it is the last finished run's, and what this run changes goes to the journal,
//! which only grows, one record a line:
//!
//! - `pending <id> <file>… <check>`: before any document of a window is written, each
//!   applicant about to be rendered and the files it is about to get (flushed to disk
//!   before the first of them). From here on the manifest no longer vouches for that
//!   applicant; what it recorded the applicant's files to be still proves they are ours.
//! - `<digest> <len> <file>`: a document written, as soon as it is renamed into place.
//! - `done <id> <hash> <file>… <check>`: an applicant whose documents were all written,
//!   each as its last record above says: vouched for as the manifest would.
//!
//! The next run reads the manifest, then the journal in order (what it vouches for,
//! what it no longer does, every file recorded as written); at the end the new manifest
//! vouches for the applicants whose documents were all written, and the journal goes. A
//! run killed at any moment thus leaves a manifest and a journal that together vouch only
//! for documents written as they say, and prove which files the tool wrote, so the next
//! run renders what it must and removes what no applicant has any more, and only that.
//! `<check>` is the digest of the rest of its line: a line torn by a kill, or changed,
//! is ignored (a torn `pending` record was never followed by a document: its run was
//! killed while writing it); a torn written record names no output of the tool.
//!
//! Memory: the run holds one map, the last run's manifest, in which each applicant of
//! the run takes the place of its former entry as it is rendered or found current; the
//! files that then have no applicant are set aside, few, to be removed at the end.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Write;
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::outdir::OutDir;

/// The manifest's file name in OUT.
pub const FILE: &str = ".resettle-manifest.json";

/// The journal's file name in OUT.
pub const JOURNAL: &str = ".resettle-journal";

/// Bumped when the manifest's meaning changes: an old manifest then renders everything.
/// 2: digests by `crate::digest` (stable across Rust releases).
/// 3: each file with its length and digest.
const VERSION: u32 = 3;

/// What was rendered for each applicant.
#[derive(Debug, Default, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    version: u32,
    pub applicants: BTreeMap<String, Entry>,
    /// Files a run was about to write when it was killed (written by the manifests of
    /// earlier versions, which were rewritten before each window, and gathered from the
    /// journal's `pending` records): the folders a killed run may have left temporary
    /// files in. Empty in a manifest written at the end of a run.
    #[serde(default)]
    pub pending: Vec<String>,
}

/// One applicant's documents.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// Hex digest of the inputs.
    pub hash: String,
    /// Files relative to OUT, as written.
    pub files: Vec<Written>,
    /// Whether the applicant has documents in this run (never written: the manifest
    /// written at the end holds only those).
    #[serde(skip)]
    pub seen: bool,
}

/// A file as the tool wrote it: its name relative to OUT, its length and its digest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Written {
    pub file: String,
    pub len: u64,
    pub digest: String,
}

impl Written {
    /// The record of `bytes` written as `file`.
    pub fn of(file: &str, bytes: &[u8]) -> Written {
        Written {
            file: file.to_string(),
            len: bytes.len() as u64,
            digest: crate::digest::of(&[bytes]),
        }
    }

    /// Whether the file is in OUT as written: a regular file of the same length and
    /// digest (read under the cap of [`OutDir::read`]).
    pub fn is_intact(&self, out: &OutDir) -> bool {
        out.read(&self.file)
            .is_some_and(|b| b.len() as u64 == self.len && crate::digest::of(&[&b]) == self.digest)
    }
}

impl Manifest {
    /// The manifest of `out`; empty when there is none or it cannot be read (then
    /// everything is rendered again, which is always safe).
    pub fn read(out: &OutDir) -> Manifest {
        out.read(FILE)
            .and_then(|bytes| serde_json::from_slice::<Manifest>(&bytes).ok())
            .filter(|m| m.version == VERSION)
            .unwrap_or_default()
    }

    /// Writes the manifest atomically, streamed to disk.
    pub fn write(&mut self, out: &OutDir) -> Result<(), Error> {
        self.version = VERSION;
        let this = &*self;
        out.write_with(FILE, |w| {
            serde_json::to_writer_pretty(w, this).map_err(std::io::Error::from)
        })
        .map(|_| ())
    }

    /// Every folder a listed or pending file is in (relative to OUT).
    pub fn folders(&self) -> BTreeSet<&str> {
        self.applicants
            .values()
            .flat_map(|e| e.files.iter().map(|w| w.file.as_str()))
            .chain(self.pending.iter().map(String::as_str))
            .filter_map(|f| f.split_once('/').map(|(dir, _)| dir))
            .collect()
    }

    /// Whether `id`'s documents are current: same hash, and every file there as written.
    pub fn is_current(&self, out: &OutDir, id: &str, hash: &str) -> bool {
        self.applicants
            .get(id)
            .is_some_and(|e| e.hash == hash && e.files.iter().all(|w| w.is_intact(out)))
    }
}

/// The journal of a run: what it is about to render, each file written as soon as it is
/// in place, and each applicant whose documents are all written.
pub struct Journal {
    file: Mutex<std::fs::File>,
}

/// The check that ends a `pending` or `done` record: the digest of the rest of the line.
fn check(body: &str) -> String {
    crate::digest::of(&[body.as_bytes()])
}

/// A line that ends with its check, without it (`None` when torn or changed).
fn checked(line: &str) -> Option<&str> {
    let (body, sum) = line.rsplit_once(' ')?;
    (sum == check(body)).then_some(body)
}

/// A line of the journal: a record of a file written (`<digest> <len> <file>`).
fn written(line: &str) -> Option<Written> {
    let mut parts = line.splitn(3, ' ');
    let digest = parts.next()?;
    let len = parts.next()?.parse().ok()?;
    let file = parts.next()?;
    (digest.len() == 32 && digest.bytes().all(|b| b.is_ascii_hexdigit())).then(|| Written {
        file: file.to_string(),
        len,
        digest: digest.to_string(),
    })
}

/// Whether `field` can stand in a record (not empty, no space or line break).
fn is_field(field: &str) -> bool {
    !field.is_empty() && !field.contains(char::is_whitespace)
}

impl Journal {
    /// Replays the journal of `out` (left by a run that did not finish) over `manifest`,
    /// the last finished run's: an applicant of a `pending` record leaves it (its files
    /// become pending), one of a `done` record takes the place of its entry. Returns
    /// every record of a file the tool wrote that the manifest no longer lists: the
    /// journal's (the last of each file), and the files of the entries that left. Lines
    /// that cannot be read are ignored.
    pub fn replay(out: &OutDir, manifest: &mut Manifest) -> Vec<Written> {
        let bytes = out.read(JOURNAL).unwrap_or_default();
        let mut recorded: HashMap<String, Written> = HashMap::new();
        let mut left: Vec<Written> = Vec::new();
        for line in String::from_utf8_lossy(&bytes).lines() {
            if let Some(w) = written(line) {
                recorded.insert(w.file.clone(), w);
                continue;
            }
            let Some(body) = checked(line) else {
                continue;
            };
            let mut fields = body.split(' ');
            match (fields.next(), fields.next()) {
                (Some("pending"), Some(id)) => {
                    if let Some(e) = manifest.applicants.remove(id) {
                        left.extend(e.files);
                    }
                    manifest.pending.extend(fields.map(str::to_string));
                }
                (Some("done"), Some(id)) => {
                    let Some(hash) = fields.next() else { continue };
                    // Vouched for only when every file is on record as written.
                    let files: Option<Vec<Written>> =
                        fields.map(|f| recorded.get(f).cloned()).collect();
                    if let Some(files) = files.filter(|f| !f.is_empty()) {
                        let hash = hash.to_string();
                        let entry = Entry {
                            hash,
                            files,
                            seen: false,
                        };
                        if let Some(e) = manifest.applicants.insert(id.to_string(), entry) {
                            left.extend(e.files);
                        }
                    }
                }
                _ => {}
            }
        }
        manifest.pending.sort();
        manifest.pending.dedup();
        left.extend(recorded.into_values());
        left
    }

    /// Opens the journal of `out` to add to it (what an unfinished run recorded stays;
    /// a line it left torn is ended first, so the next record stands on its own line).
    pub fn open(out: &OutDir) -> Result<Journal, Error> {
        // A named pipe or a link there is never opened (it could block, or lead out):
        // replaced by an empty journal, as the manifest replaces one.
        if !out.is_file(JOURNAL) {
            out.write(JOURNAL, b"")?;
        }
        let mut file = out.append(JOURNAL)?;
        if file.metadata().is_ok_and(|m| m.len() > 0) {
            file.write_all(b"\n")
                .map_err(|e| Error::io(out.root().join(JOURNAL), e))?;
        }
        Ok(Journal {
            file: Mutex::new(file),
        })
    }

    /// Appends `text` (whole lines, one write).
    fn append(&self, text: &str) -> std::io::Result<()> {
        match self.file.lock() {
            Ok(mut f) => f.write_all(text.as_bytes()),
            Err(_) => Err(std::io::Error::other("the journal's lock is poisoned")),
        }
    }

    /// Records that each applicant of `applicants` is about to be rendered, with the
    /// files it is about to get, and flushes the journal to disk: from here on the
    /// manifest no longer vouches for them. An error stops the run.
    pub fn pending(&self, applicants: &[(&str, &[String])]) -> std::io::Result<()> {
        let mut text = String::new();
        for (id, files) in applicants {
            let mut body = format!("pending {id}");
            for f in *files {
                body.push(' ');
                body.push_str(f);
            }
            if !is_field(id) || !files.iter().all(|f| is_field(f)) {
                return Err(std::io::Error::other(format!(
                    "{id:?}: a name the journal cannot hold"
                )));
            }
            let sum = check(&body);
            text.push_str(&format!("{body} {sum}\n"));
        }
        self.append(&text)?;
        match self.file.lock() {
            Ok(f) => f.sync_data(),
            Err(_) => Err(std::io::Error::other("the journal's lock is poisoned")),
        }
    }

    /// Records `w` (one line, one write).
    pub fn record(&self, w: &Written) -> std::io::Result<()> {
        self.append(&format!("{} {} {}\n", w.digest, w.len, w.file))
    }

    /// Records that applicant `id`'s documents, rendered from `hash`, are all written,
    /// each as its record says (recorded first, by [`Journal::record`]). Unrecorded,
    /// the applicant is only rendered again after a kill: not a failure.
    pub fn done(&self, id: &str, hash: &str, files: &[Written]) -> std::io::Result<()> {
        let fields = [id, hash]
            .into_iter()
            .chain(files.iter().map(|w| w.file.as_str()));
        let fields: Vec<&str> = fields.collect();
        if !fields.iter().all(|f| is_field(f)) {
            return Ok(());
        }
        let body = format!("done {}", fields.join(" "));
        let sum = check(&body);
        self.append(&format!("{body} {sum}\n"))
    }

    /// Ends the journal once the manifest vouches for what it recorded.
    pub fn close(self, out: &OutDir) -> Result<(), Error> {
        drop(self.file);
        out.remove(JOURNAL)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_garbage_and_files_changed_since_written() {
        let t = tempfile::tempdir().unwrap();
        let out = OutDir::create(t.path()).unwrap();
        assert_eq!(Manifest::read(&out), Manifest::default());
        out.write("A1/a.pdf", b"%PDF-1.7 one").unwrap();
        let mut m = Manifest::default();
        m.applicants.insert(
            "A1".into(),
            Entry {
                hash: "h".into(),
                files: vec![Written::of("A1/a.pdf", b"%PDF-1.7 one")],
                seen: false,
            },
        );
        m.write(&out).unwrap();
        let back = Manifest::read(&out);
        assert!(back.is_current(&out, "A1", "h"));
        assert!(!back.is_current(&out, "A1", "other"));
        // Same length, other bytes; then truncated; then empty; then gone.
        for bytes in [&b"%PDF-1.7 two"[..], b"%PDF", b""] {
            out.write("A1/a.pdf", bytes).unwrap();
            assert!(!back.is_current(&out, "A1", "h"), "{bytes:?} re-renders");
        }
        out.remove("A1/a.pdf").unwrap();
        assert!(
            !back.is_current(&out, "A1", "h"),
            "a deleted file re-renders"
        );
        out.write(FILE, b"{not json").unwrap();
        assert_eq!(Manifest::read(&out), Manifest::default());
    }

    #[test]
    fn the_journal_keeps_what_was_written_and_skips_torn_lines() {
        let t = tempfile::tempdir().unwrap();
        let out = OutDir::create(t.path()).unwrap();
        let replay = |m: &mut Manifest| {
            let mut r = Journal::replay(&out, m);
            r.sort_by(|a, b| a.file.cmp(&b.file));
            r
        };
        assert!(replay(&mut Manifest::default()).is_empty());
        let j = Journal::open(&out).unwrap();
        let a = Written::of("A1/a.pdf", b"one");
        let b = Written::of("A1/b pdf.pdf", b"two");
        j.record(&a).unwrap();
        j.record(&b).unwrap();
        drop(j);
        // A run killed in the middle of a line, and one that adds after it.
        let mut f = out.append(JOURNAL).unwrap();
        f.write_all(b"0123 not-a-number A1/c.pdf\n4fe").unwrap();
        drop(f);
        let j = Journal::open(&out).unwrap();
        let c = Written::of("A1/c.pdf", b"three");
        j.record(&c).unwrap();
        let read = replay(&mut Manifest::default());
        assert_eq!(read, [a, b, c.clone()], "c recorded after a torn line");
        j.close(&out).unwrap();
        assert!(replay(&mut Manifest::default()).is_empty());
    }

    /// The manifest of a finished run that vouches for A1 and A2.
    fn two_applicants() -> Manifest {
        let mut m = Manifest::default();
        for id in ["A1", "A2"] {
            let files = vec![Written::of(&format!("{id}/a.pdf"), b"old")];
            let seen = false;
            let hash = "h".to_string();
            m.applicants.insert(id.into(), Entry { hash, files, seen });
        }
        m
    }

    #[test]
    fn a_pending_record_withdraws_the_manifests_word_and_keeps_its_proof() {
        // A run killed after recording that A1 is about to be rendered, before any of
        // its documents: the manifest no longer vouches for A1, whose file as the
        // manifest recorded it is still the tool's, and A1's folder is swept.
        let t = tempfile::tempdir().unwrap();
        let out = OutDir::create(t.path()).unwrap();
        let j = Journal::open(&out).unwrap();
        let files = ["A1/a.pdf".to_string(), "A1/new.pdf".to_string()];
        j.pending(&[("A1", &files)]).unwrap();
        drop(j);
        let mut m = two_applicants();
        let recorded = Journal::replay(&out, &mut m);
        assert_eq!(m.applicants.keys().collect::<Vec<_>>(), ["A2"]);
        assert_eq!(recorded, [Written::of("A1/a.pdf", b"old")]);
        assert_eq!(m.pending, files);
        assert!(m.folders().contains("A1"));
    }

    #[test]
    fn a_done_record_vouches_as_the_manifest_would_and_torn_records_are_ignored() {
        let t = tempfile::tempdir().unwrap();
        let out = OutDir::create(t.path()).unwrap();
        let j = Journal::open(&out).unwrap();
        let files = ["A1/a.pdf".to_string()];
        j.pending(&[("A1", &files), ("A2", &["A2/a.pdf".to_string()])])
            .unwrap();
        let new = Written::of("A1/a.pdf", b"new");
        j.record(&new).unwrap();
        j.done("A1", "h2", std::slice::from_ref(&new)).unwrap();
        // A2's record written (its file in place), its `done` torn by the kill.
        let a2 = Written::of("A2/a.pdf", b"new");
        j.record(&a2).unwrap();
        drop(j);
        let mut f = out.append(JOURNAL).unwrap();
        f.write_all(b"done A2 h2 A2/a.pdf 0a1b").unwrap();
        drop(f);
        let mut m = two_applicants();
        let mut recorded = Journal::replay(&out, &mut m);
        recorded.sort_by(|a, b| (&a.file, &a.digest).cmp(&(&b.file, &b.digest)));
        let vouched = &m.applicants["A1"];
        assert_eq!((vouched.hash.as_str(), &vouched.files), ("h2", &vec![new]));
        assert!(
            !m.applicants.contains_key("A2"),
            "a torn done vouches for nothing"
        );
        let mut expected = vec![
            Written::of("A1/a.pdf", b"old"),
            Written::of("A1/a.pdf", b"new"),
            Written::of("A2/a.pdf", b"old"),
            a2,
        ];
        expected.sort_by(|a, b| (&a.file, &a.digest).cmp(&(&b.file, &b.digest)));
        assert_eq!(recorded, expected);

        // A torn `pending` record (its run wrote no document after it), a changed one
        // and a `done` whose file was never recorded change nothing.
        let body = "pending A1 A1/a.pdf";
        let forged = format!("{body} {}\n", check("pending A2 A2/a.pdf"));
        let unrecorded = format!("done A2 h A2/b.pdf {}\n", check("done A2 h A2/b.pdf"));
        for text in ["pending A1 A1/a.pd", "pending A2", &forged, &unrecorded] {
            out.write(JOURNAL, text.as_bytes()).unwrap();
            let mut m = two_applicants();
            let recorded = Journal::replay(&out, &mut m);
            assert_eq!(m, two_applicants(), "{text}");
            assert!(recorded.is_empty(), "{text}");
        }
    }
}
