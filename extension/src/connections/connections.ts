// Connection targets: the add/test/refresh commands, the passwords in SecretStorage, and the answer to the
// server's request for a password. Settings hold everything but the password.
import * as vscode from 'vscode';
import type { DbAgentServer } from '../server/languageServer';
import { passwordFor, storePassword } from './secrets';
import {
  ConnectionPasswordRequest,
  ConnectionSetting,
  Engine,
  engines,
  ParseConnectionRequest,
  ParseConnectionResult,
  RefreshSchemaRequest,
  TestConnectionRequest,
} from './protocol';
import { ConnectionStatusBar } from './statusBar';

const defaultPorts: Record<Engine, number | undefined> = {
  postgres: 5432,
  mysql: 3306,
  sqlserver: 1433,
  sqlite: undefined,
};

const engineLabels: Record<Engine, string> = {
  postgres: 'PostgreSQL',
  mysql: 'MySQL / MariaDB',
  sqlserver: 'SQL Server',
  sqlite: 'SQLite',
};

export function activateConnections(context: vscode.ExtensionContext, server: DbAgentServer): void {
  const secrets = context.secrets;
  server.register((client) => [
    client.onRequest(ConnectionPasswordRequest, async (params) => {
      // The password goes to the target the settings name now, and only if it was stored for that target (or the
      // user agrees): see secrets.ts.
      const name = typeof params?.connection === 'string' ? params.connection : '';
      const setting = configuredConnections().find((c) => c.name === name);
      if (!setting) {
        return { password: null };
      }
      return { password: await passwordFor(secrets, setting, confirmModal) };
    }),
  ]);

  context.subscriptions.push(new ConnectionStatusBar(server));

  context.subscriptions.push(
    vscode.commands.registerCommand('dbagent.addConnection', () => addConnection(server, secrets)),
    vscode.commands.registerCommand('dbagent.testConnection', (name?: string) => testConnection(server, name)),
    vscode.commands.registerCommand('dbagent.refreshSchema', () => refreshSchema(server)),
  );
}

/** A modal yes/no question; closing it is a no. */
export async function confirmModal(message: string, yes: string): Promise<boolean> {
  return (await vscode.window.showWarningMessage(message, { modal: true }, yes)) === yes;
}

/** How many connections the settings name, over every workspace folder (the setting is per resource). */
export function configuredConnectionCount(): number {
  const scopes = vscode.workspace.workspaceFolders?.map((folder) => folder.uri) ?? [undefined];
  return new Set(scopes.flatMap((scope) => configuredConnections(scope).map((c) => c.name))).size;
}

function configuredConnections(scope?: vscode.Uri): ConnectionSetting[] {
  const list = vscode.workspace.getConfiguration('dbagent', scope).get<unknown>('connections');
  return Array.isArray(list)
    ? list.filter((c): c is ConnectionSetting => !!c && typeof c === 'object' && typeof c.name === 'string')
    : [];
}

async function addConnection(server: DbAgentServer, secrets: vscode.SecretStorage): Promise<void> {
  const how = await vscode.window.showQuickPick(
    [
      { label: 'Enter host, port, database and user', id: 'fields' },
      { label: 'Paste a connection string or URL', id: 'string', detail: 'e.g. postgres://app@localhost:5432/shop, Host=...;Database=..., or a SQLite file such as shop.db' },
    ],
    { title: 'DbAgent: Add Connection', placeHolder: 'How do you want to describe the database?' },
  );
  if (!how) {
    return;
  }
  const existing = configuredConnections().map((c) => c.name);
  const name = await vscode.window.showInputBox({
    title: 'DbAgent: Add Connection',
    prompt: 'A name for this connection',
    placeHolder: 'shop-dev',
    validateInput: (value) =>
      value.trim().length === 0
        ? 'Give the connection a name.'
        : existing.includes(value.trim())
          ? `A connection named "${value.trim()}" exists; adding replaces it.`
          : undefined,
  });
  if (name === undefined || name.trim().length === 0) {
    return;
  }
  const connectionName = name.trim();

  let setting: ConnectionSetting;
  let password: string | null | undefined;
  if (how.id === 'string') {
    const text = await vscode.window.showInputBox({
      title: `DbAgent: ${connectionName}`,
      prompt: 'Connection string or URL. A password in it is moved to the secret store, never to settings.',
      ignoreFocusOut: true,
      validateInput: (value) => (value.trim().length === 0 ? 'Paste a connection string or URL.' : undefined),
    });
    if (!text) {
      return;
    }
    const parsed = await parseConnection(server, text);
    if (!parsed) {
      return;
    }
    const { engine, connectionString } = parsed.connection!;
    setting = { name: connectionName, engine, connectionString };
    password = parsed.password ?? (engine === 'sqlite' ? null : await askPassword(connectionName));
  } else {
    const engine = await pickEngine();
    if (!engine) {
      return;
    }
    const fields = await askFields(connectionName, engine);
    if (!fields) {
      return;
    }
    setting = { name: connectionName, engine, ...fields };
    password = engine === 'sqlite' ? null : await askPassword(connectionName);
  }
  if (password === undefined) {
    return;
  }

  await saveConnection(setting);
  await storePassword(secrets, setting, password || null);
  const choice = await vscode.window.showInformationMessage(
    `DbAgent: connection "${connectionName}" saved.`,
    'Test Connection',
  );
  if (choice === 'Test Connection') {
    await testConnection(server, connectionName);
  }
}

