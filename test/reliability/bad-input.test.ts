/**
 * Issue 8, the bad-input catalogue: every hostile input of `bad-input-files.ts`, run against every
 * node (Quantified Edit, Reference Edit, Multi-Sample, Seeded Generate, Deterministic Adjust's
 * Adjust and Replicate operations) in real n8n workflows (n8n-core WorkflowExecute through the
 * harness) against the fake provider.
 *
 * Each bad item sits BETWEEN two good items of one run. With "Continue On Fail" the good items must
 * still come out edited and the bad one must become an error item paired to its index (or, where a
 * demanding user expects it to work, a correct result); without it the node must fail with an error
 * naming the item, the parameter and the cause. Every run is bounded (timeoutMs), nothing may be
 * sent to a provider for a refused item, and no error may contain the API key.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';
import sharp from 'sharp';
import { startFakeProvider, type FakeProvider, type RecordedRequest } from '../fake';
import type { CredentialsByType } from '../harness/credentials-helper';
import { runWorkflow, type WorkflowRunResult } from '../harness/run-workflow';
import { expectNoSecret, SECRET_KEY, workflowFor, type FileSpec, type ItemSpec } from '../nodes/helpers';
import * as bad from './bad-input-files';

/** Upper bound of one run: a hang fails the test instead of stalling the suite. */
const RUN_TIMEOUT_MS = 30_000;
const SD_USER = 'painter';
const MODEL = { __rl: true, mode: 'list', value: 'gemini-3-pro-image' };

let fake: FakeProvider;
let good: bad.CatalogueFile;
let goodRaw: Buffer;
let approved: Buffer;
const tmp = mkdtempSync(path.join(tmpdir(), 'bad-input-'));

beforeAll(async () => {
	fake = await startFakeProvider({
		apiKeys: [SECRET_KEY],
		variance: 0,
		// The SD WebUI password is the secret of Seeded Generate's credential.
		basicAuth: { user: SD_USER, password: SECRET_KEY },
		outputMimeType: 'image/jpeg',
	});
	good = await bad.goodPhoto();
	goodRaw = await bad.goodPixels();
	// The approved result of the Reference Edit / Replicate pair: the good photo at 80 % brightness.
	approved = await sharp(good.bytes).linear(0.8, 0).png().toBuffer();
});
afterAll(async () => {
	await fake.close();
	rmSync(tmp, { recursive: true, force: true });
});
beforeEach(() => fake.reset());

const file = (f: bad.CatalogueFile): FileSpec => ({ base64: f.bytes.toString('base64'), mimeType: f.mimeType, fileName: f.fileName });
const pngFile = (bytes: Buffer, fileName: string): FileSpec => ({ base64: bytes.toString('base64'), mimeType: 'image/png', fileName });
const aiCredentials = (): CredentialsByType => ({ imageModelApi: { provider: 'aiStudio', apiKey: SECRET_KEY, baseUrl: fake.url } });

type GenBody = { contents: Array<{ parts: Array<{ text?: string; inlineData?: { mimeType: string; data: string } }> }> };
/** The image the edit targets (the LAST image of a Gemini request). */
const lastInlineImage = (r: RecordedRequest): Buffer => {
	const parts = (r.body as GenBody).contents.flatMap((c) => c.parts).filter((p) => p.inlineData);
	return Buffer.from(parts[parts.length - 1].inlineData!.data, 'base64');
};
const geminiCalls = () => fake.requests.filter((r) => r.route.endsWith('generateContent'));

/** One column of the catalogue: a node (or operation) with the parameters a user would set. */
interface Column {
	title: string;
	type: string;
	params: INodeParameters;
	credentials: () => CredentialsByType;
	/** The parameter holding the image's binary property name, as errors must name it. */
	parameter: string;
	/** Extra binaries of item 0 (the shared reference pair, the approved pair to learn from). */
	firstItemExtras?: () => Record<string, FileSpec>;
	/** Requests that carried an input image to a provider. */
	calls: () => RecordedRequest[];
	/** The item's image as the provider received it. */
	sentImage?: (r: RecordedRequest) => Buffer;
}

