/**
 * The provider-neutral shape of one image generation/edit call and of its result.
 * Strategies build an {@link ImageRequest}; transports turn it into wire format.
 */
import type { ImageSize } from './models';

/** One input image. */
export interface InputImage {
	data: Buffer;
	mimeType: string;
}

/** Parts in the order the model sees them; the output follows the LAST image. */
export type RequestPart = { text: string } | { image: InputImage };

export interface ImageRequest {
	model: string;
	parts: RequestPart[];
	/** Output resolution class; omitted = the model's default (1K). */
	imageSize?: ImageSize;
	/** e.g. '3:2'; omitted = the model follows the last input image. */
	aspectRatio?: string;
	/** Best-effort for Gemini: sent as generationConfig.seed. */
	seed?: number;
	/** 0..2; omitted = the model's default. */
	temperature?: number;
	/** Ask for text besides the image (lets refusals explain themselves). @default true */
	includeText?: boolean;
}

export interface TokenUsage {
	promptTokens: number;
	outputTokens: number;
	thoughtsTokens: number;
	totalTokens: number;
	/** Output tokens spent on images, when the provider itemises them. */
	imageOutputTokens?: number;
}

export interface OutputImage {
	data: Buffer;
	mimeType: string;
}

export interface ImageResult {
	images: OutputImage[];
	/** Non-thought text the model returned, joined. */
	text: string;
	finishReason?: string;
	usage?: TokenUsage;
	modelVersion?: string;
	responseId?: string;
	/** Wall time of the successful attempt (ms). */
	latencyMs: number;
	/** Attempts made, the successful one included. */
	attempts: number;
}

/** Counts the images in a request. */
export function countImages(request: ImageRequest): number {
	return request.parts.filter((p) => 'image' in p).length;
}
