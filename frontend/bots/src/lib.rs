#![recursion_limit = "256"]
//! The hydrate entry of the dashboard's bot builder (bots, the guided flow, knowledge;
//! `app::areas`): its own bundle, so the main area's pages do not carry it.

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::areas::BotsApp);
}
