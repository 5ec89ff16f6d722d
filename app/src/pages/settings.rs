//! Settings: the company profile and brand colours, the security rules (two-factor
//! requirement, idle timeout, IP allow-list) and integration credentials (owners and admins).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::short_time;
use crate::form::{FormAction, ServerForm};
use crate::{
    api::{
        AddCredential, CreateApiKey, RemoveCredential, RemoveLogo, RevokeApiKey, UpdateOrganization,
        UpdateSecurity, api_keys, credentials, organization, security_settings,
    },
    auth::SESSION_TIMEOUTS,
    dto::{COMPANY_SIZES, CREDENTIAL_PROVIDERS},
};

#[component]
pub fn SettingsPage() -> impl IntoView {
    let save = FormAction::<UpdateOrganization>::new();
    let saved = crate::load::saves(save);
    let profile = crate::load::resource(move || saved.get(), |_| organization());
    view! {
        <Title text="Settings · ChatSupport" />
        <section class="panel" aria-labelledby="settings-heading">
            <h1 id="settings-heading">"Organization settings"</h1>
            <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || profile.get().map(|loaded| match loaded {
                    Ok(org) => {
                        let size = org.company_size.clone().unwrap_or_default();
                        view! {
                            <ServerForm action=save>
                                <div class="settings-form">
                                    <label>"Company name" <input type="text" name="name" required maxlength="100" value=org.name.clone() /></label>
                                    <label>"Website" <input type="url" name="website" maxlength="300" placeholder="https://example.com" value=org.website.clone().unwrap_or_default() /></label>
                                    <label>"Industry" <input type="text" name="industry" maxlength="100" value=org.industry.clone().unwrap_or_default() /></label>
                                    <label>
                                        "Company size"
                                        <select name="company_size">
                                            <option value="" selected=size.is_empty()>"Not set"</option>
                                            {COMPANY_SIZES.into_iter().map(|s| view! {
                                                <option value=s selected=size == s>{format!("{s} people")}</option>
                                            }).collect_view()}
                                        </select>
                                    </label>
                                    <label>"Primary colour" <input type="color" name="primary_color" value=org.primary_color.clone().unwrap_or_else(|| "#4f46e5".into()) /></label>
                                    <label>"Secondary colour" <input type="color" name="secondary_color" value=org.secondary_color.clone().unwrap_or_else(|| "#eef0ff".into()) /></label>
                                </div>
                                <button type="submit" disabled=move || save.pending().get()>"Save"</button>
                            </ServerForm>
                        }.into_any()
                    }
                    Err(error) => view! { <p class="error" role="alert">{error.to_string()}</p> }.into_any(),
                })}
            </Transition>
            {move || save.value().get().map(|saved| match saved {
                Ok(_) => view! { <p role="status">"Saved."</p> }.into_any(),
                Err(error) => view! { <p class="error" role="alert">{error.to_string()}</p> }.into_any(),
            })}
            <LogoSection />
            <SecuritySection />
            <ApiKeysSection />
            <CredentialsSection />
        </section>
    }
}

/// Settings → Security: two-factor requirement, idle timeout, IP allow-list.
#[component]
fn SecuritySection() -> impl IntoView {
    let save = FormAction::<UpdateSecurity>::new();
    let saved = crate::load::saves(save);
    let rules = crate::load::resource(move || saved.get(), |_| security_settings());
    view! {
        <section aria-labelledby="security-heading">
            <h2 id="security-heading">"Security"</h2>
            <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || rules.get().map(|loaded| match loaded {
                    Ok(rules) => {
                        let timeout = rules.session_timeout_minutes;
                        view! {
                            <ServerForm action=save>
                                <div class="settings-form">
                                    <label class="check wide">
                                        <input type="checkbox" name="require_mfa" checked=rules.require_mfa />
                                        "Require two-factor sign-in for every member"
                                    </label>
                                    <label>
                                        "Sign out idle sessions after"
                                        <select name="session_timeout_minutes">
                                            <option value="" selected=timeout.is_none()>"30 days (never idle out)"</option>
                                            {SESSION_TIMEOUTS.into_iter().map(|m| view! {
                                                <option value=m.to_string() selected=timeout == Some(m)>{timeout_label(m)}</option>
                                            }).collect_view()}
                                        </select>
                                    </label>
                                    <label class="wide">
                                        "IP allow-list (one address or range per line; empty allows all)"
                                        <textarea name="ip_allowlist" rows="4" placeholder="203.0.113.7\n10.0.0.0/8">{crate::form::textarea_text(rules.ip_allowlist.join("\n"))}</textarea>
                                    </label>
                                </div>
                                <button type="submit" disabled=move || save.pending().get()>"Save security rules"</button>
                            </ServerForm>
                        }.into_any()
                    }
                    Err(error) => view! { <p class="error" role="alert">{error.to_string()}</p> }.into_any(),
                })}
            </Transition>
            {move || save.value().get().map(|saved| match saved {
                Ok(_) => view! { <p role="status" class="toast">"Security rules saved."</p> }.into_any(),
                Err(error) => view! { <p class="error" role="alert">{error.to_string()}</p> }.into_any(),
            })}
        </section>
    }
}

