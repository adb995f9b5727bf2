/**
 * In one n8n install, n8n-core (the engine) and n8n-nodes-base (the HTTP Request node) load the same
 * copy of `form-data`, `n8n-workflow`, `n8n-core` and `@n8n/*`. The benchmark runs n8n's nodes from
 * their own folder (.cache/...) inside this package's engine, so without this hook the HTTP Request
 * node builds its multipart body with a second copy of form-data, n8n-core's `instanceof FormData`
 * fails, and the body it sends is garbage. Requests for those packages made from inside `root` are
 * resolved from this package instead (same versions: n8n-core 2.8.1, n8n-workflow 2.8.0,
 * form-data 4.0.4 in both).
 */
import Module from 'module';

const SHARED = [/^form-data$/, /^n8n-workflow(\/|$)/, /^n8n-core(\/|$)/, /^@n8n\//];

export function shareModulesWith(roots: string[]): void {
	if (roots.length === 0) return;
	const moduleWithResolver = Module as unknown as {
		_resolveFilename: (request: string, parent: { filename?: string } | undefined, ...rest: unknown[]) => string;
	};
	const original = moduleWithResolver._resolveFilename;
	moduleWithResolver._resolveFilename = function resolveShared(request, parent, ...rest) {
		if (parent?.filename && roots.some((root) => parent.filename!.startsWith(root)) && SHARED.some((pattern) => pattern.test(request))) {
			return original.call(this, request, { ...parent, filename: __filename, paths: (Module as unknown as { _nodeModulePaths: (dir: string) => string[] })._nodeModulePaths(__dirname) } as never, ...rest);
		}
		return original.call(this, request, parent, ...rest);
	};
}