const COLUMNS: Column[] = [
	{
		title: 'Quantified Edit',
		type: 'quantifiedEdit',
		params: { binaryPropertyName: 'data', instruction: 'slightly darker', model: MODEL, options: { maxRetries: 0 } },
		credentials: aiCredentials,
		parameter: 'Input Binary Field',
		calls: geminiCalls,
		sentImage: lastInlineImage,
	},
	{
		title: 'Reference Edit',
		type: 'referenceEdit',
		params: { binaryPropertyName: 'data', referenceSource: 'firstItem', approvedProperty: 'approved', useOriginal: true, originalProperty: 'original', model: MODEL, options: { maxRetries: 0 } },
		credentials: aiCredentials,
		parameter: 'New Image Binary Field',
		firstItemExtras: () => ({ original: file(good), approved: pngFile(approved, 'approved.png') }),
		calls: geminiCalls,
		sentImage: lastInlineImage,
	},
	{
		title: 'Multi-Sample',
		type: 'multiSample',
		params: { binaryPropertyName: 'data', requestType: 'quantified', instruction: 'slightly darker', model: MODEL, variants: 1, output: 'best', contactSheet: false, options: { maxRetries: 0 } },
		credentials: aiCredentials,
		parameter: 'Input Binary Field',
		calls: geminiCalls,
		sentImage: lastInlineImage,
	},
	{
		title: 'Seeded Generate (SD WebUI img2img)',
		type: 'seededGenerate',
		params: { backend: 'sdWebui', prompt: 'the same scene at dusk', sdInputBinaryField: 'data', width: 64, height: 64, sdSteps: 2, seedMode: 'fixed', seed: 5, options: { maxRetries: 0 } },
		credentials: () => ({ selfHostedImageApi: { kind: 'sdWebui', baseUrl: fake.url, user: SD_USER, password: SECRET_KEY } }),
		parameter: 'Start Image Binary Field',
		calls: () => fake.requests.filter((r) => r.route === 'sd.img2img'),
		sentImage: (r) => Buffer.from((r.body as { init_images: string[] }).init_images[0], 'base64'),
	},
	{
		title: 'Deterministic Adjust: Adjust',
		type: 'deterministicAdjust',
		params: { operation: 'adjust', binaryPropertyName: 'data', stepsSource: 'json', stepsJson: '[{"op":"brightness","factor":0.85},{"op":"contrast","factor":1.1}]', options: { format: 'png' } },
		credentials: () => ({}),
		parameter: 'Input Binary Field',
		calls: () => [],
	},
	{
		title: 'Deterministic Adjust: Replicate',
		type: 'deterministicAdjust',
		// A 9-point LUT learns fast; the size does not change what is checked here.
		params: { operation: 'replicate', pairSource: 'firstItem', originalProperty: 'original', approvedProperty: 'approved', apply: true, binaryPropertyName: 'data', learning: { size: 9 }, options: { format: 'png' } },
		credentials: () => ({}),
		parameter: 'Input Binary Field',
		firstItemExtras: () => ({ original: file(good), approved: pngFile(approved, 'approved.png') }),
		calls: () => [],
	},
];
const column = (title: string): Column => COLUMNS.find((c) => c.title.startsWith(title))!;

/**
 * good, <middle>, good: the middle item is the one under test. `last` replaces the third item's
 * image (a plain 8-bit sRGB twin of the middle file, to compare results with).
 */
function itemsAround(c: Column, middle: ItemSpec, json: [IDataObject, IDataObject, IDataObject] = [{}, {}, {}], last: bad.CatalogueFile = good): ItemSpec[] {
	return [
		{ json: json[0], files: { data: file(good), ...(c.firstItemExtras?.() ?? {}) } },
		{ json: json[1], ...middle },
		{ json: json[2], files: { data: file(last) } },
	];
}

/**
 * Waits until the fake has answered everything: a node that fails without Continue On Fail
 * cancels the other items' calls, and a cancelled request can still reach the fake late.
 */
async function quiet(): Promise<void> {
	const until = Date.now() + 2000;
	let calm = fake.stats().inFlight === 0 ? 3 : 0;
	while (calm < 3 && Date.now() < until) {
		await new Promise((resolve) => setTimeout(resolve, 15));
		calm = fake.stats().inFlight === 0 ? calm + 1 : 0;
	}
}

/**
 * Without Continue On Fail the runs take the items one at a time (unless the case sets that option
 * itself): the node stops at the bad item, so the good item after it is never sent, and nothing is
 * left in flight when the node fails. The contract checked is the same at any concurrency.
 */
function oneAtATime(c: Column, params: INodeParameters): INodeParameters {
	const key = c.type === 'deterministicAdjust' ? 'concurrency' : 'maxConcurrent';
	const options = (params.options ?? {}) as INodeParameters;
	return key in options ? params : { ...params, options: { ...options, [key]: 1 } };
}

async function run(c: Column, items: ItemSpec[], continueOnFail: boolean, params: INodeParameters = c.params): Promise<WorkflowRunResult> {
	await quiet();
	fake.reset();
	const workflow = workflowFor(c.type, continueOnFail ? params : oneAtATime(c, params), items, continueOnFail ? { onError: 'continueRegularOutput' } : {});
	const result = await runWorkflow(workflow, { credentials: c.credentials(), timeoutMs: RUN_TIMEOUT_MS });
	expect(result.error?.name).not.toBe('TimeoutExecutionCancelledError');
	expectNoSecret(result.run);
	return result;
}

/** The good items 0 and 2 came out edited (an output image), paired to their index. */
function expectGoodItems(out: INodeExecutionData[]): void {
	expect(out).toHaveLength(3);
	for (const i of [0, 2]) {
		expect(out[i].json.error).toBeUndefined();
		expect(out[i].pairedItem).toEqual({ item: i });
		expect(out[i].binary?.data?.fileName).toMatch(/-(edited|adjusted|replicated|variant-1|seed5)\.(png|jpg)$/);
	}
}

