// The extension's side of `dbagent/diagnosticsSplice`: splices applied in order rebuild the server's list; one that does
// not follow the last applied changes nothing and asks for a resync.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SplicedDiagnostics } from '../src/server/splicedDiagnostics';

const uri = 'file:///m.sql';
const splice = (base: number, id: number, start: number, deleteCount: number) => ({ uri, base, id, start, deleteCount });

describe('spliced diagnostics', () => {
  it('rebuilds the list from a whole first splice and the edits after it', () => {
    const state = new SplicedDiagnostics<string>();
    assert.deepEqual(state.apply(splice(0, 1, 0, 0), ['a', 'b', 'c', 'd']), ['a', 'b', 'c', 'd']);
    assert.deepEqual(state.apply(splice(1, 2, 1, 1), ['B', 'B2']), ['a', 'B', 'B2', 'c', 'd'], 'one replaced by two');
    assert.deepEqual(state.apply(splice(2, 3, 5, 0), ['e']), ['a', 'B', 'B2', 'c', 'd', 'e'], 'appended');
    assert.deepEqual(state.apply(splice(3, 4, 0, 6), []), [], 'all removed');
    assert.deepEqual(state.apply(splice(4, 5, 0, 0), ['x']), ['x']);
  });

  it('refuses a splice that does not follow the last one applied, until a whole one comes', () => {
    const state = new SplicedDiagnostics<string>();
    assert.equal(state.apply(splice(7, 8, 0, 0), ['a']), undefined, 'nothing applied yet');
    state.apply(splice(0, 1, 0, 0), ['a', 'b']);
    assert.equal(state.apply(splice(2, 3, 0, 1), ['z']), undefined, 'splice 2 was lost');
    assert.equal(state.apply(splice(1, 4, 1, 5), []), undefined, 'deletes past the end');
    assert.deepEqual(state.apply(splice(1, 5, 1, 1), ['c']), ['a', 'c'], 'the list was left as it was');
    assert.deepEqual(state.apply(splice(0, 6, 0, 0), ['w']), ['w'], 'a whole splice starts over');
  });

  it('forgets a document its clearing splice emptied', () => {
    const state = new SplicedDiagnostics<string>();
    state.apply(splice(0, 1, 0, 0), ['a']);
    assert.deepEqual(state.apply(splice(0, 0, 0, 0), []), []);
    assert.equal(state.apply(splice(1, 2, 0, 0), ['b']), undefined, 'splice 1 went with the document');
  });
});
