/**
 * Exposure, gamma, temperature, tint, hue, levels and curves: checked against independent Python
 * implementations of the documented formulas and against their defining properties.
 */
import { writeFileSync } from 'node:fs';
import { applyStepsToRaw, type AdjustStep } from '../../engine/adjust';
import { PHOTOS, differingPixels, greyRamp, makeTempDir, maxDifference, pilDecode, runPython, type Raw } from './helpers';

let tmp: ReturnType<typeof makeTempDir>;
let photo: Raw;
const ramp = greyRamp();
beforeAll(() => {
	tmp = makeTempDir();
	photo = pilDecode(tmp.dir, PHOTOS[0]);
});
afterAll(() => tmp.cleanup());

const run = (raw: Raw, steps: AdjustStep[]): Promise<Buffer> =>
	applyStepsToRaw(raw.data, raw.width, raw.height, raw.channels, steps);

/** Output level of each input level 0..255, per channel, for a step. */
async function tables(step: AdjustStep): Promise<number[][]> {
	const out = await run(ramp, [step]);
	return [0, 1, 2].map((c) => Array.from({ length: 256 }, (_, v) => out[v * 3 + c]));
}

/** Python (float64, its own libm) evaluates a documented per-level formula. */
function python(body: string): number[][] {
	const out = runPython(
		tmp.dir,
		`
import json
def dec(v): return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4
def enc(v): return v * 12.92 if v <= 0.0031308 else 1.055 * v ** (1 / 2.4) - 0.055
def level(x): return 0 if not x > 0 else 255 if x >= 255 else int(x + 0.5)
${body}
print(json.dumps(result))
`,
	);
	return JSON.parse(out) as number[][];
}

describe('exposure', () => {
	test('0 stops is the identity on every level and on a photo', async () => {
		const t = await tables({ op: 'exposure', stops: 0 });
		expect(t[0]).toEqual(Array.from({ length: 256 }, (_, v) => v));
		expect((await run(photo, [{ op: 'exposure', stops: 0 }])).equals(photo.data)).toBe(true);
	});

	test.each([1, -1, 0.5, 2.3, -4])('%p stops equals linear-light scaling computed by Python', async (stops) => {
		const expected = python(`
g = 2 ** ${stops}
t = [level(255 * enc(min(1.0, dec(v / 255) * g))) for v in range(256)]
result = [t, t, t]`);
		expect(await tables({ op: 'exposure', stops })).toEqual(expected);
	});

	test('+1 then -1 stop returns every unclipped level within 1', async () => {
		const out = await run(ramp, [
			{ op: 'exposure', stops: 1 },
			{ op: 'exposure', stops: -1 },
		]);
		for (let v = 0; v < 180; v++) expect(Math.abs(out[v * 3] - v)).toBeLessThanOrEqual(1);
		expect(out[255 * 3]).toBeLessThan(255); // white clipped at +1, then halved
	});
});

describe('gamma', () => {
	test.each([0.45, 1, 2.2, 10])('%p equals 255 (v/255)^(1/value), rounded half up', async (value) => {
		const expected = python(`
t = [level(255 * (v / 255) ** (1 / ${value})) for v in range(256)]
result = [t, t, t]`);
		expect(await tables({ op: 'gamma', value })).toEqual(expected);
	});
});

