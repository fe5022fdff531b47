//! What a file's first bytes say it is, from their magic numbers: the scans a batch may
//! hold (PDF, JPEG, PNG; [`sniff`]), and what a batch table is when it is not text (a
//! workbook, a scan; [`not_text`]). Bytes alone, nothing read from disk: the reader of the
//! tables asks it here, and `documents` asks it of each scan before it checks the scan's
//! structure (a magic number alone is no scan: `documents::scan`).

/// What the first bytes of a file say it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileType {
    Pdf,
    Jpeg,
    Png,
}

/// Recognises PDF, JPEG and PNG by their magic numbers.
pub fn sniff(head: &[u8]) -> Option<FileType> {
    if head.starts_with(b"%PDF-") {
        Some(FileType::Pdf)
    } else if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(FileType::Jpeg)
    } else if head.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(FileType::Png)
    } else {
        None
    }
}

/// What a file that is not text really is, from its first bytes.
pub fn not_text(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"PK\x03\x04") {
        Some(
            "an Excel workbook (.xlsx) or another ZIP file, not CSV: in Excel use File → Save As → «CSV UTF-8» (or «CSV (разделители — точки с запятой)»)",
        )
    } else if bytes.starts_with(b"\xD0\xCF\x11\xE0") {
        Some("an old Excel workbook (.xls), not CSV: in Excel use File → Save As → «CSV UTF-8»")
    } else if sniff(bytes).is_some() {
        Some("a PDF or an image, not CSV")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_magic_numbers() {
        assert_eq!(sniff(b"%PDF-1.7\n"), Some(FileType::Pdf));
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0]), Some(FileType::Jpeg));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n"), Some(FileType::Png));
        assert_eq!(sniff(b"PK\x03\x04"), None);
        assert_eq!(sniff(b"%PD"), None);
        assert_eq!(sniff(b""), None);
    }
}
