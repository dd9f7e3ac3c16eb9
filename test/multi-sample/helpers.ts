/**
 * Helpers for the Multi-Sample tests: fixture photos, PIL-style reference edits computed in
 * plain JavaScript (independent of the code under test), an EditContext against the fake
 * provider, and the node type as the workflow harness loads it.
 */
import { mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { Limiter } from '../../engine/core/limiter';
import { resolveRetryPolicy } from '../../engine/core/retry';
import { inspectImage } from '../../engine/image/input';
import { prepareForUpload } from '../../engine/image/upload';
import { parseProviderConfig } from '../../engine/provider/config';
import { GeminiImageClient } from '../../engine/provider/gemini-client';
import type { EditContext, EditTarget } from '../../engine/strategies/edit-call';
import type { InputImage } from '../../engine/provider/image-request';
import type { FakeProvider } from '../fake';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const FIXTURE_PACKAGE = path.join(REPO_ROOT, 'test', 'harness', 'fixture-package');

export type PhotoName = 'astronaut' | 'coffee' | 'chelsea';

export function photoPath(name: PhotoName): string {
	return path.join(REPO_ROOT, 'test', 'fixtures', 'photos', `${name}.png`);
}

export async function photo(name: PhotoName): Promise<Buffer> {
	return readFileSync(photoPath(name));
}

export interface ReferenceEdit {
	/** Multiplier (PIL Brightness). */
	brightness?: number;
	/** Multiplier around the mean luma (PIL Contrast). */
	contrast?: number;
	/** Multiplier around each pixel's luma (PIL Color). */
	saturation?: number;
	/** R x (1 + w), B x (1 - w). */
	warmth?: number;
}

/** Applies the edit pixel by pixel in plain JavaScript and returns a PNG. */
export async function edited(png: Buffer, edit: ReferenceEdit): Promise<Buffer> {
	const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
	const b = edit.brightness ?? 1;
	const c = edit.contrast ?? 1;
	const s = edit.saturation ?? 1;
	const w = edit.warmth ?? 0;
	let sum = 0;
	for (let i = 0; i < data.length; i += 3) sum += 0.299 * data[i] + 0.587 * data[i + 1] + 0.114 * data[i + 2];
	const pivot = (sum / (data.length / 3)) * b;
	const out = Buffer.alloc(data.length);
	const clamp = (v: number) => (v < 0 ? 0 : v > 255 ? 255 : Math.round(v));
	for (let i = 0; i < data.length; i += 3) {
		const L = 0.299 * data[i] + 0.587 * data[i + 1] + 0.114 * data[i + 2];
		const px = [0, 1, 2].map((k) => (L + s * (data[i + k] - L)) * b);
		const toned = px.map((v) => pivot + c * (v - pivot));
		out[i] = clamp(toned[0] * (1 + w));
		out[i + 1] = clamp(toned[1]);
		out[i + 2] = clamp(toned[2] * (1 - w));
	}
	return await sharp(out, { raw: { width: info.width, height: info.height, channels: 3 } }).png().toBuffer();
}

/** A validated edit target with its upload, as the nodes build it. */
export async function targetOf(png: Buffer): Promise<EditTarget & { upload: InputImage }> {
	const info = await inspectImage(png);
	const upload = await prepareForUpload(png, info);
	return { data: png, width: info.width, height: info.height, upload: { data: upload.data, mimeType: upload.mimeType } };
}

/** An EditContext against the fake: one limiter, fast retries. */
export function fakeContext(
	fake: FakeProvider,
	options: { maxConcurrent?: number; maxRetries?: number; provider?: 'gateway' | 'apiyi'; prices?: EditContext['prices'] } = {},
): EditContext {
	const provider = options.provider ?? 'gateway';
	const config = parseProviderConfig({ provider, apiKey: 'test-key', baseUrl: fake.url });
	return {
		provider,
		transport: new GeminiImageClient(config, { timeoutMs: 10_000 }),
		limiter: new Limiter({ maxConcurrent: options.maxConcurrent ?? 4 }),
		retry: resolveRetryPolicy({ maxAttempts: (options.maxRetries ?? 3) + 1, baseDelayMs: 5, maxDelayMs: 50 }),
		prices: options.prices,
	};
}

/** Standard deviation of a list of numbers. */
export function std(values: number[]): number {
	const mean = values.reduce((s, v) => s + v, 0) / values.length;
	return Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length);
}

/**
 * The Multi-Sample node as the harness loads it. Once package.json lists
 * dist/nodes/MultiSample/MultiSample.node.js, the repository package serves it. Until then a
 * temporary package with the same listing serves it, its `nodes` and `engine` folders linked to
 * this repository's (n8n requires icons inside the package folder), so the harness loads the
 * current source (nodes/MultiSample/MultiSample.node.ts) either way.
 */
export function multiSampleNode(): { type: string; packageDirs?: string[] } {
	const listed = 'dist/nodes/MultiSample/MultiSample.node.js';
	const manifest = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { name: string; n8n: { nodes: string[] } };
	if (manifest.n8n.nodes.includes(listed)) return { type: `${manifest.name}.multiSample` };
	const dir = mkdtempSync(path.join(tmpdir(), 'multi-sample-package-'));
	const name = 'n8n-nodes-multi-sample-under-test';
	writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name, version: '0.0.0', n8n: { n8nNodesApiVersion: 1, nodes: [listed] } }));
	for (const folder of ['nodes', 'engine']) symlinkSync(path.join(REPO_ROOT, folder), path.join(dir, folder), 'dir');
	return { type: `${name}.multiSample`, packageDirs: [REPO_ROOT, FIXTURE_PACKAGE, dir] };
}
