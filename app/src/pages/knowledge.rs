//! A bot's knowledge (PRD §5.4, seed 000 "brain knowledge items"): every source with its
//! kind, size, passages, status and progress bar (moved live by the dashboard socket's
//! `document:*` and `crawl:*` frames); drag-and-drop multi-file upload with a progress bar
//! per file; websites to crawl (with their settings and schedule, re-crawled on demand); FAQs
//! and text typed in; a search within what the bot knows; delete. Agents read it; owners and
//! admins change it.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{components::A, hooks::use_params_map};

use crate::{
    api::{AddFaq, AddSnippet, AddWebsite, DeleteSource, RecrawlSource, knowledge, search_knowledge},
    dto::BotId,
    form::{FormAction, ServerForm},
    knowledge::{KnowledgeHit, SourceCard, SourceStatus},
    live::LiveFeed,
};

/// Accepted by the file picker (the server tells formats apart by content).
const ACCEPT: &str = ".pdf,.docx,.txt,.md,.markdown,.html,.htm,.csv,application/pdf,text/plain,text/markdown,text/html,text/csv";

/// One file on its way up.
#[derive(Clone, Debug, PartialEq)]
pub struct Upload {
    pub key: u32,
    pub name: String,
    pub percent: u8,
    /// `None` while sending; then the refusal, if any.
    pub outcome: Option<Result<(), String>>,
}

#[component]
pub fn KnowledgePage() -> impl IntoView {
    let params = use_params_map();
    let bot = Memo::new(move |_| params.read().get("id").and_then(|id| id.parse::<BotId>().ok()));
    view! {
        <Title text="Knowledge · ChatSupport" />
        <section class="panel knowledge" aria-labelledby="knowledge-heading">
            <p><A href="/bots">"← Bots"</A></p>
            <KnowledgeOf bot=Signal::from(bot) in_flow=false />
        </section>
    }
}

/// A bot's knowledge with its own data and socket: the Knowledge page, and the guided flow's
/// "teach it" step (`in_flow`: a step's heading, no heading of its own page).
#[component]
pub fn KnowledgeOf(bot: Signal<Option<BotId>>, in_flow: bool) -> impl IntoView {
    let changes = RwSignal::new(0_u32);
    let live = LiveFeed::new();
    Effect::new(move |_| live.connect());
    let page = crate::load::resource(
        move || (bot.get(), changes.get(), live.opens.get()),
        |(bot, _, _)| async move {
            match bot {
                Some(bot) => knowledge(bot).await,
                None => Err(crate::ApiError::not_found("chatbot")),
            }
        },
    );
    view! {
        <Transition fallback=|| view! { <p class="muted">"Loading knowledge…"</p> }>
            {move || page.get().map(|loaded| match loaded {
                Ok(data) => view! { <Knowledge data live changes in_flow /> }.into_any(),
                Err(error) => view! { <h1 id="knowledge-heading">"Knowledge"</h1><p class="error" role="alert">{error.to_string()}</p> }.into_any(),
            })}
        </Transition>
    }
}

