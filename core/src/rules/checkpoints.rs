//! The checkpoints of an area's daily public-area patrol (公共部位巡视, seed 003: "每日进行
//! 责任区域公共部位的巡视"): every building's lobby, lift and stairwell, and the area's car
//! park and greenery. Each has a QR code on the wall naming it; the housekeeper scans it on
//! the round, which records that the place was visited and when.

use std::collections::BTreeSet;

use serde::Serialize;

use crate::records::patrol::PatrolPoint;
use crate::records::unit::natural_key;

/// A place on the round.
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Checkpoint {
    /// Stable and printed in the QR code: `A1/3/lobby`, `A1/parking`.
    pub id: String,
    /// In words: `3栋大堂`, `地下车库`.
    pub place: String,
    pub point: PatrolPoint,
}

/// The parts of every building walked, in the order walked.
const IN_EACH_BUILDING: [PatrolPoint; 3] = [
    PatrolPoint::Lobby,
    PatrolPoint::Lift,
    PatrolPoint::Stairwell,
];

/// The parts of the area as a whole, with their names.
const AREA_WIDE: [(PatrolPoint, &str); 2] = [
    (PatrolPoint::Parking, "地下车库"),
    (PatrolPoint::Greenery, "中心绿化"),
];

/// The checkpoints of area `area_id`, from the codes of its units (`3-2-602` is in
/// building 3): buildings in natural order, then the area-wide places.
pub fn checkpoints<'a>(
    area_id: &str,
    unit_codes: impl IntoIterator<Item = &'a str>,
) -> Vec<Checkpoint> {
    let buildings: BTreeSet<(Vec<(u64, String)>, &str)> = unit_codes
        .into_iter()
        .filter_map(|code| code.split('-').next().filter(|b| !b.is_empty()))
        .map(|b| (natural_key(b), b))
        .collect();
    let mut out: Vec<Checkpoint> = buildings
        .into_iter()
        .flat_map(|(_, building)| {
            IN_EACH_BUILDING.map(|point| Checkpoint {
                id: format!("{area_id}/{building}/{}", point.as_str()),
                place: format!("{building}栋{}", point.label_zh()),
                point,
            })
        })
        .collect();
    out.extend(AREA_WIDE.map(|(point, place)| Checkpoint {
        id: format!("{area_id}/{}", point.as_str()),
        place: place.into(),
        point,
    }));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_building_gets_lobby_lift_and_stairwell_then_the_area_wide_places() {
        let found = checkpoints("A1", ["10-1-101", "2-1-101", "2-2-301", "3-1-101"]);
        let places: Vec<&str> = found.iter().map(|c| c.place.as_str()).collect();
        assert_eq!(
            places,
            [
                "2栋大堂",
                "2栋电梯",
                "2栋楼道",
                "3栋大堂",
                "3栋电梯",
                "3栋楼道",
                "10栋大堂",
                "10栋电梯",
                "10栋楼道",
                "地下车库",
                "中心绿化"
            ]
        );
        assert_eq!(found[0].id, "A1/2/lobby");
        assert_eq!(found[9].id, "A1/parking");
    }

    #[test]
    fn point_names_in_ids_are_the_stored_values() {
        for point in PatrolPoint::ALL {
            assert_eq!(serde_json::to_value(point).unwrap(), point.as_str());
        }
    }

    #[test]
    fn ids_are_unique_and_name_their_area() {
        let found = checkpoints("A2", ["1-1-101", "1-2-101"]);
        let ids: BTreeSet<&str> = found.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids.len(), found.len());
        assert!(found.iter().all(|c| c.id.starts_with("A2/")));
    }
}
