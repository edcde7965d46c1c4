// Shared plumbing of the command-line scripts: argument parsing, one JSON line on
// success, a clear message and a non-zero exit on failure, and a hard deadline so that a
// script always exits on its own.

/**
 * Splits argv into positionals and `--name value` options. `flags` lists the option
 * names that are accepted; anything else starting with `--` is an error.
 */
export function parseArgs(argv, flags) {
  const positional = [];
  const options = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg.startsWith("--")) {
      const name = arg.slice(2);
      if (!flags.includes(name)) throw new Error(`unknown option ${arg}`);
      if (i + 1 >= argv.length) throw new Error(`option ${arg} needs a value`);
      options[name] = argv[++i];
    } else {
      positional.push(arg);
    }
  }
  return { positional, options };
}

/** Parses a positive integer option, or returns `fallback` when absent. */
export function intOption(options, name, fallback) {
  if (options[name] === undefined) return fallback;
  const n = Number(options[name]);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer, got ${options[name]}`);
  return n;
}

let ending = false;

/** Writes `value` as one JSON line to stdout, then exits with `code`. */
export function finish(value, code = 0) {
  if (ending) return;
  ending = true;
  process.stdout.write(`${JSON.stringify(value)}\n`, () => process.exit(code));
}

/** Prints `message` to stderr and exits with `code`. */
export function fail(message, code = 1) {
  if (ending) return;
  ending = true;
  process.stderr.write(`${process.argv[1]?.split("/").slice(-2).join("/")}: ${message}\n`, () => process.exit(code));
}

/**
 * Runs `main` with a hard deadline: failures (thrown, unhandled, or the deadline passing)
 * go to `onFailure(message)`, by default a message on stderr and exit code 1. `main`
 * receives the deadline as a `performance.now()` value and `failWith` (the same
 * `onFailure`), and must call `finish` itself.
 */
export function runCli(usage, flags, defaultTimeoutMs, main, { onFailure = (m) => fail(m) } = {}) {
  let parsed;
  try {
    parsed = parseArgs(process.argv.slice(2), ["timeout-ms", ...flags]);
  } catch (e) {
    fail(`${e.message}\nusage: ${usage}`, 64);
    return;
  }
  let timeoutMs;
  try {
    timeoutMs = intOption(parsed.options, "timeout-ms", defaultTimeoutMs);
  } catch (e) {
    fail(e.message, 64);
    return;
  }
  const deadline = performance.now() + timeoutMs;
  const stage = { now: "starting" };
  // Not unref'd: it also keeps the process alive until main calls finish or fail.
  setTimeout(() => onFailure(`timed out after ${timeoutMs} ms while ${stage.now}`), timeoutMs + 1_000);
  const onError = (e) => onFailure(e?.stack && process.env.DEBUG_CLI ? e.stack : (e?.message ?? String(e)));
  process.on("uncaughtException", onError);
  process.on("unhandledRejection", onError);
  Promise.resolve()
    .then(() => main({ ...parsed, deadline, timeoutMs, stage, usage, failWith: onFailure }))
    .catch(onError);
}
