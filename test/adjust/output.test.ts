/**
 * Output files: formats, quality, resize, metadata and ICC tagging, the lut step, and identical
 * bytes on every run and at any concurrency.
 */
import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { adjustImage, applyStepsToRaw, type AdjustOutputOptions, type AdjustStep } from '../../engine/adjust';
import { pilBlend } from '../../engine/adjust/enhance';
import { applyLut } from '../../engine/lut/apply';
import { parseCube } from '../../engine/lut/cube-parse';
import { PHOTOS, SIX_STEPS, sharpDecode } from './helpers';

let coffee: Buffer;
let photoJpeg: Buffer;
/** The sRGB profile sharp tags files with. */
let srgbProfile: Buffer;
beforeAll(async () => {
	srgbProfile = (await sharp(await sharp({ create: { width: 1, height: 1, channels: 3, background: 'red' } }).withIccProfile('srgb').png().toBuffer()).metadata()).icc as Buffer;
	coffee = readFileSync(PHOTOS[0]);
	// A camera-like JPEG: EXIF (with orientation 1), an ICC profile, 1200 x 800.
	photoJpeg = await sharp(coffee)
		.resize(1200, 800)
		.withExif({ IFD0: { Copyright: 'Test Photographer', Make: 'TestCam' } })
		.withIccProfile('p3')
		.jpeg({ quality: 90 })
		.toBuffer();
});

/** 2-point cube whose output is 1 - input: exact for tetrahedral and trilinear interpolation. */
const INVERT_CUBE = ['TITLE "invert"', 'LUT_3D_SIZE 2', '1 1 1', '0 1 1', '1 0 1', '0 0 1', '1 1 0', '0 1 0', '1 0 0', '0 0 0', ''].join('\n');

const SIX = SIX_STEPS;

describe('formats', () => {
	test.each([
		['jpeg', 'image/jpeg', 'jpg', [0xff, 0xd8, 0xff]],
		['png', 'image/png', 'png', [0x89, 0x50, 0x4e, 0x47]],
		['webp', 'image/webp', 'webp', [0x52, 0x49, 0x46, 0x46]],
		['avif', 'image/avif', 'avif', [0x00, 0x00, 0x00]],
	] as const)('%s', async (format, mimeType, extension, magic) => {
		const { data, info } = await adjustImage(coffee, [{ op: 'brightness', factor: 1.1 }], { format });
		expect(info).toEqual({ width: 600, height: 400, format, mimeType, extension, bytes: data.length });
		expect(Array.from(data.subarray(0, magic.length))).toEqual(magic);
		const meta = await sharp(data).metadata();
		expect(meta.format).toBe(format === 'avif' ? 'heif' : format);
	});

	test("'same' keeps JPEG, PNG, WebP; turns GIF into PNG", async () => {
		const gif = await sharp(coffee).gif().toBuffer();
		const webp = await sharp(coffee).webp().toBuffer();
		expect((await adjustImage(photoJpeg, [])).info.format).toBe('jpeg');
		expect((await adjustImage(coffee, [])).info.format).toBe('png');
		expect((await adjustImage(webp, [])).info.format).toBe('webp');
		expect((await adjustImage(gif, [])).info).toMatchObject({ format: 'png', extension: 'png' });
	});

	test('quality changes the JPEG size; 4:4:4 and optimiseCoding are honoured', async () => {
		const q50 = await adjustImage(photoJpeg, [], { quality: 50 });
		const q95 = await adjustImage(photoJpeg, [], { quality: 95 });
		expect(q50.info.bytes).toBeLessThan(q95.info.bytes * 0.6);
		const optimised = await adjustImage(photoJpeg, [], { quality: 95, optimiseCoding: true });
		expect(optimised.info.bytes).toBeLessThan(q95.info.bytes);
		const c444 = await adjustImage(photoJpeg, [], { quality: 95, chromaSubsampling: '4:4:4' });
		expect((await sharp(c444.data).metadata()).chromaSubsampling).toBe('4:4:4');
		expect((await sharp(q95.data).metadata()).chromaSubsampling).toBe('4:2:0');
	});

	test('resize happens at the end, keeping the aspect ratio by default', async () => {
		const { info } = await adjustImage(photoJpeg, SIX, { resize: { width: 300 } });
		expect([info.width, info.height]).toEqual([300, 200]);
		const cover = await adjustImage(photoJpeg, [], { resize: { width: 100, height: 100, fit: 'cover' } });
		expect([cover.info.width, cover.info.height]).toEqual([100, 100]);
		const small = await adjustImage(coffee, [], { resize: { width: 1200 } });
		expect(small.info.width).toBe(600); // withoutEnlargement by default
		// Resizing the adjusted pixels, not the original: compare with sharp resizing our own PNG output.
		const adjusted = await adjustImage(coffee, [{ op: 'gamma', value: 1.8 }], { format: 'png' });
		const resized = await adjustImage(coffee, [{ op: 'gamma', value: 1.8 }], { format: 'png', resize: { width: 150 } });
		const reference = await sharp(adjusted.data).resize({ width: 150, kernel: 'lanczos3' }).raw().toBuffer();
		expect((await sharpDecode(resized.data)).data.equals(reference)).toBe(true);
	});
});

