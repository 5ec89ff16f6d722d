//! A bot's evaluation set on its Knowledge page: the questions an owner keeps with what a
//! right answer does, each with how it fared in the latest run; the pass rate over the last
//! runs as a chart; "Run now" with a progress bar while a run works (the set also runs by
//! itself a few seconds after the knowledge changes); adding a question, or every FAQ at once.

use leptos::prelude::*;

use super::knowledge::plural;
use crate::{
    api::{AddEvalQuestion, AddFaqQuestions, RemoveEvalQuestion, StartEvalRun, load_evaluation},
    dto::BotId,
    evaluation::{EvalQuestion, EvalRun, EvaluationSet, Expectation, RunStatus, RunTrigger},
    form::{FormAction, ServerForm},
    live::LiveFeed,
};

/// Questions listed before "Show more".
const PAGE: usize = 50;

/// While a run works, the set is read again this often (milliseconds).
#[cfg(feature = "browser")]
const POLL_MS: u64 = 1_500;

#[component]
pub fn Evaluation(
    bot: BotId,
    /// From the Knowledge page's own load: read from this panel's resource outside its
    /// `Transition`, the add form was drawn by the browser where the server had drawn nothing
    /// (the resource not read yet), and hydration stopped the page.
    can_manage: bool,
    /// The bot's sources a question may expect (the Knowledge page's list, live).
    choices: Signal<Vec<crate::evaluation::SourceChoice>>,
) -> impl IntoView {
    let changes = RwSignal::new(0_u32);
    let add = FormAction::<AddEvalQuestion>::new();
    let saved = crate::load::saves(add);
    let set = crate::load::resource(move || (changes.get(), saved.get()), move |_| load_evaluation(bot));
    // A source finished or left: a run is queued in a few seconds; show it.
    if let Some(live) = use_context::<LiveFeed>() {
        Effect::new(move |seen: Option<usize>| {
            let now = live
                .sources
                .with(|s| s.iter().filter(|s| s.chatbot_id == bot && !s.status.is_working()).count());
            if seen.is_some_and(|seen| seen != now) {
                changes.update(|n| *n += 1);
            }
            now
        });
    }
    // While a run is queued or working, read again shortly.
    Effect::new(move |_| {
        let working =
            set.get().and_then(Result::ok).is_some_and(|s| s.runs.first().is_some_and(EvalRun::is_working));
        #[cfg(feature = "browser")]
        if working {
            set_timeout(move || changes.update(|n| *n += 1), std::time::Duration::from_millis(POLL_MS));
        }
        #[cfg(not(feature = "browser"))]
        let _ = working;
    });
    // The add form lives outside the list, which is drawn again at every read: what someone
    // is typing stays while a run moves.
    // Kept across reads (the list is drawn again at each): the actions and their toasts, the
    // filter and how many show.
    let run = ServerAction::<StartEvalRun>::new();
    let faqs = ServerAction::<AddFaqQuestions>::new();
    Effect::new(move |_| {
        if run.value().with(|r| matches!(r, Some(Ok(_)))) || faqs.value().with(|r| matches!(r, Some(Ok(_)))) {
            changes.update(|n| *n += 1);
        }
    });
    let only_failed = RwSignal::new(false);
    let shown = RwSignal::new(PAGE);
    view! {
        <section class="evaluation" aria-labelledby="evaluation-heading">
            <h2 id="evaluation-heading">"Evaluation set"</h2>
            <p class="muted small">"Questions your customers ask, with what a right answer does. The set runs again after every change to the knowledge, so a change that makes the bot worse shows here before visitors meet it."</p>
            <Transition fallback=|| view! { <p class="muted" role="status">"Loading the evaluation set…"</p> }>
                {move || set.get().map(|loaded| match loaded {
                    Ok(data) => view! { <Loaded data bot changes run faqs only_failed shown /> }.into_any(),
                    Err(e) => view! { <p class="error" role="alert">{e.to_string()}</p> }.into_any(),
                })}
            </Transition>
            {can_manage.then(|| view! { <AddQuestion bot sources=choices add /> })}
        </section>
    }
}

