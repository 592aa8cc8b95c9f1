// Synthesize the stack the way bin/app.ts does, with a given context.
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';

import { readConfig } from '../lib/config';
import { SchratchoStack, stackName } from '../lib/stack';

export function build(context: Record<string, string> = {}): SchratchoStack {
  const app = new App({ context });
  const config = readConfig(app.node);
  return new SchratchoStack(app, stackName(config.stage), { stackName: stackName(config.stage), config });
}

export function synth(context: Record<string, string> = {}): { stack: SchratchoStack; template: Template } {
  const stack = build(context);
  return { stack, template: Template.fromStack(stack) };
}

/** The resource of `type` whose TableName (or other string property) is `name`. */
export function byName(template: Template, type: string, prop: string, name: string): { id: string; res: any } {
  const all = template.findResources(type);
  for (const [id, res] of Object.entries(all)) {
    if ((res as any).Properties?.[prop] === name) return { id, res };
  }
  throw new Error(`no ${type} with ${prop} "${name}"`);
}
