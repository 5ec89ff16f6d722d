//! The visitor chat widget: a Leptos CSR app in an iframe at `/widget/{public_key}`. It talks
//! to the server over one WebSocket using `app::protocol`, shows the conversation, and never
//! loses what the visitor typed: unsent messages stay queued (with their client ids) and are
//! resent after a reconnect; the server stores each id once.
//!
//! It writes nothing to storage until the visitor sends a first message.

mod chat;
mod i18n;
mod storage;

use app::{
    dto::{AnswerOutcome, SenderKind},
    protocol::VisitorDetails,
};
use leptos::prelude::*;

use app::protocol::TeamStage as Stage;
use chat::{Chat, Link};

fn main() {
    // Readable panics while developing; the release build leaves the hook's 1 KB out.
    #[cfg(debug_assertions)]
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(Widget);
}

#[component]
fn Widget() -> impl IntoView {
    let chat = Chat::start();
    let draft = RwSignal::new(String::new());
    let send = move || {
        let text = draft.get_untracked();
        if text.chars().count() > app::protocol::MAX_MESSAGE_CHARS {
            return;
        }
        if chat.send(text) {
            draft.set(String::new());
        }
    };
    let t = Memo::new(move |_| i18n::pick(chat.profile.read().as_ref().and_then(|p| p.language.as_deref())));
    // Once a person joined, the header is theirs: their name and avatar (else initial).
    let title = move || match chat.stage.get() {
        Stage::Agent { name, .. } => name,
        _ => chat.profile.get().map(|p| p.name).unwrap_or_else(|| t.get().chat.to_owned()),
    };
    let avatar = move || match chat.stage.get() {
        Stage::Agent { avatar_url, .. } => avatar_url,
        _ => chat.profile.get().and_then(|p| p.avatar_url),
    };
    let link_text = move || match chat.link.get() {
        Link::Connecting => Some(t.get().connecting),
        Link::Online => None,
        Link::Offline => Some(t.get().reconnecting),
    };
    // The bot's look, worked out by the server: classes (style/widget.css) and colours.
    let look = move || chat.profile.get().map(|p| (format!("widget {}", p.look_class), p.look_style));
    // Before the first message: the pre-chat form when the bot asks who the visitor is, the
    // offline form outside business hours; otherwise straight to the conversation.
    let form = move || {
        let p = chat.profile.get()?;
        let fresh = chat.conversation.read().is_none()
            && chat.messages.read().is_empty()
            && chat.pending.read().is_empty();
        let asks = p.collect_name || p.collect_email;
        match (fresh, p.online) {
            (true, false) => Some(Intake::Offline),
            (true, true) if asks && chat.details.read().is_none() => Some(Intake::PreChat),
            _ => None,
        }
    };
    let offline_sent =
        move || chat.profile.read().as_ref().is_some_and(|p| !p.online) && chat.details.read().is_some();

    // The newest message scrolls into view as it arrives, unless the visitor scrolled up to
    // read; then a "new messages" pill says so.
    let log = NodeRef::<leptos::html::Div>::new();
    let pinned = RwSignal::new(true);
    let unseen = RwSignal::new(false);
    // Where the log was last scrolled to by us: a scroll event that arrives after the content
    // grew again (a long answer) is not the visitor scrolling up.
    let scrolled_to = StoredValue::new(0);
    let to_bottom = move || {
        if let Some(el) = log.get_untracked() {
            el.set_scroll_top(el.scroll_height());
            scrolled_to.set_value(el.scroll_top());
        }
        unseen.set(false);
    };
    Effect::new(move |_| {
        chat.messages.track();
        chat.pending.track();
        chat.streamed.track();
        chat.typing.track();
        chat.stage.track();
        if pinned.get_untracked() {
            // After this render: the new bubble is laid out.
            request_animation_frame(to_bottom);
        } else {
            unseen.set(true);
        }
    });
    let on_scroll = move |_| {
        if let Some(el) = log.get_untracked() {
            let at_bottom = el.scroll_height() - el.scroll_top() - el.client_height() < 40;
            pinned.set(at_bottom || el.scroll_top() + 2 >= scrolled_to.get_value());
            if at_bottom {
                unseen.set(false);
            }
        }
    };

    // Opening moves focus into the composer (on start, and when the loader reopens us);
    // Escape closes the panel, and the loader puts focus back on its launcher.
    let composer = NodeRef::<leptos::html::Textarea>::new();
    let focus = move || {
        if let Some(el) = composer.get_untracked() {
            let _ = el.focus();
        }
    };
    Effect::new(move |_| {
        if composer.get().is_some() {
            focus();
        }
    });
    chat::on_host_focus(focus);
    let _escape = window_event_listener(leptos::ev::keydown, |ev| {
        if ev.key() == "Escape" {
            chat::close_frame();
        }
    });
    let chars = move || draft.read().chars().count();
    let over = move || chars().saturating_sub(app::protocol::MAX_MESSAGE_CHARS);

    view! {
        <div
            class=move || look().map(|(c, _)| c).unwrap_or_else(|| "widget scheme-auto".to_owned())
            style=move || look().map(|(_, s)| s).unwrap_or_default()
            lang=move || t.get().lang
        >
            <header class="head">
                {move || match avatar() {
                    Some(src) => view! { <img class="avatar" src=src alt="" /> }.into_any(),
                    None => view! {
                        <span class="avatar" aria-hidden="true">{move || title().chars().next().unwrap_or('C').to_string()}</span>
                    }.into_any(),
                }}
                <h1>{title}</h1>
                <button type="button" class="close" aria-label=move || t.get().close on:click=move |_| chat::close_frame()>"×"</button>
            </header>
            {move || link_text().map(|text| view! { <p class="link" role="status">{text}</p> })}
            {move || match form() {
                Some(kind) => view! { <IntakeForm chat kind t /> }.into_any(),
                None => view! {
                    <div class="log" role="log" aria-label=move || t.get().conversation aria-live="polite" tabindex="0" node_ref=log on:scroll=on_scroll>
                    <ol class="messages">
                        {move || {
                            let has_messages = !chat.messages.read().is_empty();
                            (!has_messages).then(|| chat.profile.get().filter(|p| p.online).map(|p| view! {
                                <li class="msg from-bot"><p>{p.greeting}</p></li>
                            }))
                        }}
                        <For each=move || chat.messages.get() key=|m| m.id let:m>
                            <li class=format!("msg from-{}", m.sender.kind.as_str())>
                                {(m.sender.kind != SenderKind::Visitor).then(|| view! { <span class="who">{m.sender.name.clone()}</span> })}
                                {match m.answer.as_ref().filter(|a| !a.formatted.is_empty()) {
                                    Some(a) => view! { <div class="rich">{app::format::blocks_view(a.formatted.clone())}</div> }.into_any(),
                                    None => view! { <p>{m.content.clone()}</p> }.into_any(),
                                }}
                                // An answer's sources, linked where they have an address
                                // (`target=_blank` opens them without `window.opener`).
                                {m.answer.as_ref().filter(|a| !a.sources.is_empty()).map(|a| view! {
                                    <ul class="sources" aria-label=move || t.get().sources>
                                        {a.sources.iter().map(|s| match &s.url {
                                            Some(url) => view! { <li><a href=url.clone() target="_blank">{s.title.clone()}</a></li> }.into_any(),
                                            None => view! { <li>{s.title.clone()}</li> }.into_any(),
                                        }).collect_view()}
                                    </ul>
                                })}
                                {m.answer.as_ref().filter(|a| !matches!(a.outcome, AnswerOutcome::SmallTalk | AnswerOutcome::HandedOver)).map(|_| {
                                    let vote = RwSignal::new(m.helpful);
                                    let id = m.id;
                                    let thumb = move |up: bool, face: &'static str| view! {
                                        <button type="button" aria-pressed=move || (vote.get() == Some(up)).to_string()
                                            aria-label=move || if up { t.get().helpful } else { t.get().unhelpful }
                                            on:click=move |_| { vote.set(Some(up)); chat.feedback(id, up); }>{face}</button>
                                    };
                                    view! { <span class="thumbs">{thumb(true, "👍")}{thumb(false, "👎")}</span> }
                                })}
                                <time datetime=m.created_at.clone()>{clock_time(&m.created_at)}</time>
                            </li>
                        </For>
                        {move || chat.pending.get().into_iter().map(|p| {
                            let class = if p.error.is_some() { "msg from-visitor pending failed" } else { "msg from-visitor pending" };
                            let id = p.client_msg_id.clone();
                            // Sent too fast: a live countdown, then a tap resends it. One text and
                            // one button whose visibility changes: no view swapped in and out.
                            let retry_at = p.retry_at;
                            let left = move || retry_at.map(|at| ((at - chat.clock.get()) / 1000.0).ceil().max(0.0) as u64);
                            let error = p.error;
                            let state = move || match left() {
                                Some(0) => String::new(),
                                Some(n) => { let (before, after) = t.get().wait; format!("{before}{n}{after}") }
                                None => error.clone().unwrap_or_else(|| t.get().sending.to_owned()),
                            };
                            view! {
                                <li class=class>
                                    <p>{p.content}</p>
                                    <span class="state">{state}</span>
                                    <button type="button" class="resend" hidden=move || left() != Some(0) on:click=move |_| chat.resend(&id)>
                                        {move || t.get().resend}
                                    </button>
                                </li>
                            }
                        }).collect_view()}
                        // The bot's answer as it streams in, in place of its typing dots.
                        {move || {
                            let text = chat.streamed.get();
                            (!text.is_empty()).then(|| view! { <li class="msg from-bot"><p>{text}</p></li> })
                        }}
                        {move || chat.typing.get().filter(|_| chat.streamed.read().is_empty()).map(|name| view! {
                            <li class="typing" aria-label=format!("{name} {}", t.get().typing)><span></span><span></span><span></span></li>
                        })}
                        {move || offline_sent().then(|| view! { <li class="note" role="status">{t.get().thanks}</li> })}
                        {move || {
                            let s = t.get();
                            let note = match chat.stage.get() {
                                Stage::Escalated if !offline_sent() => match chat.queue.get() {
                                    Some(place) => format!("{} {place}.", s.escalated),
                                    None => s.escalated.to_owned(),
                                },
                                Stage::Agent { name, .. } => format!("{}{name}{}", s.joined.0, s.joined.1),
                                Stage::Rated => s.rated.to_owned(),
                                _ => return None,
                            };
                            Some(view! { <li class="note" role="status">{note}</li> })
                        }}
                    </ol>
                    </div>
                    <button type="button" class="new-messages" hidden=move || !unseen.get() on:click=move |_| { pinned.set(true); to_bottom(); }>
                        {move || t.get().new_messages} " ↓"
                    </button>
                    {move || (chat.stage.get() == Stage::Survey).then(|| view! { <Survey chat t /> })}
                    {move || (chat.contact.get() == Some(None)).then(|| view! { <ContactForm chat t /> })}
                    {move || chat.contact.get().flatten().map(|kept| {
                        let (before, after) = t.get().contact_saved;
                        view! { <p class="note contact" role="status">{before}{kept}{after}</p> }
                    })}
                    {move || {
                        let can_ask = chat.conversation.read().is_some()
                            && chat.stage.get() == Stage::Bot
                            && chat.profile.read().as_ref().is_some_and(|p| p.online);
                        can_ask.then(|| view! {
                            <button type="button" class="ask-person" on:click=move |_| chat.ask_for_person()>{move || t.get().ask_person}</button>
                        })
                    }}
                    {move || chat.error.get().map(|text| view! { <p class="error" role="alert">{text}</p> })}
                    <form class="compose" on:submit=move |ev| { ev.prevent_default(); send(); }>
                        <textarea
                            rows="1"
                            node_ref=composer
                            aria-label=move || t.get().message
                            aria-describedby="count"
                            placeholder=move || t.get().placeholder
                            prop:value=move || draft.get()
                            on:input=move |ev| {
                                let text = event_target_value(&ev);
                                chat.typed(&text);
                                draft.set(text);
                            }
                            on:keydown=move |ev| {
                                if ev.key() == "Enter" && !ev.shift_key() {
                                    ev.prevent_default();
                                    send();
                                }
                            }
                        ></textarea>
                        <button type="submit" disabled=move || { draft.read().trim().is_empty() || over() > 0 }>{move || t.get().send}</button>
                        // Near the limit, how much is left; over it, how much to remove (a paste
                        // is never cut silently).
                        <span id="count" class="count" class:over=move || { over() > 0 } aria-live="polite">
                            {move || match (chars(), over()) {
                                (_, 0) if chars() < COUNT_FROM => String::new(),
                                (n, 0) => format!("{n} / {}", app::protocol::MAX_MESSAGE_CHARS),
                                (_, extra) => { let (a, b) = t.get().too_long; format!("{a}{extra}{b}") }
                            }}
                        </span>
                    </form>
                }.into_any(),
            }}
        </div>
    }
}

