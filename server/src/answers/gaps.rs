//! The knowledge-gaps report (PRD §5.4.4, story 4.3 "system suggests knowledge gaps based on
//! failed queries"): the questions a bot answered unsure (confidence < 0.70), could not
//! answer, or answered wrongly by the visitor's thumbs or a teammate's review, grouped by
//! topic. Each topic is asked again now with the built-in answerer (no model is paid for a
//! report): the passages the bot finds start an FAQ draft, and a topic the bot now answers
//! with confidence is shown closed.

use std::collections::HashMap;

use app::{
    ApiError,
    auth::Permission,
    bot_settings::AiProvider,
    dto::{AnswerOutcome, AnswerVerdict, BotId},
    knowledge::{GapPassage, GapPeriod, KnowledgeGap, KnowledgeGaps},
    ssr::Viewer,
};
use chrono::{Duration, Utc};

use super::{Answerer, CAVEAT, builtin, distinct};
use crate::{conversations::feedback::AnsweredQuestion, error::Result};

/// The longest period a report covers, in days.
pub const MAX_DAYS: i64 = 365;
/// Topics listed, most asked first.
const TOPICS: usize = 20;
/// Questions shown per topic.
const SAMPLES: usize = 5;
/// Passages offered per topic for an FAQ draft.
const DRAFT_PASSAGES: usize = 2;
/// The most recent failed questions a report groups (each may cost an embedding, cached).
const GROUPED: usize = 400;
/// Two questions are on one topic when this share of their meaningful words is shared
/// (Jaccard)…
const SAME_WORDS: f32 = 0.5;
/// …or, with the embedding model, when they mean nearly the same (cosine).
const SAME_MEANING: f32 = 0.75;

/// "30d" → 30 days; 1–365 days. Empty means 30.
pub fn parse_period(period: Option<&str>) -> std::result::Result<i64, ApiError> {
    let text = period.map(str::trim).filter(|p| !p.is_empty()).unwrap_or("30d");
    text.strip_suffix('d').and_then(|n| n.parse::<i64>().ok()).map_or_else(|| Err(bad_period()), check_days)
}

/// A report's period in days: 1–365.
pub fn check_days(days: i64) -> std::result::Result<i64, ApiError> {
    if (1..=MAX_DAYS).contains(&days) { Ok(days) } else { Err(bad_period()) }
}

fn bad_period() -> ApiError {
    ApiError::validation("period", format!("Give the period in days, from 1d to {MAX_DAYS}d (like 30d)."))
}

/// Why an answered question is a gap, if it is one.
fn failed(q: &AnsweredQuestion) -> bool {
    if matches!(q.info.outcome, AnswerOutcome::SmallTalk) {
        return false;
    }
    // Handed over because the visitor asked for a person, was angry, or raised billing: not
    // the knowledge's fault (the reason names it). Handed over after declining twice: it is.
    if q.info.outcome == AnswerOutcome::HandedOver && q.info.sources.is_empty() && q.info.confidence >= 1.0 {
        return q.helpful == Some(false);
    }
    if q.verdict == Some(AnswerVerdict::Correct) && q.helpful != Some(false) {
        return false;
    }
    q.info.confidence < CAVEAT
        || matches!(q.info.outcome, AnswerOutcome::Declined | AnswerOutcome::HandedOver)
        || q.helpful == Some(false)
        || q.verdict == Some(AnswerVerdict::Incorrect)
}

/// Counts only questions the knowledge was asked (not greetings, not hand-overs by request).
fn asked_knowledge(q: &AnsweredQuestion) -> bool {
    match q.info.outcome {
        AnswerOutcome::SmallTalk => false,
        AnswerOutcome::HandedOver => !(q.info.sources.is_empty() && q.info.confidence >= 1.0),
        _ => true,
    }
}

struct Topic {
    /// The first question's meaningful words (what others are compared with).
    words: Vec<String>,
    vector: Option<Vec<f32>>,
    questions: Vec<AnsweredQuestion>,
}

