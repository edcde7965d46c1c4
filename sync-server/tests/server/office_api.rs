//! The office works through the API: registers a call as a ticket, dispatches it, and the
//! housekeeper's phone has it at once; every refusal carries the core's code; an action
//! through the API and one on a phone at the same time are both kept; live screens hear
//! of every commit they may see.

use crate::common;

use std::net::SocketAddr;

use common::{TestDb, full_replica, http, sign_in};
use estate_core::DocumentId;
use estate_core::records::{Actor, StaffRole};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// `method path` as `token` with a JSON body: the status and the answer.
async fn call(
    addr: SocketAddr,
    token: &str,
    method: &str,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let bearer = format!("Bearer {token}");
    http(addr, method, path, &[("authorization", &bearer)], body).await
}

fn intake() -> Value {
    json!({"header": {
        "areaId": "A1", "category": "repair", "channel": "hotline",
        "location": {"type": "public", "place": "3号楼大堂"},
        "description": "大堂灯不亮", "repair": {"scope": "public", "scale": "minor"},
    }})
}

/// Registers a call as office-chen: the new ticket's ID and its view.
async fn register(addr: SocketAddr, token: &str) -> (DocumentId, Value) {
    let (status, body) = call(addr, token, "POST", "/api/tickets", Some(intake())).await;
    assert_eq!(status, 201, "{body}");
    let id = body["id"]
        .as_str()
        .expect("id")
        .parse()
        .expect("a document ID");
    (id, body["view"].clone())
}

fn types(view: &Value) -> Vec<String> {
    view["events"]
        .as_array()
        .expect("events")
        .iter()
        .map(|e| e["type"].as_str().unwrap_or_default().to_owned())
        .collect()
}

