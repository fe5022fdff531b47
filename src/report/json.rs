//! The applicants of `report.json`, written by hand: exactly the bytes serde_json writes
//! for an [`ApplicantReport`], at a fraction of the cost. A string with no character
//! that JSON escapes (nearly every one) is copied as it is; any other string, and the
//! one float (the compensation), go through serde_json itself.

use crate::benefits::{Allowance, Fees, PersonAllowance, Territory};
use crate::consulate::Consulate;
use crate::findings::{Finding, Lang, Message, Text};

use super::ApplicantReport;

/// Appends the JSON of `a` to `out`.
pub fn applicant(out: &mut Vec<u8>, a: &ApplicantReport) -> serde_json::Result<()> {
    out.extend_from_slice(b"{\"applicant_id\":");
    string(out, &a.applicant_id);
    out.extend_from_slice(b",\"name\":");
    string(out, &a.name);
    out.extend_from_slice(b",\"status\":\"");
    out.extend_from_slice(a.status.label().as_bytes());
    out.extend_from_slice(b"\",\"consulate\":");
    or_null(out, a.consulate.as_deref(), consulate);
    out.extend_from_slice(b",\"findings\":");
    list(out, &a.findings, finding);
    out.extend_from_slice(b",\"allowance\":");
    allowance(out, &a.allowance)?;
    // Every field named: a new one must be written here too.
    let Fees {
        citizenship_duty_rub,
        verified,
    } = a.fees;
    out.extend_from_slice(b",\"fees\":{\"citizenship_duty_rub\":");
    int(out, citizenship_duty_rub);
    out.extend_from_slice(b",\"verified\":");
    boolean(out, verified);
    out.extend_from_slice(b"},\"outputs\":");
    list(out, &a.outputs, |out, o| string(out, o));
    out.push(b'}');
    Ok(())
}

/// A JSON array of `items`, each written by `item`.
fn list<T>(out: &mut Vec<u8>, items: &[T], item: impl Fn(&mut Vec<u8>, &T)) {
    out.push(b'[');
    for (i, x) in items.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        item(out, x);
    }
    out.push(b']');
}

fn allowance(out: &mut Vec<u8>, a: &Allowance) -> serde_json::Result<()> {
    // Every field named: a new one must be written here too.
    let Allowance {
        territory,
        lifting_total_rub,
        stage1_rub,
        stage2_rub,
        persons,
        compensation_rub,
        monthly_benefit_rub,
        monthly_benefit_months,
        reason,
        unverified,
    } = a;
    out.extend_from_slice(b"{\"territory\":");
    out.extend_from_slice(match territory {
        Some(Territory::Priority) => b"\"priority\"",
        Some(Territory::Other) => b"\"other\"",
        None => b"null",
    });
    out.extend_from_slice(b",\"lifting_total_rub\":");
    int(out, *lifting_total_rub);
    out.extend_from_slice(b",\"stage1_rub\":");
    int(out, *stage1_rub);
    out.extend_from_slice(b",\"stage2_rub\":");
    int(out, *stage2_rub);
    out.extend_from_slice(b",\"persons\":");
    list(out, persons, |out, p| {
        let PersonAllowance {
            member_id,
            stage1_rub,
            stage2_rub,
        } = p;
        out.extend_from_slice(b"{\"member_id\":");
        optional(out, member_id.as_deref());
        out.extend_from_slice(b",\"stage1_rub\":");
        int(out, *stage1_rub);
        out.extend_from_slice(b",\"stage2_rub\":");
        int(out, *stage2_rub);
        out.push(b'}');
    });
    // A float as serde_json writes it (`0.0`, `31446.5`).
    out.extend_from_slice(b",\"compensation_rub\":");
    serde_json::to_writer(&mut *out, compensation_rub)?;
    out.extend_from_slice(b",\"monthly_benefit_rub\":");
    or_null(out, *monthly_benefit_rub, int);
    out.extend_from_slice(b",\"monthly_benefit_months\":");
    int(out, *monthly_benefit_months);
    out.extend_from_slice(b",\"reason\":");
    optional(out, *reason);
    out.extend_from_slice(b",\"unverified\":");
    list(out, unverified, |out, s| string(out, s));
    out.push(b'}');
    Ok(())
}

fn boolean(out: &mut Vec<u8>, b: bool) {
    out.extend_from_slice(if b { b"true" } else { b"false" });
}

/// An integer, in the digits serde_json writes.
fn int(out: &mut Vec<u8>, n: i64) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    let mut rest = n.unsigned_abs();
    loop {
        at -= 1;
        digits[at] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    if n < 0 {
        out.push(b'-');
    }
    out.extend_from_slice(&digits[at..]);
}