impl Answerer {
    /// The report for one of the viewer's organization's bots over the last `days` days.
    pub async fn gaps(&self, viewer: &Viewer, bot: BotId, days: i64) -> Result<KnowledgeGaps> {
        viewer.require(Permission::ViewKnowledge)?;
        let bot = crate::bots::find(&self.db, viewer.organization_id, bot).await?;
        let end = Utc::now();
        let start = end - Duration::days(days.clamp(1, MAX_DAYS));
        let answered = self.conversations.answered_questions(bot.organization_id, bot.id, start).await?;
        let asked: Vec<&AnsweredQuestion> = answered.iter().filter(|q| asked_knowledge(q)).collect();
        let mut report = KnowledgeGaps {
            period: GapPeriod { start: start.to_rfc3339(), end: end.to_rfc3339() },
            total_queries: asked.len() as u32,
            low_confidence_queries: asked.iter().filter(|q| q.info.confidence < CAVEAT).count() as u32,
            no_result_queries: asked
                .iter()
                .filter(|q| matches!(q.info.outcome, AnswerOutcome::Declined | AnswerOutcome::HandedOver))
                .count() as u32,
            thumbs_down: asked.iter().filter(|q| q.helpful == Some(false)).count() as u32,
            marked_incorrect: asked.iter().filter(|q| q.verdict == Some(AnswerVerdict::Incorrect)).count()
                as u32,
            gaps: Vec::new(),
        };

        // Newest first, so each topic's first question (its sample and its words) is recent.
        let mut topics: Vec<Topic> = Vec::new();
        for q in answered.into_iter().rev().filter(failed).take(GROUPED) {
            let words = meaningful(&q.question);
            let vector = self.query_vector(&q.question).await.map(|v| v.as_ref().clone());
            let same = topics.iter_mut().find(|t| {
                jaccard(&t.words, &words) >= SAME_WORDS
                    || matches!((&t.vector, &vector), (Some(a), Some(b)) if crate::embeddings::cosine(a, b) >= SAME_MEANING)
            });
            match same {
                Some(topic) => topic.questions.push(q),
                None => topics.push(Topic { words, vector, questions: vec![q] }),
            }
        }
        topics.sort_by(|a, b| {
            b.questions.len().cmp(&a.questions.len()).then_with(|| b.questions[0].at.cmp(&a.questions[0].at))
        });

        // Asked again with the built-in answerer: what the bot would say now costs no model.
        let mut dry = bot.clone();
        dry.settings.ai.provider = AiProvider::BuiltIn;
        let language = crate::knowledge::index::language_index(bot.settings.language.as_deref());
        for topic in topics.into_iter().take(TOPICS) {
            let sample = topic.questions[0].question.clone();
            let vector = self.query_vector(&sample).await;
            let passages = self
                .knowledge
                .passages_for(
                    bot.organization_id,
                    bot.id,
                    language,
                    &sample,
                    vector.as_deref().map(Vec::as_slice),
                    DRAFT_PASSAGES + 2,
                )
                .unwrap_or_default();
            let now = self.reply(&dry, &sample, &[]).await;
            let answered_now = now.info.confidence >= CAVEAT
                && matches!(now.info.outcome, AnswerOutcome::Answered | AnswerOutcome::Caveat);
            let count = topic.questions.len();
            let mut samples: Vec<String> = Vec::new();
            for q in &topic.questions {
                if samples.len() < SAMPLES && !samples.iter().any(|s| s.eq_ignore_ascii_case(&q.question)) {
                    samples.push(q.question.clone());
                }
            }
            let pattern = pattern(&topic.questions);
            let best: Vec<GapPassage> = distinct(passages)
                .into_iter()
                .take(DRAFT_PASSAGES)
                .map(|p| GapPassage { place: super::cited_title(&p), content: p.content })
                .collect();
            let suggested_action = if answered_now {
                format!(
                    "Answered now ({:.0} % sure): check the answer with “Test your bot”.",
                    now.info.confidence * 100.0
                )
            } else if best.is_empty() {
                format!("Add an FAQ or a document about {pattern}: the bot has nothing on it.")
            } else {
                format!("Add an FAQ about {pattern}, or make “{}” say it plainly.", best[0].place)
            };
            report.gaps.push(KnowledgeGap {
                query_pattern: pattern,
                count: count as u32,
                avg_confidence: topic.questions.iter().map(|q| q.info.confidence).sum::<f32>() / count as f32,
                sample_queries: samples,
                thumbs_down: topic.questions.iter().filter(|q| q.helpful == Some(false)).count() as u32,
                marked_incorrect: topic
                    .questions
                    .iter()
                    .filter(|q| q.verdict == Some(AnswerVerdict::Incorrect))
                    .count() as u32,
                last_asked_at: topic.questions[0].at.to_rfc3339(),
                suggested_action,
                answered_now,
                confidence_now: now.info.confidence,
                best_passages: best,
            });
        }
        Ok(report)
    }
}

/// The question's meaningful words, lower-cased, without stopwords, de-duplicated.
fn meaningful(question: &str) -> Vec<String> {
    let mut words: Vec<String> = builtin::content_words(question)
        .split_whitespace()
        .filter(|w| w.chars().count() > 1)
        .map(str::to_owned)
        .collect();
    let mut seen = Vec::new();
    words.retain(|w| {
        let new = !seen.contains(w);
        seen.push(w.clone());
        new
    });
    words
}

