/**
 * Deterministic Adjust through real workflows: PIL-identical pixels, ordered steps, seeded
 * grain, bit-identical reruns at any concurrency, LUT files from items, per-item errors, and
 * "Replicate Approved Edit" learning a LUT once and replaying it.
 */
import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { decodeRgb } from '../../engine/image/input';
import { parseCube } from '../../engine/lut/cube-parse';
import { compareImages } from '../../engine/color/delta-e';
import { runWorkflow, type WorkflowRunResult } from '../harness/run-workflow';
import { makeTempDir, pilDecode, pilEnhance, differingPixels, type PilEnhance } from '../adjust/helpers';
import { PHOTOS, photoItems, workflowFor, type ItemSpec } from './helpers';

const COFFEE = PHOTOS[0]; // no ICC profile: PIL and sharp decode it to the same pixels
const tmp = makeTempDir('adjust-node-');
afterAll(() => tmp.cleanup());

const adjust = (steps: unknown, options: Record<string, unknown> = {}) => ({
	operation: 'adjust',
	binaryPropertyName: 'data',
	stepsSource: 'json',
	stepsJson: JSON.stringify(steps),
	options: { format: 'png', ...options },
});

async function rawOf(result: WorkflowRunResult, itemIndex: number, property = 'data') {
	const file = await result.binary('Under Test', itemIndex, property);
	const { data, info } = await sharp(file).removeAlpha().raw().toBuffer({ resolveWithObject: true });
	return { data, width: info.width, height: info.height, file };
}

describe.each(['filesystem', 'database'] as const)('Adjust in %s binary mode', (mode) => {
	it('brightness 0.85 then contrast 1.2 equals PIL ImageEnhance in that order, pixel for pixel', async () => {
		const chain: PilEnhance[] = [['brightness', 0.85], ['contrast', 1.2]];
		const result = await runWorkflow(
			workflowFor('deterministicAdjust', adjust(chain.map(([op, factor]) => ({ op, factor }))), photoItems([COFFEE])),
			{ binaryDataMode: mode },
		);
		expect(result.error).toBeUndefined();
		const ours = await rawOf(result, 0);
		const [pil] = pilEnhance(tmp.dir, pilDecode(tmp.dir, COFFEE), [chain]);
		expect(differingPixels(ours.data, pil, 3)).toBe(0);
		const out = result.output('Under Test')[0];
		expect(out.pairedItem).toEqual({ item: 0 });
		expect(out.json.output).toMatchObject({ width: 600, height: 400, format: 'png', mimeType: 'image/png' });
		expect(out.binary?.data.fileName).toBe('coffee-adjusted.png');
	});
});

it('steps built in the UI run in the order given', async () => {
	const ui = (first: string, second: string) => ({
		operation: 'adjust',
		binaryPropertyName: 'data',
		stepsSource: 'ui',
		steps: { step: [{ op: first, factor: first === 'brightness' ? 0.8 : 1.4 }, { op: second, factor: second === 'brightness' ? 0.8 : 1.4 }] },
		options: { format: 'png' },
	});
	const a = await runWorkflow(workflowFor('deterministicAdjust', ui('brightness', 'contrast'), photoItems([COFFEE])));
	const b = await runWorkflow(workflowFor('deterministicAdjust', ui('contrast', 'brightness'), photoItems([COFFEE])));
	const [pilA, pilB] = pilEnhance(tmp.dir, pilDecode(tmp.dir, COFFEE), [
		[['brightness', 0.8], ['contrast', 1.4]],
		[['contrast', 1.4], ['brightness', 0.8]],
	]);
	const rawA = (await rawOf(a, 0)).data;
	const rawB = (await rawOf(b, 0)).data;
	expect(differingPixels(rawA, pilA, 3)).toBe(0);
	expect(differingPixels(rawB, pilB, 3)).toBe(0);
	expect(differingPixels(rawA, rawB, 3)).toBeGreaterThan(1000);
});

