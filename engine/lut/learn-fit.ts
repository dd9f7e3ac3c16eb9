/**
 * The numerical core of LUT learning: fits a 3D LUT to pairs of colours (input -> target) so that
 * applying it with tetrahedral interpolation reproduces the targets, while colours the samples
 * do not cover fall back smoothly to a simple global model.
 *
 * Model: LUT(x) = F(x) + R(x), where
 * - F is the parametric fallback: per-channel tone curves (33 knots, smooth) followed by a 3x4
 *   affine colour matrix, fitted together by alternating weighted least squares;
 * - R is the residual held at the grid points and interpolated tetrahedrally (exactly as
 *   applyLut does), solved as regularised least squares:
 *   minimise  sum_i w_i |R(x_i) - (y_i - F(x_i))|^2 + lambda * sum_edges |R_j - R_k|^2 + mu * sum_j |R_j|^2
 *   (F(x_i) interpolated from F at the grid points, so the fit is exact for what is applied).
 *   The membrane term (lambda) smooths between neighbouring grid points and carries the residual
 *   smoothly (harmonically) into colours without data; the very weak pull toward 0
 *   (mu = lambda / 1000) only keeps the system well posed, and lets far-away colours drift back
 *   to the fallback.
 * The system (sparse, 8 coefficients per grid point plus the 6-neighbour membrane) is solved by
 * Jacobi-preconditioned conjugate gradients, three colour channels at once. Outliers (moved or
 * painted content, JPEG ringing at edges) are down-weighted over three reweighting rounds (Cauchy
 * weights on the colour error of each sample), the fallback being refitted each round.
 */
import { kthSmallest } from '../color/delta-e';

/** Colour pairs to fit, values 0..1. */
export interface FitSamples {
	count: number;
	/** Input R, G, B per sample, interleaved. */
	input: Float32Array;
	/** Target R, G, B per sample, interleaved. */
	target: Float32Array;
	/** Confidence per sample (>= 0), e.g. lower at edges. */
	weight: Float32Array;
}

export interface FitOptions {
	/** Grid points per axis. */
	size: number;
	/** Membrane strength relative to one average sample. */
	smoothness: number;
	/** Reweighting rounds after the first fit. @default 3 */
	robustRounds?: number;
}

export interface FitResult {
	/** `size^3 * 3` values, red fastest, clamped to 0..1. */
	data: Float32Array;
	/** Share of the (size-1)^3 grid cells that hold at least {@link SUPPORT_SAMPLES} samples. */
	coverage: number;
}

/** Samples a grid cell needs to count as supported by data in {@link FitResult.coverage}. */
export const SUPPORT_SAMPLES = 3;

const CURVE_KNOTS = 33;
/** The fallback is fitted on a regular subsample of at most this many samples (enough for its 111 parameters). */
const FALLBACK_SAMPLES = 32768;
/** Curve-fitting rounds of the fallback's alternating least squares. */
const FALLBACK_ROUNDS = 2;
/**
 * Cauchy weight scale in robust standard deviations (1.4826 * median error, at least 0.01): a
 * sample this far off gets half weight. 1.5 with 3 reweighting rounds ignored a painted-over
 * area (7.5 % of the picture) as well as 3 did with 8 rounds.
 */
const ROBUST_SCALE = 1.5;
/** Membrane strength per edge for smoothness 1, relative to one average sample (tuned on the test photos). */
const MEMBRANE_PER_SMOOTHNESS = 0.3;
/**
 * Pull of the residual toward 0 per grid point, relative to the membrane: small, so the residual
 * spreads far (harmonically) into colours without data, which replayed the test looks on other
 * photos best (1/16, 1/64 and 1/1000 were compared).
 */
const RESIDUAL_PULL = 1e-3;
/**
 * Squared relative residual at which the conjugate-gradient solve stops (3e-4 relative): 1e-8
 * took twice the iterations for the same LUT, 1e-6 replayed slightly worse.
 */
const SOLVE_TOLERANCE = 1e-7;

