// A callback and what follows it. A customer who is unsatisfied, or whose problem
// remains, sends the ticket back to the housekeeper who had it (seed 000: "如收到客户对
// 维修后仍存在缺陷的投诉时，应立即派人返修"): the ticket is reopened and dispatched to them
// again. Each step is the core's to accept; this only says which steps to ask for.
import type { ActionInput } from "./api";
import type { Satisfaction } from "../records";

export interface CallbackAnswer {
  satisfaction: Satisfaction;
  resolved: boolean;
  note: string;
}

/** Whether the answer sends the ticket back for more work. */
export function sendsBack(answer: Pick<CallbackAnswer, "satisfaction" | "resolved">): boolean {
  return answer.satisfaction === "unsatisfied" || !answer.resolved;
}

/** The actions to take, in order: the callback, then (when it sends the ticket back and
 * someone had it) reopening and dispatching to them. */
export function callbackSteps(answer: CallbackAnswer, previousAssignee: string | null): ActionInput[] {
  const note = answer.note.trim();
  const steps: ActionInput[] = [
    { type: "callback", satisfaction: answer.satisfaction, resolved: answer.resolved, ...(note ? { note } : {}) },
  ];
  if (!sendsBack(answer)) return steps;
  steps.push({ type: "reopen", note: answer.satisfaction === "unsatisfied" ? "回访不满意，返修" : "回访问题仍在，返修" });
  if (previousAssignee) steps.push({ type: "dispatch", to: previousAssignee });
  return steps;
}
