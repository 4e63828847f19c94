// Agent mode's DbAgent tools: each is a thin call into the server (dbagent/runTool), which runs the same read-only
// tools as the chat. No `vscode` import, so it runs under node's test runner against the real server.
import type { CancellationToken, RequestType } from 'vscode-jsonrpc';
import { ChatDocument, RunToolParams, RunToolRequest, RunToolResult } from '../chat/protocol';

/** The tools contributed in package.json (contributes.languageModelTools), with what agent mode shows while each runs. */
export const dbagentTools = {
  dbagent_review: (input: ToolInput) => `Reviewing ${target(input)}`,
  dbagent_explain_plan: (input: ToolInput) => `Explaining the plan of ${target(input)}`,
  dbagent_propose_indexes: (input: ToolInput) => `Proposing indexes for ${target(input)}`,
  dbagent_table_stats: (input: ToolInput) => `Reading the statistics of ${typeof input.table === 'string' ? `\`${input.table}\`` : 'a table'}`,
  dbagent_schema: (input: ToolInput) =>
    Array.isArray(input.tables) && input.tables.length > 0 ? `Reading the schema of ${input.tables.join(', ')}` : 'Reading the schema',
  dbagent_migration_safety: (input: ToolInput) => `Checking the migration safety of ${target(input)}`,
} as const;

export type DbAgentToolName = keyof typeof dbagentTools;

/**
 * The context keys the tools' `when` clauses read (contributes.languageModelTools in package.json). Both are negative,
 * so that before the extension activates (a tool call activates it) no tool is hidden: every tool is hidden while the
 * server is down, and the statistics tool, which has nothing to read without a database, while no connection is
 * configured.
 */
export function toolContextKeys(serverState: 'starting' | 'running' | 'stopped' | 'failed', connectionCount: number) {
  return {
    'dbagent.serverDown': serverState === 'stopped' || serverState === 'failed',
    'dbagent.noConnections': connectionCount === 0,
  };
}

export type ToolInput = Record<string, unknown>;

function target(input: ToolInput): string {
  if (typeof input.sql === 'string') {
    return 'the given SQL';
  }
  if (typeof input.file === 'string') {
    return `\`${input.file}\`${typeof input.line === 'number' ? ` line ${input.line}` : ''}`;
  }
  return 'the active file';
}

export interface ToolConnection {
  sendRequest<P, R, E>(type: RequestType<P, R, E>, params: P, token?: CancellationToken): Promise<R>;
}

/** Runs one tool on the server; the text is the tool's result (an error's text too: the model can correct its call). */
export async function invokeTool(
  connection: ToolConnection,
  name: string,
  input: unknown,
  document: ChatDocument | null,
  token?: CancellationToken,
): Promise<RunToolResult> {
  const params: RunToolParams = { name, input: input ?? {}, document };
  const result = await connection.sendRequest(RunToolRequest, params, token);
  return {
    text: typeof result?.text === 'string' ? result.text : '',
    isError: result?.isError === true,
  };
}
