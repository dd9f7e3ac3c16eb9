/**
 * ComfyUI's HTTP API (FACTS.md): the user's workflow in API format gets the seed on its sampler
 * node(s) and the prompt on its text node(s), an input image is uploaded (POST /upload/image)
 * and set on a LoadImage node, the graph is queued (POST /prompt), its history is polled
 * (GET /history/<id>) until it is done or the job timeout passes, and the output images are
 * downloaded (GET /view). One call, no retry: wrap it in callWithPolicy.
 */
import { createHash, randomUUID } from 'node:crypto';
import { EngineError, isEngineError } from '../core/errors';
import { abortableSleep } from '../core/retry';
import { is } from '../core/validate';
import { DEFAULT_HTTP_TIMEOUT_MS, downloadFile, httpJson, type HttpLimits } from './http';
import type { OutputImage } from './image-request';
import {
	imagesOf,
	promptOf,
	sniffImageMime,
	type ComfyGraph,
	type ComfyWorkflowSpec,
	type SeededImageRequest,
	type SeededImageResult,
	type SeededTransport,
} from './seeded-request';
import { SELF_HOSTED_NAMES, selfHostedHeaders, selfHostedSecrets, type SelfHostedConfig } from './self-hosted';

/** Inputs that hold a sampler's seed, in the order they are looked for. */
export const SEED_INPUTS = ['seed', 'noise_seed'] as const;
/** Default wait between history polls (ms). */
export const DEFAULT_POLL_INTERVAL_MS = 1000;
/** Default time a queued job may take (ms). */
export const DEFAULT_JOB_TIMEOUT_MS = 600_000;

const NAME = SELF_HOSTED_NAMES.comfyui;

export interface ComfyUiOptions {
	/** Per-request timeout (ms); the job itself is bounded by the spec's jobTimeoutMs. @default 180000 */
	timeoutMs?: number;
	/** Largest output file downloaded (bytes). @default 67108864 */
	maxDownloadBytes?: number;
}

/** A workflow with the values set, and where they went. */
export interface PreparedWorkflow {
	graph: ComfyGraph;
	seedNodeIds: string[];
	promptNodeId?: string;
	negativePromptNodeId?: string;
	imageNodeId?: string;
}

/** Values to put into a workflow. */
export interface WorkflowValues {
	seed?: number;
	/** Set on the prompt node when non-empty; empty keeps the workflow's own text. */
	prompt?: string;
	negativePrompt?: string;
	/** Name of an uploaded input image (as /upload/image answered). */
	imageName?: string;
}

/**
 * Checks a workflow in API format and returns a copy with the seed, prompts and input image set.
 *
 * @example const { graph, seedNodeIds } = prepareComfyWorkflow({ graph: workflow }, { seed: 42, prompt: 'a red fox' });
 * @param spec - the workflow and, optionally, the node ids to use (see ComfyWorkflowSpec)
 * @param values - what to set; undefined/empty values leave the workflow as it is
 * @throws {EngineError} 'invalidInput' for a workflow that is not in API format, node ids that do
 *   not exist, a seed input connected to another node, or no node to put a value on
 */
export function prepareComfyWorkflow(spec: ComfyWorkflowSpec, values: WorkflowValues): PreparedWorkflow {
	const graph = checkGraph(spec.graph);
	const seedNodeIds = seedNodes(graph, spec.seedNodeIds ?? []);
	if (values.seed !== undefined) {
		for (const id of seedNodeIds) graph[id].inputs[seedInputOf(graph, id) as string] = values.seed;
	}
	const prepared: PreparedWorkflow = { graph, seedNodeIds };
	if (values.prompt && values.prompt.trim()) {
		prepared.promptNodeId = textNode(graph, spec.promptNodeId, seedNodeIds[0], 'positive', 'Prompt Node ID');
		graph[prepared.promptNodeId].inputs.text = values.prompt;
	}
	if (values.negativePrompt && values.negativePrompt.trim()) {
		prepared.negativePromptNodeId = textNode(graph, spec.negativePromptNodeId, seedNodeIds[0], 'negative', 'Negative Prompt Node ID');
		graph[prepared.negativePromptNodeId].inputs.text = values.negativePrompt;
	}
	if (values.imageName !== undefined) {
		prepared.imageNodeId = imageNode(graph, spec.imageNodeId);
		graph[prepared.imageNodeId].inputs.image = values.imageName;
	}
	return prepared;
}

