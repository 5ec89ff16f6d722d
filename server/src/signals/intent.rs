//! What the visitor wants (PRD §5.5.4's intents), with no model to pay for: first the rules
//! that already decide the bot's turn (a greeting, thanks, asking for a person, a refund
//! demand, account deletion, anger), then cue words in the widget's six languages, and — when
//! the local embedding model is there — the labelled examples below, compared with the
//! message's vector (the one retrieval computes anyway, so this costs a few dot products).
//! The examples are embedded once per process, the first time a vector is classified.
//! `server/tests/fixtures/eval/intents.json`, written without sight of these examples or
//! cues, measures both paths (`cargo run --example intent_eval`).

use app::dto::Intent;

use super::{Handover, SmallTalk, has_phrase, words};

/// An intent and how sure the classifier is of it, in [0, 1].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Classified {
    pub intent: Intent,
    pub confidence: f32,
}

/// Cue words and phrases per intent (a cue word matches a word that starts with it; a phrase,
/// words in a row). One cue is a hint; the classifier counts them.
struct Cues {
    intent: Intent,
    words: &'static [&'static str],
    phrases: &'static [&'static [&'static str]],
}

const CUES: &[Cues] = &[
    Cues {
        intent: Intent::PasswordReset,
        words: &["password", "passwort", "contraseña", "senha", "wachtwoord", "passcode", "pwd"],
        phrases: &[&["mot", "de", "passe"], &["reset", "link"], &["forgot", "my", "login"]],
    },
    Cues {
        intent: Intent::LoginIssue,
        words: &["login", "log-in", "signin", "logon", "einloggen", "anmelden", "inloggen", "2fa", "locked"],
        phrases: &[
            &["log", "in"],
            &["sign", "in"],
            &["logged", "out"],
            &["iniciar", "sesión"],
            &["me", "connecter"],
            &["two", "factor"],
            &["verification", "code"],
        ],
    },
    Cues {
        intent: Intent::AccountCreation,
        words: &["signup", "register", "registration", "registrieren", "registrarme", "inscrire", "cadastr"],
        phrases: &[
            &["sign", "up"],
            &["create", "an", "account"],
            &["open", "an", "account"],
            &["new", "account"],
            &["make", "an", "account"],
            &["crear", "una", "cuenta"],
            &["créer", "un", "compte"],
            &["criar", "uma", "conta"],
            &["konto", "erstellen"],
            &["account", "aanmaken"],
        ],
    },
    Cues {
        intent: Intent::AccountDeletion,
        words: &["gdpr", "dsgvo"],
        phrases: &[
            &["delete", "my", "account"],
            &["close", "my", "account"],
            &["delete", "my", "data"],
            &["remove", "my", "data"],
            &["konto", "löschen"],
            &["borrar", "mi", "cuenta"],
            &["supprimer", "mon", "compte"],
        ],
    },
    Cues {
        intent: Intent::BillingQuestion,
        words: &[
            "invoice",
            "billing",
            "billed",
            "bill",
            "receipt",
            "vat",
            "tax",
            "charge",
            "rechnung",
            "factura",
            "facture",
            "fatura",
            "factuur",
            "statement",
        ],
        phrases: &[&["billing", "address"], &["payment", "date"]],
    },
    Cues {
        intent: Intent::SubscriptionUpgrade,
        words: &["upgrade", "upgrading", "seats", "premium"],
        phrases: &[
            &["higher", "plan"],
            &["bigger", "plan"],
            &["switch", "to"],
            &["change", "my", "plan"],
            &["more", "users"],
        ],
    },
    Cues {
        intent: Intent::SubscriptionCancel,
        words: &["unsubscribe", "kündigen", "kündigung", "résilier", "opzeggen", "cancelar"],
        phrases: &[
            &["cancel", "my", "subscription"],
            &["cancel", "my", "plan"],
            &["cancel", "my", "membership"],
            &["end", "my", "subscription"],
            &["stop", "my", "subscription"],
            &["stop", "the", "subscription"],
            &["cancel", "the", "subscription"],
            &["stop", "paying"],
            &["annuler", "mon", "abonnement"],
            &["cancelar", "mi", "suscripción"],
        ],
    },
    Cues {
        intent: Intent::RefundRequest,
        words: &[
            "refund",
            "reimburs",
            "erstattung",
            "rückerstattung",
            "reembolso",
            "rembours",
            "terugbetal",
            "chargeback",
        ],
        phrases: &[&["money", "back"], &["geld", "zurück"]],
    },
    Cues {
        intent: Intent::PaymentIssue,
        words: &["declined", "paypal", "zahlung", "pago", "paiement", "pagamento", "betaling"],
        phrases: &[
            &["payment", "failed"],
            &["payment", "fails"],
            &["payment", "didn't"],
            &["payment", "won't"],
            &["payment", "not"],
            &["card", "was", "declined"],
            &["card", "declined"],
            &["can't", "pay"],
            &["cannot", "pay"],
            &["unable", "to", "pay"],
            &["charged", "twice"],
            &["double", "charged"],
        ],
    },
    Cues {
        intent: Intent::TechnicalIssue,
        words: &["error", "stuck", "slow", "loading", "timeout", "broken", "offline", "sync", "fehler"],
        phrases: &[
            &["not", "working"],
            &["doesn't", "work"],
            &["does", "not", "work"],
            &["isn't", "working"],
            &["won't", "load"],
            &["stopped", "working"],
            &["can't", "open"],
            &["funktioniert", "nicht"],
            &["no", "funciona"],
            &["ne", "marche", "pas"],
            &["não", "funciona"],
            &["werkt", "niet"],
        ],
    },
    Cues {
        intent: Intent::BugReport,
        words: &["bug", "glitch", "crash", "reproduc", "typo"],
        phrases: &[&["steps", "to"], &["wrong", "value"], &["shows", "the", "wrong"], &["displays", "wrong"]],
    },
    Cues {
        intent: Intent::FeatureQuestion,
        words: &["feature", "setting", "option", "export", "import", "customize", "customise"],
        phrases: &[
            &["how", "do", "i"],
            &["is", "it", "possible"],
            &["can", "i"],
            &["does", "it", "support"],
            &["is", "there", "a", "way"],
            &["where", "do", "i"],
        ],
    },
    Cues {
        intent: Intent::IntegrationHelp,
        words: &[
            "integrat",
            "api",
            "webhook",
            "plugin",
            "zapier",
            "shopify",
            "wordpress",
            "slack",
            "sdk",
            "embed",
            "salesforce",
            "hubspot",
            "oauth",
            "endpoint",
            "snippet",
            "woocommerce",
        ],
        phrases: &[&["connect", "to"], &["connect", "with"]],
    },
    Cues {
        intent: Intent::PricingInquiry,
        words: &[
            "price",
            "pricing",
            "cost",
            "fee",
            "discount",
            "cheap",
            "expensive",
            "trial",
            "quote",
            "preis",
            "kosten",
            "precio",
            "prix",
            "preço",
            "prijs",
            "tarif",
        ],
        phrases: &[
            &["how", "much"],
            &["per", "month"],
            &["per", "year"],
            &["free", "plan"],
            &["cuánto", "cuesta"],
        ],
    },
    Cues {
        intent: Intent::FeatureRequest,
        words: &["suggestion", "roadmap", "wish"],
        phrases: &[
            &["would", "be", "nice"],
            &["would", "be", "great"],
            &["would", "love"],
            &["please", "add"],
            &["could", "you", "add"],
            &["can", "you", "add"],
            &["you", "should", "add"],
            &["feature", "request"],
            &["plan", "to", "add"],
            &["any", "plans"],
        ],
    },
    Cues {
        intent: Intent::ProductComparison,
        words: &["vs", "versus", "compare", "comparison", "competitor", "alternative", "vergleich"],
        phrases: &[
            &["difference", "between"],
            &["better", "than"],
            &["compared", "to"],
            &["different", "from"],
        ],
    },
    Cues {
        intent: Intent::Complaint,
        words: &[
            "disappoint",
            "unhappy",
            "complain",
            "complaint",
            "unacceptable",
            "terrible",
            "awful",
            "worst",
            "worse",
            "poor",
            "rude",
            "waardeloos",
            "nutzlos",
            "péssim",
            "pésim",
            "nul",
        ],
        phrases: &[&["bad", "experience"], &["not", "happy"], &["very", "bad"]],
    },
];