#[component]
fn Loaded(
    data: EvaluationSet,
    bot: BotId,
    changes: RwSignal<u32>,
    run: ServerAction<StartEvalRun>,
    faqs: ServerAction<AddFaqQuestions>,
    only_failed: RwSignal<bool>,
    shown: RwSignal<usize>,
) -> impl IntoView {
    let latest = data.runs.first().cloned();
    let finished = data.runs.iter().find(|r| r.status == RunStatus::Completed).cloned();
    let summary = match &finished {
        Some(r) => format!(
            "{} · last run: {} % passed ({} of {}), {}",
            plural(data.questions.len() as u32, "question"),
            r.pass_percent(),
            r.passed,
            r.total,
            r.finished_at.as_deref().map(super::short_time).unwrap_or_default()
        ),
        None => format!("{} · not run yet", plural(data.questions.len() as u32, "question")),
    };
    let can_manage = data.can_manage;
    let empty = data.questions.is_empty();
    // What the change before the last run broke, said where the owner looks first.
    let broken: Vec<String> =
        data.questions.iter().filter(|q| q.newly_failing).map(|q| q.question.clone()).collect();
    let broke = (!broken.is_empty()).then(|| {
        let cause = match finished.as_ref().map(|r| r.trigger) {
            Some(crate::evaluation::RunTrigger::Knowledge) => "since the last change to the knowledge",
            _ => "since the run before",
        };
        let named = broken.iter().take(3).map(|q| format!("“{q}”")).collect::<Vec<_>>().join(", ");
        let more = if broken.len() > 3 { format!(" and {} more", broken.len() - 3) } else { String::new() };
        view! {
            <p class="notice" role="alert">
                {format!("{} passed before and fail {cause}: {named}{more}. Check what changed before visitors ask.",
                    plural(broken.len() as u32, "question"))}
            </p>
        }
    });
    view! {
        <p>{summary}</p>
        {broke}
        {latest.clone().filter(EvalRun::is_working).map(|r| view! { <RunProgress r /> })}
        {latest.filter(|r| r.status == RunStatus::Failed).and_then(|r| r.error).map(|e| view! {
            <p class="error" role="alert">{format!("The last run failed: {e}")}</p>
        })}
        <PassRate runs=data.runs.clone() />
        {can_manage.then(|| view! {
            <div class="row">
                <button type="button" disabled=move || empty || run.pending().get()
                    on:click=move |_| { run.dispatch(StartEvalRun { chatbot_id: bot }); }>"Run now"</button>
                <button type="button" class="secondary" disabled=move || faqs.pending().get()
                    on:click=move |_| { faqs.dispatch(AddFaqQuestions { chatbot_id: bot }); }>"Add every FAQ"</button>
            </div>
            {move || run.value().get().and_then(Result::err).map(|e| view! { <p class="error" role="alert">{e.to_string()}</p> })}
            {move || faqs.value().get().map(|r| match r {
                Ok(0) => view! { <p role="status" class="toast">"Every FAQ is in the set already."</p> }.into_any(),
                Ok(n) => view! { <p role="status" class="toast">{format!("Added {}.", plural(n, "FAQ question"))}</p> }.into_any(),
                Err(e) => view! { <p class="error" role="alert">{e.to_string()}</p> }.into_any(),
            })}
        })}
        {if empty {
            view! {
                <p class="empty">"No questions yet. Add the questions customers ask most — with the source a right answer cites, the answer it gives, or that the bot must say it does not know — or add every FAQ at once."</p>
            }.into_any()
        } else {
            let failing = data.questions.iter().filter(|q| q.last.as_ref().is_some_and(|r| !r.passed)).count();
            let questions = data.questions;
            view! {
                {(failing > 0).then(|| view! {
                    <label class="small">
                        <input type="checkbox" prop:checked=move || only_failed.get()
                            on:change=move |ev| only_failed.set(event_target_checked(&ev)) />
                        {format!(" Only the {} that failed", plural(failing as u32, "question"))}
                    </label>
                })}
                {move || {
                    let filter = only_failed.get() && failing > 0;
                    let listed: Vec<EvalQuestion> = questions
                        .iter()
                        .filter(|q| !filter || q.last.as_ref().is_some_and(|r| !r.passed))
                        .cloned()
                        .collect();
                    let total = listed.len();
                    let limit = shown.get();
                    view! {
                        <ul class="eval-questions" aria-label="Evaluation questions">
                            {listed.into_iter().take(limit).map(|q| view! { <Question q bot can_manage changes /> }).collect_view()}
                        </ul>
                        {(total > limit).then(|| view! {
                            <button type="button" class="secondary" on:click=move |_| shown.update(|n| *n += PAGE)>
                                {format!("Show more ({} of {total} shown)", limit)}
                            </button>
                        })}
                    }
                }}
            }.into_any()
        }}
    }
}

