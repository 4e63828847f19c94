import { chromium } from 'playwright-core';
import { Session } from './harness.mjs';
const browser = await chromium.connectOverCDP('http://127.0.0.1:9333');
const page = browser.contexts()[0].pages()[0];
const s = new Session({ dir: '/work/main/artifacts/e2e/keep', workspace: '/work/main/artifacts/e2e/keep/workspace', userData: '/work/main/artifacts/e2e/keep/user-data', browser, page });
const mod = await import(process.argv[2]);
try { await mod.default(s, page); } catch (e) { console.log('ERR', e.message); }
await page.screenshot({ path: '/tmp/shot.png' });
process.exit(0);
