// The chat model's API key: set by a command, kept in SecretStorage, handed to the server when it asks
// (dbagent/modelApiKey). The endpoint and model name are plain settings (dbagent.model.*).
import * as vscode from 'vscode';
import type { DbAgentServer } from '../server/languageServer';
import { confirmModal } from '../connections/connections';
import { modelKeyFor, storeModelKey } from '../connections/secrets';
import { ModelApiKeyRequest } from './protocol';

/** The configured endpoint: the key is bound to it (secrets.ts). */
function endpoint(): string {
  return vscode.workspace.getConfiguration('dbagent').get<string>('model.endpoint') ?? '';
}

export function activateModelKey(context: vscode.ExtensionContext, server: DbAgentServer): void {
  const secrets = context.secrets;
  server.register((client) => [
    client.onRequest(ModelApiKeyRequest, async () => ({ apiKey: await modelKeyFor(secrets, endpoint(), confirmModal) })),
  ]);
  context.subscriptions.push(
    vscode.commands.registerCommand('dbagent.setModelApiKey', async () => {
      const key = await vscode.window.showInputBox({
        title: 'DbAgent: Set Model API Key',
        prompt:
          'API key of the model endpoint in dbagent.model.endpoint (OpenAI when unset). Kept in VS Code\'s secret storage. Leave empty to remove the stored key.',
        password: true,
        ignoreFocusOut: true,
      });
      if (key === undefined) {
        return;
      }
      if (key.trim().length === 0) {
        await storeModelKey(secrets, endpoint(), null);
        void vscode.window.showInformationMessage('DbAgent: the model API key was removed.');
      } else {
        await storeModelKey(secrets, endpoint(), key.trim());
        void vscode.window.showInformationMessage('DbAgent: the model API key is stored in secret storage.');
      }
    }),
  );
}
