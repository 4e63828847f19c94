import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ConnectionStatusParams } from '../src/connections/protocol';
import { ConnectionStatusStore, statusView } from '../src/connections/statusStore';

const a = 'file:///w/a.sql';
const b = 'file:///w/reports/b.sql';

function status(uri: string | null, connection: string | null, state: ConnectionStatusParams['state'], message = ''): ConnectionStatusParams {
  return { uri, connection, state, message };
}

describe('ConnectionStatusStore', () => {
  it('shows a file its own status, else the workspace status, else nothing', () => {
    const store = new ConnectionStatusStore();
    assert.equal(store.statusOf(a), undefined);
    store.update(status(null, 'shop', 'connected'));
    assert.equal(store.statusOf(a)?.connection, 'shop');
    store.update(status(b, 'reports', 'connected'));
    assert.equal(store.statusOf(b)?.connection, 'reports');
    assert.equal(store.statusOf(a)?.connection, 'shop');
  });

  it('carries a connection going down and coming back to every file that uses it, and only those', () => {
    const store = new ConnectionStatusStore();
    store.update(status(a, 'shop', 'connected'));
    store.update(status(b, 'reports', 'connected'));
    store.update(status(null, 'shop', 'unreachable', 'Connection refused'));
    assert.deepEqual(store.statusOf(a), status(a, 'shop', 'unreachable', 'Connection refused'));
    assert.equal(store.statusOf(b)?.state, 'connected');
    store.update(status(null, 'shop', 'connected', 'Connected again'));
    assert.equal(store.statusOf(a)?.state, 'connected');
    assert.equal(store.statusOf(a)?.message, 'Connected again');
  });

  it('ignores malformed notifications', () => {
    const store = new ConnectionStatusStore();
    assert.equal(store.update(status(a, 'shop', 'weird' as ConnectionStatusParams['state'])), false);
    assert.equal(store.update(null as unknown as ConnectionStatusParams), false);
    assert.equal(store.statusOf(a), undefined);
  });

  it('forgets a closed file and everything on a server restart', () => {
    const store = new ConnectionStatusStore();
    store.update(status(a, 'shop', 'connected'));
    store.update(status(null, null, 'none'));
    store.forget(a);
    assert.equal(store.statusOf(a)?.state, 'none');
    store.clear();
    assert.equal(store.statusOf(a), undefined);
  });
});

describe('statusView', () => {
  const running = { kind: 'running' } as const;

  it('names the connection and its state while the server runs', () => {
    assert.deepEqual(statusView(running, status(a, 'shop', 'connected'), true), {
      text: '$(database) shop',
      tooltip: 'DbAgent: shop (connected)',
      command: 'dbagent.testConnection',
      background: undefined,
    });
    const down = statusView(running, status(a, 'shop', 'unreachable', 'Connection refused'), true);
    assert.equal(down?.text, '$(debug-disconnect) shop');
    assert.equal(down?.background, 'warning');
    assert.match(down!.tooltip, /Connection refused/);
    assert.equal(statusView(running, status(a, null, 'none'), true)?.command, 'dbagent.addConnection');
    assert.equal(statusView(running, undefined, true), undefined, 'nothing said yet: nothing shown');
    assert.equal(statusView(running, status(a, 'shop', 'connected'), false), undefined, 'only for SQL editors');
  });

  it('never names a connection as fine while the server is stopped or failed to start', () => {
    const connected = status(a, 'shop', 'connected');
    const stopped = statusView({ kind: 'stopped', message: 'The DbAgent language server stopped.' }, connected, true)!;
    assert.equal(stopped.text, '$(error) DbAgent: server stopped');
    assert.equal(stopped.command, 'dbagent.restartServer');
    assert.equal(stopped.background, 'error');
    assert.doesNotMatch(stopped.text + stopped.tooltip, /shop|connected\b/);

    const failed = statusView({ kind: 'failed', message: 'DbAgent could not find its server.' }, connected, true)!;
    assert.equal(failed.text, '$(error) DbAgent: server not running');
    assert.equal(failed.command, 'dbagent.showOutput');
    assert.match(failed.tooltip, /could not find its server/);
    assert.doesNotMatch(failed.text, /shop/);

    // Shown even before any connection status arrived: the editor is SQL and the server is down.
    assert.ok(statusView({ kind: 'failed', message: 'x' }, undefined, true));
    assert.equal(statusView({ kind: 'starting' }, connected, true)?.text, '$(sync~spin) DbAgent: starting');
  });
});
