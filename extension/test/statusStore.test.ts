import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ConnectionStatusParams } from '../src/connections/protocol';
import { ConnectionStatusStore } from '../src/connections/statusStore';

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