/// Labelled examples, written for this classifier (not taken from the evaluation set).
pub const EXAMPLES: &[(Intent, &str)] = &[
    (Intent::PasswordReset, "I forgot my password"),
    (Intent::PasswordReset, "How do I reset my password?"),
    (Intent::PasswordReset, "The password reset email never came"),
    (Intent::PasswordReset, "I need a new password"),
    (Intent::PasswordReset, "can't remember my login details"),
    (Intent::PasswordReset, "how can I change my password"),
    (Intent::PasswordReset, "the reset link has expired"),
    (Intent::LoginIssue, "I can't log in to my account"),
    (Intent::LoginIssue, "Login keeps failing with an error"),
    (Intent::LoginIssue, "I'm locked out after too many attempts"),
    (Intent::LoginIssue, "The two-factor code is not accepted"),
    (Intent::LoginIssue, "it says my email is not registered when I sign in"),
    (Intent::LoginIssue, "I keep getting logged out"),
    (Intent::LoginIssue, "sign in page just reloads"),
    (Intent::AccountCreation, "How do I create an account?"),
    (Intent::AccountCreation, "I want to sign up"),
    (Intent::AccountCreation, "Can I register with my work email?"),
    (Intent::AccountCreation, "How do I open a business account?"),
    (Intent::AccountCreation, "the registration form gives an error"),
    (Intent::AccountCreation, "do I need an account to order"),
    (Intent::AccountDeletion, "Please delete my account"),
    (Intent::AccountDeletion, "I want all my personal data removed"),
    (Intent::AccountDeletion, "how do I close my account permanently"),
    (Intent::AccountDeletion, "remove my profile and everything you store about me"),
    (Intent::AccountDeletion, "GDPR erasure request"),
    (Intent::BillingQuestion, "Where can I find my invoice?"),
    (Intent::BillingQuestion, "Why was I charged this amount?"),
    (Intent::BillingQuestion, "Can you add our VAT number to the invoice?"),
    (Intent::BillingQuestion, "When will I be billed next?"),
    (Intent::BillingQuestion, "I need a receipt for my last order"),
    (Intent::BillingQuestion, "how do I change my billing address"),
    (Intent::BillingQuestion, "what is this charge on my statement"),
    (Intent::SubscriptionUpgrade, "How do I upgrade my plan?"),
    (Intent::SubscriptionUpgrade, "I want to move to the higher tier"),
    (Intent::SubscriptionUpgrade, "Can we add more seats to our subscription?"),
    (Intent::SubscriptionUpgrade, "switch me to the annual premium plan"),
    (Intent::SubscriptionUpgrade, "we need more users than our plan allows"),
    (Intent::SubscriptionCancel, "I want to cancel my subscription"),
    (Intent::SubscriptionCancel, "How do I stop the monthly payments?"),
    (Intent::SubscriptionCancel, "Please end my membership"),
    (Intent::SubscriptionCancel, "don't renew my plan next month"),
    (Intent::SubscriptionCancel, "how can I unsubscribe from the service"),
    (Intent::RefundRequest, "I want a refund"),
    (Intent::RefundRequest, "Can I get my money back?"),
    (Intent::RefundRequest, "Please refund my last payment"),
    (Intent::RefundRequest, "the item was faulty, I'd like to be reimbursed"),
    (Intent::RefundRequest, "when will my refund arrive"),
    (Intent::PaymentIssue, "My card was declined"),
    (Intent::PaymentIssue, "The payment fails at checkout"),
    (Intent::PaymentIssue, "I was charged twice"),
    (Intent::PaymentIssue, "PayPal payment doesn't go through"),
    (Intent::PaymentIssue, "I can't pay for my order"),
    (Intent::PaymentIssue, "the bank transfer has not been recognised"),
    (Intent::TechnicalIssue, "The page won't load"),
    (Intent::TechnicalIssue, "The app is not working"),
    (Intent::TechnicalIssue, "I get an error when I upload a file"),
    (Intent::TechnicalIssue, "Everything is very slow today"),
    (Intent::TechnicalIssue, "sync has stopped working on my phone"),
    (Intent::TechnicalIssue, "the dashboard is stuck on loading"),
    (Intent::BugReport, "I found a bug in the report"),
    (Intent::BugReport, "The app crashes when I tap save"),
    (Intent::BugReport, "The totals show the wrong value"),
    (Intent::BugReport, "there is a glitch with the date picker"),
    (Intent::BugReport, "steps to reproduce: open settings, click save, it fails"),
    (Intent::BugReport, "the button overlaps the text on mobile"),
    (Intent::FeatureQuestion, "How do I export my data?"),
    (Intent::FeatureQuestion, "Can I change the colours of the widget?"),
    (Intent::FeatureQuestion, "Is it possible to schedule reports?"),
    (Intent::FeatureQuestion, "Does it support dark mode?"),
    (Intent::FeatureQuestion, "where do I set up notifications"),
    (Intent::FeatureQuestion, "can several people use one account"),
    (Intent::IntegrationHelp, "How do I connect it to Shopify?"),
    (Intent::IntegrationHelp, "Where do I find my API key?"),
    (Intent::IntegrationHelp, "The webhook is not firing"),
    (Intent::IntegrationHelp, "Do you have a WordPress plugin?"),
    (Intent::IntegrationHelp, "help me integrate with Salesforce"),
    (Intent::IntegrationHelp, "how do I embed the widget on my site"),
    (Intent::PricingInquiry, "How much does it cost?"),
    (Intent::PricingInquiry, "What are your prices?"),
    (Intent::PricingInquiry, "Is there a free trial?"),
    (Intent::PricingInquiry, "Do you offer discounts for nonprofits?"),
    (Intent::PricingInquiry, "what's the price per user per month"),
    (Intent::PricingInquiry, "is shipping free above a certain amount"),
    (Intent::FeatureRequest, "It would be great if you added dark mode"),
    (Intent::FeatureRequest, "Please add an export to Excel"),
    (Intent::FeatureRequest, "Any plans to support Apple Pay?"),
    (Intent::FeatureRequest, "I'd love a mobile app"),
    (Intent::FeatureRequest, "suggestion: let us pick the delivery day"),
    (Intent::ProductComparison, "How are you different from Zendesk?"),
    (Intent::ProductComparison, "What is the difference between the basic and pro models?"),
    (Intent::ProductComparison, "Which one is better, the X100 or the X200?"),
    (Intent::ProductComparison, "compare your plan with Intercom"),
    (Intent::ProductComparison, "why should I choose you over a competitor"),
    (Intent::GeneralQuestion, "How long does shipping take?"),
    (Intent::GeneralQuestion, "Where is my order?"),
    (Intent::GeneralQuestion, "What are your opening hours?"),
    (Intent::GeneralQuestion, "Do you ship to Switzerland?"),
    (Intent::GeneralQuestion, "Where is your company based?"),
    (Intent::GeneralQuestion, "Is this item in stock?"),
    (Intent::GeneralQuestion, "can I return an item"),
    (Intent::Greeting, "Hello"),
    (Intent::Greeting, "Hi there, how are you?"),
    (Intent::Greeting, "good morning"),
    (Intent::Gratitude, "Thank you so much"),
    (Intent::Gratitude, "thanks, that helped"),
    (Intent::Gratitude, "great, cheers!"),
    (Intent::Complaint, "I'm very unhappy with your service"),
    (Intent::Complaint, "This is unacceptable"),
    (Intent::Complaint, "Your delivery driver was rude"),
    (Intent::Complaint, "the quality is terrible, I'm disappointed"),
    (Intent::Complaint, "I have been waiting for weeks and nobody answers"),
    (Intent::SpeakToHuman, "I want to talk to a person"),
    (Intent::SpeakToHuman, "Can I speak to an agent?"),
    (Intent::SpeakToHuman, "get me a human"),
    (Intent::SpeakToHuman, "please put me through to customer service"),
];

