/**
 * Cost accounting: a price table per provider and model, and the one function that turns a
 * call into a cost figure. Defaults are the providers' published prices (checked 2026-11);
 * users override them per node ("Price Overrides") because gateways change prices often.
 */
import type { ProviderKind } from '../provider/config';
import type { ImageSize } from '../provider/models';
import type { TokenUsage } from '../provider/image-request';
import { invalidParameterError, is } from '../core/validate';

/** How one model is billed. Any combination may apply; all in USD. */
export interface Price {
	/** Flat price per request (gateways such as APIYI bill per call). */
	perRequest?: number;
	/** Flat price per output image. */
	perImage?: number;
	/** Per million input (prompt) tokens, text and images. */
	inputPerMTokens?: number;
	/** Per million text/thinking output tokens. */
	textOutputPerMTokens?: number;
	/** Per million image output tokens. */
	imageOutputPerMTokens?: number;
	/** Failed generations (safety block, no image) are billed too. */
	chargedOnFailure?: boolean;
}

export type PriceTable = Record<string, Price>;

/** Token-billed Google prices (AI Studio and Vertex list the same). */
const GOOGLE: PriceTable = {
	// $120/M image tokens: ~$0.134 per 1K/2K image (1120 tokens), ~$0.24 per 4K image (2000 tokens).
	'gemini-3-pro-image': { inputPerMTokens: 2, textOutputPerMTokens: 12, imageOutputPerMTokens: 120 },
	'gemini-3.1-flash-image': { inputPerMTokens: 0.5, textOutputPerMTokens: 3, imageOutputPerMTokens: 60 },
	// $30/M image tokens: ~$0.039 per image (1290 tokens).
	'gemini-2.5-flash-image': { inputPerMTokens: 0.3, textOutputPerMTokens: 2.5, imageOutputPerMTokens: 30 },
};

/** APIYI's published per-request prices; failed generations are charged. */
const APIYI: PriceTable = {
	'gemini-3-pro-image': { perRequest: 0.09, chargedOnFailure: true },
	'gemini-3.1-flash-image': { perRequest: 0.055, chargedOnFailure: true },
	'gemini-2.5-flash-image': { perRequest: 0.02, chargedOnFailure: true },
	'flux-kontext-pro': { perRequest: 0.035, chargedOnFailure: true },
};

export const DEFAULT_PRICES: Readonly<Record<ProviderKind, PriceTable>> = {
	aiStudio: GOOGLE,
	vertex: GOOGLE,
	apiyi: APIYI,
	gateway: {},
};

export interface CostInput {
	provider: ProviderKind;
	model: string;
	usage?: TokenUsage;
	imageCount: number;
	imageSize?: ImageSize;
	/** False for a call that answered without an image (safety block, refusal). */
	succeeded: boolean;
}

export interface Cost {
	/** USD; null when no price is known for this provider and model. */
	usd: number | null;
	/** How the figure was made, e.g. "APIYI per request" or "tokens: 1120 image out". */
	basis: string;
}

/**
 * The price for a model: user overrides first (exact id, then the longest prefix ending in
 * '*'), then the defaults, matching dated variants (gemini-3-pro-image-001) by prefix.
 */
export function findPrice(provider: ProviderKind, model: string, overrides: PriceTable = {}): Price | undefined {
	const id = model.replace(/^(models\/|publishers\/google\/models\/)/, '');
	return lookup(overrides, id) ?? lookup(DEFAULT_PRICES[provider], id);
}

/**
 * Turns one call into a cost figure.
 * @example costOf({ provider: 'apiyi', model: 'gemini-3-pro-image', imageCount: 1, succeeded: true }) // { usd: 0.09, ... }
 */