fn timeout_label(minutes: i32) -> String {
    match minutes {
        m if m < 60 => format!("{m} minutes"),
        60 => "1 hour".into(),
        m => format!("{} hours", m / 60),
    }
}

/// Settings → Integrations: credentials for other services, sealed at rest, shown by label
/// and last characters only.
#[component]
fn CredentialsSection() -> impl IntoView {
    let add = FormAction::<AddCredential>::new();
    let remove = ServerAction::<RemoveCredential>::new();
    let list =
        crate::load::resource(move || (add.version().get(), remove.version().get()), |_| credentials());
    view! {
        <section aria-labelledby="credentials-heading">
            <h2 id="credentials-heading">"Integration credentials"</h2>
            <p class="muted">"Keys and tokens for Slack, your CRM or an LLM. They are encrypted at rest and never shown again."</p>
            <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || list.get().map(|loaded| match loaded {
                    Ok(all) if all.is_empty() => view! { <p class="empty">"No credentials yet."</p> }.into_any(),
                    Ok(all) => view! {
                        <ul class="plain">
                            {all.into_iter().map(|c| {
                                let id = c.id;
                                let label = c.label.clone();
                                view! {
                                    <li>
                                        <strong>{c.label.clone()}</strong>
                                        <span class="badge badge-muted">{c.provider.clone()}</span>
                                        <code>{c.hint.clone()}</code>
                                        <span class="muted">{format!(" added {}", short_time(&c.created_at))}</span>
                                        <button type="button" class="secondary danger" aria-label=format!("Delete {label}")
                                            on:click=move |_| { remove.dispatch(RemoveCredential { id }); }>"Delete"</button>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(error) => view! { <p class="error" role="alert">{error.to_string()}</p> }.into_any(),
                })}
            </Transition>
            <ServerForm action=add>
                <div class="settings-form">
                    <label>
                        "Service"
                        <select name="provider">
                            {CREDENTIAL_PROVIDERS.into_iter().map(|p| view! { <option value=p>{p}</option> }).collect_view()}
                        </select>
                    </label>
                    <label>"Label" <input type="text" name="label" required maxlength="100" placeholder="Support Slack" /></label>
                    <label class="wide">"Secret" <input type="password" name="secret" required maxlength="4096" autocomplete="off" /></label>
                </div>
                <button type="submit" disabled=move || add.pending().get()>"Add credential"</button>
            </ServerForm>
            {move || add.value().get().map(|added| match added {
                Ok(c) => view! { <p role="status" class="toast">{format!("Saved {} ({}).", c.label, c.hint)}</p> }.into_any(),
                Err(error) => view! { <p class="error" role="alert">{error.to_string()}</p> }.into_any(),
            })}
            {move || remove.value().get().and_then(Result::err).map(|error| view! { <p class="error" role="alert">{error.to_string()}</p> })}
        </section>
    }
}

/// Settings → API keys: create a named key with a role (shown once), list and revoke.
#[component]
fn ApiKeysSection() -> impl IntoView {
    let create = FormAction::<CreateApiKey>::new();
    let revoke = ServerAction::<RevokeApiKey>::new();
    let keys =
        crate::load::resource(move || (create.version().get(), revoke.version().get()), |_| api_keys());
    view! {
        <section aria-labelledby="keys-heading">
            <h2 id="keys-heading">"API keys"</h2>
            <p class="muted">"For your servers: send " <code>"Authorization: Bearer cs_live_…"</code> " to the REST API (see API docs). A key acts with the role you give it."</p>
            {move || create.value().get().map(|made| match made {
                Ok(made) => view! {
                    <div class="new-key" role="status">
                        <p>{format!("Key “{}” created. Copy it now: it is not shown again.", made.api_key.name)}</p>
                        <code class="secret">{made.key}</code>
                    </div>
                }.into_any(),
                Err(error) => view! { <p class="error" role="alert">{error.to_string()}</p> }.into_any(),
            })}
            <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || keys.get().map(|loaded| match loaded {
                    Ok(all) if all.is_empty() => view! { <p class="empty">"No API keys yet."</p> }.into_any(),
                    Ok(all) => view! {
                        <ul class="plain" aria-label="API keys">
                            {all.into_iter().map(|k| {
                                let id = k.id;
                                let name = k.name.clone();
                                view! {
                                    <li>
                                        <strong>{k.name.clone()}</strong>
                                        <code>{format!("{}…", k.prefix)}</code>
                                        <span class="badge badge-muted">{k.role.label()}</span>
                                        <span class="muted">{format!(
                                            " created {} · {}",
                                            short_time(&k.created_at),
                                            k.last_used_at.as_deref().map(|t| format!("last used {}", short_time(t))).unwrap_or_else(|| "never used".into())
                                        )}</span>
                                        <button type="button" class="secondary danger" aria-label=format!("Revoke {name}")
                                            on:click=move |_| { revoke.dispatch(RevokeApiKey { id }); }>"Revoke"</button>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(error) => view! { <p class="error" role="alert">{error.to_string()}</p> }.into_any(),
                })}
            </Transition>
            <ServerForm action=create>
                <div class="settings-form">
                    <label>"Key name" <input type="text" name="name" required maxlength="100" placeholder="CRM sync" /></label>
                    <label>
                        "Key role"
                        <select name="role">
                            <option value="viewer">"Viewer: reads"</option>
                            <option value="agent">"Agent: reads and answers"</option>
                            <option value="admin">"Admin: manages"</option>
                        </select>
                    </label>
                </div>
                <button type="submit" disabled=move || create.pending().get()>"Create API key"</button>
            </ServerForm>
            {move || revoke.value().get().and_then(Result::err).map(|error| view! { <p class="error" role="alert">{error.to_string()}</p> })}
        </section>
    }
}

/// Settings → Logo: a plain file form (works without JavaScript); the server sends the browser
/// back here with `?logo=saved` or `?logo_error=<code>`.
#[component]
fn LogoSection() -> impl IntoView {
    let remove = FormAction::<RemoveLogo>::new();
    let current = crate::load::resource(move || remove.version().get(), |_| organization());
    let query = use_query_map();
    let outcome = move || {
        let q = query.read();
        match (q.get("logo").as_deref(), q.get("logo_error").as_deref()) {
            (Some("saved"), _) => Some(Ok("Logo saved.")),
            (_, Some("too_large")) => Some(Err("The logo can be at most 2 MB.")),
            (_, Some("not_an_image")) => Some(Err("The logo must be a PNG or JPEG image.")),
            (_, Some(_)) => Some(Err("Choose a PNG or JPEG file to upload.")),
            _ => None,
        }
    };
    view! {
        <section aria-labelledby="logo-heading">
            <h2 id="logo-heading">"Logo"</h2>
            {move || outcome().map(|o| match o {
                Ok(text) => view! { <p role="status" class="toast">{text}</p> }.into_any(),
                Err(text) => view! { <p class="error" role="alert">{text}</p> }.into_any(),
            })}
            <Transition fallback=|| ()>
                {move || current.get().and_then(Result::ok).map(|org| match org.logo_url {
                    Some(url) => view! {
                        <img class="logo-preview" src=url alt=format!("{} logo", org.name) />
                        <ServerForm action=remove><button type="submit" class="secondary danger">"Remove logo"</button></ServerForm>
                    }.into_any(),
                    None => view! { <p class="muted">"No logo yet: PNG or JPEG, at most 2 MB; it is scaled to fit 256 × 256."</p> }.into_any(),
                })}
            </Transition>
            <form method="post" action="/api/v1/organization/logo" enctype="multipart/form-data" class="logo-form">
                <label>"Logo file" <input type="file" name="logo" accept="image/png,image/jpeg" required /></label>
                <button type="submit">"Upload logo"</button>
            </form>
        </section>
    }
}
