'use strict';

const { createHash } = require('node:crypto');

const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

async function readStream(stream) {
	const chunks = [];
	for await (const chunk of stream) chunks.push(chunk);
	return Buffer.concat(chunks);
}

/**
 * Reads every binary of every item the way image nodes do (getBinaryDataBuffer,
 * and getBinaryStream when the binary has an id) and outputs what it read:
 * { [property]: { id, bytes, sha256, streamSha256 } } per item.
 */
class ReadBinaries {
	constructor() {
		this.description = {
			displayName: 'Read Binaries',
			name: 'readBinaries',
			icon: 'fa:file-import',
			group: ['transform'],
			version: 1,
			description: 'Reads input binaries through the n8n helpers and reports their hashes',
			defaults: { name: 'Read Binaries' },
			inputs: ['main'],
			outputs: ['main'],
			properties: [],
		};
	}

	async execute() {
		const items = this.getInputData();
		const out = [];
		for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
			const json = {};
			for (const [property, binary] of Object.entries(items[itemIndex].binary ?? {})) {
				const buffer = await this.helpers.getBinaryDataBuffer(itemIndex, property);
				const streamed = binary.id
					? await readStream(await this.helpers.getBinaryStream(binary.id))
					: undefined;
				json[property] = {
					id: binary.id ?? null,
					bytes: buffer.length,
					sha256: sha256(buffer),
					streamSha256: streamed ? sha256(streamed) : null,
				};
			}
			out.push({ json, pairedItem: { item: itemIndex } });
		}
		return [out];
	}
}

module.exports = { ReadBinaries };