#[component]
fn RunProgress(r: EvalRun) -> impl IntoView {
    let percent = (r.done * 100).checked_div(r.total).unwrap_or(0);
    let label = match (r.status, r.trigger) {
        (RunStatus::Queued, RunTrigger::Knowledge) => {
            "The knowledge changed: a run starts in a moment…".to_owned()
        }
        (RunStatus::Queued, _) => "Starting the run…".to_owned(),
        _ => format!("Running: {} of {} asked, {} passed", r.done, r.total, r.passed),
    };
    view! {
        <p class="muted small" role="status">{label.clone()}</p>
        <div class="bar working" role="progressbar" aria-label=label aria-valuemin="0" aria-valuemax="100" aria-valuenow=percent>
            <span style=format!("width: {percent}%")></span>
        </div>
    }
}

/// The pass rate of the finished runs, oldest to newest, as a line over 0–100 %.
#[component]
fn PassRate(runs: Vec<EvalRun>) -> impl IntoView {
    let points: Vec<u32> = runs
        .iter()
        .rev()
        .filter(|r| r.status == RunStatus::Completed && r.total > 0)
        .map(EvalRun::pass_percent)
        .collect();
    (points.len() >= 2).then(|| {
        const W: u32 = 300;
        const H: u32 = 80;
        let step = W / (points.len() as u32 - 1);
        let at = |i: usize, p: u32| (i as u32 * step, H - p * (H - 8) / 100 - 4);
        let line: String = points
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let (x, y) = at(i, *p);
                format!("{x},{y}")
            })
            .collect::<Vec<_>>()
            .join(" ");
        let told = format!(
            "Pass rate over the last {} runs, oldest first: {} %",
            points.len(),
            points.iter().map(u32::to_string).collect::<Vec<_>>().join(" %, ")
        );
        let dots = points.iter().enumerate().map(|(i, p)| {
            let (x, y) = at(i, *p);
            view! { <circle cx=x cy=y r="3"><title>{format!("{p} %")}</title></circle> }
        }).collect_view();
        view! {
            <figure class="pass-rate">
                <svg viewBox=format!("-4 0 {} {H}", W + 8) role="img" aria-label=told.clone() preserveAspectRatio="none">
                    <line x1="0" x2=W y1=H / 2 y2=H / 2 class="grid" />
                    <polyline points=line />
                    {dots}
                </svg>
                <figcaption class="muted small">{told}</figcaption>
            </figure>
        }
    })
}

