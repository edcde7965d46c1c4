//! Users and devices on both databases: sign-in over HTTP against a real server, wrong
//! and unknown credentials, bad requests, expired and revoked tokens, and the admin
//! CLI adding a user with the password on stdin.

use crate::common;

use std::io::Write;
use std::process::{Command, Stdio};

use common::{TestDb, http, seeded_store};
use estate_core::records::people::StaffRole;
use serde_json::json;
use sync_server::accounts::{self, AccountError, NewScopes, NewUser};

fn keeper(id: &str) -> NewUser {
    NewUser {
        id: id.into(),
        name: "张敏".into(),
        role: StaffRole::Housekeeper,
        areas: vec!["A1".into()],
        projects: Vec::new(),
    }
}

async fn post_login(
    addr: std::net::SocketAddr,
    body: serde_json::Value,
) -> (u16, serde_json::Value) {
    http(addr, "POST", "/api/login", &[], Some(body)).await
}

on_both_databases!(a_user_signs_in_and_the_token_identifies_the_device);
async fn a_user_signs_in_and_the_token_identifies_the_device(db: TestDb) {
    let server = db.demo_server().await;
    let store = sync_server::store::Store::open(&db.database)
        .await
        .expect("store");
    let now = sync_server::now_ms();
    accounts::add_user(store.pool(), &keeper("hk-zhou"), "correct horse", now)
        .await
        .expect("added");

    let (status, body) = post_login(
        server.addr,
        json!({"username": "hk-zhou", "password": "correct horse", "device_name": "张敏的手机"}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["user"], "hk-zhou");
    assert_eq!(body["role"], "housekeeper");
    assert_eq!(body["areas"], json!(["A1"]));
    let token = body["token"].as_str().expect("a token").to_owned();
    assert_eq!(token.len(), 64);
    assert!(body["expiresAt"].as_i64().expect("expiry") > now + 80 * 24 * 3_600_000);

    // Stored only hashed.
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM devices WHERE token_hash = $1")
        .bind(&token)
        .fetch_one(store.pool())
        .await
        .expect("query");
    assert_eq!(stored, 0, "the token itself is not in the database");

    let who = accounts::identify(store.pool(), &token, now)
        .await
        .expect("query")
        .expect("the token is valid");
    assert_eq!(who.user, "hk-zhou");
    assert_eq!(who.device, body["device"]);

    // Revoked: the token stops working.
    assert!(
        accounts::revoke_device(store.pool(), &who.device, now)
            .await
            .expect("revokes")
    );
    assert!(
        !accounts::revoke_device(store.pool(), &who.device, now)
            .await
            .expect("query"),
        "revoking twice says so"
    );
    assert_eq!(
        accounts::identify(store.pool(), &token, now)
            .await
            .expect("query"),
        None
    );
    server.stop().await.expect("stops");
}

on_both_databases!(wrong_or_unknown_credentials_and_bad_requests_are_refused_clearly);
async fn wrong_or_unknown_credentials_and_bad_requests_are_refused_clearly(db: TestDb) {
    let server = db.demo_server().await;
    let store = sync_server::store::Store::open(&db.database)
        .await
        .expect("store");
    accounts::add_user(
        store.pool(),
        &keeper("hk-lu"),
        "correct horse",
        sync_server::now_ms(),
    )
    .await
    .expect("added");
    let login = |username: &str, password: &str| json!({"username": username, "password": password, "device_name": "phone"});
    let (wrong, wrong_body) = post_login(server.addr, login("hk-lu", "wrong horse")).await;
    let (unknown, unknown_body) = post_login(server.addr, login("nobody", "correct horse")).await;
    assert_eq!((wrong, unknown), (401, 401));
    assert_eq!(
        wrong_body, unknown_body,
        "a wrong name and a wrong password look alike"
    );
    assert_eq!(wrong_body["error"], "用户名或密码错误");

    let (status, body) = post_login(server.addr, json!({"username": "hk-lu"})).await;
    assert_eq!(status, 400, "{body}");
    assert!(
        body["error"]
            .as_str()
            .expect("says why")
            .contains("device_name")
    );

    let (status, body) = post_login(
        server.addr,
        json!({"username": "hk-lu", "password": "correct horse", "device_name": "  "}),
    )
    .await;
    assert_eq!(status, 400, "{body}");
    let devices: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM devices")
        .fetch_one(store.pool())
        .await
        .expect("query");
    assert_eq!(devices, 0, "no refused sign-in made a device");
    server.stop().await.expect("stops");
}

on_both_databases!(tokens_expire_and_users_are_checked_before_they_are_stored);
async fn tokens_expire_and_users_are_checked_before_they_are_stored(db: TestDb) {
    let store = seeded_store(&db).await;
    let pool = store.pool();
    accounts::add_user(pool, &keeper("hk-zhou"), "correct horse", 0)
        .await
        .expect("added");
    let session = accounts::login(
        pool,
        "hk-zhou",
        "correct horse",
        "phone",
        None,
        1_000,
        60_000,
    )
    .await
    .expect("signs in");
    assert!(
        accounts::identify(pool, &session.token, 60_999)
            .await
            .expect("query")
            .is_some()
    );
    assert_eq!(
        accounts::identify(pool, &session.token, 61_000)
            .await
            .expect("query"),
        None,
        "expired"
    );
    assert_eq!(
        accounts::identify(pool, "0".repeat(64).as_str(), 0)
            .await
            .expect("query"),
        None,
        "unknown"
    );

    let refused = [
        (keeper("hk-zhou"), "correct horse", "已存在"),
        (keeper("x"), "correct horse", "用户名"),
        (keeper("hk-wang"), "short", "密码至少"),
        (
            NewUser {
                areas: vec!["Z9".into()],
                ..keeper("hk-wang")
            },
            "correct horse",
            "没有片区 Z9",
        ),
        (
            NewUser {
                areas: Vec::new(),
                ..keeper("hk-wang")
            },
            "correct horse",
            "须指定片区",
        ),
        (
            NewUser {
                role: StaffRole::Supervisor,
                areas: Vec::new(),
                ..keeper("sup-liu")
            },
            "correct horse",
            "须指定项目",
        ),
    ];
    for (user, password, why) in refused {
        let err = accounts::add_user(pool, &user, password, 0)
            .await
            .expect_err("refused");
        assert!(
            matches!(err, AccountError::Invalid(_) | AccountError::Exists(_)),
            "{err:?}"
        );
        assert!(err.to_string().contains(why), "{err} should say {why}");
    }
    let supervisor = NewUser {
        role: StaffRole::Supervisor,
        areas: Vec::new(),
        projects: vec!["P1".into()],
        ..keeper("sup-liu")
    };
    accounts::add_user(pool, &supervisor, "correct horse", 0)
        .await
        .expect("a supervisor of a known project");
}

on_both_databases!(the_admin_cli_adds_a_user_with_the_password_from_stdin);
async fn the_admin_cli_adds_a_user_with_the_password_from_stdin(db: TestDb) {
    let store = seeded_store(&db).await;
    let run = |args: &[&str], stdin: &str| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_sync-server"));
        command.args(args).arg("--data").arg(db.dir.path());
        if let sync_server::config::Database::Url(url) = &db.database {
            command.args(["--database", url]);
        }
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("runs");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(stdin.as_bytes())
            .expect("writes");
        child.wait_with_output().expect("finishes")
    };
    let add = [
        "user",
        "add",
        "hk-zhou",
        "--name",
        "张敏",
        "--role",
        "housekeeper",
        "--area",
        "A1",
    ];
    let out = run(&add, "correct horse\n");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = run(&add, "correct horse\n");
    assert!(!out.status.success(), "the same user twice");
    assert!(String::from_utf8_lossy(&out.stderr).contains("已存在"));

    let session = accounts::login(
        store.pool(),
        "hk-zhou",
        "correct horse",
        "phone",
        None,
        0,
        60_000,
    )
    .await
    .expect("the password from stdin works");
    let out = run(&["device", "list", "--user", "hk-zhou"], "");
    assert!(String::from_utf8_lossy(&out.stdout).contains(&session.identity.device));
    let out = run(&["device", "revoke", &session.identity.device], "");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        accounts::identify(store.pool(), &session.token, 1)
            .await
            .expect("query"),
        None
    );
    let out = run(&["device", "revoke", &session.identity.device], "");
    assert!(
        !out.status.success(),
        "a second revoke says there is nothing to revoke"
    );
}

