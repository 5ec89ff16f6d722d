//! The dashboard ships as one browser bundle per area (route-level code splitting): what an
//! agent loads for the inbox does not carry the bot builder or the operators' console. Each
//! area has its own root component with only its routes; the server renders a page with the
//! root of the page's area and names that area's bundle, so what hydrates is exactly what was
//! rendered. A link (or Back) from one area to another is a full page load of the target, which
//! arrives with its own bundle (see [`Elsewhere`]); within an area navigation stays client-side.

use leptos::prelude::*;
use leptos_meta::{Title, provide_meta_context};
use leptos_router::{
    any_nested_route::IntoAnyNestedRoute,
    components::{ParentRoute, Redirect, Route, Router, Routes},
    hooks::use_location,
    path,
};
use serde::{Deserialize, Serialize};

use crate::pages;

/// One bundle's share of the dashboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Area {
    /// Sign-in and account pages, people, team, settings, billing: the rest of the dashboard.
    Main,
    /// The agent inbox (`/conversations`), where agents spend their day: the page that grows
    /// with every inbox feature, so it pays for them alone.
    Inbox,
    /// The bot builder: bots, the guided flow, knowledge.
    Bots,
    /// The operators' console (`/admin`).
    Admin,
}

impl Area {
    pub const ALL: [Area; 4] = [Area::Main, Area::Inbox, Area::Bots, Area::Admin];

    /// The area whose bundle serves `path` (unknown paths: [`Area::Main`], which renders the
    /// 404 page).
    pub fn of(path: &str) -> Area {
        let under = |prefix: &str| {
            path.strip_prefix(prefix).is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
        };
        if under("/conversations") {
            Area::Inbox
        } else if under("/bots") {
            Area::Bots
        } else if under("/admin") {
            Area::Admin
        } else {
            Area::Main
        }
    }

    /// The name the build gives this area's bundle in `/pkg` (`{name}.js`, `{name}_bg.wasm`).
    pub fn build_name(self) -> &'static str {
        match self {
            Area::Main => "chatsupport",
            Area::Inbox => "chatsupport-inbox",
            Area::Bots => "chatsupport-bots",
            Area::Admin => "chatsupport-admin",
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// The names the pages load their bundles and the stylesheet by: content-hashed by
/// `chatsupport assets` (its `pkg/manifest.json`), the build's own names without it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bundles {
    /// Each area's bundle name, in [`Area::ALL`] order.
    pub scripts: [String; 4],
    /// The stylesheet's file name in `/pkg`, shared by every area.
    pub stylesheet: String,
}

impl Bundles {
    pub fn script(&self, area: Area) -> &str {
        &self.scripts[area.index()]
    }

    pub fn script_mut(&mut self, area: Area) -> &mut String {
        &mut self.scripts[area.index()]
    }
}

impl Default for Bundles {
    fn default() -> Self {
        Self {
            scripts: Area::ALL.map(|area| area.build_name().to_owned()),
            stylesheet: format!("{}.css", Area::Main.build_name()),
        }
    }
}

/// The root of `area`'s pages, as the server renders it and that area's bundle hydrates it.
pub fn root(area: Area) -> AnyView {
    match area {
        Area::Main => view! { <MainApp /> }.into_any(),
        Area::Inbox => view! { <InboxApp /> }.into_any(),
        Area::Bots => view! { <BotsApp /> }.into_any(),
        Area::Admin => view! { <AdminApp /> }.into_any(),
    }
}

/// Every page of every area: the server's route list.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Title text="ChatSupport" />
        <Router>
            <Routes fallback=pages::NotFound>
                <AccountRoutes />
                <ParentRoute path=path!("") view=crate::DashboardLayout>
                    <MainRoutes />
                    <InboxRoutes />
                    <BotsRoutes />
                    <AdminRoutes />
                </ParentRoute>
            </Routes>
        </Router>
    }
}

#[component]
pub fn MainApp() -> impl IntoView {
    provide_meta_context();
    view! {
        <Title text="ChatSupport" />
        <Router>
            <Routes fallback=|| view! { <Elsewhere here=Area::Main /> }>
                <AccountRoutes />
                <ParentRoute path=path!("") view=crate::DashboardLayout>
                    <MainRoutes />
                </ParentRoute>
            </Routes>
        </Router>
    }
}

#[component]
pub fn InboxApp() -> impl IntoView {
    provide_meta_context();
    view! {
        <Title text="ChatSupport" />
        <Router>
            <Routes fallback=|| view! { <Elsewhere here=Area::Inbox /> }>
                <ParentRoute path=path!("") view=crate::DashboardLayout>
                    <InboxRoutes />
                </ParentRoute>
            </Routes>
        </Router>
    }
}

#[component]
pub fn BotsApp() -> impl IntoView {
    provide_meta_context();
    view! {
        <Title text="ChatSupport" />
        <Router>
            <Routes fallback=|| view! { <Elsewhere here=Area::Bots /> }>
                <ParentRoute path=path!("") view=crate::DashboardLayout>
                    <BotsRoutes />
                </ParentRoute>
            </Routes>
        </Router>
    }
}