/** One configured ComfyUI client. Stateless; create one per execution. */
export class ComfyUiClient implements SeededTransport {
	readonly config: SelfHostedConfig;
	readonly timeoutMs: number;
	readonly maxDownloadBytes?: number;

	/**
	 * @example const client = new ComfyUiClient(parseSelfHostedConfig({ kind: 'comfyui', baseUrl: 'http://127.0.0.1:8188' }));
	 * @param config - a self-hosted server of kind 'comfyui'
	 * @param options - see {@link ComfyUiOptions}
	 * @throws {EngineError} 'invalidInput' when the credential is for another kind of server
	 */
	constructor(config: SelfHostedConfig, options: ComfyUiOptions = {}) {
		if (config.kind !== 'comfyui') {
			throw new EngineError('invalidInput', `The Self-Hosted Image API credential is for ${SELF_HOSTED_NAMES[config.kind]}, not ComfyUI; pick the matching backend or credential`, {
				parameter: 'kind',
			});
		}
		this.config = config;
		this.timeoutMs = options.timeoutMs ?? DEFAULT_HTTP_TIMEOUT_MS;
		this.maxDownloadBytes = options.maxDownloadBytes;
	}

	/**
	 * Uploads the input image (if any), queues the workflow, waits for it and downloads its images.
	 *
	 * @example const result = await client.generate({ model: '', parts: [{ text: 'a fox' }], seed: 7, comfy: { graph } }, signal);
	 * @param request - `comfy` (the workflow and node ids), seed, prompt (text parts), negative prompt,
	 *   input image (last image part)
	 * @param signal - the execution's cancel signal (also stops the polling)
	 * @throws {EngineError} 'invalidInput' (workflow problems, before anything is queued);
	 *   'invalidArgument' when ComfyUI refuses the workflow (400 with node errors); 'timeout' (not
	 *   retried: the job may still be queued) when the job does not finish in time; 'server' (not
	 *   retried) when the workflow fails while running; 'noImage' when it produced no image. Once
	 *   the workflow is queued, no failure is retryable: a retry would queue it a second time.
	 */
	async generate(request: SeededImageRequest, signal?: AbortSignal): Promise<SeededImageResult> {
		const spec = request.comfy;
		if (!spec) throw new EngineError('invalidInput', 'A ComfyUI call needs a workflow in API format', { parameter: 'Workflow (API Format JSON)' });
		// Check the workflow before uploading anything.
		const images = imagesOf(request);
		const values: WorkflowValues = { seed: request.seed, prompt: promptOf(request), negativePrompt: request.negativePrompt };
		prepareComfyWorkflow(spec, { ...values, imageName: images.length ? 'check.png' : undefined });

		const limits = this.limits(signal);
		const headers = selfHostedHeaders(this.config);
		const started = performance.now();
		if (images.length) values.imageName = await this.upload(images[images.length - 1], limits);
		const prepared = prepareComfyWorkflow(spec, values);
		const queued = await httpJson(
			{ method: 'POST', url: `${this.config.baseUrl}/prompt`, headers, body: JSON.stringify({ prompt: prepared.graph, client_id: randomUUID() }) },
			limits,
			comfyErrorBody,
		);
		const promptId = is.plainObject(queued) && is.nonEmptyString(queued.prompt_id) ? queued.prompt_id : undefined;
		if (!promptId) throw new EngineError('invalidResponse', 'ComfyUI accepted the workflow but answered without a prompt_id', { retryable: false });

		const files: ComfyFile[] = [];
		const out: OutputImage[] = [];
		try {
			const entry = await this.waitFor(promptId, spec, limits);
			files.push(...outputFiles(entry, spec.outputNodeIds ?? [], promptId));
			for (const file of files) {
				const query = new URLSearchParams({ filename: file.filename, subfolder: file.subfolder, type: file.type });
				const downloaded = await downloadFile(`${this.config.baseUrl}/view?${query.toString()}`, { ...limits, maxBytes: this.maxDownloadBytes, sourceBaseUrl: this.config.baseUrl }, headers);
				out.push({ data: downloaded.data, mimeType: sniffImageMime(downloaded.data, downloaded.mimeType) });
			}
		} catch (error) {
			throw notRetriedOnceQueued(error, promptId);
		}
		return {
			images: out,
			text: '',
			latencyMs: Math.round(performance.now() - started),
			seedUsed: prepared.seedNodeIds.length && request.seed !== undefined ? request.seed : undefined,
			responseId: promptId,
			details: {
				promptId,
				seedNodeIds: prepared.seedNodeIds,
				promptNodeId: prepared.promptNodeId ?? null,
				negativePromptNodeId: prepared.negativePromptNodeId ?? null,
				imageNodeId: prepared.imageNodeId ?? null,
				imageName: values.imageName ?? null,
				files,
			},
		};
	}

