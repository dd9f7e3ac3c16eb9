'use strict';

/**
 * Sends GET {baseUrl}{path} with httpRequestWithAuthentication('fixtureApi') and
 * outputs the JSON reply, so tests can see which credentials and auth arrived.
 */
class HttpProbe {
	constructor() {
		this.description = {
			displayName: 'HTTP Probe',
			name: 'httpProbe',
			icon: 'fa:satellite-dish',
			group: ['transform'],
			version: 1,
			description: 'Calls the fixture API with the fixtureApi credential',
			defaults: { name: 'HTTP Probe' },
			inputs: ['main'],
			outputs: ['main'],
			credentials: [{ name: 'fixtureApi', required: true }],
			properties: [
				{
					displayName: 'Path',
					name: 'path',
					type: 'string',
					default: '/',
				},
			],
		};
	}

	async execute() {
		const items = this.getInputData();
		const credentials = await this.getCredentials('fixtureApi');
		const out = [];
		for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
			const reply = await this.helpers.httpRequestWithAuthentication.call(this, 'fixtureApi', {
				method: 'GET',
				url: `${credentials.baseUrl}${this.getNodeParameter('path', itemIndex)}`,
				json: true,
			});
			out.push({ json: { reply, baseUrl: credentials.baseUrl }, pairedItem: { item: itemIndex } });
		}
		return [out];
	}
}

module.exports = { HttpProbe };
