//! Live events for many open streams at once: each gets the events of its stores, in order,
//! once, in the format the pages read; a stream nobody reads holds no other back and catches up
//! later from the outbox; the streams of one session end together when it ends; keep-alives
//! come on the tick.

use domain::platform::events::{DomainEvent, Published, outbox};
use domain::{Role, UserId};
use http_body_util::BodyExt;
use testkit::wait::PATIENCE;

use crate::sse::*;
use crate::support::*;

fn id_line(p: &Published) -> String {
    format!("id: {}\n", p.id)
}

/// Exactly what the pages parse: `id`, `event` (the name they listen for) and the event as
/// JSON on one `data` line, then a blank line; keep-alives are comments.
#[tokio::test]
async fn an_event_is_sent_as_id_name_and_json_data() {
    let w = Web::new().await;
    let mut anna = open(&w, &w.login(w.admin).await).await;
    let written = publish(&w, &[order_event(&w)]).await;
    let text = until_sent(&mut anna, "\n\n").await;
    let json = serde_json::to_string(&written[0].event).unwrap();
    assert_eq!(
        text,
        format!("id: {}\nevent: decision\ndata: {json}\n\n", written[0].id)
    );
    let written = publish(&w, &[DomainEvent::StoreUpdated { store_id: w.store }]).await;
    let text = until_sent(&mut anna, "\n\n").await;
    let json = serde_json::to_string(&written[0].event).unwrap();
    assert_eq!(
        text,
        format!("id: {}\nevent: other\ndata: {json}\n\n", written[0].id)
    );
}

#[tokio::test]
async fn keep_alives_come_on_the_tick_while_access_lasts() {
    let w = Web::with_state(|s| s.with_live_tick(QUICK)).await;
    let cookie = w.login(w.admin).await;
    let mut first = open(&w, &cookie).await;
    let mut second = open(&w, &cookie).await;
    let text = until_sent(&mut first, ": keep-alive\n\n").await;
    assert_eq!(text, ": keep-alive\n\n");
    until_sent(&mut second, ": keep-alive\n\n").await;
    // Still open: a later event comes after more keep-alives.
    tokio::time::sleep(QUICK * 3).await;
    let written = publish(&w, &[order_event(&w)]).await;
    for stream in [&mut first, &mut second] {
        let text = until_sent(stream, &id_line(&written[0])).await;
        assert_eq!(ids(&text), [written[0].id], "{text}");
    }
}

/// Several streams of one session, another session of the same person and other people's
/// streams: each gets the events of its stores that its role may see, all of them, in order.
#[tokio::test]
async fn many_streams_each_get_their_stores_events_in_order() {
    let w = Web::new().await;
    let anna_laptop = w.login(w.admin).await;
    let anna_phone = w.login(w.admin).await;
    let otto = w.login(w.other_admin).await;
    let victor = w.login(w.vendor).await;
    let olga = w.login(w.owner).await;
    let mut streams = Vec::new();
    for (who, cookie) in [
        ("anna", &anna_laptop),
        ("anna", &anna_laptop),
        ("anna", &anna_laptop),
        ("anna", &anna_phone),
        ("otto", &otto),
        ("otto", &otto),
        ("victor", &victor),
        ("olga", &olga),
    ] {
        streams.push((who, open(&w, cookie).await));
    }
    let mut events = Vec::new();
    for i in 0..30 {
        events.push(match i % 3 {
            0 => order_event(&w),
            1 => DomainEvent::StoreUpdated {
                store_id: w.other_store,
            },
            _ => DomainEvent::StoreUpdated { store_id: w.store },
        });
    }
    // Of no store: nobody's stream carries it, not even the OWNER's.
    events.push(DomainEvent::RoleGranted {
        user_id: UserId(77),
        store_id: None,
        role: Role::Owner,
    });
    // The last event is one every stream gets, so each stream can be read up to it.
    events.push(DomainEvent::StoreUpdated { store_id: w.store });
    events.push(DomainEvent::StoreUpdated {
        store_id: w.other_store,
    });
    let written = publish(&w, &events).await;
    let main: Vec<i64> = written
        .iter()
        .filter(|p| p.event.store_id() == Some(w.store))
        .map(|p| p.id)
        .collect();
    let other: Vec<i64> = written
        .iter()
        .filter(|p| p.event.store_id() == Some(w.other_store))
        .map(|p| p.id)
        .collect();
    let orders: Vec<i64> = written
        .iter()
        .filter(|p| matches!(p.event, DomainEvent::OrderAssigned { .. }))
        .map(|p| p.id)
        .collect();
    let last = written.last().unwrap();
    let main_last = written[written.len() - 2].id;
    for (who, mut stream) in streams {
        let (needle, expected) = match who {
            "anna" => (main_last, &main),
            "otto" => (last.id, &other),
            "victor" => (*orders.last().unwrap(), &orders),
            _ => (
                last.id,
                &written
                    .iter()
                    .filter(|p| p.event.store_id().is_some())
                    .map(|p| p.id)
                    .collect(),
            ),
        };
        let text = until_sent(&mut stream, &format!("id: {needle}\n")).await;
        assert_eq!(&ids(&text), expected, "{who}");
    }
}

