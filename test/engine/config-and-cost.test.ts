import { parseProviderConfig, secretsOf } from '../../engine/provider/config';
import { costOf, estimateCallCost, findPrice, parsePriceOverrides } from '../../engine/cost/prices';
import { redactSecrets } from '../../engine/core/redact';

describe('parseProviderConfig', () => {
	it('fills the provider defaults', () => {
		expect(parseProviderConfig({ provider: 'aiStudio', apiKey: ' k1234 ' })).toMatchObject({
			baseUrl: 'https://generativelanguage.googleapis.com',
			apiKey: 'k1234',
			apis: ['gemini'],
		});
		expect(parseProviderConfig({ provider: 'apiyi', apiKey: 'k1234' })).toMatchObject({
			baseUrl: 'https://api.apiyi.com',
			apis: ['gemini', 'openaiImages'],
		});
	});

	it('requires https except on loopback', () => {
		expect(() => parseProviderConfig({ provider: 'gateway', apiKey: 'k1234', baseUrl: 'http://gw.example.com' })).toThrow(
			'Base URL must use https (plain http is only allowed for localhost), got http://gw.example.com',
		);
		expect(parseProviderConfig({ provider: 'gateway', apiKey: 'k1234', baseUrl: 'http://127.0.0.1:9000/' }).baseUrl).toBe('http://127.0.0.1:9000');
		expect(parseProviderConfig({ provider: 'gateway', apiKey: 'k1234', baseUrl: 'http://localhost:9000' }).baseUrl).toBe('http://localhost:9000');
		expect(() => parseProviderConfig({ provider: 'gateway', apiKey: 'k1234', baseUrl: 'ftp://x' })).toThrow(/http or https/);
		expect(() => parseProviderConfig({ provider: 'gateway', apiKey: 'k1234', baseUrl: 'https://u:p@x.com' })).toThrow(/user name or password/);
		expect(() => parseProviderConfig({ provider: 'gateway', apiKey: 'k1234' })).toThrow('A custom gateway needs a Base URL');
	});

	it('names the field, never the secret, when a service account key is malformed', () => {
		const secret = '{"client_email": "a@b", "private_key": "-----BEGIN PRIVATE KEY-----SECRETSECRET';
		let message = '';
		try {
			parseProviderConfig({ provider: 'vertex', vertexAuth: 'serviceAccount', serviceAccountJson: secret });
		} catch (e) {
			message = JSON.stringify(e) + String(e) + ((e as { description?: string }).description ?? '');
		}
		expect(message).toContain('The service account key is not valid JSON');
		expect(message).not.toContain('SECRETSECRET');
	});

	it('takes the Vertex project from the key file and defaults the location to global', () => {
		const json = JSON.stringify({ type: 'service_account', client_email: 'sa@p.iam.gserviceaccount.com', private_key: 'PK-1234', project_id: 'proj-1' });
		const config = parseProviderConfig({ provider: 'vertex', serviceAccountJson: json });
		expect(config.vertex).toMatchObject({ auth: 'serviceAccount', project: 'proj-1', location: 'global' });
		expect(secretsOf(config)).toEqual(['PK-1234']);
		expect(() => parseProviderConfig({ provider: 'vertex', vertexAuth: 'express' })).toThrow("The credential's API Key is empty");
	});

	it('rejects an unknown provider with the standard message', () => {
		expect(() => parseProviderConfig({ provider: 'openai' })).toThrow('Expected one of aiStudio, apiyi, gateway, vertex for provider but received "openai"');
	});
});

describe('costs', () => {
	it('bills APIYI per request, failures included', () => {
		expect(costOf({ provider: 'apiyi', model: 'gemini-3-pro-image', imageCount: 1, succeeded: true }).usd).toBe(0.09);
		expect(costOf({ provider: 'apiyi', model: 'gemini-3-pro-image', imageCount: 0, succeeded: false }).usd).toBe(0.09);
	});

	it('bills Google by tokens: a 1K Nano Banana Pro image is about $0.134', () => {
		const usage = { promptTokens: 560, outputTokens: 1120, thoughtsTokens: 0, totalTokens: 1680, imageOutputTokens: 1120 };
		const cost = costOf({ provider: 'aiStudio', model: 'gemini-3-pro-image', usage, imageCount: 1, succeeded: true });
		// 560 * 2/1e6 + 1120 * 120/1e6
		expect(cost.usd).toBeCloseTo(0.00112 + 0.1344, 6);
		expect(estimateCallCost('vertex', 'gemini-3-pro-image', '4K', 0)).toBeCloseTo(0.24, 6);
	});

	it('matches dated variants by prefix and lets overrides win', () => {
		expect(findPrice('apiyi', 'gemini-3-pro-image-001')?.perRequest).toBe(0.09);
		const overrides = parsePriceOverrides('{"gemini-3-pro-image": 0.05, "flux-*": {"perRequest": 0.03}}');
		expect(costOf({ provider: 'apiyi', model: 'gemini-3-pro-image', imageCount: 1, succeeded: true }, overrides).usd).toBe(0.05);
		expect(costOf({ provider: 'gateway', model: 'flux-dev', imageCount: 1, succeeded: true }, overrides).usd).toBe(0.03);
		expect(costOf({ provider: 'gateway', model: 'mystery', imageCount: 1, succeeded: true }).usd).toBeNull();
	});

	it('rejects malformed overrides', () => {
		expect(() => parsePriceOverrides('{nope')).toThrow(/Price Overrides/);
		expect(() => parsePriceOverrides({ m: -1 })).toThrow('Expected a number or a price object for Price Overrides["m"] but received -1');
		expect(() => parsePriceOverrides({ m: { perRequest: 'x' } })).toThrow(/perRequest/);
	});
});

describe('redactSecrets', () => {
	it('removes our secrets and anything shaped like a Google or OpenAI key', () => {
		const text = 'key=my-secret-key AIzaSyA1234567890abcdefghijklmnopqrstuv sk-abcdefghijklmnopqrstuvwxyz123456';
		const out = redactSecrets(text, ['my-secret-key']);
		expect(out).toBe('key=[redacted] [redacted] [redacted]');
	});
});
