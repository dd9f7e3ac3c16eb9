/**
 * Tone and colour statistics of an image, measured on a fixed-size thumbnail so that the
 * numbers do not depend on resolution and cost a few milliseconds even for 4K images.
 * The nodes report them as "measured effect", Multi-Sample scores with them.
 */
import sharp from 'sharp';
import { openImage } from '../image/input';

/** Long side of the analysis thumbnail (px). */
export const THUMBNAIL_SIDE = 512;

export interface ImageStats {
	/** Mean luma 0-255 on gamma-encoded values (PIL's L = 0.299 R + 0.587 G + 0.114 B). */
	meanLuma: number;
	/** Standard deviation of luma: a contrast measure. */
	lumaStd: number;
	/** Mean distance of each pixel's RGB from its luma: what PIL's Color factor scales. */
	meanChroma: number;
	/** Mean R - B on gamma-encoded values: > 0 warm, < 0 cool. */
	warmBalance: number;
	/** Correlated colour temperature of the mean colour (McCamy), in kelvin. */
	cctKelvin: number;
	/** Thumbnail size the stats were measured on. */
	width: number;
	height: number;
}

/** A decoded thumbnail: 8-bit RGB, long side {@link THUMBNAIL_SIDE}. */
export interface Thumbnail {
	data: Buffer;
	width: number;
	height: number;
}

/**
 * Decodes `image` (auto-oriented) into an RGB thumbnail with a fixed kernel, so the same
 * image always gives the same thumbnail.
 */
export async function thumbnail(image: Buffer, side = THUMBNAIL_SIDE, size?: { width: number; height: number }): Promise<Thumbnail> {
	const resize = size
		? { width: size.width, height: size.height, fit: 'fill' as const }
		: { width: side, height: side, fit: 'inside' as const, withoutEnlargement: true };
	const { data, info } = await openImage(image)
		.resize({ ...resize, kernel: sharp.kernel.lanczos3 })
		.toColourspace('srgb')
		.removeAlpha()
		.raw()
		.toBuffer({ resolveWithObject: true });
	return { data, width: info.width, height: info.height };
}

/** An RGB thumbnail at exactly width x height (stretched; sizes differ by rounding or aspect only). */
export async function resampled(thumb: Thumbnail, width: number, height: number): Promise<Thumbnail> {
	if (thumb.width === width && thumb.height === height) return thumb;
	const data = await sharp(thumb.data, { raw: { width: thumb.width, height: thumb.height, channels: 3 } })
		.resize({ width, height, fit: 'fill', kernel: sharp.kernel.lanczos3 })
		.raw()
		.toBuffer();
	return { data, width, height };
}

/** Statistics of an RGB thumbnail. */
export function statsOf(thumb: Thumbnail): ImageStats {
	const { data } = thumb;
	const n = data.length / 3;
	let sumL = 0;
	let sumL2 = 0;
	let sumChroma = 0;
	let sumR = 0;
	let sumG = 0;
	let sumB = 0;
	let warm = 0;
	for (let i = 0; i < data.length; i += 3) {
		const r = data[i];
		const g = data[i + 1];
		const b = data[i + 2];
		const l = 0.299 * r + 0.587 * g + 0.114 * b;
		sumL += l;
		sumL2 += l * l;
		sumChroma += Math.sqrt(((r - l) ** 2 + (g - l) ** 2 + (b - l) ** 2) / 3);
		sumR += LINEAR[r];
		sumG += LINEAR[g];
		sumB += LINEAR[b];
		warm += r - b;
	}
	const meanLuma = sumL / n;
	return {
		meanLuma,
		lumaStd: Math.sqrt(Math.max(0, sumL2 / n - meanLuma * meanLuma)),
		meanChroma: sumChroma / n,
		warmBalance: warm / n,
		cctKelvin: mccamyCct(sumR / n, sumG / n, sumB / n),
		width: thumb.width,
		height: thumb.height,
	};
}

/** Decodes and measures in one go. */
export async function measureImage(image: Buffer): Promise<ImageStats> {
	return statsOf(await thumbnail(image));
}

/** sRGB 8-bit -> linear light. */
const LINEAR = Float64Array.from({ length: 256 }, (_, v) => {
	const c = v / 255;
	return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
});

/** CCT of a linear sRGB colour via XYZ (D65) and McCamy's approximation, clamped to 1000-40000 K. */
function mccamyCct(r: number, g: number, b: number): number {
	const X = 0.4124 * r + 0.3576 * g + 0.1805 * b;
	const Y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
	const Z = 0.0193 * r + 0.1192 * g + 0.9505 * b;
	const sum = X + Y + Z;
	if (sum <= 1e-9) return 6504;
	const x = X / sum;
	const y = Y / sum;
	const n = (x - 0.332) / (0.1858 - y);
	const cct = 449 * n ** 3 + 3525 * n ** 2 + 6823.3 * n + 5520.33;
	return Math.round(Math.min(40000, Math.max(1000, cct)));
}
