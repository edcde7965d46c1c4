// Refusals from the core arrive as JS Errors with a stable `code`, the `field` they
// concern and a message for the person in Chinese. Screens key on the code and field,
// never on the words; this is the one place that turns a refusal into what is shown.

/** A refusal as the core throws it. */
export interface Problem {
  code: string;
  field?: string;
  message: string;
}

/** Reads whatever was thrown as a problem; anything not from the core is `internal`. */
export function problemOf(thrown: unknown): Problem {
  if (thrown instanceof Error) {
    const { code, field } = thrown as Error & { code?: unknown; field?: unknown };
    return {
      code: typeof code === "string" ? code : "internal",
      field: typeof field === "string" ? field : undefined,
      message: thrown.message,
    };
  }
  return { code: "internal", message: String(thrown) };
}

/** The words shown for a problem: the core's own, prefixed where they alone would not
 * say that nothing was saved. */
export function problemText(problem: Problem): string {
  switch (problem.code) {
    case "invalid":
    case "refused":
    case "no-index":
    case "unknown-unit":
    case "not-a-record":
    case "wrong-area":
      return problem.message;
    default:
      return `保存失败：${problem.message}`;
  }
}
