/**
 * Image files in and out of the fake, all heavy lifting in sharp (native, fast): decode,
 * crop/resize to the target size, blend a seeded picture over it, apply the edit, encode.
 * PNG uses compression level 1 so the fake suite stays fast.
 */
import sharp, { type Sharp } from 'sharp';
import { editTransform, isIdentity, lumaOfMeans, synthesize, SYNTHETIC_LONG_SIDE, type Raw } from './pixels';
import type { AppliedEdit } from './types';

/** An encoded image file, or raw pixels (e.g. a synthetic picture). */
export type Source = Buffer | Raw;

export interface RenderOptions {
	width: number;
	height: number;
	/** Colour edit applied last (default none). */
	edit?: AppliedEdit;
	/** A seeded synthetic picture blended over the source (img2img "denoise", a re-rendered look). */
	overlay?: { seed: number; opacity: number };
	/** 'image/png' (default) or 'image/jpeg'. */
	mimeType?: string;
}

function open(source: Source): Sharp {
	if (Buffer.isBuffer(source)) return sharp(source).autoOrient();
	return sharp(source.data, { raw: { width: source.width, height: source.height, channels: source.channels ?? 3 } });
}

/** Orientation-corrected size of an encoded image; throws if it cannot be decoded. */
export async function dimensions(file: Buffer): Promise<{ width: number; height: number }> {
	const meta = await sharp(file).metadata();
	return { width: meta.autoOrient.width, height: meta.autoOrient.height };
}

/** A small seeded picture with the given aspect ratio (width / height), for sharp to upscale. */
export function syntheticPicture(seed: number, ratio: number): Raw {
	const width = Math.max(2, Math.round(ratio >= 1 ? SYNTHETIC_LONG_SIDE : SYNTHETIC_LONG_SIDE * ratio));
	const height = Math.max(2, Math.round(ratio >= 1 ? SYNTHETIC_LONG_SIDE / ratio : SYNTHETIC_LONG_SIDE));
	return synthesize(seed, width, height);
}

/**
 * Render `source` at exactly width x height: an encoded file is cropped to the target's ratio
 * (centre) then resized; raw pixels are stretched. Then overlay, then edit, then encode.
 * Same inputs -> same bytes (same sharp build).
 */
export async function render(source: Source, o: RenderOptions): Promise<Buffer> {
	const { width, height } = o;
	let stage = open(source)
		.resize(width, height, { fit: Buffer.isBuffer(source) ? 'cover' : 'fill' })
		.removeAlpha()
		.toColourspace('srgb');
	if (o.overlay) {
		const over = syntheticPicture(o.overlay.seed, width / height);
		const layer = await sharp(over.data, { raw: { width: over.width, height: over.height, channels: 3 } })
			.resize(width, height, { fit: 'fill' })
			.ensureAlpha(o.overlay.opacity)
			.raw()
			.toBuffer();
		const blended = await stage
			.composite([{ input: layer, raw: { width, height, channels: 4 } }])
			.removeAlpha()
			.raw()
			.toBuffer();
		stage = sharp(blended, { raw: { width, height, channels: 3 } });
	}
	if (o.edit && !isIdentity(o.edit)) {
		// The edit needs the picture's mean luma (contrast pivot): measure the staged pixels first.
		const pixels = await stage.raw().toBuffer();
		const stats = await sharp(pixels, { raw: { width, height, channels: 3 } }).stats();
		const t = editTransform(o.edit, lumaOfMeans(stats.channels.map((c) => c.mean)));
		stage = sharp(pixels, { raw: { width, height, channels: 3 } });
		if (t.recomb)
			stage = stage.recomb(t.recomb as [[number, number, number], [number, number, number], [number, number, number]]);
		stage = stage.linear(t.multiply, t.offset);
	}
	return o.mimeType === 'image/jpeg'
		? await stage.jpeg({ quality: 90 }).toBuffer()
		: await stage.png({ compressionLevel: 1, adaptiveFiltering: false }).toBuffer();
}

/** An all-black PNG (what SD safety-checker extensions return for a flagged image). */
export async function blackPng(width: number, height: number): Promise<Buffer> {
	return await sharp({ create: { width, height, channels: 3, background: { r: 0, g: 0, b: 0 } } })
		.png({ compressionLevel: 1 })
		.toBuffer();
}

/** '16:9' -> 16/9, or undefined if not of the form W:H with positive integers. */
export function parseRatio(ratio: string): number | undefined {
	const m = /^(\d+):(\d+)$/.exec(ratio);
	if (!m || Number(m[1]) === 0 || Number(m[2]) === 0) return undefined;
	return Number(m[1]) / Number(m[2]);
}

/** Width and height with the given long side and aspect ratio (width / height). */
export function sizeForLongSide(longSide: number, ratio: number): { width: number; height: number } {
	return ratio >= 1
		? { width: longSide, height: Math.max(1, Math.round(longSide / ratio)) }
		: { width: Math.max(1, Math.round(longSide * ratio)), height: longSide };
}
