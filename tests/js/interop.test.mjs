// The independent JS automerge-repo client against a sync server speaking the
// automerge-repo network protocol v1 at ws://HOST:PORT/sync.
// The server command comes from SYNC_SERVER_CMD (a shell command line; `--listen
// 127.0.0.1:0 --data <fresh dir>` is appended); without it, the stock automerge-repo
// server in bench/node-server.mjs.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { randomBytes, randomUUID } from "node:crypto";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import WebSocket from "ws";
import { decode, encode } from "cbor-x";
import * as A from "@automerge/automerge";
import { generateAutomergeUrl, parseAutomergeUrl } from "@automerge/automerge-repo";
import { connect, createAs, findWithRetry, plain, sameJson, waitFor, writeAs } from "./lib/repo.mjs";
import { signIn, startServer } from "./lib/server.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const command = process.env.SYNC_SERVER_CMD || `${JSON.stringify(process.execPath)} ${JSON.stringify(join(here, "bench/node-server.mjs"))}`;
const WAIT_MS = 20_000;
const TEST = { timeout: 60_000 };

// Our server needs a signed-in device (the demo's housekeeper of area A1); the stock one
// takes anyone.
const ours = Boolean(process.env.SYNC_SERVER_CMD);
const server = await startServer({ command, demo: ours });
const signed = ours ? await signIn(server) : { ws: server.ws, device: null };
const repos = [];
const sockets = [];
function client() {
  const repo = connect(signed.ws);
  repos.push(repo);
  return repo;
}
const within = () => performance.now() + WAIT_MS;

after(async () => {
  for (const s of sockets) s.terminate();
  await Promise.allSettled(repos.map((r) => r.shutdown()));
  server.stop();
});

const CONTENT = {
  kind: "vacant-inspection",
  areaId: "A1",
  unitCode: "3-2-1201",
  notes: "门窗完好，无渗漏",
  ventilated: true,
  floor: 12,
  area: 89.5,
  inspector: null,
  checklist: { leaks: "normal", power: "off" },
  photos: ["a.jpg", "b.jpg"],
  events: [],
};

test("a document created by one JS client is read with identical content by an independent one", TEST, async () => {
  const a = client();
  const handle = createAs(a, structuredClone(CONTENT), signed.device);
  const b = client();
  const found = await findWithRetry(b, handle.url, within());
  const seen = await waitFor(() => {
    const doc = plain(found.doc());
    return sameJson(doc, CONTENT) && doc;
  }, { timeoutMs: WAIT_MS, what: `the content of ${handle.url} on client B` });
  assert.deepEqual(seen, CONTENT);
});

test("an edit made on the second client reaches the first", TEST, async () => {
  const a = client();
  const handle = createAs(a, structuredClone(CONTENT), signed.device);
  const b = client();
  const found = await findWithRetry(b, handle.url, within());
  await waitFor(() => found.doc().unitCode === CONTENT.unitCode, { timeoutMs: WAIT_MS, what: "the document on client B" });
  // A record changes by events appended to its journal; its header stays as made.
  const event = { id: "js-1", type: "note", by: "hk-zhang", note: "已通风" };
  writeAs(found, signed.device).change((d) => {
    d.events.push(event);
  });
  await waitFor(() => handle.doc().events.length === 1, { timeoutMs: WAIT_MS, what: "client B's edit on client A" });
  assert.deepEqual(plain(handle.doc()), { ...CONTENT, events: [event] });
});

/** A raw WebSocket that has joined; resolves to {socket, peerId, serverId, inbox, closed()}. */
async function rawJoin() {
  const socket = new WebSocket(signed.ws);
  sockets.push(socket);
  const inbox = [];
  let closed = false;
  socket.on("message", (bytes) => {
    try {
      inbox.push(decode(bytes));
    } catch (e) {
      inbox.push({ undecodable: String(e) });
    }
  });
  socket.on("close", () => {
    closed = true;
  });
  socket.on("error", () => {
    closed = true;
  });
  await new Promise((resolve, reject) => {
    socket.once("open", resolve);
    socket.once("error", reject);
  });
  const peerId = `raw-${randomUUID()}`;
  socket.send(encode({ type: "join", senderId: peerId, peerMetadata: {}, supportedProtocolVersions: ["1"] }));
  const peer = await waitFor(() => inbox.find((m) => m.type === "peer"), { timeoutMs: WAIT_MS, what: "the server's peer message" });
  assert.equal(peer.targetId, peerId);
  assert.equal(peer.selectedProtocolVersion, "1");
  assert.equal(typeof peer.senderId, "string");
  return { socket, peerId, serverId: peer.senderId, inbox, closed: () => closed };
}

/**
 * Sends a valid request for a document nobody has, then waits until the server has
 * dealt with everything sent before it: it answers that request, or closes the socket.
 */
async function settle({ socket, peerId, serverId, inbox, closed }) {
  if (closed()) return "closed";
  const documentId = parseAutomergeUrl(generateAutomergeUrl()).documentId;
  const [, data] = A.generateSyncMessage(A.init(), A.initSyncState());
  socket.send(encode({ type: "request", senderId: peerId, targetId: serverId, documentId, data }));
  return waitFor(() => (closed() ? "closed" : inbox.some((m) => m.documentId === documentId) && "answered"), {
    timeoutMs: WAIT_MS,
    what: "the server to answer a request sent after the bad frames, or to close the socket",
  });
}

async function stillServes() {
  const content = { still: "works", areaId: "A1", n: 1 };
  try {
    const handle = createAs(client(), content, signed.device);
    const found = await findWithRetry(client(), handle.url, within());
    await waitFor(() => sameJson(plain(found.doc()), content), { timeoutMs: WAIT_MS, what: "a new document through a new client" });
  } catch (e) {
    throw server.alive() ? e : new Error(`the server process has exited: ${e.message}`);
  }
  assert.ok(server.alive(), "the server process is still running");
}

test("a CBOR map with an unknown type after a valid join does not break the server", TEST, async () => {
  const raw = await rawJoin();
  raw.socket.send(encode({ type: "from-the-future", senderId: raw.peerId, targetId: raw.serverId, documentId: "x", data: new Uint8Array([1, 2, 3]) }));
  raw.socket.send(encode({ type: 42, senderId: raw.peerId }));
  raw.socket.send(encode({ senderId: raw.peerId }));
  const outcome = await settle(raw);
  assert.ok(["answered", "closed"].includes(outcome));
  await stillServes();
});

test("random bytes after a valid join do not break the server", TEST, async () => {
  const raw = await rawJoin();
  raw.socket.send(randomBytes(64));
  // 0xff is a CBOR break code with nothing to break: never a valid item.
  raw.socket.send(Buffer.concat([Buffer.from([0xff]), randomBytes(31)]));
  // A map header that promises 25 entries and ends.
  raw.socket.send(Buffer.from([0xb9, 0x00, 0x19, 0x64, 0x74, 0x79]));
  const outcome = await settle(raw);
  assert.ok(["answered", "closed"].includes(outcome));
  await stillServes();
});
