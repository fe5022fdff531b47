//! CSV text to records, without copying: a field is a span of the text (between its
//! quotes when quoted). Only a record that needs unescaping (`""` inside quotes, text
//! after a closing quote, a quote inside an unquoted value, a quote never closed) is
//! read by csv-core into a buffer of its own. A large file is split in pieces read in
//! parallel, each checked to start where the one before it ended.
//!
//! The result is exactly csv-core's reading of the whole text (a property test holds
//! it to that), with records of blanks left out.

use rayon::prelude::*;

/// Bit of a field end telling that the field was quoted: its value lies between the
/// quotes, one byte inside its raw extent at each end.
const QUOTED: u32 = 1 << 31;

/// The largest text this module splits: field ends keep their top bit for [`QUOTED`].
pub const MAX_TEXT: usize = (QUOTED - 1) as usize;

/// A piece of the text once split: the field ends of its records, and the unescaped
/// fields of those records csv-core read.
#[derive(Debug, Default)]
pub struct Part {
    /// Fields of csv-core's records, back to back.
    pub unescaped: String,
    /// Field ends: in the text (raw records) or in `unescaped` (the others).
    pub ends: Vec<u32>,
}

/// Where the fields of a record are.
#[derive(Debug, Clone, Copy)]
pub struct At {
    /// Its part, in [`Split::parts`].
    pub part: u32,
    /// Start of its first field (raw: in the text; else in the part's `unescaped`).
    pub base: u32,
    /// Its field ends are `part.ends[first..first + count]`.
    pub first: u32,
    pub count: u32,
    /// Whether its fields are in the text, between delimiters.
    pub raw: bool,
}

/// One record: the bytes of the text it spans, and where its fields are.
#[derive(Debug, Clone, Copy)]
pub struct Span {
    /// Byte where the record starts in the text.
    pub start: usize,
    /// Byte after the one that ended it (the CR of a CRLF), or the end of the text.
    pub end: usize,
    pub at: At,
}

/// The fields of one record, as string slices.
#[derive(Debug, Clone, Copy)]
pub struct Fields<'a> {
    text: &'a str,
    base: u32,
    ends: &'a [u32],
    /// Bytes between two fields' raw extents: 1 (a delimiter) in the text, 0 unescaped.
    gap: u32,
}

impl<'a> Fields<'a> {
    pub fn new(text: &'a str, parts: &'a [Part], at: &At) -> Fields<'a> {
        let part = &parts[at.part as usize];
        let (first, count) = (at.first as usize, at.count as usize);
        Fields {
            text: if at.raw { text } else { &part.unescaped },
            base: at.base,
            ends: part.ends.get(first..first + count).unwrap_or_default(),
            gap: u32::from(at.raw),
        }
    }

    /// Where the value of field `i` lies.
    fn span(&self, i: usize) -> Option<(usize, usize)> {
        let end = *self.ends.get(i)?;
        let raw_start = match i.checked_sub(1) {
            None => self.base,
            Some(p) => {
                let prev = self.ends[p];
                (prev & !QUOTED) + (prev >> 31) + self.gap
            }
        };
        Some(((raw_start + (end >> 31)) as usize, (end & !QUOTED) as usize))
    }

    /// Field `i`, if the record has it.
    pub fn get(&self, i: usize) -> Option<&'a str> {
        let (start, end) = self.span(i)?;
        self.text.get(start..end)
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &'a str> + '_ {
        (0..self.len()).map(|i| self.get(i).unwrap_or(""))
    }

    /// The length in bytes of the longest field (untrimmed).
    pub fn longest(&self) -> usize {
        // [`Fields::span`] of every field, in one pass: each raw extent starts where
        // the previous one ended.
        let (mut raw_start, mut longest) = (self.base, 0);
        for &end in self.ends {
            let (quoted, end) = (end >> 31, end & !QUOTED);
            longest = longest.max(end.saturating_sub(raw_start + quoted));
            raw_start = end + quoted + self.gap;
        }
        longest as usize
    }

    /// Whether every field is empty or blanks (Excel writes `;;;` rows).
    pub fn is_blank(&self) -> bool {
        self.iter().all(|f| f.trim().is_empty())
    }
}

/// The records of a text.
#[derive(Debug, Default)]
pub struct Split {
    pub parts: Vec<Part>,
    pub spans: Vec<Span>,
}

