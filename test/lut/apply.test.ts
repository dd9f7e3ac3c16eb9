import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { applyLut, identityLut3d } from '../../engine/lut/apply';
import { parseCube } from '../../engine/lut/cube-parse';
import { formatCube } from '../../engine/lut/cube-write';
import type { CubeLut, Lut3D } from '../../engine/lut/types';
import { filmLookLut, loadPhoto, toPng, type Photo } from './helpers';

/** Every 24-bit colour exactly once: 4096 x 4096 pixels. */
function everyColour(): Buffer {
	const out = Buffer.allocUnsafe(256 * 256 * 256 * 3);
	let i = 0;
	for (let b = 0; b < 256; b++) {
		for (let g = 0; g < 256; g++) {
			for (let r = 0; r < 256; r++) {
				out[i++] = r;
				out[i++] = g;
				out[i++] = b;
			}
		}
	}
	return out;
}

function firstDifference(a: Buffer, b: Buffer): string {
	for (let i = 0; i < a.length; i++) {
		if (a[i] !== b[i]) return `byte ${i}: ${a[i]} vs ${b[i]}`;
	}
	return 'none';
}

describe('applyLut: identity', () => {
	const colours = everyColour();

	it.each([2, 17, 33, 65])('an identity LUT of size %i returns every 24-bit colour unchanged (both interpolations)', (size) => {
		const lut = identityLut3d(size);
		for (const interpolation of ['tetrahedral', 'trilinear'] as const) {
			const out = applyLut(colours, 3, lut, { interpolation });
			expect(firstDifference(out, colours)).toBe('none');
		}
	});

	it('passes alpha through unchanged and is exact on RGBA photos too', async () => {
		const photo = await loadPhoto('coffee');
		const rgba = Buffer.alloc(photo.width * photo.height * 4);
		for (let p = 0; p < photo.width * photo.height; p++) {
			photo.data.copy(rgba, p * 4, p * 3, p * 3 + 3);
			rgba[p * 4 + 3] = (p * 7) & 255;
		}
		expect(applyLut(rgba, 4, identityLut3d(33)).equals(rgba)).toBe(true);
		const graded = applyLut(rgba, 4, filmLookLut(33));
		let wrongAlpha = 0;
		for (let p = 0; p < photo.width * photo.height; p++) if (graded[p * 4 + 3] !== ((p * 7) & 255)) wrongAlpha++;
		expect(wrongAlpha).toBe(0);
	});
});

describe('applyLut: against ffmpeg lut3d', () => {
	let dir: string;
	let photo: Photo;
	let lut: CubeLut;

	beforeAll(async () => {
		dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lut-ffmpeg-'));
		photo = await loadPhoto('astronaut');
		fs.writeFileSync(path.join(dir, 'in.png'), await toPng(photo));
		fs.writeFileSync(path.join(dir, 'look.cube'), formatCube(filmLookLut(33)));
		// Apply exactly what ffmpeg reads: the 6-decimal values of the file.
		lut = parseCube(fs.readFileSync(path.join(dir, 'look.cube')));
	});

	afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

	it.each(['tetrahedral', 'trilinear'] as const)('%s: within 1 level everywhere; the only difference is rounding', async (interpolation) => {
		const out = path.join(dir, `out-${interpolation}.png`);
		// Test only: ffmpeg (installed by .ci/system-packages) is the independent reference.
		// eslint-disable-next-line @n8n/community-nodes/no-dangerous-functions
		execFileSync('ffmpeg', [
			'-v', 'error', '-y', '-i', path.join(dir, 'in.png'),
			'-vf', `lut3d=file=${path.join(dir, 'look.cube')}:interp=${interpolation}`,
			'-pix_fmt', 'rgb24', out,
		]);
		const reference = await sharp(out).raw().toBuffer();
		const ours = applyLut(photo.data, 3, lut, { interpolation });
		expect(reference.length).toBe(ours.length);
		let max = 0;
		let negative = 0;
		let sum = 0;
		for (let i = 0; i < ours.length; i++) {
			const d = ours[i] - reference[i];
			max = Math.max(max, Math.abs(d));
			if (d < 0) negative++;
			sum += d;
		}
		expect(max).toBeLessThanOrEqual(1);
		// ffmpeg converts the float result to 8 bits by truncation, applyLut rounds to nearest:
		// so ours is never below ffmpeg's, and above it for about half of the values (those whose
		// fraction is >= 0.5). Any other difference (grid order, cell choice, weights) would show
		// as errors in both directions or larger than 1.
		expect(negative).toBe(0);
		const meanDifference = sum / ours.length;
		expect(meanDifference).toBeGreaterThan(0.4);
		expect(meanDifference).toBeLessThan(0.6);
	});
});

