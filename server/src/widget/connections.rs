//! Widget connections open at once per workspace, against the plan's cap (PRD §5.3.2). A
//! connection holds a place for as long as its socket lives; the place is given back when the
//! [`Held`] guard drops, however the socket ends.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

use uuid::Uuid;

#[derive(Clone, Default)]
pub struct Connections {
    open: Arc<Mutex<HashMap<Uuid, usize>>>,
}

/// One open connection's place in its workspace's count.
pub struct Held {
    connections: Connections,
    workspace: Uuid,
}

impl Connections {
    /// Takes a place in `workspace` if fewer than `cap` are open (`None`: no cap).
    pub fn try_hold(&self, workspace: Uuid, cap: Option<usize>) -> Option<Held> {
        let mut open = self.open.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let count = open.entry(workspace).or_insert(0);
        if cap.is_some_and(|cap| *count >= cap) {
            return None;
        }
        *count += 1;
        Some(Held { connections: self.clone(), workspace })
    }

    /// Connections open in `workspace` now.
    pub fn open_in(&self, workspace: Uuid) -> usize {
        self.open.lock().map(|open| open.get(&workspace).copied().unwrap_or(0)).unwrap_or(0)
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        let mut open = self.connections.open.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(count) = open.get_mut(&self.workspace) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                open.remove(&self.workspace);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_workspace_holds_at_most_its_cap_and_places_come_back() {
        let connections = Connections::default();
        let (a, b) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let first = connections.try_hold(a, Some(2)).expect("1 of 2");
        let second = connections.try_hold(a, Some(2)).expect("2 of 2");
        assert!(connections.try_hold(a, Some(2)).is_none(), "the third waits");
        assert!(connections.try_hold(b, Some(2)).is_some(), "another workspace has its own count");
        drop(first);
        assert_eq!(connections.open_in(a), 1);
        assert!(connections.try_hold(a, Some(2)).is_some(), "a freed place is taken again");
        drop(second);
        assert!(connections.try_hold(a, None).is_some(), "no cap, no limit");
    }
}
