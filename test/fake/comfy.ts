/**
 * ComfyUI's HTTP API (FACTS.md): POST /prompt, GET /history/<id>, GET /view, POST /upload/image.
 * A job is done comfyJobMs after submission (default 100 ms; Infinity = never); until then its
 * history is {}. Output is deterministic by the KSampler seed and the CLIPTextEncode texts.
 * Validation errors follow ComfyUI's execution.validate_prompt: 400 {error:{type,message,details,extra_info}, node_errors}.
 */
import { basicAuthOk, isRecord, json, text, type Ctx, type Reply } from './http';
import { dimensions, render, syntheticPicture } from './pictures';
import { hashSeed } from './random';
import type { ComfyJob } from './state';

const NODE_TYPES = new Set([
	'CheckpointLoaderSimple',
	'CLIPTextEncode',
	'CLIPSetLastLayer',
	'EmptyLatentImage',
	'KSampler',
	'KSamplerAdvanced',
	'VAEDecode',
	'VAEEncode',
	'LoadImage',
	'ImageScale',
	'LatentUpscale',
	'LoraLoader',
	'SaveImage',
	'PreviewImage',
]);
const OUTPUT_NODES = new Set(['SaveImage', 'PreviewImage']);
const CHECKPOINTS = ['v1-5-pruned-emaonly.safetensors', 'sd_xl_base_1.0.safetensors'];

type Graph = Record<string, { class_type: string; inputs: Record<string, unknown> }>;

function promptError(type: string, message: string, details = '', nodeErrors: Record<string, unknown> = {}): Reply {
	return json(400, { error: { type, message, details, extra_info: {} }, node_errors: nodeErrors });
}

/** A node error as validate_inputs reports it, wrapped in prompt_outputs_failed_validation. */
function nodeError(graph: Graph, id: string, type: string, message: string, details: string, input: string): Reply {
	const outputs = Object.keys(graph).filter((k) => OUTPUT_NODES.has(graph[k].class_type));
	return promptError('prompt_outputs_failed_validation', 'Prompt outputs failed validation', '', {
		[id]: {
			errors: [{ type, message, details, extra_info: { input_name: input } }],
			dependent_outputs: outputs,
			class_type: graph[id].class_type,
		},
	});
}

const unauthorized = (): Reply =>
	text(
		401,
		'<html><head><title>401 Authorization Required</title></head><body><center><h1>401 Authorization Required</h1></center></body></html>',
		{
			'content-type': 'text/html',
			'www-authenticate': 'Basic realm="ComfyUI"',
		},
	);

/** Error-type faults. ComfyUI has no quota or keys: 429/401 are what a proxy in front would send. */
export function comfyFault(ctx: Ctx): Reply | undefined {
	const fault = ctx.fault;
	const body = isRecord(ctx.record.body) ? ctx.record.body : undefined;
	const graph = isRecord(body?.prompt) ? (body.prompt as Graph) : undefined;
	switch (fault?.kind) {
		case 'rateLimit':
			return text(429, '429: Too Many Requests', { 'retry-after': String(fault.retryAfterSeconds) });
		case 'overloaded':
			return text(503, '503: Service Unavailable');
		case 'serverError':
			// aiohttp's default page for an unhandled exception.
			return text(500, '500 Internal Server Error\n\nServer got itself in trouble');
		case 'badKey':
			return unauthorized();
		case 'retiredModel': {
			const id = graph ? Object.keys(graph).find((k) => graph[k].class_type === 'CheckpointLoaderSimple') : undefined;
			if (!graph || !id)
				return promptError('invalid_prompt', 'Cannot execute because a node is missing the class_type property.');
			const name = String(graph[id].inputs.ckpt_name);
			return nodeError(
				graph,
				id,
				'value_not_in_list',
				'Value not in list',
				`ckpt_name: '${name}' not in ${JSON.stringify(CHECKPOINTS)}`,
				'ckpt_name',
			);
		}
		default:
			return undefined;
	}
}

