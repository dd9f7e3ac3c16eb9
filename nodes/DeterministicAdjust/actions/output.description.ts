/** Output file options shared by both operations, and their mapping to the engine. */
import type { IDataObject, INodeProperties } from 'n8n-workflow';
import type { AdjustOutputOptions } from '../../../engine/adjust/types';

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

/** Maps the node's Options collection to the engine's output options. */
export function toOutputOptions(options: IDataObject): AdjustOutputOptions {
	const width = Number(options.resizeWidth ?? 0);
	const height = Number(options.resizeHeight ?? 0);
	const output: AdjustOutputOptions = {
		format: (options.format as AdjustOutputOptions['format']) ?? 'same',
		keepMetadata: Boolean(options.keepMetadata),
	};
	if (options.quality !== undefined) output.quality = Number(options.quality);
	if (width > 0 || height > 0) {
		output.resize = { fit: (options.resizeFit as NonNullable<AdjustOutputOptions['resize']>['fit']) ?? 'inside' };
		if (width > 0) output.resize.width = width;
		if (height > 0) output.resize.height = height;
	}
	return output;
}
