//! Whether the bytes of a scan are a whole PDF, and whether resettle made it. One pass of
//! a lexer over the bytes, without recursion and in constant memory: it skips comments,
//! strings and the data of streams as a reader does, and notes what a PDF cannot lack —
//! its end (`%%EOF`), `startxref`, a cross-reference table or stream with the trailer's
//! `/Root`, a catalog and a page — and the marks of resettle's own forms (its fonts, the
//! creator Typst writes).
//!
//! Not a full parser: hayro-syntax 0.7.2 (Typst's PDF reader, tried first) recurses
//! without a bound, so a 300-byte PDF whose object streams refer to each other in a
//! cycle, or whose compressed objects nest a million levels deep, overflows the stack
//! and aborts the whole run; its streams also inflate without a limit. A scan is hostile
//! input: what cannot be read in bounded time and memory is not read.

use super::scan::Why;

/// How far from the end `%%EOF` may stand: readers look for it in the last 1 KiB (Adobe's
/// PDF Reference 1.7, the implementation notes of its section 3.4.4, "File Trailer").
const EOF_WINDOW: usize = 1024;

/// The fonts resettle renders its forms with (templates/fonts/README.md): PT Serif and
/// PT Sans renamed, as their licence asks of modified fonts, so no other program
/// embeds fonts of these names.
const OWN_FONTS: &[&str] = &["ResettleSerif", "ResettleSans"];

/// The program resettle renders its forms with; it writes itself as the creator.
const TYPESETTER: &str = "Typst";

/// What shows that resettle made a PDF.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mark {
    /// A font of resettle's (its name without the subset tag).
    Font(String),
    /// The creator or producer in the document information: Typst.
    Creator(String),
}

impl Mark {
    /// The mark in words, Russian and English.
    pub(super) fn text(&self) -> (String, String) {
        match self {
            Mark::Font(name) => (
                format!("в нём шрифт resettle «{name}»"),
                format!("it uses resettle's font «{name}»"),
            ),
            Mark::Creator(c) => (
                format!(
                    "создатель в свойствах PDF — «{c}», программа, которой resettle верстает бланки"
                ),
                format!("its creator is «{c}», the program resettle typesets its forms with"),
            ),
        }
    }
}

/// Why a PDF is not accepted as a scan.
#[derive(Debug)]
pub(super) enum Refused {
    Broken(Why),
    OwnForm(Mark),
}

/// Checks that `bytes` (which start with `%PDF-`) are a whole PDF that is not one of
/// resettle's forms.
pub(super) fn check(bytes: &[u8]) -> Result<(), Refused> {
    let broken = |ru: &str, en: &str| {
        Err(Refused::Broken(Why::new(
            format!("структура PDF не читается: {ru} (файл повреждён или это не PDF)"),
            format!("the PDF's structure cannot be read: {en} (a damaged file, or not a PDF)"),
        )))
    };
    let tail = &bytes[bytes.len().saturating_sub(EOF_WINDOW)..];
    if memchr::memmem::rfind(tail, b"%%EOF").is_none() {
        return Err(Refused::Broken(Why::new(
            format!(
                "PDF обрезан: нет его конца (%%EOF), в файле всего {} байт — скопируйте или скачайте файл заново",
                bytes.len()
            ),
            format!(
                "the PDF is cut off: its end (%%EOF) is missing, {} bytes in all — copy or download the file again",
                bytes.len()
            ),
        )));
    }
    if !matches!(bytes.get(5..8), Some([a, b'.', b]) if a.is_ascii_digit() && b.is_ascii_digit()) {
        return broken(
            "в заголовке нет версии PDF",
            "its header names no PDF version",
        );
    }
    let o = outline(bytes);
    if !(o.startxref && o.xref && o.root) {
        return broken(
            "нет таблицы перекрёстных ссылок с трейлером",
            "it has no cross-reference table with its trailer",
        );
    }
    // Objects packed in object streams are compressed: the catalog and the pages may be
    // among them, out of the lexer's sight.
    if !o.object_streams && !o.catalog {
        return broken("нет каталога документа", "it has no document catalog");
    }
    if !o.object_streams && !o.page && !o.counted_pages {
        return broken("в нём нет ни одной страницы", "it has no page");
    }
    match (o.font, o.creator) {
        (Some(font), _) => Err(Refused::OwnForm(Mark::Font(font))),
        (None, Some(creator)) => Err(Refused::OwnForm(Mark::Creator(creator))),
        (None, None) => Ok(()),
    }
}

