// Checks files against the JSON Schema that `wwseed schema` printed, with
// ajv (draft 2020-12) as an independent validator.
// usage: node schema_check.js SCHEMA (--valid FILE... | --invalid FILE...)...
// Prints one line per file, "valid FILE" or "invalid FILE: <first error>",
// and exits 1 when a file is not what its flag says.
"use strict";
const fs = require("fs");
const path = require("path");
const Ajv2020 = require(path.join(process.env.WWSEED_ROOT || ".", "node_modules/ajv/dist/2020"));

const [schemaFile, ...rest] = process.argv.slice(2);
const ajv = new Ajv2020({ strict: true, allErrors: false });
const validate = ajv.compile(JSON.parse(fs.readFileSync(schemaFile, "utf8")));
let want = null, bad = 0;
for (const arg of rest) {
  if (arg === "--valid" || arg === "--invalid") { want = arg.slice(2); continue; }
  const ok = validate(JSON.parse(fs.readFileSync(arg, "utf8")));
  const got = ok ? "valid" : "invalid";
  const why = ok ? "" : `: ${validate.errors[0].instancePath} ${validate.errors[0].message}`;
  console.log(`${got} ${arg}${why}`);
  if (got !== want) bad = 1;
}
process.exit(bad);