describe('metadata', () => {
	test('stripped by default: no EXIF, no ICC profile', async () => {
		const meta = await sharp((await adjustImage(photoJpeg, SIX)).data).metadata();
		expect(meta.exif).toBeUndefined();
		expect(meta.icc).toBeUndefined();
	});

	test.each(['jpeg', 'png', 'webp'] as const)('keepMetadata (%s): EXIF kept, tagged sRGB, pixels identical to the stripped file', async (format) => {
		const kept = await adjustImage(photoJpeg, SIX, { format, keepMetadata: true, quality: 100 });
		const stripped = await adjustImage(photoJpeg, SIX, { format, keepMetadata: false, quality: 100 });
		const meta = await sharp(kept.data).metadata();
		expect(meta.exif?.toString('latin1')).toContain('Test Photographer');
		expect(meta.icc).toBeDefined();
		expect(meta.icc?.equals(srgbProfile)).toBe(true);
		expect(meta.icc?.equals((await sharp(photoJpeg).metadata()).icc as Buffer)).toBe(false);
		// Decode both without colour management: the pixels were written identically.
		const a = await sharp(kept.data, { ignoreIcc: true }).raw().toBuffer();
		const b = await sharp(stripped.data, { ignoreIcc: true }).raw().toBuffer();
		expect(a.equals(b)).toBe(true);
	});

	test('keepMetadata on 16-bit, CMYK, grey and grey+alpha inputs writes the same pixels as without', async () => {
		const base = sharp(coffee).withExif({ IFD0: { Artist: 'Converted' } });
		const inputs = [
			await base.clone().toColourspace('rgb16').png().toBuffer(),
			await base.clone().toColourspace('cmyk').jpeg().toBuffer(),
			await base.clone().toColourspace('b-w').png().toBuffer(),
			await base.clone().toColourspace('b-w').ensureAlpha(0.6).png().toBuffer(),
		];
		for (const input of inputs) {
			const kept = await adjustImage(input, SIX, { format: 'png', keepMetadata: true });
			const stripped = await adjustImage(input, SIX, { format: 'png' });
			expect((await sharp(kept.data).metadata()).exif?.toString('latin1')).toContain('Converted');
			const a = await sharp(kept.data, { ignoreIcc: true }).raw().toBuffer();
			const b = await sharp(stripped.data, { ignoreIcc: true }).raw().toBuffer();
			expect(a.equals(b)).toBe(true);
		}
	});

	test('keepMetadata with resize and alpha flattening writes the same pixels as without', async () => {
		const gradient = Buffer.alloc(600 * 400, 0);
		for (let i = 0; i < gradient.length; i++) gradient[i] = (i * 7) % 256;
		const rgba = await sharp(coffee)
			.joinChannel(gradient, { raw: { width: 600, height: 400, channels: 1 } })
			.withExif({ IFD0: { Artist: 'Someone' } })
			.png()
			.toBuffer();
		for (const format of ['png', 'jpeg'] as const) {
			const options = { format, resize: { width: 333 }, quality: 100, chromaSubsampling: '4:4:4' } as const;
			const kept = await adjustImage(rgba, SIX, { ...options, keepMetadata: true });
			const stripped = await adjustImage(rgba, SIX, { ...options, keepMetadata: false });
			expect(kept.info).toMatchObject({ width: 333, height: 222 });
			expect((await sharp(kept.data).metadata()).exif?.toString('latin1')).toContain('Someone');
			const a = await sharp(kept.data, { ignoreIcc: true }).raw().toBuffer();
			const b = await sharp(stripped.data, { ignoreIcc: true }).raw().toBuffer();
			expect(a.equals(b)).toBe(true);
		}
	});
});

