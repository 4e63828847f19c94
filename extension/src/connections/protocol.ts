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

/** Client → server: a pasted connection string or URL, read by the server's one connection parser. */
export interface ParseConnectionParams {
  text: string;
  /** The engine the user chose, or null to let the text tell. */
  engine: Engine | null;
}

export interface ParseConnectionResult {
  ok: boolean;
  /** Why the text was refused (never holds a secret); '' when ok. */
  message: string;
  /** The text alone does not tell the engine: ask the user, then send it again with one. */
  needsEngine: boolean;
  /** What goes into settings: the same form as pasted (URL, connection string or file path), without a password. */
  connection: { engine: Engine; connectionString: string } | null;
  /** The password the text held, for SecretStorage; null when it held none. */
  password: string | null;
}

export const ParseConnectionRequest = new RequestType<ParseConnectionParams, ParseConnectionResult, void>(
  'dbagent/parseConnection',
);

/** The SecretStorage key of a connection's password. */
export function passwordKey(connectionName: string): string {
  return `dbagent.password.${connectionName}`;
}
