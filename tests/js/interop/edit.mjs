// node interop/edit.mjs <wsUrl> <automergeUrl> <key> <jsonValue> [--timeout-ms N]
// A fresh JS client finds the document, sets root[key] = value, then a second,
// independent client (new Repo, new connection) finds it until it holds the new value.
// Prints {"ok":true}.
import { connect, deviceOf, findWithRetry, plain, sameJson, waitFor, writeAs } from "../lib/repo.mjs";
import { finish, runCli } from "../lib/cli.mjs";

const USAGE = "node interop/edit.mjs <wsUrl> <automergeUrl> <key> <jsonValue> [--timeout-ms N]";

runCli(USAGE, [], 20_000, async ({ positional, deadline, stage }) => {
  if (positional.length !== 4) throw new Error(`expected 4 arguments, got ${positional.length}\nusage: ${USAGE}`);
  const [wsUrl, url, key, json] = positional;
  let value;
  try {
    value = JSON.parse(json);
  } catch (e) {
    throw new Error(`jsonValue is not JSON: ${e.message}`);
  }
  stage.now = `finding ${url}`;
  const writer = connect(wsUrl);
  const handle = writeAs(await findWithRetry(writer, url, deadline), await deviceOf(wsUrl));
  handle.change((d) => {
    d[key] = value;
  });
  stage.now = `finding ${url} through a second connection`;
  const reader = connect(wsUrl);
  const found = await findWithRetry(reader, url, deadline);
  stage.now = `waiting for ${key} on the second connection`;
  await waitFor(() => sameJson(plain(found.doc()[key]), value), {
    timeoutMs: Math.max(0, deadline - performance.now()),
    what: `root[${JSON.stringify(key)}] = ${json} in ${url} through a second connection`,
  });
  finish({ ok: true });
});
