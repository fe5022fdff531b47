//! A reader of the workbooks the tests write: the cells through calamine, and the XML
//! parts of the zip (notes, validations, panes, column widths and number formats), with
//! the few string helpers that read them.

use std::collections::BTreeMap;
use std::path::Path;

use calamine::{Reader, Xlsx};

/// A written workbook: calamine for the cells, its XML parts for the rest.
pub struct Book {
    pub xlsx: Xlsx<std::io::Cursor<Vec<u8>>>,
    pub parts: BTreeMap<String, String>,
}

pub fn attr(tag: &str, name: &str) -> Option<String> {
    let start = tag.find(&format!(" {name}=\""))? + name.len() + 3;
    Some(tag[start..][..tag[start..].find('"')?].to_string())
}

/// Each `<tag …>…</tag>` (or `<tag …/>`) of `xml`.
pub fn elements<'a>(xml: &'a str, tag: &str) -> Vec<&'a str> {
    let (open, close) = (format!("<{tag} "), format!("</{tag}>"));
    let mut out = Vec::new();
    let mut rest = xml;
    while let Some(i) = rest.find(&open) {
        let el = &rest[i..];
        let head = &el[..=el.find('>').unwrap()];
        let end = if head.ends_with("/>") {
            head.len()
        } else {
            el.find(&close).unwrap() + close.len()
        };
        out.push(&el[..end]);
        rest = &el[end..];
    }
    out
}

/// The text between `<tag>` and `</tag>`, every occurrence joined.
pub fn texts(xml: &str, tag: &str) -> String {
    let (open, close) = (format!("<{tag}>"), format!("</{tag}>"));
    xml.split(&open)
        .skip(1)
        .map(|s| &s[..s.find(&close).unwrap()])
        .collect()
}

pub fn column_index(letters: &str) -> usize {
    letters
        .bytes()
        .fold(0, |n, b| n * 26 + usize::from(b - b'A' + 1))
        - 1
}

pub fn letters(col: usize) -> String {
    let (mut n, mut s) = (col + 1, Vec::new());
    while n > 0 {
        s.push(b'A' + ((n - 1) % 26) as u8);
        n = (n - 1) / 26;
    }
    s.reverse();
    String::from_utf8(s).unwrap()
}

