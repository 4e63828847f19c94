// Builds the platform-specific .vsix: the bundled extension plus the dbagent server published self-contained
// and ReadyToRun for that platform, so users need no .NET install (rust-analyzer ships its binary the same way).
//
//   node extension/scripts/package.mjs                 the .vsix for this machine's platform (linux-x64 otherwise)
//   node extension/scripts/package.mjs --target win32-x64
//   node extension/scripts/package.mjs --all           linux-x64, win32-x64 and darwin-arm64
//
// Each target is staged in artifacts/vsix/<target>/ (manifest, dist/, server/<target>/, LICENSE, README) and
// packed with vsce from there; the .vsix files land in the repository root.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

// VS Code target → .NET runtime identifier.
const runtimeIds = {
  'linux-x64': 'linux-x64',
  'linux-arm64': 'linux-arm64',
  'win32-x64': 'win-x64',
  'win32-arm64': 'win-arm64',
  'darwin-x64': 'osx-x64',
  'darwin-arm64': 'osx-arm64',
};
const allTargets = ['linux-x64', 'win32-x64', 'darwin-arm64'];

function parseTargets(argv) {
  if (argv.includes('--all')) {
    return allTargets;
  }
  const index = argv.indexOf('--target');
  if (index >= 0) {
    const targets = (argv[index + 1] ?? '').split(',').filter(Boolean);
    const unknown = targets.filter((t) => !(t in runtimeIds));
    if (targets.length === 0 || unknown.length > 0) {
      fail(`--target takes one or more of ${Object.keys(runtimeIds).join(', ')} (comma-separated); got "${argv[index + 1] ?? ''}".`);
    }
    return targets;
  }
  const host = `${process.platform}-${process.arch}`;
  return [host in runtimeIds ? host : 'linux-x64'];
}

function fail(message) {
  console.error(`package: ${message}`);
  process.exit(1);
}

function run(command, args, options = {}) {
  console.log(`> ${command} ${args.join(' ')}`);
  // No stdin: a tool that wants to ask something fails instead of hanging CI.
  const result = spawnSync(command, args, { stdio: ['ignore', 'inherit', 'inherit'], cwd: root, ...options });
  if (result.error) {
    fail(`${command} could not run: ${result.error.message}`);
  }
  if (result.status !== 0) {
    fail(`${command} ${args[0]} failed with exit code ${result.status}.`);
  }
}

/** The manifest as the .vsix carries it: no scripts or packages, since the extension is one bundled file. */
function stagedManifest() {
  const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  delete manifest.scripts;
  delete manifest.devDependencies;
  delete manifest.dependencies;
  delete manifest.private;
  return manifest;
}

function copy(from, to) {
  fs.mkdirSync(path.dirname(to), { recursive: true });
  fs.copyFileSync(from, to);
}

function stage(target, manifest) {
  const staging = path.join(root, 'artifacts', 'vsix', target);
  fs.rmSync(staging, { recursive: true, force: true });
  fs.mkdirSync(staging, { recursive: true });

  fs.writeFileSync(path.join(staging, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  copy(path.join(root, 'dist', 'extension.js'), path.join(staging, 'dist', 'extension.js'));
  copy(path.join(root, 'LICENSE'), path.join(staging, 'LICENSE'));
  for (const optional of ['README.md', 'CHANGELOG.md']) {
    if (fs.existsSync(path.join(root, optional))) {
      copy(path.join(root, optional), path.join(staging, optional));
    }
  }
  copy(path.join(root, '.vscodeignore'), path.join(staging, '.vscodeignore'));

  const serverDir = path.join(staging, 'server', target);
  run('dotnet', [
    'publish',
    'server/DbAgent.Server',
    '-c', 'Release',
    '-r', runtimeIds[target],
    '--self-contained',
    '-p:PublishReadyToRun=true',
    '-p:DebugType=none',
    '-p:DebugSymbols=false',
    '-o', serverDir,
  ]);
  const executable = path.join(serverDir, target.startsWith('win32') ? 'dbagent.exe' : 'dbagent');
  if (!fs.existsSync(executable)) {
    fail(`dotnet publish did not produce ${executable}.`);
  }
  if (!target.startsWith('win32')) {
    fs.chmodSync(executable, 0o755);
  }
  return staging;
}

const targets = parseTargets(process.argv.slice(2));
const manifest = stagedManifest();

run(process.execPath, [path.join(root, 'extension', 'scripts', 'bundle.mjs'), '--production']);

const vsce = path.join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
if (!fs.existsSync(vsce)) {
  fail('@vscode/vsce is not installed: run `npm install` first.');
}
const produced = [];
for (const target of targets) {
  const staging = stage(target, manifest);
  const out = path.join(root, `${manifest.name}-${target}-${manifest.version}.vsix`);
  run(
    process.execPath,
    [vsce, 'package', '--target', target, '--no-dependencies', '--allow-missing-repository', '--out', out],
    { cwd: staging },
  );
  produced.push(out);
}
for (const file of produced) {
  const megabytes = (fs.statSync(file).size / (1024 * 1024)).toFixed(1);
  console.log(`package: ${path.relative(root, file)} (${megabytes} MiB)`);
}
