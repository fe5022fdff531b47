//! Synthetic batches for benchmarks and load tests: any number of applicants with
//! families and expenses, a realistic mix (mostly complete applications, some refusal
//! grounds, missing papers, bad data), fully determined by a seed.

use std::fmt::Write as _;
use std::io::Write;
use std::path::Path;

use crate::columns::FileKind;
use crate::error::Error;

/// SplitMix64: a small, fast, well-distributed generator; enough for test data.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }

    /// True with probability `percent`/100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

const LAST_M: &[&str] = &[
    "Иванов",
    "Ахметов",
    "Ким",
    "Шмидт",
    "Коваленко",
    "Сейтқали",
    "Нұрланов",
    "Гарипов",
    "Цой",
    "Беккер",
    "Жақсылықов",
    "Морозов",
];
const FIRST_M: &[&str] = &[
    "Андрей",
    "Әлихан",
    "Қайрат",
    "Сергей",
    "Владимир",
    "Ерғали",
    "Денис",
    "Үмітбек",
    "Артур",
    "Руслан",
];
const FIRST_F: &[&str] = &[
    "Анна",
    "Іңкәр",
    "Ұлжан",
    "Марина",
    "Гүлнар",
    "Светлана",
    "Айгерім",
    "Ольга",
    "Наталья",
];
const KZ_REGIONS: &[&str] = &[
    "Astana",
    "Almaty",
    "Shymkent",
    "Akmola",
    "Karaganda",
    "Kostanay",
    "Pavlodar",
    "East Kazakhstan",
    "Abai",
    "Aktobe",
    "West Kazakhstan",
    "Turkistan",
    "Zhetysu",
];
const TARGETS: &[&str] = &[
    "Kaliningrad Oblast",
    "Калужская область",
    "Primorsky Krai",
    "Khabarovsk",
    "Amur",
    "Tula",
    "Омская область",
    "Novosibirsk",
    "Smolensk",
    "Krasnoyarsk Krai",
    "Stavropol",
    "39",
    "Irkutsk",
];
const PROFESSIONS: &[&str] = &[
    "учитель",
    "врач",
    "инженер",
    "сварщик",
    "медицинская сестра",
    "бухгалтер",
    "водитель",
    "программист",
];

fn iin(birth: (i32, u32, u32), male: bool, serial: u64) -> String {
    let century = match (birth.0 >= 2000, male) {
        (false, true) => 3,
        (false, false) => 4,
        (true, true) => 5,
        (true, false) => 6,
    };
    for s in 0..10_000u64 {
        let base = format!(
            "{:02}{:02}{:02}{century}{:04}",
            birth.0 % 100,
            birth.1,
            birth.2,
            (serial + s) % 10_000
        );
        if let Some(c) = crate::checks::iin_check_digit(&base) {
            return format!("{base}{c}");
        }
    }
    unreachable!("some serial always has a check digit")
}

