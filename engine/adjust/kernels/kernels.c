/*
 * Pixel loops of the Deterministic Adjust steps, compiled to WebAssembly by build.sh (into
 * kernels-wasm.ts). The TypeScript side (../kernels.ts) builds every table (the semantics of each step
 * live there); these loops only apply them, with exactly the arithmetic of the TypeScript they
 * replace: 32-bit integer wrap-around like Math.imul, float64 like JavaScript numbers (WebAssembly
 * has no fused multiply-add, so every product and sum is rounded on its own, as in JavaScript).
 *
 * Every function works on a strip: `p` points at the first byte of a run of whole rows copied into
 * this module's memory, `n` is its pixel count and `ch` 3 (RGB) or 4 (RGBA; alpha never changes).
 */
#include <stdint.h>

#define EXPORT(name) __attribute__((export_name(#name)))

typedef uint8_t u8;
typedef int32_t i32;
typedef uint32_t u32;
typedef uint64_t u64;

/* Linker-provided end of the static data: the TypeScript side allocates its tables from here. */
extern unsigned char __heap_base;

EXPORT(heap_base) u32 heap_base(void) { return (u32)(uintptr_t)&__heap_base; }

/* PIL's convert('L') weights, 16-bit fixed point (engine/adjust/enhance.ts). */
#define LUMA_R 19595
#define LUMA_G 38470
#define LUMA_B 7471

static inline u32 luma(u32 r, u32 g, u32 b) { return (r * LUMA_R + g * LUMA_G + b * LUMA_B + 0x8000) >> 16; }

/* Per-channel 256-entry tables (point-lut.ts ChannelLuts), e.g. the composed tone steps. */
EXPORT(apply_luts)
void apply_luts(u8 *p, u32 n, u32 ch, const u8 *tr, const u8 *tg, const u8 *tb) {
	for (u32 i = 0, end = n * ch; i < end; i += ch) {
		p[i] = tr[p[i]];
		p[i + 1] = tg[p[i + 1]];
		p[i + 2] = tb[p[i + 2]];
	}
}

/*
 * Sum of PIL luma over the strip after tables (enhance.ts pilContrastMean): lr, lg, lb hold
 * `table[v] * weight` (lb also the rounding 0x8000). Exact: returned as a double below 2^53.
 */
EXPORT(luma_sum)
double luma_sum(const u8 *p, u32 n, u32 ch, const i32 *lr, const i32 *lg, const i32 *lb) {
	u64 sum = 0;
	for (u32 i = 0, end = n * ch; i < end; i += ch) sum += (u32)(lr[p[i]] + lg[p[i + 1]] + lb[p[i + 2]]) >> 16;
	return (double)sum;
}

/*
 * Saturation (enhance.ts saturationPass): pending tables, PIL luma, then the 65,536-entry blend
 * table indexed by (luma << 8) | level.
 */
EXPORT(saturate)
void saturate(u8 *p, u32 n, u32 ch, const u8 *pr, const u8 *pg, const u8 *pb, const u8 *table) {
	for (u32 i = 0, end = n * ch; i < end; i += ch) {
		u32 r = pr[p[i]], g = pg[p[i + 1]], b = pb[p[i + 2]];
		u32 l = luma(r, g, b) << 8;
		p[i] = table[l | r];
		p[i + 1] = table[l | g];
		p[i + 2] = table[l | b];
	}
}

/* vignette.ts: steps of the falloff, and the table-row offset of the full falloff. */
#define FALLOFF_STEPS 2048
#define FULL_OFFSET (FALLOFF_STEPS << 8)

/* First x in [0, end) where the distance test holds (it holds from some x on), else end. */
static i32 first_inside(i32 end, const double *u2, double v2, double limit, int strict) {
	i32 lo = 0, hi = end;
	while (lo < hi) {
		i32 m = (i32)(((u32)lo + (u32)hi) >> 1);
		double d = u2[m] + v2;
		if (strict ? d < limit : d <= limit) hi = m;
		else lo = m + 1;
	}
	return lo;
}

/*
 * Vignette rows y0..y1-1 (vignette.ts vignetteRows): per row, the falloff of each column as a table
 * row offset (only the soft band computed, the flat parts filled), then three table lookups per
 * pixel. u2[x] is the squared horizontal distance of column x, `offsets` a width-sized scratch.
 */
