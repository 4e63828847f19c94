// The connection side of DbAgent's own LSP methods (the server's records are in Features/Connections/ConnectionProtocol.cs).
// The C# side declares the same method names in server/DbAgent.Server/Features/Custom/CustomMethods.cs.
import { NotificationType, RequestType } from 'vscode-jsonrpc';

export type Engine = 'postgres' | 'mysql' | 'sqlserver' | 'sqlite';

export const engines: readonly Engine[] = ['postgres', 'mysql', 'sqlserver', 'sqlite'];

/** One entry of the `dbagent.connections` setting. Never holds a password: that lives in SecretStorage. */
export interface ConnectionSetting {
  name: string;
  engine: Engine;
  host?: string;
  port?: number;
  database?: string;
  user?: string;
  connectionString?: string;
  readOnly?: boolean;
  folders?: string[];
}

/** Server → client: the password of a configured connection, from SecretStorage. */
export interface ConnectionPasswordParams {
  connection: string;
}

export interface ConnectionPasswordResult {
  password: string | null;
}

export const ConnectionPasswordRequest = new RequestType<ConnectionPasswordParams, ConnectionPasswordResult, void>(
  'dbagent/connectionPassword',
);

export interface TestConnectionParams {
  connection: ConnectionSetting;
}

export interface TestConnectionResult {
  ok: boolean;
  message: string;
  serverVersion: string | null;
}

export const TestConnectionRequest = new RequestType<TestConnectionParams, TestConnectionResult, void>(
  'dbagent/testConnection',
);

export type ConnectionState = 'connected' | 'unreachable' | 'none';

/** Server → client: which connection a document uses and whether it answers. `uri: null` means every document. */
export interface ConnectionStatusParams {
  uri: string | null;
  connection: string | null;
  state: ConnectionState;
  message: string;
}

export const ConnectionStatusNotification = new NotificationType<ConnectionStatusParams>('dbagent/connectionStatus');

export interface RefreshSchemaParams {
  connection: string | null;
}

export interface RefreshSchemaResult {
  tables: number;
}

export const RefreshSchemaRequest = new RequestType<RefreshSchemaParams, RefreshSchemaResult, void>(
  'dbagent/refreshSchema',
);

/** The SecretStorage key of a connection's password. */
export function passwordKey(connectionName: string): string {
  return `dbagent.password.${connectionName}`;
}
