#!/usr/bin/env node
// The keystroke benchmark's LSP half with VS Code's own protocol library as the client: vscode-jsonrpc, which
// vscode-languageclient uses to read the server (it parses each message with JSON.parse). It drives `dbagent lsp` from
// this project's Release build over stdio on the same generated 20,000-line migration as `-- edit`, every rule on, and
// times each textDocument/didChange to the diagnostics of that version, each random edit followed by its undo: first as
// DbAgent's extension gets them (it declares `experimental.dbagentDiagnosticsSplice`, and the server sends each version
// as a splice of the last one, `dbagent/diagnosticsSplice`, applied here to the document's list), then as any other LSP
// client gets them (textDocument/publishDiagnostics, the document's diagnostics whole on every change). What VS Code
// does after that (turning the diagnostics a message carries into its own objects, drawing) is not in it.
//
// Then, in the same run, the same edits against a server that takes no time: this script again (`--replay`), which
// answers each change at once with the diagnostics dbagent published for the opened file, written ahead as bytes. What
// that costs is the client library's own share (reading, decoding and parsing each publish), whatever the server does.
//   dotnet build -c Release tests/DbAgent.Benchmarks && node tests/DbAgent.Benchmarks/keystroke-vscode-client.mjs [edits]
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node.js';

const script = fileURLToPath(import.meta.url);

if (process.argv[2] === '--replay') replay(process.argv[3]);
else await main(Number(process.argv[2] ?? 300));

async function main(edits) {
  const bin = join(dirname(script), 'bin', 'Release', 'net10.0');
  const folder = mkdtempSync(join(tmpdir(), 'dbagent-keystroke-'));
  const file = join(folder, 'V001__generated.sql');
  try {
    execFileSync('dotnet', [join(bin, 'DbAgent.Benchmarks.dll'), 'edit', '--write', file], { stdio: 'inherit' });
    const env = { ...process.env };
    for (const name of ['DATABASE_URL', 'PGHOST', 'PGPORT', 'PGDATABASE', 'PGUSER', 'PGPASSWORD']) delete env[name];
    const published = join(folder, 'published.json');
    console.log(`client: vscode-jsonrpc ${JSON.parse(readFileSync(join(dirname(script), '..', '..', 'node_modules', 'vscode-jsonrpc', 'package.json'), 'utf8')).version} on node ${process.version}`);
    const server = () => spawn('dotnet', [join(bin, 'dbagent.dll'), 'lsp'], { env, stdio: ['pipe', 'pipe', 'ignore'] });
    const spliced = await measure(server(), file, edits, undefined, true);
    report('dbagent lsp, diagnostics as splices of the last ones (dbagent/diagnosticsSplice, what DbAgent\'s extension asks for)', spliced, '(target p95 <= 16 ms)');
    const ours = await measure(server(), file, edits, published);
    report('dbagent lsp, diagnostics whole (textDocument/publishDiagnostics, any other LSP client)', ours, '');
    const floor = await measure(spawn(process.execPath, [script, '--replay', published], { stdio: ['pipe', 'pipe', 'inherit'] }), file, edits);
    report('a server that answers at once with the same diagnostics (the client library alone)', floor, '');
    console.log(`load average ${loadavg().map((l) => l.toFixed(2)).join(', ')}`);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

function report(server, latencies, target) {
  const pct = (list, p) => list[Math.min(list.length - 1, Math.floor(list.length * p / 100))].toFixed(2);
  console.log(`${server}: ${latencies.length} edits (each random edit and its undo), didChange to the diagnostics of that version: p50 ${pct(latencies, 50)} ms, p95 ${pct(latencies, 95)} ms, p99 ${pct(latencies, 99)} ms, max ${latencies.at(-1).toFixed(2)} ms ${target}`.trimEnd());
  const { quotes, others } = latencies;
  if (quotes.length > 0) console.log(`  of which ${quotes.length} typing or deleting a quote, and undoing it: p50 ${pct(quotes, 50)} ms, max ${quotes.at(-1).toFixed(2)} ms; the other ${others.length}: p50 ${pct(others, 50)} ms, p95 ${pct(others, 95)} ms`);
}

/**
 * The edits, timed against one server process; the opened file's diagnostics are written to `keep` when given. With
 * `splices`, the client declares `experimental.dbagentDiagnosticsSplice` as DbAgent's extension does, and applies each
 * `dbagent/diagnosticsSplice` to the document's list (the extension then converts only the diagnostics a splice carries).
 */
async function measure(server, file, edits, keep, splices = false) {
  const text = readFileSync(file, 'utf8');
  const lines = text.split('\n');
  const settings = JSON.parse(readFileSync(`${file}.settings.json`, 'utf8'));
  const connection = createMessageConnection(new StreamMessageReader(server.stdout), new StreamMessageWriter(server.stdin));
  connection.onRequest('workspace/configuration', (params) => params.items.map(() => settings));
  connection.onRequest(() => null);
  const waiting = new Map();
  const uri = pathToFileURL(file).href;
  const deliver = (params) => {
    const done = params.uri === uri ? waiting.get(params.version) : undefined;
    if (done) { waiting.delete(params.version); done(params.diagnostics); }
  };
  connection.onNotification('textDocument/publishDiagnostics', deliver);
  let list = [];
  let id = 0;
  connection.onNotification('dbagent/diagnosticsSplice', (splice) => {
    if (splice.uri !== uri) return;
    if (splice.base !== 0 && splice.base !== id) throw new Error(`splice ${splice.id} follows ${splice.base}, not ${id}`);
    list = splice.base === 0 ? [...splice.diagnostics] : list;
    if (splice.base !== 0) list.splice(splice.start, splice.deleteCount, ...splice.diagnostics);
    id = splice.id;
    deliver({ uri, version: splice.version, diagnostics: list });
  });
  connection.listen();
  const published = (version) => new Promise((resolve) => waiting.set(version, resolve));

  const folderUri = pathToFileURL(dirname(file)).href;
  await connection.sendRequest('initialize', { processId: process.pid, rootUri: folderUri, workspaceFolders: [{ uri: folderUri, name: 'bench' }], capabilities: { workspace: { configuration: true }, experimental: { dbagentDiagnosticsSplice: splices } } });
  await connection.sendNotification('initialized', {});
  let version = 1;
  const first = published(1);
  const opened = performance.now();
  await connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'sql', version, text } });
  const diagnostics = await first;
  if (keep) {
    writeFileSync(keep, JSON.stringify(diagnostics));
    console.log(`open to first diagnostics: ${(performance.now() - opened).toFixed(0)} ms, ${diagnostics.length} diagnostics`);
  }

  // A seeded generator (mulberry32): the same edits on every run, and for both servers.
  let seed = 7;
  const random = () => { seed = (seed + 0x6d2b79f5) | 0; let t = Math.imul(seed ^ (seed >>> 15), 1 | seed); t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t; return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
  const pick = (n) => Math.floor(random() * n);
  const alphabet = "abcdefghijklmnopqrstuvwxyz_0123456789 ,()=;'\n";
  const send = async (start, end, inserted) => {
    const v = ++version;
    const done = published(v);
    const t0 = performance.now();
    await connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: v }, contentChanges: [{ range: { start, end }, text: inserted }] });
    await done;
    return performance.now() - t0;
  };
  const warmUp = 60;
  const latencies = [];
  const quotes = [];
  const others = [];
  for (let k = 0; k < edits + warmUp; k++) {
    const line = pick(lines.length - 1);
    const length = lines[line].length;
    const column = pick(length + 1);
    const ch = alphabet[pick(alphabet.length)];
    const at = { line, character: column };
    const after = ch === '\n' ? { line: line + 1, character: 0 } : { line, character: column + 1 };
    const removed = column < length ? lines[line][column] : '';
    const kind = column < length ? pick(3) : 0;
    const next = { line, character: column + 1 };
    const [edit, undo] = kind === 0 ? [[at, at, ch], [at, after, '']]
      : kind === 1 ? [[at, next, ''], [at, at, removed]]
      : [[at, next, ch], [at, after, removed]];
    const a = await send(...edit);
    const b = await send(...undo);
    // A quote typed or deleted turns the rest of the file into other statements (and back, with the undo).
    const quote = ch === "'" && kind !== 1 || removed === "'" && kind !== 0;
    if (k >= warmUp) latencies.push(a, b), (quote ? quotes : others).push(a, b);
  }
  await connection.sendRequest('shutdown');
  await connection.sendNotification('exit');
  connection.dispose();
  const sort = (list) => list.sort((x, y) => x - y);
  return Object.assign(sort(latencies), { quotes: sort(quotes), others: sort(others) });
}

