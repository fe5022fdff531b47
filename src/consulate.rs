//! Where an applicant applies: the Russian mission serving their region of Kazakhstan,
//! its next booking window on or after the as-of date, and walk-in hours where they apply.

use jiff::ToSpan;
use jiff::civil::{Date, Weekday};
use serde::Serialize;

use crate::findings::Text;
use crate::schema::regions::{Booking, Mission};

/// The mission an applicant applies to, as the report shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Consulate {
    pub id: String,
    pub name: Text,
    /// The next day bookings open, on or after the as-of date; `None` when our sources do
    /// not say how this mission books (ask the mission).
    pub next_booking: Option<String>,
    /// Walk-in hours that apply to this applicant, if any.
    pub walk_in: Option<Text>,
}

/// The first day on or after `from` on which `booking` opens.
pub fn next_booking(booking: &Booking, from: Date) -> Option<Date> {
    let mut month_start = from.first_of_month();
    for _ in 0..36 {
        let candidate = match booking {
            Booking::DayOfMonth { day, months } => months
                .contains(&month_start.month())
                .then(|| Date::new(month_start.year(), month_start.month(), *day).ok())
                .flatten(),
            Booking::LastWorkingDay => Some(last_working_day(month_start)),
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
/// whether their target region is a priority settlement territory.
pub fn consulate(mission: &Mission, as_of: Date, priority: bool) -> Consulate {
    let walk_in = mission
        .walk_in
        .as_ref()
        .filter(|w| !w.priority_only || priority)
        .map(|w| {
            let (ru, en) = weekday_names(&w.weekdays);
            Text::new(
                format!("без записи: {ru}, {}–{}", w.from, w.to),
                format!("without appointment: {en}, {}–{}", w.from, w.to),
            )
        });
    Consulate {
        id: mission.id.clone(),
        name: mission.name.text(),
        next_booking: mission
            .booking
            .as_ref()
            .and_then(|b| next_booking(b, as_of))
            .map(|d| d.to_string()),
        walk_in,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn almaty_eighteenth_of_odd_months() {
        let b = Booking::DayOfMonth {
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
            next_booking(&Booking::LastWorkingDay, date(2026, 11, 24)),
            Some(date(2026, 11, 30))
        );
        assert_eq!(
            next_booking(&Booking::LastWorkingDay, date(2027, 1, 5)),
            Some(date(2027, 1, 29))
        );
        assert_eq!(
            next_booking(&Booking::LastWorkingDay, date(2027, 1, 30)),
            Some(date(2027, 2, 26))
        );
    }
}
