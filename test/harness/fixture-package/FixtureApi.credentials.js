'use strict';

/**
 * API-key credential with a generic `authenticate` rule, so tests can check the
 * harness resolves credentials and applies auth the way n8n does.
 */
class FixtureApi {
	constructor() {
		this.name = 'fixtureApi';
		this.displayName = 'Fixture API';
		this.documentationUrl = 'https://example.invalid/fixture-api';
		this.properties = [
			{
				displayName: 'API Key',
				name: 'apiKey',
				type: 'string',
				typeOptions: { password: true },
				default: '',
			},
			{
				displayName: 'Base URL',
				name: 'baseUrl',
				type: 'string',
				default: '',
			},
			{
				displayName: 'Client Name',
				name: 'client',
				type: 'string',
				default: 'harness',
			},
		];
		this.authenticate = {
			type: 'generic',
			properties: {
				headers: { 'x-api-key': '={{$credentials.apiKey}}' },
				qs: { client: '={{$credentials.client}}' },
			},
		};
	}
}

module.exports = { FixtureApi };
