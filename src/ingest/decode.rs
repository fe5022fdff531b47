//! Bytes to text: detects the encoding a spreadsheet program wrote (UTF-8 with or without
//! BOM, UTF-16 LE/BE with BOM, Windows-1251 or KOI8-R) and decodes without ever failing;
//! the text is then brought to Unicode's composed form (NFC, [`to_nfc`]), so that a
//! `й` typed on a Mac (и and a combining breve) is the one letter the fonts print.

use std::borrow::Cow;

/// The encoding a file was read in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf8Bom,
    Utf16Le,
    Utf16Be,
    Windows1251,
    Koi8R,
}

impl Encoding {
    pub fn label(self) -> &'static str {
        match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Utf8Bom => "UTF-8 with BOM",
            Encoding::Utf16Le => "UTF-16LE",
            Encoding::Utf16Be => "UTF-16BE",
            Encoding::Windows1251 => "Windows-1251",
            Encoding::Koi8R => "KOI8-R",
        }
    }
}

/// Decoded text and how it was obtained.
pub struct Decoded<'a> {
    pub text: Cow<'a, str>,
    pub encoding: Encoding,
    /// Byte sequences that were not valid in the detected encoding and were replaced by
    /// U+FFFD, and the line of the first one.
    pub replaced: usize,
    pub first_replaced_line: Option<usize>,
    /// How sure the choice between Windows-1251 and KOI8-R is, in words (for a file
    /// in one of them).
    pub certainty: Option<String>,
}

/// Russian's ten commonest letters, which make more than half of the letters of Russian
/// text (names included); read in the wrong one of Windows-1251 and KOI8-R, whose
/// letters stand at unrelated bytes, they make about a quarter.
const COMMON_LETTERS: &str = "оеаинтсрвл";

/// How much of a file is looked at to choose between Windows-1251 and KOI8-R.
const SAMPLE: usize = 256 * 1024;

/// The share of `text`'s Cyrillic letters that are among [`COMMON_LETTERS`], in percent,
/// and the number of Cyrillic letters.
fn common_share(text: &str) -> (u32, usize) {
    let (mut cyrillic, mut common) = (0usize, 0usize);
    for c in text.chars().filter(|c| ('\u{400}'..='\u{4FF}').contains(c)) {
        cyrillic += 1;
        if c.to_lowercase().any(|l| COMMON_LETTERS.contains(l)) {
            common += 1;
        }
    }
    let share = (common * 100).checked_div(cyrillic).unwrap_or(0) as u32;
    (share, cyrillic)
}

/// Windows-1251 or KOI8-R for bytes that are not UTF-8, chosen by which of them makes
/// the beginning of the file read as Russian, and the choice in words.
fn single_byte(bytes: &[u8]) -> (&'static encoding_rs::Encoding, Encoding, String) {
    let sample = &bytes[..bytes.len().min(SAMPLE)];
    let (cp, _) = encoding_rs::WINDOWS_1251.decode_without_bom_handling(sample);
    let (koi, _) = encoding_rs::KOI8_R.decode_without_bom_handling(sample);
    let ((cp_share, letters), (koi_share, _)) = (common_share(&cp), common_share(&koi));
    if letters == 0 {
        let why = "no Cyrillic letter tells it from KOI8-R".to_string();
        return (encoding_rs::WINDOWS_1251, Encoding::Windows1251, why);
    }
    let why = |share, other_share, other| {
        format!(
            "{share} % of its Cyrillic letters are Russian's ten commonest, {other_share} % read as {other}"
        )
    };
    if koi_share > cp_share {
        let w = why(koi_share, cp_share, "Windows-1251");
        (encoding_rs::KOI8_R, Encoding::Koi8R, w)
    } else {
        let w = why(cp_share, koi_share, "KOI8-R");
        (encoding_rs::WINDOWS_1251, Encoding::Windows1251, w)
    }
}

pub use crate::text::{needs_nfc, to_nfc};

/// Decodes `bytes`. A BOM decides; without one, valid UTF-8 is UTF-8; text that is
/// mostly valid UTF-8 (a few broken bytes among many multi-byte letters) is UTF-8 with
/// the broken bytes replaced; anything else is Windows-1251, which Excel writes in a
/// Russian locale and which maps every byte.
pub fn decode(bytes: &[u8]) -> Decoded<'_> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return utf8_lossy(rest, Encoding::Utf8Bom);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        return utf16(rest, encoding_rs::UTF_16LE, Encoding::Utf16Le);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        return utf16(rest, encoding_rs::UTF_16BE, Encoding::Utf16Be);
    }
    // SIMD validation: a batch file is mostly Cyrillic, where the standard library's
    // validation is several times slower.
    if let Ok(text) = simdutf8::basic::from_utf8(bytes) {
        return Decoded {
            text: Cow::Borrowed(text),
            encoding: Encoding::Utf8,
            replaced: 0,
            first_replaced_line: None,
            certainty: None,
        };
    }
    let (mut multibyte, mut invalid) = (0usize, 0usize);
    for chunk in bytes.utf8_chunks() {
        multibyte += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
        invalid += chunk.invalid().len();
    }
    if multibyte >= 4 * invalid {
        return utf8_lossy(bytes, Encoding::Utf8);
    }
    let (enc, encoding, why) = single_byte(bytes);
    let (text, _) = enc.decode_without_bom_handling(bytes);
    Decoded {
        text,
        encoding,
        replaced: 0,
        first_replaced_line: None,
        certainty: Some(why),
    }
}

