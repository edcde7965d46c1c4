//! Users, their roles and the areas or projects they work in, and the devices they sign
//! in on. Passwords are hashed with Argon2id; a device's bearer token is 32 random bytes
//! that the server keeps only as their SHA-256, so a stolen database signs no one in.

pub mod tickets;

use std::collections::{BTreeSet, HashMap};

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use estate_core::records::people::StaffRole;
use rand::RngCore;
use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::{AnyPool, AssertSqlSafe, Row};

/// Shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 8;

/// Why an account operation failed. The `Display` texts are shown to people.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    /// Unknown user or wrong password: the same answer for both.
    #[error("用户名或密码错误")]
    BadCredentials,
    #[error("{0}")]
    Invalid(String),
    #[error("用户 {0} 已存在")]
    Exists(String),
    #[error("hashing the password failed: {0}")]
    Hash(String),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// A user to add.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub id: String,
    pub name: String,
    pub role: StaffRole,
    pub areas: Vec<String>,
    pub projects: Vec<String>,
}

/// Who is on the other end of a token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Identity {
    pub user: String,
    pub name: String,
    pub role: StaffRole,
    /// The device's ID: 16 hex digits that begin every Automerge actor it writes with.
    pub device: String,
    pub areas: Vec<String>,
    pub projects: Vec<String>,
}

/// A signed-in device as the admin lists it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Device {
    pub id: String,
    pub user: String,
    pub name: String,
    pub created_at: i64,
    pub expires_at: i64,
    pub last_seen_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

/// What a successful sign-in hands the device.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Session {
    /// The bearer token; shown once, never stored.
    pub token: String,
    pub expires_at: i64,
    #[serde(flatten)]
    pub identity: Identity,
}

/// A PHC string (`$argon2id$v=19$…`) for `password`, with a fresh random salt.
pub fn hash_password(password: &str) -> Result<String, AccountError> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| AccountError::Hash(e.to_string()))
}

/// Whether `password` matches the stored PHC string; false for a malformed one.
pub fn verify_password(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored).is_ok_and(|hash| {
        Argon2::default()
            .verify_password(password.as_bytes(), &hash)
            .is_ok()
    })
}

/// How stale `last_seen_at` may get before a request refreshes it.
const LAST_SEEN_EVERY_MS: i64 = 60_000;

/// Runs Argon2 off the async threads: it takes tens of milliseconds on purpose.
async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    match tokio::task::spawn_blocking(f).await {
        Ok(value) => value,
        Err(e) => std::panic::resume_unwind(e.into_panic()),
    }
}

fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut buf);
    hex::encode(buf)
}

fn valid_username(id: &str) -> bool {
    (2..=64).contains(&id.len())
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// Checks `user` against the places the database knows, then stores it.
pub async fn add_user(
    pool: &AnyPool,
    user: &NewUser,
    password: &str,
    now: i64,
) -> Result<(), AccountError> {
    if !valid_username(&user.id) {
        return Err(AccountError::Invalid(format!(
            "用户名 {:?} 无效：2–64 个字母、数字、- _ .",
            user.id
        )));
    }
    if user.name.trim().is_empty() {
        return Err(AccountError::Invalid("请填写姓名".into()));
    }
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(AccountError::Invalid(format!(
            "密码至少 {MIN_PASSWORD_CHARS} 个字符"
        )));
    }
    check_scopes(pool, user.role, &user.areas, &user.projects).await?;
    let password = password.to_owned();
    let hash = blocking(move || hash_password(&password)).await?;
    let mut tx = pool.begin().await?;
    let inserted = sqlx::query(
        "INSERT INTO users (id, name, role, password_hash, created_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (id) DO NOTHING",
    )
    .bind(&user.id)
    .bind(user.name.trim())
    .bind(user.role.as_str())
    .bind(hash)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    if inserted.rows_affected() == 0 {
        return Err(AccountError::Exists(user.id.clone()));
    }
    put_scopes(&mut tx, &user.id, &user.areas, &user.projects).await?;
    tx.commit().await?;
    Ok(())
}

