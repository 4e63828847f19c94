// The forwarder's handling of what a server sends, on a scripted connection: parts of the wrong shape are
// dropped, followups are normalised, a server-side cancellation becomes ChatCancelledError.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ResponseError } from 'vscode-jsonrpc';
import { ChatCancelledError, ChatConnection, ChatSink, forwardChat } from '../src/chat/forwarder';
import { ChatParams } from '../src/chat/protocol';

/** A connection that, for each request, sends `parts` on the request's token and then settles with `outcome`. */
function scripted(parts: unknown[], outcome: () => Promise<unknown>): { connection: ChatConnection; sent: ChatParams[] } {
  const handlers = new Map<string | number, (value: unknown) => void>();
  const sent: ChatParams[] = [];
  const connection: ChatConnection = {
    onProgress: (_type, token, handler) => {
      handlers.set(token, handler as (value: unknown) => void);
      return { dispose: () => handlers.delete(token) };
    },
    sendRequest: async <P, R>(_type: unknown, params: P) => {
      const chat = params as unknown as ChatParams;
      sent.push(chat);
      for (const part of parts) {
        handlers.get(chat.partialResultToken)?.(part);
      }
      return (await outcome()) as R;
    },
  };
  return { connection, sent };
}

function recorder(): ChatSink & { log: string[] } {
  const log: string[] = [];
  return {
    log,
    markdown: (text) => log.push(`md:${text}`),
    reference: (uri, range) => log.push(`ref:${uri}${range ? `@${range.start.line}:${range.start.character}` : ''}`),
    progress: (message) => log.push(`progress:${message}`),
  };
}

const input = { prompt: 'p', command: 'review', history: [], document: null, selection: null };

describe('forwardChat', () => {
  it('renders parts in order and drops the ones of the wrong shape', async () => {
    const { connection } = scripted(
      [
        { kind: 'progress', message: 'Reading cleanup.sql' },
        { kind: 'markdown', text: '**delete-without-where**' },
        { kind: 'reference', uri: 'file:///w/a.sql', range: { start: { line: 2, character: 0 }, end: { line: 2, character: 5 } } },
        { kind: 'reference', uri: 'file:///w/b.sql', range: null },
        { kind: 'reference', uri: 'file:///w/c.sql', range: { start: { line: 'x' } } },
        { kind: 'markdown', text: 42 },
        { kind: 'unknown', text: 'x' },
        null,
        'text',
        { kind: 'markdown', text: ' done' },
      ],
      async () => ({ followups: [], metadata: { command: 'review' } }),
    );
    const sink = recorder();
    await forwardChat(connection, input, sink);
    assert.deepEqual(sink.log, [
      'progress:Reading cleanup.sql',
      'md:**delete-without-where**',
      'ref:file:///w/a.sql@2:0',
      'ref:file:///w/b.sql',
      'ref:file:///w/c.sql',
      'md: done',
    ]);
  });

  it('sends a fresh partialResultToken with every request', async () => {
    const { connection, sent } = scripted([], async () => ({ followups: [], metadata: { command: null } }));
    await forwardChat(connection, input, recorder());
    await forwardChat(connection, input, recorder());
    assert.equal(sent.length, 2);
    assert.ok(sent[0].partialResultToken.length > 0);
    assert.notEqual(sent[0].partialResultToken, sent[1].partialResultToken);
    assert.equal(sent[0].command, 'review');
  });

  it('normalises followups: a missing label becomes the prompt, an empty command becomes null', async () => {
    const { connection } = scripted([], async () => ({
      followups: [
        { label: 'Explain the plan', prompt: 'explain it', command: 'explain' },
        { prompt: 'and the indexes?', command: '' },
        { label: 'broken' },
      ],
      metadata: { command: 'review' },
    }));
    const result = await forwardChat(connection, input, recorder());
    assert.deepEqual(result.followups, [
      { label: 'Explain the plan', prompt: 'explain it', command: 'explain' },
      { label: 'and the indexes?', prompt: 'and the indexes?', command: null },
    ]);
    assert.deepEqual(result.metadata, { command: 'review' });
  });

  it('turns the server answering RequestCancelled into ChatCancelledError', async () => {
    const { connection } = scripted([], async () => {
      throw new ResponseError(-32800, 'cancelled');
    });
    await assert.rejects(forwardChat(connection, input, recorder()), ChatCancelledError);
  });

  it('passes other server errors through', async () => {
    const { connection } = scripted([], async () => {
      throw new ResponseError(-32603, 'boom');
    });
    await assert.rejects(forwardChat(connection, input, recorder()), (error: unknown) => error instanceof ResponseError && error.message === 'boom');
  });
});
