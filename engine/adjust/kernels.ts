/**
 * The WebAssembly pixel loops (kernels/kernels.c, compiled by kernels/build.sh into
 * kernels/kernels-wasm.ts) and the workspaces they run in.
 *
 * Why WebAssembly: the loops are table lookups and integer arithmetic over tens of millions of
 * pixels; compiled ahead of time they run two to four times faster than the same loops in
 * JavaScript, on every Node that n8n supports, with no native build at install time. Tables are
 * still built in TypeScript (each step's file); the loops only apply them, with the same
 * arithmetic, so the bytes are the same as the TypeScript reference loops gave.
 *
 * A workspace is one instance of the module with its own memory: the tables of one run of steps
 * plus a strip buffer. Pixels are copied into the strip, every pass of a group runs on it, and it
 * is copied back. A run holds its workspace from start to end (runs of different images interleave
 * on the event loop), and returns it to a small pool, so its memory is reused rather than mapped
 * anew for every image.
 */
import { KERNELS_WASM } from './kernels/kernels-wasm';
import { IDENTITY_LUTS, type ChannelLuts } from './point-lut';

/**
 * The part of the WebAssembly JavaScript API used here. Node has the global `WebAssembly`, but
 * TypeScript declares it only in the DOM library, which this package does not load.
 */
interface WasmMemory {
	readonly buffer: ArrayBuffer;
	grow(pages: number): number;
}
interface WasmApi {
	Module: new (bytes: Uint8Array) => object;
	Instance: new (module: object, imports: Record<string, never>) => { exports: Record<string, unknown> };
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** The module's exports (see kernels.c for what each loop does). Pointers are byte offsets. */
export interface KernelExports {
	memory: WasmMemory;
	heap_base(): number;
	apply_luts(p: number, n: number, ch: number, tr: number, tg: number, tb: number): void;
	luma_sum(p: number, n: number, ch: number, lr: number, lg: number, lb: number): number;
	saturate(p: number, n: number, ch: number, pr: number, pg: number, pb: number, table: number): void;
	vignette_rows(
		p: number,
		y0: number,
		y1: number,
		width: number,
		ch: number,
		halfH: number,
		e0: number,
		e1: number,
		u2: number,
		offsets: number,
		tr: number,
		tg: number,
		tb: number,
	): void;
	grain_mono(p: number, firstPixel: number, n: number, ch: number, seed: number, deltas: number): void;
	grain_colour(p: number, firstPixel: number, n: number, ch: number, seed: number, deltas: number): void;
}

/** Compiled once per process (3 KB; compiling is synchronous and takes well under a millisecond). */
const MODULE = new wasm.Module(Buffer.from(KERNELS_WASM, 'base64'));

const PAGE = 65536;

/**
 * One module instance and its memory, used by one run of steps at a time: tables are allocated
 * with {@link Workspace.put} / {@link Workspace.alloc} while the passes are prepared, and all of
 * them are freed at once by {@link Workspace.reset}.
 */
export class Workspace {
	readonly k: KernelExports;
	private readonly base: number;
	private top: number;
	private view: Uint8Array;

	constructor() {
		this.k = new wasm.Instance(MODULE, {}).exports as unknown as KernelExports;
		this.base = this.k.heap_base();
		this.top = this.base;
		this.view = new Uint8Array(this.k.memory.buffer);
	}

	/**
	 * Reserves `bytes` bytes (8-byte aligned, contents undefined), growing the memory if needed.
	 *
	 * @example const strip = ws.alloc(96 * 1024);
	 * @returns the byte offset
	 */
	alloc(bytes: number): number {
		const at = (this.top + 7) & ~7;
		const end = at + bytes;
		const size = this.k.memory.buffer.byteLength;
		if (end > size) this.k.memory.grow(Math.ceil((end - size) / PAGE));
		this.top = end;
		return at;
	}

	/**
	 * Copies a table into the workspace.
	 *
	 * @example const t = ws.put(saturationTable(1.2));
	 * @returns its byte offset
	 */
	put(table: Uint8Array | Int8Array | Int32Array | Float64Array): number {
		const at = this.alloc(table.byteLength);
		this.bytes().set(new Uint8Array(table.buffer, table.byteOffset, table.byteLength), at);
		return at;
	}

	/** A view of the whole memory (a new one after the memory grew). */
	bytes(): Uint8Array {
		if (this.view.buffer !== this.k.memory.buffer) this.view = new Uint8Array(this.k.memory.buffer);
		return this.view;
	}

	/** Frees every allocation. */
	reset(): void {
		this.top = this.base;
	}
}

/** Idle workspaces kept for reuse; more than this many are left to the garbage collector. */
const POOL_SIZE = 4;
const idle: Workspace[] = [];

/**
 * Runs `fn` with a workspace of its own, returned to the pool afterwards.
 *
 * @example const mean = await withWorkspace(async (ws) => ...);
 */
export async function withWorkspace<T>(fn: (ws: Workspace) => Promise<T>): Promise<T> {
	const ws = idle.pop() ?? new Workspace();
	try {
		return await fn(ws);
	} finally {
		ws.reset();
		if (idle.length < POOL_SIZE) idle.push(ws);
	}
}

/**
 * A pass over one strip: `pixels` pixels (whole rows y0..y1-1 of the image) at byte offset `at`
 * of the workspace, changed in place.
 */
export type StripPass = (at: number, pixels: number, y0: number, y1: number) => void;

/**
 * Copies per-channel tables into the workspace (the identity for null).
 *
 * @example const [r, g, b] = putLuts(ws, pending);
 * @returns the byte offsets of the R, G and B tables
 */
export function putLuts(ws: Workspace, pending: ChannelLuts | null): [number, number, number] {
	const luts = pending ?? IDENTITY_LUTS;
	const r = ws.put(luts.r);
	const g = luts.g === luts.r ? r : ws.put(luts.g);
	const b = luts.b === luts.r ? r : luts.b === luts.g ? g : ws.put(luts.b);
	return [r, g, b];
}

/**
 * A pass applying per-channel tables (kernels.c apply_luts).
 *
 * @example group.push(lutPass(ws, 3, pending));
 */
export function lutPass(ws: Workspace, channels: 3 | 4, luts: ChannelLuts): StripPass {
	const [r, g, b] = putLuts(ws, luts);
	return (at, pixels) => ws.k.apply_luts(at, pixels, channels, r, g, b);
}
