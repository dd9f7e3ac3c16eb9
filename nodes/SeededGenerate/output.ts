/** The output item of Seeded Generate: the images as binary, and JSON to audit and replay the call. */
import type { IBinaryData, IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { BACKEND_NAMES, type SeededGenerateResult } from '../../engine/strategies/seeded-generate';
import { writeImage } from '../shared/binary';

/**
 * One output item: the input item's binaries, the generated images in `field`, `field_1`, ...,
 * and the result JSON.
 */
export async function seededOutputItem(
	fn: IExecuteFunctions,
	itemIndex: number,
	result: SeededGenerateResult,
	field: string,
	fileName: string | undefined,
): Promise<INodeExecutionData> {
	const binary: Record<string, IBinaryData> = { ...(fn.getInputData()[itemIndex]?.binary ?? {}) };
	const images: IDataObject[] = [];
	for (const [index, image] of result.images.entries()) {
		const property = index === 0 ? field : `${field}_${index}`;
		const suffix = `-seed${result.seed.value}${index === 0 ? '' : `-${index}`}`;
		binary[property] = await writeImage(fn, image.data, image.mimeType, fileName ?? 'seeded', suffix);
		images.push({ binaryProperty: property, width: image.width, height: image.height, mimeType: image.mimeType, bytes: image.data.length });
	}
	return { json: seededResultJson(result, images), binary, pairedItem: { item: itemIndex } };
}

/** The JSON of a result: backend, model, seed and its honesty, every parameter, cost, latency. */
export function seededResultJson(result: SeededGenerateResult, images: IDataObject[]): IDataObject {
	const r = result.reproducibility;
	return {
		backend: result.backend,
		backendName: BACKEND_NAMES[result.backend],
		model: result.model || null,
		seed: result.seed.value,
		seedMode: result.seed.mode,
		seedHonoured: result.seed.honoured,
		seedNote: result.seed.note,
		seedReported: result.seed.reported,
		parameters: result.parameters as IDataObject,
		images,
		cost: { ...result.cost },
		latencyMs: result.latencyMs,
		attempts: result.attempts,
		tokens: result.usage ? ({ ...result.usage } as IDataObject) : null,
		reproducibility: r
			? {
					checked: true,
					reproducible: r.reproducible,
					tolerance: r.tolerance,
					maxAbsDiff: r.maxAbsDiff,
					meanAbsDiff: r.meanAbsDiff,
					differingPixelShare: r.differingPixelShare,
					identicalBytes: r.identicalBytes,
					sameSize: r.sameSize,
					imageCounts: r.imageCounts,
					secondCall: { ...r.secondCall, cost: { ...r.secondCall.cost } },
				}
			: { checked: false },
		details: result.details as IDataObject,
		warnings: result.warnings,
	};
}