/// What the lexer saw in a PDF.
#[derive(Debug, Default)]
struct Outline {
    /// `startxref` and its offset, inside the file.
    startxref: bool,
    /// A cross-reference table (`xref`) or stream (`/Type /XRef`).
    xref: bool,
    /// The trailer's `/Root`.
    root: bool,
    catalog: bool,
    /// A page (`/Type /Page`).
    page: bool,
    /// A page tree counting a page or more (`/Count 1`), for a writer that leaves out
    /// the pages' `/Type`.
    counted_pages: bool,
    object_streams: bool,
    /// The first of resettle's fonts named (`/BaseFont`, `/FontName`).
    font: Option<String>,
    /// The first creator or producer that is Typst.
    creator: Option<String>,
}

/// A key whose value the lexer wants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Key {
    Type,
    Font,
    Creator,
    Count,
    StartXref,
}

/// Whether `b` ends a keyword, name or number (white space or a delimiter).
fn delimiter(b: u8) -> bool {
    matches!(
        b,
        b'\0'
            | b'\t'
            | b'\n'
            | b'\x0C'
            | b'\r'
            | b' '
            | b'('
            | b')'
            | b'<'
            | b'>'
            | b'['
            | b']'
            | b'{'
            | b'}'
            | b'/'
            | b'%'
    )
}

/// One pass over `bytes`: the tokens outside comments and stream data, each key of
/// [`Key`] paired with the token after it.
fn outline(bytes: &[u8]) -> Outline {
    let n = bytes.len();
    let mut o = Outline::default();
    let mut pending: Option<Key> = None;
    let mut i = 0;
    while i < n {
        let b = bytes[i];
        match b {
            b'\0' | b'\t' | b'\n' | b'\x0C' | b'\r' | b' ' => i += 1,
            b'%' => i = memchr::memchr2(b'\n', b'\r', &bytes[i..]).map_or(n, |k| i + k),
            b'(' => {
                let end = after_string(bytes, i);
                if pending == Some(Key::Creator) {
                    note_creator(&mut o, &literal(&bytes[i + 1..end.saturating_sub(1)]));
                }
                pending = None;
                i = end;
            }
            b'<' if bytes.get(i + 1) != Some(&b'<') => {
                let end = memchr::memchr(b'>', &bytes[i..]).map_or(n, |k| i + k + 1);
                if pending == Some(Key::Creator) {
                    note_creator(&mut o, &hex(&bytes[i + 1..end.saturating_sub(1)]));
                }
                pending = None;
                i = end;
            }
            b'<' => {
                // `<<`, a dictionary opens.
                pending = None;
                i += 2;
            }
            b'/' => {
                let start = i + 1;
                i = start;
                while i < n && !delimiter(bytes[i]) {
                    i += 1;
                }
                let name = &bytes[start..i];
                match pending.take() {
                    Some(Key::Type) => match name {
                        b"Catalog" => o.catalog = true,
                        b"Page" => o.page = true,
                        b"XRef" => o.xref = true,
                        b"ObjStm" => o.object_streams = true,
                        _ => {}
                    },
                    Some(Key::Font) => {
                        let bare = name.split(|&c| c == b'+').next_back().unwrap_or(name);
                        if o.font.is_none()
                            && OWN_FONTS.iter().any(|f| bare.starts_with(f.as_bytes()))
                        {
                            o.font = Some(String::from_utf8_lossy(bare).into_owned());
                        }
                    }
                    _ => {
                        pending = match name {
                            b"Type" => Some(Key::Type),
                            b"BaseFont" | b"FontName" => Some(Key::Font),
                            b"Creator" | b"Producer" => Some(Key::Creator),
                            b"Count" => Some(Key::Count),
                            _ => None,
                        };
                        o.root |= name == b"Root";
                    }
                }
            }
            _ if delimiter(b) => {
                // `>`, `[`, `]`, `{`, `}`, a stray `)`.
                pending = None;
                i += 1;
            }
            _ => {
                let start = i;
                while i < n && !delimiter(bytes[i]) {
                    i += 1;
                }
                let word = &bytes[start..i];
                let number = || std::str::from_utf8(word).ok()?.parse::<usize>().ok();
                match pending.take() {
                    Some(Key::StartXref) => o.startxref = number().is_some_and(|at| at < n),
                    Some(Key::Count) => o.counted_pages |= number().is_some_and(|c| c > 0),
                    _ => {}
                }
                match word {
                    b"stream" => {
                        // The stream's data, to its `endstream`.
                        i = memchr::memmem::find(&bytes[i..], b"endstream")
                            .map_or(n, |k| i + k + b"endstream".len());
                    }
                    b"xref" => o.xref = true,
                    b"startxref" => pending = Some(Key::StartXref),
                    _ => {}
                }
            }
        }
    }
    o
}

