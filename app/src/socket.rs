//! A browser WebSocket speaking `app::protocol`, shared by the dashboard and the widget:
//! builds the URL from the page's own origin, decodes `ServerMsg` frames, and reports opens and
//! closes so the owner can reconnect with [`backoff`].

use std::time::Duration;

use wasm_bindgen::{JsCast, closure::Closure};
use web_sys::{MessageEvent, WebSocket};

use crate::protocol::ClientMsg;

/// `ws(s)://<this page's host><path>`.
pub fn url(path: &str) -> Option<String> {
    let location = web_sys::window()?.location();
    let scheme = if location.protocol().ok()? == "https:" { "wss" } else { "ws" };
    Some(format!("{scheme}://{}{path}", location.host().ok()?))
}

/// Delay before reconnect attempt `attempt` (0-based): 0.5 s, 1 s, 2 s … capped at 15 s.
pub fn backoff(attempt: u32) -> Duration {
    Duration::from_millis(500u64.saturating_mul(1 << attempt.min(5)).min(15_000))
}

/// Opens a socket and wires its callbacks. The callbacks live as long as the page. Frames are
/// read by `decode`: `ServerMsg`'s decoder for the dashboard, `WidgetFrame::parse` for the
/// widget; frames it cannot read are dropped.
pub fn open<M: 'static>(
    url: &str,
    decode: fn(&str) -> Option<M>,
    on_open: impl FnMut() + 'static,
    mut on_message: impl FnMut(M) + 'static,
    on_close: impl FnMut() + 'static,
) -> Option<WebSocket> {
    let ws = WebSocket::new(url).ok()?;
    let opened = Closure::<dyn FnMut()>::new(on_open);
    ws.set_onopen(Some(opened.as_ref().unchecked_ref()));
    opened.forget();
    let received = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        if let Some(text) = event.data().as_string()
            && let Some(msg) = decode(&text)
        {
            on_message(msg);
        }
    });
    ws.set_onmessage(Some(received.as_ref().unchecked_ref()));
    received.forget();
    let closed = Closure::<dyn FnMut()>::new(on_close);
    ws.set_onclose(Some(closed.as_ref().unchecked_ref()));
    closed.forget();
    Some(ws)
}

pub fn send(ws: &WebSocket, msg: &ClientMsg) {
    let _ = ws.send_with_str(&msg.to_json());
}