/// A role's scopes must be given and known: a housekeeper's areas, a supervisor's projects.
async fn check_scopes(
    pool: &AnyPool,
    role: StaffRole,
    areas: &[String],
    projects: &[String],
) -> Result<(), AccountError> {
    match role {
        StaffRole::Housekeeper if areas.is_empty() => {
            return Err(AccountError::Invalid("片区管家须指定片区".into()));
        }
        StaffRole::Supervisor if projects.is_empty() => {
            return Err(AccountError::Invalid("客服主管须指定项目".into()));
        }
        _ => {}
    }
    for area in areas {
        let known: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM areas WHERE id = $1")
            .bind(area)
            .fetch_one(pool)
            .await?;
        if known == 0 {
            return Err(AccountError::Invalid(format!("没有片区 {area}")));
        }
    }
    for project in projects {
        let known: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM areas WHERE project_id = $1")
            .bind(project)
            .fetch_one(pool)
            .await?;
        if known == 0 {
            return Err(AccountError::Invalid(format!("没有项目 {project}")));
        }
    }
    Ok(())
}

async fn put_scopes(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    user: &str,
    areas: &[String],
    projects: &[String],
) -> sqlx::Result<()> {
    let scopes = areas
        .iter()
        .map(|a| ("area", a))
        .chain(projects.iter().map(|p| ("project", p)));
    for (kind, scope) in scopes {
        sqlx::query(
            "INSERT INTO user_scopes (user_id, kind, scope_id) VALUES ($1, $2, $3)
             ON CONFLICT (user_id, kind, scope_id) DO NOTHING",
        )
        .bind(user)
        .bind(kind)
        .bind(scope)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// Gives a user a role and the areas and projects it works in, replacing what they had.
/// Open connections pick it up within 10 s (the hub closes them; they reconnect).
pub async fn assign(pool: &AnyPool, user: &NewScopes) -> Result<(), AccountError> {
    check_scopes(pool, user.role, &user.areas, &user.projects).await?;
    let mut tx = pool.begin().await?;
    let updated = sqlx::query("UPDATE users SET role = $1 WHERE id = $2")
        .bind(user.role.as_str())
        .bind(&user.id)
        .execute(&mut *tx)
        .await?;
    if updated.rows_affected() == 0 {
        return Err(AccountError::Invalid(format!("没有用户 {}", user.id)));
    }
    sqlx::query("DELETE FROM user_scopes WHERE user_id = $1")
        .bind(&user.id)
        .execute(&mut *tx)
        .await?;
    put_scopes(&mut tx, &user.id, &user.areas, &user.projects).await?;
    tx.commit().await?;
    Ok(())
}

/// A user's new role and scopes.
#[derive(Debug, Clone)]
pub struct NewScopes {
    pub id: String,
    pub role: StaffRole,
    pub areas: Vec<String>,
    pub projects: Vec<String>,
}

/// A user as the admin lists them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct UserView {
    pub id: String,
    pub name: String,
    pub role: String,
    pub areas: Vec<String>,
    pub projects: Vec<String>,
}

/// Every user with their scopes.
pub async fn users(pool: &AnyPool) -> sqlx::Result<Vec<UserView>> {
    let mut users: Vec<UserView> = sqlx::query("SELECT id, name, role FROM users ORDER BY id")
        .fetch_all(pool)
        .await?
        .into_iter()
        .map(|r| UserView {
            id: r.get(0),
            name: r.get(1),
            role: r.get(2),
            areas: Vec::new(),
            projects: Vec::new(),
        })
        .collect();
    let scopes = sqlx::query("SELECT user_id, kind, scope_id FROM user_scopes ORDER BY scope_id")
        .fetch_all(pool)
        .await?;
    for r in scopes {
        let (user, kind, scope): (String, String, String) = (r.get(0), r.get(1), r.get(2));
        if let Some(u) = users.iter_mut().find(|u| u.id == user) {
            match kind.as_str() {
                "area" => u.areas.push(scope),
                _ => u.projects.push(scope),
            }
        }
    }
    Ok(users)
}

/// Signs `username` in on a device named `device_name` — the same device again when
/// `again` names one of theirs that was not revoked, else a new one. The token lives
/// `ttl_ms`.
pub async fn login(
    pool: &AnyPool,
    username: &str,
    password: &str,
    device_name: &str,
    again: Option<&str>,
    now: i64,
    ttl_ms: i64,
) -> Result<Session, AccountError> {
    let device_name = device_name.trim();
    if device_name.is_empty() || device_name.chars().count() > 100 {
        return Err(AccountError::Invalid("请填写设备名称（100 字以内）".into()));
    }
    let stored: Option<String> =
        sqlx::query_scalar("SELECT password_hash FROM users WHERE id = $1")
            .bind(username)
            .fetch_optional(pool)
            .await?;
    let password = password.to_owned();
    let matches = blocking(move || match stored {
        Some(stored) => verify_password(&password, &stored),
        None => {
            // As slow as a real check, so a wrong name and a wrong password look alike.
            let _ = hash_password(&password);
            false
        }
    })
    .await;
    if !matches {
        return Err(AccountError::BadCredentials);
    }
    Ok(open_session(pool, username, device_name, again, now, ttl_ms).await?)
}

/// A session for `username`, whose password has been checked: the device `again` names
/// renewed if it is theirs and not revoked, else a new device. Also how a load test
/// enrols its many phones without paying for a password hash each.
pub async fn open_session(
    pool: &AnyPool,
    username: &str,
    device_name: &str,
    again: Option<&str>,
    now: i64,
    ttl_ms: i64,
) -> sqlx::Result<Session> {
    let token = random_hex(32);
    let expires_at = now + ttl_ms;
    // Signing in again on the same phone keeps its device, so the edits it made under
    // that device's actors while signed out still count as its own.
    let renewed = match again {
        Some(device) => {
            sqlx::query(
                "UPDATE devices SET token_hash = $1, expires_at = $2, name = $3
             WHERE id = $4 AND user_id = $5 AND revoked_at IS NULL",
            )
            .bind(token_hash(&token))
            .bind(expires_at)
            .bind(device_name)
            .bind(device)
            .bind(username)
            .execute(pool)
            .await?
            .rows_affected()
                > 0
        }
        None => false,
    };
    let device = match (renewed, again) {
        (true, Some(device)) => device.to_owned(),
        _ => {
            let device = random_hex(8);
            sqlx::query(
                "INSERT INTO devices (id, user_id, name, token_hash, created_at, expires_at)
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(&device)
            .bind(username)
            .bind(device_name)
            .bind(token_hash(&token))
            .bind(now)
            .bind(expires_at)
            .execute(pool)
            .await?;
            device
        }
    };
    let identity = identity_of(pool, username, device).await?;
    Ok(Session {
        token,
        expires_at,
        identity,
    })
}

/// Who `user` is now, on `device`.
pub async fn identity_of(pool: &AnyPool, user: &str, device: String) -> sqlx::Result<Identity> {
    let mut found = identities(pool, &BTreeSet::from([user])).await?;
    let mut identity = found.remove(user).ok_or(sqlx::Error::RowNotFound)?;
    identity.device = device;
    Ok(identity)
}

/// Who each of `users` is now, in two queries per 500 users; the device is left empty.
/// Users that no longer exist are absent.
pub async fn identities(
    pool: &AnyPool,
    users: &BTreeSet<&str>,
) -> sqlx::Result<HashMap<String, Identity>> {
    let users: Vec<&str> = users.iter().copied().collect();
    let mut found = HashMap::new();
    for batch in users.chunks(500) {
        let marks = crate::store::marks(1, batch.len());
        let mut people = sqlx::query_as::<_, (String, String, String)>(AssertSqlSafe(format!(
            "SELECT id, name, role FROM users WHERE id IN ({marks})"
        )));
        let mut scopes = sqlx::query_as::<_, (String, String, String)>(AssertSqlSafe(format!(
            "SELECT user_id, kind, scope_id FROM user_scopes WHERE user_id IN ({marks}) \
             ORDER BY user_id, kind, scope_id"
        )));
        for user in batch {
            people = people.bind(*user);
            scopes = scopes.bind(*user);
        }
        for (user, name, role) in people.fetch_all(pool).await? {
            let identity = Identity {
                user: user.clone(),
                name,
                // A role the code no longer knows reaches nothing: the narrowest.
                role: role.parse().unwrap_or(StaffRole::Housekeeper),
                device: String::new(),
                areas: Vec::new(),
                projects: Vec::new(),
            };
            found.insert(user, identity);
        }
        for (user, kind, scope) in scopes.fetch_all(pool).await? {
            let Some(identity) = found.get_mut(&user) else {
                continue;
            };
            match kind.as_str() {
                "area" => identity.areas.push(scope),
                "project" => identity.projects.push(scope),
                _ => {}
            }
        }
    }
    Ok(found)
}

/// Who holds `token` at `now`: `None` for an unknown, expired or revoked one.
/// What a bearer token is worth.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenCheck {
    Valid(Identity),
    /// An admin revoked the device: its local data should go.
    Revoked,
    Expired,
    Unknown,
}

/// Looks a token up; a valid one also marks its device as seen now.
pub async fn check_token(pool: &AnyPool, token: &str, now: i64) -> sqlx::Result<TokenCheck> {
    let row = sqlx::query(
        "SELECT id, user_id, expires_at, revoked_at FROM devices WHERE token_hash = $1",
    )
    .bind(token_hash(token))
    .fetch_optional(pool)
    .await?;
    check_device(pool, row, now).await
}

/// What a device's sign-in is worth now (`row`: its id, user, expiry and revocation).
async fn check_device(
    pool: &AnyPool,
    row: Option<sqlx::any::AnyRow>,
    now: i64,
) -> sqlx::Result<TokenCheck> {
    let Some(row) = row else {
        return Ok(TokenCheck::Unknown);
    };
    if row.get::<Option<i64>, _>(3).is_some() {
        return Ok(TokenCheck::Revoked);
    }
    if row.get::<i64, _>(2) <= now {
        return Ok(TokenCheck::Expired);
    }
    let device: String = row.get(0);
    let user: String = row.get(1);
    // At most one write a minute per device: the office page asks every few seconds.
    sqlx::query(
        "UPDATE devices SET last_seen_at = $1
         WHERE id = $2 AND (last_seen_at IS NULL OR last_seen_at < $3)",
    )
    .bind(now)
    .bind(&device)
    .bind(now - LAST_SEEN_EVERY_MS)
    .execute(pool)
    .await?;
    identity_of(pool, &user, device)
        .await
        .map(TokenCheck::Valid)
}

/// The identity behind a valid token, if it is one.
pub async fn identify(pool: &AnyPool, token: &str, now: i64) -> sqlx::Result<Option<Identity>> {
    Ok(match check_token(pool, token, now).await? {
        TokenCheck::Valid(identity) => Some(identity),
        _ => None,
    })
}

/// Revokes a device; false when there is no such device or it was revoked already.
pub async fn revoke_device(pool: &AnyPool, device: &str, now: i64) -> sqlx::Result<bool> {
    let done =
        sqlx::query("UPDATE devices SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
            .bind(now)
            .bind(device)
            .execute(pool)
            .await?;
    Ok(done.rows_affected() == 1)
}

/// Which of `devices` have been revoked.
pub async fn revoked_among(
    pool: &AnyPool,
    devices: &BTreeSet<&str>,
) -> sqlx::Result<BTreeSet<String>> {
    let mut revoked = BTreeSet::new();
    let devices: Vec<&str> = devices.iter().copied().collect();
    for batch in devices.chunks(500) {
        let sql = format!(
            "SELECT id FROM devices WHERE revoked_at IS NOT NULL AND id IN ({})",
            crate::store::marks(1, batch.len())
        );
        let mut query = sqlx::query_scalar::<_, String>(AssertSqlSafe(sql));
        for device in batch {
            query = query.bind(*device);
        }
        revoked.extend(query.fetch_all(pool).await?);
    }
    Ok(revoked)
}

/// Every device, or one user's, newest first.
pub async fn devices(pool: &AnyPool, user: Option<&str>) -> sqlx::Result<Vec<Device>> {
    let rows = sqlx::query(
        "SELECT id, user_id, name, created_at, expires_at, last_seen_at, revoked_at FROM devices
         WHERE ($1 IS NULL OR user_id = $1) ORDER BY created_at DESC, id",
    )
    .bind(user)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Device {
            id: r.get(0),
            user: r.get(1),
            name: r.get(2),
            created_at: r.get(3),
            expires_at: r.get(4),
            last_seen_at: r.get(5),
            revoked_at: r.get(6),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_hash_with_argon2id_and_verify() {
        let stored = hash_password("正确的密码 horse").expect("hashes");
        assert!(stored.starts_with("$argon2id$"), "{stored}");
        assert!(verify_password("正确的密码 horse", &stored));
        assert!(!verify_password("wrong", &stored));
        assert!(!verify_password("正确的密码 horse", "not a hash"));
        assert_ne!(
            stored,
            hash_password("正确的密码 horse").expect("hashes"),
            "salted"
        );
    }

    #[test]
    fn tokens_are_random_and_stored_hashed() {
        let a = random_hex(32);
        assert_eq!(a.len(), 64);
        assert_ne!(a, random_hex(32));
        assert_ne!(token_hash(&a), a);
        assert_eq!(token_hash(&a), token_hash(&a));
    }
}
