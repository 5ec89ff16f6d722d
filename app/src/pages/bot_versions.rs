//! A bot's version history on its card: each version with who made it, when, and what it
//! changed (before → after), and a restore of any earlier one. Loaded when opened.

use leptos::prelude::*;

use crate::{
    api::{RestoreChatbotVersion, chatbot_versions},
    dto::{BotId, BotVersionView},
};

/// Which bots' histories are open on the page: a card redrawn after a change (a restore
/// reloads the list) opens its history again instead of folding it under the person's eyes.
#[derive(Clone, Copy)]
pub struct OpenHistories(pub RwSignal<Vec<BotId>>);

#[component]
pub fn VersionHistory(
    bot: BotId,
    bot_name: String,
    can_edit: bool,
    on_change: Callback<()>,
) -> impl IntoView {
    let opened = use_context::<OpenHistories>().map(|o| o.0).unwrap_or_else(|| RwSignal::new(Vec::new()));
    let open = Memo::new(move |_| opened.with(|o| o.contains(&bot)));
    let restore = ServerAction::<RestoreChatbotVersion>::new();
    let versions = crate::load::resource(
        move || (open.get(), restore.version().get()),
        move |(open, _)| async move { if open { chatbot_versions(bot).await.map(Some) } else { Ok(None) } },
    );
    Effect::new(move |_| {
        if restore.value().with(|r| matches!(r, Some(Ok(_)))) {
            on_change.run(());
        }
    });
    view! {
        <details class="versions" open=move || open.get() on:toggle=move |ev| {
            let now = event_target::<leptos::web_sys::Element>(&ev).has_attribute("open");
            if now != open.get_untracked() {
                opened.update(|o| if now { o.push(bot) } else { o.retain(|b| *b != bot) });
            }
        }>
            <summary>{format!("Version history of {bot_name}")}</summary>
            {move || restore.value().get().and_then(Result::err).map(|e| view! { <p class="error" role="alert">{e.to_string()}</p> })}
            <Transition fallback=|| view! { <p class="muted">"Loading versions…"</p> }>
                {move || versions.get().map(|loaded| match loaded {
                    Ok(Some(list)) if list.is_empty() => view! { <p class="muted">"No changes yet."</p> }.into_any(),
                    Ok(Some(list)) => view! {
                        <ol class="version-list">
                            {list.into_iter().enumerate().map(|(i, v)| view! { <Version v current=i == 0 can_edit restore bot /> }).collect_view()}
                        </ol>
                    }.into_any(),
                    Ok(None) => ().into_any(),
                    Err(error) => view! { <p class="error" role="alert">{error.to_string()}</p> }.into_any(),
                })}
            </Transition>
        </details>
    }
}

#[component]
fn Version(
    v: BotVersionView,
    current: bool,
    can_edit: bool,
    restore: ServerAction<RestoreChatbotVersion>,
    bot: BotId,
) -> impl IntoView {
    let number = v.version;
    let by = v.changed_by.map(|name| format!(" by {name}")).unwrap_or_default();
    view! {
        <li>
            <p>
                <strong>{format!("Version {number}")}</strong>
                {current.then(|| view! { <span class="badge badge-muted">"current"</span> })}
                " " {v.summary}
                <span class="muted">{format!("{by} · {}", super::short_time(&v.created_at))}</span>
            </p>
            {(!v.changes.is_empty()).then(|| view! {
                <ul class="changes">
                    {v.changes.into_iter().map(|c| view! {
                        <li>
                            <code>{c.field}</code> ": "
                            <del>{c.before.unwrap_or_else(|| "none".into())}</del>
                            " → "
                            <ins>{c.after.unwrap_or_else(|| "none".into())}</ins>
                        </li>
                    }).collect_view()}
                </ul>
            })}
            {(can_edit && !current).then(|| view! {
                <button type="button" class="secondary" disabled=move || restore.pending().get()
                    on:click=move |_| { restore.dispatch(RestoreChatbotVersion { id: bot, version: number }); }>
                    {format!("Restore version {number}")}
                </button>
            })}
        </li>
    }
}
