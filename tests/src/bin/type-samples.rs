//! Prints a TypeScript module that assigns what the core really produces to the app's
//! hand-written types (`app/src/records.ts`, `app/src/rules.ts`): every record of the
//! demo estate's sample month as a housekeeper and as office staff see it, the index
//! entries, each area's due work at two moments and the monthly statistics of every
//! scope, plus a record with two concurrent edits flagged for a person. `tsc` then checks
//! the types against real output: a field renamed, missing, extra or of the wrong type in
//! either place fails the test suite.
//!
//! `cargo run -p system-tests --bin type-samples > tests/types/samples.ts`

use std::collections::BTreeMap;

use anyhow::{Context, Result};
use automerge::AutoCommit;
use estate_core::DocumentId;
use estate_core::demo::{SAMPLE_MONTH, demo_estate};
use estate_core::records::any::AnyRecord;
use estate_core::records::content::ContentHash;
use estate_core::records::fees::FeeAccount;
use estate_core::records::inspection::VacantInspection;
use estate_core::records::keys::KeyLedger;
use estate_core::records::kind::Kind;
use estate_core::records::people::{Actor, StaffRole};
use estate_core::records::project::Project;
use estate_core::records::rectification::Rectification;
use estate_core::records::renovation::Renovation;
use estate_core::records::ticket::Ticket;
use estate_core::records::unit::Unit;
use estate_core::records::visit::Visit;
use estate_core::records::visit_plan::VisitPlan;
use estate_core::rules::{Portfolio, Scope, due_work, monthly_statistics};
use estate_core::time::{Month, at_local, parse_date};
use serde_json::{Value, json};

fn at(date: &str, hour: u32) -> Result<i64> {
    Ok(at_local(parse_date(date).context("sample date")?, hour, 0))
}

/// A fee account that two phones changed without seeing each other: the merge keeps both
/// arrears figures and flags them; then the same with the flag settled.
fn conflicted(docs: &[(DocumentId, AutoCommit)]) -> Result<Vec<Value>> {
    let mut doc = demo_doc(docs, FeeAccount::KIND)?;
    let mut other = doc.fork();
    let office = Actor::new("office-wang", StaffRole::Office);
    let when = at("2026-10-30", 9)?;
    AnyRecord::act(
        &mut doc,
        json!({"type": "arrears", "amountFen": 120_000}),
        &office,
        when,
    )?;
    AnyRecord::act(
        &mut other,
        json!({"type": "arrears", "amountFen": 90_000, "note": "核对后"}),
        &office,
        when,
    )?;
    doc.merge(&mut other)?;
    let record = AnyRecord::from_doc(&doc)?.context("still a fee account")?;
    let flagged = record.view(StaffRole::Office)?;
    // A second copy in which a supervisor settled it.
    let mut settled = doc.clone();
    AnyRecord::act(
        &mut settled,
        json!({"type": "resolve", "events": flagged["flags"][0]["events"], "note": "以财务系统为准"}),
        &Actor::new("sup-zhao", StaffRole::Supervisor),
        when + 3_600_000,
    )?;
    let settled = AnyRecord::from_doc(&settled)?.context("still a fee account")?;
    Ok(vec![flagged, settled.view(StaffRole::Office)?])
}

/// The first demo record of `kind`, as a document to go on acting on.
fn demo_doc(docs: &[(DocumentId, AutoCommit)], kind: &str) -> Result<AutoCommit> {
    docs.iter()
        .find(|(_, doc)| matches!(AnyRecord::from_doc(doc), Ok(Some(r)) if r.kind() == kind))
        .map(|(_, doc)| doc.clone())
        .with_context(|| format!("the demo has a {kind} record"))
}

/// Acts on `doc` with each input in turn; the record as it then reads, as office staff
/// see it.
fn tour(mut doc: AutoCommit, inputs: &[Value]) -> Result<(&'static str, Value)> {
    let actor = Actor::new("sup-zhao", StaffRole::Supervisor);
    let mut when = at("2026-10-31", 9)?;
    for input in inputs {
        when += 60_000;
        AnyRecord::act(&mut doc, input.clone(), &actor, when)
            .with_context(|| format!("acting with {input}"))?;
    }
    let record = AnyRecord::from_doc(&doc)?.context("a record")?;
    Ok((record.kind(), record.view(StaffRole::Office)?))
}

