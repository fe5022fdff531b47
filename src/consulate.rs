//! Where an applicant applies: the Russian mission serving their region of Kazakhstan
//! (a mission not yet open sends its district to the old one until its opening day),
//! its next booking window on or after the as-of date, walk-in hours where they apply,
//! and whether the mapping and the schedule rest on an official or reputable source.

use std::sync::Arc;

use jiff::ToSpan;
use jiff::civil::{Date, Weekday};
use serde::Serialize;

use crate::findings::Text;
use crate::schema::RegionSchema;
use crate::schema::regions::{BookingRule, Mission};

/// The mission an applicant applies to, as the report shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Consulate {
    pub id: String,
    pub name: Text,
    /// The next day bookings open, on or after the as-of date; `None` when our sources do
    /// not say how this mission books (ask the mission).
    pub next_booking: Option<Date>,
    /// Walk-in hours that apply to this applicant, if any.
    pub walk_in: Option<Text>,
    /// Whether an official or reputable source says residents of the applicant's region
    /// apply to this mission (and that the mission works).
    pub verified: bool,
    /// Whether the booking day and walk-in hours shown rest on a verified schedule:
    /// `false` means "check the booking day on the mission's website"; `None` when
    /// neither is shown.
    pub booking_verified: Option<bool>,
}

/// The first day on or after `from` on which `booking` opens.
pub fn next_booking(booking: &BookingRule, from: Date) -> Option<Date> {
    let mut month_start = from.first_of_month();
    for _ in 0..36 {
        let candidate = match booking {
            BookingRule::DayOfMonth { day, months } => months
                .contains(&month_start.month())
                .then(|| Date::new(month_start.year(), month_start.month(), *day).ok())
                .flatten(),
            BookingRule::LastWorkingDay => Some(last_working_day(month_start)),
        };
        if let Some(d) = candidate.filter(|d| *d >= from) {
            return Some(d);
        }
        month_start = month_start.checked_add(1.month()).ok()?;
    }
    None
}

/// The last Monday–Friday of the month of `day` (public holidays are not known here).
pub fn last_working_day(day: Date) -> Date {
    let mut d = day.last_of_month();
    while matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday) {
        d = d.yesterday().unwrap_or(d);
    }
    d
}

fn weekday_names(days: &[String]) -> (String, String) {
    let name = |d: &str| match d {
        "mon" => ("пн", "Mon"),
        "tue" => ("вт", "Tue"),
        "wed" => ("ср", "Wed"),
        "thu" => ("чт", "Thu"),
        "fri" => ("пт", "Fri"),
        "sat" => ("сб", "Sat"),
        _ => ("вс", "Sun"),
    };
    let ru: Vec<_> = days.iter().map(|d| name(d).0).collect();
    let en: Vec<_> = days.iter().map(|d| name(d).1).collect();
    (ru.join(", "), en.join(", "))
}

/// The consulate entry for an applicant of a mission, as of `as_of`; `priority` says
/// whether their target region is a priority settlement territory. `verified` is the
/// mission's own; [`for_region`] also weighs the region's mapping.
pub fn consulate(mission: &Mission, as_of: Date, priority: bool) -> Consulate {
    let walk_in = mission
        .walk_in
        .as_ref()
        .filter(|w| !w.priority_only || priority);
    let booking = mission
        .booking
        .as_ref()
        .and_then(|b| next_booking(&b.rule, as_of).map(|d| (d, b)));
    let shown = [
        booking.map(|(_, b)| b.source.verified),
        walk_in.map(|w| w.source.verified),
    ];
    let booking_verified = shown.iter().flatten().copied().reduce(|a, b| a && b);
    Consulate {
        id: mission.id.clone(),
        name: mission.name.text(),
        next_booking: booking.map(|(d, _)| d),
        walk_in: walk_in.map(|w| {
            let (ru, en) = weekday_names(&w.weekdays);
            Text::new(
                format!("без записи: {ru}, {}–{}", w.from, w.to),
                format!("without appointment: {en}, {}–{}", w.from, w.to),
            )
        }),
        verified: mission.source.verified,
        booking_verified,
    }
}

/// The consulate entry for residents of Kazakh region `k` (an index of
/// `regions.kazakhstan`) on `as_of`: the mission serving it that day, `verified` when
/// both the region's mapping and the mission are.
pub fn for_region(
    regions: &RegionSchema,
    k: usize,
    as_of: Date,
    priority: bool,
) -> Option<Consulate> {
    let mission = regions.mission_for(k, as_of)?;
    let mut c = consulate(mission, as_of, priority);
    c.verified &= regions.kazakhstan[k].source.verified;
    Some(c)
}

/// The consulate entries of every region of Kazakhstan on one day, indexed like
/// `regions.kazakhstan`: made once per run, shared by its applicants.
#[derive(Debug, Clone, Default)]
pub struct ByRegion(Vec<Option<[Arc<Consulate>; 2]>>);

impl ByRegion {
    /// The entry for residents of Kazakh region `k` whose target region is (`priority`)
    /// or is not a priority settlement territory.
    pub fn get(&self, k: usize, priority: bool) -> Option<Arc<Consulate>> {
        self.0
            .get(k)?
            .as_ref()
            .map(|e| Arc::clone(&e[usize::from(priority)]))
    }
}

