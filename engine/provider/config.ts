/**
 * Provider configuration: the credential's fields, validated and resolved into what the
 * transports need. Pure data, no n8n imports: the nodes pass the decrypted credential in.
 */
import { EngineError } from '../core/errors';
import { invalidParameterError, is, oneOf } from '../core/validate';

export const PROVIDERS = ['aiStudio', 'apiyi', 'gateway', 'vertex'] as const;
export type ProviderKind = (typeof PROVIDERS)[number];

/** Which APIs a custom gateway speaks. */
export type GatewayApi = 'gemini' | 'openaiImages';

export const DEFAULT_BASE_URLS: Readonly<Record<Exclude<ProviderKind, 'gateway' | 'vertex'>, string>> = {
	aiStudio: 'https://generativelanguage.googleapis.com',
	apiyi: 'https://api.apiyi.com',
};

export interface ServiceAccount {
	client_email: string;
	private_key: string;
	project_id?: string;
	[key: string]: unknown;
}

/** A validated provider configuration. */
export interface ProviderConfig {
	provider: ProviderKind;
	/** API key (AI Studio, APIYI, gateway, Vertex express mode). */
	apiKey?: string;
	/** Base URL without a trailing slash; undefined = the SDK's default (Vertex regional endpoint). */
	baseUrl?: string;
	/** API version path segment; undefined = the SDK's default (v1 for Gemini API, v1beta1 for Vertex). */
	apiVersion?: string;
	/** How the key is sent to the Gemini API: x-goog-api-key (SDK default) or also as a Bearer token. */
	authHeader: 'x-goog-api-key' | 'bearer';
	/** APIs this provider speaks. */
	apis: GatewayApi[];
	vertex?: {
		auth: 'serviceAccount' | 'express';
		serviceAccount?: ServiceAccount;
		project?: string;
		location?: string;
	};
}

/** The credential's raw fields (see credentials/ImageModelApi.credentials.ts). */
export interface RawProviderCredential {
	provider?: unknown;
	apiKey?: unknown;
	baseUrl?: unknown;
	apiVersion?: unknown;
	authHeader?: unknown;
	gatewayApis?: unknown;
	vertexAuth?: unknown;
	serviceAccountJson?: unknown;
	project?: unknown;
	location?: unknown;
}

/**
 * Turns the credential's fields into a {@link ProviderConfig}.
 * @example parseProviderConfig({ provider: 'apiyi', apiKey: 'sk-...' })
 * @throws {EngineError} 'invalidInput' naming the credential field at fault (values are never echoed)
 */
export function parseProviderConfig(raw: RawProviderCredential): ProviderConfig {
	const provider = oneOf('provider', raw.provider, PROVIDERS);
	const apiVersion = optionalString(raw.apiVersion);
	if (apiVersion !== undefined && !/^v\d+(beta\d*|alpha\d*)?$/.test(apiVersion)) {
		throw invalidParameterError('API Version', 'a version such as v1, v1beta or v1beta1', apiVersion);
	}
	const authHeader = raw.authHeader === 'bearer' ? 'bearer' : 'x-goog-api-key';
	const config: ProviderConfig = { provider, apiVersion, authHeader, apis: ['gemini'] };

	if (provider === 'vertex') {
		const auth = oneOf('Vertex Authentication', raw.vertexAuth ?? 'serviceAccount', ['serviceAccount', 'express'] as const);
		config.baseUrl = normaliseBaseUrl(optionalString(raw.baseUrl));
		if (auth === 'express') {
			config.apiKey = requiredSecret('API Key', raw.apiKey);
			config.vertex = { auth };
		} else {
			const serviceAccount = parseServiceAccount(raw.serviceAccountJson);
			const project = optionalString(raw.project) ?? serviceAccount.project_id;
			if (!project) throw new EngineError('invalidInput', 'The Vertex AI credential needs a Project ID', { parameter: 'project' });
			config.vertex = { auth, serviceAccount, project, location: optionalString(raw.location) ?? 'global' };
		}
		return config;
	}

	config.apiKey = requiredSecret('API Key', raw.apiKey);
	if (provider === 'gateway') {
		const baseUrl = optionalString(raw.baseUrl);
		if (!baseUrl) throw new EngineError('invalidInput', 'A custom gateway needs a Base URL', { parameter: 'baseUrl' });
		config.baseUrl = normaliseBaseUrl(baseUrl);
		config.apis = parseGatewayApis(raw.gatewayApis);
	} else {
		config.baseUrl = normaliseBaseUrl(optionalString(raw.baseUrl) ?? DEFAULT_BASE_URLS[provider]);
		// APIYI serves the Gemini-native paths and the OpenAI-style image API (Flux, Seedream).
		if (provider === 'apiyi') config.apis = ['gemini', 'openaiImages'];
	}
	return config;
}

