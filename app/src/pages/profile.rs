//! The Profile page: who you are signed in as, and your sessions, with "sign out of all other
//! sessions" (PRD §5.1.1 session management).

use leptos::prelude::*;
use leptos_meta::Title;

use super::short_time;
use crate::api::{SignOutOthers, current_user, sessions};

#[component]
pub fn ProfilePage() -> impl IntoView {
    let user = Resource::new(|| (), |_| current_user());
    let sign_out_others = ServerAction::<SignOutOthers>::new();
    let list = Resource::new(move || sign_out_others.version().get(), |_| sessions());
    view! {
        <Title text="Profile · ChatSupport" />
        <section class="panel" aria-labelledby="profile-heading">
            <h1 id="profile-heading">"Profile"</h1>
            <Transition fallback=|| ()>
                {move || user.get().and_then(Result::ok).map(|u| view! {
                    <dl class="facts">
                        <dt>"Name"</dt><dd>{u.name}</dd>
                        <dt>"Email"</dt><dd>{u.email}</dd>
                        <dt>"Organization"</dt><dd>{u.organization_name}</dd>
                        <dt>"Role"</dt><dd>{u.role.label()}</dd>
                    </dl>
                })}
            </Transition>
            <h2>"Sessions"</h2>
            <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || list.get().map(|loaded| match loaded {
                    Ok(all) => view! {
                        <div class="table-scroll">
                            <table class="members">
                                <caption>{format!("{} active", all.len())}</caption>
                                <thead><tr>
                                    <th scope="col">"Signed in"</th><th scope="col">"Last seen"</th>
                                    <th scope="col">"From"</th><th scope="col">"Browser"</th><th scope="col"></th>
                                </tr></thead>
                                <tbody>
                                    {all.into_iter().map(|s| view! {
                                        <tr>
                                            <td>{short_time(&s.created_at)}</td>
                                            <td>{short_time(&s.last_seen_at)}</td>
                                            <td>{s.ip.unwrap_or_default()}</td>
                                            <td class="change">{s.user_agent.unwrap_or_default()}</td>
                                            <td>{s.current.then_some("This session")}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }.into_any(),
                    Err(error) => view! { <p class="error" role="alert">{error.to_string()}</p> }.into_any(),
                })}
            </Transition>
            <ActionForm action=sign_out_others>
                <button type="submit" class="secondary">"Sign out of all other sessions"</button>
            </ActionForm>
            {move || sign_out_others.value().get().map(|done| match done {
                Ok(ended) => view! { <p role="status">{format!("Signed out of {ended} other sessions.")}</p> }.into_any(),
                Err(error) => view! { <p class="error" role="alert">{error.to_string()}</p> }.into_any(),
            })}
        </section>
    }
}