/** Offsets slot of a set of unit steps (bit 0 red, bit 1 green, bit 2 blue). */
const SLOT_OF_MASK = [0, 1, 2, 4, 3, 5, 6, 7];
/** For each ordering code `(r>g) | (g>b)<<1 | (r>b)<<2`: the axis with the largest position, then the middle one (as masks). */
const FIRST_AXIS = [4, 4, 2, 1, 1, 1, 2, 1];
const SECOND_AXIS = [2, 1, 4, 2, 2, 4, 1, 2];
/** For each ordering code: the channel (0 R, 1 G, 2 B) with the largest and the smallest position. */
const LARGEST_AXIS = [2, 2, 1, 0, 0, 0, 1, 0];
const SMALLEST_AXIS = [0, 1, 0, 2, 2, 1, 2, 2];

/** Where a sample falls in the grid: 4 grid points and their tetrahedral weights. */
interface Footprint {
	vertex: Int32Array;
	weight: Float64Array;
	/** Ordering code of each sample, for the pair slots. */
	code: Uint8Array;
	/** Grid cell index of each sample. */
	cell: Int32Array;
}

/**
 * Fits a 3D LUT to colour pairs; see the module comment for the model.
 *
 * @example const { data, coverage } = fitLut3d(samples, { size: 33, smoothness: 1 });
 * @param samples - input/target colours and weights, values 0..1
 * @param options - grid size and smoothness (no defaults: learnLut supplies them), robustRounds (default 3)
 * @returns the grid values and the data coverage
 * @throws nothing: the inputs are trusted (learnLut validates them)
 */
export function fitLut3d(samples: FitSamples, options: FitOptions): FitResult {
	const n = options.size;
	const nodes = n * n * n;
	const rounds = options.robustRounds ?? 3;
	const footprint = tetrahedralFootprint(samples, n);

	const baseWeight = normaliseWeights(samples.weight);
	let weight: Float64Array = baseWeight;
	const lambda = options.smoothness * MEMBRANE_PER_SMOOTHNESS;
	const mu = lambda * RESIDUAL_PULL;
	const residual = new Float64Array((nodes + n * n + n + 1) * 3);
	let nodeFallback: Float64Array = new Float64Array(nodes * 3);
	const error = new Float64Array(samples.count);

	for (let round = 0; round <= rounds; round++) {
		const fallback = fitFallback(samples, weight);
		nodeFallback = evaluateOnGrid(fallback, n);
		const { band, rhs } = normalEquations(samples, footprint, weight, nodeFallback, n);
		solve(band, rhs, residual, n, lambda, mu);
		if (round === rounds) break;
		sampleErrors(samples, footprint, nodeFallback, residual, error);
		weight = robustWeights(baseWeight, error);
	}

	const data = new Float32Array(nodes * 3);
	for (let i = 0; i < nodes * 3; i++) {
		const v = nodeFallback[i] + residual[i];
		data[i] = v < 0 ? 0 : v > 1 ? 1 : v;
	}
	return { data, coverage: cellCoverage(footprint.cell, n) };
}

/** Scales weights to a mean of 1, so that `smoothness` means the same for any sample count. */
function normaliseWeights(weight: Float32Array): Float64Array {
	let sum = 0;
	for (let i = 0; i < weight.length; i++) sum += weight[i];
	const scale = sum > 0 ? weight.length / sum : 1;
	const out = new Float64Array(weight.length);
	for (let i = 0; i < weight.length; i++) out[i] = weight[i] * scale;
	return out;
}

function tetrahedralFootprint(samples: FitSamples, n: number): Footprint {
	const count = samples.count;
	const last = n - 1;
	const vertex = new Int32Array(count * 4);
	const weight = new Float64Array(count * 4);
	const code = new Uint8Array(count);
	const cell = new Int32Array(count);
	const step = [0, 1, n, 0, n * n];
	const x = samples.input;
	const f = new Float64Array(3);
	const scale = [1, n, n * n];
	const cellScale = [1, last, last * last];
	for (let i = 0; i < count; i++) {
		let base = 0;
		let cellIndex = 0;
		for (let c = 0; c < 3; c++) {
			let u = x[i * 3 + c];
			u = u < 0 ? 0 : u > 1 ? 1 : u;
			const p = u * last;
			// `p | 0` is floor(p) for p >= 0; hot loops avoid Math calls, which are not inlined
			// everywhere (in jest's sandbox each costs ~150 ns).
			let k = p | 0;
			if (k >= last) k = last - 1;
			f[c] = p - k;
			base += k * scale[c];
			cellIndex += k * cellScale[c];
		}
		const fr = f[0];
		const fg = f[1];
		const fb = f[2];
		const order = +(fr > fg) | (+(fg > fb) << 1) | (+(fr > fb) << 2);
		const hi = f[LARGEST_AXIS[order]];
		const lo = f[SMALLEST_AXIS[order]];
		const mid = fr + fg + fb - hi - lo;
		const v1 = base + step[FIRST_AXIS[order]];
		const v2 = v1 + step[SECOND_AXIS[order]];
		vertex[i * 4] = base;
		vertex[i * 4 + 1] = v1;
		vertex[i * 4 + 2] = v2;
		vertex[i * 4 + 3] = base + 1 + n + n * n;
		weight[i * 4] = 1 - hi;
		weight[i * 4 + 1] = hi - mid;
		weight[i * 4 + 2] = mid - lo;
		weight[i * 4 + 3] = lo;
		code[i] = order;
		cell[i] = cellIndex;
	}
	return { vertex, weight, code, cell };
}

