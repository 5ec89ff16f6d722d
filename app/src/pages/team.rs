//! The Team page: members and pending invitations, and the invite form (owners and admins).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::short_time;
use crate::form::{FormAction, SearchForm, ServerForm};
use crate::{
    ApiError,
    api::{Invite, RemoveMember, UpdateMember, team},
    auth::{Role, TeamListing, TeamMember, TeamQuery},
};

#[component]
pub fn TeamPage() -> impl IntoView {
    let invite = FormAction::<Invite>::new();
    let update = ServerAction::<UpdateMember>::new();
    let remove = ServerAction::<RemoveMember>::new();
    let query = use_query_map();
    let filters = Memo::new(move |_| {
        let q = query.read();
        let text = |key: &str| q.get(key).filter(|v| !v.is_empty());
        TeamQuery {
            q: text("q"),
            role: text("role").and_then(|r| r.parse().ok()),
            status: text("status"),
            page: text("page").and_then(|p| p.parse().ok()),
        }
    });
    // A refused invitation (say, an address already on the team) keeps the form as typed.
    let invited = crate::load::saves(invite);
    let members = crate::load::resource(
        move || (filters.get(), invited.get(), update.version().get(), remove.version().get()),
        |(f, ..)| team(f.q, f.role, f.status, f.page),
    );
    let change_error = move || {
        update
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| remove.value().get().and_then(Result::err))
            .map(|error| error.to_string())
    };
    view! {
        <Title text="Team · ChatSupport" />
        <section class="panel" aria-labelledby="team-heading">
            <h1 id="team-heading">"Team"</h1>
            <Transition fallback=|| view! { <p class="muted">"Loading the team…"</p> }>
                {move || members.get().map(|loaded| match loaded {
                    Ok(list) => view! {
                        <div class="invite">
                            <h2>"Invite someone"</h2>
                            <ServerForm action=invite>
                                <label>"Email" <input type="email" name="email" required maxlength="254" /></label>
                                <label>
                                    "Role"
                                    <select name="role">
                                        <option value="agent" selected>"Agent: answers conversations"</option>
                                        <option value="admin">"Admin: manages bots, team and settings"</option>
                                        <option value="viewer">"Viewer: reads conversations and analytics"</option>
                                    </select>
                                </label>
                                <button type="submit" disabled=move || invite.pending().get()>"Send invitation"</button>
                            </ServerForm>
                            {move || invite.value().get().map(|sent| match sent {
                                Ok(member) => view! {
                                    <p role="status">{format!("Invitation sent to {}.", member.email)}</p>
                                }.into_any(),
                                Err(error) => view! { <p class="error" role="alert">{error.to_string()}</p> }.into_any(),
                            })}
                        </div>
                        {move || change_error().map(|text| view! { <p class="error" role="alert">{text}</p> })}
                        <TeamFilters filters />
                        <MemberTable members=list.members.clone() update remove />
                        <Pager listing=list filters />
                    }.into_any(),
                    Err(ApiError::Forbidden) => view! {
                        <p class="empty" role="alert">"Only owners and admins can see and manage the team."</p>
                    }.into_any(),
                    Err(error) => view! { <p class="error" role="alert">{error.to_string()}</p> }.into_any(),
                })}
            </Transition>
        </section>
    }
}

#[component]
fn TeamFilters(filters: Memo<TeamQuery>) -> impl IntoView {
    let current = filters.get_untracked();
    let role = current.role.map(|r| r.as_str()).unwrap_or_default();
    let status = current.status.clone().unwrap_or_default();
    view! {
        <div role="search" class="filters">
            <SearchForm action="/team">
                <label>"Search the team" <input type="search" name="q" placeholder="Name or email" value=current.q.clone().unwrap_or_default() /></label>
                <label>
                    "Filter by role"
                    <select name="role">
                        <option value="" selected=role.is_empty()>"Any role"</option>
                        {Role::ALL.into_iter().map(|r| view! { <option value=r.as_str() selected=r.as_str() == role>{r.label()}</option> }).collect_view()}
                    </select>
                </label>
                <label>
                    "Filter by status"
                    <select name="status">
                        {[("", "Any status"), ("active", "Active"), ("invited", "Invited"), ("deactivated", "Deactivated")]
                            .into_iter()
                            .map(|(value, label)| view! { <option value=value selected=value == status>{label}</option> })
                            .collect_view()}
                    </select>
                </label>
                <button type="submit">"Apply"</button>
            </SearchForm>
        </div>
    }
}

