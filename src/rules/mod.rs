//! The rule engine: derives each applicant's facts (and each family member's) at the
//! filing date, evaluates every rule of `rules.toml` for the applicant and for each
//! member, every document requirement of `documents.toml` (conditions compiled once at
//! load), checks answers and expense claims, and works out the family's allowance and
//! mission. Applicants are evaluated in parallel (rayon); the result is in batch order
//! and identical whatever the number of threads.

mod answers;
mod claims;
pub mod facts;
mod letter;
pub mod plan;
mod required;

use std::sync::Arc;

use jiff::civil::Date;
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

use crate::benefits::{self, Allowance, Fees, Minimum, Territory};
use crate::columns::{Col, FileKind};
use crate::consulate::{self, Consulate};
use crate::findings::{Arg, Finding, Fixed, Lang, Message, Severity, Source};
use crate::model::{Applicant, Batch, FamilyMember};
use crate::schema::regions::{Participation, Russia};
use crate::schema::rules::Display;
use crate::schema::{Rates, SchemaError, Schemas};
use facts::{AppFacts, Ctx, MemberFacts, RegionFacts, RunFacts};
pub use letter::Point;
pub use required::Required;

/// What the engine concluded for one applicant (besides ingest's findings).
#[derive(Debug, Clone)]
pub struct Outcome {
    pub findings: Vec<Finding>,
    /// Shared by every applicant of the same mission and kind of target region.
    pub consulate: Option<Arc<Consulate>>,
    pub allowance: Allowance,
    pub fees: Fees,
    /// Every document the application needs, handed in or not (the inventory).
    pub documents: Vec<Required>,
    /// The claim forms, decided: the renderer only formats them.
    pub plan: plan::Plan,
    /// The points of the family's letter, in its words (commands that make letters
    /// only: empty otherwise, see [`Engine::with_letters`]).
    pub letter: Vec<Point>,
    /// The rules no official source confirms (shared by every outcome of a run): their
    /// findings are marked unverified when the applicant's entry is finished.
    pub unverified: Arc<FxHashSet<&'static str>>,
}

/// The engine for one run: the rates in force on its date, and the region and
/// profession lookups of every spelling met so far, kept from batch to batch (a
/// validation in windows resolves each spelling once).
pub struct Engine<'s> {
    schemas: &'s Schemas,
    rates: &'s Rates,
    run: RunFacts,
    lookups: Lookups,
    unverified: Arc<FxHashSet<&'static str>>,
    letters: bool,
}

impl<'s> Engine<'s> {
    /// The engine as of `as_of`: fails when no rates are in force on that date.
    pub fn new(schemas: &'s Schemas, as_of: Date) -> Result<Engine<'s>, SchemaError> {
        let rates = schemas.rates.on(as_of)?;
        let run = RunFacts {
            as_of,
            certificate_validity_years: rates.certificate.validity_years,
            stage2_min_months: rates.lifting.stages.stage2_min_months,
            id_min_validity_months: rates.id_document.min_validity_months,
            pension_age_men: rates.pension_age.men,
            pension_age_women: rates.pension_age.women,
        };
        Ok(Engine {
            schemas,
            rates,
            run,
            lookups: Lookups::new(schemas, as_of),
            unverified: Arc::new(schemas.unverified_rules()),
            letters: false,
        })
    }

    /// The engine that also words each outcome's letter points ([`Outcome::letter`]),
    /// when `letters`.
    pub fn with_letters(self, letters: bool) -> Engine<'s> {
        Engine { letters, ..self }
    }

    /// Evaluates every applicant of `batch`, in parallel; the outcomes in batch order.
    pub fn evaluate(&mut self, batch: &Batch) -> Vec<Outcome> {
        self.lookups.learn(batch, self.schemas);
        let (schemas, rates, run, lookups) = (self.schemas, self.rates, &self.run, &self.lookups);
        let letters = self.letters;
        batch
            .applicants
            .par_iter()
            .map(|a| Outcome {
                unverified: Arc::clone(&self.unverified),
                ..evaluate_one(batch, schemas, rates, run, lookups, a, letters)
            })
            .collect()
    }
}