#[component]
pub fn AdminApp() -> impl IntoView {
    provide_meta_context();
    view! {
        <Title text="ChatSupport" />
        <Router>
            <Routes fallback=|| view! { <Elsewhere here=Area::Admin /> }>
                <ParentRoute path=path!("") view=crate::DashboardLayout>
                    <AdminRoutes />
                </ParentRoute>
            </Routes>
        </Router>
    }
}

#[component(transparent)]
fn AccountRoutes() -> impl leptos_router::MatchNestedRoutes + Clone {
    view! {
        <Route path=path!("/login") view=pages::login::LoginPage />
        <Route path=path!("/register") view=pages::account::RegisterPage />
        <Route path=path!("/verify-email") view=pages::account::VerifyEmailPage />
        <Route path=path!("/forgot-password") view=pages::account::ForgotPasswordPage />
        <Route path=path!("/reset-password") view=pages::account::ResetPasswordPage />
        <Route path=path!("/accept-invite") view=pages::account::AcceptInvitePage />
    }
    .into_inner()
    .into_any_nested_route()
}

#[component(transparent)]
fn MainRoutes() -> impl leptos_router::MatchNestedRoutes + Clone {
    view! {
        <Route path=path!("/") view=|| view! { <Redirect path="/conversations" /> } />
        <Route path=path!("/users") view=pages::users::UsersPage />
        <Route path=path!("/team") view=pages::team::TeamPage />
        <Route path=path!("/audit") view=pages::audit::AuditPage />
        <Route path=path!("/profile") view=pages::profile::ProfilePage />
        <Route path=path!("/settings") view=pages::settings::SettingsPage />
        <Route path=path!("/billing") view=pages::billing::BillingPage />
        <Route path=path!("/outbox") view=pages::outbox::OutboxPage />
    }
    .into_inner()
    .into_any_nested_route()
}

#[component(transparent)]
fn InboxRoutes() -> impl leptos_router::MatchNestedRoutes + Clone {
    view! { <Route path=path!("/conversations") view=pages::conversations::ConversationsPage /> }.into_inner()
}

#[component(transparent)]
fn BotsRoutes() -> impl leptos_router::MatchNestedRoutes + Clone {
    view! {
        <Route path=path!("/bots") view=pages::bots::BotsPage />
        <Route path=path!("/bots/new") view=pages::new_bot::NewBotPage />
        <Route path=path!("/bots/:id/knowledge") view=pages::knowledge::KnowledgePage />
    }
    .into_inner()
    .into_any_nested_route()
}

#[component(transparent)]
fn AdminRoutes() -> impl leptos_router::MatchNestedRoutes + Clone {
    view! { <Route path=path!("/admin") view=pages::admin::AdminPage /> }.into_inner()
}

/// A path this bundle has no route for. Reached by client-side navigation to another area's
/// page, the browser loads that page from the server (with its area's bundle) and shows
/// "Loading…" meanwhile; any other path is not found. The page the server sent is always
/// what it rendered, its 404 page: that covers `/admin` for someone who is not an operator,
/// which the server answers with the main area's 404 rather than the operators' bundle.
#[component]
fn Elsewhere(here: Area) -> impl IntoView {
    let location = use_location();
    let sent_by_server = Owner::current_shared_context().is_some_and(|context| context.during_hydration());
    let elsewhere = Memo::new(move |_| !sent_by_server && Area::of(&location.pathname.get()) != here);
    #[cfg(feature = "browser")]
    Effect::new(move || {
        if !elsewhere.get() {
            return;
        }
        let search = location.search.get_untracked();
        let query = if search.is_empty() { String::new() } else { format!("?{search}") };
        let target = format!("{}{query}{}", location.pathname.get_untracked(), location.hash.get_untracked());
        if let Some(window) = web_sys::window() {
            let _ = window.location().assign(&target);
        }
    });
    move || match elsewhere.get() {
        true => view! { <p class="empty" role="status">"Loading…"</p> }.into_any(),
        false => view! { <pages::NotFound /> }.into_any(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_path_belongs_to_one_area() {
        assert_eq!(Area::of("/bots"), Area::Bots);
        assert_eq!(Area::of("/bots/new"), Area::Bots);
        assert_eq!(Area::of("/bots/3f2a/knowledge"), Area::Bots);
        assert_eq!(Area::of("/admin"), Area::Admin);
        assert_eq!(Area::of("/conversations"), Area::Inbox);
        assert_eq!(Area::of("/team"), Area::Main);
        assert_eq!(Area::of("/login"), Area::Main);
        assert_eq!(Area::of("/"), Area::Main);
        // A prefix alone is not the area: /botsfoo is an unknown page of the main bundle.
        assert_eq!(Area::of("/botsfoo"), Area::Main);
        assert_eq!(Area::of("/administration"), Area::Main);
    }

    #[test]
    fn without_a_manifest_the_pages_load_the_builds_own_names() {
        let bundles = Bundles::default();
        assert_eq!(bundles.script(Area::Main), "chatsupport");
        assert_eq!(bundles.script(Area::Inbox), "chatsupport-inbox");
        assert_eq!(bundles.script(Area::Bots), "chatsupport-bots");
        assert_eq!(bundles.script(Area::Admin), "chatsupport-admin");
        assert_eq!(bundles.stylesheet, "chatsupport.css");
    }
}
