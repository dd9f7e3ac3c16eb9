/**
 * What every Google route needs first: which API flavour and model a path names, whether the
 * caller is authenticated, and whether the model exists (or was shut down).
 *
 * Paths (see @google/genai 3.3 ApiClient.constructUrl / tModel / tModelsUrl):
 * - Gemini API: /{v1|v1beta}/models/{model}:{method}; auth x-goog-api-key, ?key= or Bearer <key> (gateways)
 * - Vertex:     /{v1|v1beta1}/projects/{p}/locations/{l}/publishers/google/models/{model}:{method}
 *               (service account: Authorization: Bearer <token>), or without projects/../locations/..
 *               (express mode: x-goog-api-key; the SDK's Vertex models.list uses this form with a token too)
 */
import { bearer, type Ctx, type Reply } from './http';
import {
	apiKeyInvalid,
	googleFault,
	modelNotFound,
	unauthenticated,
	unregisteredCaller,
	type GoogleFlavour,
} from './google-errors';

export interface GoogleCall {
	flavour: GoogleFlavour;
	apiVersion: string;
	model: string;
	/** The model's resource name as error messages print it. */
	resource: string;
	method: string;
	/** True when the caller authenticated with an API key (not a bearer token). */
	usedKey: boolean;
}

/** Read flavour, version and model from the route captures (gemini: [v, m]; vertex: [v, p, l, m]). */
export function googleCall(ctx: Ctx, method: string): GoogleCall {
	const flavour: GoogleFlavour = ctx.record.route.startsWith('vertex.') ? 'vertex' : 'gemini';
	const [apiVersion] = ctx.params;
	const model = decodeURIComponent((flavour === 'gemini' ? ctx.params[1] : ctx.params[3]) ?? '');
	const project = ctx.params[1];
	const location = ctx.params[2];
	const resource =
		flavour === 'gemini'
			? `models/${model}`
			: project
				? `projects/${project}/locations/${location}/publishers/google/models/${model}`
				: `publishers/google/models/${model}`;
	const usedKey = ctx.record.headers['x-goog-api-key'] !== undefined || ctx.record.query.key !== undefined;
	return { flavour, apiVersion, model, resource, method, usedKey: flavour === 'gemini' || usedKey };
}

/** An error reply if the caller is not authenticated, else undefined. */
export function checkGoogleAuth(ctx: Ctx, call: GoogleCall): Reply | undefined {
	const { apiKeys, bearerTokens } = ctx.state;
	const key = ctx.record.headers['x-goog-api-key'] ?? ctx.record.query.key;
	const token = bearer(ctx);
	if (call.flavour === 'gemini') {
		// Gateways such as APIYI take the key as a Bearer token too.
		const presented = key ?? token;
		if (presented === undefined || presented === '') return unregisteredCaller();
		return apiKeys.has(presented) ? undefined : apiKeyInvalid('gemini');
	}
	if (key !== undefined) return apiKeys.has(key) ? undefined : apiKeyInvalid('vertex');
	if (token === undefined) return unauthenticated(true);
	return bearerTokens.has(token) ? undefined : unauthenticated(false);
}

/** 404 for a retired model, or for one that `served` does not accept. */
export function checkGoogleModel(ctx: Ctx, call: GoogleCall, served: (model: string) => boolean): Reply | undefined {
	if (ctx.state.retiredHint(call.model) !== undefined || !served(call.model)) {
		return modelNotFound(call.flavour, call.resource, call.apiVersion, call.method);
	}
	return undefined;
}

/** Auth, then the model: the order the real services check in. */
export function googlePreamble(
	ctx: Ctx,
	method: string,
	served: (model: string) => boolean,
): { call: GoogleCall; reply?: Reply } {
	const call = googleCall(ctx, method);
	const reply = checkGoogleAuth(ctx, call) ?? checkGoogleModel(ctx, call, served);
	return { call, reply };
}

/** The answer to an error-type fault on any Google route (the method is the route name's second half). */
export function googleRouteFault(ctx: Ctx): Reply | undefined {
	if (!ctx.fault) return undefined;
	const method = { models: 'list', model: 'get' }[ctx.record.route.split('.')[1]] ?? ctx.record.route.split('.')[1];
	const call = googleCall(ctx, method);
	return googleFault(ctx.fault, call.flavour, call);
}
