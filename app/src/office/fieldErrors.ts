// A refusal names the field it concerns (`field`, possibly a path such as
// `reporter.phone`); forms show its message at that field, and nowhere else.
import type { ApiProblem } from "./api";

/** The message to show at form field `name`, or "" when the problem is about another. */
export function errorAt(problem: Pick<ApiProblem, "field" | "message"> | null, name: string): string {
  const field = problem?.field;
  if (!problem || !field) return "";
  return field === name || field.startsWith(`${name}.`) || field.startsWith(`${name}[`) ? problem.message : "";
}

/** Whether the problem names a field the form shows (otherwise it is shown above the form). */
export function namesFieldOf(problem: Pick<ApiProblem, "field"> | null, names: readonly string[]): boolean {
  return names.some((n) => errorAt({ field: problem?.field, message: "x" }, n) !== "");
}
