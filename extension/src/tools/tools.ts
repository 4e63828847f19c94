// Registers DbAgent's language model tools for agent mode (contributes.languageModelTools in package.json).
import * as vscode from 'vscode';
import type { DbAgentServer } from '../server/languageServer';
import { configuredConnectionCount } from '../connections/connections';
import { dbagentTools, DbAgentToolName, invokeTool, toolContextKeys, ToolInput } from './toolForwarder';

export function activateTools(context: vscode.ExtensionContext, server: DbAgentServer): void {
  const updateContext = () => {
    for (const [key, value] of Object.entries(toolContextKeys(server.state.kind, configuredConnectionCount()))) {
      void vscode.commands.executeCommand('setContext', key, value);
    }
  };
  updateContext();
  context.subscriptions.push(
    server.onDidChangeState(updateContext),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('dbagent.connections')) {
        updateContext();
      }
    }),
    vscode.workspace.onDidChangeWorkspaceFolders(updateContext),
  );
  for (const name of Object.keys(dbagentTools) as DbAgentToolName[]) {
    context.subscriptions.push(
      vscode.lm.registerTool<ToolInput>(name, {
        prepareInvocation(options) {
          // Markdown, so that the table and file names the message quotes show as code in the chat.
          return { invocationMessage: new vscode.MarkdownString(`${dbagentTools[name](options.input ?? {})} (read-only)`) };
        },
        async invoke(options, token) {
          const client = await server.ready();
          if (!client) {
            throw new Error(`The DbAgent language server is not running: ${server.startError ?? 'see the DbAgent output'}`);
          }
          const editor = vscode.window.activeTextEditor;
          const document = editor ? { uri: editor.document.uri.toString(), languageId: editor.document.languageId } : null;
          const result = await invokeTool(client, name, options.input ?? {}, document, token);
          return new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart(result.text)]);
        },
      }),
    );
  }
}
