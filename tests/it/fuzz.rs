//! Fuzzing of the batch reader (issue 6, item 1): 100,000 generated files in each CI run
//! (`cargo test --release`), from a fixed seed, as applicants.csv, family.csv and
//! expenses.csv. RELIABILITY.md (at the repository root) says what is fuzzed and
//! measured.
//!
//! Each case goes through the fast path, in memory: `decode` → `table::read` → every
//! record parsed into its typed row (what `ingest::load` does per row). About one case in
//! 50 also goes through the full `resettle::validate` on a batch folder. No case may
//! panic, take longer than the per-case budget (2 s), or use more memory than a linear
//! bound in its size (measured by a counting allocator, per thread); every error names
//! the file, every message is one bounded line pointing at a row of the file.
//!
//! Environment (all optional):
//! - `RESETTLE_FUZZ_CASES` — total cases over the three files (default 100,000; 10,000 in
//!   a debug build). The long run is
//!   `RESETTLE_FUZZ_CASES=10000000 cargo test --release --test it -- fuzz::`.
//! - `RESETTLE_FUZZ_SEED` — a u64 to explore other inputs than the fixed seed's.
//! - `RESETTLE_FUZZ_FULL_EVERY` — one case in N through `resettle::validate` (default 50).
//! - `RESETTLE_FUZZ_CASE_BUDGET_MS` — the per-case time budget (default 2000).
//!
//! The explicit cases of the issue (empty file, header only, 10 MB cell, 100,000 columns,
//! NUL bytes, invalid UTF-8, mixed line endings, unbalanced quote) are below, through the
//! binary; a PNG or an XLSX as a batch file is in robustness.rs. A known bug would be an
//! ignored test (`cargo test --release --test it -- fuzz:: --ignored`); none is open. The
//! reader's limits (file, cell, rows, columns) are tested in limits.rs.

use crate::common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell as StdCell;
use std::fmt;
use std::path::Path;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use common::*;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{RngAlgorithm, TestCaseError, TestError, TestRng, TestRunner};
use resettle::columns::{Col, FileKind};
use resettle::findings::Source;
use resettle::ingest::{decode, rows, table};
use resettle::schema::Schemas;
use resettle::values;
use serde_json::Value;

// ---------------------------------------------------------------------------------------
// Memory: a counting allocator, per thread (the fast path runs on the test's own thread)

struct Counting;

thread_local! {
    static LIVE: StdCell<isize> = const { StdCell::new(0) };
    static PEAK: StdCell<isize> = const { StdCell::new(0) };
}

fn count(delta: isize) {
    let _ = LIVE.try_with(|live| {
        let now = live.get() + delta;
        live.set(now);
        let _ = PEAK.try_with(|peak| {
            if now > peak.get() {
                peak.set(now);
            }
        });
    });
}

// SAFETY: every call is forwarded to the system allocator unchanged; the counters are
// const-initialised thread-locals without destructors, which never allocate.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            count(layout.size() as isize);
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            count(layout.size() as isize);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        count(-(layout.size() as isize));
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            count(new_size as isize - layout.size() as isize);
        }
        p
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

/// Runs `f` and returns its result with the most memory it held at once beyond what the
/// thread held before (bytes).
fn peak_of<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let start = LIVE.with(StdCell::get);
    PEAK.with(|p| p.set(start));
    let out = f();
    let peak = PEAK.with(StdCell::get);
    (out, (peak - start).max(0) as usize)
}

/// The memory bound of the fast path for `len` input bytes. Decoding can triple the text
/// (each invalid byte becomes a 3-byte U+FFFD, a Windows-1251 letter 2 bytes); the split
/// copies the records that need unescaping; each field takes a 4-byte end, each record
/// (even a blank line) 40 bytes while splitting; each header cell a `String` and possibly a warning, each
/// cell of a row possibly a finding of about 300 bytes. The most measured over
/// 10,000,000 cases was 54 bytes per input byte (a long run of line breaks: one record
/// each), so 128 leaves room while a super-linear blow-up shows at once on the long-cell
/// cases.
fn memory_bound(len: usize) -> usize {
    MEMORY_PER_BYTE * len + MEMORY_BASE
}
const MEMORY_PER_BYTE: usize = 128;
const MEMORY_BASE: usize = 1 << 20;

// ---------------------------------------------------------------------------------------
// Settings

fn env_u64(name: &str) -> Option<u64> {
    let v = std::env::var(name).ok()?;
    let v = v.replace('_', "");
    Some(
        v.trim()
            .parse()
            .unwrap_or_else(|_| panic!("{name}={v:?} is not a whole number")),
    )
}

/// Total cases over the three files.
fn total_cases() -> u64 {
    env_u64("RESETTLE_FUZZ_CASES").unwrap_or(if cfg!(debug_assertions) {
        10_000
    } else {
        100_000
    })
}

fn full_every() -> u32 {
    env_u64("RESETTLE_FUZZ_FULL_EVERY").map_or(50, |n| n.max(1) as u32)
}

fn case_budget() -> Duration {
    Duration::from_millis(env_u64("RESETTLE_FUZZ_CASE_BUDGET_MS").unwrap_or(2000))
}

/// The fixed seed (ChaCha20, 32 bytes); `RESETTLE_FUZZ_SEED` replaces it. Each file's
/// runner gets its own stream: the seed with its last byte xor-ed with the file's index.
const SEED: [u8; 32] = *b"resettle fuzz seed, issue 6 #1.\0";

fn seed_for(kind: FileKind) -> [u8; 32] {
    let mut seed = SEED;
    if let Some(s) = env_u64("RESETTLE_FUZZ_SEED") {
        for (i, b) in seed.iter_mut().enumerate() {
            *b = s.to_le_bytes()[i % 8] ^ (i as u8);
        }
    }
    seed[31] ^= kind as u8 + 1;
    seed
}

fn schemas() -> &'static Schemas {
    static SCHEMAS: OnceLock<Schemas> = OnceLock::new();
    SCHEMAS.get_or_init(|| Schemas::embedded().expect("embedded schemas load"))
}

fn as_of() -> jiff::civil::Date {
    AS_OF.parse().unwrap()
}

// ---------------------------------------------------------------------------------------
// Inputs

/// One generated file: which file it plays, which generator made it, its bytes, and
/// whether it also goes through the full `resettle::validate`.
#[derive(Clone)]
struct Input {
    kind: FileKind,
    how: &'static str,
    bytes: Vec<u8>,
    full: bool,
}

/// Bytes shown as a Rust byte-string literal, so a failing case can be pasted into a test.
struct Escaped<'a>(&'a [u8]);

impl fmt::Display for Escaped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "b\"{}\"", self.0.escape_ascii())
    }
}

impl fmt::Debug for Input {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} ({}, {} bytes{}): {}",
            self.kind.file_name(),
            self.how,
            self.bytes.len(),
            if self.full { ", full validate" } else { "" },
            Escaped(&self.bytes)
        )
    }
}

