/**
 * Writing adjusted pixels to a file with sharp: format, quality, optional resize, and metadata.
 *
 * ICC handling: inputs are decoded to sRGB (sharp converts pixels from an embedded ICC profile,
 * CMYK and 16-bit inputs to 8-bit sRGB), so the adjusted pixels are sRGB. With `keepMetadata`
 * the file is tagged with sRGB (never with the input's own profile, which no longer describes the
 * pixels) and keeps the input's EXIF (minus the orientation tag), XMP and IPTC; without it, the
 * file carries no metadata at all and is untagged, which viewers read as sRGB.
 *
 * sharp cannot attach a metadata block to raw pixels, so with `keepMetadata` the file is written
 * from a pipeline that opens the original only for its metadata (a 1x1 corner, zeroed with
 * `linear(0, 0)`) and takes all pixels from the adjusted buffer with a bitwise OR: the pixels
 * written are exactly the adjusted ones.
 */
import sharp, { type OutputInfo, type Sharp, type SharpOptions } from 'sharp';
import { EngineError } from '../core/errors';
import { openImage, type ImageInfo } from '../image/input';
import { extensionForMime, mimeForFormat } from '../image/formats';
import type { AdjustResult } from './types';
import type { ResolvedOutputOptions } from './validate-steps';

/** Formats the adjustment writes. */
export type WrittenFormat = 'jpeg' | 'png' | 'webp' | 'avif';

/** Default quality per lossy format. */
export const DEFAULT_QUALITY: Readonly<Record<'jpeg' | 'webp' | 'avif', number>> = { jpeg: 90, webp: 90, avif: 60 };

/**
 * The format written for a requested format and the input's format (as sharp names it).
 * `'same'` keeps jpeg, png, webp and AVIF (sharp reports AVIF and HEIC files as 'heif'; both
 * are written as AVIF, sharp's prebuilt binaries cannot encode HEVC); GIF and TIFF become PNG.
 *
 * @example resolveOutputFormat('same', 'gif'); // 'png'
 * @param requested - the output option
 * @param inputFormat - e.g. 'jpeg'
 */
export function resolveOutputFormat(requested: ResolvedOutputOptions['format'], inputFormat: string): WrittenFormat {
	if (requested !== 'same') return requested;
	switch (inputFormat) {
		case 'jpeg':
		case 'png':
		case 'webp':
			return inputFormat;
		case 'heif':
		case 'avif':
			return 'avif';
		default:
			return 'png';
	}
}

/** Decoded, adjusted pixels. */
export interface AdjustedPixels {
	data: Buffer;
	width: number;
	height: number;
	channels: 3 | 4;
}

/**
 * Encodes adjusted pixels. JPEG output of pixels with alpha is flattened onto white. A resize
 * (sharp, lanczos3) happens after all steps, before encoding.
 *
 * @example const { data, info } = await encodeAdjusted(pixels, validateOutputOptions({ format: 'webp' }), inputInfo, inputBuffer);
 * @param pixels - the adjusted pixels
 * @param output - options from {@link validateOutputOptions}
 * @param input - what {@link inspectImage} said about the original
 * @param original - the original file, read again only for its metadata when `keepMetadata`
 * @param openOptions - the limits the original was opened with
 * @returns the file and its description
 * @throws {Error} if sharp fails to encode (out of memory, unsupported format in a custom sharp build)
 */
export async function encodeAdjusted(
	pixels: AdjustedPixels,
	output: ResolvedOutputOptions,
	input: ImageInfo,
	original: Buffer,
	openOptions: { maxPixels?: number; label?: string } = {},
): Promise<AdjustResult> {
	const format = resolveOutputFormat(output.format, input.format);
	const flatten = pixels.channels === 4 && format === 'jpeg';
	const raw = (p: AdjustedPixels): { raw: { width: number; height: number; channels: 3 | 4 } } & SharpOptions => ({
		raw: { width: p.width, height: p.height, channels: p.channels },
	});
	const prepare = (s: Sharp): Sharp => {
		let out = flatten ? s.flatten({ background: '#ffffff' }) : s;
		if (output.resize) {
			out = out.resize({
				width: output.resize.width,
				height: output.resize.height,
				fit: output.resize.fit,
				withoutEnlargement: output.resize.withoutEnlargement,
				kernel: 'lanczos3',
			});
		}
		return out;
	};

	let pipeline: Sharp;
	if (!output.keepMetadata) {
		pipeline = prepare(sharp(pixels.data, raw(pixels)));
	} else {
		let final = pixels;
		if (flatten || output.resize) {
			const { data, info } = await prepare(sharp(pixels.data, raw(pixels)))
				.raw()
				.toBuffer({ resolveWithObject: true });
			final = { data, width: info.width, height: info.height, channels: info.channels as 3 | 4 };
		}
		const zeros = new Array<number>(final.channels).fill(0);
		let base = openImage(original, openOptions).extract({ left: 0, top: 0, width: 1, height: 1 });
		if (input.hasAlpha && final.channels === 3) base = base.flatten();
		pipeline = base
			.pipelineColourspace('srgb')
			.linear(zeros, zeros)
			.boolean(final.data, 'or', raw(final))
			.keepMetadata()
			.withIccProfile('srgb');
	}
	pipeline = applyFormat(pipeline, format, output);
	const { data, info } = await pipeline.toBuffer({ resolveWithObject: true });
	return describe(data, info.width, info.height, format);
}

