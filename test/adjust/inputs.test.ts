/**
 * What adjustImage accepts and refuses: broken files fail fast with a clear message; grey, 16-bit,
 * CMYK, alpha and EXIF-rotated inputs are converted to upright 8-bit sRGB first.
 */
import { readFileSync } from 'node:fs';
import { deflateSync, crc32 } from 'node:zlib';
import sharp from 'sharp';
import { adjustImage } from '../../engine/adjust';
import { EngineError } from '../../engine/core/errors';
import { PHOTOS, differingPixels, makeTempDir, pilDecode, pilEnhance, sharpDecode } from './helpers';

let tmp: ReturnType<typeof makeTempDir>;
let coffee: Buffer;
let coffeeJpeg: Buffer;
beforeAll(async () => {
	tmp = makeTempDir();
	coffee = readFileSync(PHOTOS[0]);
	coffeeJpeg = await sharp(coffee).jpeg({ quality: 90 }).toBuffer();
});
afterAll(() => tmp.cleanup());

const BRIGHTNESS = [{ op: 'brightness', factor: 0.85 }] as const;

async function refusal(input: Buffer, label?: string): Promise<EngineError> {
	try {
		await adjustImage(input, [...BRIGHTNESS], { format: 'png' }, { label });
	} catch (error) {
		expect(error).toBeInstanceOf(EngineError);
		expect((error as EngineError).kind).toBe('invalidInput');
		return error as EngineError;
	}
	throw new Error('adjustImage did not refuse the input');
}

/** A PNG whose header claims width x height, with one tiny IDAT: what a decompression bomb looks like to a reader. */
function pngHeaderOnly(width: number, height: number): Buffer {
	const chunk = (type: string, body: Buffer): Buffer => {
		const head = Buffer.alloc(8);
		head.writeUInt32BE(body.length, 0);
		head.write(type, 4, 'latin1');
		const crc = Buffer.alloc(4);
		crc.writeUInt32BE(crc32(Buffer.concat([Buffer.from(type, 'latin1'), body])), 0);
		return Buffer.concat([head, body, crc]);
	};
	const ihdr = Buffer.alloc(13);
	ihdr.writeUInt32BE(width, 0);
	ihdr.writeUInt32BE(height, 4);
	ihdr.writeUInt8(8, 8); // bit depth
	ihdr.writeUInt8(2, 9); // RGB
	return Buffer.concat([
		Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
		chunk('IHDR', ihdr),
		chunk('IDAT', deflateSync(Buffer.alloc(width * 3 + 1))),
		chunk('IEND', Buffer.alloc(0)),
	]);
}

describe('refused inputs', () => {
	test('zero bytes', async () => {
		expect((await refusal(Buffer.alloc(0), 'binary property "data"')).message).toBe('The binary property "data" is empty (0 bytes)');
	});

	test('text named .png', async () => {
		expect((await refusal(Buffer.from('this is not a picture, just text in a file called photo.png'))).message).toBe(
			'The image is not an image sharp can read',
		);
	});

	test('truncated JPEG', async () => {
		const error = await refusal(coffeeJpeg.subarray(0, Math.floor(coffeeJpeg.length * 0.6)));
		expect(error.message).toBe('The image could not be decoded; the file is probably truncated or corrupt');
	});

	test('20000 x 20000 PNG (decompression bomb) is refused from its header, fast', async () => {
		const bomb = pngHeaderOnly(20000, 20000);
		expect(bomb.length).toBeLessThan(200000);
		const started = Date.now();
		const error = await refusal(bomb);
		expect(Date.now() - started).toBeLessThan(1000);
		expect(error.message).toBe('The image is 20000x20000 (400 MP), over the limit of 100 MP');
	});

	test('maxPixels is honoured', async () => {
		await expect(adjustImage(coffee, [], {}, { maxPixels: 100000 })).rejects.toThrow(/^The image is 600x400 .* over the limit/);
	});

	test('animated GIF', async () => {
		const frames = Buffer.alloc(32 * 64 * 3);
		frames.fill(200, 0, 32 * 32 * 3);
		const gif = await sharp(frames, { raw: { width: 32, height: 64, channels: 3, pageHeight: 32 } }).gif().toBuffer();
		expect((await sharp(gif).metadata()).pages).toBe(2);
		expect((await refusal(gif)).message).toBe('The image is an animated gif with 2 frames');
	});
});

