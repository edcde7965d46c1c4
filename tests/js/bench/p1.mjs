// The P1 workload from the JS side: an area index document listing N unit documents.
//
//   node bench/p1.mjs seed <wsUrl> <count> [--batch B] [--window W] [--timeout-ms T] [--stall-ms S]
//     One client creates the index {kind:"area-index", areaId:"bench", name:"压测片区",
//     entries:{}} and <count> unit documents {kind:"unit", code, building:"B",
//     areaId:"bench", status:"occupied"}, adding entries[documentId] = {kind:"unit", code}
//     (one index change per batch of B documents, default 100). It creates no more while
//     W created documents have had no message back from the server (--window, default 500;
//     0 sends everything as fast as the client can; on a loaded machine the stock server's
//     5 s keep-alive then dropped the writer). Seeding is setup, not the measured part. Done
//     when a second, independent connection sees the index with all <count> entries and
//     can fetch the last unit created. Prints {"indexUrl":..., "count":N, "seedMs":...}.
//
//   node bench/p1.mjs fetch <wsUrl> <indexUrl> [--expect N] [--chunk C] [--timeout-ms T] [--stall-ms S]
//     A fresh, empty client finds the index (waiting for N entries if --expect is given),
//     then asks for every listed document without waiting for any of them, and waits until
//     all are ready. It yields to the event loop after starting each C finds (default 50)
//     so that the socket keeps being served (pings answered) while thousands start.
//     Prints {"count":N, "ms":..., "messages":..., "clientCpuMs":..., "gcMs":..., "heapMb":...,
//     "externalMb":...}: wall-clock ms from start to the last document ready, the messages
//     the client received, the CPU time the client itself spent meanwhile (which tells a
//     busy client from a slow server), the garbage collector's pauses in it, and the
//     client's largest JS heap and memory outside it (Automerge's WebAssembly memory,
//     mostly), sampled every 500 ms.
//
// On any failure — the server closing the connection, a timeout (default 540000 ms), or no
// progress for --stall-ms (default 60000 ms) — it prints {"error": "..."} and exits 2.
// Bad arguments: a message on stderr, exit 64.
import { connected, connectionState, createAs, deviceOf, findWithRetry, onServerMessage, plain, waitFor } from "../lib/repo.mjs";
import { PerformanceObserver, monitorEventLoopDelay } from "node:perf_hooks";
import { finish, intOption, runCli } from "../lib/cli.mjs";

const USAGE = [
  "node bench/p1.mjs seed <wsUrl> <count> [--batch B] [--window W] [--timeout-ms T] [--stall-ms S]",
  "node bench/p1.mjs fetch <wsUrl> <indexUrl> [--expect N] [--chunk C] [--timeout-ms T] [--stall-ms S]",
].join("\n       ");

const round = (ms) => Math.round(ms * 10) / 10;
const pad2 = (n) => String(n).padStart(2, "0");

/** Unit code number i: stairwell, floor 01–99, unit 01–20, e.g. B-1-0101. */
export function unitCode(i) {
  const perStair = 99 * 20;
  const stair = 1 + Math.floor(i / perStair);
  const rest = i % perStair;
  return `B-${stair}-${pad2(1 + Math.floor(rest / 20))}${pad2(1 + (rest % 20))}`;
}

/** Fails via `failWith` if `progress()` does not change for `stallMs`. Returns a stop function. */
function watchdog(stallMs, failWith, progress, doing) {
  let last = progress();
  let since = performance.now();
  const timer = setInterval(() => {
    const now = progress();
    if (now !== last) {
      last = now;
      since = performance.now();
    } else if (performance.now() - since > stallMs) {
      failWith(`no progress for ${stallMs} ms while ${doing()} (at ${now})`);
    }
  }, Math.min(1_000, stallMs));
  timer.unref();
  return () => clearInterval(timer);
}

/**
 * From now on: the garbage collector's pauses, and the largest JS heap and memory outside
 * it (MB) seen.
 */
function watchMemory() {
  let gcMs = 0;
  let heapMb = 0;
  let externalMb = 0;
  const gc = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) gcMs += entry.duration;
  });
  gc.observe({ entryTypes: ["gc"] });
  const sample = () => {
    const { heapUsed, external } = process.memoryUsage();
    heapMb = Math.max(heapMb, heapUsed / 1e6);
    externalMb = Math.max(externalMb, external / 1e6);
  };
  const timer = setInterval(sample, 500);
  timer.unref();
  return {
    stop() {
      sample();
      clearInterval(timer);
      gc.disconnect();
      return { gcMs, heapMb, externalMb };
    },
  };
}

