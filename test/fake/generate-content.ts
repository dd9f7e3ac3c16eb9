/**
 * models/{model}:generateContent for the Gemini API and Vertex AI (FACTS.md "Google image models").
 * Validates like the real API, then edits the LAST input image per the prompt's quantities
 * (prompt-edits.ts), with the configured variance; the seed is ignored (best-effort upstream).
 */
import { googlePreamble, type GoogleCall } from './google-call';
import { badInputImage, invalidArgument } from './google-errors';
import { bodyObject, isRecord, json, type Ctx, type Reply } from './http';
import { dimensions, parseRatio, render, sizeForLongSide, syntheticPicture } from './pictures';
import { applyVariance, parseEdits, wantsJpeg } from './prompt-edits';

const MAX_REQUEST_BYTES = 20 * 1024 * 1024;
const INPUT_MIME_TYPES = new Set(['image/png', 'image/jpeg', 'image/webp', 'image/heic', 'image/heif']);
const LONG_SIDE: Record<string, number> = { '1K': 1024, '2K': 2048, '4K': 4096 };
const ASPECT_RATIOS = ['1:1', '2:3', '3:2', '3:4', '4:3', '4:5', '5:4', '9:16', '16:9', '21:9'];
const EXTRA_RATIOS_31_FLASH = ['1:4', '4:1', '1:8', '8:1'];

const isImageModel = (model: string): boolean => /-image\b/.test(model);
const thinks = (model: string): boolean => model.startsWith('gemini-3');
const aspectRatios = (model: string): string[] =>
	model.startsWith('gemini-3.1-flash-image') ? [...ASPECT_RATIOS, ...EXTRA_RATIOS_31_FLASH] : ASPECT_RATIOS;
const imageSizes = (model: string): string[] =>
	model.startsWith('gemini-2.5-flash-image') ? ['1K'] : ['1K', '2K', '4K'];

/** Output image tokens (FACTS.md: ~1120 at 1K/2K, 2000 at 4K for gemini-3-pro-image; 1290 for 2.5). */
function outputImageTokens(model: string, size: string): number {
	if (model.startsWith('gemini-2.5')) return 1290;
	return size === '4K' ? 2000 : 1120;
}

interface InlineImage {
	mimeType: string;
	data: string;
}

interface Request {
	prompt: string;
	images: InlineImage[];
	wantsImage: boolean;
	wantsText: boolean;
	aspectRatio?: string;
	imageSize: string;
}

