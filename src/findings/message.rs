//! A finding's words as data: a pattern in both languages, said once where the finding is
//! made (or in rules.toml), and the values it shows, kept typed until a sink asks for the
//! message in a language. Nothing is worded before then: a report entry holds a pointer
//! and a few short values, not two finished sentences, and `--redact` masks the values
//! (a cell's value hidden, an id kept) instead of searching the sentence for them.
//!
//! A pattern is text with numbered slots, `{0}` to `{9}`, each the value of that index;
//! the two languages may order them differently and need not use every one.

use std::fmt::Write as _;
use std::sync::Arc;

use super::Lang;

/// A message's pattern in Russian and English, with `{0}`…`{9}` for its values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Words {
    ru: Box<str>,
    en: Box<str>,
}

/// A pattern written in the code: `words!("{0}: …", "{0}: …")` is a `&'static` one,
/// made once.
#[derive(Debug, PartialEq, Eq)]
pub struct Fixed {
    pub ru: &'static str,
    pub en: &'static str,
}

/// `&'static Fixed` words: `words!(ru, en)`.
macro_rules! words {
    ($ru:expr, $en:expr $(,)?) => {{
        static WORDS: $crate::findings::Fixed = $crate::findings::Fixed { ru: $ru, en: $en };
        &WORDS
    }};
}
pub(crate) use words;

