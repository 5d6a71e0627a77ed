// Validates an AsyncAPI document with @asyncapi/parser (and its Avro schema parser), as AsyncAPI tools read it.
// Usage: node scripts/asyncapi/validate.cjs <tools dir with node_modules> <document>
// Prints one line per diagnostic, "<severity> <code> <path>: <message>", then a summary line; exit code 0 when
// no diagnostic is an error, 1 when one is, 2 when the parser cannot run.
'use strict';
const path = require('path');
const { createRequire } = require('module');

const [toolsDir, documentPath] = process.argv.slice(2);
if (!toolsDir || !documentPath) {
  console.error('usage: node validate.cjs <tools dir> <asyncapi document>');
  process.exit(2);
}
const load = createRequire(path.resolve(toolsDir, 'package.json'));
let parserLib, avroLib, avsc;
try {
  parserLib = load('@asyncapi/parser');
  avroLib = load('@asyncapi/avro-schema-parser');
  avsc = load('avsc');
} catch (e) {
  console.error(`@asyncapi/parser is not installed in ${toolsDir}: run scripts/install-test-tools.sh (${e.message})`);
  process.exit(2);
}

const AVRO = /^application\/vnd\.apache\.avro/;
const SEVERITY = ['error', 'warning', 'info', 'hint'];

// Parser 3.6 converts Avro payloads of AsyncAPI 3 documents but does not validate them, so each one is also
// compiled by avsc (the library the Avro schema parser uses), with the named types of components.schemas
// defined first, as the build's avro-maven-plugin defines schemas/src/main/avro/shared first.
function avroDiagnostics(json) {
  const found = [];
  const seen = new Set(); // a message referred to from an operation is the channel's own object: once
  const walk = (node, where) => {
    if (node === null || typeof node !== 'object' || seen.has(node)) return;
    seen.add(node);
    if (typeof node.schemaFormat === 'string' && AVRO.test(node.schemaFormat)) {
      const avro = node['x-parser-original-payload'] !== undefined ? node['x-parser-original-payload'] : node.schema;
      found.push({ where, avro, shared: where[0] === 'components' && where[1] === 'schemas' });
    }
    for (const [k, v] of Object.entries(node)) {
      if (k !== 'x-parser-original-payload') walk(v, where.concat(k));
    }
  };
  walk(json, []);
  const diagnostics = [];
  const shared = {};
  for (const s of found.filter(f => f.shared)) {
    try {
      avsc.Type.forSchema(s.avro, { registry: shared });
    } catch (e) {
      diagnostics.push({ severity: 0, code: 'avro-schema', path: s.where, message: e.message });
    }
  }
  for (const s of found.filter(f => !f.shared)) {
    try {
      avsc.Type.forSchema(s.avro, { registry: Object.assign({}, shared) });
    } catch (e) {
      diagnostics.push({ severity: 0, code: 'avro-schema', path: s.where, message: e.message });
    }
  }
  return { diagnostics, count: found.length };
}

(async () => {
  const parser = new parserLib.Parser();
  parser.registerSchemaParser(avroLib.AvroSchemaParser());
  const { document, diagnostics } = await parserLib.fromFile(parser, path.resolve(documentPath)).parse();
  const all = diagnostics.map(d => ({ severity: d.severity, code: d.code, path: d.path, message: d.message }));
  let avroCount = 0;
  if (document) {
    const avro = avroDiagnostics(document.json());
    all.push(...avro.diagnostics);
    avroCount = avro.count;
  }
  for (const d of all) {
    console.log(`${SEVERITY[d.severity] || d.severity} ${d.code} ${(d.path || []).join('.')}: ${d.message}`);
  }
  const errors = all.filter(d => d.severity === 0).length;
  const channels = document ? document.channels().length : 0;
  const messages = document ? document.allMessages().length : 0;
  console.log(`asyncapi: ${errors} errors, ${all.length - errors} other diagnostics; ${channels} channels, `
    + `${messages} messages, ${avroCount} Avro schemas compiled`);
  process.exit(errors === 0 && document ? 0 : 1);
})().catch(e => {
  console.error(`asyncapi: the parser failed: ${e.stack || e}`);
  process.exit(2);
});
