//! Plans and usage as every client sees them: the plan catalog (seeded data, see
//! `migrations/seed/plans.json`) and each workspace's usage pools, wallet and billing dates.
//! Money is integer cents; overage rates are micro-dollars per unit (40 000 = $0.04).

use serde::{Deserialize, Serialize};

use crate::ids::WorkspaceId;

/// A tier of the plan catalog.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PlanView {
    pub id: String,
    pub name: String,
    pub description: String,
    /// `None`: custom pricing.
    pub monthly_price_cents: Option<i64>,
    /// Monthly pools; `None` is unlimited.
    pub widget_loads: Option<i64>,
    pub messages: Option<i64>,
    pub api_calls: Option<i64>,
    /// Price per unit past a pool; `None`: usage stops at the pool.
    pub overage_widget_loads_micros: Option<i64>,
    pub overage_messages_micros: Option<i64>,
    pub overage_api_calls_micros: Option<i64>,
    pub limits: PlanLimits,
    pub features: Vec<String>,
}

/// Seed 001's per-plan limits. `None` is unlimited.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PlanLimits {
    pub max_chatbots: Option<i32>,
    /// Visitors chatting at once per workspace (widget connections).
    pub max_concurrent_connections: Option<i32>,
    pub max_file_uploads: Option<i32>,
    pub max_file_size_mb: Option<i32>,
    pub max_website_sources: Option<i32>,
    pub max_text_sources: Option<i32>,
    pub history_days: Option<i32>,
    pub allowed_ai_providers: Vec<String>,
    pub api_access: bool,
    pub custom_branding: bool,
    /// `basic` or `advanced`.
    pub analytics_level: String,
    /// `community`, `email` or `priority`.
    pub support_level: String,
}

/// One usage pool of a workspace for the current billing period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct UsagePool {
    pub used: i64,
    /// `None`: unlimited.
    pub limit: Option<i64>,
    pub remaining: Option<i64>,
    /// Units past the pool, billed at `overage_rate_micros` each.
    pub overage: i64,
    pub overage_rate_micros: Option<i64>,
}

impl UsagePool {
    pub fn new(used: i64, limit: Option<i64>, overage_rate_micros: Option<i64>) -> Self {
        Self {
            used,
            limit,
            remaining: limit.map(|l| (l - used).max(0)),
            overage: limit.map_or(0, |l| (used - l).max(0)),
            overage_rate_micros,
        }
    }

    /// Share of the pool used, in whole percent (may pass 100 with overage).
    pub fn percent(&self) -> Option<u32> {
        self.limit.map(|l| if l <= 0 { 100 } else { (self.used.max(0) * 100 / l) as u32 })
    }

    /// What the overage so far costs, in cents (rounded up).
    pub fn overage_cents(&self) -> i64 {
        let micros = self.overage * self.overage_rate_micros.unwrap_or(0);
        (micros + 9_999) / 10_000
    }

    /// Whether `n` more units fit: inside the pool, or past it when the plan bills overage.
    pub fn admits(&self, n: i64) -> bool {
        match self.limit {
            None => true,
            Some(limit) => self.used + n <= limit || self.overage_rate_micros.is_some(),
        }
    }
}

/// A workspace with its plan, usage pools, wallet and billing cycle (seed 000 "Workspace detail").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct WorkspaceView {
    pub id: WorkspaceId,
    pub name: String,
    pub description: String,
    pub plan: String,
    pub plan_name: String,
    pub monthly_price_cents: Option<i64>,
    pub status: String,
    pub widget_loads: UsagePool,
    pub messages: UsagePool,
    pub api_calls: UsagePool,
    pub wallet_credits_cents: i64,
    /// `monthly` or `yearly`.
    pub billing_cycle: String,
    /// RFC 3339.
    pub period_start: Option<String>,
    pub next_billing_at: Option<String>,
    pub bots: u64,
}

impl WorkspaceView {
    /// Overage of every pool so far, in cents.
    pub fn overage_cents(&self) -> i64 {
        self.widget_loads.overage_cents() + self.messages.overage_cents() + self.api_calls.overage_cents()
    }
}

/// "$1,234.50", or "Custom" for `None`.
pub fn format_cents(cents: Option<i64>) -> String {
    let Some(cents) = cents else { return "Custom".into() };
    let sign = if cents < 0 { "-" } else { "" };
    let cents = cents.abs();
    format!("{sign}${}.{:02}", format_quantity(Some(cents / 100)), cents % 100)
}

/// "5,000" or "Unlimited".
pub fn format_quantity(n: Option<i64>) -> String {
    let Some(n) = n else { return "Unlimited".into() };
    let digits = n.abs().to_string();
    let mut grouped = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    if n < 0 { format!("-{grouped}") } else { grouped }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pools_count_remaining_and_overage() {
        let pool = UsagePool::new(5_200, Some(5_000), Some(40_000));
        assert_eq!(pool.remaining, Some(0));
        assert_eq!(pool.overage, 200);
        assert_eq!(pool.percent(), Some(104));
        assert_eq!(pool.overage_cents(), 800, "200 loads at $0.04");
        assert!(pool.admits(1), "overage is billed, not refused");
        let hard = UsagePool::new(100, Some(100), None);
        assert!(!hard.admits(1), "a pool without overage stops");
        assert!(UsagePool::new(9, None, None).admits(1_000_000));
    }

    #[test]
    fn money_and_quantities_read_like_a_bill() {
        assert_eq!(format_cents(Some(49_900)), "$499.00");
        assert_eq!(format_cents(Some(123_456_789)), "$1,234,567.89");
        assert_eq!(format_cents(None), "Custom");
        assert_eq!(format_quantity(Some(100_000)), "100,000");
        assert_eq!(format_quantity(None), "Unlimited");
    }
}