impl Words {
    /// Words with slots made at run time (the messages of rules.toml).
    pub fn new(ru: impl Into<Box<str>>, en: impl Into<Box<str>>) -> Words {
        Words {
            ru: ru.into(),
            en: en.into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Pattern {
    Fixed(&'static Fixed),
    Shared(Arc<Words>),
}

impl Pattern {
    fn get(&self, lang: Lang) -> &str {
        match (self, lang) {
            (Pattern::Fixed(w), Lang::Ru) => w.ru,
            (Pattern::Fixed(w), Lang::En) => w.en,
            (Pattern::Shared(w), Lang::Ru) => &w.ru,
            (Pattern::Shared(w), Lang::En) => &w.en,
        }
    }
}

/// One value a message shows, typed by what `--redact` does with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arg {
    /// The same words in both languages, by which no one is recognised: a column's
    /// header, a count, a size, a code, a date. `--redact` masks long digit runs.
    Plain(Box<str>),
    /// Words per language (a hint, a region's name, a date written out).
    Both { ru: Box<str>, en: Box<str> },
    /// A value from the batch (a cell's text, a name, a file's name): `--redact` hides it.
    Value(Box<str>),
    /// An applicant's or member's id: `--redact` keeps it when it is a valid id.
    Id(Box<str>),
    /// A family member as a message names them, `«name» (id)`: `--redact` hides the name.
    Member { name: Box<str>, id: Box<str> },
    /// A clause of its own words and values (an optional part of a sentence).
    Part(Box<Message>),
    /// What `--redact` left of a value: `•••`.
    Hidden,
}

impl Arg {
    pub fn plain(s: impl Into<Box<str>>) -> Arg {
        Arg::Plain(s.into())
    }

    pub fn value(s: impl Into<Box<str>>) -> Arg {
        Arg::Value(s.into())
    }

    pub fn id(s: impl Into<Box<str>>) -> Arg {
        Arg::Id(s.into())
    }

    pub fn both(ru: impl Into<Box<str>>, en: impl Into<Box<str>>) -> Arg {
        Arg::Both {
            ru: ru.into(),
            en: en.into(),
        }
    }

    /// A clause, or nothing.
    pub fn part(m: Option<Message>) -> Arg {
        match m {
            Some(m) => Arg::Part(Box::new(m)),
            None => Arg::Plain("".into()),
        }
    }

    /// A number, as the messages write it (no grouping).
    pub fn num(n: impl std::fmt::Display) -> Arg {
        Arg::Plain(n.to_string().into())
    }

    /// The value as shown in `lang`.
    pub fn get(&self, lang: Lang) -> String {
        let mut out = String::new();
        self.write(&mut out, lang);
        out
    }

    fn write(&self, out: &mut String, lang: Lang) {
        match self {
            Arg::Plain(s) | Arg::Value(s) | Arg::Id(s) => out.push_str(s),
            Arg::Both { ru, en } => out.push_str(match lang {
                Lang::Ru => ru,
                Lang::En => en,
            }),
            Arg::Member { name, id } => {
                let _ = write!(out, "«{name}» ({id})");
            }
            Arg::Part(m) => m.write(lang, out),
            Arg::Hidden => out.push_str(HIDDEN),
        }
    }
}

/// What stands for a value that is not shown.
pub const HIDDEN: &str = "•••";

/// A finding's message: its words and values, worded only when a sink asks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pattern: Pattern,
    args: Box<[Arg]>,
}

impl Message {
    /// A message of words written in the code.
    pub fn new(words: &'static Fixed, args: impl Into<Box<[Arg]>>) -> Message {
        Message {
            pattern: Pattern::Fixed(words),
            args: args.into(),
        }
    }

    /// A message of words made at run time (rules.toml's), shared by its findings.
    pub fn shared(words: &Arc<Words>, args: impl Into<Box<[Arg]>>) -> Message {
        Message {
            pattern: Pattern::Shared(Arc::clone(words)),
            args: args.into(),
        }
    }

    /// The message in `lang`, appended to `out`.
    pub fn write(&self, lang: Lang, out: &mut String) {
        let pattern = self.pattern.get(lang);
        let mut rest = pattern;
        while let Some(open) = rest.find('{') {
            let slot = rest.as_bytes().get(open + 1).copied();
            let close = rest.as_bytes().get(open + 2).copied();
            match (slot, close) {
                (Some(d @ b'0'..=b'9'), Some(b'}')) => {
                    out.push_str(&rest[..open]);
                    if let Some(arg) = self.args.get(usize::from(d - b'0')) {
                        arg.write(out, lang);
                    }
                    rest = &rest[open + 3..];
                }
                _ => {
                    out.push_str(&rest[..=open]);
                    rest = &rest[open + 1..];
                }
            }
        }
        out.push_str(rest);
    }

    /// The message in `lang`.
    pub fn get(&self, lang: Lang) -> String {
        let mut out = String::new();
        self.write(lang, &mut out);
        out
    }

    /// The values shown, for `--redact` to mask in place.
    pub fn args_mut(&mut self) -> &mut [Arg] {
        &mut self.args
    }
}

/// Both languages, `{"ru": …, "en": …}`, as report.json has always written messages.
impl serde::Serialize for Message {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut m = s.serialize_struct("Message", 2)?;
        m.serialize_field("ru", &self.get(Lang::Ru))?;
        m.serialize_field("en", &self.get(Lang::En))?;
        m.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_take_their_values_in_each_language() {
        let m = Message::new(
            words!("{0}: значение «{1}» — {2}", "{0}: value «{1}» — {2}"),
            [
                Arg::plain("ИИН"),
                Arg::value("12ab"),
                Arg::both("12 цифр", "12 digits"),
            ],
        );
        assert_eq!(m.get(Lang::Ru), "ИИН: значение «12ab» — 12 цифр");
        assert_eq!(m.get(Lang::En), "ИИН: value «12ab» — 12 digits");
    }

    #[test]
    fn languages_may_order_the_slots_differently() {
        let w = Arc::new(Words::new("{1} у {0}", "{0} has {1}"));
        let m = Message::shared(&w, [Arg::id("A001"), Arg::num(3)]);
        assert_eq!(m.get(Lang::Ru), "3 у A001");
        assert_eq!(m.get(Lang::En), "A001 has 3");
    }

    #[test]
    fn braces_that_are_no_slot_stay() {
        let m = Message::new(words!("{x} {", "{10} {0}"), [Arg::Hidden]);
        assert_eq!(m.get(Lang::Ru), "{x} {");
        assert_eq!(m.get(Lang::En), "{10} •••");
    }

    #[test]
    fn a_member_is_named_and_numbered() {
        let m = Message::new(
            words!("Член семьи {0}", "Family member {0}"),
            [Arg::Member {
                name: "Иванов Иван".into(),
                id: "F1".into(),
            }],
        );
        assert_eq!(m.get(Lang::En), "Family member «Иванов Иван» (F1)");
    }
}
