//! Importing units and owners from CSV and XLSX: good rows become unit records in their
//! area's index (phones see them), bad rows are reported one by one, and a second import
//! of the same sheet adds nothing.

use crate::common;

use std::path::Path;

use common::{TestDb, full_replica, seeded_store};
use estate_core::records::kind::Record;
use estate_core::records::unit::Unit;
use sync_server::import::{Report, import_units};
use sync_server::store::Store;

const HEADER: [&str; 5] = ["房号", "片区", "状态", "业主", "电话"];

/// `(line, words the reason must contain)` for each bad row of [`rows`].
const BAD: [(usize, &str); 7] = [
    (4, "格式不对"),
    (5, "没有片区"),
    (6, "电话"),
    (7, "状态"),
    (8, "重复"),
    (9, "没有业主"),
    (10, "缺少房号"),
];

/// The sheet: two good rows, a unit already on file, and one bad row per reason.
fn rows(existing: &str) -> Vec<[String; 5]> {
    let row = |c: [&str; 5]| c.map(str::to_owned);
    vec![
        row(["9-1-101", "A1", "已入住", "王芳", "13800138000"]),
        row(["9-1-102", "A1", "", "", ""]),
        row(["9-1", "A1", "", "", ""]),
        row(["9-1-103", "Z9", "", "", ""]),
        row(["9-1-104", "A1", "", "赵六", "12345"]),
        row(["9-1-105", "A1", "空着", "", ""]),
        row(["9-1-101", "A1", "", "", ""]),
        row(["9-1-106", "A1", "", "", "13800138000"]),
        row(["", "A1", "", "", ""]),
        row([existing, "A1", "", "", ""]),
    ]
}

fn write_csv(path: &Path, rows: &[[String; 5]]) {
    let mut w = csv::Writer::from_path(path).expect("csv");
    w.write_record(HEADER).expect("header");
    for r in rows {
        w.write_record(r).expect("row");
    }
    w.flush().expect("flushed");
}

fn write_xlsx(path: &Path, rows: &[[String; 5]]) {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in HEADER.iter().enumerate() {
        sheet.write_string(0, c as u16, *h).expect("header");
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let (r, c) = (r as u32 + 1, c as u16);
            // A phone typed into a spreadsheet is usually a number.
            match cell.parse::<f64>() {
                Ok(n) if c == 4 => sheet.write_number(r, c, n).map(|_| ()),
                _ => sheet.write_string(r, c, cell).map(|_| ()),
            }
            .expect("cell");
        }
    }
    book.save(path).expect("saved");
}

async fn a1_unit(store: &Store) -> String {
    sqlx::query_scalar("SELECT code FROM units WHERE area_id = 'A1' ORDER BY code LIMIT 1")
        .fetch_one(store.pool())
        .await
        .expect("a demo unit")
}

fn check_report(report: &Report, imported: usize, skipped: usize) {
    assert_eq!(report.imported, imported, "{report:?}");
    assert_eq!(report.skipped.len(), skipped, "{report:?}");
    assert_eq!(report.rejected.len(), BAD.len(), "{report:?}");
    for ((line, words), rejected) in BAD.iter().zip(&report.rejected) {
        assert_eq!(rejected.line, *line);
        assert!(
            rejected.reason.contains(words),
            "line {line}: {}",
            rejected.reason
        );
    }
}

