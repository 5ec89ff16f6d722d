//! One Content-Security-Policy builder for every document the server sends: the dashboard's
//! pages (a nonce for the hydration script), the widget's iframe (a nonce, framable by the
//! bot's sites) and everything else (no scripts of its own, never framed).

/// A policy: `'self'` for everything, inline styles allowed (Leptos and the widget set
/// `style` attributes), no plugins, no foreign base.
#[derive(Debug, Clone, Default)]
pub struct ContentSecurityPolicy {
    nonce: Option<String>,
    frame_ancestors: Option<String>,
    https_images: bool,
    form_action_self: bool,
}

impl ContentSecurityPolicy {
    /// The policy of documents that run our scripts: the one inline script with `nonce` and
    /// our wasm may run, images may come from any https host (avatars, logos).
    pub fn with_scripts(nonce: &str) -> Self {
        Self { nonce: Some(nonce.to_owned()), https_images: true, ..Self::default() }
    }

    /// Forms may post only to us.
    pub fn forms_to_self(mut self) -> Self {
        self.form_action_self = true;
        self
    }

    /// Who may frame the document (host-sources, already checked); `'none'` when not set.
    pub fn framed_by(mut self, ancestors: impl Into<String>) -> Self {
        self.frame_ancestors = Some(ancestors.into());
        self
    }

    pub fn header_value(&self) -> String {
        let mut policy = String::from("default-src 'self'; ");
        if let Some(nonce) = &self.nonce {
            policy.push_str(&format!("script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; "));
        }
        policy.push_str("style-src 'self' 'unsafe-inline'; ");
        policy.push_str(if self.https_images {
            "img-src 'self' data: https:; "
        } else {
            "img-src 'self' data:; "
        });
        if self.nonce.is_some() {
            policy.push_str("connect-src 'self'; ");
        }
        policy
            .push_str(&format!("frame-ancestors {}; ", self.frame_ancestors.as_deref().unwrap_or("'none'")));
        policy.push_str("base-uri 'self'; ");
        if self.form_action_self {
            policy.push_str("form-action 'self'; ");
        }
        policy.push_str("object-src 'none'");
        policy
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_three_policies_are_what_the_documents_need() {
        assert_eq!(
            ContentSecurityPolicy::default().header_value(),
            "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; \
             frame-ancestors 'none'; base-uri 'self'; object-src 'none'"
        );
        assert_eq!(
            ContentSecurityPolicy::with_scripts("n0nce").forms_to_self().header_value(),
            "default-src 'self'; script-src 'self' 'nonce-n0nce' 'wasm-unsafe-eval'; \
             style-src 'self' 'unsafe-inline'; img-src 'self' data: https:; connect-src 'self'; \
             frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'"
        );
        assert_eq!(
            ContentSecurityPolicy::with_scripts("n").framed_by("https://a.example").header_value(),
            "default-src 'self'; script-src 'self' 'nonce-n' 'wasm-unsafe-eval'; \
             style-src 'self' 'unsafe-inline'; img-src 'self' data: https:; connect-src 'self'; \
             frame-ancestors https://a.example; base-uri 'self'; object-src 'none'"
        );
    }
}