/// Pieces of CSV-like text: delimiters, quotes, line breaks, NUL, broken UTF-8, BOMs in
/// the middle, values that are almost right.
const TOKENS: &[&[u8]] = &[
    b"",
    b",",
    b";",
    b"\t",
    b"\n",
    b"\r\n",
    b"\r",
    b"\n\r",
    b"\"",
    b"\"\"",
    b"\",\"",
    b"\0",
    b"\xFF",
    b"\xFE",
    b"\xD0",
    b"\xC3\x28",
    b"\xE2\x82",
    b"\xED\xA0\x80",
    b"\xF4\x90\x80\x80",
    b"\xEF\xBB\xBF",
    b"\xFF\xFE",
    b"\xEF\xBF\xBD",
    b"A001",
    b"A002",
    b"F1",
    b"F2",
    b"1985-04-12",
    b"12.04.1985",
    b"31.02.1990",
    b"2026-11-24",
    b"9999-99-99",
    b"yes",
    b"no",
    b"\xD0\xB4\xD0\xB0",
    b"M",
    b"F",
    b"\xD0\x96",
    b"KZ",
    b"stateless",
    b"850412313187",
    b"8504123131870000000000000000",
    b"044525225",
    b"40817810099910004312",
    b"-1",
    b"0",
    b"4294967296",
    b"18446744073709551616",
    b"1,5",
    b"12 500,50",
    b"1e308",
    b"NaN",
    b"id_card;birth_certificate-F1;diploma-",
    b"../../etc/passwd",
    b"C:\\x\\y.pdf",
    b"receipt.pdf",
    b" ",
    b"\xC2\xA0",
    b"\xE2\x80\xAE",
    b"\xF0\x9F\x98\x80",
    b"\xD2\x9A\xD3\x99",
    b"\xCC\x81",
    b"sep=;",
    b"=1+1",
    b"%PDF-",
    b"{{x}}",
    b"#set page(",
    b"\x1b[31m",
];

/// Bytes that break things when set or inserted at a random place.
const HOSTILE: &[u8] = &[
    b'"', b',', b';', b'\t', b'\n', b'\r', 0, 0xFF, 0xD0, 0xC3, 0x80, b' ',
];

/// Ids that attach a row to an applicant of the full path's applicants.csv (A001), or
/// fail to.
const IDS: &[&str] = &[
    "A001", "A001", "A001", "A002", "", "../x", " A001 ", "A001\0",
];
const MEMBERS: &[&str] = &["F1", "F1", "F2", "", "..", "F 1", "\u{416}1", "A001"];

fn headers_of(kind: FileKind) -> &'static [(&'static str, &'static str)] {
    match kind {
        FileKind::Applicants => APPLICANT_HEADERS,
        FileKind::Family => FAMILY_HEADERS,
        FileKind::Expenses => EXPENSE_HEADERS,
    }
}

/// A header cell: the English name, the Russian alias, or a spelling the matcher should
/// still accept (case, `-`, spaces, a trailing colon, a line break inside quotes).
fn header_name(en: &str, ru: &str, style: u8) -> String {
    match style % 8 {
        0..=2 => en.to_string(),
        3 | 4 => ru.to_string(),
        5 => en.to_uppercase().replace('_', "-"),
        6 => format!("  {}: ", en.replace('_', " ")),
        _ => format!("\"{}\"", en.replacen('_', "\n", 1)),
    }
}

#[derive(Debug, Clone)]
struct CsvLike {
    prefix: &'static str,
    styles: Vec<u8>,
    shuffle: Vec<prop::sample::Index>,
    drop: Option<prop::sample::Index>,
    extra_header: Vec<Vec<u8>>,
    delim: &'static str,
    rows: Vec<Vec<Vec<u8>>>,
    ends: Vec<&'static str>,
    enc: u8,
    odd: bool,
    inject: Vec<(prop::sample::Index, u8)>,
    cut: Option<prop::sample::Index>,
}

/// What a long field is a run of.
const LONG_PIECES: &[&[u8]] = &[
    b"x",
    "\u{416}".as_bytes(),
    b"\"",
    b",",
    b"\n",
    b"9",
    b" ",
    b"\xFF",
];

/// One cell: a few tokens, sometimes quoted.
fn cell() -> impl Strategy<Value = Vec<u8>> {
    (
        prop::collection::vec(prop::sample::select(TOKENS), 0..4),
        any::<bool>(),
    )
        .prop_map(|(parts, quoted)| {
            let inner = parts.concat();
            if quoted {
                [&b"\""[..], &inner, b"\""].concat()
            } else {
                inner
            }
        })
}

/// In one case of 25, one cell (or, in a file without rows, a header cell) is a long
/// run of one piece: 1,000 to 200,000 of them.
fn long_cell() -> impl Strategy<Value = Option<(prop::sample::Index, prop::sample::Index, Vec<u8>)>>
{
    prop::option::weighted(
        0.04,
        (
            any::<prop::sample::Index>(),
            any::<prop::sample::Index>(),
            (prop::sample::select(LONG_PIECES), 1000usize..200_000)
                .prop_map(|(piece, n)| piece.repeat(n)),
        ),
    )
}

fn csv_like(kind: FileKind) -> impl Strategy<Value = Vec<u8>> {
    let n = headers_of(kind).len();
    let row = (
        prop::sample::select(IDS),
        prop::sample::select(MEMBERS),
        prop::collection::vec(cell(), 0..n + 4),
    )
        .prop_map(|(id, member, cells)| {
            let mut out = vec![id.as_bytes().to_vec(), member.as_bytes().to_vec()];
            out.extend(cells);
            out
        });
    (
        (
            prop::sample::select(
                &[
                    "",
                    "\u{feff}",
                    "sep=;\n",
                    "sep=,\r\n",
                    "sep=\t\r",
                    "\n\n",
                    " \r\n",
                ][..],
            ),
            prop::collection::vec(any::<u8>(), n),
            prop::collection::vec(any::<prop::sample::Index>(), 0..3),
            prop::option::weighted(0.1, any::<prop::sample::Index>()),
            prop::collection::vec(
                prop::collection::vec(prop::sample::select(TOKENS), 0..3).prop_map(|v| v.concat()),
                0..3,
            ),
            prop::sample::select(&[",", ";", "\t"][..]),
        ),
        (
            prop::collection::vec(row, 0..12),
            prop::collection::vec(
                prop::sample::select(&["\n", "\r\n", "\r", "\n", "\r\n"][..]),
                13,
            ),
            0..6u8,
            prop::bool::weighted(0.1),
            prop::collection::vec(
                (any::<prop::sample::Index>(), prop::sample::select(HOSTILE)),
                0..3,
            ),
            prop::option::weighted(0.15, any::<prop::sample::Index>()),
            long_cell(),
        ),
    )
        .prop_map(
            |(
                (prefix, styles, shuffle, drop, extra_header, delim),
                (mut rows, ends, enc, odd, inject, cut, long),
            )| {
                let mut extra_header = extra_header;
                if let Some((r, c, cell)) = long {
                    if rows.is_empty() {
                        extra_header.push(cell);
                    } else {
                        let n = rows.len();
                        let row: &mut Vec<Vec<u8>> = &mut rows[r.index(n)];
                        let k = c.index(row.len());
                        row[k] = cell;
                    }
                }
                CsvLike {
                    prefix,
                    styles,
                    shuffle,
                    drop,
                    extra_header,
                    delim,
                    rows,
                    ends,
                    enc,
                    odd,
                    inject,
                    cut,
                }
            },
        )
        .prop_map(move |c| c.bytes(kind))
}

