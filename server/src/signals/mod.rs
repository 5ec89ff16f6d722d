//! What a visitor's message says before any knowledge is read, by rules and lexicons that
//! need no model: small talk the bot answers in its own voice (no retrieval spent on "hi" or
//! "thanks"); the reasons to hand over to a person at once (PRD §4.2 "Smart Escalation
//! Detection"): an explicit request for a human, frustration, a billing dispute or refund
//! request, account deletion, anything legal; the visitor's intent ([`intent`], PRD §5.5.4)
//! and how they sound ([`sentiment`], §5.5.5). Rules on words, in the languages the widget
//! speaks; the evaluation sets measure them. Imports nothing of the features: the
//! conversations read a message here as it is stored, the answer engine before it answers.

pub mod intent;
pub mod sentiment;

use app::dto::MessageInsight;

/// What a message says of its writer, from words alone (no vector): its intent and
/// sentiment, as stored with every visitor message. The answer engine refines the intent with
/// the message's vector when it has one ([`intent::by_vector`]).
pub fn read(text: &str) -> MessageInsight {
    let (sentiment, sentiment_score) = sentiment::sentiment(text);
    let cues = intent::by_cues(text);
    let intent = decided_by(text, sentiment_score, cues).unwrap_or(cues);
    MessageInsight { intent: intent.intent, intent_confidence: intent.confidence, sentiment, sentiment_score }
}

/// The intent the rules decide, if they do: small talk, a hand-over reason, or anger with
/// nothing more precise named (a complaint). Cue words and vectors decide the rest.
pub fn decided(text: &str, sentiment_score: f32) -> Option<intent::Classified> {
    decided_by(text, sentiment_score, intent::by_cues(text))
}

/// [`decided`] with the cue words' reading already made.
fn decided_by(text: &str, sentiment_score: f32, cues: intent::Classified) -> Option<intent::Classified> {
    let handover = handover_scored(text, sentiment_score);
    if let Some(rules) = intent::from_rules(small_talk(text), handover, text) {
        return Some(rules);
    }
    if let Some(courtesy) = intent::courtesy(text, sentiment_score) {
        return Some(courtesy);
    }
    let unhappy =
        matches!(handover, Some(Handover::Frustrated | Handover::Legal)) || sentiment_score <= UNHAPPY;
    let vague = matches!(cues.intent, app::dto::Intent::GeneralQuestion | app::dto::Intent::Unknown);
    (unhappy && vague).then_some(intent::Classified { intent: app::dto::Intent::Complaint, confidence: 0.75 })
}

/// Unhappy enough that a message naming nothing more precise is a complaint.
const UNHAPPY: f32 = -0.5;

/// Words that aim a message at us (the bot, the team, the company). A very negative score
/// alone is not anger: technical questions are full of words VADER scores low ("fails",
/// "negative", "errors", "leaks"); aimed at us, or shouted with a '!', it is.
const AT_US: &[&str] = &[
    "you", "your", "you're", "youre", "yours", "bot", "service", "support", "company", "nobody", "anyone",
    "ihr", "euer", "eure", "ihnen", "usted", "ustedes", "vous", "votre", "vos", "você", "vocês", "jullie",
];

/// A sentiment score at or below this is frustration: the conversation goes to a person.
pub const VERY_NEGATIVE: f32 = -0.75;

/// A message that needs no knowledge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmallTalk {
    Greeting,
    Thanks,
    Goodbye,
}

/// Why a message goes to a person straight away.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Handover {
    AskedForPerson,
    Frustrated,
    Billing,
    AccountDeletion,
    Legal,
}

impl Handover {
    /// The reason as the agent reads it in the conversation's history.
    pub fn reason(self) -> &'static str {
        match self {
            Self::AskedForPerson => "the visitor asked for a person",
            Self::Frustrated => "the visitor is frustrated",
            Self::Billing => "a billing or refund request",
            Self::AccountDeletion => "a request to delete an account or its data",
            Self::Legal => "a legal matter",
        }
    }
}

/// The message's words, lower-cased, apostrophes kept ("don't").
pub fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’'))
        .filter(|w| !w.is_empty())
        .map(|w| w.replace('’', "'").to_lowercase())
        .collect()
}

