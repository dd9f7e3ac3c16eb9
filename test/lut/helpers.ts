/**
 * Test helpers for the LUT engine: the fixture photos, a known "film look" LUT computed from a
 * formula (independent of the code under test), and image edits that simulate real-world pairs.
 */
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import type { CubeLut } from '../../engine/lut/types';

export const PHOTOS_DIR = path.join(__dirname, '..', 'fixtures', 'photos');

export interface Photo {
	data: Buffer;
	width: number;
	height: number;
	channels: 3;
}

/** A seeded pseudo-random generator (mulberry32): the same numbers in [0, 1) on every run. */
export function seededRandom(seed: number): () => number {
	let state = seed | 0;
	return () => {
		state = (state + 0x6d2b79f5) | 0;
		let t = Math.imul(state ^ (state >>> 15), 1 | state);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** Decodes a fixture photo to 8-bit RGB. */
export async function loadPhoto(name: 'astronaut' | 'coffee' | 'chelsea'): Promise<Photo> {
	const { data, info } = await sharp(fs.readFileSync(path.join(PHOTOS_DIR, `${name}.png`)))
		.removeAlpha()
		.raw()
		.toBuffer({ resolveWithObject: true });
	return { data, width: info.width, height: info.height, channels: 3 };
}

/**
 * A warm "film" look as a formula on 0..1 sRGB values: an S-shaped contrast curve, lifted blacks,
 * warm white balance and a slight desaturation toward luma. Smooth, non-linear, cross-channel.
 */
export function filmLook(r: number, g: number, b: number): [number, number, number] {
	const s = (x: number) => x - 0.06 * Math.sin(2 * Math.PI * x);
	const luma = 0.2126 * r + 0.7152 * g + 0.0722 * b;
	const desat = (x: number) => luma + 0.85 * (x - luma);
	const clamp = (x: number) => (x < 0 ? 0 : x > 1 ? 1 : x);
	return [
		clamp(0.03 + 0.97 * s(desat(r)) * 1.04),
		clamp(0.025 + 0.97 * s(desat(g))),
		clamp(0.04 + 0.9 * s(desat(b)) * 0.92),
	];
}

/** The film look sampled on a 3D grid (red fastest), as a LUT. */
export function filmLookLut(size = 33): CubeLut {
	const data = new Float32Array(size * size * size * 3);
	let i = 0;
	for (let b = 0; b < size; b++) {
		for (let g = 0; g < size; g++) {
			for (let r = 0; r < size; r++) {
				const out = filmLook(r / (size - 1), g / (size - 1), b / (size - 1));
				data[i++] = out[0];
				data[i++] = out[1];
				data[i++] = out[2];
			}
		}
	}
	return { title: 'Film look (test formula)', lut3d: { size, data, domainMin: [0, 0, 0], domainMax: [1, 1, 1] } };
}

/** Moves the picture by (dx, dy) pixels, repeating the edge pixels into the uncovered border. */
export function shiftImage(photo: Photo, dx: number, dy: number): Photo {
	const { width, height } = photo;
	const out = Buffer.alloc(photo.data.length);
	for (let y = 0; y < height; y++) {
		const sy = Math.min(height - 1, Math.max(0, y - dy));
		for (let x = 0; x < width; x++) {
			const sx = Math.min(width - 1, Math.max(0, x - dx));
			photo.data.copy(out, (y * width + x) * 3, (sy * width + sx) * 3, (sy * width + sx) * 3 + 3);
		}
	}
	return { ...photo, data: out };
}

/** Paints a solid rectangle (fractions of the image size). */
export function paintRectangle(
	photo: Photo,
	rect: { x: number; y: number; w: number; h: number },
	colour: [number, number, number],
): Photo {
	const out = Buffer.from(photo.data);
	const x0 = Math.round(rect.x * photo.width);
	const y0 = Math.round(rect.y * photo.height);
	const x1 = Math.round((rect.x + rect.w) * photo.width);
	const y1 = Math.round((rect.y + rect.h) * photo.height);
	for (let y = y0; y < y1; y++) {
		for (let x = x0; x < x1; x++) {
			out.set(colour, (y * photo.width + x) * 3);
		}
	}
	return { ...photo, data: out };
}

/** Swaps the left and right halves of the picture. */
export function swapHalves(photo: Photo): Photo {
	const { width, height } = photo;
	const half = Math.floor(width / 2);
	const out = Buffer.alloc(photo.data.length);
	for (let y = 0; y < height; y++) {
		for (let x = 0; x < width; x++) {
			const sx = (x + half) % width;
			photo.data.copy(out, (y * width + x) * 3, (y * width + sx) * 3, (y * width + sx) * 3 + 3);
		}
	}
	return { ...photo, data: out };
}

/** Encodes as JPEG at `quality` (4:2:0, as cameras and web tools do) and decodes again. */
export async function jpegRoundTrip(photo: Photo, quality: number): Promise<Photo> {
	const jpeg = await sharp(photo.data, { raw: { width: photo.width, height: photo.height, channels: 3 } })
		.jpeg({ quality })
		.toBuffer();
	const { data } = await sharp(jpeg).raw().toBuffer({ resolveWithObject: true });
	return { ...photo, data };
}

/** Encodes raw RGB as PNG. */
export async function toPng(photo: Photo): Promise<Buffer> {
	return sharp(photo.data, { raw: { width: photo.width, height: photo.height, channels: 3 } }).png().toBuffer();
}
