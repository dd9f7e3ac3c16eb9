'use strict';

const { readFile } = require('node:fs/promises');
const path = require('node:path');
const { NodeOperationError } = require('n8n-workflow');

// Relative file paths in the `items` parameter are resolved from the repository root.
const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

// n8n calls execute() with the execution context as `this`, so helpers are plain functions.
async function prepareFile(context, file) {
	let bytes;
	if (typeof file.base64 === 'string') {
		bytes = Buffer.from(file.base64, 'base64');
	} else if (typeof file.path === 'string') {
		bytes = await readFile(path.resolve(REPO_ROOT, file.path));
	} else {
		throw new NodeOperationError(context.getNode(), 'Each file needs a path or base64');
	}
	const fileName = file.fileName ?? (file.path ? path.basename(file.path) : undefined);
	return await context.helpers.prepareBinaryData(bytes, fileName, file.mimeType);
}

/**
 * Emits the items described by its `items` JSON parameter. Files become binary
 * properties through prepareBinaryData, so they land in the run's binary data mode.
 */
class LoadImages {
	constructor() {
		this.description = {
			displayName: 'Load Images',
			name: 'loadImages',
			icon: 'fa:images',
			group: ['input'],
			version: 1,
			description: 'Outputs items with JSON and binary files given as a parameter',
			defaults: { name: 'Load Images' },
			inputs: ['main'],
			outputs: ['main'],
			properties: [
				{
					displayName: 'Items',
					name: 'items',
					type: 'json',
					default: '[]',
					description:
						'Array of {json?, files?: {[property]: {path?, base64?, mimeType?, fileName?}}}',
				},
			],
		};
	}

	async execute() {
		const raw = this.getNodeParameter('items', 0);
		const specs = typeof raw === 'string' ? JSON.parse(raw) : raw;
		if (!Array.isArray(specs)) {
			throw new NodeOperationError(this.getNode(), 'Expected an array for items');
		}
		const out = [];
		for (const spec of specs) {
			const item = { json: spec.json ?? {}, pairedItem: { item: 0 } };
			for (const [property, file] of Object.entries(spec.files ?? {})) {
				item.binary = item.binary ?? {};
				item.binary[property] = await prepareFile(this, file);
			}
			out.push(item);
		}
		return [out];
	}
}

module.exports = { LoadImages };
