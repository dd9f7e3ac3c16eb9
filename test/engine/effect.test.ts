/** The measured effect reads each change as the attribute that made it, with PIL as the editor. */
import sharp from 'sharp';
import { effectBetween } from '../../engine/analysis/effect';
import { measureImage } from '../../engine/analysis/stats';
import { makeTempDir, pilDecode, pilEnhance, type PilEnhance } from '../adjust/helpers';

const COFFEE = 'test/fixtures/photos/coffee.png';
const tmp = makeTempDir('effect-');
afterAll(() => tmp.cleanup());

async function effectOf(chain: PilEnhance[]) {
	const raw = pilDecode(tmp.dir, COFFEE);
	const [out] = pilEnhance(tmp.dir, raw, [chain]);
	const before = await measureImage(await sharp(raw.data, { raw: { width: raw.width, height: raw.height, channels: 3 } }).png().toBuffer());
	const after = await measureImage(await sharp(out, { raw: { width: raw.width, height: raw.height, channels: 3 } }).png().toBuffer());
	return effectBetween(before, after);
}

it('brightness -10 % reads as brightness, not as contrast or saturation', async () => {
	const effect = await effectOf([['brightness', 0.9]]);
	expect(effect.brightnessPercent).toBeGreaterThan(-11);
	expect(effect.brightnessPercent).toBeLessThan(-9);
	expect(Math.abs(effect.contrastPercent)).toBeLessThan(1.5);
	expect(Math.abs(effect.saturationPercent)).toBeLessThan(1.5);
});

it('contrast +20 % reads as contrast with brightness unchanged', async () => {
	const effect = await effectOf([['contrast', 1.2]]);
	// Less than 20: values pushed past 0 and 255 are clipped, which the measurement sees.
	expect(effect.contrastPercent).toBeGreaterThan(10);
	expect(effect.contrastPercent).toBeLessThan(21);
	expect(Math.abs(effect.brightnessPercent)).toBeLessThan(1.5);
});

it('saturation -30 % reads as saturation with brightness unchanged', async () => {
	const effect = await effectOf([['saturation', 0.7]]);
	expect(effect.saturationPercent).toBeGreaterThan(-31);
	expect(effect.saturationPercent).toBeLessThan(-27);
	expect(Math.abs(effect.brightnessPercent)).toBeLessThan(1.5);
});
