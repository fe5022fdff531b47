//! CSV text to records, without copying: a field is a span of the text (between its
//! quotes when quoted). Only a record that needs unescaping (`""` inside quotes, text
//! after a closing quote, a quote inside an unquoted value, a quote never closed) is
//! read by csv-core into a buffer of its own. A large file is split in pieces read in
//! parallel, each checked to start where the one before it ended.
//!
//! The result is exactly csv-core's reading of the whole text (a property test holds
//! it to that), with records of blanks left out.
//!
//! A record's field ends are kept in two bytes each, counted from where the record's
//! first field starts (a million applicants of 51 columns are 51 million ends: 200 MB
//! as absolute offsets, half as much so); a record with a field ending 32 KiB or more
//! past that start keeps its ends whole, apart.

use rayon::prelude::*;

/// Bit of a field end telling that the field was quoted: its value lies between the
/// quotes, one byte inside its raw extent at each end.
const QUOTED: u32 = 1 << 31;

/// The largest text this module splits: field ends keep their top bit for [`QUOTED`].
pub const MAX_TEXT: usize = (QUOTED - 1) as usize;

/// [`QUOTED`] in a narrow field end, which counts from its record's base.
const NARROW_QUOTED: u16 = 1 << 15;

/// A piece of the text once split: the field ends of its records, and the unescaped
/// fields of those records csv-core read.
#[derive(Debug, Default)]
pub struct Part {
    /// Fields of csv-core's records, back to back.
    pub unescaped: String,
    /// Field ends of most records, from their record's base ([`NARROW_QUOTED`] for a
    /// quoted field).
    ends: Vec<u16>,
    /// Field ends of the records with a field ending 32 KiB or more past their base: in
    /// the text (raw records) or in `unescaped` (the others), [`QUOTED`] for a quoted
    /// field.
    wide: Vec<u32>,
}

impl Part {
    /// Keeps the field ends of a record whose first field starts at `base`: `ends` are
    /// where its fields end (in the text, or in `unescaped`), [`QUOTED`] set for a
    /// quoted field. Returns where they are kept: the first, and whether wide.
    pub fn push_ends(&mut self, base: u32, ends: &[u32]) -> (u32, bool) {
        let narrow = |e: u32| (e & !QUOTED).checked_sub(base).filter(|&d| d < 1 << 15);
        if ends.iter().all(|&e| narrow(e).is_some()) {
            let first = self.ends.len() as u32;
            self.ends.extend(
                ends.iter().map(|&e| {
                    narrow(e).unwrap_or_default() as u16 | (e >> 16) as u16 & NARROW_QUOTED
                }),
            );
            (first, false)
        } else {
            let first = self.wide.len() as u32;
            self.wide.extend_from_slice(ends);
            (first, true)
        }
    }

    /// Gives back the room grown beyond what the part holds.
    fn shrink(&mut self) {
        self.ends.shrink_to_fit();
        self.wide.shrink_to_fit();
        self.unescaped.shrink_to_fit();
    }
}

/// Where the fields of a record are.
#[derive(Debug, Clone, Copy)]
pub struct At {
    /// Its part, in [`Split::parts`].
    pub part: u32,
    /// Start of its first field (raw: in the text; else in the part's `unescaped`).
    pub base: u32,
    /// Its field ends are the part's `first..first + count` (narrow or wide).
    pub first: u32,
    pub count: u32,
    /// Whether its fields are in the text, between delimiters.
    pub raw: bool,
    /// Whether its field ends are in the part's wide ends.
    pub wide: bool,
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

/// The field ends of one record: narrow (from its base) or wide.
#[derive(Debug, Clone, Copy)]
enum Ends<'a> {
    Narrow(&'a [u16]),
    Wide(&'a [u32]),
}

/// The fields of one record, as string slices.
#[derive(Debug, Clone, Copy)]
pub struct Fields<'a> {
    text: &'a str,
    base: u32,
    ends: Ends<'a>,
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
            ends: if at.wide {
                Ends::Wide(part.wide.get(first..first + count).unwrap_or_default())
            } else {
                Ends::Narrow(part.ends.get(first..first + count).unwrap_or_default())
            },
            gap: u32::from(at.raw),
        }
    }

    /// The end of field `i` as a wide end: where it is, [`QUOTED`] set if quoted.
    #[inline]
    fn end(&self, i: usize) -> Option<u32> {
        match self.ends {
            Ends::Narrow(ends) => ends.get(i).map(|&e| {
                (self.base + u32::from(e & !NARROW_QUOTED)) | (u32::from(e & NARROW_QUOTED) << 16)
            }),
            Ends::Wide(ends) => ends.get(i).copied(),
        }
    }

    /// Where the value of field `i` lies.
    fn span(&self, i: usize) -> Option<(usize, usize)> {
        let end = self.end(i)?;
        let raw_start = match i.checked_sub(1) {
            None => self.base,
            Some(p) => {
                let prev = self.end(p)?;
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
        match self.ends {
            Ends::Narrow(ends) => ends.len(),
            Ends::Wide(ends) => ends.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn iter(&self) -> impl Iterator<Item = &'a str> + '_ {
        (0..self.len()).map(|i| self.get(i).unwrap_or(""))
    }

    /// The length in bytes of the longest field (untrimmed).
    pub fn longest(&self) -> usize {
        // [`Fields::span`] of every field, in one pass: each raw extent starts where
        // the previous one ended.
        let (mut raw_start, mut longest) = (self.base, 0);
        for end in (0..self.len()).filter_map(|i| self.end(i)) {
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
        record: Vec::new(),
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
        r.record.clear();
        let out_base = r.out.len();
        let read = match r.raw_record(start) {
            Raw::Record(end) => Some((end, true)),
            Raw::Cut => None,
            Raw::Escaped => {
                r.record.clear();
                r.core_record(start).map(|end| (end, false))
            }
        };
        let Some((end, raw)) = read else {
            // The record runs past `limit`: this piece ends before it.
            r.out.truncate(out_base);
            break;
        };
        pos = end;
        let base = (if raw { start } else { out_base }) as u32;
        let blank = {
            // Only the spans are read: the bytes are in `src`.
            let f = Fields {
                text: "",
                base,
                ends: Ends::Wide(&r.record),
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
            r.out.truncate(out_base);
        } else {
            let (first, wide) = r.part.push_ends(base, &r.record);
            let at = At {
                part: 0,
                base,
                first,
                count: r.record.len() as u32,
                raw,
                wide,
            };
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
    part.shrink();
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
    /// The field ends of the record being read, wide.
    record: Vec<u32>,
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
                self.record.push(close as u32 | QUOTED);
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
                        self.record.push(i as u32);
                        if b == d {
                            pos = i + 1;
                        } else {
                            return Raw::Record(i + 1);
                        }
                    }
                    None => {
                        self.record.push(i as u32);
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
        self.record
            .extend(self.core_ends[..nends].iter().map(|&e| (base + e) as u32));
        Some(pos_in)
    }
}

#[cfg(test)]
mod tests;
