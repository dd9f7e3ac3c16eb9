import sharp from 'sharp';
import { EngineError } from '../../engine/core/errors';
import { compareImages } from '../../engine/color/delta-e';
import { applyLut } from '../../engine/lut/apply';
import { learnLut, learnLutFromFiles } from '../../engine/lut/learn';
import {
	filmLookLut,
	jpegRoundTrip,
	loadPhoto,
	paintRectangle,
	shiftImage,
	swapHalves,
	type Photo,
} from './helpers';

/** The known look applied to a photo: what a person approved. */
function graded(photo: Photo): Photo {
	return { ...photo, data: applyLut(photo.data, 3, filmLookLut(33)) };
}

async function encode(photo: Photo, format: 'png' | 'jpeg'): Promise<Buffer> {
	const image = sharp(photo.data, { raw: { width: photo.width, height: photo.height, channels: 3 } });
	return format === 'png' ? image.png().toBuffer() : image.jpeg({ quality: 92 }).toBuffer();
}

describe('learnLut', () => {
	let astronaut: Photo;
	let coffee: Photo;
	let chelsea: Photo;

	beforeAll(async () => {
		[astronaut, coffee, chelsea] = await Promise.all([loadPhoto('astronaut'), loadPhoto('coffee'), loadPhoto('chelsea')]);
	});

	it.each([
		['astronaut', 'coffee'],
		['chelsea', 'astronaut'],
	] as const)('learns a film look from %s and replays it on %s like the original look (mean ΔE2000 < 1.5)', (from, to) => {
		const photos = { astronaut, coffee, chelsea };
		const a = photos[from];
		const b = photos[to];
		const { lut, report } = learnLut(a, graded(a));
		const replay = compareImages(applyLut(b.data, 3, lut), graded(b).data, 3);
		console.log(`learn on ${from}, replay on ${to}: mean ΔE2000 ${replay.meanDeltaE.toFixed(3)}, p95 ${replay.p95DeltaE.toFixed(3)}; report`, report);
		expect(replay.meanDeltaE).toBeLessThan(1.5);
		expect(replay.shareOver10).toBeLessThan(0.001);
		expect(report.verdict).toBe('replicable');
		expect(report.verdictText).toMatch(/^global tone\/colour edit: replicable exactly \(mean ΔE2000 \d+\.\d\d, \d+\.\d % of pixels above 10\)$/);
		expect(report.meanDeltaE).toBeLessThan(1);
		expect(report.coverage).toBeGreaterThan(0.005);
		expect(report.coverage).toBeLessThan(0.5);
		expect(lut.lut3d?.size).toBe(33);
	});

	it('learns a cross-channel edit (black and white) that per-channel curves could not express', () => {
		const mono = (photo: Photo): Photo => {
			const data = Buffer.alloc(photo.data.length);
			for (let i = 0; i < data.length; i += 3) {
				const y = Math.round(0.3 * photo.data[i] + 0.59 * photo.data[i + 1] + 0.11 * photo.data[i + 2]);
				data.fill(y, i, i + 3);
			}
			return { ...photo, data };
		};
		const { lut, report } = learnLut(astronaut, mono(astronaut));
		expect(report.verdict).toBe('replicable');
		const replay = compareImages(applyLut(coffee.data, 3, lut), mono(coffee).data, 3);
		expect(replay.meanDeltaE).toBeLessThan(1.5);
	});

	it('learns "no change" from an unedited pair', () => {
		const { lut, report } = learnLut(chelsea, chelsea);
		expect(report.meanDeltaE).toBeLessThan(0.3);
		expect(compareImages(applyLut(astronaut.data, 3, lut), astronaut.data, 3).meanDeltaE).toBeLessThan(0.5);
	});

	it.each([
		[1, 0],
		[2, 1],
		[-2, 2],
	])('stays replicable when the approved image is JPEG q85 and shifted by (%i, %i) px', async (dx, dy) => {
		const approved = await jpegRoundTrip(shiftImage(graded(astronaut), dx, dy), 85);
		const { lut, report } = learnLut(astronaut, approved);
		console.log(`JPEG q85, shift (${dx}, ${dy}):`, report);
		expect(report.verdict).toBe('replicable');
		// The look itself is still learned well enough to replay.
		expect(compareImages(applyLut(coffee.data, 3, lut), graded(coffee).data, 3).meanDeltaE).toBeLessThan(2);
	});

	it('accepts an approved image of another size with the same aspect ratio', async () => {
		const approved = graded(coffee);
		const { data, info } = await sharp(approved.data, { raw: { width: coffee.width, height: coffee.height, channels: 3 } })
			.resize(420, 280)
			.raw()
			.toBuffer({ resolveWithObject: true });
		const { lut, report } = learnLut(coffee, { data, width: info.width, height: info.height, channels: 3 });
		expect(report.verdict).toBe('replicable');
		expect(compareImages(applyLut(chelsea.data, 3, lut), graded(chelsea).data, 3).meanDeltaE).toBeLessThan(1.5);
	});

	it('says content-changed when a large area was painted over', () => {
		const approved = paintRectangle(graded(astronaut), { x: 0.3, y: 0.3, w: 0.35, h: 0.35 }, [210, 40, 170]);
		const { report } = learnLut(astronaut, approved);
		console.log('painted rectangle:', report);
		expect(report.verdict).toBe('content-changed');
		expect(report.verdictText).toMatch(/^content changed: use an AI strategy \(/);
		expect(report.shareOver10).toBeGreaterThan(0.05);
	});

	it('says content-changed when the halves of the picture were swapped', () => {
		const { report } = learnLut(coffee, swapHalves(graded(coffee)));
		console.log('swapped halves:', report);
		expect(report.verdict).toBe('content-changed');
	});

	it('ignores a painted area when learning the look itself (robust weights)', () => {
		const approved = paintRectangle(graded(astronaut), { x: 0.05, y: 0.6, w: 0.25, h: 0.3 }, [20, 230, 40]);
		const { lut } = learnLut(astronaut, approved);
		expect(compareImages(applyLut(coffee.data, 3, lut), graded(coffee).data, 3).meanDeltaE).toBeLessThan(2);
	});

	it('handles RGBA input (alpha ignored) and a smaller LUT size', () => {
		const rgba = (photo: Photo) => {
			const data = Buffer.alloc(photo.width * photo.height * 4, 128);
			for (let p = 0; p < photo.width * photo.height; p++) photo.data.copy(data, p * 4, p * 3, p * 3 + 3);
			return { data, width: photo.width, height: photo.height, channels: 4 as const };
		};
		const { lut, report } = learnLut(rgba(astronaut), rgba(graded(astronaut)), { size: 17 });
		expect(lut.lut3d?.size).toBe(17);
		expect(report.verdict).toBe('replicable');
	});

	it('refuses pairs whose aspect ratios differ by more than 2 %', () => {
		const cropped = { data: astronaut.data.subarray(0, 512 * 480 * 3), width: 512, height: 480, channels: 3 as const };
		let caught: unknown;
		try {
			learnLut(astronaut, cropped);
		} catch (error) {
			caught = error;
		}
		expect(caught).toBeInstanceOf(EngineError);
		expect((caught as EngineError).kind).toBe('invalidInput');
		expect((caught as EngineError).message).toBe('The approved image (512x480) does not have the shape of the original (512x512)');
		expect((caught as EngineError).description).toContain('differ by 6.3 %');
	});

	it('refuses malformed images and options with the standard message', () => {
		expect(() => learnLut({ ...astronaut, width: 500 }, astronaut)).toThrow(
			'Expected 768000 bytes (500 x 512 x 3) for original.data but received "786432 bytes"',
		);
		expect(() => learnLut(astronaut, astronaut, { size: 1 })).toThrow('Expected an integer between 2 and 65 for size but received 1');
		expect(() => learnLut(astronaut, astronaut, { smoothness: 0 })).toThrow('Expected a number between 0.01 and 100 for smoothness');
		expect(() => learnLut(astronaut, astronaut, { maxSamples: 10 })).toThrow('for maxSamples but received 10');
	});
});

describe('learnLutFromFiles', () => {
	let astronaut: Photo;
	let coffee: Photo;

	beforeAll(async () => {
		[astronaut, coffee] = await Promise.all([loadPhoto('astronaut'), loadPhoto('coffee')]);
	});

	it('learns from a PNG original and a JPEG approved file', async () => {
		const { lut, report } = await learnLutFromFiles(await encode(astronaut, 'png'), await encode(graded(astronaut), 'jpeg'));
		expect(report.verdict).toBe('replicable');
		const replay = compareImages(applyLut(coffee.data, 3, lut), graded(coffee).data, 3);
		expect(replay.meanDeltaE).toBeLessThan(1.5);
	});

	it('decodes large files at a reduced size before learning', async () => {
		const big = await sharp(await encode(astronaut, 'png')).resize(2400, 2400).jpeg({ quality: 90 }).toBuffer();
		const bigApproved = await sharp(await encode(graded(astronaut), 'png')).resize(2400, 2400).jpeg({ quality: 90 }).toBuffer();
		const { report } = await learnLutFromFiles(big, bigApproved, { decodePixels: 250_000 });
		expect(report.verdict).toBe('replicable');
	});

	it('refuses unreadable files and mismatched shapes as invalid input', async () => {
		const png = await encode(astronaut, 'png');
		await expect(learnLutFromFiles(Buffer.from('not an image'), png)).rejects.toThrow('The original image is not an image sharp can read');
		const wide = await sharp(png).resize(512, 300, { fit: 'fill' }).png().toBuffer();
		await expect(learnLutFromFiles(png, wide)).rejects.toThrow('does not have the shape of the original');
	});
});

describe('report measure', () => {
	it('counts a colour change that a LUT cannot explain (the same colour turned two ways)', async () => {
		// Left half warmer, right half cooler: one LUT cannot do both, whatever it learns.
		const photo = await loadPhoto('chelsea');
		const approved = Buffer.from(photo.data);
		const half = Math.floor(photo.width / 2);
		for (let y = 0; y < photo.height; y++) {
			for (let x = 0; x < photo.width; x++) {
				const i = (y * photo.width + x) * 3;
				const shift = x < half ? 40 : -40;
				approved[i] = Math.min(255, Math.max(0, approved[i] + shift));
				approved[i + 2] = Math.min(255, Math.max(0, approved[i + 2] - shift));
			}
		}
		const { report } = learnLut(photo, { ...photo, data: approved });
		console.log('left warmer, right cooler:', report);
		expect(report.verdict).toBe('content-changed');
	});
});