/// Keeps `text`, a creator or producer, when it is Typst's.
fn note_creator(o: &mut Outline, text: &str) {
    if o.creator.is_none() && text.starts_with(TYPESETTER) {
        o.creator = Some(text.to_string());
    }
}

/// The position after the literal string opening at `start` (balanced parentheses,
/// backslash escapes), or the end of the bytes.
fn after_string(bytes: &[u8], start: usize) -> usize {
    let mut open = 0usize;
    let mut i = start;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 1,
            b'(' => open += 1,
            b')' => {
                open -= 1;
                if open == 0 {
                    return i + 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    bytes.len()
}

/// The text of a literal string's bytes (between its parentheses): escapes of one
/// character undone (enough for a program's name), then as a text string.
fn literal(raw: &[u8]) -> String {
    let mut out = Vec::with_capacity(raw.len());
    let mut bytes = raw.iter();
    while let Some(&b) = bytes.next() {
        if b != b'\\' {
            out.push(b);
            continue;
        }
        match bytes.next() {
            Some(b'n') => out.push(b'\n'),
            Some(b'r') => out.push(b'\r'),
            Some(b't') => out.push(b'\t'),
            Some(&c) => out.push(c),
            None => {}
        }
    }
    text_string(&out)
}

/// The text of a hex string's digits (between its angle brackets).
fn hex(raw: &[u8]) -> String {
    let digits: Vec<u8> = raw
        .iter()
        .filter_map(|&c| char::from(c).to_digit(16))
        .map(|d| d as u8)
        .collect();
    let bytes: Vec<u8> = digits
        .chunks(2)
        .map(|p| p[0] << 4 | p.get(1).copied().unwrap_or(0))
        .collect();
    text_string(&bytes)
}

/// A PDF text string as text: UTF-16BE after its byte order mark, else bytes as Latin-1
/// (PDFDocEncoding agrees with it on every printable ASCII character).
fn text_string(bytes: &[u8]) -> String {
    match bytes.strip_prefix(b"\xFE\xFF") {
        Some(utf16) => {
            let units = utf16
                .chunks_exact(2)
                .map(|c| u16::from_be_bytes([c[0], c[1]]));
            char::decode_utf16(units)
                .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
                .collect()
        }
        None => bytes.iter().map(|&b| char::from(b)).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A whole one-page PDF with a font named `font`, creator `creator` (if any), and
    /// `extra` in the page's dictionary; the cross-reference offsets computed.
    fn pdf_with(font: &str, creator: Option<&str>, extra: &str) -> Vec<u8> {
        let info = creator.map_or("null".to_string(), |c| format!("<< /Creator {c} >>"));
        let objects = [
            "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
            format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> {extra} >>"
            ),
            format!("<< /Type /Font /Subtype /Type1 /BaseFont /{font} >>"),
            info,
        ];
        let mut out = b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n".to_vec();
        let mut offsets = Vec::new();
        for (i, o) in objects.iter().enumerate() {
            offsets.push(out.len());
            out.extend(format!("{} 0 obj\n{o}\nendobj\n", i + 1).bytes());
        }
        let xref = out.len();
        out.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).bytes());
        for o in offsets {
            out.extend(format!("{o:010} 00000 n \n").bytes());
        }
        out.extend(
            format!(
                "trailer\n<< /Size {} /Root 1 0 R /Info 5 0 R >>\nstartxref\n{xref}\n%%EOF\n",
                objects.len() + 1
            )
            .bytes(),
        );
        out
    }

    fn why(r: Result<(), Refused>) -> String {
        match r {
            Err(Refused::Broken(w)) => w.en,
            other => panic!("not broken: {other:?}"),
        }
    }

    #[test]
    fn a_whole_pdf_is_accepted() {
        check(&pdf_with("Helvetica", None, "")).unwrap();
        check(&pdf_with("Helvetica", Some("(Adobe Scan)"), "")).unwrap();
        // A stream whose data looks like objects is skipped.
        let stream = "/Contents 6 0 R >> >>\nendobj\n6 0 obj\n<< /Length 30 >>\nstream\n/Type /Font /BaseFont /ResettleSans\nendstream";
        check(&pdf_with("Helvetica", None, stream)).unwrap();
    }

    #[test]
    fn a_magic_number_alone_or_a_cut_pdf_is_not() {
        assert!(why(check(b"%PDF-")).contains("cut off"));
        assert!(why(check(b"%PDF-")).contains("5 bytes"));
        let whole = pdf_with("Helvetica", None, "");
        for cut in [20, whole.len() / 2, whole.len() - 7] {
            assert!(why(check(&whole[..cut])).contains("cut off"), "{cut}");
        }
        assert!(why(check(b"%PDF-x\n%%EOF")).contains("no PDF version"));
    }

    #[test]
    fn a_pdf_without_its_parts_is_not() {
        // The old fixture of the tests: an end, but no cross-reference nor page.
        let hollow = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";
        assert!(why(check(hollow)).contains("no cross-reference table"));
        let whole = String::from_utf8_lossy(&pdf_with("Helvetica", None, "")).into_owned();
        let without = |from: &str, to: &str| why(check(whole.replace(from, to).as_bytes()));
        let leaf = whole.replace("/Type /Page ", "/Type /Leaf ");
        assert!(why(check(leaf.replace("/Count 1", "/Count 0").as_bytes())).contains("no page"));
        // A page without its type, in a tree that counts it.
        check(leaf.as_bytes()).unwrap();
        assert!(without("/Type /Catalog", "/Type /Catalot").contains("no document catalog"));
        assert!(without("/Root", "/Rooz").contains("no cross-reference"));
        assert!(without("startxref\n", "startxref\n9").contains("no cross-reference"));
        // Garbage between a header and an end.
        let garbage = [&b"%PDF-1.7\n"[..], &[b'A'; 300], b"\n%%EOF\n"].concat();
        assert!(why(check(&garbage)).contains("no cross-reference"));
    }

    #[test]
    fn pages_in_object_streams_are_out_of_sight_and_accepted() {
        let whole = String::from_utf8_lossy(&pdf_with("Helvetica", None, "")).into_owned();
        let packed = whole
            .replace("/Type /Page ", "/Type /Leaf ")
            .replace("/Type /Pages", "/Type /ObjStm");
        check(packed.as_bytes()).unwrap();
    }

    #[test]
    fn resettle_forms_are_recognised_by_font_or_creator() {
        let by_font = check(&pdf_with("RVIJAW+ResettleSerif-Regular", None, ""));
        assert!(
            matches!(&by_font, Err(Refused::OwnForm(Mark::Font(f))) if f == "ResettleSerif-Regular"),
            "{by_font:?}"
        );
        let sans = check(&pdf_with("ResettleSans-Bold", Some("(Acrobat)"), ""));
        assert!(matches!(sans, Err(Refused::OwnForm(Mark::Font(_)))));
        for creator in ["(Typst 0.15.1)", "<FEFF00540079007000730074>", "(Typst\\))"] {
            let by_creator = check(&pdf_with("Helvetica", Some(creator), ""));
            assert!(
                matches!(&by_creator, Err(Refused::OwnForm(Mark::Creator(c))) if c.starts_with("Typst")),
                "{creator}: {by_creator:?}"
            );
        }
        // Other creators and fonts are scans.
        check(&pdf_with("PTSerif-Regular", Some("(HP Scan)"), "")).unwrap();
        check(&pdf_with("Helvetica", Some("(Made with (Typst))"), "")).unwrap();
    }

    #[test]
    fn the_lexer_does_not_recurse() {
        // A million nested arrays, as a recursive parser would overflow its stack on.
        let deep = format!("/X {}{}", "[".repeat(1_000_000), "]".repeat(1_000_000));
        check(&pdf_with("Helvetica", None, &deep)).unwrap();
        let deep = format!("/X {}", "<<".repeat(1_000_000));
        assert!(check(&pdf_with("Helvetica", None, &deep)).is_ok());
    }

    #[test]
    fn strings_are_decoded() {
        assert_eq!(text_string(b"Typst 0.15.1"), "Typst 0.15.1");
        assert_eq!(text_string(b"\xFE\xFF\0T\0y"), "Ty");
        assert_eq!(literal(b"a\\)b\\\\"), "a)b\\");
        assert_eq!(hex(b"FEFF0054 0079"), "Ty");
        assert_eq!(hex(b"5"), "P");
        assert_eq!(after_string(b"(a(b)c) d", 0), 7);
        assert_eq!(after_string(b"(a\\)", 0), 4);
    }
}
