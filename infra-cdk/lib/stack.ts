// The stage's stack: tables, outputs, seeder access.
import { CfnOutput, Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';

import { StageConfig } from './config';
import { GameTables } from './game-tables';
import { SeederAccess } from './seeder-access';

export interface SchratchoStackProps extends StackProps {
  readonly config: StageConfig;
}

/** The stack id and name of a stage: Schratcho-<stage>. */
export function stackName(stage: string): string {
  return `Schratcho-${stage}`;
}

export class SchratchoStack extends Stack {
  readonly tables: GameTables;
  readonly seeder: SeederAccess;

  constructor(scope: Construct, id: string, props: SchratchoStackProps) {
    super(scope, id, props);
    const cfg = props.config;
    this.tables = new GameTables(this, 'Tables', cfg);
    this.seeder = new SeederAccess(this, 'Seeder', cfg, this.tables.allTables());

    // Outputs carry no exports: readers use `cdk deploy --outputs-file`.
    const outputs = [
      ...this.tables.tables.map((t) => ({ label: t.label, table: t.table })),
      { label: 'Ledger', table: this.tables.ledger },
    ];
    for (const o of outputs) {
      new CfnOutput(this, `${o.label}TableName`, { value: o.table.tableName, description: `${o.label} table name` });
      new CfnOutput(this, `${o.label}TableArn`, { value: o.table.tableArn, description: `${o.label} table ARN` });
    }
    new CfnOutput(this, 'SeederPolicyArn', { value: this.seeder.policy.managedPolicyArn });
    if (this.seeder.githubRole) {
      new CfnOutput(this, 'GitHubActionsRoleArn', { value: this.seeder.githubRole.roleArn });
    }
  }
}
