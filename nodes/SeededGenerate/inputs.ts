/**
 * Input images of one item for Seeded Generate: read through the pack's one binary reader
 * (validated, pixel limit) and prepared for upload (upright, bounded size, a format every
 * backend takes).
 */
import type { IExecuteFunctions } from 'n8n-workflow';
import { prepareForUpload } from '../../engine/image/upload';
import type { InputImage, RequestPart } from '../../engine/provider/image-request';
import type { SeededImageRequest } from '../../engine/provider/seeded-request';
import { readImage } from '../shared/binary';

/** A backend's request for one item, before the seed is set, and the name for output files. */
export interface BackendRequest {
	request: Omit<SeededImageRequest, 'seed'>;
	/** File name of the first input image, to name the output after it. */
	fileName?: string;
}

/**
 * Reads the images in binary properties `fields` of item `itemIndex`, in order.
 * @throws {EngineError} invalidInput naming the property and the parameter
 */
export async function readInputImages(
	fn: IExecuteFunctions,
	itemIndex: number,
	fields: string[],
	parameterName: string,
	maxPixels: number,
): Promise<{ images: InputImage[]; fileName?: string }> {
	const images: InputImage[] = [];
	let fileName: string | undefined;
	for (const field of fields) {
		const loaded = await readImage(fn, itemIndex, field, { maxPixels, parameterName });
		const upload = await prepareForUpload(loaded.data, loaded.info);
		images.push({ data: upload.data, mimeType: upload.mimeType });
		fileName ??= loaded.fileName;
	}
	return { images, fileName };
}

/** The prompt first, then the images (edit models follow the LAST image). */
export function partsOf(prompt: string, images: InputImage[]): RequestPart[] {
	return [...(prompt ? [{ text: prompt }] : []), ...images.map((image) => ({ image }))];
}
