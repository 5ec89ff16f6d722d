//! ChatSupport's isomorphic library: the dashboard's pages and components, the DTOs and wire
//! protocol every client shares, the `ApiError` vocabulary, and typed server functions. It must
//! not depend on the server: server-only needs are declared as ports in [`ssr`].
#![recursion_limit = "256"]

pub mod api;
pub mod areas;
pub mod assignment;
pub mod auth;
pub mod billing;
pub mod bot_settings;
pub mod canned;
pub mod conversation_search;
pub mod csp;
pub mod dto;
pub mod error;
pub mod evaluation;
pub mod form;
pub mod format;
pub mod ids;
pub mod inbox;
pub mod knowledge;
pub mod live;
pub mod load;
mod names;
pub mod pages;
pub mod platform;
pub mod protocol;
#[cfg(feature = "browser")]
pub mod socket;
#[cfg(feature = "ssr")]
pub mod ssr;

pub use areas::{App, Area};
pub use error::ApiError;

use form::{FormAction, ServerForm};
use leptos::prelude::*;
use leptos_meta::MetaTags;
use leptos_router::components::{A, Outlet};

/// The HTML document around a page, rendered on the server only: the root of the page's area
/// ([`areas`]) and the script of that area's bundle. `options.output_name` is replaced by the
/// area's name from `bundles` (fingerprinted by `chatsupport assets`).
pub fn shell(options: LeptosOptions, bundles: areas::Bundles) -> impl IntoView {
    #[cfg(feature = "ssr")]
    set_content_security_policy();
    #[cfg(feature = "ssr")]
    let area = use_context::<http::request::Parts>().map_or(Area::Main, |parts| Area::of(parts.uri.path()));
    #[cfg(not(feature = "ssr"))]
    let area = Area::Main;
    let mut options = options;
    options.output_name = bundles.script(area).into();
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light dark" />
                <link rel="icon" href="data:," />
                <link rel="stylesheet" href=format!("/pkg/{}", bundles.stylesheet) />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                {areas::root(area)}
            </body>
        </html>
    }
}

/// The dashboard's CSP carries a fresh nonce so the one inline hydration script may run and
/// nothing else inline may.
#[cfg(feature = "ssr")]
fn set_content_security_policy() {
    leptos::nonce::provide_nonce();
    let Some(nonce) = leptos::nonce::use_nonce() else { return };
    let Some(response) = use_context::<leptos_axum::ResponseOptions>() else { return };
    let policy = csp::ContentSecurityPolicy::with_scripts(&nonce.to_string()).forms_to_self().header_value();
    if let Ok(value) = http::HeaderValue::from_str(&policy) {
        response.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
    }
}

/// The signed-in frame: top bar with the user and "Sign out", navigation, and the page. The
/// server already sent anyone without a session to /login; a session that ends while the page
/// is open shows a way back instead.
#[component]
pub(crate) fn DashboardLayout() -> impl IntoView {
    let user = crate::load::resource(|| (), |_| api::current_user());
    let sign_out = FormAction::<api::SignOut>::new();
    view! {
        <div class="layout">
            <header class="topbar">
                <a class="brand" href="/conversations">"ChatSupport"</a>
                <Transition fallback=|| ()>
                    {move || user.get().map(|found| match found {
                        Ok(user) => view! {
                            <div class="who-am-i">
                                <a href="/profile">{user.name.clone()} " · " {user.organization_name.clone()}</a>
                                <span class="badge badge-muted">{user.role.label()}</span>
                                <ServerForm action=sign_out>
                                    <button type="submit" class="secondary">"Sign out"</button>
                                </ServerForm>
                            </div>
                        }.into_any(),
                        Err(_) => view! { <a href="/login">"Sign in"</a> }.into_any(),
                    })}
                </Transition>
            </header>
            <nav class="sidebar" aria-label="Main">
                <A href="/conversations">"Conversations"</A>
                <A href="/users">"Users"</A>
                <Transition fallback=|| ()>
                    {move || user.get().and_then(Result::ok).map(|u| view! {
                        {u.role.can(auth::Permission::ViewAnalytics).then(|| view! {
                            <A href="/bots">"Bots"</A>
                            <A href="/billing">"Billing & plans"</A>
                        })}
                        {u.role.can(auth::Permission::InviteRemoveTeam).then(|| view! {
                            <A href="/team">"Team"</A>
                            <A href="/audit">"Audit log"</A>
                            <A href="/outbox">"Outbox"</A>
                            <A href="/settings">"Settings"</A>
                        })}
                        {u.platform_admin.then(|| view! { <A href="/admin">"Platform admin"</A> })}
                    })}
                </Transition>
                <a href="/api/docs" target="_blank" rel="external noopener">"API docs ↗"</a>
            </nav>
            <main class="content">
                <Outlet />
            </main>
        </div>
    }
}
