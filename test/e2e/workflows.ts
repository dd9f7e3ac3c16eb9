/**
 * The manual-trigger example workflows (examples/e2e/*.json) and their placeholders. The files are
 * importable as they are, except for five placeholders a runner replaces: three folders and two
 * credential ids. Used by the real-n8n end-to-end run (.ci/e2e-n8n.sh) and by the offline demo.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { IConnections, INode, IWorkflowSettings } from 'n8n-workflow';

/** Placeholder text in the example files, by the value that replaces it. */
export const PLACEHOLDERS = {
	/** Folder of images to process (read as `<folder>/*.png`). */
	inputDir: '__INPUT_DIR__',
	/** Folder holding the approved pair: original.png (before) and approved.png (after). */
	pairDir: '__PAIR_DIR__',
	/** Folder the results are written to (one subfolder per workflow). */
	outputDir: '__OUTPUT_DIR__',
	/** Id of an Image Model API credential (imageModelApi). */
	imageModelApiId: '__IMAGE_MODEL_API_ID__',
	/** Id of a Self-Hosted Image API credential (selfHostedImageApi). */
	selfHostedImageApiId: '__SELF_HOSTED_IMAGE_API_ID__',
} as const;

export type PlaceholderValues = Record<keyof typeof PLACEHOLDERS, string>;

/** A workflow as n8n exports and imports it (only what the runners read). */
export interface ExampleWorkflow {
	id: string;
	name: string;
	nodes: INode[];
	connections: IConnections;
	settings?: IWorkflowSettings;
}

export interface LoadedExample {
	/** File name, e.g. '1-quantified-edit.json'. */
	file: string;
	/** Short key: the file name without the number and extension, e.g. 'quantified-edit'. */
	key: string;
	workflow: ExampleWorkflow;
}

/**
 * Replaces every placeholder in the text of a workflow file. Values are inserted JSON-escaped,
 * so folders with quotes or backslashes stay valid JSON; paths should use forward slashes
 * (n8n's file selector is a glob).
 *
 * @example substitute('{"fileSelector": "__INPUT_DIR__/*.png"}', values)
 * @throws when a placeholder has no value, or text that looks like a placeholder is left over
 */
export function substitute(text: string, values: PlaceholderValues): string {
	let out = text;
	for (const [name, placeholder] of Object.entries(PLACEHOLDERS) as Array<[keyof PlaceholderValues, string]>) {
		const value = values[name];
		if (typeof value !== 'string' || value === '') throw new Error(`Expected a value for ${placeholder} but received ${String(value)}`);
		out = out.split(placeholder).join(JSON.stringify(value).slice(1, -1));
	}
	const left = /__[A-Z][A-Z_]+__/.exec(out);
	if (left) throw new Error(`Unknown placeholder ${left[0]} left in the workflow`);
	return out;
}

/** Reads every examples/e2e/*.json (sorted by name) with the placeholders replaced. */
export function loadExamples(dir: string, values: PlaceholderValues): LoadedExample[] {
	return readdirSync(dir)
		.filter((f) => f.endsWith('.json'))
		.sort()
		.map((file) => ({
			file,
			key: file.replace(/^\d+-/, '').replace(/\.json$/, ''),
			workflow: JSON.parse(substitute(readFileSync(path.join(dir, file), 'utf8'), values)) as ExampleWorkflow,
		}));
}

/** Node types of a workflow from a given package prefix, e.g. 'n8n-nodes-consistent-image-edit.'. */
export function nodeTypesOf(workflow: ExampleWorkflow, prefix: string): string[] {
	return [...new Set(workflow.nodes.map((n) => n.type).filter((t) => t.startsWith(prefix)))];
}

/**
 * The fixed folder part of every "Write File to Disk" path of a workflow, e.g. /x/output/1-quantified-edit.
 * n8n 2.41's Write File to Disk does not create folders, so runners create these first.
 */
export function outputFolders(workflow: ExampleWorkflow): string[] {
	return workflow.nodes
		.filter((n) => n.type === 'n8n-nodes-base.readWriteFile' && n.parameters.operation === 'write')
		.map((n) => String(n.parameters.fileName).replace(/^=/, '').split('{{')[0])
		.map((p) => (p.endsWith('/') ? p.slice(0, -1) : path.dirname(p)));
}