/// How the rules that decide the bot's turn read as an intent.
pub fn from_rules(
    small_talk: Option<SmallTalk>,
    handover: Option<Handover>,
    text: &str,
) -> Option<Classified> {
    let sure = |intent| Some(Classified { intent, confidence: 0.95 });
    match (small_talk, handover) {
        (Some(SmallTalk::Greeting), _) => sure(Intent::Greeting),
        (Some(SmallTalk::Thanks | SmallTalk::Goodbye), _) => sure(Intent::Gratitude),
        (_, Some(Handover::AskedForPerson)) => sure(Intent::SpeakToHuman),
        (_, Some(Handover::AccountDeletion)) => sure(Intent::AccountDeletion),
        // A refund demand or a billing dispute: which of the two, by its words.
        (_, Some(Handover::Billing)) => {
            let refund = cue_counts(&words(text)).iter().any(|(i, n)| *i == Intent::RefundRequest && *n > 0);
            Some(Classified {
                intent: if refund { Intent::RefundRequest } else { Intent::PaymentIssue },
                confidence: 0.85,
            })
        }
        (_, Some(Handover::Legal | Handover::Frustrated)) => None,
        (None, None) => None,
    }
}

/// Thanks or a greeting with more words than small talk allows ("Merci beaucoup, c'est
/// parfait !", "olá, tudo bem?"), when nothing else is asked: the intent is the courtesy.
pub fn courtesy(text: &str, sentiment_score: f32) -> Option<Classified> {
    const THANKFUL: &[&str] =
        &["lifesaver", "grateful", "appreciate", "vielen", "muchas", "beaucoup", "muito"];
    let words = words(text);
    if words.is_empty() || cue_counts(&words).iter().any(|(_, n)| *n > 0) {
        return None;
    }
    let thanks = words.iter().any(|w| super::THANKS.contains(&w.as_str()) || THANKFUL.contains(&w.as_str()));
    if thanks && sentiment_score >= 0.0 && !text.contains('?') && words.len() <= 14 {
        return Some(Classified { intent: Intent::Gratitude, confidence: 0.85 });
    }
    let greets = words.first().is_some_and(|w| OPENERS.contains(&w.as_str()));
    (greets && words.len() <= 5).then_some(Classified { intent: Intent::Greeting, confidence: 0.8 })
}