async function seed({ positional, options, deadline, stage, failWith }) {
  const [wsUrl, countArg] = positional;
  const count = Number(countArg);
  if (!Number.isInteger(count) || count <= 0) throw new Error(`count must be a positive integer, got ${countArg}`);
  const batch = intOption(options, "batch", 100);
  const window = options.window === "0" ? 0 : intOption(options, "window", 500);
  const stallMs = intOption(options, "stall-ms", 60_000);
  const start = performance.now();

  stage.now = "connecting the writer";
  const writer = await connected(wsUrl, "writer", deadline, failWith);
  const device = await deviceOf(wsUrl);
  const index = createAs(writer, { kind: "area-index", areaId: "bench", name: "压测片区", entries: {} }, device);
  const unanswered = new Set(); // created documents the server has not yet sent anything about
  onServerMessage(writer, (m) => unanswered.delete(m.documentId));
  let created = 0;
  let seen = 0;
  let reader;
  const received = () => connectionState(writer).received + (reader ? connectionState(reader).received : 0);
  const stop = watchdog(stallMs, failWith, () => `${created} created, ${seen} seen, ${received()} messages received`, () => stage.now);

  stage.now = `creating ${count} unit documents`;
  let last;
  for (let i = 0; i < count; i += batch) {
    if (window > 0 && unanswered.size > window) {
      stage.now = `creating unit documents: waiting for the server to answer (${unanswered.size} unanswered)`;
      await waitFor(() => unanswered.size <= window, {
        timeoutMs: Math.max(0, deadline - performance.now()),
        what: `the server to answer about created documents (${unanswered.size} unanswered)`,
      });
      stage.now = `creating ${count} unit documents`;
    }
    const added = [];
    for (let j = i; j < Math.min(count, i + batch); j++) {
      const code = unitCode(j);
      last = createAs(writer, { kind: "unit", code, building: "B", areaId: "bench", status: "occupied" }, device);
      added.push([last.documentId, code]);
      if (window > 0) unanswered.add(last.documentId);
    }
    index.change((d) => {
      for (const [id, code] of added) d.entries[id] = { kind: "unit", code };
    });
    created += added.length;
    await new Promise((r) => setImmediate(r)); // let the socket send what is queued
  }

  stage.now = `waiting for a second connection to see ${count} index entries`;
  reader = await connected(wsUrl, "reader", deadline, failWith);
  const found = await findWithRetry(reader, index.url, deadline);
  await waitFor(() => {
    seen = Object.keys(found.doc().entries ?? {}).length;
    return seen === count;
  }, { timeoutMs: Math.max(0, deadline - performance.now()), what: `${count} entries in the index on a second connection` });
  stage.now = `fetching the last unit ${last.url} on the second connection`;
  const lastFound = await findWithRetry(reader, last.url, deadline);
  const lastCode = plain(lastFound.doc().code);
  if (lastCode !== unitCode(count - 1)) throw new Error(`the last unit has code ${lastCode}, expected ${unitCode(count - 1)}`);
  const seedMs = performance.now() - start;
  stop();
  finish({ indexUrl: index.url, count, seedMs: round(seedMs) });
}

async function fetchAll({ positional, options, deadline, stage, failWith }) {
  const [wsUrl, indexUrl] = positional;
  const expect = intOption(options, "expect", undefined);
  const chunk = intOption(options, "chunk", 50);
  const stallMs = intOption(options, "stall-ms", 60_000);
  const start = performance.now();
  const cpuAtStart = process.cpuUsage();
  const memory = watchMemory();

  stage.now = "connecting";
  const repo = await connected(wsUrl, "client", deadline, failWith);
  stage.now = `finding the index ${indexUrl}`;
  const index = await findWithRetry(repo, indexUrl, deadline);
  if (expect !== undefined) {
    stage.now = `waiting for ${expect} index entries`;
    await waitFor(() => Object.keys(index.doc().entries ?? {}).length >= expect, {
      timeoutMs: Math.max(0, deadline - performance.now()),
      what: `${expect} entries in the index`,
    });
  }
  const entries = Object.entries(index.doc().entries ?? {});
  if (entries.length === 0) throw new Error("the index lists no documents");

  let ready = 0;
  let lastReady = start;
  stage.now = `finding ${entries.length} documents`;
  const stop = watchdog(stallMs, failWith, () => `${ready} ready, ${connectionState(repo).received} messages received`, () => stage.now);
  const pending = [];
  for (let i = 0; i < entries.length; i += chunk) {
    for (const [id] of entries.slice(i, i + chunk)) {
      pending.push(
        findWithRetry(repo, `automerge:${id}`, deadline).then((handle) => {
          ready += 1;
          lastReady = performance.now();
          return handle;
        }),
      );
    }
    await new Promise((r) => setImmediate(r));
  }
  const handles = await Promise.all(pending);
  stop();
  const ms = lastReady - start;
  const cpu = process.cpuUsage(cpuAtStart);
  const { gcMs, heapMb, externalMb } = memory.stop();
  // Checked after the clock stops: each document is the one its index entry describes.
  entries.forEach(([id, raw], i) => {
    const entry = plain(raw);
    const doc = plain(handles[i].doc());
    if (entry?.kind !== undefined && doc.kind !== entry.kind) {
      throw new Error(`document ${id} has kind ${doc.kind}, the index says ${entry.kind}`);
    }
    if (entry?.kind === "unit" && entry.code !== undefined && doc.code !== entry.code) {
      throw new Error(`document ${id} has code ${doc.code}, the index says ${entry.code}`);
    }
  });
  finish({
    count: entries.length,
    ms: round(ms),
    messages: connectionState(repo).received,
    clientCpuMs: round((cpu.user + cpu.system) / 1000),
    gcMs: round(gcMs),
    heapMb: Math.round(heapMb),
    externalMb: Math.round(externalMb),
  });
}

const mode = process.argv[2];
const modes = { seed: [seed, 2, ["batch", "window", "stall-ms"]], fetch: [fetchAll, 2, ["expect", "chunk", "stall-ms"]] };
if (!modes[mode]) {
  process.stderr.write(`p1: unknown mode ${mode ?? "(none)"}\nusage: ${USAGE}\n`);
  process.exit(64);
}
const [run, arity, flags] = modes[mode];
process.argv.splice(2, 1);
const lag = monitorEventLoopDelay({ resolution: 20 });
lag.enable();
runCli(USAGE, flags, 540_000, async (args) => {
  if (args.positional.length !== arity) {
    process.stderr.write(`p1: expected ${arity} arguments after ${mode}, got ${args.positional.length}\nusage: ${USAGE}\n`);
    process.exit(64);
  }
  await run(args);
}, {
  // The client's own event-loop delay tells a slow server from a busy client.
  onFailure: (message) => finish({ error: `${message}; client event-loop delay max ${Math.round(lag.max / 1e6)} ms` }, 2),
});