interface ExpectedError {
	/** What the message must say about the cause. */
	cause: RegExp;
	/** The binary property or parameter the message must name. */
	names: string[];
	description?: RegExp;
}

/**
 * Runs [good, bad, good] with Continue On Fail and checks the error item; then, unless
 * `withoutContinueOnFail` is false, without it and checks that the node fails naming the item.
 */
async function expectItemError(
	c: Column,
	items: ItemSpec[],
	expected: ExpectedError,
	params: INodeParameters = c.params,
	withoutContinueOnFail = true,
): Promise<IDataObject> {
	const continued = await run(c, items, true, params);
	expect(continued.error).toBeUndefined();
	const out = continued.output('Under Test');
	expectGoodItems(out);
	const error = out[1].json;
	expect(out[1].pairedItem).toEqual({ item: 1 });
	expect(error).toMatchObject({ errorKind: 'invalidInput', itemIndex: 1 });
	const message = String(error.error);
	expect(message).toMatch(/^Item 1: /);
	expect(message).toMatch(expected.cause);
	for (const name of expected.names) expect(message).toContain(name);
	if (expected.description) expect(String(error.errorDescription)).toMatch(expected.description);
	// Nothing was sent (or paid for) for the refused item: one call per good item.
	expect(c.calls()).toHaveLength(c.type === 'deterministicAdjust' ? 0 : 2);

	if (!withoutContinueOnFail) return error;
	const failed = await run(c, items, false, params);
	const nodeError = failed.nodeError('Under Test') as unknown as { message: string; description?: string; context?: { itemIndex?: number } };
	expect(nodeError).toBeDefined();
	expect(nodeError.message).toBe(message);
	expect(nodeError.context?.itemIndex).toBe(1);
	return error;
}

// ---------------------------------------------------------------------------------------------
// Files

interface FileCase {
	title: string;
	middle: () => Promise<ItemSpec>;
	/** 'error': a clear per-item error; 'works': a correct result, checked by `checkWorks`. */
	outcome: 'error' | 'works';
	/** The same picture as a plain 8-bit sRGB file: the third item, whose result the middle one must match. */
	twin?: () => Promise<bad.CatalogueFile>;
	cause?: RegExp;
	description?: RegExp;
	/** Whether the message names the binary property "data" and the parameter. */
	namesProperty?: boolean;
}

const FILE_CASES: FileCase[] = [
	{
		title: 'truncated JPEG',
		middle: async () => ({ files: { data: file(await bad.truncatedJpeg()) } }),
		outcome: 'error',
		cause: /could not be decoded; the file is probably truncated or corrupt$/,
		description: /no end-of-image marker after its scan data.*truncated/,
		namesProperty: true,
	},
	{
		title: 'zero-byte file',
		middle: async () => ({ files: { data: file(bad.zeroBytes()) } }),
		outcome: 'error',
		cause: /is empty \(0 bytes\)$/,
		namesProperty: true,
	},
	{
		title: 'text file labelled image/png',
		middle: async () => ({ files: { data: file(bad.textLabelledPng()) } }),
		outcome: 'error',
		cause: /is not an image sharp can read$/,
		description: /not a JPEG, PNG, WebP, AVIF, HEIF, TIFF or GIF image/,
		namesProperty: true,
	},
	{
		title: 'animated GIF',
		middle: async () => ({ files: { data: file(await bad.animatedGif()) } }),
		outcome: 'error',
		cause: /is an animated gif with 2 frames$/,
		description: /Only still images/,
		namesProperty: true,
	},
	{
		title: 'missing binary property (no binary data at all)',
		middle: async () => ({}),
		outcome: 'error',
		cause: /No binary property "data" on this item/,
		description: /no binary data at all/,
		namesProperty: true,
	},
	{
		title: 'wrong binary property name ("photo" instead of "data")',
		middle: async () => ({ files: { photo: file(good) } }),
		outcome: 'error',
		cause: /No binary property "data" on this item/,
		description: /has these binary properties: photo\.$/,
		namesProperty: true,
	},
	{ title: '16-bit PNG', middle: async () => ({ files: { data: file(await bad.png16()) } }), outcome: 'works', twin: bad.goodPhoto },
	{ title: 'CMYK JPEG', middle: async () => ({ files: { data: file(await bad.cmykJpeg()) } }), outcome: 'works', twin: bad.cmykAsSrgbPng },
	{ title: 'JPEG with EXIF orientation 6', middle: async () => ({ files: { data: file(await bad.exifRotated()) } }), outcome: 'works' },
];

