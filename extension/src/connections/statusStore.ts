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
