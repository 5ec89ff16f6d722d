//! The guided flow that creates a bot (PRD story 1.2), at `/bots/new`: its name and voice, its
//! greeting and when the team is in; then, the bot created, what it should know (files, a
//! website, FAQs, text — the Knowledge page's own forms, live), then the snippet to paste and
//! the live widget to try.
//! Without the bundle it is one form with every step shown.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use crate::{
    api::CreateChatbot,
    dto::{ChatbotView, Personality},
    form::{FormAction, ServerForm},
};

const STEPS: [&str; 4] = ["Name and voice", "Greeting and hours", "Knowledge", "Install"];

/// A greeting in each voice, offered until the owner writes their own.
fn greeting_for(personality: Personality) -> &'static str {
    match personality {
        Personality::Professional => "Hello, and welcome. How can we help you today?",
        Personality::Friendly => "Hi there! I'm happy to help. What can I do for you?",
        Personality::Casual => "Hey! What's up? Ask me anything.",
    }
}

#[component]
pub fn NewBotPage() -> impl IntoView {
    let create = FormAction::<CreateChatbot>::new();
    let step = RwSignal::new(1_usize);
    // Steps hide only once the page runs: before that, every step is shown and the form posts.
    let running = RwSignal::new(false);
    Effect::new(move |_| running.set(true));
    let name = RwSignal::new(String::new());
    let personality = RwSignal::new(Personality::Professional);
    let greeting = RwSignal::new(greeting_for(Personality::Professional).to_owned());
    let greeting_edited = RwSignal::new(false);
    let business = RwSignal::new(false);
    let name_problem = RwSignal::new(None::<&'static str>);
    let created = move || create.value().get().and_then(Result::ok);
    Effect::new(move |_| {
        if created().is_some() {
            step.set(3);
        }
    });
    let shown = move |n: usize| move || running.get() && step.get() != n;
    let next = move |_| {
        let n = name.with(|n| n.trim().chars().count());
        if (3..=50).contains(&n) {
            name_problem.set(None);
            step.set(2);
        } else {
            name_problem.set(Some("Give your bot a name of 3–50 characters."));
        }
    };
    view! {
        <Title text="Create a bot · ChatSupport" />
        <section class="panel new-bot" aria-labelledby="new-bot-heading">
            <h1 id="new-bot-heading">"Create a bot"</h1>
            <ol class="steps" aria-label="Steps">
                {STEPS.into_iter().enumerate().map(|(i, label)| {
                    let n = i + 1;
                    view! {
                        <li class:current=move || step.get() == n class:done=move || { step.get() > n }
                            aria-current=move || (step.get() == n).then_some("step")>
                            <span class="step-number" aria-hidden="true">{n}</span> {label}
                        </li>
                    }
                }).collect_view()}
            </ol>
            <div hidden=move || { step.get() >= 3 }>
                <ServerForm action=create>
                    <fieldset hidden=shown(1)>
                        <legend>"1. Name and voice"</legend>
                        <label>
                            "Bot name"
                            <input type="text" name="name" required minlength="3" maxlength="50" autocomplete="off"
                                placeholder="Support Bot" prop:value=move || name.get()
                                on:input=move |ev| name.set(event_target_value(&ev)) />
                        </label>
                        {move || name_problem.get().map(|p| view! { <p class="error" role="alert">{p}</p> })}
                        <div class="choices" role="radiogroup" aria-label="Personality">
                            {Personality::ALL.into_iter().map(|p| {
                                let (label, about) = p.label();
                                view! {
                                    <label class="choice">
                                        <input type="radio" name="personality" value=p.as_str()
                                            checked=move || personality.get() == p
                                            on:change=move |_| {
                                                personality.set(p);
                                                if !greeting_edited.get_untracked() {
                                                    greeting.set(greeting_for(p).to_owned());
                                                }
                                            } />
                                        <strong>{label}</strong>
                                        <span class="muted">{about}</span>
                                    </label>
                                }
                            }).collect_view()}
                        </div>
                        <button type="button" hidden=move || !running.get() on:click=next>"Next"</button>
                    </fieldset>
                    <fieldset hidden=shown(2)>
                        <legend>"2. Greeting and hours"</legend>
                        <div class="greeting-preview">
                            <label>
                                "Welcome message"
                                <textarea name="greeting" rows="3" required maxlength="500"
                                    prop:value=move || greeting.get()
                                    on:input=move |ev| { greeting_edited.set(true); greeting.set(event_target_value(&ev)); }></textarea>
                            </label>
                            <figure class="preview" aria-label="Preview of the chat">
                                <div class="preview-header">{move || { let n = name.get(); if n.trim().is_empty() { "Your bot".to_owned() } else { n } }}</div>
                                <p class="preview-bubble">{move || greeting.get()}</p>
                            </figure>
                        </div>
                        <div class="choices" role="radiogroup" aria-label="When can visitors reach your team?">
                            <label class="choice">
                                <input type="radio" name="hours" value="always" checked=move || !business.get()
                                    on:change=move |_| business.set(false) />
                                <strong>"24/7"</strong><span class="muted">"Visitors can always ask for a person."</span>
                            </label>
                            <label class="choice">
                                <input type="radio" name="hours" value="business" checked=move || business.get()
                                    on:change=move |_| business.set(true) />
                                <strong>"Business hours"</strong><span class="muted">"Outside them, visitors leave a message."</span>
                            </label>
                        </div>
                        <div class="hours-fields" hidden=move || running.get() && !business.get()>
                            <label>"Timezone" <input type="text" name="timezone" value="UTC" placeholder="Europe/Berlin" maxlength="60" /></label>
                            <label>"Opens" <input type="time" name="opens" value="09:00" /></label>
                            <label>"Closes" <input type="time" name="closes" value="17:00" /></label>
                            <label class="check"><input type="checkbox" name="weekends" />"Open on weekends too"</label>
                        </div>
                        <div class="row-actions">
                            <button type="button" class="secondary" hidden=move || !running.get() on:click=move |_| step.set(1)>"Back"</button>
                            <button type="submit" disabled=move || create.pending().get()>"Create bot"</button>
                        </div>
                    </fieldset>
                </ServerForm>
                {move || create.value().get().and_then(Result::err).map(|error| view! {
                    <p class="error" role="alert">{error.to_string()}</p>
                })}
            </div>
            {move || created().map(|bot| {
                let id = bot.id;
                view! {
                    <p role="status" class="toast">{format!("{} is live.", bot.name)}</p>
                    <div class="knowledge-step" hidden=move || step.get() != 3>
                        <p>"Give it your help articles, manuals, price lists, your help site or your most asked questions: it answers from these. You can add more any time."</p>
                        <super::knowledge::KnowledgeOf bot=Signal::derive(move || Some(id)) in_flow=true />
                        <p class="actions">
                            <button type="button" on:click=move |_| step.set(4)>"Next: install"</button>
                        </p>
                    </div>
                    <div hidden=move || step.get() != 4>
                        <Installed bot />
                    </div>
                }
            })}
        </section>
    }
}

/// Step 3: the bot is live. Its snippet, and the real widget to try it.
#[component]
fn Installed(bot: ChatbotView) -> impl IntoView {
    let preview = format!("/widget/{}", bot.public_key);
    view! {
        <div class="installed-step">
            <h2>"4. Install"</h2>
            <p>"Paste this line into your site's pages, just before </body>. The chat button appears at once."</p>
            <super::bots::Snippet code=bot.embed_code.clone() bot_name=bot.name.clone() id="new-bot-snippet".to_owned() />
            <h3>"Try it"</h3>
            <p class="muted">"This is the widget your visitors will see; messages you send here show up in your inbox."</p>
            <iframe class="widget-preview" src=preview title=format!("Live preview of {}", bot.name)></iframe>
            <p>
                <A href=format!("/bots/{}/knowledge", bot.id) attr:class="button">"Open the Knowledge page"</A>
                " to add to what it knows; "
                <A href="/bots">"go to your bots"</A>" to change its look and behaviour."
            </p>
        </div>
    }
}
