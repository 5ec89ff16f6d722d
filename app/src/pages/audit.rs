//! The audit log page (owners and admins): newest first, filter by action, older pages by a
//! cursor in the URL (`?action=…&before=…`).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{components::Form, hooks::use_query_map};

use super::short_time;
use crate::{ApiError, api::audit_log};

const ACTIONS: [(&str, &str); 8] = [
    ("", "All actions"),
    ("organization.created", "Organization created"),
    ("team.invited", "Invited"),
    ("team.joined", "Joined"),
    ("team.role_changed", "Role changed"),
    ("team.deactivated", "Deactivated"),
    ("team.removed", "Removed"),
    ("user.password_reset", "Password reset"),
];

#[component]
pub fn AuditPage() -> impl IntoView {
    let query = use_query_map();
    let action = Memo::new(move |_| query.read().get("action").unwrap_or_default());
    let before = Memo::new(move |_| query.read().get("before").unwrap_or_default());
    let entries = Resource::new(
        move || (action.get(), before.get()),
        |(action, before)| {
            audit_log(Some(action).filter(|a| !a.is_empty()), Some(before).filter(|b| !b.is_empty()))
        },
    );
    view! {
        <Title text="Audit log · ChatSupport" />
        <section class="panel" aria-labelledby="audit-heading">
            <h1 id="audit-heading">"Audit log"</h1>
            <div role="search">
                <Form method="GET" action="/audit">
                    <label>
                        "Action "
                        <select name="action">
                            {ACTIONS.into_iter().map(|(value, label)| view! {
                                <option value=value selected=move || action.get() == value>{label}</option>
                            }).collect_view()}
                        </select>
                    </label>
                    " "
                    <button type="submit">"Filter"</button>
                </Form>
            </div>
            <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || entries.get().map(|loaded| match loaded {
                    Ok(list) if list.is_empty() => view! { <p class="empty">"No entries."</p> }.into_any(),
                    Ok(list) => {
                        let next = list.last().map(|e| e.created_at.clone());
                        let full = list.len() >= 50;
                        view! {
                            <div class="table-scroll">
                                <table class="members">
                                    <thead><tr>
                                        <th scope="col">"When"</th><th scope="col">"Who"</th><th scope="col">"Action"</th>
                                        <th scope="col">"Target"</th><th scope="col">"Change"</th><th scope="col">"From"</th>
                                    </tr></thead>
                                    <tbody>
                                        {list.into_iter().map(|e| view! {
                                            <tr>
                                                <td><time datetime=e.created_at.clone()>{short_time(&e.created_at)}</time></td>
                                                <td>{e.actor_name}</td>
                                                <td>{e.action}</td>
                                                <td>{e.target_type}</td>
                                                <td class="change">{change(e.before.as_deref(), e.after.as_deref())}</td>
                                                <td title=e.user_agent.unwrap_or_default()>{e.ip.unwrap_or_default()}</td>
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                            {(full).then(|| next.map(|cursor| view! {
                                <p><a href=format!("/audit?action={}&before={}", action.get(), cursor)>"Older entries"</a></p>
                            }))}
                        }.into_any()
                    }
                    Err(ApiError::Forbidden) => view! {
                        <p class="empty" role="alert">"Only owners and admins can read the audit log."</p>
                    }.into_any(),
                    Err(error) => view! { <p class="error" role="alert">{error.to_string()}</p> }.into_any(),
                })}
            </Transition>
        </section>
    }
}

fn change(before: Option<&str>, after: Option<&str>) -> String {
    match (before, after) {
        (Some(b), Some(a)) => format!("{b} → {a}"),
        (None, Some(a)) => a.to_owned(),
        (Some(b), None) => format!("was {b}"),
        (None, None) => String::new(),
    }
}