const GREETINGS: &[&str] = &[
    "hi",
    "hello",
    "hey",
    "hiya",
    "howdy",
    "yo",
    "hallo",
    "moin",
    "servus",
    "hola",
    "buenas",
    "bonjour",
    "salut",
    "olá",
    "ola",
    "oi",
    "hoi",
    "dag",
    "there",
    "good",
    "morning",
    "afternoon",
    "evening",
    "day",
    "guten",
    "tag",
    "morgen",
    "abend",
    "tardes",
    "noches",
    "bonsoir",
    "boa",
    "tarde",
    "noite",
    "tudo",
    "bem",
    "goedenavond",
    "goedendag",
    "buenos",
    "días",
    "dias",
    "bom",
    "dia",
    "goedemorgen",
    "goedemiddag",
    "everyone",
    "all",
    "team",
    "folks",
];
pub(crate) const THANKS: &[&str] = &[
    "thanks", "thank", "thx", "ty", "cheers", "danke", "gracias", "merci", "obrigado", "obrigada", "bedankt",
    "dank",
];
const GOODBYES: &[&str] =
    &["bye", "goodbye", "ciao", "tschüss", "tschuss", "adiós", "adios", "revoir", "tchau", "doei", "later"];
/// Words that may ride along with small talk without making it a question.
const FILLER: &[&str] = &[
    "you", "so", "much", "very", "a", "lot", "for", "the", "help", "your", "that", "great", "ok", "okay",
    "perfect", "awesome", "and", "again", "schön", "vielen", "muchas", "beaucoup", "muito", "wel", "see",
    "u", "au", "many",
];

/// Greetings, thanks and goodbyes of a few words, with nothing else asked.
pub fn small_talk(text: &str) -> Option<SmallTalk> {
    let words = words(text);
    if words.is_empty() || words.len() > 6 || text.contains('?') {
        return None;
    }
    let all = |lists: &[&[&str]]| {
        words.iter().all(|w| lists.iter().any(|l| l.contains(&w.as_str())) || FILLER.contains(&w.as_str()))
    };
    let any = |list: &[&str]| words.iter().any(|w| list.contains(&w.as_str()));
    if any(THANKS) && all(&[THANKS, GOODBYES, GREETINGS]) {
        Some(SmallTalk::Thanks)
    } else if any(GOODBYES) && all(&[GOODBYES, GREETINGS]) {
        Some(SmallTalk::Goodbye)
    } else if all(&[GREETINGS]) && words.iter().any(|w| !FILLER.contains(&w.as_str())) {
        Some(SmallTalk::Greeting)
    } else {
        None
    }
}

/// Someone who is not the bot.
const PEOPLE: &[&str] = &[
    "human",
    "humans",
    "person",
    "people",
    "agent",
    "agents",
    "representative",
    "rep",
    "operator",
    "someone",
    "somebody",
    "staff",
    "employee",
    "mensch",
    "menschen",
    "mitarbeiter",
    "persona",
    "humano",
    "personne",
    "humain",
    "conseiller",
    "pessoa",
    "atendente",
    "medewerker",
    "iemand",
];
/// Wanting, reaching or talking to someone.
const REACH: &[&str] = &[
    "want", "wanna", "need", "talk", "speak", "chat", "connect", "transfer", "get", "give", "put", "let",
    "reach", "contact", "call", "see", "prefer", "möchte", "will", "sprechen", "reden", "quiero", "hablar",
    "necesito", "veux", "parler", "voudrais", "quero", "falar", "wil", "spreken", "praten",
];
/// Asking for a person without the usual words: "an actual human", "call me back".
const PERSON_PHRASES: &[&[&str]] = &[
    &["actual", "human"],
    &["actual", "person"],
    &["human", "being"],
    &["call", "me", "back"],
    &["support", "engineer"],
    &["rückruf"],
    &["llamadme"],
    &["rappelez", "moi"],
];
const WITH_NOBODY_ELSE: &[&str] =
    &["human", "agent", "operator", "representative", "mensch", "humano", "humain"];

