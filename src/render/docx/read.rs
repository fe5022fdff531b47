//! Reading a .docx file back: the text of its paragraphs in order, what the tests check
//! the written files with.

use docx_rs::{DocumentChild, Table, TableCellContent, TableChild, TableRowChild};

/// The text of every paragraph of a .docx file, in order (a table's cell by cell), read
/// back with the crate's reader: what the tests check the written files with.
pub fn paragraphs(bytes: &[u8]) -> Result<Vec<String>, String> {
    fn table(t: &Table, out: &mut Vec<String>) {
        for TableChild::TableRow(row) in &t.rows {
            for TableRowChild::TableCell(cell) in &row.cells {
                for c in &cell.children {
                    match c {
                        TableCellContent::Paragraph(p) => out.push(p.raw_text()),
                        TableCellContent::Table(t) => table(t, out),
                        _ => {}
                    }
                }
            }
        }
    }
    let docx = docx_rs::read_docx(bytes).map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    for child in &docx.document.children {
        match child {
            DocumentChild::Paragraph(p) => out.push(p.raw_text()),
            DocumentChild::Table(t) => table(t, &mut out),
            _ => {}
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use docx_rs::{Docx, Paragraph, Run, TableCell, TableRow};

    #[test]
    fn paragraphs_come_in_order_with_tables_cell_by_cell() {
        let p = |s: &str| Paragraph::new().add_run(Run::new().add_text(s));
        let cell = |s: &str| TableCell::new().add_paragraph(p(s));
        let table = Table::new(vec![
            TableRow::new(vec![cell("a1"), cell("a2")]),
            TableRow::new(vec![cell("b1"), cell("b2")]),
        ]);
        let docx = Docx::new()
            .add_paragraph(p("before"))
            .add_table(table)
            .add_paragraph(p("after"));
        let mut bytes = std::io::Cursor::new(Vec::new());
        docx.pack(&mut bytes).unwrap();
        assert_eq!(
            paragraphs(&bytes.into_inner()).unwrap(),
            ["before", "a1", "a2", "b1", "b2", "after"]
        );
        assert!(paragraphs(b"not a zip").is_err());
    }
}
