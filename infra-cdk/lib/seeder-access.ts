// Least-privilege access for wwseed: one managed policy with exactly the
// DynamoDB actions the seeder uses, and an optional role that GitHub Actions
// assumes through OIDC so CI runs wwseed without long-lived keys.
import { Duration } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

import { StageConfig } from './config';

/** What wwseed calls on the game tables and the ledger (sts:GetCallerIdentity needs no permission). */
export const SEEDER_ACTIONS = [
  'dynamodb:BatchGetItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:DeleteItem',
  'dynamodb:DescribeContinuousBackups',
  'dynamodb:DescribeTable',
  'dynamodb:DescribeTimeToLive',
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:Query',
  'dynamodb:Scan',
  'dynamodb:UpdateItem',
];

export const GITHUB_OIDC_URL = 'https://token.actions.githubusercontent.com';
export const GITHUB_OIDC_HOST = 'token.actions.githubusercontent.com';

export class SeederAccess extends Construct {
  readonly policy: iam.ManagedPolicy;
  readonly githubRole?: iam.Role;

  constructor(scope: Construct, id: string, cfg: StageConfig, tables: dynamodb.Table[]) {
    super(scope, id);
    const resources = tables.flatMap((t) => [t.tableArn, `${t.tableArn}/index/*`]);
    this.policy = new iam.ManagedPolicy(this, 'Policy', {
      managedPolicyName: `schratcho-${cfg.stage}-wwseed-seeder`,
      description: `wwseed: seed the ${cfg.stage} game tables and keep its ledger`,
      statements: [
        new iam.PolicyStatement({
          sid: 'WwseedTables',
          effect: iam.Effect.ALLOW,
          actions: SEEDER_ACTIONS,
          resources,
        }),
      ],
    });

    if (cfg.githubRepo) {
      const provider = cfg.githubOidcProviderArn
        ? iam.OidcProviderNative.fromOidcProviderArn(this, 'GitHubOidc', cfg.githubOidcProviderArn)
        : new iam.OidcProviderNative(this, 'GitHubOidc', {
            url: GITHUB_OIDC_URL,
            clientIds: ['sts.amazonaws.com'],
          });
      this.githubRole = new iam.Role(this, 'GitHubActionsRole', {
        roleName: `schratcho-${cfg.stage}-wwseed-github`,
        description: `GitHub Actions in ${cfg.githubRepo} run wwseed against the ${cfg.stage} tables`,
        maxSessionDuration: Duration.hours(1),
        assumedBy: new iam.WebIdentityPrincipal(provider.oidcProviderArn, {
          StringEquals: { [`${GITHUB_OIDC_HOST}:aud`]: 'sts.amazonaws.com' },
          StringLike: { [`${GITHUB_OIDC_HOST}:sub`]: `repo:${cfg.githubRepo}:*` },
        }),
        managedPolicies: [this.policy],
      });
    }
  }
}
