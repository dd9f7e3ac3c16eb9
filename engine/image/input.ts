/**
 * Opening untrusted image bytes safely: every node reads its input through here, so the
 * decompression-bomb limit, format allow-list and auto-orientation are the same everywhere.
 */
import sharp, { type Metadata, type Sharp } from 'sharp';
import { EngineError } from '../core/errors';
import { invalidParameterError, is } from '../core/validate';

/** Formats the engine decodes. GIF/TIFF are read as a single still frame. */
export const READABLE_FORMATS = ['jpeg', 'png', 'webp', 'avif', 'heif', 'tiff', 'gif'] as const;

/** Default pixel limit: 100 MP covers any camera while refusing 20000x20000 bombs. */
export const DEFAULT_MAX_PIXELS = 100_000_000;

export interface OpenImageOptions {
	/** Refuse images with more pixels than this (width x height). @default 100_000_000 */
	maxPixels?: number;
	/** Allow multi-frame (animated) images; only the first frame is used. @default false */
	allowAnimated?: boolean;
	/** Name used in error messages, e.g. `binary property "data"`. @default 'image' */
	label?: string;
}

/** What a validated image is, after auto-orientation. */
export interface ImageInfo {
	/** Width after applying EXIF orientation. */
	width: number;
	/** Height after applying EXIF orientation. */
	height: number;
	/** Decoder format, e.g. 'jpeg', 'png'. */
	format: string;
	/** Channels in the source (3 = RGB, 4 = RGBA, 1 = grey, 4 with space cmyk = CMYK). */
	channels: number;
	hasAlpha: boolean;
	/** Colour space reported by the decoder: 'srgb', 'cmyk', 'b-w', 'rgb16', ... */
	space: string;
	/** Bits per sample reported by the decoder, e.g. 'uchar' or 'ushort'. */
	depth: string;
	/** EXIF orientation 1-8 when present. */
	orientation?: number;
	/** Number of frames for animated formats. */
	pages: number;
	/** True if the file carries an ICC profile. */
	hasIcc: boolean;
}

/**
 * Reads an image's header and checks that it is a decodable, acceptable image.
 *
 * @example const info = await inspectImage(buffer, { label: 'binary property "data"' });
 * @param buffer - the file bytes
 * @param options - limits, see {@link OpenImageOptions}
 * @throws {EngineError} kind 'invalidInput' for empty, unknown, corrupt, animated or oversized images
 */
export async function inspectImage(buffer: Buffer, options: OpenImageOptions = {}): Promise<ImageInfo> {
	const label = options.label ?? 'image';
	const maxPixels = checkMaxPixels(options.maxPixels);
	if (!Buffer.isBuffer(buffer) || buffer.length === 0) {
		throw new EngineError('invalidInput', `The ${label} is empty (0 bytes)`);
	}
	let meta: Metadata;
	try {
		meta = await sharp(buffer, { limitInputPixels: false }).metadata();
	} catch (error) {
		throw new EngineError('invalidInput', `The ${label} is not an image sharp can read`, {
			description: `The data is not a JPEG, PNG, WebP, AVIF, HEIF, TIFF or GIF image (${shortCause(error)}).`,
			cause: error,
		});
	}
	const format = meta.format ?? 'unknown';
	if (!(READABLE_FORMATS as readonly string[]).includes(format)) {
		throw new EngineError('invalidInput', `The ${label} has unsupported format "${format}"`, {
			description: `Supported formats: ${READABLE_FORMATS.join(', ')}.`,
		});
	}
	const cut = truncation(buffer, format);
	if (cut) {
		// Same message as a decoder failure (users see one wording); the description says what is cut.
		throw new EngineError('invalidInput', `The ${label} could not be decoded; the file is probably truncated or corrupt`, {
			description: `${cut} The file is truncated: the upload or download was probably cut short; fetch it again.`,
		});
	}
	const width = meta.width ?? 0;
	const height = meta.height ?? 0;
	if (width <= 0 || height <= 0) {
		throw new EngineError('invalidInput', `The ${label} has no dimensions; it is probably corrupt`);
	}
	if (width * height > maxPixels) {
		throw new EngineError(
			'invalidInput',
			`The ${label} is ${width}x${height} (${Math.round((width * height) / 1e6)} MP), over the limit of ${Math.round(maxPixels / 1e6)} MP`,
			{ description: 'Very large images are refused to protect the n8n process from running out of memory (decompression bombs). Raise "Max Input Megapixels" if the image is genuine.' },
		);
	}
	const pages = meta.pages ?? 1;
	if (pages > 1 && !options.allowAnimated) {
		throw new EngineError('invalidInput', `The ${label} is an animated ${format} with ${pages} frames`, {
			description: 'Only still images can be edited. Extract a frame first.',
		});
	}
	const swap = (meta.orientation ?? 1) >= 5;
	return {
		width: swap ? height : width,
		height: swap ? width : height,
		format,
		channels: meta.channels ?? 3,
		hasAlpha: meta.hasAlpha ?? false,
		space: meta.space ?? 'srgb',
		depth: meta.depth ?? 'uchar',
		orientation: meta.orientation,
		pages,
		hasIcc: Boolean(meta.icc),
	};
}

/**
 * Opens a validated image as a sharp pipeline, auto-oriented, with the pixel limit enforced
 * by the decoder as well (a lying header cannot get past it).
 *
 * @example const { data, info } = await openImage(buffer).raw().toBuffer({ resolveWithObject: true });
 * @param buffer - bytes already checked by {@link inspectImage}
 * @param options - the same limits as {@link inspectImage}
 */