/// A stream nobody reads falls behind; the others still get every event meanwhile, and it
/// gets all it missed (from the outbox) once it is read again: in order, once each.
#[tokio::test]
async fn a_stream_nobody_reads_holds_no_other_back_and_catches_up() {
    let w = Web::new().await;
    let cookie = w.login(w.admin).await;
    let mut slow = open(&w, &cookie).await;
    let fast = open(&w, &w.login(w.owner).await).await;
    let event = DomainEvent::StoreUpdated { store_id: w.store };
    let events = vec![event; MANY];
    // The ids the relay will hand out: the next ones after the outbox's end.
    let after = outbox::last_id(&w.ctx.db).await.unwrap();
    let reader = tokio::spawn(async move {
        let mut fast = fast;
        let mut text = String::new();
        while ids(&text).len() < MANY {
            let frame = tokio::time::timeout(PATIENCE, fast.frame())
                .await
                .expect("the next event in time")
                .expect("the stream to stay open")
                .unwrap();
            if let Ok(data) = frame.into_data() {
                text.push_str(&String::from_utf8_lossy(&data));
            }
        }
        ids(&text)
    });
    let written = publish(&w, &events).await;
    let expected: Vec<i64> = written.iter().map(|p| p.id).collect();
    assert!(expected[0] > after);
    // The fast stream got everything while the slow one was not read at all.
    assert_eq!(reader.await.unwrap(), expected);

    let text = until_sent(&mut slow, &id_line(written.last().unwrap())).await;
    assert_eq!(ids(&text), expected);
    // And the slow stream goes on live afterwards.
    let more = publish(&w, &[order_event(&w)]).await;
    let text = until_sent(&mut slow, &id_line(&more[0])).await;
    assert_eq!(ids(&text), [more[0].id]);
}

/// Resuming after `Last-Event-ID`: what was missed, then live events, each once.
#[tokio::test]
async fn a_resumed_stream_sends_the_backlog_then_live_events_once() {
    let w = Web::new().await;
    let cookie = w.login(w.admin).await;
    let event = DomainEvent::StoreUpdated { store_id: w.store };
    let before = publish(&w, &[event.clone(), event.clone(), event.clone()]).await;
    let mut stream = open_with(&w, &cookie, Some(before[0].id)).await;
    let after = publish(&w, &[event.clone(), event]).await;
    let text = until_sent(&mut stream, &id_line(&after[1])).await;
    assert_eq!(
        ids(&text),
        [before[1].id, before[2].id, after[0].id, after[1].id]
    );
}

/// One session's streams all end when it does (at logout here), the next event unsent; another
/// session's stream of the same person goes on.
#[tokio::test]
async fn every_stream_of_a_session_ends_with_it() {
    let w = Web::with_state(|s| s.with_live_tick(NEVER)).await;
    let laptop = w.login(w.admin).await;
    let phone = w.login(w.admin).await;
    let mut ended = [open(&w, &laptop).await, open(&w, &laptop).await];
    let mut kept = open(&w, &phone).await;
    let out = w.post("/logout", Some(&laptop), "", SAME).await;
    assert_eq!(out.status, 303);
    let written = publish(&w, &[order_event(&w)]).await;
    for stream in &mut ended {
        let text = until_end(stream).await;
        assert!(ids(&text).is_empty(), "{text}");
    }
    let text = until_sent(&mut kept, &id_line(&written[0])).await;
    assert_eq!(ids(&text), [written[0].id]);
}

/// On the tick, with no event: every stream of a revoked session ends.
#[tokio::test]
async fn the_tick_ends_every_stream_of_a_revoked_session() {
    let w = Web::with_state(|s| s.with_live_tick(QUICK)).await;
    let laptop = w.login(w.admin).await;
    let phone = w.login(w.admin).await;
    let mut ended = [open(&w, &laptop).await, open(&w, &laptop).await];
    let mut kept = open(&w, &phone).await;
    let r = w
        .post("/sessions/others/revoke", Some(&phone), "", SAME)
        .await;
    assert_eq!(r.status, 303);
    for stream in &mut ended {
        let text = until_end(stream).await;
        assert!(ids(&text).is_empty(), "{text}");
    }
    until_sent(&mut kept, ": keep-alive\n\n").await;
    let written = publish(&w, &[order_event(&w)]).await;
    until_sent(&mut kept, &id_line(&written[0])).await;
}
