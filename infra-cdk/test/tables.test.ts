// Every table property, per stage and layout.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { byName, synth } from './helpers';

const KINDS = ['prizes', 'scratchers', 'tickets', 'stores'];

function table(context: Record<string, string>, name: string) {
  const { template } = synth(context);
  return byName(template, 'AWS::DynamoDB::Table', 'TableName', name).res;
}

describe('per-kind tables (dev)', () => {
  const { template } = synth({ stage: 'dev' });

  it('has exactly the four kind tables and the ledger', () => {
    const names = Object.values(template.findResources('AWS::DynamoDB::Table'))
      .map((r: any) => r.Properties.TableName)
      .sort();
    assert.deepEqual(names, [
      'schratcho-dev-prizes',
      'schratcho-dev-scratchers',
      'schratcho-dev-stores',
      'schratcho-dev-tickets',
      'schratcho-dev-wwseed-ledger',
    ]);
  });

  for (const kind of KINDS) {
    it(`${kind}: key, billing, encryption, PITR, stream, retention`, () => {
      const { res } = byName(template, 'AWS::DynamoDB::Table', 'TableName', `schratcho-dev-${kind}`);
      const p = res.Properties;
      assert.deepEqual(p.KeySchema, [{ AttributeName: 'id', KeyType: 'HASH' }]);
      assert.deepEqual(p.AttributeDefinitions, [{ AttributeName: 'id', AttributeType: 'S' }]);
      assert.equal(p.BillingMode, 'PAY_PER_REQUEST');
      assert.equal(p.ProvisionedThroughput, undefined);
      assert.deepEqual(p.SSESpecification, { SSEEnabled: true, SSEType: 'KMS' });
      assert.equal(p.SSESpecification.KMSMasterKeyId, undefined, 'AWS managed key, not a customer key');
      assert.deepEqual(p.PointInTimeRecoverySpecification, { PointInTimeRecoveryEnabled: true });
      assert.deepEqual(p.StreamSpecification, { StreamViewType: 'NEW_AND_OLD_IMAGES' });
      assert.equal(p.DeletionProtectionEnabled, false);
      assert.equal(p.TimeToLiveSpecification, undefined);
      assert.equal(res.DeletionPolicy, 'Retain');
      assert.equal(res.UpdateReplacePolicy, 'Retain');
    });
  }

  it('ledger: pk/sk, TTL on expiresAt, same protection', () => {
    const { res } = byName(template, 'AWS::DynamoDB::Table', 'TableName', 'schratcho-dev-wwseed-ledger');
    const p = res.Properties;
    assert.deepEqual(p.KeySchema, [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ]);
    assert.deepEqual(p.AttributeDefinitions, [
      { AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'sk', AttributeType: 'S' },
    ]);
    assert.deepEqual(p.TimeToLiveSpecification, { AttributeName: 'expiresAt', Enabled: true });
    assert.equal(p.BillingMode, 'PAY_PER_REQUEST');
    assert.deepEqual(p.SSESpecification, { SSEEnabled: true, SSEType: 'KMS' });
    assert.deepEqual(p.PointInTimeRecoverySpecification, { PointInTimeRecoveryEnabled: true });
    assert.equal(res.DeletionPolicy, 'Retain');
  });

  it('has no assets, lookups or Lambda of its own', () => {
    assert.deepEqual(Object.keys(template.findResources('AWS::Lambda::Function')), []);
    assert.deepEqual(Object.keys(template.findResources('Custom::AWSCDKOpenIdConnectProvider')), []);
  });
});

describe('stage settings', () => {
  it('prod: deletion protection on, retained', () => {
    for (const kind of [...KINDS, 'wwseed-ledger']) {
      const res = table({ stage: 'prod' }, `schratcho-prod-${kind}`);
      assert.equal(res.Properties.DeletionProtectionEnabled, true, kind);
      assert.equal(res.DeletionPolicy, 'Retain', kind);
      assert.equal(res.UpdateReplacePolicy, 'Retain', kind);
      assert.deepEqual(res.Properties.PointInTimeRecoverySpecification, { PointInTimeRecoveryEnabled: true });
    }
  });

  it('prod refuses removalPolicy=destroy', () => {
    assert.throws(() => synth({ stage: 'prod', removalPolicy: 'destroy' }), /not allowed for stage "prod"/);
  });

  it('dev may destroy its tables on stack deletion', () => {
    const res = table({ stage: 'dev', removalPolicy: 'destroy' }, 'schratcho-dev-prizes');
    assert.equal(res.DeletionPolicy, 'Delete');
    assert.equal(res.Properties.DeletionProtectionEnabled, false);
  });

  it('pitr=false turns point-in-time recovery off', () => {
    const res = table({ stage: 'qa', pitr: 'false' }, 'schratcho-qa-tickets');
    assert.deepEqual(res.Properties.PointInTimeRecoverySpecification, { PointInTimeRecoveryEnabled: false });
  });

  it('the stage flows into names and the stack', () => {
    const { stack } = synth({ stage: 'qa' });
    assert.equal(stack.stackName, 'Schratcho-qa');
    table({ stage: 'qa' }, 'schratcho-qa-stores');
  });

  it('rejects a bad stage, layout or pitr value', () => {
    assert.throws(() => synth({ stage: 'Dev Stage' }), /context "stage"/);
    assert.throws(() => synth({ layout: 'two-tables' }), /context "layout"/);
    assert.throws(() => synth({ pitr: 'maybe' }), /context "pitr"/);
  });
});

describe('single-table layout', () => {
  const { template } = synth({ stage: 'dev', layout: 'single-table' });

  it('has only the game-data table and the ledger', () => {
    const names = Object.values(template.findResources('AWS::DynamoDB::Table'))
      .map((r: any) => r.Properties.TableName)
      .sort();
    assert.deepEqual(names, ['schratcho-dev-game-data', 'schratcho-dev-wwseed-ledger']);
  });

  it('game-data: PK/SK, EntityTypeIndex, same settings', () => {
    const p = byName(template, 'AWS::DynamoDB::Table', 'TableName', 'schratcho-dev-game-data').res.Properties;
    assert.deepEqual(p.KeySchema, [
      { AttributeName: 'PK', KeyType: 'HASH' },
      { AttributeName: 'SK', KeyType: 'RANGE' },
    ]);
    assert.deepEqual(
      [...p.AttributeDefinitions].sort((a: any, b: any) => (a.AttributeName < b.AttributeName ? -1 : 1)),
      [
        { AttributeName: 'PK', AttributeType: 'S' },
        { AttributeName: 'SK', AttributeType: 'S' },
        { AttributeName: 'createdAt', AttributeType: 'S' },
        { AttributeName: 'entityType', AttributeType: 'S' },
      ],
    );
    assert.deepEqual(p.GlobalSecondaryIndexes, [
      {
        IndexName: 'EntityTypeIndex',
        KeySchema: [
          { AttributeName: 'entityType', KeyType: 'HASH' },
          { AttributeName: 'createdAt', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
    ]);
    assert.equal(p.BillingMode, 'PAY_PER_REQUEST');
    assert.deepEqual(p.SSESpecification, { SSEEnabled: true, SSEType: 'KMS' });
    assert.deepEqual(p.StreamSpecification, { StreamViewType: 'NEW_AND_OLD_IMAGES' });
    assert.deepEqual(p.PointInTimeRecoverySpecification, { PointInTimeRecoveryEnabled: true });
  });
});