/// From how many characters the composer shows its count.
const COUNT_FROM: usize = app::protocol::MAX_MESSAGE_CHARS * 9 / 10;

/// "14:05" in the visitor's time zone, from an RFC 3339 time.
fn clock_time(rfc3339: &str) -> String {
    let at = js_sys::Date::new(&rfc3339.into());
    if at.get_time().is_nan() {
        return String::new();
    }
    format!("{:02}:{:02}", at.get_hours(), at.get_minutes())
}

/// The survey after the team resolved the conversation: 1–5 stars (radio buttons, drawn as
/// stars by style/widget.css) and a comment.
#[component]
fn Survey(chat: Chat, t: Memo<&'static i18n::Strings>) -> impl IntoView {
    let score = RwSignal::new(0u8);
    let comment = RwSignal::new(String::new());
    let s = t.get_untracked();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        chat.rate(score.get_untracked(), comment.get_untracked());
    };
    view! {
        <form class="survey" on:submit=submit>
            <p id="survey-q">{s.rate}</p>
            // Highest first: the stars are laid out right to left so CSS can fill those before the
            // chosen one.
            <div class="stars" role="radiogroup" aria-labelledby="survey-q"
                on:change=move |ev| score.set(event_target_value(&ev).bytes().next().map_or(0, |b| b.wrapping_sub(b'0')))>
                {[("5", "star5", "5/5"), ("4", "star4", "4/5"), ("3", "star3", "3/5"), ("2", "star2", "2/5"), ("1", "star1", "1/5")]
                    .map(|(value, id, label)| view! {
                        <input type="radio" name="score" id=id value=value aria-label=label />
                        <label for=id aria-hidden="true">"★"</label>
                    })}
            </div>
            <textarea rows="2" maxlength="1000" aria-label=s.comment placeholder=s.comment
                on:input=move |ev| comment.set(event_target_value(&ev))></textarea>
            <button type="submit" disabled=move || score.get() == 0>{s.rate_send}</button>
        </form>
    }
}