/// The size of the pieces a large text is split in (a text under twice this size is
/// one piece; there are at most 64).
const PIECE: usize = 1 << 20;

/// Splits `text` from byte `from` into records (records of ASCII blanks left out). The
/// first record is the header: past `max_rows` more, stops with the byte where the
/// first record past the limit starts. `text` is at most [`MAX_TEXT`] bytes.
pub fn split(text: &str, from: usize, delimiter: u8, max_rows: u64) -> Result<Split, usize> {
    split_in_pieces(text, from, delimiter, max_rows, PIECE)
}

fn split_in_pieces(
    text: &str,
    from: usize,
    delimiter: u8,
    max_rows: u64,
    piece: usize,
) -> Result<Split, usize> {
    debug_assert!(text.len() <= MAX_TEXT);
    let len = text.len();
    let bytes = text.as_bytes();
    let cap = usize::try_from(max_rows)
        .unwrap_or(usize::MAX)
        .saturating_add(2);
    // Piece boundaries: the byte after a line feed near each even cut.
    let pieces = (len.saturating_sub(from) / piece.max(1)).clamp(1, 64);
    let mut bounds = vec![from];
    for k in 1..pieces {
        let cut = from + ((len - from) as u64 * k as u64 / pieces as u64) as usize;
        let b = memchr::memchr(b'\n', &bytes[cut..]).map_or(len, |i| cut + i + 1);
        if b > *bounds.last().unwrap_or(&from) && b < len {
            bounds.push(b);
        }
    }
    bounds.push(len);
    // Each piece is read up to its end and no further: one that starts inside a quoted
    // value may read nonsense, but never more than its own bytes.
    let pieces: Vec<(Part, Vec<Span>, usize)> = bounds
        .par_windows(2)
        .map(|w| read_piece(text, w[0], w[1], w[1], delimiter, cap))
        .collect();
    // A piece counts only if the one before it ended where it starts (a quoted line
    // break can hide a cut, and a record running past its piece's end stops that
    // piece); otherwise it is read again, from where that one ended, as one reading of
    // the whole text would.
    let mut out = Split {
        parts: Vec::with_capacity(pieces.len()),
        spans: Vec::with_capacity(pieces.iter().map(|p| p.1.len()).sum()),
    };
    let mut at = from;
    for (k, (part, spans, end)) in pieces.into_iter().enumerate() {
        let (part, mut spans, end) = if at == bounds[k] {
            (part, spans, end)
        } else {
            read_piece(text, at, bounds[k + 1].max(at), len, delimiter, cap)
        };
        let index = out.parts.len() as u32;
        for s in &mut spans {
            s.at.part = index;
        }
        out.spans.append(&mut spans);
        out.parts.push(part);
        if out.spans.len() >= cap {
            return Err(out.spans[cap - 1].start);
        }
        at = end;
    }
    Ok(out)
}

