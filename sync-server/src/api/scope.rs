//! Which areas an office report covers — one area, one project, or every area the caller
//! sees — and whether the caller may ask for it. Office staff and administrators see
//! every area; housekeepers and supervisors only their grant's. An area or project the
//! caller may not see answers exactly as one that does not exist.

use std::collections::BTreeSet;

use estate_core::rules::Scope;
use sqlx::AnyPool;

use super::ApiError;
use crate::api::signed::Signed;

/// What the scope of every area is called.
pub(super) const COMPANY: &str = "全公司";

/// An area as the `areas` table holds it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub(super) struct Place {
    pub id: String,
    pub name: String,
    pub project_id: String,
    pub project_name: String,
    /// The area index's document ID.
    pub index_doc: String,
}

/// Every area, by ID.
pub(super) async fn places(pool: &AnyPool) -> sqlx::Result<Vec<Place>> {
    sqlx::query_as(
        "SELECT id, name, project_id, project_name, index_doc FROM areas ORDER BY project_id, id",
    )
    .fetch_all(pool)
    .await
}

/// Whether `signed` sees the area `place`.
fn sees(signed: &Signed, place: &Place) -> bool {
    signed.area_filter().is_none_or(|a| a.contains(&place.id))
}

/// The projects `signed` may ask a report of — those whose every area they see — as
/// (ID, name), in the order of `places`.
pub(super) fn whole_projects<'a>(places: &'a [Place], signed: &Signed) -> Vec<(&'a str, &'a str)> {
    let mut projects: Vec<(&str, &str)> = Vec::new();
    for place in places {
        let id = place.project_id.as_str();
        let whole = places
            .iter()
            .filter(|p| p.project_id == id)
            .all(|p| sees(signed, p));
        if whole && !projects.iter().any(|(p, _)| *p == id) {
            projects.push((id, place.project_name.as_str()));
        }
    }
    projects
}

/// What a report covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Covered {
    /// Named in Chinese, with the areas it covers.
    pub scope: Scope,
    /// The projects those areas belong to: their rules and complaint groups span them.
    pub projects: BTreeSet<String>,
}

/// The area `area`, the project `project`, or (neither) every area `signed` may see.
pub(super) fn covered(
    places: &[Place],
    signed: &Signed,
    area: Option<&str>,
    project: Option<&str>,
) -> Result<Covered, ApiError> {
    let visible = |p: &&Place| sees(signed, p);
    let (name, chosen): (String, Vec<&Place>) = match (area, project) {
        (Some(_), Some(_)) => {
            return Err(ApiError::BadRequest(
                "片区（area）和项目（project）只能指定一个".into(),
            ));
        }
        (Some(id), None) => {
            let place = places
                .iter()
                .filter(visible)
                .find(|p| p.id == id)
                .ok_or_else(|| ApiError::NotFound(format!("没有片区 {id}")))?;
            (place.name.clone(), vec![place])
        }
        (None, Some(id)) => {
            let of: Vec<&Place> = places.iter().filter(|p| p.project_id == id).collect();
            // A project is the caller's only when every one of its areas is.
            if of.is_empty() || !of.iter().all(&visible) {
                return Err(ApiError::NotFound(format!("没有项目 {id}")));
            }
            (of[0].project_name.clone(), of)
        }
        (None, None) => (COMPANY.to_owned(), places.iter().filter(visible).collect()),
    };
    Ok(Covered {
        scope: Scope::areas(name, chosen.iter().map(|p| p.id.clone())),
        projects: chosen.iter().map(|p| p.project_id.clone()).collect(),
    })
}

#[cfg(test)]
mod tests {
    use estate_core::access::Grant;
    use estate_core::records::people::StaffRole;

    use super::*;
    use crate::accounts::Identity;

    fn place(id: &str, name: &str, project: &str) -> Place {
        Place {
            id: id.into(),
            name: name.into(),
            project_id: project.into(),
            project_name: format!("{project}项目"),
            index_doc: String::new(),
        }
    }

    fn signed(role: StaffRole, areas: &[&str]) -> Signed {
        let identity = Identity {
            user: "u".into(),
            name: "某人".into(),
            role,
            device: "0011223344556677".into(),
            areas: areas.iter().map(|a| (*a).to_owned()).collect(),
            projects: Vec::new(),
        };
        let grant = Grant {
            user: "u".into(),
            role,
            areas: identity.areas.iter().cloned().collect(),
            projects: BTreeSet::new(),
            device: identity.device.clone(),
        };
        Signed { identity, grant }
    }

    /// `(who, area, project)` → the scope's name and areas, or the status refused with.
    fn check(
        who: &Signed,
        area: Option<&str>,
        project: Option<&str>,
        expected: Result<(&str, &[&str]), u16>,
    ) {
        let places = [
            place("A1", "一区", "P1"),
            place("A2", "二区", "P1"),
            place("B1", "北区", "P2"),
        ];
        let got = covered(&places, who, area, project).map(|c| {
            let areas: Vec<String> = c.scope.areas.into_iter().flatten().collect();
            (c.scope.name, areas)
        });
        match (got, expected) {
            (Ok((name, areas)), Ok((want_name, want_areas))) => {
                assert_eq!(
                    (name.as_str(), areas),
                    (
                        want_name,
                        want_areas.iter().map(|a| (*a).to_owned()).collect()
                    )
                );
            }
            (Err(e), Err(status)) => {
                let code = axum::response::IntoResponse::into_response(e)
                    .status()
                    .as_u16();
                assert_eq!(code, status, "{area:?} {project:?}");
            }
            (got, want) => panic!("{area:?} {project:?}: got {got:?}, want {want:?}"),
        }
    }

    #[test]
    fn office_sees_every_area_and_names_the_scope() {
        let office = signed(StaffRole::Office, &[]);
        check(&office, Some("A2"), None, Ok(("二区", &["A2"])));
        check(&office, None, Some("P1"), Ok(("P1项目", &["A1", "A2"])));
        check(&office, None, None, Ok((COMPANY, &["A1", "A2", "B1"])));
        check(&office, Some("Z9"), None, Err(404));
        check(&office, None, Some("P9"), Err(404));
        check(&office, Some("A1"), Some("P1"), Err(400));
    }

    #[test]
    fn a_housekeeper_reaches_their_areas_only_and_others_look_missing() {
        let keeper = signed(StaffRole::Housekeeper, &["A1"]);
        check(&keeper, Some("A1"), None, Ok(("一区", &["A1"])));
        check(&keeper, Some("A2"), None, Err(404));
        // Half a project is not the project.
        check(&keeper, None, Some("P1"), Err(404));
        check(&keeper, None, None, Ok((COMPANY, &["A1"])));
        let supervisor = signed(StaffRole::Supervisor, &["A1", "A2"]);
        check(&supervisor, None, Some("P1"), Ok(("P1项目", &["A1", "A2"])));
        check(&supervisor, None, Some("P2"), Err(404));
    }
}
