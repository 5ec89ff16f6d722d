//! Sign in: email and password, "Sign in with Google" (when configured), or one click on a
//! demo account (when the demo organization is loaded). Works without JavaScript too: the forms
//! post to the server functions and the Google button is a plain link to `/auth/google`.
//! A failed Google sign-in comes back as `?error=<code>`; only known codes are shown.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{
    NavigateOptions,
    hooks::{use_navigate, use_query_map},
};

use crate::form::{FormAction, ServerForm};
use crate::{
    ApiError,
    api::{SignIn, SignInMfa, current_user, demo_accounts, sign_in_options},
    auth::SignInProblem,
};

#[component]
pub fn LoginPage() -> impl IntoView {
    let sign_in = FormAction::<SignIn>::new();
    let demos = crate::load::resource(|| (), |_| demo_accounts());
    let options = crate::load::resource(|| (), |_| sign_in_options());
    let query = use_query_map();
    let problem = move || query.read().get("error").and_then(|code| SignInProblem::from_code(&code));
    let second_step = FormAction::<SignInMfa>::new();
    // The password was right and the account has two-factor sign-in: ask for the code.
    let challenge = move || match sign_in.value().get() {
        Some(Err(ApiError::MfaRequired { challenge })) => Some(challenge),
        _ => None,
    };
    // Signed in already (Back after signing in, a second tab): the dashboard, not the form,
    // and this page leaves the history.
    let session = crate::load::resource(|| (), |_| current_user());
    let navigate = use_navigate();
    Effect::new(move || {
        if matches!(session.get(), Some(Ok(_))) {
            navigate("/conversations", NavigateOptions { replace: true, ..NavigateOptions::default() });
        }
    });
    let error = move || match sign_in.value().get() {
        Some(Err(ApiError::MfaRequired { .. })) | None | Some(Ok(_)) => None,
        Some(Err(err)) => Some(err.to_string()),
    };
    view! {
        <Title text="Sign in · ChatSupport" />
        <main class="auth">
            <section class="auth-card" aria-labelledby="sign-in-heading">
                <p class="brand">"ChatSupport"</p>
                <h1 id="sign-in-heading">"Sign in"</h1>
                {move || problem().map(|p| view! { <p class="error" role="alert">{p.message()}</p> })}
                {move || challenge().map(|challenge| view! {
                    <ServerForm action=second_step>
                        <input type="hidden" name="challenge" value=challenge />
                        <label>
                            "Code from your authenticator app"
                            <input type="text" name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9 ]{6,7}" required autofocus />
                        </label>
                        <button type="submit" disabled=move || second_step.pending().get()>"Verify"</button>
                    </ServerForm>
                    {move || second_step.value().get().and_then(Result::err).map(|e| view! { <p class="error" role="alert">{e.to_string()}</p> })}
                })}
                <ServerForm action=sign_in>
                    <label>
                        "Email"
                        <input type="email" name="email" autocomplete="username" required maxlength="254" />
                    </label>
                    <label>
                        "Password"
                        <input type="password" name="password" autocomplete="current-password" required maxlength="128" />
                    </label>
                    <button type="submit" disabled=move || sign_in.pending().get()>
                        {move || if sign_in.pending().get() { "Signing in…" } else { "Sign in" }}
                    </button>
                </ServerForm>
                {move || error().map(|text| view! { <p class="error" role="alert">{text}</p> })}
                <Transition fallback=|| ()>
                    {move || options.get().and_then(Result::ok).filter(|o| o.google).map(|_| view! {
                        <p class="other-sign-in">
                            <a class="button secondary" href="/auth/google" rel="external">"Sign in with Google"</a>
                        </p>
                    })}
                </Transition>
                <p class="muted">
                    <a href="/forgot-password">"Forgot your password?"</a>
                    " · "
                    <a href="/register">"Create an account"</a>
                </p>
                <Transition fallback=|| ()>
                    {move || demos.get().and_then(Result::ok).filter(|d| !d.is_empty()).map(|accounts| view! {
                        <section class="demo-accounts" aria-labelledby="demo-heading">
                            <h2 id="demo-heading">"Try a demo account"</h2>
                            <ul>
                                {accounts.into_iter().map(|account| view! {
                                    <li>
                                        <ServerForm action=sign_in>
                                            <input type="hidden" name="email" value=account.email.clone() />
                                            <input type="hidden" name="password" value=account.password.clone() />
                                            <button type="submit" class="secondary">
                                                {format!("Sign in as {} ({})", account.name, account.role.label())}
                                            </button>
                                            <span class="muted">{account.email.clone()}</span>
                                        </ServerForm>
                                    </li>
                                }).collect_view()}
                            </ul>
                        </section>
                    })}
                </Transition>
            </section>
        </main>
    }
}