/** The running client, or undefined after telling the user why the server is not there. */
async function readyClient(server: DbAgentServer): Promise<Awaited<ReturnType<DbAgentServer['ready']>>> {
  const client = await server.ready();
  if (!client) {
    void vscode.window.showErrorMessage(server.startError ?? 'DbAgent: the language server is not running.');
  }
  return client;
}

/**
 * Reads a pasted connection string or URL with the server's parser (the one the settings and the CLI use), asking
 * for the engine when the text does not tell it. Undefined when the user backed out or the text was refused
 * (the reason was shown).
 */
async function parseConnection(server: DbAgentServer, text: string): Promise<ParseConnectionResult | undefined> {
  const client = await readyClient(server);
  if (!client) {
    return undefined;
  }
  try {
    let result = await client.sendRequest(ParseConnectionRequest, { text, engine: null });
    if (!result.ok && result.needsEngine) {
      const engine = await pickEngine();
      if (!engine) {
        return undefined;
      }
      result = await client.sendRequest(ParseConnectionRequest, { text, engine });
    }
    if (!result.ok || !result.connection) {
      void vscode.window.showErrorMessage(`DbAgent: ${result.message}`);
      return undefined;
    }
    return result;
  } catch (error) {
    void vscode.window.showErrorMessage(`DbAgent: reading the connection failed: ${messageOf(error)}`);
    return undefined;
  }
}

async function pickEngine(): Promise<Engine | undefined> {
  const picked = await vscode.window.showQuickPick(
    engines.map((engine) => ({ label: engineLabels[engine], engine })),
    { title: 'DbAgent: Add Connection', placeHolder: 'Database engine' },
  );
  return picked?.engine;
}

async function askFields(
  name: string,
  engine: Engine,
): Promise<Pick<ConnectionSetting, 'host' | 'port' | 'database' | 'user'> | undefined> {
  const title = `DbAgent: ${name} (${engineLabels[engine]})`;
  if (engine === 'sqlite') {
    const database = await vscode.window.showInputBox({
      title,
      prompt: 'Path of the SQLite database file (relative to the workspace folder, or absolute)',
      ignoreFocusOut: true,
      validateInput: (value) => (value.trim().length === 0 ? 'Give the file path.' : undefined),
    });
    return database === undefined ? undefined : { database: database.trim() };
  }
  const host = await vscode.window.showInputBox({ title, prompt: 'Host', value: 'localhost', ignoreFocusOut: true });
  if (host === undefined) {
    return undefined;
  }
  const portText = await vscode.window.showInputBox({
    title,
    prompt: 'Port',
    value: String(defaultPorts[engine] ?? ''),
    ignoreFocusOut: true,
    validateInput: (value) =>
      value.trim() === '' || (/^\d+$/.test(value.trim()) && Number(value) > 0 && Number(value) < 65536)
        ? undefined
        : 'A port is a number from 1 to 65535.',
  });
  if (portText === undefined) {
    return undefined;
  }
  const database = await vscode.window.showInputBox({ title, prompt: 'Database', ignoreFocusOut: true });
  if (database === undefined) {
    return undefined;
  }
  const user = await vscode.window.showInputBox({ title, prompt: 'User', ignoreFocusOut: true });
  if (user === undefined) {
    return undefined;
  }
  return {
    host: host.trim() || 'localhost',
    port: portText.trim() ? Number(portText.trim()) : defaultPorts[engine],
    database: database.trim(),
    user: user.trim(),
  };
}

