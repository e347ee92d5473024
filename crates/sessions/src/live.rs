//! What changes during a session, pushed to everyone watching it: the
//! counters and queues (one snapshot, serialised once, shared by every
//! connection) and, per video interview, the signalling and chat between the
//! employer and the candidate (relayed, never stored).

use std::collections::HashMap;
use std::sync::Mutex;

use axum::extract::ws::{Message, Utf8Bytes, WebSocket};
use futures_util::{SinkExt, StreamExt};
use platform::Db;
use serde::Serialize;
use tokio::sync::broadcast;

/// A session's snapshot as sent: what the organisers' counters and the
/// candidates' queue positions show.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Snapshot {
    pub r#type: &'static str,
    pub registered: i64,
    pub present: i64,
    pub interviews: i64,
    pub hired: i64,
    /// Per booth, the registrations waiting, first first.
    pub queues: HashMap<i64, Vec<i64>>,
}

pub async fn snapshot(db: &Db, province: &str, session_id: i64) -> anyhow::Result<Snapshot> {
    let (registered, present, interviews, hired) = crate::store::counters(db, province, session_id).await?;
    let mut queues: HashMap<i64, Vec<i64>> = HashMap::new();
    for (booth, registration) in crate::store::waiting(db, province, session_id).await? {
        queues.entry(booth).or_default().push(registration);
    }
    Ok(Snapshot { r#type: "state", registered, present, interviews, hired, queues })
}

/// The message types a room relays; anything else is dropped.
const ROOM_TYPES: [&str; 7] = ["offer", "answer", "ice", "chat", "bye", "hello", "ready"];
/// A room message larger than this (an SDP offer is a few kB) is dropped.
pub const ROOM_MESSAGE_MAX: usize = 64 * 1024;

type RoomSender = broadcast::Sender<(u64, Utf8Bytes)>;

/// The live channels of every session and video room.
#[derive(Default)]
pub struct Live {
    sessions: Mutex<HashMap<i64, broadcast::Sender<Utf8Bytes>>>,
    rooms: Mutex<HashMap<i64, RoomSender>>,
}

impl Live {
    /// Listen to a session's changes.
    pub fn subscribe(&self, session_id: i64) -> broadcast::Receiver<Utf8Bytes> {
        let mut map = self.sessions.lock().expect("live lock");
        map.entry(session_id).or_insert_with(|| broadcast::channel(64).0).subscribe()
    }

    /// Send a message to everyone watching a session (no one: nothing).
    pub fn publish(&self, session_id: i64, message: Utf8Bytes) {
        let mut map = self.sessions.lock().expect("live lock");
        if let Some(tx) = map.get(&session_id) {
            if tx.send(message).is_err() {
                // No one listens any more.
                map.remove(&session_id);
            }
        }
    }

    /// How many connections watch a session.
    pub fn watchers(&self, session_id: i64) -> usize {
        self.sessions.lock().expect("live lock").get(&session_id).map_or(0, |tx| tx.receiver_count())
    }

    fn room(&self, interview_id: i64) -> RoomSender {
        let mut map = self.rooms.lock().expect("live lock");
        map.retain(|_, tx| tx.receiver_count() > 0);
        map.entry(interview_id).or_insert_with(|| broadcast::channel(256).0).clone()
    }
}

/// Who a connection to a video room is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Employer,
    Candidate,
}

impl Side {
    fn as_str(self) -> &'static str {
        match self {
            Side::Employer => "employer",
            Side::Candidate => "candidate",
        }
    }
}

/// Serve one WebSocket: the session's snapshots from `first` on, and, when
/// `room` names an interview, relay between its two sides.
pub async fn serve(
    socket: WebSocket,
    live: std::sync::Arc<Live>,
    session_id: i64,
    first: Utf8Bytes,
    room: Option<(i64, Side)>,
) {
    let mut events = live.subscribe(session_id);
    let (mut out, mut incoming) = socket.split();
    if out.send(Message::Text(first)).await.is_err() {
        return;
    }
    let me: u64 = rand::random();
    let room = room.map(|(id, side)| (live.room(id), side));
    let mut room_rx = room.as_ref().map(|(tx, _)| tx.subscribe());
    if let Some((tx, side)) = &room {
        let _ = tx.send((me, relay_text("hello", *side, None)));
    }
    loop {
        tokio::select! {
            ev = events.recv() => match ev {
                Ok(m) => if out.send(Message::Text(m)).await.is_err() { break },
                // A later snapshot replaces a missed one.
                Err(broadcast::error::RecvError::Lagged(_)) => continue,
                Err(broadcast::error::RecvError::Closed) => break,
            },
            m = async {
                match room_rx.as_mut() {
                    Some(rx) => rx.recv().await,
                    None => std::future::pending().await,
                }
            } => match m {
                Ok((from, text)) if from != me => if out.send(Message::Text(text)).await.is_err() { break },
                Ok(_) | Err(broadcast::error::RecvError::Lagged(_)) => continue,
                Err(broadcast::error::RecvError::Closed) => break,
            },
            msg = incoming.next() => match msg {
                Some(Ok(Message::Text(text))) => {
                    if let Some((tx, side)) = &room {
                        if let Some(relayed) = checked(&text, *side) {
                            let _ = tx.send((me, relayed));
                        }
                    }
                }
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => break,
                Some(Ok(_)) => {}
            },
        }
    }
    if let Some((tx, side)) = &room {
        let _ = tx.send((me, relay_text("bye", *side, None)));
    }
}

fn relay_text(kind: &str, side: Side, body: Option<serde_json::Value>) -> Utf8Bytes {
    let mut v = serde_json::json!({"type": kind, "from": side.as_str()});
    if let Some(body) = body {
        v["data"] = body;
    }
    Utf8Bytes::from(v.to_string())
}

/// A message from one side, as the other receives it: a known type, a
/// bounded size, and the sender's side stamped by the server (never taken
/// from the message).
fn checked(text: &str, side: Side) -> Option<Utf8Bytes> {
    if text.len() > ROOM_MESSAGE_MAX {
        return None;
    }
    let v: serde_json::Value = serde_json::from_str(text).ok()?;
    let kind = v.get("type")?.as_str()?;
    let kind = ROOM_TYPES.iter().find(|t| **t == kind)?;
    Some(relay_text(kind, side, v.get("data").cloned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_room_relays_known_messages_stamped_with_the_senders_side() {
        let m = checked(r#"{"type":"chat","from":"employer","data":{"text":"Xin chào"}}"#, Side::Candidate).unwrap();
        let v: serde_json::Value = serde_json::from_str(m.as_str()).unwrap();
        assert_eq!(v["from"], "candidate", "the side is the server's, not the message's");
        assert_eq!(v["data"]["text"], "Xin chào");
        assert!(checked(r#"{"type":"state"}"#, Side::Employer).is_none(), "only room types");
        assert!(checked("not json", Side::Employer).is_none());
        let big = format!(r#"{{"type":"chat","data":"{}"}}"#, "x".repeat(ROOM_MESSAGE_MAX));
        assert!(checked(&big, Side::Employer).is_none());
    }
}