EXPORT(vignette_rows)
void vignette_rows(u8 *p, i32 y0, i32 y1, i32 width, u32 ch, double half_h, double e0, double e1, const double *u2,
				   i32 *offsets, const u8 *tr, const u8 *tg, const u8 *tb) {
	const int hard = e0 == e1;
	const double e0sq = e0 * e0, e1sq = e1 * e1;
	const double inv_span = hard ? 0 : 1 / (e1 - e0);
	const i32 mid = (width + 1) / 2;
	for (i32 y = y0; y < y1; y++, p += (u32)width * ch) {
		const double v = ((double)y + 0.5 - half_h) / half_h;
		const double v2 = v * v;
		const i32 band = first_inside(mid, u2, v2, hard ? e0sq : e1sq, 1);
		const i32 inner = hard ? band : first_inside(mid, u2, v2, e0sq, 0);
		for (i32 x = 0; x < band; x++) offsets[x] = offsets[width - 1 - x] = FULL_OFFSET;
		for (i32 x = band; x < inner; x++) {
			const double s = (__builtin_sqrt(u2[x] + v2) - e0) * inv_span;
			const i32 o = ((i32)((s * s * (3 - 2 * s)) * FALLOFF_STEPS + 0.5)) << 8;
			offsets[x] = o;
			offsets[width - 1 - x] = o;
		}
		for (i32 x = inner; x < width - inner; x++) offsets[x] = 0;
		for (i32 x = 0; x < width; x++) {
			const u32 o = (u32)offsets[x], i = (u32)x * ch;
			p[i] = tr[o | p[i]];
			p[i + 1] = tg[o | p[i + 1]];
			p[i + 2] = tb[o | p[i + 2]];
		}
	}
}

/* grain.ts: mulberry32 as a counter-based generator (draw k uses state seed + (k + 1) * increment). */
#define MULBERRY_INCREMENT 0x6d2b79f5u

static inline u32 mulberry_output(u32 state) {
	u32 t = (state ^ (state >> 15)) * (state | 1u);
	t ^= t + (t ^ (t >> 7)) * (t | 61u);
	return t ^ (t >> 14);
}

static inline u32 state_of_draw(u32 seed, u64 k) { return seed + (u32)(k + 1) * MULBERRY_INCREMENT; }

static inline u8 clamp_level(i32 v) { return (u8)(v < 0 ? 0 : v > 255 ? 255 : v); }

/* Adds the noise d to the three colour channels of the pixel at q. */
static inline void add_noise(u8 *q, i32 d) {
	q[0] = clamp_level((i32)q[0] + d);
	q[1] = clamp_level((i32)q[1] + d);
	q[2] = clamp_level((i32)q[2] + d);
}

/* Monochrome grain of the pixel at q from the 10-bit draw z. */
static inline void grain_pixel(u8 *q, const int8_t *deltas, u32 z) { add_noise(q, deltas[(luma(q[0], q[1], q[2]) << 10) | z]); }

/*
 * Fine monochrome grain (grain.ts): one generator output gives the noise of three consecutive
 * pixels (bits 0-9, 10-19, 20-29); `first` is the image-wide index of the strip's first pixel, so
 * every strip continues the same sequence (a strip may start and end in the middle of a draw).
 * `deltas[(L << 10) | z]` is the rounded noise of luma L for the 10-bit draw z.
 */
EXPORT(grain_mono)
void grain_mono(u8 *p, double first_pixel, u32 n, u32 ch, u32 seed, const int8_t *deltas) {
	const u64 first = (u64)first_pixel;
	u64 draw = first / 3;
	u32 skip = (u32)(first - draw * 3);
	u32 j = 0;
	if (skip) {
		u32 u = mulberry_output(state_of_draw(seed, draw++)) >> (10 * skip);
		for (; skip < 3 && j < n; skip++, j++, u >>= 10) grain_pixel(p + j * ch, deltas, u & 1023);
	}
	u32 state = state_of_draw(seed, draw);
	for (; j + 3 <= n; j += 3, state += MULBERRY_INCREMENT) {
		const u32 u = mulberry_output(state);
		u8 *q = p + j * ch;
		grain_pixel(q, deltas, u & 1023);
		grain_pixel(q + ch, deltas, (u >> 10) & 1023);
		grain_pixel(q + 2 * ch, deltas, (u >> 20) & 1023);
	}
	for (u32 u = mulberry_output(state); j < n; j++, u >>= 10) grain_pixel(p + j * ch, deltas, u & 1023);
}

/* Fine colour grain (grain.ts): one generator output per pixel, bits 0-9 / 10-19 / 20-29 for R / G / B. */
EXPORT(grain_colour)
void grain_colour(u8 *p, double first_pixel, u32 n, u32 ch, u32 seed, const int8_t *deltas) {
	u32 state = state_of_draw(seed, (u64)first_pixel - 1);
	for (u32 i = 0, end = n * ch; i < end; i += ch) {
		state += MULBERRY_INCREMENT;
		const u32 u = mulberry_output(state);
		const u32 r = p[i], g = p[i + 1], b = p[i + 2];
		const int8_t *row = deltas + (luma(r, g, b) << 10);
		p[i] = clamp_level((i32)r + row[u & 1023]);
		p[i + 1] = clamp_level((i32)g + row[(u >> 10) & 1023]);
		p[i + 2] = clamp_level((i32)b + row[(u >> 20) & 1023]);
	}
}
