// The manifest (package.json) and the code must agree: VS Code only wires what both declare.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { chatCommands, participantId } from '../src/chat/protocol';
import { engines } from '../src/connections/protocol';

const root = path.resolve(__dirname, '..', '..');
const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

function sources(dir: string, extension = '.ts'): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return ['bin', 'obj', 'node_modules'].includes(entry.name) ? [] : sources(full, extension);
    return entry.name.endsWith(extension) ? [fs.readFileSync(full, 'utf8')] : [];
  });
}

describe('package.json', () => {
  it('declares the chat participant the code registers, with every slash command', () => {
    const [participant] = manifest.contributes.chatParticipants;
    assert.equal(participant.id, participantId);
    assert.equal(participant.name, 'database-expert');
    assert.equal(participant.isSticky, true);
    assert.deepEqual(
      participant.commands.map((c: { name: string }) => c.name),
      [...chatCommands],
    );
    for (const command of participant.commands) {
      assert.ok(command.description?.length > 10, `/${command.name} has no description`);
    }
  });

  it('contributes exactly the commands the code registers', () => {
    const registered = new Set(
      sources(path.join(root, 'extension', 'src')).flatMap((text) =>
        [...text.matchAll(/registerCommand\(\s*'([^']+)'/g)].map((m) => m[1]),
      ),
    );
    const contributed = new Set(manifest.contributes.commands.map((c: { command: string }) => c.command));
    assert.deepEqual([...contributed].sort(), [...registered].sort());
  });

  it('has every dbagent setting described, documented in the README, and read by the extension or the server', () => {
    const properties = manifest.contributes.configuration.properties;
    const keys = Object.keys(properties);
    assert.ok(keys.length > 0, 'the manifest contributes settings');
    for (const key of keys) assert.match(key, /^dbagent\./, `${key} is in the dbagent section`);

    // The README's settings table and the manifest list the same settings: a new one is documented, a gone one is not.
    const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
    const documented = [...readme.matchAll(/^\| `(dbagent\.[\w.]+)` \|/gm)].map((m) => m[1]);
    assert.deepEqual([...documented].sort(), [...keys].sort(), 'README settings table vs package.json');

    // Each is read: by the extension (getConfiguration('dbagent').get('...')), by the language client (trace.server),
    // or by the server, which gets the whole dbagent section and reads each segment of the name as a JSON property.
    const extension = sources(path.join(root, 'extension', 'src')).join('\n');
    const server = sources(path.join(root, 'server'), '.cs');
    assert.match(extension, /configurationSection: 'dbagent'/, 'the client sends the dbagent section to the server');
    for (const key of keys) {
      const rest = key.slice('dbagent.'.length);
      const segments = rest.split('.');
      const byExtension = new RegExp(`\\.get(<[^>]*>)?\\(\\s*'${rest.replace(/\./g, '\\.')}'`).test(extension);
      const byClient = rest === 'trace.server' && /LanguageClient\(\s*'dbagent'/.test(extension);
      const readers = server.filter((text) => segments.every((segment) => text.includes(`"${segment}"`)));
      const byServer = readers.length > 0;
      assert.ok(byExtension || byClient || byServer, `${key} is read by neither the extension nor the server`);
      assert.ok(properties[key].description || properties[key].markdownDescription, `${key} has no description`);
      assert.ok('default' in properties[key], `${key} has no default`);

      // Where the server declares its own default for the setting, the manifest shows the same one.
      const property = segments[segments.length - 1].replace(/^./, (c) => c.toUpperCase());
      const declared = readers
        .map((text) => text.match(new RegExp(`\\b${property}\\s*\\{\\s*get;\\s*init;\\s*\\}\\s*=\\s*([\\w.]+);`)))
        .find((m) => m !== null);
      if (declared && segments.length > 1 && ['number', 'boolean'].includes(typeof properties[key].default)) {
        assert.equal(String(properties[key].default), declared[1].replace(/_/g, ''), `${key}: the manifest's default is the server's`);
      }
    }
    assert.equal(properties['dbagent.dialect'].scope, 'resource');
    assert.deepEqual(properties['dbagent.dialect'].enum, ['postgres', 'mysql', 'tsql', 'sqlite']);
    assert.deepEqual(properties['dbagent.connections'].items.properties.engine.enum, [...engines]);
    assert.ok(!('password' in properties['dbagent.connections'].items.properties), 'settings must not hold a password');
  });

  it('starts on SQL files from the bundle', () => {
    assert.deepEqual(manifest.activationEvents, ['onLanguage:sql']);
    assert.equal(manifest.main, './dist/extension.js');
    assert.match(fs.readFileSync(path.join(root, 'extension', 'scripts', 'bundle.mjs'), 'utf8'), /outfile: 'dist\/extension\.js'/);
    // request.model, tool calls in sendRequest and lm.registerTool are stable API from 1.104 (code-server 4.139 is 1.139).
    assert.match(manifest.engines.vscode, /^\^1\.104\./);
  });

  it('contributes the DbAgent tools the extension registers, each read-only and with an input schema', async () => {
    const { dbagentTools } = await import('../src/tools/toolForwarder');
    const tools = manifest.contributes.languageModelTools as Array<{ name: string; modelDescription: string; inputSchema: { type: string } }>;
    assert.deepEqual(tools.map((t) => t.name).sort(), Object.keys(dbagentTools).sort());
    for (const tool of tools) {
      assert.match(tool.modelDescription, /never writes to a database/, `${tool.name} says it never writes`);
      assert.equal(tool.inputSchema.type, 'object');
    }
    assert.ok(manifest.contributes.chatParticipants[0].disambiguation.length > 0, 'the participant has a disambiguation entry');
  });

  it('gives every tool a when clause over the context keys the extension sets', async () => {
    const { toolContextKeys } = await import('../src/tools/toolForwarder');
    const keys = new Set(Object.keys(toolContextKeys('running', 1)));
    const tools = manifest.contributes.languageModelTools as Array<{ name: string; when?: string }>;
    for (const tool of tools) {
      assert.ok(tool.when, `${tool.name} has a when clause`);
      const used = tool.when.match(/[\w.]+/g)!.filter((word) => word.startsWith('dbagent.'));
      assert.ok(used.length > 0, `${tool.name}'s when clause reads a DbAgent key`);
      for (const key of used) assert.ok(keys.has(key), `${tool.name}: the extension sets ${key}`);
    }
    assert.match(tools.find((t) => t.name === 'dbagent_table_stats')!.when!, /!dbagent\.noConnections/, 'statistics need a connection');
  });

  it('hides the tools only while the server is down, and statistics only without a connection', async () => {
    const { toolContextKeys } = await import('../src/tools/toolForwarder');
    assert.deepEqual(toolContextKeys('starting', 0), { 'dbagent.serverDown': false, 'dbagent.noConnections': true });
    assert.deepEqual(toolContextKeys('running', 2), { 'dbagent.serverDown': false, 'dbagent.noConnections': false });
    assert.equal(toolContextKeys('failed', 1)['dbagent.serverDown'], true);
    assert.equal(toolContextKeys('stopped', 1)['dbagent.serverDown'], true);
  });
});
