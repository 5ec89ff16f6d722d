//! Platform administration (super admins only): every organization and user, search, status
//! filter and pages; suspend, ban or reinstate with a reason and an end date; tags, notes and
//! an organization's limit overrides; a user's sign-ins and actions.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::short_time;
use crate::form::{FormAction, SearchForm, ServerForm};
use crate::{
    ApiError,
    api::{AdminUpdateOrganization, AdminUpdateUser, admin_organizations, admin_user_activity, admin_users},
    platform::{AdminOrganization, AdminPage, AdminUser, STANDINGS},
};

#[derive(Clone, PartialEq)]
struct Filters {
    tab: String,
    q: String,
    status: String,
    page: u64,
    user: Option<uuid::Uuid>,
}

impl Filters {
    fn link(&self, page: u64) -> String {
        format!("/admin?tab={}&q={}&status={}&page={page}", self.tab, self.q, self.status)
    }
}

#[component]
pub fn AdminPage() -> impl IntoView {
    let query = use_query_map();
    let filters = Memo::new(move |_| {
        let q = query.read();
        let text = |key: &str| q.get(key).unwrap_or_default();
        Filters {
            tab: if text("tab") == "users" { "users".into() } else { "organizations".into() },
            q: text("q"),
            status: text("status"),
            page: text("page").parse().unwrap_or(1),
            user: text("user").parse().ok(),
        }
    });
    let update_org = FormAction::<AdminUpdateOrganization>::new();
    let update_user = FormAction::<AdminUpdateUser>::new();
    let orgs = crate::load::resource(
        move || (filters.get(), update_org.version().get()),
        |(f, _)| admin_organizations(Some(f.q), Some(f.status), Some(f.page)),
    );
    let users = crate::load::resource(
        move || (filters.get(), update_user.version().get()),
        |(f, _)| admin_users(Some(f.q), Some(f.status), Some(f.page)),
    );
    let activity = crate::load::resource(
        move || (filters.get().user, update_user.version().get()),
        |(user, _)| async move {
            match user {
                Some(id) => admin_user_activity(id).await.map(Some),
                None => Ok(None),
            }
        },
    );
    let outcome = move || {
        let org = update_org.value().get().map(|r| r.map(|o| format!("Saved {}.", o.name)));
        let user = update_user.value().get().map(|r| r.map(|u| format!("Saved {}.", u.email)));
        org.or(user)
    };
    view! {
        <Title text="Platform admin · ChatSupport" />
        <section class="panel" aria-labelledby="admin-heading">
            <h1 id="admin-heading">"Platform admin"</h1>
            <nav class="tabs" aria-label="Platform admin">
                <a href="/admin?tab=organizations" aria-current=move || (filters.get().tab == "organizations").then_some("page")>"Organizations"</a>
                <a href="/admin?tab=users" aria-current=move || (filters.get().tab == "users").then_some("page")>"Users"</a>
            </nav>
            {move || outcome().map(|done| match done {
                Ok(text) => view! { <p role="status" class="toast">{text}</p> }.into_any(),
                Err(error) => view! { <p class="error" role="alert">{error.to_string()}</p> }.into_any(),
            })}
            {move || {
                let f = filters.get();
                view! {
                    <div role="search" class="filters">
                        <SearchForm action="/admin">
                            <input type="hidden" name="tab" value=f.tab.clone() />
                            <label>"Search" <input type="search" name="q" placeholder=if f.tab == "users" { "Name or email" } else { "Name or slug" } value=f.q.clone() /></label>
                            <label>
                                "Status"
                                <select name="status">
                                    <option value="" selected=f.status.is_empty()>"Any status"</option>
                                    {STANDINGS.into_iter().map(|s| view! { <option value=s selected=f.status == s>{s}</option> }).collect_view()}
                                </select>
                            </label>
                            <button type="submit">"Search"</button>
                        </SearchForm>
                    </div>
                }
            }}
            <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || activity.get().map(|loaded| match loaded {
                    Ok(Some(found)) => view! {
                        <section class="activity" aria-labelledby="activity-heading">
                            <h2 id="activity-heading">{format!("Activity of {}", found.user.email)}</h2>
                            <h3>"Sign-ins"</h3>
                            {if found.logins.is_empty() { view! { <p class="empty">"No sign-ins yet."</p> }.into_any() } else { view! {
                                <div class="table-scroll" tabindex="0" role="region" aria-label="Sign-ins"><table class="members">
                                    <thead><tr><th scope="col">"When"</th><th scope="col">"Result"</th><th scope="col">"From"</th><th scope="col">"Browser"</th></tr></thead>
                                    <tbody>{found.logins.into_iter().map(|l| view! {
                                        <tr>
                                            <td>{short_time(&l.created_at)}</td>
                                            <td>{if l.success { "Signed in".to_owned() } else { format!("Refused: {}", l.reason.unwrap_or_default()) }}</td>
                                            <td>{l.ip.unwrap_or_default()}</td>
                                            <td class="change">{l.user_agent.unwrap_or_default()}</td>
                                        </tr>
                                    }).collect_view()}</tbody>
                                </table></div>
                            }.into_any() }}
                            <h3>"Actions"</h3>
                            {if found.actions.is_empty() { view! { <p class="empty">"No recorded actions."</p> }.into_any() } else { view! {
                                <ul class="plain">{found.actions.into_iter().map(|a| view! {
                                    <li>{format!("{} · {} {}", short_time(&a.created_at), a.action, a.target_type)}</li>
                                }).collect_view()}</ul>
                            }.into_any() }}
                        </section>
                    }.into_any(),
                    Ok(None) => ().into_any(),
                    Err(error) => view! { <p class="error" role="alert">{error.to_string()}</p> }.into_any(),
                })}
            </Transition>
            <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || if filters.get().tab == "users" {
                    users.get().map(|loaded| match loaded {
                        Ok(page) => view! { <UserTable page=page.clone() update=update_user q=filters.get_untracked().q selected=filters.get_untracked().user /> <Pager total=page.total per_page=page.per_page page=page.page filters /> }.into_any(),
                        Err(ApiError::Forbidden) => view! { <p class="empty" role="alert">"Only platform admins can see this page."</p> }.into_any(),
                        Err(error) => view! { <p class="error" role="alert">{error.to_string()}</p> }.into_any(),
                    })
                } else {
                    orgs.get().map(|loaded| match loaded {
                        Ok(page) => view! { <OrganizationTable page=page.clone() update=update_org /> <Pager total=page.total per_page=page.per_page page=page.page filters /> }.into_any(),
                        Err(ApiError::Forbidden) => view! { <p class="empty" role="alert">"Only platform admins can see this page."</p> }.into_any(),
                        Err(error) => view! { <p class="error" role="alert">{error.to_string()}</p> }.into_any(),
                    })
                }}
            </Transition>
        </section>
    }
}

