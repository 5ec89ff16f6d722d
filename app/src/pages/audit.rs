//! The audit log page (owners and admins): newest first, filter by action, older pages by a
//! cursor in the URL (`?action=…&before=…`).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::short_time;
use crate::form::SearchForm;
use crate::{ApiError, api::audit_log};

const ACTIONS: [(&str, &str); 11] = [
    ("", "All actions"),
    ("conversation.takeover", "Conversation taken over"),
    ("conversation.resolved", "Conversation resolved"),
    ("conversation.returned_to_bot", "Conversation given back to the bot"),
    ("organization.created", "Organization created"),
    ("team.invited", "Invited"),
    ("team.joined", "Joined"),
    ("team.role_changed", "Role changed"),
    ("team.deactivated", "Deactivated"),
    ("team.removed", "Removed"),
    ("user.password_reset", "Password reset"),
];

#[component]
pub fn AuditPage() -> impl IntoView {
    let query = use_query_map();
    let action = Memo::new(move |_| query.read().get("action").unwrap_or_default());
    let before = Memo::new(move |_| query.read().get("before").unwrap_or_default());
    let entries = crate::load::resource(
        move || (action.get(), before.get()),
        |(action, before)| {
            audit_log(Some(action).filter(|a| !a.is_empty()), Some(before).filter(|b| !b.is_empty()))
        },
    );
    view! {
        <Title text="Audit log · ChatSupport" />
        <section class="panel" aria-labelledby="audit-heading">
            <h1 id="audit-heading">"Audit log"</h1>
            <div role="search">
                <SearchForm action="/audit">
                    <label>
                        "Action "
                        <select name="action">
                            {ACTIONS.into_iter().map(|(value, label)| view! {
                                <option value=value selected=move || action.get() == value>{label}</option>
                            }).collect_view()}
                        </select>
                    </label>
                    " "
                    <button type="submit">"Filter"</button>
                </SearchForm>
            </div>
            <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || entries.get().map(|loaded| match loaded {
                    Ok(list) if list.is_empty() => view! { <p class="empty">"No entries."</p> }.into_any(),
                    Ok(list) => {
                        let next = list.last().map(|e| e.created_at.clone());
                        let full = list.len() >= 50;
                        view! {
                            <div class="table-scroll" tabindex="0" role="region" aria-label="Audit entries">
                                <table class="members">
                                    <thead><tr>
                                        <th scope="col">"When"</th><th scope="col">"Who"</th><th scope="col">"Action"</th>
                                        <th scope="col">"Target"</th><th scope="col">"Change"</th><th scope="col">"From"</th>
                                    </tr></thead>
                                    <tbody>
                                        {list.into_iter().map(|e| view! {
                                            <tr>
                                                <td><time datetime=e.created_at.clone()>{short_time(&e.created_at)}</time></td>
                                                <td>{e.actor_name}</td>
                                                <td>{e.action}</td>
                                                <td>{e.target_type}</td>
                                                <td class="change">
                                                    <ul class="changes">
                                                        {changes(e.before.as_deref(), e.after.as_deref()).into_iter().map(|(field, was, now)| view! {
                                                            <li>
                                                                <span class="field">{field}</span>
                                                                {was.map(|w| view! { <del>{w}</del> " → " })}
                                                                <ins>{now}</ins>
                                                            </li>
                                                        }).collect_view()}
                                                    </ul>
                                                </td>
                                                <td title=e.user_agent.unwrap_or_default()>{e.ip.unwrap_or_default()}</td>
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                            {(full).then(|| next.map(|cursor| view! {
                                <p><a href=format!("/audit?action={}&before={}", action.get(), cursor)>"Older entries"</a></p>
                            }))}
                        }.into_any()
                    }
                    Err(ApiError::Forbidden) => view! {
                        <p class="empty" role="alert">"Only owners and admins can read the audit log."</p>
                    }.into_any(),
                    Err(error) => view! { <p class="error" role="alert">{error.to_string()}</p> }.into_any(),
                })}
            </Transition>
        </section>
    }
}

/// A change as lines a person reads: each field with what it was (if it was) and what it
/// became ("status: waiting → resolved"), instead of two JSON blobs.
fn changes(before: Option<&str>, after: Option<&str>) -> Vec<(String, Option<String>, String)> {
    let read = |raw: Option<&str>| -> serde_json::Map<String, serde_json::Value> {
        match raw.map(|raw| serde_json::from_slice::<serde_json::Value>(raw.as_bytes())) {
            Some(Ok(serde_json::Value::Object(map))) => map,
            Some(Ok(other)) => [("value".to_owned(), other)].into_iter().collect(),
            Some(Err(_)) => {
                [("value".to_owned(), serde_json::Value::String(raw.unwrap_or_default().to_owned()))]
                    .into_iter()
                    .collect()
            }
            None => serde_json::Map::new(),
        }
    };
    let shown = |value: &serde_json::Value| match value {
        serde_json::Value::String(text) => text.clone(),
        serde_json::Value::Null => "none".to_owned(),
        other => other.to_string(),
    };
    let (was, now) = (read(before), read(after));
    let mut lines: Vec<(String, Option<String>, String)> = now
        .iter()
        .filter(|(field, value)| was.get(*field) != Some(value))
        .map(|(field, value)| (field.clone(), was.get(field).map(shown), shown(value)))
        .collect();
    lines.extend(
        was.iter()
            .filter(|(field, _)| !now.contains_key(*field))
            .map(|(f, v)| (f.clone(), Some(shown(v)), "removed".to_owned())),
    );
    lines
}

#[cfg(test)]
mod tests {
    use super::changes;

    #[test]
    fn a_change_reads_as_fields_from_before_to_after() {
        let lines = changes(
            Some(r#"{"status":"waiting","tags":["a"]}"#),
            Some(r#"{"status":"resolved","note":"Done","tags":["a"]}"#),
        );
        assert_eq!(
            lines,
            vec![
                ("note".to_owned(), None, "Done".to_owned()),
                ("status".to_owned(), Some("waiting".to_owned()), "resolved".to_owned()),
            ]
        );
        assert_eq!(changes(None, None), vec![]);
        assert_eq!(
            changes(Some("not json"), None),
            vec![("value".to_owned(), Some("not json".to_owned()), "removed".to_owned())]
        );
    }
}