/// Every action the demo month does not take, taken on copies of its records or on new
/// ones, so each variant of every action type appears in the samples.
fn tours(docs: &[(DocumentId, AutoCommit)]) -> Result<Vec<(&'static str, Value)>> {
    let signature = ContentHash::of(b"sample signature").to_string();
    let unit = docs
        .iter()
        .find(|(_, doc)| matches!(AnyRecord::from_doc(doc), Ok(Some(AnyRecord::Unit(_)))))
        .map(|(id, _)| id.to_string())
        .context("the demo has a unit")?;
    let renovation = |result: &str, then: &str| -> Result<(&'static str, Value)> {
        let (doc, _) = AnyRecord::create(
            Renovation::KIND,
            json!({"areaId": "A1", "unit": unit, "unitCode": "1-1-0301", "applicant": "王芳",
                   "phone": "13812345678", "contractor": "美家装饰", "plan": "厨卫改造",
                   "appliedAt": at("2026-10-01", 9)?}),
        )?;
        tour(
            doc,
            &[
                json!({"type": "review", "approved": true}),
                json!({"type": "permit", "number": "ZX-2026-099"}),
                json!({"type": "book_acceptance", "date": "2026-10-31"}),
                json!({"type": "accept", "result": result}),
                json!({"type": then}),
            ],
        )
    };
    let ticket = json!({"type": "ticket", "ticket": unit});
    Ok(vec![
        tour(
            demo_doc(docs, Unit::KIND)?,
            &[
                json!({"type": "status", "status": "renovating"}),
                json!({"type": "person", "person": {"id": "p-9", "name": "陈静",
                       "relation": "tenant", "phone": "13900001111"}}),
                json!({"type": "remove_person", "person": "p-9"}),
            ],
        )?,
        tour(
            AnyRecord::create(
                Ticket::KIND,
                json!({"areaId": "A1", "category": "repair", "channel": "hotline",
                       "location": {"type": "public", "place": "3栋大堂"},
                       "description": "大堂灯不亮", "registeredAt": at("2026-10-31", 8)?,
                       "registeredBy": "hk-zhang", "repair": {"scope": "public", "scale": "general"}}),
            )?
            .0,
            &[
                json!({"type": "classify", "repair": {"scope": "public", "scale": "minor"}}),
                json!({"type": "note", "note": "已电话告知业主", "photos": [signature]}),
            ],
        )?,
        tour(
            demo_doc(docs, VacantInspection::KIND)?,
            &[json!({"type": "ventilated"}), ticket.clone()],
        )?,
        tour(demo_doc(docs, Visit::KIND)?, &[ticket])?,
        tour(
            demo_doc(docs, VisitPlan::KIND)?,
            &[
                json!({"type": "add", "units": [unit]}),
                json!({"type": "remove", "units": [unit]}),
            ],
        )?,
        tour(
            demo_doc(docs, KeyLedger::KIND)?,
            &[
                json!({"type": "receive", "label": "T-1", "signature": signature}),
                json!({"type": "receive", "label": "T-2", "signature": signature}),
                json!({"type": "borrow", "label": "T-1", "borrower": "工程部 刘", "signature": signature}),
                json!({"type": "return", "label": "T-1"}),
                json!({"type": "lose", "label": "T-1"}),
                json!({"type": "approve_loss", "label": "T-1"}),
                json!({"type": "hand_back", "label": "T-2"}),
            ],
        )?,
        tour(
            demo_doc(docs, FeeAccount::KIND)?,
            &[json!({"type": "payment", "amountFen": 50_000})],
        )?,
        tour(
            demo_doc(docs, Rectification::KIND)?,
            &[
                json!({"type": "progress", "note": "已联系施工队"}),
                json!({"type": "reschedule", "expected": "2026-11-30", "note": "材料未到"}),
                json!({"type": "done"}),
                json!({"type": "reopen", "note": "业主反映仍漏水"}),
            ],
        )?,
        tour(
            demo_doc(docs, Project::KIND)?,
            &[json!({"type": "group_window", "hours": 48})],
        )?,
        renovation("minor_faults", "rectified")?,
        renovation("structural_damage", "report_authority")?,
    ])
}

fn main() -> Result<()> {
    let estate = demo_estate()?;
    let records = estate.records()?;
    // One array per kind: a single array of the whole union is too much for `tsc`.
    let mut views: BTreeMap<&str, Vec<Value>> = BTreeMap::new();
    let mut entries = Vec::new();
    for (id, record) in &records {
        let kind = views.entry(record.kind()).or_default();
        kind.push(record.view(StaffRole::Housekeeper)?);
        kind.push(record.view(StaffRole::Office)?);
        let mut entry = serde_json::to_value(record.entry())?;
        entry["id"] = json!(id.to_string());
        entries.push(entry);
    }
    views
        .entry(FeeAccount::KIND)
        .or_default()
        .extend(conflicted(&estate.docs)?);
    for (kind, view) in tours(&estate.docs)? {
        views.entry(kind).or_default().push(view);
    }

    let all = Portfolio::new(records.iter().map(|(id, r)| (*id, r)));
    let month: Month = SAMPLE_MONTH.parse()?;
    let scopes = [
        Scope::areas("一区", ["A1"]),
        Scope::areas("二区", ["A2"]),
        Scope::areas("翠湖花园", ["A1", "A2"]),
    ];
    let mut due = Vec::new();
    let mut statistics = Vec::new();
    for scope in &scopes {
        let area = all.within(scope);
        for now in [at("2026-10-20", 10)?, at("2026-11-05", 10)?] {
            due.push(serde_json::to_value(due_work(&area, now))?);
        }
        let stats = monthly_statistics(&all, scope, month, at("2026-11-05", 10)?);
        statistics.push(json!({"summary": stats.summary(), "statistics": stats}));
    }

    println!("// Generated by `cargo run -p system-tests --bin type-samples`: real core output");
    println!("// assigned to the app's hand-written types. Do not edit.");
    println!("import type * as records from \"../../app/src/records\";");
    println!(
        "import type {{ DueWork, MonthlyStatistics, StatisticsSummary }} from \"../../app/src/rules\";"
    );
    println!("type Of<K extends records.RecordKind> = Extract<records.AnyRecord, {{ kind: K }}>;");
    for (kind, list) in &views {
        let name = kind.replace('-', "_");
        println!(
            "export const {name}: Of<{kind:?}>[] = {};",
            serde_json::to_string_pretty(list)?
        );
    }
    for (name, ty, value) in [
        ("entries", "records.IndexEntry[]", json!(entries)),
        ("due", "DueWork[]", json!(due)),
        (
            "statistics",
            "{ statistics: MonthlyStatistics; summary: StatisticsSummary }[]",
            json!(statistics),
        ),
    ] {
        println!(
            "export const {name}: {ty} = {};",
            serde_json::to_string_pretty(&value)?
        );
    }
    Ok(())
}
