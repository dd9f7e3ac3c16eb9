// Copies what tsc does not: node/credential icons and codex files, next to the compiled code.
const { src, dest } = require('gulp');

function buildStatic() {
	return src(['nodes/**/*.{png,svg,json}', 'credentials/**/*.{png,svg}'], { base: '.', encoding: false }).pipe(
		dest('dist'),
	);
}

exports['build:static'] = buildStatic;
