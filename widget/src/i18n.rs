//! Every string the widget shows, in the languages of `app::bot_settings::LANGUAGES`. The bot's
//! language setting wins; otherwise the browser's first language we speak; otherwise English.

pub struct Strings {
    pub lang: &'static str,
    pub chat: &'static str,
    pub close: &'static str,
    pub connecting: &'static str,
    pub reconnecting: &'static str,
    pub conversation: &'static str,
    pub message: &'static str,
    pub placeholder: &'static str,
    pub send: &'static str,
    pub sending: &'static str,
    pub typing: &'static str,
    pub name: &'static str,
    pub email: &'static str,
    pub start: &'static str,
    pub intro: &'static str,
    pub offline_title: &'static str,
    pub leave_message: &'static str,
    pub thanks: &'static str,
    pub ask_person: &'static str,
    pub escalated: &'static str,
    /// Before and after the agent's name.
    pub joined: (&'static str, &'static str),
    pub rate: &'static str,
    pub comment: &'static str,
    pub rate_send: &'static str,
    pub rated: &'static str,
}

impl PartialEq for Strings {
    fn eq(&self, other: &Self) -> bool {
        self.lang == other.lang
    }
}

const EN: Strings = Strings {
    lang: "en",
    chat: "Chat",
    close: "Close chat",
    connecting: "Connecting…",
    reconnecting: "Connection lost. Reconnecting…",
    conversation: "Conversation",
    message: "Message",
    placeholder: "Write a message…",
    send: "Send",
    sending: "Sending…",
    typing: "is typing",
    name: "Your name",
    email: "Your email",
    start: "Start chat",
    intro: "Before we start, please tell us who you are.",
    offline_title: "We're offline",
    leave_message: "Your message",
    thanks: "Thanks! We'll reply by email as soon as we're back.",
    ask_person: "Talk to a person",
    escalated: "A person from the team will reply here as soon as they can.",
    joined: ("You're now chatting with ", "."),
    rate: "How would you rate your experience?",
    comment: "Anything to add? (optional)",
    rate_send: "Send rating",
    rated: "Thanks for your feedback!",
};

const DE: Strings = Strings {
    lang: "de",
    chat: "Chat",
    close: "Chat schließen",
    connecting: "Verbinde…",
    reconnecting: "Verbindung unterbrochen. Verbinde erneut…",
    conversation: "Unterhaltung",
    message: "Nachricht",
    placeholder: "Nachricht schreiben…",
    send: "Senden",
    sending: "Wird gesendet…",
    typing: "schreibt",
    name: "Ihr Name",
    email: "Ihre E-Mail",
    start: "Chat starten",
    intro: "Bevor es losgeht: Wer sind Sie?",
    offline_title: "Wir sind offline",
    leave_message: "Ihre Nachricht",
    thanks: "Danke! Wir antworten per E-Mail, sobald wir zurück sind.",
    ask_person: "Mit einem Menschen sprechen",
    escalated: "Jemand aus dem Team antwortet Ihnen hier, so bald wie möglich.",
    joined: ("Sie chatten jetzt mit ", "."),
    rate: "Wie bewerten Sie Ihre Erfahrung?",
    comment: "Möchten Sie etwas ergänzen? (optional)",
    rate_send: "Bewertung senden",
    rated: "Danke für Ihr Feedback!",
};

const ES: Strings = Strings {
    lang: "es",
    chat: "Chat",
    close: "Cerrar chat",
    connecting: "Conectando…",
    reconnecting: "Conexión perdida. Reconectando…",
    conversation: "Conversación",
    message: "Mensaje",
    placeholder: "Escribe un mensaje…",
    send: "Enviar",
    sending: "Enviando…",
    typing: "está escribiendo",
    name: "Tu nombre",
    email: "Tu correo",
    start: "Empezar chat",
    intro: "Antes de empezar, dinos quién eres.",
    offline_title: "Estamos desconectados",
    leave_message: "Tu mensaje",
    thanks: "¡Gracias! Te responderemos por correo en cuanto volvamos.",
    ask_person: "Hablar con una persona",
    escalated: "Una persona del equipo te responderá aquí lo antes posible.",
    joined: ("Ahora estás chateando con ", "."),
    rate: "¿Cómo valorarías tu experiencia?",
    comment: "¿Algo que añadir? (opcional)",
    rate_send: "Enviar valoración",
    rated: "¡Gracias por tu opinión!",
};

