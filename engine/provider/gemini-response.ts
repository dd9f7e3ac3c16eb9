/**
 * Reads a generateContent answer. HTTP 200 can still be a failure (FACTS.md): a blocked
 * prompt, a candidate stopped for safety, NO_IMAGE, or a text-only refusal; each becomes
 * the matching EngineError.
 */
import type { GenerateContentResponse } from '@google/genai';
import { EngineError } from '../core/errors';
import type { OutputImage, TokenUsage } from './image-request';

const SAFETY_REASONS = new Set([
	'SAFETY',
	'IMAGE_SAFETY',
	'PROHIBITED_CONTENT',
	'IMAGE_PROHIBITED_CONTENT',
	'BLOCKLIST',
	'SPII',
	'RECITATION',
	'IMAGE_RECITATION',
]);

export interface ParsedImageResponse {
	images: OutputImage[];
	text: string;
	finishReason?: string;
	usage?: TokenUsage;
	modelVersion?: string;
	responseId?: string;
}

/**
 * Extracts images (inlineData parts that are not thoughts), text and usage.
 * @throws {EngineError} 'safetyBlock' or 'noImage' when the answer holds no image
 */
export function parseImageResponse(response: GenerateContentResponse, model: string): ParsedImageResponse {
	const blockReason = response.promptFeedback?.blockReason;
	const candidate = response.candidates?.[0];
	if (!candidate) {
		if (blockReason) {
			const detail = response.promptFeedback?.blockReasonMessage;
			throw new EngineError(
				'safetyBlock',
				`The prompt or input image was blocked by the provider's safety filter (${blockReason}). Rephrase the instruction or use another image; this is not retried.`,
				{ reason: String(blockReason), description: detail },
			);
		}
		throw new EngineError('noImage', `Model "${model}" returned no candidates and no reason.`, { retryable: false });
	}
	const finishReason = candidate.finishReason ? String(candidate.finishReason) : undefined;
	const parts = candidate.content?.parts ?? [];
	const images: OutputImage[] = [];
	const texts: string[] = [];
	for (const part of parts) {
		if (part.thought) continue;
		if (part.inlineData?.data) {
			images.push({
				data: Buffer.from(part.inlineData.data, 'base64'),
				mimeType: part.inlineData.mimeType ?? 'image/png',
			});
		} else if (typeof part.text === 'string' && part.text.trim()) {
			texts.push(part.text.trim());
		}
	}
	const text = texts.join('\n');
	if (images.length === 0) {
		if (finishReason && SAFETY_REASONS.has(finishReason)) {
			throw new EngineError(
				'safetyBlock',
				`The generated image was blocked by the provider's safety filter (${finishReason}). Adjust the instruction or the input image; this is not retried.`,
				{ reason: finishReason, description: candidate.finishMessage ?? (text || undefined) },
			);
		}
		const said = text ? ` The model said: "${text.slice(0, 300)}"` : '';
		throw new EngineError(
			'noImage',
			`Model "${model}" returned no image (finish reason ${finishReason ?? 'unknown'}).${said} Make the instruction an explicit image edit, or try again.`,
			{ reason: finishReason, description: text || candidate.finishMessage },
		);
	}
	return {
		images,
		text,
		finishReason,
		usage: usageOf(response),
		modelVersion: response.modelVersion,
		responseId: response.responseId,
	};
}

function usageOf(response: GenerateContentResponse): TokenUsage | undefined {
	const u = response.usageMetadata;
	if (!u) return undefined;
	const imageOutputTokens = u.candidatesTokensDetails
		?.filter((d) => String(d.modality) === 'IMAGE')
		.reduce((sum, d) => sum + (d.tokenCount ?? 0), 0);
	return {
		promptTokens: u.promptTokenCount ?? 0,
		outputTokens: u.candidatesTokenCount ?? 0,
		thoughtsTokens: u.thoughtsTokenCount ?? 0,
		totalTokens: u.totalTokenCount ?? 0,
		imageOutputTokens: imageOutputTokens || undefined,
	};
}
