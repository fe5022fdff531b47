//! The bounds of a workbook that is a zip (`.xlsx`, `.xlsm`, `.ods`), checked before
//! calamine opens it. A few kilobytes of zip can unpack to gigabytes (a zip bomb), a
//! sheet can declare a million rows of sixteen thousand formatted empty cells, and
//! calamine reads the shared strings whole. So the parts' declared sizes are summed here
//! against the batch's file-size limit (`--max-file-size`: the unpacked sheets are what a
//! CSV file of the batch would be), and only the shared strings and an OpenDocument
//! manifest are unpacked, streaming into a small buffer, to count the strings and find
//! an encryption. A declared size can lie, but the zip reader calamine uses (the `zip`
//! crate, read through its central directory) fails a part once it unpacks past its
//! declared size, whether it is read in pieces or whole; a test here holds it to that.
//! Unpacking every part a second time to count it, as this did before, cost the
//! 100,000-applicant workbook of BENCHMARKS.md about 1.1 s of its 4.3 s.
//!
//! A workbook encrypted with a password is an OLE file (`workbook.rs` says so); an
//! OpenDocument file encrypted with one names its `encryption-data` in its manifest, and
//! a zip with encrypted entries asks for a password: both get the same message.

use std::io::{Cursor, Read};

use crate::fsread::show_size;

/// At most this many parts in a workbook: Excel writes about a dozen and one or two per
/// sheet.
pub(super) const MAX_PARTS: usize = 10_000;

/// At most this many shared strings (the different texts of an `.xlsx`): each costs
/// calamine a `String` (about 40 bytes besides its text), so 16 Mi of them stay under
/// a gigabyte; a workbook of 1,000,000 applicants holds about 4 Mi.
pub(super) const MAX_SHARED_STRINGS: u64 = 16 << 20;

/// Why a workbook is not opened: its message, with what to do.
pub(super) enum Refusal {
    /// Encrypted with a password.
    Protected,
    /// Anything else, said in full.
    Other(String),
}

/// Checks the zip `bytes` against the bounds: at most [`MAX_PARTS`] parts, at most
/// `max_unpacked` bytes unpacked in all, at most [`MAX_SHARED_STRINGS`] shared strings,
/// not encrypted. A zip that cannot be listed is left to calamine to report.
pub(super) fn check(bytes: &[u8], max_unpacked: u64) -> Result<(), Refusal> {
    check_with(bytes, max_unpacked, MAX_SHARED_STRINGS)
}

fn check_with(bytes: &[u8], max_unpacked: u64, max_strings: u64) -> Result<(), Refusal> {
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return Ok(());
    };
    if zip.len() > MAX_PARTS {
        return Err(Refusal::Other(format!(
            "the workbook holds {} parts, more than {MAX_PARTS}: no workbook of a batch has that many",
            zip.len()
        )));
    }
    let mut unpacked = 0u64;
    let mut buf = vec![0u8; 64 << 10];
    for i in 0..zip.len() {
        let mut part = match zip.by_index(i) {
            Ok(p) => p,
            Err(zip::result::ZipError::UnsupportedArchive(why)) if why.contains("assword") => {
                return Err(Refusal::Protected);
            }
            // A damaged part is calamine's to report, if it reads it.
            Err(_) => continue,
        };
        if part.encrypted() {
            return Err(Refusal::Protected);
        }
        let name = part
            .name()
            .map(|n| n.to_ascii_lowercase())
            .unwrap_or_default();
        // What the part unpacks to at most: the reader fails it past its declared size.
        unpacked = unpacked.saturating_add(part.size());
        if unpacked > max_unpacked {
            return Err(Refusal::Other(format!(
                "the workbook unpacks to more than {} (--max-file-size): a zip bomb, or sheets of millions of formatted empty cells — delete the empty rows and columns below and right of the table (select them, Delete) and save again",
                show_size(max_unpacked)
            )));
        }
        let shared = name.ends_with("sharedstrings.xml");
        let manifest = name == "meta-inf/manifest.xml";
        if !shared && !manifest {
            continue;
        }
        let mut strings = Count::new(b"<si");
        let mut encryption = Count::new(b"encryption-data");
        loop {
            let n = match part.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                // Damaged data: calamine says so when it reads the part.
                Err(_) => break,
            };
            let chunk = &buf[..n];
            if shared && strings.feed(chunk) > max_strings {
                return Err(Refusal::Other(format!(
                    "the workbook holds more than {max_strings} different texts (shared strings), the limit: no batch needs that many"
                )));
            }
            if manifest && encryption.feed(chunk) > 0 {
                return Err(Refusal::Protected);
            }
        }
    }
    Ok(())
}

/// Counts the occurrences of a pattern in a stream given in chunks, including those that
/// straddle two chunks.
struct Count {
    pattern: &'static [u8],
    /// The last `pattern.len() - 1` bytes seen, to match across a chunk boundary.
    tail: Vec<u8>,
    found: u64,
}

impl Count {
    fn new(pattern: &'static [u8]) -> Count {
        Count {
            pattern,
            tail: Vec::with_capacity(pattern.len()),
            found: 0,
        }
    }

