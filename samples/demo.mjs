#!/usr/bin/env node
// `npm run demo`: builds the dbagent server and the sample-data tool (`dbagent-sample`, which writes databases and
// so is not part of the product), generates the SQLite sample shop (about a million rows) into
// samples/workspace/shop.db when it is missing or older than the migrations, runs
// `dbagent check samples/workspace --connection samples/workspace/shop.db` and shows what it finds, then opens a
// query in `dbagent lsp` (as an editor would, with the database as the connection) and shows its hovers.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const workspace = join(root, 'samples', 'workspace');
const database = join(workspace, 'shop.db');
const serverProject = join(root, 'server', 'DbAgent.Server');
const serverDll = join(serverProject, 'bin', 'Debug', 'net10.0', 'dbagent.dll');
const sampleProject = join(root, 'server', 'DbAgent.SampleData');
const sampleDll = join(sampleProject, 'bin', 'Debug', 'net10.0', 'dbagent-sample.dll');
const env = { ...process.env, DOTNET_CLI_TELEMETRY_OPTOUT: '1', DOTNET_NOLOGO: '1' };
const rel = (path) => relative(root, path) || '.';

function heading(text) {
  console.log(`\n== ${text} ${'='.repeat(Math.max(3, 76 - text.length))}`);
}

/** Runs a command from the repository root; output goes to the terminal unless captured. */
function run(command, args, { capture = false } = {}) {
  return new Promise((resolvePromise) => {
    const child = spawn(command, args, { cwd: root, env, stdio: ['ignore', capture ? 'pipe' : 'inherit', capture ? 'pipe' : 'inherit'] });
    let output = '';
    if (capture) {
      // Whole lines only: a long line can arrive in several chunks, and the other stream must not land inside it.
      const pending = { stdout: '', stderr: '' };
      const take = (stream) => (chunk) => {
        const text = pending[stream] + chunk;
        const end = text.lastIndexOf('\n') + 1;
        output += text.slice(0, end);
        pending[stream] = text.slice(end);
      };
      child.stdout.on('data', take('stdout'));
      child.stderr.on('data', take('stderr'));
      child.on('close', () => { output += pending.stdout + pending.stderr; });
    }
    child.on('error', (error) => resolvePromise({ code: 127, output: `${command}: ${error.message}` }));
    child.on('close', (code, signal) => resolvePromise({ code: code ?? (signal ? 128 : 1), output }));
  });
}

const dbagent = (args, options) => run('dotnet', [serverDll, ...args], options);

function fail(message) {
  console.error(`demo: ${message}`);
  process.exit(1);
}

function needsGeneration() {
  if (!existsSync(database)) return 'it does not exist yet';
  const built = statSync(database).mtimeMs;
  const migrations = join(workspace, 'migrations');
  const newer = readdirSync(migrations).filter((f) => statSync(join(migrations, f)).mtimeMs > built);
  return newer.length > 0 ? `the migrations changed since (${newer.join(', ')})` : undefined;
}

heading('DbAgent demo');
console.log('A small online shop (customers, products, orders, order_items, events) in SQLite, its migrations in');
console.log(`${rel(join(workspace, 'migrations'))}, and queries in ${rel(join(workspace, 'queries'))}: some slow on purpose, some`);
console.log('dangerous, some good. dbagent reads them with the generated database as its connection.');

heading('Building the server and the sample-data tool');
// The build's own output only matters when it fails.
for (const [project, dll] of [[serverProject, serverDll], [sampleProject, sampleDll]]) {
  const build = await run('dotnet', ['build', rel(project), '-c', 'Debug', '-nologo', '-v', 'quiet'], { capture: true });
  if (build.code !== 0 || !existsSync(dll)) {
    process.stdout.write(build.output);
    fail(`${rel(project)} did not build (dotnet build exited with ${build.code})`);
  }
  console.log(`built ${rel(dll)}`);
}

const reason = needsGeneration();
if (reason) {
  heading('Generating the sample database');
  console.log(`${rel(database)}: ${reason}`);
  // Into a temporary file first: an interrupted run never leaves a half-filled shop.db behind.
  const temporary = join(workspace, `shop.tmp-${process.pid}.db`);
  rmSync(temporary, { force: true });
  const generate = await run('dotnet', [sampleDll, 'generate', '--engine', 'sqlite', '--connection', temporary, '--workspace', workspace]);
  if (generate.code !== 0) {
    rmSync(temporary, { force: true });
    fail(`dbagent-sample generate exited with ${generate.code}`);
  }
  rmSync(database, { force: true });
  renameSync(temporary, database);
} else {
  heading('Sample database');
  console.log(`${rel(database)} is up to date (delete it to generate it again)`);
}

