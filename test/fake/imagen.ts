/**
 * models/{model}:predict (Imagen) on the Gemini API and Vertex. Every imagen-* id is retired by
 * default (404 NOT_FOUND, FACTS.md); a test can un-retire one through options.retiredModels.
 * Un-retired: a seed is deterministic only with addWatermark false; with the watermark on
 * (the default) a seed is rejected.
 */
import { googlePreamble } from './google-call';
import { invalidArgument } from './google-errors';
import { bodyObject, isRecord, json, type Ctx, type Reply } from './http';
import { render, syntheticPicture } from './pictures';
import { hashSeed } from './random';

/** Imagen output sizes at 1K (2K doubles them). */
const IMAGEN_SIZES: Record<string, [number, number]> = {
	'1:1': [1024, 1024],
	'3:4': [896, 1280],
	'4:3': [1280, 896],
	'9:16': [768, 1408],
	'16:9': [1408, 768],
};

const RAI_FILTERED =
	"Unable to show generated images. All images were filtered out because they violated Vertex AI's usage guidelines. You will not be charged for blocked images. Try rephrasing the prompt. If you think this was an error, send feedback. Support codes: 56562880";
const PROMPT_BLOCKED =
	"Image generation failed with the following error: The prompt could not be submitted. This prompt contains sensitive words that violate Google's Responsible AI practices. Try rephrasing the prompt. If you think this was an error, send feedback. Support codes: 42876398";

export async function predict(ctx: Ctx): Promise<Reply> {
	const { reply, call } = googlePreamble(ctx, 'predict', (m) => m.startsWith('imagen-'));
	if (reply) return reply;
	const body = bodyObject(ctx);
	const instance = Array.isArray(body?.instances) && isRecord(body.instances[0]) ? body.instances[0] : undefined;
	if (!instance || typeof instance.prompt !== 'string' || instance.prompt === '') {
		// Wording not verified.
		return invalidArgument('Invalid instances: instances[0].prompt is required.');
	}
	const params = isRecord(body?.parameters) ? body.parameters : {};
	const sampleCount = params.sampleCount === undefined ? 4 : Number(params.sampleCount);
	if (!Number.isInteger(sampleCount) || sampleCount < 1 || sampleCount > 4) {
		return invalidArgument(`sampleCount must be between 1 and 4, got ${String(params.sampleCount)}.`);
	}
	const aspectRatio = params.aspectRatio === undefined ? '1:1' : String(params.aspectRatio);
	if (!IMAGEN_SIZES[aspectRatio]) return invalidArgument(`Unsupported aspect ratio: ${aspectRatio}`);
	const sampleImageSize = params.sampleImageSize === undefined ? '1K' : String(params.sampleImageSize);
	if (sampleImageSize !== '1K' && sampleImageSize !== '2K') {
		return invalidArgument(`Unsupported sampleImageSize: ${sampleImageSize}`);
	}
	const watermark = params.addWatermark !== false;
	const seed = params.seed;
	if (seed !== undefined && watermark) return invalidArgument('Seed is not supported when watermark is enabled.');

	switch (ctx.fault?.kind) {
		case 'promptBlocked':
			return invalidArgument(PROMPT_BLOCKED);
		case 'textOnly':
		case 'imageSafety':
		case 'imageOther':
		case 'noImage':
			// Imagen filters images out: with includeRaiReason the reason is listed, without it the answer is {}.
			return json(200, params.includeRaiReason ? { predictions: [{ raiFilteredReason: RAI_FILTERED }] } : {});
	}

	const [w, h] = IMAGEN_SIZES[aspectRatio];
	const scale = sampleImageSize === '2K' ? 2 : 1;
	const predictions = [];
	for (let i = 0; i < sampleCount; i++) {
		const pictureSeed =
			seed !== undefined
				? hashSeed(call.model, instance.prompt, params.negativePrompt, seed, aspectRatio, sampleImageSize, i)
				: ctx.state.prng.uint32();
		const png = await render(syntheticPicture(pictureSeed, w / h), { width: w * scale, height: h * scale });
		predictions.push({ bytesBase64Encoded: png.toString('base64'), mimeType: 'image/png' });
	}
	return json(200, { predictions });
}
