// The seeder's managed policy, the GitHub OIDC role and a connected Lambda.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';

import { SEEDER_ACTIONS } from '../lib/seeder-access';
import { build, byName, synth } from './helpers';

const EXPECTED_SEEDER_ACTIONS = [
  'dynamodb:BatchGetItem', 'dynamodb:BatchWriteItem', 'dynamodb:DeleteItem',
  'dynamodb:DescribeContinuousBackups', 'dynamodb:DescribeTable', 'dynamodb:DescribeTimeToLive',
  'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:Scan', 'dynamodb:UpdateItem',
];

function tableId(template: Template, name: string): string {
  return byName(template, 'AWS::DynamoDB::Table', 'TableName', name).id;
}

function seederResources(stage: string, suffixes: string[], context: Record<string, string> = {}) {
  const { template } = synth({ stage, ...context });
  const policy = byName(template, 'AWS::IAM::ManagedPolicy', 'ManagedPolicyName', `schratcho-${stage}-wwseed-seeder`);
  const doc = policy.res.Properties.PolicyDocument;
  assert.equal(doc.Statement.length, 1);
  const st = doc.Statement[0];
  assert.equal(st.Effect, 'Allow');
  assert.deepEqual([...st.Action].sort(), EXPECTED_SEEDER_ACTIONS);
  const want: unknown[] = [];
  for (const s of suffixes) {
    const id = tableId(template, `schratcho-${stage}-${s}`);
    want.push({ 'Fn::GetAtt': [id, 'Arn'] });
    want.push({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [id, 'Arn'] }, '/index/*']] });
  }
  assert.deepEqual(st.Resource, want);
  return { template, policy };
}

describe('seeder policy', () => {
  it('lists exactly what wwseed calls', () => {
    assert.deepEqual([...SEEDER_ACTIONS].sort(), EXPECTED_SEEDER_ACTIONS);
  });

  it('dev per-kind: the four tables, the ledger and their indexes, nothing else', () => {
    const { template } = seederResources('dev', ['prizes', 'scratchers', 'tickets', 'stores', 'wwseed-ledger']);
    // No other policy or role exists without githubRepo.
    assert.equal(Object.keys(template.findResources('AWS::IAM::ManagedPolicy')).length, 1);
    assert.deepEqual(Object.keys(template.findResources('AWS::IAM::Role')), []);
    assert.deepEqual(Object.keys(template.findResources('AWS::IAM::OIDCProvider')), []);
  });

  it('prod single-table: the game-data table, its index and the ledger', () => {
    seederResources('prod', ['game-data', 'wwseed-ledger'], { layout: 'single-table' });
  });
});

describe('GitHub Actions OIDC role', () => {
  it('trusts only the repository through token.actions.githubusercontent.com', () => {
    const { template, policy } = seederResources('prod', ['prizes', 'scratchers', 'tickets', 'stores', 'wwseed-ledger'], {
      githubRepo: 'acme/schratcho',
    });
    const providers = template.findResources('AWS::IAM::OIDCProvider');
    const [providerId, provider] = Object.entries(providers)[0] as [string, any];
    assert.equal(Object.keys(providers).length, 1);
    assert.equal(provider.Properties.Url, 'https://token.actions.githubusercontent.com');
    assert.deepEqual(provider.Properties.ClientIdList, ['sts.amazonaws.com']);

    const role = byName(template, 'AWS::IAM::Role', 'RoleName', 'schratcho-prod-wwseed-github').res.Properties;
    assert.deepEqual(role.AssumeRolePolicyDocument.Statement, [
      {
        Action: 'sts:AssumeRoleWithWebIdentity',
        Effect: 'Allow',
        Principal: { Federated: { Ref: providerId } },
        Condition: {
          StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' },
          StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:acme/schratcho:*' },
        },
      },
    ]);
    assert.deepEqual(role.ManagedPolicyArns, [{ Ref: policy.id }]);
    assert.equal(role.Policies, undefined, 'no inline policy beside the seeder policy');
    assert.equal(role.MaxSessionDuration, 3600);
  });

  it('reuses an existing provider when its ARN is given', () => {
    const arn = 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com';
    const { template } = synth({ stage: 'dev', githubRepo: 'acme/schratcho', githubOidcProviderArn: arn });
    assert.deepEqual(Object.keys(template.findResources('AWS::IAM::OIDCProvider')), []);
    const role = byName(template, 'AWS::IAM::Role', 'RoleName', 'schratcho-dev-wwseed-github').res.Properties;
    assert.equal(role.AssumeRolePolicyDocument.Statement[0].Principal.Federated, arn);
  });

  it('rejects a malformed repository', () => {
    assert.throws(() => synth({ githubRepo: 'not a repo' }), /context "githubRepo"/);
  });
});

