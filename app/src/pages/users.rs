//! The Users page (seed 000 "Users"): the organization's directory — who works here, their
//! role, how to reach them, when they were last active. Any member may look colleagues up;
//! managing them is the Team page's job (owners and admins).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::short_time;
use crate::form::SearchForm;
use crate::{
    api::directory,
    auth::{Role, TeamMember},
};

#[component]
pub fn UsersPage() -> impl IntoView {
    let query = use_query_map();
    let filters = Memo::new(move |_| {
        let q = query.read();
        let text = |key: &str| q.get(key).filter(|v| !v.is_empty());
        (
            text("q"),
            text("role").and_then(|r| r.parse::<Role>().ok()),
            text("page").and_then(|p| p.parse::<u64>().ok()),
        )
    });
    let people = crate::load::resource(move || filters.get(), |(q, role, page)| directory(q, role, page));
    view! {
        <Title text="Users · ChatSupport" />
        <section class="panel" aria-labelledby="users-heading">
            <h1 id="users-heading">"Users"</h1>
            {move || {
                let (q, role, _) = filters.get();
                let role = role.map(|r| r.as_str()).unwrap_or_default();
                view! {
                    <div role="search" class="filters">
                        <SearchForm action="/users">
                            <label>"Search people" <input type="search" name="q" placeholder="Name or email" value=q.unwrap_or_default() /></label>
                            <label>
                                "Role"
                                <select name="role">
                                    <option value="" selected=role.is_empty()>"Any role"</option>
                                    {Role::ALL.into_iter().map(|r| view! { <option value=r.as_str() selected=r.as_str() == role>{r.label()}</option> }).collect_view()}
                                </select>
                            </label>
                            <button type="submit">"Search"</button>
                        </SearchForm>
                    </div>
                }
            }}
            <Transition fallback=|| view! { <p class="muted">"Loading people…"</p> }>
                {move || people.get().map(|loaded| match loaded {
                    Ok(list) if list.members.is_empty() => view! { <p class="empty">"Nobody matches that search."</p> }.into_any(),
                    Ok(list) => {
                        let pages = list.total.div_ceil(list.per_page).max(1);
                        let (q, role, _) = filters.get_untracked();
                        let link = move |page: u64| format!(
                            "/users?q={}&role={}&page={page}",
                            q.clone().unwrap_or_default(),
                            role.map(|r| r.as_str()).unwrap_or_default()
                        );
                        view! {
                            <ul class="directory" aria-label="People">
                                {list.members.into_iter().map(|m| view! { <PersonCard m /> }).collect_view()}
                            </ul>
                            <nav class="pager" aria-label="Pages">
                                {(list.page > 1).then(|| view! { <a href=link(list.page - 1)>"Previous"</a> })}
                                <span>{format!("Page {} of {pages} · {} people", list.page, list.total)}</span>
                                {(list.page < pages).then(|| view! { <a href=link(list.page + 1)>"Next"</a> })}
                            </nav>
                        }.into_any()
                    }
                    Err(error) => view! { <p class="error" role="alert">{error.to_string()}</p> }.into_any(),
                })}
            </Transition>
        </section>
    }
}

/// Initials for the avatar circle when there is no picture.
fn initials(name: &str) -> String {
    name.split_whitespace().filter_map(|w| w.chars().next()).take(2).collect::<String>().to_uppercase()
}

#[component]
fn PersonCard(m: TeamMember) -> impl IntoView {
    view! {
        <li class="person">
            {match m.avatar_url.clone() {
                Some(url) => view! { <img class="avatar" src=url alt="" width="40" height="40" loading="lazy" /> }.into_any(),
                None => view! { <span class="avatar" aria-hidden="true">{initials(&m.name)}</span> }.into_any(),
            }}
            <div>
                <strong>{m.name.clone()}</strong>
                <span class="badge badge-muted">{m.role.label()}</span>
                {m.job_title.clone().map(|t| view! { <span class="muted">{format!(" · {t}")}</span> })}
                <br />
                <a href=format!("mailto:{}", m.email)>{m.email.clone()}</a>
                {m.phone.clone().map(|p| view! { " · " <a href=format!("tel:{}", p.replace(' ', ""))>{p.clone()}</a> })}
                <br />
                <span class="muted">
                    {format!(
                        "Joined {} · last active {}",
                        m.joined_at.get(..10).unwrap_or_default(),
                        m.last_active_at.as_deref().map(short_time).unwrap_or_else(|| "never".into())
                    )}
                </span>
            </div>
        </li>
    }
}
