import { identityLut3d } from '../../engine/lut/apply';
import { parseCube } from '../../engine/lut/cube-parse';
import { formatCube } from '../../engine/lut/cube-write';
import type { CubeLut } from '../../engine/lut/types';
import { filmLookLut } from './helpers';

/** Half a unit in the last place of the written decimals, plus half a float32 ulp near 1 (re-rounding on reading). */
const SIX_DECIMALS = 5e-7 + 6e-8;

function maxDifference(a: Float32Array, b: Float32Array): number {
	expect(a.length).toBe(b.length);
	let max = 0;
	for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
	return max;
}

describe('formatCube', () => {
	it('writes the Adobe layout: TITLE, LUT_3D_SIZE, then N^3 red-fastest rows with 6 decimals', () => {
		const text = formatCube(identityLut3d(2), { title: 'Identity' });
		expect(text).toBe(
			[
				'TITLE "Identity"',
				'LUT_3D_SIZE 2',
				'0.000000 0.000000 0.000000',
				'1.000000 0.000000 0.000000',
				'0.000000 1.000000 0.000000',
				'1.000000 1.000000 0.000000',
				'0.000000 0.000000 1.000000',
				'1.000000 0.000000 1.000000',
				'0.000000 1.000000 1.000000',
				'1.000000 1.000000 1.000000',
				'',
			].join('\n'),
		);
	});

	it('round-trips a 33-point look through parseCube within the written precision', () => {
		const lut = filmLookLut(33);
		const back = parseCube(formatCube(lut));
		expect(back.title).toBe(lut.title);
		expect(back.lut3d?.size).toBe(33);
		expect(maxDifference(back.lut3d?.data as Float32Array, lut.lut3d?.data as Float32Array)).toBeLessThanOrEqual(SIX_DECIMALS);
		const coarse = parseCube(formatCube(lut, { decimals: 3 }));
		expect(maxDifference(coarse.lut3d?.data as Float32Array, lut.lut3d?.data as Float32Array)).toBeLessThanOrEqual(5e-4 + 1e-7);
	});

	it('writes DOMAIN_MIN/DOMAIN_MAX only when the domain is not 0..1, and reads them back', () => {
		const lut = identityLut3d(3);
		expect(formatCube(lut)).not.toContain('DOMAIN');
		const lut3d = { ...(lut.lut3d as NonNullable<CubeLut['lut3d']>), domainMin: [-0.5, 0, 0] as [number, number, number], domainMax: [1, 2, 1.5] as [number, number, number] };
		const back = parseCube(formatCube({ lut3d }));
		expect(back.lut3d?.domainMin).toEqual([-0.5, 0, 0]);
		expect(back.lut3d?.domainMax).toEqual([1, 2, 1.5]);
	});

	it('writes a 1D table, and a Resolve shaper + 3D file, that read back the same', () => {
		const shaperData = Float32Array.from([0, 0, 0, 0.25, 0.3, 0.35, 1, 1, 1]);
		const lut1d = { size: 3, data: shaperData, inputMin: [0, 0, 0] as [number, number, number], inputMax: [2, 2, 2] as [number, number, number] };
		const oneD = parseCube(formatCube({ lut1d, comments: ['made by a test'] }));
		expect(oneD.comments).toEqual(['made by a test']);
		expect(oneD.lut3d).toBeUndefined();
		expect(Array.from(oneD.lut1d?.data ?? [])).toEqual(Array.from(shaperData));
		expect(oneD.lut1d?.inputMax).toEqual([2, 2, 2]);

		const text = formatCube({ lut1d, lut3d: filmLookLut(5).lut3d });
		expect(text).toContain('LUT_1D_INPUT_RANGE 0.000000 2.000000\nLUT_3D_SIZE 5\nLUT_3D_INPUT_RANGE 0.000000 1.000000\n');
		const both = parseCube(text);
		expect(both.lut1d?.size).toBe(3);
		expect(both.lut3d?.size).toBe(5);
		expect(maxDifference(both.lut3d?.data as Float32Array, filmLookLut(5).lut3d?.data as Float32Array)).toBeLessThanOrEqual(SIX_DECIMALS);
	});

	it('writes values outside 0..1 (negative, 10 and above, huge) that read back the same', () => {
		const values = [-0.25, 12.5, 123456.789, -1e-7, 0.9999996, 9.9999996, -3, 0, 1];
		const data = new Float32Array(24);
		for (let i = 0; i < 24; i++) data[i] = values[i % values.length];
		const text = formatCube({ lut3d: { size: 2, data, domainMin: [0, 0, 0], domainMax: [1, 1, 1] } });
		// float32(123456.789) is exactly 123456.7890625: the tie rounds up, as toFixed does.
		expect(text).toContain('-0.250000 12.500000 123456.789063\n');
		expect(text).toContain('0.000000 1.000000 10.000000\n');
		const back = parseCube(text).lut3d?.data as Float32Array;
		for (let i = 0; i < 24; i++) expect(Math.abs(back[i] - data[i])).toBeLessThanOrEqual(Math.abs(data[i]) * 1e-7 + SIX_DECIMALS);
	});

	it('keeps titles and comments on one line and never writes "-0.000000"', () => {
		const data = new Float32Array(24).fill(-1e-9);
		const text = formatCube({ title: 'two\nlines "quoted"', comments: ['a\rb'], lut3d: { size: 2, data, domainMin: [0, 0, 0], domainMax: [1, 1, 1] } });
		expect(text.split('\n').slice(0, 3)).toEqual(['TITLE "two lines \'quoted\'"', '# a b', 'LUT_3D_SIZE 2']);
		expect(text).not.toContain('-0.000000');
		expect(parseCube(text).title).toBe("two lines 'quoted'");
	});

	it('refuses malformed LUTs and a shaper with per-channel ranges', () => {
		expect(() => formatCube({} as CubeLut)).toThrow('Expected a LUT object with lut3d and/or lut1d for lut');
		const bad = identityLut3d(2);
		(bad.lut3d as NonNullable<CubeLut['lut3d']>).data[5] = Number.NaN;
		expect(() => formatCube(bad)).toThrow('Expected finite numbers only for lut.lut3d.data but received "NaN at index 5"');
		const short = { lut3d: { size: 3, data: new Float32Array(10), domainMin: [0, 0, 0], domainMax: [1, 1, 1] } } as CubeLut;
		expect(() => formatCube(short)).toThrow('Expected a Float32Array of 81 values for lut.lut3d.data but received "a Float32Array of 10 values"');
		const lut1d = { size: 2, data: new Float32Array(6), inputMin: [0, 0, 0.1] as [number, number, number], inputMax: [1, 1, 1] as [number, number, number] };
		expect(() => formatCube({ lut1d, lut3d: identityLut3d(2).lut3d })).toThrow('the same input range in all three channels');
		expect(() => formatCube(identityLut3d(2), { decimals: 12 })).toThrow('Expected an integer between 1 and 9 for decimals but received 12');
	});
});
