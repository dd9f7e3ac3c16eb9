import { Credentials } from 'n8n-core';
import type {
	ICredentialDataDecryptedObject,
	ICredentialTypes,
	IDataObject,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INode,
	INodeCredentialsDetails,
	INodeParameters,
	INodeProperties,
	IRequestOptionsSimplified,
	IWorkflowExecuteAdditionalData,
	Workflow,
} from 'n8n-workflow';
import { ICredentialsHelper, NodeHelpers, isExpression } from 'n8n-workflow';

/** Decrypted credential data by credential type name. */
export type CredentialsByType = Record<string, Record<string, unknown>>;

/**
 * Serves the decrypted data a test passes in, by credential type, whatever
 * credential id or name the workflow JSON uses. Behaves like n8n's own helper
 * where a node can tell: property defaults are filled in, `authenticate`
 * (function or generic rules with `{{$credentials.x}}` expressions) is applied,
 * `extends` parents are known, and preAuthentication refreshes expirable tokens.
 */
export class HarnessCredentialsHelper extends ICredentialsHelper {
	private readonly data = new Map<string, ICredentialDataDecryptedObject>();

	constructor(
		private readonly types: ICredentialTypes,
		credentials: CredentialsByType = {},
	) {
		super();
		for (const [type, values] of Object.entries(credentials)) {
			this.data.set(type, structuredClone(values) as ICredentialDataDecryptedObject);
		}
	}

	has(type: string): boolean {
		return this.data.has(type);
	}

	async getDecrypted(
		_additionalData: IWorkflowExecuteAdditionalData,
		_nodeCredentials: INodeCredentialsDetails,
		type: string,
	): Promise<ICredentialDataDecryptedObject> {
		const stored = this.data.get(type);
		if (!stored) {
			throw new Error(
				`No credentials of type "${type}" were given to runWorkflow (options.credentials)`,
			);
		}
		const properties = this.getCredentialsProperties(type);
		const withDefaults = NodeHelpers.getNodeParameters(
			properties,
			structuredClone(stored) as INodeParameters,
			true,
			false,
			null,
			null,
		);
		// Keep values the type does not declare (n8n stores whatever the credential holds).
		return { ...structuredClone(stored), ...withDefaults } as ICredentialDataDecryptedObject;
	}

	async getCredentials(
		nodeCredentials: INodeCredentialsDetails,
		type: string,
	): Promise<Credentials> {
		const credentials = new Credentials(nodeCredentials, type);
		await credentials.setData(this.data.get(type) ?? {});
		return credentials;
	}

	async updateCredentials(
		_nodeCredentials: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		this.data.set(type, structuredClone(data));
	}

	async updateCredentialsOauthTokenData(
		_nodeCredentials: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		this.data.set(type, { ...this.data.get(type), ...structuredClone(data) });
	}

	getParentTypes(type: string): string[] {
		return this.types.getParentTypes(type);
	}

	isCredentialUsableByNode(credentialType: string, nodeType: string): boolean {
		if (!this.types.recognizes(credentialType)) return true;
		const type = this.types.getByName(credentialType);
		if (!type.restrictToSupportedNodes) return true;
		return this.types.getSupportedNodes(credentialType).includes(nodeType);
	}

	getCredentialsProperties(type: string): INodeProperties[] {
		const credentialType = this.types.getByName(type);
		if (!credentialType.extends) return credentialType.properties;
		const merged: INodeProperties[] = [];
		for (const parent of credentialType.extends) {
			NodeHelpers.mergeNodeProperties(merged, this.getCredentialsProperties(parent));
		}
		NodeHelpers.mergeNodeProperties(merged, credentialType.properties);
		return merged;
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions | IRequestOptionsSimplified,
		workflow?: Workflow,
		node?: INode,
	): Promise<IHttpRequestOptions> {
		const { authenticate } = this.types.getByName(typeName);
		if (typeof authenticate === 'function') {
			return await authenticate(credentials, requestOptions as IHttpRequestOptions);
		}
		if (authenticate?.type !== 'generic') return requestOptions as IHttpRequestOptions;
		if (!workflow || !node) {
			throw new Error('Generic credential authentication needs the workflow and node');
		}

		const resolve = (value: unknown) =>
			typeof value === 'string' && isExpression(value)
				? String(
						workflow.expression.getSimpleParameterValue(
							node,
							value,
							'internal',
							{ $credentials: credentials },
							undefined,
							'',
						) ?? '',
					)
				: value;
		const target = requestOptions as unknown as Record<string, unknown>;
		for (const [section, rules] of Object.entries(authenticate.properties)) {
			if (rules === null || typeof rules !== 'object') {
				target[section] = resolve(rules);
				continue;
			}
			const values = (target[section] ?? {}) as IDataObject;
			for (const [key, value] of Object.entries(rules as IDataObject)) {
				values[String(resolve(key))] = resolve(value) as IDataObject[string];
			}
			target[section] = values;
		}
		return requestOptions as IHttpRequestOptions;
	}

	async preAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		_node: INode,
		credentialsExpired: boolean,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const credentialType = this.types.getByName(typeName);
		const expirable = credentialType.properties.find(
			(p) => p.type === 'hidden' && p.typeOptions?.expirable === true,
		);
		if (!expirable || typeof credentialType.preAuthentication !== 'function') return undefined;
		if (credentials[expirable.name] !== '' && !credentialsExpired) return undefined;

		const output = await credentialType.preAuthentication.call(helpers, credentials);
		if (output[expirable.name] === undefined) return undefined;
		const refreshed = { ...credentials, ...output } as ICredentialDataDecryptedObject;
		this.data.set(typeName, refreshed);
		return refreshed;
	}

	async runPreAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const { preAuthentication } = this.types.getByName(typeName);
		if (typeof preAuthentication !== 'function') return undefined;
		return (await preAuthentication.call(helpers, credentials)) as ICredentialDataDecryptedObject;
	}
}
