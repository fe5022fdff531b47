//! The output folder: created readable by the owner only, written atomically (temporary
//! file, then rename), and never written outside of, whatever a path inside it says.
//! Files are flushed to disk before they are renamed, or, for the many PDFs of a run,
//! all at once by [`OutDir::sync`] before the manifest vouches for them.

use std::fs;
use std::io::Write;
use std::path::{Component, Path, PathBuf};

use crate::error::Error;

/// The largest file read back from OUT (the manifest of incremental runs, a few KB per
/// hundred applicants): anything larger, or not a regular file, is not trusted.
pub const MAX_READ_BYTES: u64 = 64 << 20;

/// The files written and not yet flushed: how many, and which (kept only where they are
/// flushed one by one: on Linux one `syncfs` flushes them all, so a run of a million
/// documents holds no list of them).
#[derive(Debug, Default)]
struct Unsynced {
    count: usize,
    files: Vec<PathBuf>,
}

/// An output folder that only accepts relative, plain paths.
#[derive(Debug)]
pub struct OutDir {
    root: PathBuf,
    /// Files written by [`OutDir::write_unsynced`] and not yet flushed by [`OutDir::sync`].
    unsynced: std::sync::Mutex<Unsynced>,
    /// Whether the folder existed readable by others and was made private.
    made_private: bool,
}

#[cfg(unix)]
fn create_private_dir(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(path)
}

#[cfg(not(unix))]
fn create_private_dir(path: &Path) -> std::io::Result<()> {
    fs::create_dir_all(path)
}

/// Makes a folder that already existed (a caseworker's `mkdir out`) private too: the real
/// folder, when `path` is a symbolic link to it (`path` is the resolved path). Whether
/// others could read it before.
#[cfg(unix)]
fn make_private(path: &Path) -> std::io::Result<bool> {
    use std::os::unix::fs::PermissionsExt;
    let meta = fs::metadata(path)?;
    let shared = meta.is_dir() && meta.permissions().mode() & 0o077 != 0;
    if shared {
        fs::set_permissions(path, fs::Permissions::from_mode(0o700))?;
    }
    Ok(shared)
}

#[cfg(not(unix))]
fn make_private(_: &Path) -> std::io::Result<bool> {
    Ok(false)
}

/// This process's mark in the names of its temporary files: the process id and the
/// time it started, so that a killed run's leftovers are never taken for ours, even
/// where process ids repeat (containers).
fn run_mark() -> &'static str {
    static MARK: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    MARK.get_or_init(|| {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        format!("{}-{nanos:x}", std::process::id())
    })
}

/// Whether `name` is a temporary file of [`OutDir::write_with`]: `.<name>.<mark>.tmp`.
pub fn is_temp_name(name: &str) -> bool {
    let Some(inner) = name.strip_prefix('.').and_then(|n| n.strip_suffix(".tmp")) else {
        return false;
    };
    inner.rsplit_once('.').is_some_and(|(file, mark)| {
        !file.is_empty()
            && mark.split_once('-').is_some_and(|(pid, t)| {
                !pid.is_empty()
                    && pid.bytes().all(|b| b.is_ascii_digit())
                    && !t.is_empty()
                    && t.bytes().all(|b| b.is_ascii_hexdigit())
            })
    })
}

#[cfg(unix)]
fn open_private_new(path: &Path) -> std::io::Result<fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
}

#[cfg(not(unix))]
fn open_private_new(path: &Path) -> std::io::Result<fs::File> {
    fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
}

/// Whether `rel` is a relative path of plain names (no `..`, no root, no drive, no
/// empty or hidden-temp components), safe to join under a folder.
pub fn is_safe_relative(rel: &str) -> bool {
    !rel.is_empty()
        && !rel.contains('\\')
        && rel
            .split('/')
            .all(|part| !part.is_empty() && part != "." && part != ".." && !part.contains(':'))
        && Path::new(rel)
            .components()
            .all(|c| matches!(c, Component::Normal(_)))
}

impl OutDir {
    /// Opens the output folder, creating it (mode 0700) if needed.
    pub fn create(root: &Path) -> Result<OutDir, Error> {
        if root.exists() && !root.is_dir() {
            return Err(Error::Usage(format!(
                "{}: --out must be a folder, and this is a file",
                root.display()
            )));
        }
        create_private_dir(root).map_err(|e| Error::io(root, e))?;
        // The folder itself, not a link to it, is what others could read.
        let real = fs::canonicalize(root).map_err(|e| Error::io(root, e))?;
        let made_private = make_private(&real).map_err(|e| Error::io(root, e))?;
        Ok(OutDir {
            root: root.to_path_buf(),
            unsynced: std::sync::Mutex::new(Unsynced::default()),
            made_private,
        })
    }