/// Region and profession lookups, done once per distinct spelling: a batch names a few
/// dozen regions for thousands of applicants.
struct Lookups {
    target: FxHashMap<Box<str>, Option<usize>>,
    kz: FxHashMap<Box<str>, Option<usize>>,
    /// By target region, then profession.
    demand: FxHashMap<usize, FxHashMap<Box<str>, Option<bool>>>,
    /// The mission entry of each region of Kazakhstan as of the run's date, for
    /// applicants of an ordinary and of a priority target region: made once, shared by
    /// all.
    consulates: consulate::ByRegion,
}

impl Lookups {
    fn new(schemas: &Schemas, as_of: Date) -> Lookups {
        Lookups {
            target: FxHashMap::default(),
            kz: FxHashMap::default(),
            demand: FxHashMap::default(),
            consulates: consulate::by_region(&schemas.regions, as_of),
        }
    }

    /// Resolves the spellings of `batch` not met before.
    fn learn(&mut self, batch: &Batch, schemas: &Schemas) {
        let regions = &schemas.regions;
        for a in &batch.applicants {
            let target = a.target_region.as_str();
            let t = match self.target.get(target) {
                Some(t) => *t,
                None => {
                    let t = regions.russian(target);
                    self.target.insert(target.into(), t);
                    t
                }
            };
            if !self.kz.contains_key(a.kz_region.as_str()) {
                let k = regions
                    .kazakh(&a.kz_region)
                    .and_then(|k| regions.kazakhstan.iter().position(|x| std::ptr::eq(x, k)));
                self.kz.insert(a.kz_region.as_str().into(), k);
            }
            if let Some(i) = t.filter(|&i| regions.has_demand_list(i)) {
                let demand = self.demand.entry(i).or_default();
                if !demand.contains_key(a.profession.as_str()) {
                    let d = regions.in_demand(i, &a.profession);
                    demand.insert(a.profession.as_str().into(), d);
                }
            }
        }
    }

    fn demand(&self, region: usize, profession: &str) -> Option<bool> {
        self.demand
            .get(&region)
            .and_then(|d| d.get(profession))
            .copied()
            .flatten()
    }
}

fn format_date(d: Date, lang: Lang) -> String {
    match lang {
        Lang::Ru => d.strftime("%d.%m.%Y").to_string(),
        Lang::En => d.to_string(),
    }
}

/// A `data.format` finding on `col` of `a`: `words`, whose `{0}` is the column's
/// header and whose `{1}` is `value`.
fn data_format(
    batch: &Batch,
    a: &Applicant,
    col: Col,
    words: &'static Fixed,
    value: &str,
) -> Finding {
    let h = batch.header(FileKind::Applicants, col);
    Finding::new(
        "data.format",
        Message::new(
            words,
            [Arg::plain(h), Arg::value(crate::values::show(value))],
        ),
    )
    .on(col)
    .at(Some(batch.source(FileKind::Applicants, a.row, col)))
}

/// The source of a finding about `col`: its cell in applicants.csv, or the first
/// expense row of this applicant that has it.
fn source_for(batch: &Batch, a: &Applicant, col: Col) -> Source {
    if FileKind::Applicants.columns().contains(&col) {
        return batch.source(FileKind::Applicants, a.row, col);
    }
    let row = a
        .expenses
        .iter()
        .find(|e| col != Col::WeightKg || e.weight_grams.is_some())
        .map(|e| e.row);
    match row {
        Some(row) => batch.source(FileKind::Expenses, row, col),
        None => batch.row_source(FileKind::Applicants, a.row),
    }
}

/// The target region of `a`, with a `data.format` finding when it names none.
fn target_region<'s>(
    batch: &Batch,
    schemas: &'s Schemas,
    lookups: &Lookups,
    a: &Applicant,
    findings: &mut Vec<Finding>,
) -> Option<(usize, &'s Russia)> {
    if a.target_region.is_empty() {
        return None;
    }
    let r = lookups
        .target
        .get(a.target_region.as_str())
        .copied()
        .flatten();
    if r.is_none() {
        findings.push(data_format(
            batch,
            a,
            Col::TargetRegion,
            crate::findings::words!(
                "{0}: «{1}» — не субъект РФ из regions.toml; укажите название или код региона",
                "{0}: «{1}» is not a subject of the Russian Federation in regions.toml; give its name or code",
            ),
            &a.target_region,
        ));
    }
    r.map(|i| (i, &schemas.regions.russia[i]))
}

