//! `/api/v1/ws/dashboard`: the dashboard's live feed, the viewer's organization's events.
//! Refused before the upgrade without a session or from another origin (`http::origin`).

use app::{
    auth::Permission,
    dto::{AgentRef, ConversationId, ConversationStatus, Sender, SenderKind},
    protocol::{DashboardMsg, ServerMsg},
};
use axum::{
    Router,
    extract::{FromRef, State, WebSocketUpgrade, ws::Message},
    http::request::Parts,
    response::Response,
    routing::get,
};
use futures::{SinkExt, StreamExt};
use tokio::sync::broadcast;

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use super::{Hub, Subscription, Topic, configure_socket, presence::Presence};
use crate::{
    entities::{conversation, user},
    error::Result,
    http::{Authenticator, Credential, client_of, cookies::session_token},
};

#[derive(Clone, FromRef)]
pub struct RealtimeRoutes {
    pub hub: Hub,
    pub auth: Authenticator,
    pub db: sea_orm::DatabaseConnection,
    pub presence: Presence,
}

pub fn router(state: RealtimeRoutes) -> Router {
    Router::new().route("/api/v1/ws/dashboard", get(dashboard_socket)).with_state(state)
}

/// The dashboard's live feed. Refused (401) before the upgrade without a session.
async fn dashboard_socket(
    State(state): State<RealtimeRoutes>,
    request: Parts,
    upgrade: WebSocketUpgrade,
) -> Result<Response> {
    let token = session_token(&request.headers).ok_or(app::ApiError::Unauthenticated)?;
    let viewer = state.auth.viewer(Credential::Session(&token), &client_of(&request)).await?;
    viewer.require(Permission::ViewConversations)?;
    let me = user::Entity::find_by_id(viewer.user_id)
        .filter(user::Column::OrganizationId.eq(viewer.organization_id.0))
        .one(&state.db)
        .await?
        .map(|u| AgentRef { id: u.id, name: u.name, avatar_url: u.avatar_url, title: u.job_title })
        .ok_or(app::ApiError::Unauthenticated)?;
    // Subscribed before the upgrade is answered: a page reloads what it shows when its socket
    // opens, and a change published between that reload and a subscription taken later (in
    // the upgraded task) would never reach it — a source stuck at "Indexing" until a reload.
    let events = state.hub.subscribe(Topic::Organization(viewer.organization_id));
    let teammate = Teammate { viewer, me, socket: state.presence.socket() };
    Ok(configure_socket(upgrade).on_upgrade(move |ws| async move {
        state.presence.at_work.connect(teammate.viewer.organization_id, teammate.socket, teammate.me.id);
        forward(&state, &teammate, events, ws).await;
        state.presence.close(&state.hub, teammate.viewer.organization_id, teammate.socket);
    }))
}

/// Who is behind one dashboard socket.
struct Teammate {
    viewer: app::ssr::Viewer,
    me: AgentRef,
    socket: u64,
}

/// Forwards the organization's frames until either side closes, and reads what the teammate
/// is doing (`viewing`, `typing`); the dashboard acts through server functions. A socket that
/// fell behind by more than the hub buffers is closed: the page reconnects and reloads what it
/// shows, instead of going on without the frames it missed.
async fn forward(
    state: &RealtimeRoutes,
    teammate: &Teammate,
    mut events: Subscription,
    socket: axum::extract::ws::WebSocket,
) {
    let (mut sink, mut stream) = socket.split();
    loop {
        tokio::select! {
            incoming = stream.next() => match incoming {
                Some(Ok(Message::Text(text))) => {
                    match serde_json::from_str::<DashboardMsg>(text.as_str()) {
                        Ok(DashboardMsg::Ping) => {
                            if sink.send(Message::Text(ServerMsg::Pong.to_json().into())).await.is_err() { break }
                        }
                        Ok(DashboardMsg::Viewing { conversation_id }) => {
                            let org = teammate.viewer.organization_id;
                            state.presence.view(&state.hub, org, teammate.socket, &teammate.me, conversation_id);
                        }
                        Ok(DashboardMsg::Typing { conversation_id, typing }) => {
                            if let Err(err) = typing_to_visitor(state, teammate, conversation_id, typing).await {
                                tracing::debug!(error = %err, "an agent's typing was not passed on");
                            }
                        }
                        Ok(DashboardMsg::Idle { idle }) => {
                            state.presence.at_work.set_idle(teammate.viewer.organization_id, teammate.socket, idle);
                        }
                        Err(_) => {}
                    }
                }
                Some(Ok(_)) => {}
                Some(Err(_)) | None => break,
            },
            event = events.recv() => match event {
                Ok(frame) => if sink.send(Message::Text(frame.as_ref().into())).await.is_err() { break },
                Err(broadcast::error::RecvError::Lagged(skipped)) => {
                    tracing::debug!(skipped, "a dashboard socket lagged; closing it so the page reloads");
                    let _ = sink.send(Message::Close(None)).await;
                    break;
                }
                Err(broadcast::error::RecvError::Closed) => break,
            },
        }
    }
}

/// "… is typing" to the visitor, when the teammate holds the conversation (of their
/// organization); nothing otherwise.
async fn typing_to_visitor(
    state: &RealtimeRoutes,
    teammate: &Teammate,
    id: ConversationId,
    typing: bool,
) -> Result<()> {
    let Some(found) = conversation::Entity::find_by_id(id.0)
        .filter(conversation::Column::OrganizationId.eq(teammate.viewer.organization_id.0))
        .one(&state.db)
        .await?
    else {
        return Ok(());
    };
    let holds = found.status == ConversationStatus::AgentHandling.as_str()
        && found.assigned_agent_id == Some(teammate.viewer.user_id);
    if !holds || !teammate.viewer.role.can(Permission::RespondToConversations) {
        return Ok(());
    }
    let sender = Sender { kind: SenderKind::Agent, name: teammate.me.name.clone() };
    let frame = if typing {
        ServerMsg::TypingStart { conversation_id: id, sender }
    } else {
        ServerMsg::TypingStop { conversation_id: id, sender }
    };
    state.hub.publish(Topic::Visitor(app::dto::BotId(found.bot_id), found.visitor_id.into()), &frame);
    Ok(())
}