    /// Whether the folder existed readable by others and [`OutDir::create`] made it
    /// readable by its owner only (the command says so).
    pub fn made_private(&self) -> bool {
        self.made_private
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The path of `rel` inside the folder; refuses anything that could leave it.
    pub fn path(&self, rel: &str) -> Result<PathBuf, Error> {
        if !is_safe_relative(rel) {
            return Err(Error::Usage(format!(
                "refusing to write {rel:?}: not a plain path inside the output folder"
            )));
        }
        // A folder inside OUT that is a link could lead anywhere: refuse to go through it.
        let mut dir = self.root.clone();
        let parts: Vec<&str> = rel.split('/').collect();
        for part in &parts[..parts.len() - 1] {
            dir.push(part);
            if fs::symlink_metadata(&dir).is_ok_and(|m| m.file_type().is_symlink()) {
                return Err(Error::Usage(format!(
                    "refusing to write {rel:?}: {} is a link",
                    dir.display()
                )));
            }
        }
        Ok(self.root.join(rel))
    }

    /// Whether `rel` is a file inside the folder.
    pub fn is_file(&self, rel: &str) -> bool {
        self.path(rel)
            .is_ok_and(|p| fs::symlink_metadata(&p).is_ok_and(|m| m.file_type().is_file()))
    }

    /// Reads `rel`, if it is there and a regular file of at most [`MAX_READ_BYTES`]
    /// (the manifest: data from disk like any other).
    pub fn read(&self, rel: &str) -> Option<Vec<u8>> {
        crate::fsread::read_capped(&self.path(rel).ok()?, MAX_READ_BYTES).ok()
    }

    /// Removes the file `rel` (never a folder); then its folder, if that is left empty.
    pub fn remove(&self, rel: &str) -> Result<(), Error> {
        let path = self.path(rel)?;
        match fs::remove_file(&path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(Error::io(&path, e)),
        }
        if let Some(dir) = path.parent()
            && dir != self.root
        {
            // Fails while the folder holds anything else, which is what we want.
            let _ = fs::remove_dir(dir);
        }
        Ok(())
    }

    /// Removes temporary files a killed run left in folder `rel` (`""` for OUT itself;
    /// see [`OutDir::write_with`]); this process's own are kept, and so is every file
    /// not named like one. A folder that is a link is left alone.
    pub fn sweep(&self, rel: &str) {
        let dir = if rel.is_empty() {
            self.root.clone()
        } else {
            match self.path(rel) {
                Ok(dir) => dir,
                Err(_) => return,
            }
        };
        if !fs::symlink_metadata(&dir).is_ok_and(|m| m.is_dir()) {
            return;
        }
        let own = format!(".{}.tmp", run_mark());
        for entry in fs::read_dir(&dir).into_iter().flatten().flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if is_temp_name(&name) && !name.ends_with(&own) {
                let _ = fs::remove_file(entry.path());
            }
        }
    }

    /// Creates the folder `rel` (mode 0700) and any parents.
    pub fn create_dir(&self, rel: &str) -> Result<PathBuf, Error> {
        let path = self.path(rel)?;
        create_private_dir(&path).map_err(|e| Error::io(&path, e))?;
        Ok(path)
    }

