//! The rule engine: derives each applicant's facts, evaluates every rule of
//! `rules.toml` and every document requirement of `documents.toml` (conditions compiled
//! once at load), checks expense claims, and works out the family's allowance and
//! mission. Applicants are evaluated in parallel (rayon); the result is in batch order
//! and identical whatever the number of threads.

pub mod expr;
pub mod facts;

use std::sync::Arc;

use jiff::ToSpan;
use jiff::civil::Date;
use rayon::prelude::*;
use rustc_hash::FxHashMap;

use crate::benefits::{self, Allowance, Fees, Territory};
use crate::columns::{Col, FileKind};
use crate::consulate::{self, Consulate};
use crate::findings::{Finding, Lang, Severity, Source, Text};
use crate::model::{Applicant, Batch, Evidence};
use crate::schema::regions::Participation;
use crate::schema::rules::Display;
use crate::schema::{Person, Rates, SchemaError, Schemas};
use facts::{AppFacts, Ctx, MemberFacts, RegionFacts, RunFacts};

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
}

/// Evaluates every applicant of `batch` as of `as_of`.
pub fn evaluate(
    batch: &Batch,
    schemas: &Schemas,
    as_of: Date,
) -> Result<Vec<Outcome>, SchemaError> {
    Ok(Engine::new(schemas, as_of)?.evaluate(batch))
}

/// The engine for one run: the rates in force on its date, and the region and
/// profession lookups of every spelling met so far, kept from batch to batch (a
/// validation in windows resolves each spelling once).
pub struct Engine<'s> {
    schemas: &'s Schemas,
    rates: &'s Rates,
    run: RunFacts,
    lookups: Lookups,
}

