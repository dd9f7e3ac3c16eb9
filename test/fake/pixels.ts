/**
 * Pixel maths in plain JavaScript, kept to what is cheap: small seeded pictures (upscaled by
 * sharp later) and the colour transform that turns an edit into sharp's recomb + linear.
 */
import type { AppliedEdit } from './types';
import { Prng } from './random';

export interface Raw {
	data: Buffer;
	width: number;
	height: number;
	/** 3 (RGB) unless stated. */
	channels?: 3 | 4;
}

const clamp = (v: number): number => (v < 0 ? 0 : v > 255 ? 255 : Math.round(v));

/** Long side of the seeded pictures before sharp upscales them (keeps the JS loop tiny). */
export const SYNTHETIC_LONG_SIDE = 48;

/**
 * A small seeded picture: a two-colour diagonal gradient, a few soft blobs and grain.
 * Same seed and size -> same pixels. Meant to be upscaled (see pictures.ts).
 */
export function synthesize(seed: number, width: number, height: number): Raw {
	const prng = new Prng(seed);
	const colour = (): number[] => [prng.int(256), prng.int(256), prng.int(256)];
	const from = colour();
	const to = colour();
	const blobs = Array.from({ length: 4 }, () => ({
		x: prng.next() * width,
		y: prng.next() * height,
		r2: (0.02 + prng.next() * 0.06) * width * height,
		c: colour(),
	}));
	const data = Buffer.alloc(width * height * 3);
	for (let y = 0; y < height; y++) {
		for (let x = 0; x < width; x++) {
			const t = (x / width + y / height) / 2;
			let r = from[0] + (to[0] - from[0]) * t;
			let g = from[1] + (to[1] - from[1]) * t;
			let b = from[2] + (to[2] - from[2]) * t;
			for (const blob of blobs) {
				const w = Math.exp(-((x - blob.x) ** 2 + (y - blob.y) ** 2) / blob.r2);
				r += (blob.c[0] - r) * w;
				g += (blob.c[1] - g) * w;
				b += (blob.c[2] - b) * w;
			}
			const n = (prng.next() - 0.5) * 12;
			const i = (y * width + x) * 3;
			data[i] = clamp(r + n);
			data[i + 1] = clamp(g + n);
			data[i + 2] = clamp(b + n);
		}
	}
	return { data, width, height };
}

/** True when the edit changes nothing. */
export function isIdentity(e: AppliedEdit): boolean {
	return e.brightness === 1 && e.contrast === 1 && e.saturation === 1 && e.warmth === 0;
}

/** ITU-R 601 luma weights, as PIL's 'L' conversion. */
const LUMA = [0.299, 0.587, 0.114];

/**
 * The edit as sharp operations. Applied in order it is brightness (x b), contrast (around the
 * mean luma m of the brightened picture), saturation (around each pixel's luma), warmth
 * (red x (1 + w), blue x (1 - w)). Brightness and contrast are the same affine map on every
 * channel, which commutes with the saturation matrix, so the whole chain is
 * recomb(S) then linear(W * c * b, W * b * m * (1 - c)) -- sharp's fixed order (recomb before linear).
 * Clamping happens once at the end instead of after every step.
 * @param meanLuma mean luma (0-255) of the unedited picture
 */
export function editTransform(
	e: AppliedEdit,
	meanLuma: number,
): { recomb?: number[][]; multiply: number[]; offset: number[] } {
	const s = e.saturation;
	const recomb =
		s === 1 ? undefined : [0, 1, 2].map((row) => LUMA.map((l, col) => (1 - s) * l + (row === col ? s : 0)));
	const pivot = meanLuma * e.brightness;
	const warmth = [1 + e.warmth, 1, 1 - e.warmth];
	return {
		recomb,
		multiply: warmth.map((w) => w * e.contrast * e.brightness),
		offset: warmth.map((w) => w * pivot * (1 - e.contrast)),
	};
}

/** Mean luma of RGB channel means (mean of a linear map = the map of the means). */
export function lumaOfMeans(means: number[]): number {
	return LUMA[0] * means[0] + LUMA[1] * means[1] + LUMA[2] * means[2];
}
