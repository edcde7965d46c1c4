// The P1 workload from the JS side; prints one JSON line.
//   node bench/p1.mjs seed <wsUrl> <count>     one client creates an area index and <count> records
//   node bench/p1.mjs fetch <wsUrl> <indexUrl> an empty client fetches the index and every record
import { connect, findWithRetry } from "../lib/repo.mjs";
import { waitFor } from "../lib/server.mjs";

const [mode, wsUrl, arg] = process.argv.slice(2);
const fail = (error) => {
  console.log(JSON.stringify({ error: String(error?.message ?? error) }));
  process.exit(2);
};
process.on("uncaughtException", fail);
process.on("unhandledRejection", fail);

if (mode === "seed") {
  const count = Number(arg);
  const started = performance.now();
  const repo = connect(wsUrl);
  const index = repo.create({ kind: "area-index", areaId: "bench", name: "压测片区", entries: {} });
  index.change((d) => {
    for (let i = 0; i < count; i++) {
      const code = `${Math.floor(i / 60) + 1}-${Math.floor((i % 60) / 30) + 1}-${String((i % 30) + 101)}`;
      const record = repo.create({ kind: "unit", code, building: code.split("-")[0], areaId: "bench", status: "occupied" });
      d.entries[record.documentId] = { kind: "unit", code };
    }
  });
  // Seeded once a second, independent connection sees the whole index.
  const check = connect(wsUrl);
  const seen = await findWithRetry(check, index.url, 600_000);
  await waitFor("the whole index on the server", () => Object.keys(seen.doc().entries ?? {}).length === count, 600_000);
  console.log(JSON.stringify({ indexUrl: index.url, count, seedMs: Math.round(performance.now() - started) }));
  process.exit(0);
} else if (mode === "fetch") {
  const started = performance.now();
  const repo = connect(wsUrl);
  const index = await findWithRetry(repo, arg, 600_000);
  const ids = Object.keys(index.doc().entries ?? {});
  await Promise.all(ids.map((id) => findWithRetry(repo, `automerge:${id}`, 600_000)));
  console.log(JSON.stringify({ count: ids.length, ms: Math.round(performance.now() - started) }));
  process.exit(0);
} else {
  fail(`unknown mode ${mode}`);
}
