import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import type { BinaryData } from 'n8n-core';
import { BinaryDataFileNotFoundError, FileTooLargeError } from 'n8n-core';

interface StoredFile {
	data: Buffer;
	fileName?: string;
	mimeType?: string;
	sourceType: string;
	sourceId: string;
}

/**
 * Stand-in for n8n's database binary data manager (it lives in n8n's cli package,
 * on top of a `binary_data` table). Same contract: file ids are bare UUIDs, so
 * items carry `binaryData.id = 'database:<uuid>'`, and bytes are only reachable
 * through getAsBuffer/getAsStream. Files live in an in-process Map instead of a table.
 */
export class MemoryDatabaseManager implements BinaryData.Manager {
	private readonly files = new Map<string, StoredFile>();

	/** @param maxFileSizeMb like n8n's N8N_BINARY_DATA_DATABASE_MAX_FILE_SIZE (default 512). */
	constructor(private readonly maxFileSizeMb = 512) {}

	async init(): Promise<void> {}

	/** Number of stored files, for tests that check where bytes went. */
	get size(): number {
		return this.files.size;
	}

	async store(
		location: BinaryData.FileLocation,
		bufferOrStream: Buffer | Readable,
		metadata: BinaryData.PreWriteMetadata,
	): Promise<BinaryData.WriteResult> {
		const data = await toBuffer(bufferOrStream);
		const fileId = this.insert(location, data, metadata);
		return { fileId, fileSize: data.length };
	}

	getPath(fileId: string): string {
		return `database://${fileId}`;
	}

	// Copies in and out, like rows in a table: a node mutating a buffer cannot change the store.
	async getAsBuffer(fileId: string): Promise<Buffer> {
		return Buffer.from(this.get(fileId).data);
	}

	async getAsStream(fileId: string, chunkSize?: number): Promise<Readable> {
		const data = Buffer.from(this.get(fileId).data);
		if (!chunkSize) return Readable.from([data]);
		const chunks: Buffer[] = [];
		for (let start = 0; start < data.length; start += chunkSize) {
			chunks.push(data.subarray(start, start + chunkSize));
		}
		return Readable.from(chunks);
	}

	async getMetadata(fileId: string): Promise<BinaryData.Metadata> {
		const { fileName, mimeType, data } = this.get(fileId);
		return { fileName, mimeType, fileSize: data.length };
	}

	async deleteMany(locations: BinaryData.FileLocation[]): Promise<void> {
		const executionIds = new Set(
			locations.flatMap((l) => (l.type === 'execution' ? [l.executionId] : [])),
		);
		for (const [fileId, file] of this.files) {
			if (file.sourceType === 'execution' && executionIds.has(file.sourceId)) {
				this.files.delete(fileId);
			}
		}
	}

	async deleteManyByFileId(ids: string[]): Promise<void> {
		for (const id of ids) this.files.delete(id);
	}

	async copyByFileId(
		targetLocation: BinaryData.FileLocation,
		sourceFileId: string,
	): Promise<string> {
		const { data, fileName, mimeType } = this.get(sourceFileId);
		return this.insert(targetLocation, data, { fileName, mimeType });
	}

	async copyByFilePath(
		targetLocation: BinaryData.FileLocation,
		sourcePath: string,
		metadata: BinaryData.PreWriteMetadata,
	): Promise<BinaryData.WriteResult> {
		const data = await readFile(sourcePath);
		const fileId = this.insert(targetLocation, data, metadata);
		return { fileId, fileSize: data.length };
	}

	async rename(oldFileId: string, newFileId: string): Promise<void> {
		this.files.set(newFileId, this.get(oldFileId));
		this.files.delete(oldFileId);
	}

	/** Drops every stored file. */
	clear(): void {
		this.files.clear();
	}

	private insert(
		location: BinaryData.FileLocation,
		data: Buffer,
		{ fileName, mimeType }: BinaryData.PreWriteMetadata,
	): string {
		const fileId = randomUUID();
		const fileSizeMb = data.length / (1024 * 1024);
		if (fileSizeMb > this.maxFileSizeMb) {
			throw new FileTooLargeError({
				fileSizeMb,
				maxFileSizeMb: this.maxFileSizeMb,
				fileId,
				fileName,
			});
		}
		this.files.set(fileId, { data: Buffer.from(data), fileName, mimeType, ...toSource(location) });
		return fileId;
	}

	private get(fileId: string): StoredFile {
		const file = this.files.get(fileId);
		if (!file) throw new BinaryDataFileNotFoundError(fileId);
		return file;
	}
}

// n8n keys database rows by (sourceType, sourceId); 'temp' covers a missing execution id.
function toSource(location: BinaryData.FileLocation): { sourceType: string; sourceId: string } {
	if (location.type === 'execution') {
		return { sourceType: 'execution', sourceId: location.executionId || 'temp' };
	}
	return {
		sourceType: location.sourceType ?? 'custom',
		sourceId: location.sourceId ?? location.pathSegments.join('/'),
	};
}

async function toBuffer(bufferOrStream: Buffer | Readable): Promise<Buffer> {
	if (Buffer.isBuffer(bufferOrStream)) return bufferOrStream;
	const chunks: Buffer[] = [];
	for await (const chunk of bufferOrStream) {
		chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
	}
	return Buffer.concat(chunks);
}
