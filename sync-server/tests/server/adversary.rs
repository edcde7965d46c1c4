//! A hostile client: a modified phone (our own client whose engine writes whatever it is
//! told, under its device's actor) and a raw WebSocket speaking CBOR. Each attempt must
//! be refused with an `error` naming the rule, and leave the stored record, its office
//! row and its history as they were.

use crate::common;

use std::net::SocketAddr;

use automerge::transaction::Transactable;
use automerge::{AutoCommit, ObjType, ROOT, ReadDoc};
use common::{TestDb, WAIT, acknowledged, area_one, connect, http, refused, sign_in, whole_area};
use estate_core::DocumentId;
use estate_core::ids::PeerId;
use estate_core::protocol::{Message, PROTOCOL_VERSION, PeerMetadata};
use estate_core::records::json;
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use sync_server::client::NativeClient;
use sync_server::config::ServeArgs;
use tokio_tungstenite::tungstenite;

/// What the office and the history show of one record: its office row and its history.
async fn seen(addr: SocketAddr, token: &str, id: DocumentId) -> (Value, Value) {
    let auth = format!("Bearer {token}");
    let headers = [("authorization", auth.as_str())];
    let (_, rows) = http(
        addr,
        "GET",
        "/api/records?kind=ticket&limit=500",
        &headers,
        None,
    )
    .await;
    let row = rows["records"]
        .as_array()
        .and_then(|rows| rows.iter().find(|r| r["id"] == id.to_string()).cloned())
        .unwrap_or(Value::Null);
    let (_, history) = http(
        addr,
        "GET",
        &format!("/api/records/{id}/history"),
        &headers,
        None,
    )
    .await;
    (row, history)
}

/// A ticket of area A1 as everyone sees it before the hostile attempts: its stored
/// journal, its office row and its history.
struct Witness {
    ticket: DocumentId,
    /// The ID of its journal's first event.
    first: String,
    office_token: String,
    journal: Value,
    seen: (Value, Value),
}

impl Witness {
    async fn take(addr: SocketAddr) -> Witness {
        let office_token = sign_in(addr, "office-chen").await.token;
        let phone = replica(addr, "hk-zhang").await;
        let (ticket, first) = ticket_with_events(&phone).await;
        phone.close();
        let seen = seen(addr, &office_token, ticket).await;
        assert!(seen.0.is_object(), "the ticket has an office row");
        Witness {
            ticket,
            first,
            journal: journal(addr, ticket).await,
            seen,
            office_token,
        }
    }

    /// Nothing of the ticket changed: not what is stored, not what the office reads.
    async fn unchanged(&self, addr: SocketAddr) {
        let journal = journal(addr, self.ticket).await;
        assert_eq!(journal, self.journal, "the stored journal");
        let seen = seen(addr, &self.office_token, self.ticket).await;
        assert_eq!(seen, self.seen, "office row and history");
    }
}

/// A replica of area A1 as `user`, holding the whole area.
async fn replica(addr: SocketAddr, user: &str) -> NativeClient {
    let client = connect(addr, user, user, area_one()).await;
    whole_area(&client).await;
    client
}

/// A ticket of area A1 with at least one event, and that event's ID.
async fn ticket_with_events(phone: &NativeClient) -> (DocumentId, String) {
    phone
        .with(|r| {
            let tickets = r.list("ticket").expect("tickets");
            tickets
                .into_iter()
                .find_map(|(id, _)| {
                    let root = json::read_root(&*r.doc(id).ok()?);
                    let first = root["events"][0]["id"].as_str()?.to_owned();
                    Some((id, first))
                })
                .expect("a ticket with a journal")
        })
        .await
        .expect("alive")
}

/// The record's journal as a phone that syncs afresh receives it.
async fn journal(addr: SocketAddr, id: DocumentId) -> Value {
    let reader = replica(addr, "sup-wang").await;
    let events = reader
        .with(move |r| json::read_root(&*r.doc(id).expect("held"))["events"].clone())
        .await
        .expect("alive");
    reader.close();
    events
}