#[component]
fn Knowledge(
    data: crate::knowledge::KnowledgePage,
    live: LiveFeed,
    changes: RwSignal<u32>,
    in_flow: bool,
) -> impl IntoView {
    provide_context(live);
    let bot = data.chatbot_id;
    let loaded = data.sources;
    // What was loaded, with every live update over it, newest first.
    let sources = Memo::new(move |_| {
        let mut all = loaded.clone();
        live.sources.with(|fresh| {
            for s in fresh.iter().filter(|s| s.chatbot_id == bot) {
                match all.iter_mut().find(|o| o.id == s.id) {
                    Some(old) => *old = s.clone(),
                    None => all.push(s.clone()),
                }
            }
        });
        all.sort_by(|a, b| b.created_at.cmp(&a.created_at).then(b.id.0.cmp(&a.id.0)));
        all
    });
    let deleted = RwSignal::new(Vec::new());
    let visible = move || {
        sources.get().into_iter().filter(|s| !deleted.with(|d| d.contains(&s.id))).collect::<Vec<_>>()
    };
    let can_manage = data.can_manage;
    let passages = move || visible().iter().map(|s| s.chunks).sum::<u32>();
    // What an evaluation question may expect to be cited: every source that is not broken.
    let choices = Memo::new(move |_| {
        let mut all: Vec<_> = visible()
            .into_iter()
            .filter(|s| s.status != SourceStatus::Failed)
            .map(|s| crate::evaluation::SourceChoice { id: s.id, title: s.title })
            .collect();
        all.sort_by_key(|c| c.title.to_lowercase());
        all
    });
    let files = match data.max_files {
        Some(max) => format!("{} of {max} files", data.files),
        None => format!("{} files", data.files),
    };
    view! {
        {if in_flow {
            view! { <h2 id="knowledge-heading">"3. Teach it what your customers ask"</h2> }.into_any()
        } else {
            view! { <h1 id="knowledge-heading">{format!("Knowledge of {}", data.bot_name)}</h1> }.into_any()
        }}
        <p class="muted">{move || format!("{} sources · {} passages · {files} · files up to {}", visible().len(), passages(), size(data.max_file_bytes))}</p>
        {data.keyword_only.map(|note| view! { <p class="notice" role="note">{note}</p> })}
        <ImportReport />
        <SearchKnowledge bot />
        <TestBot bot />
        <Gaps bot can_manage live />
        <super::evaluation::Evaluation bot can_manage choices=choices.into() />
        {can_manage.then(|| view! {
            <div class="knowledge-add">
                <UploadFiles bot max_bytes=data.max_file_bytes live />
                <AddWebsiteForm bot live />
                <AddFaqForm bot live />
                <AddTextForm bot live />
            </div>
        })}
        <h2>"Sources"</h2>
        {move || {
            let list = visible();
            if list.is_empty() {
                view! {
                    <div class="empty">
                        <p>"This bot knows nothing yet, so it answers every visitor with its fallback text."</p>
                        <p>{if can_manage {
                            "Upload your help articles, manuals or price lists (PDF, Word, text, Markdown, HTML, CSV), add your help site's address to crawl it, add the questions customers ask most as FAQs, or paste text. Each is ready in seconds."
                        } else {
                            "Owners and admins add what the bot knows: files, websites, FAQs and text."
                        }}</p>
                    </div>
                }.into_any()
            } else {
                view! {
                    <ul class="sources" aria-label="Sources">
                        {list.into_iter().map(|s| view! { <SourceRow s can_manage deleted changes /> }).collect_view()}
                    </ul>
                }.into_any()
            }
        }}
    }
}

/// "1.2 MB", "34 KB", "120 B" — integer arithmetic: float formatting would add ~10 KB to
/// the bundle.
fn size(bytes: u64) -> String {
    const MB: u64 = 1024 * 1024;
    match bytes {
        b if b >= MB => {
            let tenths = b * 10 / MB;
            format!("{}.{} MB", tenths / 10, tenths % 10)
        }
        b if b >= 1024 => format!("{} KB", b / 1024),
        b => format!("{b} B"),
    }
}

#[component]
fn SourceRow(
    s: SourceCard,
    can_manage: bool,
    deleted: RwSignal<Vec<crate::ids::SourceId>>,
    changes: RwSignal<u32>,
) -> impl IntoView {
    let remove = ServerAction::<DeleteSource>::new();
    let recrawl = ServerAction::<RecrawlSource>::new();
    let live = use_context::<LiveFeed>();
    Effect::new(move |_| {
        if let (Some(Ok(card)), Some(live)) = (recrawl.value().get(), live) {
            live.source(card);
        }
    });
    let id = s.id;
    let website = s.kind == crate::knowledge::SourceKind::Url;
    Effect::new(move |_| {
        if remove.value().with(|r| matches!(r, Some(Ok(())))) {
            deleted.update(|d| d.push(id));
            changes.update(|n| *n += 1);
        }
    });
    let working = s.status.is_working();
    let label = format!("{}: {}", s.title, s.status.label());
    let detail = match (&s.error, s.status) {
        (Some(error), SourceStatus::Failed) => Some(view! { <p class="error" role="alert">{error.message.clone()}</p> }.into_any()),
        (_, SourceStatus::Completed) if website => Some(view! {
            <p class="muted small">{format!("{} pages checked{} · {} passages{}", s.pages_processed.unwrap_or(0),
                s.pages_failed.filter(|n| *n > 0).map(|n| format!(", {n} failed")).unwrap_or_default(), s.chunks,
                s.last_crawled_at.as_deref().map(|t| format!(" · crawled {}", super::short_time(t))).unwrap_or_default())}</p>
        }.into_any()),
        (_, SourceStatus::Crawling) => Some(view! {
            <p class="muted small">{format!("{} pages checked so far", s.pages_processed.unwrap_or(0))}</p>
        }.into_any()),
        (_, SourceStatus::Completed) => Some(view! {
            <p class="muted small">{format!("{} passages{}", s.chunks, s.processing_completed_at.as_deref().map(|t| format!(" · ready {}", super::short_time(t))).unwrap_or_default())}</p>
        }.into_any()),
        _ => None,
    };
    let body = s.body.clone().filter(|_| s.kind == crate::knowledge::SourceKind::Faq);
    let title = s.title.clone();
    let recrawl_title = s.title.clone();
    let replace_title = s.title.clone();
    let document = s.kind == crate::knowledge::SourceKind::Document;
    view! {
        <li class="source" class:failed=s.status == SourceStatus::Failed data-status=s.status.as_str()>
            <div class="source-head">
                <span class="badge badge-muted">{s.kind.label()}</span>
                <strong class="source-title">{s.title.clone()}</strong>
                <span class="muted small">{size(s.size_bytes)}</span>
                <span class="status" class:ready=s.status == SourceStatus::Completed>{s.status.label()}</span>
            </div>
            <div class="bar" role="progressbar" aria-label=label aria-valuemin="0" aria-valuemax="100" aria-valuenow=s.progress class:working=working>
                <span style=format!("width: {}%", s.progress)></span>
            </div>
            {body.map(|answer| view! { <p class="faq-answer">{answer}</p> })}
            {detail}
            {(can_manage && website && !working).then(|| view! {
                <button type="button" class="secondary small" disabled=move || recrawl.pending().get()
                    on:click=move |_| { recrawl.dispatch(RecrawlSource { id }); }>
                    "Re-crawl"<span class="visually-hidden">{format!(" {recrawl_title}")}</span>
                </button>
            })}
            {move || recrawl.value().get().and_then(Result::err).map(|e| view! { <p class="error" role="alert">{e.to_string()}</p> })}
            {(can_manage && document && !working).then(|| view! { <ReplaceFile id title=replace_title /> })}
            {can_manage.then(|| view! {
                <button type="button" class="secondary danger small" disabled=move || remove.pending().get()
                    on:click=move |_| { remove.dispatch(DeleteSource { id }); }>
                    "Delete"<span class="visually-hidden">{format!(" {title}")}</span>
                </button>
            })}
            {move || remove.value().get().and_then(Result::err).map(|e| view! { <p class="error" role="alert">{e.to_string()}</p> })}
        </li>
    }
}