/**
 * The parametric fallback F(x) = post * [T(x); 1]: per-channel tone curves, then a 3x4 colour
 * matrix (white balance, saturation, channel mixing). A matrix before the curves as well was
 * tried and replayed the test looks less well on other photos.
 */
interface Fallback {
	/** Per channel: offsets from identity at the knots (0..1), linear in between. */
	curves: Float64Array[];
	post: Float64Array;
}

function curveValue(curve: Float64Array, x: number): number {
	const last = CURVE_KNOTS - 1;
	const u = x < 0 ? 0 : x > 1 ? 1 : x;
	const p = u * last;
	let k = p | 0;
	if (k >= last) k = last - 1;
	const f = p - k;
	return x + curve[k] + (curve[k + 1] - curve[k]) * f;
}

function applyAffine(m: Float64Array, from: Float64Array | Float32Array, to: Float64Array, count: number): void {
	for (let i = 0; i < count * 3; i += 3) {
		const a = from[i];
		const b = from[i + 1];
		const c = from[i + 2];
		to[i] = m[0] * a + m[1] * b + m[2] * c + m[3];
		to[i + 1] = m[4] * a + m[5] * b + m[6] * c + m[7];
		to[i + 2] = m[8] * a + m[9] * b + m[10] * c + m[11];
	}
}

/** Weighted least squares y ~ M [x; 1] with a weak ridge pull toward M = [I | 0]. */
function fitAffine(x: Float64Array | Float32Array, y: Float32Array, weight: Float64Array, count: number, total: number): Float64Array {
	const ata = new Float64Array(16);
	const aty = new Float64Array(12);
	for (let i = 0; i < count; i++) {
		const w = weight[i];
		if (w === 0) continue;
		const i3 = i * 3;
		const p0 = x[i3];
		const p1 = x[i3 + 1];
		const p2 = x[i3 + 2];
		const y0 = y[i3];
		const y1 = y[i3 + 1];
		const y2 = y[i3 + 2];
		const w0 = w * p0;
		const w1 = w * p1;
		const w2 = w * p2;
		ata[0] += w0 * p0;
		ata[1] += w0 * p1;
		ata[2] += w0 * p2;
		ata[3] += w0;
		ata[5] += w1 * p1;
		ata[6] += w1 * p2;
		ata[7] += w1;
		ata[10] += w2 * p2;
		ata[11] += w2;
		ata[15] += w;
		aty[0] += w0 * y0;
		aty[1] += w1 * y0;
		aty[2] += w2 * y0;
		aty[3] += w * y0;
		aty[4] += w0 * y1;
		aty[5] += w1 * y1;
		aty[6] += w2 * y1;
		aty[7] += w * y1;
		aty[8] += w0 * y2;
		aty[9] += w1 * y2;
		aty[10] += w2 * y2;
		aty[11] += w * y2;
	}
	for (let a = 0; a < 4; a++) for (let b = 0; b < a; b++) ata[a * 4 + b] = ata[b * 4 + a];
	// Weak: photos are mostly near-neutral, so the data barely separates the R, G, B coefficients;
	// a stronger pull toward identity (1e-3) kept black-and-white edits far from grey.
	const ridge = total * 1e-5 + 1e-9;
	const matrix = new Float64Array(12);
	for (let c = 0; c < 3; c++) {
		const m = Float64Array.from(ata);
		const v = aty.slice(c * 4, c * 4 + 4);
		for (let a = 0; a < 4; a++) m[a * 4 + a] += ridge;
		v[c] += ridge;
		matrix.set(solveDense(m, v, 4), c * 4);
	}
	return matrix;
}

