// node interop/read.mjs <wsUrl> <automergeUrl> [--expect-key K] [--timeout-ms N]
// A fresh JS client finds the document (retrying while the server reports it
// unavailable), optionally waits until its root has key K, and prints {"doc": <plain JSON>}.
// A third positional argument is taken as K too.
import { connect, findWithRetry, plain, waitFor } from "../lib/repo.mjs";
import { finish, runCli } from "../lib/cli.mjs";

const USAGE = "node interop/read.mjs <wsUrl> <automergeUrl> [--expect-key K] [--timeout-ms N]";

runCli(USAGE, ["expect-key"], 20_000, async ({ positional, options, deadline, stage }) => {
  if (positional.length < 2 || positional.length > 3) {
    throw new Error(`expected 2 arguments, got ${positional.length}\nusage: ${USAGE}`);
  }
  const [wsUrl, url, positionalKey] = positional;
  const key = options["expect-key"] ?? positionalKey;
  stage.now = `finding ${url}`;
  const repo = connect(wsUrl);
  const handle = await findWithRetry(repo, url, deadline);
  if (key !== undefined) {
    stage.now = `waiting for key ${JSON.stringify(key)} in ${url}`;
    await waitFor(() => Object.hasOwn(handle.doc(), key), {
      timeoutMs: Math.max(0, deadline - performance.now()),
      what: `key ${JSON.stringify(key)} at the root of ${url}`,
    });
  }
  finish({ doc: plain(handle.doc()) });
});
