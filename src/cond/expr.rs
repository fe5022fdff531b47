//! Rule conditions: a small, typed expression language (a subset of CEL's syntax),
//! parsed and type-checked once when the schemas load, then compiled into closures over
//! [`Ctx`] so that evaluating a condition is a few direct calls, not an interpretation.
//!
//! ```text
//! expr    := or
//! or      := and ("||" and)*
//! and     := unary ("&&" unary)*
//! unary   := "!" unary | compare
//! compare := atom (("==" | "!=" | "<" | "<=" | ">" | ">=") atom | "in" "[" atom ("," atom)* "]")?
//! atom    := fact | integer | "string" | true | false | null | "(" expr ")"
//! ```
//! Logic is three-valued: an empty value (`null`) makes `<`, `>`, a bare yes/no and
//! whatever depends on them unknown, and a condition only fires when it is true. `==` and
//! `!=` are always known (`x == null` tests emptiness).

use super::fact_table::{FactDef, Getter, Scope, lookup};
use super::facts::Ctx;

/// A mistake in an expression, at a byte offset inside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExprError {
    pub offset: usize,
    pub message: String,
}

fn err<T>(offset: usize, message: impl Into<String>) -> Result<T, ExprError> {
    Err(ExprError {
        offset,
        message: message.into(),
    })
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    Int(i64),
    Str(String),
    Op(&'static str),
}

fn lex(src: &str) -> Result<Vec<(usize, Tok)>, ExprError> {
    let b = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        if c.is_ascii_alphabetic() || c == b'_' {
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] == b'.') {
                i += 1;
            }
            out.push((start, Tok::Ident(src[start..i].to_string())));
        } else if c.is_ascii_digit() {
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            let n = src[start..i]
                .parse()
                .or_else(|_| err(start, "number too large"))?;
            out.push((start, Tok::Int(n)));
        } else if c == b'"' || c == b'\'' {
            i += 1;
            let body_start = i;
            while i < b.len() && b[i] != c {
                i += 1;
            }
            if i == b.len() {
                return err(start, "unclosed string");
            }
            out.push((start, Tok::Str(src[body_start..i].to_string())));
            i += 1;
        } else {
            const OPS: [&str; 14] = [
                "&&", "||", "==", "!=", "<=", ">=", "<", ">", "!", "(", ")", "[", "]", ",",
            ];
            let Some(op) = OPS.iter().find(|op| src[i..].starts_with(**op)) else {
                return err(
                    start,
                    format!(
                        "unexpected character {:?}",
                        src[i..].chars().next().unwrap_or(' ')
                    ),
                );
            };
            i += op.len();
            out.push((start, Tok::Op(op)));
        }
    }
    Ok(out)
}

