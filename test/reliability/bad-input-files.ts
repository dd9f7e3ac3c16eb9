/**
 * The bad-input catalogue: every hostile file is made at test time (with sharp or by writing the
 * bytes by hand), so nothing large is committed. Each file says what it is, how it was made and
 * the facts a test can check about it independently of the code under test (size of the stored
 * raster, where a marker sits, the 8-bit sRGB pixels it stands for).
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';

/** Size of the good images around each bad one: small, so a run stays fast. */
export const GOOD_WIDTH = 96;
export const GOOD_HEIGHT = 64;

/** The photo every generated image is made from (600x400, no ICC profile). */
const COFFEE = path.resolve(__dirname, '..', 'fixtures', 'photos', 'coffee.png');

export interface CatalogueFile {
	bytes: Buffer;
	/** What the item claims to be (n8n would take it from the upload). */
	mimeType: string;
	fileName: string;
}

/** A small 8-bit sRGB photo (coffee, 96x64) as PNG: the good item. */
export async function goodPhoto(): Promise<CatalogueFile> {
	const bytes = await sharp(COFFEE).resize(GOOD_WIDTH, GOOD_HEIGHT, { fit: 'fill' }).png().toBuffer();
	return { bytes, mimeType: 'image/png', fileName: 'good.png' };
}

/** The good photo's 8-bit RGB pixels, the reference for the 16-bit and CMYK variants. */
export async function goodPixels(): Promise<Buffer> {
	return await sharp((await goodPhoto()).bytes).removeAlpha().raw().toBuffer();
}

/** A JPEG cut off at 60 % of its length: the header is intact, the scan data ends early. */
export async function truncatedJpeg(): Promise<CatalogueFile> {
	const whole = await sharp(COFFEE).jpeg({ quality: 90 }).toBuffer();
	return { bytes: whole.subarray(0, Math.floor(whole.length * 0.6)), mimeType: 'image/jpeg', fileName: 'cut.jpg' };
}

export function zeroBytes(): CatalogueFile {
	return { bytes: Buffer.alloc(0), mimeType: 'image/png', fileName: 'empty.png' };
}

export function textLabelledPng(): CatalogueFile {
	return {
		bytes: Buffer.from('This is a text file that somebody saved as photo.png.\nIt has no pixels at all.\n'),
		mimeType: 'image/png',
		fileName: 'photo.png',
	};
}

function pngChunk(type: string, body: Buffer): Buffer {
	const head = Buffer.alloc(8);
	head.writeUInt32BE(body.length, 0);
	head.write(type, 4, 'latin1');
	const crc = Buffer.alloc(4);
	crc.writeUInt32BE(crc32(Buffer.concat([Buffer.from(type, 'latin1'), body])), 0);
	return Buffer.concat([head, body, crc]);
}

/**
 * A decompression bomb: a valid PNG header saying `width` x `height` (RGB, 8 bit) and one small
 * IDAT holding only the first rows, so the file is tiny but a naive reader would allocate
 * width x height x 3 bytes (1.2 GB at 20000 x 20000).
 */
export function pngBomb(width = 20000, height = 20000): CatalogueFile {
	const ihdr = Buffer.alloc(13);
	ihdr.writeUInt32BE(width, 0);
	ihdr.writeUInt32BE(height, 4);
	ihdr.writeUInt8(8, 8); // bit depth
	ihdr.writeUInt8(2, 9); // colour type RGB
	const rows = Buffer.alloc((width * 3 + 1) * 4); // 4 rows, filter byte 0, black
	const bytes = Buffer.concat([
		Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
		pngChunk('IHDR', ihdr),
		pngChunk('IDAT', deflateSync(rows)),
		pngChunk('IEND', Buffer.alloc(0)),
	]);
	return { bytes, mimeType: 'image/png', fileName: 'bomb.png' };
}

/** A two-frame animated GIF (first frame light grey, second black), 32x32. */
export async function animatedGif(): Promise<CatalogueFile> {
	const frames = Buffer.alloc(32 * 64 * 3);
	frames.fill(200, 0, 32 * 32 * 3);
	const bytes = await sharp(frames, { raw: { width: 32, height: 64, channels: 3, pageHeight: 32 } }).gif({ loop: 0 }).toBuffer();
	return { bytes, mimeType: 'image/gif', fileName: 'animated.gif' };
}

