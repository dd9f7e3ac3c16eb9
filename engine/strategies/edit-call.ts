/**
 * What every Gemini edit strategy shares: validate the image options against the model, make
 * the call through the limiter and retry policy, check and optionally resize the returned
 * image, price the call, and measure the effect against the image being edited.
 */
import sharp from 'sharp';
import { EngineError } from '../core/errors';
import type { Limiter } from '../core/limiter';
import type { RetryEvent, RetryPolicy } from '../core/retry';
import { integerInRange, invalidParameterError, numberInRange } from '../core/validate';
import { costOf, type Cost, type PriceTable } from '../cost/prices';
import { effectBetween, type Effect } from '../analysis/effect';
import { measureImage, statsOf, thumbnail, type ImageStats, type Thumbnail } from '../analysis/stats';
import { inspectImage } from '../image/input';
import { callWithPolicy, type ImageTransport } from '../provider/call';
import type { ProviderKind } from '../provider/config';
import type { ImageRequest, RequestPart, TokenUsage } from '../provider/image-request';
import { closestAspectRatio, retiredModel, supportedAspectRatios, supportedImageSizes, type ImageSize } from '../provider/models';

/** Image options shared by Quantified Edit, Reference Edit and Multi-Sample. */
export interface EditOptions {
	/** Model id, e.g. gemini-3-pro-image. */
	model: string;
	/** 1K, 2K or 4K where the model supports it; omitted = model default. */
	imageSize?: ImageSize;
	/** 'match' = the supported ratio closest to the edited image; 'auto' or omitted = let the model decide. */
	aspectRatio?: string;
	/** Sent as generationConfig.seed; Gemini honours it on a best-effort basis only. */
	seed?: number;
	/** 0-2. */
	temperature?: number;
	/** Resize the result to the edited image's exact width and height. @default false */
	restoreInputSize?: boolean;
}

/** Where and how calls are made; one per node execution. */
export interface EditContext {
	provider: ProviderKind;
	transport: ImageTransport;
	limiter: Limiter;
	retry: RetryPolicy;
	prices?: PriceTable;
	signal?: AbortSignal;
	onRetry?: (event: RetryEvent) => void;
}

/** The image being edited: validated bytes and its size (after auto-orientation). */
export interface EditTarget {
	data: Buffer;
	width: number;
	height: number;
}

export interface EditResult {
	image: { data: Buffer; mimeType: string; width: number; height: number };
	prompt: string;
	model: string;
	modelVersion?: string;
	finishReason?: string;
	/** Text the model returned besides the image. */
	text: string;
	usage?: TokenUsage;
	cost: Cost;
	latencyMs: number;
	attempts: number;
	/** What was asked of the provider, for the output JSON and for replaying the call. */
	request: { imageSize?: ImageSize; aspectRatio?: string; seed?: number; temperature?: number; imagesSent: number };
	seed: { value: number | null; honoured: 'best-effort' | 'not sent' };
	/** Size of the edited image (after auto-orientation). */
	input: { width: number; height: number };
	before: ImageStats;
	after: ImageStats;
	/** The RGB analysis thumbnail `after` was measured on (Multi-Sample scores from it). */
	thumbnail: Thumbnail;
	effect: Effect;
}

/**
 * Validates options before any money is spent.
 * @throws {EngineError} invalidInput naming the option
 */
export function validateEditOptions(options: EditOptions): void {
	const model = options.model?.trim();
	if (!model) throw invalidParameterError('Model', 'a model id such as gemini-3-pro-image', options.model);
	const retired = retiredModel(model);
	if (retired) {
		throw new EngineError('modelRetired', `Model "${model}" was shut down${retired.since ? ` on ${retired.since}` : ''}. Use ${retired.use} instead.`, {
			parameter: 'Model',
		});
	}
	if (options.imageSize !== undefined && !supportedImageSizes(model).includes(options.imageSize)) {
		throw invalidParameterError('Image Size', `one of ${supportedImageSizes(model).join(', ')} for ${model}`, options.imageSize);
	}
	const ratio = options.aspectRatio;
	if (ratio && ratio !== 'match' && ratio !== 'auto' && !supportedAspectRatios(model).includes(ratio)) {
		throw invalidParameterError('Aspect Ratio', `one of ${supportedAspectRatios(model).join(', ')}`, ratio);
	}
	if (options.seed !== undefined) integerInRange('Seed', options.seed, 0, 2_147_483_647);
	if (options.temperature !== undefined) numberInRange('Temperature', options.temperature, 0, 2);
}