/// Appends an event map to the journal list that exists, as a phone would.
fn append(doc: &mut AutoCommit, event: &Value) {
    let (_, events) = doc.get(ROOT, "events").expect("read").expect("a journal");
    let end = doc.length(&events);
    json::insert(doc, &events, end, event).expect("insert");
}

on_both_databases!(forged_and_replaced_journal_events_are_refused_and_change_nothing);
async fn forged_and_replaced_journal_events_are_refused_and_change_nothing(db: TestDb) {
    let server = db.demo_server().await;
    let addr = server.addr;
    let witness = Witness::take(addr).await;
    let (ticket, first) = (witness.ticket, witness.first.clone());

    // A repeated event ID hides a forged event from every reader that keeps the first.
    let forger = replica(addr, "hk-zhang").await;
    let forged = json!({"id": first, "type": "note", "by": "sup-wang", "note": "伪造"});
    forger
        .with(move |r| r.engine().change(ticket, |d| append(d, &forged)))
        .await
        .expect("alive")
        .expect("held");
    refused(&forger, "is already in the journal").await;
    forger.close();

    // Office staff close a ticket under a repeated ID.
    let desk = replica(addr, "office-chen").await;
    let closing = json!({"id": first, "type": "close", "by": "office-chen"});
    desk.with(move |r| r.engine().change(ticket, |d| append(d, &closing)))
        .await
        .expect("alive")
        .expect("held");
    refused(&desk, "is already in the journal").await;
    desk.close();

    // The journal replaced by an equal copy: appends to the old list would vanish.
    let desk = replica(addr, "office-chen").await;
    desk.with(move |r| {
        r.engine().change(ticket, |d| {
            let copy = json::read_root(&*d)["events"].clone();
            json::put(d, &ROOT, "events", &copy)
        })
    })
    .await
    .expect("alive")
    .expect("held")
    .expect("put");
    refused(&desk, "journal is never replaced").await;
    desk.close();

    // An entry of the area's index removed by office staff.
    let desk = replica(addr, "office-chen").await;
    let index = area_one();
    desk.with(move |r| {
        r.engine().change(index, |d| {
            let (_, entries) = d.get(ROOT, "entries").expect("read").expect("entries");
            d.delete(&entries, ticket.to_string())
        })
    })
    .await
    .expect("alive")
    .expect("held")
    .expect("delete");
    refused(&desk, "never removed or replaced").await;
    desk.close();

    // An event rewritten in place, and a header field changed.
    for (user, edit, rule) in [
        (
            "hk-zhang",
            rewrite_first as fn(&mut AutoCommit),
            "never changed or removed",
        ),
        ("sup-wang", change_header, "header is fixed"),
    ] {
        let client = replica(addr, user).await;
        client
            .with(move |r| r.engine().change(ticket, edit))
            .await
            .expect("alive")
            .expect("held");
        refused(&client, rule).await;
        client.close();
    }

    witness.unchanged(addr).await;

    // The honest append after all that lands in the one journal everyone reads.
    let phone = replica(addr, "hk-zhang").await;
    let note = json!({"id": "honest-1", "type": "note", "by": "hk-zhang", "note": "已联系业主"});
    phone
        .with(move |r| r.engine().change(ticket, |d| append(d, &note)))
        .await
        .expect("alive")
        .expect("held");
    acknowledged(&phone, "the honest note").await;
    let events = journal(addr, ticket).await;
    assert_eq!(
        events.as_array().map(Vec::len),
        witness.journal.as_array().map(|e| e.len() + 1)
    );
    assert_eq!(
        events.as_array().and_then(|e| e.last()).map(|e| &e["id"]),
        Some(&json!("honest-1"))
    );
    server.stop().await.expect("stops");
}

fn rewrite_first(doc: &mut AutoCommit) {
    let (_, events) = doc.get(ROOT, "events").expect("read").expect("journal");
    let (_, first) = doc.get(&events, 0).expect("read").expect("an event");
    doc.put(&first, "note", "被改写的记录 · rewritten")
        .expect("put");
}

