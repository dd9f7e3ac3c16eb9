/**
 * The little HTTP vocabulary shared by the route modules: what a handler returns (a Reply),
 * what it gets (a Ctx), and a few helpers to read credentials.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FakeState } from './state';
import type { FaultKind, RecordedRequest } from './types';

/** A fault picked for this request, with its options resolved. */
export interface ActiveFault {
	kind: FaultKind;
	retryDelay: string;
	retryAfterSeconds: number;
	hangMs?: number;
}

export interface Reply {
	status: number;
	headers?: Record<string, string>;
	/** Object -> JSON (content-type application/json); string or Buffer as is. */
	body?: unknown;
	/** Streams the answer itself (downloads); `body` is ignored. Must end or destroy `res`. */
	stream?: (res: ServerResponse) => void;
}

export interface Ctx {
	req: IncomingMessage;
	record: RecordedRequest;
	/** Captures of the route's path pattern ('' for an optional group that did not match). */
	params: string[];
	fault?: ActiveFault;
	state: FakeState;
}

export type Handler = (ctx: Ctx) => Reply | Promise<Reply>;

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Reply {
	return { status, body, headers: { 'content-type': 'application/json; charset=UTF-8', ...headers } };
}

export function text(status: number, body: string, headers: Record<string, string> = {}): Reply {
	return { status, body, headers: { 'content-type': 'text/plain; charset=utf-8', ...headers } };
}

/** The token of an `Authorization: Bearer <token>` header, if any. */
export function bearer(ctx: Ctx): string | undefined {
	const m = /^Bearer\s+(.+)$/i.exec(ctx.record.headers.authorization ?? '');
	return m ? m[1].trim() : undefined;
}

/** True when the request carries the configured basic auth (or none is configured). */
export function basicAuthOk(ctx: Ctx): boolean {
	const want = ctx.state.basicAuth;
	if (!want) return true;
	const m = /^Basic\s+(.+)$/i.exec(ctx.record.headers.authorization ?? '');
	if (!m) return false;
	return Buffer.from(m[1], 'base64').toString('utf8') === `${want.user}:${want.password}`;
}

/** The body as a plain object, or undefined for arrays, primitives and non-JSON. */
export function bodyObject(ctx: Ctx): Record<string, unknown> | undefined {
	const b = ctx.record.body;
	return b !== null && typeof b === 'object' && !Array.isArray(b) ? (b as Record<string, unknown>) : undefined;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
	return v !== null && typeof v === 'object' && !Array.isArray(v);
}
