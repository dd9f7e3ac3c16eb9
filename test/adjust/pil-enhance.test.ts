/**
 * Brightness, contrast and saturation must equal PIL's ImageEnhance bit for bit. PIL computes the
 * reference at test time (/usr/bin/python3); the tests and PIL start from the same pixels, PIL's
 * own decode of real photos.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { adjustImage, applyStepsToRaw } from '../../engine/adjust';
import { pilBlend, pilLuma } from '../../engine/adjust/enhance';
import {
	PHOTOS,
	differingPixels,
	makeTempDir,
	pilDecode,
	pilEnhance,
	runPython,
	sharpDecode,
	withAlpha,
	type PilEnhance,
	type Raw,
} from './helpers';

const FACTORS = [0, 0.5, 0.85, 1, 1.3, 2];
const OPS = ['brightness', 'contrast', 'saturation'] as const;

let tmp: ReturnType<typeof makeTempDir>;
beforeAll(() => {
	tmp = makeTempDir();
});
afterAll(() => tmp.cleanup());

describe('PIL rounding rules the engine relies on', () => {
	test("Image.blend is float32 in1 + f * (in2 - in1), truncated, clamped only outside 0..1 (all 65,536 pairs)", () => {
		const factors = [0, 0.1, 0.3, 0.5, 0.7, 0.85, 0.999, 1, 1.0001, 1.1, 1.3, 2, 2.5, 3.14159, 4, 1 / 3, 0.6666666];
		const out = join(tmp.dir, 'blend.raw');
		runPython(
			tmp.dir,
			`
import sys, json
from PIL import Image
a = Image.frombytes('L', (256, 256), bytes(x for x in range(256) for y in range(256)))
b = Image.frombytes('L', (256, 256), bytes(y for x in range(256) for y in range(256)))
with open(sys.argv[1], 'wb') as f:
    for factor in json.loads(sys.argv[2]):
        f.write(Image.blend(a, b, factor).tobytes())
`,
			[out, JSON.stringify(factors)],
		);
		const pil = readFileSync(out);
		factors.forEach((factor, k) => {
			let differences = 0;
			for (let x = 0; x < 256; x++) {
				for (let y = 0; y < 256; y++) {
					if (pilBlend(x, y, factor) !== pil[k * 65536 + x * 256 + y]) differences++;
				}
			}
			expect({ factor, differences }).toEqual({ factor, differences: 0 });
		});
	});

	test("convert('L') is (19595 r + 38470 g + 7471 b + 0x8000) >> 16 for all 16,777,216 colours", () => {
		const rgb = Buffer.alloc(4096 * 4096 * 3);
		for (let v = 0, i = 0; v < 1 << 24; v++, i += 3) {
			rgb[i] = v & 255;
			rgb[i + 1] = (v >> 8) & 255;
			rgb[i + 2] = v >> 16;
		}
		const input = join(tmp.dir, 'all.raw');
		const output = join(tmp.dir, 'all-l.raw');
		writeFileSync(input, rgb);
		runPython(
			tmp.dir,
			`
import sys
from PIL import Image
im = Image.frombytes('RGB', (4096, 4096), open(sys.argv[1], 'rb').read())
open(sys.argv[2], 'wb').write(im.convert('L').tobytes())
`,
			[input, output],
		);
		const l = readFileSync(output);
		let differences = 0;
		let differencesPer1000 = 0;
		for (let v = 0, i = 0; v < 1 << 24; v++, i += 3) {
			if (pilLuma(rgb[i], rgb[i + 1], rgb[i + 2]) !== l[v]) differences++;
			// The often quoted formula is not what PIL does:
			if (Math.floor((rgb[i] * 299 + rgb[i + 1] * 587 + rgb[i + 2] * 114 + 500) / 1000) !== l[v]) differencesPer1000++;
		}
		expect(differences).toBe(0);
		expect(differencesPer1000).toBeGreaterThan(0);
	});
});

describe.each(PHOTOS)('PIL-identical enhancements on %s', (photo) => {
	let raw: Raw;
	let pil: Buffer[];
	const chains: PilEnhance[][] = OPS.flatMap((op) => FACTORS.map((factor): PilEnhance[] => [[op, factor]]));

	beforeAll(() => {
		raw = pilDecode(tmp.dir, photo);
		pil = pilEnhance(tmp.dir, raw, chains);
	});

	test.each(chains.map((chain, k) => [chain[0][0], chain[0][1], k] as const))('%s %p: 0 differing pixels', async (op, factor, k) => {
		const ours = await applyStepsToRaw(raw.data, raw.width, raw.height, 3, [{ op, factor }]);
		expect(differingPixels(ours, pil[k], 3)).toBe(0);
		// Not vacuous: apart from factor 1, the step changes the photo.
		if (factor !== 1) expect(differingPixels(ours, raw.data, 3)).toBeGreaterThan(0);
	});
});

describe('PIL-identical enhancements with alpha', () => {
	test.each(OPS)('%s on RGBA: colour equals PIL, alpha untouched', async (op) => {
		const rgba = withAlpha(pilDecode(tmp.dir, PHOTOS[1]));
		const chains: PilEnhance[][] = [0.5, 1.3, 2].map((factor): PilEnhance[] => [[op, factor]]);
		const pil = pilEnhance(tmp.dir, rgba, chains);
		for (const [k, chain] of chains.entries()) {
			const ours = await applyStepsToRaw(rgba.data, rgba.width, rgba.height, 4, [{ op, factor: chain[0][1] }]);
			expect(differingPixels(ours, pil[k], 4)).toBe(0);
			for (let i = 3; i < ours.length; i += 4) {
				if (ours[i] !== rgba.data[i]) throw new Error(`alpha changed at byte ${i}`);
			}
		}
	});
});

describe('adjustImage end to end against PIL', () => {
	test('coffee.png (no ICC profile): sharp and PIL decode the same pixels, and PNG output equals PIL', async () => {
		const file = PHOTOS[0];
		const pilRaw = pilDecode(tmp.dir, file);
		const sharpRaw = await sharpDecode(file);
		expect(differingPixels(sharpRaw.data, pilRaw.data, 3)).toBe(0);

		const chains: PilEnhance[][] = [
			[['brightness', 0.85]],
			[
				['contrast', 1.3],
				['saturation', 0.7],
				['brightness', 1.1],
			],
		];
		const pil = pilEnhance(tmp.dir, pilRaw, chains);
		for (const [k, chain] of chains.entries()) {
			const { data, info } = await adjustImage(
				readFileSync(file),
				chain.map(([op, factor]) => ({ op, factor })),
				{ format: 'png' },
			);
			expect(info).toMatchObject({ format: 'png', mimeType: 'image/png', extension: 'png', width: 600, height: 400 });
			const decoded = await sharp(data).raw().toBuffer();
			expect(differingPixels(decoded, pil[k], 3)).toBe(0);
		}
	});
});
