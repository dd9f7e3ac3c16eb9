import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { chain, FIXTURES, loadAndCollect, node } from './fixture-workflows';
import { runWorkflow } from './run-workflow';

const PNG_PATH = 'test/harness/fixture-package/pixels.png';
const PNG = readFileSync(path.join(__dirname, 'fixture-package', 'pixels.png'));
const TEXT = Buffer.from('not an image, 3 bytes of UTF-8: \u00e9\u20ac');

const twoFiles = loadAndCollect([
	{ json: { name: 'from a file' }, files: { data: { path: PNG_PATH } } },
	{
		json: { name: 'inline' },
		files: {
			data: { base64: PNG.toString('base64'), mimeType: 'image/png', fileName: 'copy.png' },
			note: { base64: TEXT.toString('base64'), mimeType: 'text/plain', fileName: 'note.txt' },
		},
	},
]);

describe.each([
	['filesystem', 'filesystem-v2:'],
	['database', 'database:'],
] as const)('binary data in %s mode', (mode, idPrefix) => {
	it('stores prepared files in the mode and reads them back byte for byte', async () => {
		const result = await runWorkflow(twoFiles, { binaryDataMode: mode });

		expect(result.error).toBeUndefined();
		expect(await result.binary('Collect', 0)).toEqual(PNG);
		expect(await result.binary('Collect', 1, 'data')).toEqual(PNG);
		expect(await result.binary('Collect', 1, 'note')).toEqual(TEXT);
	});

	it('keeps only an id on the item, not the bytes', async () => {
		const result = await runWorkflow(twoFiles, { binaryDataMode: mode });

		const [first, second] = result.output('Collect');
		for (const binary of [first.binary?.data, second.binary?.data, second.binary?.note]) {
			expect(binary?.id?.startsWith(idPrefix)).toBe(true);
			// In stored modes n8n writes the mode name where base64 would be.
			expect(binary?.data).toBe(idPrefix.slice(0, -1));
		}
		expect(first.binary?.data).toMatchObject({
			mimeType: 'image/png',
			fileName: 'pixels.png',
			fileExtension: 'png',
			bytes: PNG.length,
		});
		expect(second.binary?.note).toMatchObject({ mimeType: 'text/plain', fileName: 'note.txt' });
	});

	it('serves getBinaryDataBuffer and getBinaryStream inside downstream nodes', async () => {
		const workflow = {
			nodes: [...twoFiles.nodes, node('Read Binaries', `${FIXTURES}.readBinaries`)],
			connections: { ...twoFiles.connections, ...chain('Collect', 'Read Binaries') },
		};
		const result = await runWorkflow(workflow, { binaryDataMode: mode });

		const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
		const [first, second] = result.output('Read Binaries').map((item) => item.json);
		const read = (bytes: Buffer) =>
			expect.objectContaining({
				bytes: bytes.length,
				sha256: sha(bytes),
				streamSha256: sha(bytes),
			});
		expect(first).toEqual({ data: read(PNG) });
		expect(second).toEqual({ data: read(PNG), note: read(TEXT) });
	});

	it('keeps item lineage through pairedItem', async () => {
		const result = await runWorkflow(twoFiles, { binaryDataMode: mode });

		// Both loaded items come from the one start item...
		const loaded = result.output('Load Images');
		expect(loaded.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 0 }]);
		// ...and n8n hands them on re-paired to their input position, as Collect shows.
		const collected = result.output('Collect');
		expect(collected.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(collected.map((item) => item.json)).toEqual(loaded.map((item) => item.json));
	});
});

describe('where the bytes live', () => {
	it('filesystem mode writes a file under the run storage folder', async () => {
		const result = await runWorkflow(twoFiles, { binaryDataMode: 'filesystem' });
		const id = result.output('Collect')[0].binary?.data.id ?? '';

		const filePath = result.binaryDataService.getPath(id);
		expect(existsSync(filePath)).toBe(true);
		expect(readFileSync(filePath)).toEqual(PNG);
	});

	it('database mode keeps them in the database stand-in', async () => {
		const result = await runWorkflow(twoFiles, { binaryDataMode: 'database' });
		const id = result.output('Collect')[0].binary?.data.id ?? '';

		expect(result.binaryDataService.getPath(id)).toBe(`database://${id.slice('database:'.length)}`);
		expect(await result.binaryDataService.getMetadata(id)).toEqual({
			fileName: 'pixels.png',
			mimeType: 'image/png',
			fileSize: PNG.length,
		});
	});
});