/** Check the graph like validate_prompt; the graph or an error reply. */
function validate(ctx: Ctx, prompt: unknown): Graph | Reply {
	if (!isRecord(prompt)) return promptError('no_prompt', 'No prompt provided', 'No prompt provided');
	for (const [id, node] of Object.entries(prompt)) {
		if (!isRecord(node) || typeof node.class_type !== 'string') {
			return promptError(
				'invalid_prompt',
				'Cannot execute because a node is missing the class_type property.',
				`Node ID '#${id}'`,
			);
		}
		if (!NODE_TYPES.has(node.class_type)) {
			return promptError(
				'invalid_prompt',
				`Cannot execute because node ${node.class_type} does not exist.`,
				`Node ID '#${id}'`,
			);
		}
		if (node.inputs !== undefined && !isRecord(node.inputs)) {
			return promptError('invalid_prompt', `Node ${id} has invalid inputs.`, `Node ID '#${id}'`);
		}
	}
	const graph = Object.fromEntries(
		Object.entries(prompt as Record<string, Record<string, unknown>>).map(([id, n]) => [
			id,
			{ class_type: String(n.class_type), inputs: (n.inputs as Record<string, unknown> | undefined) ?? {} },
		]),
	) as Graph;
	if (!Object.values(graph).some((n) => OUTPUT_NODES.has(n.class_type))) {
		return promptError('prompt_no_outputs', 'Prompt has no outputs');
	}
	for (const [id, node] of Object.entries(graph)) {
		if (node.class_type === 'LoadImage' && !ctx.state.comfyFiles.has(`input//${String(node.inputs.image)}`)) {
			return nodeError(
				graph,
				id,
				'custom_validation_failed',
				'Custom validation failed for node',
				`image - Invalid image file: ${String(node.inputs.image)}`,
				'image',
			);
		}
		if (node.class_type === 'CheckpointLoaderSimple' && !CHECKPOINTS.includes(String(node.inputs.ckpt_name))) {
			return nodeError(
				graph,
				id,
				'value_not_in_list',
				'Value not in list',
				`ckpt_name: '${String(node.inputs.ckpt_name)}' not in ${JSON.stringify(CHECKPOINTS)}`,
				'ckpt_name',
			);
		}
	}
	return graph;
}

const nodesOf = (graph: Graph, type: string): Array<[string, Graph[string]]> =>
	Object.entries(graph)
		.filter(([, n]) => n.class_type === type)
		.sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true }));

/** Render every output node's images and store them as files (runs in the background). */
async function runJob(ctx: Ctx, job: ComfyJob): Promise<void> {
	const graph = job.graph as Graph;
	const sampler = nodesOf(graph, 'KSampler')[0]?.[1] ?? nodesOf(graph, 'KSamplerAdvanced')[0]?.[1];
	const seed = Number(sampler?.inputs.seed ?? sampler?.inputs.noise_seed ?? 0);
	const denoise = Number(sampler?.inputs.denoise ?? 1);
	const texts = nodesOf(graph, 'CLIPTextEncode').map(([, n]) => String(n.inputs.text ?? ''));
	const latent = nodesOf(graph, 'EmptyLatentImage')[0]?.[1];
	const loaded = nodesOf(graph, 'LoadImage')[0]?.[1];
	const input = loaded ? ctx.state.comfyFiles.get(`input//${String(loaded.inputs.image)}`)?.bytes : undefined;
	let width = Number(latent?.inputs.width ?? 512);
	let height = Number(latent?.inputs.height ?? 512);
	if (!latent && input) ({ width, height } = await dimensions(input));
	width = Math.max(8, Math.floor(Math.min(width, 2048) / 8) * 8);
	height = Math.max(8, Math.floor(Math.min(height, 2048) / 8) * 8);
	const batch = Math.min(4, Math.max(1, Number(latent?.inputs.batch_size ?? 1)));
	for (const [id, node] of [...nodesOf(graph, 'SaveImage'), ...nodesOf(graph, 'PreviewImage')]) {
		const type = node.class_type === 'SaveImage' ? 'output' : 'temp';
		const prefix = type === 'output' ? String(node.inputs.filename_prefix ?? 'ComfyUI') : 'ComfyUI_temp';
		const images = [];
		for (let i = 0; i < batch; i++) {
			const pictureSeed = hashSeed('comfy', seed, texts, width, height, i, input ?? null, denoise);
			// img2img graphs: the loaded image with the generated picture blended over it by the KSampler's denoise.
			const png = input
				? await render(input, { width, height, overlay: { seed: pictureSeed, opacity: denoise } })
				: await render(syntheticPicture(pictureSeed, width / height), { width, height });
			ctx.state.comfyCounter += 1;
			const filename = `${prefix}_${String(ctx.state.comfyCounter).padStart(5, '0')}_.png`;
			ctx.state.comfyFiles.set(`${type}//${filename}`, { bytes: png, mimeType: 'image/png' });
			images.push({ filename, subfolder: '', type });
		}
		job.outputs[id] = images;
	}
}

export function postPrompt(ctx: Ctx): Reply {
	if (!basicAuthOk(ctx)) return unauthorized();
	const body = isRecord(ctx.record.body) ? ctx.record.body : undefined;
	if (!body || body.prompt === undefined) return promptError('no_prompt', 'No prompt provided', 'No prompt provided');
	const graph = validate(ctx, body.prompt);
	if ('status' in graph) return graph as Reply;

	const kind = ctx.fault?.kind;
	const failure =
		kind === 'noImage'
			? 'noImage'
			: kind && ['textOnly', 'imageSafety', 'imageOther', 'promptBlocked'].includes(kind)
				? 'error'
				: undefined;
	const id = [8, 4, 4, 4, 12].map((n) => ctx.state.prng.hex(n)).join('-');
	const job: ComfyJob = {
		id,
		number: ctx.state.comfyJobs.size,
		graph,
		clientId: typeof body.client_id === 'string' ? body.client_id : undefined,
		doneAt: Date.now() + ctx.state.comfyJobMs,
		outputs: {},
		failure,
	};
	ctx.state.comfyJobs.set(id, job);
	// Rendering runs after the answer, like ComfyUI's queue; history waits for it.
	job.rendered = failure
		? Promise.resolve()
		: runJob(ctx, job).catch(() => {
				job.failure = 'error';
			});
	return json(200, { prompt_id: id, number: job.number, node_errors: {} });
}

