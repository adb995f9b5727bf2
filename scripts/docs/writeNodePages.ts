/** `npm run docs:nodes`: rewrites the generated part of every docs/nodes/<node>.md. */
import { readFileSync, writeFileSync } from 'fs';

// Plain node finds `X.node.json` (the codex) before `X.node.ts` for `import '.../X.node'`; jest looks for .ts first.
const extensions = require.extensions as Record<string, unknown>;
const json = extensions['.json'];
delete extensions['.json'];
extensions['.json'] = json;

// eslint-disable-next-line @typescript-eslint/no-require-imports
const reference = require('./nodeReference') as typeof import('./nodeReference');

for (const node of reference.DOCUMENTED_NODES) {
	const description = reference.newestDescription(node);
	const path = reference.pagePath(description);
	writeFileSync(path, reference.pageWithReference(readFileSync(path, 'utf8'), description));
	console.log(`updated ${path}`);
}
