// Copies what tsc does not, next to the compiled code: node/credential icons and codex files, and
// the WebAssembly pixel loops (engine/adjust/kernels/kernels.wasm, committed; see its build.sh).
const { src, dest } = require('gulp');

function buildStatic() {
	return src(['nodes/**/*.{png,svg,json}', 'credentials/**/*.{png,svg}', 'engine/**/*.wasm'], { base: '.', encoding: false }).pipe(
		dest('dist'),
	);
}

exports['build:static'] = buildStatic;
