// Stack outputs: each table's name and ARN, no exports.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { byName, synth } from './helpers';

function check(context: Record<string, string>, labels: string[], suffixes: string[]) {
  const { template } = synth(context);
  const outputs = template.toJSON().Outputs;
  const stage = context.stage;
  labels.forEach((label, i) => {
    const { id } = byName(template, 'AWS::DynamoDB::Table', 'TableName', `schratcho-${stage}-${suffixes[i]}`);
    assert.deepEqual(outputs[`${label}TableName`].Value, { Ref: id }, label);
    assert.deepEqual(outputs[`${label}TableArn`].Value, { 'Fn::GetAtt': [id, 'Arn'] }, label);
    assert.equal(outputs[`${label}TableName`].Export, undefined);
  });
  return outputs;
}

describe('outputs', () => {
  it('per-kind: Prizes, Scratchers, Tickets, Stores, Ledger names and ARNs', () => {
    const outputs = check(
      { stage: 'dev' },
      ['Prizes', 'Scratchers', 'Tickets', 'Stores', 'Ledger'],
      ['prizes', 'scratchers', 'tickets', 'stores', 'wwseed-ledger'],
    );
    assert.deepEqual(Object.keys(outputs).sort(), [
      'LedgerTableArn', 'LedgerTableName', 'PrizesTableArn', 'PrizesTableName',
      'ScratchersTableArn', 'ScratchersTableName', 'SeederPolicyArn',
      'StoresTableArn', 'StoresTableName', 'TicketsTableArn', 'TicketsTableName',
    ]);
  });

  it('single-table: GameData and Ledger', () => {
    const outputs = check({ stage: 'prod', layout: 'single-table' }, ['GameData', 'Ledger'], ['game-data', 'wwseed-ledger']);
    assert.equal(outputs.PrizesTableName, undefined);
  });

  it('the OIDC role ARN is an output when githubRepo is set', () => {
    const { template } = synth({ stage: 'dev', githubRepo: 'acme/schratcho' });
    assert.ok(template.toJSON().Outputs.GitHubActionsRoleArn);
  });
});
