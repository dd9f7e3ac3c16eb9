/**
 * GET /files/<id>.png: the result URLs the OpenAI-style route hands out (Flux via APIYI answers
 * with URLs valid 10 minutes). setFileBehaviour() makes downloads slow, huge, redirected or
 * failing, so the product's downloader can be tested against hostile URLs.
 */
import type { ServerResponse } from 'node:http';
import { text, type Ctx, type Reply } from './http';
import type { FileBehaviour } from './types';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const CHUNK = 1024 * 1024;

/** True when the behaviour is meant for this request path. */
function applies(b: FileBehaviour, path: string): boolean {
	if (b.url === undefined) return true;
	const target = b.url.startsWith('/') ? b.url : new URL(b.url).pathname;
	return target === path;
}

/** Write `total` bytes (a PNG signature then zeros) respecting back-pressure; stops if the client goes away. */
function streamHuge(res: ServerResponse, total: number, declareLength: boolean): void {
	res.writeHead(200, {
		'content-type': 'image/png',
		...(declareLength ? { 'content-length': String(total) } : {}),
	});
	const zeros = Buffer.alloc(CHUNK);
	let sent = 0;
	const pump = (): void => {
		while (sent < total && !res.destroyed) {
			const n = Math.min(CHUNK, total - sent);
			const chunk = sent === 0 ? Buffer.concat([PNG_SIGNATURE, zeros]).subarray(0, n) : zeros.subarray(0, n);
			sent += n;
			if (!res.write(chunk)) {
				res.once('drain', pump);
				return;
			}
		}
		if (!res.destroyed) res.end();
	};
	pump();
}

/** Error-type faults as a file host (CDN, object storage) would send them. */
export function fileFault(ctx: Ctx): Reply | undefined {
	const fault = ctx.fault;
	switch (fault?.kind) {
		case 'rateLimit':
			return text(429, 'Too Many Requests', { 'retry-after': String(fault.retryAfterSeconds) });
		case 'overloaded':
			return text(503, 'Service Unavailable');
		case 'serverError':
			return text(500, 'Internal Server Error');
		case 'badKey':
			// Signed result URLs fail like this once they expire (Flux URLs live 10 minutes).
			return text(403, 'Request has expired');
		case 'retiredModel':
			return text(404, 'Not Found');
		default:
			return undefined;
	}
}

export async function getFile(ctx: Ctx): Promise<Reply> {
	const b = ctx.state.fileBehaviour;
	const behaviour = b && applies(b, ctx.record.path) ? b : undefined;
	if (behaviour?.delayMs) await ctx.state.later(behaviour.delayMs);
	if (behaviour?.redirect) return text(302, 'Found', { location: behaviour.redirect });
	if (behaviour?.status) return text(behaviour.status, behaviour.status === 403 ? 'Request has expired' : 'Error');
	if (behaviour?.sizeBytes !== undefined) {
		const total = behaviour.sizeBytes;
		return { status: 200, stream: (res) => streamHuge(res, total, behaviour.declareLength !== false) };
	}
	const file = ctx.state.files.get(decodeURIComponent(ctx.params[0] ?? ''));
	if (!file) return text(404, 'Not Found');
	return { status: 200, headers: { 'content-type': file.mimeType }, body: file.bytes };
}
