//! The notes of findings.xlsx's row sheets, kept on disk instead of in memory.
//!
//! rust_xlsxwriter holds every `Note` until the workbook is saved: some 8 KB each (a
//! B-tree per row whose first leaf has room for eleven notes of 700 bytes, cloned again
//! at save), which made findings.xlsx the peak of a large run (879 MiB at 50,000
//! applicants, 113 MB of notes at 20,000). So a row sheet gives rust_xlsxwriter only its
//! first note, enough for it to write the sheet's links to its comments and drawing,
//! and spills every note (cell and text) to a scratch file as its row is written
//! ([`NoteSpill`]). When the workbook is saved ([`patch`]), its zip is copied entry by
//! entry and each such sheet's `xl/commentsN.xml` (the notes' text) and
//! `xl/drawings/vmlDrawingN.vml` (their boxes) are written from the spill, in the very
//! bytes rust_xlsxwriter writes when it holds every note (a test holds them to each
//! other): the same authors and fonts, the same anchors (`anchor`, as rust_xlsxwriter's
//! `position_object_pixels` computes them), shape ids and id map.
//!
//! What this relies on, all of it true of the row sheets and checked by that test: the
//! sheets are constant-memory ones (no row spans, so the sheet's own XML does not
//! depend on its notes), their rows have the default height, their notes have the
//! defaults of `rows::note` (author `resettle` without prefix, 320 pixels wide), and
//! no other sheet of the workbook has notes, buttons or header images.

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Read, Seek, Write};
use std::path::Path;

use rust_xlsxwriter::{Note, Worksheet, XlsxError};
use zip::write::SimpleFileOptions;
use zip::{DateTime, ZipArchive, ZipWriter};

/// Excel's rows and columns (rust_xlsxwriter's `ROW_MAX`, `COL_MAX`).
const ROW_MAX: u32 = super::MAX_ROWS;
const COL_MAX: u16 = super::MAX_COLS;
/// The height in pixels of a row of default height, and the width of a column of
/// default width (Calibri 11, rust_xlsxwriter's defaults).
const ROW_PIXELS: u32 = 20;
const COL_PIXELS: u32 = 64;
/// The width of a note's box in pixels.
pub const NOTE_WIDTH: u32 = 320;
/// The longest note rust_xlsxwriter takes, in UTF-16 units.
const NOTE_MAX: usize = 32_767 - 54;

/// A note holding `text`, sized for it.
pub fn note(text: &str) -> Note {
    Note::new(text)
        .set_author("resettle")
        .add_author_prefix(false)
        .set_width(NOTE_WIDTH)
        .set_height(note_height(text))
}

/// The height in pixels of the box of a note holding `text`.
fn note_height(text: &str) -> u32 {
    let chars = text.chars().count();
    let lines = text.lines().count().max(1) + chars / 48;
    (lines as u32 * 16 + 12).clamp(40, 600)
}

/// The width in pixels of a column `chars` characters wide, as rust_xlsxwriter's
/// `set_column_width` makes it (Calibri 11: digits of 7 pixels, 5 of padding; at most
/// 1,790 pixels).
pub fn column_pixels(chars: f64) -> u32 {
    let px = if chars == 0.0 {
        0
    } else if chars < 1.0 {
        (chars * 12.0).round() as u32
    } else {
        (chars * 7.0).round() as u32 + 5
    };
    px.min(1790)
}

/// The notes of one sheet being written, spilled row by row.
pub struct NoteSpill<'d> {
    dir: &'d Path,
    file: Option<BufWriter<File>>,
    /// The row whose notes are gathered, and its notes by column.
    row: Option<u32>,
    pending: Vec<(u16, String)>,
    count: u64,
}

/// The notes of a finished sheet, in row and column order.
pub struct SheetNotes {
    file: File,
    count: u64,
    /// Each column's width in pixels (the columns past the end: the default).
    widths: Vec<u32>,
}

