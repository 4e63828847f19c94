// Add Connection's pasted connection strings and URLs, read by the real server's parser (dbagent/parseConnection):
// the one parser the settings and the CLI use. The extension parses nothing itself.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Engine, ParseConnectionRequest, ParseConnectionResult } from '../src/connections/protocol';
import { RunningServer, startServer, withTimeout } from './serverProcess';

describe('dbagent/parseConnection', () => {
  let server: RunningServer | undefined;
  let startError: unknown;
  let workspace: string;

  before(async () => {
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'dbagent-parse-'));
    try {
      server = await startServer(workspace);
    } catch (error) {
      startError = error;
    }
  });

  after(async () => {
    await server?.stop();
    fs.rmSync(workspace, { recursive: true, force: true });
  });

  async function parse(text: string, engine: Engine | null = null): Promise<ParseConnectionResult> {
    if (!server) throw startError instanceof Error ? startError : new Error(String(startError));
    return withTimeout(server.connection.sendRequest(ParseConnectionRequest, { text, engine }), 20000);
  }

  const cases: Array<{ text: string; engine?: Engine; stored: string | RegExp; password: string | null; as: Engine }> = [
    { text: 'postgres://app:s3cr%40t@db.example:5432/shop?sslmode=require', stored: 'postgres://app@db.example:5432/shop?sslmode=require', password: 's3cr@t', as: 'postgres' },
    { text: 'mysql://root@127.0.0.1:3306/shop', stored: 'mysql://root@127.0.0.1:3306/shop', password: null, as: 'mysql' },
    { text: 'postgresql://app@localhost/shop?password=hunter2&sslmode=disable', stored: 'postgres://app@localhost/shop?sslmode=disable', password: 'hunter2', as: 'postgres' },
    { text: 'postgres://app:p@ss@host/db', stored: 'postgres://app@host/db', password: 'p@ss', as: 'postgres' },
    { text: 'MariaDB://shop:pw@db/shop', stored: 'mysql://shop@db/shop', password: 'pw', as: 'mysql' },
    { text: 'Host=localhost;Username=app;Password=secret;Database=shop', stored: /^(?!.*secret).*Host=localhost.*Database=shop/i, password: 'secret', as: 'postgres' },
    { text: 'Server=tcp:sql,1433;User ID=sa;Pwd="a;b""c";Encrypt=true', engine: 'sqlserver', stored: /^(?!.*a;b).*User ID=sa/i, password: 'a;b"c', as: 'sqlserver' },
    { text: 'sqlite:samples/workspace/shop.db', stored: 'sqlite:samples/workspace/shop.db', password: null, as: 'sqlite' },
    { text: 'samples/workspace/shop.db', stored: 'samples/workspace/shop.db', password: null, as: 'sqlite' },
    { text: 'data/app', engine: 'sqlite', stored: 'data/app', password: null, as: 'sqlite' },
  ];

  for (const c of cases) {
    it(`reads ${c.text}${c.engine ? ` (${c.engine})` : ''}`, async () => {
      const result = await parse(c.text, c.engine ?? null);
      assert.equal(result.ok, true, result.message);
      assert.equal(result.connection?.engine, c.as);
      if (typeof c.stored === 'string') {
        assert.equal(result.connection?.connectionString, c.stored);
      } else {
        assert.match(result.connection!.connectionString, c.stored);
      }
      assert.equal(result.password, c.password);
    });
  }

  it('asks for the engine when the text does not tell it, then reads it with one', async () => {
    const bare = await parse('Database=shop');
    assert.equal(bare.ok, false);
    assert.equal(bare.needsEngine, true);
    assert.equal(bare.connection, null);
    const withEngine = await parse('Database=shop', 'postgres');
    assert.equal(withEngine.ok, true, withEngine.message);
    assert.equal(withEngine.connection?.engine, 'postgres');
  });

  it('refuses what the engine\'s parser refuses, with a message and no secret', async () => {
    const result = await parse('postgres://app:topsecret@db:notaport/shop');
    assert.equal(result.ok, false);
    assert.equal(result.needsEngine, false);
    assert.match(result.message, /port/);
    assert.ok(!JSON.stringify(result).includes('topsecret'), JSON.stringify(result));
    const mismatch = await parse('mysql://shop@db/shop', 'postgres');
    assert.equal(mismatch.ok, false);
    assert.match(mismatch.message, /mysql/);
  });
});
