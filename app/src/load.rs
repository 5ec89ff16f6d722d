//! Resources for the pages: [`resource`] is `Resource::new` with one difference — the value
//! the server rendered is read back from the page with the same JSON reader server functions
//! use for their answers (`serde_json::from_slice`). Leptos's default codec reads it with
//! `from_str`, which put a second decoder for every type a page loads into the dashboard's
//! bundle (~40 KB brotli); the bytes on the wire are the same.

use std::future::Future;

use leptos::prelude::{Memo, Resource, Track, With};
use leptos::server::codee::{Decoder, Encoder};
use leptos::server_fn::ServerFn;
use serde::{Serialize, de::DeserializeOwned};

/// JSON, written as text and read as bytes (see the module docs).
pub struct Json;

impl<T: Serialize> Encoder<T> for Json {
    type Error = serde_json::Error;
    type Encoded = String;

    fn encode(value: &T) -> Result<String, serde_json::Error> {
        serde_json::to_string(value)
    }
}

impl<T: DeserializeOwned> Decoder<T> for Json {
    type Error = serde_json::Error;
    type Encoded = str;

    fn decode(text: &str) -> Result<T, serde_json::Error> {
        serde_json::from_slice(text.as_bytes())
    }
}

/// A resource whose value `fetcher` loads whenever `source` changes; rendered on the server
/// and handed to the browser in the page (not blocking the response).
#[track_caller]
pub fn resource<T, S, Fut>(
    source: impl Fn() -> S + Send + Sync + 'static,
    fetcher: impl Fn(S) -> Fut + Send + Sync + 'static,
) -> Resource<T, Json>
where
    T: Serialize + DeserializeOwned + Send + Sync + 'static,
    S: Send + Sync + Clone + PartialEq + 'static,
    Fut: Future<Output = T> + Send + 'static,
{
    Resource::new_with_options(source, fetcher, false)
}

/// Changes each time `action` succeeds, never when it is refused. Key a form's resource on it:
/// keyed on `action.version()`, a refused save reloaded the form and dropped what the person
/// had typed (every field back to the stored value, the error shown above an undone form).
pub fn saves<S>(action: crate::form::FormAction<S>) -> Memo<usize>
where
    S: ServerFn + 'static,
    S::Output: Send + Sync + 'static,
{
    Memo::new(move |before: Option<&usize>| {
        action.version().track();
        let succeeded = action.value().with(|last| matches!(last, Some(Ok(_))));
        before.copied().unwrap_or(0) + usize::from(succeeded)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_reads_back_as_it_was_written() {
        let value = vec![(String::from("Ünïcode \"quoted\""), 42_i64)];
        let text = <Json as Encoder<_>>::encode(&value).expect("writes");
        let back: Vec<(String, i64)> = <Json as Decoder<_>>::decode(text.as_str()).expect("reads");
        assert_eq!(back, value);
    }
}
