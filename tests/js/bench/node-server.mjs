// node bench/node-server.mjs --port P --dir D
// node bench/node-server.mjs --listen HOST:PORT --data D   (the same, in the project server's flags)
// The stock automerge-repo sync server, for comparison: NodeWSServerAdapter on a `ws`
// WebSocketServer, NodeFSStorageAdapter(D), a Repo that announces nothing
// (sharePolicy false). It accepts WebSocket upgrades on any path, so clients use
// ws://127.0.0.1:PORT/sync as with the project server. Port 0 picks a free port; the
// real one is printed as `listening on http://127.0.0.1:PORT` once ready.
import http from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { WebSocketServer } from "ws";
import { Repo } from "@automerge/automerge-repo";
import { NodeWSServerAdapter } from "@automerge/automerge-repo-network-websocket";
import { NodeFSStorageAdapter } from "@automerge/automerge-repo-storage-nodefs";
import { parseArgs } from "../lib/cli.mjs";

/** How long the repo may take to read its storage ID before the server gives up. */
const READY_WITHIN_MS = 30_000;
const USAGE = "node bench/node-server.mjs --port P --dir D | --listen HOST:PORT --data D";
let host = "127.0.0.1";
let port;
let dir;
try {
  const { positional, options } = parseArgs(process.argv.slice(2), ["port", "dir", "listen", "data"]);
  if (positional.length) throw new Error(`unexpected argument ${positional[0]}`);
  if (options.listen) {
    const m = /^(.*):(\d+)$/.exec(options.listen);
    if (!m) throw new Error(`--listen wants HOST:PORT, got ${options.listen}`);
    [, host, port] = m;
  }
  port = Number(options.port ?? port);
  dir = options.dir ?? options.data;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error("a port is required (--port P or --listen HOST:PORT)");
  if (!dir) throw new Error("a storage directory is required (--dir D or --data D)");
} catch (e) {
  process.stderr.write(`node-server: ${e.message}\nusage: ${USAGE}\n`);
  process.exit(64);
}

const server = http.createServer((_req, res) => {
  res.writeHead(426, { "content-type": "text/plain" }).end("WebSocket only\n");
});
const wss = new WebSocketServer({ server });
const repo = new Repo({
  network: [new NodeWSServerAdapter(wss)],
  storage: new NodeFSStorageAdapter(dir),
  sharePolicy: async () => false,
});

// The adapter takes connections only once the repo has read its storage ID from disk;
// a client let in before then would be left unanswered, so the port opens after (or the
// server gives up, should the storage never answer).
if (wss.listenerCount("connection") === 0) {
  // `newListener` comes just before the listener is added.
  const adapterListens = new Promise((resolve) => {
    wss.on("newListener", function seen(event) {
      if (event !== "connection") return;
      wss.off("newListener", seen);
      setImmediate(resolve);
    });
  });
  await Promise.race([adapterListens, sleep(READY_WITHIN_MS, "late")]).then((late) => {
    if (late !== "late") return;
    process.stderr.write(`node-server: the repo did not start listening within ${READY_WITHIN_MS} ms\n`);
    process.exit(1);
  });
}
server.listen(port, host, () => {
  const { address, port: real } = server.address();
  console.log(`listening on http://${address}:${real}`);
});

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, async () => {
    await repo.flush().catch(() => {});
    process.exit(0);
  });
}
