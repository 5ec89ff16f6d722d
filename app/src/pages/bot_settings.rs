//! A bot's settings form (PRD §5.2.2): the launcher and panel look, language, pre-chat form,
//! business hours with the offline message, behaviour, and the sites allowed to show the
//! widget. The whole document is saved at once; the same rules as the server's run before
//! sending, and open widgets redraw as soon as it is saved.

use leptos::prelude::*;
use serde::{Serialize, de::DeserializeOwned};

use crate::{
    ApiError,
    api::UpdateChatbot,
    bot_settings::{BotSettings, DayHours, LANGUAGES, WEEKDAYS},
    dto::ChatbotView,
};

type Settings = RwSignal<BotSettings>;

/// An enum's wire name (`bottom-left`), and back.
fn wire<T: Serialize>(value: &T) -> String {
    serde_json::to_value(value).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

fn from_wire<T: DeserializeOwned>(text: String) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(text)).ok()
}

fn text_input(
    s: Settings,
    label: &'static str,
    kind: &'static str,
    get: fn(&BotSettings) -> String,
    set: fn(&mut BotSettings, String),
) -> AnyView {
    view! {
        <label>
            {label}
            <input
                type=kind
                prop:value=move || s.with(get)
                on:input=move |ev| s.update(|s| set(s, event_target_value(&ev)))
            />
        </label>
    }
    .into_any()
}

fn number_input(
    s: Settings,
    label: &'static str,
    (min, max): (u32, u32),
    get: fn(&BotSettings) -> u32,
    set: fn(&mut BotSettings, u32),
) -> AnyView {
    view! {
        <label>
            {label}
            <input
                type="number"
                min=min
                max=max
                prop:value=move || s.with(get).to_string()
                on:input=move |ev| {
                    if let Ok(n) = event_target_value(&ev).parse() {
                        s.update(|s| set(s, n));
                    }
                }
            />
        </label>
    }
    .into_any()
}

fn check_input(
    s: Settings,
    label: &'static str,
    get: fn(&BotSettings) -> bool,
    set: fn(&mut BotSettings, bool),
) -> AnyView {
    view! {
        <label class="check">
            <input type="checkbox" prop:checked=move || s.with(get) on:change=move |ev| s.update(|s| set(s, event_target_checked(&ev))) />
            {label}
        </label>
    }
    .into_any()
}

fn choice<T: Serialize + DeserializeOwned + PartialEq + Copy + Send + Sync + 'static>(
    s: Settings,
    label: &'static str,
    options: &'static [(T, &'static str)],
    get: fn(&BotSettings) -> T,
    set: fn(&mut BotSettings, T),
) -> AnyView {
    view! {
        <label>
            {label}
            <select on:change=move |ev| {
                if let Some(value) = from_wire::<T>(event_target_value(&ev)) {
                    s.update(|s| set(s, value));
                }
            }>
                {options.iter().map(|(value, text)| {
                    let value = *value;
                    view! { <option value=wire(&value) selected=move || s.with(get) == value>{*text}</option> }
                }).collect_view()}
            </select>
        </label>
    }
    .into_any()
}