    /// Opens `rel` for appending (created, mode 0600, when absent; never through a
    /// link): a log the tool adds lines to, such as the manifest's journal.
    pub fn append(&self, rel: &str) -> Result<fs::File, Error> {
        let path = self.path(rel)?;
        let mut options = fs::OpenOptions::new();
        options.append(true).create(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        #[cfg(target_os = "linux")]
        std::os::unix::fs::OpenOptionsExt::custom_flags(&mut options, libc::O_NOFOLLOW);
        options.open(&path).map_err(|e| Error::io(&path, e))
    }

    /// Writes `bytes` to `rel` atomically; see [`OutDir::write_with`].
    pub fn write(&self, rel: &str, bytes: &[u8]) -> Result<PathBuf, Error> {
        self.write_file(rel, true, |f| f.write_all(bytes))
    }

    /// Writes `bytes` to `rel` atomically, as [`OutDir::write`], but without waiting for
    /// the disk: a killed process never leaves a partial file, but after a power cut the
    /// file may be empty until [`OutDir::sync`] has run. For the documents of a run, one
    /// flush of all of them is much faster than one per file.
    pub fn write_unsynced(&self, rel: &str, bytes: &[u8]) -> Result<PathBuf, Error> {
        let path = self.write_file(rel, false, |f| f.write_all(bytes))?;
        if let Ok(mut unsynced) = self.unsynced.lock() {
            unsynced.count += 1;
            if !cfg!(target_os = "linux") {
                unsynced.files.push(path.clone());
            }
        }
        Ok(path)
    }

    /// Flushes every file written by [`OutDir::write_unsynced`] to disk (on Linux with
    /// one `syncfs` of the folder's file system, elsewhere file by file).
    pub fn sync(&self) -> Result<(), Error> {
        let unsynced = match self.unsynced.lock() {
            Ok(mut unsynced) => std::mem::take(&mut *unsynced),
            Err(_) => Unsynced::default(),
        };
        if unsynced.count == 0 {
            return Ok(());
        }
        flush_to_disk(&self.root, &unsynced.files).map_err(|e| Error::io(&self.root, e))
    }

    /// Streams `rel` atomically: `fill` writes into a temporary file beside it (mode
    /// 0600), which is synced, then renamed over the final name. A reader never sees a
    /// partial file; on any error the temporary file is removed.
    pub fn write_with(
        &self,
        rel: &str,
        fill: impl FnOnce(&mut (dyn Write + Send)) -> std::io::Result<()>,
    ) -> Result<PathBuf, Error> {
        self.write_file(rel, true, |f| {
            let mut w = std::io::BufWriter::with_capacity(1 << 20, f);
            fill(&mut w)?;
            w.flush()
        })
    }

    /// Writes `rel` through a temporary file beside it (mode 0600), flushed to disk first
    /// when `durable`, then renamed over the final name.
    fn write_file(
        &self,
        rel: &str,
        durable: bool,
        fill: impl FnOnce(&mut fs::File) -> std::io::Result<()>,
    ) -> Result<PathBuf, Error> {
        let path = self.path(rel)?;
        let dir = path.parent().unwrap_or(&self.root);
        create_private_dir(dir).map_err(|e| Error::io(dir, e))?;
        make_private(dir).map_err(|e| Error::io(dir, e))?;
        write_beside(&path, durable, fill)?;
        Ok(path)
    }
}

/// Streams the file `path` names (outside any output folder: `validate --out FILE`)
/// atomically: `fill` writes into a temporary file beside it (mode 0600), which is
/// flushed to disk and renamed over it. Its folder must exist and is left as it is.
pub fn write_file_at(
    path: &Path,
    fill: impl FnOnce(&mut (dyn Write + Send)) -> std::io::Result<()>,
) -> Result<(), Error> {
    write_beside(path, true, |f| {
        let mut w = std::io::BufWriter::with_capacity(1 << 20, f);
        fill(&mut w)?;
        w.flush()
    })
}

/// Writes `path` through a temporary file in its folder, flushed to disk first when
/// `durable`, then renamed over it; on any error the temporary file is removed.
fn write_beside(
    path: &Path,
    durable: bool,
    fill: impl FnOnce(&mut fs::File) -> std::io::Result<()>,
) -> Result<(), Error> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.tmp", run_mark()));
    let result = (|| {
        let mut f = open_private_new(&tmp)?;
        fill(&mut f)?;
        if durable {
            f.sync_all()?;
        }
        drop(f);
        fs::rename(&tmp, path)
    })();
    if let Err(e) = result {
        let _ = fs::remove_file(&tmp);
        return Err(Error::io(path, e));
    }
    Ok(())
}