/**
 * Fits the fallback by alternating least squares on a regular subsample of at most
 * {@link FALLBACK_SAMPLES} samples: the matrix with the curves fixed (starting from straight
 * curves), then all three curves at once with the matrix fixed, and so on. A pure colour-matrix
 * edit (white balance, black and white) keeps straight curves; a pure tone curve keeps the
 * identity matrix.
 */
function fitFallback(samples: FitSamples, weight: Float64Array): Fallback {
	const stride = Math.max(1, Math.floor(samples.count / FALLBACK_SAMPLES));
	const count = Math.floor((samples.count - 1) / stride) + 1;
	const x = new Float32Array(count * 3);
	const y = new Float32Array(count * 3);
	const w = new Float64Array(count);
	let total = 0;
	for (let k = 0; k < count; k++) {
		const i = k * stride;
		for (let c = 0; c < 3; c++) {
			x[k * 3 + c] = samples.input[i * 3 + c];
			y[k * 3 + c] = samples.target[i * 3 + c];
		}
		w[k] = weight[i];
		total += weight[i];
	}
	let curves: Float64Array[] = [new Float64Array(CURVE_KNOTS), new Float64Array(CURVE_KNOTS), new Float64Array(CURVE_KNOTS)];
	const curved = new Float64Array(count * 3);
	let post: Float64Array = new Float64Array(12);
	for (let round = 0; round <= FALLBACK_ROUNDS; round++) {
		for (let i = 0; i < count * 3; i += 3) {
			curved[i] = curveValue(curves[0], x[i]);
			curved[i + 1] = curveValue(curves[1], x[i + 1]);
			curved[i + 2] = curveValue(curves[2], x[i + 2]);
		}
		post = fitAffine(curved, y, w, count, total);
		if (round < FALLBACK_ROUNDS) curves = fitCurves(x, y, w, count, total, post);
	}
	return { curves, post };
}

/**
 * The three curves (as offsets from identity at the knots) that best fit y ~ M [T(x); 1] for a
 * fixed matrix M: one linear least-squares problem in the 3 x 33 knot offsets, with a membrane
 * between neighbouring knots and a weak pull toward straight curves.
 */
function fitCurves(
	x: Float32Array,
	y: Float32Array,
	weight: Float64Array,
	count: number,
	total: number,
	m: Float64Array,
): Float64Array[] {
	const size = 3 * CURVE_KNOTS;
	const normal = new Float64Array(size * size);
	const rhs = new Float64Array(size);
	// Gram matrix of the matrix columns: how a change of curve c and curve d meet in the output.
	const gram = new Float64Array(9);
	for (let c = 0; c < 3; c++) {
		for (let d = 0; d < 3; d++) gram[c * 3 + d] = m[c] * m[d] + m[4 + c] * m[4 + d] + m[8 + c] * m[8 + d];
	}
	const last = CURVE_KNOTS - 1;
	const index = new Int32Array(6);
	const basis = new Float64Array(6);
	const residual = new Float64Array(3);
	for (let i = 0; i < count; i++) {
		const wi = weight[i];
		if (wi === 0) continue;
		const i3 = i * 3;
		for (let c = 0; c < 3; c++) {
			const xc = x[i3 + c];
			const u = xc < 0 ? 0 : xc > 1 ? 1 : xc;
			const p = u * last;
			let k = p | 0;
			if (k >= last) k = last - 1;
			const f = p - k;
			index[c * 2] = c * CURVE_KNOTS + k;
			index[c * 2 + 1] = c * CURVE_KNOTS + k + 1;
			basis[c * 2] = 1 - f;
			basis[c * 2 + 1] = f;
		}
		const x0 = x[i3];
		const x1 = x[i3 + 1];
		const x2 = x[i3 + 2];
		for (let j = 0; j < 3; j++) {
			const row = j * 4;
			residual[j] = y[i3 + j] - (m[row] * x0 + m[row + 1] * x1 + m[row + 2] * x2 + m[row + 3]);
		}
		for (let a = 0; a < 6; a++) {
			const ca = a >> 1;
			const ba = wi * basis[a];
			rhs[index[a]] += ba * (m[ca] * residual[0] + m[4 + ca] * residual[1] + m[8 + ca] * residual[2]);
			const rowOffset = index[a] * size;
			for (let b = 0; b < 6; b++) {
				normal[rowOffset + index[b]] += ba * basis[b] * gram[ca * 3 + (b >> 1)];
			}
		}
	}
	const lambdaCurve = total * 1e-4 + 1e-9;
	const muCurve = lambdaCurve * 1e-2;
	for (let c = 0; c < 3; c++) {
		for (let k = 0; k < CURVE_KNOTS; k++) {
			const u = c * CURVE_KNOTS + k;
			normal[u * size + u] += muCurve + lambdaCurve * (k === 0 || k === last ? 1 : 2);
			if (k < last) {
				normal[u * size + u + 1] -= lambdaCurve;
				normal[(u + 1) * size + u] -= lambdaCurve;
			}
		}
	}
	const offsets = solveDense(normal, rhs, size);
	return [0, 1, 2].map((c) => offsets.slice(c * CURVE_KNOTS, (c + 1) * CURVE_KNOTS));
}