/// Nobody from the team is online to take over: where should they answer?
#[component]
fn ContactForm(chat: Chat, t: Memo<&'static i18n::Strings>) -> impl IntoView {
    let s = t.get_untracked();
    let email = RwSignal::new(String::new());
    view! {
        <form class="intake contact" on:submit=move |ev| { ev.prevent_default(); chat.leave_contact(email.get_untracked()); }>
            <p>{s.contact_ask}</p>
            <label>
                <span>{s.email}</span>
                <input type="email" required maxlength="254" autocomplete="email"
                    on:input=move |ev| email.set(event_target_value(&ev)) />
            </label>
            <button type="submit">{s.send}</button>
        </form>
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Intake {
    PreChat,
    Offline,
}

/// The pre-chat form (name and/or email, as the bot asks) or, outside business hours, the
/// offline form (the bot's offline message, email required, and the message itself).
#[component]
fn IntakeForm(chat: Chat, kind: Intake, t: Memo<&'static i18n::Strings>) -> impl IntoView {
    let profile = chat.profile.get_untracked();
    let (collect_name, collect_email) =
        profile.as_ref().map_or((false, false), |p| (p.collect_name, p.collect_email));
    let offline = kind == Intake::Offline;
    let (name, email, text) =
        (RwSignal::new(String::new()), RwSignal::new(String::new()), RwSignal::new(String::new()));
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let given = |s: RwSignal<String>| Some(s.get_untracked().trim().to_owned()).filter(|v| !v.is_empty());
        chat.details.set(Some(VisitorDetails { name: given(name), email: given(email) }));
        if offline {
            chat.send(text.get_untracked());
        }
    };
    let field = move |label: &'static str, kind: &'static str, value: RwSignal<String>, required: bool| {
        view! {
            <label>
                <span>{label}</span>
                <input
                    type=kind
                    required=required
                    maxlength=if kind == "email" { "254" } else { "100" }
                    autocomplete=if kind == "email" { "email" } else { "name" }
                    prop:value=move || value.get()
                    on:input=move |ev| value.set(event_target_value(&ev))
                />
            </label>
        }
    };
    let s = t.get_untracked();
    view! {
        <form class="intake" on:submit=submit>
            {if offline {
                view! {
                    <h2>{s.offline_title}</h2>
                    <p>{profile.map(|p| p.offline_message).unwrap_or_default()}</p>
                }.into_any()
            } else {
                view! { <p>{s.intro}</p> }.into_any()
            }}
            {(offline || collect_name).then(|| field(s.name, "text", name, collect_name))}
            {(offline || collect_email).then(|| field(s.email, "email", email, true))}
            {offline.then(|| view! {
                <label>
                    <span>{s.leave_message}</span>
                    <textarea
                        required=true
                        rows="4"
                        maxlength=app::protocol::MAX_MESSAGE_CHARS.to_string()
                        prop:value=move || text.get()
                        on:input=move |ev| text.set(event_target_value(&ev))
                    ></textarea>
                </label>
            })}
            <button type="submit">{if offline { s.send } else { s.start }}</button>
        </form>
    }
}