    /// Counts `chunk`, returns the count so far.
    fn feed(&mut self, chunk: &[u8]) -> u64 {
        let p = self.pattern;
        let keep = p.len() - 1;
        // Matches that begin in the tail and end in the chunk (none lies wholly in the
        // tail, shorter than the pattern).
        let mut joined = std::mem::take(&mut self.tail);
        joined.extend_from_slice(&chunk[..chunk.len().min(keep)]);
        self.found += memchr::memmem::find_iter(&joined, p).count() as u64;
        // Matches wholly in the chunk (none when it is shorter than `keep`).
        if chunk.len() > keep {
            self.found += memchr::memmem::find_iter(chunk, p).count() as u64;
            joined.clear();
            joined.extend_from_slice(&chunk[chunk.len() - keep..]);
        } else {
            let start = joined.len().saturating_sub(keep);
            joined.drain(..start);
        }
        self.tail = joined;
        self.found
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn counts_across_chunks_of_any_size() {
        let text = b"<sst><si><t>a</t></si><si ><t>b</t></si><sis/><si><t/></si></sst>";
        for size in 1..text.len() {
            let mut c = Count::new(b"<si");
            let mut last = 0;
            for chunk in text.chunks(size) {
                last = c.feed(chunk);
            }
            assert_eq!(last, 4, "chunks of {size}");
        }
    }

    fn zip_of(parts: &[(&str, &[u8])]) -> Vec<u8> {
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default();
        for (name, bytes) in parts {
            zip.start_file(*name, opts).unwrap();
            zip.write_all(bytes).unwrap();
        }
        zip.finish().unwrap().into_inner()
    }

    fn refusal(r: Result<(), Refusal>) -> String {
        match r {
            Ok(()) => "accepted".into(),
            Err(Refusal::Protected) => "protected".into(),
            Err(Refusal::Other(m)) => m,
        }
    }

    #[test]
    fn unpacked_bytes_are_counted_against_the_limit() {
        let big = vec![b' '; 3 << 20];
        let zip = zip_of(&[("xl/worksheets/sheet1.xml", &big)]);
        assert!(zip.len() < 100 << 10, "compressed: {}", zip.len());
        assert_eq!(refusal(check(&zip, 3 << 20)), "accepted");
        let m = refusal(check(&zip, (3 << 20) - 1));
        assert!(
            m.contains("unpacks to more than 3145727 bytes (2.9 MiB)"),
            "{m}"
        );
    }

    /// `zip` with the declared (uncompressed) size of its one part set to `size`, in its
    /// local header and in the central directory.
    fn declaring(mut zip: Vec<u8>, size: u32) -> Vec<u8> {
        let mut patched = 0;
        for (signature, at) in [(b"PK\x03\x04", 22), (b"PK\x01\x02", 24)] {
            let start = memchr::memmem::find(&zip, signature).unwrap();
            zip[start + at..start + at + 4].copy_from_slice(&size.to_le_bytes());
            patched += 1;
        }
        assert_eq!(patched, 2);
        zip
    }

    /// What the bound rests on: a part that unpacks past its declared size cannot be
    /// read past it, in pieces or whole (the reader calamine uses).
    #[test]
    fn a_part_that_lies_about_its_size_is_not_read_past_it() {
        let big = vec![b'x'; 1 << 20];
        let zip = declaring(zip_of(&[("xl/worksheets/sheet1.xml", &big)]), 1000);
        assert_eq!(refusal(check(&zip, 2000)), "accepted");
        let mut archive = zip::ZipArchive::new(Cursor::new(zip.as_slice())).unwrap();
        let mut whole = Vec::new();
        let r = archive.by_index(0).unwrap().read_to_end(&mut whole);
        assert!(r.is_err() && whole.len() <= 1001, "{r:?}, {}", whole.len());
        let mut part = archive.by_index(0).unwrap();
        let (mut read, mut buf) = (0, [0u8; 300]);
        let failed = loop {
            match part.read(&mut buf) {
                Ok(0) => break false,
                Ok(n) => read += n,
                Err(_) => break true,
            }
        };
        assert!(failed && read <= 1001, "read {read}");
    }

    #[test]
    fn shared_strings_and_parts_are_bounded_and_encryption_is_told() {
        let parts: Vec<(String, Vec<u8>)> =
            (0..=MAX_PARTS).map(|i| (format!("p{i}"), vec![])).collect();
        let refs: Vec<(&str, &[u8])> = parts
            .iter()
            .map(|(n, b)| (n.as_str(), b.as_slice()))
            .collect();
        let m = refusal(check(&zip_of(&refs), 1 << 30));
        assert!(m.contains("holds 10001 parts"), "{m}");

        let manifest = br#"<manifest:file-entry manifest:full-path="content.xml"><manifest:encryption-data/></manifest:file-entry>"#;
        assert_eq!(
            refusal(check(
                &zip_of(&[("META-INF/manifest.xml", manifest)]),
                1 << 30
            )),
            "protected"
        );
        assert_eq!(refusal(check(b"not a zip", 1 << 30)), "accepted");

        let strings = b"<sst><si><t>a</t></si><si><t>b</t></si><si><t>c</t></si></sst>";
        let zip = zip_of(&[("xl/sharedStrings.xml", strings)]);
        assert_eq!(refusal(check_with(&zip, 1 << 30, 3)), "accepted");
        let m = refusal(check_with(&zip, 1 << 30, 2));
        assert!(m.contains("more than 2 different texts"), "{m}");
    }
}
