import type { ICredentialType, INodeProperties, Icon } from 'n8n-workflow';

/**
 * One credential for every AI backend of this pack: Google AI Studio, APIYI, any Gemini- or
 * OpenAI-images-compatible gateway, and Vertex AI. Nodes test it by listing models
 * (see nodes/shared/credential-test.ts).
 */
export class ImageModelApi implements ICredentialType {
	name = 'imageModelApi';

	displayName = 'Image Model API';

	icon: Icon = { light: 'file:icons/imageModel.svg', dark: 'file:icons/imageModel.dark.svg' };

	documentationUrl = 'https://www.npmjs.com/package/n8n-nodes-consistent-image-edit#credential-set-up';

	properties: INodeProperties[] = [
		{
			displayName: 'Provider',
			name: 'provider',
			type: 'options',
			default: 'aiStudio',
			options: [
				{ name: 'Google AI Studio (Gemini API Key)', value: 'aiStudio' },
				{ name: 'APIYI', value: 'apiyi' },
				{ name: 'Custom Gateway', value: 'gateway', description: 'Any gateway speaking the Gemini API and/or the OpenAI images API' },
				{ name: 'Google Vertex AI', value: 'vertex' },
			],
		},
		{
			displayName: 'Vertex Authentication',
			name: 'vertexAuth',
			type: 'options',
			default: 'serviceAccount',
			displayOptions: { show: { provider: ['vertex'] } },
			options: [
				{ name: 'Service Account (JSON Key)', value: 'serviceAccount' },
				{ name: 'Express Mode (API Key)', value: 'express' },
			],
		},
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			displayOptions: { show: { provider: ['aiStudio', 'apiyi', 'gateway'] } },
		},
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			displayOptions: { show: { provider: ['vertex'], vertexAuth: ['express'] } },
		},
		// The key file holds a private key, so it is a password field.
		// eslint-disable-next-line @n8n/community-nodes/credential-unnecessary-password
		{
			displayName: 'Service Account Key (JSON)',
			name: 'serviceAccountJson',
			type: 'string',
			typeOptions: { password: true, rows: 4 },
			default: '',
			required: true,
			description: 'The whole JSON key file of a service account with the Vertex AI User role',
			displayOptions: { show: { provider: ['vertex'], vertexAuth: ['serviceAccount'] } },
		},
		{
			displayName: 'Project ID',
			name: 'project',
			type: 'string',
			default: '',
			description: 'Google Cloud project; empty = the project_id of the key file',
			displayOptions: { show: { provider: ['vertex'], vertexAuth: ['serviceAccount'] } },
		},
		{
			displayName: 'Location',
			name: 'location',
			type: 'string',
			default: 'global',
			description: 'Vertex AI region, e.g. global, us-central1, europe-west4. Gemini 3 image models are served from global.',
			displayOptions: { show: { provider: ['vertex'], vertexAuth: ['serviceAccount'] } },
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://generativelanguage.googleapis.com',
			description: 'Change only to go through a proxy. Must be https unless it is localhost.',
			displayOptions: { show: { provider: ['aiStudio'] } },
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.apiyi.com',
			description: 'APIYI endpoint; change it if APIYI gave you a regional or backup host. Must be https unless it is localhost.',
			displayOptions: { show: { provider: ['apiyi'] } },
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'https://gateway.example.com',
			description: 'Root URL of the gateway, without /v1 or /v1beta. Must be https unless it is localhost.',
			displayOptions: { show: { provider: ['gateway'] } },
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: '',
			placeholder: 'https://us-central1-aiplatform.googleapis.com',
			description: 'Empty = the regional Vertex AI endpoint for the location. Must be https unless it is localhost.',
			displayOptions: { show: { provider: ['vertex'] } },
		},
		{
			displayName: 'Gateway APIs',
			name: 'gatewayApis',
			type: 'multiOptions',
			default: ['gemini'],
			description: 'Which APIs the gateway speaks',
			displayOptions: { show: { provider: ['gateway'] } },
			options: [
				{ name: 'Gemini API (generateContent)', value: 'gemini' },
				{ name: 'OpenAI Images API (/v1/images/generations)', value: 'openaiImages' },
			],
		},
		{
			displayName: 'API Version',
			name: 'apiVersion',
			type: 'options',
			default: '',
			description: 'Path version of the Gemini API. Most gateways copy v1beta; Google serves both.',
			displayOptions: { show: { provider: ['aiStudio', 'apiyi', 'gateway'] } },
			options: [
				{ name: 'SDK Default (V1)', value: '' },
				{ name: 'V1', value: 'v1' },
				{ name: 'V1beta', value: 'v1beta' },
			],
		},
		{
			displayName: 'Send Key As',
			name: 'authHeader',
			type: 'options',
			default: 'x-goog-api-key',
			description: 'How the key reaches a Gemini-native gateway',
			displayOptions: { show: { provider: ['apiyi', 'gateway'] } },
			options: [
				{ name: 'X-Goog-Api-Key Header', value: 'x-goog-api-key' },
				{ name: 'X-Goog-Api-Key and Authorization: Bearer', value: 'bearer' },
			],
		},
	];
}