/// What the last CSV import did, from the address the server sent the browser back to.
#[component]
fn ImportReport() -> impl IntoView {
    let query = leptos_router::hooks::use_query_map();
    move || {
        let q = query.read();
        let problems = q.get("problems").filter(|p| !p.is_empty());
        match (q.get("imported"), q.get("skipped")) {
            (Some(imported), Some(skipped)) => Some(
                view! {
                    <div role="status" class="toast">
                        {format!("FAQ import: {imported} imported, {skipped} skipped.")}
                        {problems.map(|p| view! { <p class="muted small">{p}</p> })}
                    </div>
                }
                .into_any(),
            ),
            _ => problems
                .map(|p| view! { <p class="error" role="alert">{format!("FAQ import: {p}")}</p> }.into_any()),
        }
    }
}

#[component]
fn SearchKnowledge(bot: BotId) -> impl IntoView {
    let query = RwSignal::new(String::new());
    let asked = RwSignal::new(String::new());
    let hits = crate::load::resource(
        move || asked.get(),
        move |q| async move {
            if q.trim().is_empty() { Ok(None) } else { search_knowledge(bot, q).await.map(Some) }
        },
    );
    view! {
        <form class="knowledge-search" role="search" on:submit=move |ev| { ev.prevent_default(); asked.set(query.get_untracked()); }>
            <label for="knowledge-q" class="visually-hidden">"Search this bot's knowledge"</label>
            <input id="knowledge-q" type="search" placeholder="Search what the bot knows…" prop:value=query
                on:input=move |ev| query.set(event_target_value(&ev)) />
            <button type="submit">"Search"</button>
        </form>
        <Transition fallback=|| ()>
            {move || hits.get().map(|found| match found {
                Ok(None) => ().into_any(),
                Ok(Some(list)) if list.is_empty() => view! { <p class="muted" role="status">"Nothing in this bot's knowledge matches."</p> }.into_any(),
                Ok(Some(list)) => view! {
                    <ol class="knowledge-hits" aria-label="Search results">
                        {list.into_iter().map(|hit| view! { <Hit hit /> }).collect_view()}
                    </ol>
                }.into_any(),
                Err(error) => view! { <p class="error" role="alert">{error.to_string()}</p> }.into_any(),
            })}
        </Transition>
    }
}

