// Lets plain `node -r ./test/harness/registerTs.js script.ts` run the TypeScript test helpers in a
// child process (memory probes, the sandbox): TypeScript only strips types here, like ts-jest.
const fs = require('fs');
const ts = require('typescript');

require.extensions['.ts'] = function compileTypeScript(module, filename) {
	const source = fs.readFileSync(filename, 'utf8');
	const { outputText } = ts.transpileModule(source, {
		fileName: filename,
		compilerOptions: {
			module: ts.ModuleKind.CommonJS,
			target: ts.ScriptTarget.ES2021,
			esModuleInterop: true,
			sourceMap: false,
		},
	});
	module._compile(outputText, filename);
};

// Plain node would find `X.node.json` (a node's codex) before `X.node.ts` for `require('.../X.node')`;
// jest looks for .ts first. JSON last, as there (the sandbox and the docs script load the nodes).
const json = require.extensions['.json'];
delete require.extensions['.json'];
require.extensions['.json'] = json;