#[component]
fn Pager(total: u64, per_page: u64, page: u64, filters: Memo<Filters>) -> impl IntoView {
    let pages = total.div_ceil(per_page).max(1);
    let link = move |p: u64| filters.get_untracked().link(p);
    view! {
        <nav class="pager" aria-label="Pages">
            {(page > 1).then(|| view! { <a href=link(page - 1)>"Previous"</a> })}
            <span>{format!("Page {page} of {pages} · {total} found")}</span>
            {(page < pages).then(|| view! { <a href=link(page + 1)>"Next"</a> })}
        </nav>
    }
}

/// Status, reason, end date, tags and notes: the part of the form both kinds share.
#[component]
fn StandingFields(
    status: String,
    reason: Option<String>,
    until: Option<String>,
    tags: Vec<String>,
    notes: Option<String>,
) -> impl IntoView {
    view! {
        <label>
            "Status"
            <select name="status">
                {STANDINGS.into_iter().map(|s| view! { <option value=s selected=status == s>{s}</option> }).collect_view()}
            </select>
        </label>
        <label>"Reason (shown to them)" <input type="text" name="reason" maxlength="500" value=reason.unwrap_or_default() /></label>
        <label>"Suspended until" <input type="date" name="suspended_until" value=until.map(|u| u.chars().take(10).collect::<String>()).unwrap_or_default() /></label>
        <label>"Tags (comma-separated)" <input type="text" name="tags" maxlength="400" value=tags.join(", ") /></label>
        <label class="wide">"Admin notes" <textarea name="admin_notes" maxlength="5000" rows="3">{crate::form::textarea_text(notes.unwrap_or_default())}</textarea></label>
    }
}