impl<'d> NoteSpill<'d> {
    /// Notes spilled to a scratch file in `dir` (made at the first note).
    pub fn new(dir: &'d Path) -> Self {
        NoteSpill {
            dir,
            file: None,
            row: None,
            pending: Vec::new(),
            count: 0,
        }
    }

    /// Adds a note holding `text` on cell (`row`, `col`), replacing any note there.
    /// Rows come in order; the first note of the sheet also goes to `ws`.
    pub fn add(
        &mut self,
        ws: &mut Worksheet,
        row: u32,
        col: u16,
        text: String,
    ) -> Result<(), XlsxError> {
        if row >= ROW_MAX || col >= COL_MAX {
            return Err(XlsxError::RowColumnLimitError);
        }
        if text.encode_utf16().count() > NOTE_MAX {
            return Err(XlsxError::MaxStringLengthExceeded);
        }
        match self.row {
            Some(r) if r == row => {}
            Some(r) if r > row => {
                return Err(XlsxError::ParameterError(format!(
                    "a note on row {row} after one on row {r}"
                )));
            }
            _ => {
                self.flush(ws)?;
                self.row = Some(row);
            }
        }
        match self.pending.iter_mut().find(|(c, _)| *c == col) {
            Some(held) => held.1 = text,
            None => self.pending.push((col, text)),
        }
        Ok(())
    }

    /// Writes the gathered row's notes, in column order.
    fn flush(&mut self, ws: &mut Worksheet) -> Result<(), XlsxError> {
        let Some(row) = self.row else {
            return Ok(());
        };
        self.pending.sort_by_key(|(c, _)| *c);
        for (col, text) in self.pending.drain(..) {
            if self.count == 0 {
                ws.insert_note(row, col, &note(&text))?;
            }
            let file = match &mut self.file {
                Some(f) => f,
                None => self.file.insert(BufWriter::with_capacity(
                    1 << 16,
                    tempfile::tempfile_in(self.dir)?,
                )),
            };
            file.write_all(&row.to_le_bytes())?;
            file.write_all(&col.to_le_bytes())?;
            file.write_all(&(text.len() as u32).to_le_bytes())?;
            file.write_all(text.as_bytes())?;
            self.count += 1;
        }
        Ok(())
    }

    /// The sheet's notes, its columns `widths` pixels wide; `None` when it has none.
    pub fn finish(
        mut self,
        ws: &mut Worksheet,
        widths: Vec<u32>,
    ) -> Result<Option<SheetNotes>, XlsxError> {
        self.flush(ws)?;
        let Some(file) = self.file else {
            return Ok(None);
        };
        let mut file = file.into_inner().map_err(|e| e.into_error())?;
        file.rewind()?;
        Ok(Some(SheetNotes {
            file,
            count: self.count,
            widths,
        }))
    }
}

/// One spilled note: its cell and text.
struct Spilled {
    row: u32,
    col: u16,
    text: String,
}

/// Reads the next note of a spill, `None` at its end.
fn next_note(r: &mut impl BufRead) -> std::io::Result<Option<Spilled>> {
    if r.fill_buf()?.is_empty() {
        return Ok(None);
    }
    let mut head = [0u8; 10];
    r.read_exact(&mut head)?;
    let row = u32::from_le_bytes([head[0], head[1], head[2], head[3]]);
    let col = u16::from_le_bytes([head[4], head[5]]);
    let len = u32::from_le_bytes([head[6], head[7], head[8], head[9]]) as usize;
    let mut text = vec![0; len];
    r.read_exact(&mut text)?;
    let text = String::from_utf8(text).map_err(std::io::Error::other)?;
    Ok(Some(Spilled { row, col, text }))
}