/// "Test your bot": a question asked as a visitor would, answered as they would be, with the
/// confidence, how the bot decided and the passages it read (PRD §5.4.4). Nothing is stored.
#[component]
fn TestBot(bot: BotId) -> impl IntoView {
    let query = RwSignal::new(String::new());
    let asked = RwSignal::new(String::new());
    let tested = crate::load::resource(
        move || asked.get(),
        move |q| async move {
            if q.trim().is_empty() { Ok(None) } else { crate::api::test_bot(bot, q).await.map(Some) }
        },
    );
    view! {
        <section class="test-bot" aria-labelledby="test-bot-heading">
            <h2 id="test-bot-heading">"Test your bot"</h2>
            <form on:submit=move |ev| { ev.prevent_default(); asked.set(query.get_untracked()); }>
                <label for="test-bot-q">"Ask as a visitor would"</label>
                <input id="test-bot-q" type="text" maxlength="4000" placeholder="How long does delivery take?" prop:value=query
                    on:input=move |ev| query.set(event_target_value(&ev)) />
                <button type="submit">"Test"</button>
            </form>
            <Transition fallback=|| view! { <p class="muted" role="status">"Testing…"</p> }>
                {move || tested.get().map(|result| match result {
                    Ok(None) => ().into_any(),
                    Ok(Some(test)) => view! { <TestResult test /> }.into_any(),
                    Err(error) => view! { <p class="error" role="alert">{error.to_string()}</p> }.into_any(),
                })}
            </Transition>
        </section>
    }
}

#[component]
fn TestResult(test: crate::knowledge::BotTest) -> impl IntoView {
    let percent = (test.info.confidence * 100.0).round();
    let decided = test.info.outcome.label();
    let sources: Vec<String> = test.info.sources.iter().map(|s| s.title.clone()).collect();
    view! {
        <div class="test-result" role="region" aria-label="Test answer">
            <p class="preview-bubble">{test.answer}</p>
            <p>
                <meter min="0" max="100" low="50" high="85" optimum="100" value=percent aria-label="Confidence"></meter>
                {format!(" {percent} % · {decided}")}
                {test.info.handover_reason.map(|r| format!(" · {r}"))}
            </p>
            {(!sources.is_empty()).then(|| view! { <p class="muted small">{format!("Sources: {}", sources.join(", "))}</p> })}
            <p class="muted small">{format!(
                "Intent: {} ({:.0} %) · sounds {}",
                test.insight.intent.label(),
                test.insight.intent_confidence * 100.0,
                test.insight.sentiment.label(),
            )}</p>
            <ol class="knowledge-hits" aria-label="Passages read">
                {test.passages.into_iter().map(|p| view! {
                    <li>
                        <p class="muted small">{format!(
                            "{} · {} · score {:.2}{}",
                            p.kind.label(),
                            p.place,
                            p.score,
                            p.cosine.map(|c| format!(" · meaning {c:.2}")).unwrap_or_default(),
                        )}</p>
                        <p>{p.snippet}</p>
                    </li>
                }).collect_view()}
            </ol>
            {test.prompt.map(|prompt| view! {
                <details class="prompt">
                    <summary>"The prompt a language model would be sent"</summary>
                    <pre>{prompt}</pre>
                </details>
            })}
        </div>
    }
}

#[component]
fn Hit(hit: KnowledgeHit) -> impl IntoView {
    let mut place = vec![hit.source_title.clone()];
    if !hit.heading_path.is_empty() && hit.heading_path != hit.source_title {
        place.push(hit.heading_path.clone());
    }
    if let Some(page) = hit.page {
        place.push(format!("page {page}"));
    }
    view! {
        <li>
            <p class="muted small">{format!("{} · {}", hit.kind.label(), place.join(" › "))}</p>
            <p><super::conversations::Highlighted text=hit.snippet ranges=hit.highlights /></p>
        </li>
    }
}

