//! Builders for rule tests: records made through the real journal, at given times.

use automerge::AutoCommit;
use chrono::NaiveDate;

use crate::ids::DocumentId;
use crate::records::any::AnyRecord;
use crate::records::journal::Input;
use crate::records::kind::{Kind, Record};
use crate::records::people::{Actor, StaffRole};
use crate::records::project::{DayType, Project, ProjectAction, ProjectHeader};
use crate::records::renovation::{Renovation, RenovationHeader};
use crate::records::ticket::{
    Category, Channel, ComplaintInfo, Location, RepairInfo, RepairScale, RepairScope, Ticket,
    TicketAction, TicketHeader,
};
use crate::time::{at_local, parse_date};

pub fn date(text: &str) -> NaiveDate {
    parse_date(text).expect("a date")
}

/// `YYYY-MM-DD HH:MM` in Shanghai.
pub fn at(text: &str) -> i64 {
    let (d, t) = text.split_once(' ').expect("date and time");
    let (h, m) = t.split_once(':').expect("HH:MM");
    at_local(
        date(d),
        h.parse().expect("hour"),
        m.parse().expect("minute"),
    )
}

pub fn keeper() -> Actor {
    Actor::new("hk-zhang", StaffRole::Housekeeper)
}

/// A record under construction: its document and the acts applied so far.
pub struct Built<K: Kind> {
    pub doc: AutoCommit,
    pub record: Record<K>,
}

impl<K: Kind> Built<K> {
    pub fn new(header: &K::Header) -> Self {
        let doc = Record::<K>::new_doc(header).expect("a valid header");
        let record = Record::<K>::from_doc(&doc).expect("reads");
        Self { doc, record }
    }

    /// Applies an action at `when` (see [`at`]); panics if refused.
    pub fn act(mut self, action: K::Action, when: &str) -> Self {
        self.record = self
            .try_act(Input::act(action), when)
            .expect("the action is accepted");
        self
    }

    pub fn try_act(&mut self, input: Input<K::Action>, when: &str) -> Result<Record<K>, String> {
        Record::<K>::act(&mut self.doc, input, &keeper(), at(when))
            .map(|(_, r)| r)
            .map_err(|e| e.to_string())
    }
}

/// Area A1's key ledger with keys `labels` taken into custody at `when`.
pub fn ledger_holding(labels: &[&str], when: &str) -> Built<crate::records::keys::KeyLedger> {
    use crate::records::keys::{KeyAction, KeyLedgerHeader};
    let ledger = Built::new(&KeyLedgerHeader {
        area_id: "A1".into(),
    });
    labels.iter().fold(ledger, |ledger, label| {
        ledger.act(
            KeyAction::Receive {
                label: (*label).into(),
                unit: None,
                unit_code: None,
                signature: crate::records::content::ContentHash::of(b"sig"),
            },
            when,
        )
    })
}

pub fn repair_info(scope: RepairScope, scale: RepairScale) -> RepairInfo {
    RepairInfo {
        scope,
        scale,
        leak: false,
    }
}

/// A ticket registered at `when` in unit `unit` (a small number naming a household).
pub fn ticket(
    category: Category,
    repair: Option<RepairInfo>,
    unit: u8,
    when: &str,
) -> Built<Ticket> {
    Built::new(&TicketHeader {
        area_id: "A1".into(),
        category,
        channel: Channel::Hotline,
        location: Location::Unit {
            unit: DocumentId::from_bytes([unit; 16]),
            code: format!("1-1-{unit:04}").parse().expect("code"),
        },
        description: "测试".into(),
        reporter: None,
        registered_at: at(when),
        registered_by: "hk-zhang".into(),
        repair,
        complaint: (category == Category::Complaint).then(ComplaintInfo::default),
        photos: Vec::new(),
        source: None,
    })
}

/// A complaint about `topic` from household `unit`.
pub fn complaint(topic: &str, unit: u8, when: &str) -> Built<Ticket> {
    let mut b = ticket(Category::Complaint, None, unit, when);
    b.record.header.complaint = Some(ComplaintInfo {
        topic: topic.into(),
        ..ComplaintInfo::default()
    });
    Built::new(&b.record.header)
}

pub fn dispatch() -> TicketAction {
    TicketAction::Dispatch {
        to: "维修组".into(),
    }
}

/// Records by their document IDs (derived from their position), as a portfolio takes them.
pub fn wrap(records: Vec<AnyRecord>) -> Vec<(DocumentId, AnyRecord)> {
    records
        .into_iter()
        .enumerate()
        .map(|(i, r)| {
            let mut bytes = [0xAA; 16];
            bytes[..4].copy_from_slice(&(i as u32).to_be_bytes());
            (DocumentId::from_bytes(bytes), r)
        })
        .collect()
}

/// A built record as the portfolio takes it (`AnyRecord::Ticket`, …).
pub fn boxed<K: Kind>(b: Built<K>, variant: fn(Box<Record<K>>) -> AnyRecord) -> AnyRecord {
    variant(Box::new(b.record))
}

/// Project P1 over area A1, with Monday 23 November 2026 a holiday.
pub fn project() -> AnyRecord {
    let built = Built::<Project>::new(&ProjectHeader {
        project_id: "P1".into(),
        name: "翠湖花园".into(),
        areas: vec!["A1".into()],
    })
    .act(
        ProjectAction::Day {
            date: date("2026-11-23"),
            day: DayType::Holiday,
        },
        "2026-11-01 09:00",
    );
    boxed(built, AnyRecord::Project)
}

/// A renovation of unit 1-1-0005 in A1, applied for on Friday 20 November 2026 at 16:00.
pub fn renovation() -> Built<Renovation> {
    Built::new(&RenovationHeader {
        area_id: "A1".into(),
        unit: DocumentId::from_bytes([5; 16]),
        unit_code: "1-1-0005".parse().expect("code"),
        applicant: "业主".into(),
        phone: None,
        contractor: "装饰公司".into(),
        plan: "翻新".into(),
        shop: false,
        applied_at: at("2026-11-20 16:00"),
        deposit_yuan: 2000,
    })
}