/** The good photo as a 16-bit-per-channel PNG (sharp widens every 8-bit value v to v * 257). */
export async function png16(): Promise<CatalogueFile> {
	const bytes = await sharp((await goodPhoto()).bytes).toColourspace('rgb16').png().toBuffer();
	return { bytes, mimeType: 'image/png', fileName: 'deep.png' };
}

/** The good photo converted to CMYK and saved as a CMYK JPEG (quality 95). */
export async function cmykJpeg(): Promise<CatalogueFile> {
	const bytes = await sharp((await goodPhoto()).bytes).toColourspace('cmyk').jpeg({ quality: 95 }).toBuffer();
	return { bytes, mimeType: 'image/jpeg', fileName: 'print.jpg' };
}

/**
 * The CMYK file as a colour-managed reader shows it (libvips/lcms with sharp's CMYK profile), as an
 * 8-bit sRGB PNG: the colours a CMYK input must come out with. (The sRGB -> CMYK -> sRGB round
 * trip itself moves saturated colours by up to ~15 levels, so the original photo is not the
 * reference.)
 */
export async function cmykAsSrgbPng(): Promise<CatalogueFile> {
	const bytes = await sharp((await cmykJpeg()).bytes).toColourspace('srgb').png().toBuffer();
	return { bytes, mimeType: 'image/png', fileName: 'print-srgb.png' };
}

/** Stored raster of the EXIF-rotated file: landscape, with a red marker in its top-left corner. */
export const EXIF_STORED = { width: 96, height: 64, marker: 16 } as const;

/**
 * A JPEG whose stored raster is 96x64 (landscape, mid grey, a red 16x16 square at the stored
 * top-left) tagged EXIF orientation 6: viewers rotate it 90 degrees clockwise, so upright it is
 * 64x96 (portrait) and the red square is at the upright TOP-RIGHT corner.
 */
export async function exifRotated(): Promise<CatalogueFile> {
	const { width, height, marker } = EXIF_STORED;
	const raw = Buffer.alloc(width * height * 3, 128);
	for (let y = 0; y < marker; y++) {
		for (let x = 0; x < marker; x++) {
			const i = (y * width + x) * 3;
			raw[i] = 230;
			raw[i + 1] = 20;
			raw[i + 2] = 20;
		}
	}
	const bytes = await sharp(raw, { raw: { width, height, channels: 3 } })
		.jpeg({ quality: 95, chromaSubsampling: '4:4:4' })
		.withMetadata({ orientation: 6 })
		.toBuffer();
	return { bytes, mimeType: 'image/jpeg', fileName: 'rotated.jpg' };
}

/**
 * Where the red marker of {@link exifRotated} is in a decoded (upright or not) image:
 * 'top-right' is upright, 'top-left' means the EXIF rotation was ignored.
 */
export async function markerCorner(file: Buffer): Promise<{ width: number; height: number; corner: string }> {
	// Deliberately without autoOrient: the file under test must already be upright.
	const { data, info } = await sharp(file).removeAlpha().raw().toBuffer({ resolveWithObject: true });
	const patch = Math.max(2, Math.round(Math.min(info.width, info.height) / 16));
	const corners: Record<string, [number, number]> = {
		'top-left': [0, 0],
		'top-right': [info.width - patch, 0],
		'bottom-left': [0, info.height - patch],
		'bottom-right': [info.width - patch, info.height - patch],
	};
	let best = 'none';
	let bestRedness = 60; // a clearly red patch, not grey
	for (const [name, [x0, y0]] of Object.entries(corners)) {
		let r = 0;
		let g = 0;
		for (let y = y0; y < y0 + patch; y++) {
			for (let x = x0; x < x0 + patch; x++) {
				const i = (y * info.width + x) * info.channels;
				r += data[i];
				g += data[i + 1];
			}
		}
		const redness = (r - g) / (patch * patch);
		if (redness > bestRedness) {
			bestRedness = redness;
			best = name;
		}
	}
	return { width: info.width, height: info.height, corner: best };
}

/** Mean absolute difference per channel value between two equally sized 8-bit RGB buffers. */
export function meanAbsDiff(a: Buffer, b: Buffer): number {
	if (a.length !== b.length) throw new Error(`sizes differ: ${a.length} vs ${b.length}`);
	let total = 0;
	for (let i = 0; i < a.length; i++) total += Math.abs(a[i] - b[i]);
	return total / a.length;
}

