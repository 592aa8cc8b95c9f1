#!/usr/bin/env node
// The CDK app: one env-agnostic stack per invocation, Schratcho-<stage>.
//   npx cdk synth -c stage=dev [-c layout=single-table] [-c pitr=false]
//       [-c removalPolicy=destroy] [-c githubRepo=owner/name]
import { App } from 'aws-cdk-lib';

import { readConfig } from '../lib/config';
import { SchratchoStack, stackName } from '../lib/stack';

const app = new App();
const config = readConfig(app.node);
new SchratchoStack(app, stackName(config.stage), {
  stackName: stackName(config.stage),
  description: `Schratcho ${config.stage}: game-data tables (${config.layout}) and wwseed access`,
  config,
});
app.synth();
