//! P2 with JS clients: pairs of JS automerge-repo clients (`tests/js/bench/pairs.mjs`),
//! one appending events to a note and the other watching it, each on its own connection,
//! through our server (two devices of one housekeeper; every edit committed before it is
//! relayed) and through the stock Node server (which commits nothing). The rounds
//! alternate between the servers so both see the same machine, and each server's
//! latencies are pooled over its rounds.

use std::time::Duration;

use anyhow::Context;
use sync_server::client::sign_in;
use sync_server::demo::DEMO_PASSWORD;

use super::p1::node;
use super::process::ServerProcess;
use super::stock::Stock;
use super::{Row, quantile};

/// The demo's housekeeper of area A1, whose two devices make each pair on our server.
const USER: &str = "hk-zhang";
const AREA: &str = "A1";

/// Latencies pooled over one server's rounds.
#[derive(Default)]
struct Pooled {
    times: Vec<f64>,
    edits: usize,
    lost: usize,
    /// The clients' CPU time, and the rounds' length, in ms.
    cpu_ms: f64,
    wall_ms: f64,
}

impl Pooled {
    fn add(&mut self, out: &serde_json::Value, seconds: u32) -> anyhow::Result<()> {
        let number = |key: &str| out[key].as_f64().with_context(|| format!("{key} in {out}"));
        let times = out["times"].as_array().context("times")?;
        self.times
            .extend(times.iter().filter_map(serde_json::Value::as_f64));
        self.edits += number("edits")? as usize;
        self.lost += number("lost")? as usize;
        self.cpu_ms += number("clientCpuMs")?;
        self.wall_ms += f64::from(seconds) * 1000.0;
        Ok(())
    }

    fn p99(&self) -> f64 {
        quantile(&self.times, 0.99)
    }

    fn describe(&self) -> String {
        format!(
            "p50 {:.1} ms, p99 {:.1} ms ({} of {} edits not seen within 10 s; the clients busy {:.0} % of the edits' time)",
            quantile(&self.times, 0.5),
            self.p99(),
            self.lost,
            self.edits,
            100.0 * self.cpu_ms / self.wall_ms
        )
    }
}

pub async fn rows(quick: bool) -> anyhow::Result<Vec<Row>> {
    let (pairs, rate, seconds, rounds) = if quick {
        (4, 20, 2, 1)
    } else {
        (20, 100, 10, 2)
    };
    let dir = tempfile::tempdir()?;
    let ours = ServerProcess::spawn(dir.path(), None, &["--demo"])?;
    let mut stock = Stock::spawn()?;
    let mut url = Vec::new();
    for device in ["配对压测 写", "配对压测 读"] {
        let credentials = sign_in(ours.addr, USER, DEMO_PASSWORD, device).await?;
        url.push(format!(
            "ws://{}/sync?token={}",
            ours.addr, credentials.token
        ));
    }
    let options = [
        "--pairs".to_owned(),
        pairs.to_string(),
        "--rate".into(),
        rate.to_string(),
        "--seconds".into(),
        seconds.to_string(),
        "--area".into(),
        AREA.into(),
        "--by".into(),
        USER.into(),
    ];
    let run = |writer: &str, reader: &str| {
        let mut args = vec!["bench/pairs.mjs", writer, reader];
        args.extend(options.iter().map(String::as_str));
        node(&args, Duration::from_secs(120))
    };
    let (mut mine, mut theirs) = (Pooled::default(), Pooled::default());
    for _ in 0..rounds {
        mine.add(
            &run(&url[0], &url[1]).context("through our server")?,
            seconds,
        )?;
        let through_stock = run(&stock.ws, &stock.ws).map_err(|e| stock.explain(e));
        theirs.add(&through_stock.context("through the stock server")?, seconds)?;
    }
    ours.stop();
    Ok(vec![Row {
        id: "P2",
        what: format!(
            "{pairs} pairs of JS automerge-repo clients, {rate} edits/s in all for {seconds} s, {}: an edit on one client → arrival on the other (two devices of one housekeeper, each edit committed before it is relayed)",
            if rounds == 1 {
                "one round beside the stock server's".to_owned()
            } else {
                format!("{rounds} rounds alternating with the stock server's")
            }
        ),
        ours: mine.describe(),
        baseline: format!("stock Node server (commits nothing): {}", theirs.describe()),
        ratio: format!("p99 {:.2}× the stock server's", mine.p99() / theirs.p99()),
        verdict: (!quick).then_some(mine.p99() <= theirs.p99() && mine.lost == 0),
    }])
}
