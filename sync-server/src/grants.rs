//! What a signed-in identity reaches: a housekeeper their areas (and the calendars of
//! those areas' projects), a supervisor every area of their projects — the [`Grant`] the
//! access rules in `estate_core::access` judge by, for the sync sessions and the API.

use std::collections::BTreeSet;

use estate_core::access::Grant;
use estate_core::records::people::StaffRole;
use sqlx::AnyPool;

use crate::accounts::Identity;

/// What an identity reaches: a housekeeper their areas (and the calendars of those
/// areas' projects), a supervisor every area of their projects.
pub async fn grant(pool: &AnyPool, identity: &Identity) -> sqlx::Result<Grant> {
    Ok(grant_among(&places(pool).await?, identity))
}

/// Every area with its project.
pub async fn places(pool: &AnyPool) -> sqlx::Result<Vec<(String, String)>> {
    sqlx::query_as("SELECT id, project_id FROM areas")
        .fetch_all(pool)
        .await
}

/// [`grant`] with the areas and their projects already read.
pub fn grant_among(places: &[(String, String)], identity: &Identity) -> Grant {
    let mut areas: BTreeSet<String> = identity.areas.iter().cloned().collect();
    let mut projects: BTreeSet<String> = identity.projects.iter().cloned().collect();
    for (area, project) in places {
        if identity.role == StaffRole::Supervisor && projects.contains(project) {
            areas.insert(area.clone());
        }
    }
    for (area, project) in places {
        if areas.contains(area) {
            projects.insert(project.clone());
        }
    }
    Grant {
        user: identity.user.clone(),
        role: identity.role,
        areas,
        projects,
        device: identity.device.clone(),
    }
}