describe('the catalogue files are what they claim to be', () => {
	it('truncated, bomb, animated, 16-bit, CMYK and EXIF files have the properties the cases rely on', async () => {
		const cut = (await bad.truncatedJpeg()).bytes;
		expect((await sharp(cut).metadata()).format).toBe('jpeg'); // the header still reads
		await expect(sharp(cut).raw().toBuffer()).rejects.toThrow(); // the pixels do not
		const bomb = await sharp(bad.pngBomb().bytes, { limitInputPixels: false }).metadata();
		expect([bomb.width, bomb.height, bad.pngBomb().bytes.length < 2000]).toEqual([20000, 20000, true]);
		expect((await sharp((await bad.animatedGif()).bytes).metadata()).pages).toBe(2);
		expect((await sharp((await bad.png16()).bytes).metadata()).depth).toBe('ushort');
		expect((await sharp((await bad.cmykJpeg()).bytes).metadata()).space).toBe('cmyk');
		const exif = await sharp((await bad.exifRotated()).bytes).metadata();
		expect([exif.orientation, exif.width, exif.height]).toEqual([6, bad.EXIF_STORED.width, bad.EXIF_STORED.height]);
		// Without auto-orientation the marker is at the stored top-left: markerCorner tells the two apart.
		expect((await bad.markerCorner((await bad.exifRotated()).bytes)).corner).toBe('top-left');
	});
});

const fileMatrix = COLUMNS.flatMap((c) => FILE_CASES.map((f) => [c.title, f.title, c, f] as const));

describe.each(['error', 'works'] as const)('catalogue, files that must give %s', (outcome) => {
	it.each(fileMatrix.filter(([, , , f]) => f.outcome === outcome))('%s x %s', async (_c, _f, c, f) => {
		const twin = f.twin ? await f.twin() : good;
		const items = itemsAround(c, await f.middle(), undefined, twin);
		if (outcome === 'error') {
			const names = f.namesProperty ? ['"data"', `(parameter "${c.parameter}")`] : [];
			await expectItemError(c, items, { cause: f.cause!, description: f.description, names });
			return;
		}
		const result = await run(c, items, true);
		expect(result.error).toBeUndefined();
		const out = result.output('Under Test');
		expectGoodItems(out);
		expect(out[1].json.error).toBeUndefined();
		expect(out[1].pairedItem).toEqual({ item: 1 });
		await checkWorks(c, f.title, result, twin);
	});
});

/** What "works" means for each input that must work. */
async function checkWorks(c: Column, title: string, result: WorkflowRunResult, twin: bad.CatalogueFile): Promise<void> {
	const output = await result.binary('Under Test', 1, 'data');
	const sent = c.sentImage ? c.calls().map((r) => c.sentImage!(r)) : [];
	// One request per item; the good items went as their own bytes, the middle one as converted pixels.
	if (c.sentImage) expect(sent).toHaveLength(3);
	const converted = sent.filter((s) => !s.equals(good.bytes) && !s.equals(twin.bytes));
	if (title.startsWith('JPEG with EXIF')) {
		// Upright = 64 x 96 (the stored raster is 96 x 64), red marker at the upright top-right.
		const target = c.sentImage ? converted : [output];
		expect(target).toHaveLength(1);
		expect(await bad.markerCorner(target[0])).toEqual({ width: bad.EXIF_STORED.height, height: bad.EXIF_STORED.width, corner: 'top-right' });
		const meta = await sharp(output).metadata();
		expect(meta.orientation ?? 1).toBe(1);
		if (c.type !== 'seededGenerate') expect(meta.height).toBeGreaterThan(meta.width); // the result is portrait too
		return;
	}
	// 16-bit PNG and CMYK JPEG must give what their plain 8-bit sRGB twin gives.
	const twinRaw = await sharp(twin.bytes).removeAlpha().raw().toBuffer();
	if (c.sentImage) {
		expect(converted).toHaveLength(1);
		const { data, info } = await sharp(converted[0]).raw().toBuffer({ resolveWithObject: true });
		expect([info.width, info.height, info.channels]).toEqual([bad.GOOD_WIDTH, bad.GOOD_HEIGHT, 3]);
		// Sent as an 8-bit JPEG (q92, 4:4:4): only compression noise apart from the twin (a tiny,
		// detailed photo: ~3 levels), no colour shift.
		expect(bad.meanAbsDiff(data, twinRaw)).toBeLessThan(5);
		expectSameMeanColour(data, twinRaw, 1.5);
		return;
	}
	// Deterministic Adjust: the middle item's result equals its twin's (item 2), computed by the node.
	const reference = await sharp(await result.binary('Under Test', 2, 'data')).removeAlpha().raw().toBuffer();
	const ours = await sharp(output).removeAlpha().raw().toBuffer({ resolveWithObject: true });
	expect([ours.info.width, ours.info.height, ours.info.channels]).toEqual([bad.GOOD_WIDTH, bad.GOOD_HEIGHT, 3]);
	expect((await sharp(output).metadata()).depth).toBe('uchar');
	expect(bad.meanAbsDiff(ours.data, reference)).toBeLessThan(0.5);
	expectSameMeanColour(ours.data, reference, 0.5);
}

