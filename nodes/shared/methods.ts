/**
 * Node methods shared by every AI node: the credential test and the model picker.
 */
import type {
	ICredentialsDecrypted,
	ICredentialTestFunctions,
	ILoadOptionsFunctions,
	INodeCredentialTestResult,
	INodeListSearchResult,
} from 'n8n-workflow';
import { isEngineError } from '../../engine/core/errors';
import { redactSecrets } from '../../engine/core/redact';
import { secretsOfRaw, type RawProviderCredential } from '../../engine/provider/config';
import { GEMINI_IMAGE_MODELS } from '../../engine/provider/models';
import { geminiClient, loadProvider, providerFromCredential } from './provider';

/**
 * Lists the image models the credential reaches (a cheap call), so a wrong key, URL or API
 * version is caught when the credential is saved.
 */
export async function imageModelApiTest(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	// Until the credential parses, scrub with what its raw fields hold.
	let secrets: string[] = secretsOfRaw((credential.data ?? {}) as RawProviderCredential);
	try {
		const session = providerFromCredential(credential.data ?? {});
		secrets = session.secrets;
		if (!session.config.apis.includes('gemini')) {
			return { status: 'OK', message: 'Saved. This gateway only speaks the OpenAI images API, which has no model list to test with.' };
		}
		const ids = await geminiClient(session, 20_000).listModels(true);
		const shown = ids.slice(0, 5).join(', ');
		return {
			status: 'OK',
			message: ids.length ? `Connected: ${ids.length} image model(s), e.g. ${shown}` : 'Connected, but the model list has no image models',
		};
	} catch (error) {
		const message = isEngineError(error) ? error.message : error instanceof Error ? error.message : String(error);
		return { status: 'Error', message: redactSecrets(message, secrets) };
	}
}

/** Model picker (resource locator "From List"): the provider's image models, GA ids first. */
export async function searchImageModels(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	let ids: string[] = [];
	try {
		ids = await geminiClient(await loadProvider(this), 20_000).listModels(true);
	} catch {
		// No credential yet or the provider is unreachable: offer the GA ids.
	}
	const known = GEMINI_IMAGE_MODELS.map((m) => ({ name: m.name, value: m.id as string }));
	const extra = ids.filter((id) => !known.some((k) => k.value === id)).map((id) => ({ name: id, value: id }));
	const all = [...known, ...extra];
	const needle = filter?.toLowerCase().trim();
	return { results: needle ? all.filter((r) => r.name.toLowerCase().includes(needle)) : all };
}
