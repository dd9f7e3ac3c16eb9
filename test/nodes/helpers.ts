/** Small helpers for node tests: workflows around one node under test, photo fixtures, secrets. */
import type { INodeParameters, INode } from 'n8n-workflow';
import { randomUUID } from 'node:crypto';
import sharp from 'sharp';
import { chain, FIXTURES, node } from '../harness/fixture-workflows';
import type { WorkflowJson } from '../harness/run-workflow';

export const PACKAGE = 'n8n-nodes-consistent-image-edit';
export const PHOTOS = ['test/fixtures/photos/coffee.png', 'test/fixtures/photos/astronaut.png', 'test/fixtures/photos/chelsea.png'];

/** A key that must never show up in anything a run produces (made per run, never in source). */
export const SECRET_KEY = `secret-${randomUUID()}`;

export type FileSpec = { path?: string; base64?: string; mimeType?: string; fileName?: string };
export type ItemSpec = { json?: Record<string, unknown>; files?: Record<string, FileSpec> };

/** Manual Start -> Load Images(items) -> <node under test> -> Collect. */
export function workflowFor(nodeType: string, parameters: INodeParameters, items: ItemSpec[], extra: Partial<INode> = {}): WorkflowJson {
	return {
		nodes: [
			node('Manual Start', `${FIXTURES}.manualStart`),
			node('Load Images', `${FIXTURES}.loadImages`, { items: JSON.stringify(items) }),
			node('Under Test', `${PACKAGE}.${nodeType}`, parameters, extra),
			node('Collect', `${FIXTURES}.collect`),
		],
		connections: chain('Manual Start', 'Load Images', 'Under Test', 'Collect'),
	};
}

export const photoItems = (paths = PHOTOS, property = 'data'): ItemSpec[] =>
	paths.map((p) => ({ files: { [property]: { path: p, mimeType: 'image/png' } } }));

export async function dims(buffer: Buffer): Promise<{ width: number; height: number; format: string }> {
	const m = await sharp(buffer).metadata();
	return { width: m.width, height: m.height, format: m.format };
}

/** Asserts that no part of a value (run data, errors) contains the secret. */
export function expectNoSecret(value: unknown, secret = SECRET_KEY): void {
	const text = JSON.stringify(value, (_k, v: unknown) => (Buffer.isBuffer(v) ? undefined : v));
	expect(text.includes(secret)).toBe(false);
}