describe('single-pipeline path (no steps)', () => {
	// No steps re-encodes in one sharp pipeline; an identity step forces the raw-buffer path. Both
	// must write the same pixels, and the same bytes except that a PNG written by the single
	// pipeline keeps the input's pixel density (pHYs) when metadata is stripped.
	test('no steps: same file as the raw path, for JPEG/PNG/WebP, with and without metadata', async () => {
		const gradient = Buffer.alloc(600 * 400);
		for (let i = 0; i < gradient.length; i++) gradient[i] = (i * 13) % 256;
		const rgba = await sharp(coffee).joinChannel(gradient, { raw: { width: 600, height: 400, channels: 1 } }).png().toBuffer();
		const cases: Array<[Buffer, AdjustOutputOptions]> = [
			[photoJpeg, { format: 'jpeg' }],
			[photoJpeg, { format: 'jpeg', keepMetadata: true }],
			[readFileSync(PHOTOS[2]), { format: 'png', keepMetadata: true }],
			[coffee, { format: 'webp' }],
			[rgba, { format: 'png' }],
			[rgba, { format: 'webp', keepMetadata: true }],
		];
		for (const [input, output] of cases) {
			const direct = await adjustImage(input, [], output);
			const raw = await adjustImage(input, [{ op: 'gamma', value: 1 }], output);
			const pixels = async (file: Buffer): Promise<Buffer> => sharp(file, { ignoreIcc: true }).raw().toBuffer();
			expect((await pixels(direct.data)).equals(await pixels(raw.data))).toBe(true);
			if (output.format !== 'png' || output.keepMetadata) expect(direct.data.equals(raw.data)).toBe(true);
			expect(direct.info).toEqual({ ...raw.info, bytes: direct.data.length });
		}
	});

	test("brightness equals PIL's rounding on all 256 levels for 401 factors", async () => {
		const ramp = Buffer.alloc(256 * 3);
		for (let v = 0; v < 256; v++) ramp.fill(v, v * 3, v * 3 + 3);
		const png = await sharp(ramp, { raw: { width: 256, height: 1, channels: 3 } }).png().toBuffer();
		let mismatches = 0;
		for (let k = 0; k <= 400; k++) {
			const factor = k / 100;
			const out = await sharp((await adjustImage(png, [{ op: 'brightness', factor }], { format: 'png' })).data).raw().toBuffer();
			for (let v = 0; v < 256; v++) if (out[v * 3] !== pilBlend(0, v, factor)) mismatches++;
		}
		expect(mismatches).toBe(0);
	});
});

describe('lut step', () => {
	test('an inverting cube gives 255 - v exactly, in the middle of a chain', async () => {
		const raw = await sharpDecode(coffee);
		const out = await applyStepsToRaw(raw.data, raw.width, raw.height, 3, [
			{ op: 'brightness', factor: 0.9 },
			{ op: 'lut', cube: INVERT_CUBE },
			{ op: 'gamma', value: 1.3 },
		]);
		const step1 = await applyStepsToRaw(raw.data, raw.width, raw.height, 3, [{ op: 'brightness', factor: 0.9 }]);
		const inverted = Buffer.from(step1.map((v) => 255 - v));
		const expected = await applyStepsToRaw(inverted, raw.width, raw.height, 3, [{ op: 'gamma', value: 1.3 }]);
		expect(out.equals(expected)).toBe(true);
	});

	test('equals applyLut with the same table, strength and interpolation; strength 0 is the identity', async () => {
		const raw = await sharpDecode(coffee);
		const cube = parseCube(INVERT_CUBE);
		for (const interpolation of ['tetrahedral', 'trilinear'] as const) {
			const ours = await applyStepsToRaw(raw.data, raw.width, raw.height, 3, [{ op: 'lut', cube, strength: 0.4, interpolation }]);
			expect(ours.equals(applyLut(raw.data, 3, cube, { strength: 0.4, interpolation }))).toBe(true);
		}
		const none = await applyStepsToRaw(raw.data, raw.width, raw.height, 3, [{ op: 'lut', cube: INVERT_CUBE, strength: 0 }]);
		expect(none.equals(raw.data)).toBe(true);
	});
});

describe('determinism', () => {
	const CHAIN: AdjustStep[] = [...SIX, { op: 'hue', degrees: 12 }, { op: 'lut', cube: INVERT_CUBE, strength: 0.3 }, { op: 'grain', strength: 25, size: 3, seed: 99, monochrome: false }];

	test('8 concurrent runs and 8 sequential runs give identical bytes', async () => {
		const input = await sharp(photoJpeg).resize(900).jpeg({ quality: 90 }).toBuffer();
		const sequential: Buffer[] = [];
		for (let i = 0; i < 8; i++) sequential.push((await adjustImage(input, CHAIN, { format: 'jpeg' })).data);
		const concurrent = (await Promise.all(Array.from({ length: 8 }, () => adjustImage(input, CHAIN, { format: 'jpeg' })))).map((r) => r.data);
		for (const data of [...sequential, ...concurrent]) expect(data.equals(sequential[0])).toBe(true);
		// and the chain did something
		const plain = (await adjustImage(input, [], { format: 'jpeg' })).data;
		expect(plain.equals(sequential[0])).toBe(false);
	});

	test('concurrent runs of different chains do not affect each other', async () => {
		const chains: AdjustStep[][] = [CHAIN, [{ op: 'grain', strength: 50, seed: 1 }], [{ op: 'vignette', strength: -40 }], SIX];
		const alone: Buffer[] = [];
		for (const chain of chains) alone.push((await adjustImage(coffee, chain, { format: 'png' })).data);
		const together = await Promise.all([...chains, ...chains].map((chain) => adjustImage(coffee, chain, { format: 'png' })));
		together.forEach((result, k) => expect(result.data.equals(alone[k % chains.length])).toBe(true));
	});
});
