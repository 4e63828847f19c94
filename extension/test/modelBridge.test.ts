// The chat on VS Code's model, against the real `dbagent lsp` process: the server owns the conversation and the
// tools and asks this side for model turns (dbagent/modelRequest); modelBridge.ts runs them on a scripted model.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { CancellationToken, CancellationTokenSource } from 'vscode-jsonrpc/node';
import { ChatCancelledError, ChatSink, forwardChat } from '../src/chat/forwarder';
import { ChatModelLike, ModelParts, runModelTurn } from '../src/chat/modelBridge';
import { ModelRequest, ModelRequestParams, ModelTextNotification } from '../src/chat/protocol';
import { dbagentTools, invokeTool } from '../src/tools/toolForwarder';
import { RunningServer, startServer, withTimeout } from './serverProcess';

type Part = { text: string } | { toolCall: { callId: string; name: string; input: object } };

/** Plain-object parts, standing in for vscode.LanguageModel* classes. */
const plainParts: ModelParts = {
  message: (role, parts) => ({ role, parts }),
  text: (value) => ({ text: value }),
  toolCall: (callId, name, input) => ({ toolCall: { callId, name, input } }),
  toolResult: (callId, text) => ({ toolResult: { callId, text } }),
  readText: (part) => ((part as { text?: string }).text !== undefined ? (part as { text: string }).text : undefined),
  readToolCall: (part) => (part as { toolCall?: { callId: string; name: string; input: object } }).toolCall,
};

/** A model whose turns follow a script; it records what it was asked and whether its token was cancelled. */
class ScriptedModel implements ChatModelLike {
  readonly requests: Array<{ messages: unknown[]; tools: string[] }> = [];
  cancelledAt: number | undefined;
  constructor(private readonly turn: (index: number, token: CancellationToken) => AsyncIterable<Part>) {}
  sendRequest(messages: unknown[], options: { tools?: Array<{ name: string }> }, token: CancellationToken) {
    const index = this.requests.length;
    this.requests.push({ messages, tools: (options.tools ?? []).map((t) => t.name) });
    token.onCancellationRequested(() => {
      this.cancelledAt ??= Date.now();
    });
    return Promise.resolve({ stream: this.turn(index, token) });
  }
}

class Recorder implements ChatSink {
  readonly parts: Array<{ kind: string; text?: string; uri?: string; line?: number }> = [];
  markdown(text: string): void {
    this.parts.push({ kind: 'markdown', text });
  }
  reference(uri: string, range: { start: { line: number } } | null): void {
    this.parts.push({ kind: 'reference', uri, line: range?.start.line });
  }
  progress(message: string): void {
    this.parts.push({ kind: 'progress', text: message });
  }
  get text(): string {
    return this.parts.filter((p) => p.kind === 'markdown').map((p) => p.text).join('');
  }
}

const password = 'Known-Pa55word-9f3e';

