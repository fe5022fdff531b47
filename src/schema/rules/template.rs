//! The `{placeholder}` templates of rules.toml's messages and letters: which values a
//! placeholder may name (facts, and the displays the engine formats), compiled once
//! when the schema loads and rendered per finding.

use std::sync::Arc;

use crate::cond::{Ctx, FactDef, Getter, Scope, lookup};
use crate::findings::{Arg, Message, Words};

/// Values a message may show besides facts, formatted by the engine per language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Display {
    TargetRegion,
    Region,
    KzRegion,
    Profession,
    IdDocExpiryDate,
    DeportationDate,
    Stage2From,
    CertificateValidUntil,
    FilingDate,
    /// The family member a per-member message is about: name and id.
    Member,
    MemberIdDocExpiryDate,
    MemberDeportationDate,
    /// The column a finding points at, by its Russian header in fields.toml (letters
    /// only: the built-in rules' findings say which value is wrong).
    Field,
}

const DISPLAYS: &[(&str, Display)] = &[
    ("target_region", Display::TargetRegion),
    ("region", Display::Region),
    ("kz_region", Display::KzRegion),
    ("profession", Display::Profession),
    ("id_doc_expiry_date", Display::IdDocExpiryDate),
    ("deportation_date", Display::DeportationDate),
    ("stage2_from", Display::Stage2From),
    ("certificate_valid_until", Display::CertificateValidUntil),
    ("filing_date", Display::FilingDate),
    ("member", Display::Member),
    ("member.id_doc_expiry_date", Display::MemberIdDocExpiryDate),
    ("member.deportation_date", Display::MemberDeportationDate),
    ("field", Display::Field),
];

/// Displays only a per-member message may use.
fn is_member_display(d: Display) -> bool {
    matches!(
        d,
        Display::Member | Display::MemberIdDocExpiryDate | Display::MemberDeportationDate
    )
}

/// What a template is for: a caseworker's message, or a family's letter (which names
/// no one by id: the letter shows whose point it is, and may name the wrong column).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Use {
    Message,
    Letter,
}

/// Whether `d` may appear in a template for `usage`.
fn allowed_for(d: Display, usage: Use) -> bool {
    match d {
        Display::Member => usage == Use::Message,
        Display::Field => usage == Use::Letter,
        _ => true,
    }
}

#[derive(Debug, Clone)]
enum Part {
    Lit(String),
    Fact(&'static FactDef),
    Display(Display),
}

/// What fills a slot of a [`Said`]: a fact, or a value the engine formats.
#[derive(Debug, Clone, Copy)]
enum Slot {
    Fact(&'static FactDef),
    Display(Display),
}

/// The same placeholder: the same display, or the same fact of the table.
impl PartialEq for Slot {
    fn eq(&self, other: &Slot) -> bool {
        match (self, other) {
            (Slot::Fact(a), Slot::Fact(b)) => std::ptr::eq(*a, *b),
            (Slot::Display(a), Slot::Display(b)) => a == b,
            _ => false,
        }
    }
}

/// A message with `{placeholders}`, resolved when the schema loads.
#[derive(Debug, Clone)]
pub struct Template {
    parts: Vec<Part>,
}

impl Template {
    pub(super) fn compile(
        src: &str,
        scope: Scope,
        usage: Use,
    ) -> Result<Template, (usize, String)> {
        let mut parts = Vec::new();
        let mut rest = src;
        let mut offset = 0;
        while let Some(open) = rest.find('{') {
            let Some(close) = rest[open..].find('}') else {
                return Err((offset + open, "unclosed {".into()));
            };
            if open > 0 {
                parts.push(Part::Lit(rest[..open].to_string()));
            }
            let name = rest[open + 1..open + close].trim();
            let allowed = |member: bool| !member || scope == Scope::Member;
            let part = if let Some((_, d)) = DISPLAYS.iter().find(|(n, d)| {
                *n == name && allowed(is_member_display(*d)) && allowed_for(*d, usage)
            }) {
                Part::Display(*d)
            } else if let Some(f) = lookup(name).filter(|f| allowed(f.scope == Scope::Member)) {
                Part::Fact(f)
            } else {
                return Err((offset + open, format!("unknown placeholder {{{name}}}")));
            };
            parts.push(part);
            offset += open + close + 1;
            rest = &rest[open + close + 1..];
        }
        if !rest.is_empty() {
            parts.push(Part::Lit(rest.to_string()));
        }
        Ok(Template { parts })
    }

    /// Renders the template; `display` formats the non-fact values.
    pub fn render(&self, ctx: &Ctx<'_>, display: &dyn Fn(Display) -> String) -> String {
        let mut out = String::new();
        for p in &self.parts {
            match p {
                Part::Lit(s) => out.push_str(s),
                Part::Display(d) => out.push_str(&display(*d)),
                Part::Fact(f) => out.push_str(&fact(f, ctx)),
            }
        }
        out
    }
}

/// A fact's value as a message shows it: a number, a word, yes or no, `—` when unknown.
fn fact(f: &FactDef, ctx: &Ctx<'_>) -> String {
    match f.getter {
        Getter::Int(g) => g(ctx).map_or("—".into(), |v| v.to_string()),
        Getter::Str(g) => g(ctx).unwrap_or("—").to_string(),
        Getter::Bool(g) => match g(ctx) {
            Some(true) => "yes",
            Some(false) => "no",
            None => "—",
        }
        .to_string(),
    }
}

/// A message of rules.toml as data: the two templates as one pattern of numbered slots
/// (the words every finding of the rule shares), and what fills each slot.
#[derive(Debug)]
pub struct Said {
    words: Arc<Words>,
    slots: Vec<Slot>,
}

impl Said {
    /// The pattern of the pair: each placeholder a slot, one slot per distinct
    /// placeholder of either language.
    pub fn of(ru: &Template, en: &Template) -> Said {
        let mut slots: Vec<Slot> = Vec::new();
        let mut pattern = |t: &Template| {
            let mut out = String::new();
            for p in &t.parts {
                let slot = match p {
                    Part::Lit(s) => {
                        out.push_str(s);
                        continue;
                    }
                    Part::Fact(f) => Slot::Fact(f),
                    Part::Display(d) => Slot::Display(*d),
                };
                let i = slots.iter().position(|x| *x == slot).unwrap_or_else(|| {
                    slots.push(slot);
                    slots.len() - 1
                });
                out.push_str(&format!("{{{i}}}"));
            }
            out
        };
        let (ru, en) = (pattern(ru), pattern(en));
        Said {
            words: Arc::new(Words::new(ru, en)),
            slots,
        }
    }

    /// The finding's message: the shared words and each slot's value; `display` gives
    /// the non-fact values.
    pub fn message(&self, ctx: &Ctx<'_>, display: &dyn Fn(Display) -> Arg) -> Message {
        let args: Vec<Arg> = self
            .slots
            .iter()
            .map(|slot| match slot {
                Slot::Display(d) => display(*d),
                Slot::Fact(f) => Arg::plain(fact(f, ctx)),
            })
            .collect();
        Message::shared(&self.words, args)
    }

    /// How many slots the pattern has (at most ten: `{0}`…`{9}`).
    pub fn slots(&self) -> usize {
        self.slots.len()
    }
}