/// Copies the workbook `saved` (as rust_xlsxwriter wrote it) to `w`, each sheet's
/// comments and drawing written from its spilled notes (`sheets`: the sheets with
/// notes, in sheet order).
pub fn patch(
    saved: impl Read + Seek,
    mut sheets: Vec<SheetNotes>,
    w: &mut (dyn Write + Send),
) -> std::io::Result<()> {
    let mut archive = ZipArchive::new(saved).map_err(std::io::Error::other)?;
    // As rust_xlsxwriter numbers them: each sheet with notes takes the next comments
    // and drawing files, and a block of 1,024 shape ids per 1,024 notes.
    let mut ids = Vec::with_capacity(sheets.len());
    let (mut data_id, mut shape_id) = (1u64, 1024u64);
    for n in &sheets {
        ids.push((data_id, shape_id));
        let blocks = (1024 + n.count) / 1024;
        data_id += blocks;
        shape_id += 1024 * blocks;
    }
    let mut out = ZipWriter::new_stream(w);
    let options = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .unix_permissions(0o600)
        .last_modified_time(DateTime::default());
    for i in 0..archive.len() {
        let entry = archive.by_index_raw(i).map_err(std::io::Error::other)?;
        let name = entry.name().map_err(std::io::Error::other)?.to_string();
        // Any other entry, and one of a sheet without a spill, is copied as it is.
        let part = part_of(&name).and_then(|(kind, k)| Some((kind, k, sheets.get_mut(k - 1)?)));
        match part {
            Some((Part::Comments, _, sheet)) => {
                out.start_file(name, options)?;
                sheet.file.rewind()?;
                write_comments(&mut BufReader::new(&mut sheet.file), &mut out)?;
            }
            Some((Part::Drawing, k, sheet)) => {
                out.start_file(name, options)?;
                sheet.file.rewind()?;
                write_drawing(
                    &mut BufReader::new(&mut sheet.file),
                    sheet.count,
                    ids[k - 1],
                    &sheet.widths,
                    &mut out,
                )?;
            }
            None => out.raw_copy_file(entry)?,
        }
    }
    out.finish()?;
    Ok(())
}

#[derive(Clone, Copy)]
enum Part {
    Comments,
    Drawing,
}

/// Which sheet's comments or drawing the zip entry `name` is (numbered from 1).
fn part_of(name: &str) -> Option<(Part, usize)> {
    let (part, n) = if let Some(rest) = name.strip_prefix("xl/comments") {
        (Part::Comments, rest.strip_suffix(".xml")?)
    } else {
        let rest = name.strip_prefix("xl/drawings/vmlDrawing")?;
        (Part::Drawing, rest.strip_suffix(".vml")?)
    };
    Some((part, n.parse().ok().filter(|n| *n > 0)?))
}

/// `xl/commentsN.xml`: each note's cell and text, as rust_xlsxwriter's `Comment` writes
/// them.
fn write_comments(spill: &mut impl BufRead, w: &mut impl Write) -> std::io::Result<()> {
    w.write_all(
        b"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
          <comments xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">\
          <authors><author>Author</author><author>resettle</author></authors><commentList>",
    )?;
    while let Some(n) = next_note(spill)? {
        let cell = crate::columns::column_letters(u32::from(n.col) + 1);
        let space = if n.text.starts_with(['\t', '\n', ' ']) || n.text.ends_with(['\t', '\n', ' '])
        {
            " xml:space=\"preserve\""
        } else {
            ""
        };
        write!(
            w,
            "<comment ref=\"{cell}{}\" authorId=\"1\"><text><r><rPr><sz val=\"8\"/>\
             <color indexed=\"81\"/><rFont val=\"Tahoma\"/><family val=\"2\"/></rPr>\
             <t{space}>",
            u64::from(n.row) + 1
        )?;
        escape_data(&n.text, w)?;
        w.write_all(b"</t></r></text></comment>")?;
    }
    w.write_all(b"</commentList></comments>")
}

