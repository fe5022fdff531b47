//! The condition language and the facts it reads: the names of facts with their scope,
//! type and values ([`fact_table`]), the fact values of one applicant and their family
//! members ([`facts`]: what conditions and message templates read, evaluated in a
//! [`Ctx`]), and conditions parsed, type-checked and compiled once ([`expr`]).
//!
//! This is a low floor: it depends on nothing of the crate, so that the schemas can
//! compile the conditions of `rules.toml` and `documents.toml` at load, and the engine
//! (`rules`) and the allowances (`benefits`) can read the same facts, without either
//! reaching up. Working the facts out from an applicant and the schemas is the engine's
//! (`rules::facts`).

pub mod expr;
pub mod fact_table;
pub mod facts;

pub use expr::{Condition, ExprError};
pub use fact_table::{FACTS, FactDef, Getter, Scope, lookup};
pub use facts::{AppFacts, Ctx, MemberFacts, RunFacts};