/// The mission serving `a`'s region of residence, with a `data.format` finding when the
/// region is unknown.
fn mission(
    batch: &Batch,
    lookups: &Lookups,
    a: &Applicant,
    priority: bool,
    findings: &mut Vec<Finding>,
) -> Option<Arc<Consulate>> {
    if a.kz_region.is_empty() {
        return None;
    }
    let k = lookups.kz.get(a.kz_region.as_str()).copied().flatten();
    if k.is_none() {
        findings.push(data_format(
            batch,
            a,
            Col::KzRegion,
            crate::findings::words!(
                "{0}: «{1}» — не область или город Казахстана из regions.toml",
                "{0}: «{1}» is not a region or city of Kazakhstan in regions.toml",
            ),
            &a.kz_region,
        ));
    }
    k.and_then(|k| lookups.consulates.get(k, priority))
}

/// The value of a message placeholder, for `a` (and the family member `m` of a
/// per-member message).
fn display(
    a: &Applicant,
    m: Option<&FamilyMember>,
    region: Option<&Russia>,
    run: &RunFacts,
    d: Display,
) -> Arg {
    let date = |x: Option<Date>| match x {
        Some(x) => Arg::both(format_date(x, Lang::Ru), format_date(x, Lang::En)),
        None => Arg::plain("—"),
    };
    match d {
        Display::TargetRegion => Arg::value(a.target_region.as_str()),
        Display::Region => match region {
            Some(r) => Arg::both(r.ru.as_str(), r.en.as_str()),
            None => Arg::value(a.target_region.as_str()),
        },
        Display::KzRegion => Arg::value(a.kz_region.as_str()),
        Display::Profession => Arg::value(a.profession.as_str()),
        Display::IdDocExpiryDate => date(a.id_doc_expiry_date),
        Display::DeportationDate => date(a.deportation_date),
        Display::FilingDate => date(Some(facts::filing_date(a, run.as_of))),
        // The same days as the plan's (its functions), for the rates of the run.
        Display::Stage2From => date(plan::stage2_from(a.stage1_paid_date, run.stage2_min_months)),
        Display::CertificateValidUntil => date(plan::valid_until(
            a.certificate_date,
            run.certificate_validity_years,
        )),
        Display::Member => m.map_or(Arg::plain(""), |m| Arg::Member {
            name: crate::model::join_name([&m.last_name, &m.first_name, &m.patronymic]).into(),
            id: m.member_id.as_str().into(),
        }),
        Display::MemberIdDocExpiryDate => date(m.and_then(|m| m.id_doc_expiry_date)),
        Display::MemberDeportationDate => date(m.and_then(|m| m.deportation_date)),
        // Only letters name a column, and they say which (letter::points).
        Display::Field => Arg::plain(""),
    }
}

/// The findings of every rule of rules.toml for `a` and each family member.
fn rule_findings(
    batch: &Batch,
    schemas: &Schemas,
    a: &Applicant,
    members: &[MemberFacts],
    ctx: &Ctx<'_>,
    region: Option<&Russia>,
    findings: &mut Vec<Finding>,
) {
    let run = ctx.run;
    for rule in &schemas.rules.rules {
        // Every rule with a condition has a message (rules.toml does not load otherwise).
        if let (Some(when), Some(said)) = (&rule.when, &rule.message)
            && when.holds(ctx)
        {
            let show = |d| display(a, None, region, run, d);
            findings.push(
                Finding::new(rule.id, said.message(ctx, &show))
                    .on(rule.field)
                    .at(Some(match rule.field {
                        Some(col) => source_for(batch, a, col),
                        None => batch.row_source(FileKind::Applicants, a.row),
                    })),
            );
        }
        let Some(mr) = &rule.member else { continue };
        for (m, facts) in a.family.iter().zip(members) {
            let mctx = Ctx {
                run,
                app: ctx.app,
                member: Some(facts),
            };
            if !mr.when.holds(&mctx) {
                continue;
            }
            let show = |d| display(a, Some(m), region, run, d);
            let column = rule
                .field
                .filter(|c| FileKind::Family.columns().contains(c));
            findings.push(
                Finding::new(rule.id, mr.message.message(&mctx, &show))
                    .member(Some(m.member_id.clone()))
                    .on(column)
                    .at(Some(match column {
                        Some(col) => batch.source(FileKind::Family, m.row, col),
                        None => batch.row_source(FileKind::Family, m.row),
                    })),
            );
        }
    }
}

