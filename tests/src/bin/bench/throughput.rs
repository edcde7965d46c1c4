//! P4: how many edits a second the server takes while every one still arrives on another
//! phone within 50 ms at the 99th percentile. The same fleet of phones steps up the rate
//! on our server (SQLite, then PostgreSQL) and on the stock Node server holding the same
//! documents; each server's memory is read from `/proc` at its busiest.

use std::time::Duration;

use estate_core::demo::bench_company;
use sync_server::config::Database;

use super::load::{Fleet, Latency, Shape, edits, prepare};
use super::process::{CpuShare, ServerProcess, rss_mb_of};
use super::stock::{self, Stock};
use super::{Row, fresh_postgres};

/// What a server sustained: the highest rate whose p99 stayed within 50 ms with nothing
/// lost, its latency there, and the server's largest memory over the steps.
struct Sustained {
    rate: Option<(f64, Latency)>,
    steps: Vec<Step>,
    rss_mb: f64,
}

impl Sustained {
    /// The highest rate asked of a step it held.
    fn held_rate(&self) -> Option<f64> {
        self.steps.iter().rev().find(|s| s.held()).map(|s| s.rate)
    }

    /// The server's memory after the highest step it held at or below `rate`.
    fn rss_at(&self, rate: f64) -> Option<f64> {
        let held = self.steps.iter().rev().find(|s| s.held() && s.rate <= rate);
        held.map(|s| s.rss_mb)
    }
}

/// One step of the ramp: the rate asked, its p99, the edits lost, how busy the server
/// and the load generator were (percent of one core), and the server's memory after it.
struct Step {
    rate: f64,
    p99: f64,
    lost: usize,
    server_cpu: f64,
    generator_cpu: f64,
    rss_mb: f64,
    /// A first try's p99 that missed, when the step was run again.
    missed_first: Option<f64>,
}

impl Step {
    fn held(&self) -> bool {
        self.p99 <= 50.0 && self.lost == 0
    }
}

/// Steps the rate up on the server whose process is `pid` until a step's p99 passes
/// 50 ms or an edit is lost, then tries the rate halfway (geometrically) between the last
/// step held and the one missed, so what holds is told within about 19 % rather than the
/// steps' 41 %.
async fn ramp(fleet: &Fleet, rates: &[f64], seconds: f64, pid: u32) -> anyhow::Result<Sustained> {
    let mut sustained = Sustained {
        rate: None,
        steps: Vec::new(),
        rss_mb: rss_mb_of(pid)?,
    };
    let mut missed = None;
    for &rate in rates {
        if !sustained.step(fleet, rate, seconds, pid).await? {
            missed = Some(rate);
            break;
        }
    }
    if let (Some(missed), Some(held)) = (missed, sustained.held_rate()) {
        sustained
            .step(fleet, (held * missed).sqrt(), seconds, pid)
            .await?;
    }
    Ok(sustained)
}

impl Sustained {
    /// Runs one step at `rate` and keeps it; whether it held. A step that misses is run
    /// once more, since a 5 s step's p99 is its second-worst edit or so, and one stall of
    /// the shared machine would otherwise end the ramp.
    async fn step(
        &mut self,
        fleet: &Fleet,
        rate: f64,
        seconds: f64,
        pid: u32,
    ) -> anyhow::Result<bool> {
        let mut missed_first = None;
        let (step, latency) = loop {
            let cpu = CpuShare::start(vec![pid, std::process::id()])?;
            let latency = edits(fleet, rate, seconds, rate as u64).await?;
            let [server_cpu, generator_cpu] = cpu.percent()?[..] else {
                unreachable!("two processes measured")
            };
            let step = Step {
                rate,
                p99: latency.p99,
                lost: latency.lost,
                server_cpu,
                generator_cpu,
                rss_mb: rss_mb_of(pid)?,
                missed_first,
            };
            // Let the step's stragglers settle before the next.
            tokio::time::sleep(Duration::from_millis(500)).await;
            if step.held() || missed_first.is_some() {
                break (step, latency);
            }
            missed_first = Some(step.p99);
        };
        self.rss_mb = self.rss_mb.max(step.rss_mb);
        let held = step.held();
        self.steps.push(step);
        if held && self.rate.as_ref().is_none_or(|(r, _)| *r < latency.rate) {
            self.rate = Some((latency.rate, latency));
        }
        Ok(held)
    }
}

