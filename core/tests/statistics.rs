//! A generated month of records for a project (October 2026 in the demo estate) whose
//! statistics must equal a fixture computed by hand (`fixtures/README.md` explains every
//! figure). The browser test checks the same fixture against the WASM build.

use estate_core::demo::{SAMPLE_AS_OF, SAMPLE_MONTH, demo_estate, sample_as_of};
use estate_core::rules::{Portfolio, Scope, monthly_statistics};
use estate_core::time::Month;
use serde_json::Value;

#[test]
fn october_statistics_match_the_hand_computed_fixture() {
    let fixture: Value = serde_json::from_str(include_str!("fixtures/statistics-2026-10.json"))
        .expect("fixture is JSON");
    assert_eq!(fixture["month"], SAMPLE_MONTH);
    assert_eq!(fixture["asOf"], SAMPLE_AS_OF);
    let estate = demo_estate().expect("demo estate");
    let records = estate.records().expect("every demo record reads");
    let portfolio = Portfolio::new(records.iter().map(|(id, r)| (*id, r)));
    let month: Month = SAMPLE_MONTH.parse().expect("month");
    for (name, scope) in [
        ("A1", Scope::areas("一区", ["A1"])),
        ("A2", Scope::areas("二区", ["A2"])),
        ("P1", Scope::areas("翠湖花园", ["A1", "A2"])),
    ] {
        let got = monthly_statistics(&portfolio, &scope, month, sample_as_of()).summary();
        let expected = &fixture["scopes"][name];
        for key in expected.as_object().expect("scope is an object").keys() {
            assert_eq!(got[key], expected[key], "{name}: {key}");
        }
        assert_eq!(&got, expected, "{name}: the whole summary");
    }
}

/// 《月服务质量报告》 (004 §4.4.2 b) reads the same repairs as the table: its counts agree
/// with the hand-computed repair indicators, and its scales add up to the repairs.
#[test]
fn the_quality_report_agrees_with_the_table() {
    let estate = demo_estate().expect("demo estate");
    let records = estate.records().expect("every demo record reads");
    let portfolio = Portfolio::new(records.iter().map(|(id, r)| (*id, r)));
    let month: Month = SAMPLE_MONTH.parse().expect("month");
    let scope = Scope::areas("翠湖花园", ["A1", "A2"]);
    let s = monthly_statistics(&portfolio, &scope, month, sample_as_of());
    let q = &s.repair_quality;
    let indicator = |key: &str| {
        let i = s
            .indicators
            .iter()
            .find(|i| i.key == key)
            .expect("indicator");
        (i.numerator, i.denominator)
    };
    assert!(q.received > 0, "the sample month has repairs");
    assert_eq!(
        indicator("repair_response"),
        (q.responded_in_time, q.received)
    );
    assert_eq!(indicator("repair_callback"), (q.called_back, q.received));
    assert_eq!(indicator("repair_satisfied"), (q.satisfied, q.received));
    assert_eq!(
        q.household + q.public,
        q.received,
        "every repair is household or public"
    );
    assert_eq!(
        q.by_scale.iter().map(|l| l.received).sum::<usize>(),
        q.received
    );
    assert!(q.completed_in_time <= q.completed && q.completed <= q.received);
}

/// The quarterly table (004 §4.3.6 c "按月度和季度输出") adds its three months up; visit
/// coverage, counted over the half-year round, reads as the quarter's last month.
#[test]
fn a_quarter_adds_up_its_three_months() {
    use estate_core::rules::statistics::{quarter_start, quarterly_statistics};
    assert_eq!(
        quarter_start("2026-Q4").map(|m| m.to_string()).ok(),
        Some("2026-10".to_owned())
    );
    assert!(quarter_start("2026-Q5").is_err() && quarter_start("2026-10").is_err());
    let estate = demo_estate().expect("demo estate");
    let records = estate.records().expect("every demo record reads");
    let portfolio = Portfolio::new(records.iter().map(|(id, r)| (*id, r)));
    let scope = Scope::areas("翠湖花园", ["A1", "A2"]);
    let first: Month = SAMPLE_MONTH.parse().expect("month");
    let q = quarterly_statistics(&portfolio, &scope, first, sample_as_of());
    assert_eq!(q.quarter, "2026-Q4");
    let months: Vec<_> = [first, first.next(), first.next().next()]
        .into_iter()
        .map(|m| monthly_statistics(&portfolio, &scope, m, sample_as_of()))
        .collect();
    for i in &q.indicators {
        let of = |s: &estate_core::rules::MonthlyStatistics| {
            s.indicators
                .iter()
                .find(|x| x.key == i.key)
                .map_or((0, 0), |x| (x.numerator, x.denominator))
        };
        let expected = if i.key == "visit_coverage" {
            of(&months[2])
        } else {
            months
                .iter()
                .map(of)
                .fold((0, 0), |(n, d), (a, b)| (n + a, d + b))
        };
        assert_eq!((i.numerator, i.denominator), expected, "{}", i.key);
    }
    let received: usize = q.categories.iter().map(|c| c.received).sum();
    let monthly: usize = months
        .iter()
        .flat_map(|s| &s.categories)
        .map(|c| c.received)
        .sum();
    assert_eq!(received, monthly);
    assert!(received > 0, "October's tickets are in the quarter");
}