/// A parsed expression.
#[derive(Debug, Clone)]
enum Ast {
    Fact(usize, &'static FactDef),
    Int(i64),
    Str(usize, String),
    Bool(bool),
    Null(usize),
    Not(Box<Ast>),
    And(Box<Ast>, Box<Ast>),
    Or(Box<Ast>, Box<Ast>),
    Cmp(usize, &'static str, Box<Ast>, Box<Ast>),
    In(usize, Box<Ast>, Vec<Ast>),
}

struct Parser<'a> {
    toks: &'a [(usize, Tok)],
    pos: usize,
    end: usize,
    scope: Scope,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos).map(|(_, t)| t)
    }

    fn offset(&self) -> usize {
        self.toks.get(self.pos).map_or(self.end, |(o, _)| *o)
    }

    fn eat(&mut self, op: &'static str) -> bool {
        let hit = self.peek() == Some(&Tok::Op(op));
        if hit {
            self.pos += 1;
        }
        hit
    }

    fn or(&mut self) -> Result<Ast, ExprError> {
        let mut left = self.and()?;
        while self.eat("||") {
            left = Ast::Or(Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Ast, ExprError> {
        let mut left = self.unary()?;
        while self.eat("&&") {
            left = Ast::And(Box::new(left), Box::new(self.unary()?));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Ast, ExprError> {
        if self.eat("!") {
            return Ok(Ast::Not(Box::new(self.unary()?)));
        }
        self.compare()
    }

    fn compare(&mut self) -> Result<Ast, ExprError> {
        let left = self.atom()?;
        let at = self.offset();
        match self.peek() {
            Some(Tok::Op(op @ ("==" | "!=" | "<" | "<=" | ">" | ">="))) => {
                let op = *op;
                self.pos += 1;
                let right = self.atom()?;
                Ok(Ast::Cmp(at, op, Box::new(left), Box::new(right)))
            }
            Some(Tok::Ident(w)) if w == "in" => {
                self.pos += 1;
                if !self.eat("[") {
                    return err(self.offset(), "expected [ after in");
                }
                let mut items = vec![self.atom()?];
                while self.eat(",") {
                    items.push(self.atom()?);
                }
                if !self.eat("]") {
                    return err(self.offset(), "expected ] to close the list");
                }
                Ok(Ast::In(at, Box::new(left), items))
            }
            _ => Ok(left),
        }
    }

    fn atom(&mut self) -> Result<Ast, ExprError> {
        let at = self.offset();
        let Some(tok) = self.peek().cloned() else {
            return err(at, "expression ends too early");
        };
        self.pos += 1;
        match tok {
            Tok::Int(n) => Ok(Ast::Int(n)),
            Tok::Str(s) => Ok(Ast::Str(at, s)),
            Tok::Op("(") => {
                let e = self.or()?;
                if !self.eat(")") {
                    return err(self.offset(), "expected )");
                }
                Ok(e)
            }
            Tok::Ident(w) => match w.as_str() {
                "true" => Ok(Ast::Bool(true)),
                "false" => Ok(Ast::Bool(false)),
                "null" => Ok(Ast::Null(at)),
                name => {
                    let Some(f) = lookup(name) else {
                        return err(
                            at,
                            format!("unknown fact `{name}` (`resettle rules --facts` lists them)"),
                        );
                    };
                    if f.scope == Scope::Member && self.scope == Scope::Applicant {
                        return err(
                            at,
                            format!(
                                "`{name}` is a family member's fact; it can only be used in a per-member condition"
                            ),
                        );
                    }
                    Ok(Ast::Fact(at, f))
                }
            },
            Tok::Op(op) => err(at, format!("unexpected `{op}`")),
        }
    }
}

type BoolFn = Box<dyn Fn(&Ctx<'_>) -> Option<bool> + Send + Sync>;
type IntFn = Box<dyn Fn(&Ctx<'_>) -> Option<i64> + Send + Sync>;
type StrFn = Box<dyn Fn(&Ctx<'_>) -> Option<&'static str> + Send + Sync>;

/// A compiled condition.
pub struct Condition {
    eval: BoolFn,
}

impl std::fmt::Debug for Condition {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Condition")
    }
}

impl Condition {
    /// Parses and compiles `src`; `scope` says whether member facts may be used.
    pub fn compile(src: &str, scope: Scope) -> Result<Condition, ExprError> {
        let toks = lex(src)?;
        if toks.is_empty() {
            return err(0, "empty condition");
        }
        let mut p = Parser {
            toks: &toks,
            pos: 0,
            end: src.len(),
            scope,
        };
        let ast = p.or()?;
        if p.pos != toks.len() {
            return err(p.offset(), "unexpected text after the expression");
        }
        Ok(Condition {
            eval: compile_bool(&ast)?,
        })
    }

    /// Whether the condition holds (unknown counts as not holding).
    pub fn holds(&self, ctx: &Ctx<'_>) -> bool {
        (self.eval)(ctx) == Some(true)
    }
}

fn type_name(a: &Ast) -> &'static str {
    match a {
        Ast::Fact(_, f) => match f.getter {
            Getter::Bool(_) => "yes/no",
            Getter::Int(_) => "a number",
            Getter::Str(_) => "text",
        },
        Ast::Int(_) => "a number",
        Ast::Str(..) => "text",
        Ast::Bool(_) | Ast::Not(_) | Ast::And(..) | Ast::Or(..) | Ast::Cmp(..) | Ast::In(..) => {
            "yes/no"
        }
        Ast::Null(_) => "null",
    }
}

fn offset_of(a: &Ast) -> usize {
    match a {
        Ast::Fact(o, _) | Ast::Str(o, _) | Ast::Null(o) | Ast::Cmp(o, ..) | Ast::In(o, ..) => *o,
        Ast::Not(x) | Ast::And(x, _) | Ast::Or(x, _) => offset_of(x),
        Ast::Int(_) | Ast::Bool(_) => 0,
    }
}

fn compile_bool(a: &Ast) -> Result<BoolFn, ExprError> {
    Ok(match a {
        Ast::Bool(b) => {
            let b = *b;
            Box::new(move |_| Some(b))
        }
        Ast::Fact(o, f) => match f.getter {
            Getter::Bool(g) => Box::new(g),
            _ => {
                return err(
                    *o,
                    format!(
                        "`{}` is {}, not yes/no: compare it with something",
                        f.name,
                        type_name(a)
                    ),
                );
            }
        },
        Ast::Not(x) => {
            let x = compile_bool(x)?;
            Box::new(move |c| x(c).map(|v| !v))
        }
        Ast::And(l, r) => {
            let (l, r) = (compile_bool(l)?, compile_bool(r)?);
            Box::new(move |c| match l(c) {
                Some(false) => Some(false),
                lv => match (lv, r(c)) {
                    (_, Some(false)) => Some(false),
                    (Some(true), Some(true)) => Some(true),
                    _ => None,
                },
            })
        }
        Ast::Or(l, r) => {
            let (l, r) = (compile_bool(l)?, compile_bool(r)?);
            Box::new(move |c| match l(c) {
                Some(true) => Some(true),
                lv => match (lv, r(c)) {
                    (_, Some(true)) => Some(true),
                    (Some(false), Some(false)) => Some(false),
                    _ => None,
                },
            })
        }
        Ast::Cmp(o, op, l, r) => compile_cmp(*o, op, l, r)?,
        Ast::In(o, x, items) => {
            let tests = items
                .iter()
                .map(|item| compile_cmp(*o, "==", x, item))
                .collect::<Result<Vec<_>, _>>()?;
            Box::new(move |c| Some(tests.iter().any(|t| t(c) == Some(true))))
        }
        Ast::Int(_) | Ast::Str(..) | Ast::Null(_) => {
            return err(offset_of(a), format!("{} is not a condition", type_name(a)));
        }
    })
}

/// A comparison operand, reduced to a reader of one type.
enum Operand {
    Int(IntFn),
    Str(StrFn, &'static FactDef),
    Lit(usize, String),
    Bool(BoolFn),
    Null,
}

fn operand(a: &Ast) -> Result<Operand, ExprError> {
    Ok(match a {
        Ast::Fact(_, f) => match f.getter {
            Getter::Int(g) => Operand::Int(Box::new(g)),
            Getter::Str(g) => Operand::Str(Box::new(g), f),
            Getter::Bool(g) => Operand::Bool(Box::new(g)),
        },
        Ast::Int(n) => {
            let n = *n;
            Operand::Int(Box::new(move |_| Some(n)))
        }
        Ast::Str(o, s) => Operand::Lit(*o, s.clone()),
        Ast::Null(_) => Operand::Null,
        other => Operand::Bool(compile_bool(other)?),
    })
}

fn ordered(op: &str, o: std::cmp::Ordering) -> bool {
    use std::cmp::Ordering::*;
    match op {
        "==" => o == Equal,
        "!=" => o != Equal,
        "<" => o == Less,
        "<=" => o != Greater,
        ">" => o == Greater,
        _ => o != Less,
    }
}

fn compile_cmp(at: usize, op: &'static str, l: &Ast, r: &Ast) -> Result<BoolFn, ExprError> {
    let equality = op == "==" || op == "!=";
    let (lo, ro) = (operand(l)?, operand(r)?);
    Ok(match (lo, ro) {
        (Operand::Int(a), Operand::Int(b)) => Box::new(move |c| match (a(c), b(c)) {
            (Some(x), Some(y)) => Some(ordered(op, x.cmp(&y))),
            // With an empty side, equal only when both are empty.
            (x, y) if equality => Some(ordered(
                op,
                if x.is_none() && y.is_none() {
                    std::cmp::Ordering::Equal
                } else {
                    std::cmp::Ordering::Less
                },
            )),
            _ => None,
        }),
        (Operand::Str(g, fact), Operand::Lit(o, s))
        | (Operand::Lit(o, s), Operand::Str(g, fact)) => {
            if !equality {
                return err(at, "text can only be compared with == or !=");
            }
            if !fact.allows(&s) {
                return err(
                    o,
                    format!(
                        "\"{s}\" is never a value here; expected one of: {}",
                        fact.values.join(", ")
                    ),
                );
            }
            // Compiled once per schema load: the literal lives as long as the condition.
            let s: &'static str = Box::leak(s.into_boxed_str());
            let want = op == "==";
            Box::new(move |c| Some((g(c) == Some(s)) == want))
        }
        (Operand::Bool(a), Operand::Bool(b)) if equality => {
            let want = op == "==";
            Box::new(move |c| Some((a(c) == b(c)) == want))
        }
        (Operand::Int(g), Operand::Null) | (Operand::Null, Operand::Int(g)) if equality => {
            let want = op == "==";
            Box::new(move |c| Some(g(c).is_none() == want))
        }
        (Operand::Str(g, _), Operand::Null) | (Operand::Null, Operand::Str(g, _)) if equality => {
            let want = op == "==";
            Box::new(move |c| Some(g(c).is_none() == want))
        }
        (Operand::Bool(g), Operand::Null) | (Operand::Null, Operand::Bool(g)) if equality => {
            let want = op == "==";
            Box::new(move |c| Some(g(c).is_none() == want))
        }
        _ => {
            return err(
                at,
                format!(
                    "cannot compare {} with {} using {op}",
                    type_name(l),
                    type_name(r)
                ),
            );
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cond::facts::{AppFacts, MemberFacts, RunFacts};

    fn run() -> RunFacts {
        RunFacts {
            as_of: jiff::civil::date(2026, 11, 24),
            certificate_validity_years: 3,
            stage2_min_months: 18,
            ..RunFacts::default()
        }
    }

    fn holds(src: &str, app: &AppFacts) -> bool {
        let r = run();
        Condition::compile(src, Scope::Applicant)
            .unwrap()
            .holds(&Ctx {
                run: &r,
                app,
                member: None,
            })
    }

    #[test]
    fn comparisons_and_logic() {
        let a = AppFacts {
            age: Some(17),
            sex: Some("M"),
            extremism: Some(true),
            migration_offences_12m: Some(2),
            ..AppFacts::default()
        };
        assert!(holds("age < 18", &a));
        assert!(!holds("age >= 18", &a));
        assert!(holds("sex == \"M\" && age >= 17 && age <= 27", &a));
        assert!(holds("extremism", &a));
        assert!(!holds("!extremism", &a));
        assert!(holds("migration_offences_12m > 1 || false", &a));
        let kz = AppFacts {
            citizenship: Some("KZ"),
            ..AppFacts::default()
        };
        assert!(holds("citizenship in [\"BY\", \"KZ\"]", &kz));
        assert!(!holds("citizenship == \"stateless\"", &kz));
        assert!(holds("sex in [\"F\", \"M\"]", &a));
        assert!(holds("(age < 10 || age > 16) && !(sex == 'F')", &a));
    }

    #[test]
    fn unknown_values_never_fire_except_null_tests() {
        let a = AppFacts::default();
        assert!(!holds("age < 18", &a));
        assert!(!holds("!(age < 18)", &a));
        assert!(!holds("extremism", &a));
        assert!(!holds("!extremism", &a));
        assert!(holds("age == null", &a));
        assert!(holds("employer_offer != true", &a));
        assert!(!holds("sex == \"M\"", &a));
        assert!(holds("sex != \"M\"", &a));
        assert!(holds("age < 18 || true", &a));
        assert!(!holds("age < 18 && true", &a));
        assert!(!holds("age < 18 && false", &a));
    }

    #[test]
    fn member_facts_in_member_scope() {
        let r = run();
        let app = AppFacts::default();
        let m = MemberFacts {
            relation: Some("child"),
            age: Some(15),
            relocating: Some(true),
            ..MemberFacts::default()
        };
        let c = Condition::compile(
            "member.relation == \"child\" && member.relocating && member.age >= 14 && member.age < 18",
            Scope::Member,
        )
        .unwrap();
        assert!(c.holds(&Ctx {
            run: &r,
            app: &app,
            member: Some(&m)
        }));
        let e = Condition::compile("member.age < 18", Scope::Applicant).unwrap_err();
        assert!(e.message.contains("family member"), "{e:?}");
    }

    #[test]
    fn mistakes_are_pointed_at() {
        let cases = [
            ("age < ", 6, "ends too early"),
            ("agee < 18", 0, "unknown fact"),
            ("sex == \"Male\"", 7, "never a value"),
            ("citizenship == \"Kz\"", 15, "never a value"),
            ("age == \"18\"", 4, "cannot compare"),
            ("age", 0, "not yes/no"),
            ("age < 18 18", 9, "after the expression"),
            ("sex < \"M\"", 4, "only be compared"),
            ("\"open", 0, "unclosed"),
            ("age # 1", 4, "unexpected character"),
            ("", 0, "empty"),
        ];
        for (src, offset, msg) in cases {
            let e = Condition::compile(src, Scope::Applicant).unwrap_err();
            assert_eq!(e.offset, offset, "{src}: {e:?}");
            assert!(e.message.contains(msg), "{src}: {e:?}");
        }
    }
}