fn jaccard(a: &[String], b: &[String]) -> f32 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let shared = a.iter().filter(|w| b.contains(w)).count();
    shared as f32 / (a.len() + b.len() - shared) as f32
}

/// The topic's name: the (up to two) meaningful words most of its questions use, in the order
/// the latest question says them; its first question when they share none.
fn pattern(questions: &[AnsweredQuestion]) -> String {
    let mut counts: HashMap<String, usize> = HashMap::new();
    for q in questions {
        for w in meaningful(&q.question) {
            *counts.entry(w).or_default() += 1;
        }
    }
    let first = meaningful(&questions[0].question);
    let mut ranked: Vec<(usize, &String)> =
        first.iter().enumerate().filter(|(_, w)| counts[*w] * 2 >= questions.len().max(2)).collect();
    ranked.sort_by(|a, b| counts[b.1].cmp(&counts[a.1]).then(a.0.cmp(&b.0)));
    ranked.truncate(2);
    ranked.sort_by_key(|(i, _)| *i);
    if ranked.is_empty() || questions.len() == 1 {
        return format!("“{}”", questions[0].question.chars().take(80).collect::<String>());
    }
    format!("“{}”", ranked.into_iter().map(|(_, w)| w.as_str()).collect::<Vec<_>>().join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn asked(text: &str, confidence: f32, outcome: AnswerOutcome) -> AnsweredQuestion {
        AnsweredQuestion {
            question: text.into(),
            info: app::dto::AnswerInfo {
                confidence,
                outcome,
                sources: Vec::new(),
                handover_reason: None,
                model: super::super::BUILT_IN.into(),
                retrieval_ms: 0,
                generation_ms: 0,
                tokens_in: 0,
                tokens_out: 0,
                cost_micros: None,
                fallback_reason: None,
                formatted: Vec::new(),
            },
            helpful: None,
            verdict: None,
            at: Utc::now(),
        }
    }

    #[test]
    fn a_period_is_days_from_one_to_a_year() {
        assert_eq!(parse_period(None), Ok(30));
        assert_eq!(parse_period(Some("7d")), Ok(7));
        assert_eq!(parse_period(Some(" 365d ")), Ok(365));
        for bad in ["0d", "366d", "30", "a month", "-3d"] {
            assert!(parse_period(Some(bad)).is_err(), "{bad}");
        }
    }

    #[test]
    fn unsure_unknown_and_disliked_answers_are_gaps_confident_and_confirmed_ones_are_not() {
        assert!(failed(&asked("Do you ship to Mars?", 0.2, AnswerOutcome::Declined)));
        assert!(failed(&asked("Do you ship fast?", 0.6, AnswerOutcome::SuggestPerson)));
        assert!(!failed(&asked("Do you ship to Spain?", 0.9, AnswerOutcome::Answered)));
        let mut disliked = asked("Do you ship to Spain?", 0.9, AnswerOutcome::Answered);
        disliked.helpful = Some(false);
        assert!(failed(&disliked));
        let mut wrong = asked("Do you ship to Spain?", 0.9, AnswerOutcome::Answered);
        wrong.verdict = Some(AnswerVerdict::Incorrect);
        assert!(failed(&wrong));
        let mut confirmed = asked("Do you ship fast?", 0.6, AnswerOutcome::SuggestPerson);
        confirmed.verdict = Some(AnswerVerdict::Correct);
        assert!(!failed(&confirmed));
        // Asking for a person is not a hole in the knowledge; declining twice is.
        assert!(!failed(&asked("I want a person", 1.0, AnswerOutcome::HandedOver)));
        assert!(failed(&asked("What about Mars?", 0.1, AnswerOutcome::HandedOver)));
        assert!(!failed(&asked("hello", 1.0, AnswerOutcome::SmallTalk)));
    }

    #[test]
    fn a_topic_is_named_by_the_words_its_questions_share() {
        let qs = [
            asked("Do you have a mobile app?", 0.3, AnswerOutcome::Declined),
            asked("When will the mobile app be released?", 0.3, AnswerOutcome::Declined),
            asked("Is there a mobile app for iOS?", 0.3, AnswerOutcome::Declined),
        ];
        assert_eq!(pattern(&qs), "“mobile app”");
        assert!(jaccard(&meaningful(&qs[0].question), &meaningful(&qs[1].question)) >= SAME_WORDS);
        assert!(
            jaccard(&meaningful("Do you have a mobile app?"), &meaningful("How do I reset my password?"))
                < 0.1
        );
    }
}
