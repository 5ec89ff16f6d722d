//! When a website is crawled again by itself: the source's schedule (daily, weekly on a day,
//! monthly on the 1st, at a time in UTC) gives `next_crawl_at`; a sweep every minute queues
//! the crawls that are due.

use app::knowledge::CrawlSchedule;
use chrono::{DateTime, Datelike, Duration, NaiveTime, TimeZone, Utc, Weekday};

pub const FREQUENCIES: [&str; 3] = ["daily", "weekly", "monthly"];

/// The time of day, `HH:MM` (default 02:00).
pub fn time_of(schedule: &CrawlSchedule) -> Option<NaiveTime> {
    match schedule.time.as_deref().map(str::trim) {
        None | Some("") => NaiveTime::from_hms_opt(2, 0, 0),
        Some(t) => NaiveTime::parse_from_str(t, "%H:%M").ok(),
    }
}

pub fn weekday_of(schedule: &CrawlSchedule) -> Option<Weekday> {
    match schedule.day_of_week.as_deref().map(str::trim) {
        None | Some("") => Some(Weekday::Mon),
        Some(d) => d.parse::<Weekday>().ok(),
    }
}

/// Why a schedule cannot be kept, in words; `None` when it is fine.
pub fn problem(schedule: &CrawlSchedule) -> Option<&'static str> {
    if !FREQUENCIES.contains(&schedule.frequency.as_str()) {
        return Some("Choose daily, weekly or monthly.");
    }
    if time_of(schedule).is_none() {
        return Some("The time must be HH:MM, e.g. 02:00.");
    }
    if weekday_of(schedule).is_none() {
        return Some("The day must be a day of the week, e.g. monday.");
    }
    None
}

/// The first time after `now` the schedule asks for; `None` when it is off or invalid.
pub fn next_after(schedule: &CrawlSchedule, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    if !schedule.enabled || problem(schedule).is_some() {
        return None;
    }
    let time = time_of(schedule)?;
    let at = |date: chrono::NaiveDate| Utc.from_utc_datetime(&date.and_time(time));
    let today = now.date_naive();
    match schedule.frequency.as_str() {
        "daily" => (0..=1).map(|d| at(today + Duration::days(d))).find(|t| *t > now),
        "weekly" => {
            let day = weekday_of(schedule)?;
            (0..=7)
                .map(|d| today + Duration::days(d))
                .filter(|d| d.weekday() == day)
                .map(at)
                .find(|t| *t > now)
        }
        _ => {
            let first = today.with_day(1)?;
            let this_month = at(first);
            if this_month > now {
                return Some(this_month);
            }
            let next = if first.month() == 12 {
                first.with_year(first.year() + 1)?.with_month(1)?
            } else {
                first.with_month(first.month() + 1)?
            };
            Some(at(next))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schedule(frequency: &str, day: Option<&str>, time: &str) -> CrawlSchedule {
        CrawlSchedule {
            enabled: true,
            frequency: frequency.into(),
            day_of_week: day.map(str::to_owned),
            time: Some(time.into()),
        }
    }

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).expect("time").with_timezone(&Utc)
    }

    #[test]
    fn the_next_crawl_is_the_first_slot_after_now() {
        // 2026-12-02 is a Wednesday.
        let now = at("2026-12-02T10:00:00Z");
        assert_eq!(next_after(&schedule("daily", None, "02:00"), now), Some(at("2026-12-03T02:00:00Z")));
        assert_eq!(next_after(&schedule("daily", None, "23:30"), now), Some(at("2026-12-02T23:30:00Z")));
        assert_eq!(
            next_after(&schedule("weekly", Some("monday"), "02:00"), now),
            Some(at("2026-12-07T02:00:00Z"))
        );
        assert_eq!(
            next_after(&schedule("weekly", Some("wednesday"), "09:00"), now),
            Some(at("2026-12-09T09:00:00Z"))
        );
        assert_eq!(next_after(&schedule("monthly", None, "02:00"), now), Some(at("2027-01-01T02:00:00Z")));
        let mut off = schedule("daily", None, "02:00");
        off.enabled = false;
        assert_eq!(next_after(&off, now), None);
    }

    #[test]
    fn bad_schedules_are_named() {
        assert!(problem(&schedule("hourly", None, "02:00")).is_some());
        assert!(problem(&schedule("daily", None, "25:00")).is_some());
        assert!(problem(&schedule("weekly", Some("someday"), "02:00")).is_some());
        assert!(problem(&schedule("weekly", Some("Friday"), "02:00")).is_none());
    }
}
