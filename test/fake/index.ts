/**
 * A wire-faithful fake of the image providers this pack talks to (Gemini API, Vertex AI,
 * OpenAI-style gateways such as APIYI, Stable Diffusion WebUI, ComfyUI), for tests.
 * See README.md in this folder for routes, faults and helpers.
 */
export { startFakeProvider } from './server';
export { parseEdits } from './prompt-edits';
export { GENERATION_ROUTES } from './faults';
export {
	DEFAULT_MODELS,
	DEFAULT_RETIRED_MODELS,
	FAULT_KINDS,
	type AppliedEdit,
	type FakeProvider,
	type FakeProviderOptions,
	type FakeProviderStats,
	type FaultKind,
	type FaultRateOptions,
	type FileBehaviour,
	type InjectOptions,
	type RecordedRequest,
} from './types';