pub async fn rows(quick: bool) -> anyhow::Result<Vec<Row>> {
    let shape = if quick {
        Shape {
            areas: 2,
            documents: 30,
            phones: 20,
        }
    } else {
        Shape {
            areas: 10,
            documents: 50,
            phones: 100,
        }
    };
    let rates: &[f64] = if quick {
        &[20.0, 40.0]
    } else {
        // Steps of about √2 from 25/s (the stock server held none of 100, 200, 400 …
        // when the ramp started there), and one halfway step at the end (`ramp`).
        &[
            25.0, 35.0, 50.0, 70.0, 100.0, 140.0, 200.0, 280.0, 400.0, 560.0, 800.0, 1_600.0,
            3_200.0,
        ]
    };
    let seconds = if quick { 2.0 } else { 5.0 };

    let stock = stock_run(shape, rates, seconds).await;
    let mut results = Vec::new();
    let dir = tempfile::tempdir()?;
    let phones = prepare(&Database::SqliteIn(dir.path().to_owned()), shape).await?;
    let server = ServerProcess::spawn(dir.path(), None, &[])?;
    let fleet = Fleet::connect(&phones, &[server.addr], 50).await?;
    let ours = ramp(&fleet, rates, seconds, server.pid()).await;
    fleet.close();
    server.stop();
    results.push(("our server, SQLite", ours?));
    if let Some(url) = fresh_postgres().await? {
        let phones = prepare(&Database::Url(url.clone()), shape).await?;
        let dir = tempfile::tempdir()?;
        let server = ServerProcess::spawn(dir.path(), Some(&url), &[])?;
        let fleet = Fleet::connect(&phones, &[server.addr], 50).await?;
        let ours = ramp(&fleet, rates, seconds, server.pid()).await;
        fleet.close();
        server.stop();
        results.push(("our server, PostgreSQL", ours?));
    }
    let anchor = match &stock {
        Ok(s) => format!("stock Node server: {}", shown(s)),
        Err(e) => format!("stock Node server failed: {e:#}").replace('|', "/"),
    };
    Ok(results
        .into_iter()
        .map(|(what, ours)| {
            let (ratio, verdict) = match (&stock, &ours.rate) {
                (Ok(s), Some((mine, _))) => {
                    // Memory at the same load: both after the step the stock server held
                    // last (or, when it held none, ours after its first and theirs at
                    // their busiest).
                    let same_load = s.held_rate().unwrap_or(rates[0]);
                    let memory = ours.rss_at(same_load).unwrap_or(ours.rss_mb)
                        / s.rss_at(same_load).unwrap_or(s.rss_mb);
                    let (rate, faster) = match &s.rate {
                        Some((theirs, _)) => (
                            format!("{:.1}× the stock server's rate", mine / theirs),
                            mine / theirs >= 5.0,
                        ),
                        // The stock server held no step within 50 ms: its rate is below
                        // the first step's, so ours is at least this many times it.
                        None => (
                            format!(
                                "the stock server held none of the steps (under {:.0}/s): at least {:.1}× its rate",
                                rates[0],
                                mine / rates[0]
                            ),
                            mine / rates[0] >= 5.0,
                        ),
                    };
                    (
                        format!(
                            "{rate}; {memory:.2}× its memory at the same load ({same_load:.0}/s), {:.2}× each at its busiest",
                            ours.rss_mb / s.rss_mb
                        ),
                        (!quick).then_some(faster && memory <= 0.25),
                    )
                }
                _ => ("—".into(), (!quick).then_some(false)),
            };
            Row {
                id: "P4",
                what: format!(
                    "{} phones in {} areas, {} s a step, rates {:?}/s and halfway between the last held and the first missed: {what}",
                    shape.phones, shape.areas, seconds, rates
                ),
                ours: shown(&ours),
                baseline: anchor.clone(),
                ratio,
                verdict,
            }
        })
        .collect())
}

fn shown(s: &Sustained) -> String {
    let steps: Vec<String> = s
        .steps
        .iter()
        .map(|step| {
            format!(
                "{:.0}/s p99 {:.0} ms{}{} (CPU: server {:.0} %, load generator {:.0} %; RSS {:.0} MB)",
                step.rate,
                step.p99,
                if step.lost > 0 {
                    format!(", {} lost", step.lost)
                } else {
                    String::new()
                },
                step.missed_first
                    .map(|p99| format!(" on a second try (the first {p99:.0} ms)"))
                    .unwrap_or_default(),
                step.server_cpu,
                step.generator_cpu,
                step.rss_mb
            )
        })
        .collect();
    match &s.rate {
        Some((rate, l)) => format!(
            "{rate:.0} edits/s (p50 {:.1}, p99 {:.1} ms), RSS {:.0} MB; steps: {}",
            l.p50,
            l.p99,
            s.rss_mb,
            steps.join(", ")
        ),
        None => format!(
            "no step within 50 ms, RSS {:.0} MB; steps: {}",
            s.rss_mb,
            steps.join(", ")
        ),
    }
}

/// The same fleet on the stock Node server, which takes any connection: the estate
/// uploaded first, the phones with made-up device IDs.
async fn stock_run(shape: Shape, rates: &[f64], seconds: f64) -> anyhow::Result<Sustained> {
    let mut stock = Stock::spawn()?;
    let estate = bench_company(shape.areas, shape.documents)?;
    let indexes: Vec<_> = estate.areas.iter().map(|a| a.index).collect();
    stock::upload(&mut stock, estate).await?;
    let phones: Vec<_> = (0..shape.phones)
        .map(|i| (stock::phone(i + 1), indexes[i % indexes.len()]))
        .collect();
    let (addr, pid) = (stock.addr, stock.pid());
    stock
        .watching("the phones edit", async {
            let fleet = Fleet::connect(&phones, &[addr], 50).await?;
            let sustained = ramp(&fleet, rates, seconds, pid).await;
            fleet.close();
            sustained
        })
        .await
}
