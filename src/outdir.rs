//! The output folder: created readable by the owner only, written atomically (temporary
//! file, then rename), and never written outside of, whatever a path inside it says.

use std::fs;
use std::io::Write;
use std::path::{Component, Path, PathBuf};

use crate::error::Error;

/// An output folder that only accepts relative, plain paths.
#[derive(Debug)]
pub struct OutDir {
    root: PathBuf,
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
        Ok(OutDir {
            root: root.to_path_buf(),
        })
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

    /// Reads `rel`, if it is there.
    pub fn read(&self, rel: &str) -> Option<Vec<u8>> {
        fs::read(self.path(rel).ok()?).ok()
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
    /// see [`OutDir::write_with`]); this process's own are kept.
    pub fn sweep(&self, rel: &str) {
        let dir = if rel.is_empty() {
            self.root.clone()
        } else {
            match self.path(rel) {
                Ok(dir) => dir,
                Err(_) => return,
            }
        };
        let own = format!(".{}.tmp", std::process::id());
        for entry in fs::read_dir(&dir).into_iter().flatten().flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') && name.ends_with(".tmp") && !name.ends_with(&own) {
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

    /// Writes `bytes` to `rel` atomically; see [`OutDir::write_with`].
    pub fn write(&self, rel: &str, bytes: &[u8]) -> Result<PathBuf, Error> {
        self.write_with(rel, |w| w.write_all(bytes))
    }

    /// Streams `rel` atomically: `fill` writes into a temporary file beside it (mode
    /// 0600), which is synced, then renamed over the final name. A reader never sees a
    /// partial file; on any error the temporary file is removed.
    pub fn write_with(
        &self,
        rel: &str,
        fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
    ) -> Result<PathBuf, Error> {
        let path = self.path(rel)?;
        let dir = path.parent().unwrap_or(&self.root);
        create_private_dir(dir).map_err(|e| Error::io(dir, e))?;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
        let result = (|| {
            let f = open_private_new(&tmp)?;
            let mut w = std::io::BufWriter::with_capacity(1 << 20, f);
            fill(&mut w)?;
            let f = w.into_inner().map_err(|e| e.into_error())?;
            f.sync_all()?;
            fs::rename(&tmp, &path)
        })();
        if let Err(e) = result {
            let _ = fs::remove_file(&tmp);
            return Err(Error::io(&path, e));
        }
        Ok(path)
    }
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
}