heading(`dbagent check ${rel(workspace)} --connection ${rel(database)}`);
let check = await dbagent(['check', rel(workspace), '--connection', rel(database)], { capture: true });
if (check.code === 2 && /--connection|unknown option|unrecognized/i.test(check.output)) {
  // Until connections land, check only knows the static rules: show those rather than nothing.
  console.log('(this build of dbagent check takes no --connection yet: static analysis only, no plan findings)\n');
  check = await dbagent(['check', rel(workspace)], { capture: true });
}
process.stdout.write(check.output.endsWith('\n') || check.output === '' ? check.output : `${check.output}\n`);

// check: 0 = clean, 1 = findings at error level (what this sample has), 2 = usage error.
if (check.code !== 0 && check.code !== 1) fail(`dbagent check exited with ${check.code}`);
const findings = check.output.split('\n').filter((line) => /^\S.*:\d+:\d+: \w+ [\w-]+:/.test(line)).length;

/**
 * A minimal LSP client over the server's stdio (Content-Length framing, JSON-RPC 2.0): enough to open a document,
 * collect its diagnostics, ask for hovers and answer the server's workspace/configuration requests.
 */
class LspClient {
  #child;
  #buffer = Buffer.alloc(0);
  #nextId = 1;
  #pending = new Map();
  diagnostics = new Map();
  #onDiagnostics = () => {};

  constructor(settings) {
    this.#child = spawn('dotnet', [serverDll, 'lsp'], { cwd: root, env, stdio: ['pipe', 'pipe', 'pipe'] });
    this.#child.stdout.on('data', (chunk) => this.#receive(chunk));
    this.#child.stdin.on('error', () => {}); // a server that died is reported by the pending requests
    this.#child.stderr.on('data', () => {}); // the server's own log; the demo shows what it answers
    this.#child.on('exit', (code) => {
      for (const { reject } of this.#pending.values()) reject(new Error(`dbagent lsp exited with ${code}`));
      this.#pending.clear();
    });
    this.settings = settings;
  }

  #send(message) {
    const json = JSON.stringify({ jsonrpc: '2.0', ...message });
    this.#child.stdin.write(`Content-Length: ${Buffer.byteLength(json, 'utf8')}\r\n\r\n${json}`);
  }

  #receive(chunk) {
    this.#buffer = Buffer.concat([this.#buffer, chunk]);
    for (;;) {
      const headerEnd = this.#buffer.indexOf('\r\n\r\n');
      if (headerEnd < 0) return;
      const length = Number(/Content-Length: *(\d+)/i.exec(this.#buffer.subarray(0, headerEnd).toString('ascii'))?.[1]);
      if (this.#buffer.length < headerEnd + 4 + length) return;
      const message = JSON.parse(this.#buffer.subarray(headerEnd + 4, headerEnd + 4 + length).toString('utf8'));
      this.#buffer = this.#buffer.subarray(headerEnd + 4 + length);
      this.#dispatch(message);
    }
  }

  #dispatch(message) {
    if (message.method && message.id !== undefined) {
      // A request from the server.
      if (message.method === 'workspace/configuration') {
        this.#send({ id: message.id, result: message.params.items.map(() => this.settings) });
      } else if (message.method === 'window/workDoneProgress/create' || message.method === 'client/registerCapability') {
        this.#send({ id: message.id, result: null });
      } else if (message.method === 'dbagent/connectionPassword') {
        this.#send({ id: message.id, result: { password: null } });
      } else {
        this.#send({ id: message.id, error: { code: -32601, message: `the demo client does not handle ${message.method}` } });
      }
    } else if (message.method === 'textDocument/publishDiagnostics') {
      this.diagnostics.set(message.params.uri, message.params.diagnostics);
      this.#onDiagnostics(message.params.uri);
    } else if (message.id !== undefined && this.#pending.has(message.id)) {
      const { resolve: done, reject } = this.#pending.get(message.id);
      this.#pending.delete(message.id);
      if (message.error) reject(new Error(`${message.error.message} (${message.error.code})`));
      else done(message.result);
    }
  }

  request(method, params, timeoutMs = 30_000) {
    const id = this.#nextId++;
    return new Promise((done, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error(`${method}: no answer within ${timeoutMs / 1000}s`));
      }, timeoutMs);
      this.#pending.set(id, {
        resolve: (result) => { clearTimeout(timer); done(result); },
        reject: (error) => { clearTimeout(timer); reject(error); },
      });
      this.#send({ id, method, params });
    });
  }

  notify(method, params) {
    this.#send({ method, params });
  }

  /** Resolves once diagnostics for uri have arrived and then stayed quiet for quietMs (plans may follow the rules). */
  settledDiagnostics(uri, quietMs = 2_000, timeoutMs = 30_000) {
    return new Promise((done) => {
      let quiet;
      const finish = () => { clearTimeout(quiet); clearTimeout(limit); this.#onDiagnostics = () => {}; done(this.diagnostics.get(uri) ?? []); };
      const limit = setTimeout(finish, timeoutMs);
      this.#onDiagnostics = (published) => {
        if (published !== uri) return;
        clearTimeout(quiet);
        quiet = setTimeout(finish, quietMs);
      };
      if (this.diagnostics.has(uri)) this.#onDiagnostics(uri);
    });
  }

  async close() {
    try {
      await this.request('shutdown', null, 10_000);
      this.notify('exit', null);
    } catch {
      // Already gone: nothing to shut down.
    }
    setTimeout(() => this.#child.kill(), 2_000).unref();
  }
}

