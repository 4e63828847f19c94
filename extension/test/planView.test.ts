// The plan view's page: what a user sees, and that it loads nothing from outside.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { planPageHtml } from '../src/plans/planHtml';
import type { PlanTreeNode, StatementPlanResult } from '../src/plans/protocol';

const scan: PlanTreeNode = { id: 2, nodeType: 'Seq Scan', relation: 'orders', index: null, rows: 120, cost: 18000, costShare: 0.97, highlighted: true, children: [] };
const before: PlanTreeNode = {
  id: 0, nodeType: 'Limit', relation: null, index: null, rows: 10, cost: 18500, costShare: 0.001, highlighted: false,
  children: [{ id: 1, nodeType: 'Sort', relation: null, index: null, rows: 120, cost: 18490, costShare: 0.02, highlighted: false, children: [scan] }],
};
const after: PlanTreeNode = {
  id: 0, nodeType: 'Limit', relation: null, index: null, rows: 10, cost: 12, costShare: 0.1, highlighted: false,
  children: [{ id: 1, nodeType: 'Index Scan', relation: 'orders', index: 'ix_orders_customer_id_created_at', rows: 120, cost: 11, costShare: 0.9, highlighted: false, children: [] }],
};

describe('plan view page', () => {
  const result: StatementPlanResult = {
    ok: true, message: null, sql: "SELECT * FROM orders WHERE customer_id = 7 ORDER BY created_at DESC LIMIT 10", engine: 'postgres',
    before, after, indexes: ['CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_orders_customer_id_created_at ON orders (customer_id, created_at);'],
  };
  const html = planPageHtml(result, 'vscode-webview://abc');

  it('draws both plans with node type, rows and cost share, and marks the node the finding is about', () => {
    assert.match(html, /Plan now \(postgres, estimated cost 18\.5k\)/);
    assert.match(html, /Plan with the proposed indexes \(hypothetical, nothing built; estimated cost 12\)/);
    assert.equal((html.match(/data-highlighted="true"/g) ?? []).length, 1);
    assert.match(html, /<g class="node highlighted" data-node-id="2" data-highlighted="true">/);
    assert.match(html, /<strong id="highlighted-node">Seq Scan on orders<\/strong>/);
    assert.match(html, /rows 120 · 97% of cost/);
    assert.match(html, /orders using ix_orders_customer_id_created_at/);
    assert.match(html, /ix_orders_customer_id_created_at ON orders \(customer_id, created_at\)/);
  });

  it('has a strict content security policy, no script and no remote content', () => {
    assert.match(html, /default-src 'none'/);
    assert.match(html, /script-src 'none'/);
    assert.doesNotMatch(html, /<script/i);
    assert.doesNotMatch(html, /(src|href)="https?:/i);
  });

  it('escapes the statement and says why when there is no plan', () => {
    const escaped = planPageHtml({ ...result, sql: "SELECT '<b>' FROM t" }, 'x');
    assert.match(escaped, /SELECT &#39;&lt;b&gt;&#39; FROM t/);
    const failed = planPageHtml({ ok: false, message: 'A plan needs a connection.', sql: null, engine: null, before: null, after: null, indexes: [] }, 'x');
    assert.match(failed, /A plan needs a connection\./);
    assert.doesNotMatch(failed, /<svg/);
  });
});