function evaluateOnGrid(fallback: Fallback, n: number): Float64Array {
	const nodes = n * n * n;
	const grid = new Float64Array(nodes * 3);
	let o = 0;
	for (let b = 0; b < n; b++) {
		for (let g = 0; g < n; g++) {
			for (let r = 0; r < n; r++) {
				grid[o++] = r / (n - 1);
				grid[o++] = g / (n - 1);
				grid[o++] = b / (n - 1);
			}
		}
	}
	const mixed = Float64Array.from(grid);
	for (let i = 0; i < nodes * 3; i += 3) {
		mixed[i] = curveValue(fallback.curves[0], mixed[i]);
		mixed[i + 1] = curveValue(fallback.curves[1], mixed[i + 1]);
		mixed[i + 2] = curveValue(fallback.curves[2], mixed[i + 2]);
	}
	applyAffine(fallback.post, mixed, grid, nodes);
	return grid;
}

/**
 * The data part of the normal equations: for each grid point, its coefficient with itself and
 * with the 7 grid points one step up in r, g, b or combinations (`band`, 8 per point), and the
 * right-hand side (3 per point) from the targets minus the interpolated fallback.
 */
function normalEquations(
	samples: FitSamples,
	footprint: Footprint,
	weight: Float64Array,
	nodeFallback: Float64Array,
	n: number,
): { band: Float64Array; rhs: Float64Array } {
	const nodes = n * n * n;
	const band = new Float64Array(nodes * 8);
	const rhs = new Float64Array(nodes * 3);
	const { vertex, code } = footprint;
	const tw = footprint.weight;
	const y = samples.target;
	// Pair slots for (v0,v1) (v0,v2) (v0,v3) (v1,v2) (v1,v3) (v2,v3) by ordering code.
	const pairSlots = new Uint8Array(8 * 6);
	for (let k = 0; k < 8; k++) {
		const a = FIRST_AXIS[k];
		const b = SECOND_AXIS[k];
		const c = 7 ^ a ^ b;
		const masks = [a, a | b, 7, b, b | c, c];
		for (let p = 0; p < 6; p++) pairSlots[k * 6 + p] = SLOT_OF_MASK[masks[p]];
	}
	for (let i = 0; i < samples.count; i++) {
		const w = weight[i];
		if (w === 0) continue;
		const q = i * 4;
		const v0 = vertex[q];
		const v1 = vertex[q + 1];
		const v2 = vertex[q + 2];
		const v3 = vertex[q + 3];
		const t0 = tw[q];
		const t1 = tw[q + 1];
		const t2 = tw[q + 2];
		const t3 = tw[q + 3];
		for (let c = 0; c < 3; c++) {
			const fitted =
				t0 * nodeFallback[v0 * 3 + c] +
				t1 * nodeFallback[v1 * 3 + c] +
				t2 * nodeFallback[v2 * 3 + c] +
				t3 * nodeFallback[v3 * 3 + c];
			const r = w * (y[i * 3 + c] - fitted);
			rhs[v0 * 3 + c] += t0 * r;
			rhs[v1 * 3 + c] += t1 * r;
			rhs[v2 * 3 + c] += t2 * r;
			rhs[v3 * 3 + c] += t3 * r;
		}
		band[v0 * 8] += w * t0 * t0;
		band[v1 * 8] += w * t1 * t1;
		band[v2 * 8] += w * t2 * t2;
		band[v3 * 8] += w * t3 * t3;
		const s = code[i] * 6;
		band[v0 * 8 + pairSlots[s]] += w * t0 * t1;
		band[v0 * 8 + pairSlots[s + 1]] += w * t0 * t2;
		band[v0 * 8 + pairSlots[s + 2]] += w * t0 * t3;
		band[v1 * 8 + pairSlots[s + 3]] += w * t1 * t2;
		band[v1 * 8 + pairSlots[s + 4]] += w * t1 * t3;
		band[v2 * 8 + pairSlots[s + 5]] += w * t2 * t3;
	}
	return { band, rhs };
}

