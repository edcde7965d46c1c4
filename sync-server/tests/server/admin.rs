//! What administrators do over HTTP — users, devices, imports — on both databases, and
//! that nobody else may.

use crate::common;

use common::TestDb;
use common::app::App;
use serde_json::{Value, json};

on_both_databases!(only_administrators_manage_users_devices_and_imports);
async fn only_administrators_manage_users_devices_and_imports(db: TestDb) {
    let app = App::demo(&db).await;
    let user = json!({"id": "hk-new", "name": "新管家", "role": "housekeeper",
                      "areas": ["A1"], "password": "longenough"});
    let scopes = json!({"role": "office"});
    for who in ["hk-zhang", "sup-wang", "office-chen"] {
        let token = app.sign_in(who).await;
        let csv = ("text/csv", "房号,片区\n9-9-901,A1\n".as_bytes().to_vec());
        let answers = [
            app.get("/api/admin/users", &token).await,
            app.json("POST", "/api/admin/users", &token, user.clone())
                .await,
            app.json("PUT", "/api/admin/users/hk-li", &token, scopes.clone())
                .await,
            app.get("/api/admin/devices", &token).await,
            app.send(
                "POST",
                "/api/admin/devices/0011223344556677/revoke",
                Some(&token),
                None,
            )
            .await,
            app.send(
                "POST",
                "/api/admin/import?filename=a.csv",
                Some(&token),
                Some(csv),
            )
            .await,
        ];
        for answer in answers {
            assert_eq!(answer.status, 403, "{who}: {}", answer.json());
            assert!(answer.json()["error"].as_str().unwrap().contains("管理员"));
        }
    }
    let nobody = app.send("GET", "/api/admin/users", None, None).await;
    assert_eq!(nobody.status, 401);
    // Nothing a refused request asked for happened.
    let admin = app.sign_in("admin").await;
    let users = app.get("/api/admin/users", &admin).await.json();
    assert!(
        users
            .as_array()
            .unwrap()
            .iter()
            .all(|u| u["id"] != "hk-new")
    );
    let units: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM units WHERE code = '9-9-901'")
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert_eq!(units, 0);
}

/// The user `id` as `GET /api/admin/users` lists it.
async fn listed(app: &App, admin: &str, id: &str) -> Value {
    let users = app.get("/api/admin/users", admin).await.json();
    users
        .as_array()
        .expect("a list")
        .iter()
        .find(|u| u["id"] == id)
        .cloned()
        .unwrap_or_else(|| panic!("{id} listed in {users}"))
}