/// XML character data as rust_xlsxwriter escapes it: markup, and the control
/// characters XML cannot hold as `_xHHHH_`.
fn escape_data(text: &str, w: &mut impl Write) -> std::io::Result<()> {
    let mut from = 0;
    for (i, c) in text.char_indices() {
        let escaped: Option<std::borrow::Cow<'static, str>> = match c {
            '&' => Some("&amp;".into()),
            '<' => Some("&lt;".into()),
            '>' => Some("&gt;".into()),
            '\t' | '\n' => None,
            '\x00'..='\x1F' | '\u{FFFE}' | '\u{FFFF}' => {
                Some(format!("_x{:04X}_", u32::from(c)).into())
            }
            _ => None,
        };
        if let Some(e) = escaped {
            w.write_all(&text.as_bytes()[from..i])?;
            w.write_all(e.as_bytes())?;
            from = i + c.len_utf8();
        }
    }
    w.write_all(&text.as_bytes()[from..])
}

/// `xl/drawings/vmlDrawingN.vml`: each note's box, as rust_xlsxwriter's `Vml` writes
/// it, the sheet's shape ids starting after `shape_id` and its id map at `data_id`.
fn write_drawing(
    spill: &mut impl BufRead,
    count: u64,
    (data_id, shape_id): (u64, u64),
    widths: &[u32],
    w: &mut impl Write,
) -> std::io::Result<()> {
    let mut idmap = data_id.to_string();
    for i in 0..count / 1024 {
        idmap.push_str(&format!(",{}", data_id + i + 1));
    }
    write!(
        w,
        "<xml xmlns:v=\"urn:schemas-microsoft-com:vml\" \
         xmlns:o=\"urn:schemas-microsoft-com:office:office\" \
         xmlns:x=\"urn:schemas-microsoft-com:office:excel\">\
         <o:shapelayout v:ext=\"edit\"><o:idmap v:ext=\"edit\" data=\"{idmap}\"/>\
         </o:shapelayout><v:shapetype id=\"_x0000_t202\" coordsize=\"21600,21600\" \
         o:spt=\"202\" path=\"m,l,21600r21600,l21600,xe\"><v:stroke joinstyle=\"miter\"/>\
         <v:path gradientshapeok=\"t\" o:connecttype=\"rect\"/></v:shapetype>"
    )?;
    let mut z = 0u64;
    while let Some(n) = next_note(spill)? {
        z += 1;
        let a = anchor(n.row, n.col, note_height(&n.text), widths);
        let pt = |px: f64| (px + 0.25).floor() * 72.0 / 96.0;
        write!(
            w,
            "<v:shape id=\"_x0000_s{}\" type=\"#_x0000_t202\" \
             style=\"position:absolute;margin-left:{}pt;margin-top:{}pt;width:{}pt;\
             height:{}pt;z-index:{z};visibility:hidden\" fillcolor=\"#ffffe1\" \
             o:insetmode=\"auto\"><v:fill color2=\"#ffffe1\"/>\
             <v:shadow on=\"t\" color=\"black\" obscured=\"t\"/>\
             <v:path o:connecttype=\"none\"/><v:textbox style=\"mso-direction-alt:auto\">\
             <div style=\"text-align:left\"></div></v:textbox>\
             <x:ClientData ObjectType=\"Note\"><x:MoveWithCells/><x:SizeWithCells/>\
             <x:Anchor>{}, {}, {}, {}, {}, {}, {}, {}</x:Anchor><x:AutoFill>False</x:AutoFill>\
             <x:Row>{}</x:Row><x:Column>{}</x:Column></x:ClientData></v:shape>",
            shape_id + z,
            pt(a.left as f64),
            pt(a.top as f64),
            pt(f64::from(NOTE_WIDTH)),
            pt(a.height),
            a.from.0,
            a.from.1,
            a.from.2,
            a.from.3,
            a.to.0,
            a.to.1,
            a.to.2,
            a.to.3,
            n.row,
            n.col,
        )?;
    }
    w.write_all(b"</xml>")
}

/// Where a note's box sits: its corners (column, offset, row, offset), its absolute
/// left and top in pixels, and its height.
struct Anchor {
    from: (u32, f64, u32, f64),
    to: (u32, f64, u32, f64),
    left: u64,
    top: u64,
    height: f64,
}

