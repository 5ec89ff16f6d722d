//! Dashboard pages, one module each.

pub mod account;
pub mod admin;
pub mod audit;
pub mod billing;
pub mod bot_settings;
pub mod bot_versions;
pub mod bots;
pub mod conversations;
pub mod evaluation;
pub mod inbox_team;
pub mod knowledge;
pub mod login;
pub mod new_bot;
pub mod outbox;
pub mod profile;
pub mod settings;
pub mod team;
pub mod users;

use leptos::prelude::*;

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <section class="empty">
            <h1>"Page not found"</h1>
            <p><a href="/conversations">"Go to conversations"</a></p>
        </section>
    }
}

/// "2025-08-29T09:00:05Z" → "2025-08-29 09:00"; anything else is shown as it is.
pub fn short_time(rfc3339: &str) -> String {
    match (rfc3339.get(..10), rfc3339.get(11..16)) {
        (Some(date), Some(time)) => format!("{date} {time}"),
        _ => rfc3339.to_owned(),
    }
}