/** No channel swapped or inverted: every channel's mean is within `tolerance` levels. */
function expectSameMeanColour(a: Buffer, b: Buffer, tolerance: number): void {
	const ma = bad.meanRgb(a);
	const mb = bad.meanRgb(b);
	for (let k = 0; k < 3; k++) expect(Math.abs(ma[k] - mb[k])).toBeLessThan(tolerance);
}

describe('decompression bomb (a 20000 x 20000 PNG header on a tiny file)', () => {
	it.each(COLUMNS.map((c) => [c.title, c] as const))('%s refuses it from the header, fast and without memory growth', async (_t, c) => {
		const bomb = bad.pngBomb();
		expect(bomb.bytes.length).toBeLessThan(2000);
		const items = itemsAround(c, { files: { data: file(bomb) } });
		const rssBefore = process.memoryUsage().rss;
		const started = Date.now();
		await expectItemError(c, items, {
			cause: /is 20000x20000 \(400 MP\), over the limit of 100 MP$/,
			description: /decompression bombs.*Max Input Megapixels/,
			names: ['"data"', `(parameter "${c.parameter}")`],
		});
		expect(Date.now() - started).toBeLessThan(RUN_TIMEOUT_MS);
		// Decoding 400 MP would need 1.2 GB; the header check keeps growth to noise.
		expect(process.memoryUsage().rss - rssBefore).toBeLessThan(300 * 1024 * 1024);
	});
});

// ---------------------------------------------------------------------------------------------
// Absurd parameters: set by an expression from the item, so only the middle item's value is bad.

interface ParamCase {
	column: string;
	title: string;
	/** Parameters with `{{ $json.v }}` where the bad value goes. */
	params: (base: INodeParameters) => INodeParameters;
	good: string | number;
	bad: string | number;
	/** undefined: the bad value is valid and the item must work. */
	cause?: RegExp;
}

const V = '={{ $json.v }}';
const opts = (base: INodeParameters, extra: INodeParameters): INodeParameters => ({ ...base, options: { ...(base.options as INodeParameters), ...extra } });
const adjustment = (percent: string) => ({ instruction: '', adjustments: { adjustment: [{ attribute: 'brightness', percent }] } });
const uiStep = (step: INodeParameters): INodeParameters => ({ stepsSource: 'ui', steps: { step: [step] } });

