//! Photos and signatures by content: `PUT`, `HEAD` and `GET /api/attachments/{sha256}`
//! over real sockets, on both databases.

use crate::common;

use std::net::SocketAddr;

use common::{TestDb, acknowledged, full_replica, sign_in};
use estate_core::records::content::ContentHash;
use estate_core::records::people::{Actor, StaffRole};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// What an HTTP exchange answered: status, headers (lower-case names) and body.
struct Answer {
    status: u16,
    headers: String,
    body: Vec<u8>,
}

/// One HTTP/1.1 request with a raw body; `cut` sends only that many body bytes and then
/// drops the connection, as a phone losing signal midway does.
async fn exchange(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
    cut: Option<usize>,
) -> Option<Answer> {
    let mut stream = TcpStream::connect(addr).await.expect("connects");
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nhost: {addr}\r\nconnection: close\r\ncontent-length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).await.expect("writes");
    let sent = cut.unwrap_or(body.len());
    // A server refusing a large body answers before it is all sent, and stops reading.
    let _ = stream.write_all(&body[..sent]).await;
    if cut.is_some() {
        return None;
    }
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw).await;
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a header block");
    let headers = String::from_utf8_lossy(&raw[..split]).to_lowercase();
    let status = headers[9..12].parse().expect("a status");
    Some(Answer {
        status,
        headers,
        body: raw[split + 4..].to_vec(),
    })
}

struct Device {
    addr: SocketAddr,
    auth: String,
}

impl Device {
    async fn sign_in(addr: SocketAddr, user: &str) -> Device {
        let token = sign_in(addr, user).await.token;
        Device {
            addr,
            auth: format!("Bearer {token}"),
        }
    }

    async fn put(&self, hash: &str, kind: &str, body: &[u8]) -> Answer {
        let headers = [
            ("authorization", self.auth.as_str()),
            ("content-type", kind),
        ];
        let path = format!("/api/attachments/{hash}");
        exchange(self.addr, "PUT", &path, &headers, body, None)
            .await
            .expect("an answer")
    }

    async fn ask(&self, method: &str, hash: &str) -> Answer {
        let headers = [("authorization", self.auth.as_str())];
        let path = format!("/api/attachments/{hash}");
        exchange(self.addr, method, &path, &headers, &[], None)
            .await
            .expect("an answer")
    }
}

/// A photo as a phone sends it: JPEG bytes, distinct per `seed`.
fn photo(seed: u8) -> Vec<u8> {
    let mut bytes = vec![0xff, 0xd8, 0xff, 0xe0];
    bytes.extend((0..50_000u32).map(|n| (n as u8) ^ seed));
    bytes
}

async fn stored_rows(db: &TestDb) -> i64 {
    let store = sync_server::store::Store::open(&db.database)
        .await
        .expect("store");
    sqlx::query_scalar("SELECT COUNT(*) FROM attachments")
        .fetch_one(store.pool())
        .await
        .expect("count")
}

