//! The office's rows come from each record's derived state and its project's calendar.

use super::*;
use crate::records::any::AnyRecord;
use crate::records::inspection::{Inspection, InspectionAction, InspectionForm, VacantInspection};
use crate::records::office::Cell;
use crate::rules::testing::{Built, at, boxed, date, project, renovation};
use crate::time::end_of_day;

fn cell(rows: &OfficeRows, table: &str, column: &str) -> Option<Cell> {
    let row = match table {
        "records" => rows.record.as_ref(),
        _ => rows.tables.iter().find(|r| r.table == table),
    };
    row?.get(column).cloned()
}

#[test]
fn a_vacant_unit_ventilated_after_its_inspection_is_ventilated_in_the_office() {
    let header = Inspection::new(
        DocumentId::from_bytes([7; 16]),
        "1-1-0101".parse().expect("code"),
        "A1".into(),
        InspectionForm::default(),
        "hk-zhang".into(),
        at("2026-10-05 10:00"),
    )
    .expect("a valid inspection");
    let id = DocumentId::from_bytes([8; 16]);
    let inspected = || Built::<VacantInspection>::new(&header);
    let before = office_rows(id, &boxed(inspected(), AnyRecord::Inspection), None);
    assert_eq!(
        cell(&before, "vacant_inspections", "ventilated"),
        Some(Cell::Int(Some(0)))
    );
    let aired = inspected().act(InspectionAction::Ventilated {}, "2026-10-12 15:00");
    let after = office_rows(id, &boxed(aired, AnyRecord::Inspection), None);
    assert_eq!(
        cell(&after, "vacant_inspections", "ventilated"),
        Some(Cell::Int(Some(1)))
    );
}

#[test]
fn a_renovation_review_falls_due_by_its_projects_calendar() {
    let id = DocumentId::from_bytes([9; 16]);
    let applied = boxed(renovation(), AnyRecord::Renovation);
    // Applied Friday 20 November at 16:00: three working days end on Wednesday 25th,
    // or on Thursday 26th when Monday 23rd is the project's holiday.
    let plain = office_rows(id, &applied, None);
    assert_eq!(
        cell(&plain, "records", "due_at"),
        Some(Cell::Int(Some(end_of_day(date("2026-11-25")))))
    );
    let calendar = project();
    let holiday = office_rows(
        id,
        &applied,
        Some((DocumentId::from_bytes([1; 16]), &calendar)),
    );
    assert_eq!(
        cell(&holiday, "records", "due_at"),
        Some(Cell::Int(Some(end_of_day(date("2026-11-26")))))
    );
    assert_eq!(
        cell(&holiday, "records", "open_clocks"),
        Some(Cell::Int(Some(1)))
    );
}

#[test]
fn a_calendar_is_no_areas_record_but_names_the_areas_it_rules() {
    let calendar = project();
    let rows = office_rows(DocumentId::from_bytes([1; 16]), &calendar, None);
    assert!(rows.record.is_none());
    assert_eq!(rows.owns, &[("project_calendars", "project_doc")]);
    assert_eq!(
        cell(&rows, "project_calendars", "area_id"),
        Some(Cell::Text(Some("A1".into())))
    );
}
