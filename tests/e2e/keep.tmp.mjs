import { launch, ensureScriptedModelVsix, root } from './harness.mjs';
import path from 'node:path';
const s = await launch({ name: 'keep', workspaceSource: path.join(root, 'samples', 'workspace'),
  vsixes: [process.env.DBAGENT_E2E_VSIX, ensureScriptedModelVsix()],
  env: { DBAGENT_E2E_MODEL_LOG: '/tmp/model.log', DBAGENT_E2E_MODEL_SCRIPT: '/tmp/model-script.json' } });
console.log('READY', s.url);
await s.openFile('queries/maintenance.sql');
setInterval(() => {}, 100000);
