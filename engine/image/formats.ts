/** Mime types and file extensions of the formats the pack writes. */

const EXTENSIONS: Readonly<Record<string, string>> = {
	'image/jpeg': 'jpg',
	'image/png': 'png',
	'image/webp': 'webp',
	'image/avif': 'avif',
	'image/heif': 'heic',
	'image/tiff': 'tif',
	'image/gif': 'gif',
	'text/plain': 'txt',
	'application/octet-stream': 'bin',
};

/** File extension (without dot) for a mime type; 'bin' when unknown. */
export function extensionForMime(mimeType: string): string {
	return EXTENSIONS[mimeType.toLowerCase().split(';')[0].trim()] ?? 'bin';
}

/** Mime type for a sharp format name ('jpeg' -> 'image/jpeg'). */
export function mimeForFormat(format: string): string {
	return format === 'jpeg' || format === 'jpg' ? 'image/jpeg' : format === 'heif' ? 'image/heif' : `image/${format}`;
}