it('gives identical bytes on every run and at any concurrency (seeded grain, vignette, JPEG output)', async () => {
	const steps = [
		{ op: 'exposure', stops: 0.3 },
		{ op: 'temperature', percent: 15 },
		{ op: 'grain', strength: 30, size: 2, seed: 42 },
		{ op: 'vignette', strength: 40 },
	];
	const items = photoItems([PHOTOS[0], PHOTOS[1], PHOTOS[2], PHOTOS[0], PHOTOS[1], PHOTOS[2]]);
	const run = async (concurrency: number) => {
		const result = await runWorkflow(workflowFor('deterministicAdjust', adjust(steps, { format: 'jpeg', quality: 90, concurrency }), items));
		expect(result.error).toBeUndefined();
		return Promise.all(items.map(async (_, i) => (await result.binary('Under Test', i, 'data')).toString('base64')));
	};
	const serial = await run(1);
	const parallel = await run(4);
	expect(parallel).toEqual(serial);
	// Same photo, same steps, same seed: same bytes, wherever it sits in the batch.
	expect(serial[3]).toBe(serial[0]);
	const otherSeed = await runWorkflow(
		workflowFor('deterministicAdjust', adjust([{ op: 'grain', strength: 30, size: 2, seed: 43 }], { format: 'jpeg' }), photoItems([COFFEE])),
	);
	const sameSeed = await runWorkflow(
		workflowFor('deterministicAdjust', adjust([{ op: 'grain', strength: 30, size: 2, seed: 42 }], { format: 'jpeg' }), photoItems([COFFEE])),
	);
	expect((await otherSeed.binary('Under Test', 0)).equals(await sameSeed.binary('Under Test', 0))).toBe(false);
});

it('applies a .cube LUT from a binary property of the item; an identity LUT changes nothing', async () => {
	const size = 5;
	const rows: string[] = [];
	for (let b = 0; b < size; b++) for (let g = 0; g < size; g++) for (let r = 0; r < size; r++) rows.push(`${r / (size - 1)} ${g / (size - 1)} ${b / (size - 1)}`);
	const cube = `TITLE "identity"\nLUT_3D_SIZE ${size}\n${rows.join('\n')}\n`;
	const items: ItemSpec[] = [{ files: { data: { path: COFFEE, mimeType: 'image/png' }, lut: { base64: Buffer.from(cube).toString('base64'), mimeType: 'text/plain', fileName: 'id.cube' } } }];
	const params = {
		operation: 'adjust',
		binaryPropertyName: 'data',
		stepsSource: 'ui',
		steps: { step: [{ op: 'lut', lutSource: 'binary', lutBinaryField: 'lut', lutStrength: 1, interpolation: 'tetrahedral' }] },
		options: { format: 'png' },
	};
	const result = await runWorkflow(workflowFor('deterministicAdjust', params, items));
	expect(result.error).toBeUndefined();
	const ours = await rawOf(result, 0);
	expect(differingPixels(ours.data, pilDecode(tmp.dir, COFFEE).data, 3)).toBe(0);
});

it('bad parameters and bad images give per-item errors naming the step, parameter and cause', async () => {
	const items: ItemSpec[] = [
		...photoItems([COFFEE]),
		{ files: { data: { base64: Buffer.from('GIF89a-not-really').toString('base64'), mimeType: 'image/gif', fileName: 'x.gif' } } },
	];
	const bad = await runWorkflow(
		workflowFor('deterministicAdjust', adjust([{ op: 'brightness', factor: -1 }]), photoItems([COFFEE]), { onError: 'continueRegularOutput' }),
	);
	expect(bad.output('Under Test')[0].json).toMatchObject({
		error: 'Item 0: Expected a number between 0 and 4 for steps[0].factor (brightness) but received -1',
		errorKind: 'invalidInput',
	});
	const curves = await runWorkflow(
		workflowFor(
			'deterministicAdjust',
			{ operation: 'adjust', binaryPropertyName: 'data', stepsSource: 'ui', steps: { step: [{ op: 'curves', points: '0,0; 128;255,255' }] } },
			photoItems([COFFEE]),
			{ onError: 'continueRegularOutput' },
		),
	);
	expect(curves.output('Under Test')[0].json.error).toBe('Item 0: Expected "input,output" pairs separated by ";" for steps[0].points (curves) but received "128"');
	const mixed = await runWorkflow(workflowFor('deterministicAdjust', adjust([{ op: 'saturation', factor: 1.2 }]), items, { onError: 'continueRegularOutput' }));
	const out = mixed.output('Under Test');
	expect(out[0].binary?.data).toBeDefined();
	expect(out[1].json).toMatchObject({ errorKind: 'invalidInput', itemIndex: 1 });
	expect(out[1].pairedItem).toEqual({ item: 1 });
});