export function openImage(buffer: Buffer, options: OpenImageOptions = {}): Sharp {
	return sharp(buffer, {
		limitInputPixels: checkMaxPixels(options.maxPixels),
		failOn: 'error',
		pages: 1,
	}).autoOrient();
}

/**
 * Decodes to 8-bit sRGB raw pixels (3 channels, alpha removed unless `keepAlpha`).
 * CMYK, grey and 16-bit inputs are converted, so every pixel operation sees one layout.
 *
 * @throws {EngineError} kind 'invalidInput' when decoding fails part way (truncated file)
 */
export async function decodeRgb(
	buffer: Buffer,
	options: OpenImageOptions & { keepAlpha?: boolean } = {},
): Promise<{ data: Buffer; width: number; height: number; channels: 3 | 4 }> {
	const label = options.label ?? 'image';
	try {
		let pipeline = openImage(buffer, options).toColourspace('srgb');
		pipeline = options.keepAlpha ? pipeline.ensureAlpha() : pipeline.removeAlpha();
		const { data, info } = await pipeline.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
		return { data, width: info.width, height: info.height, channels: info.channels as 3 | 4 };
	} catch (error) {
		throw new EngineError('invalidInput', `The ${label} could not be decoded; the file is probably truncated or corrupt`, {
			description: shortCause(error),
			cause: error,
		});
	}
}

/** The pixel limit, checked: a NaN or negative limit would silently switch the bomb protection off. */
function checkMaxPixels(value: number | undefined): number {
	if (value === undefined) return DEFAULT_MAX_PIXELS;
	if (!is.number(value) || value < 1) throw invalidParameterError('maxPixels', 'a number of pixels of at least 1', value);
	return value;
}

/**
 * Why a file of `format` is cut short, or undefined when it is complete or when its structure
 * cannot be followed (the decoder then has the last word). Reads markers and chunk lengths only,
 * so it costs nothing next to decoding, and a truncated upload is refused before any pixels are
 * decoded or any file is sent to a paid API.
 */
function truncation(buffer: Buffer, format: string): string | undefined {
	switch (format) {
		case 'jpeg':
			return jpegTruncation(buffer);
		case 'png':
			return pngTruncation(buffer);
		case 'webp':
			return webpTruncation(buffer);
		default:
			return undefined;
	}
}

/** JPEG: the segments before the first scan must be complete, and an end-of-image marker must follow the scan. */
function jpegTruncation(buffer: Buffer): string | undefined {
	if (buffer[0] !== 0xff || buffer[1] !== 0xd8) return undefined;
	let pos = 2;
	while (pos < buffer.length) {
		if (buffer[pos] !== 0xff) return undefined; // not a marker where one belongs: leave it to the decoder
		while (pos < buffer.length && buffer[pos] === 0xff) pos++; // fill bytes
		if (pos >= buffer.length) break;
		const marker = buffer[pos++];
		if (marker === 0xd9) return undefined; // EOI before any scan: the decoder will say what is wrong
		if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) continue; // markers without a length
		if (pos + 2 > buffer.length) break;
		const length = buffer.readUInt16BE(pos);
		if (length < 2) return undefined;
		if (pos + length > buffer.length) return `A ${markerName(marker)} segment of ${length} bytes starts at offset ${pos - 2} but the file has only ${buffer.length} bytes.`;
		pos += length;
		if (marker === 0xda) {
			// Entropy-coded data escapes 0xFF as 0xFF00, so FF D9 after the first scan header is the end marker.
			return buffer.indexOf(JPEG_EOI, pos) === -1 ? `The JPEG has no end-of-image marker after its scan data (${buffer.length} bytes).` : undefined;
		}
	}
	return `The JPEG ends after ${buffer.length} bytes, before its image data starts.`;
}

const JPEG_EOI = Buffer.from([0xff, 0xd9]);

function markerName(marker: number): string {
	return marker === 0xda ? 'scan header' : `0xFF${marker.toString(16).toUpperCase().padStart(2, '0')}`;
}

/** PNG: every chunk must fit in the file and at least one image data chunk must be complete. */
function pngTruncation(buffer: Buffer): string | undefined {
	let pos = 8;
	let idat = false;
	while (pos + 8 <= buffer.length) {
		const length = buffer.readUInt32BE(pos);
		const type = buffer.toString('latin1', pos + 4, pos + 8);
		if (pos + 12 + length > buffer.length) {
			return `Its ${type} chunk of ${length} bytes starts at offset ${pos} but the file has only ${buffer.length} bytes.`;
		}
		if (type === 'IDAT') idat = true;
		if (type === 'IEND') return undefined;
		pos += 12 + length;
	}
	return idat ? undefined : `The PNG ends after ${buffer.length} bytes, before any complete image data.`;
}

/** WebP: the RIFF header says how long the file is. */
function webpTruncation(buffer: Buffer): string | undefined {
	if (buffer.length < 12 || buffer.toString('latin1', 0, 4) !== 'RIFF') return undefined;
	const declared = buffer.readUInt32LE(4) + 8;
	return declared > buffer.length ? `The WebP header declares ${declared} bytes but the file has ${buffer.length}.` : undefined;
}

function shortCause(error: unknown): string {
	const text = error instanceof Error ? error.message : String(error);
	return text.split('\n')[0].slice(0, 200);
}
