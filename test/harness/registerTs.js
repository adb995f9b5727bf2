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