/// The knowledge-gaps report (PRD §5.4.4): what visitors asked that the bot answered unsure,
/// did not know, or got a thumbs down or an "incorrect" for, by topic, with a one-click FAQ
/// draft from the passages the bot finds for it now.
#[component]
fn Gaps(bot: BotId, can_manage: bool, live: LiveFeed) -> impl IntoView {
    let days = RwSignal::new(30u16);
    let refreshed = RwSignal::new(0u32);
    let report = crate::load::resource(
        move || (days.get(), refreshed.get()),
        move |(d, _)| async move { crate::api::knowledge_gaps(bot, d).await },
    );
    view! {
        <section class="gaps" aria-labelledby="gaps-heading">
            <h2 id="gaps-heading">"Knowledge gaps"</h2>
            <div class="row">
                <label>"Period "
                    <select on:change=move |ev| days.set(event_target_value(&ev).parse().unwrap_or(30))>
                        <option value="7">"Last 7 days"</option>
                        <option value="30" selected>"Last 30 days"</option>
                        <option value="90">"Last 90 days"</option>
                    </select>
                </label>
                <button type="button" class="secondary" on:click=move |_| refreshed.update(|n| *n += 1)>"Refresh"</button>
            </div>
            <Transition fallback=|| view! { <p class="muted" role="status">"Reading the conversations…"</p> }>
                {move || report.get().map(|r| match r {
                    Ok(r) => {
                        let summary = format!(
                            "{} questions · {} unsure · {} not known · {} thumbs down · {} marked incorrect",
                            r.total_queries, r.low_confidence_queries, r.no_result_queries, r.thumbs_down, r.marked_incorrect,
                        );
                        let empty = if r.total_queries == 0 {
                            "No questions in this period yet. Gaps appear here as visitors ask what the bot cannot answer well."
                        } else {
                            "No gaps: every question was answered with confidence, and nobody disliked an answer."
                        };
                        view! {
                            <p class="muted">{summary}</p>
                            {if r.gaps.is_empty() {
                                view! { <p class="empty">{empty}</p> }.into_any()
                            } else {
                                view! {
                                    <ol class="gap-list" aria-label="Gaps, most asked first">
                                        {r.gaps.into_iter().map(|g| view! { <Gap g bot can_manage live /> }).collect_view()}
                                    </ol>
                                }.into_any()
                            }}
                        }.into_any()
                    }
                    Err(e) => view! { <p class="error" role="alert">{e.to_string()}</p> }.into_any(),
                })}
            </Transition>
        </section>
    }
}

#[component]
fn Gap(g: crate::knowledge::KnowledgeGap, bot: BotId, can_manage: bool, live: LiveFeed) -> impl IntoView {
    let drafting = RwSignal::new(false);
    let add = FormAction::<AddFaq>::new();
    let form = NodeRef::new();
    after_adding(add, form, live);
    let question = g.sample_queries.first().cloned().unwrap_or_default();
    let draft: String = g.best_passages.iter().map(|p| p.content.trim()).collect::<Vec<_>>().join("\n\n");
    let mut counts =
        format!("{} · average confidence {:.0} %", plural(g.count, "question"), g.avg_confidence * 100.0);
    if g.thumbs_down > 0 {
        counts.push_str(&format!(" · {} thumbs down", g.thumbs_down));
    }
    if g.marked_incorrect > 0 {
        counts.push_str(&format!(" · {} marked incorrect", g.marked_incorrect));
    }
    let answered = g.answered_now;
    view! {
        <li class:closed=answered>
            <p>
                <strong>{g.query_pattern}</strong>
                {answered.then(|| view! { <span class="badge">"Answered now"</span> })}
            </p>
            <p class="muted small">{counts}</p>
            <ul class="samples">{g.sample_queries.into_iter().map(|q| view! { <li>{q}</li> }).collect_view()}</ul>
            <p class="small">{g.suggested_action}</p>
            {(can_manage && !answered).then(|| view! {
                <button type="button" class="secondary" aria-expanded=move || drafting.get().to_string()
                    on:click=move |_| drafting.update(|d| *d = !*d)>"Draft an FAQ"</button>
                <div hidden=move || !drafting.get()>
                    <ServerForm action=add node_ref=form>
                        <input type="hidden" name="chatbot_id" value=bot.to_string() />
                        <label>"Question" <input name="question" required maxlength="500" value=question.clone() /></label>
                        <label>"Answer" <textarea name="answer" required rows="5" maxlength="10000">{crate::form::textarea_text(draft.clone())}</textarea></label>
                        <button type="submit" disabled=move || add.pending().get()>"Add FAQ"</button>
                    </ServerForm>
                    {move || outcome(add)}
                </div>
            })}
        </li>
    }
}

pub(super) fn plural(n: u32, what: &str) -> String {
    if n == 1 { format!("1 {what}") } else { format!("{n} {what}s") }
}

/// Once an FAQ or a text is added: it joins the list at once and the form empties.
fn after_adding<S>(add: FormAction<S>, form: NodeRef<leptos::html::Form>, live: LiveFeed)
where
    S: leptos::server_fn::ServerFn<Output = SourceCard> + 'static,
{
    Effect::new(move |_| {
        if let Some(Ok(source)) = add.value().get() {
            live.source(source);
            crate::form::clear(form);
        }
    });
}

/// The last add's outcome: a toast, or the refusal.
fn outcome<S>(add: FormAction<S>) -> Option<AnyView>
where
    S: leptos::server_fn::ServerFn<Output = SourceCard> + 'static,
{
    add.value().get().map(|r| match r {
        Ok(s) => view! { <p role="status" class="toast">{format!("Added “{}”.", s.title)}</p> }.into_any(),
        Err(e) => view! { <p class="error" role="alert">{e.to_string()}</p> }.into_any(),
    })
}

