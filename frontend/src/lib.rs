#![recursion_limit = "256"]
//! The hydrate entry of the dashboard's main area (sign-in, inbox, people, team, settings, billing;
//! `app::areas`): compiled to wasm32, loaded by those pages, it takes over the
//! server-rendered DOM. Nothing else belongs here; the app lives in the `app` crate.

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::areas::MainApp);
}
