//! Whether an existing OUT is the tool's to write into: a run writes, replaces and removes
//! files in OUT and makes the folder private, so a folder that is not a resettle OUT yet
//! (no manifest or journal of an earlier run) and holds anything the tool did not write
//! (a caseworker's notes, a shared folder) is refused unless `--force` says to go on. In
//! an OUT of an earlier run, files a caseworker added since are left alone (a run removes
//! only files it can prove it wrote) and the run says so. What the tool writes: the
//! report files, the manifest and journal, temporary files of its own naming, and
//! `<applicant_id>/<form>` outputs (`packets::is_output_name`).

use std::fs;
use std::path::Path;

use crate::error::Error;

/// Files a system leaves in any folder it shows, harmless to write beside.
const SYSTEM_LITTER: [&str; 3] = [".DS_Store", "Thumbs.db", "desktop.ini"];

/// How many foreign entries the message names.
const NAMED: usize = 3;

/// The entries of `out` (relative, `/`-separated) that the tool did not write: at most
/// [`NAMED`] + 1, enough to name some and say there are more. None when `out` does not
/// exist yet.
fn foreign_entries(out: &Path, report_files: &[&str]) -> std::io::Result<Vec<String>> {
    let mut found = Vec::new();
    let entries = match fs::read_dir(out) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(found),
        Err(e) => return Err(e),
    };
    let ours_at_top = |name: &str| {
        report_files.contains(&name)
            || name == crate::manifest::FILE
            || name == crate::manifest::JOURNAL
            || crate::outdir::is_temp_name(name)
    };
    for entry in entries {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let kind = entry.file_type()?;
        if SYSTEM_LITTER.contains(&name.as_str()) {
            continue;
        }
        // Named as the tool names its files, whatever they are: a run handles a named
        // pipe where the manifest was, or a folder where a form was, itself.
        if ours_at_top(&name) {
            continue;
        }
        if !kind.is_dir() {
            found.push(name);
        } else {
            // An applicant's folder holds only outputs (and their temporary files).
            for inner in fs::read_dir(entry.path())? {
                let inner = inner?;
                let file = inner.file_name().to_string_lossy().into_owned();
                let rel = format!("{name}/{file}");
                let ours = crate::packets::is_output_name(&rel)
                    || crate::outdir::is_temp_name(&file)
                    || SYSTEM_LITTER.contains(&file.as_str());
                if !ours {
                    found.push(rel);
                    break;
                }
            }
        }
        if found.len() > NAMED {
            break;
        }
    }
    Ok(found)
}

/// Refuses (exit 2) an existing `out` that is no resettle OUT yet and holds files the
/// tool did not write, unless `force`. For an OUT of an earlier run holding such files,
/// the line to tell the user that they are left alone.
pub(super) fn check(
    out: &Path,
    force: bool,
    report_files: &[&str],
) -> Result<Option<String>, Error> {
    let found = foreign_entries(out, report_files).map_err(|e| Error::io(out, e))?;
    if found.is_empty() {
        return Ok(None);
    }
    let mut named: Vec<String> = found.iter().take(NAMED).map(|f| format!("«{f}»")).collect();
    if found.len() > NAMED {
        named.push("…".into());
    }
    let named = named.join(", ");
    let earlier_run = [crate::manifest::FILE, crate::manifest::JOURNAL]
        .iter()
        .any(|f| fs::symlink_metadata(out.join(f)).is_ok());
    if earlier_run || force {
        return Ok(Some(format!(
            "{}: holds files resettle did not write ({named}): left as they are",
            out.display()
        )));
    }
    Err(Error::Usage(format!(
        "{}: --out holds files resettle did not write ({named}) and no earlier run's; a run \
         writes and removes files in OUT and makes the folder readable by you only: give a \
         new or empty folder, or add --force to write into this one anyway (resettle never \
         removes a file it did not write)",
        out.display()
    )))
}
