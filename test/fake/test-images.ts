/** Small helpers for the fake's own tests: make input pictures, measure output pictures, tidy env. */
import sharp from 'sharp';

/** A solid-colour PNG (or JPEG). */
export async function solidImage(
	width: number,
	height: number,
	rgb: [number, number, number],
	format: 'png' | 'jpeg' = 'png',
): Promise<Buffer> {
	const img = sharp({ create: { width, height, channels: 3, background: { r: rgb[0], g: rgb[1], b: rgb[2] } } });
	return format === 'png' ? await img.png().toBuffer() : await img.jpeg().toBuffer();
}

/** Size and mean R, G, B of an encoded image. */
export async function measure(
	file: Buffer,
): Promise<{ width: number; height: number; format: string; mean: number[] }> {
	const stats = await sharp(file).stats();
	const meta = await sharp(file).metadata();
	return {
		width: meta.width,
		height: meta.height,
		format: meta.format,
		mean: stats.channels.slice(0, 3).map((c) => c.mean),
	};
}

/** The SDK reads these; tests must not depend on the machine's environment. */
export function clearProviderEnv(): void {
	for (const name of [
		'GOOGLE_API_KEY',
		'GEMINI_API_KEY',
		'GOOGLE_GEMINI_BASE_URL',
		'GOOGLE_VERTEX_BASE_URL',
		'GOOGLE_CLOUD_PROJECT',
		'GOOGLE_CLOUD_LOCATION',
		'GOOGLE_GENAI_USE_VERTEXAI',
		'GOOGLE_APPLICATION_CREDENTIALS',
	]) {
		delete process.env[name];
	}
}