	private limits(signal?: AbortSignal): HttpLimits {
		return { providerName: NAME, timeoutMs: this.timeoutMs, signal, secrets: selfHostedSecrets(this.config) };
	}

	/** POST /upload/image; returns the name to put on the LoadImage node. */
	private async upload(image: { data: Buffer; mimeType: string }, limits: HttpLimits): Promise<string> {
		const form = new FormData();
		const extension = image.mimeType === 'image/jpeg' ? 'jpg' : image.mimeType === 'image/webp' ? 'webp' : 'png';
		// Content-addressed name: the same input image maps to the same file, so a rerun replays exactly.
		const name = `n8n-seeded-${createHash('sha256').update(image.data).digest('hex').slice(0, 16)}.${extension}`;
		form.append('image', new Blob([new Uint8Array(image.data)], { type: image.mimeType }), name);
		form.append('type', 'input');
		form.append('overwrite', 'true');
		const answer = await httpJson({ method: 'POST', url: `${this.config.baseUrl}/upload/image`, headers: selfHostedHeaders(this.config), body: form }, limits, comfyErrorBody);
		if (!is.plainObject(answer) || !is.nonEmptyString(answer.name)) {
			throw new EngineError('invalidResponse', 'ComfyUI accepted the image upload but answered without a file name', { retryable: false });
		}
		return is.nonEmptyString(answer.subfolder) ? `${answer.subfolder}/${answer.name}` : answer.name;
	}

	/** Polls /history/<id> until the job appears there or the job timeout passes. */
	private async waitFor(promptId: string, spec: ComfyWorkflowSpec, limits: HttpLimits): Promise<Record<string, unknown>> {
		const interval = spec.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
		const jobTimeoutMs = spec.jobTimeoutMs ?? DEFAULT_JOB_TIMEOUT_MS;
		const deadline = Date.now() + jobTimeoutMs;
		const url = `${this.config.baseUrl}/history/${encodeURIComponent(promptId)}`;
		for (;;) {
			await abortableSleep(Math.max(0, Math.min(interval, deadline - Date.now())), limits.signal);
			const history = await httpJson({ method: 'GET', url, headers: selfHostedHeaders(this.config) }, limits, comfyErrorBody);
			const entry = is.plainObject(history) ? history[promptId] : undefined;
			if (is.plainObject(entry)) {
				failIfErrored(entry, promptId);
				return entry;
			}
			if (Date.now() >= deadline) {
				throw new EngineError(
					'timeout',
					`ComfyUI did not finish prompt ${promptId} within ${Math.round(jobTimeoutMs / 1000)} s. It may still be in ComfyUI's queue; raise "Job Timeout" for long workflows. Not retried, so the job is not queued twice.`,
					{ retryable: false },
				);
			}
		}
	}
}

/**
 * Once the workflow is queued, a retry would queue it again: a failure while waiting for it or
 * downloading its images is reported, not retried.
 */
function notRetriedOnceQueued(error: unknown, promptId: string): unknown {
	if (!isEngineError(error) || !error.retryable) return error;
	return new EngineError(error.kind, `${error.message} (while waiting for ComfyUI prompt ${promptId}; not retried, so the workflow is not queued twice)`, {
		httpStatus: error.httpStatus,
		description: error.description,
		reason: error.reason,
		retryable: false,
		cause: error,
	});
}

