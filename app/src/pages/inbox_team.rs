//! The inbox's side of who answers whom (issue "The agent inbox"): the teammate's own status
//! and the team's routing above the list; transfer and its answer in the open conversation;
//! the customer's other conversations, which merge into the open one; notices — on the page,
//! as a desktop notification once allowed, with a short sound — when a conversation is given
//! to the teammate, a transfer is asked of them, or a visitor starts waiting for a person; and
//! the keyboard shortcuts.

use leptos::prelude::*;

use crate::{
    api::{
        AnswerTransfer, DeleteCannedReply, MergeConversation, SaveCannedReply, SetAssignmentMode,
        SetMyAvailability, TransferConversation, canned_replies, load_team_routing,
    },
    assignment::{AgentStatus, AssignmentMode, Availability, TeamRouting},
    canned::{CannedReply, Variables, expand, insert, typed_shortcut},
    dto::{ConversationId, ConversationStatus, ConversationView},
    form::{FormAction, ServerForm},
    live::LiveFeed,
};

/// The team as routing last read it, shared by the status bar and the open conversation.
#[derive(Clone, Copy)]
pub struct Routing {
    pub team: RwSignal<Option<TeamRouting>>,
}

impl Routing {
    pub fn new() -> Self {
        Self { team: RwSignal::new(None) }
    }

    fn can_assign(self) -> bool {
        self.team.read().as_ref().is_some_and(|t| t.can_assign)
    }

    fn me(self) -> Option<uuid::Uuid> {
        self.team.read().as_ref().map(|t| t.me)
    }
}

impl Default for Routing {
    fn default() -> Self {
        Self::new()
    }
}

/// The teammate's status (their switch; away while the page is idle), the routing mode for
/// owners and admins, the queue, and the offer to turn desktop notifications on.
#[component]
pub fn TeamStatus(live: LiveFeed, routing: Routing) -> impl IntoView {
    let set_status = ServerAction::<SetMyAvailability>::new();
    let set_mode = ServerAction::<SetAssignmentMode>::new();
    // Read again at each socket open, after each change, and as conversations move (loads).
    let moves = move || {
        live.conversations.with(|all| {
            let last = all.last().map(|c| (c.id, c.status, c.assigned_agent.as_ref().map(|a| a.id)));
            (all.len(), last)
        })
    };
    let loaded = crate::load::resource(
        move || (live.opens.get(), set_status.version().get(), set_mode.version().get(), moves()),
        |_| load_team_routing(),
    );
    Effect::new(move |_| {
        if let Some(Ok(team)) = loaded.get() {
            routing.team.set(Some(team));
        }
    });
    let mine = move || {
        let team = routing.team.read();
        let team = team.as_ref()?;
        team.agents.iter().find(|a| a.id == team.me).cloned()
    };
    let shown = move || match (mine().map(|a| a.status), live.idle.get()) {
        (_, true) => "Away (idle)".to_owned(),
        (Some(status), false) => status.label().to_owned(),
        (None, false) => String::new(),
    };
    let dot = move || {
        let status = if live.idle.get() {
            AgentStatus::Away
        } else {
            mine().map_or(AgentStatus::Offline, |a| a.status)
        };
        format!("status-dot dot-{}", status.as_str())
    };
    let error = move || {
        set_status
            .value()
            .get()
            .and_then(|r| r.err())
            .or_else(|| set_mode.value().get().and_then(|r| r.err()))
            .map(|e| e.to_string())
    };
    view! {
        <div class="team-status" role="group" aria-label="Your status">
            {move || mine().map(|me| view! {
                <span class=dot aria-hidden="true"></span>
                <label>
                    <span class="visually-hidden">"Your availability"</span>
                    <select aria-label="Your availability" on:change=move |ev| {
                        if let Ok(availability) = event_target_value(&ev).parse::<Availability>() {
                            set_status.dispatch(SetMyAvailability { availability });
                        }
                    }>
                        {Availability::ALL.iter().map(|a| view! {
                            <option value=a.as_str() selected=me.availability == *a>{match a { Availability::Online => "Online", Availability::Away => "Away" }}</option>
                        }).collect_view()}
                    </select>
                </label>
                <span class="muted status-now">{shown}</span>
                <span class="muted">{format!("{} of {} open", me.open_conversations, me.max_conversations)}</span>
            })}
            {move || routing.team.get().filter(|t| t.can_assign).map(|team| view! {
                <label class="routing-mode">
                    "Routing "
                    <select aria-label="Routing" on:change=move |ev| {
                        if let Ok(mode) = event_target_value(&ev).parse::<AssignmentMode>() {
                            set_mode.dispatch(SetAssignmentMode { mode });
                        }
                    }>
                        {AssignmentMode::ALL.iter().map(|m| view! {
                            <option value=m.as_str() selected=team.mode == *m>{m.label()}</option>
                        }).collect_view()}
                    </select>
                </label>
            })}
            {move || routing.team.get().filter(|t| t.queued > 0).map(|t| view! {
                <span class="queue-count">{format!("{} waiting in the queue", t.queued)}</span>
            })}
            <NotifyOffer />
        </div>
        {move || error().map(|text| view! { <p class="error" role="alert">{text}</p> })}
    }
}

