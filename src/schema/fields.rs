//! `fields.toml`: which columns each file requires, the header spellings (aliases) of each
//! column, the synonyms of yes/no and enumeration values, and the script each name
//! column is written in.

use std::collections::{BTreeMap, HashMap};

use serde::Deserialize;
use toml::Spanned;

use super::{SchemaError, SchemaText};
use crate::columns::{Col, FileKind};
use crate::model::{self, Vocabulary};
use crate::text::fold;

/// `[values.<enum>]`: canonical value → its synonyms.
type RawSynonyms = BTreeMap<Spanned<String>, Vec<Spanned<String>>>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFields {
    files: BTreeMap<Spanned<String>, RawFile>,
    #[serde(default)]
    columns: BTreeMap<Spanned<String>, Vec<Spanned<String>>>,
    #[serde(default)]
    values: BTreeMap<Spanned<String>, RawSynonyms>,
    #[serde(default)]
    scripts: BTreeMap<Spanned<String>, Vec<Spanned<String>>>,
}

/// The script a name column is written in (`[scripts]` of fields.toml).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Script {
    Cyrillic,
    Latin,
}

impl Script {
    /// Whether `c`, a letter, is of this script. Cyrillic: the Cyrillic block and its
    /// supplement (Kazakh ә, ғ, қ, ң, ө, ұ, ү, һ, і are in the block). Latin: the basic
    /// letters and those with diacritics (Latin-1, Extended-A and -B, Additional).
    pub fn has(self, c: char) -> bool {
        match self {
            Script::Cyrillic => matches!(c, '\u{400}'..='\u{52F}'),
            Script::Latin => {
                c.is_ascii_alphabetic()
                    || matches!(c, '\u{C0}'..='\u{24F}' | '\u{1E00}'..='\u{1EFF}')
                        && c != '×'
                        && c != '÷'
            }
        }
    }