describe('Replicate Approved Edit', () => {
	// The approved edit: PIL brightness 0.8 then saturation 1.3, applied to the coffee photo.
	const edit: PilEnhance[] = [['brightness', 0.8], ['saturation', 1.3]];
	/** PIL's edit of a photo as sharp decodes it (ICC profiles converted to sRGB, as the node does). */
	async function pilPng(path: string): Promise<Buffer> {
		const raw = await decodeRgb(readFileSync(path));
		const [out] = pilEnhance(tmp.dir, raw, [edit]);
		return sharp(out, { raw: { width: raw.width, height: raw.height, channels: 3 } }).png().toBuffer();
	}

	it('learns the pair once from the first item, outputs the .cube, and replays the edit on every item', async () => {
		// Learned on the astronaut portrait (the widest range of colours), replayed on the others.
		const ASTRONAUT = PHOTOS[1];
		const targets = [PHOTOS[0], PHOTOS[2]];
		const approved = await pilPng(ASTRONAUT);
		const items: ItemSpec[] = targets.map((p, i) => ({
			files: {
				data: { path: p, mimeType: 'image/png' },
				...(i === 0 ? { original: { path: ASTRONAUT, mimeType: 'image/png' }, approved: { base64: approved.toString('base64'), mimeType: 'image/png', fileName: 'approved.png' } } : {}),
			},
		}));
		const result = await runWorkflow(
			workflowFor('deterministicAdjust', { operation: 'replicate', pairSource: 'firstItem', apply: true, binaryPropertyName: 'data', options: { format: 'png' } }, items),
		);
		expect(result.error).toBeUndefined();
		const out = result.output('Under Test');
		expect(out).toHaveLength(2);
		for (let i = 0; i < 2; i++) {
			const json = out[i].json as Record<string, any>;
			expect(json.learned.verdict).toBe('replicable');
			expect(json.learned.pairFromItem).toBe(0);
			expect(json.applied).toBe(true);
			const lut = parseCube(await result.binary('Under Test', i, 'lut'));
			expect(lut.lut3d?.size).toBe(33);
			expect(out[i].binary?.lut.fileName).toBe('learned-look.cube');
			// The replay on a photo the LUT never saw must look like PIL's edit of that photo.
			const ours = await rawOf(result, i);
			const reference = await sharp(await pilPng(targets[i])).raw().toBuffer();
			const difference = compareImages(ours.data, reference, 3);
			expect(difference.meanDeltaE).toBeLessThan(1);
		}
	});

	it('says "content changed" and does not apply when the pair is not a global colour edit', async () => {
		// The "approved" image is a different photo: no colour transform explains it.
		const other = await sharp(PHOTOS[2]).resize(600, 400, { fit: 'fill' }).png().toBuffer();
		const items: ItemSpec[] = [
			{ files: { data: { path: PHOTOS[1], mimeType: 'image/png' }, original: { path: COFFEE, mimeType: 'image/png' }, approved: { base64: other.toString('base64'), mimeType: 'image/png' } } },
		];
		const result = await runWorkflow(workflowFor('deterministicAdjust', { operation: 'replicate', pairSource: 'item', apply: true }, items));
		const json = result.output('Under Test')[0].json as Record<string, any>;
		expect(json.learned.verdict).toBe('content-changed');
		expect(json.applied).toBe(false);
		expect(json.notAppliedReason).toBe(json.learned.verdictText);
		expect(result.output('Under Test')[0].binary?.lut).toBeDefined();
	});
});
