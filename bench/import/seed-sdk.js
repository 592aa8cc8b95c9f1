#!/usr/bin/env node
// The peer: the seeding script a game backend writes with the AWS SDK for
// JavaScript v3. It reads the same definition files wwseed reads, and puts
// them with lib-dynamodb's BatchWriteCommand in batches of 25, resending
// UnprocessedItems (with a short backoff) until none are left.
//
//   node seed-sdk.js DIR --endpoint-url URL --table KIND=NAME... [--inflight N]
//
// --inflight 1 (the default) sends one batch after another, as most such
// scripts do; --inflight 8 keeps 8 batches in flight. Prints one JSON line:
// items, requests, resent batches, seconds.
'use strict';
const fs = require('fs');
const path = require('path');
const { DynamoDBClient } = require('@aws-sdk/client-dynamodb');
const { DynamoDBDocumentClient, BatchWriteCommand } = require('@aws-sdk/lib-dynamodb');

function parseArgs(argv) {
  const o = { dir: null, endpoint: null, tables: {}, inflight: 1 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--endpoint-url') o.endpoint = argv[++i];
    else if (a === '--table') { const [k, v] = argv[++i].split('='); o.tables[k] = v; }
    else if (a === '--inflight') o.inflight = parseInt(argv[++i], 10);
    else if (!o.dir) o.dir = a;
    else throw new Error('unexpected argument ' + a);
  }
  if (!o.dir || !o.endpoint) throw new Error('usage: seed-sdk.js DIR --endpoint-url URL --table KIND=NAME... [--inflight N]');
  return o;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const client = new DynamoDBClient({ endpoint: o.endpoint, region: process.env.AWS_REGION || 'us-east-1' });
  const doc = DynamoDBDocumentClient.from(client);
  const t0 = process.hrtime.bigint();

  // All batches of 25, kind by kind.
  const batches = [];
  let items = 0;
  for (const kind of ['prizes', 'scratchers', 'tickets', 'stores']) {
    const file = path.join(o.dir, kind + '.json');
    if (!fs.existsSync(file)) continue;
    const table = o.tables[kind] || kind;
    const defs = JSON.parse(fs.readFileSync(file, 'utf8'));
    items += defs.length;
    for (let i = 0; i < defs.length; i += 25) {
      batches.push({ [table]: defs.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })) });
    }
  }

  let requests = 0, resent = 0;
  async function writeBatch(req) {
    let pending = req;
    for (let attempt = 0; ; attempt++) {
      requests++;
      const out = await doc.send(new BatchWriteCommand({ RequestItems: pending }));
      const un = out.UnprocessedItems || {};
      if (Object.keys(un).length === 0) return;
      resent++;
      pending = un;
      await sleep(Math.min(1000, 25 * 2 ** attempt));
    }
  }

  let next = 0;
  async function worker() {
    while (next < batches.length) {
      const b = batches[next++];
      await writeBatch(b);
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, o.inflight) }, worker));
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  console.log(JSON.stringify({ items, requests, resent, seconds: secs }));
  client.destroy();
}

main().catch((e) => { console.error('seed-sdk:', e && e.message ? e.message : e); process.exit(1); });
