// Starts the real `dbagent lsp` process and speaks LSP to it with vscode-jsonrpc, as the extension would.
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, MessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';

export const repositoryRoot = path.resolve(__dirname, '..', '..');

/** The server under test: DBAGENT_SERVER_PATH, else the Debug build of the repository (run with dotnet). */
export function serverCommand(): { command: string; args: string[] } {
  const configured = process.env.DBAGENT_SERVER_PATH?.trim();
  const file = configured || path.join(repositoryRoot, 'server', 'DbAgent.Server', 'bin', 'Debug', 'net10.0', 'dbagent.dll');
  if (!fs.existsSync(file)) {
    throw new Error(
      configured
        ? `DBAGENT_SERVER_PATH is "${configured}", which does not exist.`
        : `The dbagent server is not built: ${file} is missing. Run \`npm run build:server\` ` +
            '(`npm test` builds it first), or point DBAGENT_SERVER_PATH at a dbagent executable or dbagent.dll.',
    );
  }
  return file.toLowerCase().endsWith('.dll') ? { command: 'dotnet', args: [file, 'lsp'] } : { command: file, args: ['lsp'] };
}

/** How to run the sample generator (`dbagent-sample`, built beside the server by `npm run build:server`). */
export function sampleCommand(): { command: string; args: string[] } {
  const file = path.join(repositoryRoot, 'server', 'DbAgent.SampleData', 'bin', 'Debug', 'net10.0', 'dbagent-sample.dll');
  if (!fs.existsSync(file)) {
    throw new Error(`The sample generator is not built: ${file} is missing. Run \`npm run build:server\`.`);
  }
  return { command: 'dotnet', args: [file] };
}

export interface RunningServer {
  connection: MessageConnection;
  /** Everything the server wrote on stderr, for failure messages. */
  stderr(): string;
  /** Diagnostics the server published, by document uri (the last set for each). */
  diagnostics: Map<string, unknown[]>;
  /** The server's `dbagent/connectionPassword` requests, by connection name. */
  passwordRequests: string[];
  /** The `dbagent/connectionStatus` notifications, in order. */
  statuses: Array<{ uri: string | null; connection: string | null; state: string; message: string }>;
  workspaceUri: string;
  /** The server's answer to initialize, as it came over the wire. */
  initializeResult: unknown;
  stop(): Promise<void>;
}

export interface ServerOptions {
  /** The `dbagent` settings section the client reports (workspace/configuration and didChangeConfiguration). */
  settings?: Record<string, unknown>;
  /** What SecretStorage holds: connection name → password. */
  passwords?: Record<string, string>;
}

export async function startServer(workspace: string, options: ServerOptions = {}): Promise<RunningServer> {
  const { command, args } = serverCommand();
  const child: ChildProcess = spawn(command, args, { cwd: repositoryRoot, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', () => resolve());
    child.once('error', (error) => reject(new Error(`Could not start ${command} ${args.join(' ')}: ${error.message}`)));
  });

  const connection = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  const diagnostics = new Map<string, unknown[]>();
  const passwordRequests: string[] = [];
  const statuses: RunningServer['statuses'] = [];
  connection.onNotification('textDocument/publishDiagnostics', (params: { uri: string; diagnostics: unknown[] }) => {
    diagnostics.set(params.uri, params.diagnostics);
  });
  connection.onNotification('window/logMessage', () => undefined);
  connection.onNotification('dbagent/connectionStatus', (status: RunningServer['statuses'][number]) => {
    statuses.push(status);
  });
  // Without settings the server works on its defaults.
  connection.onRequest('workspace/configuration', (params: { items: Array<{ section?: string }> }) =>
    params.items.map((item) => (item.section === 'dbagent' ? (options.settings ?? null) : null)),
  );
  connection.onRequest('client/registerCapability', () => null);
  connection.onRequest('window/workDoneProgress/create', () => null);
  connection.onRequest('dbagent/modelApiKey', () => ({ apiKey: null }));
  connection.onRequest('dbagent/connectionPassword', (params: { connection: string }) => {
    passwordRequests.push(params.connection);
    return { password: options.passwords?.[params.connection] ?? null };
  });
  connection.listen();

  const workspaceUri = pathToFileURL(workspace).href;
  const initializeResult = await connection.sendRequest('initialize', {
    processId: process.pid,
    clientInfo: { name: 'dbagent-extension-tests' },
    rootUri: workspaceUri,
    workspaceFolders: [{ uri: workspaceUri, name: path.basename(workspace) }],
    capabilities: {
      workspace: {
        configuration: true,
        didChangeConfiguration: { dynamicRegistration: false },
        // As vscode-languageclient 9 announces it (client.js, fillClientCapabilities).
        workspaceEdit: {
          documentChanges: true,
          resourceOperations: ['create', 'rename', 'delete'],
          failureHandling: 'textOnlyTransactional',
          normalizesLineEndings: true,
        },
      },
      window: { workDoneProgress: true },
      textDocument: {
        synchronization: { didSave: true, dynamicRegistration: false },
        publishDiagnostics: { relatedInformation: true },
        hover: { contentFormat: ['markdown', 'plaintext'] },
      },
    },
  });
  connection.sendNotification('initialized', {});
  if (options.settings) {
    // As vscode-languageclient does for `synchronize.configurationSection`.
    connection.sendNotification('workspace/didChangeConfiguration', { settings: { dbagent: options.settings } });
  }

  return {
    connection,
    stderr: () => stderr,
    diagnostics,
    passwordRequests,
    statuses,
    workspaceUri,
    initializeResult,
    async stop() {
      try {
        await withTimeout(connection.sendRequest('shutdown'), 5000);
        connection.sendNotification('exit');
      } catch {
        // The process is killed below in any case.
      }
      const code = await withTimeout(exited, 5000).catch(() => {
        child.kill();
        return null;
      });
      connection.dispose();
      void code;
    },
  };
}

export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    }),
  ]);
}