/**
 * y = A x for A = band (symmetric, upper part stored) + lambda * membrane + mu * I, on
 * interleaved 3-channel vectors. `x` is padded with zeros past the last grid point, so the
 * upward neighbours of boundary points read zeros (their coefficients are zero anyway).
 */
function multiply(
	band: Float64Array,
	x: Float64Array,
	y: Float64Array,
	n: number,
	lambda: number,
	mu: number,
	offsets: Int32Array,
): void {
	// Membrane and pull: y_j = (mu + lambda * degree_j) x_j - lambda * (sum of the axis neighbours).
	const n2 = n * n;
	const last = n - 1;
	for (let b = 0, j = 0; b < n; b++) {
		for (let g = 0; g < n; g++) {
			for (let r = 0; r < n; r++, j++) {
				const j3 = j * 3;
				let s0 = 0;
				let s1 = 0;
				let s2 = 0;
				let degree = 0;
				if (r > 0) {
					const k = j3 - 3;
					s0 += x[k];
					s1 += x[k + 1];
					s2 += x[k + 2];
					degree++;
				}
				if (r < last) {
					const k = j3 + 3;
					s0 += x[k];
					s1 += x[k + 1];
					s2 += x[k + 2];
					degree++;
				}
				if (g > 0) {
					const k = j3 - 3 * n;
					s0 += x[k];
					s1 += x[k + 1];
					s2 += x[k + 2];
					degree++;
				}
				if (g < last) {
					const k = j3 + 3 * n;
					s0 += x[k];
					s1 += x[k + 1];
					s2 += x[k + 2];
					degree++;
				}
				if (b > 0) {
					const k = j3 - 3 * n2;
					s0 += x[k];
					s1 += x[k + 1];
					s2 += x[k + 2];
					degree++;
				}
				if (b < last) {
					const k = j3 + 3 * n2;
					s0 += x[k];
					s1 += x[k + 1];
					s2 += x[k + 2];
					degree++;
				}
				const diagonal = mu + lambda * degree;
				y[j3] = diagonal * x[j3] - lambda * s0;
				y[j3 + 1] = diagonal * x[j3 + 1] - lambda * s1;
				y[j3 + 2] = diagonal * x[j3 + 2] - lambda * s2;
			}
		}
	}
	// Data: the band, stored once per pair (upper part), applied in both directions.
	const nodes = n * n2;
	for (let j = 0; j < nodes; j++) {
		const bIndex = j * 8;
		const d = band[bIndex];
		if (d === 0) continue;
		const j3 = j * 3;
		const x0 = x[j3];
		const x1 = x[j3 + 1];
		const x2 = x[j3 + 2];
		let a0 = d * x0;
		let a1 = d * x1;
		let a2 = d * x2;
		for (let s = 1; s < 8; s++) {
			const coefficient = band[bIndex + s];
			if (coefficient === 0) continue;
			const k3 = (j + offsets[s]) * 3;
			a0 += coefficient * x[k3];
			a1 += coefficient * x[k3 + 1];
			a2 += coefficient * x[k3 + 2];
			y[k3] += coefficient * x0;
			y[k3 + 1] += coefficient * x1;
			y[k3 + 2] += coefficient * x2;
		}
		y[j3] += a0;
		y[j3 + 1] += a1;
		y[j3 + 2] += a2;
	}
}

/**
 * Preconditioned conjugate gradients (Jacobi), one independent solve per colour channel run in
 * lockstep so that each matrix pass serves all three; `x` holds the start and the result.
 */
