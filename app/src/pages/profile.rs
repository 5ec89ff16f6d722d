//! The Profile page (seed 000 "Profile"): your details and notification choices, two-factor
//! sign-in, and your sessions with "sign out of all other sessions" (PRD §5.1.1).

use leptos::prelude::*;
use leptos_meta::Title;

use super::short_time;
use crate::form::{FormAction, ServerForm};
use crate::{
    api::{MfaDisable, MfaEnable, MfaSetup, SignOutOthers, UpdateProfile, profile, sessions},
    auth::ProfileView,
};

#[component]
pub fn ProfilePage() -> impl IntoView {
    let save = FormAction::<UpdateProfile>::new();
    let enable = FormAction::<MfaEnable>::new();
    let disable = FormAction::<MfaDisable>::new();
    // Owned here, not by the two-factor section: a failed confirmation re-renders the section,
    // and the started set-up (key and QR code) must survive that.
    let setup = FormAction::<MfaSetup>::new();
    // Reload only after a save or a two-factor change went through: a refused one (a wrong
    // code) must leave the form, and what the person typed, where it is.
    let (saved, enabled, disabled) =
        (crate::load::saves(save), crate::load::saves(enable), crate::load::saves(disable));
    let me = crate::load::resource(move || (saved.get(), enabled.get(), disabled.get()), |_| profile());
    let sign_out_others = FormAction::<SignOutOthers>::new();
    let list = crate::load::resource(move || sign_out_others.version().get(), |_| sessions());
    view! {
        <Title text="Profile · ChatSupport" />
        <section class="panel" aria-labelledby="profile-heading">
            <h1 id="profile-heading">"Profile"</h1>
            <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || me.get().map(|loaded| match loaded {
                    Ok(p) => view! {
                        {(p.mfa_required && !p.mfa_enabled).then(|| view! {
                            <p class="error" role="alert">"Your organization requires two-factor sign-in. Set it up below."</p>
                        })}
                        <DetailsForm p=p.clone() save />
                        <TwoFactor enabled=p.mfa_enabled required=p.mfa_required setup enable disable />
                    }.into_any(),
                    Err(error) => view! { <p class="error" role="alert">{error.to_string()}</p> }.into_any(),
                })}
            </Transition>
            <h2>"Sessions"</h2>
            <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || list.get().map(|loaded| match loaded {
                    Ok(all) => view! {
                        <div class="table-scroll" tabindex="0" role="region" aria-label="Your sessions">
                            <table class="members">
                                <caption>{format!("{} active", all.len())}</caption>
                                <thead><tr>
                                    <th scope="col">"Signed in"</th><th scope="col">"Last seen"</th>
                                    <th scope="col">"From"</th><th scope="col">"Browser"</th><th scope="col"></th>
                                </tr></thead>
                                <tbody>
                                    {all.into_iter().map(|s| view! {
                                        <tr>
                                            <td>{short_time(&s.created_at)}</td>
                                            <td>{short_time(&s.last_seen_at)}</td>
                                            <td>{s.ip.unwrap_or_default()}</td>
                                            <td class="change">{s.user_agent.unwrap_or_default()}</td>
                                            <td>{s.current.then_some("This session")}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }.into_any(),
                    Err(error) => view! { <p class="error" role="alert">{error.to_string()}</p> }.into_any(),
                })}
            </Transition>
            <ServerForm action=sign_out_others>
                <button type="submit" class="secondary">"Sign out of all other sessions"</button>
            </ServerForm>
            {move || sign_out_others.value().get().map(|done| match done {
                Ok(ended) => view! { <p role="status">{format!("Signed out of {ended} other sessions.")}</p> }.into_any(),
                Err(error) => view! { <p class="error" role="alert">{error.to_string()}</p> }.into_any(),
            })}
        </section>
    }
}

#[component]
fn DetailsForm(p: ProfileView, save: FormAction<UpdateProfile>) -> impl IntoView {
    let n = p.notifications;
    view! {
        <ServerForm action=save>
            <div class="settings-form">
                <label>"Name" <input type="text" name="name" required maxlength="100" value=p.name.clone() /></label>
                <label>"Email" <input type="email" value=p.email.clone() readonly aria-readonly="true" /></label>
                <label>"Phone" <input type="tel" name="phone" maxlength="40" autocomplete="tel" value=p.phone.clone().unwrap_or_default() /></label>
                <label>"Job title" <input type="text" name="job_title" maxlength="100" value=p.job_title.clone().unwrap_or_default() /></label>
                <label>"Avatar (image address)" <input type="url" name="avatar_url" maxlength="500" placeholder="https://…" value=p.avatar_url.clone().unwrap_or_default() /></label>
                <label class="wide">"Bio" <textarea name="bio" maxlength="1000" rows="3">{crate::form::textarea_text(p.bio.clone().unwrap_or_default())}</textarea></label>
            </div>
            <fieldset>
                <legend>"Email me when"</legend>
                <label class="check"><input type="checkbox" name="new_conversation" checked=n.new_conversation />"a visitor starts a conversation"</label>
                <label class="check"><input type="checkbox" name="escalation" checked=n.escalation />"a conversation is handed to a human"</label>
                <label class="check"><input type="checkbox" name="weekly_report" checked=n.weekly_report />"the weekly report is ready"</label>
                <label class="check"><input type="checkbox" name="security_alerts" checked=n.security_alerts />"someone signs in to my account from a new device"</label>
            </fieldset>
            <button type="submit" disabled=move || save.pending().get()>"Save profile"</button>
        </ServerForm>
        {move || save.value().get().map(|saved| match saved {
            Ok(_) => view! { <p role="status" class="toast">"Profile saved."</p> }.into_any(),
            Err(error) => view! { <p class="error" role="alert">{error.to_string()}</p> }.into_any(),
        })}
    }
}

/// Two-factor sign-in: set up (secret + QR code, confirm with a code) or turn off.
#[component]
fn TwoFactor(
    enabled: bool,
    required: bool,
    setup: FormAction<MfaSetup>,
    enable: FormAction<MfaEnable>,
    disable: FormAction<MfaDisable>,
) -> impl IntoView {
    let failure = move || {
        enable
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| disable.value().get().and_then(Result::err))
            .or_else(|| setup.value().get().and_then(Result::err))
            .map(|e| e.to_string())
    };
    view! {
        <section class="two-factor" aria-labelledby="mfa-heading">
            <h2 id="mfa-heading">"Two-factor sign-in"</h2>
            {if enabled {
                view! {
                    <p role="status">"On: signing in asks for a code from your authenticator app."</p>
                    {(!required).then(|| view! {
                        <ServerForm action=disable>
                            <label>"Code from the app" <input type="text" name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9 ]{6,7}" required /></label>
                            <button type="submit" class="secondary danger">"Turn off two-factor sign-in"</button>
                        </ServerForm>
                    })}
                }.into_any()
            } else {
                view! {
                    <p class="muted">"Off. Add a second step to signing in with an authenticator app (Google Authenticator, 1Password, Authy…)."</p>
                    {move || match setup.value().get().and_then(Result::ok) {
                        None => view! {
                            <ServerForm action=setup>
                                <button type="submit">"Set up two-factor sign-in"</button>
                            </ServerForm>
                        }.into_any(),
                        Some(started) => view! {
                            <p>"Scan this code with your app, or type the key in by hand."</p>
                            <div class="qr" inner_html=started.qr_svg.clone()></div>
                            <p>"Key: " <code class="secret">{started.secret.clone()}</code></p>
                            <ServerForm action=enable>
                                <label>"Code from the app" <input type="text" name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9 ]{6,7}" required /></label>
                                <button type="submit">"Turn on"</button>
                            </ServerForm>
                        }.into_any(),
                    }}
                }.into_any()
            }}
            {move || failure().map(|text| view! { <p class="error" role="alert">{text}</p> })}
        </section>
    }
}