on_both_databases!(administrators_add_and_assign_users);
async fn administrators_add_and_assign_users(db: TestDb) {
    let app = App::demo(&db).await;
    let admin = app.sign_in("admin").await;
    let zhang = listed(&app, &admin, "hk-zhang").await;
    assert_eq!(
        zhang,
        json!({"id": "hk-zhang", "name": "张敏", "role": "housekeeper", "areas": ["A1"],
               "projects": [], "devices": 0, "activeDevices": 0})
    );
    assert_eq!(listed(&app, &admin, "admin").await["activeDevices"], 1);

    let new = json!({"id": "hk-wu", "name": "吴管家", "role": "housekeeper",
                     "areas": ["A1"], "password": "wu-password"});
    let added = app
        .json("POST", "/api/admin/users", &admin, new.clone())
        .await;
    assert_eq!(added.status, 201, "{}", added.json());
    assert_eq!(
        added.json(),
        json!({"id": "hk-wu", "name": "吴管家", "role": "housekeeper", "areas": ["A1"],
               "projects": [], "devices": 0, "activeDevices": 0})
    );
    let again = app
        .json("POST", "/api/admin/users", &admin, new.clone())
        .await;
    assert_eq!(again.status, 409);
    assert_eq!(again.json()["error"], "用户 hk-wu 已存在");
    // (what is wrong, words the refusal must say)
    let wrong = [
        (json!({"areas": ["Z9"], "id": "hk-x"}), "没有片区 Z9"),
        (
            json!({"projects": ["P9"], "role": "supervisor", "id": "sup-x"}),
            "没有项目 P9",
        ),
        (
            json!({"password": "short", "id": "hk-x"}),
            "密码至少 8 个字符",
        ),
        (
            json!({"role": "boss", "id": "hk-x"}),
            "角色 \"boss\" 不认识",
        ),
        (json!({"id": "x"}), "用户名"),
        (json!({"name": " ", "id": "hk-x"}), "姓名"),
    ];
    for (change, says) in wrong {
        let mut body = new.clone();
        for (k, v) in change.as_object().unwrap() {
            body[k] = v.clone();
        }
        let refused = app.json("POST", "/api/admin/users", &admin, body).await;
        assert_eq!(refused.status, 400, "{change}");
        let said = refused.json()["error"].as_str().unwrap().to_owned();
        assert!(said.contains(says), "{change}: {said}");
    }
    let not_json = app
        .send(
            "POST",
            "/api/admin/users",
            Some(&admin),
            Some(("text/plain", b"hi".to_vec())),
        )
        .await;
    assert_eq!(not_json.status, 400);

    // The new user signs in with their password and works where they were put.
    let wu = app.sign_in_as("hk-wu", "wu-password").await;
    let session = app.get("/api/session", &wu).await.json();
    assert_eq!(
        (&session["role"], &session["areas"]),
        (&json!("housekeeper"), &json!(["A1"]))
    );
    let moved = app
        .json(
            "PUT",
            "/api/admin/users/hk-wu",
            &admin,
            json!({"role": "housekeeper", "areas": ["A2"]}),
        )
        .await;
    assert_eq!(moved.status, 200, "{}", moved.json());
    assert_eq!(moved.json()["areas"], json!(["A2"]));
    assert_eq!(moved.json()["activeDevices"], 1);
    assert_eq!(
        app.get("/api/session", &wu).await.json()["areas"],
        json!(["A2"])
    );
    let promoted = app
        .json(
            "PUT",
            "/api/admin/users/hk-wu",
            &admin,
            json!({"role": "supervisor", "projects": ["P1"]}),
        )
        .await;
    assert_eq!(promoted.json()["role"], "supervisor");
    let nobody = app
        .json(
            "PUT",
            "/api/admin/users/nobody",
            &admin,
            json!({"role": "office"}),
        )
        .await;
    assert_eq!(nobody.status, 404);
    assert_eq!(nobody.json()["error"], "没有用户 nobody");
    let unscoped = app
        .json(
            "PUT",
            "/api/admin/users/hk-wu",
            &admin,
            json!({"role": "housekeeper"}),
        )
        .await;
    assert_eq!(unscoped.status, 400);
}