function solve(band: Float64Array, rhs: Float64Array, x: Float64Array, n: number, lambda: number, mu: number): void {
	const nodes = n * n * n;
	const padded = x.length;
	const offsets = Int32Array.of(0, 1, n, n * n, 1 + n, 1 + n * n, n + n * n, 1 + n + n * n);
	const inverseDiagonal = new Float64Array(nodes);
	for (let b = 0; b < n; b++) {
		for (let g = 0; g < n; g++) {
			for (let r = 0; r < n; r++) {
				const j = r + n * g + n * n * b;
				const degree =
					(r > 0 ? 1 : 0) + (r < n - 1 ? 1 : 0) + (g > 0 ? 1 : 0) + (g < n - 1 ? 1 : 0) + (b > 0 ? 1 : 0) + (b < n - 1 ? 1 : 0);
				inverseDiagonal[j] = 1 / (band[j * 8] + mu + lambda * degree);
			}
		}
	}
	const residual = new Float64Array(nodes * 3);
	const z = new Float64Array(nodes * 3);
	const direction = new Float64Array(padded);
	const product = new Float64Array(padded);

	multiply(band, x, product, n, lambda, mu, offsets);
	let rz0 = 0;
	let rz1 = 0;
	let rz2 = 0;
	let bb0 = 0;
	let bb1 = 0;
	let bb2 = 0;
	for (let j = 0; j < nodes; j++) {
		const i = j * 3;
		const inv = inverseDiagonal[j];
		const r0 = rhs[i] - product[i];
		const r1 = rhs[i + 1] - product[i + 1];
		const r2 = rhs[i + 2] - product[i + 2];
		residual[i] = r0;
		residual[i + 1] = r1;
		residual[i + 2] = r2;
		z[i] = direction[i] = r0 * inv;
		z[i + 1] = direction[i + 1] = r1 * inv;
		z[i + 2] = direction[i + 2] = r2 * inv;
		rz0 += r0 * r0 * inv;
		rz1 += r1 * r1 * inv;
		rz2 += r2 * r2 * inv;
		bb0 += rhs[i] * rhs[i];
		bb1 += rhs[i + 1] * rhs[i + 1];
		bb2 += rhs[i + 2] * rhs[i + 2];
	}
	// Stop a channel when its residual norm is below 1e-5 of its right-hand side's.
	const tol0 = Math.max(bb0, 1e-30) * SOLVE_TOLERANCE;
	const tol1 = Math.max(bb1, 1e-30) * SOLVE_TOLERANCE;
	const tol2 = Math.max(bb2, 1e-30) * SOLVE_TOLERANCE;
	let rr0 = Infinity;
	let rr1 = Infinity;
	let rr2 = Infinity;
	const maxIterations = 60 + 8 * n;
	for (let iteration = 0; iteration < maxIterations; iteration++) {
		const on0 = rr0 > tol0;
		const on1 = rr1 > tol1;
		const on2 = rr2 > tol2;
		if (!on0 && !on1 && !on2) break;
		multiply(band, direction, product, n, lambda, mu, offsets);
		let pAp0 = 0;
		let pAp1 = 0;
		let pAp2 = 0;
		for (let j = 0; j < nodes; j++) {
			const i = j * 3;
			pAp0 += direction[i] * product[i];
			pAp1 += direction[i + 1] * product[i + 1];
			pAp2 += direction[i + 2] * product[i + 2];
		}
		const alpha0 = on0 && pAp0 > 0 ? rz0 / pAp0 : 0;
		const alpha1 = on1 && pAp1 > 0 ? rz1 / pAp1 : 0;
		const alpha2 = on2 && pAp2 > 0 ? rz2 / pAp2 : 0;
		let next0 = 0;
		let next1 = 0;
		let next2 = 0;
		rr0 = 0;
		rr1 = 0;
		rr2 = 0;
		for (let j = 0; j < nodes; j++) {
			const i = j * 3;
			const inv = inverseDiagonal[j];
			x[i] += alpha0 * direction[i];
			x[i + 1] += alpha1 * direction[i + 1];
			x[i + 2] += alpha2 * direction[i + 2];
			const r0 = (residual[i] -= alpha0 * product[i]);
			const r1 = (residual[i + 1] -= alpha1 * product[i + 1]);
			const r2 = (residual[i + 2] -= alpha2 * product[i + 2]);
			z[i] = r0 * inv;
			z[i + 1] = r1 * inv;
			z[i + 2] = r2 * inv;
			next0 += r0 * r0 * inv;
			next1 += r1 * r1 * inv;
			next2 += r2 * r2 * inv;
			rr0 += r0 * r0;
			rr1 += r1 * r1;
			rr2 += r2 * r2;
		}
		const beta0 = on0 && rz0 > 0 ? next0 / rz0 : 0;
		const beta1 = on1 && rz1 > 0 ? next1 / rz1 : 0;
		const beta2 = on2 && rz2 > 0 ? next2 / rz2 : 0;
		for (let j = 0; j < nodes; j++) {
			const i = j * 3;
			direction[i] = on0 ? z[i] + beta0 * direction[i] : 0;
			direction[i + 1] = on1 ? z[i + 1] + beta1 * direction[i + 1] : 0;
			direction[i + 2] = on2 ? z[i + 2] + beta2 * direction[i + 2] : 0;
		}
		rz0 = next0;
		rz1 = next1;
		rz2 = next2;
	}
}

