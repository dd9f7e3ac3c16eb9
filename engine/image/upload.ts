/**
 * Prepares an input image for an AI provider: the formats Gemini accepts as inline data are
 * sent unchanged when they are upright and small enough; anything else is auto-oriented,
 * downscaled to `maxSide` and re-encoded (JPEG q92, or PNG when it has transparency).
 * Keeps requests under the providers' inline size limits and makes EXIF rotation explicit.
 */
import type { ImageInfo } from './input';
import { openImage } from './input';
import { mimeForFormat } from './formats';

/** Longest side sent to a provider; the models' largest output (4K) needs no more. @default 3072 */
export const DEFAULT_UPLOAD_MAX_SIDE = 3072;
/** Bytes above which an image is re-encoded even if small in pixels (inline limit is ~20 MB per request). */
const MAX_INLINE_BYTES = 7 * 1024 * 1024;
const PASS_THROUGH = new Set(['jpeg', 'png', 'webp']);

export interface UploadImage {
	data: Buffer;
	mimeType: string;
	width: number;
	height: number;
	/** True when the bytes are not the original file's. */
	reencoded: boolean;
}

/**
 * @example const upload = await prepareForUpload(buffer, info);
 * @param maxSide - longest side after preparation @default 3072
 */
export async function prepareForUpload(buffer: Buffer, info: ImageInfo, maxSide = DEFAULT_UPLOAD_MAX_SIDE): Promise<UploadImage> {
	const upright = (info.orientation ?? 1) === 1;
	const small = Math.max(info.width, info.height) <= maxSide && buffer.length <= MAX_INLINE_BYTES;
	const plain = info.space === 'srgb' && info.depth === 'uchar';
	if (PASS_THROUGH.has(info.format) && upright && small && plain) {
		return { data: buffer, mimeType: mimeForFormat(info.format), width: info.width, height: info.height, reencoded: false };
	}
	let pipeline = openImage(buffer)
		.resize({ width: maxSide, height: maxSide, fit: 'inside', withoutEnlargement: true })
		.toColourspace('srgb');
	pipeline = info.hasAlpha ? pipeline.png({ compressionLevel: 6 }) : pipeline.jpeg({ quality: 92, chromaSubsampling: '4:4:4' });
	const { data, info: out } = await pipeline.toBuffer({ resolveWithObject: true });
	return { data, mimeType: info.hasAlpha ? 'image/png' : 'image/jpeg', width: out.width, height: out.height, reencoded: true };
}