#[component]
fn OrganizationTable(
    page: AdminPage<AdminOrganization>,
    update: FormAction<AdminUpdateOrganization>,
) -> impl IntoView {
    if page.items.is_empty() {
        return view! { <p class="empty">"No organization matches."</p> }.into_any();
    }
    view! {
        <div class="table-scroll" tabindex="0" role="region" aria-label="Organizations">
            <table class="members">
                <caption class="visually-hidden">"Organizations"</caption>
                <thead><tr><th scope="col">"Organization"</th><th scope="col">"Plans"</th><th scope="col">"Members"</th><th scope="col">"Status"</th><th scope="col">"Tags"</th><th scope="col">"Created"</th></tr></thead>
                <tbody>
                    {page.items.into_iter().map(|o| {
                        let limits = |n: Option<i64>| n.map(|n| n.to_string()).unwrap_or_default();
                        let (status, reason, until, tags, notes) = (o.status.clone(), o.suspension_reason.clone(), o.suspended_until.clone(), o.tags.clone(), o.admin_notes.clone());
                        let (max_bots, max_messages, max_files) = (limits(o.custom_max_chatbots.map(i64::from)), limits(o.custom_max_messages), limits(o.custom_max_file_uploads.map(i64::from)));
                        let (id, name) = (o.id.to_string(), o.name.clone());
                        view! {
                            <tr>
                                <td>
                                    <details>
                                        <summary>{o.name.clone()} <span class="muted">{format!(" ({})", o.slug)}</span></summary>
                                        <ServerForm action=update>
                                            <input type="hidden" name="id" value=id />
                                            <div class="settings-form">
                                                <StandingFields status reason until tags notes />
                                                <label>"Max bots (override)" <input type="number" name="custom_max_chatbots" min="0" value=max_bots /></label>
                                                <label>"Messages / month (override)" <input type="number" name="custom_max_messages" min="0" value=max_messages /></label>
                                                <label>"File uploads (override)" <input type="number" name="custom_max_file_uploads" min="0" value=max_files /></label>
                                            </div>
                                            <button type="submit">{format!("Save {name}")}</button>
                                        </ServerForm>
                                    </details>
                                </td>
                                <td>{o.plans.join(", ")}</td>
                                <td>{o.members}</td>
                                <td><span class=format!("status status-{}", o.status)>{o.status.clone()}</span>{o.suspension_reason.clone().map(|r| view! { <span class="muted">{format!(" · {r}")}</span> })}</td>
                                <td>{o.tags.join(", ")}</td>
                                <td>{short_time(&o.created_at)}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

#[component]
fn UserTable(
    page: AdminPage<AdminUser>,
    update: FormAction<AdminUpdateUser>,
    q: String,
    selected: Option<uuid::Uuid>,
) -> impl IntoView {
    if page.items.is_empty() {
        return view! { <p class="empty">"No user matches."</p> }.into_any();
    }
    view! {
        <div class="table-scroll" tabindex="0" role="region" aria-label="Users">
            <table class="members">
                <caption class="visually-hidden">"Users"</caption>
                <thead><tr><th scope="col">"User"</th><th scope="col">"Organization"</th><th scope="col">"Role"</th><th scope="col">"Status"</th><th scope="col">"Sign-ins"</th><th scope="col">"Last active"</th></tr></thead>
                <tbody>
                    {page.items.into_iter().map(|u| {
                        let q = q.clone();
                        let (status, reason, until, tags, notes) = (u.status.clone(), u.suspension_reason.clone(), u.suspended_until.clone(), u.tags.clone(), u.admin_notes.clone());
                        let (id, email) = (u.id.to_string(), u.email.clone());
                        // The person whose activity is open has their form open too.
                        let open = selected == Some(u.id);
                        view! {
                        <tr>
                            <td>
                                <details open=open>
                                    <summary>{u.name.clone()} <span class="muted">{format!(" <{}>", u.email)}</span></summary>
                                    <ServerForm action=update>
                                        <input type="hidden" name="id" value=id />
                                        <div class="settings-form">
                                            <StandingFields status reason until tags notes />
                                        </div>
                                        <button type="submit">{format!("Save {email}")}</button>
                                    </ServerForm>
                                </details>
                            </td>
                            <td>{u.organization_name.clone()}</td>
                            <td>{u.role.label()}</td>
                            <td><span class=format!("status status-{}", u.status)>{u.status.clone()}</span>{u.suspension_reason.clone().map(|r| view! { <span class="muted">{format!(" · {r}")}</span> })}</td>
                            <td>
                                <a href=format!("/admin?tab=users&q={}&user={}", q, u.id) aria-label=format!("Sign-ins and activity of {}", u.email)>
                                    {format!("{} sign-ins", u.login_count)}
                                </a>
                                {u.last_ip.map(|ip| view! { <span class="muted">{format!(" · last from {ip}")}</span> })}
                            </td>
                            <td>{u.last_active_at.as_deref().map(short_time).unwrap_or_else(|| "never".into())}</td>
                        </tr>
                    }}).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}