impl CsvLike {
    fn bytes(&self, kind: FileKind) -> Vec<u8> {
        let heads = headers_of(kind);
        let mut cells: Vec<Vec<u8>> = heads
            .iter()
            .zip(&self.styles)
            .map(|((en, ru), &s)| header_name(en, ru, s).into_bytes())
            .collect();
        for (k, i) in self.shuffle.iter().enumerate() {
            let n = cells.len();
            cells.swap(k % n, i.index(n));
        }
        if let Some(i) = self.drop {
            cells.remove(i.index(cells.len()));
        }
        cells.extend(self.extra_header.iter().cloned());
        // Every line ending in one file: LF, CRLF and CR mixed.
        let end = |i: usize| self.ends[i % self.ends.len()].as_bytes();
        let d = self.delim.as_bytes();
        let mut text = self.prefix.as_bytes().to_vec();
        text.extend(cells.join(d));
        text.extend(end(0));
        for (i, row) in self.rows.iter().enumerate() {
            text.extend(row.join(d));
            text.extend(end(i + 1));
        }
        let mut bytes = match self.enc {
            // As generated: UTF-8 with whatever broken bytes the tokens hold.
            0..=2 => text,
            // Windows-1251, as Excel writes in a Russian locale.
            3 => {
                let s = String::from_utf8_lossy(&text);
                encoding_rs::WINDOWS_1251.encode(&s).0.into_owned()
            }
            4 => encode(&String::from_utf8_lossy(&text), Enc::Utf16LeBom),
            _ => encode(&String::from_utf8_lossy(&text), Enc::Utf16BeBom),
        };
        if self.odd {
            bytes.push(b'\n');
        }
        for (i, b) in &self.inject {
            let at = i.index(bytes.len() + 1);
            bytes.insert(at, *b);
        }
        if let Some(i) = self.cut {
            bytes.truncate(i.index(bytes.len() + 1));
        }
        bytes
    }
}

/// The real sample files, in both of the bundled formats (UTF-8 with `,`, and Excel's
/// Windows-1251 with `;`, CRLF and LF).
fn samples(kind: FileKind) -> &'static [&'static [u8]] {
    match kind {
        FileKind::Applicants => &[
            include_bytes!("../../samples/batch/applicants.csv"),
            include_bytes!("../../samples/excel-ru/applicants.csv"),
        ],
        FileKind::Family => &[
            include_bytes!("../../samples/batch/family.csv"),
            include_bytes!("../../samples/excel-ru/family.csv"),
        ],
        FileKind::Expenses => &[
            include_bytes!("../../samples/batch/expenses.csv"),
            include_bytes!("../../samples/excel-ru/expenses.csv"),
        ],
    }
}

