/**
 * Self-hosted generators (Stable Diffusion WebUI, ComfyUI): the Self-Hosted Image API
 * credential's fields, validated.
 *
 * Network rule, deliberately different from the Image Model API credential (https required
 * except on loopback): plain http is allowed for ANY host here. These servers run on the
 * user's own machine or LAN (A1111 on :7860, ComfyUI on :8188) and serve plain http by default;
 * requiring https would force every user to set up TLS on their GPU box. What travels is the
 * optional basic-auth password and the images, so the credential's field descriptions tell
 * users to put an https reverse proxy in front when the server is reached over a network they
 * do not trust. Everything else is as strict as for the cloud providers: http/https only, no
 * user name or password inside the URL (they go in the User and Password fields, and are never
 * echoed in messages), no query string or fragment. Result files are downloaded from this same
 * server only (ComfyUI /view), under the download policy of http.ts.
 */
import { EngineError } from '../core/errors';
import { invalidParameterError, is, oneOf } from '../core/validate';
import { safeUrlText } from './config';
import { basicAuthorization } from './http';

export const SELF_HOSTED_KINDS = ['sdWebui', 'comfyui'] as const;
export type SelfHostedKind = (typeof SELF_HOSTED_KINDS)[number];

/** Human names used in messages. */
export const SELF_HOSTED_NAMES: Readonly<Record<SelfHostedKind, string>> = {
	sdWebui: 'Stable Diffusion WebUI',
	comfyui: 'ComfyUI',
};

/** A validated self-hosted server. */
export interface SelfHostedConfig {
	kind: SelfHostedKind;
	/** Without a trailing slash; may include a path (reverse proxy). */
	baseUrl: string;
	/** HTTP basic auth, when the server was started with --api-auth / behind a proxy with auth. */
	user?: string;
	password?: string;
}

/** The credential's raw fields (see credentials/SelfHostedImageApi.credentials.ts). */
export interface RawSelfHostedCredential {
	kind?: unknown;
	baseUrl?: unknown;
	user?: unknown;
	password?: unknown;
}

/**
 * Turns the credential's fields into a {@link SelfHostedConfig}.
 *
 * @example parseSelfHostedConfig({ kind: 'sdWebui', baseUrl: 'http://192.168.1.20:7860' })
 * @param raw - the decrypted credential
 * @throws {EngineError} 'invalidInput' naming the field at fault (the password is never echoed)
 */
export function parseSelfHostedConfig(raw: RawSelfHostedCredential): SelfHostedConfig {
	const kind = oneOf('Server Type', raw.kind ?? 'sdWebui', SELF_HOSTED_KINDS);
	if (!is.nonEmptyString(raw.baseUrl)) {
		throw new EngineError('invalidInput', 'The Self-Hosted Image API credential needs a Base URL, e.g. http://127.0.0.1:7860', { parameter: 'baseUrl' });
	}
	let url: URL;
	try {
		url = new URL(raw.baseUrl.trim());
	} catch {
		throw invalidParameterError('Base URL', 'an absolute URL such as http://127.0.0.1:7860', safeUrlText(raw.baseUrl));
	}
	if (url.protocol !== 'http:' && url.protocol !== 'https:') throw invalidParameterError('Base URL', 'an http or https URL', safeUrlText(raw.baseUrl));
	if (url.username || url.password) {
		throw new EngineError('invalidInput', 'Base URL must not contain a user name or password; use the User and Password fields', { parameter: 'baseUrl' });
	}
	if (url.search || url.hash) throw new EngineError('invalidInput', 'Base URL must not contain a query string or fragment', { parameter: 'baseUrl' });
	const user = is.nonEmptyString(raw.user) ? raw.user.trim() : undefined;
	const password = is.string(raw.password) && raw.password !== '' ? raw.password : undefined;
	if (password !== undefined && user === undefined) {
		throw new EngineError('invalidInput', 'The credential has a Password but no User; basic auth needs both', { parameter: 'user' });
	}
	return { kind, baseUrl: url.toString().replace(/\/+$/, ''), user, password };
}

/**
 * Headers every request to the server carries (basic auth when configured).
 * @example selfHostedHeaders(config) // { authorization: 'Basic ...' } or {}
 * @param config - from {@link parseSelfHostedConfig}
 */
export function selfHostedHeaders(config: SelfHostedConfig): Record<string, string> {
	return config.user !== undefined ? { authorization: basicAuthorization(config.user, config.password ?? '') } : {};
}

/**
 * Secrets to scrub from messages: the password and the encoded basic-auth token.
 * @example redactSecrets(message, selfHostedSecrets(config))
 * @param config - from {@link parseSelfHostedConfig}; [] without basic auth
 */
export function selfHostedSecrets(config: SelfHostedConfig): string[] {
	if (config.user === undefined) return [];
	const token = basicAuthorization(config.user, config.password ?? '').slice('Basic '.length);
	return [config.password ?? '', token].filter((s) => s.length >= 4);
}
