//! Tests of `regions.toml` and its loader.

use super::*;
use jiff::civil::date;

fn embedded_text() -> String {
    crate::schema::read(None, "regions.toml").unwrap().text
}

fn load(text: String) -> Result<RegionSchema, SchemaError> {
    RegionSchema::load(&SchemaText {
        name: "regions.toml".into(),
        text,
    })
}

#[test]
fn lookups_forgive_spelling_but_not_ambiguity() {
    let r = load(embedded_text()).unwrap();
    let ru = |n: &str| r.russian(n).map(|i| r.russia[i].en.as_str());
    assert_eq!(ru("Kaliningrad Oblast"), Some("Kaliningrad Oblast"));
    assert_eq!(ru("калининградская  обл."), Some("Kaliningrad Oblast"));
    assert_eq!(ru("39"), Some("Kaliningrad Oblast"));
    assert_eq!(ru("039"), Some("Kaliningrad Oblast"));
    assert_eq!(ru("Moscow"), Some("Moscow"));
    assert_eq!(ru("Moscow Oblast"), Some("Moscow Oblast"));
    assert_eq!(ru("Приморье"), ru("Primorsky Krai"));
    assert!(ru("Altai").is_none(), "two subjects are called Altai");
    assert!(ru("Narnia").is_none());
    assert_eq!(r.russian_by_code("03"), r.russian("Buryatia"));
    assert_eq!(r.russian_by_code("3"), None);
    let kz = |n: &str| r.kazakh(n).map(|k| k.mission.get_ref().as_str());
    assert_eq!(kz("Almaty"), Some("almaty"));
    assert_eq!(kz("Akmola oblast"), Some("astana"));
    assert_eq!(kz("Абай"), kz("Abai Region"));
    assert_eq!(kz("Abai"), Some("ust_kamenogorsk"));
    assert_eq!(kz("Turkistan"), Some("almaty"));
    assert_eq!(kz("Ulytau"), Some("astana"));
    assert_eq!(kz("Mangistau"), Some("uralsk"));
    let i = r.kazakh_index("Жетісу").unwrap();
    assert_eq!(r.kazakhstan[i].en, "Zhetysu Region");
}

#[test]
fn folds_region_designators() {
    assert_eq!(fold_region("Kaliningrad Oblast"), "kaliningrad");
    assert_eq!(fold_region("Калужская область"), "калужская");
    assert_eq!(fold_region("Republic of Buryatia"), "buryatia");
    assert_eq!(fold_region("Primorsky  krai"), "primorsky");
    assert_eq!(fold_region("Санкт-Петербург"), "санктпетербург");
    assert_eq!(fold_region("Еврейская автономная область"), "еврейская");
}

#[test]
fn priority_territories_are_the_far_eastern_federal_district() {
    let r = load(embedded_text()).unwrap();
    let mut codes: Vec<&str> = r
        .russia
        .iter()
        .filter(|x| x.priority)
        .map(|x| x.code.as_str())
        .collect();
    codes.sort_unstable();
    // Buryatia, Sakha (Yakutia), Primorsky, Khabarovsk, Amur, Kamchatka, Magadan,
    // Sakhalin, Zabaykalsky, Jewish AO, Chukotka (Decree 354 of 24.07.2019).
    assert_eq!(
        codes,
        [
            "03", "14", "25", "27", "28", "41", "49", "65", "75", "79", "87"
        ]
    );
    let irkutsk = &r.russia[r.russian("Irkutsk Oblast").unwrap()];
    assert!(!irkutsk.priority, "Irkutsk Oblast is no longer one");
    assert!(r.priority_source.verified);
    assert!(r.priority_source.basis.contains("Decree 354"));
}

#[test]
fn participation_follows_the_sources() {
    let r = load(embedded_text()).unwrap();
    let get = |n: &str| &r.russia[r.russian(n).unwrap()];
    for n in [
        "Rostov",
        "Khakassia",
        "Tatarstan",
        "Saratov",
        "Pskov",
        "Tver",
        "Voronezh",
        "Buryatia",
    ] {
        let x = get(n);
        assert_eq!(x.participating, Participation::Yes, "{n}");
        assert!(x.source.verified && x.source.basis.contains("[B]"), "{n}");
    }
    // Named by the seed only: stays participating, unverified.
    let karelia = get("Karelia");
    assert_eq!(karelia.participating, Participation::Yes);
    assert!(!karelia.source.verified);
    // Leningrad: a [C] pointer only.
    let leningrad = get("Leningrad Oblast");
    assert_eq!(leningrad.participating, Participation::Unconfirmed);
    assert!(!leningrad.source.verified);
    for n in ["Moscow", "Saint Petersburg"] {
        assert_eq!(get(n).participating, Participation::No, "{n}");
    }
    // Every in-demand list comes from the seed's table.
    assert!(
        r.russia
            .iter()
            .filter_map(|x| x.in_demand.as_ref())
            .all(|d| !d.source.verified)
    );
    assert!(r.russia.iter().any(|x| x.in_demand.is_some()));
}