export async function getHistory(ctx: Ctx): Promise<Reply> {
	if (!basicAuthOk(ctx)) return unauthorized();
	const id = decodeURIComponent(ctx.params[0]);
	const job = ctx.state.comfyJobs.get(id);
	if (!job || Date.now() < job.doneAt) return json(200, {});
	await job.rendered;
	const t = Date.now();
	const outputIds = Object.keys(job.graph).filter((k) => OUTPUT_NODES.has((job.graph as Graph)[k].class_type));
	const failed = job.failure === 'error';
	const messages: unknown[] = [
		['execution_start', { prompt_id: id, timestamp: t }],
		['execution_cached', { nodes: [], prompt_id: id, timestamp: t }],
	];
	if (failed) {
		const node =
			Object.keys(job.graph).find((k) => /^KSampler/.test((job.graph as Graph)[k].class_type)) ?? outputIds[0];
		messages.push([
			'execution_error',
			{
				prompt_id: id,
				node_id: node,
				node_type: (job.graph as Graph)[node].class_type,
				executed: [],
				exception_message: 'Generation was blocked (fake provider fault).',
				exception_type: 'RuntimeError',
				traceback: [],
				current_inputs: {},
				current_outputs: {},
				timestamp: t,
			},
		]);
	} else {
		messages.push(['execution_success', { prompt_id: id, timestamp: t }]);
	}
	const outputs = Object.fromEntries(Object.entries(job.outputs).map(([k, images]) => [k, { images }]));
	return json(200, {
		[id]: {
			prompt: [job.number, id, job.graph, { client_id: job.clientId }, outputIds],
			outputs,
			status: { status_str: failed ? 'error' : 'success', completed: !failed, messages },
			meta: Object.fromEntries(
				Object.keys(outputs).map((k) => [k, { node_id: k, display_node: k, parent_node: null, real_node_id: k }]),
			),
		},
	});
}

export function view(ctx: Ctx): Reply {
	if (!basicAuthOk(ctx)) return unauthorized();
	const { filename = '', subfolder = '', type = 'output' } = ctx.record.query;
	const file = ctx.state.comfyFiles.get(`${type}/${subfolder}/${filename}`);
	if (!file) return text(404, '404: Not Found');
	return {
		status: 200,
		headers: { 'content-type': file.mimeType, 'content-disposition': `filename="${filename}"` },
		body: file.bytes,
	};
}

/** The parts of a multipart/form-data body: name, optional filename, bytes. */
function multipart(ctx: Ctx): Array<{ name: string; filename?: string; data: Buffer }> {
	const m = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(ctx.record.headers['content-type'] ?? '');
	if (!m) return [];
	const delimiter = Buffer.from(`--${m[1] ?? m[2]}`);
	const raw = ctx.record.rawBody;
	const parts = [];
	let start = raw.indexOf(delimiter);
	while (start >= 0) {
		const next = raw.indexOf(delimiter, start + delimiter.length);
		if (next < 0) break;
		const chunk = raw.subarray(start + delimiter.length + 2, next - 2);
		const split = chunk.indexOf('\r\n\r\n');
		if (split >= 0) {
			const head = chunk.subarray(0, split).toString('utf8');
			const name = /name="([^"]*)"/i.exec(head)?.[1] ?? '';
			const filename = /filename="([^"]*)"/i.exec(head)?.[1];
			parts.push({ name, filename, data: chunk.subarray(split + 4) });
		}
		start = next;
	}
	return parts;
}

export function uploadImage(ctx: Ctx): Reply {
	if (!basicAuthOk(ctx)) return unauthorized();
	const parts = multipart(ctx);
	const image = parts.find((p) => p.name === 'image' && p.filename);
	if (!image) return text(400, '400: Bad Request');
	const field = (name: string): string | undefined => parts.find((p) => p.name === name)?.data.toString('utf8');
	const type = field('type') ?? 'input';
	const subfolder = field('subfolder') ?? '';
	const name = image.filename!;
	ctx.state.comfyFiles.set(`${type}/${subfolder}/${name}`, { bytes: Buffer.from(image.data), mimeType: 'image/png' });
	return json(200, { name, subfolder, type });
}
