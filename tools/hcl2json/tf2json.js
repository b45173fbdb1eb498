// Prints every .tf and .tfvars file of the folders given as one JSON object: {"<folder>": {"<file>": <hcl2json>}}.
// Expressions stay as Terraform wrote them, in "${...}" strings; the deploy tests evaluate them.
const { parse } = require('@cdktn/hcl2json');
const fs = require('fs');
const path = require('path');

(async () => {
  const out = {};
  for (const dir of process.argv.slice(2)) {
    out[dir] = {};
    for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('.tf') || n.endsWith('.tfvars')).sort()) {
      out[dir][f] = await parse(f, fs.readFileSync(path.join(dir, f), 'utf8'));
    }
  }
  process.stdout.write(JSON.stringify(out));
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
