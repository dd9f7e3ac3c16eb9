/**
 * Everything the route modules share for one fake server: resolved options, the seeded PRNG,
 * stored result files, ComfyUI jobs and the timers that close() must clear.
 */
import { Prng } from './random';
import { DEFAULT_MODELS, DEFAULT_RETIRED_MODELS, type FakeProviderOptions, type FileBehaviour } from './types';

/** A stored result file (OpenAI-style URLs, ComfyUI outputs and uploads). */
export interface StoredFile {
	bytes: Buffer;
	mimeType: string;
}

/** A ComfyUI job: done once Date.now() >= doneAt (no timer needed). */
export interface ComfyJob {
	id: string;
	number: number;
	graph: Record<string, unknown>;
	clientId?: string;
	doneAt: number;
	/** Save node id -> output filenames. */
	outputs: Record<string, Array<{ filename: string; subfolder: string; type: string }>>;
	/** Set by a content fault: the job ends in error (or without images for 'noImage'). */
	failure?: 'error' | 'noImage';
	/** Settles when the output files are stored (rendering runs after POST /prompt answered). */
	rendered?: Promise<void>;
}

export class FakeState {
	url = '';
	readonly apiKeys: Set<string>;
	readonly bearerTokens: Set<string>;
	readonly models: string[];
	readonly retired: Record<string, string>;
	readonly basicAuth?: { user: string; password: string };
	readonly outputMimeType: string;
	readonly prng: Prng;
	latencyMs: number;
	variance: number;
	comfyJobMs: number;
	fileBehaviour?: FileBehaviour;
	/** OpenAI result files by id ('<id>.png'). */
	readonly files = new Map<string, StoredFile>();
	/** ComfyUI files by `${type}/${subfolder}/${filename}`. */
	readonly comfyFiles = new Map<string, StoredFile>();
	readonly comfyJobs = new Map<string, ComfyJob>();
	comfyCounter = 0;
	private readonly timers = new Set<NodeJS.Timeout>();
	private closed = false;

	constructor(options: FakeProviderOptions) {
		this.apiKeys = new Set(options.apiKeys ?? ['test-key']);
		this.bearerTokens = new Set(options.bearerTokens ?? ['test-token']);
		this.models = [...(options.models ?? DEFAULT_MODELS)];
		this.retired = { ...(options.retiredModels ?? DEFAULT_RETIRED_MODELS) };
		this.basicAuth = options.basicAuth;
		this.outputMimeType = options.outputMimeType ?? 'image/png';
		this.prng = new Prng(options.seed ?? 1);
		this.latencyMs = options.latencyMs ?? 0;
		this.variance = options.variance ?? 0.05;
		this.comfyJobMs = options.comfyJobMs ?? 100;
	}

	/** The replacement hint if `model` is retired (keys ending in '*' match by prefix). */
	retiredHint(model: string): string | undefined {
		for (const [key, hint] of Object.entries(this.retired)) {
			if (key.endsWith('*') ? model.startsWith(key.slice(0, -1)) : model === key) return hint;
		}
		return undefined;
	}

	/** Resolves after `ms`; never resolves once close() ran (its timer is cleared). */
	later(ms: number): Promise<void> {
		return new Promise((resolve) => {
			if (this.closed) return;
			const timer = setTimeout(() => {
				this.timers.delete(timer);
				resolve();
			}, ms);
			this.timers.add(timer);
		});
	}

	/** Clear every pending timer; later() calls become no-ops. */
	shutdown(): void {
		this.closed = true;
		for (const timer of this.timers) clearTimeout(timer);
		this.timers.clear();
	}
}
