//! All bots (seed 000): the organization's bots across workspaces, with each bot's one-line
//! embed snippet and a button that copies it (PRD story 2.1), and — for those who may edit
//! bots (owners, admins, agents) — each bot's settings form.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::{
    api::{chatbots, current_user},
    auth::Permission,
    dto::ChatbotView,
};

#[component]
pub fn BotsPage() -> impl IntoView {
    let bots = crate::load::resource(|| (), |_| chatbots());
    let user = crate::load::resource(|| (), |_| current_user());
    view! {
        <Title text="Bots · ChatSupport" />
        <section class="panel" aria-labelledby="bots-heading">
            <h1 id="bots-heading">"Bots"</h1>
            <Transition fallback=|| view! { <p class="muted">"Loading bots…"</p> }>
                {move || bots.get().map(|loaded| (loaded, user.get().and_then(Result::ok).is_some_and(|u| u.role.can(Permission::EditChatbotSettings)))).map(|(loaded, can_edit)| match loaded {
                    Ok(all) if all.is_empty() => view! { <p class="empty">"No bots yet."</p> }.into_any(),
                    Ok(all) => view! {
                        <ul class="bots" aria-label="Bots">
                            {all.into_iter().map(|bot| view! { <BotCard bot can_edit /> }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(error) => view! { <p class="error" role="alert">{error.to_string()}</p> }.into_any(),
                })}
            </Transition>
        </section>
    }
}

#[component]
fn BotCard(bot: ChatbotView, can_edit: bool) -> impl IntoView {
    let copied = RwSignal::new(false);
    let snippet = bot.embed_code.clone();
    let copy = move |_| {
        #[cfg(feature = "browser")]
        if let Some(window) = web_sys::window() {
            // The promise settles on its own; the snippet stays selectable for Ctrl+C too.
            let _ = window.navigator().clipboard().write_text(&snippet);
            copied.set(true);
        }
        #[cfg(not(feature = "browser"))]
        let _ = &snippet;
    };
    let field = format!("embed-{}", bot.id);
    view! {
        <li class="bot-card">
            <h2>{bot.name.clone()} <span class="badge badge-muted">{bot.status.clone()}</span></h2>
            {(!bot.description.is_empty()).then(|| view! { <p class="muted">{bot.description.clone()}</p> })}
            {match (&bot.installed_origin, &bot.installed_seen_at) {
                (Some(origin), Some(seen)) => view! {
                    <p class="installed" role="status">{format!("Installed: seen on {origin} at {}", super::short_time(seen))}</p>
                }.into_any(),
                _ => view! { <p class="muted">"Not seen on a site yet: paste the snippet, then open a page with it."</p> }.into_any(),
            }}
            <label for=field.clone()>"Embed snippet: paste it before </body> on your site"</label>
            <textarea id=field class="snippet" readonly rows="2">{bot.embed_code.clone()}</textarea>
            // The accessible name starts with the visible words (WCAG 2.5.3), then says which bot.
            <button type="button" on:click=copy>
                {move || if copied.get() { "Copied" } else { "Copy snippet" }}
                <span class="visually-hidden">{format!(" of {}", bot.name)}</span>
            </button>
            {move || copied.get().then(|| view! { <span role="status" class="toast">"Snippet copied to the clipboard."</span> })}
            {can_edit.then(|| view! { <super::bot_settings::BotSettingsForm bot=bot.clone() /> })}
        </li>
    }
}