/// A website to crawl: its address, how far to go, what to leave out, how often to return.
#[component]
fn AddWebsiteForm(bot: BotId, live: LiveFeed) -> impl IntoView {
    let add = FormAction::<AddWebsite>::new();
    let form = NodeRef::new();
    after_adding(add, form, live);
    view! {
        <details class="knowledge-form">
            <summary>"Add a website"</summary>
            <ServerForm action=add node_ref=form>
                <input type="hidden" name="chatbot_id" value=bot.to_string() />
                <label>"Address" <input name="url" type="url" required placeholder="https://help.example.com" inputmode="url" /></label>
                <div class="row">
                    <label>"Pages at most" <input name="max_pages" type="number" min="1" max="1000" value="50" /></label>
                    <label>"Links deep" <input name="max_depth" type="number" min="0" max="10" value="3" /></label>
                    <label>"Crawl again"
                        <select name="frequency">
                            <option value="">"Only when I ask"</option>
                            <option value="daily">"Daily"</option>
                            <option value="weekly">"Weekly"</option>
                            <option value="monthly">"Monthly"</option>
                        </select>
                    </label>
                </div>
                <label>"Only paths like (optional)" <input name="include_patterns" placeholder="/docs/*, /help/*" /></label>
                <label>"Leave out paths like (optional)" <input name="exclude_patterns" placeholder="/blog/*" /></label>
                <p class="muted small">"The crawler follows links on the same site, respects robots.txt and reads the sitemap."</p>
                <button type="submit" disabled=move || add.pending().get()>"Crawl website"</button>
            </ServerForm>
            {move || outcome(add)}
        </details>
    }
}

#[component]
fn AddFaqForm(bot: BotId, live: LiveFeed) -> impl IntoView {
    let add = FormAction::<AddFaq>::new();
    let form = NodeRef::new();
    after_adding(add, form, live);
    view! {
        <details class="knowledge-form">
            <summary>"Add an FAQ"</summary>
            <ServerForm action=add node_ref=form>
                <input type="hidden" name="chatbot_id" value=bot.to_string() />
                <label>"Question" <input name="question" required maxlength="500" placeholder="How do I reset my password?" /></label>
                <label>"Answer" <textarea name="answer" required rows="4" maxlength="10000"></textarea></label>
                <div class="row">
                    <label>"Category" <input name="category" maxlength="50" placeholder="account" /></label>
                    <label>"Tags" <input name="tags" placeholder="password, security" /></label>
                    <label>"Priority"
                        <select name="priority">
                            <option value="high">"High"</option>
                            <option value="medium" selected>"Medium"</option>
                            <option value="low">"Low"</option>
                        </select>
                    </label>
                </div>
                <button type="submit" disabled=move || add.pending().get()>"Add FAQ"</button>
            </ServerForm>
            {move || outcome(add)}
            // A plain form (the server sends the browser back here with the counts).
            <form class="faq-import" method="post" action="/api/v1/knowledge-base/faqs/import" enctype="multipart/form-data">
                <input type="hidden" name="chatbot_id" value=bot.to_string() />
                <label>"Import FAQs from a CSV (columns question, answer, category, tags)"
                    <input type="file" name="file" accept=".csv,text/csv" required /></label>
                <label class="check"><input type="checkbox" name="overwrite_existing" value="true" />" Replace the answers of questions the bot has"</label>
                <button type="submit" class="secondary">"Import CSV"</button>
            </form>
        </details>
    }
}

#[component]
fn AddTextForm(bot: BotId, live: LiveFeed) -> impl IntoView {
    let add = FormAction::<AddSnippet>::new();
    let form = NodeRef::new();
    after_adding(add, form, live);
    view! {
        <details class="knowledge-form">
            <summary>"Add text"</summary>
            <ServerForm action=add node_ref=form>
                <input type="hidden" name="chatbot_id" value=bot.to_string() />
                <label>"Title" <input name="title" required maxlength="300" placeholder="Opening hours" /></label>
                <label>"Text (Markdown headings become sections)" <textarea name="text" required rows="6"></textarea></label>
                <button type="submit" disabled=move || add.pending().get()>"Add text"</button>
            </ServerForm>
            {move || outcome(add)}
        </details>
    }
}

