// The real-VS-Code suite: the packaged .vsix in code-server (VS Code 1.139) in Debian's chromium, on a scratch copy
// of samples/workspace (SQLite shop.db from `npm run demo`). Each step does what a person does and asserts what a
// person sees: the Problems panel, the hover widget, the Quick Fix menu, the chat view, notifications, the status
// bar. A failed step leaves a screenshot and the logs' tails under artifacts/e2e/<run>/.
//
//   npm run test:e2e          (npm test runs it too; see the README for how long it takes)
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
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
      // The scripted model's stand-in for Copilot's agent is Agent mode's default participant (a proposed API).
      codeServerArgs: ['--enable-proposed-api', 'dbagent-tests.dbagent-e2e-scripted-model'],
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
    await s.step('a line typed above the findings moves their squiggles with them, and undo moves them back', async () => {
      // The extension takes each version's diagnostics as a splice of the last ones (the server says so when it
      // starts): applied to the client's collection, the moved ones must arrive at their new lines, none lost and none
      // doubled, and come back with the undo.
      assert.match(s.logText(/DbAgent\.log$/), /ready for .*\(diagnostics as splices\)/);
      const mine = (t) => problemsOfFile(t, 'maintenance.sql');
      const at = (rule, line) => new RegExp(`${rule}\\)?\\s*\\[Ln ${line}, Col \\d+\\]`);
      const before = mine(await s.problems((t) => at('delete-without-where', 3).test(mine(t))));
      const count = (t) => (t.match(/\[Ln \d+, Col \d+\]/g) ?? []).length;
      await s.goTo(3, 1);
      await s.press('Enter');
      const moved = mine(await s.problems((t) => at('delete-without-where', 4).test(mine(t)) && at('update-without-where', 6).test(mine(t))));
      assert.equal(count(moved), count(before), `the same problems, moved:\n${moved}`);
      await s.press('Control+Z');
      const back = mine(await s.problems((t) => at('delete-without-where', 3).test(mine(t)) && at('update-without-where', 5).test(mine(t))));
      assert.equal(count(back), count(before));
    });
  });

  it('hovers a table and a column with their statistics', async () => {
    await s.openFile('queries/orders-by-coupon.sql');
    await s.step('table hover', async () => {
      await s.cursorAt('queries/orders-by-coupon.sql', 'FROM orders', 7);
      const hover = await s.hoverAtCursor((t) => /table (main\.)?orders/i.test(t) && /rows/i.test(t));
      log(`table hover:\n${hover}`);
      assert.match(hover, /coupon_code/);
      assert.equal(hover.match(/idx_orders_customer_ordered_at/g)?.length, 1, 'each index is listed once');
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

  it('squiggles a comparison with NULL and fixes it with a quick fix', async () => {
    await s.step('= NULL becomes IS NULL', async () => {
      fs.writeFileSync(file('queries/e2e-null.sql'), '-- dbagent: dialect=sqlite\nSELECT id FROM orders WHERE coupon_code = NULL;\n');
      await s.openFile('queries/e2e-null.sql');
      const mine = (t) => problemsOfFile(t, 'e2e-null.sql');
      await s.problems((t) => /compare-to-null/.test(mine(t)), 60_000);
      await s.cursorAt('queries/e2e-null.sql', '= NULL', 0);
      const items = await s.quickFixes((list) => list.some((t) => /IS NULL/.test(t)));
      await s.chooseQuickFix(items.find((t) => /IS NULL/.test(t)));
      await s.problems((t) => !/compare-to-null/.test(mine(t)), 30_000);
      await s.focusEditor();
      await s.page.keyboard.press('Control+S');
      await waitFor('the fixed file on disk', () => (/coupon_code IS NULL/.test(read('queries/e2e-null.sql')) ? true : undefined), 10_000);
      await s.command('View: Close Editor', { exact: false });
      fs.rmSync(file('queries/e2e-null.sql'));
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
    await s.step('in a long file, typing mid-file completes and finds as in a short one', async () => {
      // Over 8K characters: once edited, the server holds the text in pieces it shares from version to version, and
      // completion and the rules read only what the edit touched.
      const lines = [];
      for (let i = 1; i <= 600; i++) lines.push(`SELECT id, status FROM orders WHERE id = ${i};`);
      fs.writeFileSync(file('queries/e2e-long.sql'), `${lines.join('\n')}\n`);
      const mine = (t) => problemsOfFile(t, 'e2e-long.sql');
      try {
        await s.openFile('queries/e2e-long.sql');
        await s.cursorAt('queries/e2e-long.sql', 'WHERE id = 300;', 'WHERE id = 300;'.length);
        await s.focusEditor();
        await s.press('Enter');
        await s.page.keyboard.type('SELECT * FROM orders o WHERE o.');
        const list = await suggestions((l) => l.includes('coupon_code'));
        assert.ok(!list.includes('loyalty_points'), 'no column of another table');
        await s.page.keyboard.press('Escape');
        await s.page.keyboard.type('id = 1;');
        await s.page.keyboard.press('Escape');
        await s.press('Enter');
        await s.page.keyboard.type('DELETE FROM order_items;');
        await s.page.keyboard.press('Escape');
        const found = mine(await s.problems((t) => /every row of order_items/.test(mine(t)), 60_000));
        assert.match(found, /delete-without-where\)?\s*\[Ln 302, Col \d+\]/, `the finding on the line typed:\n${found}`);
        await s.command('File: Revert File');
        await s.problems((t) => !/every row of order_items/.test(mine(t)), 30_000);
        await s.command('View: Close Editor', { exact: false });
      } finally {
        fs.rmSync(file('queries/e2e-long.sql'), { force: true });
      }
    });
    await s.step('go to definition of a table opens its migration', async () => {
      await s.openFile('queries/orders-by-coupon.sql');
      await s.cursorAt('queries/orders-by-coupon.sql', 'FROM orders', 7);
      await s.command('Go to Definition');
      await waitFor('the CREATE TABLE orders migration', async () => {
        const tab = (await s.page.locator('.tab.active').first().getAttribute('aria-label', { timeout: 1000 }).catch(() => '')) ?? '';
        const peeks = s.page.locator('.peekview-widget');
        const peek = (await peeks.count()) > 0 ? await peeks.first().innerText({ timeout: 1000 }).catch(() => '') : '';
        return /V003__create_orders\.sql/.test(`${tab} ${peek}`) ? true : undefined;
      }, 20_000);
      await s.page.keyboard.press('Escape');
    });
  });

  it('draws a statement\'s plan with the finding\'s node highlighted', async () => {
    await s.step('Show plan code lens on a plan finding opens the plan view', async () => {
      await s.openFile('queries/customer-login.sql');
      await s.problems((t) => /plan-full-scan/.test(problemsOfFile(t, 'customer-login.sql')), 60_000);
      const lens = s.page.locator('.editor-group-container.active .codelens-decoration a', { hasText: /Show plan/i }).first();
      await lens.waitFor({ state: 'visible', timeout: 30_000 });
      await lens.click();
      const view = s.page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
      const node = view.locator('#highlighted-node');
      await node.waitFor({ state: 'visible', timeout: 30_000 });
      assert.match(await node.innerText(), /^SCAN[\s\S]*customers/);
      assert.equal(await view.locator('g.node.highlighted[data-highlighted="true"]').count(), 1);
      assert.match(await view.locator('body').innerText(), /Plan now \(sqlite/);
      await s.screenshot('plan-view');
      await s.command('View: Close All Editor Groups', { exact: false });
    });
    await s.step('Show plan link in the hover of a plan finding opens the plan view', async () => {
      await s.openFile('queries/customer-login.sql');
      await s.problems((t) => /plan-full-scan/.test(problemsOfFile(t, 'customer-login.sql')), 60_000);
      await s.cursorAt('queries/customer-login.sql', 'FROM customers', 7);
      const hover = await s.hoverAtCursor((t) => /plan-full-scan/.test(t) && /Show plan/.test(t));
      log(`plan finding hover:\n${hover}`);
      await s.page.locator('.monaco-hover:not(.hidden) a', { hasText: /Show plan/ }).first().click();
      const view = s.page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
      const node = view.locator('#highlighted-node');
      await node.waitFor({ state: 'visible', timeout: 30_000 });
      assert.match(await node.innerText(), /^SCAN[\s\S]*customers/);
      assert.equal(await view.locator('g.node.highlighted[data-highlighted="true"]').count(), 1);
      await s.screenshot('plan-view-from-hover');
      await s.command('View: Close All Editor Groups', { exact: false });
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

  it('answers a free-form question with the model picked in VS Code, which calls a DbAgent tool', async () => {
    await s.step('the scripted model calls a tool, then answers from its result', async () => {
      fs.rmSync(modelLog, { force: true });
      setScript({ callTool: '*' });
      // Its plan findings are still there (orders-by-coupon.sql got its index above).
      await s.openFile('queries/biggest-orders.sql');
      const answer = await s.chat('@database-expert why is my orders query slow?', {
        timeoutMs: 90_000, done: (t) => /Scripted answer/.test(t),
      });
      assert.match(answer, /Scripted answer after dbagent_\w+: /);
      const requests = modelRequests().filter((r) => r.messages);
      assert.ok(requests.length >= 2, `the model was asked twice (tool call, then answer); log: ${requests.length}`);
      const first = requests[0];
      for (const tool of ['dbagent_review', 'dbagent_explain_plan', 'dbagent_propose_indexes', 'dbagent_table_stats', 'dbagent_schema', 'dbagent_migration_safety']) {
        assert.ok(first.tools.includes(tool), `${tool} offered to the model: ${JSON.stringify(first.tools)}`);
      }
      const firstText = JSON.stringify(first.messages);
      assert.match(firstText, /plan-large-sort|plan-full-scan/, 'the document\'s findings reach the model');
      assert.match(firstText, /total_cents/, 'the schema of the tables involved reaches the model');
      const results = requests.at(-1).messages.flatMap((m) => m.parts).filter((p) => p.toolResult !== undefined);
      assert.ok(results.length > 0 && results[0].content.length > 0, 'the tool\'s result was given to the model');
    });
    await s.step('cancelling stops the model request', async () => {
      fs.rmSync(modelLog, { force: true });
      setScript({ callTool: '*', delayMs: 30_000 });
      const page = s.page;
      await page.locator('.interactive-input-part .interactive-input-editor').first().click();
      await page.keyboard.press('Control+A');
      await page.keyboard.press('Delete');
      await page.keyboard.type('@database-expert which index would help here?', { delay: 5 });
      await page.locator('.interactive-input-part a.action-label[aria-label^="Send"]').first().click();
      await waitFor('the model is asked', () => (modelRequests().some((r) => r.messages) ? true : undefined), 30_000);
      const stop = page.locator('.interactive-input-part a.action-label[aria-label^="Cancel"], .interactive-input-part a.action-label[aria-label^="Stop"]').first();
      await stop.click();
      const stoppedAt = Date.now();
      await waitFor('the model sees the cancellation', () => (modelRequests().some((r) => r.cancelled) ? true : undefined), 10_000, 100);
      const seconds = (Date.now() - stoppedAt) / 1000;
      log(`model request cancelled ${seconds.toFixed(2)} s after Stop`);
      assert.ok(seconds <= 1, `cancellation reached the model in ${seconds} s (at most 1 s)`);
      setScript({});
    });
  });

  it('contributes read-only tools that agent mode can invoke', async () => {
    await s.step('vscode.lm.tools lists them and invokeTool gets a result', async () => {
      fs.rmSync(modelLog, { force: true });
      setScript({ invoke: { name: 'dbagent_table_stats', input: { table: 'orders' } } });
      await s.command('DbAgent E2E: Invoke Tool');
      const entry = await waitFor('the tool invocation', () => modelRequests().find((r) => r.invoked), 60_000);
      assert.equal(entry.error, undefined, entry.error);
      for (const tool of ['dbagent_review', 'dbagent_table_stats', 'dbagent_schema']) assert.ok(entry.toolsListed.includes(tool), `${tool} in vscode.lm.tools`);
      assert.match(entry.result, /Statistics of table `?orders/);
      assert.match(entry.result, /200,000/);
    });
    await s.step('the tools picker groups them under DbAgent', async () => {
      await s.openChat('Agent');
      await s.page.locator('.interactive-input-part a.action-label[aria-label*="Tools"]').first().click();
      const group = s.page.locator('.quick-input-widget .monaco-list-row', { hasText: 'DbAgent' }).first();
      await group.waitFor({ timeout: 20_000 });
      await group.locator('.monaco-tl-twistie').click();
      const picker = await waitFor('the DbAgent tools in the picker', async () => {
        const t = await s.page.locator('.quick-input-widget').innerText();
        return /dbStats/.test(t) ? t : undefined;
      }, 20_000);
      for (const reference of ['dbReview', 'dbExplain', 'dbIndexes', 'dbStats', 'dbSchema', 'dbMigration']) {
        assert.match(picker, new RegExp(`${reference}[^\n]*never writes to a database`), `${reference} is in the DbAgent group and says it is read-only`);
      }
      await s.page.keyboard.press('Escape');
    });
    await s.step('an Agent-mode request runs a DbAgent tool and answers from its result', async () => {
      fs.rmSync(modelLog, { force: true });
      setScript({ callTool: 'dbagent_table_stats', toolInput: { table: 'orders' } });
      await s.openFile('queries/biggest-orders.sql');
      await s.openChat('Agent');
      const answer = await s.chat('What do the statistics of orders say?', { timeoutMs: 90_000, done: (t) => /Scripted answer/.test(t) });
      assert.match(answer, /Scripted answer after dbagent_table_stats: Statistics of table `?orders/);
      const ran = modelRequests().filter((r) => r.agentTurn);
      assert.equal(ran.length, 1, `one tool ran in the agent turn: ${JSON.stringify(ran.map((r) => r.invoked))}`);
      assert.equal(ran[0].invoked, 'dbagent_table_stats');
      assert.ok(ran[0].toolsListed.includes('dbagent_migration_safety'), 'agent mode offered the model DbAgent\'s tools');
      assert.match(ran[0].result, /200,000/);
      // VS Code shows the tool's invocation message among the answer's steps.
      await s.page.getByText(/Completed \d+ steps?/).last().click();
      const shown = await waitFor('the invocation message', async () => {
        const t = (await s.latestChatResponse()).text;
        return /Reading the statistics of orders \(read-only\)/.test(t) ? t : undefined;
      }, 20_000);
      log(`agent turn: ${shown.split('\n').filter(Boolean).slice(0, 4).join(' | ')}`);
      setScript({});
      await s.openChat('Ask');
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
      // The workspace's own connection keeps serving its files: the added one comes second.
      await s.openFile('queries/orders-by-coupon.sql');
      await waitFor('the file keeps the connection "shop"', async () => (/\bshop\b/.test(await s.statusBarText()) ? true : undefined), 30_000);
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

  it('squiggles the unsafe steps of a new migration, and the chat quotes the same findings', async () => {
    // Last but one: the migration changes the replayed schema, which no later step reads.
    await s.step('a migration that drops, renames and adds a NOT NULL column', async () => {
      fs.writeFileSync(file('migrations/V007__e2e_unsafe.sql'), [
        '-- A hurried change.',
        'ALTER TABLE orders DROP COLUMN coupon_code;',
        'ALTER TABLE customers RENAME COLUMN email TO email_address;',
        'ALTER TABLE products ADD COLUMN sku TEXT NOT NULL;',
        '',
      ].join('\n'));
      await s.openFile('migrations/V007__e2e_unsafe.sql');
      const mine = (t) => problemsOfFile(t, 'V007__e2e_unsafe.sql');
      const rules = ['drop-column', 'rename-column-or-table', 'add-column-not-null-without-default'];
      const seen = mine(await s.problems((t) => rules.every((r) => mine(t).includes(r)), 60_000));
      assert.match(seen, /Dropping orders\.coupon_code loses its data/);
      await s.cursorAt('migrations/V007__e2e_unsafe.sql', 'DROP COLUMN', 0);
      const hover = await s.hoverAtCursor((t) => /drop-column/.test(t));
      assert.match(hover, /Deploy code that no longer uses it first/);
      const answer = await s.chat('@database-expert /migrations', { timeoutMs: 60_000, done: (t) => /coupon_code/.test(t) });
      for (const rule of rules) assert.match(answer, new RegExp(rule), `the chat quotes ${rule}`);
      await s.command('View: Close Editor', { exact: false });
    });
  });

  it('ships dbagent check compiled ahead of time, reporting exactly what the managed check reports', async () => {
    await s.step('the installed dbagent check on the workspace, native and managed', async () => {
      const installed = fs.readdirSync(s.extensions).find((d) => d.startsWith('dbagent.dbagent-'));
      assert.ok(installed, `the product is installed in ${s.extensions}`);
      const dir = path.join(s.extensions, installed, 'server', 'linux-x64');
      assert.ok(fs.existsSync(path.join(dir, 'dbagent-check')), 'the .vsix carries dbagent-check beside dbagent');
      // What a CI job runs: `dbagent check` on the project's SQL. Without a connection it becomes dbagent-check
      // (same pid, execv); DBAGENT_NATIVE_CHECK=0 keeps it in the .NET runtime.
      const check = (extra) => spawnSync(path.join(dir, 'dbagent'), ['check', '--format', 'json', '.'], {
        cwd: s.workspace, encoding: 'utf8', timeout: 120_000, env: { ...process.env, DBAGENT_NATIVE_CHECK: undefined, ...extra },
      });
      const native = check({});
      const managed = check({ DBAGENT_NATIVE_CHECK: '0' });
      assert.equal(native.error, undefined, `dbagent check ran: ${native.error}`);
      assert.equal(native.status, managed.status, `exit codes: native ${native.status}, managed ${managed.status}\n${native.stderr}\n${managed.stderr}`);
      assert.equal(native.stdout, managed.stdout, 'the same report, byte for byte');
      const report = JSON.parse(native.stdout);
      assert.ok(report.files > 0 && report.findings.length > 0, `findings in the workspace: ${native.stdout.slice(0, 400)}`);
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
        // Agent mode no longer offers tools that could only fail: their when clause reads dbagent.serverDown, and
        // VS Code re-reads when clauses a moment (750 ms) after a context key changes.
        await s.openChat('Agent');
        let picker = '';
        await waitFor('the tools picker without the DbAgent group', async () => {
          await s.page.locator('.interactive-input-part a.action-label[aria-label*="Tools"]').first().click();
          await s.page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Built-In' }).first().waitFor({ timeout: 20_000 });
          picker = await s.page.locator('.quick-input-widget').innerText();
          await s.page.keyboard.press('Escape');
          return /^DbAgent$/m.test(picker) ? undefined : true;
        }, 30_000, 1000).catch((error) => { throw new Error(`${error.message}; picker:\n${picker}`); });
        assert.match(picker, /Built-In/);
      } finally {
        fs.renameSync(`${binary}.moved`, binary);
      }
    });
  });
});
