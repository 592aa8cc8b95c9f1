// The app's settings, read from CDK context (`-c name=value` or cdk.json)
// and checked in one place, so every construct sees the same decisions.
import { RemovalPolicy } from 'aws-cdk-lib';
import { Node } from 'constructs';

export type Layout = 'per-kind' | 'single-table';

export interface StageConfig {
  /** `-c stage=NAME`, default "dev": flows into every name. */
  readonly stage: string;
  /** `-c layout=per-kind|single-table`, default per-kind. */
  readonly layout: Layout;
  /** `-c pitr=false` turns point-in-time recovery off (default on). */
  readonly pitr: boolean;
  /** RETAIN unless `-c removalPolicy=destroy` on a non-prod stage. */
  readonly removalPolicy: RemovalPolicy;
  /** On for prod only. */
  readonly deletionProtection: boolean;
  /** `-c githubRepo=owner/name`: create the GitHub Actions OIDC role. */
  readonly githubRepo?: string;
  /** `-c githubOidcProviderArn=arn:...`: reuse the account's provider. */
  readonly githubOidcProviderArn?: string;
}

const STAGE_RE = /^[a-z][a-z0-9-]{0,19}$/;
const REPO_RE = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;

function str(node: Node, key: string): string | undefined {
  const v = node.tryGetContext(key);
  if (v === undefined || v === null || v === '') return undefined;
  return String(v);
}

/** Read and validate the context; throws with a message naming the key. */
export function readConfig(node: Node): StageConfig {
  const stage = str(node, 'stage') ?? 'dev';
  if (!STAGE_RE.test(stage)) {
    throw new Error(`context "stage" must be lowercase letters, digits and dashes (got "${stage}")`);
  }
  const layout = str(node, 'layout') ?? 'per-kind';
  if (layout !== 'per-kind' && layout !== 'single-table') {
    throw new Error(`context "layout" must be "per-kind" or "single-table" (got "${layout}")`);
  }
  const pitrText = (str(node, 'pitr') ?? 'true').toLowerCase();
  if (pitrText !== 'true' && pitrText !== 'false') {
    throw new Error(`context "pitr" must be true or false (got "${pitrText}")`);
  }
  const removal = (str(node, 'removalPolicy') ?? 'retain').toLowerCase();
  if (removal !== 'retain' && removal !== 'destroy') {
    throw new Error(`context "removalPolicy" must be "retain" or "destroy" (got "${removal}")`);
  }
  const prod = stage === 'prod';
  if (prod && removal === 'destroy') {
    throw new Error('context "removalPolicy=destroy" is not allowed for stage "prod": its tables are always retained');
  }
  const githubRepo = str(node, 'githubRepo');
  if (githubRepo !== undefined && !REPO_RE.test(githubRepo)) {
    throw new Error(`context "githubRepo" must be owner/name (got "${githubRepo}")`);
  }
  return {
    stage,
    layout,
    pitr: pitrText === 'true',
    removalPolicy: removal === 'destroy' ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
    deletionProtection: prod,
    githubRepo,
    githubOidcProviderArn: str(node, 'githubOidcProviderArn'),
  };
}

/** The physical name of one of the stage's tables: schratcho-<stage>-<suffix>. */
export function tableName(stage: string, suffix: string): string {
  return `schratcho-${stage}-${suffix}`;
}
