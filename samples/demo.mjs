#!/usr/bin/env node
// `npm run demo`: builds the dbagent server, generates the SQLite sample shop (about a million rows) into
// samples/workspace/shop.db when it is missing or older than the migrations, then runs
// `dbagent check samples/workspace --connection samples/workspace/shop.db` and shows what it finds.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const workspace = join(root, 'samples', 'workspace');
const database = join(workspace, 'shop.db');
const serverProject = join(root, 'server', 'DbAgent.Server');
const serverDll = join(serverProject, 'bin', 'Debug', 'net10.0', 'dbagent.dll');
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
      child.stdout.on('data', (chunk) => { output += chunk; });
      child.stderr.on('data', (chunk) => { output += chunk; });
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

heading('Building the server');
// The build's own output only matters when it fails.
const build = await run('dotnet', ['build', rel(serverProject), '-c', 'Debug', '-nologo', '-v', 'quiet'], { capture: true });
if (build.code !== 0 || !existsSync(serverDll)) {
  process.stdout.write(build.output);
  fail(`the server did not build (dotnet build exited with ${build.code})`);
}
console.log(`built ${rel(serverDll)}`);

const reason = needsGeneration();
if (reason) {
  heading('Generating the sample database');
  console.log(`${rel(database)}: ${reason}`);
  // Into a temporary file first: an interrupted run never leaves a half-filled shop.db behind.
  const temporary = join(workspace, `shop.tmp-${process.pid}.db`);
  rmSync(temporary, { force: true });
  const generate = await dbagent(['sample', 'generate', '--engine', 'sqlite', '--connection', temporary, '--workspace', workspace]);
  if (generate.code !== 0) {
    rmSync(temporary, { force: true });
    fail(`dbagent sample generate exited with ${generate.code}`);
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
heading('Summary');
if (check.code === 0 || check.code === 1) {
  const findings = check.output.split('\n').filter((line) => /^\S.*:\d+:\d+: \w+ [\w-]+:/.test(line)).length;
  console.log(`${findings} finding(s) in ${rel(workspace)} (dbagent check exit code ${check.code})`);
} else {
  fail(`dbagent check exited with ${check.code}`);
}
