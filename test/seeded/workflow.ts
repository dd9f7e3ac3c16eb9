/**
 * Builds Seeded Generate workflows as the n8n editor saves them, and runs them through the
 * harness: Manual Start -> Load Images -> Seeded Generate -> Collect.
 */
import type { INode, INodeParameters } from 'n8n-workflow';
import sharp from 'sharp';
import { chain, FIXTURES, node } from '../harness/fixture-workflows';
import { runWorkflow, type WorkflowRunResult } from '../harness/run-workflow';
import type { CredentialsByType } from '../harness/credentials-helper';

export const SEEDED = 'n8n-nodes-consistent-image-edit.seededGenerate';

export interface LoadItem {
	json?: Record<string, unknown>;
	files?: Record<string, { base64?: string; path?: string; mimeType?: string; fileName?: string }>;
}

/** Runs Seeded Generate with `parameters` on `items`; `extra` sets node settings such as continueOnFail. */
export async function runSeeded(
	parameters: INodeParameters,
	items: LoadItem[],
	credentials: CredentialsByType,
	extra: Partial<INode> = {},
	binaryDataMode: 'filesystem' | 'database' = 'filesystem',
): Promise<WorkflowRunResult> {
	const workflow = {
		nodes: [
			node('Manual Start', `${FIXTURES}.manualStart`),
			node('Load Images', `${FIXTURES}.loadImages`, { items: JSON.stringify(items) }),
			node('Seeded Generate', SEEDED, parameters, extra),
			node('Collect', `${FIXTURES}.collect`),
		],
		connections: chain('Manual Start', 'Load Images', 'Seeded Generate', 'Collect'),
	};
	return await runWorkflow(workflow, { credentials, binaryDataMode });
}

/** The JSON of every item Seeded Generate put out. */
export function outputJson(result: WorkflowRunResult): Array<Record<string, unknown>> {
	return result.output('Seeded Generate').map((item) => item.json as Record<string, unknown>);
}

/** A small PNG with a gradient, as base64, for Load Images. */
export async function gradientPng(width = 64, height = 48): Promise<Buffer> {
	const data = Buffer.alloc(width * height * 3);
	for (let y = 0; y < height; y++) {
		for (let x = 0; x < width; x++) {
			const i = (y * width + x) * 3;
			data[i] = Math.round((255 * x) / (width - 1));
			data[i + 1] = Math.round((255 * y) / (height - 1));
			data[i + 2] = 128;
		}
	}
	return await sharp(data, { raw: { width, height, channels: 3 } }).png().toBuffer();
}

/** n8n's error-item JSON has these fields (continueOnFail). */
export interface ErrorJson {
	error: string;
	errorKind: string;
	itemIndex: number;
	errorParameter?: string;
	httpStatus?: number;
}
