#!/usr/bin/env node
// A DynamoDB-shaped null sink on loopback: it answers every request at once
// and stores nothing, so a client measured against it shows its own ceiling.
//
//   node null-sink.js STATE_DIR
//     listens on 127.0.0.1 (a free port), writes STATE_DIR/port and
//     STATE_DIR/pid, and counts requests per operation and items written.
//     GET /__stats answers the counts as JSON; POST /__reset zeroes them.
//
// BatchWriteItem -> {"UnprocessedItems":{}}; DescribeTable -> an ACTIVE
// PAY_PER_REQUEST table (key pk/sk when the name contains "ledger", else id);
// Scan/Query -> an empty page; GetItem/PutItem/DeleteItem/UpdateItem ->
// {}; BatchGetItem -> empty Responses for the tables asked; CreateTable ->
// ACTIVE; ListTables -> none. Every answer carries x-amz-crc32 (CRC32 of the
// body), as DynamoDB's does, and x-amzn-requestid.
'use strict';
const http = require('http');
const fs = require('fs');
const path = require('path');

const state = process.argv[2];
if (!state) { console.error('usage: null-sink.js STATE_DIR'); process.exit(2); }

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();
function crc32(buf) {
  let c = 0xffffffff;
  for (let i = 0; i < buf.length; i++) c = CRC_TABLE[(c ^ buf[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

let stats = { requests: 0, ops: {}, itemsWritten: 0, bytesIn: 0, opBytes: {} };
let seq = 0;

function tableDesc(name) {
  const ledger = /ledger/i.test(name);
  const keys = ledger ? [['pk', 'HASH'], ['sk', 'RANGE']] : [['id', 'HASH']];
  return {
    TableName: name,
    TableStatus: 'ACTIVE',
    TableArn: 'arn:aws:dynamodb:us-east-1:000000000000:table/' + name,
    KeySchema: keys.map(([n, t]) => ({ AttributeName: n, KeyType: t })),
    AttributeDefinitions: keys.map(([n]) => ({ AttributeName: n, AttributeType: 'S' })),
    BillingModeSummary: { BillingMode: 'PAY_PER_REQUEST' },
    ProvisionedThroughput: { ReadCapacityUnits: 0, WriteCapacityUnits: 0, NumberOfDecreasesToday: 0 },
    ItemCount: 0,
    TableSizeBytes: 0,
    CreationDateTime: 1700000000,
  };
}

// Count PutRequest/DeleteRequest occurrences without parsing the body.
function countWrites(s) {
  let n = 0, i = 0;
  for (;;) {
    const a = s.indexOf('"PutRequest"', i);
    const b = s.indexOf('"DeleteRequest"', i);
    const j = a < 0 ? b : b < 0 ? a : Math.min(a, b);
    if (j < 0) return n;
    n++;
    i = j + 10;
  }
}

function answer(op, body) {
  switch (op) {
    case 'BatchWriteItem':
      stats.itemsWritten += countWrites(body);
      return '{"UnprocessedItems":{}}';
    case 'DescribeTable':
    case 'CreateTable': {
      const req = JSON.parse(body || '{}');
      const d = tableDesc(req.TableName || 'unknown');
      return JSON.stringify(op === 'DescribeTable' ? { Table: d } : { TableDescription: d });
    }
    case 'Scan':
    case 'Query':
      return '{"Items":[],"Count":0,"ScannedCount":0}';
    case 'BatchGetItem': {
      const req = JSON.parse(body || '{}');
      const r = {};
      for (const t of Object.keys(req.RequestItems || {})) r[t] = [];
      return JSON.stringify({ Responses: r, UnprocessedKeys: {} });
    }
    case 'ListTables':
      return '{"TableNames":[]}';
    case 'PutItem':
      stats.itemsWritten += 1;
      return '{}';
    default: // GetItem, DeleteItem, UpdateItem, TransactWriteItems, ...
      return '{}';
  }
}

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    if (req.url === '/__stats') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(stats));
      return;
    }
    if (req.url === '/__reset') {
      stats = { requests: 0, ops: {}, itemsWritten: 0, bytesIn: 0, opBytes: {} };
      res.writeHead(200);
      res.end('{}');
      return;
    }
    const buf = Buffer.concat(chunks);
    const target = req.headers['x-amz-target'] || '';
    const op = target.split('.').pop() || 'unknown';
    stats.requests++;
    stats.bytesIn += buf.length;
    stats.ops[op] = (stats.ops[op] || 0) + 1;
    stats.opBytes[op] = (stats.opBytes[op] || 0) + buf.length;
    let out;
    try {
      out = Buffer.from(answer(op, buf.toString('utf8')));
    } catch (e) {
      out = Buffer.from(JSON.stringify({ __type: 'com.amazon.coral.validate#ValidationException', message: String(e) }));
      res.writeHead(400, { 'content-type': 'application/x-amz-json-1.0', 'x-amz-crc32': String(crc32(out)), 'content-length': out.length });
      res.end(out);
      return;
    }
    res.writeHead(200, {
      'content-type': 'application/x-amz-json-1.0',
      'content-length': out.length,
      'x-amz-crc32': String(crc32(out)),
      'x-amzn-requestid': 'nullsink-' + ++seq,
    });
    res.end(out);
  });
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => {
  fs.mkdirSync(state, { recursive: true });
  fs.writeFileSync(path.join(state, 'port'), String(server.address().port) + '\n');
  fs.writeFileSync(path.join(state, 'pid'), String(process.pid) + '\n');
  fs.writeFileSync(path.join(state, 'endpoint'), 'http://127.0.0.1:' + server.address().port + '\n');
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
