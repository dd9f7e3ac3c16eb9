/**
 * The one binary reader/writer of the pack. Reads go through n8n's helpers, so they work in
 * every binary data mode (filesystem, database, S3); every image is validated by the engine
 * (decodable, pixel limit, still image) before any work or money is spent on it.
 */
import type { IBinaryData, IExecuteFunctions } from 'n8n-workflow';
import { EngineError } from '../../engine/core/errors';
import { inspectImage, type ImageInfo } from '../../engine/image/input';
import { extensionForMime, mimeForFormat } from '../../engine/image/formats';

export interface LoadedImage {
	data: Buffer;
	info: ImageInfo;
	/** Mime type from the decoder, not from the item's (possibly wrong) label. */
	mimeType: string;
	fileName?: string;
	/** The binary property it came from. */
	property: string;
}

export interface ReadImageOptions {
	/** Pixel limit against decompression bombs. */
	maxPixels?: number;
	/** Parameter name shown in errors, e.g. 'Input Binary Field'. */
	parameterName?: string;
}

/**
 * Reads and validates the image in binary property `property` of item `itemIndex`.
 * @throws {EngineError} invalidInput naming the item, the parameter and the cause
 */
export async function readImage(
	ctx: IExecuteFunctions,
	itemIndex: number,
	property: string,
	options: ReadImageOptions = {},
): Promise<LoadedImage> {
	const parameter = options.parameterName ?? 'Input Binary Field';
	const name = property.trim();
	const item = ctx.getInputData()[itemIndex];
	const binary = item?.binary?.[name];
	if (!name || !binary) {
		const available = Object.keys(item?.binary ?? {});
		throw new EngineError('invalidInput', `No binary property "${name}" on this item (parameter "${parameter}")`, {
			parameter,
			description: available.length
				? `The item has these binary properties: ${available.join(', ')}.`
				: 'The item has no binary data at all. Read the file first (e.g. with Read/Write Files from Disk or a storage node).',
		});
	}
	const data = await ctx.helpers.getBinaryDataBuffer(itemIndex, name);
	const info = await inspectImage(data, {
		maxPixels: options.maxPixels,
		label: `image in binary property "${name}" (parameter "${parameter}")`,
	});
	return { data, info, mimeType: mimeForFormat(info.format), fileName: binary.fileName, property: name };
}

/**
 * Stores an output image in the active binary data mode with a proper file name and mime type.
 * @param baseName - input file name (extension replaced) or a fallback
 */
export async function writeImage(
	ctx: IExecuteFunctions,
	data: Buffer,
	mimeType: string,
	baseName: string | undefined,
	suffix: string,
): Promise<IBinaryData> {
	const stem = (baseName ?? 'image').replace(/\.[A-Za-z0-9]{1,5}$/, '') || 'image';
	return await writeBinary(ctx, data, `${stem}${suffix}.${extensionForMime(mimeType)}`, mimeType);
}

/** Stores any output file (e.g. a learned .cube LUT). Always pass the mime type: n8n would sniff it otherwise. */
export async function writeBinary(ctx: IExecuteFunctions, data: Buffer, fileName: string, mimeType: string): Promise<IBinaryData> {
	return await ctx.helpers.prepareBinaryData(data, fileName, mimeType);
}

/** Reads a non-image binary (e.g. a .cube file) of item `itemIndex`, with a size limit. */
export async function readFile(
	ctx: IExecuteFunctions,
	itemIndex: number,
	property: string,
	parameterName: string,
	maxBytes: number,
): Promise<Buffer> {
	const name = property.trim();
	const binary = ctx.getInputData()[itemIndex]?.binary?.[name];
	if (!name || !binary) {
		throw new EngineError('invalidInput', `No binary property "${name}" on this item (parameter "${parameterName}")`, { parameter: parameterName });
	}
	const data = await ctx.helpers.getBinaryDataBuffer(itemIndex, name);
	if (data.length > maxBytes) {
		throw new EngineError('invalidInput', `The file in binary property "${name}" is ${data.length} bytes, over the limit of ${maxBytes} (parameter "${parameterName}")`, {
			parameter: parameterName,
		});
	}
	return data;
}
