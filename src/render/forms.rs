//! Which documents an applicant gets and the `/data.json` each is rendered from (the
//! contract is templates/README.md): values ready to print — dates as DD.MM.YYYY,
//! amounts grouped, region names resolved; the wording of enumerations is the templates'.

use jiff::civil::Date;
use serde_json::{Map, Value, json};

use crate::benefits::Territory;
use crate::findings::{Finding, Lang};
use crate::model::{Applicant, Evidence, ExpenseKind, FamilyMember, Sex, Vocabulary};
use crate::render::words;
use crate::report::letter::Letter;
use crate::report::{Status, full_name, join_name};
use crate::rules::Outcome;
use crate::schema::Schemas;
use crate::values::years_between;

/// One PDF of an applicant: its file name in `OUT/<applicant_id>/` and what it renders.
#[derive(Debug, Clone)]
pub struct Document {
    /// e.g. `application.pdf`, `consent-F2.pdf`, `packet.pdf`.
    pub file: String,
    /// The data the template reads, `forms` and `title` included.
    pub data: Value,
    /// The `<form-start>` marker of its pages in `packet.pdf` (`application`,
    /// `consent-F2`), when those are its pages: the same data but for `forms`, `title`
    /// and the other consents. The letter has none: in a draft's packet it is marked
    /// DRAFT and shows the id unmasked.
    pub part: Option<String>,
}

/// Everything the forms of a run share.
pub struct Context<'a> {
    pub schemas: &'a Schemas,
    pub as_of: Date,
    /// The NGO's name (`--org`) and how to reach it (`--contact`), for the letters.
    pub org: &'a str,
    pub contact: &'a str,
    /// Whether applicants who are not ready get their forms as drafts (`--drafts`);
    /// without, they get only their letter ([`crate::report::letter::wanted`]).
    pub drafts: bool,
}

fn date(d: Option<Date>) -> Value {
    d.map_or(Value::Null, |d| {
        Value::String(d.strftime("%d.%m.%Y").to_string())
    })
}

fn word<V: Vocabulary>(v: Option<V>) -> Value {
    v.map_or(Value::Null, |v| Value::String(v.canonical().to_string()))
}

/// Whole roubles for print: `150 000` (no-break spaces: PT fonts lack the narrow one).
fn rub(n: i64) -> String {
    crate::format::group_digits(n, '\u{A0}')
}

/// Kopecks for print: `24 250,50`.
fn money(kopecks: i64) -> String {
    format!("{},{:02}", rub(kopecks / 100), (kopecks % 100).abs())
}

fn member_name(m: &FamilyMember) -> String {
    join_name([&m.last_name, &m.first_name, &m.patronymic])
}

/// A family member's data; `applicant` is the applicant's sex (for the relation's word).
fn member_value(m: &FamilyMember, applicant: Option<Sex>, as_of: Date) -> Value {
    json!({
        "member_id": m.member_id,
        "relation": word(m.relation),
        "last_name": m.last_name,
        "first_name": m.first_name,
        "patronymic": m.patronymic,
        "previous_names": m.previous_names,
        "sex": word(m.sex),
        "birth_date": date(m.birth_date),
        "age": m.birth_date.map(|b| years_between(b, as_of)),
        "citizenship": m.citizenship.as_ref().map(|c| c.as_str().to_string()),
        "iin": m.iin,
        "marital_status": word(m.marital_status),
        "id_doc_type": word(m.id_doc_type),
        "id_doc_number": m.id_doc_number,
        "id_doc_expiry_date": date(m.id_doc_expiry_date),
        "relocating": m.relocating,
        "parents_relocating": m.parents_relocating,
        "pensioner": m.pensioner,
        "words": words::member(m, applicant),
    })
}

/// The documents of one applicant whose status is `status` (drafts unless ready): each
/// form that applies alone, the family's letter when it gets one, then `packet.pdf` with
/// all of them (led by a cover page of findings and the letter on drafts). Without
/// `cx.drafts` an applicant who is not ready gets its letter alone, or nothing.
pub fn documents(
    a: &Applicant,
    outcome: &Outcome,
    status: Status,
    cx: &Context<'_>,
) -> Vec<Document> {
    documents_named(a, outcome, status, cx, |_| true)
}

