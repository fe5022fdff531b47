//! The builder of the Word document: page measures and font sizes, runs and cell borders,
//! and [`Builder`], which numbers the paragraphs and lays out the pieces every part of the
//! form is made of — paragraphs, cells, fixed-width tables, item titles and rows of
//! labelled fields.

use docx_rs::{
    Docx, LineSpacing, Paragraph, Run, Table, TableCell, TableCellBorder, TableCellBorderPosition,
    TableCellBorders, TableCellMargins, TableLayoutType, TableRow, WidthType,
};

use TableCellBorderPosition::{Bottom, Left, Right, Top};

/// The width of the text on an A4 page with 20 mm margins, in twips.
pub(super) const TEXT_WIDTH: usize = 9638;
/// Font sizes in half-points.
pub(super) const BODY: usize = 20;
pub(super) const SMALL: usize = 15;
pub(super) const TABLE: usize = 17;
pub(super) const GREY: &str = "505050";
pub(super) const BOX: &[TableCellBorderPosition] = &[Top, Left, Bottom, Right];

/// Millimetres in twips.
pub(super) fn mm(v: f32) -> usize {
    (v * 56.693).round() as usize
}

/// A run of `s` at `size` half-points.
pub(super) fn run(s: &str, size: usize) -> Run {
    Run::new().add_text(s).size(size)
}

/// Borders on the sides named.
pub(super) fn borders(sides: &[TableCellBorderPosition]) -> TableCellBorders {
    sides.iter().fold(TableCellBorders::with_empty(), |b, s| {
        b.set(TableCellBorder::new(s.clone()).size(4).color("000000"))
    })
}

/// Builds the document, numbering its paragraphs.
pub(super) struct Builder {
    docx: Docx,
    next_id: u32,
}

impl Builder {
    /// A builder adding to `docx`, its paragraphs numbered from 1.
    pub(super) fn new(docx: Docx) -> Builder {
        Builder { docx, next_id: 0 }
    }

    /// The document built.
    pub(super) fn into_docx(self) -> Docx {
        self.docx
    }

    /// A paragraph with the next id (the crate's own ids are counted per thread).
    pub(super) fn para(&mut self) -> Paragraph {
        self.next_id += 1;
        Paragraph::new()
            .id(format!("{:08X}", self.next_id))
            .line_spacing(LineSpacing::new().before(0).after(0))
    }

    pub(super) fn text(&mut self, s: &str, size: usize) -> Paragraph {
        self.para().add_run(run(s, size))
    }

    pub(super) fn add(&mut self, p: Paragraph) {
        self.docx = std::mem::take(&mut self.docx).add_paragraph(p);
    }

    /// A cell of `width` twips holding `paragraphs`.
    pub(super) fn cell(&mut self, width: usize, paragraphs: Vec<Paragraph>) -> TableCell {
        let c = TableCell::new().width(width, WidthType::Dxa);
        paragraphs.into_iter().fold(c, |c, p| c.add_paragraph(p))
    }

    /// A cell holding one line of text.
    pub(super) fn cell_text(&mut self, width: usize, s: &str, size: usize) -> TableCell {
        let p = self.text(s, size);
        self.cell(width, vec![p])
    }

    /// A table of columns `widths` (twips) with 1 mm of padding; borders are the cells'.
    pub(super) fn grid(&mut self, widths: Vec<usize>, rows: Vec<TableRow>) {
        let t = Table::without_borders(rows)
            .set_grid(widths)
            .layout(TableLayoutType::Fixed)
            .width(TEXT_WIDTH, WidthType::Dxa)
            .margins(TableCellMargins::new().margin(0, mm(1.0), 0, mm(1.0)));
        self.docx = std::mem::take(&mut self.docx).add_table(t);
    }

    /// An item of the form: its official number where known, else none.
    pub(super) fn item(&mut self, number: Option<u32>, title: &str) {
        let title = match number {
            Some(n) => format!("{n}. {title}"),
            None => title.to_string(),
        };
        let p = self.para().keep_next(true);
        let p = p.line_spacing(LineSpacing::new().before(200).after(60));
        self.add(p.add_run(run(&title.to_uppercase(), BODY).bold()));
    }

    /// Labelled values side by side, each on an underline, 6 mm apart (`fields` of
    /// common.typ); the captions keep with their values.
    pub(super) fn fields(&mut self, pairs: &[(&str, String)]) {
        let n = pairs.len().max(1);
        let gutter = mm(6.0);
        let width = (TEXT_WIDTH - gutter * (n - 1)) / n;
        let (mut grid, mut captions, mut values) = (Vec::new(), Vec::new(), Vec::new());
        for (i, (label, value)) in pairs.iter().enumerate() {
            if i > 0 {
                grid.push(gutter);
                let p = self.para().keep_next(true);
                captions.push(self.cell(gutter, vec![p]));
                values.push(self.cell_text(gutter, "", BODY));
            }
            grid.push(width);
            let p = self
                .para()
                .keep_next(true)
                .add_run(run(label, SMALL).color(GREY));
            captions.push(self.cell(width, vec![p]));
            values.push(
                self.cell_text(width, value, BODY)
                    .set_borders(borders(&[Bottom])),
            );
        }
        let rows = vec![
            TableRow::new(captions).cant_split(),
            TableRow::new(values).cant_split(),
        ];
        self.grid(grid, rows);
        let gap = self.para().size(8);
        self.add(gap);
    }
}
