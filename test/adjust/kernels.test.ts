/**
 * The WebAssembly pixel loops (engine/adjust/kernels) against plain per-pixel TypeScript written
 * here from the documented definitions of grain, vignette, saturation, contrast and the tone
 * tables: byte for byte, on a real photo, RGB and RGBA, on images tall enough to be cut into many
 * strips (so the strip boundaries and the generator's image-wide draw counter are exercised).
 * Also: the committed module is what its build script makes of kernels.c (where clang is
 * installed; CI installs it).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { applyStepsToRaw, type AdjustStep } from '../../engine/adjust';
import { grainAmplitudes, inverseNormalCdf } from '../../engine/adjust/grain';
import { pilBlend, pilLuma } from '../../engine/adjust/enhance';
import { linearGainTable, srgbToLinear } from '../../engine/adjust/transfer';
import { PHOTOS, makeTempDir } from './helpers';

interface Image {
	data: Buffer;
	width: number;
	height: number;
	channels: 3 | 4;
}

/**
 * A photo at an odd size: an odd width has a middle column; 600 rows make several strips (of
 * 106 rows in RGB, 80 in RGBA), and 307 is chosen so that strips start in the middle of a
 * grain draw (106 x 307 and 80 x 307 are not multiples of 3).
 */
async function photo(channels: 3 | 4): Promise<Image> {
	let pipeline = sharp(PHOTOS[0]).resize(307, 600, { fit: 'fill' });
	pipeline = channels === 4 ? pipeline.ensureAlpha(0.6) : pipeline.removeAlpha();
	const { data, info } = await pipeline.raw().toBuffer({ resolveWithObject: true });
	return { data, width: info.width, height: info.height, channels };
}

const run = (img: Image, steps: AdjustStep[]): Promise<Buffer> => applyStepsToRaw(img.data, img.width, img.height, img.channels, steps);

/** Applies `f(r, g, b, x, y, pixelIndex)` to every pixel of a copy; alpha untouched. */
function perPixel(img: Image, f: (rgb: [number, number, number], x: number, y: number, index: number) => [number, number, number]): Buffer {
	const out = Buffer.from(img.data);
	for (let y = 0; y < img.height; y++) {
		for (let x = 0; x < img.width; x++) {
			const j = y * img.width + x;
			const i = j * img.channels;
			const [r, g, b] = f([out[i], out[i + 1], out[i + 2]], x, y, j);
			out[i] = r;
			out[i + 1] = g;
			out[i + 2] = b;
		}
	}
	return out;
}

/** mulberry32, one draw from state `s` (the generator's state after k draws is seed + k * 0x6d2b79f5). */
function mulberry(s: number): number {
	let t = Math.imul(s ^ (s >>> 15), s | 1);
	t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
	return (t ^ (t >>> 14)) >>> 0;
}
const drawOf = (seed: number, k: number): number => mulberry((seed + Math.imul(k + 1, 0x6d2b79f5)) | 0);
const quantile = (z: number): number => inverseNormalCdf((z + 0.5) / 1024);
const clamp = (v: number): number => Math.min(255, Math.max(0, v));

/** The 8-bit level whose sRGB decoding is nearest to linear value v (ties go up), clipped. */
function nearestLevel(v: number): number {
	if (!(v > 0)) return 0;
	if (v >= 1) return 255;
	let k = 0;
	while (k < 255 && v >= srgbToLinear((k + 0.5) / 255)) k++;
	return k;
}

