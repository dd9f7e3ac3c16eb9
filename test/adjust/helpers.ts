/**
 * Shared pieces of the adjustment tests: the real photos, temporary folders, and PIL as the
 * independent reference. PIL runs in /usr/bin/python3 (Debian python3-pil, installed by
 * .ci/system-packages) and exchanges raw pixels with the tests through files.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import type { AdjustStep } from '../../engine/adjust';

export const PYTHON = '/usr/bin/python3';

/**
 * Real photographs from scikit-image's sample data (python3-skimage 0.19.3, skimage/data):
 * coffee.png (CC0, Rachel Michetti), chelsea.png (CC0, Stefan van der Walt), astronaut.png
 * (NASA, public domain). astronaut and chelsea carry ICC profiles; coffee carries none.
 */
export const PHOTO_DIR = join(__dirname, '..', 'fixtures', 'photos');
export const PHOTOS = ['coffee.png', 'chelsea.png', 'astronaut.png'].map((name) => join(PHOTO_DIR, name));

/** The benchmark's six-step chain (bench/adjust-throughput.ts). */
export const SIX_STEPS: AdjustStep[] = [
	{ op: 'exposure', stops: 0.3 },
	{ op: 'contrast', factor: 1.15 },
	{ op: 'saturation', factor: 1.2 },
	{ op: 'temperature', percent: 15 },
	{ op: 'vignette', strength: 30 },
	{ op: 'grain', strength: 20, seed: 7 },
];

export interface Raw {
	data: Buffer;
	width: number;
	height: number;
	channels: 3 | 4;
}

/** A temporary folder removed by the returned cleanup function. */
export function makeTempDir(prefix = 'adjust-test-'): { dir: string; cleanup: () => void } {
	const dir = mkdtempSync(join(tmpdir(), prefix));
	return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Runs a Python script with /usr/bin/python3 and returns its stdout. */
export function runPython(dir: string, script: string, args: string[] = []): string {
	const file = join(dir, `script-${Math.random().toString(36).slice(2)}.py`);
	writeFileSync(file, script);
	// eslint-disable-next-line @n8n/community-nodes/no-dangerous-functions -- test-only: PIL is the independent reference
	return execFileSync(PYTHON, [file, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
}

const DECODE = `
import sys
from PIL import Image
im = Image.open(sys.argv[1]).convert(sys.argv[2])
open(sys.argv[3], 'wb').write(im.tobytes())
print(im.size[0], im.size[1])
`;

/** Decodes a file with PIL (ignoring ICC profiles, as PIL does) to RGB or RGBA bytes. */
export function pilDecode(dir: string, file: string, mode: 'RGB' | 'RGBA' = 'RGB'): Raw {
	const out = join(dir, `decoded-${Math.random().toString(36).slice(2)}.raw`);
	const [width, height] = runPython(dir, DECODE, [file, mode, out]).trim().split(' ').map(Number);
	return { data: readFileSync(out), width, height, channels: mode === 'RGB' ? 3 : 4 };
}

/** An `ImageEnhance` step as PIL names it. */
export type PilEnhance = ['brightness' | 'contrast' | 'saturation', number];

const ENHANCE = `
import sys, json
from PIL import Image, ImageEnhance
job = json.load(open(sys.argv[1]))
src = Image.frombytes(job['mode'], (job['width'], job['height']), open(job['input'], 'rb').read())
classes = {'brightness': ImageEnhance.Brightness, 'contrast': ImageEnhance.Contrast, 'saturation': ImageEnhance.Color}
for k, chain in enumerate(job['chains']):
    im = src
    for op, factor in chain:
        im = classes[op](im).enhance(factor)
    open('%s.%d' % (job['output'], k), 'wb').write(im.tobytes())
`;

/**
 * Runs chains of PIL `ImageEnhance` steps on raw pixels; returns one result per chain.
 *
 * @example pilEnhance(dir, raw, [[['brightness', 0.85]], [['contrast', 1.3], ['brightness', 0.9]]]);
 */
export function pilEnhance(dir: string, raw: Raw, chains: PilEnhance[][]): Buffer[] {
	const id = Math.random().toString(36).slice(2);
	const input = join(dir, `in-${id}.raw`);
	const output = join(dir, `out-${id}`);
	const job = join(dir, `job-${id}.json`);
	writeFileSync(input, raw.data);
	writeFileSync(
		job,
		JSON.stringify({ mode: raw.channels === 3 ? 'RGB' : 'RGBA', width: raw.width, height: raw.height, input, output, chains }),
	);
	runPython(dir, ENHANCE, [job]);
	return chains.map((_, k) => readFileSync(`${output}.${k}`));
}

/** Number of pixels that differ in any channel. */
export function differingPixels(a: Uint8Array, b: Uint8Array, channels: number): number {
	if (a.length !== b.length) throw new Error(`length ${a.length} != ${b.length}`);
	let count = 0;
	for (let i = 0; i < a.length; i += channels) {
		for (let c = 0; c < channels; c++) {
			if (a[i + c] !== b[i + c]) {
				count++;
				break;
			}
		}
	}
	return count;
}

/** Largest absolute difference between two buffers. */
export function maxDifference(a: Uint8Array, b: Uint8Array): number {
	if (a.length !== b.length) throw new Error(`length ${a.length} != ${b.length}`);
	let max = 0;
	for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
	return max;
}

/** Decodes a file with sharp to raw pixels (no orientation, no alpha change). */
export async function sharpDecode(file: Buffer | string): Promise<Raw> {
	const { data, info } = await sharp(file).raw().toBuffer({ resolveWithObject: true });
	return { data, width: info.width, height: info.height, channels: info.channels as 3 | 4 };
}

/** A uniform image of one colour. */
export function solid(width: number, height: number, rgb: [number, number, number]): Raw {
	const data = Buffer.alloc(width * height * 3);
	for (let i = 0; i < data.length; i += 3) {
		data[i] = rgb[0];
		data[i + 1] = rgb[1];
		data[i + 2] = rgb[2];
	}
	return { data, width, height, channels: 3 };
}

/** A 256 x 1 image whose pixel x is grey level x. */
export function greyRamp(): Raw {
	const data = Buffer.alloc(256 * 3);
	for (let x = 0; x < 256; x++) data.fill(x, x * 3, x * 3 + 3);
	return { data, width: 256, height: 1, channels: 3 };
}

/** Adds an alpha channel (a diagonal gradient, with fully transparent and opaque parts) to RGB pixels. */
export function withAlpha(raw: Raw): Raw {
	const out = Buffer.alloc(raw.width * raw.height * 4);
	for (let y = 0; y < raw.height; y++) {
		for (let x = 0; x < raw.width; x++) {
			const p = y * raw.width + x;
			raw.data.copy(out, p * 4, p * 3, p * 3 + 3);
			out[p * 4 + 3] = Math.max(0, Math.min(255, Math.round(((x + y) / (raw.width + raw.height)) * 320 - 32)));
		}
	}
	return { data: out, width: raw.width, height: raw.height, channels: 4 };
}
