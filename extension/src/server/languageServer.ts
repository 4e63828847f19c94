// Finds and starts the dbagent language server (`dbagent lsp` over stdio) with vscode-languageclient.
// The order of the places it looks is in serverLocator.ts.
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  ClientCapabilities,
  CloseAction,
  Diagnostic as ProtocolDiagnostic,
  ErrorAction,
  ErrorHandler,
  FeatureState,
  LanguageClient,
  LanguageClientOptions,
  NotificationType,
  ServerOptions,
  State,
  StaticFeature,
} from 'vscode-languageclient/node';
import type { ServerRunState } from '../connections/statusStore';
import { hasPlanLink, planCommandTrust } from '../plans/planLinks';
import { findExecutableOnPath, locateServer, LocatorResult, noServerMessage, ServerLaunch } from './serverLocator';
import {
  DiagnosticsSplice,
  diagnosticsResyncMethod,
  diagnosticsSpliceCapability,
  diagnosticsSpliceMethod,
  SplicedDiagnostics,
} from './splicedDiagnostics';

/** Lets a feature hook its handlers onto every client the server gets (a restart makes a new one). */
export type ClientRegistration = (client: LanguageClient) => vscode.Disposable[];

export class DbAgentServer implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private starting: Promise<LanguageClient | undefined> = Promise.resolve(undefined);
  private readonly registrations: ClientRegistration[] = [];
  private clientDisposables: vscode.Disposable[] = [];
  private readonly onDidStartEmitter = new vscode.EventEmitter<LanguageClient>();
  private readonly onDidChangeStateEmitter = new vscode.EventEmitter<ServerRunState>();
  private runState: ServerRunState = { kind: 'starting' };
  /** The message of the last failed start, for features that must explain why they cannot answer. */
  startError: string | undefined;
  readonly onDidStart = this.onDidStartEmitter.event;
  /** Starting, running, stopped (it ran and went away) or failed (it could not start). */
  readonly onDidChangeState = this.onDidChangeStateEmitter.event;

  get state(): ServerRunState {
    return this.runState;
  }

  private setState(state: ServerRunState): void {
    this.runState = state;
    this.onDidChangeStateEmitter.fire(state);
  }

  constructor(
    private readonly context: vscode.ExtensionContext,
    readonly output: vscode.OutputChannel,
  ) {}

  register(registration: ClientRegistration): void {
    this.registrations.push(registration);
    if (this.client) {
      this.clientDisposables.push(...registration(this.client));
    }
  }

  /** The running client, once the current start has finished; undefined when the server could not start. */
  ready(): Promise<LanguageClient | undefined> {
    return this.starting;
  }

  start(): Promise<LanguageClient | undefined> {
    this.starting = this.starting.then(() => this.startOnce());
    return this.starting;
  }

  async restart(): Promise<LanguageClient | undefined> {
    this.starting = this.starting.then(async () => {
      await this.stopClient();
      return this.startOnce();
    });
    return this.starting;
  }

  async dispose(): Promise<void> {
    await this.stopClient();
    this.onDidStartEmitter.dispose();
    this.onDidChangeStateEmitter.dispose();
  }

  private async startOnce(): Promise<LanguageClient | undefined> {
    this.setState({ kind: 'starting' });
    const located = this.locate();
    for (const note of located.notes) {
      this.output.appendLine(`[server] ${note}`);
    }
    if (located.launches.length === 0) {
      return this.fail(noServerMessage(located, process.platform, process.arch));
    }
    const failures: string[] = [];
    const serverOptions: ServerOptions = () => spawnFirst(located.launches, this.output, failures);
    const lifecycle = new StartAwareErrorHandler();
    const clientOptions: LanguageClientOptions = {
      documentSelector: [
        { scheme: 'file', language: 'sql' },
        { scheme: 'untitled', language: 'sql' },
      ],
      synchronize: { configurationSection: 'dbagent' },
      outputChannel: this.output,
      errorHandler: lifecycle,
      middleware: {
        // A plan finding's hover carries a "Show plan" command link: trusted for that one command, nothing else.
        provideHover: async (document, position, token, next) => {
          const hover = await next(document, position, token);
          for (const content of hover?.contents ?? []) {
            if (content instanceof vscode.MarkdownString && hasPlanLink(content.value)) {
              content.isTrusted = { enabledCommands: [...planCommandTrust.enabledCommands] };
            }
          }
          return hover;
        },
      },
    };
    const client = new QuietStartLanguageClient('dbagent', 'DbAgent', serverOptions, clientOptions);
    lifecycle.afterStart = client.createDefaultErrorHandler(4);
    this.client = client;
    this.clientDisposables.push(takeDiagnosticsAsSplices(client, this.output));
    for (const registration of this.registrations) {
      this.clientDisposables.push(...registration(client));
    }
    this.clientDisposables.push(
      client.onDidChangeState((event) => {
        if (this.client !== client || !client.started) {
          return; // the start itself reports its outcome below
        }
        if (event.newState === State.Running) {
          this.setState({ kind: 'running' });
        } else if (event.newState === State.Starting) {
          this.setState({ kind: 'starting' });
        } else {
          this.setState({ kind: 'stopped', message: 'The DbAgent language server stopped.' });
        }
      }),
    );
    try {
      await client.start();
    } catch (error) {
      await this.stopClient();
      const reason = failures.length > 0 ? failures : [`The server did not start: ${messageOf(error)}`];
      return this.fail(noServerMessage(located, process.platform, process.arch, reason));
    }
    client.started = true;
    lifecycle.started = true;
    this.startError = undefined;
    this.setState({ kind: 'running' });
    this.onDidStartEmitter.fire(client);
    return client;
  }

  private locate(): LocatorResult {
    const isFile = (file: string) => {
      try {
        return fs.statSync(file).isFile();
      } catch {
        return false;
      }
    };
    return locateServer({
      settingPath: vscode.workspace.getConfiguration('dbagent').get<string>('server.path'),
      environmentPath: process.env.DBAGENT_SERVER_PATH,
      extensionPath: this.context.extensionPath,
      platform: process.platform,
      arch: process.arch,
      isFile,
      modifiedTime: (file) => fs.statSync(file).mtimeMs,
      findOnPath: (executable) => findExecutableOnPath(executable, process.env.PATH, path.delimiter, isFile),
    });
  }

  private fail(message: string): undefined {
    this.startError = message;
    this.setState({ kind: 'failed', message });
    this.output.appendLine(`[server] ${message}`);
    void vscode.window.showErrorMessage(message, 'Show Output', 'Open Settings').then((choice) => {
      if (choice === 'Show Output') {
        this.output.show(true);
      } else if (choice === 'Open Settings') {
        void vscode.commands.executeCommand('workbench.action.openSettings', 'dbagent.server.path');
      }
    });
    return undefined;
  }

  private async stopClient(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    for (const disposable of this.clientDisposables.splice(0)) {
      disposable.dispose();
    }
    if (client) {
      this.setState({ kind: 'stopped', message: 'The DbAgent language server was stopped.' });
      try {
        await client.dispose();
      } catch (error) {
        this.output.appendLine(`[server] stopping the server failed: ${messageOf(error)}`);
      }
    }
  }
}