impl<'s> Engine<'s> {
    /// The engine as of `as_of`: fails when no rates are in force on that date.
    pub fn new(schemas: &'s Schemas, as_of: Date) -> Result<Engine<'s>, SchemaError> {
        let rates = schemas.rates.on(as_of)?;
        let run = RunFacts {
            as_of,
            baggage_limit_kg: rates.compensation.baggage_limit_kg,
            certificate_validity_years: rates.certificate.validity_years,
            stage2_min_months: rates.lifting.stage2_min_months,
        };
        Ok(Engine {
            schemas,
            rates,
            run,
            lookups: Lookups::new(schemas, as_of),
        })
    }

    /// Evaluates every applicant of `batch`, in parallel; the outcomes in batch order.
    pub fn evaluate(&mut self, batch: &Batch) -> Vec<Outcome> {
        self.lookups.learn(batch, self.schemas);
        let (schemas, rates, run, lookups) = (self.schemas, self.rates, &self.run, &self.lookups);
        batch
            .applicants
            .par_iter()
            .map(|a| evaluate_one(batch, schemas, rates, run, lookups, a))
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
    /// Each mission's entry as of the run's date, for applicants of an ordinary and of
    /// a priority target region (`[ordinary, priority]`): made once, shared by all.
    consulates: FxHashMap<Box<str>, [Arc<Consulate>; 2]>,
}

impl Lookups {
    fn new(schemas: &Schemas, as_of: Date) -> Lookups {
        let mut l = Lookups {
            target: FxHashMap::default(),
            kz: FxHashMap::default(),
            demand: FxHashMap::default(),
            consulates: FxHashMap::default(),
        };
        for m in &schemas.regions.missions {
            // The first mission of an id, as `Regions::mission` finds it.
            if !l.consulates.contains_key(m.id.as_str()) {
                let entry = |priority| Arc::new(consulate::consulate(m, as_of, priority));
                l.consulates
                    .insert(m.id.as_str().into(), [entry(false), entry(true)]);
            }
        }
        l
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

fn data_format(batch: &Batch, a: &Applicant, col: Col, ru: String, en: String) -> Finding {
    let h = batch.header(FileKind::Applicants, col);
    Finding {
        rule: "data.format",
        severity: Severity::Error,
        member_id: None,
        field: Some(col),
        source: Some(batch.source(FileKind::Applicants, a.row, col)),
        message: Text::new(format!("{h}: {ru}"), format!("{h}: {en}")),
    }
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
        None => Source::Row {
            file: FileKind::Applicants,
            row: a.row,
        },
    }
}

fn evaluate_one(
    batch: &Batch,
    schemas: &Schemas,
    rates: &Rates,
    run: &RunFacts,
    lookups: &Lookups,
    a: &Applicant,
) -> Outcome {
    let mut findings = Vec::new();
    let members: Vec<MemberFacts> = a
        .family
        .iter()
        .map(|m| MemberFacts::derive(m, run.as_of))
        .collect();

    // The target region.
    let regions = &schemas.regions;
    let region = if a.target_region.is_empty() {
        None
    } else {
        let r = lookups
            .target
            .get(a.target_region.as_str())
            .copied()
            .flatten();
        if r.is_none() {
            let shown = crate::ingest::values::show(&a.target_region);
            findings.push(data_format(
                batch,
                a,
                Col::TargetRegion,
                format!("«{shown}» — не субъект РФ из regions.toml; укажите название или код региона"),
                format!("«{shown}» is not a subject of the Russian Federation in regions.toml; give its name or code"),
            ));
        }
        r
    };
    let region_info = region.map(|i| &regions.russia[i]);
    let region_facts = match (region, region_info) {
        (Some(i), Some(r)) => RegionFacts {
            participation: Some(r.participating),
            priority: Some(r.priority),
            has_demand_list: regions.has_demand_list(i),
            profession_in_demand: lookups.demand(i, &a.profession),
        },
        _ => RegionFacts::default(),
    };
    let app = AppFacts::derive(a, &members, region_facts, run.as_of);

    // The mission.
    let kz = if a.kz_region.is_empty() {
        None
    } else {
        let k = lookups
            .kz
            .get(a.kz_region.as_str())
            .copied()
            .flatten()
            .map(|i| &regions.kazakhstan[i]);
        if k.is_none() {
            let shown = crate::ingest::values::show(&a.kz_region);
            findings.push(data_format(
                batch,
                a,
                Col::KzRegion,
                format!("«{shown}» — не область или город Казахстана из regions.toml"),
                format!("«{shown}» is not a region or city of Kazakhstan in regions.toml"),
            ));
        }
        k
    };
    let priority = region_info.is_some_and(|r| r.priority);
    let consulate = kz
        .and_then(|k| lookups.consulates.get(k.mission.get_ref().as_str()))
        .map(|[ordinary, with_priority]| {
            Arc::clone(if priority { with_priority } else { ordinary })
        });

    let display = |d: Display, lang: Lang| -> String {
        let date = |x: Option<Date>| x.map_or("—".to_string(), |x| format_date(x, lang));
        match d {
            Display::TargetRegion => a.target_region.clone(),
            Display::Region => match (region_info, lang) {
                (Some(r), Lang::Ru) => r.ru.clone(),
                (Some(r), Lang::En) => r.en.clone(),
                (None, _) => a.target_region.clone(),
            },
            Display::KzRegion => a.kz_region.clone(),
            Display::Profession => a.profession.clone(),
            Display::IdDocExpiryDate => date(a.id_doc_expiry_date),
            Display::DeportationDate => date(a.deportation_date),
            Display::Stage2From => date(
                a.stage1_paid_date
                    .and_then(|d| d.checked_add(run.stage2_min_months.months()).ok()),
            ),
            // Valid for whole years: issued 10.05.2023, valid through 09.05.2026.
            Display::CertificateValidUntil => date(
                a.certificate_date
                    .and_then(|d| d.checked_add(run.certificate_validity_years.years()).ok())
                    .and_then(|d| d.yesterday().ok()),
            ),
        }
    };

    let ctx = Ctx {
        run,
        app: &app,
        member: None,
    };
    for rule in &schemas.rules.rules {
        let Some(when) = &rule.when else { continue };
        if when.holds(&ctx) {
            findings.push(Finding {
                rule: rule.id,
                severity: rule.severity,
                member_id: None,
                field: rule.field,
                source: Some(match rule.field {
                    Some(col) => source_for(batch, a, col),
                    None => Source::Row {
                        file: FileKind::Applicants,
                        row: a.row,
                    },
                }),
                message: rule.message(&ctx, &display),
            });
        }
    }

    let documents = required_documents(schemas, a, &members, &ctx);
    missing_documents(schemas, a, &documents, &mut findings);
    claims(batch, a, &members, &mut findings);

    let territory = match region_info {
        Some(r) if r.participating != Participation::No => Some(if r.priority {
            Territory::Priority
        } else {
            Territory::Other
        }),
        _ => None,
    };
    // A refused applicant can claim nothing; the territory is still shown.
    let refused = findings.iter().any(|f| f.severity == Severity::Refusal);
    let mut allowance = benefits::allowance(
        a,
        territory.filter(|_| !refused),
        region_info.and_then(|r| r.subsistence_minimum_rub),
        &members,
        rates,
    );
    allowance.territory = territory;
    let fees = benefits::fees(app.age, &members, rates);
    Outcome {
        findings,
        consulate,
        allowance,
        fees,
        documents,
    }
}

/// One document the application needs: whose it is, and whether it was handed in. It
/// points into its applicant (a family member's index, a held document's index) rather
/// than copying them: every applicant of a batch keeps this list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Required {
    pub code: &'static str,
    /// Index into the applicant's `family`; `None` for the applicant's own document.
    member: Option<u32>,
    have: Have,
}

/// How a required document was handed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Have {
    Missing,
    /// Index into the applicant's `documents`.
    Held(u32),
    /// The program's own form (the application): always present.
    Rendered,
}

static RENDERED: Evidence = Evidence::Rendered;

impl Required {
    /// The family member the document is for; `None` for the applicant's own.
    pub fn member_id<'a>(&self, a: &'a Applicant) -> Option<&'a str> {
        self.member
            .and_then(|i| a.family.get(i as usize))
            .map(|m| m.member_id.as_str())
    }

    /// How it was handed in; `None` when it is missing. The program's own forms count as
    /// present.
    pub fn evidence<'a>(&self, a: &'a Applicant) -> Option<&'a Evidence> {
        match self.have {
            Have::Missing => None,
            Have::Held(i) => a.documents.get(i as usize).map(|h| &h.evidence),
            Have::Rendered => Some(&RENDERED),
        }
    }

    pub fn is_missing(&self) -> bool {
        self.have == Have::Missing
    }
}

