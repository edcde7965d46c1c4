// node interop/create.mjs <wsUrl> <jsonContent> [--timeout-ms N]
// A JS client creates a document whose root is the given JSON object, then a second,
// independent client (new Repo, new connection) finds it through the server until its
// content equals the input. Prints {"url":"automerge:..."}. A `?token=` in wsUrl signs
// in; the document is then written under that device's actors.
// Strings are written the Automerge 3 JS way, as collaborative Text; a Rust reader sees
// them as text objects, not scalar strings.
import { connect, createAs, deviceOf, findWithRetry, plain, sameJson, waitFor } from "../lib/repo.mjs";
import { finish, runCli } from "../lib/cli.mjs";

const USAGE = "node interop/create.mjs <wsUrl> <jsonContent> [--timeout-ms N]";

runCli(USAGE, [], 20_000, async ({ positional, deadline, stage }) => {
  if (positional.length !== 2) throw new Error(`expected 2 arguments, got ${positional.length}\nusage: ${USAGE}`);
  const [wsUrl, json] = positional;
  let content;
  try {
    content = JSON.parse(json);
  } catch (e) {
    throw new Error(`jsonContent is not JSON: ${e.message}`);
  }
  if (content === null || typeof content !== "object" || Array.isArray(content)) {
    throw new Error("jsonContent must be a JSON object (it becomes the document root)");
  }
  stage.now = "creating the document";
  const writer = connect(wsUrl);
  const handle = createAs(writer, content, await deviceOf(wsUrl));
  stage.now = `finding ${handle.url} through a second connection`;
  const reader = connect(wsUrl);
  const found = await findWithRetry(reader, handle.url, deadline);
  stage.now = `waiting for the content of ${handle.url} on the second connection`;
  await waitFor(() => sameJson(plain(found.doc()), content), {
    timeoutMs: Math.max(0, deadline - performance.now()),
    what: `the content of ${handle.url} to arrive through a second connection`,
  });
  finish({ url: handle.url });
});