/// Writes a batch of `applicants` principal applicants into `dir` (created if needed).
/// About 1.2 family rows and 0.3 expense rows per applicant.
pub fn generate(dir: &Path, applicants: u64, seed: u64) -> Result<(), Error> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let mut rng = Rng::new(seed);
    let mut a_out = String::with_capacity(applicants as usize * 400);
    let mut f_out = String::with_capacity(applicants as usize * 150);
    let mut e_out = String::with_capacity(applicants as usize * 40);
    let header = |f: FileKind| {
        f.columns()
            .iter()
            .map(|c| c.name())
            .collect::<Vec<_>>()
            .join(",")
    };
    let _ = writeln!(a_out, "{}", header(FileKind::Applicants));
    let _ = writeln!(f_out, "{}", header(FileKind::Family));
    let _ = writeln!(e_out, "{}", header(FileKind::Expenses));

    for n in 0..applicants {
        let id = format!("A{n:07}");
        let male = rng.chance(50);
        let year = 1960 + rng.below(45) as i32;
        let (month, day) = (1 + rng.below(12) as u32, 1 + rng.below(28) as u32);
        let mut birth = format!("{year}-{month:02}-{day:02}");
        let mut iin_s = iin((year, month, day), male, n * 7);
        let last = rng.pick(LAST_M).to_string();
        let last = if male { last } else { format!("{last}а") };
        let first = if male {
            rng.pick(FIRST_M)
        } else {
            rng.pick(FIRST_F)
        };
        let married = rng.chance(60);
        let children = if married { rng.below(4) } else { 0 };
        // A realistic mix of problems.
        let roll = rng.below(1000);
        let mut extremism = "no";
        let mut expiry = format!("{}-{:02}-15", 2029 + rng.below(8), 1 + rng.below(12));
        let mut offences = rng.below(2);
        let mut target = *rng.pick(TARGETS);
        match roll {
            0..=9 => extremism = "yes",
            10..=29 => expiry = "2027-02-01".into(),
            30..=39 => offences = 2,
            40..=49 => target = "Moscow",
            50..=59 => birth = "1985-02-31".into(),
            60..=69 => iin_s.replace_range(11..12, if iin_s.ends_with('0') { "1" } else { "0" }),
            _ => {}
        }
        let mut docs = vec![
            "id_card",
            "photo",
            "birth_certificate",
            "diploma",
            "no_criminal_record",
            "employer_certificate",
        ];
        if married {
            docs.push("marriage_certificate");
        }
        if male && (1999..=2008).contains(&year) {
            docs.push("military_deregistration");
        }
        let complete = rng.chance(75);
        if !complete {
            docs.retain(|d| *d != "diploma");
        }
        let mut family_docs = Vec::new();
        let mut member = 0;
        if married {
            member += 1;
            let _ = writeln!(
                f_out,
                "{id},F{member},spouse,{last},{},,{},{}-03-10,KZ,{},yes,no,full,married,,passport,N{:08},2031-05-20,,,,,,,",
                if male {
                    rng.pick(FIRST_F)
                } else {
                    rng.pick(FIRST_M)
                },
                if male { "F" } else { "M" },
                year + 1,
                iin((year + 1, 3, 10), !male, n * 7 + 3),
                n + 1
            );
            family_docs.push(format!("birth_certificate-F{member}"));
            family_docs.push(format!("id_card-F{member}"));
        }
        for _ in 0..children {
            member += 1;
            let cy = 2008 + rng.below(18) as i32;
            let cmale = rng.chance(50);
            let _ = writeln!(
                f_out,
                "{id},F{member},child,{last},{},,{},{cy}-06-01,KZ,{},yes,no,,,,,,,,,,,,,",
                if cmale {
                    rng.pick(FIRST_M)
                } else {
                    rng.pick(FIRST_F)
                },
                if cmale { "M" } else { "F" },
                iin((cy, 6, 1), cmale, n * 7 + member)
            );
            family_docs.push(format!("birth_certificate-F{member}"));
            if cy <= 2010 {
                family_docs.push(format!("id_card-F{member}"));
            }
            if cy > 2008 {
                family_docs.push(format!("parent_consent-F{member}"));
            }
            if (2009..=2012).contains(&cy) {
                family_docs.push(format!("child_opinion-F{member}"));
            }
        }
        if rng.chance(25) {
            let _ = writeln!(
                e_out,
                "{id},,travel,2026-05-{:02},{}.50,,economy,ticket.pdf",
                1 + rng.below(28),
                10_000 + rng.below(40_000)
            );
        }
        let documents: Vec<String> = docs
            .iter()
            .map(|d| d.to_string())
            .chain(family_docs)
            .collect();
        let _ = writeln!(
            a_out,
            "{id},{last},{first},,{},{},{},{birth},Караганда,KZ,{iin_s},passport,N{:08},МВД РК,2020-01-10,{expiry},,{},\"ул. Абая {}, кв. {}\",+7701{:07},,higher,{},fluent,full,{},{target},yes,{},no,{extremism},no,no,no,no,,{offences},no,no,no,,,{},,,,,,,,",
            translit(&last),
            translit(first),
            if male { "M" } else { "F" },
            n,
            rng.pick(KZ_REGIONS),
            1 + rng.below(200),
            1 + rng.below(300),
            rng.below(10_000_000),
            rng.pick(PROFESSIONS),
            if married { "married" } else { "single" },
            if male { "yes" } else { "no" },
            documents.join(";"),
        );
    }
    for (file, text) in [
        (FileKind::Applicants, a_out),
        (FileKind::Family, f_out),
        (FileKind::Expenses, e_out),
    ] {
        let path = dir.join(file.file_name());
        let mut f = std::fs::File::create(&path).map_err(|e| Error::io(&path, e))?;
        f.write_all(text.as_bytes())
            .map_err(|e| Error::io(&path, e))?;
    }
    Ok(())
}

/// A rough Latin spelling for the passport columns.
fn translit(s: &str) -> String {
    s.chars()
        .map(|c| match c.to_lowercase().next().unwrap_or(c) {
            'а' | 'ә' => "a",
            'б' => "b",
            'в' => "v",
            'г' | 'ғ' => "g",
            'д' => "d",
            'е' | 'ё' => "e",
            'ж' => "zh",
            'з' => "z",
            'и' | 'і' | 'й' => "i",
            'к' | 'қ' => "k",
            'л' => "l",
            'м' => "m",
            'н' | 'ң' => "n",
            'о' | 'ө' => "o",
            'п' => "p",
            'р' => "r",
            'с' => "s",
            'т' => "t",
            'у' | 'ұ' | 'ү' => "u",
            'ф' => "f",
            'х' | 'һ' => "kh",
            'ц' => "ts",
            'ч' => "ch",
            'ш' => "sh",
            'щ' => "shch",
            'ы' => "y",
            'э' => "e",
            'ю' => "yu",
            'я' => "ya",
            _ => "",
        })
        .collect::<String>()
        .to_uppercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_batch_and_every_row_is_read() {
        let t = tempfile::tempdir().unwrap();
        generate(&t.path().join("a"), 300, 7).unwrap();
        generate(&t.path().join("b"), 300, 7).unwrap();
        for f in FileKind::ALL {
            let a = std::fs::read(t.path().join("a").join(f.file_name())).unwrap();
            let b = std::fs::read(t.path().join("b").join(f.file_name())).unwrap();
            assert_eq!(a, b, "{f}");
        }
        let schemas = crate::schema::Schemas::embedded().unwrap();
        let as_of = jiff::civil::date(2026, 11, 24);
        let (report, _) = crate::validate(&t.path().join("a"), &schemas, as_of).unwrap();
        assert_eq!(report.summary.applicants, 300);
        assert!(report.errors.is_empty(), "{:?}", report.errors.first());
        // Every row has exactly the header's fields.
        assert!(report.warnings.is_empty(), "{:?}", report.warnings.first());
        let s = &report.summary;
        // A realistic mix: every status occurs.
        assert!(
            s.ready > 0 && s.incomplete > 0 && s.refused > 0 && s.invalid > 0,
            "{s:?}"
        );
    }
}