fn change_header(doc: &mut AutoCommit) {
    doc.put_object(ROOT, "attachments", ObjType::Map)
        .expect("put");
}

/// A raw WebSocket that has joined as a signed-in device.
struct Raw {
    socket: tokio_tungstenite::WebSocketStream<
        tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
    >,
}

impl Raw {
    async fn join(addr: SocketAddr, user: &str) -> Raw {
        let token = sign_in(addr, user).await.token;
        let url = format!("{}?token={token}", common::ws_url(addr));
        let (socket, _) = tokio_tungstenite::connect_async(&url)
            .await
            .expect("connects");
        let mut raw = Raw { socket };
        raw.send(&Message::Join {
            sender: PeerId::new("raw"),
            metadata: PeerMetadata::default(),
            versions: vec![PROTOCOL_VERSION.to_owned()],
        })
        .await;
        let peer = raw.next().await;
        assert!(matches!(peer, Some(Message::Peer { .. })), "{peer:?}");
        raw
    }

    async fn send(&mut self, message: &Message) {
        self.send_bytes(message.encode()).await;
    }

    async fn send_bytes(&mut self, bytes: Vec<u8>) {
        // A refused frame may close the socket while it is still being written.
        let _ = self
            .socket
            .send(tungstenite::Message::Binary(bytes.into()))
            .await;
    }

    /// The next protocol message, or `None` once the server closed.
    async fn next(&mut self) -> Option<Message> {
        loop {
            match tokio::time::timeout(WAIT, self.socket.next()).await {
                Ok(Some(Ok(tungstenite::Message::Binary(frame)))) => {
                    return Some(Message::decode(&frame).expect("server frames decode"));
                }
                Ok(Some(Ok(tungstenite::Message::Close(_)) | Err(_)) | None) | Err(_) => {
                    return None;
                }
                Ok(Some(Ok(_))) => {}
            }
        }
    }

    /// The `error` the server sends before closing.
    async fn error(&mut self) -> String {
        while let Some(message) = self.next().await {
            if let Message::Error { message, .. } = message {
                return message;
            }
        }
        panic!("closed without an error")
    }
}

fn sync(document: DocumentId, data: Vec<u8>) -> Message {
    Message::Sync {
        sender: PeerId::new("raw"),
        target: PeerId::new("server"),
        document,
        data,
    }
}

/// A sync message whose one change chunk is DEFLATE data inflating to `size` zero bytes.
fn bomb(size: usize) -> Vec<u8> {
    use flate2::Compression;
    use flate2::write::DeflateEncoder;
    use std::io::Write;
    let mut encoder = DeflateEncoder::new(Vec::new(), Compression::best());
    let zeros = vec![0u8; 1 << 20];
    for _ in 0..size >> 20 {
        encoder.write_all(&zeros).expect("deflate");
    }
    let body = encoder.finish().expect("deflate");
    let mut chunk = vec![0x85, 0x6f, 0x4a, 0x83, 0, 0, 0, 0, 2];
    leb128(&mut chunk, body.len());
    chunk.extend(body);
    automerge::sync::Message {
        heads: Vec::new(),
        need: Vec::new(),
        have: Vec::new(),
        changes: vec![chunk].into(),
        flags: None,
        version: automerge::sync::MessageVersion::V1,
    }
    .encode()
}