export function costOf(input: CostInput, overrides: PriceTable = {}): Cost {
	const price = findPrice(input.provider, input.model, overrides);
	if (!price) return { usd: null, basis: `no price known for ${input.model}; add one under Price Overrides` };
	if (!input.succeeded && !price.chargedOnFailure && !input.usage) return { usd: 0, basis: 'failed call, not billed' };
	let usd = 0;
	const basis: string[] = [];
	if (price.perRequest) {
		usd += price.perRequest;
		basis.push(`$${price.perRequest}/request`);
	}
	if (price.perImage && input.succeeded) {
		usd += price.perImage * input.imageCount;
		basis.push(`$${price.perImage}/image`);
	}
	const u = input.usage;
	if (u && (price.inputPerMTokens || price.imageOutputPerMTokens || price.textOutputPerMTokens)) {
		const imageOut = u.imageOutputTokens ?? (input.succeeded ? u.outputTokens : 0);
		const textOut = Math.max(0, u.outputTokens - imageOut) + u.thoughtsTokens;
		usd += (u.promptTokens * (price.inputPerMTokens ?? 0)) / 1e6;
		usd += (imageOut * (price.imageOutputPerMTokens ?? 0)) / 1e6;
		usd += (textOut * (price.textOutputPerMTokens ?? 0)) / 1e6;
		basis.push(`tokens: ${u.promptTokens} in, ${imageOut} image out, ${textOut} text/thinking out`);
	}
	return { usd: Math.round(usd * 1e6) / 1e6, basis: basis.join(' + ') || 'free' };
}

/**
 * A rough cost of one call before making it, for budget estimates.
 * Token-billed models assume ~1120 image tokens per image (2000 at 4K) and the prompt tokens given.
 */
export function estimateCallCost(
	provider: ProviderKind,
	model: string,
	imageSize: ImageSize | undefined,
	promptTokens: number,
	overrides: PriceTable = {},
): number | null {
	const imageTokens = imageSize === '4K' ? 2000 : 1120;
	return costOf(
		{
			provider,
			model,
			imageCount: 1,
			imageSize,
			succeeded: true,
			usage: { promptTokens, outputTokens: imageTokens, thoughtsTokens: 0, totalTokens: promptTokens + imageTokens, imageOutputTokens: imageTokens },
		},
		overrides,
	).usd;
}

/**
 * Parses the "Price Overrides" JSON: {"model-id": 0.05} (per request) or {"model-id": {Price}}.
 * A key ending in '*' matches every id starting with the rest.
 * @throws {EngineError} invalidInput naming the bad entry
 */
export function parsePriceOverrides(value: unknown): PriceTable {
	if (value === undefined || value === null || value === '') return {};
	let parsed: unknown = value;
	if (typeof value === 'string') {
		try {
			parsed = JSON.parse(value);
		} catch {
			throw invalidParameterError('Price Overrides', 'a JSON object such as {"gemini-3-pro-image": 0.09}', value);
		}
	}
	if (!is.plainObject(parsed)) throw invalidParameterError('Price Overrides', 'a JSON object', value);
	const table: PriceTable = {};
	for (const [model, entry] of Object.entries(parsed)) {
		if (is.number(entry) && entry >= 0) {
			table[model] = { perRequest: entry };
			continue;
		}
		if (!is.plainObject(entry)) throw invalidParameterError(`Price Overrides["${model}"]`, 'a number or a price object', entry);
		const price: Price = {};
		for (const key of ['perRequest', 'perImage', 'inputPerMTokens', 'textOutputPerMTokens', 'imageOutputPerMTokens'] as const) {
			const v = entry[key];
			if (v === undefined) continue;
			if (!is.number(v) || v < 0) throw invalidParameterError(`Price Overrides["${model}"].${key}`, 'a number >= 0', v);
			price[key] = v;
		}
		if (entry.chargedOnFailure !== undefined) price.chargedOnFailure = Boolean(entry.chargedOnFailure);
		table[model] = price;
	}
	return table;
}

function lookup(table: PriceTable, id: string): Price | undefined {
	if (table[id]) return table[id];
	let best: { len: number; price: Price } | undefined;
	for (const [key, price] of Object.entries(table)) {
		const prefix = key.endsWith('*') ? key.slice(0, -1) : `${key}-`;
		if (id.startsWith(prefix) && (!best || prefix.length > best.len)) best = { len: prefix.length, price };
	}
	return best?.price;
}