describe('chat on the editor model through dbagent/modelRequest (real server)', () => {
  let workspace: string;
  let running: RunningServer | undefined;
  let startError: unknown;
  let documentUri: string;
  let model: ScriptedModel | undefined;
  const server = (): RunningServer => {
    if (!running) throw startError instanceof Error ? startError : new Error(String(startError));
    return running;
  };

  before(async () => {
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'dbagent-model-'));
    fs.mkdirSync(path.join(workspace, 'queries'));
    const file = path.join(workspace, 'queries', 'cleanup.sql');
    const text = 'DELETE FROM orders;\n';
    fs.writeFileSync(file, text);
    documentUri = pathToFileURL(file).href;
    try {
      // A connection with a known password on a port where nothing listens: the password is asked for and held.
      running = await startServer(workspace, {
        settings: { connections: [{ name: 'pg', engine: 'postgres', host: '127.0.0.1', port: 9, database: 'shop', user: 'app' }] },
        passwords: { pg: password },
      });
    } catch (error) {
      startError = error;
      return;
    }
    const { connection } = running;
    connection.onRequest(ModelRequest, (params: ModelRequestParams, token: CancellationToken) => {
      if (!model) throw new Error('no model in this test');
      return runModelTurn(model, params, plainParts, (piece) => {
        void connection.sendNotification(ModelTextNotification, { requestToken: params.requestToken, text: piece });
      }, token);
    });
    connection.sendNotification('textDocument/didOpen', { textDocument: { uri: documentUri, languageId: 'sql', version: 1, text } });
  });

  after(async () => {
    await running?.stop();
    if (workspace) fs.rmSync(workspace, { recursive: true, force: true });
  });

  const ask = (prompt: string, sink: ChatSink, token?: CancellationToken) =>
    forwardChat(server().connection, {
      prompt,
      command: null,
      history: [{ role: 'user', content: `my password is ${password}` }],
      document: { uri: documentUri, languageId: 'sql' },
      selection: null,
      model: { id: 'scripted', name: 'Scripted', vendor: 'test', family: 'scripted' },
      references: [{ name: 'file:cleanup.sql', uri: documentUri, text: 'DELETE FROM orders;' }],
    }, sink, token);

  it('calls a DbAgent tool for the model, gives it the result, and streams its answer with clickable files', async () => {
    model = new ScriptedModel(async function* (index) {
      if (index === 0) {
        yield { toolCall: { callId: 'c1', name: 'dbagent_review', input: { file: 'queries/cleanup.sql' } } };
        return;
      }
      yield { text: 'The DELETE in queries/cleanup.sql:1 ' };
      yield { text: 'removes every row.\n' };
    });
    const sink = new Recorder();
    await withTimeout(ask('why is this dangerous?', sink), 30000);
    assert.equal(model.requests.length, 2, 'one turn for the tool call, one for the answer');
    assert.deepEqual(model.requests[0].tools.sort(), Object.keys(dbagentTools).sort(), 'the model is offered every DbAgent tool');
    const first = JSON.stringify(model.requests[0].messages);
    assert.match(first, /why is this dangerous\?/);
    assert.match(first, /delete-without-where/, 'the document\'s findings are in the first request');
    assert.match(first, /DELETE FROM orders/, 'the attachment is in the first request');
    const second = JSON.stringify(model.requests[1].messages);
    assert.match(second, /toolResult/);
    assert.match(second, /Review of `cleanup\.sql`/, 'the tool result goes back to the model');
    assert.match(sink.text, /The DELETE in .*removes every row\./s);
    assert.ok(sink.parts.some((p) => p.kind === 'reference' && p.uri === documentUri && p.line === 0), 'cleanup.sql:1 is a reference');
    assert.ok(sink.parts.some((p) => p.kind === 'progress' && /Reviewing/.test(p.text ?? '')), 'progress while the tool runs');
    for (const request of model.requests) assert.doesNotMatch(JSON.stringify(request.messages), new RegExp(password), 'no password to the model');
    assert.doesNotMatch(JSON.stringify(sink.parts), new RegExp(password), 'no password in the chat');
  });

  it('answers an unknown tool and bad arguments with an error the model sees, and goes on', async () => {
    model = new ScriptedModel(async function* (index) {
      if (index === 0) {
        yield { toolCall: { callId: 'u1', name: 'drop_database', input: {} } };
        yield { toolCall: { callId: 'b1', name: 'dbagent_explain_plan', input: { line: 'first' } } };
        return;
      }
      yield { text: 'Done.' };
    });
    const sink = new Recorder();
    await withTimeout(ask('go', sink), 30000);
    const second = JSON.stringify(model.requests[1].messages);
    assert.match(second, /There is no tool `drop_database`/);
    assert.match(second, /Bad input for `dbagent_explain_plan`.*`line` must be an integer/);
    assert.match(sink.text, /Done\./);
  });

  it('says so when the model fails, and answers from the tools', async () => {
    // A model that fails before its first piece of text: a generator that never yields is the point here.
    // eslint-disable-next-line require-yield
    model = new ScriptedModel(async function* () {
      throw new Error('quota exceeded');
    });
    const sink = new Recorder();
    await withTimeout(ask('is this query slow?', sink), 30000);
    assert.match(sink.text, /The model could not answer: .*quota exceeded/);
    assert.match(sink.text, /from the analysis tools/);
  });

  it('cancelling the chat stops the model within a second', async () => {
    let started = 0;
    model = new ScriptedModel(async function* (_index, token) {
      started = Date.now();
      while (!token.isCancellationRequested) {
        yield { text: 'more ' };
        await new Promise((r) => setTimeout(r, 20));
      }
    });
    const sink = new Recorder();
    const source = new CancellationTokenSource();
    const answer = ask('keep talking', { ...sink, markdown: (t) => { sink.markdown(t); if (!source.token.isCancellationRequested) { cancelledAt = Date.now(); source.cancel(); } }, reference: () => {}, progress: () => {} }, source.token);
    let cancelledAt = 0;
    await assert.rejects(withTimeout(answer, 30000), ChatCancelledError);
    await withTimeout((async () => { while (model!.cancelledAt === undefined) await new Promise((r) => setTimeout(r, 10)); })(), 5000);
    assert.ok(started > 0);
    assert.ok(model.cancelledAt! - cancelledAt < 1000, `the model stopped ${model.cancelledAt! - cancelledAt} ms after the cancel`);
  });

  it('runs an agent-mode tool through dbagent/runTool', async () => {
    const review = await withTimeout(invokeTool(server().connection, 'dbagent_review', { file: 'queries/cleanup.sql' }, null), 30000);
    assert.equal(review.isError, false);
    assert.match(review.text, /delete-without-where/);
    const schema = await withTimeout(invokeTool(server().connection, 'dbagent_migration_safety', { sql: 'ALTER TABLE orders ADD COLUMN note text NOT NULL;' }, null), 30000);
    assert.match(schema.text, /Migration safety/);
    const unknown = await withTimeout(invokeTool(server().connection, 'dbagent_nope', {}, null), 30000);
    assert.equal(unknown.isError, true);
    assert.match(unknown.text, /no tool `dbagent_nope`/);
  });
});