/// The box of the note on cell (`row`, `col`), `height` pixels high, as
/// rust_xlsxwriter's `position_object_pixels` places it: one row up and one column
/// right of its cell (but at the sheet's edges), 15 pixels right and 10 down.
fn anchor(row: u32, col: u16, height: u32, widths: &[u32]) -> Anchor {
    let col_width = |c: u32| widths.get(c as usize).copied().unwrap_or(COL_PIXELS);
    // rust_xlsxwriter's `Note::row`, `col`, `x_offset` and `y_offset`.
    let near_bottom = row + 3 >= ROW_MAX;
    let near_right = col + 3 >= COL_MAX;
    let mut row_start = match row {
        0 => 0,
        r if near_bottom => r - 4,
        r => r - 1,
    };
    let mut col_start = if near_right {
        u32::from(col) - 3
    } else {
        u32::from(col) + 1
    };
    let x_off = if near_right { 49 } else { 15 };
    let y_off = match row {
        0 => 2,
        r if r + 1 == ROW_MAX => 14,
        _ if near_bottom => 16,
        _ => 10,
    };
    let (mut x1, mut y1) = (x_off, y_off);
    let left = (0..col_start).map(|c| u64::from(col_width(c))).sum::<u64>() + u64::from(x1);
    let top = u64::from(row_start) * u64::from(ROW_PIXELS) + u64::from(y1);
    while x1 >= col_width(col_start) {
        x1 -= col_width(col_start);
        col_start += 1;
    }
    while y1 >= ROW_PIXELS {
        y1 -= ROW_PIXELS;
        row_start += 1;
    }
    let (mut col_end, mut row_end) = (col_start, row_start);
    let mut x2 = f64::from(NOTE_WIDTH) + f64::from(x1);
    let mut y2 = f64::from(height) + f64::from(y1);
    while x2 >= f64::from(col_width(col_end)) {
        x2 -= f64::from(col_width(col_end));
        col_end += 1;
    }
    while y2 >= f64::from(ROW_PIXELS) {
        y2 -= f64::from(ROW_PIXELS);
        row_end += 1;
    }
    Anchor {
        from: (col_start, f64::from(x1), row_start, f64::from(y1)),
        to: (col_end, x2, row_end, y2),
        left,
        top,
        height: f64::from(height),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_xlsxwriter::Workbook;
    use std::collections::BTreeMap;

    /// The notes of the test: (sheet, row, col, text), rows in order within a sheet.
    fn notes() -> Vec<(usize, u32, u16, String)> {
        let mut v = vec![
            (0, 0, 0, "on the first row".to_string()),
            (0, 0, 3, " leading & trailing space ".to_string()),
            // Out of column order, and one cell noted twice (the last note stays).
            (0, 1, 5, "replaced".to_string()),
            (
                0,
                1,
                2,
                "ИИН: 12 цифр, а не «<11>»\n• second line".to_string(),
            ),
            (
                0,
                1,
                5,
                "a control \u{1} character and a tab\tin it".to_string(),
            ),
            (0, 2, 1, "x".repeat(4000)),
        ];
        // More than 1,024 notes on one sheet: a second block of shape ids.
        for i in 0..1100u32 {
            v.push((
                0,
                3 + i,
                (i % 7) as u16,
                format!("note {i} {}", "y".repeat(i as usize % 90)),
            ));
        }
        for col in [COL_MAX - 4, COL_MAX - 3, COL_MAX - 2, COL_MAX - 1] {
            v.push((0, 2000, col, format!("right edge {col}")));
        }
        for row in [ROW_MAX - 4, ROW_MAX - 3, ROW_MAX - 2, ROW_MAX - 1] {
            v.push((0, row, 1, format!("bottom edge {row}")));
        }
        // The second sheet has none; the third a few.
        for (i, row) in [4u32, 4, 9].into_iter().enumerate() {
            v.push((2, row, 10 - i as u16, format!("third sheet {i}")));
        }
        v
    }

    /// Column widths in characters of each sheet.
    const WIDTHS: [&[f64]; 3] = [&[6.0, 45.0, 12.5, 0.5, 20.0], &[], &[8.0, 9.0]];

    /// The workbook of [`notes`], by rust_xlsxwriter alone (`spill` false) or with the
    /// notes spilled and patched in.
    fn workbook(spill: bool, dir: &Path) -> BTreeMap<String, Vec<u8>> {
        let all = notes();
        let mut book = Workbook::new();
        book.set_tempdir(dir).unwrap();
        let day = rust_xlsxwriter::ExcelDateTime::from_ymd(2026, 12, 7).unwrap();
        book.set_properties(&rust_xlsxwriter::DocProperties::new().set_creation_datetime(&day));
        let mut spilled = Vec::new();
        for (sheet, widths) in WIDTHS.iter().enumerate() {
            let mut ws = book.new_worksheet_with_constant_memory().unwrap();
            let mut spiller = NoteSpill::new(dir);
            for (_, row, col, text) in all.iter().filter(|n| n.0 == sheet) {
                ws.write_string(*row, *col, "cell").unwrap();
                if spill {
                    spiller.add(&mut ws, *row, *col, text.clone()).unwrap();
                } else {
                    ws.insert_note(*row, *col, &note(text)).unwrap();
                }
            }
            let mut pixels = Vec::new();
            for (c, w) in widths.iter().enumerate() {
                ws.set_column_width(c as u16, *w).unwrap();
                pixels.push(column_pixels(*w));
            }
            spilled.extend(spiller.finish(&mut ws, pixels).unwrap());
            book.push_worksheet(ws);
        }
        let mut bytes = Vec::new();
        if spill {
            let mut saved = std::io::Cursor::new(Vec::new());
            book.save_to_writer(&mut saved).unwrap();
            saved.rewind().unwrap();
            patch(saved, spilled, &mut bytes).unwrap();
        } else {
            book.save_to_writer(&mut bytes).unwrap();
        }
        let mut zip = ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        (0..zip.len())
            .map(|i| {
                let mut f = zip.by_index(i).unwrap();
                let mut data = Vec::new();
                f.read_to_end(&mut data).unwrap();
                (f.name().unwrap().to_string(), data)
            })
            .collect()
    }

    #[test]
    fn spilled_notes_are_the_parts_rust_xlsxwriter_writes() {
        let dir = tempfile::tempdir().unwrap();
        let theirs = workbook(false, dir.path());
        let ours = workbook(true, dir.path());
        assert_eq!(
            theirs.keys().collect::<Vec<_>>(),
            ours.keys().collect::<Vec<_>>()
        );
        // Two blocks of shape ids on the first sheet; the third sheet's after them.
        let vml = |n: u8| {
            String::from_utf8_lossy(&theirs[&format!("xl/drawings/vmlDrawing{n}.vml")]).into_owned()
        };
        assert!(vml(1).contains("data=\"1,2\"") && vml(1).contains("_x0000_s2137\""));
        assert!(vml(2).contains("data=\"3\"") && vml(2).contains("_x0000_s3073\""));
        for (name, bytes) in &theirs {
            assert!(
                ours[name] == *bytes,
                "{name} differs:\n{}\n---\n{}",
                String::from_utf8_lossy(&bytes[..bytes.len().min(3000)]),
                String::from_utf8_lossy(&ours[name][..ours[name].len().min(3000)])
            );
        }
    }

    #[test]
    fn a_note_before_the_last_row_or_too_long_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let mut ws = Worksheet::new();
        let mut spill = NoteSpill::new(dir.path());
        spill.add(&mut ws, 5, 1, "five".into()).unwrap();
        assert!(spill.add(&mut ws, 4, 1, "four".into()).is_err());
        assert!(spill.add(&mut ws, 6, 1, "я".repeat(NOTE_MAX + 1)).is_err());
        assert!(spill.add(&mut ws, 6, 1, "я".repeat(NOTE_MAX)).is_ok());
    }
}
