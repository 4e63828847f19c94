// Activates the features; each lives in its own folder with its protocol declarations.
import type * as vscode from 'vscode';
import { activateModelKey } from './chat/modelKey';
import { activateChat } from './chat/participant';
import { activateConnections } from './connections/connections';
import { activatePlanView } from './plans/planView';
import { activateServer, DbAgentServer } from './server/languageServer';

let server: DbAgentServer | undefined;

export function activate(context: vscode.ExtensionContext): void {
  server = activateServer(context);
  // Features hook their handlers onto the client before it starts, so none of the server's first messages is lost.
  activateConnections(context, server);
  activateChat(context, server);
  activateModelKey(context, server);
  activatePlanView(context, server);
  void server.start();
}

export async function deactivate(): Promise<void> {
  await server?.dispose();
  server = undefined;
}
