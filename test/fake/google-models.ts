/**
 * Model lists: what @google/genai 3.3 `ai.models.list()` / `ai.models.get()` call.
 * - Gemini API: GET /{v1|v1beta}/models?pageSize=&pageToken= -> {models:[{name:'models/<id>', ...}], nextPageToken?}
 * - Vertex:     GET /v1beta1/publishers/google/models (the SDK drops projects/../locations/.. for
 *               base models; the prefixed form is accepted too) -> {publisherModels:[{name:'publishers/google/models/<id>'}]}
 */
import { googlePreamble } from './google-call';
import { invalidArgument } from './google-errors';
import { json, type Ctx, type Reply } from './http';

const DEFAULT_PAGE_SIZE = 50;
const MAX_PAGE_SIZE = 1000;

const DISPLAY_NAMES: Record<string, string> = {
	'gemini-3-pro-image': 'Nano Banana Pro',
	'gemini-3.1-flash-image': 'Nano Banana 2',
	'gemini-2.5-flash-image': 'Nano Banana',
};

/** 'gemini-2.5-flash' -> 'Gemini 2.5 Flash'. */
function displayName(id: string): string {
	return (
		DISPLAY_NAMES[id] ??
		id
			.split('-')
			.map((w) => w.charAt(0).toUpperCase() + w.slice(1))
			.join(' ')
	);
}

function geminiEntry(id: string): Record<string, unknown> {
	const embedding = id.includes('embedding');
	const image = /-image\b/.test(id);
	return {
		name: `models/${id}`,
		version: '001',
		displayName: displayName(id),
		description: `${displayName(id)} (fake provider)`,
		inputTokenLimit: embedding ? 2048 : image ? 65536 : 1048576,
		outputTokenLimit: embedding ? 1 : image ? 32768 : 65536,
		supportedGenerationMethods: embedding
			? ['embedContent', 'countTextTokens', 'countTokens', 'asyncBatchEmbedContent']
			: ['generateContent', 'countTokens', 'batchGenerateContent'],
		...(embedding
			? {}
			: { temperature: 1, topP: 0.95, topK: 64, maxTemperature: 2, thinking: !image || id.startsWith('gemini-3') }),
	};
}

function vertexEntry(id: string): Record<string, unknown> {
	return {
		name: `publishers/google/models/${id}`,
		versionId: '001',
		openSourceCategory: 'PROPRIETARY',
		launchStage: 'GA',
	};
}

/** The page of `ids` that pageSize/pageToken select, or an error reply for a bad token. */
function page(ctx: Ctx, ids: string[]): { ids: string[]; next?: string } | Reply {
	const size = Math.min(MAX_PAGE_SIZE, Number.parseInt(ctx.record.query.pageSize ?? '', 10) || DEFAULT_PAGE_SIZE);
	let offset = 0;
	const token = ctx.record.query.pageToken;
	if (token) {
		const m = /^offset:(\d+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
		if (!m) return invalidArgument('Invalid page token.');
		offset = Number(m[1]);
	}
	const end = offset + Math.max(1, size);
	return {
		ids: ids.slice(offset, end),
		next: end < ids.length ? Buffer.from(`offset:${end}`).toString('base64url') : undefined,
	};
}

export function listModels(ctx: Ctx): Reply {
	const { call, reply } = googlePreamble(ctx, 'list', () => true);
	if (reply) return reply;
	const selected = page(ctx, ctx.state.models);
	if ('status' in selected) return selected;
	const next = selected.next ? { nextPageToken: selected.next } : {};
	return call.flavour === 'gemini'
		? json(200, { models: selected.ids.map(geminiEntry), ...next })
		: json(200, { publisherModels: selected.ids.map(vertexEntry), ...next });
}

export function getModel(ctx: Ctx): Reply {
	const { call, reply } = googlePreamble(ctx, 'get', (m) => ctx.state.models.includes(m));
	if (reply) return reply;
	return json(200, call.flavour === 'gemini' ? geminiEntry(call.model) : vertexEntry(call.model));
}
