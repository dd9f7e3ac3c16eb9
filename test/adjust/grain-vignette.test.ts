/**
 * Grain: seeded, reproducible, luminance weighted. Vignette: symmetric, radial, centred, and in
 * agreement with an unquantised float64 evaluation of the documented formula (Python).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyStepsToRaw, type AdjustStep } from '../../engine/adjust';
import { PHOTOS, differingPixels, makeTempDir, maxDifference, pilDecode, runPython, solid, type Raw } from './helpers';

let tmp: ReturnType<typeof makeTempDir>;
let photo: Raw;
beforeAll(() => {
	tmp = makeTempDir();
	photo = pilDecode(tmp.dir, PHOTOS[2]);
});
afterAll(() => tmp.cleanup());

const run = (raw: Raw, steps: AdjustStep[]): Promise<Buffer> =>
	applyStepsToRaw(raw.data, raw.width, raw.height, raw.channels, steps);

function stats(values: number[]): { mean: number; sd: number } {
	const mean = values.reduce((a, b) => a + b, 0) / values.length;
	const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
	return { mean, sd };
}

describe('grain', () => {
	test.each([
		[1, true],
		[1, false],
		[3, true],
		[8, false],
	] as const)('size %p, monochrome %p: same seed gives the same bytes, another seed different ones', async (size, monochrome) => {
		const step = { op: 'grain', strength: 40, size, monochrome } as const;
		const a = await run(photo, [{ ...step, seed: 1234 }]);
		const b = await run(photo, [{ ...step, seed: 1234 }]);
		const c = await run(photo, [{ ...step, seed: 1235 }]);
		expect(a.equals(b)).toBe(true);
		expect(differingPixels(a, c, 3)).toBeGreaterThan(photo.width * photo.height * 0.3);
		expect(differingPixels(a, photo.data, 3)).toBeGreaterThan(photo.width * photo.height * 0.3);
	});

	test('strength 0 changes nothing', async () => {
		expect((await run(photo, [{ op: 'grain', strength: 0, seed: 9 }])).equals(photo.data)).toBe(true);
	});

	test('standard deviation on mid-grey is 0.2 x strength levels; black and white get none', async () => {
		for (const size of [1, 4]) {
			const grey = solid(400, 300, [128, 128, 128]);
			const out = await run(grey, [{ op: 'grain', strength: 50, size, seed: 77, monochrome: false }]);
			const { mean, sd } = stats(Array.from(out));
			expect(Math.abs(mean - 128)).toBeLessThan(0.2);
			expect(sd).toBeGreaterThan(10 * 0.95);
			expect(sd).toBeLessThan(10 * 1.05);
		}
		for (const level of [0, 255]) {
			const flat = solid(100, 100, [level, level, level]);
			expect((await run(flat, [{ op: 'grain', strength: 100, seed: 1 }])).equals(flat.data)).toBe(true);
		}
		// Deep shadows get less: sd = 10 * sqrt(4 l (1 - l)) with l = 20 / 255, i.e. 5.4 levels.
		const dark = await run(solid(300, 300, [20, 20, 20]), [{ op: 'grain', strength: 50, seed: 3 }]);
		const expected = 10 * Math.sqrt(4 * (20 / 255) * (1 - 20 / 255));
		expect(Math.abs(stats(Array.from(dark)).sd / expected - 1)).toBeLessThan(0.05);
	});

	test('monochrome grain moves R, G and B by the same amount', async () => {
		const base = solid(200, 100, [100, 130, 160]);
		const out = await run(base, [{ op: 'grain', strength: 60, size: 2, seed: 11, monochrome: true }]);
		let moved = 0;
		for (let i = 0; i < out.length; i += 3) {
			const d = out[i] - 100;
			expect(out[i + 1] - 130).toBe(d);
			expect(out[i + 2] - 160).toBe(d);
			if (d !== 0) moved++;
		}
		expect(moved).toBeGreaterThan(10000);
	});

	test('colour grain moves the channels independently', async () => {
		const base = solid(200, 100, [120, 120, 120]);
		const out = await run(base, [{ op: 'grain', strength: 60, seed: 11, monochrome: false }]);
		let unequal = 0;
		for (let i = 0; i < out.length; i += 3) if (out[i] !== out[i + 1] || out[i + 1] !== out[i + 2]) unequal++;
		expect(unequal).toBeGreaterThan(15000);
	});

	test('larger sizes give coarser grain (neighbour correlation)', async () => {
		const correlation = async (size: number): Promise<number> => {
			const out = await run(solid(300, 200, [128, 128, 128]), [{ op: 'grain', strength: 50, size, seed: 5 }]);
			let num = 0;
			let den = 0;
			for (let i = 0; i < out.length - 3; i += 3) {
				num += (out[i] - 128) * (out[i + 3] - 128);
				den += (out[i] - 128) ** 2;
			}
			return num / den;
		};
		const [c1, c4] = [await correlation(1), await correlation(4)];
		expect(Math.abs(c1)).toBeLessThan(0.05);
		expect(c4).toBeGreaterThan(0.6);
	});
});

describe('vignette', () => {
	const mirrored = (raw: Raw, horizontal: boolean): Buffer => {
		const out = Buffer.alloc(raw.data.length);
		for (let y = 0; y < raw.height; y++) {
			for (let x = 0; x < raw.width; x++) {
				const sx = horizontal ? raw.width - 1 - x : x;
				const sy = horizontal ? y : raw.height - 1 - y;
				raw.data.copy(out, (y * raw.width + x) * 3, (sy * raw.width + sx) * 3, (sy * raw.width + sx) * 3 + 3);
			}
		}
		return out;
	};

	test.each([
		[301, 201],
		[300, 200],
	])('%p x %p: symmetric left-right and top-bottom, centre untouched, corners darkest', async (width, height) => {
		const grey = solid(width, height, [150, 150, 150]);
		const out: Raw = { ...grey, data: await run(grey, [{ op: 'vignette', strength: 70, radius: 0.9, softness: 0.6 }]) };
		expect(out.data.equals(mirrored(out, true))).toBe(true);
		expect(out.data.equals(mirrored(out, false))).toBe(true);
		const at = (x: number, y: number): number => out.data[(y * width + x) * 3];
		expect(at(Math.floor(width / 2), Math.floor(height / 2))).toBe(150);
		expect(at(0, 0)).toBeLessThan(at(0, Math.floor(height / 2)));
		expect(at(0, Math.floor(height / 2))).toBeLessThan(150);
		// Darker and darker from the centre to the edge.
		for (let x = 1; x <= Math.floor(width / 2); x++) expect(at(x, 0)).toBeGreaterThanOrEqual(at(x - 1, 0));
	});

	test('negative strength lightens the edges; 0 changes nothing', async () => {
		const grey = solid(200, 100, [100, 100, 100]);
		const out = await run(grey, [{ op: 'vignette', strength: -60 }]);
		expect(out[0]).toBeGreaterThan(100);
		expect((await run(photo, [{ op: 'vignette', strength: 0 }])).equals(photo.data)).toBe(true);
	});

	test('strength 100 takes the outside to -2 stops (linear x 0.25)', async () => {
		const grey = solid(100, 100, [255, 255, 255]);
		const out = await run(grey, [{ op: 'vignette', strength: 100, radius: 0.3, softness: 0 }]);
		// 255 -> linear 1 -> 0.25 -> sRGB 0.5371 -> 137
		expect(out[0]).toBe(137);
		expect(out[(50 * 100 + 50) * 3]).toBe(255);
	});

	test('equals an unquantised float64 evaluation of the formula (Python) within 1 level', async () => {
		const step = { op: 'vignette', strength: 55, radius: 1.1, softness: 0.7 } as const;
		const out = await run(photo, [step]);
		const file = join(tmp.dir, 'vignette-in.raw');
		writeFileSync(file, photo.data);
		const expected = Buffer.from(
			runPython(
				tmp.dir,
				`
import math, sys
w, h = ${photo.width}, ${photo.height}
data = open(sys.argv[1], 'rb').read()
def dec(v): return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4
def enc(v): return v * 12.92 if v <= 0.0031308 else 1.055 * v ** (1 / 2.4) - 0.055
lin = [dec(v / 255) for v in range(256)]
e0, e1 = ${step.radius} * (1 - ${step.softness}), ${step.radius} * (1 + ${step.softness})
edge = 2 ** (-2 * ${step.strength} / 100)
out = bytearray(len(data))
for y in range(h):
    v = (y + 0.5 - h / 2) / (h / 2)
    for x in range(w):
        u = (x + 0.5 - w / 2) / (w / 2)
        d = math.sqrt(u * u + v * v)
        s = min(1.0, max(0.0, (d - e0) / (e1 - e0)))
        g = 1 + (edge - 1) * s * s * (3 - 2 * s)
        p = (y * w + x) * 3
        for c in range(3):
            out[p + c] = int(255 * enc(min(1.0, lin[data[p + c]] * g)) + 0.5)
sys.stdout.write(out.hex())
`,
				[file],
			),
			'hex',
		);
		// The engine rounds the falloff to 1/2048 steps (documented); that moves values sitting within
		// ~0.01 level of a rounding boundary, about 1 % of pixels here, and never by more than 1 level.
		expect(maxDifference(out, expected)).toBeLessThanOrEqual(1);
		expect(differingPixels(out, expected, 3)).toBeLessThan(photo.width * photo.height * 0.02);
		expect(differingPixels(out, photo.data, 3)).toBeGreaterThan(photo.width * photo.height * 0.4);
	});
});