fn consulate(out: &mut Vec<u8>, c: &Consulate) {
    out.extend_from_slice(b"{\"id\":");
    string(out, &c.id);
    out.extend_from_slice(b",\"name\":");
    text(out, &c.name);
    out.extend_from_slice(b",\"next_booking\":");
    optional(out, c.next_booking.map(|d| d.to_string()).as_deref());
    out.extend_from_slice(b",\"walk_in\":");
    or_null(out, c.walk_in.as_ref(), text);
    out.extend_from_slice(b",\"verified\":");
    boolean(out, c.verified);
    out.extend_from_slice(b",\"booking_verified\":");
    or_null(out, c.booking_verified, boolean);
    out.push(b'}');
}

fn finding(out: &mut Vec<u8>, f: &Finding) {
    out.extend_from_slice(b"{\"rule\":");
    string(out, f.rule);
    out.extend_from_slice(b",\"severity\":\"");
    out.extend_from_slice(f.severity.key().as_bytes());
    out.extend_from_slice(b"\",\"member_id\":");
    optional(out, f.member_id.as_deref());
    out.extend_from_slice(b",\"field\":");
    optional(out, f.field.map(|c| c.name()));
    out.extend_from_slice(b",\"source\":");
    or_null(out, f.source.as_ref(), |out, s| string(out, &s.to_string()));
    out.extend_from_slice(b",\"message\":");
    message(out, &f.message);
    out.extend_from_slice(b",\"verified\":");
    boolean(out, f.verified);
    out.push(b'}');
}

fn text(out: &mut Vec<u8>, t: &Text) {
    pair(out, &t.ru, &t.en);
}

/// A message in both languages, worded here.
fn message(out: &mut Vec<u8>, m: &Message) {
    pair(out, &m.get(Lang::Ru), &m.get(Lang::En));
}

fn pair(out: &mut Vec<u8>, ru: &str, en: &str) {
    out.extend_from_slice(b"{\"ru\":");
    string(out, ru);
    out.extend_from_slice(b",\"en\":");
    string(out, en);
    out.push(b'}');
}

fn optional(out: &mut Vec<u8>, s: Option<&str>) {
    or_null(out, s, string);
}

/// `value` written by `write`, or `null`.
fn or_null<T>(out: &mut Vec<u8>, value: Option<T>, write: impl FnOnce(&mut Vec<u8>, T)) {
    match value {
        Some(v) => write(out, v),
        None => out.extend_from_slice(b"null"),
    }
}

/// A JSON string. serde_json escapes `"`, `\` and the control characters below U+0020,
/// nothing else; a string without any is copied as it is. The test of every byte has no
/// early exit, so that it compiles to vector instructions.
fn string(out: &mut Vec<u8>, s: &str) {
    let escapes = s.bytes().fold(false, |any, b| {
        any | (b < 0x20) | (b == b'"') | (b == b'\\')
    });
    if escapes {
        // Writing a string to memory cannot fail.
        let _ = serde_json::to_writer(&mut *out, s);
    } else {
        out.reserve(s.len() + 2);
        out.push(b'"');
        out.extend_from_slice(s.as_bytes());
        out.push(b'"');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json(s: &str) -> String {
        let mut out = Vec::new();
        string(&mut out, s);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn integers_as_serde_json_writes_them() {
        for n in [0, 7, -7, 10, 40_000, -1_000_000, i64::MAX, i64::MIN] {
            let mut out = Vec::new();
            int(&mut out, n);
            assert_eq!(
                String::from_utf8(out).unwrap(),
                serde_json::to_string(&n).unwrap()
            );
        }
    }

    #[test]
    fn strings_as_serde_json_writes_them() {
        for s in [
            "",
            "Әлия «Ким»",
            "a\"b",
            "back\\slash",
            "line\nbreak\ttab\r",
            "\u{0}\u{1f}\u{7f}",
            "#panic() *]$\\ <b>",
        ] {
            assert_eq!(json(s), serde_json::to_string(s).unwrap(), "{s:?}");
        }
    }

    #[test]
    fn applicants_as_serde_json_writes_them() {
        let schemas = crate::schema::Schemas::embedded().unwrap();
        let generated = tempfile::tempdir().unwrap();
        crate::synth::generate(generated.path(), 3000, 7).unwrap();
        let sample = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/batch");
        let as_of = jiff::civil::date(2026, 11, 24);
        for dir in [sample.as_path(), generated.path()] {
            let (mut report, _) = crate::validate(dir, &schemas, as_of).unwrap();
            assert!(report.applicants.iter().any(|a| !a.findings.is_empty()));
            // As `resettle run` fills them: the files written for some applicants.
            for (i, a) in report.applicants.iter_mut().enumerate().step_by(3) {
                a.outputs = vec![
                    format!("{i}/application.pdf"),
                    format!("{i}/\"odd\\name.pdf"),
                ];
            }
            for a in &report.applicants {
                let mut ours = Vec::new();
                applicant(&mut ours, a).unwrap();
                assert_eq!(
                    String::from_utf8(ours).unwrap(),
                    serde_json::to_string(a).unwrap()
                );
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn any_string_as_serde_json_writes_it(s in "\\PC*|[\\x00-\\x7f]*") {
            proptest::prop_assert_eq!(json(&s), serde_json::to_string(&s).unwrap());
        }
    }
}