/// "Page 2 of 3" with links that keep the filters.
#[component]
fn Pager(listing: TeamListing, filters: Memo<TeamQuery>) -> impl IntoView {
    let pages = listing.total.div_ceil(listing.per_page).max(1);
    let link = move |page: u64| {
        let f = filters.get_untracked();
        format!(
            "/team?q={}&role={}&status={}&page={page}",
            f.q.unwrap_or_default(),
            f.role.map(|r| r.as_str()).unwrap_or_default(),
            f.status.unwrap_or_default()
        )
    };
    view! {
        <nav class="pager" aria-label="Pages">
            {(listing.page > 1).then(|| view! { <a href=link(listing.page - 1)>"Previous"</a> })}
            <span>{format!("Page {} of {pages} · {} {}", listing.page, listing.total, if listing.total == 1 { "person" } else { "people" })}</span>
            {(listing.page < pages).then(|| view! { <a href=link(listing.page + 1)>"Next"</a> })}
        </nav>
    }
}

#[component]
fn MemberTable(
    members: Vec<TeamMember>,
    update: ServerAction<UpdateMember>,
    remove: ServerAction<RemoveMember>,
) -> impl IntoView {
    view! {
        <div class="table-scroll" tabindex="0" role="region" aria-label="Team members">
            <table class="members">
                <caption class="visually-hidden">"Team members"</caption>
                <thead>
                    <tr><th scope="col">"Name"</th><th scope="col">"Email"</th><th scope="col">"Role"</th><th scope="col">"Status"</th><th scope="col">"Last active"</th><th scope="col">"Actions"</th></tr>
                </thead>
                <tbody>
                    {members.into_iter().map(|m| view! {
                        <tr>
                            <td>{m.name}</td>
                            <td>{m.email.clone()}</td>
                            <td>{m.role.label()}</td>
                            <td><span class=format!("status status-{}", m.status)>{status_label(&m.status)}</span></td>
                            <td>{m.last_active_at.as_deref().map(short_time).unwrap_or_else(|| "never".into())}</td>
                            <td class="actions">
                                {(m.role != Role::Owner).then(|| {
                                    let id = m.id;
                                    let email = m.email.clone();
                                    let next_status = if m.status == "deactivated" { "active" } else { "deactivated" };
                                    let toggle = if m.status == "deactivated" { "Reactivate" } else { "Deactivate" };
                                    view! {
                                        <label class="visually-hidden" for=format!("role-{id}")>{format!("Role of {email}")}</label>
                                        <select
                                            id=format!("role-{id}")
                                            on:change=move |ev| {
                                                if let Ok(role) = event_target_value(&ev).parse::<Role>() {
                                                    update.dispatch(UpdateMember { id, role: Some(role), status: None });
                                                }
                                            }
                                        >
                                            {[Role::Admin, Role::Agent, Role::Viewer].into_iter().map(|r| view! {
                                                <option value=r.as_str() selected=r == m.role>{r.label()}</option>
                                            }).collect_view()}
                                        </select>
                                        {(m.status != "invited").then(|| view! {
                                            <button type="button" class="secondary" aria-label=format!("{toggle} {email}")
                                                on:click=move |_| { update.dispatch(UpdateMember { id, role: None, status: Some(next_status.to_owned()) }); }>
                                                {toggle}
                                            </button>
                                        })}
                                        <button type="button" class="secondary danger" aria-label=format!("Remove {}", m.email)
                                            on:click=move |_| { remove.dispatch(RemoveMember { id }); }>
                                            {if m.status == "invited" { "Withdraw" } else { "Remove" }}
                                        </button>
                                    }
                                })}
                            </td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

fn status_label(status: &str) -> &'static str {
    match status {
        "active" => "Active",
        "invited" => "Invited",
        "deactivated" => "Deactivated",
        "suspended" => "Suspended",
        _ => "Unknown",
    }
}
