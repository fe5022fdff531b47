//! Pure identifier checks: the Kazakh IIN (check digit, encoded birth date and sex), the
//! Russian bank account control key (with the BIK), SNILS and the personal INN.
//! Every function takes the digits only (ingest has already stripped separators).

use jiff::civil::Date;

use crate::model::Sex;

fn digits<const N: usize>(s: &str) -> Option<[u32; N]> {
    let b = s.as_bytes();
    if b.len() != N || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let mut out = [0u32; N];
    for (o, d) in out.iter_mut().zip(b) {
        *o = u32::from(d - b'0');
    }
    Some(out)
}

/// The check digit of the first eleven digits of an IIN, or `None` when no digit is
/// valid (the second weighting gives 10 too) or the input is not eleven digits.
pub fn iin_check_digit(first11: &str) -> Option<u32> {
    let d = digits::<11>(first11)?;
    let weighted = |w: &dyn Fn(usize) -> u32| (0..11).map(|i| d[i] * w(i)).sum::<u32>() % 11;
    let c = weighted(&|i| i as u32 + 1);
    if c != 10 {
        return Some(c);
    }
    const W: [u32; 11] = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2];
    Some(weighted(&|i| W[i])).filter(|c| *c != 10)
}

/// Whether the 12th digit of an IIN is its correct check digit.
pub fn iin_checksum_ok(iin: &str) -> bool {
    digits::<12>(iin).is_some()
        && iin_check_digit(&iin[..11]).is_some_and(|c| iin.as_bytes()[11] == b'0' + c as u8)
}

/// The birth date and sex an IIN encodes (digits 1–6 YYMMDD, digit 7 century and sex),
/// or `None` when they cannot be decoded.
pub fn iin_birth(iin: &str) -> Option<(Date, Sex)> {
    let d = digits::<12>(iin)?;
    let (century, sex) = match d[6] {
        1 => (1800, Sex::M),
        2 => (1800, Sex::F),
        3 => (1900, Sex::M),
        4 => (1900, Sex::F),
        5 => (2000, Sex::M),
        6 => (2000, Sex::F),
        _ => return None,
    };
    let year = century + (d[0] * 10 + d[1]) as i16;
    let month = (d[2] * 10 + d[3]) as i8;
    let day = (d[4] * 10 + d[5]) as i8;
    Date::new(year, month, day).ok().map(|date| (date, sex))
}

/// The control key of a Russian bank account, checked with the last three digits of the
/// bank's BIK: weights 7,1,3 over the 23 digits, sum of the last digits of the products
/// ends in 0.
pub fn bank_account_ok(bik: &str, account: &str) -> bool {
    let (Some(bik), Some(acc)) = (digits::<9>(bik), digits::<20>(account)) else {
        return false;
    };
    const W: [u32; 3] = [7, 1, 3];
    let sum: u32 = bik[6..]
        .iter()
        .chain(acc.iter())
        .enumerate()
        .map(|(i, d)| (d * W[i % 3]) % 10)
        .sum();
    sum.is_multiple_of(10)
}

/// SNILS (11 digits): the last two are the checksum of the first nine, weighted 9..1.
/// Numbers up to 001-001-998 predate the checksum and are accepted as they are.
pub fn snils_ok(snils: &str) -> bool {
    let Some(d) = digits::<11>(snils) else {
        return false;
    };
    let number: u32 = d[..9].iter().fold(0, |n, x| n * 10 + x);
    if number <= 1_001_998 {
        return true;
    }
    let sum: u32 = (0..9).map(|i| d[i] * (9 - i as u32)).sum();
    let check = match sum {
        0..=99 => sum,
        100 | 101 => 0,
        _ => (sum % 101) % 100,
    };
    check == d[9] * 10 + d[10]
}

/// The personal INN (12 digits): two check digits, each a weighted sum mod 11 mod 10.
pub fn inn_ok(inn: &str) -> bool {
    let Some(d) = digits::<12>(inn) else {
        return false;
    };
    const W11: [u32; 10] = [7, 2, 4, 10, 3, 5, 9, 4, 6, 8];
    const W12: [u32; 11] = [3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8];
    let n11 = W11.iter().zip(&d).map(|(w, x)| w * x).sum::<u32>() % 11 % 10;
    let n12 = W12.iter().zip(&d).map(|(w, x)| w * x).sum::<u32>() % 11 % 10;
    n11 == d[10] && n12 == d[11]
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn iin_check_digits() {
        // Reference values computed independently (see the algorithm in domain.md).
        assert!(iin_checksum_ok("850215300124"));
        assert!(iin_checksum_ok("900101400013"));
        assert!(iin_checksum_ok("050710600127"));
        assert!(!iin_checksum_ok("850215300125"));
        assert!(!iin_checksum_ok("85021530012"));
        assert!(!iin_checksum_ok("85021530012x"));
    }

    #[test]
    fn iin_second_weighting_and_invalid_tens() {
        // Find, by brute force, numbers whose first sum is 10 and check both outcomes
        // of the second weighting against a direct computation.
        let mut second_ok = 0;
        let mut never_valid = 0;
        for serial in 0..2000u32 {
            let base = format!("8502153{serial:04}");
            let d: Vec<u32> = base.bytes().map(|b| u32::from(b - b'0')).collect();
            let c1: u32 = (0..11).map(|i| d[i] * (i as u32 + 1)).sum::<u32>() % 11;
            if c1 != 10 {
                continue;
            }
            let w = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2];
            let c2: u32 = (0..11).map(|i| d[i] * w[i]).sum::<u32>() % 11;
            let valid: Vec<bool> = (0..10)
                .map(|k| iin_checksum_ok(&format!("{base}{k}")))
                .collect();
            if c2 == 10 {
                assert!(valid.iter().all(|v| !v), "{base}");
                never_valid += 1;
            } else {
                assert_eq!(valid.iter().position(|v| *v), Some(c2 as usize), "{base}");
                assert_eq!(valid.iter().filter(|v| **v).count(), 1);
                second_ok += 1;
            }
        }
        assert!(second_ok > 0 && never_valid > 0);
    }

    #[test]
    fn iin_birth_date_and_sex() {
        assert_eq!(iin_birth("850215300124"), Some((date(1985, 2, 15), Sex::M)));
        assert_eq!(iin_birth("900101400013"), Some((date(1990, 1, 1), Sex::F)));
        assert_eq!(iin_birth("050710600127"), Some((date(2005, 7, 10), Sex::F)));
        assert_eq!(iin_birth("850231300124"), None);
        assert_eq!(iin_birth("850215900124"), None);
    }

    #[test]
    fn bank_account_key() {
        assert!(bank_account_ok("044525225", "40817810438000000001"));
        assert!(!bank_account_ok("044525225", "40817810538000000001"));
        assert!(!bank_account_ok("044525226", "40817810438000000001"));
        assert!(!bank_account_ok("04452522", "40817810438000000001"));
    }

    #[test]
    fn snils_checksum() {
        assert!(snils_ok("11223344595"));
        assert!(!snils_ok("11223344596"));
        assert!(snils_ok("00100199800"));
        assert!(!snils_ok("1122334459"));
    }

    #[test]
    fn inn_checksum() {
        assert!(inn_ok("500100732259"));
        assert!(!inn_ok("500100732258"));
        assert!(!inn_ok("5001007322"));
    }
}
