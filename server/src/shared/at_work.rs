//! Who of each organization has a dashboard open, and whether it is in use (issue "The agent
//! inbox": a teammate is *offline* with no dashboard open, *away* when every one has been idle).
//! In memory: it is about this moment, and a restart drops every socket. The dashboard socket
//! (`realtime`) reports into it; routing (`conversations::assignment`) reads it and wakes
//! (`changed`) when a teammate opens a dashboard or comes back to one. A leaf, so both may use it.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

use app::dto::OrganizationId;

/// One open dashboard: its socket, its teammate, and whether it has been idle.
#[derive(Clone, Copy)]
struct Dashboard {
    socket: u64,
    user: uuid::Uuid,
    idle: bool,
}

#[derive(Clone, Default)]
pub struct AtWork {
    dashboards: Arc<Mutex<HashMap<OrganizationId, Vec<Dashboard>>>>,
    changed: Arc<tokio::sync::Notify>,
}

impl AtWork {
    /// Socket `socket` is a dashboard of `user`, in use.
    pub fn connect(&self, org: OrganizationId, socket: u64, user: uuid::Uuid) {
        self.dashboards
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .entry(org)
            .or_default()
            .push(Dashboard { socket, user, idle: false });
        self.changed.notify_one();
    }

    /// The dashboard behind `socket` closed.
    pub fn close(&self, org: OrganizationId, socket: u64) {
        let mut dashboards = self.dashboards.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(open) = dashboards.get_mut(&org) {
            open.retain(|d| d.socket != socket);
            if open.is_empty() {
                dashboards.remove(&org);
            }
        }
    }

    /// The dashboard behind `socket` went idle (no input for a while) or is in use again.
    pub fn set_idle(&self, org: OrganizationId, socket: u64, idle: bool) {
        let mut dashboards = self.dashboards.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(d) =
            dashboards.get_mut(&org).and_then(|open| open.iter_mut().find(|d| d.socket == socket))
        {
            d.idle = idle;
        }
        drop(dashboards);
        if !idle {
            self.changed.notify_one();
        }
    }

    /// Whether `user` has a dashboard open (`Some`), and whether one of them is in use (`true`).
    pub fn at_work(&self, org: OrganizationId, user: uuid::Uuid) -> Option<bool> {
        let dashboards = self.dashboards.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let mine: Vec<&Dashboard> = dashboards.get(&org)?.iter().filter(|d| d.user == user).collect();
        (!mine.is_empty()).then(|| mine.iter().any(|d| !d.idle))
    }

    /// Waits until a teammate opens a dashboard or comes back to one.
    pub async fn changed(&self) {
        self.changed.notified().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_teammate_is_at_work_while_one_dashboard_is_in_use() {
        let (work, org, ana) =
            (AtWork::default(), OrganizationId(uuid::Uuid::from_u128(1)), uuid::Uuid::from_u128(2));
        assert_eq!(work.at_work(org, ana), None, "no dashboard: offline");
        work.connect(org, 1, ana);
        work.connect(org, 2, ana);
        work.set_idle(org, 1, true);
        assert_eq!(work.at_work(org, ana), Some(true), "one tab still in use");
        work.set_idle(org, 2, true);
        assert_eq!(work.at_work(org, ana), Some(false), "every tab idle: away");
        work.close(org, 1);
        work.close(org, 2);
        assert_eq!(work.at_work(org, ana), None);
        assert_eq!(work.at_work(OrganizationId(uuid::Uuid::from_u128(9)), ana), None, "another organization");
    }
}