const FR: Strings = Strings {
    lang: "fr",
    chat: "Chat",
    close: "Fermer le chat",
    connecting: "Connexion…",
    reconnecting: "Connexion perdue. Reconnexion…",
    conversation: "Conversation",
    message: "Message",
    placeholder: "Écrivez un message…",
    send: "Envoyer",
    sending: "Envoi…",
    typing: "écrit",
    name: "Votre nom",
    email: "Votre e-mail",
    start: "Démarrer le chat",
    intro: "Avant de commencer, dites-nous qui vous êtes.",
    offline_title: "Nous sommes absents",
    leave_message: "Votre message",
    thanks: "Merci ! Nous vous répondrons par e-mail dès notre retour.",
    ask_person: "Parler à une personne",
    escalated: "Une personne de l'équipe vous répondra ici dès que possible.",
    joined: ("Vous discutez maintenant avec ", "."),
    rate: "Comment évaluez-vous votre expérience ?",
    comment: "Quelque chose à ajouter ? (facultatif)",
    rate_send: "Envoyer la note",
    rated: "Merci pour votre avis !",
};

const PT: Strings = Strings {
    lang: "pt",
    chat: "Chat",
    close: "Fechar chat",
    connecting: "Conectando…",
    reconnecting: "Conexão perdida. Reconectando…",
    conversation: "Conversa",
    message: "Mensagem",
    placeholder: "Escreva uma mensagem…",
    send: "Enviar",
    sending: "Enviando…",
    typing: "está digitando",
    name: "Seu nome",
    email: "Seu e-mail",
    start: "Iniciar chat",
    intro: "Antes de começar, diga-nos quem você é.",
    offline_title: "Estamos offline",
    leave_message: "Sua mensagem",
    thanks: "Obrigado! Responderemos por e-mail assim que voltarmos.",
    ask_person: "Falar com uma pessoa",
    escalated: "Uma pessoa da equipe responderá aqui assim que puder.",
    joined: ("Agora você está conversando com ", "."),
    rate: "Como você avalia sua experiência?",
    comment: "Algo a acrescentar? (opcional)",
    rate_send: "Enviar avaliação",
    rated: "Obrigado pelo seu feedback!",
};

const NL: Strings = Strings {
    lang: "nl",
    chat: "Chat",
    close: "Chat sluiten",
    connecting: "Verbinden…",
    reconnecting: "Verbinding verbroken. Opnieuw verbinden…",
    conversation: "Gesprek",
    message: "Bericht",
    placeholder: "Schrijf een bericht…",
    send: "Versturen",
    sending: "Versturen…",
    typing: "typt",
    name: "Je naam",
    email: "Je e-mail",
    start: "Chat starten",
    intro: "Vertel ons eerst wie je bent.",
    offline_title: "We zijn offline",
    leave_message: "Je bericht",
    thanks: "Bedankt! We antwoorden per e-mail zodra we terug zijn.",
    ask_person: "Met een mens praten",
    escalated: "Iemand van het team antwoordt hier zo snel mogelijk.",
    joined: ("Je chat nu met ", "."),
    rate: "Hoe beoordeel je je ervaring?",
    comment: "Nog iets toe te voegen? (optioneel)",
    rate_send: "Beoordeling versturen",
    rated: "Bedankt voor je feedback!",
};

const ALL: [&Strings; 6] = [&EN, &DE, &ES, &FR, &PT, &NL];

fn by_code(code: &str) -> Option<&'static Strings> {
    let primary = code.split(['-', '_']).next().unwrap_or_default().to_ascii_lowercase();
    ALL.into_iter().find(|s| s.lang == primary)
}

/// The bot's language if set, else the browser's first one we have, else English.
pub fn pick(bot_language: Option<&str>) -> &'static Strings {
    if let Some(strings) = bot_language.and_then(by_code) {
        return strings;
    }
    let browser = web_sys::window().map(|w| w.navigator().languages().to_vec()).unwrap_or_default();
    browser.iter().filter_map(|v| v.as_string()).find_map(|code| by_code(&code)).unwrap_or(&EN)
}