/// Reads the records starting in `text[from..to]`, at most `cap` of them, looking at no
/// byte past `limit`: a record that would need one stops the reading before it.
/// Returns them with the byte where reading stopped.
fn read_piece(
    text: &str,
    from: usize,
    to: usize,
    limit: usize,
    delimiter: u8,
    cap: usize,
) -> (Part, Vec<Span>, usize) {
    let bytes = text.as_bytes();
    let mut r = Reader {
        bytes: &bytes[..limit],
        more: limit < bytes.len(),
        delimiter,
        part: Part::default(),
        core: csv_core::ReaderBuilder::new().delimiter(delimiter).build(),
        out: Vec::new(),
        core_ends: vec![0; 64],
    };
    let mut spans = Vec::new();
    let mut pos = from;
    while pos < to && spans.len() < cap {
        // Line breaks between records are skipped (csv-core skips empty lines).
        while pos < to && matches!(bytes[pos], b'\r' | b'\n') {
            pos += 1;
        }
        if pos >= to {
            break;
        }
        let start = pos;
        let first = r.part.ends.len();
        let out_base = r.out.len();
        let read = match r.raw_record(start) {
            Raw::Record(end) => Some((end, true)),
            Raw::Cut => None,
            Raw::Escaped => {
                r.part.ends.truncate(first);
                r.core_record(start).map(|end| (end, false))
            }
        };
        let Some((end, raw)) = read else {
            // The record runs past `limit`: this piece ends before it.
            r.part.ends.truncate(first);
            r.out.truncate(out_base);
            break;
        };
        pos = end;
        let base = if raw { start } else { out_base };
        let at = At {
            part: 0,
            base: base as u32,
            first: first as u32,
            count: (r.part.ends.len() - first) as u32,
            raw,
        };
        let blank = {
            // Only the spans are read: the bytes are in `src`.
            let f = Fields {
                text: "",
                base: at.base,
                ends: &r.part.ends[first..],
                gap: u32::from(raw),
            };
            let src: &[u8] = if raw { bytes } else { &r.out };
            (0..f.len()).all(|i| {
                f.span(i)
                    .and_then(|(a, b)| src.get(a..b))
                    .is_none_or(|v| v.iter().all(u8::is_ascii_whitespace))
            })
        };
        if blank {
            // A line of blanks or delimiters: nothing kept.
            r.part.ends.truncate(first);
            r.out.truncate(out_base);
        } else {
            spans.push(Span { start, end, at });
        }
    }
    let mut part = r.part;
    // csv-core's fields of valid UTF-8 split at ASCII bytes are valid UTF-8: checked
    // all the same, since the spans index the text as it is.
    debug_assert!(simdutf8::basic::from_utf8(&r.out).is_ok());
    part.unescaped = match simdutf8::basic::from_utf8(&r.out) {
        // SAFETY: `r.out` was validated as UTF-8 just above.
        Ok(_) => unsafe { String::from_utf8_unchecked(r.out) },
        // Unreachable: a replacement would shift the fields after it.
        Err(_) => String::from_utf8_lossy(&r.out).into_owned(),
    };
    (part, spans, pos)
}

/// How [`Reader::raw_record`] ended.
enum Raw {
    /// A record read as spans of the text, ending before this byte.
    Record(usize),
    /// A record that needs unescaping.
    Escaped,
    /// A record that runs past the bytes the reader may look at.
    Cut,
}