fn evaluate_one(
    batch: &Batch,
    schemas: &Schemas,
    rates: &Rates,
    run: &RunFacts,
    lookups: &Lookups,
    a: &Applicant,
    letters: bool,
) -> Outcome {
    let mut findings = Vec::new();
    let filing = facts::filing_date(a, run.as_of);
    let members: Vec<MemberFacts> = a
        .family
        .iter()
        .map(|m| MemberFacts::derive(m, run, filing))
        .collect();

    let region = target_region(batch, schemas, lookups, a, &mut findings);
    let region_facts = match region {
        Some((i, r)) => RegionFacts {
            participation: Some(r.participating),
            priority: Some(r.priority),
            has_demand_list: schemas.regions.has_demand_list(i),
            profession_in_demand: lookups.demand(i, &a.profession),
        },
        None => RegionFacts::default(),
    };
    let region_info = region.map(|(_, r)| r);
    let app = AppFacts::derive(
        a,
        &members,
        region_facts,
        run,
        &rates.compensation.baggage,
        &schemas.documents.language,
    );
    let priority = region_info.is_some_and(|r| r.priority);
    let consulate = mission(batch, lookups, a, priority, &mut findings);

    answers::future_dates(batch, a, run.as_of, &mut findings);
    findings.extend(answers::unanswered(batch, schemas, a));
    let ctx = Ctx {
        run,
        app: &app,
        member: None,
    };
    rule_findings(
        batch,
        schemas,
        a,
        &members,
        &ctx,
        region_info,
        &mut findings,
    );
    let documents = required::required_documents(schemas, a, &members, &ctx);
    required::missing_documents(schemas, a, &documents, &mut findings);
    claims::claims(batch, rates, a, &members, &mut findings);

    let allowance = allowance(schemas, rates, run, a, region, &members, &findings);
    let fees = benefits::fees(app.age, &members, rates);
    let plan = plan::plan(
        schemas, rates, run.as_of, a, &members, &findings, &allowance, &documents,
    );
    let letter = if letters {
        letter::points(schemas, a, &members, &ctx, region_info, &findings)
    } else {
        Vec::new()
    };
    Outcome {
        findings,
        letter,
        consulate,
        allowance,
        fees,
        documents,
        plan,
        unverified: Arc::default(),
    }
}

/// What the family can claim: nothing when refused, when the region is not in the
/// program (a repatriate's choice, or an unknown region); else the allowance of the
/// territory, counting the relocating members no finding removes from the application.
fn allowance(
    schemas: &Schemas,
    rates: &Rates,
    run: &RunFacts,
    a: &Applicant,
    region: Option<(usize, &Russia)>,
    members: &[MemberFacts],
    findings: &[Finding],
) -> Allowance {
    let territory = match region {
        Some((_, r)) if r.participating != Participation::No => Some(if r.priority {
            Territory::Priority
        } else {
            Territory::Other
        }),
        _ => None,
    };
    let repatriate_elsewhere = a.repatriate == Some(true)
        && region.is_some_and(|(_, r)| r.participating == Participation::No);
    let Some(t) = territory else {
        let reason = repatriate_elsewhere.then_some("warning.repatriate_no_support");
        return Allowance::none(None, reason);
    };
    // A refused applicant can claim nothing; the territory is still shown.
    if findings
        .iter()
        .any(|f| schemas.severity_of(f) == Severity::Refusal)
    {
        return Allowance::none(Some(t), None);
    }
    // A member with a finding of a rule about members (a ground, not a family member)
    // must leave the application: they are not counted.
    let excluded = |m: &MemberFacts| {
        findings.iter().any(|f| {
            f.member_id.as_deref() == Some(m.member_id.as_str())
                && schemas
                    .rules
                    .get(f.rule)
                    .is_some_and(|r| r.member.is_some())
                && schemas.severity_of(f) >= Severity::Error
        })
    };
    let counted: Vec<&MemberFacts> = members
        .iter()
        .filter(|m| m.is_relocating() && !excluded(m))
        .collect();
    let minimum = region.and_then(|(i, _)| subsistence(schemas, i, run.as_of));
    benefits::allowance(a, t, minimum, members, &counted, rates)
}

/// The working-age subsistence minimum of target region `i` for the year of `day` (the
/// month being claimed), when subsistence.toml knows it.
fn subsistence(schemas: &Schemas, i: usize, day: Date) -> Option<Minimum> {
    schemas
        .subsistence
        .working_age(i, day.year())
        .map(|e| Minimum {
            rub: e.working_age_rub,
            verified: e.verified,
        })
}
