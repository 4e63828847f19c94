// The connection protocol against the real `dbagent lsp` process: testing a connection, the password that
// comes from SecretStorage through dbagent/connectionPassword, the status bar's notifications, refreshing a schema.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import {
  ConnectionSetting,
  ParseConnectionRequest,
  RefreshSchemaRequest,
  TestConnectionRequest,
} from '../src/connections/protocol';
import { repositoryRoot, RunningServer, ServerOptions, startServer, withTimeout } from './serverProcess';

// Two tables (customers, orders), made with sqlite3 for these tests.
const shopDatabase = path.join(repositoryRoot, 'extension', 'test', 'fixtures', 'shop.db');

/** A TCP port on 127.0.0.1 that nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Starts a server for one describe block; a server that cannot start fails each test with the reason. */
function serverFor(options: () => ServerOptions) {
  let running: RunningServer | undefined;
  let startError: unknown;
  let workspace: string | undefined;
  before(async () => {
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'dbagent-connections-'));
    try {
      running = await startServer(workspace, options());
    } catch (error) {
      startError = error;
    }
  });
  after(async () => {
    await running?.stop();
    if (workspace) {
      fs.rmSync(workspace, { recursive: true, force: true });
    }
  });
  return {
    server(): RunningServer {
      if (!running) {
        throw startError instanceof Error ? startError : new Error(String(startError));
      }
      return running;
    },
    workspace: () => workspace!,
  };
}

describe('dbagent/testConnection', () => {
  const secret = 'S3cret-pw-that-must-not-leak';
  const fixture = serverFor(() => ({ passwords: { 'shop-pg': secret } }));

  it('answers for a SQLite database with its version, without asking for a password', async () => {
    const { connection, passwordRequests } = fixture.server();
    const setting: ConnectionSetting = { name: 'shop-lite', engine: 'sqlite', database: shopDatabase };
    const result = await withTimeout(connection.sendRequest(TestConnectionRequest, { connection: setting }), 30000);
    assert.equal(result.ok, true, result.message);
    assert.match(result.serverVersion ?? '', /^\d+\.\d+/);
    assert.deepEqual(passwordRequests.filter((name) => name === 'shop-lite'), []);
  });

  it('asks the client for the password by connection name, and no answer repeats it', async () => {
    const { connection, passwordRequests } = fixture.server();
    const setting: ConnectionSetting = {
      name: 'shop-pg',
      engine: 'postgres',
      host: '127.0.0.1',
      port: await closedPort(),
      database: 'shop',
      user: 'app',
    };
    const result = await withTimeout(connection.sendRequest(TestConnectionRequest, { connection: setting }), 60000);
    assert.ok(passwordRequests.includes('shop-pg'), `the server asked for ${JSON.stringify(passwordRequests)}`);
    assert.equal(result.ok, false);
    assert.ok(result.message.length > 0, 'a failed test says why');
    assert.ok(!JSON.stringify(result).includes(secret), `the answer carries the password: ${result.message}`);
  });

  it('connects to PostgreSQL with the password taken out of the connection string', async (t) => {
    const url = process.env.DBAGENT_TEST_POSTGRES;
    if (!url) {
      t.skip('DBAGENT_TEST_POSTGRES is not set (.ci/run sets it after starting PostgreSQL)');
      return;
    }
    const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'dbagent-pg-'));
    const wrong = 'not-the-password-7c1e';
    // What "SecretStorage" holds; the server asks for it by name.
    const passwords: Record<string, string> = { 'wrong-pg': wrong };
    const server = await startServer(workspace, { passwords });
    try {
      // What dbagent.addConnection does with a pasted string: the server's parser gives settings the string
      // without the password, and the password apart ...
      const parsed = await withTimeout(server.connection.sendRequest(ParseConnectionRequest, { text: url, engine: 'postgres' }), 20000);
      assert.equal(parsed.ok, true, parsed.message);
      assert.ok(parsed.password, 'DBAGENT_TEST_POSTGRES has no password to move to SecretStorage');
      assert.ok(!parsed.connection!.connectionString.includes(parsed.password!), 'the stored connection string holds the password');
      // ... which goes to SecretStorage, where the server finds it when it asks.
      passwords['live-pg'] = parsed.password!;
      const stripped = { password: parsed.password!, connectionString: parsed.connection!.connectionString };
      const setting: ConnectionSetting = { name: 'live-pg', engine: 'postgres', connectionString: stripped.connectionString };
      const result = await withTimeout(server.connection.sendRequest(TestConnectionRequest, { connection: setting }), 60000);
      assert.equal(result.ok, true, result.message);
      assert.match(result.serverVersion ?? '', /\d+/);
      assert.ok(server.passwordRequests.includes('live-pg'));

      const refused = await withTimeout(
        server.connection.sendRequest(TestConnectionRequest, { connection: { ...setting, name: 'wrong-pg' } }),
        60000,
      );
      assert.equal(refused.ok, false, 'a wrong password was accepted');
      assert.ok(refused.message.length > 0);
      assert.ok(!refused.message.includes(wrong) && !refused.message.includes(stripped.password), refused.message);
    } finally {
      await server.stop();
      fs.rmSync(workspace, { recursive: true, force: true });
    }
  });
});

/** Polls dbagent/refreshSchema (all connections) until it counts `tables`: the settings have been applied. */
async function untilTables(server: RunningServer, tables: number): Promise<void> {
  const deadline = Date.now() + 30000;
  let last = -1;
  while (Date.now() < deadline) {
    last = (await server.connection.sendRequest(RefreshSchemaRequest, { connection: null })).tables;
    if (last === tables) {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  assert.fail(`the configured connection never showed ${tables} tables (last count ${last})`);
}

describe('a configured connection', () => {
  const fixture = serverFor(() => ({
    settings: { connections: [{ name: 'shop', engine: 'sqlite', database: shopDatabase }] },
  }));

  it('refreshes its schema and counts its tables', async () => {
    const server = fixture.server();
    await untilTables(server, 2);
    const named = await withTimeout(server.connection.sendRequest(RefreshSchemaRequest, { connection: 'shop' }), 30000);
    assert.equal(named.tables, 2);
    const unknown = await withTimeout(server.connection.sendRequest(RefreshSchemaRequest, { connection: 'nope' }), 30000);
    assert.equal(unknown.tables, 0);
  });

  it('is reported for an open SQL file as connected, for the status bar', async () => {
    const server = fixture.server();
    // The server reads settings asynchronously after `initialized`; a file opened before they arrive is reported
    // without a connection and is not reported again when they do, so wait until the connection is known.
    await untilTables(server, 2);
    const file = path.join(fixture.workspace(), 'report.sql');
    const text = 'SELECT count(*) FROM orders;\n';
    fs.writeFileSync(file, text);
    const uri = pathToFileURL(file).href;
    server.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'sql', version: 1, text } });
    const deadline = Date.now() + 30000;
    let status = server.statuses.find((s) => s.uri === uri);
    while (!status && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      status = server.statuses.find((s) => s.uri === uri);
    }
    assert.ok(status, `no dbagent/connectionStatus for ${uri}; got ${JSON.stringify(server.statuses)}`);
    assert.equal(status.connection, 'shop');
    assert.equal(status.state, 'connected', status.message);
  });
});
