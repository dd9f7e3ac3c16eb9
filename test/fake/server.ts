/**
 * The fake provider's HTTP server: records every request, counts concurrency, applies latency
 * and faults, and hands the request to its route. Listens on 127.0.0.1 only, on a random port.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { FaultBook } from './faults';
import { text, type ActiveFault, type Ctx, type Reply } from './http';
import { matchRoute } from './routes';
import { FakeState } from './state';
import type { FakeProvider, FakeProviderOptions, RecordedRequest } from './types';

/** Bodies above this are refused (413) so a runaway test cannot exhaust memory. */
const MAX_BODY_BYTES = 64 * 1024 * 1024;

function flatHeaders(req: IncomingMessage): Record<string, string> {
	const out: Record<string, string> = {};
	for (const [name, value] of Object.entries(req.headers)) {
		if (value !== undefined) out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
	}
	return out;
}

function parseJson(raw: Buffer): unknown {
	if (raw.length === 0) return undefined;
	try {
		return JSON.parse(raw.toString('utf8')) as unknown;
	} catch {
		return undefined;
	}
}

async function readBody(req: IncomingMessage): Promise<Buffer | 'tooLarge'> {
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of req) {
		size += (chunk as Buffer).length;
		if (size > MAX_BODY_BYTES) return 'tooLarge';
		chunks.push(chunk as Buffer);
	}
	return Buffer.concat(chunks);
}

/** Write a reply; truncatedJson cuts a JSON body in half (a complete but broken message) and
 * any other body mid-stream (declared length, half the bytes, connection cut). */
function writeReply(res: ServerResponse, reply: Reply, truncate: boolean): void {
	if (res.destroyed) return;
	if (reply.stream) {
		for (const [k, v] of Object.entries(reply.headers ?? {})) res.setHeader(k, v);
		reply.stream(res);
		return;
	}
	const headers = { ...(reply.headers ?? {}) };
	const b = reply.body;
	let body = Buffer.isBuffer(b)
		? b
		: typeof b === 'string'
			? Buffer.from(b)
			: b === undefined
				? Buffer.alloc(0)
				: Buffer.from(JSON.stringify(b));
	if (truncate) {
		const half = body.subarray(0, Math.floor(body.length / 2));
		if (!/json/.test(headers['content-type'] ?? '')) {
			res.writeHead(reply.status, { ...headers, 'content-length': String(body.length) });
			res.write(half, () => res.destroy());
			return;
		}
		body = half;
	}
	res.writeHead(reply.status, { ...headers, 'content-length': String(body.length) });
	res.end(body);
}

/**
 * Start a fake provider on 127.0.0.1 (random port).
 * @example
 * const fake = await startFakeProvider({ variance: 0 });
 * fake.inject('rateLimit', { retryDelay: '0.3s' });
 * // ... point the client at fake.url ...
 * await fake.close();
 * @param options see {@link FakeProviderOptions}; every field has a default.
 */
export async function startFakeProvider(options: FakeProviderOptions = {}): Promise<FakeProvider> {
	const state = new FakeState(options);
	const faults = new FaultBook(state.prng);
	const requests: RecordedRequest[] = [];
	const sockets = new Set<Socket>();
	let inFlight = 0;
	let maxInFlight = 0;

	async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
		inFlight += 1;
		maxInFlight = Math.max(maxInFlight, inFlight);
		// 'finish' (all bytes handed to the OS) comes before the client can see the end of the answer,
		// so a strictly sequential client never overlaps with itself; 'close' covers aborted requests.
		let open = true;
		const done = (): void => {
			if (open) inFlight -= 1;
			open = false;
		};
		res.once('finish', done);
		res.once('close', done);
		const url = new URL(req.url ?? '/', 'http://127.0.0.1');
		const method = (req.method ?? 'GET').toUpperCase();
		const match = matchRoute(method, url.pathname);
		const record: RecordedRequest = {
			method,
			path: url.pathname,
			query: Object.fromEntries(url.searchParams),
			headers: flatHeaders(req),
			body: undefined,
			rawBody: Buffer.alloc(0),
			at: Date.now(),
			route: match?.def.name ?? 'unknown',
		};
		requests.push(record);
		// Faults are taken on arrival, so concurrent requests get them in arrival order.
		let fault: ActiveFault | undefined = match ? faults.take(record.route) : undefined;
		if (fault) record.fault = fault.kind;

		let raw: Buffer | 'tooLarge';
		try {
			raw = await readBody(req);
		} catch {
			return; // the client went away while sending
		}
		if (raw === 'tooLarge') {
			writeReply(res, text(413, 'Payload Too Large', { connection: 'close' }), false);
			req.socket.destroy();
			return;
		}
		record.rawBody = raw;
		record.body = parseJson(raw);

		if (state.latencyMs > 0) await state.later(state.latencyMs);
		if (fault?.kind === 'hang') {
			// Never answer, unless hangMs is given: then answer normally that late.
			if (fault.hangMs === undefined) return;
			await state.later(fault.hangMs);
			fault = undefined;
		}
		if (fault?.kind === 'reset') {
			req.socket.destroy();
			return;
		}
		if (!match) {
			writeReply(res, text(404, 'Not Found'), false);
			return;
		}
		const ctx: Ctx = { req, record, params: match.params, fault, state };
		let reply: Reply;
		try {
			reply = (fault ? match.def.fault(ctx) : undefined) ?? (await match.def.handler(ctx));
		} catch (error) {
			// A bug in the fake, not a simulated failure: say so plainly.
			reply = text(500, `fake provider error in ${record.route}: ${(error as Error).stack ?? String(error)}`);
		}
		writeReply(res, reply, fault?.kind === 'truncatedJson');
	}

	const server = createServer((req, res) => void handle(req, res));
	server.on('connection', (socket) => {
		sockets.add(socket);
		socket.once('close', () => sockets.delete(socket));
	});
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => resolve());
	});
	state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	let closing: Promise<void> | undefined;

	return {
		url: state.url,
		requests,
		inject: (kind, opts) => faults.inject(kind, opts),
		setFaultRate: (rate, kinds, opts) => faults.setRate(rate, kinds, opts),
		setLatency(ms) {
			if (!(ms >= 0)) throw new Error(`Expected a non-negative number for latency but received ${ms}`);
			state.latencyMs = ms;
		},
		setVariance(v) {
			if (!(v >= 0)) throw new Error(`Expected a non-negative number for variance but received ${v}`);
			state.variance = v;
		},
		setFileBehaviour(behaviour) {
			state.fileBehaviour = behaviour;
		},
		setComfyJobMs(ms) {
			if (!(ms >= 0)) throw new Error(`Expected a non-negative number for comfyJobMs but received ${ms}`);
			state.comfyJobMs = ms;
		},
		reset() {
			requests.length = 0;
			faults.clear();
			state.fileBehaviour = undefined;
			maxInFlight = inFlight;
		},
		stats() {
			const byRoute: Record<string, number> = {};
			for (const r of requests) byRoute[r.route] = (byRoute[r.route] ?? 0) + 1;
			return { calls: requests.length, byRoute, maxInFlight, inFlight };
		},
		close() {
			closing ??= new Promise<void>((resolve) => {
				state.shutdown();
				server.close(() => resolve());
				for (const socket of sockets) socket.destroy();
			});
			return closing;
		},
	};
}
