// Ways into the plan view besides the code lens: the "Show plan" link the server puts in the hover of a plan
// finding (a command link, so the hover is trusted for dbagent.showPlan and nothing else), and a button under the
// chat's /explain and /indexes answers. Pure, so that tests can check them without VS Code.

export const showPlanCommandId = 'dbagent.showPlan';

/** What a trusted markdown string may run: this one command, never any other. */
export const planCommandTrust = { enabledCommands: [showPlanCommandId] } as const;

/** True when the markdown holds a link to the plan view (the only reason a hover is trusted). */
export function hasPlanLink(markdown: string): boolean {
  return markdown.includes(`command:${showPlanCommandId}?`) || markdown.includes(`command:${showPlanCommandId})`);
}

/** The chat commands whose answer is about the plan of the statement in the editor. */
const planCommands = new Set(['explain', 'indexes']);

export interface PlanButton {
  command: string;
  title: string;
  arguments: [string, number, number];
}

/**
 * The "Show plan" button under an /explain or /indexes answer: the plan of the statement at the selection's start
 * (or the cursor) in the SQL editor the question was asked from. None for other commands or without a SQL editor.
 */
export function planButton(command: string | null | undefined, document: { uri: string; languageId: string } | null | undefined,
  position: { line: number; character: number } | null | undefined): PlanButton | undefined {
  if (!command || !planCommands.has(command) || !document || document.languageId !== 'sql' || !position) return undefined;
  return { command: showPlanCommandId, title: 'Show plan', arguments: [document.uri, position.line, position.character] };
}