describe('converted inputs', () => {
	test('16-bit PNG is converted to 8 bits; brightness then still equals PIL on the 8-bit photo', async () => {
		const png16 = await sharp(coffee).toColourspace('rgb16').png().toBuffer();
		expect((await sharp(png16).metadata()).depth).toBe('ushort');
		const { data, info } = await adjustImage(png16, [...BRIGHTNESS], { format: 'png' });
		expect(info.format).toBe('png');
		const out = await sharpDecode(data);
		expect((await sharp(data).metadata()).depth).toBe('uchar');
		const [pil] = pilEnhance(tmp.dir, pilDecode(tmp.dir, PHOTOS[0]), [[['brightness', 0.85]]]);
		expect(differingPixels(out.data, pil, 3)).toBe(0);
	});

	test("CMYK JPEG is converted to sRGB (libvips' CMYK conversion)", async () => {
		const cmyk = await sharp(coffee).toColourspace('cmyk').jpeg({ quality: 95 }).toBuffer();
		expect((await sharp(cmyk).metadata()).space).toBe('cmyk');
		const { data } = await adjustImage(cmyk, [{ op: 'gamma', value: 1 }], { format: 'png' });
		const out = await sharpDecode(data);
		expect(out.channels).toBe(3);
		const converted = await sharp(cmyk).toColourspace('srgb').raw().toBuffer();
		expect(out.data.equals(converted)).toBe(true);
		// and it is still the same picture (CMYK round trip with a generic profile shifts colours a little)
		const original = await sharpDecode(coffee);
		let total = 0;
		for (let i = 0; i < out.data.length; i++) total += Math.abs(out.data[i] - original.data[i]);
		expect(total / out.data.length).toBeLessThan(12);
	});

	test('greyscale PNG becomes RGB with equal channels', async () => {
		const grey = await sharp(coffee).toColourspace('b-w').png().toBuffer();
		expect((await sharp(grey).metadata()).channels).toBe(1);
		const { data } = await adjustImage(grey, [{ op: 'contrast', factor: 1.2 }], { format: 'png' });
		const out = await sharpDecode(data);
		expect(out.channels).toBe(3);
		for (let i = 0; i < out.data.length; i += 3) {
			if (out.data[i] !== out.data[i + 1] || out.data[i] !== out.data[i + 2]) throw new Error(`colour at ${i}`);
		}
	});

	test('EXIF orientation 6 is applied: output is upright and carries no orientation', async () => {
		const rotated = await sharp(coffee).jpeg({ quality: 95 }).withMetadata({ orientation: 6 }).toBuffer();
		expect((await sharp(rotated).metadata()).orientation).toBe(6);
		const { data, info } = await adjustImage(rotated, [], { format: 'png' });
		expect([info.width, info.height]).toEqual([400, 600]);
		const upright = await sharp(rotated).autoOrient().raw().toBuffer();
		expect((await sharpDecode(data)).data.equals(upright)).toBe(true);
		expect((await sharp(data).metadata()).orientation).toBeUndefined();
		for (const keepMetadata of [true, false]) {
			const kept = await adjustImage(rotated, [], { format: 'jpeg', keepMetadata });
			const meta = await sharp(kept.data).metadata();
			expect([meta.width, meta.height]).toEqual([400, 600]);
			expect(meta.orientation ?? 1).toBe(1);
		}
	});

	test('alpha is carried through untouched; JPEG output is flattened onto white', async () => {
		const gradient = Buffer.alloc(600 * 400);
		for (let i = 0; i < gradient.length; i++) gradient[i] = i % 256;
		const withAlpha = await sharp(coffee)
			.joinChannel(gradient, { raw: { width: 600, height: 400, channels: 1 } })
			.png()
			.toBuffer();
		const { data } = await adjustImage(withAlpha, [{ op: 'saturation', factor: 1.5 }], { format: 'png' });
		const out = await sharpDecode(data);
		expect(out.channels).toBe(4);
		for (let p = 0; p < gradient.length; p++) {
			if (out.data[p * 4 + 3] !== gradient[p]) throw new Error(`alpha changed at pixel ${p}`);
		}
		const jpeg = await adjustImage(withAlpha, [], { format: 'jpeg', quality: 100, chromaSubsampling: '4:4:4' });
		const flat = await sharpDecode(jpeg.data);
		expect(flat.channels).toBe(3);
		// pixel 0 has alpha 0: white
		expect(Array.from(flat.data.subarray(0, 3)).every((v) => v >= 250)).toBe(true);
	});
});
