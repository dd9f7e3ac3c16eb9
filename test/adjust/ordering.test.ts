/**
 * Steps run in the order given (sharp's own operations do not), and fusing consecutive tone steps
 * into one table per channel gives exactly the bytes of running them one at a time.
 */
import { applyStepsToRaw, type AdjustStep } from '../../engine/adjust';
import { PHOTOS, differingPixels, makeTempDir, pilDecode, pilEnhance, type PilEnhance, type Raw } from './helpers';

let tmp: ReturnType<typeof makeTempDir>;
let raw: Raw;
beforeAll(() => {
	tmp = makeTempDir();
	raw = pilDecode(tmp.dir, PHOTOS[1]);
});
afterAll(() => tmp.cleanup());

const asSteps = (chain: PilEnhance[]): AdjustStep[] => chain.map(([op, factor]) => ({ op, factor }));

describe('order of steps', () => {
	const chains: PilEnhance[][] = [
		[
			['brightness', 1.4],
			['contrast', 1.6],
		],
		[
			['contrast', 1.6],
			['brightness', 1.4],
		],
		[
			['contrast', 1.3],
			['saturation', 1.4],
			['brightness', 0.9],
			['contrast', 0.8],
		],
		[
			['saturation', 0.6],
			['contrast', 1.25],
			['contrast', 1.25],
			['saturation', 1.8],
		],
	];
	let pil: Buffer[];
	beforeAll(() => {
		pil = pilEnhance(tmp.dir, raw, chains);
	});

	test('brightness then contrast differs from contrast then brightness', async () => {
		const a = await applyStepsToRaw(raw.data, raw.width, raw.height, 3, asSteps(chains[0]));
		const b = await applyStepsToRaw(raw.data, raw.width, raw.height, 3, asSteps(chains[1]));
		expect(differingPixels(a, b, 3)).toBeGreaterThan(1000);
	});

	test.each(chains.map((chain, k) => [chain.map((s) => s.join(' ')).join(' > '), k] as const))(
		'%s equals the PIL chain in that order',
		async (_name, k) => {
			const ours = await applyStepsToRaw(raw.data, raw.width, raw.height, 3, asSteps(chains[k]));
			expect(differingPixels(ours, pil[k], 3)).toBe(0);
		},
	);
});

describe('fused tone steps equal the steps run one at a time', () => {
	const chains: AdjustStep[][] = [
		[
			{ op: 'exposure', stops: 0.4 },
			{ op: 'contrast', factor: 1.2 },
			{ op: 'temperature', percent: 20 },
			{ op: 'levels', blackPoint: 10, whitePoint: 240, gamma: 1.1 },
			{ op: 'curves', points: [[0, 0], [96, 80], [160, 180], [255, 255]], channel: 'green' },
			{ op: 'gamma', value: 0.9 },
			{ op: 'tint', percent: -15 },
			{ op: 'brightness', factor: 1.05 },
		],
		[
			{ op: 'brightness', factor: 0.8 },
			{ op: 'saturation', factor: 1.3 },
			{ op: 'contrast', factor: 1.4 },
			{ op: 'hue', degrees: 20 },
			{ op: 'exposure', stops: -0.3 },
			{ op: 'vignette', strength: 40 },
			{ op: 'gamma', value: 1.2 },
			{ op: 'grain', strength: 30, seed: 5 },
			{ op: 'levels', outputBlack: 12, outputWhite: 245 },
		],
	];

	test.each(chains.map((c, k) => [k, c.map((s) => s.op).join(', ')] as const))('chain %i: %s', async (k) => {
		const fused = await applyStepsToRaw(raw.data, raw.width, raw.height, 3, chains[k]);
		let oneByOne = raw.data;
		for (const step of chains[k]) {
			oneByOne = await applyStepsToRaw(oneByOne, raw.width, raw.height, 3, [step]);
		}
		expect(differingPixels(fused, oneByOne, 3)).toBe(0);
		expect(differingPixels(fused, raw.data, 3)).toBeGreaterThan(raw.width * raw.height * 0.5);
	});

	test('applyStepsToRaw leaves its input untouched', async () => {
		const copy = Buffer.from(raw.data);
		await applyStepsToRaw(raw.data, raw.width, raw.height, 3, chains[1]);
		expect(raw.data.equals(copy)).toBe(true);
	});
});
