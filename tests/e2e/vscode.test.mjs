// The real-VS-Code suite: the packaged .vsix in code-server (VS Code 1.139) in Debian's chromium, on a scratch copy
// of samples/workspace (SQLite shop.db from `npm run demo`). Each step does what a person does and asserts what a
// person sees: the Problems panel, the hover widget, the Quick Fix menu, the chat view, notifications, the status
// bar. A failed step leaves a screenshot and the logs' tails under artifacts/e2e/<run>/.
//
//   npm run test:e2e          (npm test runs it too; see the README for how long it takes)
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  ensureProductVsix, ensureSampleDatabase, ensureScriptedModelVsix, ensureVsCode, launch, log, problemsOfFile, root, waitFor,
} from './harness.mjs';

const minutes = (n) => n * 60_000;

describe('DbAgent in a real VS Code', { concurrency: false, timeout: minutes(40) }, () => {
  /** @type {import('./harness.mjs').Session} */
  let s;
  let modelLog;
  let modelScript;
  const file = (relative) => path.join(s.workspace, relative);
  const read = (relative) => fs.readFileSync(file(relative), 'utf8');
  const setScript = (script) => fs.writeFileSync(modelScript, JSON.stringify(script));
  const modelRequests = () => (fs.existsSync(modelLog)
    ? fs.readFileSync(modelLog, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l))
    : []);

  before(async () => {
    ensureVsCode();
    ensureSampleDatabase();
    const vsixes = [ensureProductVsix(), ensureScriptedModelVsix()];
    modelLog = path.join(root, 'artifacts', 'e2e', 'model-requests.jsonl');
    modelScript = path.join(root, 'artifacts', 'e2e', 'model-script.json');
    fs.rmSync(modelLog, { force: true });
    fs.writeFileSync(modelScript, '{}');
    s = await launch({
      name: 'sample-sqlite',
      workspaceSource: path.join(root, 'samples', 'workspace'),
      vsixes,
      env: { DBAGENT_E2E_MODEL_LOG: modelLog, DBAGENT_E2E_MODEL_SCRIPT: modelScript },
    });
  }, { timeout: minutes(25) });

  after(async () => {
    await s?.close();
  });

  it('opens the sample workspace with the connection its settings name, with no manual step', async () => {
    await s.step('status bar names the connection', async () => {
      const settingsFile = file('.vscode/settings.json');
      assert.ok(fs.existsSync(settingsFile), 'samples/workspace/.vscode/settings.json is shipped');
      const settings = JSON.parse(fs.readFileSync(settingsFile, 'utf8').replace(/^\s*\/\/.*$/gm, ''));
      const connection = settings['dbagent.connections']?.[0]?.name;
      assert.ok(connection, 'the sample settings name a connection');
      await s.openFile('queries/orders-by-coupon.sql');
      const text = await waitFor('status bar with the connection', async () => {
        const bar = await s.statusBarText();
        return bar.includes(connection) ? bar : undefined;
      }, 60_000);
      assert.doesNotMatch(text, /no connection/);
    });
  });

  it('squiggles the dangerous and the slow queries', async () => {
    await s.step('plan finding on a scan of orders', async () => {
      const problems = await s.problems((t) => /plan-full-scan/.test(t), 90_000);
      assert.match(problems, /orders-by-coupon\.sql/);
      assert.match(problems, /orders/);
    });
    await s.step('DELETE and UPDATE without WHERE', async () => {
      await s.openFile('queries/maintenance.sql');
      const problems = await s.problems((t) => /delete-without-where/.test(t) && /update-without-where/.test(t));
      assert.match(problems, /DELETE without a WHERE clause removes every row of orders/);
    });
  });

  it('hovers a table and a column with their statistics', async () => {
    await s.openFile('queries/orders-by-coupon.sql');
    await s.step('table hover', async () => {
      await s.cursorAt('queries/orders-by-coupon.sql', 'FROM orders', 7);
      const hover = await s.hoverAtCursor((t) => /table (main\.)?orders/i.test(t) && /rows/i.test(t));
      log(`table hover:\n${hover}`);
      assert.match(hover, /coupon_code/);
      assert.match(hover, /idx_orders_customer_ordered_at/);
      assert.doesNotMatch(hover, /need a connection/);
      // SQLite tracks no index size or scans: no empty columns for them.
      assert.doesNotMatch(hover, /size\s+scans/i);
    });
    await s.step('column hover', async () => {
      await s.page.keyboard.press('Escape');
      await s.cursorAt('queries/orders-by-coupon.sql', 'WHERE coupon_code', 9);
      const hover = await s.hoverAtCursor((t) => /coupon_code/.test(t));
      log(`column hover:\n${hover}`);
      assert.match(hover, /text/);
      assert.match(hover, /distinct|null/i);
    });
  });

  it('offers the create-index quick fix, writes the migration, and the finding goes once the index exists', async () => {
    let migration;
    await s.step('the quick fix is in the menu', async () => {
      await s.page.keyboard.press('Escape');
      await s.openFile('queries/orders-by-coupon.sql');
      await s.cursorAt('queries/orders-by-coupon.sql', 'FROM orders', 7);
      const items = await s.quickFixes((list) => list.some((t) => /index/i.test(t)));
      log(`quick fixes: ${JSON.stringify(items)}`);
      assert.ok(items.some((t) => /create index|add index/i.test(t)), `an index quick fix among ${JSON.stringify(items)}`);
      assert.ok(items.some((t) => /ignore|dbagent-ignore|disable/i.test(t)), `the ignore-rule action among ${JSON.stringify(items)}`);
    });
    await s.step('applying it writes a migration with the index', async () => {
      const before = new Set(fs.readdirSync(file('migrations')));
      const items = await s.quickFixes((list) => list.some((t) => /create index|add index/i.test(t)));
      await s.chooseQuickFix(items.find((t) => /create index|add index/i.test(t)));
      const added = await waitFor('a new migration file', () => {
        const now = fs.readdirSync(file('migrations')).filter((f) => !before.has(f));
        return now.length > 0 && now.some((f) => fs.statSync(file(`migrations/${f}`)).size > 0) ? now : undefined;
      }, 30_000);
      migration = `migrations/${added[0]}`;
      // The file may be written through the editor: save everything so the disk has what the user sees.
      await s.command('File: Save All', { exact: false });
      const text = read(migration);
      log(`migration ${migration}:\n${text}`);
      assert.match(text, /CREATE\s+INDEX/i);
      assert.match(text, /coupon_code/i);
    });
    await s.step('after the index is built the plan finding disappears', async () => {
      const coupon = (t) => problemsOfFile(t, 'orders-by-coupon.sql');
      await s.problems((t) => /plan-full-scan/.test(coupon(t)), 30_000);
      // The user runs their migration; here sqlite3 applies it to the scratch copy's database.
      execFileSync('sqlite3', ['-bail', '-cmd', '.timeout 10000', file('shop.db')], { input: read(migration) });
      await s.command('DbAgent: Refresh Schema');
      await s.openFile('queries/orders-by-coupon.sql');
      // An edit and a save, as the user would after changing the schema: plans run again on save.
      await s.focusEditor();
      await s.page.keyboard.press('Control+End');
      await s.page.keyboard.type(' ');
      await s.page.keyboard.press('Backspace');
      await s.page.keyboard.press('Control+S');
      const after = await s.problems((t) => !/plan-full-scan/.test(coupon(t)), 60_000);
      assert.doesNotMatch(coupon(after), /Full scan of orders/);
    });
  });

  it('shows the outline of a SQL file', async () => {
    await s.step('outline lists the statements', async () => {
      await s.openFile('queries/maintenance.sql');
      await s.command('Explorer: Focus on Outline View');
      const outline = s.page.locator('.outline-pane, [id="outline"]').first();
      const text = await waitFor('outline entries', async () => {
        const t = await outline.innerText().catch(() => '');
        return /DELETE/.test(t) && /UPDATE/.test(t) ? t : undefined;
      }, 30_000);
      assert.match(text, /orders/);
      assert.match(text, /customers/);
    });
  });

  it('completes from the schema, goes to a definition and shows a signature', async () => {
    const suggestions = async (predicate) => {
      const rows = s.page.locator('.suggest-widget .monaco-list-row');
      let seen = [];
      try {
        return await waitFor('the completion list', async () => {
          if (!(await rows.first().isVisible().catch(() => false))) await s.page.keyboard.press('Control+Space');
          seen = (await rows.allInnerTexts()).map((t) => t.split('\n')[0].trim());
          return predicate(seen) ? seen : undefined;
        }, 20_000, 500);
      } catch (error) {
        throw new Error(`${error.message}; last list seen: ${JSON.stringify(seen)}`);
      }
    };
    await s.step('after FROM the schema\'s tables', async () => {
      await s.openFile('queries/recent-orders.sql');
      await s.focusEditor();
      await s.page.keyboard.press('Control+End');
      await s.page.keyboard.press('Enter');
      await s.page.keyboard.type('SELECT * FROM ');
      const list = await suggestions((l) => l.includes('orders'));
      for (const table of ['customers', 'orders', 'order_items', 'products']) assert.ok(list.includes(table), `${table} in ${JSON.stringify(list)}`);
      assert.ok(!list.includes('FROM'), 'no keyword FROM right after FROM');
      await s.page.keyboard.press('Escape');
    });
    await s.step('after o. the columns of orders', async () => {
      await s.page.keyboard.type('orders o WHERE o.');
      const list = await suggestions((l) => l.includes('coupon_code'));
      for (const column of ['id', 'customer_id', 'status', 'coupon_code']) assert.ok(list.includes(column), `${column} in ${JSON.stringify(list)}`);
      assert.ok(!list.includes('loyalty_points'), 'no column of another table');
      await s.page.keyboard.press('Escape');
    });
    await s.step('signature help inside a call', async () => {
      await s.page.keyboard.type('status = substr(');
      const hint = s.page.locator('.parameter-hints-widget');
      await hint.waitFor({ state: 'visible', timeout: 20_000 });
      assert.match(await hint.innerText(), /substr\s*\(/i);
      await s.page.keyboard.press('Escape');
      await s.command('File: Revert File');
    });
    await s.step('go to definition of a table opens its migration', async () => {
      await s.openFile('queries/orders-by-coupon.sql');
      await s.cursorAt('queries/orders-by-coupon.sql', 'FROM orders', 7);
      await s.command('Go to Definition');
      await waitFor('the CREATE TABLE orders migration', async () => {
        const tab = await s.page.locator('.tab.active').first().getAttribute('aria-label').catch(() => '');
        const peek = await s.page.locator('.peekview-widget').innerText().catch(() => '');
        return /V003__create_orders\.sql/.test(`${tab} ${peek}`) ? true : undefined;
      }, 20_000);
      await s.page.keyboard.press('Escape');
    });
  });

  it('answers /review and /indexes in the chat from its own analysis', async () => {
    await s.step('/review on the maintenance script', async () => {
      await s.openFile('queries/maintenance.sql');
      await s.openChat('Ask');
      const answer = await s.chat('@database-expert /review', { done: (t) => /delete-without-where/.test(t) });
      assert.match(answer, /Review of maintenance\.sql/);
      assert.match(answer, /update-without-where/);
    });
    await s.step('/indexes on a slow query recommends an index, in seconds', async () => {
      await s.openFile('queries/biggest-orders.sql');
      const started = Date.now();
      const answer = await s.chat('@database-expert /indexes', { timeoutMs: 60_000, done: (t) => /CREATE\s+INDEX|locked|could not/i.test(t) });
      const seconds = (Date.now() - started) / 1000;
      log(`/indexes answered in ${seconds.toFixed(1)} s`);
      assert.doesNotMatch(answer, /database is locked/i);
      assert.match(answer, /CREATE\s+INDEX/i);
    });
  });

  it('adds and tests a connection through the quick picks', async () => {
    await s.step('Add Connection (SQLite) then Test Connection', async () => {
      await s.command('DbAgent: Add Connection');
      await s.pick('Enter host, port, database and user');
      await s.answer('A name for this connection', 'e2e-added');
      await s.pick('SQLite');
      await s.answer('Path of the SQLite database file', 'shop.db');
      const saved = await waitFor('saved notification', async () => {
        const t = await s.notificationsText();
        return /"e2e-added" saved/.test(t) ? t : undefined;
      }, 30_000);
      assert.match(saved, /saved/);
      await s.page.locator('.notification-toast .monaco-button', { hasText: 'Test Connection' }).first().click();
      const answer = await waitFor('test result notification', async () => {
        const t = await s.notificationsText();
        return /"e2e-added" (answers|failed)/.test(t) ? t : undefined;
      }, 30_000);
      assert.match(answer, /"e2e-added" answers/);
      const settings = read('.vscode/settings.json');
      assert.match(settings, /e2e-added/);
      assert.doesNotMatch(settings, /password/i);
      await s.dismissNotifications();
    });
    await s.step('a pasted URL keeps its password out of the settings', async () => {
      await s.command('DbAgent: Add Connection');
      await s.pick('Paste a connection string or URL');
      await s.answer('A name for this connection', 'e2e-pasted');
      await s.answer('Connection string or URL', 'postgres://shop:e2e-secret-83@127.0.0.1:5432/shop');
      await waitFor('saved notification', async () => (/"e2e-pasted" saved/.test(await s.notificationsText()) ? true : undefined), 30_000);
      const settings = read('.vscode/settings.json');
      assert.match(settings, /postgres:\/\/shop@127\.0\.0\.1:5432\/shop/);
      assert.doesNotMatch(settings, /e2e-secret-83/);
      await s.dismissNotifications();
    });
  });

  it('restarts the server and comes back', async () => {
    await s.step('Restart Language Server, then a new finding on an edit', async () => {
      await s.openFile('queries/maintenance.sql');
      await s.command('DbAgent: Restart Language Server');
      // Only a running server can find what this edit adds.
      await s.focusEditor();
      await s.page.keyboard.press('Control+End');
      await s.page.keyboard.type('\nDELETE FROM products;');
      const problems = await s.problems((t) => /every row of products/.test(t), 60_000);
      assert.match(problems, /delete-without-where/);
      await s.focusEditor();
      for (let i = 0; i < 3; i++) await s.page.keyboard.press('Control+Z');
      await s.problems((t) => !/every row of products/.test(t), 30_000);
    });
  });

  it('says clearly what is missing when the server binary cannot be found', async () => {
    await s.step('an installation without its server binary', async () => {
      const installed = fs.readdirSync(s.extensions).find((d) => d.startsWith('dbagent.dbagent-'));
      assert.ok(installed, `the product is installed in ${s.extensions}`);
      const binary = path.join(s.extensions, installed, 'server', 'linux-x64', 'dbagent');
      assert.ok(fs.existsSync(binary), `the .vsix carries ${binary}`);
      fs.renameSync(binary, `${binary}.moved`);
      try {
        await s.command('DbAgent: Restart Language Server');
        const message = await waitFor('the no-server message', async () => {
          const t = await s.notificationsText();
          return /cannot start its language server/.test(t) ? t : undefined;
        }, 60_000);
        assert.match(message, /carries no server for linux-x64/);
        assert.match(message, /dbagent\.server\.path/);
        // The status bar no longer names a connection as if all were well.
        await s.openFile('queries/orders-by-coupon.sql');
        const bar = await waitFor('status bar says the server is down', async () => {
          const t = await s.statusBarText();
          return /server not running/.test(t) ? t : undefined;
        }, 30_000);
        assert.doesNotMatch(bar, /\bshop\b/);
      } finally {
        fs.renameSync(`${binary}.moved`, binary);
      }
    });
  });
});