/** Keeps a failed start to the one message DbAgentServer shows: the client's own popups are reserved for later trouble. */
class QuietStartLanguageClient extends LanguageClient {
  started = false;

  override error(message: string, data?: unknown, showNotification: boolean | 'force' = true): void {
    super.error(message, data, this.started ? showNotification : false);
  }
}

/** A server that dies while starting is not restarted (the start fails with the reason); after that, the
 * client's default policy applies (restart, but not endlessly). */
class StartAwareErrorHandler implements ErrorHandler {
  started = false;
  afterStart: ErrorHandler | undefined;

  error(...args: Parameters<ErrorHandler['error']>): ReturnType<ErrorHandler['error']> {
    return this.started && this.afterStart ? this.afterStart.error(...args) : { action: ErrorAction.Shutdown, handled: true };
  }

  closed(): ReturnType<ErrorHandler['closed']> {
    return this.started && this.afterStart ? this.afterStart.closed() : { action: CloseAction.DoNotRestart, handled: true };
  }
}

/** Spawns the first launch whose process starts; a launch that cannot be spawned (EACCES, ENOENT) gives way to the next. */
async function spawnFirst(launches: ServerLaunch[], output: vscode.OutputChannel, failures: string[]): Promise<ChildProcess> {
  failures.length = 0;
  for (const launch of launches) {
    output.appendLine(`[server] starting ${launch.description}`);
    const child = spawn(launch.command, launch.args, { stdio: 'pipe', env: process.env });
    const error = await new Promise<Error | undefined>((resolve) => {
      child.once('spawn', () => resolve(undefined));
      child.once('error', (e) => resolve(e));
    });
    if (!error) {
      return child;
    }
    failures.push(`Starting ${launch.description} failed: ${error.message}.`);
    output.appendLine(`[server] ${failures[failures.length - 1]}`);
  }
  throw new Error(failures.join(' '));
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Creates the server, its output channel and its commands, and starts it. */
export function activateServer(context: vscode.ExtensionContext): DbAgentServer {
  const output = vscode.window.createOutputChannel('DbAgent');
  const server = new DbAgentServer(context, output);
  context.subscriptions.push(
    output,
    vscode.commands.registerCommand('dbagent.restartServer', () => server.restart()),
    vscode.commands.registerCommand('dbagent.showOutput', () => output.show()),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('dbagent.server.path')) {
        void server.restart();
      }
    }),
  );
  return server;
}

const diagnosticsSplice = new NotificationType<DiagnosticsSplice<ProtocolDiagnostic>>(diagnosticsSpliceMethod);
const diagnosticsResync = new NotificationType<{ uri: string }>(diagnosticsResyncMethod);

/**
 * Declares `experimental.dbagentDiagnosticsSplice` and applies the server's `dbagent/diagnosticsSplice` notifications
 * to the client's diagnostic collection, in the order they came (each converted as the client converts a
 * publishDiagnostics). A splice that does not follow the last one applied asks for the document's diagnostics whole.
 */
function takeDiagnosticsAsSplices(client: LanguageClient, output: vscode.OutputChannel): vscode.Disposable {
  const feature: StaticFeature = {
    fillClientCapabilities(capabilities: ClientCapabilities): void {
      capabilities.experimental = { ...(capabilities.experimental as object | undefined), [diagnosticsSpliceCapability]: true };
    },
    initialize(): void {},
    getState(): FeatureState {
      return { kind: 'static' };
    },
    clear(): void {},
  };
  client.registerFeature(feature);
  const documents = new SplicedDiagnostics<vscode.Diagnostic>();
  let applied: Promise<void> = Promise.resolve();
  return client.onNotification(diagnosticsSplice, (splice) => {
    applied = applied.then(async () => {
      const inserted = splice.diagnostics.length === 0 ? [] : await client.protocol2CodeConverter.asDiagnostics(splice.diagnostics);
      const diagnostics = documents.apply(splice, inserted);
      if (diagnostics === undefined) {
        await client.sendNotification(diagnosticsResync, { uri: splice.uri });
        return;
      }
      client.diagnostics?.set(client.protocol2CodeConverter.asUri(splice.uri), diagnostics);
    }).catch((error: unknown) => output.appendLine(`[server] diagnostics for ${splice.uri} could not be shown: ${messageOf(error)}`));
  });
}

