//! Business hours: is the team in at a given instant, in the bot's timezone.

use app::bot_settings::{BusinessHours, WEEKDAYS, parse_hhmm};
use chrono::{DateTime, Datelike, Timelike, Utc};

/// True when business hours are off, or `now` falls in today's opening span (start inclusive,
/// end exclusive) in the bot's timezone. An unknown timezone counts as UTC.
pub fn is_open(hours: &BusinessHours, now: DateTime<Utc>) -> bool {
    if !hours.enabled {
        return true;
    }
    let tz: chrono_tz::Tz = hours.timezone.parse().unwrap_or(chrono_tz::UTC);
    let local = now.with_timezone(&tz);
    let day = WEEKDAYS[local.weekday().num_days_from_monday() as usize];
    let minute = local.hour() * 60 + local.minute();
    hours.schedule.get(day).is_some_and(|span| {
        matches!((parse_hhmm(&span.start), parse_hhmm(&span.end)), (Some(start), Some(end)) if start <= minute && minute < end)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::bot_settings::DayHours;
    use chrono::TimeZone;

    fn berlin_weekdays() -> BusinessHours {
        BusinessHours { enabled: true, timezone: "Europe/Berlin".into(), ..BusinessHours::default() }
    }

    #[test]
    fn opening_hours_are_read_in_the_bots_timezone() {
        let hours = berlin_weekdays();
        // Monday 2026-11-23: 08:30 UTC is 09:30 in Berlin (CET, UTC+1) — open.
        assert!(is_open(&hours, Utc.with_ymd_and_hms(2026, 11, 23, 8, 30, 0).unwrap()));
        // 07:59 UTC is 08:59 in Berlin — not yet.
        assert!(!is_open(&hours, Utc.with_ymd_and_hms(2026, 11, 23, 7, 59, 0).unwrap()));
        // 16:00 UTC is 17:00 in Berlin — closing time is exclusive.
        assert!(!is_open(&hours, Utc.with_ymd_and_hms(2026, 11, 23, 16, 0, 0).unwrap()));
        // Saturday has no hours.
        assert!(!is_open(&hours, Utc.with_ymd_and_hms(2026, 11, 28, 10, 0, 0).unwrap()));
    }

    #[test]
    fn hours_that_are_off_mean_always_open() {
        let mut hours = berlin_weekdays();
        hours.enabled = false;
        hours.schedule.clear();
        assert!(is_open(&hours, Utc.with_ymd_and_hms(2026, 11, 28, 3, 0, 0).unwrap()));
        hours.enabled = true;
        hours.schedule.insert("saturday".into(), DayHours { start: "00:00".into(), end: "23:59".into() });
        assert!(is_open(&hours, Utc.with_ymd_and_hms(2026, 11, 28, 3, 0, 0).unwrap()));
    }
}
