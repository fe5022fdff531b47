//! The manifest of incremental runs, `OUT/.resettle-manifest.json`, and its journal,
//! `OUT/.resettle-journal`: what the tool wrote into OUT, in a form it can verify.
//!
//! For each applicant whose documents are all written, the manifest holds a hash of
//! everything they were rendered from (the data, templates, fonts, schemas, resettle's
//! version) and, for each file, its length and digest. A re-run skips an applicant whose
//! hash is unchanged and whose files are all there *as written*: a file that is empty,
//! truncated or changed since is rendered again.
//!
//! The manifest is data from disk like any other: a planted or corrupt one must never
//! make the tool delete a file it did not write. A file is removed only when its name is
//! one the tool gives its outputs (see `packets::is_output_name`) and its bytes are those
//! the tool recorded writing, in the manifest or in the journal.
//!
//! Crash safety: before a window's documents are rendered, the manifest is rewritten
//! without the applicants about to be rendered and with their files as `pending`; each
//! document written is appended to the journal (its length and digest) as soon as it is
//! renamed into place; at the end the manifest vouches for the applicants whose
//! documents were all written, and the journal goes. A run killed at any moment thus
//! leaves a manifest that vouches only for documents nobody touched and a journal that
//! proves which files it wrote, so the next run renders what it must and removes what no
//! applicant has any more, and only that. The manifest's writes are atomic; a torn last
//! line of the journal is ignored.

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
    /// Files a run was about to write when it wrote this manifest: if it was killed,
    /// the next run removes those that no applicant has any more and that the journal
    /// shows it wrote.
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

    /// Writes the manifest atomically.
    pub fn write(&mut self, out: &OutDir) -> Result<(), Error> {
        self.version = VERSION;
        let json = serde_json::to_vec_pretty(self).unwrap_or_default();
        out.write(FILE, &json).map(|_| ())
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

/// The journal of a run: each file written, appended as soon as it is in place.
pub struct Journal {
    file: Mutex<std::fs::File>,
}

impl Journal {
    /// What the journal in `out` records (left by a run that did not finish), by file:
    /// the last record of each. Lines that cannot be read are ignored.
    pub fn read(out: &OutDir) -> HashMap<String, Written> {
        let bytes = out.read(JOURNAL).unwrap_or_default();
        String::from_utf8_lossy(&bytes)
            .lines()
            .filter_map(|line| {
                let mut parts = line.splitn(3, ' ');
                let digest = parts.next()?;
                let len = parts.next()?.parse().ok()?;
                let file = parts.next()?;
                (digest.len() == 32 && digest.bytes().all(|b| b.is_ascii_hexdigit())).then(|| {
                    let w = Written {
                        file: file.to_string(),
                        len,
                        digest: digest.to_string(),
                    };
                    (w.file.clone(), w)
                })
            })
            .collect()
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

    /// Records `w` (one line, one write).
    pub fn record(&self, w: &Written) -> std::io::Result<()> {
        let line = format!("{} {} {}\n", w.digest, w.len, w.file);
        match self.file.lock() {
            Ok(mut f) => f.write_all(line.as_bytes()),
            Err(_) => Err(std::io::Error::other("the journal's lock is poisoned")),
        }
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
        assert!(Journal::read(&out).is_empty());
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
        let read = Journal::read(&out);
        assert_eq!(read.len(), 3);
        assert_eq!(read["A1/a.pdf"], a);
        assert_eq!(read["A1/b pdf.pdf"], b);
        assert_eq!(read["A1/c.pdf"], c, "recorded after a torn line");
        j.close(&out).unwrap();
        assert!(Journal::read(&out).is_empty());
    }
}