function checkGraph(value: unknown): ComfyGraph {
	let parsed = value;
	if (typeof value === 'string') {
		try {
			parsed = JSON.parse(value);
		} catch {
			throw new EngineError('invalidInput', 'The ComfyUI workflow is not valid JSON', { parameter: 'Workflow (API Format JSON)' });
		}
	}
	if (is.plainObject(parsed) && Array.isArray(parsed.nodes) && 'links' in parsed) {
		throw new EngineError(
			'invalidInput',
			'The ComfyUI workflow is in the editor (UI) format; export it with "Export (API)" / "Save (API Format)" and paste that',
			{ parameter: 'Workflow (API Format JSON)' },
		);
	}
	if (!is.plainObject(parsed) || Object.keys(parsed).length === 0) {
		throw new EngineError('invalidInput', 'Expected a ComfyUI workflow in API format ({"3": {"class_type": "KSampler", "inputs": {...}}, ...})', {
			parameter: 'Workflow (API Format JSON)',
		});
	}
	for (const [id, node] of Object.entries(parsed)) {
		if (!is.plainObject(node) || !is.nonEmptyString(node.class_type) || (node.inputs !== undefined && !is.plainObject(node.inputs))) {
			throw new EngineError('invalidInput', `Node "${id}" of the ComfyUI workflow has no class_type or invalid inputs; is this the API format?`, {
				parameter: 'Workflow (API Format JSON)',
			});
		}
	}
	const copy = structuredClone(parsed) as ComfyGraph;
	for (const node of Object.values(copy)) node.inputs ??= {};
	return copy;
}

const byNumericId = (a: string, b: string) => a.localeCompare(b, 'en', { numeric: true });

function seedInputOf(graph: ComfyGraph, id: string): string | undefined {
	return SEED_INPUTS.find((name) => name in graph[id].inputs);
}

function seedNodes(graph: ComfyGraph, named: string[]): string[] {
	const ids = named.map((id) => id.trim()).filter(Boolean);
	if (ids.length === 0) {
		const found = Object.keys(graph)
			.filter((id) => {
				const input = seedInputOf(graph, id);
				return input !== undefined && is.number(graph[id].inputs[input]);
			})
			.sort(byNumericId);
		if (found.length === 0) {
			throw new EngineError('invalidInput', 'The ComfyUI workflow has no node with a numeric seed or noise_seed input; name the node that takes the seed in "Seed Node IDs"', {
				parameter: 'Seed Node IDs',
			});
		}
		return found;
	}
	for (const id of ids) {
		const node = graph[id];
		if (!node) throw missingNode(graph, id, 'Seed Node IDs');
		const input = seedInputOf(graph, id);
		if (!input) {
			throw new EngineError('invalidInput', `Node "${id}" (${node.class_type}) has no seed or noise_seed input (parameter "Seed Node IDs")`, { parameter: 'Seed Node IDs' });
		}
		const link = node.inputs[input];
		if (Array.isArray(link)) {
			throw new EngineError(
				'invalidInput',
				`The ${input} input of node "${id}" is connected to node "${String(link[0])}"; put that node's id in "Seed Node IDs" instead (parameter "Seed Node IDs")`,
				{ parameter: 'Seed Node IDs' },
			);
		}
	}
	return ids;
}

function textNode(graph: ComfyGraph, named: string | undefined, samplerId: string | undefined, link: 'positive' | 'negative', parameter: string): string {
	let id = named?.trim();
	if (!id) {
		const source = samplerId ? graph[samplerId]?.inputs[link] : undefined;
		id = Array.isArray(source) ? String(source[0]) : undefined;
		if (!id || !graph[id] || !is.string(graph[id].inputs.text)) {
			throw new EngineError(
				'invalidInput',
				`Could not find the ${link} prompt node of sampler "${samplerId ?? '?'}" (a node with a text input wired to its "${link}" input); set "${parameter}"`,
				{ parameter },
			);
		}
		return id;
	}
	if (!graph[id]) throw missingNode(graph, id, parameter);
	if (!('text' in graph[id].inputs) || Array.isArray(graph[id].inputs.text)) {
		throw new EngineError('invalidInput', `Node "${id}" (${graph[id].class_type}) has no text input to put the prompt in (parameter "${parameter}")`, { parameter });
	}
	return id;
}

function imageNode(graph: ComfyGraph, named: string | undefined): string {
	const id = named?.trim();
	if (id) {
		if (!graph[id]) throw missingNode(graph, id, 'Image Node ID');
		if (!('image' in graph[id].inputs)) {
			throw new EngineError('invalidInput', `Node "${id}" (${graph[id].class_type}) has no image input (parameter "Image Node ID")`, { parameter: 'Image Node ID' });
		}
		return id;
	}
	const loaders = Object.keys(graph).filter((k) => graph[k].class_type === 'LoadImage');
	if (loaders.length !== 1) {
		throw new EngineError(
			'invalidInput',
			loaders.length === 0
				? 'The input image has nowhere to go: the ComfyUI workflow has no LoadImage node'
				: `The ComfyUI workflow has ${loaders.length} LoadImage nodes (${loaders.join(', ')}); say which one gets the input image in "Image Node ID"`,
			{ parameter: 'Image Node ID' },
		);
	}
	return loaders[0];
}