const PARAM_CASES: ParamCase[] = [
	{ column: 'Quantified Edit', title: 'Change (%) "abc"', params: (b) => ({ ...b, ...adjustment(V) }), good: -10, bad: 'abc', cause: /Expected a number between -100 and 100 for Adjustments\[0\]\.percent but received "abc"$/ },
	{ column: 'Quantified Edit', title: 'Seed 10^20', params: (b) => opts(b, { seed: V }), good: 7, bad: 1e20, cause: /Expected an integer between 0 and 2147483647 for Seed but received 100000000000000000000$/ },
	{ column: 'Quantified Edit', title: 'Seed -5', params: (b) => opts(b, { seed: V }), good: 7, bad: -5, cause: /for Seed but received -5$/ },
	{ column: 'Quantified Edit', title: 'Temperature "abc"', params: (b) => opts(b, { temperature: V }), good: 0.5, bad: 'abc', cause: /Expected a number between 0 and 2 for Temperature but received "abc"$/ },
	{ column: 'Quantified Edit', title: 'empty instruction', params: (b) => ({ ...b, instruction: V }), good: 'slightly darker', bad: '', cause: /Expected an instruction or at least one non-zero adjustment for Instruction but received ""$/ },
	{ column: 'Quantified Edit', title: 'Image Size "-1K"', params: (b) => opts(b, { imageSize: V }), good: '1K', bad: '-1K', cause: /for Image Size but received "-1K"$/ },
	{ column: 'Quantified Edit', title: 'Max Concurrent Requests 0', params: (b) => opts(b, { maxConcurrent: V }), good: 4, bad: 0, cause: /Expected an integer between 1 and 1000 for Max Concurrent Requests but received 0$/ },
	{ column: 'Quantified Edit', title: 'Timeout (Seconds) "abc"', params: (b) => opts(b, { timeoutSeconds: V }), good: 60, bad: 'abc', cause: /for Timeout \(Seconds\) but received "abc"$/ },
	{ column: 'Quantified Edit', title: 'Max Input Megapixels -5', params: (b) => opts(b, { maxInputMegapixels: V }), good: 50, bad: -5, cause: /for Max Input Megapixels but received -5$/ },
	{ column: 'Reference Edit', title: 'Seed 10^20', params: (b) => opts(b, { seed: V }), good: 7, bad: 1e20, cause: /for Seed but received 100000000000000000000$/ },
	{ column: 'Reference Edit', title: 'Temperature NaN', params: (b) => opts(b, { temperature: '={{ Number($json.v) }}' }), good: '0.5', bad: 'abc', cause: /for Temperature but received NaN$/ },
	{ column: 'Reference Edit', title: 'empty Additional Instructions (the pair is the instruction)', params: (b) => ({ ...b, extraInstruction: V }), good: 'keep it natural', bad: '' },
	{ column: 'Multi-Sample', title: 'Variants per Image 10^9', params: (b) => ({ ...b, variants: V }), good: 1, bad: 1e9, cause: /Expected an integer between 1 and 10 for Variants per Image but received 1000000000$/ },
	{ column: 'Multi-Sample', title: 'Top K -3', params: (b) => ({ ...b, output: 'topK', topK: V }), good: 1, bad: -3, cause: /Expected an integer between 1 and 1 for Top K but received -3$/ },
	{ column: 'Multi-Sample', title: 'Change (%) "abc"', params: (b) => ({ ...b, ...adjustment(V) }), good: -10, bad: 'abc', cause: /for Adjustments\[0\]\.percent but received "abc"$/ },
	{ column: 'Multi-Sample', title: 'empty instruction', params: (b) => ({ ...b, instruction: V }), good: 'slightly darker', bad: '', cause: /for Instruction but received ""$/ },
	{ column: 'Multi-Sample', title: 'Seed 10^20', params: (b) => opts(b, { seed: V }), good: 7, bad: 1e20, cause: /for Seed but received 100000000000000000000$/ },
	{ column: 'Multi-Sample', title: 'Score Threshold "abc"', params: (b) => ({ ...b, reroll: true, maxExtraCalls: 0, rerollThreshold: V }), good: 0.5, bad: 'abc', cause: /Expected a number between 0 and 1 for Score Threshold but received "abc"$/ },
	{ column: 'Seeded Generate', title: 'Width -512', params: (b) => ({ ...b, width: V }), good: 64, bad: -512, cause: /Expected an integer between 64 and 8192 for Width but received -512$/ },
	{ column: 'Seeded Generate', title: 'Height 10^9', params: (b) => ({ ...b, height: V }), good: 64, bad: 1e9, cause: /for Height but received 1000000000$/ },
	{ column: 'Seeded Generate', title: 'Seed 10^20', params: (b) => ({ ...b, seed: V }), good: 5, bad: 1e20, cause: /Expected an integer between 0 and 2147483647 for Seed but received 100000000000000000000$/ },
	{ column: 'Seeded Generate', title: 'Seed (From Expression) "abc"', params: (b) => ({ ...b, seedMode: 'expression', seedExpression: V }), good: 5, bad: 'abc', cause: /for Seed \(From Expression\) but received "abc"$/ },
	{ column: 'Seeded Generate', title: 'Steps NaN', params: (b) => ({ ...b, sdSteps: '={{ Number($json.v) }}' }), good: '2', bad: 'abc', cause: /Expected an integer between 1 and 150 for Steps but received NaN$/ },
	{ column: 'Seeded Generate', title: 'empty prompt', params: (b) => ({ ...b, prompt: V }), good: 'a cat', bad: '', cause: /Expected a non-empty prompt for Prompt but received ""$/ },
	{ column: 'Seeded Generate', title: 'Timeout (Seconds) "abc"', params: (b) => opts(b, { timeoutSeconds: V }), good: 60, bad: 'abc', cause: /for Timeout \(Seconds\) but received "abc"$/ },
	{ column: 'Deterministic Adjust: Adjust', title: 'Resize Width -100', params: (b) => opts(b, { resizeWidth: V }), good: 48, bad: -100, cause: /Expected an integer between 0 and 65535 for Resize Width but received -100$/ },
	{ column: 'Deterministic Adjust: Adjust', title: 'Resize Width 10^9', params: (b) => opts(b, { resizeWidth: V }), good: 48, bad: 1e9, cause: /for Resize Width but received 1000000000$/ },
	{ column: 'Deterministic Adjust: Adjust', title: 'Resize Height "abc"', params: (b) => opts(b, { resizeHeight: V }), good: 32, bad: 'abc', cause: /for Resize Height but received "abc"$/ },
	{ column: 'Deterministic Adjust: Adjust', title: 'Quality "abc"', params: (b) => opts(b, { format: 'jpeg', quality: V }), good: 80, bad: 'abc', cause: /Expected an integer between 1 and 100 for Quality but received "abc"$/ },
	{ column: 'Deterministic Adjust: Adjust', title: 'Format "bmp"', params: (b) => opts(b, { format: V }), good: 'png', bad: 'bmp', cause: /Expected one of same, jpeg, png, webp, avif for Format but received "bmp"$/ },
	{ column: 'Deterministic Adjust: Adjust', title: 'brightness factor NaN', params: (b) => ({ ...b, ...uiStep({ op: 'brightness', factor: '={{ Number($json.v) }}' }) }), good: '0.9', bad: 'abc', cause: /Expected a number between 0 and 4 for steps\[0\]\.factor \(brightness\) but received NaN$/ },
	{ column: 'Deterministic Adjust: Adjust', title: 'grain seed 10^20', params: (b) => ({ ...b, ...uiStep({ op: 'grain', grainStrength: 10, grainSize: 1, seed: V, monochrome: true }) }), good: 3, bad: 1e20, cause: /for steps\[0\]\.seed \(grain\) but received 100000000000000000000$/ },
	{ column: 'Deterministic Adjust: Adjust', title: 'empty Steps (JSON)', params: (b) => ({ ...b, stepsJson: V }), good: '[]', bad: '', cause: /Steps \(JSON\) is not valid JSON$/ },
	{ column: 'Deterministic Adjust: Adjust', title: 'Max Input Megapixels -5', params: (b) => opts(b, { maxInputMegapixels: V }), good: 10, bad: -5, cause: /Expected a number between 0.01 and 1000 for Max Input Megapixels but received -5$/ },
	{ column: 'Deterministic Adjust: Adjust', title: 'Images in Parallel 0', params: (b) => opts(b, { concurrency: V }), good: 2, bad: 0, cause: /Expected an integer between 1 and 16 for Images in Parallel but received 0$/ },
	{ column: 'Deterministic Adjust: Replicate', title: 'LUT Size 10^9', params: (b) => ({ ...b, pairSource: 'item', learning: { size: V } }), good: 9, bad: 1e9, cause: /Expected an integer between 2 and 65 for LUT Size but received 1000000000$/ },
	{ column: 'Deterministic Adjust: Replicate', title: 'Mix "abc"', params: (b) => ({ ...b, learning: { size: 9, strength: V } }), good: 1, bad: 'abc', cause: /Expected a number between 0 and 1 for Mix but received "abc"$/ },
];

