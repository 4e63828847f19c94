// Bundles the extension and everything it imports (vscode-languageclient included) into dist/extension.js,
// so the .vsix needs no node_modules. `vscode` is provided by the editor at run time.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const production = process.argv.includes('--production');

await build({
  absWorkingDir: root,
  entryPoints: ['extension/src/extension.ts'],
  outfile: 'dist/extension.js',
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['vscode'],
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
});
