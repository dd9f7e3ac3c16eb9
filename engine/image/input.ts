/**
 * Opening untrusted image bytes safely: every node reads its input through here, so the
 * decompression-bomb limit, format allow-list and auto-orientation are the same everywhere.
 */
import sharp, { type Metadata, type Sharp } from 'sharp';
import { EngineError } from '../core/errors';

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
	const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
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
		limitInputPixels: options.maxPixels ?? DEFAULT_MAX_PIXELS,
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

function shortCause(error: unknown): string {
	const text = error instanceof Error ? error.message : String(error);
	return text.split('\n')[0].slice(0, 200);
}
