//! What the widget remembers between page loads: the visitor id and the open conversation,
//! per bot. Written only after the visitor sent a first message.
//!
//! The iframe's own `localStorage` is the first choice. Where the browser blocks third-party
//! storage (third-party cookies blocked: incognito, Brave, many settings) reading it throws,
//! so the identity is also handed to the loader on the host page (`chatsupport:remember`),
//! which keeps it in the host's own storage and in memory for the page view, and hands it
//! back when the widget asks (`chatsupport:hello` → `chatsupport:identity`). The loader
//! answers only its own frame, on our origin; we accept only our parent window's answer.

use wasm_bindgen::{JsCast, JsValue, closure::Closure};

/// The visitor id and the conversation to resume.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Identity {
    pub visitor: Option<String>,
    pub conversation: Option<String>,
}

/// How long the widget waits for the host page's answer before it starts afresh.
const HOST_ANSWER_MS: i32 = 400;

fn store() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

fn key(bot: &str, what: &str) -> String {
    format!("chatsupport:{bot}:{what}")
}

fn read(bot: &str, what: &str) -> Option<String> {
    store()?.get_item(&key(bot, what)).ok().flatten()
}

/// What the iframe's own storage holds (nothing where it is blocked).
pub fn own(bot: &str) -> Identity {
    Identity { visitor: read(bot, "visitor"), conversation: read(bot, "conversation") }
}

/// Keeps the identity in the iframe's storage where it works, and with the host page.
pub fn remember(bot: &str, identity: &Identity) {
    if let Some(store) = store() {
        for (what, value) in [("visitor", &identity.visitor), ("conversation", &identity.conversation)] {
            if let Some(value) = value {
                let _ = store.set_item(&key(bot, what), value);
            }
        }
    }
    let message = js_sys::Object::new();
    let set = |target: &js_sys::Object, name: &str, value: JsValue| {
        let _ = js_sys::Reflect::set(target, &name.into(), &value);
    };
    set(&message, "type", "chatsupport:remember".into());
    let inner = js_sys::Object::new();
    set(&inner, "visitor", identity.visitor.as_deref().map_or(JsValue::NULL, JsValue::from));
    set(&inner, "conversation", identity.conversation.as_deref().map_or(JsValue::NULL, JsValue::from));
    set(&message, "identity", inner.into());
    post_to_host(&message);
}

fn parent() -> Option<web_sys::Window> {
    let window = web_sys::window()?;
    let parent = window.parent().ok().flatten()?;
    // Opened on its own (not in a frame), the window is its own parent.
    (!js_sys::Object::is(&parent, &window)).then_some(parent)
}

fn post_to_host(message: &js_sys::Object) {
    if let Some(parent) = parent() {
        // The host page's origin is any site that embeds the bot; the loader checks ours.
        let _ = parent.post_message(message, "*");
    }
}

/// Asks the host page for the identity it keeps, and calls `done` once: with its answer, or
/// with nothing after a short wait (no loader, an old loader, nothing kept).
pub fn ask_host(done: impl FnOnce(Identity) + 'static) {
    let (Some(window), Some(_)) = (web_sys::window(), parent()) else {
        done(Identity::default());
        return;
    };
    let done = std::rc::Rc::new(std::cell::RefCell::new(Some(done)));
    let finish = {
        let done = done.clone();
        move |identity: Identity| {
            if let Some(done) = done.borrow_mut().take() {
                done(identity);
            }
        }
    };
    on_host_message("chatsupport:identity", {
        let finish = finish.clone();
        move |data| {
            let field = |target: &JsValue, name: &str| js_sys::Reflect::get(target, &name.into()).ok();
            let kept = field(&data, "identity").unwrap_or(JsValue::NULL);
            let text = |name: &str| field(&kept, name).and_then(|v| v.as_string()).filter(|v| !v.is_empty());
            finish(Identity { visitor: text("visitor"), conversation: text("conversation") });
        }
    });
    let on_timeout = Closure::once_into_js(move || finish(Identity::default()));
    let _ = window
        .set_timeout_with_callback_and_timeout_and_arguments_0(on_timeout.unchecked_ref(), HOST_ANSWER_MS);
    let hello = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&hello, &"type".into(), &"chatsupport:hello".into());
    post_to_host(&hello);
}

/// Calls `handle` with the data of each message of this `kind` from our parent window (the
/// loader), and of no other window.
pub fn on_host_message(kind: &'static str, mut handle: impl FnMut(JsValue) + 'static) {
    let (Some(window), Some(host)) = (web_sys::window(), parent()) else { return };
    let listener = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
        let from_host = event.source().is_some_and(|source| js_sys::Object::is(&source, &host));
        let data = event.data();
        let is_kind = js_sys::Reflect::get(&data, &"type".into()).ok().and_then(|t| t.as_string());
        if from_host && is_kind.as_deref() == Some(kind) {
            handle(data);
        }
    });
    let _ = window.add_event_listener_with_callback("message", listener.as_ref().unchecked_ref());
    listener.forget();
}
