// What the chat view shows of a streamed answer: progress only before the answer's text, so VS Code does not fold
// the answer into its collapsed "Completed N steps" section (seen in the real-VS-Code suite: the /indexes
// recommendation was hidden there).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CancellationToken, Disposable, ProgressType, RequestType } from 'vscode-jsonrpc';
import { ChatConnection, ChatSink, forwardChat } from '../src/chat/forwarder';
import type { ChatPart } from '../src/chat/protocol';

/** A connection that plays the given parts as the server's progress, then answers the request. */
function scriptedConnection(parts: ChatPart[]): ChatConnection {
  let handler: ((value: ChatPart) => void) | undefined;
  return {
    onProgress<P>(_type: ProgressType<P>, _token: string | number, h: (value: P) => void): Disposable {
      handler = h as unknown as (value: ChatPart) => void;
      return { dispose: () => { handler = undefined; } };
    },
    async sendRequest<P, R, E>(_type: RequestType<P, R, E>, _params: P, _token?: CancellationToken): Promise<R> {
      for (const part of parts) handler?.(part);
      return { followups: [], metadata: { command: null } } as unknown as R;
    },
  };
}

function recorder(): ChatSink & { seen: string[] } {
  const seen: string[] = [];
  return {
    seen,
    markdown: (text) => seen.push(`markdown:${text}`),
    reference: (uri) => seen.push(`reference:${uri}`),
    progress: (message) => seen.push(`progress:${message}`),
  };
}

describe('chat stream shape', () => {
  it('shows progress before the answer and none after its text began', async () => {
    const sink = recorder();
    await forwardChat(scriptedConnection([
      { kind: 'progress', message: 'Reading the plan' },
      { kind: 'markdown', text: 'CREATE INDEX ix ON orders (status);' },
      { kind: 'progress', message: 'Trying the index' },
      { kind: 'reference', uri: 'file:///q.sql', range: null },
      { kind: 'markdown', text: 'What-if: the plan uses the index.' },
    ] as ChatPart[]), { prompt: '', command: 'indexes', history: [], document: null, selection: null }, sink);
    assert.deepEqual(sink.seen, [
      'progress:Reading the plan',
      'markdown:CREATE INDEX ix ON orders (status);',
      'reference:file:///q.sql',
      'markdown:What-if: the plan uses the index.',
    ]);
  });
});
