//! How many answers are worked out at once, and when the server is too busy to take new
//! conversations (ARCHITECTURE.md "Capacity"). Working out an answer — embedding the
//! question, retrieval, the extractive answer — costs CPU; the socket path (store a message,
//! acknowledge it, fan it out) must never wait behind it. So answers take a permit first
//! (`at_once`, default one: on two cores one stays for the sockets) and wait for it in a
//! queue; a model's wording, which only waits on the network, runs after the permit is given
//! back.
//!
//! Beyond capacity the server degrades on purpose instead of letting every visitor wait:
//! - [`AnswerGate::busy`]: more than `busy_queue` answers wait, or the last permit was waited
//!   for longer than `busy_wait`. The widget then gets the "busy" answer for a *new*
//!   conversation (not stored, not acknowledged: the widget keeps the message and sends it
//!   again after `retry_after_secs`), while conversations already under way go on;
//! - [`AnswerGate::enter`] gives no permit when `max_queue` answers wait already: the bot says
//!   it is busy and that a person will see the message (stored; no CPU spent), so the queue
//!   stays bounded.

use std::{
    sync::{
        Arc,
        atomic::{AtomicU64, AtomicUsize, Ordering},
    },
    time::{Duration, Instant},
};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub at_once: usize,
    pub busy_queue: usize,
    pub busy_wait: Duration,
    pub max_queue: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self { at_once: 1, busy_queue: 64, busy_wait: Duration::from_millis(1_000), max_queue: 1_000 }
    }
}

#[derive(Clone)]
pub struct AnswerGate {
    inner: Arc<Inner>,
}

struct Inner {
    limits: Limits,
    permits: Arc<Semaphore>,
    waiting: AtomicUsize,
    /// How long the last answer waited for its permit, in milliseconds.
    last_wait_ms: AtomicU64,
    /// Answers turned away with the busy reply since start (for logs and benchmarks).
    turned_away: AtomicU64,
}

/// Held while an answer is worked out.
pub struct Permit(#[allow(dead_code, reason = "held for its drop")] OwnedSemaphorePermit);

impl AnswerGate {
    pub fn new(limits: Limits) -> Self {
        let limits = Limits { at_once: limits.at_once.max(1), ..limits };
        Self {
            inner: Arc::new(Inner {
                permits: Arc::new(Semaphore::new(limits.at_once)),
                limits,
                waiting: AtomicUsize::new(0),
                last_wait_ms: AtomicU64::new(0),
                turned_away: AtomicU64::new(0),
            }),
        }
    }

    /// A permit to work out one answer, once one is free; `None` at once when `max_queue`
    /// answers wait already.
    pub async fn enter(&self) -> Option<Permit> {
        let inner = &self.inner;
        if inner.waiting.fetch_add(1, Ordering::AcqRel) >= inner.limits.max_queue {
            inner.waiting.fetch_sub(1, Ordering::AcqRel);
            inner.turned_away.fetch_add(1, Ordering::Relaxed);
            return None;
        }
        let asked = Instant::now();
        let permit = inner.permits.clone().acquire_owned().await;
        inner.waiting.fetch_sub(1, Ordering::AcqRel);
        inner
            .last_wait_ms
            .store(u64::try_from(asked.elapsed().as_millis()).unwrap_or(u64::MAX), Ordering::Relaxed);
        permit.ok().map(Permit)
    }

    /// Too busy to take a new conversation now.
    pub fn busy(&self) -> bool {
        let inner = &self.inner;
        let waiting = inner.waiting.load(Ordering::Acquire);
        waiting > inner.limits.busy_queue
            || (waiting > 0
                && Duration::from_millis(inner.last_wait_ms.load(Ordering::Relaxed)) > inner.limits.busy_wait)
    }

    /// How long a refused new conversation should wait before it is sent again: the last
    /// answer's wait for its turn, 5 s at least and a minute at most — the longer the queue,
    /// the fewer retries while it drains.
    pub fn retry_after_secs(&self) -> u64 {
        (self.inner.last_wait_ms.load(Ordering::Relaxed) / 1_000).clamp(5, 60)
    }

    /// Answers waiting for a permit now.
    pub fn waiting(&self) -> usize {
        self.inner.waiting.load(Ordering::Acquire)
    }

    /// Answers turned away with the busy reply since start.
    pub fn turned_away(&self) -> u64 {
        self.inner.turned_away.load(Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn answers_queue_for_a_permit_the_queue_is_bounded_and_busy_says_when_it_is_long() {
        let gate = AnswerGate::new(Limits {
            at_once: 1,
            busy_queue: 1,
            busy_wait: Duration::from_secs(60),
            max_queue: 2,
        });
        let held = gate.enter().await.expect("a free permit");
        assert!(!gate.busy());
        let first = tokio::spawn({
            let gate = gate.clone();
            async move { gate.enter().await.is_some() }
        });
        let second = tokio::spawn({
            let gate = gate.clone();
            async move { gate.enter().await.is_some() }
        });
        while gate.waiting() < 2 {
            tokio::task::yield_now().await;
        }
        assert!(gate.busy(), "two wait, more than busy_queue");
        assert!(gate.enter().await.is_none(), "a third would pass max_queue: turned away at once");
        assert_eq!(gate.turned_away(), 1);
        drop(held);
        assert!(first.await.expect("ran") && second.await.expect("ran"), "both got their turn");
        assert_eq!(gate.waiting(), 0);
        assert!(!gate.busy(), "nobody waits: not busy, however long the last wait was");
    }
}
