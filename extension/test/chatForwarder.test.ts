// The chat forwarding logic against the real `dbagent lsp` process: what a user of @database-expert would see.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { CancellationTokenSource } from 'vscode-jsonrpc/node';
import { ChatCancelledError, ChatConnection, ChatSink, forwardChat } from '../src/chat/forwarder';
import type { Range } from '../src/chat/protocol';
import { RunningServer, startServer, withTimeout } from './serverProcess';

type RecordedPart =
  | { kind: 'markdown'; text: string }
  | { kind: 'reference'; uri: string; range: Range | null }
  | { kind: 'progress'; message: string };

class RecordingSink implements ChatSink {
  readonly parts: RecordedPart[] = [];
  markdown(text: string): void {
    this.parts.push({ kind: 'markdown', text });
  }
  reference(uri: string, range: Range | null): void {
    this.parts.push({ kind: 'reference', uri, range });
  }
  progress(message: string): void {
    this.parts.push({ kind: 'progress', message });
  }
  get text(): string {
    return this.parts.flatMap((p) => (p.kind === 'markdown' ? [p.text] : [])).join('');
  }
}

describe('chat forwarding to the real server', () => {
  let workspace: string;
  let running: RunningServer | undefined;
  let startError: unknown;
  let documentUri: string;
  // A server that did not start fails every test with the reason (a hook failure would only "cancel" them).
  const server = (): RunningServer => {
    if (!running) {
      throw startError instanceof Error ? startError : new Error(String(startError));
    }
    return running;
  };

  before(async () => {
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'dbagent-chat-'));
    const file = path.join(workspace, 'cleanup.sql');
    const text = 'DELETE FROM orders;\n';
    fs.writeFileSync(file, text);
    documentUri = pathToFileURL(file).href;
    try {
      running = await startServer(workspace);
    } catch (error) {
      startError = error;
      return;
    }
    running.connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri: documentUri, languageId: 'sql', version: 1, text },
    });
  });

  after(async () => {
    await running?.stop();
    if (workspace) {
      fs.rmSync(workspace, { recursive: true, force: true });
    }
  });

  it('streams a /review of the open file that names the rule it breaks', async () => {
    const sink = new RecordingSink();
    const result = await withTimeout(
      forwardChat(
        server().connection,
        {
          prompt: 'review this file',
          command: 'review',
          history: [],
          document: { uri: documentUri, languageId: 'sql' },
          selection: null,
        },
        sink,
      ),
      30000,
    );
    assert.ok(sink.parts.some((p) => p.kind === 'markdown' && p.text.trim().length > 0), 'no markdown part arrived');
    assert.match(sink.text, /delete-without-where/, `the review does not name the rule:\n${sink.text}`);
    for (const part of sink.parts) {
      if (part.kind === 'reference') {
        assert.equal(part.uri, documentUri, 'a reference points at a file other than the reviewed one');
      }
    }
    assert.equal(result.metadata.command, 'review');
    assert.ok(Array.isArray(result.followups));
  });

  it('answers a free-form question without a model by saying how to configure one', async () => {
    const sink = new RecordingSink();
    await withTimeout(
      forwardChat(
        server().connection,
        {
          prompt: 'How should I index orders by customer and date?',
          command: null,
          history: [
            { role: 'user', content: 'review this file', command: 'review' },
            { role: 'assistant', content: 'DELETE without WHERE removes every row.', command: 'review' },
          ],
          document: { uri: documentUri, languageId: 'sql' },
          selection: { start: { line: 0, character: 0 }, end: { line: 0, character: 19 } },
        },
        sink,
      ),
      30000,
    );
    assert.ok(sink.text.trim().length > 0, 'the answer is empty');
    assert.match(sink.text, /model/i, `the answer does not say how to configure a model:\n${sink.text}`);
  });

  it('stops rendering and rejects when the request is cancelled, and the server keeps answering', async () => {
    const { connection } = server();
    const sink = new RecordingSink();
    const source = new CancellationTokenSource();
    // Cancel as soon as the first part arrives (or right away if the server sends none before answering).
    let partsWhenCancelled = -1;
    const cancellingSink: ChatSink = {
      markdown: (text) => {
        sink.markdown(text);
        if (partsWhenCancelled < 0) {
          partsWhenCancelled = sink.parts.length;
          source.cancel();
        }
      },
      reference: (uri, range) => sink.reference(uri, range),
      progress: (message) => sink.progress(message),
    };
    // Watch the raw request, to see how the server itself ended it.
    let serverOutcome: 'result' | number | undefined;
    const watched: ChatConnection = {
      onProgress: (type, token, handler) => connection.onProgress(type, token, handler),
      sendRequest: (type, params, token) =>
        connection.sendRequest(type, params, token).then(
          (value) => {
            serverOutcome = 'result';
            return value;
          },
          (error: { code?: number }) => {
            serverOutcome = error?.code;
            throw error;
          },
        ),
    };
    const request = forwardChat(
      watched,
      { prompt: 'review this file', command: 'review', history: [], document: { uri: documentUri, languageId: 'sql' }, selection: null },
      cancellingSink,
      source.token,
    );
    setTimeout(() => source.cancel(), 0);
    await assert.rejects(withTimeout(request, 30000), ChatCancelledError);
    if (partsWhenCancelled < 0) {
      partsWhenCancelled = 0;
    }
    assert.equal(sink.parts.length, partsWhenCancelled, 'parts reached the sink after the cancellation');
    // The server answered the request (cancelled, or finished before the cancellation reached it): it did not hang.
    assert.ok(serverOutcome === 'result' || serverOutcome === -32800, `the server ended the request with ${String(serverOutcome)}`);

    // And it still serves the next request.
    const next = new RecordingSink();
    await withTimeout(
      forwardChat(
        server().connection,
        { prompt: '', command: 'review', history: [], document: { uri: documentUri, languageId: 'sql' }, selection: null },
        next,
      ),
      30000,
    );
    assert.match(next.text, /delete-without-where/);
  });

  it('rejects at once when the token is already cancelled', async () => {
    const source = new CancellationTokenSource();
    source.cancel();
    const sink = new RecordingSink();
    await assert.rejects(
      forwardChat(server().connection, { prompt: 'x', command: null, history: [], document: null, selection: null }, sink, source.token),
      ChatCancelledError,
    );
    assert.equal(sink.parts.length, 0);
  });
});