/// Who writes the answers: the built-in answerer, the server's model or the organization's
/// own endpoint, with its model, key (an integration credential) and limits.
fn answers_fieldset(s: Settings) -> AnyView {
    use crate::bot_settings::AiProvider;
    const PROVIDERS: &[(AiProvider, &str)] = &[
        (AiProvider::Platform, AiProvider::Platform.label()),
        (AiProvider::BuiltIn, AiProvider::BuiltIn.label()),
        (AiProvider::Custom, AiProvider::Custom.label()),
    ];
    let keys = Resource::new(|| (), |_| crate::api::credentials());
    let custom = move || s.with(|s| s.ai.provider == AiProvider::Custom);
    let optional = |text: String| {
        let text = text.trim().to_owned();
        (!text.is_empty()).then_some(text)
    };
    view! {
        <fieldset>
            <legend>"Answers"</legend>
            <p class="muted">"Every writer answers only from the bot's knowledge, with the same confidence and hand-over rules; a model words the answer, the built-in answerer quotes it."</p>
            {choice(s, "Who writes the answers", PROVIDERS, |s| s.ai.provider, |s, v| s.ai.provider = v)}
            <Show when=move || s.with(|s| s.ai.provider != AiProvider::BuiltIn)>
                <label>
                    "Model (empty: the default)"
                    <input type="text" placeholder="gpt-4o-mini" maxlength="100"
                        prop:value=move || s.with(|s| s.ai.model.clone().unwrap_or_default())
                        on:input=move |ev| s.update(|s| s.ai.model = optional(event_target_value(&ev))) />
                </label>
                <Show when=custom>
                    <label>
                        "Endpoint (OpenAI-compatible base URL)"
                        <input type="url" placeholder="https://api.openai.com/v1" maxlength="300"
                            prop:value=move || s.with(|s| s.ai.base_url.clone().unwrap_or_default())
                            on:input=move |ev| s.update(|s| s.ai.base_url = optional(event_target_value(&ev))) />
                    </label>
                    <label>
                        "API key (add it under Settings › Integrations as “openai”)"
                        <select on:change=move |ev| {
                            let id = event_target_value(&ev).parse::<uuid::Uuid>().ok();
                            s.update(|s| s.ai.credential_id = id);
                        }>
                            <option value="" selected=move || s.with(|s| s.ai.credential_id.is_none())>"No key (a local server)"</option>
                            <Suspense fallback=|| ()>
                                {move || keys.get().map(|found| found.unwrap_or_default().into_iter()
                                    .filter(|k| k.provider == "openai")
                                    .map(|k| {
                                        let id = k.id;
                                        view! {
                                            <option value=id.to_string() selected=move || s.with(|s| s.ai.credential_id == Some(id))>
                                                {format!("{} ({})", k.label, k.hint)}
                                            </option>
                                        }
                                    }).collect_view())}
                            </Suspense>
                        </select>
                    </label>
                </Show>
                <label>
                    "Temperature (0 = always the same words, 2 = most varied)"
                    <input type="number" min="0" max="2" step="0.1"
                        prop:value=move || s.with(|s| format!("{:.1}", s.ai.temperature))
                        on:input=move |ev| {
                            if let Ok(t) = event_target_value(&ev).parse::<f32>() && t.is_finite() {
                                s.update(|s| s.ai.temperature = t);
                            }
                        } />
                </label>
                {number_input(s, "Longest answer (tokens)", (50, 4_000), |s| s.ai.max_tokens, |s, v| s.ai.max_tokens = v)}
                <label>
                    "Instructions for the model (optional)"
                    <textarea rows="3" maxlength="2000" placeholder="Never promise delivery dates. Call our customers “members”."
                        prop:value=move || s.with(|s| s.ai.instructions.clone())
                        on:input=move |ev| s.update(|s| s.ai.instructions = event_target_value(&ev))></textarea>
                </label>
            </Show>
        </fieldset>
    }
    .into_any()
}