/** Mean R, G, B of 8-bit RGB pixels. */
export function meanRgb(pixels: Buffer): [number, number, number] {
	const sum = [0, 0, 0];
	for (let i = 0; i < pixels.length; i += 3) for (let c = 0; c < 3; c++) sum[c] += pixels[i + c];
	const n = pixels.length / 3;
	return [sum[0] / n, sum[1] / n, sum[2] / n];
}

// ---------------------------------------------------------------------------------------------
// .cube LUTs

/** Rows of an N-point identity 3D LUT, red fastest. */
export function identityRows(size: number): string[] {
	const rows: string[] = [];
	const v = Array.from({ length: size }, (_, k) => (k / (size - 1)).toFixed(6));
	for (let b = 0; b < size; b++) for (let g = 0; g < size; g++) for (let r = 0; r < size; r++) rows.push(`${v[r]} ${v[g]} ${v[b]}`);
	return rows;
}

/** A 2-point LUT that inverts every channel (out = 1 - in): easy to check on the output. */
export function invertCube(): string {
	const rows: string[] = [];
	for (let b = 0; b < 2; b++) for (let g = 0; g < 2; g++) for (let r = 0; r < 2; r++) rows.push(`${1 - r} ${1 - g} ${1 - b}`);
	return `TITLE "invert"\nLUT_3D_SIZE 2\n${rows.join('\n')}\n`;
}

/** LUT_3D_SIZE says 33 (35937 rows) but only the 8 rows of a 2-point table follow. */
export function lyingSizeCube(): string {
	return `TITLE "liar"\nLUT_3D_SIZE 33\n${identityRows(2).join('\n')}\n`;
}

/** LUT_3D_SIZE 2 followed by 27 rows (a 3-point table): more rows than declared. */
export function tooManyRowsCube(): string {
	return `LUT_3D_SIZE 2\n${identityRows(3).join('\n')}\n`;
}

/** A 2-point table whose fourth row is "nan nan nan" and whose sixth is "0 NaN 1". */
export function nanRowsCube(): string {
	const rows = identityRows(2);
	rows[3] = 'nan nan nan';
	rows[5] = '0 NaN 1';
	return `LUT_3D_SIZE 2\n${rows.join('\n')}\n`;
}

/** 10^6 lines: LUT_3D_SIZE 2, its 8 rows, then 999 990 more rows the header never declared (~12 MB). Written to `dir`. */
export function millionLinesCubeFile(dir: string): string {
	const file = path.join(dir, 'million-lines.cube');
	const extra = new Array<string>(1_000_000 - 10).fill('0.5 0.5 0.5');
	writeFileSync(file, `LUT_3D_SIZE 2\n${identityRows(2).join('\n')}\n${extra.join('\n')}\n`);
	return file;
}

/**
 * A genuine 100-point identity 3D LUT: 10^6 table rows (27 MB of text), written to `dir`. Rows are
 * fixed-width ("0.123456 0.123456 0.123456\n"), so they are copied into one buffer rather than
 * built as a million strings.
 */
export function millionRowsIdentityCubeFile(dir: string): string {
	const size = 100;
	const file = path.join(dir, 'identity-100.cube');
	const header = Buffer.from(`TITLE "identity 100"\nLUT_3D_SIZE ${size}\n`);
	const values = Array.from({ length: size }, (_, k) => Buffer.from((k / (size - 1)).toFixed(6))); // 8 bytes each
	const rowBytes = 27;
	const table = Buffer.alloc(size ** 3 * rowBytes, 0x20);
	let at = 0;
	for (let b = 0; b < size; b++) {
		for (let g = 0; g < size; g++) {
			for (let r = 0; r < size; r++) {
				table.set(values[r], at);
				table.set(values[g], at + 9);
				table.set(values[b], at + 18);
				table[at + 26] = 0x0a;
				at += rowBytes;
			}
		}
	}
	writeFileSync(file, Buffer.concat([header, table]));
	return file;
}

/** 4 KB of random bytes (deterministic content is not needed: any binary must be refused). */
export function garbageCube(): Buffer {
	const bytes = randomBytes(4096);
	bytes[0] = 0x00; // at least one NUL, as in any binary file
	return bytes;
}
