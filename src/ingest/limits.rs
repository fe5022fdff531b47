//! Limits on what the reader accepts, so that a wrong file (a disk image, a log, a
//! spreadsheet exported with a million empty columns) cannot exhaust memory: the size of
//! each batch file, of each cell, the number of data rows per file and the number of
//! columns in a header. The defaults admit a generated batch of 2,000,000 applicants
//! (a 1,000,000-applicant `applicants.csv` is about 460 MB) and anything Excel can save;
//! `run` and `validate` change them with `--max-file-size`, `--max-cell`, `--max-rows`
//! and `--max-columns`.

/// The limits of one run. [`Limits::default`] holds the documented defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Bytes in one batch file (applicants.csv, family.csv, expenses.csv), checked before
    /// the file is read into memory. Past it: exit 2 naming the file.
    pub max_file_size: u64,
    /// Bytes in one data cell. A longer value is a `data.format` finding on its cell and
    /// is not used (nor copied into the report or the forms).
    pub max_cell: usize,
    /// Data rows in one file (the header and blank lines not counted). Past it: exit 2
    /// naming the file and the first row past the limit.
    pub max_rows: u64,
    /// Columns in a header row, up to its last non-empty cell (Excel's own limit is
    /// 16,384). Past it: exit 2 naming the file and the first column past the limit.
    pub max_columns: usize,
}

/// The default `--max-file-size`: 1 GiB.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 1 << 30;
/// The default `--max-cell`: 10 KiB.
pub const DEFAULT_MAX_CELL: usize = 10 << 10;
/// The default `--max-rows`: 5,000,000 per file.
pub const DEFAULT_MAX_ROWS: u64 = 5_000_000;
/// The default `--max-columns`: 16,384, as many as an Excel sheet has.
pub const DEFAULT_MAX_COLUMNS: usize = 16_384;

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            max_cell: DEFAULT_MAX_CELL,
            max_rows: DEFAULT_MAX_ROWS,
            max_columns: DEFAULT_MAX_COLUMNS,
        }
    }
}

/// Parses a size such as `512MiB`, `10KiB`, `1GB`, `1.5GiB` or `4096` (bytes). Units,
/// case-insensitive: `B`; `KiB`, `MiB`, `GiB`, `TiB` (and `K`, `M`, `G`, `T`), powers
/// of 1024; `KB`, `MB`, `GB`, `TB`, powers of 1000. Spaces and `_` are ignored.
pub fn parse_size(s: &str) -> Result<u64, String> {
    let cleaned: String = s
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '_')
        .collect();
    let split = cleaned
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(cleaned.len());
    let (number, unit) = cleaned.split_at(split);
    let factor: u64 = match unit.to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kib" => 1 << 10,
        "m" | "mib" => 1 << 20,
        "g" | "gib" => 1 << 30,
        "t" | "tib" => 1 << 40,
        "kb" => 1_000,
        "mb" => 1_000_000,
        "gb" => 1_000_000_000,
        "tb" => 1_000_000_000_000,
        _ => {
            return Err(format!(
                "{s:?}: unknown unit {unit:?}; write e.g. 512MiB, 10KiB, 1GB or a number of bytes"
            ));
        }
    };
    let bad = || format!("{s:?} is not a size: write e.g. 512MiB, 10KiB, 1GB or a number of bytes");
    let value = match number.split_once('.') {
        None => number
            .parse::<u64>()
            .map_err(|_| bad())?
            .checked_mul(factor),
        Some((int, frac)) => {
            if frac.is_empty() || frac.len() > 6 || factor == 1 {
                return Err(bad());
            }
            let int: u64 = if int.is_empty() {
                0
            } else {
                int.parse().map_err(|_| bad())?
            };
            let scale = 10u64.pow(frac.len() as u32);
            let frac: u64 = frac.parse().map_err(|_| bad())?;
            int.checked_mul(factor).and_then(|i| {
                u128::from(frac)
                    .checked_mul(u128::from(factor))
                    .map(|f| (f / u128::from(scale)) as u64)
                    .and_then(|f| i.checked_add(f))
            })
        }
    };
    match value {
        Some(0) => Err(format!("{s:?}: a limit must be more than 0")),
        Some(v) => Ok(v),
        None => Err(format!("{s:?} is too large")),
    }
}

/// Parses a count such as `5000000` or `5_000_000`; it must be more than 0.
pub fn parse_count(s: &str) -> Result<u64, String> {
    let cleaned: String = s.chars().filter(|c| *c != '_').collect();
    match cleaned.trim().parse::<u64>() {
        Ok(0) => Err(format!("{s:?}: a limit must be more than 0")),
        Ok(n) => Ok(n),
        Err(_) => Err(format!("{s:?} is not a whole number")),
    }
}

pub use crate::fsread::show_size;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_with_units() {
        assert_eq!(parse_size("512MiB"), Ok(512 << 20));
        assert_eq!(parse_size("10KiB"), Ok(10 << 10));
        assert_eq!(parse_size("10k"), Ok(10 << 10));
        assert_eq!(parse_size("1GB"), Ok(1_000_000_000));
        assert_eq!(parse_size("1 gib"), Ok(1 << 30));
        assert_eq!(parse_size("1.5GiB"), Ok(3 << 29));
        assert_eq!(parse_size("4096"), Ok(4096));
        assert_eq!(parse_size("4_096B"), Ok(4096));
        for bad in [
            "",
            "0",
            "0KiB",
            "MiB",
            "1.5",
            "1,5MiB",
            "ten",
            "1PiB",
            "-1",
            "99999999999TiB",
        ] {
            assert!(parse_size(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn counts() {
        assert_eq!(parse_count("5_000_000"), Ok(5_000_000));
        assert!(parse_count("0").is_err());
        assert!(parse_count("1e6").is_err());
    }

    #[test]
    fn sizes_for_people() {
        assert_eq!(show_size(10 << 10), "10 KiB");
        assert_eq!(show_size(1 << 30), "1 GiB");
        assert_eq!(show_size(3 << 19), "1572864 bytes (1.5 MiB)");
        assert_eq!(show_size(10241), "10241 bytes (10.0 KiB)");
        assert_eq!(show_size(900), "900 bytes");
    }

    #[test]
    fn defaults_admit_a_million_applicants_and_excel() {
        let d = Limits::default();
        // A generated 1,000,000-applicant applicants.csv is about 460 MB; its family.csv
        // has about 1,500,000 rows.
        assert!(d.max_file_size >= 2 * 460_000_000);
        assert!(d.max_rows >= 3_000_000);
        assert!(d.max_columns >= 16_384);
        assert!(d.max_cell >= 8 * 1024);
    }
}
