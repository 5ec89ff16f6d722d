//! What the widget remembers between page loads (in the iframe's localStorage, keyed by bot):
//! the visitor id and the open conversation. Written only after the visitor has interacted.

fn store() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

fn key(bot: &str, what: &str) -> String {
    format!("chatsupport:{bot}:{what}")
}

pub fn read(bot: &str, what: &str) -> Option<String> {
    store()?.get_item(&key(bot, what)).ok().flatten()
}

pub fn write(bot: &str, what: &str, value: &str) {
    if let Some(store) = store() {
        let _ = store.set_item(&key(bot, what), value);
    }
}
