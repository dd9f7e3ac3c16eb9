/**
 * Contact sheets: tiles (source, approved result, variants) side by side with caption lines
 * under each, as one JPEG or PNG a person can review in a chat message.
 *
 * Captions are drawn with a built-in 5x7 pixel font instead of SVG text: SVG text needs system
 * fonts, which minimal Docker images (n8n's among them) and CI machines often lack, and then
 * librsvg silently draws nothing. The pixel font looks the same everywhere and makes the sheet
 * byte-identical run to run. It has A-Z, 0-9, space and . , : # % $ - + / ( ) = ? ! ' _ < >;
 * lower case is drawn as upper case, anything else as '?'.
 */
import sharp, { type OverlayOptions } from 'sharp';
import type { Thumbnail } from '../analysis/stats';
import { integerInRange, invalidParameterError, is, oneOf } from '../core/validate';

export interface SheetTile {
	/** 8-bit RGB pixels, e.g. an analysis thumbnail; fitted into the tile, never enlarged. */
	image: Thumbnail;
	/** Caption lines under the tile; long lines are cut to the tile width. */
	lines: string[];
	/** Draw the caption on a green background (e.g. the best variant). @default false */
	highlight?: boolean;
}

export interface ContactSheetOptions {
	/** Longest side of each tile's picture (px), 64-1024. @default 256 */
	tileSize?: number;
	/** Tiles per row, 1-12. @default min(number of tiles, 6) */
	columns?: number;
	/** One line on top of the sheet. @default none */
	title?: string;
	/** Caption text scale: 1 = 5x7 px glyphs, 2 = 10x14 px. @default 2 */
	textScale?: number;
	/** @default 'jpeg' */
	format?: 'jpeg' | 'png';
	/** JPEG quality 1-100. @default 90 */
	quality?: number;
}

export interface ContactSheet {
	data: Buffer;
	mimeType: 'image/jpeg' | 'image/png';
	width: number;
	height: number;
}

const GAP = 8;
const BACKGROUND = { r: 245, g: 245, b: 245 };
const CAPTION_BG: readonly [number, number, number] = [255, 255, 255];
const HIGHLIGHT_BG: readonly [number, number, number] = [200, 240, 200];
const INK: readonly [number, number, number] = [20, 20, 20];

/**
 * Lays out `tiles` in rows and encodes the sheet.
 *
 * @example
 * const sheet = await contactSheet([
 * 	{ image: sourceThumb, lines: ['SOURCE'] },
 * 	{ image: variantThumb, lines: ['#1 V2 SCORE 0.93', 'FID 0.95 STR 0.99'], highlight: true },
 * ]);
 * @param tiles - at least one; each with an RGB image and caption lines
 * @param options - see {@link ContactSheetOptions}
 * @throws {EngineError} invalidInput for no tiles, a bad tile image or out-of-range options
 */
export async function contactSheet(tiles: SheetTile[], options: ContactSheetOptions = {}): Promise<ContactSheet> {
	if (!Array.isArray(tiles) || tiles.length === 0) throw invalidParameterError('tiles', 'at least one tile', tiles);
	const tileSize = integerInRange('tileSize', options.tileSize ?? 256, 64, 1024);
	const columns = integerInRange('columns', options.columns ?? Math.min(tiles.length, 6), 1, 12);
	const scale = integerInRange('textScale', options.textScale ?? 2, 1, 4);
	const format = oneOf('format', options.format ?? 'jpeg', ['jpeg', 'png'] as const);
	const quality = integerInRange('quality', options.quality ?? 90, 1, 100);
	tiles.forEach((tile, i) => checkTile(tile, i));

	const lineHeight = (GLYPH_H + 2) * scale;
	const captionLines = Math.max(1, ...tiles.map((t) => t.lines.length));
	const captionHeight = captionLines * lineHeight + 2 * scale + 4;
	const cellHeight = tileSize + captionHeight;
	const rows = Math.ceil(tiles.length / columns);
	const titleHeight = options.title ? lineHeight + GAP : 0;
	const width = GAP + columns * (tileSize + GAP);
	const height = GAP + titleHeight + rows * (cellHeight + GAP);
	const maxChars = Math.floor((tileSize - 4) / (GLYPH_ADVANCE * scale));

	const layers: OverlayOptions[] = [];
	if (options.title) {
		const text = options.title.slice(0, Math.floor((width - 2 * GAP) / (GLYPH_ADVANCE * scale)));
		layers.push({ ...textLayer([text], width - 2 * GAP, lineHeight, scale, BACKGROUND_RGB), left: GAP, top: GAP });
	}
	for (const [i, tile] of tiles.entries()) {
		const left = GAP + (i % columns) * (tileSize + GAP);
		const top = GAP + titleHeight + Math.floor(i / columns) * (cellHeight + GAP);
		const fitted = await tileImage(tile.image, tileSize);
		layers.push({
			input: fitted.data,
			raw: { width: fitted.width, height: fitted.height, channels: 3 },
			left: left + Math.floor((tileSize - fitted.width) / 2),
			top: top + Math.floor((tileSize - fitted.height) / 2),
		});
		const lines = tile.lines.map((line) => line.slice(0, maxChars));
		const background = tile.highlight ? HIGHLIGHT_BG : CAPTION_BG;
		layers.push({ ...textLayer(lines, tileSize, captionHeight, scale, background), left, top: top + tileSize });
	}
	const canvas = sharp({ create: { width, height, channels: 3, background: BACKGROUND } }).composite(layers);
	const data =
		format === 'png'
			? await canvas.png({ compressionLevel: 6 }).toBuffer()
			: await canvas.jpeg({ quality, chromaSubsampling: '4:4:4' }).toBuffer();
	return { data, mimeType: format === 'png' ? 'image/png' : 'image/jpeg', width, height };
}

