// `dbagent check --format sarif` validated against the official SARIF 2.1.0 JSON schema (draft-04, as shipped in
// @microsoft/jest-sarif) with ajv: what GitHub code scanning ingests must be a valid SARIF log, not one we judge by eye.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { repositoryRoot, serverCommand } from './serverProcess';

const schemaPath = path.join(repositoryRoot, 'node_modules', '@microsoft', 'jest-sarif', 'lib', 'schemas', 'sarif-2.1.0-rtm.5.json');

function check(args: string[], cwd: string): { status: number | null; stdout: string; stderr: string } {
  const { command, args: serverArgs } = serverCommand();
  // serverCommand() answers for `lsp`: swap in `check` and its arguments.
  const result = spawnSync(command, [...serverArgs.slice(0, -1), 'check', ...args], { cwd, encoding: 'utf8', timeout: 120_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

test('dbagent check --format sarif is valid SARIF 2.1.0 with rules, locations and fingerprints', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dbagent-sarif-'));
  try {
    fs.mkdirSync(path.join(dir, 'migrations'));
    fs.writeFileSync(
      path.join(dir, 'migrations', '001 add index.sql'),
      'CREATE INDEX orders_customer_idx ON orders (customer_id);\nALTER TABLE users ADD COLUMN plan text NOT NULL;\n' +
        "SELECT id FROM users WHERE deleted_at = NULL;\nBEGIN;\nCREATE INDEX CONCURRENTLY a_idx ON a (b);\nCOMMIT;\n",
    );
    fs.writeFileSync(path.join(dir, 'clean.sql'), 'SELECT 1;\n');
    const { status, stdout, stderr } = check(['--format', 'sarif', '.'], dir);
    assert.equal(status, 1, stderr);

    // The schema's language-tag pattern is not valid with the `u` flag ajv uses by default; draft-04 regexes are ECMA 262 without it.
    const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
    addFormats(ajv);
    const validate = ajv.compile(JSON.parse(fs.readFileSync(schemaPath, 'utf8')));
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a SARIF log, checked by the schema just below
    const log: any = JSON.parse(stdout);
    const valid = validate(JSON.parse(stdout));
    assert.ok(valid, JSON.stringify(validate.errors, null, 2));

    const run = log.runs[0];
    const rules: Array<{ id: string; helpUri: string }> = run.tool.driver.rules;
    assert.ok(rules.length >= 45, `${rules.length} rules`);
    assert.ok(rules.every((r) => r.helpUri.endsWith(`${r.id}.md`)));
    const ids = run.results.map((r: { ruleId: string }) => r.ruleId);
    for (const id of ['index-without-concurrently', 'add-column-not-null-without-default', 'compare-to-null', 'concurrently-in-transaction']) {
      assert.ok(ids.includes(id), `${id} in ${ids.join(', ')}`);
    }
    for (const result of run.results) {
      assert.equal(result.locations[0].physicalLocation.artifactLocation.uri, 'migrations/001%20add%20index.sql');
      assert.match(result.partialFingerprints['dbagentFindingHash/v2'], /^[0-9a-f]{32}$/);
    }

    // A broken log must fail the same validator: the test can fail.
    const broken = structuredClone(log);
    broken.runs[0].results[0].level = 'fatal';
    assert.equal(validate(JSON.parse(JSON.stringify(broken))), false);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