on_both_databases!(a_revoked_device_is_told_to_wipe_itself);
async fn a_revoked_device_is_told_to_wipe_itself(db: TestDb) {
    let app = App::demo(&db).await;
    let admin = app.sign_in("admin").await;
    let phone = app.sign_in("hk-zhang").await;
    assert_eq!(app.get("/api/session", &phone).await.status, 200);
    let devices = app
        .get("/api/admin/devices?user=hk-zhang", &admin)
        .await
        .json();
    let devices = devices.as_array().expect("a list");
    assert_eq!(devices.len(), 1);
    let device = &devices[0];
    assert_eq!(device["user"], "hk-zhang");
    assert_eq!(device["name"], "办公室电脑");
    assert!(device["revokedAt"].is_null() && device["createdAt"].is_i64());
    let id = device["id"].as_str().unwrap();
    let all = app.get("/api/admin/devices", &admin).await.json();
    assert_eq!(
        all.as_array().unwrap().len(),
        2,
        "the admin's own device too"
    );

    let revoke = format!("/api/admin/devices/{id}/revoke");
    let revoked = app.send("POST", &revoke, Some(&admin), None).await;
    assert_eq!(revoked.status, 200);
    assert!(revoked.json()["revokedAt"].is_i64());
    let session = app.get("/api/session", &phone).await;
    assert_eq!(session.status, 401);
    assert_eq!(session.json()["wipe"], true);
    let again = app.send("POST", &revoke, Some(&admin), None).await;
    assert_eq!(again.status, 409);
    let unknown = app
        .send(
            "POST",
            "/api/admin/devices/ffffffffffffffff/revoke",
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(unknown.status, 404);
    assert_eq!(listed(&app, &admin, "hk-zhang").await["activeDevices"], 0);
}

on_both_databases!(an_import_reports_row_by_row);
async fn an_import_reports_row_by_row(db: TestDb) {
    let app = App::demo(&db).await;
    let admin = app.sign_in("admin").await;
    let sheet = "房号,片区,状态,业主,电话\n\
                 99-1-101,A1,已入住,王芳,13800138000\n\
                 99-1,A1,,,\n\
                 99-1-102,Z9,,,\n";
    let upload = |query: &str| {
        let path = format!("/api/admin/import?{query}");
        let body = ("text/csv", sheet.as_bytes().to_vec());
        let admin = admin.clone();
        let app = &app;
        async move { app.send("POST", &path, Some(&admin), Some(body)).await }
    };
    let units = || async {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM units WHERE code LIKE '99-1-%'")
            .fetch_one(app.store.pool())
            .await
            .unwrap()
    };
    let dry = upload("filename=%E4%BD%8F%E6%88%B7.csv&dryRun=true").await;
    assert_eq!(dry.status, 200, "{}", dry.json());
    let report = dry.json();
    assert_eq!(report["imported"], 1);
    assert_eq!(report["skipped"], json!([]));
    let rejected = report["rejected"].as_array().unwrap();
    assert_eq!(rejected.len(), 2);
    assert_eq!(rejected[0]["line"], 3);
    assert!(rejected[0]["reason"].as_str().unwrap().contains("格式不对"));
    assert_eq!(rejected[1]["line"], 4);
    assert!(rejected[1]["reason"].as_str().unwrap().contains("没有片区"));
    assert_eq!(units().await, 0, "a dry run writes nothing");

    let done = upload("filename=%E4%BD%8F%E6%88%B7.csv").await.json();
    assert_eq!(
        (
            done["imported"].clone(),
            done["rejected"].as_array().unwrap().len()
        ),
        (json!(1), 2)
    );
    assert_eq!(units().await, 1);
    let twice = upload("filename=%E4%BD%8F%E6%88%B7.csv").await.json();
    assert_eq!(
        (twice["imported"].clone(), twice["skipped"].clone()),
        (json!(0), json!([2]))
    );
    assert_eq!(units().await, 1);

    // A workbook is read as the command line reads it.
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    for (c, h) in ["房号", "片区"].iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    ws.write_string(1, 0, "99-1-103").unwrap();
    ws.write_string(1, 1, "A2").unwrap();
    let xlsx = (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        book.save_to_buffer().unwrap(),
    );
    let answer = app
        .send(
            "POST",
            "/api/admin/import?filename=units.xlsx",
            Some(&admin),
            Some(xlsx),
        )
        .await;
    assert_eq!(answer.json()["imported"], 1);
    assert_eq!(units().await, 2);

    // (query, body, status, words the refusal must say)
    let too_big = vec![b'a'; 11 * 1024 * 1024];
    let refusals: [(&str, Vec<u8>, u16, &str); 6] = [
        ("dryRun=true", sheet.into(), 400, "filename"),
        ("filename=units.txt", sheet.into(), 400, "csv"),
        ("filename=a.csv", Vec::new(), 400, "请求体为空"),
        ("filename=a.csv", "名字,电话\n张三,1\n".into(), 400, "房号"),
        (
            "filename=a.xlsx",
            b"not a workbook".to_vec(),
            400,
            "无法读取",
        ),
        ("filename=a.csv", too_big, 413, "10 MB"),
    ];
    for (query, body, status, says) in refusals {
        let path = format!("/api/admin/import?{query}");
        let answer = app
            .send("POST", &path, Some(&admin), Some(("text/csv", body)))
            .await;
        assert_eq!(
            answer.status,
            status,
            "{query}: {}",
            String::from_utf8_lossy(&answer.body)
        );
        let said = answer.json()["error"].as_str().unwrap().to_owned();
        assert!(said.contains(says), "{query}: {said}");
    }
}
