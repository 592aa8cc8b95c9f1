// The game's DynamoDB tables and wwseed's ledger, in either layout, and the
// one way a backend Lambda function is connected to them.
import { LambdaToDynamoDB } from '@aws-solutions-constructs/aws-lambda-dynamodb';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';

import { Layout, StageConfig, tableName } from './config';

/** One game-data table: its output prefix and the Lambda variable that carries its name. */
export interface GameTableInfo {
  /** "Prizes", "Scratchers", "Tickets", "Stores" or "GameData": output ids are <label>TableName/Arn. */
  readonly label: string;
  /** PRIZES_TABLE_NAME, ..., GAME_DATA_TABLE_NAME. */
  readonly envVar: string;
  readonly table: dynamodb.Table;
}

/** The per-kind tables: the table name suffix and output label of each kind. */
export const PER_KIND_TABLES = [
  { suffix: 'prizes', label: 'Prizes', envVar: 'PRIZES_TABLE_NAME' },
  { suffix: 'scratchers', label: 'Scratchers', envVar: 'SCRATCHERS_TABLE_NAME' },
  { suffix: 'tickets', label: 'Tickets', envVar: 'TICKETS_TABLE_NAME' },
  { suffix: 'stores', label: 'Stores', envVar: 'STORES_TABLE_NAME' },
] as const;
export const SINGLE_TABLE = { suffix: 'game-data', label: 'GameData', envVar: 'GAME_DATA_TABLE_NAME' } as const;
export const LEDGER_SUFFIX = 'wwseed-ledger';
export const ENTITY_TYPE_INDEX = 'EntityTypeIndex';

export interface ConnectOptions {
  /** Grant write access too (default: read only). */
  readonly write?: boolean;
}

export class GameTables extends Construct {
  readonly layout: Layout;
  /** The game-data tables (four per kind, or the single table), in output order. */
  readonly tables: GameTableInfo[] = [];
  /** wwseed's run history and import lock (pk/sk, TTL expiresAt). */
  readonly ledger: dynamodb.Table;

  constructor(scope: Construct, id: string, cfg: StageConfig) {
    super(scope, id);
    this.layout = cfg.layout;
    const common = {
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: cfg.pitr },
      removalPolicy: cfg.removalPolicy,
      deletionProtection: cfg.deletionProtection,
    };
    const S = dynamodb.AttributeType.STRING;

    if (cfg.layout === 'per-kind') {
      for (const k of PER_KIND_TABLES) {
        const table = new dynamodb.Table(this, `${k.label}Table`, {
          ...common,
          tableName: tableName(cfg.stage, k.suffix),
          partitionKey: { name: 'id', type: S },
          stream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
        });
        this.tables.push({ label: k.label, envVar: k.envVar, table });
      }
    } else {
      const table = new dynamodb.Table(this, `${SINGLE_TABLE.label}Table`, {
        ...common,
        tableName: tableName(cfg.stage, SINGLE_TABLE.suffix),
        partitionKey: { name: 'PK', type: S },
        sortKey: { name: 'SK', type: S },
        stream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
      });
      table.addGlobalSecondaryIndex({
        indexName: ENTITY_TYPE_INDEX,
        partitionKey: { name: 'entityType', type: S },
        sortKey: { name: 'createdAt', type: S },
        projectionType: dynamodb.ProjectionType.ALL,
      });
      this.tables.push({ label: SINGLE_TABLE.label, envVar: SINGLE_TABLE.envVar, table });
    }

    this.ledger = new dynamodb.Table(this, 'LedgerTable', {
      ...common,
      tableName: tableName(cfg.stage, LEDGER_SUFFIX),
      partitionKey: { name: 'pk', type: S },
      sortKey: { name: 'sk', type: S },
      timeToLiveAttribute: 'expiresAt',
    });

    // AWS_MANAGED emits SSEEnabled: true, which CloudFormation takes as KMS
    // with the AWS managed key; say SSEType: KMS too, so the template states
    // the setting that `wwseed tables verify` compares.
    for (const t of this.allTables()) {
      (t.node.defaultChild as dynamodb.CfnTable).addPropertyOverride('SSESpecification.SSEType', 'KMS');
    }
  }

  /**
   * Connect a backend Lambda function to the game-data tables (not the
   * ledger): for each table, an AWS Solutions Constructs LambdaToDynamoDB
   * pattern over the existing function and table grants read access (write
   * too with `write: true`) and sets the table's name in the function's
   * environment (PRIZES_TABLE_NAME, ..., GAME_DATA_TABLE_NAME).
   */
  connectLambda(fn: lambda.Function, opts: ConnectOptions = {}): LambdaToDynamoDB[] {
    return this.tables.map(
      (t) =>
        new LambdaToDynamoDB(this, `${fn.node.id}To${t.label}`, {
          existingLambdaObj: fn,
          existingTableObj: t.table,
          tablePermissions: opts.write ? 'ReadWrite' : 'Read',
          tableEnvironmentVariableName: t.envVar,
        }),
    );
  }

  /** Every table this construct made, game data first, ledger last. */
  allTables(): dynamodb.Table[] {
    return [...this.tables.map((t) => t.table), this.ledger];
  }
}
