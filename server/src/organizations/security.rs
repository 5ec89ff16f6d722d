//! The organization's security rules (Settings → Security): require two-factor sign-in, an
//! idle session timeout, an IP allow-list. Owners and admins read and change them (audited);
//! a list that would lock out the person saving it is refused. The rules are applied to every
//! request by the one authenticator (`accounts::authenticate`), through [`allows_ip`] and
//! [`idle_expired`].

use std::net::IpAddr;

use app::{
    ApiError,
    auth::{Permission, SESSION_TIMEOUTS, SecuritySettings},
    error::FieldError,
    ssr::Viewer,
};
use chrono::{DateTime, Duration, Utc};
use ipnet::IpNet;
use sea_orm::{ActiveValue::Set, DatabaseConnection, EntityTrait};

use crate::{audit, entities::organization, error::Result, shared::ClientInfo};

/// Entries an allow-list may hold.
const MAX_ALLOWLIST: usize = 100;

/// Whether `ip` may use an organization with this allow-list (one entry per line).
pub fn allows_ip(allowlist: &str, ip: Option<&str>) -> bool {
    let entries: Vec<&str> = allowlist.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    if entries.is_empty() {
        return true;
    }
    let Some(ip) = ip.and_then(|ip| ip.parse::<IpAddr>().ok()) else { return false };
    entries.iter().any(|entry| match parse_entry(entry) {
        Some(net) => net.contains(&ip),
        None => false,
    })
}

fn parse_entry(entry: &str) -> Option<IpNet> {
    entry.parse::<IpNet>().ok().or_else(|| entry.parse::<IpAddr>().ok().map(IpNet::from))
}

/// An idle session ends after the organization's timeout.
pub fn idle_expired(last_seen: DateTime<Utc>, timeout_minutes: Option<i32>, now: DateTime<Utc>) -> bool {
    timeout_minutes.is_some_and(|minutes| now - last_seen > Duration::minutes(i64::from(minutes)))
}

fn settings_of(org: &organization::Model) -> SecuritySettings {
    SecuritySettings {
        require_mfa: org.require_mfa,
        session_timeout_minutes: org.session_timeout_minutes,
        ip_allowlist: org
            .ip_allowlist
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect(),
    }
}

pub(crate) async fn organization_of(db: &DatabaseConnection, viewer: &Viewer) -> Result<organization::Model> {
    Ok(organization::Entity::find_by_id(viewer.organization_id.0)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found("organization"))?)
}

pub async fn security_settings(db: &DatabaseConnection, viewer: &Viewer) -> Result<SecuritySettings> {
    viewer.require(Permission::ManageSettings)?;
    Ok(settings_of(&organization_of(db, viewer).await?))
}

/// Changes the organization's security rules (owners and admins). Refuses an allow-list
/// that would lock out the person saving it.
pub async fn update_security_settings(
    db: &DatabaseConnection,
    viewer: &Viewer,
    wanted: SecuritySettings,
    client: &ClientInfo,
) -> Result<SecuritySettings> {
    viewer.require(Permission::ManageSettings)?;
    let mut fields = Vec::new();
    if let Some(minutes) = wanted.session_timeout_minutes
        && !SESSION_TIMEOUTS.contains(&minutes)
    {
        fields.push(FieldError {
            field: "session_timeout_minutes".into(),
            message: format!(
                "Choose a timeout of {} minutes, or none.",
                SESSION_TIMEOUTS.map(|m| m.to_string()).join(", ")
            ),
        });
    }
    let entries: Vec<String> =
        wanted.ip_allowlist.iter().map(|e| e.trim().to_owned()).filter(|e| !e.is_empty()).collect();
    if entries.len() > MAX_ALLOWLIST {
        fields.push(FieldError {
            field: "ip_allowlist".into(),
            message: format!("The allow-list can hold at most {MAX_ALLOWLIST} entries."),
        });
    }
    let bad: Vec<&str> = entries.iter().map(String::as_str).filter(|e| parse_entry(e).is_none()).collect();
    if !bad.is_empty() {
        fields.push(FieldError {
            field: "ip_allowlist".into(),
            message: format!(
                "“{}” is not an IP address or range like 203.0.113.7 or 10.0.0.0/8.",
                bad.join("”, “")
            ),
        });
    }
    let allowlist = entries.join("\n");
    if fields.is_empty() && !allows_ip(&allowlist, client.ip.as_deref()) {
        fields.push(FieldError {
            field: "ip_allowlist".into(),
            message: format!(
                "Your own address ({}) is not in the list: add it, or you would be locked out.",
                client.ip.as_deref().unwrap_or("unknown")
            ),
        });
    }
    if !fields.is_empty() {
        return Err(ApiError::Validation { fields }.into());
    }
    let current = organization_of(db, viewer).await?;
    let before = settings_of(&current);
    let mut active: organization::ActiveModel = current.into();
    active.require_mfa = Set(wanted.require_mfa);
    active.session_timeout_minutes = Set(wanted.session_timeout_minutes);
    active.ip_allowlist = Set(allowlist);
    let after = settings_of(&sea_orm::ActiveModelTrait::update(active, db).await?);
    audit::record_by(
        db,
        viewer,
        client,
        audit::Change {
            action: "organization.security_updated",
            target_type: "organization",
            target_id: Some(viewer.organization_id.to_string()),
            before: serde_json::to_value(&before).ok(),
            after: serde_json::to_value(&after).ok(),
        },
    )
    .await?;
    Ok(after)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allow_lists_take_addresses_and_ranges() {
        assert!(allows_ip("", Some("198.51.100.4")), "an empty list allows everyone");
        let list = "10.0.0.0/8\n203.0.113.7\n2001:db8::/32";
        assert!(allows_ip(list, Some("10.20.30.40")));
        assert!(allows_ip(list, Some("203.0.113.7")));
        assert!(allows_ip(list, Some("2001:db8::1")));
        assert!(!allows_ip(list, Some("203.0.113.8")));
        assert!(!allows_ip(list, None), "unknown callers are refused when a list is set");
    }

    #[test]
    fn sessions_end_after_the_idle_timeout_only_when_one_is_set() {
        let now = Utc::now();
        assert!(!idle_expired(now - Duration::days(20), None, now));
        assert!(idle_expired(now - Duration::minutes(16), Some(15), now));
        assert!(!idle_expired(now - Duration::minutes(14), Some(15), now));
    }
}
