// Secrets bound to their target (issue 12): a fake SecretStorage and a fake prompt that records what it was asked.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ConnectionSetting } from '../src/connections/protocol';
import {
  legacyModelKey,
  legacyPasswordKey,
  modelKeyFor,
  passwordFor,
  storeModelKey,
  storePassword,
} from '../src/connections/secrets';

class FakeSecrets {
  readonly map = new Map<string, string>();
  async get(key: string): Promise<string | undefined> {
    return this.map.get(key);
  }
  async store(key: string, value: string): Promise<void> {
    this.map.set(key, value);
  }
  async delete(key: string): Promise<void> {
    this.map.delete(key);
  }
}

function prompt(answer: boolean): { confirm: (m: string, y: string) => Promise<boolean>; asked: string[] } {
  const asked: string[] = [];
  return { asked, confirm: async (message: string) => (asked.push(message), answer) };
}

const app: ConnectionSetting = { name: 'app', engine: 'postgres', host: 'db.internal', port: 5432, database: 'app', user: 'app' };
const hostile: ConnectionSetting = { ...app, host: 'attacker.example' };

describe('connection passwords', () => {
  it('a password stored for a target is given for that target without a question', async () => {
    const secrets = new FakeSecrets();
    await storePassword(secrets, app, 's3cret');
    const p = prompt(false);
    assert.equal(await passwordFor(secrets, app, p.confirm), 's3cret');
    assert.deepEqual(p.asked, []);
    assert.ok(![...secrets.map.keys()].includes(legacyPasswordKey('app')));
  });

  it('a settings file that reuses the name with another host gets nothing unless the user agrees', async () => {
    const secrets = new FakeSecrets();
    await storePassword(secrets, app, 's3cret');
    const no = prompt(false);
    assert.equal(await passwordFor(secrets, hostile, no.confirm), null);
    assert.equal(no.asked.length, 1);
    assert.match(no.asked[0], /attacker\.example/);
    assert.match(no.asked[0], /db\.internal/);
    assert.ok(!no.asked[0].includes('s3cret'), 'the prompt never shows the secret');

    const yes = prompt(true);
    assert.equal(await passwordFor(secrets, hostile, yes.confirm), 's3cret');
    // Once agreed, the password is stored for the new target: no second question.
    const again = prompt(false);
    assert.equal(await passwordFor(secrets, hostile, again.confirm), 's3cret');
    assert.deepEqual(again.asked, []);
  });

  it('another port, database or user is another target', async () => {
    const secrets = new FakeSecrets();
    await storePassword(secrets, app, 's3cret');
    for (const changed of [{ ...app, port: 6543 }, { ...app, database: 'other' }, { ...app, user: 'admin' }, { ...app, engine: 'mysql' as const }]) {
      const p = prompt(false);
      assert.equal(await passwordFor(secrets, changed, p.confirm), null);
      assert.equal(p.asked.length, 1);
    }
  });

  it('a password stored under the old key by name is migrated only after the user confirms the target', async () => {
    const secrets = new FakeSecrets();
    secrets.map.set(legacyPasswordKey('app'), 'old');
    const no = prompt(false);
    assert.equal(await passwordFor(secrets, app, no.confirm), null);
    assert.equal(no.asked.length, 1);
    assert.match(no.asked[0], /db\.internal/);
    assert.equal(secrets.map.get(legacyPasswordKey('app')), 'old', 'a refusal keeps the old secret');

    const yes = prompt(true);
    assert.equal(await passwordFor(secrets, app, yes.confirm), 'old');
    assert.equal(secrets.map.get(legacyPasswordKey('app')), undefined, 'the old key is gone after the migration');
    const later = prompt(false);
    assert.equal(await passwordFor(secrets, app, later.confirm), 'old');
    assert.deepEqual(later.asked, []);
  });

  it('a connection string target is the string without its password', async () => {
    const secrets = new FakeSecrets();
    const url: ConnectionSetting = { name: 'u', engine: 'postgres', connectionString: 'postgres://app@db.internal:5432/app' };
    await storePassword(secrets, url, 'pw');
    const p = prompt(false);
    assert.equal(await passwordFor(secrets, { ...url, connectionString: 'postgres://app@evil:5432/app' }, p.confirm), null);
    assert.equal(p.asked.length, 1);
    assert.equal(await passwordFor(secrets, url, p.confirm), 'pw');
  });
});

describe('model API key', () => {
  it('is bound to its endpoint; another endpoint asks first', async () => {
    const secrets = new FakeSecrets();
    await storeModelKey(secrets, 'https://api.openai.com/v1/', 'sk-1');
    const quiet = prompt(false);
    assert.equal(await modelKeyFor(secrets, '', quiet.confirm), 'sk-1', 'empty endpoint is OpenAI itself');
    assert.deepEqual(quiet.asked, []);

    const no = prompt(false);
    assert.equal(await modelKeyFor(secrets, 'http://collector.example/v1', no.confirm), null);
    assert.equal(no.asked.length, 1);
    assert.match(no.asked[0], /collector\.example/);
    assert.ok(!no.asked[0].includes('sk-1'));

    const yes = prompt(true);
    assert.equal(await modelKeyFor(secrets, 'http://collector.example/v1', yes.confirm), 'sk-1');
  });

  it('the key stored before endpoints mattered is migrated after a yes', async () => {
    const secrets = new FakeSecrets();
    secrets.map.set(legacyModelKey, 'sk-old');
    const no = prompt(false);
    assert.equal(await modelKeyFor(secrets, 'http://localhost:11434/v1', no.confirm), null);
    assert.equal(no.asked.length, 1);
    const yes = prompt(true);
    assert.equal(await modelKeyFor(secrets, 'http://localhost:11434/v1', yes.confirm), 'sk-old');
    assert.equal(secrets.map.get(legacyModelKey), undefined);
    const again = prompt(false);
    assert.equal(await modelKeyFor(secrets, 'http://LOCALHOST:11434/v1/', again.confirm), 'sk-old');
    assert.deepEqual(again.asked, []);
  });
});