#[derive(Debug, Clone)]
enum Mutation {
    FlipBit(prop::sample::Index, u8),
    Set(prop::sample::Index, u8),
    Insert(prop::sample::Index, Vec<u8>),
    Delete(prop::sample::Index, usize),
    Duplicate(prop::sample::Index, usize),
    Truncate(prop::sample::Index),
    /// Every line break made this one.
    LineEnds(&'static str),
    /// The whole file re-encoded as UTF-16LE with a BOM (from its lossy UTF-8 reading).
    Utf16,
}

fn mutation() -> impl Strategy<Value = Mutation> {
    use prop::sample::{Index, select};
    prop_oneof![
        4 => (any::<Index>(), 0..8u8).prop_map(|(i, b)| Mutation::FlipBit(i, b)),
        4 => (any::<Index>(), select(HOSTILE)).prop_map(|(i, b)| Mutation::Set(i, b)),
        4 => (any::<Index>(), prop::collection::vec(select(TOKENS), 1..4).prop_map(|v| v.concat()))
            .prop_map(|(i, b)| Mutation::Insert(i, b)),
        2 => (any::<Index>(), prop::collection::vec(any::<u8>(), 1..16))
            .prop_map(|(i, b)| Mutation::Insert(i, b)),
        3 => (any::<Index>(), 1..128usize).prop_map(|(i, n)| Mutation::Delete(i, n)),
        2 => (any::<Index>(), 1..512usize).prop_map(|(i, n)| Mutation::Duplicate(i, n)),
        1 => any::<Index>().prop_map(Mutation::Truncate),
        1 => select(&["\n", "\r\n", "\r"][..]).prop_map(Mutation::LineEnds),
        1 => Just(Mutation::Utf16),
    ]
}

impl Mutation {
    fn apply(&self, b: &mut Vec<u8>) {
        let at = |i: &prop::sample::Index, len: usize| i.index(len + 1).min(len);
        match self {
            Mutation::FlipBit(i, bit) if !b.is_empty() => {
                let k = i.index(b.len());
                b[k] ^= 1 << bit;
            }
            Mutation::Set(i, v) if !b.is_empty() => {
                let k = i.index(b.len());
                b[k] = *v;
            }
            Mutation::Insert(i, v) => {
                let k = at(i, b.len());
                b.splice(k..k, v.iter().copied());
            }
            Mutation::Delete(i, n) => {
                let k = at(i, b.len());
                let end = (k + n).min(b.len());
                b.drain(k..end);
            }
            Mutation::Duplicate(i, n) => {
                let k = at(i, b.len());
                let end = (k + n).min(b.len());
                let copy = b[k..end].to_vec();
                b.splice(k..k, copy);
            }
            Mutation::Truncate(i) => {
                let k = at(i, b.len());
                b.truncate(k);
            }
            Mutation::LineEnds(nl) => {
                let text = b.split(|&c| c == b'\n').collect::<Vec<_>>();
                let lines: Vec<&[u8]> = text
                    .iter()
                    .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
                    .collect();
                *b = lines.join(nl.as_bytes());
            }
            Mutation::Utf16 => *b = encode(&String::from_utf8_lossy(b), Enc::Utf16LeBom),
            _ => {}
        }
    }
}

fn mutated_sample(kind: FileKind) -> impl Strategy<Value = Vec<u8>> {
    (
        prop::sample::select(samples(kind)),
        prop::collection::vec(mutation(), 1..10),
    )
        .prop_map(|(sample, mutations)| {
            let mut b = sample.to_vec();
            for m in &mutations {
                m.apply(&mut b);
            }
            b
        })
}

const PREFIXES: &[&[u8]] = &[
    b"",
    b"\xEF\xBB\xBF",
    b"\xFF\xFE",
    b"\xFE\xFF",
    b"sep=;\n",
    b"\x89PNG\r\n\x1a\n",
    b"PK\x03\x04",
    b"\xD0\xCF\x11\xE0",
    b"%PDF-1.4\n",
    b"\xFF\xD8\xFF",
];

fn arbitrary_bytes() -> impl Strategy<Value = Vec<u8>> {
    (
        prop::sample::select(PREFIXES),
        prop::collection::vec(any::<u8>(), 0..1024),
    )
        .prop_map(|(p, rest)| [p, &rest[..]].concat())
}

fn input(kind: FileKind) -> impl Strategy<Value = Input> {
    let p_full = 1.0 / f64::from(full_every());
    (
        prop_oneof![
            3 => arbitrary_bytes().prop_map(|b| ("arbitrary bytes", b)),
            4 => csv_like(kind).prop_map(|b| ("header + CSV-like rows", b)),
            3 => mutated_sample(kind).prop_map(|b| ("mutated sample", b)),
        ],
        prop::bool::weighted(p_full),
    )
        .prop_map(move |((how, bytes), full)| Input {
            kind,
            how,
            bytes,
            full,
        })
}

// ---------------------------------------------------------------------------------------
// The checks

/// The number of lines of `text`, counting LF, CRLF and a lone CR as line breaks.
fn line_count(text: &[u8]) -> u64 {
    let mut n = 1;
    for (i, &b) in text.iter().enumerate() {
        if b == b'\n' || (b == b'\r' && text.get(i + 1) != Some(&b'\n')) {
            n += 1;
        }
    }
    n
}

/// Whether a message is one line of reasonable length (no cell is echoed in full).
fn check_message(what: &str, m: &str) -> Result<(), TestCaseError> {
    prop_assert!(!m.is_empty(), "{what}: empty message");
    prop_assert!(
        !m.contains(['\n', '\r']),
        "{what}: the message is not one line: {m:?}"
    );
    prop_assert!(
        m.len() <= 4096,
        "{what}: a message of {} bytes: {:?}…",
        m.len(),
        m.chars().take(200).collect::<String>()
    );
    Ok(())
}

/// A message as the fuzz checks it: the whole message, header and masked numbers
/// included (both are cut short and escaped by the reader).
fn as_checked(m: &str, _header: &str, _field: Option<Col>) -> String {
    m.to_string()
}

fn check_source(
    what: &str,
    src: &Source,
    kind: FileKind,
    lines: u64,
) -> Result<u64, TestCaseError> {
    let (file, row) = match src {
        Source::Cell { file, row, .. }
        | Source::Row { file, row }
        | Source::Sheet { file, row, .. } => (*file, *row),
        Source::Path(p) => return Err(TestCaseError::fail(format!("{what}: a path source {p}"))),
    };
    prop_assert_eq!(file, kind, "{}: source in another file: {}", what, src);
    prop_assert!(
        (1..=lines).contains(&row),
        "{what}: row {row} outside the file's {lines} line(s): {src}"
    );
    Ok(row)
}

/// What a fast-path case gave.
struct Fast {
    accepted: bool,
    elapsed: Duration,
    peak: usize,
}

/// decode → table::read → each record to its typed row, as `ingest::load` does.
fn fast_path(kind: FileKind, bytes: &[u8]) -> Result<Fast, TestCaseError> {
    let schemas = schemas();
    let t = Instant::now();
    let (result, peak) = peak_of(|| -> Result<bool, TestCaseError> {
        let decoded = decode::decode(bytes);
        prop_assert_eq!(
            decoded.replaced > 0,
            decoded.first_replaced_line.is_some(),
            "replacements without their line"
        );
        let lines = line_count(decoded.text.as_bytes());
        let table = match table::read(kind, decoded, &schemas.fields) {
            Ok(t) => t,
            Err(e) => {
                let m = e.to_string();
                prop_assert!(
                    m.starts_with(kind.file_name()),
                    "the error does not start with {}: {m}",
                    kind.file_name()
                );
                check_message("error", &m)?;
                return Ok(false);
            }
        };
        for w in &table.warnings {
            check_source("warning", &w.source, kind, lines)?;
            check_message("warning", &w.message.get(resettle::findings::Lang::En))?;
            check_message("warning", &w.message.get(resettle::findings::Lang::Ru))?;
        }
        let mut last = 0;
        for rec in &table.records {
            prop_assert!(
                rec.row > last && rec.row <= lines,
                "record rows not increasing within 1..={lines}: {} after {last}",
                rec.row
            );
            last = rec.row;
            let mut cells = rows::Cells::new(
                kind,
                rec.row,
                table.fields(rec),
                &table.columns,
                &schemas.fields,
            );
            let id = cells.raw(Col::ApplicantId);
            match kind {
                FileKind::Applicants if values::is_valid_id(id) => {
                    let a = rows::applicant(&mut cells, id, &schemas.documents);
                    prop_assert_eq!(a.row, rec.row);
                }
                FileKind::Family => {
                    let m = cells.raw(Col::MemberId);
                    if values::is_valid_id(id) && values::is_valid_id(m) {
                        rows::member(&mut cells, m);
                    }
                }
                FileKind::Expenses => {
                    rows::expense(&mut cells);
                }
                FileKind::Applicants => {}
            }
            for f in &cells.findings {
                let src = f.source.as_ref().expect("a cell finding has a source");
                let row = check_source(f.rule, src, kind, lines)?;
                prop_assert_eq!(row, rec.row, "{}: finding on another row", f.rule);
                let h = f.field.map_or("", |c| table.columns.header(c));
                check_message(
                    f.rule,
                    &as_checked(&f.message.get(resettle::findings::Lang::En), h, f.field),
                )?;
                check_message(
                    f.rule,
                    &as_checked(&f.message.get(resettle::findings::Lang::Ru), h, f.field),
                )?;
            }
        }
        Ok(true)
    });
    let accepted = result?;
    Ok(Fast {
        accepted,
        elapsed: t.elapsed(),
        peak,
    })
}

/// Writes a batch whose file `kind` holds `bytes`; the other files (when `kind` is not
/// applicants.csv) are a valid applicants.csv whose one applicant A001 is never ready.
fn write_batch(dir: &Path, kind: FileKind, bytes: &[u8]) {
    if kind != FileKind::Applicants {
        write(
            dir,
            "applicants.csv",
            &one_applicant(true).to_bytes(Format::UTF8),
        );
    }
    write(dir, kind.file_name(), bytes);
}

/// Whether the reader refuses `bytes` before decoding (a workbook, a PDF, an image).
fn not_text(bytes: &[u8]) -> bool {
    [
        &b"PK\x03\x04"[..],
        b"\xD0\xCF\x11\xE0",
        b"%PDF-",
        b"\xFF\xD8\xFF",
        b"\x89PNG\r\n\x1a\n",
    ]
    .iter()
    .any(|sig| bytes.starts_with(sig))
}

/// The whole of `resettle::validate` on a batch folder; agrees with the fast path.
fn full_path(input: &Input, fast: &Fast) -> Result<Duration, TestCaseError> {
    let file = input.kind.file_name();
    let t = tempfile::tempdir().unwrap();
    write_batch(t.path(), input.kind, &input.bytes);
    let start = Instant::now();
    let result = resettle::validate(t.path(), schemas(), as_of());
    let elapsed = start.elapsed();
    match result {
        Ok((report, _formats)) => {
            prop_assert!(
                fast.accepted || input.kind != FileKind::Applicants,
                "validate accepted an applicants.csv that table::read refuses"
            );
            let json: Value = serde_json::from_str(&report.to_json()).expect("report is JSON");
            check_invariants(&json);
            prop_assert!(!report.all_ready(), "a fuzzed batch is all ready");
            prop_assert!(json["rows"][file].is_object(), "{file} is not counted");
        }
        Err(e) => {
            let m = e.to_string();
            prop_assert!(
                m.starts_with(file),
                "the error does not start with {file}: {m}"
            );
            prop_assert!(
                !fast.accepted || not_text(&input.bytes),
                "validate refused what table::read accepts: {m}"
            );
        }
    }
    Ok(elapsed)
}

// ---------------------------------------------------------------------------------------
// The runs

/// The slowest and the most memory-hungry case of a run, for the summary.
#[derive(Default)]
struct Stats {
    cases: u64,
    full: u64,
    bytes: u64,
    slowest_fast: (Duration, usize, &'static str),
    slowest_full: (Duration, usize, &'static str),
    most_memory: (usize, usize, &'static str),
    /// The most memory per input byte, among inputs of 4 KiB or more.
    worst_ratio: (f64, usize, &'static str),
}

/// The case each runner is on, for the watchdog: when it started and its input.
static CURRENT: [Mutex<Option<(Instant, Input)>>; 3] =
    [Mutex::new(None), Mutex::new(None), Mutex::new(None)];

/// A case that runs this long is a hang: its input is written to a file and printed, and
/// the process aborts (a test that never ends would hold CI for its 90 minutes).
const HANG: Duration = Duration::from_secs(60);

fn start_watchdog() {
    static STARTED: OnceLock<()> = OnceLock::new();
    STARTED.get_or_init(|| {
        std::thread::spawn(|| {
            loop {
                std::thread::sleep(Duration::from_secs(1));
                for slot in &CURRENT {
                    let guard = slot.lock().unwrap_or_else(|e| e.into_inner());
                    if let Some((started, input)) = guard.as_ref()
                        && started.elapsed() > HANG
                    {
                        let path = std::env::temp_dir()
                            .join(format!("resettle-fuzz-hang-{}", input.kind.file_name()));
                        let _ = std::fs::write(&path, &input.bytes);
                        eprintln!(
                            "HANG: a case has run for over {HANG:?}; its bytes are in {}:\n{input:?}",
                            path.display()
                        );
                        std::process::abort();
                    }
                }
            }
        });
    });
}

fn fuzz(kind: FileKind) {
    start_watchdog();
    let total = total_cases();
    // The three files share the total; applicants.csv takes the remainder.
    let cases = total / 3
        + if kind == FileKind::Applicants {
            total % 3
        } else {
            0
        };
    let config = ProptestConfig {
        cases: u32::try_from(cases).expect("at most 4 billion cases per file"),
        rng_algorithm: RngAlgorithm::ChaCha,
        failure_persistence: None,
        max_shrink_time: 120_000,
        ..ProptestConfig::default()
    };
    let mut runner = TestRunner::new_with_rng(
        config,
        TestRng::from_seed(RngAlgorithm::ChaCha, &seed_for(kind)),
    );
    let stats = Mutex::new(Stats::default());
    let budget = case_budget();
    let slot = &CURRENT[kind as usize];
    let started = Instant::now();
    let result = runner.run(&input(kind), |input| {
        *slot.lock().unwrap() = Some((Instant::now(), input.clone()));
        let fast = fast_path(kind, &input.bytes)?;
        let full = if input.full {
            Some(full_path(&input, &fast)?)
        } else {
            None
        };
        *slot.lock().unwrap() = None;
        let len = input.bytes.len();
        prop_assert!(
            fast.elapsed <= budget,
            "the reader took {:?} (budget {budget:?})",
            fast.elapsed
        );
        if let Some(full) = full {
            prop_assert!(
                full <= budget,
                "resettle::validate took {full:?} (budget {budget:?})"
            );
        }
        prop_assert!(
            fast.peak <= memory_bound(len),
            "the reader held {} bytes at once for {len} input bytes (bound {})",
            fast.peak,
            memory_bound(len)
        );
        let mut s = stats.lock().unwrap();
        s.cases += 1;
        s.bytes += len as u64;
        if fast.elapsed > s.slowest_fast.0 {
            s.slowest_fast = (fast.elapsed, len, input.how);
        }
        if let Some(full) = full {
            s.full += 1;
            if full > s.slowest_full.0 {
                s.slowest_full = (full, len, input.how);
            }
        }
        if fast.peak > s.most_memory.0 {
            s.most_memory = (fast.peak, len, input.how);
        }
        let ratio = fast.peak as f64 / len as f64;
        if len >= 4096 && ratio > s.worst_ratio.0 {
            s.worst_ratio = (ratio, len, input.how);
        }
        Ok(())
    });
    *slot.lock().unwrap() = None;
    let s = stats.into_inner().unwrap();
    println!(
        "{}: {} cases ({} through resettle::validate), {:.1} MB in {:.1?}; slowest reader case {:.1?} ({} bytes, {}); slowest validate {:.1?} ({} bytes, {}); most memory {} KiB ({} bytes, {}); most memory per input byte {:.1} ({} bytes, {})",
        kind.file_name(),
        s.cases,
        s.full,
        s.bytes as f64 / 1e6,
        started.elapsed(),
        s.slowest_fast.0,
        s.slowest_fast.1,
        s.slowest_fast.2,
        s.slowest_full.0,
        s.slowest_full.1,
        s.slowest_full.2,
        s.most_memory.0 / 1024,
        s.most_memory.1,
        s.most_memory.2,
        s.worst_ratio.0,
        s.worst_ratio.1,
        s.worst_ratio.2,
    );
    match result {
        Ok(()) => {}
        Err(TestError::Fail(why, input)) => panic!(
            "{}: {why}\nminimal failing input: {input:?}\n(seed {:?}; replay with the same RESETTLE_FUZZ_SEED and RESETTLE_FUZZ_CASES)",
            kind.file_name(),
            seed_for(kind)
        ),
        Err(e) => panic!("{}: {e}", kind.file_name()),
    }
}

#[test]
fn fuzz_applicants() {
    fuzz(FileKind::Applicants);
}

#[test]
fn fuzz_family() {
    fuzz(FileKind::Family);
}

#[test]
fn fuzz_expenses() {
    fuzz(FileKind::Expenses);
}

/// The generators make what they claim: every kind of input turns up in a short run.
#[test]
fn generators_cover_the_hostile_shapes() {
    let mut runner = TestRunner::new_with_rng(
        ProptestConfig::default(),
        TestRng::from_seed(RngAlgorithm::ChaCha, &SEED),
    );
    let (mut hows, mut long, mut nul, mut cr, mut utf16, mut bad_utf8) =
        (std::collections::BTreeSet::new(), 0, 0, 0, 0, 0);
    for _ in 0..3000 {
        let i = input(FileKind::Applicants)
            .new_tree(&mut runner)
            .unwrap()
            .current();
        hows.insert(i.how);
        long += usize::from(i.bytes.len() > 50_000);
        nul += usize::from(i.bytes.contains(&0));
        cr += usize::from(i.bytes.windows(2).any(|w| w[0] == b'\r' && w[1] != b'\n'));
        utf16 += usize::from(i.bytes.starts_with(b"\xFF\xFE") && i.bytes.len() % 2 == 1);
        bad_utf8 += usize::from(std::str::from_utf8(&i.bytes).is_err());
    }
    assert_eq!(hows.len(), 3, "{hows:?}");
    for (what, n) in [
        ("long fields", long),
        ("NUL bytes", nul),
        ("lone CR", cr),
        ("odd-length UTF-16", utf16),
        ("invalid UTF-8", bad_utf8),
    ] {
        assert!(n >= 10, "only {n} of 3000 inputs have {what}");
    }
}

// ---------------------------------------------------------------------------------------
// Explicit cases of the issue, through the binary: exit status and message

/// A batch whose file `kind` holds `bytes` (the others as in [`write_batch`]).
fn batch(kind: FileKind, bytes: &[u8]) -> tempfile::TempDir {
    let t = tempfile::tempdir().unwrap();
    write_batch(t.path(), kind, bytes);
    t
}

/// The header of `kind`'s file, in English, with `,`.
fn head(kind: FileKind) -> String {
    headers_of(kind)
        .iter()
        .map(|(en, _)| *en)
        .collect::<Vec<_>>()
        .join(",")
}

/// The header line and the rows of `n` valid applicants A001… (serial `i`, so that
/// IINs differ) as English CSV lines without their line break (a quoted cell may hold
/// line breaks); `f` adjusts the table after each row is added.
fn applicant_lines(n: u32, f: impl Fn(u32, &mut Table)) -> Vec<String> {
    let mut t = Table::new(APPLICANT_HEADERS);
    for i in 1..=n {
        t.row(&applicant_row(&format!("A{i:03}"), "Ёлкин", "Пётр", i));
        f(i, &mut t);
    }
    let header = head(FileKind::Applicants);
    let mut lines = vec![header.clone()];
    for row in &t.rows {
        let one = Table {
            headers: t.headers.clone(),
            rows: vec![row.clone()],
        };
        let text = one.to_text(Format::UTF8);
        let line = text
            .strip_prefix(&format!("{header}\n"))
            .and_then(|l| l.strip_suffix('\n'))
            .expect("one header line and one row");
        lines.push(line.to_string());
    }
    lines
}

/// The report's `errors` or `warnings` as (source, rule, English message).
fn listed(r: &Value, list: &str) -> Vec<(String, String, String)> {
    r[list]
        .as_array()
        .expect("list")
        .iter()
        .map(|e| {
            (
                e["source"].as_str().unwrap().to_string(),
                e["rule"].as_str().unwrap().to_string(),
                e["message"]["en"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// The findings of every applicant as (source, rule, English message).
fn finding_list(r: &Value) -> Vec<(String, String, String)> {
    findings(r)
        .into_iter()
        .map(|(_, f)| {
            (
                f["source"].as_str().unwrap_or("").to_string(),
                f["rule"].as_str().unwrap().to_string(),
                f["message"]["en"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// Runs `validate --format json` under `/usr/bin/time` and returns the outcome with the
/// process's peak resident memory in bytes (`None` where `/usr/bin/time` is missing).
fn validate_measured(dir: &Path) -> (Outcome, Option<u64>) {
    validate_measured_with(dir, &[])
}

/// [`validate_measured`] with more arguments (limits).
fn validate_measured_with(dir: &Path, extra: &[&str]) -> (Outcome, Option<u64>) {
    let time = Path::new("/usr/bin/time");
    if !time.exists() {
        eprintln!("/usr/bin/time is missing: peak memory not measured");
        let mut args: Vec<&std::ffi::OsStr> = vec![
            "validate".as_ref(),
            dir.as_os_str(),
            "--as-of".as_ref(),
            AS_OF.as_ref(),
            "--format".as_ref(),
            "json".as_ref(),
        ];
        args.extend(extra.iter().map(|a| std::ffi::OsStr::new(*a)));
        return (run(&args), None);
    }
    let rss = tempfile::NamedTempFile::new().unwrap();
    let out = std::process::Command::new(time)
        .arg("-o")
        .arg(rss.path())
        .args(["-f", "%M"])
        .arg(env!("CARGO_BIN_EXE_resettle"))
        .arg("validate")
        .arg(dir)
        .args(["--as-of", AS_OF, "--format", "json"])
        .args(extra)
        .env("LC_ALL", "C")
        .env("LANG", "C")
        .output()
        .expect("/usr/bin/time runs");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "{stderr}");
    let code = out.status.code().expect("not killed by a signal");
    let kib: u64 = std::fs::read_to_string(rss.path())
        .unwrap()
        .lines()
        .last()
        .and_then(|l| l.trim().parse().ok())
        .expect("/usr/bin/time wrote the peak memory");
    let outcome = Outcome {
        code,
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr,
    };
    (outcome, Some(kib * 1024))
}

/// The memory a run may take for `input` bytes: 20× the input beyond the binary's own
/// 64 MiB (schemas, templates, thread pools).
fn rss_bound(input: usize) -> u64 {
    20 * input as u64 + (64 << 20)
}

fn assert_rss(what: &str, rss: Option<u64>, input: usize) {
    if let Some(rss) = rss {
        println!(
            "{what}: peak memory {:.1} MiB for {:.1} MiB of input ({:.1}×)",
            rss as f64 / 1048576.0,
            input as f64 / 1048576.0,
            rss as f64 / input as f64
        );
        assert!(
            rss <= rss_bound(input),
            "{what}: peak memory {} MiB for {} MiB of input (bound {} MiB)",
            rss >> 20,
            input >> 20,
            rss_bound(input) >> 20
        );
    }
}

#[test]
fn empty_applicants_csv_exits_2_naming_it() {
    for bytes in [&b""[..], b"\xEF\xBB\xBF", b"\r\n\n", b"\xFF\xFE"] {
        let t = batch(FileKind::Applicants, bytes);
        let out = validate_json(t.path());
        assert_eq!(out.code, 2, "{}: {}", Escaped(bytes), out.stderr);
        assert!(out.stdout.is_empty());
        assert!(
            out.stderr.contains("applicants.csv: the file is empty"),
            "{}",
            out.stderr
        );
    }
}

#[test]
fn empty_family_or_expenses_csv_is_a_warning_on_row_1() {
    for kind in [FileKind::Family, FileKind::Expenses] {
        let t = batch(kind, b"");
        let out = validate_json(t.path());
        assert_eq!(out.code, 1, "{}", out.stderr);
        let warnings = listed(&out.json(), "warnings");
        let file = kind.file_name();
        assert!(
            warnings
                .iter()
                .any(|(src, _, m)| *src == format!("{file}:1") && m.contains("is empty")),
            "{warnings:?}"
        );
    }
}

#[test]
fn header_only_applicants_csv_exits_1_with_no_applicant() {
    let t = batch(
        FileKind::Applicants,
        format!("{}\r\n", head(FileKind::Applicants)).as_bytes(),
    );
    let out = validate_json(t.path());
    assert_eq!(out.code, 1, "{}", out.stderr);
    let errors = listed(&out.json(), "errors");
    assert_eq!(
        errors,
        [(
            "applicants.csv:1".to_string(),
            "data.required".to_string(),
            "applicants.csv holds no applicant".to_string()
        )]
    );
}

#[test]
fn header_only_family_and_expenses_are_fine() {
    for kind in [FileKind::Family, FileKind::Expenses] {
        let t = batch(kind, format!("{}\n", head(kind)).as_bytes());
        let out = validate_json(t.path());
        // Exit 1: the one applicant of the batch is never ready.
        assert_eq!(out.code, 1, "{}", out.stderr);
        let r = out.json();
        assert_eq!(r["rows"][kind.file_name()]["read"], 0);
        assert!(listed(&r, "errors").is_empty());
        assert!(listed(&r, "warnings").is_empty());
    }
}

const TEN_MB: usize = 10 << 20;

/// A 10 MB value where a date, a number or a code belongs: a `data.format` finding on
/// its cell, the value cut short in the message, memory within 20× the input.
#[test]
fn a_10_mb_cell_gets_a_short_message_on_its_cell() {
    let huge = "Ж".repeat(TEN_MB / 2);
    let cases = [
        (FileKind::Applicants, "birth_date", "applicants.csv:2:8"),
        (FileKind::Applicants, "sex", "applicants.csv:2:7"),
        (FileKind::Family, "relation", "family.csv:2:3"),
        (FileKind::Expenses, "amount_rub", "expenses.csv:2:5"),
    ];
    for (kind, col, at) in cases {
        let bytes = match kind {
            FileKind::Applicants => {
                let lines = applicant_lines(1, |_, t| {
                    t.set(0, col, s(&huge));
                });
                lines.join("\n").into_bytes()
            }
            FileKind::Family => format!(
                "{}\nA001,F1,{huge},Ёлкина,Анна,,F,2010-01-01,KZ,,yes,no,full\n",
                head(kind)
            )
            .into_bytes(),
            FileKind::Expenses => format!(
                "{}\nA001,,travel,2026-01-10,{},,\n",
                head(kind),
                "9".repeat(TEN_MB)
            )
            .into_bytes(),
        };
        let t = batch(kind, &bytes);
        let (out, rss) = validate_measured(t.path());
        assert_eq!(out.code, 1, "{col}: {}", out.stderr);
        let f = finding_list(&out.json());
        let hit = f
            .iter()
            .find(|(src, rule, _)| src == at && rule == "data.format")
            .unwrap_or_else(|| panic!("{col}: no data.format at {at}: {f:?}"));
        assert!(
            hit.2.len() < 1000,
            "{col}: a message of {} bytes",
            hit.2.len()
        );
        assert!(
            out.stdout.len() < 1 << 20,
            "{col}: the report holds the 10 MB value ({} bytes)",
            out.stdout.len()
        );
        assert_rss(col, rss, bytes.len());
    }
}

/// A 10 MB name or address is not a name or an address: a finding on its cell (longer
/// than `--max-cell`), and not copied into report.json (nor the packets).
#[test]
fn a_10_mb_text_cell_is_reported() {
    let huge = "Ж".repeat(TEN_MB / 2);
    for (col, at) in [
        ("last_name", "applicants.csv:2:2"),
        ("address", "applicants.csv:2:18"),
    ] {
        let lines = applicant_lines(1, |_, t| {
            t.set(0, col, s(&huge));
        });
        let t = batch(FileKind::Applicants, lines.join("\n").as_bytes());
        let (out, rss) = validate_measured(t.path());
        assert_eq!(out.code, 1, "{}", out.stderr);
        let f = finding_list(&out.json());
        assert!(
            f.iter().any(|(src, _, _)| src == at),
            "{col}: no finding at {at}: {f:?}"
        );
        assert!(
            out.stdout.len() < 1 << 20,
            "{col}: the report holds the 10 MB value ({} bytes)",
            out.stdout.len()
        );
        assert_rss(col, rss, TEN_MB);
    }
}

/// 100,000 values beyond the header in one row: one warning on that row.
#[test]
fn a_row_of_100_000_columns_is_one_warning() {
    let mut lines = applicant_lines(1, |_, _| {});
    lines[1].push_str(&",v".repeat(100_000));
    let bytes = lines.join("\n").into_bytes();
    let t = batch(FileKind::Applicants, &bytes);
    let (out, rss) = validate_measured(t.path());
    assert_eq!(out.code, 1, "{}", out.stderr);
    let warnings = listed(&out.json(), "warnings");
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert_eq!(warnings[0].0, "applicants.csv:2");
    assert!(
        warnings[0]
            .2
            .starts_with("100000 value(s) stand in columns without a header"),
        "{warnings:?}"
    );
    assert_rss("100,000 columns in a row", rss, bytes.len());
}

/// 100,000 empty header cells are no columns at all; 100,000 copies of a known header
/// stop the run at the first repeat.
#[test]
fn a_header_of_100_000_empty_or_repeated_columns() {
    let mut lines = applicant_lines(1, |_, _| {});
    lines[0].push_str(&",".repeat(100_000));
    let t = batch(FileKind::Applicants, lines.join("\n").as_bytes());
    let out = validate_json(t.path());
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(listed(&out.json(), "warnings").is_empty());

    let mut lines = applicant_lines(1, |_, _| {});
    lines[0].push_str(&",applicant_id".repeat(100_000));
    let t = batch(FileKind::Applicants, lines.join("\n").as_bytes());
    let out = validate_json(t.path());
    assert_eq!(out.code, 2, "{}", out.stderr);
    // The first repeat stands right after the header's own columns.
    let n = APPLICANT_HEADERS.len() + 1;
    assert!(
        out.stderr.contains(&format!(
            "applicants.csv:1:{n}: columns 1 («applicant_id») and {n} («applicant_id») both mean `applicant_id`"
        )),
        "{}",
        out.stderr
    );
}

/// 100,000 unknown columns in the header (it once gave one warning each: 100,000 lines
/// on the console, a 20 MB report and 160× the input in memory). Past `--max-columns`
/// (16,384 by default, as many as an Excel sheet has) the file is refused, naming the
/// first column past the limit; under a raised limit the report lists the first 20 and
/// says how many more.
#[test]
fn a_header_of_100_000_unknown_columns_gives_a_bounded_report() {
    let mut lines = applicant_lines(1, |_, _| {});
    for i in 0..100_000 {
        lines[0].push_str(&format!(",x{i}"));
    }
    let bytes = lines.join("\n").into_bytes();
    let t = batch(FileKind::Applicants, &bytes);
    let (out, rss) = validate_measured(t.path());
    assert_eq!(out.code, 2, "{}", out.stderr);
    let columns = APPLICANT_HEADERS.len() + 100_000;
    assert!(
        out.stderr.contains(&format!(
            "applicants.csv:1:16385: the header has {columns} columns, more than the limit of 16384 (--max-columns)"
        )),
        "{}",
        out.stderr
    );
    assert_rss("100,000 unknown columns", rss, bytes.len());

    let (out, rss) = validate_measured_with(t.path(), &["--max-columns", "200000"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let warnings = listed(&out.json(), "warnings");
    assert!(warnings.len() <= 100, "{} warnings", warnings.len());
    assert!(
        warnings
            .iter()
            .any(|(src, rule, m)| src == "applicants.csv:1"
                && rule == "data.unknown_column"
                && m == "99980 more unknown columns were ignored (100000 in all)"),
        "{warnings:?}"
    );
    assert!(
        out.stdout.len() < 1 << 20,
        "a report of {} bytes",
        out.stdout.len()
    );
    assert_rss("100,000 unknown columns", rss, bytes.len());
}

/// A file of NUL bytes, or UTF-16 without a BOM (a NUL after every ASCII letter), has no
/// header the reader knows: exit 2 naming the file and its row 1.
#[test]
fn nul_bytes_in_the_header_exit_2() {
    let utf16_no_bom = encode(&head(FileKind::Applicants), Enc::Utf16LeBom)[2..].to_vec();
    for bytes in [vec![0u8; 300], utf16_no_bom] {
        let t = batch(FileKind::Applicants, &bytes);
        let out = validate_json(t.path());
        assert_eq!(out.code, 2, "{}", out.stderr);
        assert!(
            out.stderr
                .contains("applicants.csv:1: missing required column(s): `applicant_id`"),
            "{}",
            out.stderr
        );
    }
}

/// A NUL in a coded value (sex, a date, an id) is a finding on its cell, the NUL shown
/// escaped so the message stays one line.
#[test]
fn a_nul_in_a_coded_cell_is_a_finding_on_it() {
    let lines = applicant_lines(2, |i, t| {
        if i == 2 {
            t.set(1, "sex", s("M\0"));
            t.set(1, "birth_date", s("1985-04\0-12"));
        }
    });
    let mut text = lines.join("\n");
    text.push_str("\nA0\x0003,x\n");
    let t = batch(FileKind::Applicants, text.as_bytes());
    let out = validate_json(t.path());
    assert_eq!(out.code, 1, "{}", out.stderr);
    let r = out.json();
    let f = finding_list(&r);
    for at in ["applicants.csv:3:7", "applicants.csv:3:8"] {
        let (_, rule, m) = f
            .iter()
            .find(|(src, _, _)| src == at)
            .unwrap_or_else(|| panic!("no finding at {at}: {f:?}"));
        assert_eq!(rule, "data.format");
        assert!(m.contains("\\u{0}") && !m.contains('\0'), "{m:?}");
    }
    let errors = listed(&r, "errors");
    assert!(
        errors
            .iter()
            .any(|(src, rule, m)| src == "applicants.csv:4:1"
                && rule == "data.format"
                && m.contains("A0\\u{0}03")),
        "{errors:?}"
    );
}

/// A NUL inside a name is invisible in Excel but breaks the printed packet: it should be
/// a finding on its cell like any other character a name cannot hold.
#[test]
fn a_nul_in_a_text_cell_is_a_finding_on_it() {
    let lines = applicant_lines(1, |_, t| {
        t.set(0, "last_name", s("Ёл\0кин"));
    });
    let t = batch(FileKind::Applicants, lines.join("\n").as_bytes());
    let out = validate_json(t.path());
    assert_eq!(out.code, 1, "{}", out.stderr);
    let f = finding_list(&out.json());
    assert!(
        f.iter().any(|(src, _, _)| src == "applicants.csv:2:2"),
        "no finding at applicants.csv:2:2: {f:?}"
    );
}

/// Four applicants, the third with one invalid byte in an otherwise UTF-8 file, lines
/// ended with `nl`.
fn invalid_utf8_on_line_4(nl: &str) -> Vec<u8> {
    let lines = applicant_lines(4, |_, _| {});
    let mut bytes = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        if i == 3 {
            let l = l.replacen("Ёлкин", "Ёл\u{0}кин", 1);
            bytes.extend(l.as_bytes().iter().map(|&b| if b == 0 { 0xFF } else { b }));
        } else {
            bytes.extend(l.as_bytes());
        }
        bytes.extend(nl.as_bytes());
    }
    bytes
}

#[test]
fn invalid_utf8_in_a_utf8_file_warns_with_its_line() {
    for nl in ["\n", "\r\n"] {
        let t = batch(FileKind::Applicants, &invalid_utf8_on_line_4(nl));
        let out = validate_json(t.path());
        assert_eq!(out.code, 1, "{}", out.stderr);
        let r = out.json();
        let warnings = listed(&r, "warnings");
        assert_eq!(
            warnings,
            [(
                "applicants.csv:4".to_string(),
                "data.encoding".to_string(),
                "1 byte sequence(s) are not valid UTF-8 and were replaced by �; the first on line 4"
                    .to_string()
            )],
            "{nl:?}"
        );
        assert_eq!(r["applicants"].as_array().unwrap().len(), 4);
    }
}

#[test]
fn invalid_utf8_with_cr_line_ends_warns_with_its_line() {
    let t = batch(FileKind::Applicants, &invalid_utf8_on_line_4("\r"));
    let out = validate_json(t.path());
    assert_eq!(out.code, 1, "{}", out.stderr);
    let warnings = listed(&out.json(), "warnings");
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert_eq!(warnings[0].0, "applicants.csv:4", "{warnings:?}");
    assert!(warnings[0].2.ends_with("on line 4"), "{warnings:?}");
}

/// LF, CRLF and CR in one file, and a quoted cell spanning lines: each record's row is
/// the line it starts on (counting every kind of line break).
#[test]
fn mixed_line_endings_keep_row_numbers() {
    let lines = applicant_lines(6, |i, t| {
        t.set(i as usize - 1, "sex", s("Q"));
        if i == 3 {
            t.set(2, "address", s("г. Алматы,\r\nул. Абая,\rд. 1\nкв. 2"));
        }
    });
    // Lines 1 (header) to 7; record 3 spans four lines, so A004 starts on line 8.
    let ends = ["\n", "\r\n", "\r", "\n", "\r\n", "\r", "\n"];
    let text: String = lines
        .iter()
        .zip(ends.iter().cycle())
        .map(|(l, e)| format!("{l}{e}"))
        .collect();
    let t = batch(FileKind::Applicants, text.as_bytes());
    let out = validate_json(t.path());
    assert_eq!(out.code, 1, "{}", out.stderr);
    let r = out.json();
    let at: Vec<String> = finding_list(&r)
        .into_iter()
        .filter(|(_, rule, m)| rule == "data.format" && m.starts_with("sex"))
        .map(|(src, _, _)| src)
        .collect();
    assert_eq!(
        at,
        [2, 3, 4, 8, 9, 10].map(|row| format!("applicants.csv:{row}:7"))
    );
}

/// An opening quote that is never closed makes the rest of the file one cell. Today the
/// rows after it vanish without a word (A004 and A005 below are not in the report) and
/// A003 gets only `data.required` findings for the cells the quote swallowed; its
/// last_name, holding the rest of the file with its line breaks, is taken as a name;
/// nothing says "quote". The reader should say where the quote opened (row 4, column 2)
/// and that the following rows were not read.
#[test]
fn an_unbalanced_quote_is_reported_where_it_opens() {
    let mut lines = applicant_lines(5, |_, _| {});
    lines[3] = lines[3].replacen(",Ёлкин,", ",\"Ёлкин,", 1);
    let t = batch(FileKind::Applicants, lines.join("\n").as_bytes());
    let out = validate_json(t.path());
    assert_eq!(out.code, 1, "{}", out.stderr);
    let r = out.json();
    let everything: Vec<(String, String, String)> = finding_list(&r)
        .into_iter()
        .chain(listed(&r, "errors"))
        .chain(listed(&r, "warnings"))
        .collect();
    assert!(
        everything
            .iter()
            .any(|(src, _, m)| src.starts_with("applicants.csv:4")
                && (m.contains("quote") || m.contains('"'))),
        "no message about the quote that opens on row 4: {everything:#?}"
    );
    let read = r["rows"]["applicants.csv"]["read"].as_u64().unwrap();
    let listed_ids = r["applicants"].as_array().unwrap().len();
    assert!(
        read == 5 || everything.iter().any(|(_, _, m)| m.contains("not read")),
        "{read} rows read, {listed_ids} applicants, and no message says rows were lost"
    );
}

/// The column header is quoted raw at the start of many messages: a header cell with a
/// line break inside quotes gives multi-line messages, and one padded with a megabyte of
/// spaces (it still matches the column: spaces fold) is copied into every finding on
/// that column: a 1 MB file with 100 rows gave a 200 MB report and 1 GB of memory. The
/// header should go through `values::show` like every other quoted value.
#[test]
fn header_in_messages_is_shown_escaped() {
    // A line break inside the quoted header.
    let mut lines = applicant_lines(1, |_, t| {
        t.set(0, "birth_date", s("x"));
    });
    lines[0] = lines[0].replacen("birth_date", "\"birth\ndate\"", 1);
    let t = batch(FileKind::Applicants, lines.join("\n").as_bytes());
    let out = validate_json(t.path());
    assert_eq!(out.code, 1, "{}", out.stderr);
    for m in all_messages(&out.json()) {
        assert!(!m.contains('\n'), "a message on two lines: {m:?}");
    }
    // A megabyte of spaces inside the header, 100 rows with a bad date.
    let mut lines = applicant_lines(100, |i, t| {
        t.set(i as usize - 1, "birth_date", s("x"));
    });
    lines[0] = lines[0].replacen(
        "birth_date",
        &format!("birth{}date", " ".repeat(1 << 20)),
        1,
    );
    let bytes = lines.join("\n").into_bytes();
    let t = batch(FileKind::Applicants, &bytes);
    let (out, rss) = validate_measured(t.path());
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stdout.len() < 4 << 20,
        "a report of {} MB",
        out.stdout.len() >> 20
    );
    assert_rss("a 1 MB header", rss, bytes.len());
}

/// A personal number (IIN, document number, account, SNILS, INN) that cannot be read is
/// shown masked in its `data.format` message: every character but the last four as `•`,
/// however long the cell, and the last four unescaped. A 10 MB IIN cell gives two 30 MB
/// messages (Russian and English); a line break among the last four splits the message.
#[test]
fn a_long_personal_number_is_cut_short_in_its_message() {
    let lines = applicant_lines(2, |i, t| {
        if i == 1 {
            t.set(0, "iin", s(&"x".repeat(TEN_MB)));
        } else {
            t.set(1, "iin", s("85041231\n318"));
        }
    });
    let t = batch(FileKind::Applicants, lines.join("\n").as_bytes());
    let (out, rss) = validate_measured(t.path());
    assert_eq!(out.code, 1, "{}", out.stderr);
    let r = out.json();
    for m in all_messages(&r) {
        assert!(m.len() < 1000, "a message of {} bytes", m.len());
        assert!(!m.contains('\n'), "a message on two lines: {m:?}");
    }
    assert!(
        out.stdout.len() < 1 << 20,
        "a report of {} MB",
        out.stdout.len() >> 20
    );
    assert_rss("a 10 MB IIN", rss, TEN_MB);
}