/// Words a greeting opens with, in the widget's languages.
const OPENERS: &[&str] = &[
    "hi",
    "hello",
    "hey",
    "hiya",
    "howdy",
    "greetings",
    "hallo",
    "moin",
    "servus",
    "guten",
    "hola",
    "buenas",
    "buenos",
    "bonjour",
    "bonsoir",
    "salut",
    "olá",
    "ola",
    "oi",
    "bom",
    "boa",
    "hoi",
    "goedemorgen",
    "goedemiddag",
    "goedenavond",
    "goedendag",
    "good",
    "morning",
    "evening",
];

/// Cue hits per intent, in `CUES` order.
fn cue_counts(words: &[String]) -> Vec<(Intent, usize)> {
    CUES.iter()
        .map(|c| {
            let single = words.iter().filter(|w| c.words.iter().any(|cue| w.starts_with(cue))).count();
            let phrases = c.phrases.iter().filter(|p| has_phrase_prefix(words, p)).count();
            (c.intent, single + phrases)
        })
        .collect()
}

/// A phrase in a row, each word starting with the phrase's word.
fn has_phrase_prefix(words: &[String], phrase: &[&str]) -> bool {
    has_phrase(words, phrase)
        || words.windows(phrase.len()).any(|w| w.iter().zip(phrase).all(|(a, b)| a.starts_with(b)))
}

