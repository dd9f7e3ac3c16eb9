/**
 * Provider configuration: the credential's fields, validated and resolved into what the
 * transports need. Pure data, no n8n imports: the nodes pass the decrypted credential in.
 */
import { EngineError } from '../core/errors';
import { invalidParameterError, is, oneOf } from '../core/validate';
import { classifyHost } from './http';

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
			// Both go into the endpoint: the location into the host name (<location>-aiplatform.
			// googleapis.com), the project into the path. Anything but their real shape could
			// point the service-account token at another host or path.
			if (!/^[A-Za-z0-9][A-Za-z0-9.:_-]{0,99}$/.test(project)) {
				throw invalidParameterError('Project ID', 'a Google Cloud project id such as my-project-123', project);
			}
			const location = optionalString(raw.location) ?? 'global';
			if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(location)) {
				throw invalidParameterError('Location', 'a Vertex AI region such as global, us-central1 or europe-west4', location);
			}
			config.vertex = { auth, serviceAccount, project, location };
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
 * Checks a base URL of the Image Model API credential (every provider): http(s) only, https
 * required unless the host is loopback (localhost, 127.0.0.0/8, ::1: a local proxy or the test
 * fake, where the key never crosses a network), no credentials in the URL, no query or
 * fragment. Returns it without a trailing slash. Error messages never repeat a user name or
 * password written into the URL.
 * @throws {EngineError} 'invalidInput' with parameter 'baseUrl'
 */
export function normaliseBaseUrl(value: string | undefined): string | undefined {
	if (value === undefined) return undefined;
	let url: URL;
	try {
		url = new URL(value);
	} catch {
		throw invalidParameterError('Base URL', 'an absolute URL such as https://api.example.com', safeUrlText(value));
	}
	if (url.protocol !== 'https:' && url.protocol !== 'http:') {
		throw invalidParameterError('Base URL', 'an http or https URL', safeUrlText(value));
	}
	if (url.protocol === 'http:' && !isLoopback(url.hostname)) {
		throw new EngineError(
			'invalidInput',
			`Base URL must use https (plain http is only allowed for localhost), got ${url.origin}`,
			{
				parameter: 'baseUrl',
				description:
					'API keys would travel unencrypted over plain http. Use the https address of the provider or gateway; plain http is accepted only for loopback hosts (localhost, 127.0.0.0/8, ::1).',
			},
		);
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

/** True for localhost (and *.localhost), 127.0.0.0/8 and ::1 (also IPv4-mapped, ::ffff:127.x.x.x). */
export function isLoopback(hostname: string): boolean {
	return classifyHost(hostname) === 'loopback';
}

/**
 * A URL as typed by the user, fit for an error message: a user name or password written into
 * it is replaced by "***" (it could be the key or password pasted into the wrong field).
 * @example safeUrlText('ftp://me:pa55@host/') // 'ftp://***@host/'
 */
export function safeUrlText(value: string): string {
	// Up to the LAST "@" before any query or fragment: a password may itself hold "@" or "/".
	return value.replace(/^([A-Za-z][A-Za-z0-9+.-]*:\/*)[^?#]*@/, '$1***@');
}

/** Every secret in a config, so error and log text can be scrubbed of them. */
export function secretsOf(config: ProviderConfig): string[] {
	const secrets = [config.apiKey, config.vertex?.serviceAccount?.private_key];
	return secrets.filter((s): s is string => typeof s === 'string' && s.length >= 4);
}

/**
 * The secrets of a credential's raw fields, for scrubbing messages when the credential could
 * not even be parsed (so {@link secretsOf} has no config to read): the API key, the service
 * account's private key (when its JSON parses) and, if not, the whole key file text.
 */
export function secretsOfRaw(raw: RawProviderCredential): string[] {
	const secrets: string[] = [];
	if (typeof raw.apiKey === 'string') secrets.push(raw.apiKey.trim());
	if (typeof raw.serviceAccountJson === 'string' && raw.serviceAccountJson.trim() !== '') {
		try {
			const parsed = JSON.parse(raw.serviceAccountJson) as { private_key?: unknown };
			if (typeof parsed?.private_key === 'string') secrets.push(parsed.private_key);
		} catch {
			secrets.push(raw.serviceAccountJson);
		}
	}
	return secrets.filter((s) => s.length >= 4);
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
