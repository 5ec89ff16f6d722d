//! The passages' vectors in memory, per bot, searched by brute force (a dot product per
//! passage: ~0.1 ms per 1,000 passages of 384 floats; 100,000 passages are ~150 MB and a few
//! milliseconds). Changed together with the tantivy index by `KnowledgeIndex` (synchronously,
//! so a passage is findable by meaning as soon as its source is `completed`), loaded from
//! `knowledge_chunks.embedding` at startup. Every lookup names the organization and the bot.

use std::{
    collections::HashMap,
    sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard},
};

use app::{
    dto::{BotId, OrganizationId},
    ids::SourceId,
};
use uuid::Uuid;

struct Entry {
    chunk: Uuid,
    source: SourceId,
    vector: Box<[f32]>,
}

#[derive(Default)]
struct BotVectors {
    organization: Option<OrganizationId>,
    entries: Vec<Entry>,
}

#[derive(Clone, Default)]
pub struct Vectors {
    bots: Arc<RwLock<HashMap<BotId, BotVectors>>>,
}

/// A passage's vector, on its way in.
pub struct NewVector {
    pub chunk: Uuid,
    pub organization: OrganizationId,
    pub bot: BotId,
    pub source: SourceId,
    pub vector: Vec<f32>,
}

impl Vectors {
    // A panic elsewhere while holding the lock leaves plain data: keep using it.
    fn read(&self) -> RwLockReadGuard<'_, HashMap<BotId, BotVectors>> {
        self.bots.read().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn write(&self) -> RwLockWriteGuard<'_, HashMap<BotId, BotVectors>> {
        self.bots.write().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub fn len(&self) -> usize {
        self.read().values().map(|b| b.entries.len()).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn add_all(bots: &mut HashMap<BotId, BotVectors>, add: Vec<NewVector>) {
        for v in add {
            let bot = bots.entry(v.bot).or_default();
            bot.organization = Some(v.organization);
            bot.entries.push(Entry { chunk: v.chunk, source: v.source, vector: v.vector.into_boxed_slice() });
        }
    }

    /// The source's vectors become `add`.
    pub fn replace_source(&self, source: SourceId, add: Vec<NewVector>) {
        let mut bots = self.write();
        for bot in bots.values_mut() {
            if bot.entries.iter().any(|e| e.source == source) {
                bot.entries.retain(|e| e.source != source);
            }
        }
        Self::add_all(&mut bots, add);
    }

    pub fn swap(&self, remove: &[Uuid], add: Vec<NewVector>) {
        let mut bots = self.write();
        if !remove.is_empty() {
            let remove: std::collections::HashSet<&Uuid> = remove.iter().collect();
            for bot in bots.values_mut() {
                bot.entries.retain(|e| !remove.contains(&e.chunk));
            }
        }
        Self::add_all(&mut bots, add);
    }

    /// Everything, at once (startup: the table's vectors).
    pub fn load(&self, all: Vec<NewVector>) {
        let mut bots = self.write();
        bots.clear();
        Self::add_all(&mut bots, all);
    }

    pub fn delete_source(&self, source: SourceId) {
        self.replace_source(source, Vec::new());
    }

    pub fn clear(&self) {
        self.write().clear();
    }

    /// The cosine of `query` with each of the bot's passages, highest first, at most `limit`
    /// and at least `floor`.
    pub fn nearest(
        &self,
        organization: OrganizationId,
        bot: BotId,
        query: &[f32],
        limit: usize,
        floor: f32,
    ) -> Vec<(Uuid, f32)> {
        let bots = self.read();
        let Some(found) = bots.get(&bot).filter(|b| b.organization == Some(organization)) else {
            return Vec::new();
        };
        let mut scored: Vec<(Uuid, f32)> = found
            .entries
            .iter()
            .filter(|e| e.vector.len() == query.len())
            .map(|e| (e.chunk, crate::embeddings::cosine(&e.vector, query)))
            .filter(|(_, s)| *s >= floor)
            .collect();
        scored.sort_by(|a, b| b.1.total_cmp(&a.1));
        scored.truncate(limit);
        scored
    }

    /// The cosine of `query` with the named passages of the bot.
    pub fn similarity(
        &self,
        organization: OrganizationId,
        bot: BotId,
        query: &[f32],
        chunks: &[Uuid],
    ) -> HashMap<Uuid, f32> {
        let bots = self.read();
        let Some(found) = bots.get(&bot).filter(|b| b.organization == Some(organization)) else {
            return HashMap::new();
        };
        let wanted: std::collections::HashSet<&Uuid> = chunks.iter().collect();
        found
            .entries
            .iter()
            .filter(|e| wanted.contains(&e.chunk) && e.vector.len() == query.len())
            .map(|e| (e.chunk, crate::embeddings::cosine(&e.vector, query)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(org: Uuid, bot: Uuid, source: Uuid, x: f32) -> NewVector {
        NewVector {
            chunk: Uuid::now_v7(),
            organization: OrganizationId(org),
            bot: BotId(bot),
            source: SourceId(source),
            vector: crate::embeddings::normalised(vec![x, 1.0 - x]),
        }
    }

    #[test]
    fn a_bot_finds_only_its_own_vectors_and_a_replaced_source_leaves_none_behind() {
        let (org, other_org, bot, source) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
        let store = Vectors::default();
        let near = v(org, bot, source, 1.0);
        let near_id = near.chunk;
        store.replace_source(SourceId(source), vec![near, v(org, bot, source, 0.0)]);
        let query = [1.0, 0.0];
        let found = store.nearest(OrganizationId(org), BotId(bot), &query, 5, 0.5);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].0, near_id);
        assert!(store.nearest(OrganizationId(other_org), BotId(bot), &query, 5, -1.0).is_empty());
        store.replace_source(SourceId(source), vec![v(org, bot, source, 0.5)]);
        assert_eq!(store.len(), 1);
        store.delete_source(SourceId(source));
        assert!(store.is_empty());
    }
}