/// Intents that name what is wrong more precisely win a tie against the generic ones: a
/// question's form ("how do I", "where can I") least, a broad trouble or topic next.
fn specificity(intent: Intent) -> u8 {
    match intent {
        Intent::FeatureQuestion => 0,
        Intent::TechnicalIssue | Intent::Complaint | Intent::BillingQuestion => 1,
        _ => 2,
    }
}

/// Looks like a question: a question mark, or a question word first.
fn asks(text: &str, words: &[String]) -> bool {
    const FIRST: &[&str] = &[
        "how", "what", "when", "where", "why", "which", "who", "can", "could", "do", "does", "is", "are",
        "will", "would", "should", "wie", "was", "wann", "wo", "warum", "kann", "cómo", "qué", "cuándo",
        "dónde", "comment", "quand", "où", "pourquoi", "como", "quando", "onde", "hoe", "wat", "waar",
        "wanneer",
    ];
    text.contains('?') || words.first().is_some_and(|w| FIRST.contains(&w.as_str()))
}

/// By cue words alone (no vector): the intent with most cues; none, a general question.
pub fn by_cues(text: &str) -> Classified {
    let words = words(text);
    let counts = cue_counts(&words);
    let best = counts.iter().filter(|(_, n)| *n > 0).max_by_key(|(i, n)| (*n, specificity(*i)));
    match best {
        Some((intent, n)) => {
            let rivals = counts.iter().filter(|(i, m)| i != intent && *m > 0).count();
            let confidence = (0.55 + 0.12 * (*n as f32 - 1.0) - 0.1 * rivals as f32).clamp(0.3, 0.85);
            Classified { intent: *intent, confidence }
        }
        None if words.len() >= 2 || asks(text, &words) => Classified {
            intent: Intent::GeneralQuestion,
            confidence: if asks(text, &words) { 0.5 } else { 0.35 },
        },
        None => Classified { intent: Intent::Unknown, confidence: 0.2 },
    }
}

