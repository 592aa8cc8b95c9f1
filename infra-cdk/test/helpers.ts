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

// Synthesis is the slow part (about a second each): one per context per file.
const cache = new Map<string, { stack: SchratchoStack; template: Template }>();

/** The synthesized stack for `context` (shared: do not add constructs to it; use build()). */
export function synth(context: Record<string, string> = {}): { stack: SchratchoStack; template: Template } {
  const key = JSON.stringify(Object.entries(context).sort());
  let hit = cache.get(key);
  if (!hit) {
    const stack = build(context);
    hit = { stack, template: Template.fromStack(stack) };
    cache.set(key, hit);
  }
  return hit;
}

/** The resource of `type` whose TableName (or other string property) is `name`. */
export function byName(template: Template, type: string, prop: string, name: string): { id: string; res: any } {
  const all = template.findResources(type);
  for (const [id, res] of Object.entries(all)) {
    if ((res as any).Properties?.[prop] === name) return { id, res };
  }
  throw new Error(`no ${type} with ${prop} "${name}"`);
}