on_both_databases!(a_photo_is_kept_once_by_its_hash_and_read_by_whoever_reads_its_record);
async fn a_photo_is_kept_once_by_its_hash_and_read_by_whoever_reads_its_record(db: TestDb) {
    let server = db.demo_server().await;
    let addr = server.addr;
    let zhang = Device::sign_in(addr, "hk-zhang").await;
    let bytes = photo(1);
    let hash = ContentHash::of(&bytes).to_string();

    assert_eq!(zhang.put(&hash, "image/jpeg", &bytes).await.status, 201);
    assert_eq!(
        zhang.put(&hash, "image/jpeg", &bytes).await.status,
        200,
        "again"
    );
    assert_eq!(stored_rows(&db).await, 1, "kept once");
    let wrong = zhang.put(&hash, "image/jpeg", &photo(2)).await;
    assert_eq!(
        wrong.status,
        400,
        "{}",
        String::from_utf8_lossy(&wrong.body)
    );
    assert_eq!(
        zhang.put("not-a-hash", "image/jpeg", &bytes).await.status,
        400
    );
    assert_eq!(zhang.put(&hash, "text/html", &bytes).await.status, 415);
    let huge = vec![7u8; 10 * 1024 * 1024 + 1];
    let huge_hash = ContentHash::of(&huge).to_string();
    assert_eq!(zhang.put(&huge_hash, "image/png", &huge).await.status, 413);

    // The uploader reads it back before any record refers to it; nobody else does yet.
    let head = zhang.ask("HEAD", &hash).await;
    assert_eq!(head.status, 200);
    assert!(
        head.headers
            .contains(&format!("content-length: {}", bytes.len()))
    );
    let sup = Device::sign_in(addr, "sup-wang").await;
    let li = Device::sign_in(addr, "hk-li").await;
    let office = Device::sign_in(addr, "office-chen").await;
    let nowhere = ContentHash::of(b"never uploaded").to_string();
    let missing = sup.ask("GET", &nowhere).await;
    assert_eq!(missing.status, 404);
    assert_eq!(
        sup.ask("GET", &hash).await.body,
        missing.body,
        "unreferenced"
    );

    // An inspection of area A1 refers to it: area A1's readers may read it.
    let phone = full_replica(addr, "phone").await;
    let referenced = hash.clone();
    phone
        .with(move |r| {
            let id = r.list("vacant-inspection").expect("list")[0].0;
            let note =
                serde_json::json!({"type": "note", "note": "渗水照片", "photos": [referenced]});
            let by = Actor::new("hk-zhang", StaffRole::Housekeeper);
            r.act_json(id, note, &by, sync_server::now_ms())
                .expect("noted");
        })
        .await
        .expect("alive");
    acknowledged(&phone, "the note with its photo").await;
    for reader in [&sup, &office] {
        let got = reader.ask("GET", &hash).await;
        assert_eq!(got.status, 200);
        assert_eq!(got.body, bytes);
        assert!(got.headers.contains("content-type: image/jpeg"));
        assert!(got.headers.contains("immutable"));
    }
    // Area A2's housekeeper gets what a missing one gets.
    let hidden = li.ask("GET", &hash).await;
    assert_eq!((hidden.status, hidden.body), (404, missing.body.clone()));
    assert_eq!(li.ask("HEAD", &hash).await.status, 404);

    // A revoked device is refused outright.
    let store = sync_server::store::Store::open(&db.database)
        .await
        .expect("store");
    let device: String = sqlx::query_scalar(
        "SELECT id FROM devices WHERE user_id = 'sup-wang' ORDER BY created_at DESC LIMIT 1",
    )
    .fetch_one(store.pool())
    .await
    .expect("sup-wang's device");
    sync_server::accounts::revoke_device(store.pool(), &device, sync_server::now_ms())
        .await
        .expect("revoked");
    assert_eq!(sup.ask("GET", &hash).await.status, 401);
    server.stop().await.expect("stops");
}

on_both_databases!(an_upload_cut_off_midway_leaves_nothing_and_a_retry_succeeds);
async fn an_upload_cut_off_midway_leaves_nothing_and_a_retry_succeeds(db: TestDb) {
    let server = db.demo_server().await;
    let zhang = Device::sign_in(server.addr, "hk-zhang").await;
    let bytes = photo(3);
    let hash = ContentHash::of(&bytes).to_string();
    let headers = [
        ("authorization", zhang.auth.as_str()),
        ("content-type", "image/jpeg"),
    ];
    let path = format!("/api/attachments/{hash}");
    exchange(
        server.addr,
        "PUT",
        &path,
        &headers,
        &bytes,
        Some(bytes.len() / 2),
    )
    .await;
    assert_eq!(zhang.ask("HEAD", &hash).await.status, 404);
    assert_eq!(stored_rows(&db).await, 0, "nothing half-stored");
    assert_eq!(zhang.put(&hash, "image/jpeg", &bytes).await.status, 201);
    assert_eq!(zhang.ask("GET", &hash).await.body, bytes);
    server.stop().await.expect("stops");
}