/**
 * The server that takes no time: answers initialize and shutdown, and each didOpen or didChange with a
 * publishDiagnostics of its version carrying the diagnostics in `file`, whose bytes are made once, ahead.
 */
function replay(file) {
  const diagnostics = Buffer.from(`,"diagnostics":${readFileSync(file, 'utf8')}}}`);
  // One message, one blocking write (as a server thread writes), retried where the pipe takes part of it.
  const write = (...parts) => {
    const body = parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : p));
    let bytes = Buffer.concat([Buffer.from(`Content-Length: ${body.reduce((n, p) => n + p.length, 0)}\r\n\r\n`), ...body]);
    while (bytes.length > 0) {
      try {
        bytes = bytes.subarray(writeSync(1, bytes));
      } catch (error) {
        if (error.code !== 'EAGAIN') throw error;
      }
    }
  };
  let buffer = Buffer.alloc(0);
  let uri = '';
  process.stdin.on('data', (chunk) => {
    buffer = Buffer.concat([buffer, chunk]);
    for (;;) {
      const end = buffer.indexOf('\r\n\r\n');
      if (end < 0) return;
      const length = Number(/Content-Length: *(\d+)/i.exec(buffer.subarray(0, end).toString('ascii'))[1]);
      if (buffer.length < end + 4 + length) return;
      const message = JSON.parse(buffer.subarray(end + 4, end + 4 + length).toString('utf8'));
      buffer = buffer.subarray(end + 4 + length);
      if (message.method === 'initialize') write(JSON.stringify({ jsonrpc: '2.0', id: message.id, result: { capabilities: { textDocumentSync: 2 } } }));
      else if (message.method === 'shutdown') write(JSON.stringify({ jsonrpc: '2.0', id: message.id, result: null }));
      else if (message.method === 'exit') process.exit(0);
      else if (message.method === 'textDocument/didOpen' || message.method === 'textDocument/didChange') {
        uri = message.params.textDocument.uri ?? uri;
        write(`{"jsonrpc":"2.0","method":"textDocument/publishDiagnostics","params":{"uri":${JSON.stringify(uri)},"version":${message.params.textDocument.version}`, diagnostics);
      }
    }
  });
}