/**
 * Re-encodes the image in one sharp pipeline, without raw pixels in JavaScript (no steps). Only
 * for the cases where this gives exactly the pixels of decoding and encoding separately (see
 * {@link canWriteDirectly}). The one visible difference: a PNG written this way keeps the input's
 * pixel density (pHYs) when metadata is stripped.
 *
 * @example await writeDirectly(jpeg, inspected, validateOutputOptions({}));
 * @param original - the file
 * @param input - what {@link inspectImage} said about it
 * @param output - options from {@link validateOutputOptions}
 * @param openOptions - the limits the file is opened with
 * @throws {EngineError} kind 'invalidInput' when decoding fails part way (truncated file)
 */
export async function writeDirectly(
	original: Buffer,
	input: ImageInfo,
	output: ResolvedOutputOptions,
	openOptions: { maxPixels?: number; label?: string } = {},
): Promise<AdjustResult> {
	const format = resolveOutputFormat(output.format, input.format);
	let pipeline = openImage(original, openOptions);
	if (output.keepMetadata) pipeline = pipeline.keepMetadata().withIccProfile('srgb');
	pipeline = applyFormat(pipeline, format, output);
	let result: { data: Buffer; info: OutputInfo };
	try {
		result = await pipeline.toBuffer({ resolveWithObject: true });
	} catch (error) {
		const label = openOptions.label ?? 'image';
		throw new EngineError('invalidInput', `The ${label} could not be decoded; the file is probably truncated or corrupt`, {
			description: (error instanceof Error ? error.message : String(error)).split('\n')[0].slice(0, 200),
			cause: error,
		});
	}
	return describe(result.data, result.info.width, result.info.height, format);
}

/**
 * True when {@link writeDirectly} gives the same pixels as the raw path: 8-bit sRGB input, no
 * resize, and no alpha to flatten (JPEG output of an input with alpha).
 *
 * @example canWriteDirectly(inspected, validateOutputOptions({ format: 'jpeg' }));
 * @param input - what {@link inspectImage} said about the file
 * @param output - options from {@link validateOutputOptions}
 */
export function canWriteDirectly(input: ImageInfo, output: ResolvedOutputOptions): boolean {
	const format = resolveOutputFormat(output.format, input.format);
	return (
		input.space === 'srgb' &&
		input.depth === 'uchar' &&
		input.channels === (input.hasAlpha ? 4 : 3) &&
		output.resize === undefined &&
		!(input.hasAlpha && format === 'jpeg')
	);
}

function describe(data: Buffer, width: number, height: number, format: WrittenFormat): AdjustResult {
	const mimeType = mimeForFormat(format);
	return { data, info: { width, height, format, mimeType, extension: extensionForMime(mimeType), bytes: data.length } };
}

function applyFormat(s: Sharp, format: WrittenFormat, o: ResolvedOutputOptions): Sharp {
	switch (format) {
		case 'jpeg':
			return s.jpeg({
				quality: o.quality ?? DEFAULT_QUALITY.jpeg,
				chromaSubsampling: o.chromaSubsampling,
				optimiseCoding: o.optimiseCoding,
				mozjpeg: false,
			});
		case 'png':
			return s.png();
		case 'webp':
			return s.webp({ quality: o.quality ?? DEFAULT_QUALITY.webp });
		case 'avif':
			return s.avif({ quality: o.quality ?? DEFAULT_QUALITY.avif, chromaSubsampling: o.chromaSubsampling });
	}
}
