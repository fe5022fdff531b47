//! The manifest of incremental runs, `OUT/.resettle-manifest.json`: for each applicant
//! whose documents are all written, a hash of everything they were rendered from (the
//! data, templates, fonts, schemas, resettle's version) and the files. A re-run skips an
//! applicant whose hash is unchanged and whose files are all there.
//!
//! Crash safety: before rendering, the manifest is rewritten without the applicants about
//! to be rendered and with their files as `pending`; after, with the applicants whose
//! documents were all written. A run killed half-way thus leaves a manifest that vouches
//! only for documents nobody touched, and names every file it may have written, so the
//! next run renders what it must and removes what no applicant has any more. Both writes
//! are atomic.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::outdir::OutDir;

/// The manifest's file name in OUT.
pub const FILE: &str = ".resettle-manifest.json";

/// Bumped when the manifest's meaning changes: an old manifest then renders everything.
/// 2: digests by `crate::digest` (stable across Rust releases).
const VERSION: u32 = 2;

/// What was rendered for each applicant.
#[derive(Debug, Default, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    version: u32,
    pub applicants: BTreeMap<String, Entry>,
    /// Files a run was about to write when it wrote this manifest: if it was killed,
    /// the next run removes those that no applicant has any more.
    #[serde(default)]
    pub pending: Vec<String>,
}

/// One applicant's documents.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// Hex digest of the inputs.
    pub hash: String,
    /// Files relative to OUT.
    pub files: Vec<String>,
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
            .flat_map(|e| &e.files)
            .chain(&self.pending)
            .filter_map(|f| f.split_once('/').map(|(dir, _)| dir))
            .collect()
    }

    /// Whether `id`'s documents are current: same hash, and every file still there.
    pub fn is_current(&self, out: &OutDir, id: &str, hash: &str) -> bool {
        self.applicants
            .get(id)
            .is_some_and(|e| e.hash == hash && e.files.iter().all(|f| out.is_file(f)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_garbage() {
        let t = tempfile::tempdir().unwrap();
        let out = OutDir::create(t.path()).unwrap();
        assert_eq!(Manifest::read(&out), Manifest::default());
        out.write("A1/a.pdf", b"%PDF").unwrap();
        let mut m = Manifest::default();
        m.applicants.insert(
            "A1".into(),
            Entry {
                hash: "h".into(),
                files: vec!["A1/a.pdf".into()],
            },
        );
        m.write(&out).unwrap();
        let back = Manifest::read(&out);
        assert!(back.is_current(&out, "A1", "h"));
        assert!(!back.is_current(&out, "A1", "other"));
        out.remove("A1/a.pdf").unwrap();
        assert!(
            !back.is_current(&out, "A1", "h"),
            "a deleted file re-renders"
        );
        out.write(FILE, b"{not json").unwrap();
        assert_eq!(Manifest::read(&out), Manifest::default());
    }
}
