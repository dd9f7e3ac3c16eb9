import type { IAuthenticateGeneric, ICredentialTestRequest, ICredentialType, INodeProperties, Icon } from 'n8n-workflow';

/**
 * A self-hosted image generator: Stable Diffusion WebUI (AUTOMATIC1111 / Forge, started with
 * --api) or ComfyUI. Base URL and optional HTTP basic auth. Plain http is accepted because these
 * servers usually run on the same machine or network as n8n; see the Base URL description.
 */
export class SelfHostedImageApi implements ICredentialType {
	name = 'selfHostedImageApi';

	displayName = 'Self-Hosted Image API';

	icon: Icon = { light: 'file:icons/selfHosted.svg', dark: 'file:icons/selfHosted.dark.svg' };

	documentationUrl = 'https://www.npmjs.com/package/n8n-nodes-consistent-image-edit#self-hosted-image-api-credential';

	properties: INodeProperties[] = [
		{
			displayName: 'Server Type',
			name: 'kind',
			type: 'options',
			default: 'sdWebui',
			options: [
				{ name: 'Stable Diffusion WebUI (AUTOMATIC1111 / Forge)', value: 'sdWebui', description: 'Started with --api (and --api-auth for basic auth)' },
				{ name: 'ComfyUI', value: 'comfyui' },
			],
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'http://127.0.0.1:7860',
			required: true,
			description:
				'Root URL of the WebUI, without /sdapi. Plain http is allowed because the server is your own; use https (e.g. a reverse proxy) if the password crosses a network you do not trust.',
			displayOptions: { show: { kind: ['sdWebui'] } },
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'http://127.0.0.1:8188',
			required: true,
			description:
				'Root URL of ComfyUI. Plain http is allowed because the server is your own; use https (e.g. a reverse proxy) if the password crosses a network you do not trust.',
			displayOptions: { show: { kind: ['comfyui'] } },
		},
		{
			displayName: 'User',
			name: 'user',
			type: 'string',
			default: '',
			description: 'HTTP basic auth user (WebUI --api-auth, or a reverse proxy); empty = no authentication',
		},
		{
			displayName: 'Password',
			name: 'password',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: 'HTTP basic auth password; never shown in outputs, errors or logs',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			auth: { username: '={{$credentials.user}}', password: '={{$credentials.password}}' },
		},
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl}}',
			url: '={{$credentials.kind === "comfyui" ? "/system_stats" : "/sdapi/v1/sd-models"}}',
			method: 'GET',
		},
	};
}