/// Those of [`documents`] whose file name `wanted` accepts, built alone (the data of
/// each document is its own copy of the applicant's).
pub fn documents_named(
    a: &Applicant,
    outcome: &Outcome,
    status: Status,
    cx: &Context<'_>,
    wanted: impl Fn(&str) -> bool,
) -> Vec<Document> {
    let draft = status != Status::Ready;
    let letter = Letter::of(a, outcome, status, cx.schemas, cx.drafts);
    let letter_data = letter.as_ref().map(|l| letter_value(l, cx));
    if letter_data.is_none() && draft && !cx.drafts {
        return Vec::new();
    }
    let base = data(a, outcome, status, cx);
    // The letter is the family's, not a draft form: no DRAFT mark, a footer that masks
    // an id holding a personal number, and no findings (their rows would render it
    // again when rows above move; the letter reads its own points).
    let letter_doc = |letter: &Value| {
        let mut data = base.clone();
        data["forms"] = json!(["letter"]);
        data["title"] = json!(LETTER_TITLE);
        data["footer"] = letter["applicant_id"].clone();
        data["draft"] = json!(false);
        data["findings"] = json!([]);
        data["letter"] = letter.clone();
        Document {
            file: "letter.pdf".into(),
            data,
            part: None,
        }
    };
    if draft && !cx.drafts {
        return letter_data
            .filter(|_| wanted("letter.pdf"))
            .map(|l| letter_doc(&l))
            .into_iter()
            .collect();
    }
    let mut plan: Vec<(&str, String, &str)> = vec![
        (
            "application",
            "application.pdf".into(),
            "Заявление об участии в Государственной программе",
        ),
        ("inventory", "inventory.pdf".into(), "Опись документов"),
    ];
    let decided = &outcome.plan;
    if let Some(stage) = decided.lifting_stage {
        plan.push((
            "lifting",
            format!("lifting-stage{stage}.pdf"),
            "Заявление о выплате подъёмных",
        ));
    }
    if decided.compensation.is_some() {
        plan.push((
            "compensation",
            "compensation.pdf".into(),
            "Заявление о компенсации расходов на переезд",
        ));
    }
    if decided.monthly.is_some() {
        plan.push((
            "monthly",
            "monthly-benefit.pdf".into(),
            "Заявление о выплате ежемесячного пособия",
        ));
    }
    let consents = base["consents"].as_array().cloned().unwrap_or_default();

    let doc = |forms: &[&str], file: String, title: &str, consents: Option<Vec<Value>>| {
        let mut data = base.clone();
        data["forms"] = json!(forms);
        data["title"] = json!(title);
        if let Some(c) = consents {
            data["consents"] = Value::Array(c);
        }
        Document {
            file,
            data,
            part: None,
        }
    };
    let mut docs: Vec<Document> = plan
        .iter()
        .filter(|(_, file, _)| wanted(file))
        .map(|(form, file, title)| Document {
            part: Some(form.to_string()),
            ..doc(&[form], file.clone(), title, None)
        })
        .collect();
    for c in &consents {
        let id = c["child"]["member_id"].as_str().unwrap_or_default();
        let file = format!("consent-{id}.pdf");
        if wanted(&file) {
            docs.push(Document {
                part: Some(format!("consent-{id}")),
                ..doc(
                    &["consent"],
                    file,
                    "Согласие второго родителя на переезд ребёнка",
                    Some(vec![c.clone()]),
                )
            });
        }
    }
    if let Some(l) = letter_data.as_ref().filter(|_| wanted("letter.pdf")) {
        docs.push(letter_doc(l));
    }
    let mut packet: Vec<&str> = Vec::new();
    if draft {
        packet.push("cover");
    }
    if letter_data.is_some() {
        packet.push("letter");
    }
    packet.extend(plan.iter().map(|(form, _, _)| *form));
    if !consents.is_empty() {
        packet.push("consent");
    }
    if wanted("packet.pdf") {
        let mut packet = doc(
            &packet,
            "packet.pdf".into(),
            "Пакет документов участника Государственной программы",
            None,
        );
        if let Some(l) = letter_data {
            packet.data["letter"] = l;
        }
        docs.push(packet);
    }
    docs
}

/// The title of a family's letter (its PDF's).
const LETTER_TITLE: &str = "Письмо семье: что нужно для заявления на участие в Госпрограмме";

/// The `letter` of a letter's data (templates/README.md): the letter's lists, its dates
/// as DD.MM.YYYY, the NGO's name and contact.
fn letter_value(l: &Letter, cx: &Context<'_>) -> Value {
    let items = |items: &[crate::report::letter::Item]| -> Value {
        items
            .iter()
            .map(|i| json!({"what": i.what, "persons": i.persons}))
            .collect()
    };
    json!({
        "applicant_id": l.applicant_id,
        "addressee": l.addressee,
        "greeting": l.greeting,
        "refused": l.refused,
        "grounds": l.grounds,
        "bring": items(&l.bring),
        "correct": items(&l.correct),
        "notes": items(&l.notes),
        "explain": l.explain,
        "fine": items(&l.fine),
        "mission": l.mission.as_ref().map(|m| json!({
            "name": m.name,
            "next_booking": date(m.next_booking),
            "booking_verified": m.booking_verified,
            "walk_in": m.walk_in,
        })),
        "org": cx.org,
        "contact": cx.contact,
        "date": date(Some(cx.as_of)),
    })
}