/// Flushes the file system holding `root`, where `files` were written.
#[cfg(target_os = "linux")]
fn flush_to_disk(root: &Path, _files: &[PathBuf]) -> std::io::Result<()> {
    use std::os::fd::AsRawFd;
    let dir = fs::File::open(root)?;
    // SAFETY: syncfs only reads the descriptor, which `dir` keeps open during the call.
    if unsafe { libc::syncfs(dir.as_raw_fd()) } == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

/// Flushes each of `files` (written under `root`).
#[cfg(not(target_os = "linux"))]
fn flush_to_disk(_root: &Path, files: &[PathBuf]) -> std::io::Result<()> {
    for f in files {
        // Windows flushes only a file opened for writing.
        fs::OpenOptions::new().write(true).open(f)?.sync_all()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn safe_relative_paths() {
        assert!(is_safe_relative("report.json"));
        assert!(is_safe_relative("A001/application.pdf"));
        for bad in [
            "",
            "../x",
            "a/../../x",
            "/etc/passwd",
            "a//b",
            "./a",
            "C:/x",
            "a\\..\\b",
            "a/",
        ] {
            assert!(!is_safe_relative(bad), "{bad}");
        }
    }

    #[test]
    fn temporary_names_are_recognised() {
        let mark = run_mark();
        assert!(is_temp_name(&format!(".application.pdf.{mark}.tmp")));
        assert!(is_temp_name(".report.json.12-abc.tmp"));
        for not in [
            ".notes.tmp",
            "a.pdf.1-a.tmp",
            ".x.1-zz.tmp",
            ".x.-1.tmp",
            ".resettle-manifest.json",
        ] {
            assert!(!is_temp_name(not), "{not}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn links_inside_out_are_never_followed() {
        let t = tempfile::tempdir().unwrap();
        let victim = t.path().join("victim");
        fs::create_dir(&victim).unwrap();
        let left = victim.join(".keep.pdf.1-a.tmp");
        fs::write(&left, b"x").unwrap();
        let out = OutDir::create(&t.path().join("out")).unwrap();
        std::os::unix::fs::symlink(&victim, out.root().join("A001")).unwrap();
        assert!(out.write("A001/application.pdf", b"%PDF").is_err());
        out.sweep("A001");
        assert!(out.remove("A001/x.pdf").is_err());
        assert!(left.exists(), "sweep went through the link");
        assert_eq!(fs::read_dir(&victim).unwrap().count(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn an_existing_out_is_made_private() {
        use std::os::unix::fs::PermissionsExt;
        let t = tempfile::tempdir().unwrap();
        let root = t.path().join("out");
        fs::create_dir_all(root.join("A002")).unwrap();
        for d in [&root, &root.join("A002")] {
            fs::set_permissions(d, fs::Permissions::from_mode(0o755)).unwrap();
        }
        let out = OutDir::create(&root).unwrap();
        out.write("A002/a.pdf", b"x").unwrap();
        for d in [&root, &root.join("A002")] {
            assert_eq!(fs::metadata(d).unwrap().permissions().mode() & 0o777, 0o700);
        }
    }

    #[test]
    fn writes_atomically_and_privately() {
        let t = tempfile::tempdir().unwrap();
        let out = OutDir::create(&t.path().join("out")).unwrap();
        let p = out.write("A001/report.json", b"{}").unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"{}");
        out.write("A001/report.json", b"[1]").unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"[1]");
        let leftovers: Vec<_> = fs::read_dir(p.parent().unwrap())
            .unwrap()
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
            .collect();
        assert!(leftovers.is_empty());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode(out.root()), 0o700);
            assert_eq!(mode(p.parent().unwrap()), 0o700);
            assert_eq!(mode(&p), 0o600);
        }
        assert!(out.write("../escape.json", b"x").is_err());
        assert!(!t.path().join("escape.json").exists());
    }

    #[test]
    fn unsynced_writes_are_atomic_private_and_flushed_by_sync() {
        let t = tempfile::tempdir().unwrap();
        let out = OutDir::create(&t.path().join("out")).unwrap();
        let p = out
            .write_unsynced("A001/application.pdf", b"%PDF-1")
            .unwrap();
        out.write_unsynced("A001/application.pdf", b"%PDF-2")
            .unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"%PDF-2");
        assert_eq!(out.unsynced.lock().unwrap().count, 2);
        out.sync().unwrap();
        assert_eq!(out.unsynced.lock().unwrap().count, 0, "flushed once");
        out.sync().unwrap();
        let names: Vec<String> = fs::read_dir(p.parent().unwrap())
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["application.pdf"], "no temporary file left");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                fs::metadata(&p).unwrap().permissions().mode() & 0o777,
                0o600
            );
        }
        assert!(out.write_unsynced("../escape.pdf", b"x").is_err());
        assert!(!t.path().join("escape.pdf").exists());
    }
}