/**
 * True when every character of `text` has a glyph (after upper-casing).
 *
 * @example canDraw('#1 score 0.93'); // true
 */
export function canDraw(text: string): boolean {
	return [...text.toUpperCase()].every((c) => c in GLYPHS);
}

const BACKGROUND_RGB: readonly [number, number, number] = [BACKGROUND.r, BACKGROUND.g, BACKGROUND.b];

/** Caption lines as an RGB block of width x height on `background`. */
function textLayer(
	lines: string[],
	width: number,
	height: number,
	scale: number,
	background: readonly [number, number, number],
): { input: Buffer; raw: { width: number; height: number; channels: 3 } } {
	const data = Buffer.alloc(width * height * 3);
	for (let p = 0; p < width * height; p++) {
		data[p * 3] = background[0];
		data[p * 3 + 1] = background[1];
		data[p * 3 + 2] = background[2];
	}
	const lineHeight = (GLYPH_H + 2) * scale;
	lines.forEach((line, row) => {
		const y0 = 2 * scale + row * lineHeight;
		[...line.toUpperCase()].forEach((char, col) => {
			const glyph = GLYPHS[char] ?? GLYPHS['?'];
			const x0 = 2 + col * GLYPH_ADVANCE * scale;
			for (let gy = 0; gy < GLYPH_H; gy++) {
				for (let gx = 0; gx < GLYPH_W; gx++) {
					if (!glyph[gy * GLYPH_W + gx]) continue;
					for (let sy = 0; sy < scale; sy++) {
						const y = y0 + gy * scale + sy;
						if (y >= height) continue;
						for (let sx = 0; sx < scale; sx++) {
							const x = x0 + gx * scale + sx;
							if (x >= width) continue;
							const o = (y * width + x) * 3;
							data[o] = INK[0];
							data[o + 1] = INK[1];
							data[o + 2] = INK[2];
						}
					}
				}
			}
		});
	});
	return { input: data, raw: { width, height, channels: 3 } };
}

/**
 * An RGB picture fitted inside size x size (aspect kept, never enlarged): what a tile shows.
 * Callers that collect tiles over time keep these small copies instead of larger thumbnails.
 *
 * @example const tile = await tileImage(thumb, 256);
 * @param image - 8-bit RGB pixels
 * @param size - longest side, px
 */
export async function tileImage(image: Thumbnail, size: number): Promise<Thumbnail> {
	if (image.width <= size && image.height <= size) return image;
	const { data, info } = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
		.resize({ width: size, height: size, fit: 'inside', kernel: sharp.kernel.lanczos3 })
		.raw()
		.toBuffer({ resolveWithObject: true });
	return { data, width: info.width, height: info.height };
}

function checkTile(tile: SheetTile, index: number): void {
	const image = tile?.image;
	if (
		!image ||
		!Buffer.isBuffer(image.data) ||
		!is.integer(image.width) ||
		!is.integer(image.height) ||
		image.width < 1 ||
		image.height < 1 ||
		image.data.length !== image.width * image.height * 3
	) {
		throw invalidParameterError(`tiles[${index}].image`, 'RGB pixels ({ data, width, height }, 3 bytes per pixel)', image?.data);
	}
	if (!Array.isArray(tile.lines) || !tile.lines.every((l) => typeof l === 'string')) {
		throw invalidParameterError(`tiles[${index}].lines`, 'an array of strings', tile.lines);
	}
}

const GLYPH_W = 5;
const GLYPH_H = 7;
const GLYPH_ADVANCE = GLYPH_W + 1;

