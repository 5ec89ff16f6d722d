//! Outbox: the mail the server sent for this organization (invitations, welcome, verification
//! and reset links), so every flow works without a mail server. Owners and admins read it; a
//! personal sign-in link addressed to someone else is hidden.

use leptos::prelude::*;
use leptos_meta::Title;

use super::short_time;
use crate::{ApiError, api::outbox};

#[component]
pub fn OutboxPage() -> impl IntoView {
    let mails = crate::load::resource(|| (), |_| outbox());
    view! {
        <Title text="Outbox · ChatSupport" />
        <section class="panel" aria-labelledby="outbox-heading">
            <h1 id="outbox-heading">"Outbox"</h1>
            <p class="muted">"The newest 50 mails sent for your organization. With no SMTP server configured, they are kept here and in the server's outbox folder."</p>
            <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || mails.get().map(|loaded| match loaded {
                    Ok(all) if all.is_empty() => view! { <p class="empty">"No mail sent yet."</p> }.into_any(),
                    Ok(all) => view! {
                        <ul class="plain mails" aria-label="Mails">
                            {all.into_iter().map(|m| view! {
                                <li>
                                    <details>
                                        <summary>
                                            <strong>{m.subject.clone()}</strong>
                                            <span class="muted">{format!(" to {} · {}", m.to, short_time(&m.created_at))}</span>
                                            <span class="badge badge-muted">{m.kind.clone()}</span>
                                            {match (&m.sent_at, &m.error) {
                                                (Some(_), _) => view! { <span class="status status-active">"delivered"</span> }.into_any(),
                                                (None, Some(_)) => view! { <span class="status status-banned">"failed"</span> }.into_any(),
                                                (None, None) => view! { <span class="status">"kept"</span> }.into_any(),
                                            }}
                                        </summary>
                                        <pre class="mail-body">{m.body.clone()}</pre>
                                        {m.error.clone().map(|e| view! { <p class="error">{e}</p> })}
                                    </details>
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(ApiError::Forbidden) => view! { <p class="empty" role="alert">"Only owners and admins can read the outbox."</p> }.into_any(),
                    Err(error) => view! { <p class="error" role="alert">{error.to_string()}</p> }.into_any(),
                })}
            </Transition>
        </section>
    }
}
