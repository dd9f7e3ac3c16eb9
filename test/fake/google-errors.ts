/**
 * Google API error bodies: {"error":{"code","message","status","details"}} with
 * content-type application/json, as the Gemini API and Vertex AI send them (FACTS.md).
 * Messages are the real ones where we know them; the others say so in a comment.
 */
import { json, type ActiveFault, type Reply } from './http';

export type GoogleFlavour = 'gemini' | 'vertex';

const TROUBLESHOOTING = 'https://developers.generativeai.google/guide/troubleshooting';

export function googleError(code: number, status: string, message: string, details?: unknown[]): Reply {
	return json(code, { error: { code, message, status, ...(details ? { details } : {}) } });
}

function service(flavour: GoogleFlavour): string {
	return flavour === 'gemini' ? 'generativelanguage.googleapis.com' : 'aiplatform.googleapis.com';
}

/** 400 for an unknown API key (Gemini API and Vertex express mode). */
export function apiKeyInvalid(flavour: GoogleFlavour): Reply {
	const message = 'API key not valid. Please pass a valid API key.';
	return googleError(400, 'INVALID_ARGUMENT', message, [
		{
			'@type': 'type.googleapis.com/google.rpc.ErrorInfo',
			reason: 'API_KEY_INVALID',
			domain: 'googleapis.com',
			metadata: { service: service(flavour) },
		},
		{ '@type': 'type.googleapis.com/google.rpc.LocalizedMessage', locale: 'en-US', message },
	]);
}

/** 403 when the Gemini API gets no key at all. */
export function unregisteredCaller(): Reply {
	return googleError(
		403,
		'PERMISSION_DENIED',
		"Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
	);
}

/** 401 for a missing or unknown OAuth bearer token on Vertex. */
export function unauthenticated(missing: boolean): Reply {
	return googleError(
		401,
		'UNAUTHENTICATED',
		'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.',
		[
			{
				'@type': 'type.googleapis.com/google.rpc.ErrorInfo',
				reason: missing ? 'CREDENTIALS_MISSING' : 'ACCESS_TOKEN_TYPE_UNSUPPORTED',
				domain: 'googleapis.com',
				metadata: { service: 'aiplatform.googleapis.com' },
			},
		],
	);
}

/**
 * 404 for an unknown or shut-down model. Gemini API: "models/X is not found for API version
 * v1beta, or is not supported for generateContent. ..."; Vertex: "Publisher Model `...` was not found ...".
 */
export function modelNotFound(flavour: GoogleFlavour, resource: string, apiVersion: string, method: string): Reply {
	const message =
		flavour === 'gemini'
			? `${resource} is not found for API version ${apiVersion}, or is not supported for ${method}. Call ListModels to see the list of available models and their supported methods.`
			: `Publisher Model \`${resource}\` was not found or your project does not have access to it. Please ensure you are using a valid model version. For more information, see: https://cloud.google.com/vertex-ai/generative-ai/docs/learn/model-versions`;
	return googleError(404, 'NOT_FOUND', message);
}

export function invalidArgument(message: string): Reply {
	return googleError(400, 'INVALID_ARGUMENT', message);
}

export function rateLimited(flavour: GoogleFlavour, model: string, retryDelay: string): Reply {
	return googleError(429, 'RESOURCE_EXHAUSTED', 'Resource has been exhausted (e.g. check quota).', [
		{
			'@type': 'type.googleapis.com/google.rpc.QuotaFailure',
			violations: [
				{
					quotaMetric: `${service(flavour)}/generate_content_paid_tier_requests`,
					quotaId: 'GenerateRequestsPerMinutePerProjectPerModel',
					quotaDimensions: { location: 'global', model },
					quotaValue: '20',
				},
			],
		},
		{
			'@type': 'type.googleapis.com/google.rpc.Help',
			links: [
				{ description: 'Learn more about Gemini API quotas', url: 'https://ai.google.dev/gemini-api/docs/rate-limits' },
			],
		},
		{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay },
	]);
}

export function overloaded(): Reply {
	return googleError(503, 'UNAVAILABLE', 'The model is overloaded. Please try again later.');
}

export function internal(): Reply {
	return googleError(500, 'INTERNAL', `An internal error has occurred. Please retry or report in ${TROUBLESHOOTING}`);
}

/** "Unable to process input image": an inlineData part that is not a decodable image. */
export function badInputImage(): Reply {
	return invalidArgument(`Unable to process input image. Please retry or report in ${TROUBLESHOOTING}`);
}

/** The error-type faults, which look the same on every Google route. */
export function googleFault(
	fault: ActiveFault,
	flavour: GoogleFlavour,
	opts: { model: string; resource: string; apiVersion: string; method: string; usedKey: boolean },
): Reply | undefined {
	switch (fault.kind) {
		case 'rateLimit':
			return rateLimited(flavour, opts.model, fault.retryDelay);
		case 'overloaded':
			return overloaded();
		case 'serverError':
			return internal();
		case 'badKey':
			// A key gets API_KEY_INVALID; a Vertex bearer token gets 401 UNAUTHENTICATED.
			return flavour === 'vertex' && !opts.usedKey ? unauthenticated(false) : apiKeyInvalid(flavour);
		case 'retiredModel':
			return modelNotFound(flavour, opts.resource, opts.apiVersion, opts.method);
		default:
			return undefined;
	}
}