function missingNode(graph: ComfyGraph, id: string, parameter: string): EngineError {
	const known = Object.keys(graph)
		.sort(byNumericId)
		.slice(0, 20)
		.map((k) => `${k} (${graph[k].class_type})`)
		.join(', ');
	return new EngineError('invalidInput', `The ComfyUI workflow has no node "${id}" (parameter "${parameter}"). Nodes: ${known}`, { parameter });
}

function failIfErrored(entry: Record<string, unknown>, promptId: string): void {
	const status = is.plainObject(entry.status) ? entry.status : {};
	if (status.status_str !== 'error') return;
	const messages = Array.isArray(status.messages) ? status.messages : [];
	const failure = messages.find((m): m is [string, Record<string, unknown>] => Array.isArray(m) && m[0] === 'execution_error' && is.plainObject(m[1]));
	const info = failure?.[1] ?? {};
	const where = is.string(info.node_id) ? ` in node "${info.node_id}"${is.string(info.node_type) ? ` (${info.node_type})` : ''}` : '';
	const said = is.string(info.exception_message) ? `: ${info.exception_message.trim().slice(0, 500)}` : '';
	throw new EngineError('server', `ComfyUI failed running prompt ${promptId}${where}${said}. Not retried.`, {
		retryable: false,
		reason: is.string(info.exception_type) ? info.exception_type : undefined,
	});
}

interface ComfyFile {
	nodeId: string;
	filename: string;
	subfolder: string;
	type: string;
}

function outputFiles(entry: Record<string, unknown>, wanted: string[], promptId: string): ComfyFile[] {
	const outputs = is.plainObject(entry.outputs) ? entry.outputs : {};
	const all: ComfyFile[] = [];
	for (const nodeId of Object.keys(outputs).sort(byNumericId)) {
		const output = outputs[nodeId];
		const images = is.plainObject(output) && Array.isArray(output.images) ? output.images : [];
		for (const image of images) {
			if (!is.plainObject(image) || !is.nonEmptyString(image.filename)) continue;
			all.push({
				nodeId,
				filename: image.filename,
				subfolder: is.string(image.subfolder) ? image.subfolder : '',
				type: is.nonEmptyString(image.type) ? image.type : 'output',
			});
		}
	}
	const ids = wanted.map((id) => id.trim()).filter(Boolean);
	let chosen: ComfyFile[];
	if (ids.length) {
		chosen = all.filter((f) => ids.includes(f.nodeId));
	} else {
		const saved = all.filter((f) => f.type === 'output');
		chosen = saved.length ? saved : all;
	}
	if (chosen.length === 0) {
		const from = ids.length ? ` from output node(s) ${ids.join(', ')}` : '';
		throw new EngineError('noImage', `ComfyUI finished prompt ${promptId} without images${from}. Check that the workflow ends in a SaveImage or PreviewImage node.`, {
			retryable: false,
		});
	}
	return chosen;
}

/**
 * ComfyUI's error bodies in a shape the shared mapper reads: validation failures
 * ({error: {type, message, details}, node_errors: {...}}) become one line naming each node.
 */
function comfyErrorBody(body: unknown): unknown {
	if (!is.plainObject(body) || !is.plainObject(body.error)) return body;
	const parts: string[] = [];
	const error = body.error;
	parts.push([error.message, error.details].filter(is.nonEmptyString).join(': '));
	const nodeErrors = is.plainObject(body.node_errors) ? body.node_errors : {};
	for (const [id, value] of Object.entries(nodeErrors)) {
		const node = is.plainObject(value) ? value : {};
		const errors = Array.isArray(node.errors) ? node.errors : [];
		const text = errors
			.filter(is.plainObject)
			.map((e) => [e.message, e.details].filter(is.nonEmptyString).join(': '))
			.join('; ');
		parts.push(`node ${id}${is.string(node.class_type) ? ` (${node.class_type})` : ''}: ${text}`);
	}
	return parts.filter(Boolean).join('; ');
}
