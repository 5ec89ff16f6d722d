//! The account pages around signing in: create an account, verify the address, forgot and
//! reset password. All are plain forms that work before the page hydrates.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::form::{FormAction, ServerForm};
use crate::{
    ApiError,
    api::{
        AcceptInvitation, ForgotPassword, Register, ResendVerification, ResetPassword, current_user,
        verify_email,
    },
};

/// Messages of an error, one per invalid field for validation errors.
fn error_lines(error: &ApiError) -> Vec<String> {
    match error {
        ApiError::Validation { fields } if !fields.is_empty() => {
            fields.iter().map(|f| f.message.clone()).collect()
        }
        other => vec![other.to_string()],
    }
}

#[component]
fn ErrorList(error: ApiError) -> impl IntoView {
    view! {
        <ul class="error" role="alert">
            {error_lines(&error).into_iter().map(|line| view! { <li>{line}</li> }).collect_view()}
        </ul>
    }
}

#[component]
fn PasswordRule() -> impl IntoView {
    view! {
        <p id="password-rule" class="muted hint">
            "At least 8 characters with an uppercase letter, a number and a special character."
        </p>
    }
}

#[component]
fn AuthCard(title: &'static str, children: Children) -> impl IntoView {
    view! {
        <Title text=format!("{title} · ChatSupport") />
        <main class="auth">
            <section class="auth-card" aria-label=title>
                <p class="brand">"ChatSupport"</p>
                <h1>{title}</h1>
                {children()}
            </section>
        </main>
    }
}

#[component]
pub fn RegisterPage() -> impl IntoView {
    let register = FormAction::<Register>::new();
    view! {
        <AuthCard title="Create your account">
            <ServerForm action=register>
                <label>"Your name" <input type="text" name="name" autocomplete="name" required maxlength="100" /></label>
                <label>"Work email" <input type="email" name="email" autocomplete="email" required maxlength="254" /></label>
                <label>
                    "Password"
                    <input type="password" name="password" autocomplete="new-password" required minlength="8" maxlength="128" aria-describedby="password-rule" />
                </label>
                <PasswordRule />
                <label>"Company name" <input type="text" name="organization_name" autocomplete="organization" required maxlength="100" /></label>
                <button type="submit" disabled=move || register.pending().get()>"Create account"</button>
            </ServerForm>
            {move || register.value().get().and_then(Result::err).map(|error| view! { <ErrorList error /> })}
            <p class="muted">"Already have an account? " <a href="/login">"Sign in"</a></p>
        </AuthCard>
    }
}

#[component]
pub fn VerifyEmailPage() -> impl IntoView {
    let query = use_query_map();
    let token = move || query.read().get("token").filter(|t| !t.is_empty());
    let verified = crate::load::resource(token, |token| async move {
        match token {
            Some(token) => verify_email(token).await.map(Some),
            None => Ok(None),
        }
    });
    let me = crate::load::resource(|| (), |_| current_user());
    let resend = FormAction::<ResendVerification>::new();
    view! {
        <AuthCard title="Verify your email">
            <Transition fallback=|| view! { <p class="muted">"Checking…"</p> }>
                {move || verified.get().map(|outcome| match outcome {
                    Ok(Some(user)) => view! {
                        <p role="status">{format!("Thanks, {}: {} is verified.", user.name, user.email)}</p>
                        <p><a href="/conversations">"Go to your dashboard"</a></p>
                    }.into_any(),
                    Ok(None) => view! {
                        <p role="status">
                            {move || me.get().and_then(Result::ok).map(|user| format!(
                                "We sent a link to {}. Open it to finish setting up your account.", user.email
                            )).unwrap_or_else(|| "Open the link we mailed you to verify your address.".to_owned())}
                        </p>
                    }.into_any(),
                    Err(error) => view! { <ErrorList error /> }.into_any(),
                })}
            </Transition>
            <Transition fallback=|| ()>
                {move || me.get().and_then(Result::ok).filter(|user| !user.email_verified).map(|_| view! {
                    <ServerForm action=resend>
                        <button type="submit" class="secondary">"Send the link again"</button>
                    </ServerForm>
                    {move || resend.value().get().map(|sent| match sent {
                        Ok(()) => view! { <p role="status">"Sent. Check your inbox."</p> }.into_any(),
                        Err(error) => view! { <ErrorList error /> }.into_any(),
                    })}
                })}
            </Transition>
        </AuthCard>
    }
}

#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let forgot = FormAction::<ForgotPassword>::new();
    view! {
        <AuthCard title="Reset your password">
            <ServerForm action=forgot>
                <label>"Email" <input type="email" name="email" autocomplete="email" required maxlength="254" /></label>
                <button type="submit" disabled=move || forgot.pending().get()>"Send reset link"</button>
            </ServerForm>
            {move || forgot.value().get().map(|sent| match sent {
                Ok(()) => view! {
                    <p role="status">"If an account uses that address, we sent it a link. It works for one hour."</p>
                }.into_any(),
                Err(error) => view! { <ErrorList error /> }.into_any(),
            })}
            <p class="muted"><a href="/login">"Back to sign in"</a></p>
        </AuthCard>
    }
}

#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let query = use_query_map();
    let token = move || query.read().get("token").unwrap_or_default();
    let reset = FormAction::<ResetPassword>::new();
    view! {
        <AuthCard title="Choose a new password">
            <ServerForm action=reset>
                <input type="hidden" name="token" prop:value=token />
                <label>
                    "New password"
                    <input type="password" name="password" autocomplete="new-password" required minlength="8" maxlength="128" aria-describedby="password-rule" />
                </label>
                <PasswordRule />
                <button type="submit" disabled=move || reset.pending().get()>"Set password"</button>
            </ServerForm>
            {move || reset.value().get().map(|done| match done {
                Ok(()) => view! {
                    <p role="status">"Your password is changed and every other session has ended. " <a href="/login">"Sign in"</a></p>
                }.into_any(),
                Err(error) => view! { <ErrorList error /> }.into_any(),
            })}
        </AuthCard>
    }
}

#[component]
pub fn AcceptInvitePage() -> impl IntoView {
    let query = use_query_map();
    let token = move || query.read().get("token").unwrap_or_default();
    let accept = FormAction::<AcceptInvitation>::new();
    view! {
        <AuthCard title="Join your team">
            <p class="muted">"Choose how your teammates see you and a password for signing in."</p>
            <ServerForm action=accept>
                <input type="hidden" name="token" prop:value=token />
                <label>"Your name" <input type="text" name="name" autocomplete="name" required maxlength="100" /></label>
                <label>
                    "Password"
                    <input type="password" name="password" autocomplete="new-password" required minlength="8" maxlength="128" aria-describedby="password-rule" />
                </label>
                <PasswordRule />
                <button type="submit" disabled=move || accept.pending().get()>"Join"</button>
            </ServerForm>
            {move || accept.value().get().and_then(Result::err).map(|error| view! { <ErrorList error /> })}
        </AuthCard>
    }
}