/** Read and validate the body; an error Reply for whatever the real API rejects. */
function readRequest(ctx: Ctx, call: GoogleCall): Request | Reply {
	if (ctx.record.rawBody.length > MAX_REQUEST_BYTES) {
		return invalidArgument(`Request payload size exceeds the limit: ${MAX_REQUEST_BYTES} bytes.`);
	}
	const body = bodyObject(ctx);
	if (!body) return invalidArgument('Invalid JSON payload received. Unexpected token.');
	if (!Array.isArray(body.contents) || body.contents.length === 0) {
		return invalidArgument('* GenerateContentRequest.contents: contents is not specified\n');
	}
	const texts: string[] = [];
	const images: InlineImage[] = [];
	for (const [i, content] of body.contents.entries()) {
		const parts = isRecord(content) ? content.parts : undefined;
		if (!Array.isArray(parts) || parts.length === 0) {
			return invalidArgument(`* GenerateContentRequest.contents[${i}].parts: contents.parts must not be empty.\n`);
		}
		for (const part of parts) {
			if (!isRecord(part) || part.thought === true) continue;
			if (typeof part.text === 'string') texts.push(part.text);
			const inline = part.inlineData;
			if (isRecord(inline)) {
				const mimeType = String(inline.mimeType ?? '');
				if (!INPUT_MIME_TYPES.has(mimeType)) return invalidArgument(`Unsupported MIME type: ${mimeType}`);
				images.push({ mimeType, data: String(inline.data ?? '') });
			}
		}
	}
	const config = isRecord(body.generationConfig) ? body.generationConfig : {};
	if (typeof config.candidateCount === 'number' && config.candidateCount > 1) {
		return invalidArgument(`Multiple candidates is not enabled for ${call.resource}`);
	}
	const modalities = Array.isArray(config.responseModalities)
		? config.responseModalities.map((m) => String(m).toUpperCase())
		: undefined;
	const imageModel = isImageModel(call.model);
	const wantsImage = modalities ? modalities.includes('IMAGE') : imageModel;
	if (wantsImage && !imageModel) {
		return invalidArgument('Model does not support the requested response modalities: image');
	}
	const imageConfig = isRecord(config.imageConfig) ? config.imageConfig : {};
	const aspectRatio = imageConfig.aspectRatio === undefined ? undefined : String(imageConfig.aspectRatio);
	if (imageModel && aspectRatio !== undefined && !aspectRatios(call.model).includes(aspectRatio)) {
		// Field-violation style of the real API; exact wording not verified.
		return invalidArgument(
			`* GenerateContentRequest.generation_config.image_config.aspect_ratio: unsupported aspect ratio "${aspectRatio}" for ${call.resource}\n`,
		);
	}
	const imageSize = imageConfig.imageSize === undefined ? '1K' : String(imageConfig.imageSize);
	if (imageModel && !imageSizes(call.model).includes(imageSize)) {
		// Sizes are '1K' | '2K' | '4K' with an upper-case K; gemini-2.5-flash-image is 1K only.
		return invalidArgument(
			`* GenerateContentRequest.generation_config.image_config.image_size: unsupported image size "${imageSize}" for ${call.resource}\n`,
		);
	}
	return {
		prompt: texts.join('\n'),
		images,
		wantsImage,
		wantsText: modalities ? modalities.includes('TEXT') : true,
		aspectRatio,
		imageSize,
	};
}

function usage(call: GoogleCall, req: Request, outputTokens: number, thoughtTokens: number): Record<string, unknown> {
	const textTokens = Math.max(1, Math.ceil(req.prompt.length / 4));
	const perImage = thinks(call.model) ? 560 : 258;
	const promptTokensDetails = [{ modality: 'TEXT', tokenCount: textTokens }];
	if (req.images.length) promptTokensDetails.push({ modality: 'IMAGE', tokenCount: perImage * req.images.length });
	const promptTokenCount = textTokens + perImage * req.images.length;
	return {
		promptTokenCount,
		...(outputTokens ? { candidatesTokenCount: outputTokens } : {}),
		totalTokenCount: promptTokenCount + outputTokens + thoughtTokens,
		...(thoughtTokens ? { thoughtsTokenCount: thoughtTokens } : {}),
		promptTokensDetails,
		...(outputTokens && req.wantsImage
			? { candidatesTokensDetails: [{ modality: 'IMAGE', tokenCount: outputTokens }] }
			: {}),
		...(call.flavour === 'vertex' ? { trafficType: 'ON_DEMAND' } : {}),
	};
}

/** Envelope fields every answer carries (Vertex adds createTime). */
function envelope(ctx: Ctx, call: GoogleCall): Record<string, unknown> {
	return {
		modelVersion: call.model,
		...(call.flavour === 'vertex' ? { createTime: new Date().toISOString() } : {}),
		responseId: Buffer.from(ctx.state.prng.hex(30), 'hex').toString('base64url'),
	};
}