impl Book {
    pub fn open(path: &Path) -> Book {
        let bytes = std::fs::read(path).unwrap();
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.clone())).unwrap();
        let mut parts = BTreeMap::new();
        for i in 0..zip.len() {
            let mut f = zip.by_index(i).unwrap();
            let mut text = String::new();
            std::io::Read::read_to_string(&mut f, &mut text).unwrap();
            parts.insert(f.name().unwrap().to_string(), text);
        }
        let xlsx = Xlsx::new(std::io::Cursor::new(bytes)).expect("calamine opens it");
        Book { xlsx, parts }
    }

    /// The part a relationship of `rels` with `id` (or of `kind`) points at.
    fn target(&self, rels: &str, dir: &str, pick: impl Fn(&str) -> bool) -> String {
        let rel = elements(&self.parts[rels], "Relationship")
            .into_iter()
            .find(|r| pick(r))
            .unwrap_or_else(|| panic!("no such relationship in {rels}"));
        let target = attr(rel, "Target").unwrap();
        let mut path: Vec<&str> = dir.split('/').collect();
        for seg in target.split('/') {
            if seg == ".." {
                path.pop();
            } else {
                path.push(seg);
            }
        }
        path.join("/")
    }

    pub fn sheet_part(&self, name: &str) -> String {
        let sheet = elements(&self.parts["xl/workbook.xml"], "sheet")
            .into_iter()
            .find(|s| attr(s, "name").as_deref() == Some(name))
            .unwrap_or_else(|| panic!("no sheet {name}"));
        let id = attr(sheet, "r:id").unwrap();
        self.target("xl/_rels/workbook.xml.rels", "xl", |r| {
            attr(r, "Id").as_deref() == Some(id.as_str())
        })
    }

    pub fn sheet_xml(&self, name: &str) -> &str {
        &self.parts[&self.sheet_part(name)]
    }

    /// Every cell of a sheet from A1, as text.
    pub fn rows(&mut self, name: &str) -> Vec<Vec<String>> {
        let range = self.xlsx.worksheet_range(name).unwrap();
        let Some((last_row, last_col)) = range.end() else {
            return Vec::new();
        };
        (0..=last_row)
            .map(|r| {
                (0..=last_col)
                    .map(|c| {
                        range
                            .get_value((r, c))
                            .map_or(String::new(), |v| v.to_string())
                    })
                    .collect()
            })
            .collect()
    }

    /// The notes of a sheet: cell reference → text.
    pub fn notes(&self, name: &str) -> BTreeMap<String, String> {
        let part = self.sheet_part(name);
        let (dir, file) = part.rsplit_once('/').unwrap();
        let rels = format!("{dir}/_rels/{file}.rels");
        let comments = self.target(&rels, dir, |r| r.contains("/comments\""));
        elements(&self.parts[&comments], "comment")
            .into_iter()
            .map(|c| (attr(c, "ref").unwrap(), texts(c, "t")))
            .collect()
    }

    /// The list validations of a sheet: (column, source, warns rather than refuses).
    pub fn validations(&self, name: &str) -> BTreeMap<usize, (String, bool)> {
        let mut out = BTreeMap::new();
        for v in elements(self.sheet_xml(name), "dataValidation") {
            assert_eq!(attr(v, "type").as_deref(), Some("list"), "{v}");
            let sqref = attr(v, "sqref").unwrap();
            let (from, to) = sqref.split_once(':').unwrap();
            let col = from.trim_end_matches(|c: char| c.is_ascii_digit());
            assert_eq!(
                sqref,
                format!("{col}2:{col}1048576"),
                "every row below the header"
            );
            let warns = attr(v, "errorStyle").as_deref() == Some("warning");
            assert!(to.starts_with(col));
            out.insert(column_index(col), (texts(v, "formula1"), warns));
        }
        out
    }

    /// The values a validation's source (`Списки!$B$2:$B$3`) points at.
    pub fn list(&mut self, source: &str) -> Vec<String> {
        let (sheet, range) = source.split_once('!').unwrap();
        let range = range.replace('$', "");
        let (from, to) = range.split_once(':').unwrap();
        let split = |a: &str| {
            let i = a.find(|c: char| c.is_ascii_digit()).unwrap();
            (column_index(&a[..i]), a[i..].parse::<usize>().unwrap() - 1)
        };
        let ((c, r0), (c1, r1)) = (split(from), split(to));
        assert_eq!(c, c1);
        let rows = self.rows(sheet.trim_matches('\''));
        (r0..=r1).map(|r| rows[r][c].clone()).collect()
    }

    /// The width and number format of column `col` (0-based) of a sheet.
    pub fn column(&self, name: &str, col: usize) -> (f64, String) {
        let n = col + 1;
        let c = elements(self.sheet_xml(name), "col")
            .into_iter()
            .find(|c| {
                let a = |k| attr(c, k).unwrap().parse::<usize>().unwrap();
                a("min") <= n && n <= a("max")
            })
            .unwrap_or_else(|| panic!("{name}: no width for column {n}"));
        let width = attr(c, "width").unwrap().parse().unwrap();
        let style: usize = attr(c, "style").map_or(0, |s| s.parse().unwrap());
        let styles = &self.parts["xl/styles.xml"];
        let xfs = &styles[styles.find("<cellXfs").unwrap()..];
        let id = attr(elements(xfs, "xf")[style], "numFmtId").unwrap();
        let code = elements(styles, "numFmt")
            .into_iter()
            .find(|f| attr(f, "numFmtId").as_deref() == Some(id.as_str()))
            .map_or(
                match id.as_str() {
                    "49" => "@".to_string(),
                    other => format!("builtin {other}"),
                },
                |f| attr(f, "formatCode").unwrap(),
            );
        (width, code)
    }
}