/// The data of an applicant's documents (without `forms` and `title`).
pub fn data(a: &Applicant, outcome: &Outcome, status: Status, cx: &Context<'_>) -> Value {
    let (schemas, as_of) = (cx.schemas, cx.as_of);
    let regions = &schemas.regions;
    let target = regions
        .russian(&a.target_region)
        .map(|i| &regions.russia[i]);
    let findings: Vec<&Finding> = a.findings.iter().chain(&outcome.findings).collect();
    let family: Vec<Value> = a
        .family
        .iter()
        .map(|m| member_value(m, a.sex, as_of))
        .collect();
    let person = |member: Option<&str>| match member {
        None => full_name(a),
        Some(id) => a
            .family
            .iter()
            .find(|m| m.member_id == id)
            .map_or_else(|| id.to_string(), member_name),
    };
    let documents: Vec<Value> = outcome
        .documents
        .iter()
        .map(|r| {
            let title = schemas
                .documents
                .by_code(r.code)
                .map_or(r.code.to_string(), |d| d.title.ru.clone());
            let how = match r.evidence(a) {
                Some(Evidence::Scan(_)) => "скан",
                Some(Evidence::Paper(_)) => "на бумаге",
                Some(Evidence::Rendered) => "прилагается",
                None => "",
            };
            json!({
                "title": title,
                "person": person(r.member_id(a)),
                "member": r.member_id(a).is_some(),
                "present": r.evidence(a).is_some(),
                "how": how,
            })
        })
        .collect();

    let plan = &outcome.plan;
    let allowance = &outcome.allowance;

    let lifting = plan.lifting_stage.map(|stage| {
        let mut total = 0;
        let persons: Vec<Value> = allowance
            .persons
            .iter()
            .filter_map(|p| {
                let amount = if stage == 1 {
                    p.stage1_rub
                } else {
                    p.stage2_rub
                };
                if amount == 0 {
                    return None;
                }
                total += amount;
                let m = p
                    .member_id
                    .as_deref()
                    .and_then(|id| a.family.iter().find(|m| m.member_id == id));
                Some(json!({
                    "name": m.map_or_else(|| full_name(a), member_name),
                    "relation": m.map_or(Value::Null, |m| word(m.relation)),
                    "birth_date": date(m.map_or(a.birth_date, |m| m.birth_date)),
                    "amount": rub(amount),
                }))
            })
            .collect();
        json!({"stage": stage, "persons": persons, "total": rub(total)})
    });

    let compensation = plan.compensation.as_ref().map(|c| {
        let rows: Vec<Value> = c
            .expenses
            .iter()
            .filter_map(|&i| a.expenses.get(i))
            .map(|e| {
                json!({
                    "person": person(e.member_id.as_deref()),
                    "kind": e.kind.map(|k| k.canonical()),
                    "date": date(e.date),
                    "amount": e.amount_kopecks.map(money),
                    "weight_kg": e.weight_grams.map(|g| rub((g + 999) / 1000)),
                    "receipt": e.receipt,
                })
            })
            .collect();
        let kind = |k: ExpenseKind| money(c.by_kind[k as usize]);
        json!({
            "rows": rows,
            "travel": kind(ExpenseKind::Travel),
            "baggage": kind(ExpenseKind::Baggage),
            "duty": kind(ExpenseKind::Duty),
            "total": money(c.by_kind.iter().sum()),
            "baggage_kg": rub((c.baggage_grams + 999) / 1000),
            "baggage_limit_kg": c.baggage_limit_kg.map(rub),
        })
    });

    let monthly = plan.monthly.as_ref().map(|m| {
        json!({
            "from": date(Some(m.from)),
            "to": date(Some(m.to)),
            "months": m.months,
            "share_percent": m.share_percent,
            "amount": m.amount_rub.map(rub),
        })
    });

    // One consent per child for whom the other parent's consent is drafted.
    let consents: Vec<Value> = plan
        .consents
        .iter()
        .filter_map(|id| a.family.iter().find(|m| &m.member_id == id))
        .map(|m| json!({"child": member_value(m, a.sex, as_of), "parent": full_name(a)}))
        .collect();

    let findings: Vec<Value> = findings
        .iter()
        .map(|f| {
            json!({
                "severity": f.severity,
                "severity_label": f.severity.label(Lang::Ru),
                "rule": f.rule,
                "message": f.message.get(Lang::Ru),
                "at": f.source.as_ref().map(|s| s.to_string()),
            })
        })
        .collect();

    let mut applicant = Map::new();
    let mut put = |k: &str, v: Value| {
        applicant.insert(k.to_string(), v);
    };
    put("id", json!(a.applicant_id));
    put("last_name", json!(a.last_name));
    put("first_name", json!(a.first_name));
    put("patronymic", json!(a.patronymic));
    put("previous_names", json!(a.previous_names));
    put("last_name_lat", json!(a.last_name_lat));
    put("first_name_lat", json!(a.first_name_lat));
    put("sex", word(a.sex));
    put("birth_date", date(a.birth_date));
    put("birth_place", json!(a.birth_place));
    put(
        "citizenship",
        json!(a.citizenship.as_ref().map(|c| c.as_str().to_string())),
    );
    put("former_citizenship", json!(a.former_citizenship));
    put("iin", json!(a.iin));
    put("id_doc_type", word(a.id_doc_type));
    put("id_doc_number", json!(a.id_doc_number));
    put("id_doc_issued_by", json!(a.id_doc_issued_by));
    put("id_doc_issue_date", date(a.id_doc_issue_date));
    put("id_doc_expiry_date", date(a.id_doc_expiry_date));
    put(
        "kz_region",
        json!(
            regions
                .kazakh(&a.kz_region)
                .map_or(a.kz_region.clone(), |k| k.ru.clone())
        ),
    );
    put("address", json!(a.address));
    put("phone", json!(a.phone));
    put("email", json!(a.email));
    put("education", word(a.education));
    put("profession", json!(a.profession));
    put("russian_language", word(a.russian_language));
    put("marital_status", word(a.marital_status));
    put("repatriate", json!(a.repatriate));
    put(
        "target_region",
        json!(target.map_or(a.target_region.clone(), |r| r.ru.clone())),
    );
    put("certificate_number", json!(a.certificate_number));
    put("certificate_date", date(a.certificate_date));
    put(
        "certificate_valid_until",
        date(plan.certificate_valid_until),
    );
    put("arrival_date", date(a.arrival_date));
    put("stage1_paid_date", date(a.stage1_paid_date));
    put("bank_bik", json!(a.bank_bik));
    put("bank_account", json!(a.bank_account));
    put("snils", json!(a.snils));
    put("inn", json!(a.inn));
    // The application's words for these values, following the person (see words.rs).
    put("words", words::applicant(a));

    json!({
        "footer": a.applicant_id,
        "org": cx.org,
        "as_of": date(Some(as_of)),
        "draft": status != Status::Ready,
        "status": status.label(),
        "applicant": applicant,
        "family": family,
        "consulate": outcome.consulate.as_ref().map(|c| json!({
            "name": c.name.ru,
            "next_booking": date(c.next_booking),
        })),
        "region": target.map(|r| json!({
            "name": r.ru,
            "priority": allowance.territory == Some(Territory::Priority),
        })),
        "documents": documents,
        "lifting": lifting,
        "compensation": compensation,
        "monthly": monthly,
        "consents": consents,
        // The family's letter: in its own document and a draft's packet only.
        "letter": Value::Null,
        // Only a draft's cover shows them; kept out of ready applicants' data, where a
        // warning's row number would re-render them when rows above move.
        "findings": if status == Status::Ready { Vec::new() } else { findings },
    })
}