/**
 * Checks a base URL: http(s) only, https required unless the host is loopback, no credentials
 * in the URL, no query or fragment. Returns it without a trailing slash.
 * @throws {EngineError} 'invalidInput'
 */
export function normaliseBaseUrl(value: string | undefined): string | undefined {
	if (value === undefined) return undefined;
	let url: URL;
	try {
		url = new URL(value);
	} catch {
		throw invalidParameterError('Base URL', 'an absolute URL such as https://api.example.com', value);
	}
	if (url.protocol !== 'https:' && url.protocol !== 'http:') {
		throw invalidParameterError('Base URL', 'an http or https URL', value);
	}
	if (url.protocol === 'http:' && !isLoopback(url.hostname)) {
		throw new EngineError('invalidInput', `Base URL must use https (plain http is only allowed for localhost), got ${url.origin}`, {
			parameter: 'baseUrl',
			description: 'API keys would travel unencrypted over plain http.',
		});
	}
	if (url.username || url.password) {
		throw new EngineError('invalidInput', 'Base URL must not contain a user name or password; put the key in the API Key field', {
			parameter: 'baseUrl',
		});
	}
	if (url.search || url.hash) {
		throw new EngineError('invalidInput', 'Base URL must not contain a query string or fragment', { parameter: 'baseUrl' });
	}
	return url.toString().replace(/\/+$/, '');
}

/** True for localhost, 127.0.0.0/8 and ::1. */
export function isLoopback(hostname: string): boolean {
	const host = hostname.replace(/^\[|\]$/g, '');
	return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

/** Every secret in a config, so error and log text can be scrubbed of them. */
export function secretsOf(config: ProviderConfig): string[] {
	const secrets = [config.apiKey, config.vertex?.serviceAccount?.private_key];
	return secrets.filter((s): s is string => typeof s === 'string' && s.length >= 4);
}

function parseServiceAccount(value: unknown): ServiceAccount {
	if (!is.nonEmptyString(value)) {
		throw new EngineError('invalidInput', 'The Vertex AI credential needs the service account key JSON', {
			parameter: 'serviceAccountJson',
		});
	}
	let parsed: unknown;
	try {
		parsed = JSON.parse(value);
	} catch {
		// Never echo the text: it holds a private key.
		throw new EngineError('invalidInput', 'The service account key is not valid JSON', {
			parameter: 'serviceAccountJson',
			description: 'Paste the whole key file downloaded from Google Cloud (IAM > Service accounts > Keys).',
		});
	}
	if (!is.plainObject(parsed) || !is.nonEmptyString(parsed.client_email) || !is.nonEmptyString(parsed.private_key)) {
		throw new EngineError('invalidInput', 'The service account key JSON lacks client_email or private_key', {
			parameter: 'serviceAccountJson',
			description: 'Paste the whole key file of type "service_account".',
		});
	}
	return parsed as ServiceAccount;
}

function parseGatewayApis(value: unknown): GatewayApi[] {
	const list = Array.isArray(value) ? value : value === undefined ? ['gemini'] : [value];
	const apis = list.map((v) => oneOf('Gateway APIs', v, ['gemini', 'openaiImages'] as const));
	if (apis.length === 0) throw invalidParameterError('Gateway APIs', 'at least one API', value);
	return apis;
}

function requiredSecret(name: string, value: unknown): string {
	if (!is.nonEmptyString(value)) {
		throw new EngineError('invalidInput', `The credential's ${name} is empty`, { parameter: 'apiKey' });
	}
	return value.trim();
}

function optionalString(value: unknown): string | undefined {
	return is.nonEmptyString(value) ? value.trim() : undefined;
}
