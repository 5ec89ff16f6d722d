//! Forms that call a server function. [`ServerForm`] renders `<form method="post"
//! action="/api/fn/…">` — it works before the bundle has loaded, the server redirects back —
//! and once hydrated posts the form's fields as they are (`application/x-www-form-urlencoded`)
//! and reads the answer with the same JSON reader resources use.
//!
//! Leptos's `ActionForm` decodes the fields into the server function's argument struct in the
//! browser and encodes them again before posting: a query-string decoder and one
//! decoder per form in the dashboard's bundle (~45 KB brotli, measured with `twiggy
//! dominators`) to send the very bytes the browser already had. The server decodes the
//! arguments either way, so its validation and error messages are the same.
//!
//! Calls from code with typed arguments (a button's `on:click`) stay `ServerAction`s.

use leptos::prelude::*;
use leptos::server_fn::{
    ContentType, Http, ServerFn,
    client::Client,
    codec::{FromRes, PostUrl},
    error::{FromServerFnError, ServerFnUrlError},
    request::ClientReq,
    response::ClientRes,
};
use leptos::tachys::html::element::Form;
use leptos::wasm_bindgen::JsCast;
use leptos::web_sys;

use crate::ApiError;

/// A form's call of the server function `S`: its last answer, whether one is under way and how
/// many were made (the same signals as `ServerAction`). `Copy`, like every handle to reactive
/// state.
pub struct FormAction<S: ServerFn> {
    inner: Action<String, Result<S::Output, ApiError>>,
}

impl<S: ServerFn> Clone for FormAction<S> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<S: ServerFn> Copy for FormAction<S> {}

impl<S, O> Default for FormAction<S>
where
    S: ServerFn<Protocol = Http<PostUrl, O>, Error = ApiError> + 'static,
    S::Output: FromRes<O, <S::Client as Client<ApiError>>::Response, ApiError> + Send + Sync + 'static,
    S::Client: Client<ApiError>,
    O: ContentType + 'static,
{
    /// A new form action. When the page is the server's answer to this form posted without the
    /// bundle and refused, the refusal is its first value (as with `ServerAction`).
    #[track_caller]
    fn default() -> Self {
        let refused = use_context::<leptos::server::ServerActionError>().and_then(|error| {
            (error.path() == S::PATH).then(|| Err(ServerFnUrlError::<ApiError>::decode_err(error.err())))
        });
        Self { inner: Action::new_with_value(refused, |body: &String| post::<S, O>(body.clone())) }
    }
}

impl<S, O> FormAction<S>
where
    S: ServerFn<Protocol = Http<PostUrl, O>, Error = ApiError> + 'static,
    S::Output: FromRes<O, <S::Client as Client<ApiError>>::Response, ApiError> + Send + Sync + 'static,
    S::Client: Client<ApiError>,
    O: ContentType + 'static,
{
    /// A new form action (see [`Default`]).
    #[track_caller]
    pub fn new() -> Self {
        Self::default()
    }
}

impl<S: ServerFn> FormAction<S>
where
    S::Output: Send + Sync + 'static,
{
    /// The last answer: `None` before the first, then the server function's result.
    pub fn value(&self) -> MappedSignal<Option<Result<S::Output, ApiError>>> {
        self.inner.value()
    }

    /// Whether a call is under way (buttons disable themselves on it).
    pub fn pending(&self) -> Memo<bool> {
        self.inner.pending()
    }

    /// Bumped when a call ends, refused or not.
    pub fn version(&self) -> RwSignal<usize> {
        self.inner.version()
    }

    /// Posts `body` (url-encoded fields) to the server function.
    pub fn submit(&self, body: String) {
        self.inner.dispatch(body);
    }
}

