// node interop/forge.mjs <wsUrl> <automergeUrl> <mode> [--timeout-ms N]
// A hostile client: a raw CBOR WebSocket that syncs one document with the JS Automerge
// library under its device's own actor, makes one forbidden change and sends it.
// Modes:
//   repeat-id       appends an event whose `id` repeats the journal's first event
//   replace-journal replaces `events` by a plain copy of itself
//   delete-entry    deletes the first entry of an area index
//   rewrite-event   changes a field of the journal's first event
//   header          changes a header field
// Prints {"error": "<the server's error message>"} (or {"error": null} if the server
// accepted the change and acknowledged it).
import WebSocket from "ws";
import { decode, encode } from "cbor-x";
import * as A from "@automerge/automerge";
import { parseAutomergeUrl } from "@automerge/automerge-repo";
import { actorFor, deviceOf } from "../lib/repo.mjs";
import { finish, runCli } from "../lib/cli.mjs";

const USAGE = "node interop/forge.mjs <wsUrl> <automergeUrl> <mode> [--timeout-ms N]";

const EDITS = {
  "repeat-id": (d) => {
    d.events.push({ id: d.events[0].id, type: "close", by: d.events[0].by, note: "伪造的关闭" });
  },
  "replace-journal": (d) => {
    d.events = JSON.parse(JSON.stringify(d.events));
  },
  "delete-entry": (d) => {
    delete d.entries[Object.keys(d.entries)[0]];
  },
  "rewrite-event": (d) => {
    d.events[0].note = "被改写";
  },
  header: (d) => {
    d.areaId = "A9";
  },
};

runCli(USAGE, [], 20_000, async ({ positional, stage }) => {
  if (positional.length !== 3) throw new Error(`expected 3 arguments, got ${positional.length}\nusage: ${USAGE}`);
  const [wsUrl, url, mode] = positional;
  const edit = EDITS[mode];
  if (!edit) throw new Error(`unknown mode ${mode}; one of ${Object.keys(EDITS).join(", ")}`);
  const { documentId } = parseAutomergeUrl(url);
  const device = await deviceOf(wsUrl);
  const socket = new WebSocket(wsUrl);
  socket.binaryType = "nodebuffer";
  const me = `forger-${device}`;
  let server = null;
  let doc = A.init({ actor: actorFor(device) });
  let state = A.initSyncState();
  let edited = false;
  const send = (message) => socket.send(encode(message));
  const sync = () => {
    const [next, data] = A.generateSyncMessage(doc, state);
    state = next;
    if (data) send({ type: "sync", senderId: me, targetId: server, documentId, data });
  };
  socket.on("open", () => {
    stage.now = "joining";
    send({ type: "join", senderId: me, peerMetadata: { isEphemeral: true }, supportedProtocolVersions: ["1"] });
  });
  socket.on("close", () => finish({ error: "closed without an error message" }, 1));
  socket.on("message", (bytes) => {
    const message = decode(bytes);
    if (message.type === "error") return finish({ error: message.message });
    if (message.type === "peer") {
      server = message.senderId;
      stage.now = `requesting ${url}`;
      const [next, data] = A.generateSyncMessage(doc, state);
      state = next;
      send({ type: "request", senderId: me, targetId: server, documentId, data });
      return;
    }
    if (message.type === "doc-unavailable") return finish({ error: `document unavailable: ${documentId}` }, 1);
    if (message.type !== "sync") return;
    [doc, state] = A.receiveSyncMessage(doc, state, message.data);
    const heads = A.getHeads(doc);
    const theirs = state.theirHeads ?? [];
    const inStep = heads.length > 0 && heads.every((h) => theirs.includes(h)) && theirs.every((h) => heads.includes(h));
    if (edited && inStep) return finish({ error: null });
    if (!edited && inStep) {
      stage.now = `sending the ${mode} change`;
      doc = A.change(doc, edit);
      edited = true;
    }
    sync();
  });
});
