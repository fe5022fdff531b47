//! The data a form shows, as the `/data.json` its template reads: the applicant, the
//! family, the mission, the document inventory — values ready to print (dates as
//! DD.MM.YYYY, region names resolved); the wording of enumerations is the templates'.

use jiff::civil::Date;
use serde_json::{Value, json};

use crate::model::{Applicant, Evidence, Vocabulary};
use crate::rules::Outcome;
use crate::schema::Schemas;

fn date(d: Option<Date>) -> Value {
    d.map_or(Value::Null, |d| {
        Value::String(d.strftime("%d.%m.%Y").to_string())
    })
}

fn word<V: Vocabulary>(v: Option<V>) -> Value {
    v.map_or(Value::Null, |v| Value::String(v.canonical().to_string()))
}

/// The `/data.json` of an applicant's forms.
pub fn data(
    a: &Applicant,
    outcome: &Outcome,
    schemas: &Schemas,
    as_of: Date,
    org: &str,
    draft: bool,
) -> Value {
    let regions = &schemas.regions;
    let target = regions
        .russian(&a.target_region)
        .map(|i| &regions.russia[i]);
    let family: Vec<Value> = a
        .family
        .iter()
        .map(|m| {
            json!({
                "member_id": m.member_id,
                "relation": word(m.relation),
                "last_name": m.last_name,
                "first_name": m.first_name,
                "patronymic": m.patronymic,
                "sex": word(m.sex),
                "birth_date": date(m.birth_date),
                "citizenship": m.citizenship.as_ref().map(|c| c.as_str().to_string()),
                "iin": m.iin,
                "relocating": m.relocating,
            })
        })
        .collect();
    let person = |member: Option<&str>| match member {
        None => "заявитель".to_string(),
        Some(id) => a
            .family
            .iter()
            .find(|m| m.member_id == id)
            .map(|m| {
                format!("{} {} {}", m.last_name, m.first_name, m.patronymic)
                    .trim()
                    .to_string()
            })
            .unwrap_or_else(|| id.to_string()),
    };
    let documents: Vec<Value> = outcome
        .documents
        .iter()
        .map(|r| {
            let title = schemas
                .documents
                .by_code(r.code)
                .map_or(r.code.to_string(), |d| d.title.ru.clone());
            let how = match &r.evidence {
                Some(Evidence::Scan(_)) => "скан",
                Some(Evidence::Paper(_)) => "на бумаге",
                Some(Evidence::Rendered) => "прилагается",
                None => "",
            };
            json!({
                "title": title,
                "person": person(r.member_id.as_deref()),
                "member": r.member_id.is_some(),
                "present": r.evidence.is_some(),
                "how": how,
            })
        })
        .collect();
    json!({
        "org": org,
        "as_of": date(Some(as_of)),
        "draft": draft,
        "applicant": {
            "id": a.applicant_id,
            "last_name": a.last_name,
            "first_name": a.first_name,
            "patronymic": a.patronymic,
            "last_name_lat": a.last_name_lat,
            "first_name_lat": a.first_name_lat,
            "sex": word(a.sex),
            "birth_date": date(a.birth_date),
            "birth_place": a.birth_place,
            "citizenship": a.citizenship.as_ref().map(|c| c.as_str().to_string()),
            "iin": a.iin,
            "id_doc_type": word(a.id_doc_type),
            "id_doc_number": a.id_doc_number,
            "id_doc_issued_by": a.id_doc_issued_by,
            "id_doc_issue_date": date(a.id_doc_issue_date),
            "id_doc_expiry_date": date(a.id_doc_expiry_date),
            "kz_region": regions.kazakh(&a.kz_region).map_or(a.kz_region.clone(), |k| k.ru.clone()),
            "address": a.address,
            "phone": a.phone,
            "email": a.email,
            "education": word(a.education),
            "profession": a.profession,
            "russian_language": word(a.russian_language),
            "marital_status": word(a.marital_status),
            "target_region": target.map_or(a.target_region.clone(), |r| r.ru.clone()),
        },
        "family": family,
        "consulate": outcome.consulate.as_ref().map(|c| json!({
            "name": c.name.ru,
            "next_booking": c.next_booking,
        })),
        "documents": documents,
    })
}
