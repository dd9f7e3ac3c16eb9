/**
 * POST /v1/images/generations as OpenAI-compatible gateways (APIYI) serve Flux and Seedream
 * (FACTS.md "Gateways"). Deterministic: same model, prompt, seed, size, steps, guidance and
 * input image -> byte-identical output; without a seed the result is random. Flux always answers
 * with URLs (GET /files/<id>.png on this server); Seedream honours response_format.
 */
import { bearer, bodyObject, json, type Ctx, type Reply } from './http';
import { render, syntheticPicture } from './pictures';
import { applyVariance, parseEdits } from './prompt-edits';
import { hashSeed } from './random';

const isFlux = (model: string): boolean => model.startsWith('flux-');
const isSeedream = (model: string): boolean => model.startsWith('seedream-');
/** Models that take input images: Flux Kontext and Seedream. */
const takesImages = (model: string): boolean => model.startsWith('flux-kontext-') || isSeedream(model);

/** OpenAI's error envelope. */
export function openaiError(
	status: number,
	message: string,
	type: string,
	code: string | null = null,
	param: string | null = null,
	headers: Record<string, string> = {},
): Reply {
	return json(status, { error: { message, type, param, code } }, headers);
}

function invalid(message: string, param: string | null = null, code: string | null = null): Reply {
	return openaiError(400, message, 'invalid_request_error', code, param);
}

const badKey = (): Reply =>
	openaiError(
		401,
		'Incorrect API key provided. You can find your API key in your account settings.',
		'invalid_request_error',
		'invalid_api_key',
	);

const modelNotFound = (model: string): Reply =>
	openaiError(
		404,
		`The model \`${model}\` does not exist or you do not have access to it.`,
		'invalid_request_error',
		'model_not_found',
	);

/** Error-type faults in OpenAI's shapes; 429 carries Retry-After (seconds). */
export function openaiFault(ctx: Ctx): Reply | undefined {
	const fault = ctx.fault;
	const model = String(bodyObject(ctx)?.model ?? '');
	switch (fault?.kind) {
		case 'rateLimit':
			return openaiError(
				429,
				'Rate limit reached for requests. Please try again later.',
				'requests',
				'rate_limit_exceeded',
				null,
				{
					'retry-after': String(fault!.retryAfterSeconds),
				},
			);
		case 'overloaded':
			return openaiError(503, 'The server is overloaded or not ready yet.', 'server_error');
		case 'serverError':
			return openaiError(
				500,
				'The server had an error while processing your request. Sorry about that!',
				'server_error',
			);
		case 'badKey':
			return badKey();
		case 'retiredModel':
			return modelNotFound(model);
		default:
			return undefined;
	}
}

interface ImagesRequest {
	model: string;
	prompt: string;
	width: number;
	height: number;
	n: number;
	seed?: number;
	steps?: number;
	guidance?: number;
	b64: boolean;
	images: Buffer[];
}

/** '1024x768' | '2K' -> [w, h]. */
function parseSize(size: string): [number, number] | undefined {
	const k = /^([124])K$/.exec(size);
	if (k) return [Number(k[1]) * 1024, Number(k[1]) * 1024];
	const m = /^(\d+)x(\d+)$/.exec(size);
	return m ? [Number(m[1]), Number(m[2])] : undefined;
}

/** A data URL or bare base64 -> bytes; undefined if it is neither. */
function decodeImage(value: unknown): Buffer | undefined {
	if (typeof value !== 'string') return undefined;
	const m = /^data:image\/[\w.+-]+;base64,(.*)$/s.exec(value);
	const b64 = m ? m[1] : value;
	if (!/^[A-Za-z0-9+/=\s_-]+$/.test(b64)) return undefined;
	const bytes = Buffer.from(b64, 'base64');
	return bytes.length ? bytes : undefined;
}

function isInt(v: unknown): v is number {
	return typeof v === 'number' && Number.isInteger(v);
}