function connected(context: Record<string, string>, write: boolean) {
  const stack = build(context);
  const fn = new lambda.Function(stack, 'Backend', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => ({})'),
  });
  stack.tables.connectLambda(fn, { write });
  const template = Template.fromStack(stack);
  const fnRes = Object.values(template.findResources('AWS::Lambda::Function'))[0] as any;
  const policies = Object.values(template.findResources('AWS::IAM::Policy')) as any[];
  assert.equal(policies.length, 1, 'one policy, on the function\'s role');
  const statements = policies[0].Properties.PolicyDocument.Statement as any[];
  // Actions granted per resource, whichever statement grants them.
  const grants = new Map<string, Set<string>>();
  for (const st of statements) {
    assert.equal(st.Effect, 'Allow');
    for (const r of [].concat(st.Resource)) {
      if (JSON.stringify(r) === '{"Ref":"AWS::NoValue"}') continue;
      const key = JSON.stringify(r);
      const set = grants.get(key) ?? new Set<string>();
      for (const a of [].concat(st.Action)) set.add(a);
      grants.set(key, set);
    }
  }
  return { template, env: fnRes.Properties.Environment.Variables, grants };
}

function arn(id: string): string {
  return JSON.stringify({ 'Fn::GetAtt': [id, 'Arn'] });
}
function indexes(id: string): string {
  return JSON.stringify({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [id, 'Arn'] }, '/index/*']] });
}

// What CDK's grantReadData gives (the pattern's "Read"): reads of items,
// indexes and the stream; no write.
const READ_ACTIONS = [
  'dynamodb:BatchGetItem', 'dynamodb:ConditionCheckItem', 'dynamodb:DescribeTable', 'dynamodb:GetItem',
  'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:Query', 'dynamodb:Scan',
];
const WRITE_ACTIONS = ['dynamodb:BatchWriteItem', 'dynamodb:DeleteItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'];

describe('connectLambda', () => {
  it('per-kind read: env vars and read-only grants on each table', () => {
    const { template, env, grants } = connected({ stage: 'dev' }, false);
    const ids = ['prizes', 'scratchers', 'tickets', 'stores'].map((k) => tableId(template, `schratcho-dev-${k}`));
    assert.deepEqual(env, {
      PRIZES_TABLE_NAME: { Ref: ids[0] },
      SCRATCHERS_TABLE_NAME: { Ref: ids[1] },
      TICKETS_TABLE_NAME: { Ref: ids[2] },
      STORES_TABLE_NAME: { Ref: ids[3] },
    });
    assert.deepEqual([...grants.keys()].sort(), ids.map(arn).sort(), 'the four tables and nothing else');
    for (const id of ids) assert.deepEqual([...grants.get(arn(id))!].sort(), READ_ACTIONS);
  });

  it('write only when asked', () => {
    const { template, grants } = connected({ stage: 'dev' }, true);
    const id = tableId(template, 'schratcho-dev-tickets');
    const actions = grants.get(arn(id))!;
    for (const a of [...READ_ACTIONS, ...WRITE_ACTIONS]) assert.ok(actions.has(a), a);
  });

  it('single-table: GAME_DATA_TABLE_NAME and read access to the table and its index', () => {
    const { template, env, grants } = connected({ stage: 'prod', layout: 'single-table' }, false);
    const id = tableId(template, 'schratcho-prod-game-data');
    assert.deepEqual(env, { GAME_DATA_TABLE_NAME: { Ref: id } });
    assert.deepEqual([...grants.keys()].sort(), [arn(id), indexes(id)].sort());
    assert.deepEqual([...grants.get(arn(id))!].sort(), READ_ACTIONS);
    assert.deepEqual([...grants.get(indexes(id))!].sort(), READ_ACTIONS);
  });
});