describe('applyLut: options and table kinds', () => {
	let photo: Photo;
	beforeAll(async () => {
		photo = await loadPhoto('chelsea');
	});

	it('strength 0 returns the input; strength 0.5 lands between input and the full look', () => {
		const lut = filmLookLut(33);
		expect(applyLut(photo.data, 3, lut, { strength: 0 }).equals(photo.data)).toBe(true);
		const full = applyLut(photo.data, 3, lut);
		const half = applyLut(photo.data, 3, lut, { strength: 0.5 });
		let changed = 0;
		let outside = 0;
		let worst = 0;
		for (let i = 0; i < half.length; i++) {
			const lo = Math.min(photo.data[i], full[i]);
			const hi = Math.max(photo.data[i], full[i]);
			if (half[i] < lo || half[i] > hi) outside++;
			worst = Math.max(worst, Math.abs(half[i] - (photo.data[i] + full[i]) / 2));
			if (half[i] !== photo.data[i] && half[i] !== full[i]) changed++;
		}
		expect(outside).toBe(0);
		// The mix is taken before rounding: within one level of the mean of the two rounded results.
		expect(worst).toBeLessThanOrEqual(1);
		expect(changed / half.length).toBeGreaterThan(0.2);
	});

	it('clamps inputs outside the domain (identity grid over 0.2..0.8 stretches to 0..1)', () => {
		const grid = identityLut3d(9).lut3d as Lut3D;
		const lut: CubeLut = { lut3d: { ...grid, domainMin: [0.2, 0.2, 0.2], domainMax: [0.8, 0.8, 0.8] } };
		const greys = Buffer.alloc(256 * 3);
		for (let v = 0; v < 256; v++) greys.fill(v, v * 3, v * 3 + 3);
		const out = applyLut(greys, 3, lut);
		for (let v = 0; v < 256; v++) {
			const expected = Math.round(255 * Math.min(1, Math.max(0, (v / 255 - 0.2) / 0.6)));
			expect([v, out[v * 3]]).toEqual([v, expected]);
		}
	});

	it('applies a 1D-only LUT per channel (a 4096-entry gamma curve)', () => {
		const size = 4096;
		const data = new Float32Array(size * 3);
		for (let i = 0; i < size; i++) {
			const x = i / (size - 1);
			data[i * 3] = x ** (1 / 2.2);
			data[i * 3 + 1] = x * x;
			data[i * 3 + 2] = 1 - x;
		}
		const lut: CubeLut = { lut1d: { size, data, inputMin: [0, 0, 0], inputMax: [1, 1, 1] } };
		const out = applyLut(photo.data, 3, lut);
		let exact = 0;
		let worst = 0;
		for (let i = 0; i < out.length; i += 3) {
			const expected = [
				Math.round(255 * (photo.data[i] / 255) ** (1 / 2.2)),
				Math.round(255 * (photo.data[i + 1] / 255) ** 2),
				255 - photo.data[i + 2],
			];
			for (let c = 0; c < 3; c++) {
				worst = Math.max(worst, Math.abs(out[i + c] - expected[c]));
				if (out[i + c] === expected[c]) exact++;
			}
		}
		// Linear interpolation between 4096 samples of the curve differs from the formula by far
		// less than a level, except where the formula lands near a .5 rounding boundary.
		expect(worst).toBeLessThanOrEqual(1);
		expect(exact / out.length).toBeGreaterThan(0.99);
	});

	it("applies a Resolve shaper before the 3D table (OpenColorIO's sample: invert twice = unchanged)", () => {
		const text = fs.readFileSync(path.join(__dirname, 'fixtures', 'resolve-shaper-invert.cube'));
		const lut = parseCube(text);
		expect(applyLut(photo.data, 3, lut).equals(photo.data)).toBe(true);
		// Without the shaper the 3D table alone inverts.
		const inverted = applyLut(photo.data, 3, { lut3d: lut.lut3d });
		let wrong = 0;
		for (let i = 0; i < inverted.length; i++) if (inverted[i] !== 255 - photo.data[i]) wrong++;
		expect(wrong).toBe(0);
	});

	it('writes into a given buffer, or in place', () => {
		const lut = filmLookLut(17);
		const expected = applyLut(photo.data, 3, lut);
		const target = Buffer.alloc(photo.data.length);
		expect(applyLut(photo.data, 3, lut, { output: target })).toBe(target);
		expect(target.equals(expected)).toBe(true);
		const copy = Buffer.from(photo.data);
		applyLut(copy, 3, lut, { output: copy });
		expect(copy.equals(expected)).toBe(true);
	});

	it('refuses bad pixels, options and LUTs with the standard message', () => {
		const lut = identityLut3d(2);
		expect(() => applyLut(Buffer.alloc(7), 3, lut)).toThrow('Expected a whole number of 3-byte pixels for raw but received "7 bytes"');
		expect(() => applyLut(Buffer.alloc(6), 5 as 3, lut)).toThrow('Expected 3 or 4 for channels but received 5');
		expect(() => applyLut(Buffer.alloc(6), 3, lut, { strength: 1.5 })).toThrow('Expected a number between 0 and 1 for strength but received 1.5');
		expect(() => applyLut(Buffer.alloc(6), 3, lut, { interpolation: 'cubic' as 'trilinear' })).toThrow(
			'Expected one of tetrahedral, trilinear for interpolation but received "cubic"',
		);
		expect(() => applyLut(Buffer.alloc(6), 3, lut, { output: Buffer.alloc(3) })).toThrow('Expected a Buffer of 6 bytes for output');
		expect(() => applyLut(Buffer.alloc(6), 3, { lut3d: { ...(lut.lut3d as Lut3D), size: 3 } })).toThrow(
			'Expected a Float32Array of 81 values for lut.lut3d.data',
		);
		expect(() => identityLut3d(1)).toThrow('Expected an integer between 2 and 256 for size but received 1');
	});
});