/** The LSP position (0-based line, UTF-16 character) of `word` in the first line containing `context`. */
function positionOf(text, context, word) {
  const lines = text.split('\n');
  const line = lines.findIndex((l) => l.includes(context));
  return { line, character: lines[line].indexOf(context) + context.indexOf(word) + 1 };
}

// What an editor shows: the diagnostics of two sample files and the hovers on their tables and columns.
const hoverPlan = [
  ['orders-by-coupon.sql', [['FROM orders', 'orders'], ['WHERE coupon_code', 'coupon_code']]],
  ['maintenance.sql', [['UPDATE customers', 'customers']]],
];
heading('dbagent lsp: diagnostics and hovers, as an editor shows them');
const client = new LspClient({
  dialect: 'sqlite',
  connections: [{ name: 'shop', engine: 'sqlite', database, readOnly: true }],
  plans: { enabled: true },
});
let lspProblem;
try {
  await client.request('initialize', {
    processId: process.pid,
    clientInfo: { name: 'dbagent demo' },
    rootUri: pathToFileURL(workspace).href,
    workspaceFolders: [{ uri: pathToFileURL(workspace).href, name: 'workspace' }],
    capabilities: { workspace: { configuration: true }, textDocument: { hover: { contentFormat: ['markdown', 'plaintext'] } } },
  });
  client.notify('initialized', {});
  for (const [name, hovers] of hoverPlan) {
    const file = join(workspace, 'queries', name);
    const uri = pathToFileURL(file).href;
    const text = readFileSync(file, 'utf8');
    client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'sql', version: 1, text } });
    const diagnostics = await client.settledDiagnostics(uri);
    console.log(`\n${rel(file)}: ${diagnostics.length === 0 ? 'no diagnostics' : 'diagnostics'}`);
    for (const d of diagnostics) {
      console.log(`  ${d.range.start.line + 1}:${d.range.start.character + 1} ${d.code ?? ''}: ${d.message}`);
    }
    for (const [context, word] of hovers) {
      const position = positionOf(text, context, word);
      const hover = await client.request('textDocument/hover', { textDocument: { uri }, position });
      const value = typeof hover?.contents === 'string' ? hover.contents : hover?.contents?.value;
      console.log(`\n  hover on \`${word}\` (line ${position.line + 1}):`);
      console.log(value ? value.trim().replace(/^/gm, '  | ') : '  (no hover here yet)');
    }
  }
} catch (error) {
  lspProblem = error.message;
} finally {
  await client.close();
}

heading('Summary');
console.log(`${findings} finding(s) in ${rel(workspace)} (dbagent check exit code ${check.code})`);
if (lspProblem) fail(`the language server did not answer as expected: ${lspProblem}`);