describe.each([3, 4] as const)('WebAssembly loops equal the documented definitions, %p channels', (channels) => {
	let img: Image;
	beforeAll(async () => {
		img = await photo(channels);
	});

	test.each([
		[true, 7],
		[false, 7],
		[true, 4_000_000_000],
	])('fine grain, monochrome %p, seed %p', async (monochrome, seed) => {
		const amp = grainAmplitudes(35);
		const expected = perPixel(img, ([r, g, b], _x, _y, j) => {
			const a = amp[pilLuma(r, g, b)];
			if (monochrome) {
				// One draw per three consecutive pixels, 10 bits each.
				const z = (drawOf(seed | 0, Math.floor(j / 3)) >>> (10 * (j % 3))) & 1023;
				const d = Math.floor(a * quantile(z) + 0.5);
				return [clamp(r + d), clamp(g + d), clamp(b + d)];
			}
			const u = drawOf(seed | 0, j);
			return [r, g, b].map((v, c) => clamp(v + Math.floor(a * quantile((u >>> (10 * c)) & 1023) + 0.5))) as [number, number, number];
		});
		const actual = await run(img, [{ op: 'grain', strength: 35, seed, monochrome }]);
		expect(actual.equals(expected)).toBe(true);
	});

	test.each([
		[40, 1, 0.5],
		[-60, 0.8, 1],
		[100, 0.7, 0],
	])('vignette strength %p, radius %p, softness %p', async (strength, radius, softness) => {
		const e0 = radius * (1 - softness);
		const e1 = radius * (1 + softness);
		const expected = perPixel(img, (rgb, x, y) => {
			const u = (x + 0.5 - img.width / 2) / (img.width / 2);
			const v = (y + 0.5 - img.height / 2) / (img.height / 2);
			const d = Math.sqrt(u * u + v * v);
			let t: number;
			if (e0 === e1) t = d >= e0 ? 1 : 0;
			else if (d <= e0) t = 0;
			else if (d >= e1) t = 1;
			else {
				const s = (d - e0) / (e1 - e0);
				t = s * s * (3 - 2 * s);
			}
			const q = Math.floor(t * 2048 + 0.5);
			if (q === 0) return rgb;
			const gain = 1 + ((2 ** ((-2 * strength) / 100) - 1) * q) / 2048;
			return rgb.map((level) => nearestLevel(srgbToLinear(level / 255) * gain)) as [number, number, number];
		});
		const actual = await run(img, [{ op: 'vignette', strength, radius, softness }]);
		expect(actual.equals(expected)).toBe(true);
	});

	test('exposure, contrast (PIL mean), saturation (PIL Color), temperature and grain in one chain', async () => {
		// Tone tables: exposure is a linear-light gain, contrast pivots on PIL's mean of the exposed image.
		const exposure = linearGainTable(2 ** 0.3);
		const exposed = perPixel(img, (rgb) => rgb.map((v) => exposure[v]) as [number, number, number]);
		let sum = 0;
		for (let i = 0; i < exposed.length; i += channels) sum += pilLuma(exposed[i], exposed[i + 1], exposed[i + 2]);
		const mean = Math.trunc(sum / (img.width * img.height) + 0.5);
		const contrasted = perPixel({ ...img, data: exposed }, (rgb) => rgb.map((v) => pilBlend(mean, v, 1.15)) as [number, number, number]);
		const saturated = perPixel({ ...img, data: contrasted }, ([r, g, b]) => {
			const l = pilLuma(r, g, b);
			return [pilBlend(l, r, 1.3), pilBlend(l, g, 1.3), pilBlend(l, b, 1.3)];
		});
		// Temperature +15 %: red 2^(0.4 * 0.15), blue 2^(-0.4 * 0.15), normalised to keep grey's luminance.
		const gains = [2 ** 0.06, 1, 2 ** -0.06];
		const y = 0.2126 * gains[0] + 0.7152 * gains[1] + 0.0722 * gains[2];
		const warm = gains.map((g) => linearGainTable(g / y));
		const warmed = perPixel({ ...img, data: saturated }, (rgb) => rgb.map((v, c) => warm[c][v]) as [number, number, number]);
		const amp = grainAmplitudes(20);
		const expected = perPixel({ ...img, data: warmed }, ([r, g, b], _x, _y, j) => {
			const z = (drawOf(3, Math.floor(j / 3)) >>> (10 * (j % 3))) & 1023;
			const d = Math.floor(amp[pilLuma(r, g, b)] * quantile(z) + 0.5);
			return [clamp(r + d), clamp(g + d), clamp(b + d)];
		});
		const actual = await run(img, [
			{ op: 'exposure', stops: 0.3 },
			{ op: 'contrast', factor: 1.15 },
			{ op: 'saturation', factor: 1.3 },
			{ op: 'temperature', percent: 15 },
			{ op: 'grain', strength: 20, seed: 3 },
		]);
		expect(actual.equals(expected)).toBe(true);
	});

	test("the reference's own level rounding: every level decoded comes back to itself", () => {
		for (let k = 0; k < 256; k++) expect(nearestLevel(srgbToLinear(k / 255))).toBe(k);
	});
});

const KERNELS = join(__dirname, '..', '..', 'engine', 'adjust', 'kernels');
const haveClang = ((): boolean => {
	try {
		// eslint-disable-next-line @n8n/community-nodes/no-dangerous-functions -- test-only: is the compiler there?
		execFileSync('clang', ['--version'], { stdio: 'ignore' });
		// eslint-disable-next-line @n8n/community-nodes/no-dangerous-functions -- test-only: is the linker there?
		execFileSync('wasm-ld', ['--version'], { stdio: 'ignore' });
		return true;
	} catch {
		return false;
	}
})();

(haveClang ? test : test.skip)('kernels-wasm.ts is what build.sh makes of kernels.c (needs clang and lld)', () => {
	const tmp = makeTempDir('kernels-build-');
	try {
		const rebuilt = join(tmp.dir, 'kernels-wasm.ts');
		// eslint-disable-next-line @n8n/community-nodes/no-dangerous-functions -- test-only: rebuilds the committed binary
		execFileSync('bash', [join(KERNELS, 'build.sh'), rebuilt], { stdio: 'pipe' });
		expect(readFileSync(rebuilt, 'utf8')).toBe(readFileSync(join(KERNELS, 'kernels-wasm.ts'), 'utf8'));
	} finally {
		tmp.cleanup();
	}
});
