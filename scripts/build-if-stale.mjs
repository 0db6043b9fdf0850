// Compiles apps/ and libs/ to dist/ unless the build is newer than every TypeScript source, so
// `npm run masala` and the tests that spawn the built server do not pay for a full tsc run each
// time. Usage: node scripts/build-if-stale.mjs
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const outputs = ['dist/apps/api/src/main.js', 'dist/apps/cli/src/main.js'].map((path) => join(root, path));
const inputs = ['apps', 'libs', 'tsconfig.json', 'tsconfig.build.json', 'package.json'].map((path) => join(root, path));

function newestMtime(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    if (entry.isDirectory() || entry.name.endsWith('.ts') || entry.name.endsWith('.json')) {
      newest = Math.max(newest, newestMtime(join(path, entry.name)));
    }
  }
  return newest;
}

const built = outputs.every(existsSync) ? Math.min(...outputs.map((path) => statSync(path).mtimeMs)) : 0;
const sources = Math.max(...inputs.filter(existsSync).map(newestMtime));
if (built <= sources) {
  execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
    cwd: root,
    stdio: 'inherit',
  });
}