/// Per intent, its examples' best two cosines to `vector`, averaged; the cue hits added.
/// `examples` are `EXAMPLES`' vectors in the same order.
pub fn by_vector(text: &str, vector: &[f32], examples: &[Vec<f32>]) -> Classified {
    let counts = cue_counts(&words(text));
    let mut per_intent: Vec<(Intent, Vec<f32>)> = Vec::new();
    for ((intent, _), example) in EXAMPLES.iter().zip(examples) {
        let cos = crate::embeddings::cosine(vector, example);
        match per_intent.iter_mut().find(|(i, _)| i == intent) {
            Some((_, all)) => all.push(cos),
            None => per_intent.push((*intent, vec![cos])),
        }
    }
    let mut scored: Vec<(Intent, f32)> = per_intent
        .into_iter()
        .map(|(intent, mut cosines)| {
            cosines.sort_by(|a, b| b.total_cmp(a));
            let top = cosines.iter().take(2).sum::<f32>() / cosines.len().min(2) as f32;
            let cues = counts.iter().find(|(i, _)| *i == intent).map_or(0, |(_, n)| (*n).min(2));
            (intent, top + CUE_WEIGHT * cues as f32)
        })
        .collect();
    scored.sort_by(|a, b| b.1.total_cmp(&a.1));
    let Some(&(intent, best)) = scored.first() else { return by_cues(text) };
    // How far the winner stands out: a softmax over the scores.
    let total: f32 = scored.iter().map(|(_, s)| ((s - best) / TEMPERATURE).exp()).sum();
    let confidence = (1.0 / total) * ((best - 0.2) / 0.4).clamp(0.0, 1.0);
    if best < FLOOR {
        return by_cues(text);
    }
    Classified { intent, confidence: confidence.clamp(0.05, 0.99) }
}

/// A cue's weight beside a cosine.
const CUE_WEIGHT: f32 = 0.08;
/// The softmax's temperature: a lead of 0.05 in cosine is a clear win.
const TEMPERATURE: f32 = 0.04;
/// Below this best score the examples say nothing: the cues decide.
const FLOOR: f32 = 0.3;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cue_words_name_the_intent_in_any_of_the_six_languages() {
        for (text, expected) in [
            ("I forgot my password", Intent::PasswordReset),
            ("Ich habe mein Passwort vergessen", Intent::PasswordReset),
            ("I can't log in since yesterday", Intent::LoginIssue),
            ("How do I sign up?", Intent::AccountCreation),
            ("Where can I download my invoice?", Intent::BillingQuestion),
            ("how much is the pro plan per month", Intent::PricingInquiry),
            ("Cuánto cuesta el envío?", Intent::PricingInquiry),
            ("I want to cancel my subscription", Intent::SubscriptionCancel),
            ("the app crashes when I open it", Intent::BugReport),
            ("The upload is not working", Intent::TechnicalIssue),
            ("Do you integrate with Shopify?", Intent::IntegrationHelp),
            ("It would be nice to have a dark mode", Intent::FeatureRequest),
            ("What's the difference between basic and pro?", Intent::ProductComparison),
            ("Where is my parcel?", Intent::GeneralQuestion),
            ("la aplicación no funciona", Intent::TechnicalIssue),
        ] {
            assert_eq!(by_cues(text).intent, expected, "{text}");
        }
        assert_eq!(by_cues("zzz").intent, Intent::Unknown);
    }

    #[test]
    fn the_rules_that_hand_over_or_chat_name_their_intent() {
        let rules =
            |text: &str| from_rules(super::super::small_talk(text), super::super::handover(text), text);
        assert_eq!(rules("hi").map(|c| c.intent), Some(Intent::Greeting));
        assert_eq!(rules("thanks!").map(|c| c.intent), Some(Intent::Gratitude));
        assert_eq!(rules("I want to talk to a person").map(|c| c.intent), Some(Intent::SpeakToHuman));
        assert_eq!(rules("I want a refund now").map(|c| c.intent), Some(Intent::RefundRequest));
        assert_eq!(rules("I was charged twice for one order").map(|c| c.intent), Some(Intent::PaymentIssue));
        assert_eq!(rules("please delete my account").map(|c| c.intent), Some(Intent::AccountDeletion));
        assert_eq!(rules("how do I reset my password"), None);
    }

    #[test]
    fn every_intent_but_unknown_has_examples() {
        for intent in Intent::ALL.iter().filter(|i| **i != Intent::Unknown) {
            assert!(EXAMPLES.iter().any(|(i, _)| i == intent), "{intent:?} has no example");
        }
    }
}