#[component]
pub fn BotSettingsForm(bot: ChatbotView) -> AnyView {
    use crate::bot_settings::{BubbleStyle, ColorScheme, LauncherPosition, Size};
    let s: Settings = RwSignal::new(bot.settings.clone());
    let greeting = RwSignal::new(bot.greeting.clone());
    let fallback = RwSignal::new(bot.fallback_message.clone());
    let domains = RwSignal::new(bot.settings.allowed_domains.join("\n"));
    let problems = RwSignal::new(Vec::<String>::new());
    let save = ServerAction::<UpdateChatbot>::new();
    let id = bot.id;
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut settings = s.get_untracked();
        settings.allowed_domains = domains
            .get_untracked()
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect();
        match settings.validate() {
            Err(ApiError::Validation { fields }) => {
                problems.set(fields.into_iter().map(|f| f.message).collect());
            }
            _ => {
                problems.set(Vec::new());
                save.dispatch(UpdateChatbot {
                    id,
                    greeting: greeting.get_untracked(),
                    fallback_message: fallback.get_untracked(),
                    settings,
                });
            }
        }
    };
    let prefix = format!("bot-{}", bot.id);
    view! {
        <details class="bot-settings">
            <summary>{format!("Widget and behaviour settings of {}", bot.name)}</summary>
            <form on:submit=submit aria-label=format!("Settings of {}", bot.name)>
                <fieldset>
                    <legend>"Messages"</legend>
                    <label>"Greeting" <textarea rows="2" maxlength="500" prop:value=move || greeting.get() on:input=move |ev| greeting.set(event_target_value(&ev))></textarea></label>
                    <label>"Fallback answer" <textarea rows="2" maxlength="1000" prop:value=move || fallback.get() on:input=move |ev| fallback.set(event_target_value(&ev))></textarea></label>
                </fieldset>
                <fieldset>
                    <legend>"Launcher"</legend>
                    {choice(s, "Position", &[(LauncherPosition::BottomRight, "Bottom right"), (LauncherPosition::BottomLeft, "Bottom left")],
                        |s| s.widget.position, |s, v| s.widget.position = v)}
                    {choice(s, "Size", &[(Size::Small, "Small"), (Size::Medium, "Medium"), (Size::Large, "Large")],
                        |s| s.widget.size, |s, v| s.widget.size = v)}
                    {text_input(s, "Button text", "text", |s| s.widget.button_text.clone(), |s, v| s.widget.button_text = v)}
                    {text_input(s, "Avatar image address", "url", |s| s.widget.avatar_url.clone().unwrap_or_default(),
                        |s, v| s.widget.avatar_url = Some(v).filter(|v| !v.trim().is_empty()))}
                    {text_input(s, "Main colour", "color", |s| s.widget.theme.primary_color.clone(), |s, v| s.widget.theme.primary_color = v)}
                    {text_input(s, "Text colour on it", "color", |s| s.widget.theme.text_color.clone(), |s, v| s.widget.theme.text_color = v)}
                    {check_input(s, "Open the chat on page load", |s| s.widget.auto_expand, |s, v| s.widget.auto_expand = v)}
                </fieldset>
                <fieldset>
                    <legend>"Chat panel"</legend>
                    {choice(s, "Theme", &[(ColorScheme::Auto, "Follow the visitor's system"), (ColorScheme::Light, "Light"), (ColorScheme::Dark, "Dark")],
                        |s| s.widget.color_scheme, |s, v| s.widget.color_scheme = v)}
                    {text_input(s, "Background (light theme)", "color", |s| s.widget.theme.background_color.clone(), |s, v| s.widget.theme.background_color = v)}
                    {choice(s, "Bubbles", &[(BubbleStyle::Rounded, "Rounded"), (BubbleStyle::Square, "Square")],
                        |s| s.widget.bubble_style, |s, v| s.widget.bubble_style = v)}
                    {choice(s, "Font size", &[(Size::Small, "Small"), (Size::Medium, "Medium"), (Size::Large, "Large")],
                        |s| s.widget.font_size, |s, v| s.widget.font_size = v)}
                    <label>
                        "Language"
                        <select on:change=move |ev| { let v = event_target_value(&ev); s.update(|s| s.language = Some(v).filter(|v| !v.is_empty())); }>
                            <option value="" selected=move || s.with(|s| s.language.is_none())>"The visitor's browser language"</option>
                            {LANGUAGES.iter().map(|(code, name)| view! {
                                <option value=*code selected=move || s.with(|s| s.language.as_deref() == Some(*code))>{*name}</option>
                            }).collect_view()}
                        </select>
                    </label>
                </fieldset>
                <fieldset>
                    <legend>"Before the chat"</legend>
                    {check_input(s, "Ask for the visitor's name", |s| s.data_collection.collect_name, |s, v| s.data_collection.collect_name = v)}
                    {check_input(s, "Ask for the visitor's email", |s| s.data_collection.collect_email, |s, v| s.data_collection.collect_email = v)}
                </fieldset>
                <fieldset>
                    <legend>"Business hours"</legend>
                    {check_input(s, "Only chat during business hours (otherwise visitors leave a message)",
                        |s| s.business_hours.enabled, |s, v| s.business_hours.enabled = v)}
                    {text_input(s, "Timezone (e.g. Europe/Berlin)", "text", |s| s.business_hours.timezone.clone(), |s, v| s.business_hours.timezone = v)}
                    <table class="hours">
                        <caption class="sr-only">"Opening hours"</caption>
                        <tbody>
                            {WEEKDAYS.iter().map(|day| {
                                let day = *day;
                                let open = move || s.with(|s| s.business_hours.schedule.contains_key(day));
                                let time = move |end: bool| s.with(|s| s.business_hours.schedule.get(day).map(|h| if end { h.end.clone() } else { h.start.clone() }).unwrap_or_default());
                                let set_time = move |end: bool, value: String| s.update(|s| {
                                    if let Some(h) = s.business_hours.schedule.get_mut(day) {
                                        if end { h.end = value } else { h.start = value }
                                    }
                                });
                                let name = format!("{}{}", day[..1].to_uppercase(), &day[1..]);
                                view! {
                                    <tr>
                                        <th scope="row">
                                            <label class="check">
                                                <input type="checkbox" prop:checked=open on:change=move |ev| {
                                                    let on = event_target_checked(&ev);
                                                    s.update(|s| {
                                                        if on {
                                                            s.business_hours.schedule.insert(day.to_owned(), DayHours { start: "09:00".into(), end: "17:00".into() });
                                                        } else {
                                                            s.business_hours.schedule.remove(day);
                                                        }
                                                    });
                                                } />
                                                {name.clone()}
                                            </label>
                                        </th>
                                        <td><input type="time" aria-label=format!("{name} opens") disabled=move || !open() prop:value=move || time(false) on:input=move |ev| set_time(false, event_target_value(&ev)) /></td>
                                        <td><input type="time" aria-label=format!("{name} closes") disabled=move || !open() prop:value=move || time(true) on:input=move |ev| set_time(true, event_target_value(&ev)) /></td>
                                    </tr>
                                }.into_any()
                            }).collect_view()}
                        </tbody>
                    </table>
                    <label>
                        "Offline message"
                        <textarea rows="2" maxlength="500"
                            prop:value=move || s.with(|s| s.business_hours.offline_message.clone())
                            on:input=move |ev| s.update(|s| s.business_hours.offline_message = event_target_value(&ev))></textarea>
                    </label>
                </fieldset>
                <fieldset>
                    <legend>"Behaviour"</legend>
                    {check_input(s, "Show a typing indicator", |s| s.behavior.show_typing_indicator, |s, v| s.behavior.show_typing_indicator = v)}
                    {check_input(s, "Let agents see what visitors type before they send it (draft preview)", |s| s.behavior.share_drafts, |s, v| s.behavior.share_drafts = v)}
                    {number_input(s, "Response delay (ms)", (0, 5_000), |s| s.behavior.response_delay_ms, |s, v| s.behavior.response_delay_ms = v)}
                    {number_input(s, "Offer a person after this many messages (0 = never)", (0, 1_000),
                        |s| s.behavior.max_conversation_length, |s, v| s.behavior.max_conversation_length = v)}
                    <label>
                        "What the bot says when it offers a person"
                        <textarea rows="2" maxlength="500"
                            prop:value=move || s.with(|s| s.behavior.handoff_message.clone())
                            on:input=move |ev| s.update(|s| s.behavior.handoff_message = event_target_value(&ev))></textarea>
                    </label>
                    {number_input(s, "Close an idle conversation after (minutes)", (1, 30),
                        |s| s.behavior.inactivity_timeout_ms / 60_000, |s, v| s.behavior.inactivity_timeout_ms = v.saturating_mul(60_000))}
                </fieldset>
                {answers_fieldset(s)}
                <fieldset>
                    <legend>"Where the widget may appear"</legend>
                    <label for=format!("{prefix}-domains")>"Allowed sites, one per line (empty: any site)"</label>
                    <textarea id=format!("{prefix}-domains") rows="3" placeholder="https://www.example.com\n*.example.com"
                        prop:value=move || domains.get() on:input=move |ev| domains.set(event_target_value(&ev))></textarea>
                </fieldset>
                {move || {
                    let list = problems.get();
                    (!list.is_empty()).then(|| view! {
                        <ul class="error" role="alert">{list.into_iter().map(|p| view! { <li>{p}</li> }).collect_view()}</ul>
                    })
                }}
                <button type="submit" disabled=move || save.pending().get()>"Save settings"</button>
                {move || save.value().get().map(|saved| match saved {
                    Ok(_) => view! { <span role="status" class="toast">"Saved. Open widgets update now."</span> }.into_any(),
                    Err(ApiError::Validation { fields }) => view! {
                        <ul class="error" role="alert">{fields.into_iter().map(|f| view! { <li>{f.message}</li> }).collect_view()}</ul>
                    }.into_any(),
                    Err(error) => view! { <p class="error" role="alert">{error.to_string()}</p> }.into_any(),
                })}
            </form>
        </details>
    }
    .into_any()
}
