//! The Russian words the application for participation prints for the enumerations of
//! its people, following each person: женат or замужем, сын or дочь, супруга or супруг
//! (both forms only when the sex is unknown). They are put into the application's data
//! (`words` of the applicant and of each family member), which application.typ and
//! application.docx both print, so the PDF and the Word copy cannot say different things.

use serde_json::{Value, json};

use crate::model::{
    Applicant, Citizenship, Education, FamilyMember, IdDocType, MaritalStatus, Relation,
    RussianLanguage, Sex,
};

/// The word for `sex`: the male form, the female form, or both for an unknown sex.
fn by_sex(
    sex: Option<Sex>,
    m: &'static str,
    f: &'static str,
    either: &'static str,
) -> &'static str {
    match sex {
        Some(Sex::M) => m,
        Some(Sex::F) => f,
        None => either,
    }
}

pub fn sex(s: Sex) -> &'static str {
    by_sex(Some(s), "мужской", "женский", "")
}

/// The marital status as the person says it: холост, не замужем, разведена…
pub fn marital(m: MaritalStatus, sex: Option<Sex>) -> &'static str {
    match m {
        MaritalStatus::Single => by_sex(sex, "холост", "не замужем", "холост / не замужем"),
        MaritalStatus::Married => by_sex(sex, "женат", "замужем", "женат / замужем"),
        MaritalStatus::Divorced => by_sex(sex, "разведён", "разведена", "разведён / разведена"),
        MaritalStatus::Widowed => by_sex(sex, "вдовец", "вдова", "вдовец / вдова"),
    }
}

/// Who the member `sex` is to the applicant (`applicant` is the applicant's sex: a wife's
/// father is a тесть, a husband's a свёкор).
pub fn relation(r: Relation, sex: Option<Sex>, applicant: Option<Sex>) -> &'static str {
    match r {
        Relation::Spouse => by_sex(sex, "супруг", "супруга", "супруг / супруга"),
        Relation::Child => by_sex(sex, "сын", "дочь", "сын / дочь"),
        Relation::SpouseChild => by_sex(sex, "пасынок", "падчерица", "пасынок / падчерица"),
        Relation::Parent => by_sex(sex, "отец", "мать", "отец / мать"),
        Relation::SpouseParent => match applicant {
            Some(Sex::M) => by_sex(sex, "тесть", "тёща", "тесть / тёща"),
            Some(Sex::F) => by_sex(sex, "свёкор", "свекровь", "свёкор / свекровь"),
            None => by_sex(
                sex,
                "отец супруга (супруги)",
                "мать супруга (супруги)",
                "родитель супруга (супруги)",
            ),
        },
        Relation::StepParent => by_sex(sex, "отчим", "мачеха", "отчим / мачеха"),
        Relation::Sibling => by_sex(sex, "брат", "сестра", "брат / сестра"),
        Relation::SiblingChild => by_sex(sex, "племянник", "племянница", "племянник / племянница"),
        Relation::Grandparent => by_sex(sex, "дедушка", "бабушка", "дедушка / бабушка"),
        Relation::Grandchild => by_sex(sex, "внук", "внучка", "внук / внучка"),
        Relation::Ward => by_sex(sex, "подопечный", "подопечная", "подопечный / подопечная"),
        Relation::Other => "иное",
    }
}

/// A citizenship in words: the state's name, «лицо без гражданства», or the code itself
/// for a state not listed.
pub fn citizenship(c: &Citizenship) -> String {
    let name = match c.as_str() {
        "stateless" => "лицо без гражданства",
        "KZ" => "Республика Казахстан",
        "RU" => "Российская Федерация",
        "BY" => "Республика Беларусь",
        "KG" => "Кыргызская Республика",
        "UZ" => "Республика Узбекистан",
        "TJ" => "Республика Таджикистан",
        "TM" => "Туркменистан",
        "AM" => "Республика Армения",
        "AZ" => "Азербайджанская Республика",
        "GE" => "Грузия",
        "MD" => "Республика Молдова",
        "UA" => "Украина",
        "SU" => "СССР",
        code => return code.to_string(),
    };
    name.to_string()
}

