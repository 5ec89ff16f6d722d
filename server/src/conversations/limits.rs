//! Visitor limits (PRD §5.3.2, §6.4): messages per minute and per hour, and new conversations
//! per hour, for each visitor of each bot. GCRA rate limiters (`governor`), kept in memory per
//! node: a visitor hitting several nodes gets each node's allowance (sticky sessions keep them
//! on one). A refused message is not stored; the widget is told when to try again.

use std::{num::NonZeroU32, sync::Arc, time::Duration};

use app::{ApiError, dto::BotId};
use governor::{
    DefaultKeyedRateLimiter, Quota, RateLimiter,
    clock::{Clock, DefaultClock},
};

/// How much a visitor may send.
#[derive(Debug, Clone, Copy)]
pub struct VisitorQuota {
    pub messages_per_minute: u32,
    pub messages_per_hour: u32,
    pub conversations_per_hour: u32,
}

impl Default for VisitorQuota {
    /// The PRD's numbers.
    fn default() -> Self {
        Self { messages_per_minute: 10, messages_per_hour: 100, conversations_per_hour: 5 }
    }
}

type Key = (BotId, Arc<str>);

#[derive(Clone)]
pub struct VisitorLimits {
    per_minute: Arc<DefaultKeyedRateLimiter<Key>>,
    per_hour: Arc<DefaultKeyedRateLimiter<Key>>,
    conversations: Arc<DefaultKeyedRateLimiter<Key>>,
}

fn count(n: u32) -> NonZeroU32 {
    NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN)
}

impl VisitorLimits {
    pub fn new(quota: VisitorQuota) -> Self {
        Self {
            per_minute: Arc::new(RateLimiter::keyed(Quota::per_minute(count(quota.messages_per_minute)))),
            per_hour: Arc::new(RateLimiter::keyed(Quota::per_hour(count(quota.messages_per_hour)))),
            conversations: Arc::new(RateLimiter::keyed(Quota::per_hour(count(quota.conversations_per_hour)))),
        }
    }

    /// Takes one message (and, for a new conversation, one conversation) from the visitor's
    /// allowance, or says how long to wait. Checked in order — conversations, minute, hour — so
    /// a refusal by a later limiter has used a token of the earlier ones.
    pub fn admit(&self, bot: BotId, visitor: &str, new_conversation: bool) -> Result<(), ApiError> {
        let key: Key = (bot, Arc::from(visitor));
        let clock = DefaultClock::default();
        let wait = |not_until: governor::NotUntil<_>| ApiError::RateLimited {
            // Rounded up: a visitor who waits this long is let in.
            retry_after_secs: not_until.wait_time_from(clock.now()).as_millis().div_ceil(1000).max(1) as u64,
        };
        if new_conversation {
            self.conversations.check_key(&key).map_err(wait)?;
        }
        self.per_minute.check_key(&key).map_err(wait)?;
        self.per_hour.check_key(&key).map_err(wait)?;
        Ok(())
    }

    /// Forgets visitors who are back to a full allowance (call now and then).
    pub fn forget_idle(&self) {
        for limiter in [&self.per_minute, &self.per_hour, &self.conversations] {
            limiter.retain_recent();
            limiter.shrink_to_fit();
        }
    }

    /// Runs [`Self::forget_idle`] every `every`.
    pub async fn run_cleanup(self, every: Duration) {
        let mut tick = tokio::time::interval(every);
        loop {
            tick.tick().await;
            self.forget_idle();
        }
    }
}