on_both_databases!(the_office_registers_and_dispatches_and_the_phone_has_it);
async fn the_office_registers_and_dispatches_and_the_phone_has_it(db: TestDb) {
    let server = db.demo_server().await;
    let addr = server.addr;
    let zhang = full_replica(addr, "zhang").await;
    let desk = sign_in(addr, "office-chen").await.token;
    let (ticket, view) = register(addr, &desk).await;
    assert_eq!(view["state"]["status"], "registered", "{view}");
    assert_eq!(view["header"]["registeredBy"], "office-chen");
    let offered: Vec<&str> = view["offers"]
        .as_array()
        .expect("offers")
        .iter()
        .filter_map(|o| o["type"].as_str())
        .collect();
    assert!(offered.contains(&"dispatch"), "{offered:?}");
    assert!(
        !offered.contains(&"start"),
        "the work is the field's: {offered:?}"
    );
    let dispatch_clock = view["clocks"]
        .as_array()
        .expect("clocks")
        .iter()
        .find(|c| c["clock"] == "dispatch")
        .cloned()
        .expect("a dispatch clock");
    let registered = view["header"]["registeredAt"]
        .as_i64()
        .expect("registered at");
    // 10 minutes from intake by day; a call taken at night is dispatched the next morning
    // (the core's rule, whatever the hour this runs).
    assert_eq!(
        dispatch_clock["dueAt"].as_i64(),
        Some(estate_core::rules::deadlines::dispatch_due(
            estate_core::records::ticket::RepairScale::Minor,
            registered
        )),
        "the dispatch clock as the core reads it"
    );

    let (status, done) = call(
        addr,
        &desk,
        "POST",
        &format!("/api/records/{ticket}/actions"),
        Some(json!({"type": "dispatch", "to": "hk-zhang"})),
    )
    .await;
    assert_eq!(status, 200, "{done}");
    assert_eq!(done["view"]["state"]["status"], "dispatched");
    assert_eq!(done["view"]["state"]["assignee"], "hk-zhang");

    // The board's list says who has it; the directory names the projects to choose from.
    let (_, listed) = call(addr, &desk, "GET", "/api/records?kind=ticket&area=A1", None).await;
    let row = listed["records"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["id"] == ticket.to_string())
        .cloned()
        .expect("listed");
    assert_eq!(row["assignee"], "hk-zhang", "{row}");
    assert_eq!(
        (&row["place"], &row["dueClock"]),
        (&json!("3号楼大堂"), &json!("first_response")),
        "{row}"
    );
    assert_eq!(row["registeredAt"], view["header"]["registeredAt"]);
    let (_, directory) = call(addr, &desk, "GET", "/api/directory", None).await;
    assert_eq!(
        directory["projects"],
        json!([{"id": "P1", "name": "翠湖花园"}]),
        "{directory}"
    );
    assert_eq!(directory["areas"][0]["projectId"], "P1");
    // The phone has it, dispatched, without asking.
    zhang
        .wait_until("the dispatched ticket", common::WAIT, move |r| {
            r.record(ticket)
                .is_ok_and(|t| t.entry().status.as_deref() == Some("dispatched"))
        })
        .await
        .expect("the phone has the ticket");
    // The history names the office's device for both steps.
    let (status, history) = call(
        addr,
        &desk,
        "GET",
        &format!("/api/records/{ticket}/history"),
        None,
    )
    .await;
    assert_eq!(status, 200);
    let steps: Vec<(&str, &str)> = history
        .as_array()
        .expect("history")
        .iter()
        .map(|h| {
            (
                h["user"].as_str().unwrap_or_default(),
                h["summary"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        steps,
        [("office-chen", "created"), ("office-chen", "dispatch")],
        "{history}"
    );

    // The month's table reads the ticket as it stands each time, though the server keeps
    // what it parsed between requests.
    let month = estate_core::time::Month::at(sync_server::now_ms());
    let statistics = format!("/api/statistics?month={month}&area=A1");
    let callbacks = |table: &Value| {
        let row = table["indicators"]
            .as_array()
            .expect("indicators")
            .iter()
            .find(|i| i["key"] == "repair_callback")
            .cloned()
            .expect("the repair callback rate");
        (row["numerator"].as_u64(), row["denominator"].as_u64())
    };
    let (_, before) = call(addr, &desk, "GET", &statistics, None).await;
    let (called, of) = callbacks(&before);
    zhang
        .with(move |r| {
            let actor = Actor::new("hk-zhang", StaffRole::Housekeeper);
            for step in ["start", "complete"] {
                r.act_json(ticket, json!({"type": step}), &actor, sync_server::now_ms())
                    .expect(step);
            }
        })
        .await
        .expect("client alive");
    common::acknowledged(&zhang, "the work stored").await;
    let callback = json!({"type": "callback", "satisfaction": "satisfied", "resolved": true});
    let (status, body) = call(
        addr,
        &desk,
        "POST",
        &format!("/api/records/{ticket}/actions"),
        Some(callback),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let (_, after) = call(addr, &desk, "GET", &statistics, None).await;
    assert_eq!(callbacks(&after), (called.map(|n| n + 1), of), "{after}");
    server.stop().await.expect("stops");
}

on_both_databases!(refusals_carry_the_cores_code_and_other_areas_stay_hidden);
async fn refusals_carry_the_cores_code_and_other_areas_stay_hidden(db: TestDb) {
    let server = db.demo_server().await;
    let addr = server.addr;
    let desk = sign_in(addr, "office-chen").await.token;
    let li = sign_in(addr, "hk-li").await.token;
    let (ticket, _) = register(addr, &desk).await;
    let act = |token: String, input: Value| async move {
        call(
            addr,
            &token,
            "POST",
            &format!("/api/records/{ticket}/actions"),
            Some(input),
        )
        .await
    };
    let cases = [
        (
            desk.clone(),
            json!({"type": "callback", "satisfaction": "satisfied", "resolved": true}),
            409,
            "refused",
        ),
        (
            desk.clone(),
            json!({"type": "dispatch", "to": " "}),
            409,
            "refused",
        ),
        (desk.clone(), json!({"type": "fly"}), 422, "malformed"),
        (desk.clone(), json!({"type": "respond"}), 403, "denied"),
        (li.clone(), json!({"type": "note"}), 404, ""),
    ];
    for (token, input, status, code) in cases {
        let (got, body) = act(token, input.clone()).await;
        assert_eq!(got, status, "{input}: {body}");
        assert_eq!(
            body["code"].as_str().unwrap_or_default(),
            code,
            "{input}: {body}"
        );
        assert!(
            !body["error"].as_str().unwrap_or_default().is_empty(),
            "{body}"
        );
    }
    let (status, _) = call(addr, &li, "GET", &format!("/api/records/{ticket}"), None).await;
    assert_eq!(status, 404, "hk-li never sees 一区");
    let (_, directory) = call(addr, &li, "GET", "/api/directory", None).await;
    assert_eq!(
        directory["projects"],
        json!([]),
        "a project of which hk-li sees only 二区 is not offered"
    );
    assert_eq!(
        directory["areas"].as_array().map(Vec::len),
        Some(1),
        "{directory}"
    );
    let (status, body) = call(addr, &li, "POST", "/api/tickets", Some(intake())).await;
    assert_eq!(status, 404, "{body}");
    let mut unscoped = intake();
    unscoped["header"]["repair"] = Value::Null;
    let (status, body) = call(addr, &desk, "POST", "/api/tickets", Some(unscoped)).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(
        (&body["code"], &body["field"]),
        (&json!("invalid"), &json!("repair"))
    );
    let nonsense = json!({"header": {"areaId": "A1", "category": "nonsense"}});
    let (status, body) = call(addr, &desk, "POST", "/api/tickets", Some(nonsense)).await;
    assert_eq!(
        (status, &body["code"]),
        (422, &json!("malformed")),
        "{body}"
    );
    server.stop().await.expect("stops");
}

on_both_databases!(an_action_through_the_api_and_one_on_a_phone_at_once_are_both_kept);
async fn an_action_through_the_api_and_one_on_a_phone_at_once_are_both_kept(db: TestDb) {
    let server = db.demo_server().await;
    let addr = server.addr;
    let zhang = full_replica(addr, "zhang").await;
    let desk = sign_in(addr, "office-chen").await.token;
    let (ticket, _) = register(addr, &desk).await;
    zhang
        .wait_until("the ticket", common::WAIT, move |r| {
            r.record(ticket).is_ok()
        })
        .await
        .expect("arrives");
    let on_phone = zhang.with(move |r| {
        let actor = Actor::new("hk-zhang", StaffRole::Housekeeper);
        r.act_json(
            ticket,
            json!({"type": "respond", "note": "已电话联系业主"}),
            &actor,
            sync_server::now_ms(),
        )
        .map(|_| ())
    });
    let path = format!("/api/records/{ticket}/actions");
    let by_api = call(
        addr,
        &desk,
        "POST",
        &path,
        Some(json!({"type": "escalate", "escalation": "media"})),
    );
    let (phone, (status, body)) = tokio::join!(on_phone, by_api);
    phone.expect("client alive").expect("responded");
    assert_eq!(status, 200, "{body}");
    common::acknowledged(&zhang, "the response stored").await;
    let both =
        |t: &[String]| t.contains(&"respond".to_owned()) && t.contains(&"escalate".to_owned());
    zhang
        .wait_until("both on the phone", common::WAIT, move |r| {
            r.record_view(ticket, StaffRole::Housekeeper, 0)
                .is_ok_and(|v| both(&types(&serde_json::to_value(&v).expect("json"))))
        })
        .await
        .expect("the phone has both");
    let (_, view) = call(addr, &desk, "GET", &format!("/api/records/{ticket}"), None).await;
    assert!(both(&types(&view)), "{view}");
    server.stop().await.expect("stops");
}

/// Reads `/api/events` as `token` until `found` holds for what arrived, or fails.
async fn hear(addr: SocketAddr, token: &str, act: impl Future<Output = String>) -> String {
    let mut socket = tokio::net::TcpStream::connect(addr)
        .await
        .expect("connects");
    let request = format!(
        "GET /api/events?token={token} HTTP/1.1\r\nHost: test\r\nAccept: text/event-stream\r\n\r\n"
    );
    socket.write_all(request.as_bytes()).await.expect("sends");
    let mut heard = String::new();
    let mut buffer = [0u8; 4096];
    let read = |heard: &mut String, n: usize, buffer: &[u8]| {
        heard.push_str(&String::from_utf8_lossy(&buffer[..n]));
    };
    while !heard.contains("event: ready") {
        let n = socket.read(&mut buffer).await.expect("reads");
        assert!(n > 0, "the stream ended: {heard}");
        read(&mut heard, n, &buffer);
    }
    let wanted = act.await;
    let deadline = tokio::time::Instant::now() + common::WAIT;
    while !heard.contains(&wanted) {
        let n = tokio::time::timeout_at(deadline, socket.read(&mut buffer))
            .await
            .unwrap_or_else(|_| panic!("never heard {wanted}: {heard}"))
            .expect("reads");
        assert!(n > 0, "the stream ended: {heard}");
        read(&mut heard, n, &buffer);
    }
    heard
}

on_both_databases!(live_screens_hear_of_every_commit_they_may_see);
async fn live_screens_hear_of_every_commit_they_may_see(db: TestDb) {
    let server = db.demo_server().await;
    let addr = server.addr;
    let desk = sign_in(addr, "office-chen").await.token;
    let zhang = full_replica(addr, "zhang").await;
    // A phone's change reaches the office's screen.
    let heard = hear(addr, &desk, async {
        common::record_inspection(&zhang, "heard".into())
            .await
            .to_string()
    })
    .await;
    assert!(heard.contains("event: changed"), "{heard}");
    assert!(heard.contains("vacant-inspection"), "{heard}");
    // hk-li's screen hears of 二区 only: a ticket of 一区, registered before one of 二区,
    // is not even named to it.
    let li = sign_in(addr, "hk-li").await.token;
    let mut first = None;
    let heard = hear(addr, &li, async {
        first = Some(register(addr, &desk).await.0);
        let mut second = intake();
        second["header"]["areaId"] = json!("A2");
        let (status, body) = call(addr, &desk, "POST", "/api/tickets", Some(second)).await;
        assert_eq!(status, 201, "{body}");
        body["id"].as_str().expect("id").to_owned()
    })
    .await;
    let first = first.expect("registered").to_string();
    assert!(!heard.contains(&first), "{heard}");
    server
        .stop()
        .await
        .expect("stops within its drain time, live screens and all");
}

on_both_databases!(a_live_screen_of_a_revoked_device_is_told_and_ended);
async fn a_live_screen_of_a_revoked_device_is_told_and_ended(db: TestDb) {
    let server = db.demo_server().await;
    let addr = server.addr;
    let desk = sign_in(addr, "office-chen").await;
    let admin = sign_in(addr, "admin").await.token;
    let heard = hear(addr, &desk.token, async {
        let path = format!("/api/admin/devices/{}/revoke", desk.device);
        let (status, body) = call(addr, &admin, "POST", &path, None).await;
        assert_eq!(status, 200, "{body}");
        "event: revoked".to_owned()
    })
    .await;
    assert!(heard.contains("event: revoked"), "{heard}");
    server.stop().await.expect("stops");
}