function sampleErrors(
	samples: FitSamples,
	footprint: Footprint,
	nodeFallback: Float64Array,
	residual: Float64Array,
	error: Float64Array,
): void {
	const { vertex } = footprint;
	const tw = footprint.weight;
	const y = samples.target;
	for (let i = 0; i < samples.count; i++) {
		const q = i * 4;
		let sum = 0;
		for (let c = 0; c < 3; c++) {
			let v = 0;
			for (let k = 0; k < 4; k++) {
				const node = vertex[q + k] * 3 + c;
				v += tw[q + k] * (nodeFallback[node] + residual[node]);
			}
			const d = y[i * 3 + c] - v;
			sum += d * d;
		}
		error[i] = sum ** 0.5;
	}
}

/** Cauchy weights: samples much further from the fit than is typical count for little ({@link ROBUST_SCALE}). */
function robustWeights(baseWeight: Float64Array, error: Float64Array): Float64Array {
	const median = kthSmallest(Float64Array.from(error), error.length >> 1);
	// 1.4826 * median is the standard deviation for Gaussian errors; never below ~2.5 levels.
	const scale = ROBUST_SCALE * Math.max(0.01, 1.4826 * median);
	const out = new Float64Array(baseWeight.length);
	for (let i = 0; i < out.length; i++) {
		const e = error[i] / scale;
		out[i] = baseWeight[i] / (1 + e * e);
	}
	return out;
}

function cellCoverage(cell: Int32Array, n: number): number {
	const cells = (n - 1) ** 3;
	const counts = new Uint8Array(cells);
	for (let i = 0; i < cell.length; i++) {
		const k = cell[i];
		if (counts[k] < 255) counts[k]++;
	}
	let supported = 0;
	for (let k = 0; k < cells; k++) if (counts[k] >= SUPPORT_SAMPLES) supported++;
	return supported / cells;
}

/** Gaussian elimination with partial pivoting on a small dense system. */
function solveDense(m: Float64Array, v: Float64Array, size: number): Float64Array {
	const a = Float64Array.from(m);
	const b = Float64Array.from(v);
	for (let col = 0; col < size; col++) {
		let pivot = col;
		for (let row = col + 1; row < size; row++) {
			if (Math.abs(a[row * size + col]) > Math.abs(a[pivot * size + col])) pivot = row;
		}
		if (pivot !== col) {
			for (let k = 0; k < size; k++) {
				const t = a[col * size + k];
				a[col * size + k] = a[pivot * size + k];
				a[pivot * size + k] = t;
			}
			const t = b[col];
			b[col] = b[pivot];
			b[pivot] = t;
		}
		const p = a[col * size + col];
		if (p === 0) continue;
		for (let row = col + 1; row < size; row++) {
			const factor = a[row * size + col] / p;
			if (factor === 0) continue;
			for (let k = col; k < size; k++) a[row * size + k] -= factor * a[col * size + k];
			b[row] -= factor * b[col];
		}
	}
	const x = new Float64Array(size);
	for (let row = size - 1; row >= 0; row--) {
		let s = b[row];
		for (let k = row + 1; k < size; k++) s -= a[row * size + k] * x[k];
		const p = a[row * size + row];
		x[row] = p === 0 ? 0 : s / p;
	}
	return x;
}
