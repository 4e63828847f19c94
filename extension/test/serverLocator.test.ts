import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import {
  bundledServerPath,
  developmentServerPath,
  findExecutableOnPath,
  locateServer,
  LocatorInput,
  noServerMessage,
} from '../src/server/serverLocator';

const extensionPath = path.join(path.sep, 'ext');
const dotnet = path.join(path.sep, 'usr', 'bin', 'dotnet');

/** A file system with exactly these files (and their modification times), and dotnet on PATH unless told. */
function input(files: Record<string, number>, overrides: Partial<LocatorInput> = {}): LocatorInput {
  return {
    settingPath: '',
    environmentPath: undefined,
    extensionPath,
    platform: 'linux',
    arch: 'x64',
    isFile: (file) => file in files,
    modifiedTime: (file) => files[file] ?? 0,
    findOnPath: (name) => (name === 'dotnet' ? dotnet : undefined),
    ...overrides,
  };
}

const bundled = bundledServerPath(extensionPath, 'linux', 'x64');
const debugBuild = developmentServerPath(extensionPath, 'Debug');
const releaseBuild = developmentServerPath(extensionPath, 'Release');

describe('locateServer', () => {
  it('puts the setting first, then the environment variable, then the bundled server, then development builds', () => {
    const result = locateServer(
      input(
        { '/opt/dbagent': 1, '/dev/dbagent.dll': 1, [bundled]: 1, [debugBuild]: 1 },
        { settingPath: '/opt/dbagent', environmentPath: '/dev/dbagent.dll' },
      ),
    );
    assert.deepEqual(
      result.launches.map((l) => [l.source, l.command, l.args]),
      [
        ['setting', '/opt/dbagent', ['lsp']],
        ['environment', dotnet, ['/dev/dbagent.dll', 'lsp']],
        ['bundled', bundled, ['lsp']],
        ['development', dotnet, [debugBuild, 'lsp']],
      ],
    );
  });

  it('uses the bundled server at server/<platform>-<arch>/dbagent when nothing is configured', () => {
    const result = locateServer(input({ [bundled]: 1 }));
    assert.equal(bundled, path.join(extensionPath, 'server', 'linux-x64', 'dbagent'));
    assert.equal(result.launches[0].source, 'bundled');
    assert.equal(result.launches[0].command, bundled);
  });

  it('looks for dbagent.exe on Windows', () => {
    const windowsServer = path.join(extensionPath, 'server', 'win32-x64', 'dbagent.exe');
    const result = locateServer(input({ [windowsServer]: 1 }, { platform: 'win32' }));
    assert.equal(result.launches[0]?.command, windowsServer);
  });

  it('skips a setting that points at no file and says so', () => {
    const result = locateServer(input({ [bundled]: 1 }, { settingPath: '/nowhere/dbagent' }));
    assert.equal(result.launches[0].source, 'bundled');
    assert.ok(result.notes.some((n) => n.includes('dbagent.server.path') && n.includes('/nowhere/dbagent')));
  });

  it('prefers the newer of the Debug and Release development builds', () => {
    const result = locateServer(input({ [debugBuild]: 100, [releaseBuild]: 200 }));
    assert.deepEqual(
      result.launches.map((l) => l.args[0]),
      [releaseBuild, debugBuild],
    );
    assert.ok(result.launches.every((l) => l.command === dotnet && l.source === 'development'));
  });

  it('passes over a dll when dotnet is not on PATH', () => {
    const result = locateServer(
      input({ '/dev/dbagent.dll': 1, [debugBuild]: 1 }, { environmentPath: '/dev/dbagent.dll', findOnPath: () => undefined }),
    );
    assert.equal(result.launches.length, 0);
    assert.ok(result.notes.some((n) => n.includes('DBAGENT_SERVER_PATH') && n.includes('dotnet')));
    assert.ok(result.notes.some((n) => n.includes('development build') && n.includes('dotnet')));
  });

  it('explains what is missing and how to fix it when nothing is found', () => {
    const result = locateServer(input({}));
    assert.equal(result.launches.length, 0);
    const message = noServerMessage(result, 'linux', 'x64');
    assert.match(message, /linux-x64/);
    assert.match(message, /\.vsix/);
    assert.match(message, /dbagent\.server\.path/);
    assert.match(message, /DBAGENT_SERVER_PATH/);
    assert.match(message, /\.NET 10/);
  });
});

describe('findExecutableOnPath', () => {
  it('returns the first directory of PATH that holds the executable', () => {
    const a = path.join(path.sep, 'a');
    const b = path.join(path.sep, 'b');
    const c = path.join(path.sep, 'c');
    const files = new Set([path.join(b, 'dotnet'), path.join(c, 'dotnet')]);
    assert.equal(findExecutableOnPath('dotnet', [a, '', b, c].join(':'), ':', (f) => files.has(f)), path.join(b, 'dotnet'));
    assert.equal(findExecutableOnPath('dotnet', a, ':', (f) => files.has(f)), undefined);
    assert.equal(findExecutableOnPath('dotnet', undefined, ':', (f) => files.has(f)), undefined);
  });
});
