// Extracts, from the hashicorp/aws provider schema as the CDKTF bindings carry it (npm
// @cdktf/provider-aws, generated from `terraform providers schema`), the resource and data source
// types terraform/ uses: their arguments (required or not), nested blocks and computed attributes.
// The package is ~390 MB unpacked, so it is read once from its tarball and only this small result is
// kept: deploy-tests/src/test/resources/aws-provider-schema.json. Rerun when terraform/ starts using
// a new type (the schema test names it):
//   node tools/provider-schema/extract.js
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const VERSION = '19.65.1'; // = hashicorp/aws 5.99.1
const root = path.resolve(__dirname, '../..');
const out = path.join(root, 'deploy-tests/src/test/resources/aws-provider-schema.json');

function usedTypes() {
  const types = { resource: new Set(), data: new Set() };
  const walk = (dir) => {
    for (const f of fs.readdirSync(dir)) {
      const p = path.join(dir, f);
      if (fs.statSync(p).isDirectory()) walk(p);
      else if (f.endsWith('.tf')) {
        for (const m of fs.readFileSync(p, 'utf8').matchAll(/^(resource|data)\s+"([a-z0-9_]+)"/gm)) {
          types[m[1]].add(m[2]);
        }
      }
    }
  };
  walk(path.join(root, 'terraform'));
  return types;
}

function jsii() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'provider-aws-'));
  execFileSync('npm', ['pack', '--silent', `@cdktf/provider-aws@${VERSION}`], { cwd: tmp, stdio: ['ignore', 'ignore', 'inherit'] });
  execFileSync('tar', ['xzf', `cdktf-provider-aws-${VERSION}.tgz`, 'package/.jsii'], { cwd: tmp });
  const assembly = JSON.parse(fs.readFileSync(path.join(tmp, 'package/.jsii'), 'utf8'));
  fs.rmSync(tmp, { recursive: true, force: true });
  return assembly;
}

const snake = (s) => s.replace(/[A-Z]/g, (c) => '_' + c.toLowerCase());
// the Terraform name is in the property's registry link: ".../glue_job#role_arn GlueJob#role_arn"
const tfName = (p) => {
  const text = (p.docs.summary || '') + ' ' + (p.docs.remarks || '');
  const m = text.match(/#([a-z0-9_]+) [A-Za-z0-9]+#/);
  return m ? m[1] : snake(p.name);
};

function struct(types, fqn) {
  const t = types[fqn];
  const all = [...(t.properties || [])];
  for (const parent of t.interfaces || []) {
    if (types[parent]) all.push(...(types[parent].properties || []));
  }
  const schema = { arguments: {}, blocks: {} };
  for (const p of all) {
    const ty = p.type;
    const ref = ty.fqn || (ty.collection && ty.collection.elementtype.fqn) ||
      (ty.union && ty.union.types.map((u) => u.fqn || (u.collection && u.collection.elementtype.fqn)).find(Boolean));
    const name = tfName(p);
    if (ref && types[ref] && types[ref].kind === 'interface' && ref.startsWith('@cdktf/provider-aws.')) {
      schema.blocks[name] = { required: !p.optional, ...struct(types, ref) };
    } else {
      schema.arguments[name] = { required: !p.optional };
    }
  }
  return schema;
}

const assembly = jsii();
const types = assembly.types;
const wanted = usedTypes();
const result = { provider: 'hashicorp/aws', version: '5.99.1', source: `@cdktf/provider-aws@${VERSION}`, resource: {}, data: {} };
for (const [fqn, t] of Object.entries(types)) {
  if (t.kind !== 'class') continue;
  const m = (t.docs && t.docs.summary || '').match(/docs\/(resources|data-sources)\/[a-z0-9_]+ (data )?(aws_[a-z0-9_]+)\}/);
  if (!m) continue;
  const kind = m[1] === 'resources' ? 'resource' : 'data';
  const name = m[3];
  if (!wanted[kind].has(name) || !types[fqn + 'Config']) continue;
  const schema = struct(types, fqn + 'Config');
  const attributes = new Set(Object.keys(schema.arguments).concat(Object.keys(schema.blocks)));
  for (const p of t.properties || []) {
    if (p.static || p.name.endsWith('Input') || p.name === 'tfResourceType') continue;
    attributes.add(snake(p.name));
  }
  result[kind][name] = { ...schema, attributes: [...attributes].sort() };
}
for (const kind of ['resource', 'data']) {
  for (const name of wanted[kind]) {
    if (!result[kind][name]) throw new Error(`${kind} ${name} is not in provider ${result.version}`);
  }
}
fs.writeFileSync(out, JSON.stringify(result, null, 1) + '\n');
console.log(`wrote ${out}: ${Object.keys(result.resource).length} resources, ${Object.keys(result.data).length} data sources`);
