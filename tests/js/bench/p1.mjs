// The P1 workload from the JS side: an area index document listing N unit documents.
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
import { connected, connectionState, findWithRetry, plain, waitFor } from "../lib/repo.mjs";
import { PerformanceObserver, monitorEventLoopDelay } from "node:perf_hooks";
import { finish, intOption, runCli } from "../lib/cli.mjs";

const USAGE = "node bench/p1.mjs fetch <wsUrl> <indexUrl> [--expect N] [--chunk C] [--timeout-ms T] [--stall-ms S]";

const round = (ms) => Math.round(ms * 10) / 10;

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
const modes = { fetch: [fetchAll, 2, ["expect", "chunk", "stall-ms"]] };
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