/// What `S`'s server-side handler answers to `body`, read as the server function's own client
/// reads it: an error status decodes to the [`ApiError`] it carries, a redirect (the
/// `serverfnredirect` header) goes through the router.
async fn post<S, O>(body: String) -> Result<S::Output, ApiError>
where
    S: ServerFn<Error = ApiError>,
    S::Output: FromRes<O, <S::Client as Client<ApiError>>::Response, ApiError>,
    S::Client: Client<ApiError>,
    O: ContentType,
{
    let request = <<S::Client as Client<ApiError>>::Request as ClientReq<ApiError>>::try_new_post(
        S::PATH,
        PostUrl::CONTENT_TYPE,
        O::CONTENT_TYPE,
        body,
    )?;
    let response = S::Client::send(request).await?;
    let status = response.status();
    let location = response.location();
    let redirect = response.has_redirect();
    let answer = if (400..=599).contains(&status) {
        Err(ApiError::de(response.try_into_bytes().await?))
    } else {
        S::Output::from_res(response).await
    }?;
    if (300..=399).contains(&status) || redirect {
        leptos::server_fn::redirect::call_redirect_hook(&location);
    }
    Ok(answer)
}

/// `<form method="post" action=S::url()>` whose submission goes through `action` once the page
/// is hydrated. The pressed submit button's `name=value`, if it has a name, is sent as the
/// browser would.
#[component]
pub fn ServerForm<S>(
    action: FormAction<S>,
    #[prop(optional)] node_ref: Option<NodeRef<Form>>,
    children: Children,
) -> impl IntoView
where
    S: ServerFn + 'static,
    S::Output: Send + Sync + 'static,
{
    let on_submit = move |ev: web_sys::SubmitEvent| {
        if ev.default_prevented() {
            return;
        }
        ev.prevent_default();
        if let Some(body) = form_fields(&ev) {
            action.submit(body);
        }
    };
    let node_ref = node_ref.unwrap_or_default();
    view! {
        <form method="post" action=S::url() node_ref=node_ref on:submit=on_submit>
            {children()}
        </form>
    }
}

/// The submitted form's fields (with the pressed button's, if it is named), url-encoded as the
/// browser would send them.
fn form_fields(ev: &web_sys::SubmitEvent) -> Option<String> {
    let form: web_sys::HtmlFormElement = ev.target()?.dyn_into().ok()?;
    let data = web_sys::FormData::new_with_form(&form).ok()?;
    let button = ev.submitter().and_then(|s| s.dyn_into::<web_sys::HtmlButtonElement>().ok());
    if let Some(button) = button.filter(|b| !b.name().is_empty()) {
        data.append_with_str(&button.name(), &button.value()).ok()?;
    }
    let params = web_sys::UrlSearchParams::new_with_str_sequence_sequence(&data).ok()?;
    Some(params.to_string().into())
}

/// A `GET` form that searches: submitting it navigates (client-side) to `action?fields` (the
/// fields with a value), the page reading its filters from the query. Without the bundle the
/// browser does the same, empty fields included.
#[component]
pub fn SearchForm(action: &'static str, children: Children) -> impl IntoView {
    let navigate = leptos_router::hooks::use_navigate();
    let on_submit = move |ev: web_sys::SubmitEvent| {
        ev.prevent_default();
        let Some(query) = form_fields(&ev) else { return };
        // Filters left at "any" say nothing: the URL keeps only what is set.
        let query = query
            .split('&')
            .filter(|pair| !pair.is_empty() && !pair.ends_with('='))
            .collect::<Vec<_>>()
            .join("&");
        let to = if query.is_empty() { action.to_owned() } else { format!("{action}?{query}") };
        navigate(&to, Default::default());
    };
    view! {
        <form method="get" action=action on:submit=on_submit>
            {children()}
        </form>
    }
}

/// Empties a form back to its initial values (after a successful add); nothing on the server.
pub fn clear(form: leptos::prelude::NodeRef<leptos::html::Form>) {
    #[cfg(feature = "browser")]
    if let Some(f) = leptos::prelude::GetUntracked::get_untracked(&form) {
        let f: leptos::web_sys::HtmlFormElement = f;
        f.reset();
    }
    #[cfg(not(feature = "browser"))]
    let _ = form;
}

/// A `<textarea>`'s starting text. Tachys writes a textarea's children into the server's HTML
/// unescaped (as for `<script>`; leptos-rs/leptos#4819), so text holding `</textarea>` — a
/// passage read from a crawled site, a bio — closed the field and went on as live markup. The
/// server escapes it; the browser parses it back to the same text, which is what hydration and
/// the browser's own render see.
pub fn textarea_text(text: String) -> String {
    #[cfg(feature = "ssr")]
    {
        text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
    }
    #[cfg(not(feature = "ssr"))]
    {
        text
    }
}
