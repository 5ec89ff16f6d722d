#![recursion_limit = "256"]
//! The hydrate entry of the dashboard's agent inbox (`/conversations`; `app::areas`): its own
//! bundle, so the inbox's features do not weigh on the other pages, nor theirs on the inbox.

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::areas::InboxApp);
}