describe('catalogue, absurd parameters', () => {
	it.each(PARAM_CASES.map((p) => [p.column, p.title, p] as const))('%s: %s', async (_c, _t, p) => {
		const c = column(p.column);
		const pairOnEveryItem = c.firstItemExtras?.() ?? {};
		const items = itemsAround(c, { files: { data: file(good), ...pairOnEveryItem } }, [{ v: p.good }, { v: p.bad }, { v: p.good }]);
		if (p.column === 'Deterministic Adjust: Replicate') items[2].files = { ...items[2].files, ...pairOnEveryItem };
		const params = p.params(c.params);
		if (p.cause) {
			// The node-failure path is the same for every cause: checked for the first case of each
			// column and for the execution-wide Options (read once per execution, checked per item).
			const first = PARAM_CASES.find((q) => q.column === p.column) === p;
			const executionWide = /Max Concurrent|Timeout|Max Input Megapixels|Images in Parallel/.test(p.title);
			await expectItemError(c, items, { cause: p.cause, names: [] }, params, first || executionWide);
			return;
		}
		const result = await run(c, items, false, params);
		expect(result.error).toBeUndefined();
		const out = result.output('Under Test');
		expect(out).toHaveLength(3);
		expect(out.map((o) => o.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(out.every((o) => o.binary?.data && !o.json.error)).toBe(true);
	});
});

// ---------------------------------------------------------------------------------------------
// .cube files for Deterministic Adjust's LUT step (from the item's binary property "lut").

const lutParams: INodeParameters = {
	operation: 'adjust',
	binaryPropertyName: 'data',
	stepsSource: 'ui',
	steps: { step: [{ op: 'lut', lutSource: 'binary', lutBinaryField: 'lut', lutStrength: 1, interpolation: 'tetrahedral' }] },
	options: { format: 'png' },
};
const cubeFile = (text: string | Buffer, fileName = 'look.cube'): FileSpec => ({ base64: Buffer.from(text).toString('base64'), mimeType: 'text/plain', fileName });

interface CubeCase {
	title: string;
	lut: () => FileSpec;
	cause?: RegExp;
	description?: RegExp;
}

const CUBE_CASES: CubeCase[] = [
	{ title: 'LUT_3D_SIZE 33 with the 8 rows of a 2-point table (lying size)', lut: () => cubeFile(bad.lyingSizeCube()), cause: /declares LUT_3D_SIZE 33 \(35937 rows\) but has only \d+ characters left for them$/, description: /truncated, or its size line is wrong/ },
	{ title: 'LUT_3D_SIZE 2 with 27 rows (lying size)', lut: () => cubeFile(bad.tooManyRowsCube()), cause: /Unexpected row on line 10 of the \.cube: LUT_3D_SIZE 2 declares 8 rows/ },
	{ title: 'NaN rows', lut: () => cubeFile(bad.nanRowsCube()), cause: /Expected 3 numbers on line 5 of the \.cube but received "nan nan nan"$/ },
	{ title: '10^6 lines for a 2-point table', lut: () => ({ path: bad.millionLinesCubeFile(tmp), mimeType: 'text/plain' }), cause: /Unexpected row on line 10 of the \.cube/ },
	{ title: 'garbage bytes', lut: () => cubeFile(bad.garbageCube(), 'random.cube'), cause: /The \.cube is not a text file: it contains binary data$/ },
	{ title: 'empty file', lut: () => cubeFile(''), cause: /The \.cube in binary property "lut" \(parameter "Steps\[0\] LUT Binary Field"\) is empty$/ },
];

describe('catalogue, .cube files in the LUT step', () => {
	const adjust = column('Deterministic Adjust: Adjust');
	const around = (middle: FileSpec): ItemSpec[] => [
		{ files: { data: file(good), lut: cubeFile(bad.invertCube()) } },
		{ files: { data: file(good), lut: middle } },
		{ files: { data: file(good), lut: cubeFile(bad.invertCube()) } },
	];

	it.each(CUBE_CASES.map((k) => [k.title, k] as const))('%s: a per-item error naming the property, the parameter and the line', async (_t, k) => {
		const started = Date.now();
		await expectItemError(adjust, around(k.lut()), {
			cause: k.cause!,
			description: k.description,
			names: ['binary property "lut"', '(parameter "Steps[0] LUT Binary Field")'],
		}, lutParams);
		expect(Date.now() - started).toBeLessThan(RUN_TIMEOUT_MS);
	});

	it('the good items around a bad .cube were really put through their LUT (inverted)', async () => {
		const result = await run(adjust, around(cubeFile(bad.nanRowsCube())), true, lutParams);
		const inverted = await sharp(await result.binary('Under Test', 0, 'data')).removeAlpha().raw().toBuffer();
		const expected = Buffer.from(goodRaw.map((v) => 255 - v));
		expect(bad.meanAbsDiff(inverted, expected)).toBeLessThan(1);
	});

	it('a genuine 100-point LUT (10^6 rows, ~20 MB of text) works and changes nothing (identity)', async () => {
		const lutPath = bad.millionRowsIdentityCubeFile(tmp);
		const rssBefore = process.memoryUsage().rss;
		const result = await run(adjust, around({ path: lutPath, mimeType: 'text/plain' }), false, lutParams);
		expect(result.error).toBeUndefined();
		const out = await sharp(await result.binary('Under Test', 1, 'data')).removeAlpha().raw().toBuffer();
		expect(bad.meanAbsDiff(out, goodRaw)).toBeLessThan(0.5);
		expect(process.memoryUsage().rss - rssBefore).toBeLessThan(400 * 1024 * 1024);
	});

	it('a bad .cube pasted as text names the text parameter', async () => {
		const params: INodeParameters = {
			...lutParams,
			steps: { step: [{ op: 'lut', lutSource: 'text', lutText: '={{ $json.cube }}', lutStrength: 1, interpolation: 'tetrahedral' }] },
		};
		const items: ItemSpec[] = [bad.invertCube(), bad.nanRowsCube(), bad.invertCube()].map((cube) => ({ json: { cube }, files: { data: file(good) } }));
		await expectItemError(adjust, items, {
			cause: /^Item 1: The \.cube in parameter "Steps\[0\] LUT Text \(Cube Format\)" is not a valid LUT: Expected 3 numbers on line 5/,
			names: [],
		}, params);
	});
});

// ---------------------------------------------------------------------------------------------
// An execution-wide option that is bad for every item (not only the middle one).

describe('an invalid execution-wide option on every item', () => {
	const cases: Array<[string, INodeParameters, RegExp]> = [
		['Quantified Edit', { maxRetries: 99 }, /Expected an integer between 0 and 10 for Max Retries but received 99$/],
		['Reference Edit', { requestsPerMinute: -1 }, /for Max Requests per Minute but received -1$/],
		['Seeded Generate', { timeoutSeconds: 'abc' }, /for Timeout \(Seconds\) but received "abc"$/],
		['Deterministic Adjust: Adjust', { concurrency: 'abc' }, /Expected an integer between 1 and 16 for Images in Parallel but received "abc"$/],
		['Deterministic Adjust: Replicate', { maxInputMegapixels: 0 }, /for Max Input Megapixels but received 0$/],
	];
	// n8n passes the input items through unchanged when a node throws before its items run and
	// Continue On Fail is on: the images would travel on unedited. Every item must be an error item.
	it.each(cases)('%s: every item becomes an error item, none passes through unedited, nothing is sent', async (title, options, cause) => {
		const c = column(title);
		const params = { ...c.params, options: { ...(c.params.options as INodeParameters), ...options } };
		const result = await run(c, itemsAround(c, { files: { data: file(good) } }), true, params);
		expect(result.error).toBeUndefined();
		const out = result.output('Under Test');
		expect(out).toHaveLength(3);
		out.forEach((item, i) => {
			expect(item.pairedItem).toEqual({ item: i });
			expect(item.json).toMatchObject({ errorKind: 'invalidInput', itemIndex: i });
			expect(String(item.json.error)).toMatch(new RegExp(`^Item ${i}: `));
			expect(String(item.json.error)).toMatch(cause);
		});
		expect(c.calls()).toHaveLength(0);
	});
});
