//! All bots (seed 000): the organization's bots across workspaces, with each bot's one-line
//! embed snippet and a button that copies it (PRD story 2.1), and — for those who may edit
//! bots (owners, admins, agents) — each bot's settings form.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use crate::{
    api::{ArchiveChatbot, CloneChatbot, RestoreChatbot, chatbots, current_user},
    auth::Permission,
    dto::ChatbotView,
};

#[component]
pub fn BotsPage() -> impl IntoView {
    let changes = RwSignal::new(0_u32);
    let bots = crate::load::resource(move || changes.get(), |_| chatbots());
    let user = crate::load::resource(|| (), |_| current_user());
    let may = move |p: Permission| user.get().and_then(Result::ok).is_some_and(|u| u.role.can(p));
    let on_change = Callback::new(move |()| changes.update(|n| *n += 1));
    provide_context(super::bot_versions::OpenHistories(RwSignal::new(Vec::new())));
    view! {
        <Title text="Bots · ChatSupport" />
        <section class="panel" aria-labelledby="bots-heading">
            <div class="list-header">
                <h1 id="bots-heading">"Bots"</h1>
                <Transition fallback=|| ()>
                    {move || may(Permission::CreateDeleteChatbots).then(|| view! { <A href="/bots/new" attr:class="button">"Create a bot"</A> })}
                </Transition>
            </div>
            <Transition fallback=|| view! { <p class="muted">"Loading bots…"</p> }>
                {move || bots.get().map(|loaded| (loaded, may(Permission::EditChatbotSettings), may(Permission::CreateDeleteChatbots))).map(|(loaded, can_edit, can_manage)| match loaded {
                    Ok(all) if all.is_empty() => view! {
                        <div class="empty">
                            <p>"No bots yet. A bot answers your visitors from what you teach it, and hands over to your team when it should."</p>
                            {can_manage.then(|| view! { <A href="/bots/new" attr:class="button">"Create your first bot"</A> })}
                        </div>
                    }.into_any(),
                    Ok(all) => view! {
                        <ul class="bots" aria-label="Bots">
                            {all.into_iter().map(|bot| view! { <BotCard bot can_edit can_manage on_change /> }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(error) => view! { <p class="error" role="alert">{error.to_string()}</p> }.into_any(),
                })}
            </Transition>
        </section>
    }
}

#[component]
fn BotCard(bot: ChatbotView, can_edit: bool, can_manage: bool, on_change: Callback<()>) -> impl IntoView {
    let archived = bot.archived_at.is_some();
    let id = bot.id;
    let clone = ServerAction::<CloneChatbot>::new();
    let archive = ServerAction::<ArchiveChatbot>::new();
    let restore = ServerAction::<RestoreChatbot>::new();
    Effect::new(move |_| {
        let done = [
            clone.value().get().map(|r| r.is_ok()),
            archive.value().get().map(|r| r.is_ok()),
            restore.value().get().map(|r| r.is_ok()),
        ];
        if done.contains(&Some(true)) {
            on_change.run(());
        }
    });
    let problem = move || {
        [clone.value().get(), archive.value().get(), restore.value().get()]
            .into_iter()
            .flatten()
            .find_map(Result::err)
            .map(|e| e.to_string())
    };
    let busy = move || clone.pending().get() || archive.pending().get() || restore.pending().get();
    let name = bot.name.clone();
    let name_for_link = bot.name.clone();
    view! {
        <li class="bot-card" class:archived=archived>
            <h2>{bot.name.clone()} <span class="badge badge-muted">{bot.status.clone()}</span>
                <span class="muted small">{format!("{} · version {}", bot.personality.label().0, bot.version)}</span></h2>
            {(!bot.description.is_empty()).then(|| view! { <p class="muted">{bot.description.clone()}</p> })}
            {(!archived).then(|| match (&bot.installed_origin, &bot.installed_seen_at) {
                (Some(origin), Some(seen)) => view! {
                    <p class="installed" role="status">{format!("Installed: seen on {origin} at {}", super::short_time(seen))}</p>
                }.into_any(),
                _ => view! { <p class="muted">"Not seen on a site yet: paste the snippet, then open a page with it."</p> }.into_any(),
            })}
            {archived.then(|| view! { <p class="muted">"Archived: its widget loads nowhere. Restore it to bring it back."</p> })}
            {(!archived).then(|| view! { <Snippet code=bot.embed_code.clone() bot_name=bot.name.clone() id=format!("embed-{}", bot.id) /> })}
            <p><A href=format!("/bots/{id}/knowledge")>"Knowledge"<span class="visually-hidden">{format!(" of {name_for_link}")}</span></A></p>
            {can_manage.then(|| view! {
                <div class="row-actions">
                    {if archived {
                        view! { <button type="button" disabled=busy on:click=move |_| { restore.dispatch(RestoreChatbot { id }); }>
                            "Restore"<span class="visually-hidden">{format!(" {name}")}</span></button> }.into_any()
                    } else {
                        let (n1, n2) = (name.clone(), name.clone());
                        view! {
                            <button type="button" class="secondary" disabled=busy on:click=move |_| { clone.dispatch(CloneChatbot { id }); }>
                                "Clone"<span class="visually-hidden">{format!(" {n1}")}</span></button>
                            <button type="button" class="secondary danger" disabled=busy on:click=move |_| { archive.dispatch(ArchiveChatbot { id }); }>
                                "Archive"<span class="visually-hidden">{format!(" {n2}")}</span></button>
                        }.into_any()
                    }}
                </div>
            })}
            {move || problem().map(|text| view! { <p class="error" role="alert">{text}</p> })}
            {(can_edit && !archived).then(|| view! { <super::bot_settings::BotSettingsForm bot=bot.clone() /> })}
            <super::bot_versions::VersionHistory bot=id bot_name=bot.name.clone() can_edit on_change />
        </li>
    }
}

/// A bot's embed snippet, read-only, with a button that copies it (PRD story 2.1).
#[component]
pub fn Snippet(code: String, bot_name: String, id: String) -> impl IntoView {
    let copied = RwSignal::new(false);
    let snippet = code.clone();
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
    view! {
        <label for=id.clone()>"Embed snippet: paste it before </body> on your site"</label>
        <textarea id=id class="snippet" readonly rows="2">{crate::form::textarea_text(code)}</textarea>
        // The accessible name starts with the visible words (WCAG 2.5.3), then says which bot.
        <button type="button" on:click=copy>
            {move || if copied.get() { "Copied" } else { "Copy snippet" }}
            <span class="visually-hidden">{format!(" of {bot_name}")}</span>
        </button>
        {move || copied.get().then(|| view! { <span role="status" class="toast">"Snippet copied to the clipboard."</span> })}
    }
}
