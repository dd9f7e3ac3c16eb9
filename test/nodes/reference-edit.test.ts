/** Reference Edit through real workflows: the before/after pair, image order, shared references. */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { startFakeProvider, type FakeProvider } from '../fake';
import { runWorkflow } from '../harness/run-workflow';
import { PHOTOS, SECRET_KEY, workflowFor, type ItemSpec } from './helpers';

let fake: FakeProvider;
let approvedB64: string;
beforeAll(async () => {
	fake = await startFakeProvider({ apiKeys: [SECRET_KEY], variance: 0 });
	// The approved result: the original made 80 % as bright (PIL-style linear scale).
	approvedB64 = (await sharp(PHOTOS[0]).linear(0.8, 0).png().toBuffer()).toString('base64');
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

const credentials = () => ({ imageModelApi: { provider: 'aiStudio', apiKey: SECRET_KEY, baseUrl: fake.url } });
type GenBody = { contents: Array<{ parts: Array<{ text?: string; inlineData?: { data: string } }> }> };

function items(withPairOnFirst: boolean): ItemSpec[] {
	return [PHOTOS[1], PHOTOS[2]].map((p, i) => ({
		files: {
			data: { path: p, mimeType: 'image/png' },
			...(withPairOnFirst && i === 0
				? { original: { path: PHOTOS[0], mimeType: 'image/png' }, approved: { base64: approvedB64, mimeType: 'image/png', fileName: 'approved.png' } }
				: {}),
		},
	}));
}

const params = (extra: Record<string, unknown> = {}) => ({
	binaryPropertyName: 'data',
	referenceSource: 'firstItem',
	approvedProperty: 'approved',
	useOriginal: true,
	originalProperty: 'original',
	model: { __rl: true, mode: 'list', value: 'gemini-3-pro-image' },
	options: { maxRetries: 0 },
	...extra,
});

it('sends the pair from the first item with every item: original, approved, then the new image last', async () => {
	const result = await runWorkflow(workflowFor('referenceEdit', params(), items(true)), { credentials: credentials() });
	expect(result.error).toBeUndefined();
	const out = result.output('Under Test');
	expect(out).toHaveLength(2);
	const calls = fake.requests.filter((r) => r.route.endsWith('generateContent')).map((r) => r.body as GenBody);
	expect(calls).toHaveLength(2);
	// Compare digests, not megabytes of base64, so a failure stays readable.
	const digest = (b64?: string) => createHash('sha256').update(b64 ?? '').digest('hex');
	const fileDigest = (p: string) => digest(readFileSync(p).toString('base64'));
	for (const newImage of [PHOTOS[1], PHOTOS[2]]) {
		const parts = calls.map((c) => c.contents[0].parts).find((p) => digest(p[3]?.inlineData?.data) === fileDigest(newImage));
		expect(parts).toBeDefined();
		expect(parts!.map((p) => (p.text !== undefined ? 'text' : 'image'))).toEqual(['text', 'image', 'image', 'image']);
		expect(digest(parts![1].inlineData?.data)).toBe(fileDigest(PHOTOS[0]));
		expect(digest(parts![2].inlineData?.data)).toBe(digest(approvedB64));
		expect(parts![0].text).toContain('Image 1 is an ORIGINAL photo. Image 2 is the APPROVED edit of image 1. Image 3 is a NEW photo.');
	}
	const json = out[0].json as Record<string, any>;
	// The pair was made 20 % darker; the measured pair effect and the prompt must say so.
	expect(json.approvedPairEffect.brightnessPercent).toBeGreaterThan(-22);
	expect(json.approvedPairEffect.brightnessPercent).toBeLessThan(-18);
	expect(json.prompt).toMatch(/- brightness -(1[89]|2[01])(\.\d)? %/);
	expect(out[1].pairedItem).toEqual({ item: 1 });
});

it('without the original: approved first, new image last, "same effect, same degree" wording', async () => {
	const result = await runWorkflow(workflowFor('referenceEdit', params({ useOriginal: false }), items(true)), { credentials: credentials() });
	expect(result.error).toBeUndefined();
	const body = fake.requests.find((r) => r.route.endsWith('generateContent'))!.body as GenBody;
	expect(body.contents[0].parts.map((p) => (p.text !== undefined ? 'text' : 'image'))).toEqual(['text', 'image', 'image']);
	expect(body.contents[0].parts[0].text).toContain('Edit image 2 so that it gets the same effect as image 1, to the same degree');
	expect(result.output('Under Test')[0].json.approvedPairEffect).toBeNull();
});

it('references on each item: an item without its approved image fails alone, naming the parameter', async () => {
	const list = items(true);
	const result = await runWorkflow(workflowFor('referenceEdit', params({ referenceSource: 'item' }), list, { onError: 'continueRegularOutput' }), {
		credentials: credentials(),
	});
	const out = result.output('Under Test');
	expect(out[0].binary?.data).toBeDefined();
	expect(out[1].json).toMatchObject({ errorKind: 'invalidInput', itemIndex: 1 });
	expect(out[1].json.error).toBe('Item 1: No binary property "approved" on this item (parameter "Approved Result Binary Field")');
});
