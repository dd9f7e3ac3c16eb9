/**
 * The route table: method + path pattern -> route name (as recorded in RecordedRequest.route and
 * matched by inject()) and handler. Paths are exactly the ones FACTS.md and @google/genai 3.3 use.
 */
import { comfyFault, getHistory, postPrompt, uploadImage, view } from './comfy';
import { fileFault, getFile } from './files';
import { generateContent } from './generate-content';
import { googleRouteFault } from './google-call';
import { getModel, listModels } from './google-models';
import type { Ctx, Handler, Reply } from './http';
import { predict } from './imagen';
import { imagesGenerations, openaiFault } from './openai-images';
import { img2img, samplers, sdFault, sdModels, txt2img } from './sd-webui';

export interface RouteDef {
	method: string;
	pattern: RegExp;
	name: string;
	handler: Handler;
	/** The answer to an error-type fault (rateLimit, overloaded, serverError, badKey, retiredModel)
	 * in this service's shape; undefined lets the handler deal with the fault (content faults). */
	fault: (ctx: Ctx) => Reply | undefined;
}

/** Each route family answers error faults the way its service does. */
const FAMILY_FAULTS: Record<string, (ctx: Ctx) => Reply | undefined> = {
	gemini: googleRouteFault,
	vertex: googleRouteFault,
	openai: openaiFault,
	files: fileFault,
	sd: sdFault,
	comfy: comfyFault,
};

const GEMINI = '/(v1|v1beta)/models';
// Vertex: with projects/{p}/locations/{l}/ (service account) or without (express mode, model lists).
const VERTEX = '/(v1|v1beta1)/(?:projects/([^/]+)/locations/([^/]+)/)?publishers/google/models';
const MODEL = '([^/:]+)';

const route = (method: string, path: string, name: string, handler: Handler): RouteDef => ({
	method,
	pattern: new RegExp(`^${path}$`),
	name,
	handler,
	fault: FAMILY_FAULTS[name.split('.')[0]],
});

export const ROUTES: readonly RouteDef[] = [
	route('POST', `${GEMINI}/${MODEL}:generateContent`, 'gemini.generateContent', generateContent),
	route('POST', `${GEMINI}/${MODEL}:predict`, 'gemini.predict', predict),
	route('GET', GEMINI, 'gemini.models', listModels),
	route('GET', `${GEMINI}/${MODEL}`, 'gemini.model', getModel),
	route('POST', `${VERTEX}/${MODEL}:generateContent`, 'vertex.generateContent', generateContent),
	route('POST', `${VERTEX}/${MODEL}:predict`, 'vertex.predict', predict),
	route('GET', VERTEX, 'vertex.models', listModels),
	route('GET', `${VERTEX}/${MODEL}`, 'vertex.model', getModel),
	route('POST', '/v1/images/generations', 'openai.images', imagesGenerations),
	route('GET', '/files/([^/]+)', 'files.get', getFile),
	route('POST', '/sdapi/v1/txt2img', 'sd.txt2img', txt2img),
	route('POST', '/sdapi/v1/img2img', 'sd.img2img', img2img),
	route('GET', '/sdapi/v1/sd-models', 'sd.models', sdModels),
	route('GET', '/sdapi/v1/samplers', 'sd.samplers', samplers),
	route('POST', '/prompt', 'comfy.prompt', postPrompt),
	route('GET', '/history/([^/]+)', 'comfy.history', getHistory),
	route('GET', '/view', 'comfy.view', view),
	route('POST', '/upload/image', 'comfy.upload', uploadImage),
];

/** The route for a request, with its captures ('' for optional groups that did not match). */
export function matchRoute(method: string, path: string): { def: RouteDef; params: string[] } | undefined {
	for (const def of ROUTES) {
		if (def.method !== method) continue;
		const m = def.pattern.exec(path);
		if (m) return { def, params: m.slice(1).map((v) => v ?? '') };
	}
	return undefined;
}
