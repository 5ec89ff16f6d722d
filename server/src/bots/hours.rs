//! Business hours: is the team in at a given instant, in the bot's timezone, and the watcher
//! that tells open widgets when the hours open or close.

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

/// Nobody from the team can answer now: outside the bot's business hours, or no dashboard of
/// the organization is open (`dashboards`, the hub's listener count). A visitor handed over
/// then is asked where the team can answer (`team:offline`), unless we know already.
pub fn team_away(hours: &BusinessHours, dashboards: usize, now: DateTime<Utc>) -> bool {
    dashboards == 0 || !is_open(hours, now)
}

/// Whether each bot with business hours was open at the last look.
pub type Seen = std::collections::HashMap<app::dto::BotId, bool>;

/// One look at every bot with business hours (all organizations: the one cross-tenant read
/// here, by design): a bot whose hours opened or closed since the last look is announced as
/// `BotUpdated`, so open widgets switch between chat and the offline form without a reload.
/// The first look only records. Returns the bots announced.
pub async fn look(
    db: &sea_orm::DatabaseConnection,
    events: &crate::events::EventBus,
    seen: &mut Seen,
    now: DateTime<Utc>,
) -> crate::error::Result<Vec<app::dto::BotId>> {
    use sea_orm::EntityTrait;
    let mut changed = Vec::new();
    for model in crate::entities::bot::Entity::find().all(db).await? {
        let bot = crate::bots::Bot::from(model);
        if !bot.settings.business_hours.enabled {
            seen.remove(&bot.id);
            continue;
        }
        let open = is_open(&bot.settings.business_hours, now);
        if seen.insert(bot.id, open).is_some_and(|was| was != open) {
            let mut profile = bot.profile();
            profile.online = open;
            events.publish(crate::events::DomainEvent::BotUpdated { bot_id: bot.id, profile }).await;
            changed.push(bot.id);
        }
    }
    Ok(changed)
}

/// Looks every `every` until the process ends.
pub async fn watch(
    db: sea_orm::DatabaseConnection,
    events: crate::events::EventBus,
    every: std::time::Duration,
) {
    let mut seen = Seen::new();
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        if let Err(err) = look(&db, &events, &mut seen, Utc::now()).await {
            tracing::warn!(error = %err, "checking business hours failed");
        }
    }
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