/// The `/data.json` of the batch report (`report.typ`): the report.html view.
pub fn report_data(
    report: &crate::report::Report,
    lang: crate::findings::Lang,
    org: &str,
) -> Value {
    report_data_of(
        report,
        crate::report::html::view_json(report, lang),
        lang,
        org,
    )
}

/// [`report_data`] with the view `view` (made as the entries came,
/// `report::html::view_json_listed`).
pub fn report_data_of(
    report: &crate::report::Report,
    view: Value,
    lang: crate::findings::Lang,
    org: &str,
) -> Value {
    let title = match lang {
        crate::findings::Lang::Ru => "Отчёт о проверке пакета",
        crate::findings::Lang::En => "Batch validation report",
    };
    let data = json!({
        "forms": ["report"],
        "title": title,
        "footer": format!("{title} · {}", date(Some(report.as_of)).as_str().unwrap_or_default()),
        "org": org,
        "as_of": date(Some(report.as_of)),
        "draft": false,
        "report": view,
    });
    data
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_grouped_with_no_break_spaces() {
        assert_eq!(rub(150_000), "150\u{A0}000");
        assert_eq!(money(2_425_050), "24\u{A0}250,50");
        assert_eq!(money(350_000), "3\u{A0}500,00");
        assert_eq!(money(5), "0,05");
    }
}
