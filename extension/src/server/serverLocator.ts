// Where the dbagent server comes from, in order of preference. Pure (the file system and PATH are passed in)
// so that the order is tested without VS Code; languageServer.ts starts what this finds.
import * as path from 'node:path';

export type ServerSource = 'setting' | 'environment' | 'bundled' | 'development';

/** A way to run `dbagent lsp`. */
export interface ServerLaunch {
  source: ServerSource;
  command: string;
  args: string[];
  /** What this is, for the output channel: "bundled server /x/server/linux-x64/dbagent". */
  description: string;
}

export interface LocatorInput {
  /** `dbagent.server.path`, empty when unset. */
  settingPath: string | undefined;
  /** `DBAGENT_SERVER_PATH`, empty when unset. */
  environmentPath: string | undefined;
  /** The extension's folder: holds `server/<platform>-<arch>/` in a platform .vsix, and the sources in development. */
  extensionPath: string;
  platform: string;
  arch: string;
  /** True when the path is an existing file. */
  isFile(file: string): boolean;
  /** Modification time of a file in ms, to prefer the newer of two development builds. */
  modifiedTime(file: string): number;
  /** The full path of an executable found on PATH, or undefined. */
  findOnPath(executable: string): string | undefined;
}

export interface LocatorResult {
  /** Launches that exist, best first. */
  launches: ServerLaunch[];
  /** Why a source was passed over (a setting that points nowhere, dotnet missing for a dev build). */
  notes: string[];
}

export function locateServer(input: LocatorInput): LocatorResult {
  const launches: ServerLaunch[] = [];
  const notes: string[] = [];
  const dotnet = () => input.findOnPath(input.platform === 'win32' ? 'dotnet.exe' : 'dotnet');

  const explicit: Array<[ServerSource, string, string | undefined]> = [
    ['setting', 'setting dbagent.server.path', input.settingPath],
    ['environment', 'environment variable DBAGENT_SERVER_PATH', input.environmentPath],
  ];
  for (const [source, name, value] of explicit) {
    const file = value?.trim();
    if (!file) {
      continue;
    }
    if (!input.isFile(file)) {
      notes.push(`${name} is "${file}", which is not a file.`);
      continue;
    }
    if (isDll(file)) {
      const runner = dotnet();
      if (!runner) {
        notes.push(`${name} points at ${file}, which needs \`dotnet\` on PATH (the .NET 10 runtime), and none was found.`);
        continue;
      }
      launches.push({ source, command: runner, args: [file, 'lsp'], description: `${name}: dotnet ${file}` });
    } else {
      launches.push({ source, command: file, args: ['lsp'], description: `${name}: ${file}` });
    }
  }

  const target = `${input.platform}-${input.arch}`;
  const bundled = bundledServerPath(input.extensionPath, input.platform, input.arch);
  if (input.isFile(bundled)) {
    launches.push({ source: 'bundled', command: bundled, args: ['lsp'], description: `bundled server ${bundled}` });
  } else {
    notes.push(`This installation carries no server for ${target} (looked for ${bundled}).`);
  }

  const builds = ['Debug', 'Release']
    .map((configuration) => developmentServerPath(input.extensionPath, configuration))
    .filter((file) => input.isFile(file))
    .sort((a, b) => input.modifiedTime(b) - input.modifiedTime(a));
  if (builds.length > 0) {
    const runner = dotnet();
    if (runner) {
      for (const build of builds) {
        launches.push({ source: 'development', command: runner, args: [build, 'lsp'], description: `development build: dotnet ${build}` });
      }
    } else {
      notes.push(`A development build exists (${builds[0]}) but \`dotnet\` is not on PATH.`);
    }
  }
  return { launches, notes };
}

export function bundledServerPath(extensionPath: string, platform: string, arch: string): string {
  const executable = platform === 'win32' ? 'dbagent.exe' : 'dbagent';
  return path.join(extensionPath, 'server', `${platform}-${arch}`, executable);
}

export function developmentServerPath(repositoryRoot: string, configuration: string): string {
  return path.join(repositoryRoot, 'server', 'DbAgent.Server', 'bin', configuration, 'net10.0', 'dbagent.dll');
}

/** The one message shown when no server can start: what is missing and the three ways to fix it. */
export function noServerMessage(result: LocatorResult, platform: string, arch: string, failures: string[] = []): string {
  const found = [...result.notes, ...failures].join(' ');
  return (
    `DbAgent cannot start its language server. ${found} ` +
    `To fix it: install the DbAgent .vsix built for ${platform}-${arch} (it carries the server, no .NET needed); ` +
    `or set "dbagent.server.path" or DBAGENT_SERVER_PATH to a dbagent executable or dbagent.dll; ` +
    `or, for a development build, install the .NET 10 SDK and run \`npm run build:server\`.`
  ).replace(/\s+/g, ' ');
}

function isDll(file: string): boolean {
  return file.toLowerCase().endsWith('.dll');
}

/** The first `dir/executable` on a PATH-style list that is a file. */
export function findExecutableOnPath(
  executable: string,
  pathVariable: string | undefined,
  delimiter: string,
  isFile: (file: string) => boolean,
): string | undefined {
  for (const dir of (pathVariable ?? '').split(delimiter)) {
    if (dir.length === 0) {
      continue;
    }
    const candidate = path.join(dir, executable);
    if (isFile(candidate)) {
      return candidate;
    }
  }
  return undefined;
}
