import { existsSync, readFileSync } from 'fs';
import { join } from 'path';

import { DOCUMENTED_NODES, newestDescription, pagePath, pageWithReference } from '../../scripts/docs/nodeReference';
import { crmEntries } from '../crms/registry';

const ROOT = join(__dirname, '..', '..');
const packageJson = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { homepage: string; n8n: { nodes: string[] } };
// The repository's own pages: homepage is the GitHub page of the repository (its #readme anchor dropped).
const DOCS_BASE = `${packageJson.homepage.replace(/#.*$/, '')}/blob/main/docs/nodes/`;

function pageOfUrl(url: string): string {
	expect(url.startsWith(DOCS_BASE)).toBe(true);
	return join(ROOT, 'docs', 'nodes', url.slice(DOCS_BASE.length).replace(/#.*$/, ''));
}

describe('docs/nodes pages', () => {
	it('document every node the package registers', () => {
		expect(DOCUMENTED_NODES.map((node) => newestDescription(node).name).sort()).toEqual(
			packageJson.n8n.nodes.map((path) => path.replace(/^.*\/(\w+)\.node\.js$/, '$1').replace(/^./, (c) => c.toLowerCase())).sort(),
		);
	});

	it.each(DOCUMENTED_NODES.map((node) => [newestDescription(node).name, node] as const))(
		'%s: the page lists the node\'s current operations and fields (run npm run docs:nodes when this fails)',
		(_name, node) => {
			const description = newestDescription(node);
			const page = readFileSync(pagePath(description), 'utf8');
			expect(page).toBe(pageWithReference(page, description));
			expect(page.startsWith(`# ${description.displayName}\n`)).toBe(true);
		},
	);

	it.each(DOCUMENTED_NODES.map((node) => [newestDescription(node).name] as const))(
		'%s: the codex points n8n\'s Docs links at the node\'s page and its credential section',
		(name) => {
			const codex = JSON.parse(readFileSync(join(ROOT, 'nodes', name.replace(/^./, (c) => c.toUpperCase()), `${name.replace(/^./, (c) => c.toUpperCase())}.node.json`), 'utf8')) as {
				resources: { primaryDocumentation: Array<{ url: string }>; credentialDocumentation?: Array<{ url: string }> };
			};
			expect(codex.resources.primaryDocumentation[0].url).toBe(`${DOCS_BASE}${name}.md`);
			for (const { url } of codex.resources.credentialDocumentation ?? []) {
				expect(url).toBe(`${DOCS_BASE}${name}.md#credential`);
				expect(readFileSync(pageOfUrl(url), 'utf8')).toMatch(/^## Credential$/m);
			}
		},
	);

	it.each(crmEntries().map(([, entry]) => new entry.credential()).map((credential) => [credential.name, credential] as const))('%s: documentationUrl opens the credential section of its node\'s page', (_name, credential) => {
		const url = credential.documentationUrl ?? '';
		expect(url).toMatch(/\.md#credential$/);
		const page = pageOfUrl(url);
		expect(existsSync(page)).toBe(true);
		expect(readFileSync(page, 'utf8')).toMatch(/^## Credential$/m);
	});

	it('name the nodes as the products do, on the canvas as in the node list', () => {
		for (const node of DOCUMENTED_NODES) {
			const description = newestDescription(node);
			expect(description.defaults.name).toBe(description.displayName);
		}
	});
});
