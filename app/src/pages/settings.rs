//! Settings → Organization: the company profile and brand colours (owners and admins edit;
//! everyone else reads).

use leptos::prelude::*;
use leptos_meta::Title;

use crate::{
    api::{UpdateOrganization, organization},
    dto::COMPANY_SIZES,
};

#[component]
pub fn SettingsPage() -> impl IntoView {
    let save = ServerAction::<UpdateOrganization>::new();
    let profile = Resource::new(move || save.version().get(), |_| organization());
    view! {
        <Title text="Settings · ChatSupport" />
        <section class="panel" aria-labelledby="settings-heading">
            <h1 id="settings-heading">"Organization settings"</h1>
            <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || profile.get().map(|loaded| match loaded {
                    Ok(org) => {
                        let size = org.company_size.clone().unwrap_or_default();
                        view! {
                            <ActionForm action=save>
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
                            </ActionForm>
                        }.into_any()
                    }
                    Err(error) => view! { <p class="error" role="alert">{error.to_string()}</p> }.into_any(),
                })}
            </Transition>
            {move || save.value().get().map(|saved| match saved {
                Ok(_) => view! { <p role="status">"Saved."</p> }.into_any(),
                Err(error) => view! { <p class="error" role="alert">{error.to_string()}</p> }.into_any(),
            })}
        </section>
    }
}