#[test]
fn missions_and_schedules_carry_their_sources() {
    let r = load(embedded_text()).unwrap();
    let kz = |n: &str| &r.kazakhstan[r.kazakh_index(n).unwrap()];
    for n in ["Zhetysu", "Kyzylorda", "Zhambyl", "Mangystau"] {
        assert!(kz(n).source.verified, "{n}");
    }
    for n in ["Ulytau", "Abai", "Akmola", "Pavlodar"] {
        assert!(!kz(n).source.verified, "{n}");
    }
    let almaty = r.mission("almaty").unwrap();
    assert!(!almaty.booking.as_ref().unwrap().source.verified);
    assert!(!almaty.walk_in.as_ref().unwrap().source.verified);
    assert!(
        !r.mission("astana")
            .unwrap()
            .booking
            .as_ref()
            .unwrap()
            .source
            .verified
    );
    let aktau = r.mission("aktau").unwrap();
    assert_eq!(aktau.opens, Some(Opening::NotYet));
    let unverified = r.unverified();
    let listed = |s: &str| unverified.iter().any(|(what, _)| what.contains(s));
    assert!(listed("[[kazakhstan]] Ulytau Region → astana"));
    assert!(listed("[[kazakhstan]] Abai Region → ust_kamenogorsk"));
    assert!(listed("[mission.booking] astana"));
    assert!(listed("[mission.booking] almaty"));
    assert!(listed("[mission.walk_in] almaty"));
    assert!(listed("[russia.in_demand] 03"));
    assert!(listed("participating = \"unconfirmed\""));
    assert!(!listed("Zhetysu"));
    assert!(!listed("[priority]"));
    assert!(unverified.iter().all(|(_, basis)| !basis.trim().is_empty()));
}

#[test]
fn mangystau_applies_in_uralsk_until_aktau_opens() {
    let text = embedded_text();
    let before = load(text.clone()).unwrap();
    let k = before.kazakh_index("Mangystau Region").unwrap();
    // Not yet open: Uralsk, whatever the date.
    for day in [date(2026, 11, 24), date(2040, 1, 1)] {
        assert_eq!(before.mission_for(k, day).unwrap().id, "uralsk");
    }
    // Other regions are not affected.
    let aktobe = before.kazakh_index("Aktobe").unwrap();
    assert_eq!(
        before.mission_for(aktobe, date(2026, 11, 24)).unwrap().id,
        "uralsk"
    );

    assert_eq!(text.matches("opens = \"\"").count(), 1);
    let dated = load(text.replace("opens = \"\"", "opens = \"2027-03-01\"")).unwrap();
    let on = |d| dated.mission_for(k, d).unwrap().id.as_str();
    assert_eq!(on(date(2027, 2, 28)), "uralsk");
    assert_eq!(on(date(2027, 3, 1)), "aktau");
    assert_eq!(on(date(2027, 6, 1)), "aktau");
    assert_eq!(
        dated.mission_for(aktobe, date(2027, 6, 1)).unwrap().id,
        "uralsk"
    );
}

#[test]
fn a_wrong_opening_is_an_error() {
    let text = embedded_text();
    let e = load(text.replace("opens = \"\"", "opens = \"next spring\"")).unwrap_err();
    assert!(e.message.contains("opens"), "{e}");
    let line = text[..text.find("opens = \"\"").unwrap()]
        .matches('\n')
        .count()
        + 1;
    assert_eq!(e.line, Some(line), "{e}");
    // A region cannot be sent to a mission that has not opened.
    let e = load(text.replace(
        "mission = \"uralsk\"\n# From the opening day",
        "mission = \"aktau\"\n# From the opening day",
    ))
    .unwrap_err();
    assert!(e.message.contains("not open yet"), "{e}");
    let e =
        load(text.replace("after_opening = \"aktau\"", "after_opening = \"almaty\"")).unwrap_err();
    assert!(e.message.contains("after_opening"), "{e}");
}