describe('temperature and tint', () => {
	const gainsPython = (r: string, g: string, b: string): string => `
gr, gg, gb = ${r}, ${g}, ${b}
y = 0.2126 * gr + 0.7152 * gg + 0.0722 * gb
result = [[level(255 * enc(min(1.0, dec(v / 255) * k / y))) for v in range(256)] for k in (gr, gg, gb)]`;

	test.each([100, 35, -60])('temperature %p equals the documented gains (Python)', async (percent) => {
		const p = percent / 100;
		expect(await tables({ op: 'temperature', percent })).toEqual(python(gainsPython(`2 ** (0.4 * ${p})`, '1.0', `2 ** (-0.4 * ${p})`)));
	});

	test.each([100, -45])('tint %p equals the documented gains (Python)', async (percent) => {
		const p = percent / 100;
		expect(await tables({ op: 'tint', percent })).toEqual(python(gainsPython('1.0', `2 ** (-0.4 * ${p})`, '1.0')));
	});

	test('warm makes a grey red > green > blue, cool the opposite, 0 changes nothing', async () => {
		const [r, g, b] = await tables({ op: 'temperature', percent: 50 });
		expect(r[128]).toBeGreaterThan(g[128]);
		expect(g[128]).toBeGreaterThan(b[128]);
		const [rc, , bc] = await tables({ op: 'temperature', percent: -50 });
		expect(bc[128]).toBeGreaterThan(rc[128]);
		expect((await run(photo, [{ op: 'temperature', percent: 0 }, { op: 'tint', percent: 0 }])).equals(photo.data)).toBe(true);
	});

	test('magenta tint lowers green against red and blue; green tint raises it', async () => {
		const [r, g, b] = await tables({ op: 'tint', percent: 60 });
		expect(g[128]).toBeLessThan(r[128]);
		expect(r[128]).toBe(b[128]);
		const [r2, g2] = await tables({ op: 'tint', percent: -60 });
		expect(g2[128]).toBeGreaterThan(r2[128]);
	});
});

describe('hue', () => {
	test.each([17, 90, -135, 180, 359])('%p degrees keeps every grey level exactly grey', async (degrees) => {
		const out = await run(ramp, [{ op: 'hue', degrees }]);
		expect(out.equals(ramp.data)).toBe(true);
	});

	test('0 and 360 degrees are the identity on a photo', async () => {
		expect((await run(photo, [{ op: 'hue', degrees: 0 }])).equals(photo.data)).toBe(true);
		expect((await run(photo, [{ op: 'hue', degrees: 360 }])).equals(photo.data)).toBe(true);
	});

	test('positive degrees turn red towards yellow, then green', async () => {
		const red: Raw = { data: Buffer.from([200, 30, 30]), width: 1, height: 1, channels: 3 };
		const at60 = await run(red, [{ op: 'hue', degrees: 60 }]);
		expect(at60[1]).toBeGreaterThan(at60[2]); // yellowish: green above blue
		const at120 = await run(red, [{ op: 'hue', degrees: 120 }]);
		expect(at120[1]).toBeGreaterThan(at120[0]);
		expect(at120[1]).toBeGreaterThan(at120[2]);
	});

	test('equals a YIQ rotation computed by Python within 1 level', async () => {
		const small: Raw = { ...photo };
		const out = await run(small, [{ op: 'hue', degrees: 40 }]);
		const file = `${tmp.dir}/hue-in.raw`;
		writeFileSync(file, small.data);
		const expected = runPython(
			tmp.dir,
			`
import math, sys
A = [[0.299, 0.587, 0.114], [0.595716, -0.274453, -0.321263], [0.211456, -0.522591, 0.311135]]
def inv(m):
    (a, b, c), (d, e, f), (g, h, i) = m
    det = a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g)
    return [[(e * i - f * h) / det, (c * h - b * i) / det, (b * f - c * e) / det],
            [(f * g - d * i) / det, (a * i - c * g) / det, (c * d - a * f) / det],
            [(d * h - e * g) / det, (b * g - a * h) / det, (a * e - b * d) / det]]
t = -40 * math.pi / 180
R = [[1, 0, 0], [0, math.cos(t), -math.sin(t)], [0, math.sin(t), math.cos(t)]]
mul = lambda x, y: [[sum(x[r][k] * y[k][c] for k in range(3)) for c in range(3)] for r in range(3)]
M = mul(inv(A), mul(R, A))
data = open(sys.argv[1], 'rb').read()
out = bytearray(len(data))
for p in range(0, len(data), 3):
    for r in range(3):
        v = M[r][0] * data[p] + M[r][1] * data[p + 1] + M[r][2] * data[p + 2]
        out[p + r] = 0 if v <= -0.5 else 255 if v >= 254.5 else int(math.floor(v + 0.5))
sys.stdout.write(out.hex())
`,
			[file],
		);
		const reference = Buffer.from(expected, 'hex');
		expect(maxDifference(out, reference)).toBeLessThanOrEqual(1);
		expect(differingPixels(out, reference, 3)).toBeLessThan(photo.width * photo.height * 0.001);
		expect(differingPixels(out, photo.data, 3)).toBeGreaterThan(photo.width * photo.height * 0.5);
	});
});

