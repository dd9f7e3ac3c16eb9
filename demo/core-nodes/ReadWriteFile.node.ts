/* eslint-disable @n8n/community-nodes/node-usable-as-tool, @n8n/community-nodes/require-node-description-fields, @n8n/community-nodes/icon-validation, @n8n/community-nodes/icon-prefer-themed-variants -- a demo stand-in for an n8n core node, never shipped or shown in the editor (README.md) */
/**
 * Stand-in for n8n-nodes-base.readWriteFile (demo only, see README.md). Read: one item per file
 * matching a path or `<folder>/*.<ext>` (sorted by name), the file in binary `data` (option
 * dataPropertyName) and {mimeType, fileType, fileName, fileExtension, fileSize} as JSON, as n8n
 * 2.41 does. Write: the item's binary to `fileName`; like n8n 2.41 it does not create folders.
 */
import { appendFileSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

const MIME: Record<string, string> = {
	png: 'image/png',
	jpg: 'image/jpeg',
	jpeg: 'image/jpeg',
	webp: 'image/webp',
	avif: 'image/avif',
	tif: 'image/tiff',
	tiff: 'image/tiff',
	gif: 'image/gif',
	cube: 'text/plain',
};

export class ReadWriteFile implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Read/Write Files from Disk (demo stand-in)',
		name: 'readWriteFile',
		icon: 'fa:file',
		group: ['input'],
		version: [1, 1.1],
		description: 'Read or write files from the computer that runs n8n',
		defaults: { name: 'Read/Write Files from Disk' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				default: 'read',
				options: [
					{ name: 'Read File(s) From Disk', value: 'read' },
					{ name: 'Write File to Disk', value: 'write' },
				],
			},
			{ displayName: 'File(s) Selector', name: 'fileSelector', type: 'string', default: '', required: true, displayOptions: { show: { operation: ['read'] } } },
			{ displayName: 'File Path and Name', name: 'fileName', type: 'string', default: '', required: true, displayOptions: { show: { operation: ['write'] } } },
			{ displayName: 'Input Binary Field', name: 'dataPropertyName', type: 'string', default: 'data', required: true, displayOptions: { show: { operation: ['write'] } } },
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add option',
				default: {},
				options: [
					{ displayName: 'Put Output File in Field', name: 'dataPropertyName', type: 'string', default: 'data' },
					{ displayName: 'Append', name: 'append', type: 'boolean', default: false },
				],
			},
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const operation = this.getNodeParameter('operation', 0, 'read') as string;
		const items = this.getInputData();
		const out: INodeExecutionData[] = [];
		for (let i = 0; i < items.length; i++) {
			const options = this.getNodeParameter('options', i, {}) as IDataObject;
			if (operation === 'read') {
				const selector = this.getNodeParameter('fileSelector', i) as string;
				const files = matchFiles(selector);
				if (!files.length) throw new NodeOperationError(this.getNode(), 'No file(s) found', { itemIndex: i, description: `No file matching the selector "${selector}" found` });
				for (const file of files) {
					const extension = path.extname(file).slice(1).toLowerCase();
					const binary = await this.helpers.prepareBinaryData(readFileSync(file), file, MIME[extension] ?? 'application/octet-stream');
					out.push({
						json: { mimeType: binary.mimeType, fileType: binary.fileType, fileName: binary.fileName, fileExtension: binary.fileExtension, fileSize: binary.fileSize },
						binary: { [String(options.dataPropertyName || 'data')]: binary },
						pairedItem: { item: i },
					});
				}
			} else if (operation === 'write') {
				const fileName = this.getNodeParameter('fileName', i) as string;
				const property = this.getNodeParameter('dataPropertyName', i) as string;
				this.helpers.assertBinaryData(i, property);
				if (!existsSync(path.dirname(fileName))) throw new NodeOperationError(this.getNode(), 'The file or directory does not exist', { itemIndex: i, description: `Folder ${path.dirname(fileName)} not found` });
				const bytes = await this.helpers.getBinaryDataBuffer(i, property);
				if (options.append) appendFileSync(fileName, bytes);
				else writeFileSync(fileName, bytes);
				out.push({ json: { ...items[i].json, fileName }, binary: items[i].binary ? { ...items[i].binary } : undefined, pairedItem: { item: i } });
			} else {
				throw new NodeOperationError(this.getNode(), `The demo stand-in does not support operation "${operation}"`);
			}
		}
		return [out];
	}
}

/** A plain path, or a pattern with * and ? in its last segment only (enough for the examples). */
function matchFiles(selector: string): string[] {
	const dir = path.dirname(selector);
	const pattern = path.basename(selector);
	if (/[*?[\]{}()!]/.test(dir)) throw new Error(`The demo stand-in only supports patterns in the file name, not "${selector}"`);
	if (!/[*?]/.test(pattern)) return existsSync(selector) && statSync(selector).isFile() ? [selector] : [];
	const regex = new RegExp(`^${pattern.replace(/[.+^$|\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')}$`);
	if (!existsSync(dir)) return [];
	return readdirSync(dir)
		.filter((f) => regex.test(f) && !f.startsWith('.'))
		.sort()
		.map((f) => path.join(dir, f))
		.filter((f) => statSync(f).isFile());
}