/// Removes the first line `key = …` after `anchor` and returns the text with the
/// line number of `anchor`'s entry.
fn without(text: &str, anchor: &str, key: &str) -> String {
    let a = text.find(&format!("\n{anchor}")).expect(anchor);
    let k = a + text[a..].find(&format!("\n{key} = ")).expect(key) + 1;
    let end = k + text[k..].find('\n').unwrap() + 1;
    format!("{}{}", &text[..k], &text[end..])
}

/// The line of `needle` at the start of a line (not in a comment).
fn line_of(text: &str, needle: &str) -> usize {
    let at = text.find(&format!("\n{needle}")).expect(needle) + 1;
    text[..at].matches('\n').count() + 1
}

#[test]
fn every_entry_needs_basis_and_verified() {
    let text = embedded_text();
    let cases = [
        // (the entry's first line, a line inside it, the key removed, words of the message)
        (
            "[[russia]]\ncode = \"39\"",
            "code = \"39\"",
            "basis",
            "[[russia]] 39 Kaliningrad Oblast",
        ),
        (
            "[[russia]]\ncode = \"39\"",
            "code = \"39\"",
            "verified",
            "[[russia]] 39",
        ),
        (
            "[[kazakhstan]]\nen = \"Ulytau Region\"",
            "en = \"Ulytau Region\"",
            "verified",
            "Ulytau Region",
        ),
        (
            "[[kazakhstan]]\nen = \"Ulytau Region\"",
            "en = \"Ulytau Region\"",
            "basis",
            "Ulytau Region",
        ),
        (
            "[[mission]]\nid = \"uralsk\"",
            "id = \"uralsk\"",
            "basis",
            "`uralsk`",
        ),
        (
            "[mission.booking]\n# \"opens once",
            "# \"opens once",
            "verified",
            "[mission.booking] of `almaty`",
        ),
        (
            "[mission.walk_in]",
            "[mission.walk_in]",
            "basis",
            "[mission.walk_in] of `almaty`",
        ),
        (
            "[russia.in_demand]",
            "[russia.in_demand]",
            "verified",
            "[russia.in_demand] of 03",
        ),
        ("[priority]", "[priority]", "verified", "[priority]"),
    ];
    for (entry, anchor, key, words) in cases {
        let edited = without(&text, anchor, key);
        let e = load(edited.clone()).unwrap_err();
        assert!(e.message.contains(words), "{key} of {entry}: {e}");
        assert!(
            e.message.contains(&format!("`{key}")),
            "{key} of {entry}: {e}"
        );
        // The error points at the entry (its header, or its first key).
        let header = line_of(&edited, entry);
        let l = e.line.unwrap();
        assert!(
            l == header || l == header + 1,
            "{key} of {entry}: line {l}, entry at {header}: {e}"
        );
        assert!(e.column.is_some());
    }
    // An empty basis is no basis.
    let e = load(text.replacen(
        "basis = \"Decree 354",
        "basis = \"\"\nold = \"Decree 354",
        1,
    ))
    .unwrap_err();
    assert!(
        e.message.contains("basis") || e.message.contains("old"),
        "{e}"
    );
    let e = load(text.replacen("\n[priority]\n", "\n[nothing]\n", 1)).unwrap_err();
    assert!(
        e.message.contains("nothing") || e.message.contains("[priority]"),
        "{e}"
    );
}

#[test]
fn schedules_and_hours_are_checked() {
    let text = embedded_text();
    let e = load(text.replace("day = 18", "day = 31")).unwrap_err();
    assert!(e.message.contains("1–28"), "{e}");
    let e =
        load(text.replace("weekdays = [\"mon\", \"fri\"]", "weekdays = [\"monday\"]")).unwrap_err();
    assert!(e.message.contains("monday"), "{e}");
    let e = load(text.replace("to = \"16:00\"", "to = \"4pm\"")).unwrap_err();
    assert!(e.message.contains("HH:MM"), "{e}");
    let e = load(text.replace("kind = \"last_working_day\"", "kind = \"weekly\"")).unwrap_err();
    assert!(e.message.contains("weekly"), "{e}");
}

#[test]
fn a_priority_territory_cannot_be_outside_the_program() {
    let text = embedded_text();
    let a = text.find("code = \"77\"").unwrap();
    let edited = format!(
        "{}{}",
        &text[..a],
        text[a..].replacen("priority = false", "priority = true", 1)
    );
    let e = load(edited).unwrap_err();
    assert!(e.message.contains("priority"), "{e}");
}