#[component]
fn Question(q: EvalQuestion, bot: BotId, can_manage: bool, changes: RwSignal<u32>) -> impl IntoView {
    let remove = ServerAction::<RemoveEvalQuestion>::new();
    Effect::new(move |_| {
        if remove.value().with(|r| matches!(r, Some(Ok(())))) {
            changes.update(|n| *n += 1);
        }
    });
    let id = q.id;
    let expects = match (q.expects, &q.expected_source_title, &q.expected_answer) {
        (Expectation::Source, Some(title), _) => format!("Cites “{title}”"),
        (Expectation::Source, None, _) => "Cites a source that was deleted".to_owned(),
        (Expectation::Answer, _, Some(answer)) => {
            format!("Says: {}", answer.chars().take(120).collect::<String>())
        }
        (other, _, _) => other.label().to_owned(),
    };
    let origin = match q.origin {
        crate::evaluation::EvalOrigin::Typed => None,
        crate::evaluation::EvalOrigin::Transcript => Some("From a conversation"),
        crate::evaluation::EvalOrigin::Faq => Some("FAQ"),
    };
    let result = q.last.clone();
    let failed = result.as_ref().is_some_and(|r| !r.passed);
    let passed = result.as_ref().is_some_and(|r| r.passed);
    let title = q.question.clone();
    view! {
        <li class="eval-question" class:failed=failed class:passed=passed>
            <p>
                <strong>{q.question.clone()}</strong>
                {origin.map(|o| view! { <span class="badge badge-muted">{o}</span> })}
                {result.as_ref().map(|r| if r.passed {
                    view! { <span class="badge badge-ok">"Passed"</span> }.into_any()
                } else if q.newly_failing {
                    view! { <span class="badge badge-danger">"Newly failing"</span> }.into_any()
                } else {
                    view! { <span class="badge badge-danger">"Failed"</span> }.into_any()
                })}
            </p>
            <p class="muted small">{expects}</p>
            {result.map(|r| view! {
                <p class="small">{r.reason}</p>
                {(!r.found.is_empty()).then(|| view! { <p class="muted small">{format!("Found: {}", r.found.join(" · "))}</p> })}
            })}
            {can_manage.then(|| view! {
                <button type="button" class="secondary danger small" disabled=move || remove.pending().get()
                    on:click=move |_| { remove.dispatch(RemoveEvalQuestion { chatbot_id: bot, id }); }>
                    "Remove"<span class="visually-hidden">{format!(" {title}")}</span>
                </button>
            })}
            {move || remove.value().get().and_then(Result::err).map(|e| view! { <p class="error" role="alert">{e.to_string()}</p> })}
        </li>
    }
}

#[component]
fn AddQuestion(
    bot: BotId,
    sources: Signal<Vec<crate::evaluation::SourceChoice>>,
    add: FormAction<AddEvalQuestion>,
) -> impl IntoView {
    let expects = RwSignal::new(Expectation::Answered);
    let form = NodeRef::new();
    Effect::new(move |_| {
        if add.value().with(|r| matches!(r, Some(Ok(_)))) {
            crate::form::clear(form);
        }
    });
    view! {
        <details class="eval-add">
            <summary>"Add a question"</summary>
            <ServerForm action=add node_ref=form>
                <input type="hidden" name="chatbot_id" value=bot.to_string() />
                <label>"Test question" <input name="question" required maxlength="4000" placeholder="Can I return a sale item?" /></label>
                <label>"A right answer…"
                    <select name="expects" on:change=move |ev| expects.set(event_target_value(&ev).parse().unwrap_or(Expectation::Answered))>
                        {Expectation::ALL.iter().map(|e| view! {
                            <option value=e.as_str() selected=*e == Expectation::Answered>{e.label()}</option>
                        }).collect_view()}
                    </select>
                </label>
                <label hidden=move || expects.get() != Expectation::Source>"Source"
                    <select name="expected_source_id">
                        <option value="">"Choose a source…"</option>
                        // Keyed: a source arriving or leaving while the form is open does not
                        // move the chosen option onto another source.
                        <For each=move || sources.get() key=|s| s.id let:s>
                            <option value=s.id.to_string()>{s.title}</option>
                        </For>
                    </select>
                </label>
                <label hidden=move || expects.get() != Expectation::Answer>"Expected answer"
                    <textarea name="expected_answer" rows="3" maxlength="2000"></textarea>
                </label>
                <button type="submit" disabled=move || add.pending().get()>"Add question"</button>
            </ServerForm>
            {move || add.value().get().map(|r| match r {
                Ok(q) => view! { <p role="status" class="toast">{format!("Added “{}”. Run the set to see how the bot does.", q.question)}</p> }.into_any(),
                Err(e) => view! { <p class="error" role="alert">{e.to_string()}</p> }.into_any(),
            })}
        </details>
    }
}
