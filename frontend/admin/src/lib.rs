#![recursion_limit = "256"]
//! The hydrate entry of the operators' console (`/admin`; `app::areas`): its own bundle, so
//! no workspace's pages carry it.

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::areas::AdminApp);
}
