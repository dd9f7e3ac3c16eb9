/**
 * Loads the approved (and original) reference images for Reference Edit and Multi-Sample:
 * from each item, or once from the first item and shared by all items of the execution.
 */
import type { IExecuteFunctions } from 'n8n-workflow';
import { measureImage } from '../../engine/analysis/stats';
import { prepareForUpload } from '../../engine/image/upload';
import type { ReferenceImage } from '../../engine/strategies/reference-edit';
import { readImage } from './binary';

export type ReferenceSource = 'item' | 'firstItem';

/** Per-execution cache, so a shared reference is decoded and measured once. */
export class ReferenceLoader {
	private readonly shared = new Map<string, Promise<ReferenceImage>>();

	constructor(
		private readonly fn: IExecuteFunctions,
		private readonly maxPixels: number,
	) {}

	load(itemIndex: number, property: string, source: ReferenceSource, parameterName: string): Promise<ReferenceImage> {
		if (source === 'item') return this.read(itemIndex, property, parameterName);
		const key = `${property}`;
		let cached = this.shared.get(key);
		if (!cached) {
			cached = this.read(0, property, `${parameterName} (from the first item)`);
			this.shared.set(key, cached);
		}
		return cached;
	}

	private async read(itemIndex: number, property: string, parameterName: string): Promise<ReferenceImage> {
		const image = await readImage(this.fn, itemIndex, property, { maxPixels: this.maxPixels, parameterName });
		const [upload, stats] = await Promise.all([prepareForUpload(image.data, image.info), measureImage(image.data)]);
		return { upload: { data: upload.data, mimeType: upload.mimeType }, stats };
	}
}
