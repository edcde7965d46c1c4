// P2 from the JS side: pairs of JS automerge-repo clients, one editing a document, the
// other watching it, each on its own connection; the time from an edit to its arrival.
//
//   node bench/pairs.mjs <writerWsUrl> <readerWsUrl> [--pairs P] [--rate R] [--seconds S]
//                        [--area A] [--by USER] [--timeout-ms T]
//     Each of P writers (default 20) creates a note {kind:"note", areaId:A (default "A1"),
//     text:"配对压测", events:[]} and its reader, on another connection, finds it. Then the
//     writers append events to their notes' journals in turn (a server that keeps records
//     takes appends, not rewrites), R edits a second in all (default 100) for S seconds
//     (default 10), and each reader notes when it sees each event (a later one seen first
//     counts for the earlier ones too). Events are signed by USER (default "hk-zhang"), the
//     person the writer URL's token signs in. An edit not seen within 10 s is lost.
//     Prints {"edits":N, "lost":L, "p50":ms, "p99":ms, "times":[ms…], "rate":achieved,
//     "clientCpuMs":...}: `times` are every arrival's latency, sorted, for pooling runs.
//
// The two URLs differ on a server that signs devices in (two devices of one person);
// on the stock server they are the same. Failure: {"error": "..."} and exit 2.
import { connected, createAs, deviceOf, findWithRetry, waitFor } from "../lib/repo.mjs";
import { finish, intOption, runCli } from "../lib/cli.mjs";

const USAGE = "node bench/pairs.mjs <writerWsUrl> <readerWsUrl> [--pairs P] [--rate R] [--seconds S] [--area A] [--by USER]";
const LOST_AFTER_MS = 10_000;

const round = (ms) => Math.round(ms * 10) / 10;
const sleepUntil = (at) => new Promise((r) => setTimeout(r, Math.max(0, at - performance.now())));

function quantile(sorted, q) {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/** One writer and its reader over one document; `sent[n]` is when value n was written. */
async function pair(writerUrl, readerUrl, area, deadline, failWith, device) {
  const writer = await connected(writerUrl, "writer", deadline, failWith);
  const reader = await connected(readerUrl, "reader", deadline, failWith);
  const handle = createAs(writer, { kind: "note", areaId: area, text: "配对压测", events: [] }, device);
  const watched = await findWithRetry(reader, handle.url, deadline);
  const state = { handle, count: 0, sent: [], arrived: [], seen: 0 };
  watched.on("change", ({ doc }) => {
    const now = performance.now();
    const seen = doc.events?.length ?? 0;
    for (let n = state.seen + 1; n <= seen; n++) state.arrived[n] = now - state.sent[n];
    state.seen = Math.max(state.seen, seen);
  });
  return state;
}

runCli(USAGE, ["pairs", "rate", "seconds", "area", "by"], 300_000, async ({ positional, options, deadline, stage, failWith }) => {
  if (positional.length !== 2) throw new Error(`expected 2 arguments, got ${positional.length}`);
  const [writerUrl, readerUrl] = positional;
  const pairs = intOption(options, "pairs", 20);
  const rate = intOption(options, "rate", 100);
  const seconds = intOption(options, "seconds", 10);
  const area = options.area ?? "A1";
  const by = options.by ?? "hk-zhang";
  const device = await deviceOf(writerUrl);

  stage.now = `connecting ${pairs} pairs`;
  const all = [];
  for (let i = 0; i < pairs; i++) all.push(await pair(writerUrl, readerUrl, area, deadline, failWith, device));

  stage.now = `editing at ${rate}/s`;
  const total = rate * seconds;
  const cpuAtStart = process.cpuUsage();
  const start = performance.now();
  for (let k = 0; k < total; k++) {
    await sleepUntil(start + (k * 1000) / rate);
    const p = all[k % pairs];
    const n = ++p.count;
    p.sent[n] = performance.now();
    p.handle.change((d) => {
      d.events.push({ id: `${p.handle.documentId}-${n}`, type: "note", note: `配对压测 ${n}`, by });
    });
  }
  const achieved = total / ((performance.now() - start) / 1000);
  stage.now = "waiting for the last edits to arrive";
  await waitFor(() => all.every((p) => p.seen === p.count), { timeoutMs: LOST_AFTER_MS, what: "every edit" }).catch(() => {});
  const cpu = process.cpuUsage(cpuAtStart);
  const times = all.flatMap((p) => p.arrived.filter((ms) => ms !== undefined && ms <= LOST_AFTER_MS)).sort((a, b) => a - b);
  if (times.length === 0) throw new Error("no edit arrived");
  finish({
    edits: total,
    lost: total - times.length,
    p50: round(quantile(times, 0.5)),
    p99: round(quantile(times, 0.99)),
    times: times.map(round),
    rate: round(achieved),
    clientCpuMs: round((cpu.user + cpu.system) / 1000),
  });
}, { onFailure: (message) => finish({ error: message }, 2) });
