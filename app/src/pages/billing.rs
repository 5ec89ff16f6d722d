//! Billing & plans (seed 000 "Workspace detail", "Billing & workspaces", "Plans"): each
//! workspace's usage pools for the billing period with their bars, the wallet and the overage
//! so far; the plan catalog side by side, and (owners) moving a workspace to another plan.

use leptos::prelude::*;
use leptos_meta::Title;

use super::short_time;
use crate::form::{FormAction, ServerForm};
use crate::{
    ApiError,
    api::{ChangePlan, current_user, plan_catalog, workspaces_overview},
    auth::Permission,
    billing::{PlanView, UsagePool, WorkspaceView, format_cents, format_quantity},
};

#[component]
pub fn BillingPage() -> impl IntoView {
    let change = FormAction::<ChangePlan>::new();
    let workspaces = crate::load::resource(move || change.version().get(), |_| workspaces_overview());
    let plans = crate::load::resource(|| (), |_| plan_catalog());
    let user = crate::load::resource(|| (), |_| current_user());
    let may_change =
        move || user.get().and_then(Result::ok).is_some_and(|u| u.role.can(Permission::ManageBilling));
    view! {
        <Title text="Billing & plans · ChatSupport" />
        <section class="panel" aria-labelledby="billing-heading">
            <h1 id="billing-heading">"Billing & plans"</h1>
            {move || change.value().get().map(|done| match done {
                Ok(ws) => view! { <p role="status" class="toast">{format!("{} is now on {}.", ws.name, ws.plan_name)}</p> }.into_any(),
                Err(error) => view! { <p class="error" role="alert">{error.to_string()}</p> }.into_any(),
            })}
            <Transition fallback=|| view! { <p class="muted">"Loading usage…"</p> }>
                {move || workspaces.get().map(|loaded| match loaded {
                    Ok(list) if list.is_empty() => view! { <p class="empty">"No workspaces yet."</p> }.into_any(),
                    Ok(list) => list.into_iter().map(|ws| view! { <WorkspaceCard ws /> }).collect_view().into_any(),
                    Err(ApiError::Forbidden) => view! { <p class="empty" role="alert">"Your role cannot see usage."</p> }.into_any(),
                    Err(error) => view! { <p class="error" role="alert">{error.to_string()}</p> }.into_any(),
                })}
            </Transition>
            <h2 id="plans-heading">"Plans"</h2>
            <Transition fallback=|| view! { <p class="muted">"Loading plans…"</p> }>
                {move || {
                    let catalog = plans.get().and_then(Result::ok).unwrap_or_default();
                    let targets = workspaces.get().and_then(Result::ok).unwrap_or_default();
                    let allowed = may_change();
                    view! {
                        <div class="plans" role="list" aria-labelledby="plans-heading">
                            {catalog.into_iter().map(|plan| view! {
                                <PlanCard plan targets=targets.clone() allowed change />
                            }).collect_view()}
                        </div>
                        {(!allowed).then(|| view! { <p class="muted">"Only the owner can change plans."</p> })}
                    }
                }}
            </Transition>
        </section>
    }
}

#[component]
fn WorkspaceCard(ws: WorkspaceView) -> impl IntoView {
    let overage = ws.overage_cents();
    view! {
        <article class="workspace-card" aria-label=format!("Workspace {}", ws.name)>
            <header>
                <h2>{ws.name.clone()}</h2>
                <span class="badge">{ws.plan_name.clone()}</span>
                <span class="muted">{format!("{} / month", format_cents(ws.monthly_price_cents))}</span>
            </header>
            {(!ws.description.is_empty()).then(|| view! { <p class="muted">{ws.description.clone()}</p> })}
            <div class="pools">
                <PoolBar label="Widget loads" pool=ws.widget_loads />
                <PoolBar label="Messages" pool=ws.messages />
                <PoolBar label="API calls" pool=ws.api_calls />
            </div>
            <dl class="facts">
                <dt>"Wallet credits"</dt><dd>{format_cents(Some(ws.wallet_credits_cents))}</dd>
                <dt>"Overage so far"</dt><dd>{format_cents(Some(overage))}</dd>
                <dt>"Billing cycle"</dt><dd>{ws.billing_cycle.clone()}</dd>
                <dt>"Period started"</dt><dd>{ws.period_start.as_deref().map(short_time).unwrap_or_default()}</dd>
                <dt>"Next bill"</dt><dd>{ws.next_billing_at.as_deref().map(short_time).unwrap_or_default()}</dd>
                <dt>"Bots"</dt><dd>{ws.bots}</dd>
            </dl>
        </article>
    }
}

