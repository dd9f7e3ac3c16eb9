/** The JSON every AI edit node writes for a result: enough to audit and replay the call. */
import type { IDataObject } from 'n8n-workflow';
import type { EditResult } from '../../engine/strategies/edit-call';

export function editResultJson(result: EditResult): IDataObject {
	return {
		prompt: result.prompt,
		model: result.model,
		modelVersion: result.modelVersion ?? null,
		finishReason: result.finishReason ?? null,
		modelText: result.text || null,
		request: { ...result.request } as IDataObject,
		seed: { ...result.seed },
		tokens: result.usage ? ({ ...result.usage } as IDataObject) : null,
		cost: { ...result.cost },
		latencyMs: result.latencyMs,
		attempts: result.attempts,
		input: { ...result.input },
		output: { width: result.image.width, height: result.image.height, mimeType: result.image.mimeType, bytes: result.image.data.length },
		effect: { ...result.effect },
	};
}
