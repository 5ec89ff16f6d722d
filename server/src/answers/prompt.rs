//! The prompt a language model answers (PRD §5.5.2): who the bot is and how it speaks, the
//! owner's instructions, the passages retrieval found, the conversation so far and what is
//! known of the customer. The model answers only from the passages, or says [`NO_ANSWER`].

use app::dto::{MessageView, SenderKind};

use super::llm::{NO_ANSWER, Prompt};
use crate::{bots::Bot, knowledge::index::Passage};

/// Earlier turns the model reads (PRD: the last 10 messages).
pub const HISTORY: usize = 10;

/// What is known of the visitor.
#[derive(Debug, Clone, Default)]
pub struct Customer {
    pub name: Option<String>,
    pub email: Option<String>,
}

pub fn build(
    bot: &Bot,
    company: &str,
    passages: &[&Passage],
    earlier: &[MessageView],
    customer: &Customer,
    question: &str,
) -> Prompt {
    let personality = bot.personality.as_str();
    let mut system = format!(
        "You are an AI customer support assistant for {company}.\n\n\
         IDENTITY:\n\
         - Company: {company}\n\
         - Your name: {name}\n\
         - Personality: {personality}\n\n\
         CAPABILITIES:\n\
         - Answer questions using only the knowledge base context you are given\n\
         - Be helpful, accurate, and {personality}\n\
         - Admit when you don't know something\n\
         - Suggest relevant documentation links when available\n\n\
         GUIDELINES:\n\
         1. Always be polite and respectful\n\
         2. Keep responses concise (2-3 short paragraphs at most)\n\
         3. Use formatting for clarity (bullet points, numbered lists, **bold**)\n\
         4. Include relevant links from the knowledge base in markdown format: [Link Text](url)\n\
         5. Never make up information: if the context does not contain the answer, reply with \
            exactly {NO_ANSWER} and nothing else\n\
         6. Maintain conversation context across messages\n\
         7. Use the customer's name if provided\n\
         8. Answer in the language the customer writes in\n\
         9. Do not mention \"sources\", \"context\" or \"the knowledge base\"; just answer\n\n\
         RESPONSE FORMAT:\n\
         - Start with the direct answer\n\
         - Provide additional context if helpful\n\
         - End with a follow-up question or next step when it helps",
        name = bot.name,
    );
    let instructions = bot.settings.ai.instructions.trim();
    if !instructions.is_empty() {
        system.push_str("\n\nINSTRUCTIONS FROM THE COMPANY:\n");
        system.push_str(instructions);
    }

    let mut user = String::from("KNOWLEDGE BASE CONTEXT:\n");
    for (i, p) in passages.iter().enumerate() {
        if i > 0 {
            user.push_str("\n---\n");
        }
        user.push_str(&format!("[Source {}]: {}\n{}\n", i + 1, super::cited_title(p), p.read_text().trim()));
        if let Some(url) = &p.url {
            user.push_str(&format!("URL: {url}\n"));
        }
    }
    user.push_str("\nCUSTOMER INFORMATION:\n");
    user.push_str(&format!("- Name: {}\n", customer.name.as_deref().unwrap_or("Unknown")));
    user.push_str(&format!("- Email: {}\n", customer.email.as_deref().unwrap_or("Not provided")));
    user.push_str(&format!("\nCUSTOMER'S QUESTION:\n{}\n\n", question.trim()));
    user.push_str(&format!(
        "Please provide a helpful response based only on the knowledge base context. If the \
         information isn't there, reply with exactly {NO_ANSWER}."
    ));

    let start = earlier.len().saturating_sub(HISTORY);
    let history = earlier[start..]
        .iter()
        .filter(|m| !m.content.trim().is_empty())
        .map(|m| (m.sender.kind == SenderKind::Visitor, m.content.clone()))
        .collect();
    Prompt { system, history, user }
}

#[cfg(test)]
mod tests {
    use app::dto::{BotId, OrganizationId, Personality};

    use super::*;

    #[test]
    fn the_prompt_holds_the_voice_the_instructions_the_passages_the_turns_and_the_customer() {
        let mut settings = app::bot_settings::BotSettings::default();
        settings.ai.instructions = "Never promise delivery dates.".into();
        let bot = Bot {
            id: BotId(uuid::Uuid::nil()),
            organization_id: OrganizationId(uuid::Uuid::nil()),
            workspace_id: uuid::Uuid::nil(),
            name: "Ada".into(),
            greeting: String::new(),
            fallback_message: String::new(),
            personality: Personality::Friendly,
            settings,
        };
        let passage = Passage {
            chunk_id: uuid::Uuid::nil(),
            source_id: app::ids::SourceId(uuid::Uuid::nil()),
            kind: app::knowledge::SourceKind::Faq,
            title: "Shipping".into(),
            heading_path: String::new(),
            page: None,
            url: Some("https://shop.example/shipping".into()),
            content: "Parcels take 2-4 working days.".into(),
            ordinal: 0,
            context_before: None,
            context_after: None,
            score: 1.0,
            keyword: 1.0,
            bm25: 1.0,
            cosine: None,
        };
        let said = |kind, content: &str| MessageView {
            id: app::dto::MessageId(uuid::Uuid::nil()),
            conversation_id: app::dto::ConversationId(uuid::Uuid::nil()),
            seq: 0,
            sender: app::dto::Sender { kind, name: "x".into() },
            content: content.into(),
            created_at: String::new(),
            client_msg_id: None,
            answer: None,
            helpful: None,
            verdict: None,
            insight: None,
        };
        let earlier = [said(SenderKind::Visitor, "Hi"), said(SenderKind::Bot, "Hello!")];
        let customer = Customer { name: Some("Grace".into()), email: None };
        let p = build(&bot, "Example Shop", &[&passage], &earlier, &customer, "How long does it take?");
        assert!(p.system.contains("for Example Shop") && p.system.contains("Your name: Ada"));
        assert!(
            p.system.contains("Personality: friendly") && p.system.contains("Never promise delivery dates.")
        );
        assert!(p.system.contains(NO_ANSWER));
        assert!(p.user.contains("[Source 1]: Shipping\nParcels take 2-4 working days."), "{}", p.user);
        assert!(p.user.contains("URL: https://shop.example/shipping"));
        assert!(p.user.contains("- Name: Grace") && p.user.contains("- Email: Not provided"));
        assert!(p.user.contains("CUSTOMER'S QUESTION:\nHow long does it take?"));
        assert_eq!(p.history, vec![(true, "Hi".into()), (false, "Hello!".into())]);
    }
}