/**
 * Sends `parts` (the edited image must be the LAST image) and returns the checked result.
 * @param target - the image the output should follow, for aspect ratio, resizing and measuring
 * @param before - stats of `target` when already measured (Multi-Sample measures once per item)
 * @throws {EngineError} any provider kind; 'invalidResponse' when the returned bytes are not an image
 */
export async function runEdit(
	target: EditTarget,
	parts: RequestPart[],
	prompt: string,
	options: EditOptions,
	ctx: EditContext,
	before?: ImageStats,
): Promise<EditResult> {
	validateEditOptions(options);
	const aspectRatio =
		options.aspectRatio === 'match'
			? closestAspectRatio(target.width, target.height, options.model)
			: options.aspectRatio === 'auto'
				? undefined
				: options.aspectRatio;
	const request: ImageRequest = {
		model: options.model.trim(),
		parts,
		imageSize: options.imageSize,
		aspectRatio,
		seed: options.seed,
		temperature: options.temperature,
	};
	const beforeStats = before ?? (await measureImage(target.data));
	const result = await callWithPolicy(ctx.transport, request, {
		limiter: ctx.limiter,
		retry: ctx.retry,
		signal: ctx.signal,
		onRetry: ctx.onRetry,
	});
	const produced = result.images[result.images.length - 1];
	let image = await checkedImage(produced.data, produced.mimeType, request.model);
	if (options.restoreInputSize && (image.width !== target.width || image.height !== target.height)) {
		image = await resizeExactly(image, target.width, target.height);
	}
	const afterThumbnail = await thumbnail(image.data);
	const after = statsOf(afterThumbnail);
	return {
		image,
		prompt,
		model: request.model,
		modelVersion: result.modelVersion,
		finishReason: result.finishReason,
		text: result.text,
		usage: result.usage,
		cost: costOf(
			{ provider: ctx.provider, model: request.model, usage: result.usage, imageCount: result.images.length, imageSize: options.imageSize, succeeded: true },
			ctx.prices,
		),
		latencyMs: result.latencyMs,
		attempts: result.attempts,
		request: {
			imageSize: options.imageSize,
			aspectRatio,
			seed: options.seed,
			temperature: options.temperature,
			imagesSent: parts.filter((p) => 'image' in p).length,
		},
		seed: { value: options.seed ?? null, honoured: options.seed === undefined ? 'not sent' : 'best-effort' },
		input: { width: target.width, height: target.height },
		before: beforeStats,
		after,
		thumbnail: afterThumbnail,
		effect: effectBetween(beforeStats, after),
	};
}

async function checkedImage(data: Buffer, mimeType: string, model: string) {
	try {
		const info = await inspectImage(data, { label: `image returned by ${model}` });
		const mime = info.format === 'jpeg' ? 'image/jpeg' : `image/${info.format}`;
		return { data, mimeType: mime || mimeType, width: info.width, height: info.height };
	} catch (error) {
		throw new EngineError('invalidResponse', `Model "${model}" returned data that is not a readable image`, { cause: error, retryable: false });
	}
}

/**
 * Resizes to exactly width x height: stretched when the aspect ratios differ by < 1 %
 * (rounding), centre-cropped otherwise, so nothing is distorted visibly. Keeps the format.
 */
async function resizeExactly(image: { data: Buffer; mimeType: string }, width: number, height: number) {
	const meta = await sharp(image.data).metadata();
	const ratioGap = Math.abs(Math.log(((meta.width ?? width) / (meta.height ?? height)) / (width / height)));
	const pipeline = sharp(image.data).resize({ width, height, fit: ratioGap < 0.01 ? 'fill' : 'cover', kernel: 'lanczos3' });
	const data = image.mimeType === 'image/jpeg' ? await pipeline.jpeg({ quality: 95 }).toBuffer() : await pipeline.png().toBuffer();
	return { data, mimeType: image.mimeType === 'image/jpeg' ? 'image/jpeg' : 'image/png', width, height };
}
