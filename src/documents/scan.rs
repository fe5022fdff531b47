//! One scan file, read and judged: read without blocking and under [`MAX_SCAN`]
//! (`fsread`), recognised by its magic number, then its structure checked by the parser
//! of its kind (`pdf`, `image`), and a PDF made by resettle itself told apart from a
//! scan. What it is not, and why, in both languages for `docs.unreadable`.

use std::path::Path;

use super::{image, pdf};
use crate::fsread::{self, ReadError};
use crate::ingest::magic::{FileType, sniff};

/// The largest scan read, 64 MiB. A scan is read whole into memory to check its
/// structure (a PDF's cross-reference table is at its end), a few at a time (one per
/// worker thread), so this bounds the memory of the scans at a few hundred MiB. A
/// scanned A4 page is 0.3–3 MB as a JPEG at 300 dpi, so a document of 20 such pages
/// fits; a larger file is more likely a video or a disk image under a scan's name, and
/// the caseworker is told to scan at a lower resolution or split it.
pub const MAX_SCAN: u64 = 64 << 20;

/// Why a file does not count as a scan.
#[derive(Debug)]
pub(super) enum Flaw {
    Empty,
    /// A named pipe, socket or device: never opened for reading, never waited on.
    NotRegular(&'static str),
    /// Larger than [`MAX_SCAN`]; its size when known before reading.
    TooLarge(Option<u64>),
    Io(std::io::Error),
    /// Not a PDF, JPEG or PNG by its first bytes.
    NotAScan,
    /// A PDF, JPEG or PNG by its first bytes whose structure does not hold.
    Broken(Why),
    /// A real PDF made by resettle itself: one of its own forms, not a scan.
    OwnForm(pdf::Mark),
}

/// What is wrong inside a file that starts like a scan, in Russian and English.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Why {
    pub ru: String,
    pub en: String,
}

impl Why {
    pub(super) fn new(ru: impl Into<String>, en: impl Into<String>) -> Why {
        Why {
            ru: ru.into(),
            en: en.into(),
        }
    }
}

/// Reads the file at `path` and says what scan it is, or why it is none.
pub(super) fn check(path: &Path) -> Result<FileType, Flaw> {
    let bytes = fsread::read_capped(path, MAX_SCAN).map_err(|e| match e {
        ReadError::NotRegular(what) => Flaw::NotRegular(what),
        ReadError::TooLarge { size, .. } => Flaw::TooLarge(size),
        ReadError::Io(e) => Flaw::Io(e),
    })?;
    check_bytes(bytes)
}

/// [`check`] on bytes already read.
pub(super) fn check_bytes(bytes: Vec<u8>) -> Result<FileType, Flaw> {
    if bytes.is_empty() {
        return Err(Flaw::Empty);
    }
    let kind = sniff(&bytes).ok_or(Flaw::NotAScan)?;
    // The parsers are written for hostile input; should one still panic, the file is
    // reported as damaged and the batch goes on.
    let judged = std::panic::catch_unwind(move || match kind {
        FileType::Pdf => pdf::check(&bytes).map_err(|e| match e {
            pdf::Refused::Broken(why) => Flaw::Broken(why),
            pdf::Refused::OwnForm(mark) => Flaw::OwnForm(mark),
        }),
        FileType::Jpeg => image::jpeg(&bytes).map_err(Flaw::Broken),
        FileType::Png => image::png(&bytes).map_err(Flaw::Broken),
    });
    match judged {
        Ok(r) => r.map(|()| kind),
        Err(_) => Err(Flaw::Broken(Why::new(
            "структуру файла не удалось разобрать (файл повреждён)",
            "the file's structure could not be read (the file is damaged)",
        ))),
    }
}

/// `what` of [`ReadError::NotRegular`] in Russian.
fn ru_kind(what: &str) -> &'static str {
    match what {
        "a named pipe" => "именованный канал",
        "a socket" => "сокет",
        "a device" => "устройство",
        "a folder" => "папка",
        _ => "особый файл",
    }
}

/// A size in MiB with one decimal.
fn mib(bytes: u64) -> String {
    format!("{:.1}", bytes as f64 / f64::from(1u32 << 20))
}

impl Flaw {
    /// Why the file is not accepted, in Russian and English.
    pub(super) fn text(&self) -> (String, String) {
        let max = MAX_SCAN >> 20;
        match self {
            Flaw::Empty => ("файл пустой".into(), "the file is empty".into()),
            Flaw::NotRegular(what) => (
                format!("{} — не обычный файл, не читается", ru_kind(what)),
                format!("{what}, not a regular file: not read"),
            ),
            Flaw::TooLarge(size) => {
                let (ru, en) = match size {
                    Some(s) => (
                        format!("файл размером {} МиБ", mib(*s).replace('.', ",")),
                        format!("the file is {} MiB", mib(*s)),
                    ),
                    None => ("файл".to_string(), "the file holds".to_string()),
                };
                (
                    format!(
                        "{ru} больше предела скана в {max} МиБ и не проверялся: отсканируйте с меньшим разрешением или разделите на части"
                    ),
                    format!(
                        "{en}, more than the {max} MiB a scan may be, and was not checked: scan at a lower resolution or split it"
                    ),
                )
            }
            Flaw::Io(e) => (format!("не читается: {e}"), format!("cannot be read: {e}")),
            Flaw::NotAScan => (
                "содержимое не является PDF, JPEG или PNG".into(),
                "the contents are not a PDF, JPEG or PNG".into(),
            ),
            Flaw::Broken(why) => (why.ru.clone(), why.en.clone()),
            Flaw::OwnForm(mark) => {
                let (ru, en) = mark.text();
                (
                    format!(
                        "это бланк, сделанный resettle ({ru}), а не скан подписанного документа: распечатайте его, подпишите (где нужно, заверьте у нотариуса) и отсканируйте подписанный лист"
                    ),
                    format!(
                        "a form made by resettle ({en}), not a scan of a signed document: print it, sign it (have it notarised where required) and scan the signed paper"
                    ),
                )
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_and_unknown_bytes_are_no_scans() {
        assert!(matches!(check_bytes(b"".to_vec()), Err(Flaw::Empty)));
        assert!(matches!(
            check_bytes(b"notes".to_vec()),
            Err(Flaw::NotAScan)
        ));
        assert!(matches!(
            check_bytes(b"%PDF-".to_vec()),
            Err(Flaw::Broken(_))
        ));
    }

    #[test]
    fn too_large_says_the_size_and_the_limit() {
        let (ru, en) = Flaw::TooLarge(Some(70 << 20)).text();
        assert!(
            en.starts_with("the file is 70.0 MiB, more than the 64 MiB"),
            "{en}"
        );
        assert!(ru.starts_with("файл размером 70,0 МиБ"), "{ru}");
    }

    #[test]
    fn a_file_over_the_limit_is_not_read() {
        let t = tempfile::tempdir().unwrap();
        let p = t.path().join("big.pdf");
        let f = std::fs::File::create(&p).unwrap();
        // Sparse: no 65 MiB written to disk.
        f.set_len(MAX_SCAN + 1).unwrap();
        assert!(matches!(check(&p), Err(Flaw::TooLarge(Some(n))) if n == MAX_SCAN + 1));
    }
}