function readRequest(ctx: Ctx): ImagesRequest | Reply {
	const body = bodyObject(ctx);
	if (!body) return invalid('We could not parse the JSON body of your request. Please send a valid JSON object.');
	const model = typeof body.model === 'string' ? body.model : '';
	if (!model) return invalid('you must provide a model parameter', 'model');
	if ((!isFlux(model) && !isSeedream(model)) || ctx.state.retiredHint(model) !== undefined) return modelNotFound(model);
	if (typeof body.prompt !== 'string' || body.prompt.trim() === '') return invalid('prompt is required', 'prompt');

	let size: [number, number] = [1024, 1024];
	if (body.size !== undefined) {
		const parsed = typeof body.size === 'string' ? parseSize(body.size) : undefined;
		if (!parsed)
			return invalid(
				`Invalid size '${String(body.size)}': expected WIDTHxHEIGHT, e.g. 1024x1024`,
				'size',
				'invalid_size',
			);
		size = parsed;
	}
	if (body.width !== undefined || body.height !== undefined) {
		if (!isInt(body.width) || !isInt(body.height))
			return invalid('width and height must both be integers', 'width', 'invalid_size');
		size = [body.width, body.height];
	}
	const [width, height] = size;
	if (width < 64 || height < 64 || width > 4096 || height > 4096) {
		return invalid(
			`Invalid size ${width}x${height}: width and height must be between 64 and 4096`,
			'size',
			'invalid_size',
		);
	}
	if (isFlux(model) && (width % 16 !== 0 || height % 16 !== 0)) {
		return invalid(
			`Invalid size ${width}x${height}: width and height must be multiples of 16 for ${model}`,
			'size',
			'invalid_size',
		);
	}
	const n = body.n === undefined ? 1 : body.n;
	if (!isInt(n) || n < 1 || n > 4) return invalid(`Invalid n ${String(body.n)}: must be between 1 and 4`, 'n');
	if (body.seed !== undefined && (!isInt(body.seed) || body.seed < 0))
		return invalid('seed must be a non-negative integer', 'seed');
	if (body.steps !== undefined && (!isInt(body.steps) || body.steps < 1 || body.steps > 100)) {
		return invalid('steps must be an integer between 1 and 100', 'steps');
	}
	if (body.guidance !== undefined && (typeof body.guidance !== 'number' || body.guidance < 0 || body.guidance > 20)) {
		return invalid('guidance must be a number between 0 and 20', 'guidance');
	}
	const format = body.response_format ?? 'url';
	if (format !== 'url' && format !== 'b64_json') {
		return invalid(`Invalid response_format '${String(format)}': expected 'url' or 'b64_json'`, 'response_format');
	}
	const rawImages = body.image === undefined ? [] : Array.isArray(body.image) ? body.image : [body.image];
	if (rawImages.length && !takesImages(model)) return invalid(`${model} does not accept input images`, 'image');
	const images: Buffer[] = [];
	for (const value of rawImages) {
		const bytes = decodeImage(value);
		if (!bytes) return invalid('image must be a base64 data URL (data:image/png;base64,...)', 'image');
		images.push(bytes);
	}
	return {
		model,
		prompt: body.prompt,
		width,
		height,
		n,
		seed: body.seed as number | undefined,
		steps: body.steps as number | undefined,
		guidance: body.guidance as number | undefined,
		// Flux answers with URLs whatever is asked.
		b64: format === 'b64_json' && !isFlux(model),
		images,
	};
}

export async function imagesGenerations(ctx: Ctx): Promise<Reply> {
	const key = bearer(ctx);
	if (key === undefined) {
		return openaiError(
			401,
			"You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
			'invalid_request_error',
		);
	}
	if (!ctx.state.apiKeys.has(key)) return badKey();
	const req = readRequest(ctx);
	if ('status' in req) return req;

	const created = Math.floor(Date.now() / 1000);
	switch (ctx.fault?.kind) {
		case 'imageSafety':
		case 'promptBlocked':
			// Nearest gateway behaviour for a moderated request: OpenAI's content policy error.
			return invalid(
				'Your request was rejected as a result of our safety system. Your prompt may contain text that is not allowed by our safety system.',
				null,
				'content_policy_violation',
			);
		case 'textOnly':
		case 'imageOther':
		case 'noImage':
			// A "successful" call that produced nothing (still charged by gateways).
			return json(200, { created, data: [] });
	}

	// The last input image is the one edited (FACTS.md); its bytes take part in the seed.
	const input = req.images[req.images.length - 1];
	const data = [];
	for (let i = 0; i < req.n; i++) {
		const seed =
			req.seed === undefined
				? ctx.state.prng.uint32()
				: hashSeed(
						'openai',
						req.model,
						req.prompt,
						req.seed,
						req.width,
						req.height,
						req.steps,
						req.guidance,
						input ?? null,
						i,
					);
		let png: Buffer;
		if (input) {
			try {
				// The exact prompt edit plus a faint seeded overlay: an edit model that re-renders, reproducibly.
				const edit = applyVariance(parseEdits(req.prompt), 0, ctx.state.prng);
				png = await render(input, { width: req.width, height: req.height, edit, overlay: { seed, opacity: 0.08 } });
			} catch {
				return invalid('image could not be decoded', 'image');
			}
		} else {
			png = await render(syntheticPicture(seed, req.width / req.height), { width: req.width, height: req.height });
		}
		const sizeField = isSeedream(req.model) ? { size: `${req.width}x${req.height}` } : {};
		if (req.b64) {
			data.push({ b64_json: png.toString('base64'), ...sizeField });
		} else {
			const id = `${ctx.state.prng.hex(24)}.png`;
			ctx.state.files.set(id, { bytes: png, mimeType: 'image/png' });
			data.push({ url: `${ctx.state.url}/files/${id}`, ...sizeField });
		}
	}
	const usage = isSeedream(req.model)
		? { usage: { generated_images: req.n, output_tokens: 4096 * req.n, total_tokens: 4096 * req.n } }
		: {};
	return json(200, { created, data, ...usage });
}
