/**
 * Contact sheets: layout, captions drawn with the built-in pixel font (no system fonts needed),
 * the highlight of kept variants, determinism and parameter errors.
 */
import sharp from 'sharp';
import { thumbnail, type Thumbnail } from '../../engine/analysis/stats';
import { canDraw, contactSheet } from '../../engine/image/contact-sheet';
import { photo } from './helpers';

let picture: Thumbnail;
beforeAll(async () => {
	picture = await thumbnail(await photo('coffee'));
});

async function pixels(png: Buffer) {
	const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
	return { at: (x: number, y: number) => Array.from(data.subarray((y * info.width + x) * info.channels, (y * info.width + x) * info.channels + 3)), info };
}

/** Dark pixels in a rectangle: the ink of the captions. */
async function ink(png: Buffer, left: number, top: number, width: number, height: number): Promise<number> {
	const { data, info } = await sharp(png).extract({ left, top, width, height }).raw().toBuffer({ resolveWithObject: true });
	let count = 0;
	for (let i = 0; i < data.length; i += info.channels) if (data[i] < 80 && data[i + 1] < 80 && data[i + 2] < 80) count++;
	return count;
}

it('lays tiles out in a row with captions under them', async () => {
	const sheet = await contactSheet(
		[
			{ image: picture, lines: ['SOURCE', '600X400'] },
			{ image: picture, lines: ['#1 V2 SCORE 0.93', 'FID 0.95 STR 0.99', 'CLO 0.80 $0.134'], highlight: true },
			{ image: picture, lines: [] },
		],
		{ format: 'png' },
	);
	// 8 px gaps; 256 px tiles; three caption lines of 18 px, plus padding.
	const caption = 3 * 18 + 2 * 2 + 4;
	expect([sheet.width, sheet.height]).toEqual([8 + 3 * (256 + 8), 8 + 256 + caption + 8]);
	expect(sheet.mimeType).toBe('image/png');
	const meta = await sharp(sheet.data).metadata();
	expect([meta.width, meta.height, meta.format]).toEqual([sheet.width, sheet.height, 'png']);

	const top = 8 + 256;
	expect(await ink(sheet.data, 8, top, 256, caption)).toBeGreaterThan(100);
	expect(await ink(sheet.data, 8 + 2 * 264, top, 256, caption)).toBe(0);
	const { at } = await pixels(sheet.data);
	expect(at(8 + 264 + 250, top + caption - 2)).toEqual([200, 240, 200]); // highlighted caption
	expect(at(8 + 250, top + caption - 2)).toEqual([255, 255, 255]);
	// The 600x400 picture is fitted inside 256x256: 256x171, centred vertically.
	expect(at(8 + 128, 8 + 20)).toEqual([245, 245, 245]);
	expect(at(8 + 128, 8 + 128)).not.toEqual([245, 245, 245]);
});

it('draws the same bytes every time, with or without fonts on the machine', async () => {
	const tiles = [{ image: picture, lines: ['#1 SCORE 0.934 (BEST)'] }];
	const a = await contactSheet(tiles, { format: 'png', title: 'ITEM 3: COFFEE.PNG' });
	const b = await contactSheet(tiles, { format: 'png', title: 'ITEM 3: COFFEE.PNG' });
	expect(a.data.equals(b.data)).toBe(true);
	expect(await ink(a.data, 8, 8, a.width - 16, 18)).toBeGreaterThan(50); // the title
});

it('wraps into rows and encodes JPEG by default', async () => {
	const sheet = await contactSheet(Array.from({ length: 8 }, (_, i) => ({ image: picture, lines: [`V${i + 1}`] })), { tileSize: 128, columns: 3 });
	expect(sheet.mimeType).toBe('image/jpeg');
	expect(sheet.width).toBe(8 + 3 * (128 + 8));
	expect(sheet.height).toBe(8 + 3 * (128 + (18 + 4 + 4) + 8));
});

it('knows which characters it can draw', () => {
	expect(canDraw('#1 v2 score 0.93 $0.134 (re-roll) 100%')).toBe(true);
	expect(canDraw('ΔE 2.1')).toBe(false);
});

it('names the bad parameter', async () => {
	await expect(contactSheet([])).rejects.toThrow('Expected at least one tile for tiles but received an array of 0 items');
	await expect(contactSheet([{ image: { ...picture, width: picture.width + 1 }, lines: [] }])).rejects.toThrow('for tiles[0].image');
	await expect(contactSheet([{ image: picture, lines: [] }], { tileSize: 20 })).rejects.toThrow(
		'Expected an integer between 64 and 1024 for tileSize but received 20',
	);
});