/// The consulate entries of every region of Kazakhstan on `as_of` (see [`ByRegion`]).
pub fn by_region(regions: &RegionSchema, as_of: Date) -> ByRegion {
    ByRegion(
        (0..regions.kazakhstan.len())
            .map(|k| {
                let entry = |priority| for_region(regions, k, as_of, priority).map(Arc::new);
                Some([entry(false)?, entry(true)?])
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn almaty_eighteenth_of_odd_months() {
        let b = BookingRule::DayOfMonth {
            day: 18,
            months: vec![1, 3, 5, 7, 9, 11],
        };
        assert_eq!(
            next_booking(&b, date(2026, 11, 24)),
            Some(date(2027, 1, 18))
        );
        assert_eq!(
            next_booking(&b, date(2026, 11, 18)),
            Some(date(2026, 11, 18))
        );
        assert_eq!(
            next_booking(&b, date(2026, 11, 19)),
            Some(date(2027, 1, 18))
        );
        assert_eq!(next_booking(&b, date(2026, 2, 1)), Some(date(2026, 3, 18)));
    }

    #[test]
    fn astana_last_working_day() {
        // 30 November 2026 is a Monday; 31 January 2027 is a Sunday.
        assert_eq!(
            next_booking(&BookingRule::LastWorkingDay, date(2026, 11, 24)),
            Some(date(2026, 11, 30))
        );
        assert_eq!(
            next_booking(&BookingRule::LastWorkingDay, date(2027, 1, 5)),
            Some(date(2027, 1, 29))
        );
        assert_eq!(
            next_booking(&BookingRule::LastWorkingDay, date(2027, 1, 30)),
            Some(date(2027, 2, 26))
        );
    }

    fn regions(text: Option<String>) -> RegionSchema {
        let mut src = crate::schema::read(None, "regions.toml").unwrap();
        if let Some(t) = text {
            src.text = t;
        }
        RegionSchema::load(&src).unwrap()
    }

    fn entry(r: &RegionSchema, kz: &str, as_of: Date, priority: bool) -> Consulate {
        for_region(r, r.kazakh_index(kz).unwrap(), as_of, priority).unwrap()
    }

    #[test]
    fn entries_say_what_is_verified() {
        let r = regions(None);
        let day = date(2026, 11, 24);
        // Zhetysu -> Almaty has a [B] source; the schedule is the seed's.
        let z = entry(&r, "Zhetysu", day, false);
        assert_eq!(z.id, "almaty");
        assert!(z.verified);
        assert_eq!(z.next_booking, Some(date(2027, 1, 18)));
        assert_eq!(z.walk_in, None);
        assert_eq!(z.booking_verified, Some(false));
        let zp = entry(&r, "Zhetysu", day, true);
        assert!(zp.walk_in.is_some());
        assert_eq!(zp.booking_verified, Some(false));
        // Ulytau -> Astana and Abai -> Ust-Kamenogorsk are unverified.
        let u = entry(&r, "Ulytau", day, false);
        assert_eq!((u.id.as_str(), u.verified), ("astana", false));
        assert_eq!(u.next_booking, Some(date(2026, 11, 30)));
        assert_eq!(u.booking_verified, Some(false));
        let a = entry(&r, "Abai", day, false);
        assert_eq!((a.id.as_str(), a.verified), ("ust_kamenogorsk", false));
        // No schedule: nothing shown, nothing to check.
        assert_eq!(a.next_booking, None);
        assert_eq!(a.booking_verified, None);
    }

    #[test]
    fn a_verified_schedule_needs_no_check() {
        let text = crate::schema::read(None, "regions.toml").unwrap().text;
        let at = text.find("\nkind = \"last_working_day\"\n").unwrap();
        let edited = format!(
            "{}{}",
            &text[..at],
            text[at..].replacen("verified = false", "verified = true", 1)
        );
        let r = regions(Some(edited));
        let c = entry(&r, "Akmola", date(2026, 11, 24), false);
        assert_eq!(c.booking_verified, Some(true));
    }

    #[test]
    fn mangystau_moves_to_aktau_on_its_opening_day() {
        let r = regions(None);
        let m = entry(&r, "Mangystau", date(2026, 11, 24), false);
        assert_eq!(m.id, "uralsk");
        assert!(
            m.verified,
            "Mangystau is in the Uralsk district until Aktau opens [B]"
        );
        let text = crate::schema::read(None, "regions.toml").unwrap().text;
        let r = regions(Some(text.replace("opens = \"\"", "opens = \"2027-03-01\"")));
        assert_eq!(
            entry(&r, "Mangystau", date(2027, 2, 28), false).id,
            "uralsk"
        );
        let aktau = entry(&r, "Mangystau", date(2027, 3, 1), false);
        assert_eq!(aktau.id, "aktau");
        assert_eq!(aktau.name.en, "Consulate General of Russia in Aktau");
        assert!(aktau.verified);
        assert_eq!(aktau.booking_verified, None);
        let all = by_region(&r, date(2027, 3, 1));
        let k = r.kazakh_index("Mangystau").unwrap();
        assert_eq!(all.get(k, false).unwrap().id, "aktau");
        assert_eq!(
            by_region(&r, date(2027, 2, 1)).get(k, true).unwrap().id,
            "uralsk"
        );
        let z = r.kazakh_index("Zhetysu").unwrap();
        assert!(all.get(z, false).unwrap().walk_in.is_none());
        assert!(all.get(z, true).unwrap().walk_in.is_some());
        assert!(all.get(r.kazakhstan.len(), false).is_none());
    }
}