on_both_databases!(an_admin_moves_a_user_to_other_areas);
async fn an_admin_moves_a_user_to_other_areas(db: TestDb) {
    let store = seeded_store(&db).await;
    let pool = store.pool();
    let moved = NewScopes {
        id: "hk-li".into(),
        role: StaffRole::Housekeeper,
        areas: vec!["A1".into(), "A2".into()],
        projects: Vec::new(),
    };
    accounts::assign(pool, &moved).await.expect("assigned");
    let users = accounts::users(pool).await.expect("listed");
    let li = users.iter().find(|u| u.id == "hk-li").expect("hk-li");
    assert_eq!(li.areas, vec!["A1", "A2"]);
    for bad in [
        NewScopes {
            areas: vec!["Z9".into()],
            ..moved.clone()
        },
        NewScopes {
            areas: Vec::new(),
            ..moved.clone()
        },
        NewScopes {
            id: "nobody".into(),
            ..moved.clone()
        },
        NewScopes {
            role: StaffRole::Supervisor,
            ..moved.clone()
        },
    ] {
        let err = accounts::assign(pool, &bad).await.expect_err("refused");
        assert!(matches!(err, AccountError::Invalid(_)), "{err}");
    }
    // A refused change leaves the user as they were.
    let users = accounts::users(pool).await.expect("listed");
    let li = users.iter().find(|u| u.id == "hk-li").expect("hk-li");
    assert_eq!((li.role.as_str(), li.areas.len()), ("housekeeper", 2));
}