pub fn id_doc(t: IdDocType) -> &'static str {
    match t {
        IdDocType::Passport => "паспорт",
        IdDocType::IdCard => "удостоверение личности",
        IdDocType::ResidencePermit => "вид на жительство",
    }
}

pub fn education(e: Education) -> &'static str {
    match e {
        Education::None => "не имею",
        Education::Secondary => "среднее общее",
        Education::Vocational => "среднее профессиональное",
        Education::Higher => "высшее",
        Education::Postgraduate => "послевузовское",
    }
}

pub fn russian(r: RussianLanguage) -> &'static str {
    match r {
        RussianLanguage::Native => "родной",
        RussianLanguage::Fluent => "свободно",
        RussianLanguage::Basic => "базовый уровень",
        RussianLanguage::None => "не владею",
    }
}

fn yes_no(v: bool) -> &'static str {
    if v { "да" } else { "нет" }
}

/// A word or null.
fn or_null<T>(v: Option<T>, f: impl FnOnce(T) -> String) -> Value {
    v.map_or(Value::Null, |v| Value::String(f(v)))
}

/// The applicant's `words`.
pub fn applicant(a: &Applicant) -> Value {
    let former: Vec<String> = a.former_citizenship.iter().map(citizenship).collect();
    json!({
        "sex": or_null(a.sex, |s| sex(s).into()),
        "citizenship": or_null(a.citizenship.as_ref(), citizenship),
        "former_citizenship": former.join(", "),
        "id_doc_type": or_null(a.id_doc_type, |t| id_doc(t).into()),
        "education": or_null(a.education, |e| education(e).into()),
        "russian_language": or_null(a.russian_language, |r| russian(r).into()),
        "marital_status": or_null(a.marital_status, |m| marital(m, a.sex).into()),
        "repatriate": or_null(a.repatriate, |r| yes_no(r).into()),
    })
}

/// A family member's `words`; `applicant` is the applicant's sex.
pub fn member(m: &FamilyMember, applicant: Option<Sex>) -> Value {
    json!({
        "relation": or_null(m.relation, |r| relation(r, m.sex, applicant).into()),
        "sex": or_null(m.sex, |s| sex(s).into()),
        "citizenship": or_null(m.citizenship.as_ref(), citizenship),
        "id_doc_type": or_null(m.id_doc_type, |t| id_doc(t).into()),
        "marital_status": or_null(m.marital_status, |s| marital(s, m.sex).into()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_follow_the_person() {
        let (m, f) = (Some(Sex::M), Some(Sex::F));
        assert_eq!(marital(MaritalStatus::Married, m), "женат");
        assert_eq!(marital(MaritalStatus::Married, f), "замужем");
        assert_eq!(marital(MaritalStatus::Single, f), "не замужем");
        assert_eq!(marital(MaritalStatus::Divorced, f), "разведена");
        assert_eq!(marital(MaritalStatus::Widowed, m), "вдовец");
        assert_eq!(marital(MaritalStatus::Married, None), "женат / замужем");
        assert_eq!(relation(Relation::Child, f, m), "дочь");
        assert_eq!(relation(Relation::Spouse, f, m), "супруга");
        assert_eq!(relation(Relation::Spouse, m, f), "супруг");
        assert_eq!(relation(Relation::SpouseParent, f, m), "тёща");
        assert_eq!(relation(Relation::SpouseParent, f, f), "свекровь");
        assert_eq!(
            relation(Relation::SpouseParent, m, None),
            "отец супруга (супруги)"
        );
        assert_eq!(relation(Relation::Grandchild, f, m), "внучка");
        assert_eq!(relation(Relation::SiblingChild, m, m), "племянник");
        assert_eq!(relation(Relation::Child, None, m), "сын / дочь");
        assert_eq!(citizenship(&Citizenship::KZ), "Республика Казахстан");
        assert_eq!(citizenship(&Citizenship::Country(*b"FR")), "FR");
        assert_eq!(citizenship(&Citizenship::Stateless), "лицо без гражданства");
    }
}
