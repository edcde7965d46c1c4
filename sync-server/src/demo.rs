//! Loads a generated estate into an empty database: areas, housekeepers, every document
//! as a snapshot, the projections, and demo accounts (password [`DEMO_PASSWORD`]).

use estate_core::DocumentId;
use estate_core::demo::Estate;
use estate_core::storage::{StorageKey, StorageOp};

use estate_core::access::Owner;
use estate_core::records::kind_of;

use estate_core::records::people::StaffRole;

use crate::accounts::{self, NewUser};
use crate::commit::{Announcer, Commit, Made};
use crate::store::Store;

/// The password of every demo account.
pub const DEMO_PASSWORD: &str = "demo1234";

/// The demo's accounts: each area's housekeeper, a supervisor of the project, one office
/// clerk and an admin.
pub fn demo_users(estate: &Estate) -> Vec<NewUser> {
    let user = |id: &str, name: &str, role, areas: Vec<String>, projects: Vec<String>| NewUser {
        id: id.into(),
        name: name.into(),
        role,
        areas,
        projects,
    };
    let project: Vec<String> = estate
        .areas
        .iter()
        .map(|a| a.project_id.clone())
        .take(1)
        .collect();
    let mut users: Vec<NewUser> = estate
        .housekeepers
        .iter()
        .map(|k| {
            user(
                &k.id,
                &k.name,
                StaffRole::Housekeeper,
                vec![k.area_id.clone()],
                vec![],
            )
        })
        .collect();
    users.push(user(
        "sup-wang",
        "王主管",
        StaffRole::Supervisor,
        vec![],
        project,
    ));
    users.push(user(
        "office-chen",
        "陈客服",
        StaffRole::Office,
        vec![],
        vec![],
    ));
    users.push(user("admin", "管理员", StaffRole::Admin, vec![], vec![]));
    users
}

/// Stores the estate and its accounts unless its areas are already there. Returns
/// whether it wrote.
pub async fn seed(store: &Store, mut estate: Estate, received_at: i64) -> anyhow::Result<bool> {
    let existing: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM areas")
        .fetch_one(store.pool())
        .await?;
    if existing > 0 {
        return Ok(false);
    }
    let mut tx = store.begin().await?;
    for area in &estate.areas {
        sqlx::query(
            "INSERT INTO areas (id, name, project_id, project_name, index_doc) VALUES ($1, $2, $3, $4, $5)",
        )
            .bind(&area.id)
            .bind(&area.name)
            .bind(&area.project_id)
            .bind(&estate.project)
            .bind(area.index.to_string())
            .execute(&mut *tx)
            .await?;
    }
    for keeper in &estate.housekeepers {
        sqlx::query("INSERT INTO housekeepers (id, name, area_id) VALUES ($1, $2, $3)")
            .bind(&keeper.id)
            .bind(&keeper.name)
            .bind(&keeper.area_id)
            .execute(&mut *tx)
            .await?;
    }
    let mut storage = Vec::new();
    let mut made = Vec::new();
    for (id, doc) in &mut estate.docs {
        storage.push(StorageOp::Put(
            StorageKey::snapshot(*id, &doc.get_heads()),
            doc.save(),
        ));
        made.push(Made {
            id: *id,
            kind: kind_of(doc).unwrap_or_default(),
            owner: Owner::of_doc(doc),
        });
    }
    let changed: Vec<DocumentId> = made.iter().map(|m| m.id).collect();
    Commit {
        storage: &storage,
        admitted: &[],
        made: &made,
        changed: &changed,
        docs: estate.docs.iter().map(|(id, doc)| (*id, doc)).collect(),
        received_at,
    }
    .write_in(&mut tx, store.backend(), Announcer::Outside)
    .await?;
    tx.commit().await?;
    for user in demo_users(&estate) {
        accounts::add_user(store.pool(), &user, DEMO_PASSWORD, received_at).await?;
    }
    Ok(true)
}