const FRUSTRATION: &[&str] = &[
    "useless",
    "stupid",
    "dumb",
    "idiot",
    "idiotic",
    "ridiculous",
    "terrible",
    "awful",
    "horrible",
    "worst",
    "pathetic",
    "garbage",
    "rubbish",
    "crap",
    "nonsense",
    "annoying",
    "annoyed",
    "frustrated",
    "frustrating",
    "furious",
    "angry",
    "unacceptable",
    "wtf",
    "disgusting",
    "hopeless",
    "incompetent",
    "scam",
    "nutzlos",
    "unbrauchbar",
    "blöd",
    "dumm",
    "inútil",
    "inutil",
    "nul",
    "inutile",
    "nutteloos",
    "vergüenza",
    "verguenza",
    "honte",
    "frechheit",
    "schande",
];
const FRUSTRATED_PHRASES: &[&[&str]] = &[
    &["fed", "up"],
    &["waste", "of", "time"],
    &["not", "helpful"],
    &["doesn't", "help"],
    &["does", "not", "help"],
    &["no", "help"],
    &["not", "listening"],
    &["sick", "of"],
    &["had", "enough"],
    &["nobody", "helps"],
    &["no", "one", "helps"],
    &["nadie", "me", "ayuda"],
    &["personne", "ne", "m'aide"],
];
const BILLING_PHRASES: &[&[&str]] = &[
    &["charged", "twice"],
    &["double", "charged"],
    &["overcharged"],
    &["money", "back"],
    &["chargeback"],
    &["wrong", "charge"],
    &["unauthorised", "charge"],
    &["unauthorized", "charge"],
    &["dispute"],
    &["geld", "zurück"],
    &["reembolso"],
    &["remboursement"],
    &["billed", "after"],
    &["charged", "after"],
    &["billed", "twice"],
    &["facturé", "deux", "fois"],
    &["doppelt", "abgebucht"],
    &["cobrado", "dos", "veces"],
];
const REFUND: &[&str] =
    &["refund", "refunded", "erstattung", "rückerstattung", "remboursé", "rembourser", "reembolsar"];
const DEMAND: &[&str] = &[
    "want",
    "need",
    "demand",
    "give",
    "get",
    "request",
    "requesting",
    "expect",
    "where",
    "still",
    "immediately",
    "asap",
    "now",
    "veux",
    "quiero",
    "möchte",
    "will",
];
const DELETION: &[&str] =
    &["delete", "deleting", "remove", "close", "erase", "cancel", "löschen", "borrar", "supprimer"];
const ACCOUNT: &[&str] = &["account", "data", "profile", "konto", "daten", "cuenta", "compte", "conta"];
const LEGAL: &[&str] = &[
    "lawyer",
    "lawyers",
    "attorney",
    "attorneys",
    "sue",
    "suing",
    "lawsuit",
    "court",
    "solicitor",
    "litigation",
    "anwalt",
    "klage",
    "abogado",
    "demanda",
    "avocat",
    "advogado",
    "advocaat",
];
const LEGAL_PHRASES: &[&[&str]] = &[&["legal", "action"], &["legal", "department"], &["small", "claims"]];

pub(crate) fn has_phrase(words: &[String], phrase: &[&str]) -> bool {
    words.windows(phrase.len()).any(|w| w.iter().zip(phrase).all(|(a, b)| a == b))
}

/// Why this message should go to a person now, if it should.
pub fn handover(text: &str) -> Option<Handover> {
    handover_scored(text, sentiment::sentiment(text).1)
}

