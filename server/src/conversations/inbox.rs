//! The inbox's list (PRD story 3.1, §5.3.3): one page of an organization's conversations in a
//! view, filtered, ordered, with the count of every view. The rules are `app::inbox`'s
//! (`InboxQuery::matches`, `InboxSort::compare`), here as SQL.

use app::{
    auth::Permission,
    dto::ConversationStatus,
    inbox::{Assignee, InboxBot, InboxCounts, InboxListing, InboxQuery, InboxSort, InboxView, Pagination},
    ssr::Viewer,
};
use chrono::{NaiveDate, TimeZone, Utc};
use sea_orm::{
    ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Select,
    sea_query::{Expr, ExprTrait, SimpleExpr},
};
use uuid::Uuid;

use super::{ConversationService, conversation_view};
use crate::{entities::conversation, error::Result};

impl ConversationService {
    /// One page of the inbox for `viewer`, with the counts of every view.
    #[tracing::instrument(skip(self, viewer))]
    pub async fn inbox(&self, viewer: &Viewer, query: &InboxQuery) -> Result<InboxListing> {
        viewer.require(Permission::ViewConversations)?;
        let org = viewer.organization_id.0;
        let own = conversation::Entity::find().filter(conversation::Column::OrganizationId.eq(org));
        let find = filtered(own, query, viewer.user_id);
        let (page, per_page) = (query.page(), query.per_page());
        let paginator = ordered(find, query.sort).paginate(&self.db, per_page);
        let total = paginator.num_items().await?;
        let rows = paginator.fetch_page(page - 1).await?;
        let bot_names = self.bot_names(viewer.organization_id).await?;
        let conversations = rows
            .into_iter()
            .map(|c| {
                let name = bot_names.get(&c.bot_id).cloned().unwrap_or_default();
                conversation_view(c, &name)
            })
            .collect::<Result<Vec<_>>>()?;
        let mut bots: Vec<InboxBot> =
            bot_names.into_iter().map(|(id, name)| InboxBot { id: app::dto::BotId(id), name }).collect();
        bots.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
        Ok(InboxListing {
            saved: self.saved_filters(viewer).await?,
            tags: self.tag_catalogue(viewer).await?,
            bots,
            conversations,
            pagination: Pagination::new(page, per_page, total),
            counts: self.inbox_counts(org, viewer.user_id).await?,
            viewer_id: viewer.user_id,
        })
    }

    /// How many conversations each view holds, in one pass over the organization's rows.
    async fn inbox_counts(&self, org: Uuid, me: Uuid) -> Result<InboxCounts> {
        let count_when = |cond: SimpleExpr| Expr::case(cond, 1).finally(0).sum();
        let (all, mine, unassigned, escalated) = conversation::Entity::find()
            .select_only()
            .column_as(Expr::col(conversation::Column::Id).count(), "all")
            .column_as(count_when(open().and(conversation::Column::AssignedAgentId.eq(me))), "mine")
            .column_as(count_when(open().and(conversation::Column::AssignedAgentId.is_null())), "unassigned")
            .column_as(
                count_when(conversation::Column::Status.eq(ConversationStatus::Escalated.as_str())),
                "escalated",
            )
            .filter(conversation::Column::OrganizationId.eq(org))
            .into_tuple::<(i64, Option<i64>, Option<i64>, Option<i64>)>()
            .one(&self.db)
            .await?
            .unwrap_or_default();
        let n = |v: Option<i64>| u64::try_from(v.unwrap_or(0)).unwrap_or(0);
        Ok(InboxCounts {
            all: n(Some(all)),
            mine: n(mine),
            unassigned: n(unassigned),
            escalated: n(escalated),
        })
    }
}

fn open() -> SimpleExpr {
    conversation::Column::Status.is_in(ConversationStatus::OPEN.map(ConversationStatus::as_str))
}

/// The view's and the filters' conditions (`InboxQuery::matches`).
fn filtered(
    find: Select<conversation::Entity>,
    query: &InboxQuery,
    me: Uuid,
) -> Select<conversation::Entity> {
    use conversation::Column as C;
    let mut cond = Condition::all();
    cond = match query.view {
        InboxView::All => cond,
        InboxView::Mine => cond.add(open()).add(C::AssignedAgentId.eq(me)),
        InboxView::Unassigned => cond.add(open()).add(C::AssignedAgentId.is_null()),
        InboxView::Escalated => cond.add(C::Status.eq(ConversationStatus::Escalated.as_str())),
    };
    if let Some(who) = query.assignee {
        cond = cond.add(match who {
            Assignee::Me => C::AssignedAgentId.eq(me),
            Assignee::Unassigned => C::AssignedAgentId.is_null(),
            Assignee::Agent(id) => C::AssignedAgentId.eq(id),
        });
    }
    if let Some(status) = query.status {
        cond = cond.add(C::Status.eq(status.as_str()));
    }
    if let Some(bot) = query.bot {
        cond = cond.add(C::BotId.eq(bot.0));
    }
    if let Some(mood) = query.sentiment {
        cond = cond.add(C::Sentiment.eq(mood.as_str()));
    }
    // Tag names hold letters, digits and `-` only (the parser's check): nothing LIKE reads.
    if let Some(tag) = &query.tag {
        cond = cond.add(C::Tags.like(format!("%,{tag},%")));
    }
    // Days are checked by the parser; one that still does not read is no bound.
    let day = |d: &Option<String>| d.as_deref().and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
    if let Some(from) = day(&query.from).and_then(|d| d.and_hms_opt(0, 0, 0)) {
        cond = cond.add(C::StartedAt.gte(Utc.from_utc_datetime(&from)));
    }
    if let Some(to) = day(&query.to).and_then(|d| d.succ_opt()).and_then(|d| d.and_hms_opt(0, 0, 0)) {
        cond = cond.add(C::StartedAt.lt(Utc.from_utc_datetime(&to)));
    }
    find.filter(cond)
}

/// `InboxSort::compare` as SQL; the id last, so pages never overlap.
fn ordered(find: Select<conversation::Entity>, sort: InboxSort) -> Select<conversation::Entity> {
    use conversation::Column as C;
    let first_when = |cond: SimpleExpr| SimpleExpr::Case(Box::new(Expr::case(cond, 0).finally(1)));
    let find = match sort {
        InboxSort::Priority => find
            .order_by(first_when(C::Status.eq(ConversationStatus::Escalated.as_str())), sea_orm::Order::Asc)
            .order_by_desc(C::LastActivityAt)
            .order_by_desc(C::UpdatedAt),
        InboxSort::Recent => find.order_by_desc(C::LastActivityAt).order_by_desc(C::UpdatedAt),
        InboxSort::Waiting => find
            .order_by(first_when(open()), sea_orm::Order::Asc)
            .order_by_asc(C::LastActivityAt)
            .order_by_asc(C::UpdatedAt),
    };
    find.order_by_desc(C::Id)
}