describe('runModelTurn', () => {
  it('stops reading the model when its token is cancelled', async () => {
    const model = new ScriptedModel(async function* (_i, token) {
      while (!token.isCancellationRequested) {
        yield { text: 'x' };
        await new Promise((r) => setTimeout(r, 5));
      }
    });
    const source = new CancellationTokenSource();
    const pieces: string[] = [];
    setTimeout(() => source.cancel(), 50);
    const started = Date.now();
    const result = await withTimeout(runModelTurn(model, { chatToken: 'c', requestToken: 'r', messages: [{ role: 'user', content: [{ kind: 'text', text: 'hi' }] }], tools: [] }, plainParts, (p) => pieces.push(p), source.token), 2000);
    assert.ok(Date.now() - started < 1000);
    assert.ok(pieces.length > 0);
    assert.deepEqual(result.toolCalls, []);
  });

  it('converts tool calls and tool results both ways', async () => {
    const model = new ScriptedModel(async function* () {
      yield { text: 'Let me look. ' };
      yield { toolCall: { callId: 'k', name: 'dbagent_schema', input: { tables: ['orders'] } } };
    });
    const result = await runModelTurn(model, {
      chatToken: 'c',
      requestToken: 'r',
      messages: [
        { role: 'user', content: [{ kind: 'text', text: 'q' }] },
        { role: 'assistant', content: [{ kind: 'toolCall', callId: 'a', name: 'dbagent_review', input: {} }] },
        { role: 'user', content: [{ kind: 'toolResult', callId: 'a', text: 'no findings' }] },
      ],
      tools: [{ name: 'dbagent_schema', description: 'd', inputSchema: { type: 'object' } }],
    }, plainParts, () => {}, new CancellationTokenSource().token);
    assert.equal(result.text, 'Let me look. ');
    assert.deepEqual(result.toolCalls, [{ callId: 'k', name: 'dbagent_schema', input: { tables: ['orders'] } }]);
    assert.deepEqual(model.requests[0].messages[2], { role: 'user', parts: [{ toolResult: { callId: 'a', text: 'no findings' } }] });
    assert.deepEqual(model.requests[0].tools, ['dbagent_schema']);
  });
});