/// A pool as a bar: used of limit, amber past 80 %, red when spent.
#[component]
fn PoolBar(label: &'static str, pool: UsagePool) -> impl IntoView {
    let percent = pool.percent();
    let class = match percent {
        Some(p) if p >= 100 => "pool pool-spent",
        Some(p) if p >= 80 => "pool pool-warn",
        _ => "pool",
    };
    let summary = match pool.limit {
        Some(_) => format!(
            "{} of {} used{}",
            format_quantity(Some(pool.used)),
            format_quantity(pool.limit),
            if pool.overage > 0 {
                format!(", {} over", format_quantity(Some(pool.overage)))
            } else {
                String::new()
            }
        ),
        None => format!("{} used · unlimited", format_quantity(Some(pool.used))),
    };
    view! {
        <div class=class>
            <span class="pool-label">{label}</span>
            <progress max="100" value=percent.unwrap_or(0).min(100) aria-label=format!("{label}: {summary}")></progress>
            <span class="pool-summary">{summary.clone()}</span>
        </div>
    }
}

#[component]
fn PlanCard(
    plan: PlanView,
    targets: Vec<WorkspaceView>,
    allowed: bool,
    change: FormAction<ChangePlan>,
) -> impl IntoView {
    let limits = plan.limits.clone();
    let plan_id = plan.id.clone();
    view! {
        <article class="plan-card" role="listitem" aria-label=format!("{} plan", plan.name)>
            <h3>{plan.name.clone()}</h3>
            <p class="price">{format_cents(plan.monthly_price_cents)} <span class="muted">" / month"</span></p>
            <p class="muted">{plan.description.clone()}</p>
            <ul>
                <li>{quantity(plan.widget_loads, "widget load", "widget loads")}</li>
                <li>{quantity(plan.messages, "message", "messages")} " / month"</li>
                <li>{match plan.api_calls { Some(0) => "No REST API".to_owned(), n => quantity(n, "API call", "API calls") }}</li>
                <li>{quantity(limits.max_chatbots.map(i64::from), "bot", "bots")}</li>
                <li>{quantity(limits.max_concurrent_connections.map(i64::from), "visitor chatting at once", "visitors chatting at once")}</li>
                <li>{match limits.history_days { Some(d) => quantity(Some(i64::from(d)), "day of history", "days of history"), None => "Unlimited history".into() }}</li>
                // The catalog's own lines, less those that restate a number above ("1 bot").
                {plan.features.iter().filter(|f| !f.starts_with(|c: char| c.is_ascii_digit())).map(|f| view! { <li>{f.clone()}</li> }).collect_view()}
            </ul>
            {allowed.then(|| targets.into_iter().map(|ws| {
                let current = ws.plan == plan_id;
                let plan_id = plan_id.clone();
                view! {
                    <ServerForm action=change>
                        <input type="hidden" name="workspace" value=ws.id.to_string() />
                        <input type="hidden" name="plan" value=plan_id />
                        <button type="submit" class="secondary" disabled=current>
                            {if current { format!("{}: current plan", ws.name) } else { format!("Move {} here", ws.name) }}
                        </button>
                    </ServerForm>
                }
            }).collect_view())}
        </article>
    }
}

/// "1 bot", "5 bots", "Unlimited bots".
fn quantity(n: Option<i64>, one: &str, many: &str) -> String {
    match n {
        Some(1) => format!("1 {one}"),
        n => format!("{} {many}", format_quantity(n)),
    }
}