on_both_databases!(a_sync_ticket_opens_one_connection_once_and_expires);
async fn a_sync_ticket_opens_one_connection_once_and_expires(db: TestDb) {
    let server = db.demo_server().await;
    let addr = server.addr;
    let signed = common::sign_in(addr, "hk-zhang").await;
    let auth = format!("Bearer {}", signed.token);
    let ticket = || async {
        let (status, body) = http(
            addr,
            "POST",
            "/api/sync-ticket",
            &[("authorization", &auth)],
            None,
        )
        .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["expiresInSecs"], 30);
        body["ticket"].as_str().expect("a ticket").to_owned()
    };
    let open = |ticket: String| async move {
        let url = format!("{}?ticket={ticket}", common::ws_url(addr));
        match tokio_tungstenite::connect_async(&url).await {
            Ok(_) => 101,
            Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
                response.status().as_u16()
            }
            Err(e) => panic!("neither opened nor refused: {e}"),
        }
    };
    let first = ticket().await;
    assert_ne!(first, signed.token, "a ticket is not the token");
    assert_eq!(open(first.clone()).await, 101, "opens the sync connection");
    assert_eq!(open(first).await, 401, "but only once");
    assert_eq!(open("0".repeat(64)).await, 401, "a ticket never issued");
    let (status, _) = http(addr, "POST", "/api/sync-ticket", &[], None).await;
    assert_eq!(status, 401, "no ticket without signing in");

    // Past its 30 seconds a ticket is refused.
    let store = sync_server::store::Store::open(&db.database)
        .await
        .expect("store");
    let late = ticket().await;
    let later = sync_server::now_ms() + accounts::tickets::TICKET_TTL_MS + 1;
    let check = accounts::tickets::redeem(store.pool(), &late, later)
        .await
        .expect("redeem");
    assert_eq!(check, accounts::TokenCheck::Expired);
    // A revoked device's ticket opens nothing.
    let revoked = ticket().await;
    accounts::revoke_device(store.pool(), &signed.device, sync_server::now_ms())
        .await
        .expect("revoke");
    assert_eq!(open(revoked).await, 401);
    server.stop().await.expect("stops");
}
