//! Reading a .docx file back: the text of its paragraphs in order, what the tests check
//! the written files with; and whether resettle wrote it, what a run asks before it
//! removes an older output.

use std::io::{Cursor, Read};

use docx_rs::{DocumentChild, Table, TableCellContent, TableChild, TableRowChild};

/// How much of `docProps/custom.xml` is read: resettle's is a few hundred bytes.
const CUSTOM_CAP: u64 = 64 * 1024;

/// Whether `bytes` are a .docx that carries resettle's [`super::GENERATOR`] property
/// (its `docProps/custom.xml`, read under a cap of its own).
pub fn is_own(bytes: &[u8]) -> bool {
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return false;
    };
    let Ok(entry) = zip.by_name("docProps/custom.xml") else {
        return false;
    };
    let mut xml = String::new();
    if entry.take(CUSTOM_CAP).read_to_string(&mut xml).is_err() {
        return false;
    }
    let (name, value) = super::GENERATOR;
    xml.split("<property ")
        .skip(1)
        .any(|p| p.contains(&format!("name=\"{name}\"")) && p.contains(&format!(">{value}<")))
}

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

    #[test]
    fn own_docx_is_told_by_its_generator_property() {
        let pack = |docx: Docx| {
            let mut bytes = std::io::Cursor::new(Vec::new());
            docx.pack(&mut bytes).unwrap();
            bytes.into_inner()
        };
        let (name, value) = crate::render::docx::GENERATOR;
        assert!(is_own(&pack(Docx::new().custom_property(name, value))));
        assert!(!is_own(&pack(Docx::new())));
        assert!(!is_own(&pack(Docx::new().custom_property(name, "Word"))));
        assert!(!is_own(&pack(Docx::new().custom_property("author", value))));
        assert!(!is_own(b"PK\x03\x04 not a zip"));
    }
}