/// The first byte from `from` on that ends an unquoted field or needs a look (the
/// delimiter `d`, CR, LF or a quote), or the end of `bytes`. Eight bytes at a time.
fn field_end(bytes: &[u8], from: usize, d: u8) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // Bytes of `x` equal to `b` get their high bit in the result; the lowest such bit
    // is exact (a borrow can only set bits above a true match).
    let matches = |x: u64, b: u8| {
        let y = x ^ (ONES * u64::from(b));
        y.wrapping_sub(ONES) & !y & HIGH
    };
    let mut i = from;
    while let Some(chunk) = bytes.get(i..i + 8) {
        let x = u64::from_le_bytes(chunk.try_into().unwrap_or_default());
        let m = matches(x, d) | matches(x, b'\r') | matches(x, b'\n') | matches(x, b'"');
        if m != 0 {
            return i + (m.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while let Some(&b) = bytes.get(i) {
        if b == d || b == b'\r' || b == b'\n' || b == b'"' {
            return i;
        }
        i += 1;
    }
    i
}

struct Reader<'t> {
    /// The text up to the reader's limit.
    bytes: &'t [u8],
    /// Whether the text goes on past `bytes` (then their end is no end of file).
    more: bool,
    delimiter: u8,
    part: Part,
    core: csv_core::Reader,
    /// Unescaped fields of csv-core's records.
    out: Vec<u8>,
    core_ends: Vec<usize>,
}

impl Reader<'_> {
    /// Reads the record at `pos` as spans of the text, if it needs no unescaping.
    fn raw_record(&mut self, mut pos: usize) -> Raw {
        let (bytes, d) = (self.bytes, self.delimiter);
        let ended = |at: usize| if self.more { Raw::Cut } else { Raw::Record(at) };
        loop {
            if bytes.get(pos) == Some(&b'"') {
                let Some(k) = memchr::memchr(b'"', &bytes[pos + 1..]) else {
                    return if self.more { Raw::Cut } else { Raw::Escaped };
                };
                let close = pos + 1 + k;
                self.part.ends.push(close as u32 | QUOTED);
                match bytes.get(close + 1) {
                    Some(&b) if b == d => pos = close + 2,
                    Some(b'\r' | b'\n') => return Raw::Record(close + 2),
                    None => return ended(bytes.len()),
                    Some(_) => return Raw::Escaped,
                }
            } else {
                let i = field_end(bytes, pos, d);
                match bytes.get(i) {
                    Some(b'"') => return Raw::Escaped,
                    Some(&b) => {
                        self.part.ends.push(i as u32);
                        if b == d {
                            pos = i + 1;
                        } else {
                            return Raw::Record(i + 1);
                        }
                    }
                    None => {
                        self.part.ends.push(i as u32);
                        return ended(bytes.len());
                    }
                }
            }
        }
    }

    /// Reads the record at `pos` with csv-core, its fields unescaped into `out`:
    /// returns the byte after it, or `None` when it runs past the reader's bytes.
    fn core_record(&mut self, pos: usize) -> Option<usize> {
        use csv_core::ReadRecordResult::*;
        self.core.reset();
        let base = self.out.len();
        let (mut pos_in, mut pos_out, mut nends) = (pos, base, 0);
        loop {
            if self.out.len() - pos_out < 64 {
                self.out.resize(self.out.len() * 2 + 1024, 0);
            }
            let (result, nin, nout, nend) = self.core.read_record(
                &self.bytes[pos_in..],
                &mut self.out[pos_out..],
                &mut self.core_ends[nends..],
            );
            pos_in += nin;
            pos_out += nout;
            nends += nend;
            match result {
                // At the reader's end: the end of the file only if the text ends there
                // (csv-core is then told so by an empty input).
                InputEmpty if self.more && pos_in == self.bytes.len() => {
                    self.out.truncate(base);
                    return None;
                }
                InputEmpty | OutputFull => {}
                OutputEndsFull => self.core_ends.resize(self.core_ends.len() * 2, 0),
                Record | End => break,
            }
        }
        self.out.truncate(pos_out);
        self.part
            .ends
            .extend(self.core_ends[..nends].iter().map(|&e| (base + e) as u32));
        Some(pos_in)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// csv-core's reading of the whole text, records of ASCII blanks left out.
    fn reference(text: &str, delimiter: u8) -> Vec<(usize, Vec<String>)> {
        let mut rdr = csv_core::ReaderBuilder::new().delimiter(delimiter).build();
        let input = text.as_bytes();
        let mut out = vec![0u8; input.len() + 1];
        let mut ends = vec![0usize; input.len() + 2];
        let (mut pos, mut start, mut records) = (0, 0, Vec::new());
        let (mut nout, mut nend) = (0, 0);
        loop {
            let (res, i, o, e) =
                rdr.read_record(&input[pos..], &mut out[nout..], &mut ends[nend..]);
            pos += i;
            nout += o;
            nend += e;
            match res {
                csv_core::ReadRecordResult::Record => {
                    let mut fields = Vec::new();
                    let mut s = 0;
                    for &e in &ends[..nend] {
                        fields.push(String::from_utf8_lossy(&out[s..e]).into_owned());
                        s = e;
                    }
                    if !fields
                        .iter()
                        .all(|f| f.bytes().all(|b| b.is_ascii_whitespace()))
                    {
                        // The record starts after the line breaks csv-core skipped.
                        let skipped = input[start..]
                            .iter()
                            .take_while(|b| matches!(b, b'\r' | b'\n'))
                            .count();
                        records.push((start + skipped, fields));
                    }
                    start = pos;
                    (nout, nend) = (0, 0);
                }
                csv_core::ReadRecordResult::End => break,
                _ => {}
            }
        }
        records
    }

    fn ours(text: &str, delimiter: u8) -> Vec<(usize, Vec<String>)> {
        in_pieces(text, delimiter, PIECE)
    }

    /// The records of `text` split in pieces of about `piece` bytes.
    fn in_pieces(text: &str, delimiter: u8, piece: usize) -> Vec<(usize, Vec<String>)> {
        let s = split_in_pieces(text, 0, delimiter, u64::MAX, piece).unwrap();
        s.spans
            .iter()
            .map(|sp| {
                let f = Fields::new(text, &s.parts, &sp.at);
                let fields: Vec<String> = f.iter().map(str::to_string).collect();
                let longest = fields.iter().map(String::len).max().unwrap_or(0);
                assert_eq!(f.longest(), longest, "{fields:?}");
                (sp.start, fields)
            })
            .collect()
    }

    #[test]
    fn quoted_fields_are_spans_and_escapes_are_unescaped() {
        let text = "a,\"b,c\",d\r\n\"x\"\"y\",z\n\n\"multi\nline\",\"\"\nlast";
        let got = ours(text, b',');
        assert_eq!(got, reference(text, b','));
        assert_eq!(got[0].1, ["a", "b,c", "d"]);
        assert_eq!(got[1].1, ["x\"y", "z"]);
        assert_eq!(got[2].1, ["multi\nline", ""]);
        assert_eq!(got[3].1, ["last"]);
    }

    #[test]
    fn pieces_agree_with_one_reading() {
        // Large enough to be read in several pieces, with quoted line breaks that a
        // cut can fall into.
        let mut text = String::from("id;note;n\n");
        for i in 0..200_000 {
            match i % 7 {
                0 => text.push_str(&format!("A{i};\"two\nlines\";{i}\n")),
                1 => text.push_str(&format!("A{i};\"say \"\"hi\"\"\";{i}\r\n")),
                2 => text.push_str(";;\n\n"),
                _ => text.push_str(&format!("A{i};plain {i};{i}\n")),
            }
        }
        assert!(text.len() > 4 * PIECE);
        assert_eq!(ours(&text, b';'), reference(&text, b';'));
        // In a file without quotes, a quote opening a value at the start of a line and
        // never closed swallows the rest of the file, as in one reading; the pieces
        // after it read nonsense (no further than their own end) and are read again.
        let mut plain = String::from("id;note;n\n");
        for i in 0..200_000 {
            plain.push_str(&format!("A{i};plain {i};{i}\n"));
        }
        let third = plain.len() / 3;
        let line = plain[third..].find('\n').unwrap() + third + 1;
        plain.insert(line, '"');
        let expected = reference(&plain, b';');
        assert!(expected.last().unwrap().1[0].len() > 2 * PIECE);
        assert_eq!(ours(&plain, b';'), expected);
        // Closed two thirds in: the rows after it are rows again.
        let two = 2 * plain.len() / 3;
        let line = plain[two..].find('\n').unwrap() + two + 1;
        plain.insert_str(line, "\"\n");
        assert_eq!(ours(&plain, b';'), reference(&plain, b';'));
    }

    #[test]
    fn cuts_inside_quotes_and_line_breaks() {
        let texts = [
            "a,\"b\nc\nd\ne\",f\ng,h\n",
            "a,b\r\nc,d\r\n\r\ne,\"f\r\n\",g\r\n",
            "x\n\"\"\"\n\n\"\"\"\n\"a\"b,c\nlast",
            "\"open\nnever\nclosed,\n1,2\n3,4\n",
        ];
        for text in texts {
            for piece in 1..8 {
                assert_eq!(
                    in_pieces(text, b',', piece),
                    reference(text, b','),
                    "{text:?} {piece}"
                );
            }
        }
    }

    #[test]
    fn field_ends_are_found_eight_bytes_at_a_time() {
        let naive = |b: &[u8], from: usize, d: u8| {
            (from..b.len())
                .find(|&i| [d, b'\r', b'\n', b'"'].contains(&b[i]))
                .unwrap_or(b.len())
        };
        let text = "абв;defghijklmn\"op\rq\nrstuvwxyz0123456789;;".as_bytes();
        for from in 0..text.len() {
            for d in [b';', b',', b'\t'] {
                assert_eq!(field_end(text, from, d), naive(text, from, d), "{from}");
            }
        }
    }

    #[test]
    fn rows_past_the_limit_stop_the_split() {
        let text = "h\n1\n2\n3\n";
        assert!(split(text, 0, b',', 3).is_ok());
        assert_eq!(split(text, 0, b',', 2).unwrap_err(), 6);
        // In a later piece, and in a piece read again (after a quoted line break).
        let text = "h\n\"1\n1\"\n2\n3\n4\n5\n";
        for piece in 1..6 {
            assert!(split_in_pieces(text, 0, b',', 5, piece).is_ok());
            assert_eq!(split_in_pieces(text, 0, b',', 4, piece).unwrap_err(), 14);
            assert_eq!(split_in_pieces(text, 0, b',', 1, piece).unwrap_err(), 8);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        #[test]
        fn reads_as_csv_core_does(
            text in "[a;,\" \r\n\tб]{0,60}|([a-z;\"\n]{0,12}){0,8}",
            piece in 1usize..16,
        ) {
            for d in [b',', b';', b'\t'] {
                prop_assert_eq!(ours(&text, d), reference(&text, d));
                prop_assert_eq!(in_pieces(&text, d, piece), reference(&text, d));
            }
        }
    }
}
