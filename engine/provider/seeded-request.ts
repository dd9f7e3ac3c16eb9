/**
 * The request and result of one seeded generation, shared by the seeded transports
 * (OpenAI-style gateways, Stable Diffusion WebUI, ComfyUI, Gemini, Imagen). A
 * {@link SeededImageRequest} is an {@link ImageRequest} (prompt and input images as parts, seed,
 * aspect ratio, image size) plus the settings only some backends take; each transport reads
 * the fields it knows and documents which.
 */
import type { ImageRequest, ImageResult, InputImage } from './image-request';

/** A ComfyUI workflow in API format: node id -> { class_type, inputs }. */
export type ComfyGraph = Record<string, { class_type: string; inputs: Record<string, unknown>; [key: string]: unknown }>;

/** Where ComfyUI gets the seed, prompt and image, and what it returns. */
export interface ComfyWorkflowSpec {
	/** The user's workflow in API format (exported with "Save (API Format)"). */
	graph: ComfyGraph;
	/** Nodes whose `seed` / `noise_seed` input is set; empty = every node with a numeric one. */
	seedNodeIds?: string[];
	/** Node whose `text` input gets the prompt; empty = the positive prompt node of the first sampler. */
	promptNodeId?: string;
	/** Node whose `text` input gets the negative prompt; empty = the sampler's negative prompt node. */
	negativePromptNodeId?: string;
	/** LoadImage node that gets the uploaded input image; empty = the only LoadImage node. */
	imageNodeId?: string;
	/** Output nodes to collect images from; empty = every SaveImage output (PreviewImage if none). */
	outputNodeIds?: string[];
	/** Wait between history polls (ms). @default 1000 */
	pollIntervalMs?: number;
	/** Give up waiting for the job after this long (ms). @default 600000 */
	jobTimeoutMs?: number;
}

export interface SeededImageRequest extends ImageRequest {
	/** Things to avoid (SD WebUI, ComfyUI, Imagen). */
	negativePrompt?: string;
	/** Output width in pixels (gateways, SD WebUI). */
	width?: number;
	/** Output height in pixels (gateways, SD WebUI). */
	height?: number;
	/** Sampling steps (Flux via gateways, SD WebUI). */
	steps?: number;
	/** Flux guidance (gateways). */
	guidance?: number;
	/** Classifier-free guidance scale (SD WebUI). */
	cfgScale?: number;
	/** Sampler name, e.g. 'Euler a', 'DPM++ 2M' (SD WebUI). */
	sampler?: string;
	/** Variation seed and its strength 0-1 (SD WebUI). */
	subseed?: number;
	subseedStrength?: number;
	/** img2img: how much of the input image is replaced, 0-1 (SD WebUI). */
	denoisingStrength?: number;
	/** Checkpoint title to switch to for this call (SD WebUI override_settings). */
	checkpoint?: string;
	/** 'b64_json' (default) or 'url' (gateways; Flux answers with URLs either way). */
	responseFormat?: 'url' | 'b64_json';
	/** More body fields passed as they are (gateways, SD WebUI); may not repeat a field the node sets. */
	extraBody?: Record<string, unknown>;
	/** ComfyUI only. */
	comfy?: ComfyWorkflowSpec;
}

/** What a seeded transport returns for one call. */
export interface SeededImageResult extends Omit<ImageResult, 'attempts'> {
	/** The seed the provider says it used (SD WebUI `info.seed`, the value set in a ComfyUI graph). */
	seedUsed?: number;
	/** The variation seed the provider says it used (SD WebUI). */
	subseedUsed?: number;
	/** Provider facts worth keeping for a replay (checkpoint, prompt id, file names). */
	details?: Record<string, unknown>;
}

/** Anything that makes one seeded call; an ImageTransport that takes a {@link SeededImageRequest}. */
export interface SeededTransport {
	generate(request: SeededImageRequest, signal?: AbortSignal): Promise<SeededImageResult>;
}

/**
 * The prompt of a request: its text parts joined by newlines.
 * @example promptOf({ model: 'flux-dev', parts: [{ text: 'a red cube' }] }) // 'a red cube'
 * @param request - any image request; no text parts give ''
 */
export function promptOf(request: ImageRequest): string {
	return request.parts
		.filter((p): p is { text: string } => 'text' in p)
		.map((p) => p.text)
		.join('\n');
}

/**
 * The input images of a request, in order (edit models follow the LAST one).
 * @example imagesOf(request).length
 * @param request - any image request; no image parts give []
 */
export function imagesOf(request: ImageRequest): InputImage[] {
	return request.parts.filter((p): p is { image: InputImage } => 'image' in p).map((p) => p.image);
}

/**
 * Sniffs the mime type of image bytes from their signature (PNG, JPEG, WebP, GIF);
 * `fallback` for anything else.
 * @example sniffImageMime(png) // 'image/png'
 * @param data - the file's bytes (only the first 12 are read)
 * @param fallback - returned when the signature is unknown @default 'image/png'
 */
export function sniffImageMime(data: Buffer, fallback = 'image/png'): string {
	if (data.length >= 8 && data.readUInt32BE(0) === 0x89504e47) return 'image/png';
	if (data.length >= 3 && data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return 'image/jpeg';
	if (data.length >= 12 && data.toString('ascii', 0, 4) === 'RIFF' && data.toString('ascii', 8, 12) === 'WEBP') return 'image/webp';
	if (data.length >= 6 && data.toString('ascii', 0, 3) === 'GIF') return 'image/gif';
	return fallback;
}