/// Drop files here or pick them: each goes up on its own request with its own progress bar.
/// Without JavaScript the same form posts one file to the REST route, which sends the
/// browser back here.
#[component]
fn UploadFiles(bot: BotId, max_bytes: u64, live: LiveFeed) -> impl IntoView {
    let uploads = RwSignal::new(Vec::<Upload>::new());
    let over = RwSignal::new(false);
    let _ = (bot, max_bytes, live);
    #[cfg(feature = "browser")]
    let send =
        move |files: leptos::web_sys::FileList| browser::send_all(files, bot, max_bytes, uploads, live);
    view! {
        <form class="dropzone" class:over=move || over.get() method="post" action="/api/v1/knowledge-base/documents" enctype="multipart/form-data"
            on:dragover=move |ev: leptos::ev::DragEvent| { ev.prevent_default(); over.set(true); }
            on:dragleave=move |_| over.set(false)
            on:drop=move |ev: leptos::ev::DragEvent| {
                ev.prevent_default();
                over.set(false);
                #[cfg(feature = "browser")]
                if let Some(files) = ev.data_transfer().and_then(|d| d.files()) { send(files); }
            }
            on:submit=move |ev| {
                #[cfg(feature = "browser")]
                {
                    use leptos::wasm_bindgen::JsCast;
                    ev.prevent_default();
                    let input = ev.target().and_then(|t| t.dyn_into::<leptos::web_sys::HtmlFormElement>().ok())
                        .and_then(|f| f.query_selector("input[type=file]").ok().flatten())
                        .and_then(|i| i.dyn_into::<leptos::web_sys::HtmlInputElement>().ok());
                    if let Some(files) = input.as_ref().and_then(|i| i.files()) { send(files); }
                    if let Some(i) = input { i.set_value(""); }
                }
                #[cfg(not(feature = "browser"))]
                let _ = ev;
            }>
            <input type="hidden" name="chatbot_id" value=bot.to_string() />
            <p><strong>"Drop files here"</strong>" or choose them: PDF, Word (DOCX), text, Markdown, HTML or CSV, up to "{size(max_bytes)}" each."</p>
            <label>"Files" <input type="file" name="file" multiple accept=ACCEPT
                on:change=move |ev| {
                    #[cfg(feature = "browser")]
                    {
                        use leptos::wasm_bindgen::JsCast;
                        let input = ev.target().and_then(|t| t.dyn_into::<leptos::web_sys::HtmlInputElement>().ok());
                        if let Some(files) = input.as_ref().and_then(|i| i.files()) { send(files); }
                        if let Some(i) = input { i.set_value(""); }
                    }
                    #[cfg(not(feature = "browser"))]
                    let _ = ev;
                } /></label>
            <noscript><button type="submit">"Upload"</button></noscript>
        </form>
        <UploadList uploads label="Uploads" />
    }
}