    /// The script's name: Russian (instrumental, "written in …") and English.
    pub fn name(self) -> (&'static str, &'static str) {
        match self {
            Script::Cyrillic => ("кириллицей", "Cyrillic"),
            Script::Latin => ("латиницей", "Latin"),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    required: Vec<Spanned<String>>,
}

/// The loaded `fields.toml`.
#[derive(Debug, Clone)]
pub struct FieldSchema {
    required: HashMap<FileKind, Vec<Col>>,
    /// The same, as one bit per column (`Col::index`) for each file (`FileKind as usize`):
    /// asked for every empty cell.
    required_bits: [u128; 3],
    headers: HashMap<String, Col>,
    aliases: HashMap<Col, Vec<String>>,
    /// Per enumeration: folded spelling → canonical spelling.
    values: HashMap<&'static str, HashMap<String, &'static str>>,
    /// By `Col::index`: asked for every text cell, so an index, not a hash.
    scripts: Vec<Option<Script>>,
}

impl FieldSchema {
    pub fn load(src: &SchemaText) -> Result<FieldSchema, SchemaError> {
        let raw: RawFields = src.parse()?;
        let at = |s: &Spanned<String>, msg: String| src.error_at(Some(s.span().start), msg);

        let mut required = HashMap::new();
        for (key, file) in &raw.files {
            let kind = FileKind::ALL
                .into_iter()
                .find(|k| k.schema_key() == key.get_ref())
                .ok_or_else(|| {
                    at(
                        key,
                        format!(
                            "unknown file `{}` (expected applicants, family or expenses)",
                            key.get_ref()
                        ),
                    )
                })?;
            let mut cols = Vec::new();
            for name in &file.required {
                let col = Col::from_name(name.get_ref())
                    .filter(|c| kind.columns().contains(c))
                    .ok_or_else(|| {
                        at(
                            name,
                            format!("{} has no column `{}`", kind.file_name(), name.get_ref()),
                        )
                    })?;
                cols.push(col);
            }
            required.insert(kind, cols);
        }

        let mut headers = HashMap::new();
        for col in Col::ALL {
            headers.insert(fold(col.name()), *col);
        }
        let mut aliases = HashMap::new();
        for (key, list) in &raw.columns {
            let col = Col::from_name(key.get_ref())
                .ok_or_else(|| at(key, format!("unknown column `{}`", key.get_ref())))?;
            for alias in list {
                let folded = fold(alias.get_ref());
                if folded.is_empty() {
                    return Err(at(alias, "an empty header alias".into()));
                }
                if let Some(other) = headers.insert(folded, col)
                    && other != col
                {
                    return Err(at(
                        alias,
                        format!(
                            "header `{}` would mean both `{}` and `{}`",
                            alias.get_ref(),
                            other.name(),
                            col.name()
                        ),
                    ));
                }
            }
            aliases.insert(col, list.iter().map(|a| a.get_ref().clone()).collect());
        }

        let vocabularies = model::vocabularies();
        let mut values: HashMap<&'static str, HashMap<String, &'static str>> = HashMap::new();
        for (name, canon) in &vocabularies {
            let map = values.entry(name).or_default();
            for c in canon {
                map.insert(fold(c), c);
            }
        }
        for (key, synonyms) in &raw.values {
            let (name, canon) = vocabularies
                .iter()
                .find(|(n, _)| *n == key.get_ref())
                .ok_or_else(|| {
                    at(
                        key,
                        format!("no enumeration `{}` to give synonyms for", key.get_ref()),
                    )
                })?;
            let map = values.entry(name).or_default();
            for (value, spellings) in synonyms {
                let canonical = canon
                    .iter()
                    .find(|c| **c == value.get_ref())
                    .ok_or_else(|| {
                        at(
                            value,
                            format!(
                                "`{}` is not a value of `{name}` (values: {})",
                                value.get_ref(),
                                canon.join(", ")
                            ),
                        )
                    })?;
                for s in spellings {
                    let folded = fold(s.get_ref());
                    if let Some(prev) = map.insert(folded, canonical)
                        && prev != *canonical
                    {
                        return Err(at(
                            s,
                            format!(
                                "`{}` would mean both `{prev}` and `{canonical}`",
                                s.get_ref()
                            ),
                        ));
                    }
                }
            }
        }

        let mut required_bits = [0u128; 3];
        for (&file, cols) in &required {
            for col in cols {
                if let Some(bit) = 1u128.checked_shl(col.index() as u32) {
                    required_bits[file as usize] |= bit;
                }
            }
        }
        let mut scripts = vec![None; Col::ALL.len()];
        for (key, cols) in &raw.scripts {
            let script = match key.get_ref().as_str() {
                "cyrillic" => Script::Cyrillic,
                "latin" => Script::Latin,
                other => {
                    return Err(at(
                        key,
                        format!("unknown script `{other}` (expected cyrillic or latin)"),
                    ));
                }
            };
            for name in cols {
                let col = Col::from_name(name.get_ref())
                    .ok_or_else(|| at(name, format!("unknown column `{}`", name.get_ref())))?;
                if scripts[col.index()]
                    .replace(script)
                    .is_some_and(|s| s != script)
                {
                    return Err(at(
                        name,
                        format!("`{}` is given two scripts", name.get_ref()),
                    ));
                }
            }
        }
        Ok(FieldSchema {
            required,
            required_bits,
            headers,
            aliases,
            values,
            scripts,
        })
    }

    /// The column a header cell names, if any (whichever file it is in).
    pub fn column_for_header(&self, header: &str) -> Option<Col> {
        self.headers.get(&fold(header)).copied()
    }

    /// The columns `file` must have.
    pub fn required(&self, file: FileKind) -> &[Col] {
        self.required.get(&file).map_or(&[], Vec::as_slice)
    }

    pub fn is_required(&self, file: FileKind, col: Col) -> bool {
        match 1u128.checked_shl(col.index() as u32) {
            Some(bit) => self.required_bits[file as usize] & bit != 0,
            None => self.required(file).contains(&col),
        }
    }

    /// The script the names of `col` are written in, when fields.toml says.
    pub fn script(&self, col: Col) -> Option<Script> {
        self.scripts.get(col.index()).copied().flatten()
    }

    /// The other accepted spellings of a column's header.
    pub fn aliases(&self, col: Col) -> &[String] {
        self.aliases.get(&col).map_or(&[], Vec::as_slice)
    }

    /// Parses `value` as a value of the enumeration `V`, through its synonyms.
    pub fn lookup<V: Vocabulary>(&self, value: &str) -> Option<V> {
        // Fast path: the canonical spelling as it is.
        if let Some((_, v)) = V::VARIANTS.iter().find(|(s, _)| *s == value) {
            return Some(*v);
        }
        let canonical = self.values.get(V::NAME)?.get(&fold(value))?;
        V::VARIANTS
            .iter()
            .find(|(s, _)| s == canonical)
            .map(|(_, v)| *v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Education, Relation, Sex, YesNo};

    fn schema(text: &str) -> Result<FieldSchema, SchemaError> {
        FieldSchema::load(&SchemaText {
            name: "fields.toml".into(),
            text: text.into(),
        })
    }

    fn embedded() -> FieldSchema {
        crate::schema::Schemas::embedded().unwrap().fields
    }

    #[test]
    fn headers_match_through_aliases_and_case() {
        let f = embedded();
        assert_eq!(f.column_for_header("Фамилия"), Some(Col::LastName));
        assert_eq!(f.column_for_header("ДАТА РОЖДЕНИЯ"), Some(Col::BirthDate));
        assert_eq!(f.column_for_header("Birth_Date"), Some(Col::BirthDate));
        assert_eq!(f.column_for_header("ИИН"), Some(Col::Iin));
        assert_eq!(f.column_for_header("shoe size"), None);
    }

    #[test]
    fn values_match_through_synonyms() {
        let f = embedded();
        assert_eq!(f.lookup::<Sex>("Ж"), Some(Sex::F));
        assert_eq!(f.lookup::<Sex>("m"), Some(Sex::M));
        assert_eq!(f.lookup::<YesNo>("Да"), Some(YesNo::Yes));
        assert_eq!(f.lookup::<Education>("Высшее"), Some(Education::Higher));
        assert_eq!(f.lookup::<Relation>("дочь"), Some(Relation::Child));
        assert_eq!(f.lookup::<Sex>("X"), None);
    }

    #[test]
    fn unknown_column_is_pointed_at() {
        let e = schema("[files.applicants]\nrequired = [\"applicant_id\", \"shoe_size\"]\n")
            .unwrap_err();
        assert_eq!((e.line, e.column), (Some(2), Some(29)), "{e}");
        assert!(e.message.contains("shoe_size"));
    }

    #[test]
    fn ambiguous_alias_is_an_error() {
        let e = schema(
            "[files.family]\nrequired=[]\n[columns]\nlast_name=[\"Имя\"]\nfirst_name=[\"Имя\"]\n",
        )
        .unwrap_err();
        assert!(e.message.contains("both"), "{e}");
    }

    #[test]
    fn unknown_enum_value_is_an_error() {
        let e = schema("[files.family]\nrequired=[]\n[values.sex]\nX=[\"икс\"]\n").unwrap_err();
        assert_eq!(e.line, Some(4));
    }
}
