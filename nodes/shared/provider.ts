/**
 * Credential -> engine: reads the pack's credential and builds the provider client, so the
 * nodes never touch credential fields themselves.
 */
import type { ICredentialDataDecryptedObject, IExecuteFunctions, ILoadOptionsFunctions } from 'n8n-workflow';
import { parseProviderConfig, secretsOf, type ProviderConfig, type RawProviderCredential } from '../../engine/provider/config';
import { GeminiImageClient } from '../../engine/provider/gemini-client';

export const CREDENTIAL_TYPE = 'imageModelApi';

export interface ProviderSession {
	config: ProviderConfig;
	secrets: string[];
}

/** Parses the credential; errors name the credential field, never its value. */
export function providerFromCredential(data: ICredentialDataDecryptedObject): ProviderSession {
	const config = parseProviderConfig(data as RawProviderCredential);
	return { config, secrets: secretsOf(config) };
}

export async function loadProvider(ctx: IExecuteFunctions | ILoadOptionsFunctions): Promise<ProviderSession> {
	return providerFromCredential(await ctx.getCredentials(CREDENTIAL_TYPE));
}

export function geminiClient(session: ProviderSession, timeoutMs?: number): GeminiImageClient {
	return new GeminiImageClient(session.config, { timeoutMs });
}