/// [`handover`] for a text whose sentiment score is known.
pub fn handover_scored(text: &str, score: f32) -> Option<Handover> {
    let words = words(text);
    let is = |list: &[&str], w: &String| list.contains(&w.as_str());
    // "I want a person", "can I talk to a human", "agent please", "human".
    let asks_for_person = words
        .iter()
        .enumerate()
        .any(|(i, w)| is(PEOPLE, w) && words[i.saturating_sub(5)..i].iter().any(|v| is(REACH, v)))
        || (words.len() <= 3 && words.iter().any(|w| is(WITH_NOBODY_ELSE, w)))
        || has_phrase(&words, &["real", "person"])
        || has_phrase(&words, &["live", "agent"])
        || PERSON_PHRASES.iter().any(|p| has_phrase(&words, p))
        || has_phrase(&words, &["customer", "service"]) && words.iter().any(|v| is(REACH, v));
    if asks_for_person {
        return Some(Handover::AskedForPerson);
    }
    if words.iter().any(|w| is(LEGAL, w)) || LEGAL_PHRASES.iter().any(|p| has_phrase(&words, p)) {
        return Some(Handover::Legal);
    }
    let deletes_account =
        words.iter().enumerate().any(|(i, w)| {
            is(DELETION, w) && words[i + 1..words.len().min(i + 4)].iter().any(|v| is(ACCOUNT, v))
        }) || words.iter().any(|w| w == "gdpr" || w == "dsgvo");
    if deletes_account {
        return Some(Handover::AccountDeletion);
    }
    let wants_refund = words.iter().any(|w| is(REFUND, w)) && words.iter().any(|w| is(DEMAND, w));
    if wants_refund || BILLING_PHRASES.iter().any(|p| has_phrase(&words, p)) {
        return Some(Handover::Billing);
    }
    // "THANK YOU!!!" is not anger: loud only counts when it is not glad.
    let shouting = {
        let loud: Vec<&str> = text
            .split_whitespace()
            .filter(|w| w.chars().filter(|c| c.is_alphabetic()).count() >= 3)
            .collect();
        loud.len() >= 3 && loud.iter().all(|w| !w.chars().any(char::is_lowercase))
    };
    if words.iter().any(|w| is(FRUSTRATION, w))
        || FRUSTRATED_PHRASES.iter().any(|p| has_phrase(&words, p))
        || ((text.contains("!!!") || shouting) && score < 0.3)
        || (score <= VERY_NEGATIVE && (text.contains('!') || words.iter().any(|w| is(AT_US, w))))
    {
        return Some(Handover::Frustrated);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn greetings_thanks_and_goodbyes_are_small_talk_and_questions_are_not() {
        for (text, expected) in [
            ("Hi", Some(SmallTalk::Greeting)),
            ("Hello there!", Some(SmallTalk::Greeting)),
            ("good morning", Some(SmallTalk::Greeting)),
            ("Hallo", Some(SmallTalk::Greeting)),
            ("Thank you!", Some(SmallTalk::Thanks)),
            ("thanks so much for the help", Some(SmallTalk::Thanks)),
            ("ok thanks bye", Some(SmallTalk::Thanks)),
            ("Bye", Some(SmallTalk::Goodbye)),
            ("Hi, how do I reset my password?", None),
            ("Hello, my parcel arrived damaged", None),
            ("Do you ship to Norway?", None),
            ("thanks but where is my order", None),
            ("", None),
        ] {
            assert_eq!(small_talk(text), expected, "{text}");
        }
    }

    #[test]
    fn each_reason_to_hand_over_is_heard_and_ordinary_questions_are_not() {
        for (text, expected) in [
            ("this is useless, I want a person", Some(Handover::AskedForPerson)),
            ("Can I talk to a human please?", Some(Handover::AskedForPerson)),
            ("agent", Some(Handover::AskedForPerson)),
            ("I need to speak with someone from your team", Some(Handover::AskedForPerson)),
            ("Ich möchte mit einem Mitarbeiter sprechen", Some(Handover::AskedForPerson)),
            ("This is ridiculous", Some(Handover::Frustrated)),
            ("WHY IS THIS STILL BROKEN", Some(Handover::Frustrated)),
            ("I was charged twice for my order", Some(Handover::Billing)),
            ("I want a refund now", Some(Handover::Billing)),
            ("Please delete my account", Some(Handover::AccountDeletion)),
            ("My lawyer will contact you", Some(Handover::Legal)),
            ("Is there an actual human I can chat with about my issue?", Some(Handover::AskedForPerson)),
            ("can someone call me back?", Some(Handover::AskedForPerson)),
            ("You billed my card after I cancelled. Refund it immediately.", Some(Handover::Billing)),
            ("On m'a facturé deux fois ce mois-ci, je veux être remboursé.", Some(Handover::Billing)),
            ("Esto es una vergüenza, nadie me ayuda.", Some(Handover::Frustrated)),
            ("If this isn't fixed by Friday our lawyers will be in touch.", Some(Handover::Legal)),
            ("How do I call my function back from a signal handler?", None),
            ("How long does shipping take?", None),
            ("How do refunds work?", None),
            ("Can I return an item?", None),
            ("How do I add an agent to my team?", None),
            ("Where is my order 1042?", None),
        ] {
            assert_eq!(handover(text), expected, "{text}");
        }
    }
}
