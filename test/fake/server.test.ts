/** The fake's plumbing: recording, concurrency stats, latency, reset and close. */
import { startFakeProvider, type FakeProvider } from '.';
import { clearProviderEnv } from './test-images';

clearProviderEnv();

let fake: FakeProvider;

beforeAll(async () => {
	fake = await startFakeProvider();
});
afterAll(async () => await fake.close());
beforeEach(() => {
	fake.reset();
	fake.setLatency(0);
});

const samplers = (url = fake.url) => fetch(`${url}/sdapi/v1/samplers`);

it('listens on 127.0.0.1 on a random port', async () => {
	expect(fake.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
	const other = await startFakeProvider();
	expect(other.url).not.toBe(fake.url);
	await other.close();
});

it('records every request with method, path, query, lower-case headers, parsed body and route', async () => {
	const before = Date.now();
	await fetch(`${fake.url}/v1beta/models/gemini-3-pro-image:generateContent?key=test-key&alt=json`, {
		method: 'POST',
		headers: { 'X-Custom-Header': 'Yes', 'content-type': 'application/json' },
		body: JSON.stringify({
			contents: [{ parts: [{ text: 'hi' }] }],
			generationConfig: { responseModalities: ['TEXT'] },
		}),
	});
	await fetch(`${fake.url}/no/such/path`);
	const [gen, unknown] = fake.requests;
	expect(gen).toMatchObject({
		method: 'POST',
		path: '/v1beta/models/gemini-3-pro-image:generateContent',
		query: { key: 'test-key', alt: 'json' },
		route: 'gemini.generateContent',
		body: { contents: [{ parts: [{ text: 'hi' }] }] },
	});
	expect(gen.headers['x-custom-header']).toBe('Yes');
	expect(gen.rawBody.toString('utf8')).toBe(JSON.stringify(gen.body));
	expect(gen.at).toBeGreaterThanOrEqual(before);
	expect(unknown).toMatchObject({ method: 'GET', path: '/no/such/path', route: 'unknown', body: undefined });
	expect(unknown.at).toBeGreaterThanOrEqual(gen.at);
	expect(fake.stats()).toMatchObject({ calls: 2, byRoute: { 'gemini.generateContent': 1, unknown: 1 } });
});

it('answers unknown paths with 404', async () => {
	expect((await fetch(`${fake.url}/nothing`)).status).toBe(404);
});

it('counts the highest number of concurrently open requests', async () => {
	fake.setLatency(300);
	await Promise.all(Array.from({ length: 5 }, () => samplers()));
	expect(fake.stats()).toMatchObject({ calls: 5, maxInFlight: 5, inFlight: 0 });

	fake.reset();
	fake.setLatency(30);
	for (let i = 0; i < 3; i++) await samplers();
	await Promise.all([samplers(), samplers()]);
	expect(fake.stats()).toMatchObject({ calls: 5, maxInFlight: 2, inFlight: 0 });
});

it('counts a hanging request as in flight until it ends', async () => {
	fake.inject('hang', { route: 'sd.txt2img' });
	const controller = new AbortController();
	const pending = samplers().then(() => undefined);
	const hanging = fetch(`${fake.url}/sdapi/v1/txt2img`, {
		method: 'POST',
		body: '{}',
		signal: controller.signal,
	}).catch(() => 'aborted');
	await pending;
	for (let i = 0; i < 50 && fake.stats().inFlight < 1; i++) await new Promise((r) => setTimeout(r, 5));
	expect(fake.stats().inFlight).toBe(1);
	controller.abort();
	expect(await hanging).toBe('aborted');
	for (let i = 0; i < 50 && fake.stats().inFlight > 0; i++) await new Promise((r) => setTimeout(r, 5));
	expect(fake.stats().inFlight).toBe(0);
});

it('delays every answer by the latency', async () => {
	fake.setLatency(120);
	const started = Date.now();
	await samplers();
	expect(Date.now() - started).toBeGreaterThanOrEqual(115);
	expect(() => fake.setLatency(-1)).toThrow('Expected a non-negative number for latency');
});

it('reset() clears requests and queued faults, keeping the same requests array', async () => {
	const requests = fake.requests;
	fake.inject('serverError', { route: 'sd', times: 5 });
	fake.setFaultRate(1, ['overloaded'], { route: 'sd' });
	expect((await samplers()).status).toBe(500);
	fake.reset();
	expect(requests).toHaveLength(0);
	expect((await samplers()).status).toBe(200);
	expect(fake.requests).toBe(requests);
	expect(requests).toHaveLength(1);
});

it('close() ends hanging requests and stops listening', async () => {
	const f = await startFakeProvider({ latencyMs: 60_000 });
	const slow = samplers(f.url).then(
		() => 'answered',
		() => 'failed',
	);
	for (let i = 0; i < 50 && f.stats().inFlight < 1; i++) await new Promise((r) => setTimeout(r, 5));
	const started = Date.now();
	await f.close();
	expect(await slow).toBe('failed');
	expect(Date.now() - started).toBeLessThan(1000);
	await expect(samplers(f.url)).rejects.toThrow('fetch failed');
	// Closing twice is harmless.
	await f.close();
});