on_both_databases!(units_and_owners_are_imported_from_csv_and_xlsx);
async fn units_and_owners_are_imported_from_csv_and_xlsx(db: TestDb) {
    let store = seeded_store(&db).await;
    let existing = a1_unit(&store).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let csv_file = dir.path().join("units.csv");
    write_csv(&csv_file, &rows(&existing));
    let before = store.document_count().await.expect("counts");

    let dry = import_units(&store, &csv_file, true, 1)
        .await
        .expect("checked");
    check_report(&dry, 2, 1);
    assert_eq!(
        store.document_count().await.expect("counts"),
        before,
        "a dry run writes nothing"
    );

    let report = import_units(&store, &csv_file, false, 1)
        .await
        .expect("imported");
    check_report(&report, 2, 1);
    // Again: the rows imported (and their repeat) are on file now.
    let again = import_units(&store, &csv_file, false, 2)
        .await
        .expect("imported");
    assert_eq!(
        (again.imported, again.skipped.clone()),
        (0, vec![2, 3, 8, 11])
    );
    assert_eq!(again.rejected.len(), BAD.len() - 1);

    let xlsx_file = dir.path().join("units.xlsx");
    let mut sheet = rows(&existing);
    sheet[0][0] = "9-2-101".into();
    sheet[1][0] = "9-2-102".into();
    write_xlsx(&xlsx_file, &sheet);
    let xlsx = import_units(&store, &xlsx_file, false, 3)
        .await
        .expect("imported");
    assert_eq!(
        (xlsx.imported, xlsx.skipped.clone()),
        (2, vec![8, 11]),
        "{xlsx:?}"
    );
    assert_eq!(
        xlsx.rejected, again.rejected,
        "the same reasons from either format"
    );
    assert_eq!(store.document_count().await.expect("counts"), before + 4);

    // A phone of A1 gets the new units through its index, owner and all.
    let server = db.demo_server().await;
    let phone = full_replica(server.addr, "phone").await;
    let owner = phone
        .with(|r| {
            let index = r.index().expect("index");
            let (id, _) = index
                .entries
                .iter()
                .find(|(_, e)| e.code.as_deref() == Some("9-1-101"))
                .map(|(id, e)| (*id, e.clone()))
                .expect("imported unit in the index");
            let unit = Record::<Unit>::from_doc(r.doc(id).expect("synced")).expect("a unit");
            unit.state
                .people
                .first()
                .map(|p| (p.name.clone(), p.phone.clone().map(String::from)))
        })
        .await
        .expect("alive");
    assert_eq!(owner, Some(("王芳".into(), Some("13800138000".into()))));
    let xlsx_phone: Option<String> =
        sqlx::query_scalar("SELECT code FROM units WHERE code = '9-2-101'")
            .fetch_optional(store.pool())
            .await
            .expect("query");
    assert!(xlsx_phone.is_some(), "the XLSX unit is projected");
    server.stop().await.expect("stops");
}

#[tokio::test]
async fn a_sheet_without_the_required_columns_is_refused() {
    let db = TestDb::sqlite();
    let store = seeded_store(&db).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("units.csv");
    std::fs::write(&file, "房号,业主\n1-1-101,王芳\n").expect("written");
    let err = import_units(&store, &file, false, 1)
        .await
        .expect_err("refused");
    assert!(err.to_string().contains("片区"), "{err}");
    let missing = import_units(&store, &dir.path().join("none.xlsx"), false, 1).await;
    assert!(missing.is_err());
}

on_both_databases!(units_imported_while_the_server_runs_reach_connected_phones);
async fn units_imported_while_the_server_runs_reach_connected_phones(db: TestDb) {
    let server = db.demo_server().await;
    let phone = full_replica(server.addr, "phone").await;
    let store = Store::open(&db.database).await.expect("opens");
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("units.csv");
    write_csv(&file, &rows(&a1_unit(&store).await));
    let report = import_units(&store, &file, false, 1)
        .await
        .expect("imported");
    assert_eq!(report.imported, 2);
    phone
        .wait_until(
            "the imported units in the phone's index",
            common::WAIT,
            |r| {
                r.index().is_ok_and(|index| {
                    index
                        .entries
                        .values()
                        .any(|e| e.code.as_deref() == Some("9-1-102"))
                }) && r.missing() == 0
            },
        )
        .await
        .expect("the running server passes the import on");
    server.stop().await.expect("stops");
}