/// "Turn on desktop notifications", asked by a click (never on load), shown only while the
/// browser has not been told either way.
#[component]
fn NotifyOffer() -> impl IntoView {
    let undecided = RwSignal::new(false);
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        undecided.set(browser::permission() == Some(web_sys::NotificationPermission::Default))
    });
    let ask = move |_| {
        #[cfg(feature = "hydrate")]
        browser::ask_permission();
        undecided.set(false);
    };
    view! {
        <button type="button" class="secondary small" hidden=move || !undecided.get() on:click=ask>
            "Turn on desktop notifications"
        </button>
    }
}

/// A pending transfer and the transfer form, in the open conversation.
#[component]
pub fn TransferBox(
    conversation: Memo<ConversationView>,
    routing: Routing,
    transfer: FormAction<TransferConversation>,
    answer: ServerAction<AnswerTransfer>,
) -> impl IntoView {
    let id = move || conversation.read().id;
    let holder = move || conversation.read().assigned_agent.as_ref().map(|a| a.id);
    let status = move || conversation.read().status;
    let mine = move || holder().is_some() && holder() == routing.me();
    let waiting_or_held =
        move || matches!(status(), ConversationStatus::Escalated | ConversationStatus::AgentHandling);
    // The holder asks; owners and admins move it from anyone.
    let can_transfer = move || {
        waiting_or_held()
            && ((mine() && status() == ConversationStatus::AgentHandling) || routing.can_assign())
    };
    let must_force = move || !mine() && routing.can_assign();
    let form = NodeRef::<leptos::html::Form>::new();
    Effect::new(move |_| {
        if matches!(transfer.value().get(), Some(Ok(_))) {
            crate::form::clear(form);
        }
    });
    let choices = move || {
        let team = routing.team.get();
        let holder = holder();
        team.map(|t| t.agents.into_iter().filter(|a| Some(a.id) != holder).collect::<Vec<_>>())
            .unwrap_or_default()
    };
    view! {
        {move || conversation.read().transfer.clone().map(|asked| {
            let me = routing.me();
            let note = asked.note.clone().map(|n| format!(": “{n}”")).unwrap_or_default();
            if Some(asked.to_id) == me {
                view! {
                    <div class="transfer-asked" role="group" aria-label="Transfer asked of you">
                        <p>{format!("{} asks you to take this conversation{note}", asked.by_name)}</p>
                        <button type="button" on:click=move |_| { answer.dispatch(AnswerTransfer { id: id(), accept: true }); }>"Accept"</button>
                        <button type="button" class="secondary" on:click=move |_| { answer.dispatch(AnswerTransfer { id: id(), accept: false }); }>"Decline"</button>
                    </div>
                }.into_any()
            } else if mine() {
                view! {
                    <div class="transfer-asked" role="group" aria-label="Transfer asked">
                        <p>{format!("Waiting for {} to accept the transfer{note}", asked.to_name)}</p>
                        <button type="button" class="secondary" on:click=move |_| { answer.dispatch(AnswerTransfer { id: id(), accept: false }); }>"Withdraw"</button>
                    </div>
                }.into_any()
            } else {
                view! { <p class="muted">{format!("{} asked {} to take it{note}", asked.by_name, asked.to_name)}</p> }.into_any()
            }
        })}
        {move || can_transfer().then(|| view! {
            <details class="transfer">
                <summary>"Transfer"</summary>
                <ServerForm action=transfer node_ref=form>
                    <input type="hidden" name="id" value=move || id().to_string() />
                    <label>
                        "To "
                        <select name="agent_id" required aria-label="Transfer to">
                            <option value="">"Choose a teammate"</option>
                            {move || choices().into_iter().map(|a| view! {
                                <option value=a.id.to_string()>{format!("{} · {} · {} of {} open", a.name, a.status.label(), a.open_conversations, a.max_conversations)}</option>
                            }).collect_view()}
                        </select>
                    </label>
                    <textarea name="note" rows="2" maxlength=crate::assignment::MAX_TRANSFER_NOTE_CHARS.to_string()
                        aria-label="Transfer note" placeholder="What should they know? (optional)"></textarea>
                    {move || if must_force() {
                        view! { <input type="hidden" name="force" value="on" /> }.into_any()
                    } else if routing.can_assign() {
                        view! { <label class="check"><input type="checkbox" name="force" />" Move it now (do not ask)"</label> }.into_any()
                    } else {
                        ().into_any()
                    }}
                    <button type="submit" disabled=move || transfer.pending().get()>
                        {move || if must_force() { "Move" } else { "Transfer" }}
                    </button>
                </ServerForm>
            </details>
        })}
    }
}