/** The password, '' for none, undefined when the user backed out. */
async function askPassword(name: string): Promise<string | undefined> {
  return vscode.window.showInputBox({
    title: `DbAgent: ${name}`,
    prompt: 'Password (kept in VS Code\'s secret storage, never in settings). Leave empty for none.',
    password: true,
    ignoreFocusOut: true,
  });
}

/** Writes the connection to the workspace settings when a folder is open, else to the user settings. */
async function saveConnection(setting: ConnectionSetting): Promise<void> {
  const config = vscode.workspace.getConfiguration('dbagent');
  const target = vscode.workspace.workspaceFolders?.length
    ? vscode.ConfigurationTarget.Workspace
    : vscode.ConfigurationTarget.Global;
  const inspected = config.inspect<ConnectionSetting[]>('connections');
  const current =
    (target === vscode.ConfigurationTarget.Workspace ? inspected?.workspaceValue : inspected?.globalValue) ?? [];
  const clean = Object.fromEntries(
    Object.entries(setting).filter(([, value]) => value !== undefined && value !== ''),
  ) as unknown as ConnectionSetting;
  await config.update('connections', [...current.filter((c) => c.name !== setting.name), clean], target);
}

async function pickConnection(placeHolder: string): Promise<ConnectionSetting | undefined> {
  const connections = configuredConnections();
  if (connections.length === 0) {
    const choice = await vscode.window.showWarningMessage('DbAgent: no connection is configured.', 'Add Connection');
    if (choice === 'Add Connection') {
      await vscode.commands.executeCommand('dbagent.addConnection');
    }
    return undefined;
  }
  if (connections.length === 1) {
    return connections[0];
  }
  const picked = await vscode.window.showQuickPick(
    connections.map((c) => ({ label: c.name, description: engineLabels[c.engine] ?? c.engine, connection: c })),
    { placeHolder },
  );
  return picked?.connection;
}

async function testConnection(server: DbAgentServer, name?: string): Promise<void> {
  const connection =
    typeof name === 'string'
      ? configuredConnections().find((c) => c.name === name)
      : await pickConnection('Connection to test');
  if (!connection) {
    return;
  }
  const client = await readyClient(server);
  if (!client) {
    return;
  }
  try {
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `DbAgent: testing "${connection.name}"…` },
      () => client.sendRequest(TestConnectionRequest, { connection }),
    );
    if (result.ok) {
      const version = result.serverVersion ? ` (${result.serverVersion})` : '';
      void vscode.window.showInformationMessage(`DbAgent: "${connection.name}" answers${version}. ${result.message}`);
    } else {
      void vscode.window.showErrorMessage(`DbAgent: "${connection.name}" failed: ${result.message}`);
    }
  } catch (error) {
    void vscode.window.showErrorMessage(`DbAgent: testing "${connection.name}" failed: ${messageOf(error)}`);
  }
}

async function refreshSchema(server: DbAgentServer): Promise<void> {
  const connections = configuredConnections();
  let name: string | null = null;
  if (connections.length > 1) {
    const picked = await vscode.window.showQuickPick(
      [
        { label: 'The active file\'s connection', name: null as string | null },
        ...connections.map((c) => ({ label: c.name, description: engineLabels[c.engine] ?? c.engine, name: c.name as string | null })),
      ],
      { placeHolder: 'Schema to refresh' },
    );
    if (!picked) {
      return;
    }
    name = picked.name;
  } else if (connections.length === 1) {
    name = connections[0].name;
  }
  const client = await readyClient(server);
  if (!client) {
    return;
  }
  try {
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: 'DbAgent: refreshing schema' },
      () => client.sendRequest(RefreshSchemaRequest, { connection: name }),
    );
    void vscode.window.showInformationMessage(
      `DbAgent: schema${name ? ` of "${name}"` : ''} refreshed, ${result.tables} table${result.tables === 1 ? '' : 's'}.`,
    );
  } catch (error) {
    void vscode.window.showErrorMessage(`DbAgent: refreshing the schema failed: ${messageOf(error)}`);
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
