//! Who of the team has which conversation open (issue "The agent inbox": collision control).
//! Each dashboard socket says what it views (`viewing`); the organization's dashboards get the
//! conversation's viewers as `presence:changed` whenever they change, a closed socket leaving
//! what it viewed. In memory: presence is about this moment, and a restart drops every socket.
//!
//! Which dashboards are open and in use is `shared::at_work`, which the socket reports into
//! (routing reads it).

use std::{
    collections::HashMap,
    sync::{
        Arc, Mutex,
        atomic::{AtomicU64, Ordering},
    },
};

use app::{
    dto::{AgentRef, ConversationId, OrganizationId},
    protocol::ServerMsg,
};

use super::{Hub, Topic};

type Viewers = Vec<(u64, AgentRef)>;

#[derive(Clone, Default)]
pub struct Presence {
    next: Arc<AtomicU64>,
    open: Arc<Mutex<HashMap<(OrganizationId, ConversationId), Viewers>>>,
    /// Who has a dashboard open and in use (shared with routing).
    pub at_work: crate::shared::at_work::AtWork,
}

impl Presence {
    /// Presence that reports open dashboards into `at_work`.
    pub fn with(at_work: crate::shared::at_work::AtWork) -> Self {
        Self { at_work, ..Self::default() }
    }

    /// A number for a new socket.
    pub fn socket(&self) -> u64 {
        self.next.fetch_add(1, Ordering::Relaxed)
    }

    /// Socket `socket` of `who` now views `conversation` (or nothing); the dashboards of the
    /// conversations it left and joined are told.
    pub fn view(
        &self,
        hub: &Hub,
        org: OrganizationId,
        socket: u64,
        who: &AgentRef,
        conversation: Option<ConversationId>,
    ) {
        let changed = {
            let mut open = self.open.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            let mut changed = leave(&mut open, org, socket);
            if let Some(id) = conversation {
                let viewers = open.entry((org, id)).or_default();
                viewers.push((socket, who.clone()));
                changed.push((id, people(viewers)));
            }
            changed
        };
        announce(hub, org, changed);
    }

    /// The socket closed: it views nothing any more, and its dashboard is gone.
    pub fn close(&self, hub: &Hub, org: OrganizationId, socket: u64) {
        let changed = {
            let mut open = self.open.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            leave(&mut open, org, socket)
        };
        announce(hub, org, changed);
        self.at_work.close(org, socket);
    }
}

/// Takes `socket` out of every conversation of `org` it viewed; those conversations' viewers after.
fn leave(
    open: &mut HashMap<(OrganizationId, ConversationId), Viewers>,
    org: OrganizationId,
    socket: u64,
) -> Vec<(ConversationId, Vec<AgentRef>)> {
    let mut changed = Vec::new();
    open.retain(|(o, id), viewers| {
        if *o == org && viewers.iter().any(|(s, _)| *s == socket) {
            viewers.retain(|(s, _)| *s != socket);
            changed.push((*id, people(viewers)));
        }
        !viewers.is_empty()
    });
    changed
}

/// The people behind the sockets, each once (two tabs are one person).
fn people(viewers: &Viewers) -> Vec<AgentRef> {
    let mut out: Vec<AgentRef> = Vec::new();
    for (_, who) in viewers {
        if !out.iter().any(|p| p.id == who.id) {
            out.push(who.clone());
        }
    }
    out
}

fn announce(hub: &Hub, org: OrganizationId, changed: Vec<(ConversationId, Vec<AgentRef>)>) {
    for (conversation_id, viewers) in changed {
        hub.publish(Topic::Organization(org), &ServerMsg::PresenceChanged { conversation_id, viewers });
    }
}
