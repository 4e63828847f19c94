// What the server last said about connections, per document and for the workspace. Pure, so that the rules
// (which status a file shows) are tested without VS Code; statusBar.ts renders it.
import type { ConnectionStatusParams } from './protocol';

export class ConnectionStatusStore {
  private readonly byDocument = new Map<string, ConnectionStatusParams>();
  private workspaceStatus: ConnectionStatusParams | undefined;

  /** Records a dbagent/connectionStatus notification; false when it is malformed and was ignored. */
  update(status: ConnectionStatusParams): boolean {
    if (!status || typeof status !== 'object' || !['connected', 'unreachable', 'none'].includes(status.state)) {
      return false;
    }
    if (typeof status.uri === 'string' && status.uri.length > 0) {
      this.byDocument.set(status.uri, status);
      return true;
    }
    this.workspaceStatus = status;
    // A change of one connection's state (it went down, it came back) holds for every file that uses it.
    if (status.connection) {
      for (const [uri, known] of this.byDocument) {
        if (known.connection === status.connection) {
          this.byDocument.set(uri, { ...known, state: status.state, message: status.message });
        }
      }
    }
    return true;
  }

  /** The status a document shows: its own, else the workspace's; undefined when the server said nothing yet. */
  statusOf(uri: string): ConnectionStatusParams | undefined {
    return this.byDocument.get(uri) ?? this.workspaceStatus;
  }

  forget(uri: string): void {
    this.byDocument.delete(uri);
  }

  clear(): void {
    this.byDocument.clear();
    this.workspaceStatus = undefined;
  }
}

/** Whether the language server runs, as the status bar needs it (set by DbAgentServer). */
export type ServerRunState =
  | { kind: 'starting' }
  | { kind: 'running' }
  /** It was running and stopped (crashed and not restarted, or stopped by a restart in progress). */
  | { kind: 'stopped'; message: string }
  /** It could not start: no binary, or it exited at once. */
  | { kind: 'failed'; message: string };

/** What the status bar item shows; undefined hides it. */
export interface StatusView {
  text: string;
  tooltip: string;
  command: string;
  background: 'warning' | 'error' | undefined;
}

/**
 * The status bar for the active file. While the server is not running nothing is known about any connection,
 * so no connection is named: the item says the server is down and offers what helps (restart, or the output).
 */
export function statusView(server: ServerRunState, status: ConnectionStatusParams | undefined, isSqlEditor: boolean): StatusView | undefined {
  if (!isSqlEditor) return undefined;
  switch (server.kind) {
    case 'failed':
      return {
        text: '$(error) DbAgent: server not running',
        tooltip: `${server.message}\nClick to show the DbAgent output.`,
        command: 'dbagent.showOutput',
        background: 'error',
      };
    case 'stopped':
      return {
        text: '$(error) DbAgent: server stopped',
        tooltip: `${server.message}\nConnections are not checked while it is stopped. Click to restart it.`,
        command: 'dbagent.restartServer',
        background: 'error',
      };
    case 'starting':
      return { text: '$(sync~spin) DbAgent: starting', tooltip: 'The DbAgent language server is starting.', command: 'dbagent.showOutput', background: undefined };
    case 'running':
      break;
  }
  if (!status) return undefined;
  const name = status.connection ?? 'no connection';
  const state = status.state === 'connected' ? 'connected' : status.state === 'unreachable' ? 'unreachable' : 'not connected';
  const tooltip = `DbAgent: ${name} (${state})${status.message ? `\n${status.message}` : ''}`;
  switch (status.state) {
    case 'connected':
      return { text: `$(database) ${name}`, tooltip, command: 'dbagent.testConnection', background: undefined };
    case 'unreachable':
      return { text: `$(debug-disconnect) ${name}`, tooltip, command: 'dbagent.testConnection', background: 'warning' };
    default:
      return { text: '$(database) no connection', tooltip, command: 'dbagent.addConnection', background: undefined };
  }
}
