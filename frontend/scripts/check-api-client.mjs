// Fails when src/api/schema.d.ts no longer matches ../openapi/openapi.json (run `npm run gen:api`).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = mkdtempSync(join(tmpdir(), 'oms-client-'));
const fresh = join(dir, 'schema.d.ts');
try {
  execFileSync(
    process.execPath,
    ['node_modules/openapi-typescript/bin/cli.js', '../openapi/openapi.json', '-o', fresh],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const committed = readFileSync('src/api/schema.d.ts', 'utf8');
  if (readFileSync(fresh, 'utf8') !== committed) {
    console.error('frontend/src/api/schema.d.ts is stale: run `npm run gen:api` in frontend/ (or `make client`) and commit it');
    process.exit(1);
  }
  console.log('typed API client is up to date');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