/// Every document the application needs, in documents.toml order, applicant's first then
/// each family member's.
fn required_documents(
    schemas: &Schemas,
    a: &Applicant,
    members: &[MemberFacts],
    ctx: &Ctx<'_>,
) -> Vec<Required> {
    let held = |code: &str, member: Option<&str>| {
        a.documents
            .iter()
            .position(|h| h.doc.code == code && h.doc.member_id.as_deref() == member)
            .map_or(Have::Missing, |i| Have::Held(i as u32))
    };
    let mut out = Vec::new();
    for doc in &schemas.documents.docs {
        let required = |c: &Ctx<'_>| doc.when.as_ref().is_none_or(|w| w.holds(c));
        match doc.person {
            Person::Applicant if required(ctx) => out.push(Required {
                code: doc.code,
                member: None,
                have: if doc.rendered {
                    Have::Rendered
                } else {
                    held(doc.code, None)
                },
            }),
            Person::Applicant => {}
            Person::Member => {
                for (i, m) in members.iter().enumerate() {
                    let mctx = Ctx {
                        run: ctx.run,
                        app: ctx.app,
                        member: Some(m),
                    };
                    if required(&mctx) {
                        out.push(Required {
                            code: doc.code,
                            member: Some(i as u32),
                            have: held(doc.code, Some(&m.member_id)),
                        });
                    }
                }
            }
        }
    }
    out
}

/// A `docs.missing.<code>` finding for each required document not handed in.
fn missing_documents(
    schemas: &Schemas,
    a: &Applicant,
    required: &[Required],
    findings: &mut Vec<Finding>,
) {
    let folder = format!("documents/{}", a.applicant_id);
    for r in required.iter().filter(|r| r.is_missing()) {
        let Some(doc) = schemas.documents.by_code(r.code) else {
            continue;
        };
        let (source, who_ru, who_en) = match r.member_id(a) {
            None => (
                format!("{folder}/{}.*", doc.code),
                String::new(),
                String::new(),
            ),
            Some(m) => {
                let name = a
                    .family
                    .iter()
                    .find(|f| f.member_id == m)
                    .map(|f| format!("{} {}", f.last_name, f.first_name))
                    .unwrap_or_default();
                (
                    format!("{folder}/{}-{m}.*", doc.code),
                    format!(" — «{name}» ({m})"),
                    format!(" — «{name}» ({m})"),
                )
            }
        };
        findings.push(Finding {
            rule: doc.missing_rule,
            severity: Severity::Missing,
            member_id: r.member_id(a).map(str::to_string),
            field: None,
            source: Some(Source::Path(source)),
            message: Text::new(
                format!("Нет документа: {}{who_ru}", doc.title.ru),
                format!("Missing: {}{who_en}", doc.title.en),
            ),
        });
    }
}

/// Expense rows that will not be compensated as they stand.
fn claims(batch: &Batch, a: &Applicant, members: &[MemberFacts], findings: &mut Vec<Finding>) {
    for e in &a.expenses {
        let member = e.member_id.as_deref();
        let present = !e.receipt.is_empty()
            && a.files.iter().any(|f| {
                f.eq_ignore_ascii_case(&e.receipt) || f.to_lowercase() == e.receipt.to_lowercase()
            });
        if !present {
            let what = if e.receipt.is_empty() {
                (
                    "квитанция не указана".to_string(),
                    "no receipt is given".to_string(),
                )
            } else {
                let r = crate::ingest::values::show(&e.receipt);
                (
                    format!("файла «{r}» нет в documents/{}/", a.applicant_id),
                    format!("«{r}» is not in documents/{}/", a.applicant_id),
                )
            };
            findings.push(Finding {
                rule: "claim.receipt_missing",
                severity: Severity::Warning,
                member_id: member.map(str::to_string),
                field: Some(Col::Receipt),
                source: Some(batch.source(FileKind::Expenses, e.row, Col::Receipt)),
                message: Text::new(
                    format!(
                        "Расход без квитанции: {} — не будет компенсирован без неё",
                        what.0
                    ),
                    format!(
                        "Expense without a receipt: {} — it will not be compensated without one",
                        what.1
                    ),
                ),
            });
        }
        if !benefits::expense_qualifies(member, members)
            && members.iter().any(|m| Some(m.member_id.as_str()) == member)
        {
            findings.push(Finding {
                rule: "claim.not_relocating",
                severity: Severity::Warning,
                member_id: member.map(str::to_string),
                field: Some(Col::MemberId),
                source: Some(batch.source(FileKind::Expenses, e.row, Col::MemberId)),
                message: Text::new(
                    "Расход члена семьи, который не переезжает: не компенсируется",
                    "An expense of a family member who does not relocate: not compensated",
                ),
            });
        }
    }
}
