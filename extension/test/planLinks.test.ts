// The ways into the plan view besides the code lens: the hover's command link and the chat's button.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hasPlanLink, planButton, planCommandTrust } from '../src/plans/planLinks';

describe('plan links', () => {
  it('trusts a hover only for dbagent.showPlan, and only when it links to it', () => {
    const args = encodeURIComponent(JSON.stringify(['file:///q.sql', 0, 14, 'orders']));
    assert.equal(hasPlanLink(`**Full scan** \`plan-full-scan\`\n\n[Show plan](command:dbagent.showPlan?${args} "Open the plan view")`), true);
    assert.equal(hasPlanLink('**orders**: 60k rows'), false);
    assert.equal(hasPlanLink('[run](command:workbench.action.terminal.new)'), false);
    assert.deepEqual(planCommandTrust.enabledCommands, ['dbagent.showPlan']);
  });

  it('puts a Show plan button under /explain and /indexes answers asked from a SQL editor', () => {
    const sql = { uri: 'file:///q.sql', languageId: 'sql' };
    assert.deepEqual(planButton('explain', sql, { line: 3, character: 7 }), {
      command: 'dbagent.showPlan', title: 'Show plan', arguments: ['file:///q.sql', 3, 7],
    });
    assert.equal(planButton('indexes', sql, { line: 0, character: 0 })?.command, 'dbagent.showPlan');
    assert.equal(planButton('schema', sql, { line: 0, character: 0 }), undefined, 'not for other commands');
    assert.equal(planButton(null, sql, { line: 0, character: 0 }), undefined, 'not for a free-form question');
    assert.equal(planButton('explain', { uri: 'file:///a.ts', languageId: 'typescript' }, { line: 0, character: 0 }), undefined, 'only from SQL');
    assert.equal(planButton('explain', null, null), undefined, 'not without an editor');
  });
});