/** 5x7 glyphs: seven rows of five cells, top to bottom ('#' = ink). */
const FONT: Readonly<Record<string, string>> = {
	A: '.###. #...# #...# ##### #...# #...# #...#',
	B: '####. #...# #...# ####. #...# #...# ####.',
	C: '.###. #...# #.... #.... #.... #...# .###.',
	D: '####. #...# #...# #...# #...# #...# ####.',
	E: '##### #.... #.... ####. #.... #.... #####',
	F: '##### #.... #.... ####. #.... #.... #....',
	G: '.###. #...# #.... #.### #...# #...# .####',
	H: '#...# #...# #...# ##### #...# #...# #...#',
	I: '.###. ..#.. ..#.. ..#.. ..#.. ..#.. .###.',
	J: '..### ...#. ...#. ...#. ...#. #..#. .##..',
	K: '#...# #..#. #.#.. ##... #.#.. #..#. #...#',
	L: '#.... #.... #.... #.... #.... #.... #####',
	M: '#...# ##.## #.#.# #.#.# #...# #...# #...#',
	N: '#...# #...# ##..# #.#.# #..## #...# #...#',
	O: '.###. #...# #...# #...# #...# #...# .###.',
	P: '####. #...# #...# ####. #.... #.... #....',
	Q: '.###. #...# #...# #...# #.#.# #..#. .##.#',
	R: '####. #...# #...# ####. #.#.. #..#. #...#',
	S: '.#### #.... #.... .###. ....# ....# ####.',
	T: '##### ..#.. ..#.. ..#.. ..#.. ..#.. ..#..',
	U: '#...# #...# #...# #...# #...# #...# .###.',
	V: '#...# #...# #...# #...# #...# .#.#. ..#..',
	W: '#...# #...# #...# #.#.# #.#.# #.#.# .#.#.',
	X: '#...# #...# .#.#. ..#.. .#.#. #...# #...#',
	Y: '#...# #...# .#.#. ..#.. ..#.. ..#.. ..#..',
	Z: '##### ....# ...#. ..#.. .#... #.... #####',
	'0': '.###. #...# #..## #.#.# ##..# #...# .###.',
	'1': '..#.. .##.. ..#.. ..#.. ..#.. ..#.. .###.',
	'2': '.###. #...# ....# ...#. ..#.. .#... #####',
	'3': '##### ...#. ..#.. ...#. ....# #...# .###.',
	'4': '...#. ..##. .#.#. #..#. ##### ...#. ...#.',
	'5': '##### #.... ####. ....# ....# #...# .###.',
	'6': '..##. .#... #.... ####. #...# #...# .###.',
	'7': '##### ....# ...#. ..#.. .#... .#... .#...',
	'8': '.###. #...# #...# .###. #...# #...# .###.',
	'9': '.###. #...# #...# .#### ....# ...#. .##..',
	' ': '..... ..... ..... ..... ..... ..... .....',
	'.': '..... ..... ..... ..... ..... .##.. .##..',
	',': '..... ..... ..... ..... .##.. ..#.. .#...',
	':': '..... .##.. .##.. ..... .##.. .##.. .....',
	'#': '.#.#. .#.#. ##### .#.#. ##### .#.#. .#.#.',
	'%': '##... ##..# ...#. ..#.. .#... #..## ...##',
	'$': '..#.. .#### #.#.. .###. ..#.# ####. ..#..',
	'-': '..... ..... ..... ##### ..... ..... .....',
	'+': '..... ..#.. ..#.. ##### ..#.. ..#.. .....',
	'/': '..... ....# ...#. ..#.. .#... #.... .....',
	'(': '...#. ..#.. .#... .#... .#... ..#.. ...#.',
	')': '.#... ..#.. ...#. ...#. ...#. ..#.. .#...',
	'=': '..... ..... ##### ..... ##### ..... .....',
	'?': '.###. #...# ....# ...#. ..#.. ..... ..#..',
	'!': '..#.. ..#.. ..#.. ..#.. ..#.. ..... ..#..',
	"'": '..#.. ..#.. .#... ..... ..... ..... .....',
	'_': '..... ..... ..... ..... ..... ..... #####',
	'<': '...#. ..#.. .#... #.... .#... ..#.. ...#.',
	'>': '.#... ..#.. ...#. ....# ...#. ..#.. .#...',
};

const GLYPHS: Readonly<Record<string, Uint8Array>> = Object.fromEntries(
	Object.entries(FONT).map(([char, bits]) => {
		const cells = bits.replace(/ /g, '');
		return [char, Uint8Array.from(cells, (c) => (c === '#' ? 1 : 0))];
	}),
);