/// Files on their way up, each with its progress bar, then "Uploaded" or why not.
#[component]
fn UploadList(uploads: RwSignal<Vec<Upload>>, label: &'static str) -> impl IntoView {
    view! {
        <ul class="uploads" aria-label=label>
            {move || uploads.get().into_iter().map(|u| {
                let label = format!("Uploading {}", u.name);
                view! {
                    <li>
                        <span>{u.name.clone()}</span>
                        <div class="bar" role="progressbar" aria-label=label aria-valuemin="0" aria-valuemax="100" aria-valuenow=u.percent>
                            <span style=format!("width: {}%", u.percent)></span>
                        </div>
                        {match u.outcome {
                            None => view! { <span class="muted small">{format!("{}%", u.percent)}</span> }.into_any(),
                            Some(Ok(())) => view! { <span class="muted small">"Uploaded"</span> }.into_any(),
                            Some(Err(e)) => view! { <span class="error" role="alert">{e}</span> }.into_any(),
                        }}
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}

/// "Replace file": a new version of a document, sent straight to the REST route with its
/// upload progress; the card then moves with the socket's frames.
#[component]
fn ReplaceFile(id: crate::ids::SourceId, title: String) -> impl IntoView {
    let uploads = RwSignal::new(Vec::<Upload>::new());
    let live = use_context::<LiveFeed>();
    let _ = (id, live);
    view! {
        <label class="button secondary small file-button">
            "Replace file"<span class="visually-hidden">{format!(" {title}")}</span>
            <input type="file" class="visually-hidden" accept=ACCEPT
                on:change=move |ev| {
                    #[cfg(feature = "browser")]
                    {
                        use leptos::wasm_bindgen::JsCast;
                        let input = ev.target().and_then(|t| t.dyn_into::<leptos::web_sys::HtmlInputElement>().ok());
                        if let (Some(file), Some(live)) = (input.as_ref().and_then(|i| i.files()).and_then(|f| f.get(0)), live) {
                            uploads.set(Vec::new());
                            browser::send(file, browser::Target::Replace(id), u64::MAX, uploads, live);
                        }
                        if let Some(i) = input { i.set_value(""); }
                    }
                    #[cfg(not(feature = "browser"))]
                    let _ = ev;
                } />
        </label>
        <UploadList uploads label="New version" />
    }
}

#[cfg(feature = "browser")]
mod browser {
    use leptos::{
        prelude::*,
        wasm_bindgen::{JsCast, closure::Closure},
        web_sys::{File, FileList, FormData, ProgressEvent, XmlHttpRequest},
    };

    use super::{Upload, size};
    use crate::{dto::BotId, ids::SourceId, knowledge::SourceCard, live::LiveFeed};

    /// What a refused upload answers (`ErrorBody`): only its words are shown.
    #[derive(serde::Deserialize)]
    struct Refusal {
        message: String,
    }

    /// Where a file goes: a new document of the bot, or a new version of a document.
    #[derive(Clone, Copy)]
    pub(super) enum Target {
        New(BotId),
        Replace(SourceId),
    }

    pub(super) fn send_all(
        files: FileList,
        bot: BotId,
        max_bytes: u64,
        uploads: RwSignal<Vec<Upload>>,
        live: LiveFeed,
    ) {
        for i in 0..files.length() {
            if let Some(file) = files.get(i) {
                send(file, Target::New(bot), max_bytes, uploads, live);
            }
        }
    }

    fn set(uploads: RwSignal<Vec<Upload>>, key: u32, change: impl FnOnce(&mut Upload)) {
        uploads.update(|all| {
            if let Some(u) = all.iter_mut().find(|u| u.key == key) {
                change(u);
            }
        });
    }

    pub(super) fn send(
        file: File,
        to: Target,
        max_bytes: u64,
        uploads: RwSignal<Vec<Upload>>,
        live: LiveFeed,
    ) {
        let key = uploads.with_untracked(|all| all.iter().map(|u| u.key + 1).max().unwrap_or(0));
        let name = file.name();
        uploads.update(|all| all.push(Upload { key, name: name.clone(), percent: 0, outcome: None }));
        if file.size() > max_bytes as f64 {
            set(uploads, key, |u| {
                u.outcome = Some(Err(format!("Larger than your plan's {} per file.", size(max_bytes))))
            });
            return;
        }
        let failed = move |text: String| set(uploads, key, |u| u.outcome = Some(Err(text)));
        let (Ok(xhr), Ok(form)) = (XmlHttpRequest::new(), FormData::new()) else {
            return failed("This browser cannot upload files.".into());
        };
        if let Target::New(bot) = to {
            let _ = form.append_with_str("chatbot_id", &bot.to_string());
        }
        let _ = form.append_with_blob_and_filename("file", &file, &name);
        let progress = Closure::<dyn FnMut(ProgressEvent)>::new(move |ev: ProgressEvent| {
            if ev.length_computable() && ev.total() > 0.0 {
                let percent = (ev.loaded() / ev.total() * 100.0).clamp(0.0, 100.0) as u8;
                set(uploads, key, |u| u.percent = percent);
            }
        });
        if let Ok(upload) = xhr.upload() {
            upload.set_onprogress(Some(progress.as_ref().unchecked_ref()));
        }
        progress.forget();
        let request = xhr.clone();
        let done = Closure::<dyn FnMut()>::new(move || {
            let status = request.status().unwrap_or(0);
            let text = request.response_text().ok().flatten().unwrap_or_default();
            if (200..300).contains(&status) {
                set(uploads, key, |u| {
                    u.percent = 100;
                    u.outcome = Some(Ok(()));
                });
                if let Ok(source) = serde_json::from_slice::<SourceCard>(text.as_bytes()) {
                    live.source(source);
                }
            } else if status == 0 {
                failed("The upload did not reach the server; check your connection and try again.".into());
            } else {
                let words = serde_json::from_slice::<Refusal>(text.as_bytes())
                    .map(|r| r.message)
                    .unwrap_or_else(|_| format!("The server refused the file ({status})."));
                failed(words);
            }
        });
        xhr.set_onloadend(Some(done.as_ref().unchecked_ref()));
        done.forget();
        let opened = match to {
            Target::New(_) => xhr.open("POST", "/api/v1/knowledge-base/documents"),
            Target::Replace(id) => xhr.open("PUT", &format!("/api/v1/knowledge-base/documents/{id}")),
        };
        if opened.is_err() {
            return failed("This browser cannot upload files.".into());
        }
        let _ = xhr.set_request_header("Accept", "application/json");
        if xhr.send_with_opt_form_data(Some(&form)).is_err() {
            failed("The upload could not start.".into());
        }
    }
}
