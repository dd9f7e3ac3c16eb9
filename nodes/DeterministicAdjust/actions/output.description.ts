/** Output file options shared by both operations, and their mapping to the engine. */
import type { IDataObject, INodeProperties } from 'n8n-workflow';
import type { AdjustOutputOptions } from '../../../engine/adjust/types';
import { integerInRange, numberInRange, numeric, oneOf } from '../../../engine/core/validate';

export const outputOptions: INodeProperties[] = [
	{
		displayName: 'Format',
		name: 'format',
		type: 'options',
		default: 'same',
		options: [
			{ name: 'AVIF', value: 'avif' },
			{ name: 'JPEG', value: 'jpeg' },
			{ name: 'PNG', value: 'png' },
			{ name: 'Same as Input', value: 'same', description: 'JPEG, PNG, WebP and AVIF keep their format; HEIF becomes AVIF, GIF and TIFF become PNG' },
			{ name: 'WebP', value: 'webp' },
		],
	},
	{
		displayName: 'Quality',
		name: 'quality',
		type: 'number',
		default: 90,
		typeOptions: { minValue: 1, maxValue: 100 },
		description: 'JPEG, WebP and AVIF quality (PNG is lossless)',
	},
	{
		displayName: 'Keep Metadata',
		name: 'keepMetadata',
		type: 'boolean',
		default: false,
		description: 'Whether to keep EXIF, XMP and IPTC and tag the file as sRGB. Off: all metadata is stripped. Input colour profiles are always converted to sRGB first.',
	},
	{
		displayName: 'Resize Width',
		name: 'resizeWidth',
		type: 'number',
		default: 0,
		typeOptions: { minValue: 0, maxValue: 65535 },
		description: 'Resize after all steps; 0 = keep',
	},
	{
		displayName: 'Resize Height',
		name: 'resizeHeight',
		type: 'number',
		default: 0,
		typeOptions: { minValue: 0, maxValue: 65535 },
		description: 'Resize after all steps; 0 = keep',
	},
	{
		displayName: 'Resize Fit',
		name: 'resizeFit',
		type: 'options',
		default: 'inside',
		options: [
			{ name: 'Contain (Letterbox)', value: 'contain' },
			{ name: 'Cover (Crop to Fill)', value: 'cover' },
			{ name: 'Fill (Stretch)', value: 'fill' },
			{ name: 'Inside (Keep Ratio, Fit Within)', value: 'inside' },
			{ name: 'Outside (Keep Ratio, Cover Box)', value: 'outside' },
		],
	},
	{
		displayName: 'Output Binary Field',
		name: 'outputBinaryField',
		type: 'string',
		default: 'data',
		description: 'Binary property to write the adjusted image to',
	},
	{
		displayName: 'Max Input Megapixels',
		name: 'maxInputMegapixels',
		type: 'number',
		default: 100,
		typeOptions: { minValue: 1, maxValue: 1000 },
		description: 'Larger inputs are refused (protects n8n from decompression bombs)',
	},
	{
		displayName: 'Images in Parallel',
		name: 'concurrency',
		type: 'number',
		default: 2,
		typeOptions: { minValue: 1, maxValue: 16 },
		description: 'Items processed at once. Results are identical at any value; more uses more memory.',
	},
];

/** 0, empty or absent means "keep" for the resize fields. */
const keep = (value: unknown): boolean => value === undefined || value === null || value === '' || value === 0 || value === '0';

/**
 * Maps the node's Options collection to the engine's output options, checking each value with
 * the name the user sees (a negative or non-numeric size is an error, not "keep").
 * @throws {EngineError} invalidInput "Expected an integer between 0 and 65535 for Resize Width but received -100"
 */
export function toOutputOptions(options: IDataObject): AdjustOutputOptions {
	const output: AdjustOutputOptions = {
		format: options.format === undefined ? 'same' : oneOf('Format', options.format, FORMATS),
		keepMetadata: Boolean(options.keepMetadata),
	};
	if (options.quality !== undefined) output.quality = integerInRange('Quality', numeric(options.quality), 1, 100);
	const width = keep(options.resizeWidth) ? 0 : integerInRange('Resize Width', numeric(options.resizeWidth), 0, 65535);
	const height = keep(options.resizeHeight) ? 0 : integerInRange('Resize Height', numeric(options.resizeHeight), 0, 65535);
	if (width > 0 || height > 0) {
		output.resize = { fit: options.resizeFit === undefined ? 'inside' : oneOf('Resize Fit', options.resizeFit, FITS) };
		if (width > 0) output.resize.width = width;
		if (height > 0) output.resize.height = height;
	}
	return output;
}

const FORMATS = ['same', 'jpeg', 'png', 'webp', 'avif'] as const;
const FITS = ['contain', 'cover', 'fill', 'inside', 'outside'] as const;

/**
 * Max Input Megapixels of an item, in pixels.
 * @throws {EngineError} invalidInput "Expected a number between 0.01 and 1000 for Max Input Megapixels ..."
 */
export function maxPixelsOf(options: IDataObject): number {
	return numberInRange('Max Input Megapixels', numeric(options.maxInputMegapixels ?? 100), 0.01, 1000) * 1_000_000;
}

/**
 * Images in Parallel, checked per item (an error thrown before the items run would make n8n pass
 * every item through unedited under "Continue On Fail").
 * @throws {EngineError} invalidInput "Expected an integer between 1 and 16 for Images in Parallel ..."
 */
export function concurrencyOf(options: IDataObject): number {
	return integerInRange('Images in Parallel', numeric(options.concurrency ?? 2), 1, 16);
}

/** Images in Parallel of item 0 for the execution, or the default when it is invalid (reported per item). */
export function concurrencyOrDefault(options: IDataObject): number {
	try {
		return concurrencyOf(options);
	} catch {
		return 2;
	}
}