/// [`decode`] of bytes it may keep: valid UTF-8 (with or without a BOM) becomes the
/// text in place (no second buffer; a BOM is moved out of the way).
pub fn decode_owned(mut bytes: Vec<u8>) -> Decoded<'static> {
    let bom = bytes.starts_with(b"\xEF\xBB\xBF");
    let valid =
        simdutf8::basic::from_utf8(bytes.get(usize::from(bom) * 3..).unwrap_or_default()).is_ok();
    if valid {
        bytes.drain(..usize::from(bom) * 3);
        // SAFETY: the bytes, without their BOM, were validated as UTF-8 just above.
        let text = unsafe { String::from_utf8_unchecked(bytes) };
        return Decoded {
            text: Cow::Owned(text),
            encoding: if bom {
                Encoding::Utf8Bom
            } else {
                Encoding::Utf8
            },
            replaced: 0,
            first_replaced_line: None,
            certainty: None,
        };
    }
    let d = decode(&bytes);
    Decoded {
        text: Cow::Owned(d.text.into_owned()),
        ..d
    }
}

fn utf8_lossy(bytes: &[u8], encoding: Encoding) -> Decoded<'_> {
    let text = String::from_utf8_lossy(bytes);
    let (replaced, first_replaced_line) = count_replacements(&text, bytes);
    Decoded {
        text,
        encoding,
        replaced,
        first_replaced_line,
        certainty: None,
    }
}

fn utf16<'a>(
    bytes: &'a [u8],
    enc: &'static encoding_rs::Encoding,
    encoding: Encoding,
) -> Decoded<'a> {
    let (text, _) = enc.decode_without_bom_handling(bytes);
    let (replaced, first_replaced_line) = count_replacements(&text, bytes);
    Decoded {
        text,
        encoding,
        replaced,
        first_replaced_line,
        certainty: None,
    }
}

/// Counts U+FFFD introduced by decoding (those not already in the source bytes).
fn count_replacements(text: &str, source: &[u8]) -> (usize, Option<usize>) {
    let in_text = text.matches('\u{FFFD}').count();
    if in_text == 0 {
        return (0, None);
    }
    // A literal U+FFFD in UTF-8 input is rare; count it as already present.
    let literal = source
        .windows(3)
        .filter(|w| *w == "\u{FFFD}".as_bytes())
        .count();
    let replaced = in_text.saturating_sub(literal);
    // Line of the first replacement; a line break is LF, CRLF or a lone CR.
    let first = text.find('\u{FFFD}').map(|i| {
        let before = &text.as_bytes()[..i];
        let lone_cr = memchr::memchr_iter(b'\r', before)
            .filter(|&k| before.get(k + 1) != Some(&b'\n'))
            .count();
        memchr::memchr_iter(b'\n', before).count() + lone_cr + 1
    });
    (replaced, first.filter(|_| replaced > 0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn koi8_r_is_told_from_windows_1251() {
        let text = "Фамилия;Имя;Отчество\r\nЁлкин;Пётр;Сергеевич\r\nЖумабаева;Айгерим;\r\n";
        let (koi, _, _) = encoding_rs::KOI8_R.encode(text);
        let d = decode(&koi);
        assert_eq!(d.encoding, Encoding::Koi8R);
        assert_eq!(d.text, text);
        assert!(d.certainty.unwrap().contains("read as Windows-1251"));
        let (cp, _, _) = encoding_rs::WINDOWS_1251.encode(text);
        let d = decode(&cp);
        assert_eq!(d.encoding, Encoding::Windows1251);
        assert_eq!(d.text, text);
        // Capitals only, as some registers write names: still told apart.
        let caps = text.to_uppercase();
        let (koi, _, _) = encoding_rs::KOI8_R.encode(&caps);
        assert_eq!(decode(&koi).encoding, Encoding::Koi8R);
    }

    #[test]
    fn utf8_plain_and_bom() {
        let d = decode("Фамилия,Имя".as_bytes());
        assert_eq!(d.encoding, Encoding::Utf8);
        assert!(matches!(d.text, Cow::Borrowed(_)));
        let mut b = b"\xEF\xBB\xBF".to_vec();
        b.extend_from_slice("Фамилия".as_bytes());
        let d = decode(&b);
        assert_eq!(d.encoding, Encoding::Utf8Bom);
        assert_eq!(d.text, "Фамилия");
    }

    #[test]
    fn utf16_both_orders() {
        let s = "Қайрат;Әлия\r\n";
        let mut le = vec![0xFF, 0xFE];
        let mut be = vec![0xFE, 0xFF];
        for u in s.encode_utf16() {
            le.extend_from_slice(&u.to_le_bytes());
            be.extend_from_slice(&u.to_be_bytes());
        }
        assert_eq!(decode(&le).text, s);
        assert_eq!(decode(&le).encoding, Encoding::Utf16Le);
        assert_eq!(decode(&be).text, s);
        assert_eq!(decode(&be).encoding, Encoding::Utf16Be);
    }

    #[test]
    fn windows_1251() {
        let (bytes, _, _) = encoding_rs::WINDOWS_1251.encode("Фамилия;Имя;Отчество\r\nЁлкин;Пётр;");
        let d = decode(&bytes);
        assert_eq!(d.encoding, Encoding::Windows1251);
        assert_eq!(d.text, "Фамилия;Имя;Отчество\r\nЁлкин;Пётр;");
    }

    #[test]
    fn mostly_utf8_with_a_broken_byte_stays_utf8() {
        let mut b = "Фамилия,Имя\nИванов,Иван\n".as_bytes().to_vec();
        b.extend_from_slice(b"\xFF\n");
        let d = decode(&b);
        assert_eq!(d.encoding, Encoding::Utf8);
        assert_eq!(d.replaced, 1);
        assert_eq!(d.first_replaced_line, Some(3));
    }
}