/** The Gemini-only "HTTP 200 but no image" faults, or undefined for the others. */
function contentFault(ctx: Ctx, call: GoogleCall, req: Request): Reply | undefined {
	switch (ctx.fault?.kind) {
		case 'textOnly':
			return json(200, {
				candidates: [
					{
						content: {
							role: 'model',
							parts: [{ text: "I can't edit this image as requested. Try describing the change differently." }],
						},
						finishReason: 'STOP',
						index: 0,
					},
				],
				usageMetadata: usage(call, { ...req, wantsImage: false }, 24, 0),
				...envelope(ctx, call),
			});
		case 'imageSafety':
		case 'imageOther':
		case 'noImage': {
			const finishReason = { imageSafety: 'IMAGE_SAFETY', imageOther: 'IMAGE_OTHER', noImage: 'NO_IMAGE' }[
				ctx.fault.kind
			];
			return json(200, {
				candidates: [{ finishReason, index: 0 }],
				usageMetadata: usage(call, req, 0, 0),
				...envelope(ctx, call),
			});
		}
		case 'promptBlocked':
			return json(200, {
				promptFeedback: { blockReason: 'PROHIBITED_CONTENT' },
				usageMetadata: usage(call, req, 0, 0),
				...envelope(ctx, call),
			});
		default:
			return undefined;
	}
}

export async function generateContent(ctx: Ctx): Promise<Reply> {
	const { call, reply } = googlePreamble(ctx, 'generateContent', (m) => ctx.state.models.includes(m));
	if (reply) return reply;
	const req = readRequest(ctx, call);
	if ('status' in req) return req;
	const faulted = contentFault(ctx, call, req);
	if (faulted) return faulted;

	if (!req.wantsImage) {
		const parts = [{ text: `This is the fake's text answer to: ${req.prompt.slice(0, 80)}` }];
		return json(200, {
			candidates: [{ content: { role: 'model', parts }, finishReason: 'STOP', index: 0 }],
			usageMetadata: usage(call, req, 16, 0),
			...envelope(ctx, call),
		});
	}

	// Providers follow the LAST image of a multi-image request (FACTS.md, APIYI).
	const last = req.images[req.images.length - 1];
	const input = last ? Buffer.from(last.data, 'base64') : undefined;
	let inputSize: { width: number; height: number } | undefined;
	if (input) {
		try {
			inputSize = await dimensions(input);
		} catch {
			return badInputImage();
		}
	}
	const ratio = req.aspectRatio ? parseRatio(req.aspectRatio)! : inputSize ? inputSize.width / inputSize.height : 1;
	const { width, height } = sizeForLongSide(LONG_SIDE[req.imageSize], ratio);
	const applied = applyVariance(parseEdits(req.prompt), ctx.state.variance, ctx.state.prng);
	ctx.record.applied = applied;
	const source = input ?? syntheticPicture(ctx.state.prng.uint32(), ratio);
	const mimeType = wantsJpeg(req.prompt) ? 'image/jpeg' : ctx.state.outputMimeType;
	const image = await render(source, { width, height, edit: applied, mimeType });

	const parts: Array<Record<string, unknown>> = [];
	const thoughtTokens = thinks(call.model) ? 120 + ctx.state.prng.int(300) : 0;
	if (thoughtTokens) {
		// Gemini 3 image models think, and may show interim "thought" images: consumers must skip them.
		const draft = await render(source, {
			width: Math.max(1, Math.round(width / 4)),
			height: Math.max(1, Math.round(height / 4)),
		});
		parts.push({
			text: '**Planning the edit**\n\nI will keep the composition and adjust the image as asked.',
			thought: true,
		});
		parts.push({ inlineData: { mimeType: 'image/png', data: draft.toString('base64') }, thought: true });
	}
	parts.push({
		inlineData: { mimeType, data: image.toString('base64') },
		thoughtSignature: Buffer.from(ctx.state.prng.hex(64), 'hex').toString('base64'),
	});
	if (req.wantsText) parts.push({ text: 'Here is the edited image.' });
	return json(200, {
		candidates: [{ content: { role: 'model', parts }, finishReason: 'STOP', index: 0 }],
		usageMetadata: usage(call, req, outputImageTokens(call.model, req.imageSize), thoughtTokens),
		...envelope(ctx, call),
	});
}