/// The customer: who they are, and their other conversations, each of which can be merged
/// into the open one.
#[component]
pub fn CustomerPanel(
    conversation: Memo<ConversationView>,
    others: Vec<ConversationView>,
    merge: ServerAction<MergeConversation>,
) -> impl IntoView {
    let id = move || conversation.read().id;
    let count = others.len();
    view! {
        <section class="customer" aria-label="Customer">
            <h3>"Customer"</h3>
            <p>
                <strong>{move || conversation.read().visitor_name.clone()}</strong>
                {move || conversation.read().visitor_email.clone().map(|e| view! { " · " <a href=format!("mailto:{e}")>{e.clone()}</a> })}
            </p>
            {(count == 0).then(|| view! { <p class="muted">"This is the customer's only conversation."</p> })}
            {(count > 0).then(|| view! {
                <h4>{format!("Other conversations ({count})")}</h4>
                <ul class="others">
                    {others.into_iter().map(|c| {
                        let source = c.id;
                        let open = c.status.is_open();
                        view! {
                            <li>
                                <a href=format!("/conversations?c={source}")>{format!("{} · {}", super::short_time(&c.started_at), c.preview)}</a>
                                <span class=format!("status status-{}", c.status.as_str())>{c.status.label()}</span>
                                <button type="button" class="secondary small" disabled=move || merge.pending().get()
                                    title=if open { "Its messages move here; it is archived" } else { "Its messages move here" }
                                    on:click=move |_| { merge.dispatch(MergeConversation { id: id(), source }); }>
                                    "Merge into this one"
                                </button>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            })}
            {move || merge.value().get().and_then(|r| r.err()).map(|e| view! { <p class="error" role="alert">{e.to_string()}</p> })}
        </section>
    }
}

/// What deserves the teammate's attention in a conversation that just changed.
fn notice(c: &ConversationView, me: uuid::Uuid) -> Option<String> {
    if c.transfer.as_ref().is_some_and(|t| t.to_id == me) {
        let by = c.transfer.as_ref().map(|t| t.by_name.clone()).unwrap_or_default();
        return Some(format!("{by} asks you to take the conversation with {}", c.visitor_name));
    }
    let given = c.assigned_agent.as_ref().map(|a| a.id);
    match (c.status, given) {
        (ConversationStatus::Escalated, Some(agent)) if agent == me => {
            Some(format!("The conversation with {} is yours", c.visitor_name))
        }
        (ConversationStatus::Escalated, None) => Some(format!("{} is waiting for a person", c.visitor_name)),
        _ => None,
    }
}

/// Notices as conversations change: given to the teammate, a transfer asked of them, a
/// visitor waiting for a person. On the page, and on the desktop with a sound when allowed.
#[component]
pub fn Assignments(live: LiveFeed, routing: Routing) -> impl IntoView {
    let shown = RwSignal::new(None::<(String, ConversationId)>);
    let told = StoredValue::new(std::collections::HashSet::<(ConversationId, String)>::new());
    Effect::new(move |_| {
        let Some(me) = routing.me() else { return };
        let Some(latest) = live.conversations.with(|all| all.last().cloned()) else { return };
        let Some(text) = notice(&latest, me) else { return };
        let key = (latest.id, text.clone());
        if told.with_value(|t| t.contains(&key)) {
            return;
        }
        told.update_value(|t| {
            t.insert(key);
        });
        #[cfg(feature = "hydrate")]
        browser::alert(&text);
        shown.set(Some((text, latest.id)));
    });
    view! {
        <aside class="mentions assignments" aria-live="polite" aria-label="Assignments">
            {move || shown.get().map(|(text, id)| view! {
                <p class="toast">
                    {format!("{text} ")}<a href=format!("/conversations?c={id}")>"Open it"</a>
                    <button type="button" class="dismiss" aria-label="Dismiss" on:click=move |_| shown.set(None)>"×"</button>
                </p>
            })}
        </aside>
    }
}

/// The inbox's keys: j/k next and previous conversation, t take over, r reply, e resolve,
/// ? this help. Not while typing in a field, nor with a modifier held.
#[component]
pub fn Shortcuts(
    listed: RwSignal<Vec<(ConversationId, String)>>,
    selected: Memo<Option<ConversationId>>,
    take: impl Fn(ConversationId) + Clone + Send + Sync + 'static,
    resolve: impl Fn(ConversationId) + Clone + Send + Sync + 'static,
) -> impl IntoView {
    let help = RwSignal::new(false);
    #[cfg(feature = "hydrate")]
    {
        let navigate = leptos_router::hooks::use_navigate();
        let handle = window_event_listener(leptos::ev::keydown, move |ev| {
            if ev.ctrl_key() || ev.meta_key() || ev.alt_key() || browser::typing_in_a_field(&ev) {
                return;
            }
            let step = |by: isize| {
                let list = listed.get_untracked();
                let at = selected.get_untracked().and_then(|id| list.iter().position(|(c, _)| *c == id));
                let next = match at {
                    Some(at) => at as isize + by,
                    None => 0,
                };
                list.get(usize::try_from(next).ok()?).map(|(_, link)| link.clone())
            };
            match ev.key().as_str() {
                "j" => step(1).into_iter().for_each(|link| navigate(&link, Default::default())),
                "k" => step(-1).into_iter().for_each(|link| navigate(&link, Default::default())),
                "t" => selected.get_untracked().into_iter().for_each(&take),
                "e" => selected.get_untracked().into_iter().for_each(&resolve),
                "r" => {
                    ev.prevent_default();
                    browser::focus("#reply-box");
                }
                "?" => help.update(|h| *h = !*h),
                "Escape" => help.set(false),
                _ => {}
            }
        });
        on_cleanup(move || handle.remove());
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (listed, selected, take, resolve);
    view! {
        <button type="button" class="secondary small shortcuts-button" aria-label="Keyboard shortcuts" on:click=move |_| help.update(|h| *h = !*h)>"?"</button>
        <div class="shortcuts" role="dialog" aria-label="Keyboard shortcuts" hidden=move || !help.get()>
            <h3>"Keyboard shortcuts"</h3>
            <dl>
                <dt><kbd>"j"</kbd></dt><dd>"Next conversation"</dd>
                <dt><kbd>"k"</kbd></dt><dd>"Previous conversation"</dd>
                <dt><kbd>"t"</kbd></dt><dd>"Take over"</dd>
                <dt><kbd>"r"</kbd></dt><dd>"Reply"</dd>
                <dt><kbd>"e"</kbd></dt><dd>"Resolve"</dd>
                <dt><kbd>"?"</kbd></dt><dd>"Show or hide this help"</dd>
            </dl>
            <button type="button" class="secondary small" on:click=move |_| help.set(false)>"Close"</button>
        </div>
    }
}

/// The organization's canned replies as last read (the manager keeps it; the reply box reads it).
#[derive(Clone, Copy)]
pub struct Canned {
    pub list: RwSignal<Vec<CannedReply>>,
}

impl Canned {
    pub fn new() -> Self {
        Self { list: RwSignal::new(Vec::new()) }
    }
}

impl Default for Canned {
    fn default() -> Self {
        Self::new()
    }
}

/// The team's canned replies: each `/shortcut` with its text and a delete button, and a form
/// that adds one. Folded away: agents use them from the reply box.
#[component]
pub fn CannedReplies(canned: Canned) -> impl IntoView {
    let save = FormAction::<SaveCannedReply>::new();
    let delete = ServerAction::<DeleteCannedReply>::new();
    let loaded =
        crate::load::resource(move || (save.version().get(), delete.version().get()), |_| canned_replies());
    Effect::new(move |_| {
        if let Some(Ok(list)) = loaded.get() {
            canned.list.set(list);
        }
    });
    let form = NodeRef::<leptos::html::Form>::new();
    Effect::new(move |_| {
        if matches!(save.value().get(), Some(Ok(_))) {
            crate::form::clear(form);
        }
    });
    let error = move || {
        save.value()
            .get()
            .and_then(|r| r.err())
            .or_else(|| delete.value().get().and_then(|r| r.err()))
            .map(|e| e.to_string())
    };
    view! {
        <details class="canned">
            <summary>{move || format!("Canned replies ({})", canned.list.read().len())}</summary>
            <p class="muted">"Type / and the shortcut in a reply. {customer.name}, {customer.first_name}, {customer.email}, {agent.name} and {bot.name} are filled in."</p>
            <ul class="canned-list" aria-label="Canned replies">
                {move || canned.list.get().into_iter().map(|r| {
                    let id = r.id;
                    view! {
                        <li>
                            <code>{format!("/{}", r.shortcut)}</code>
                            <span class="muted">{r.content.chars().take(80).collect::<String>()}</span>
                            <button type="button" class="untag" aria-label=format!("Delete /{}", r.shortcut)
                                on:click=move |_| { delete.dispatch(DeleteCannedReply { id }); }>"×"</button>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <ServerForm action=save node_ref=form>
                <input name="shortcut" required maxlength="33" aria-label="Shortcut" placeholder="/thanks" autocomplete="off" />
                <textarea name="content" rows="2" required maxlength=crate::canned::MAX_CONTENT_CHARS.to_string()
                    aria-label="Canned reply" placeholder="Thanks {customer.first_name}, glad I could help!"></textarea>
                <button type="submit" class="secondary small" disabled=move || save.pending().get()>"Save reply"</button>
            </ServerForm>
            {move || error().map(|text| view! { <p class="error" role="alert">{text}</p> })}
        </details>
    }
}

/// Under the reply box while a `/shortcut` is typed: the canned replies it could be; a click
/// (or Tab for the first) puts the reply in the box with its variables filled in.
#[component]
pub fn CannedSuggestions(
    canned: Canned,
    typed: RwSignal<String>,
    reply_box: NodeRef<leptos::html::Textarea>,
    vars: Signal<Variables>,
) -> impl IntoView {
    let choices = move || {
        let text = typed.get();
        let Some(word) = typed_shortcut(&text) else { return Vec::new() };
        let word = word.to_lowercase().replace('_', "-");
        canned
            .list
            .with(|all| all.iter().filter(|r| r.shortcut.starts_with(&word)).take(8).cloned().collect())
    };
    view! {
        {move || {
            let found: Vec<CannedReply> = choices();
            (!found.is_empty()).then(|| view! {
                <ul class="canned-choices" role="listbox" aria-label="Canned replies to insert">
                    {found.into_iter().map(|r| {
                        let content = r.content.clone();
                        view! {
                            <li role="option" aria-selected="false">
                                <button type="button" on:click=move |_| use_canned(&content, typed, reply_box, vars)>
                                    <code>{format!("/{}", r.shortcut)}</code>
                                    " "
                                    {expand(&r.content, &vars.get()).chars().take(100).collect::<String>()}
                                </button>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            })
        }}
    }
}

/// Puts a canned reply in place of the `/shortcut` being typed.
pub fn use_canned(
    content: &str,
    typed: RwSignal<String>,
    reply_box: NodeRef<leptos::html::Textarea>,
    vars: Signal<Variables>,
) {
    let text = insert(&typed.get_untracked(), &expand(content, &vars.get_untracked()));
    if let Some(field) = reply_box.get_untracked() {
        field.set_value(&text);
        let _ = field.focus();
    }
    typed.set(text);
}

/// The first canned reply the `/shortcut` being typed could be (Tab takes it).
pub fn first_choice(canned: Canned, typed: &str) -> Option<String> {
    let word = typed_shortcut(typed)?.to_lowercase().replace('_', "-");
    canned
        .list
        .with_untracked(|all| all.iter().find(|r| r.shortcut.starts_with(&word)).map(|r| r.content.clone()))
}

#[cfg(feature = "hydrate")]
mod browser {
    use wasm_bindgen::JsCast;
    use web_sys::{Notification, NotificationOptions, NotificationPermission};

    pub fn permission() -> Option<NotificationPermission> {
        // Absent in some browsers (and in insecure contexts): then there is nothing to offer.
        js_sys::Reflect::has(&js_sys::global(), &"Notification".into()).ok()?.then(Notification::permission)
    }

    pub fn ask_permission() {
        if permission().is_some() {
            let _ = Notification::request_permission();
        }
    }

    /// A desktop notification when allowed, and a short tone.
    pub fn alert(text: &str) {
        if permission() == Some(NotificationPermission::Granted) {
            let options = NotificationOptions::new();
            options.set_body(text);
            let _ = Notification::new_with_options("ChatSupport", &options);
        }
        beep();
    }

    /// 150 ms at 880 Hz, quietly (a browser that blocks sound before a click stays silent).
    fn beep() {
        let Ok(audio) = web_sys::AudioContext::new() else { return };
        let (Ok(tone), Ok(gain)) = (audio.create_oscillator(), audio.create_gain()) else { return };
        tone.frequency().set_value(880.0);
        gain.gain().set_value(0.05);
        let _ = tone.connect_with_audio_node(&gain);
        let _ = gain.connect_with_audio_node(&audio.destination());
        let now = audio.current_time();
        let _ = tone.start();
        let _ = tone.stop_with_when(now + 0.15);
    }

    /// Whether the key went to a field the teammate is writing in.
    pub fn typing_in_a_field(ev: &web_sys::KeyboardEvent) -> bool {
        ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()).is_some_and(|e| {
            matches!(e.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
                || e.closest("[contenteditable]").ok().flatten().is_some()
        })
    }

    pub fn focus(selector: &str) {
        let found = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.query_selector(selector).ok().flatten())
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
        if let Some(field) = found {
            let _ = field.focus();
        }
    }
}