fn leb128(out: &mut Vec<u8>, mut n: usize) {
    loop {
        let byte = (n & 0x7f) as u8;
        n >>= 7;
        out.push(if n == 0 { byte } else { byte | 0x80 });
        if n == 0 {
            return;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_decompression_bomb_is_refused_before_it_inflates() {
    let db = TestDb::sqlite();
    let server = db.demo_server().await;
    let mut raw = Raw::join(server.addr, "hk-zhang").await;
    let message = sync(DocumentId::random(), bomb(64 << 20));
    let frame = message.encode();
    assert!(frame.len() < 100_000, "{} bytes on the wire", frame.len());
    raw.send_bytes(frame).await;
    let error = raw.error().await;
    assert!(
        error.contains("inflates past the server's limit"),
        "{error}"
    );
    // Everyone else is served meanwhile and after.
    let (status, _) = http(server.addr, "GET", "/readyz", &[], None).await;
    assert_eq!(status, 200);
    replica(server.addr, "hk-zhang").await;
    server.stop().await.expect("stops");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_frame_past_the_limit_is_told_why_and_the_limit_can_be_raised() {
    let db = TestDb::sqlite();
    let server = db.demo_server().await;
    let mut raw = Raw::join(server.addr, "hk-zhang").await;
    raw.send_bytes(vec![0xa0; 17 << 20]).await;
    let error = raw.error().await;
    assert!(
        error.contains("limit is 16777216 bytes") || error.contains("limit of 16777216 bytes"),
        "{error}"
    );
    server.stop().await.expect("stops");

    let db = TestDb::sqlite();
    let server = sync_server::start(&ServeArgs {
        max_frame_bytes: 32 << 20,
        ..db.args(true)
    })
    .await
    .expect("starts");
    let mut raw = Raw::join(server.addr, "hk-zhang").await;
    raw.send_bytes(vec![0xa0; 20 << 20]).await;
    let error = raw.error().await;
    assert!(
        !error.contains("limit"),
        "20 MiB fits a 32 MiB limit: {error}"
    );
    server.stop().await.expect("stops");
}

on_both_databases!(another_areas_document_answers_like_a_missing_one_over_the_wire);
/// Asked in memory, and again after a restart (when it would be answered from storage,
/// see `engine/stored.rs`).
async fn another_areas_document_answers_like_a_missing_one_over_the_wire(db: TestDb) {
    let server = db.demo_server().await;
    let phone = replica(server.addr, "hk-zhang").await;
    let (ticket, _) = ticket_with_events(&phone).await;
    phone.close();
    asked_by_another_area(server.addr, ticket).await;
    server.stop().await.expect("stops");
    let server = db.demo_server().await;
    asked_by_another_area(server.addr, ticket).await;
    server.stop().await.expect("stops");
}

/// hk-li, of another area, asks for `ticket` as a phone that has nothing of it: the
/// answer is the one for a document that does not exist.
async fn asked_by_another_area(addr: SocketAddr, ticket: DocumentId) {
    let mut first = AutoCommit::new();
    let hello = {
        use automerge::sync::SyncDoc;
        let mut state = automerge::sync::State::new();
        first
            .sync()
            .generate_sync_message(&mut state)
            .expect("message")
            .encode()
    };
    let mut answers = Vec::new();
    for id in [ticket, DocumentId::random()] {
        let mut raw = Raw::join(addr, "hk-li").await;
        raw.send(&sync(id, hello.clone())).await;
        let answer = raw.next().await.expect("an answer");
        answers.push(format!("{answer:?}").replace(&id.to_string(), "<doc>"));
    }
    assert_eq!(answers[0], answers[1]);
    assert!(answers[0].contains("Request"), "{answers:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_reads_any_case_of_bearer_and_answers_unknown_routes_in_json() {
    let (server, _db) = common::demo_server().await;
    let token = sign_in(server.addr, "hk-zhang").await.token;
    for scheme in ["Bearer", "bearer", "BEARER"] {
        let auth = format!("{scheme} {token}");
        let (status, _) = http(
            server.addr,
            "GET",
            "/api/session",
            &[("authorization", &auth)],
            None,
        )
        .await;
        assert_eq!(status, 200, "{scheme}");
    }
    for path in ["/api/nothing", "/api/records/x/y/z", "/api"] {
        let (status, body) = http(server.addr, "GET", path, &[], None).await;
        assert_eq!(status, 404, "{path}");
        assert!(
            body["error"].as_str().is_some_and(|e| e.contains(path)),
            "{path}: {body}"
        );
    }
    server.stop().await.expect("stops");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_need_the_token_once_one_is_set() {
    let db = TestDb::sqlite();
    let server = sync_server::start(&ServeArgs {
        metrics_token: Some("metrics-token-1".into()),
        ..db.args(true)
    })
    .await
    .expect("starts");
    let ask = |auth: Option<&'static str>| {
        let headers: Vec<(&str, &str)> = auth.map(|a| ("authorization", a)).into_iter().collect();
        async move { http(server.addr, "GET", "/metrics", &headers, None).await }
    };
    assert_eq!(ask(None).await.0, 401, "even from this machine");
    assert_eq!(ask(Some("Bearer wrong")).await.0, 401);
    let (status, body) = ask(Some("bearer metrics-token-1")).await;
    assert_eq!(status, 200);
    assert!(
        body.as_str()
            .is_some_and(|b| b.contains("estate_sync_connections"))
    );
    server.stop().await.expect("stops");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_guessed_password_is_locked_out_while_a_typo_is_not() {
    let (server, _db) = common::demo_server().await;
    let login = |password: &'static str| async move {
        let body = json!({"username": "hk-zhang", "password": password, "device_name": "试"});
        http(server.addr, "POST", "/api/login", &[], Some(body)).await
    };
    // A typo, then the right password: nothing noticed.
    assert_eq!(login("demo1235").await.0, 401);
    assert_eq!(login(sync_server::demo::DEMO_PASSWORD).await.0, 200);
    // A guesser: after a few wrong ones, every answer is "wait", even for the right one.
    let mut answers = Vec::new();
    for n in 0..40 {
        answers.push(
            login(if n % 2 == 0 { "123456" } else { "password" })
                .await
                .0,
        );
    }
    assert_eq!(&answers[..5], [401; 5]);
    assert!(answers[6..].iter().all(|s| *s == 429), "{answers:?}");
    let (status, body) = login(sync_server::demo::DEMO_PASSWORD).await;
    assert_eq!(status, 429, "{body}");
    assert!(
        body["retryAfterSecs"].as_i64().is_some_and(|s| s >= 1),
        "{body}"
    );
    assert!(
        body["error"]
            .as_str()
            .is_some_and(|e| e.contains("秒后再试")),
        "{body}"
    );
    // Another account is not affected.
    let other = json!({"username": "hk-li", "password": sync_server::demo::DEMO_PASSWORD, "device_name": "试"});
    assert_eq!(
        http(server.addr, "POST", "/api/login", &[], Some(other))
            .await
            .0,
        200
    );
    server.stop().await.expect("stops");
}

on_both_databases!(the_js_automerge_library_cannot_forge_replace_or_delete_either);
async fn the_js_automerge_library_cannot_forge_replace_or_delete_either(db: TestDb) {
    let server = db.demo_server().await;
    let addr = server.addr;
    let witness = Witness::take(addr).await;
    let ticket = witness.ticket;
    let cases = [
        ("hk-zhang", ticket, "repeat-id", "is already in the journal"),
        (
            "office-chen",
            ticket,
            "repeat-id",
            "is already in the journal",
        ),
        (
            "office-chen",
            ticket,
            "replace-journal",
            "journal is never replaced",
        ),
        (
            "hk-zhang",
            ticket,
            "rewrite-event",
            "never changed or removed",
        ),
        ("sup-wang", ticket, "header", "header is fixed"),
        (
            "office-chen",
            area_one(),
            "delete-entry",
            "never removed or replaced",
        ),
        (
            "hk-zhang",
            area_one(),
            "delete-entry",
            "never removed or replaced",
        ),
    ];
    for (user, document, mode, rule) in cases {
        let token = sign_in(addr, user).await.token;
        let url = format!("{}?token={token}", common::ws_url(addr));
        let answer = common::node("interop/forge.mjs", &[&url, &document.url(), mode]);
        let error = answer["error"].as_str().unwrap_or_default();
        assert!(error.contains(rule), "{user} {mode}: {answer}");
    }
    witness.unchanged(addr).await;
    let phone = replica(addr, "hk-zhang").await;
    let listed = phone
        .with(move |r| r.index().map(|i| i.entries.contains_key(&ticket)))
        .await
        .expect("alive")
        .expect("index");
    assert!(listed, "the ticket is still in the area's index");
    server.stop().await.expect("stops");
}
