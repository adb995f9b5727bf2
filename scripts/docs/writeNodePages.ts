/** `npm run docs:nodes`: rewrites the generated part of every docs/nodes/<node>.md. */
import { readFileSync, writeFileSync } from 'fs';

import { DOCUMENTED_NODES, newestDescription, pagePath, pageWithReference } from './nodeReference';

// Run with test/harness/registerTs.js, which finds `X.node.ts` before the codex `X.node.json`.
for (const node of DOCUMENTED_NODES) {
	const description = newestDescription(node);
	const path = pagePath(description);
	writeFileSync(path, pageWithReference(readFileSync(path, 'utf8'), description));
	console.log(`updated ${path}`);
}
