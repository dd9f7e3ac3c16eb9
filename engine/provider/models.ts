/**
 * What we know about Google's image models (state of 2026-11, see FACTS.md): the GA ids offered
 * as defaults, which ids were shut down and what replaces them, and what each supports.
 */

/** GA Gemini image models, best first. Users may type any other id. */
export const GEMINI_IMAGE_MODELS = [
	{ id: 'gemini-3-pro-image', name: 'Nano Banana Pro (gemini-3-pro-image)' },
	{ id: 'gemini-3.1-flash-image', name: 'Nano Banana 2 (gemini-3.1-flash-image)' },
	{ id: 'gemini-2.5-flash-image', name: 'Nano Banana (gemini-2.5-flash-image, 1K only)' },
] as const;

export const DEFAULT_GEMINI_IMAGE_MODEL = 'gemini-3-pro-image';

/** Shut-down model ids and the message telling the user what to use instead. */
const RETIRED: ReadonlyArray<{ match: RegExp; since?: string; use: string }> = [
	{ match: /^imagen-/, since: '2026-08-17', use: 'gemini-3-pro-image or gemini-3.1-flash-image (or Flux/Seedream via the Seeded Generate node for exact seeds)' },
	{ match: /^gemini-3-pro-image-preview$/, since: '2026-06-25', use: 'gemini-3-pro-image' },
	{ match: /^gemini-2\.5-flash-image-preview$/, use: 'gemini-3.1-flash-image' },
	{ match: /^gemini-2\.0-flash-(preview-image-generation|exp-image-generation)$/, use: 'gemini-3.1-flash-image' },
];

/** If `model` is a known shut-down id, the retirement date and the replacement to use. */
export function retiredModel(model: string): { since?: string; use: string } | undefined {
	const id = model.replace(/^(models\/|publishers\/google\/models\/)/, '');
	const hit = RETIRED.find((r) => r.match.test(id));
	return hit ? { since: hit.since, use: hit.use } : undefined;
}

/** Aspect ratios every Gemini image model accepts; gemini-3.1-flash-image adds the extreme ones. */
export const ASPECT_RATIOS = ['1:1', '2:3', '3:2', '3:4', '4:3', '4:5', '5:4', '9:16', '16:9', '21:9'] as const;
export const EXTRA_ASPECT_RATIOS_31_FLASH = ['1:4', '4:1', '1:8', '8:1'] as const;
export const IMAGE_SIZES = ['1K', '2K', '4K'] as const;
export type ImageSize = (typeof IMAGE_SIZES)[number];

/** Image sizes a model supports (unknown models: all, the provider will say if not). */
export function supportedImageSizes(model: string): readonly ImageSize[] {
	return /^gemini-2\.5-flash-image/.test(model) ? ['1K'] : IMAGE_SIZES;
}

/** Aspect ratios a model supports. */
export function supportedAspectRatios(model: string): readonly string[] {
	return /^gemini-3\.1-flash-image/.test(model) ? [...ASPECT_RATIOS, ...EXTRA_ASPECT_RATIOS_31_FLASH] : ASPECT_RATIOS;
}

/** True if a model id from a model list looks like an image-output model. */
export function isImageModelId(id: string): boolean {
	return /image|imagen|nano-banana|flux|seedream/i.test(id);
}

/** The supported aspect ratio closest to width:height (compared on a log scale). */
export function closestAspectRatio(width: number, height: number, model: string): string {
	const target = Math.log(width / height);
	let best = '1:1';
	let bestDistance = Infinity;
	for (const ratio of supportedAspectRatios(model)) {
		const [w, h] = ratio.split(':').map(Number);
		const distance = Math.abs(Math.log(w / h) - target);
		if (distance < bestDistance) {
			best = ratio;
			bestDistance = distance;
		}
	}
	return best;
}