describe('levels', () => {
	test('input black and white points map to the output endpoints, with Python agreeing in between', async () => {
		const step: AdjustStep = { op: 'levels', blackPoint: 30, whitePoint: 220, gamma: 1.4, outputBlack: 20, outputWhite: 235 };
		const [t] = await tables(step);
		for (let v = 0; v <= 30; v++) expect(t[v]).toBe(20);
		for (let v = 220; v < 256; v++) expect(t[v]).toBe(235);
		const expected = python(`
def f(v):
    x = (v - 30) / 190
    x = 0 if x <= 0 else 1 if x >= 1 else x ** (1 / 1.4)
    return level(20 + x * (235 - 20))
t = [f(v) for v in range(256)]
result = [t, t, t]`);
		expect(await tables(step)).toEqual(expected);
	});

	test('defaults are the identity; gamma above 1 brightens mid-tones', async () => {
		expect((await run(photo, [{ op: 'levels' }])).equals(photo.data)).toBe(true);
		const [t] = await tables({ op: 'levels', gamma: 2 });
		expect(t[128]).toBeGreaterThan(128);
		expect([t[0], t[255]]).toEqual([0, 255]);
	});

	test('a single channel changes only that channel; output endpoints may invert', async () => {
		const [r, g, b] = await tables({ op: 'levels', outputBlack: 255, outputWhite: 0, channel: 'green' });
		expect(r[10]).toBe(10);
		expect(b[10]).toBe(10);
		expect(g[0]).toBe(255);
		expect(g[255]).toBe(0);
	});
});

describe('curves (monotone cubic)', () => {
	const points: Array<[number, number]> = [
		[20, 10],
		[64, 40],
		[128, 150],
		[200, 190],
		[240, 250],
	];

	test('passes exactly through every point and is flat outside the first and last', async () => {
		const [t] = await tables({ op: 'curves', points });
		for (const [x, y] of points) expect(t[x]).toBe(y);
		for (let v = 0; v <= 20; v++) expect(t[v]).toBe(10);
		for (let v = 240; v < 256; v++) expect(t[v]).toBe(250);
	});

	test('never overshoots: increasing points give an increasing curve within each segment', async () => {
		const [t] = await tables({ op: 'curves', points });
		for (let v = 1; v < 256; v++) expect(t[v]).toBeGreaterThanOrEqual(t[v - 1]);
		for (let k = 0; k < points.length - 1; k++) {
			for (let v = points[k][0]; v <= points[k + 1][0]; v++) {
				expect(t[v]).toBeGreaterThanOrEqual(points[k][1]);
				expect(t[v]).toBeLessThanOrEqual(points[k + 1][1]);
			}
		}
	});

	test('a flat segment stays flat (Fritsch-Carlson zero tangents)', async () => {
		const [t] = await tables({ op: 'curves', points: [[0, 0], [100, 120], [160, 120], [255, 255]] });
		for (let v = 100; v <= 160; v++) expect(t[v]).toBe(120);
	});

	test('two points are a straight line; [[0,0],[255,255]] is the identity', async () => {
		const [t] = await tables({ op: 'curves', points: [[0, 255], [255, 0]] });
		for (let v = 0; v < 256; v++) expect(t[v]).toBe(255 - v);
		expect((await run(photo, [{ op: 'curves', points: [[0, 0], [255, 255]] }])).equals(photo.data)).toBe(true);
	});

	test('channel curves change only their channel', async () => {
		const [r, g, b] = await tables({ op: 'curves', points: [[0, 40], [255, 255]], channel: 'blue' });
		expect(r[0]).toBe(0);
		expect(g[0]).toBe(0);
		expect(b[0]).toBe(40);
	});
});
