import type { ExecutionLifecycleHooks, WorkflowExecute } from 'n8n-core';
import { ExternalSecretsProxy } from 'n8n-core';
import type { ICredentialsHelper, IRun, IWorkflowExecuteAdditionalData } from 'n8n-workflow';

const BASE_URL = 'http://localhost:5678';

/**
 * What n8n's cli hands WorkflowExecute, minus the server: URLs are placeholders,
 * sub-workflows and task runners (Code node) are not available.
 */
export function createAdditionalData(
	executionId: string,
	workflowId: string,
	hooks: ExecutionLifecycleHooks,
	credentialsHelper: ICredentialsHelper,
): IWorkflowExecuteAdditionalData {
	const unsupported = (what: string) => async (): Promise<never> => {
		throw new Error(`${what} is not supported by the workflow test harness`);
	};
	return {
		executionId,
		workflowId,
		hooks,
		credentialsHelper,
		// No secrets provider: `$secrets` expressions resolve to nothing, as on an unlicensed n8n.
		externalSecretsProxy: new ExternalSecretsProxy(),
		currentNodeExecutionIndex: 0,
		variables: {},
		restApiUrl: `${BASE_URL}/rest`,
		instanceBaseUrl: `${BASE_URL}/`,
		formBaseUrl: `${BASE_URL}/form`,
		formTestBaseUrl: `${BASE_URL}/form-test`,
		formWaitingBaseUrl: `${BASE_URL}/form-waiting`,
		webhookBaseUrl: `${BASE_URL}/webhook`,
		webhookTestBaseUrl: `${BASE_URL}/webhook-test`,
		webhookWaitingBaseUrl: `${BASE_URL}/webhook-waiting`,
		mcpBaseUrl: `${BASE_URL}/mcp`,
		mcpTestBaseUrl: `${BASE_URL}/mcp-test`,
		logAiEvent: () => {},
		getRunExecutionData: async () => undefined,
		getRuntimeCredential: async () => undefined,
		executeWorkflow: unsupported('Executing a sub-workflow'),
		startRunnerTask: unsupported('Running a task runner (Code node)'),
	};
}

// How long a cancelled run gets to wind down before the harness stops waiting for it.
const CANCEL_GRACE_MS = 300;

/**
 * Cancels `running` after `ms` as n8n's execution timeout does. Settles with n8n's
 * own cancelled run, or, if a node ignores the abort signal and never returns,
 * with the partial run WorkflowExecute reported when it was cancelled.
 */
export async function withTimeout(
	running: ReturnType<WorkflowExecute['run']>,
	ms: number,
	hooks: ExecutionLifecycleHooks,
	onTimeout: () => void,
): Promise<IRun> {
	let timer: NodeJS.Timeout | undefined;
	const stuck = new Promise<IRun>((resolve) => {
		timer = setTimeout(() => {
			let partial: IRun | undefined;
			// WorkflowExecute's cancel handler reports the partial run through this hook.
			hooks.addHandler('workflowExecuteAfter', (run) => {
				partial ??= run;
			});
			onTimeout();
			running.cancel();
			timer = setTimeout(() => partial && resolve(partial), CANCEL_GRACE_MS);
		}, ms);
	});
	try {
		return await Promise.race([running, stuck]);
	} finally {
		clearTimeout(timer);
	}
}
